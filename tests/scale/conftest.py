from tests.assessments.conftest import period, report_a  # noqa: F401 - shared fixtures

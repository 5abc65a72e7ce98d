from tests.assessments.conftest import period, report_a, report_b  # noqa: F401 - shared fixtures

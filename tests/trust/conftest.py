from tests.assessments.conftest import period, report_a  # noqa: F401 - shared fixtures
from tests.schedules.conftest import org  # noqa: F401 - a small organization with a 2030 first half

from tests.assessments.conftest import period  # noqa: F401  (an open period of the cast, due in 14 days)
from tests.schedules.conftest import org  # noqa: F401  (a small organization with a 2030 first half)

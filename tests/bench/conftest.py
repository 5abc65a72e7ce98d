# The report loop's fixtures (an open period, unit A's report, …), to judge real answers.
from tests.assessments.conftest import _media_in_tmp, period, report_a, report_b, submitted_a  # noqa: F401

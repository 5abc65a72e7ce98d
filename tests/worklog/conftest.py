"""The open period of the cast (tests/assessments) for the pages that show it."""

from tests.assessments.conftest import period  # noqa: F401

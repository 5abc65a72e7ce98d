import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import issue_token
from tests.assessments.conftest import period, report_a, report_b  # noqa: F401 - shared fixtures
from tests.trust.test_permission_matrix import objects, people  # noqa: F401 - the matrix's objects and people


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Wrong tokens are counted per address in the cache; each test starts with none counted.
    cache.clear()


def token_client(user, *, actor=None) -> APIClient:
    """An API client carrying a fresh personal token of ``user`` (none for None)."""
    client = APIClient()
    if user is not None:
        raw = issue_token(user=user, name="test", days=30, actor=actor or user).raw
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_as(cast):
    """``api_as(cast.secretary_a)`` → an API client with a token of that person."""
    return lambda user: token_client(user, actor=cast.admin)

"""Helpers the page tests share."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagecache import bump, bump_people


def count_queries(client, url: str) -> int:
    """How many SQL queries one GET of ``url`` costs when the page is made (the page must
    answer 200): any cached copy of the page or of the person is dropped first
    (core/pagecache.py, accounts/backends.py), so that counts compare."""
    bump()
    bump_people()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)

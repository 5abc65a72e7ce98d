"""Helpers the page tests share."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagecache import bump


def count_queries(client, url: str) -> int:
    """How many SQL queries one GET of ``url`` costs when the page is made (the page must
    answer 200): any cached copy is dropped first (core/pagecache.py)."""
    bump()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)

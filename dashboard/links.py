"""URLs of the drill-down list with its filters in the query string (bookmarkable).

Built by hand on a base URL reversed once: the dashboard makes several hundred of them per
page at province scale, and ``reverse`` + ``urlencode`` each time was a measurable share of
its server time. Every value is an id or a fixed choice, so nothing needs escaping.
"""

from functools import cache
from urllib.parse import urlencode

from django.urls import reverse


@cache
def _base(name: str) -> str:
    return reverse(name)


def _id(value):
    return getattr(value, "pk", value)


def reports_url(*, period=None, unit=None, exact=False, category=None, state=None, warning=None) -> str:
    parts = []
    if period is not None:
        parts.append(f"period={_id(period)}")
    if unit is not None:
        parts.append(f"unit={_id(unit)}")
    if exact:
        parts.append("exact=on")
    if category is not None:
        parts.append(f"category={_id(category)}")
    if state:
        parts.append(f"state={state}")
    if warning:
        parts.append(f"warning={warning}")
    return _base("dashboard:reports") + ("?" + "&".join(parts) if parts else "")


def dashboard_url(name: str = "dashboard:index", **params) -> str:
    params = {k: _id(v) for k, v in params.items() if v not in (None, "")}
    query = urlencode(params)
    return _base(name) + (f"?{query}" if query else "")

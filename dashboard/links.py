"""URLs of the drill-down list with its filters in the query string (bookmarkable)."""

from urllib.parse import urlencode

from django.urls import reverse


def reports_url(*, period=None, unit=None, exact=False, category=None, state=None, warning=None) -> str:
    params = {}
    if period is not None:
        params["period"] = getattr(period, "pk", period)
    if unit is not None:
        params["unit"] = getattr(unit, "pk", unit)
    if exact:
        params["exact"] = "on"
    if category is not None:
        params["category"] = getattr(category, "pk", category)
    if state:
        params["state"] = state
    if warning:
        params["warning"] = warning
    query = urlencode(params)
    return reverse("dashboard:reports") + (f"?{query}" if query else "")


def dashboard_url(name: str = "dashboard:index", **params) -> str:
    params = {k: getattr(v, "pk", v) for k, v in params.items() if v not in (None, "")}
    query = urlencode(params)
    return reverse(name) + (f"?{query}" if query else "")

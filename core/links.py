"""Which of the links a page would show open for the person reading it (DESIGN.md, "Who
sees what": a link is shown only where its page would open).

A page that links to its own objects lists only what the access scope lets through, so
its links open. A page that shows links made elsewhere and earlier — the notifications
list: a report of a unit whose post the reader has since handed on — asks
``links_open_to``. Each app registers, from its ``AppConfig.ready()``, a check for the URL
of each of its object pages, written on the answers of the access scope
(``responsibilities.access``); the kernel only dispatches, and knows no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlsplit

from django.db.models import QuerySet
from django.urls import Resolver404, resolve

# ``check(user, targets)`` → one bool per target; a target is the URL's keyword arguments,
# with its query string's values under "?". One query per kind of link, whatever their number.
LinkCheck = Callable[[object, list[dict]], list[bool]]
CHECKS: dict[str, LinkCheck] = {}


def register(url_name: str, check: LinkCheck) -> None:
    """Say for the page ``url_name`` which targets open for a person (registering again
    replaces the check, so an app's ready() may run twice)."""
    CHECKS[url_name] = check


def links_open_to(user, urls: Iterable[str]) -> dict[str, bool]:
    """{url: whether its page opens for ``user``} for Mingze's own URLs. A URL naming no
    page is closed; a page no app registered a check for (a list, a form) is taken as open."""
    answers: dict[str, bool] = {}
    by_name: dict[str, list[tuple[str, dict]]] = {}
    for url in set(urls):
        parts = urlsplit(url)
        try:
            match = resolve(parts.path)
        except Resolver404:
            answers[url] = False
            continue
        target = {**match.kwargs, "?": dict(parse_qsl(parts.query))}
        by_name.setdefault(match.view_name, []).append((url, target))
    for name, items in by_name.items():
        check = CHECKS.get(name)
        results = check(user, [target for _url, target in items]) if check else [True] * len(items)
        answers.update({url: bool(ok) for (url, _target), ok in zip(items, results, strict=True)})
    return answers


def pks_in(qs: QuerySet, targets: list[dict], key: str = "pk") -> list[bool]:
    """A check's usual body: which of ``targets[key]`` are rows of ``qs`` (already limited
    to what the person may see). One query."""
    ids = [int(t[key]) if str(t.get(key, "")).isdigit() else None for t in targets]
    wanted = {pk for pk in ids if pk is not None}
    found = set(qs.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    return [pk in found for pk in ids]

"""A link is shown only where its page opens for that person, and an export holds exactly
the units of the dashboard it was built from (DESIGN.md, "Who sees what"), in the demo.

The demo (``load_checklist`` and ``load_demo``, as ``make run`` loads them) is crawled as
each demo role from the home page: every internal link of every page reached — ``href``s
and the ``hx-get`` fragments a page loads by itself — is requested as the person it was
shown to, and any 4xx (or 5xx) fails. To stay fast, each URL pattern is fetched at most
``PER_PATTERN`` times per role and kind of query string; the links beyond that are not
requested.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts.models import User
from dashboard.models import Export
from responsibilities.services import load_checklist_file
from tests.dashboard.test_export_scope import dashboard_units, pack_units, workbook_units

pytestmark = pytest.mark.django_db

ROLES = ["admin", "wangming", "lihua", "zhaoqiang", "chenjing", "weiyuan1", "weiyuan2", "shuji1", "shuji5", "jijian"]
PER_PATTERN = 3
# Not Mingze's own pages: the Django admin (a link to it is checked, its pages not
# crawled), the language switch (a POST form), static files.
NOT_FOLLOWED = ("/admin/", "/static/", "/i18n/")


class Links(HTMLParser):
    """The links a page shows: ``<a href>`` and the fragments htmx loads (``hx-get``)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append(attrs["href"])
        for name in ("hx-get", "data-hx-get"):
            if attrs.get(name):
                self.found.append(attrs[name])


def links_of(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    urls = []
    for href in parser.found:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("testserver", ""):
                continue  # another site
            url = parts.path + (f"?{parts.query}" if parts.query else "")
        urls.append(url.split("#")[0])
    return urls


def pattern_of(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = ",".join(sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}))
    return f"{match.view_name}?{keys}"


def crawl(client, username: str, pages: dict[str, str] | None = None) -> tuple[list[str], int]:
    """Walk the pages open to ``username``; returns the bad links and how many were asked.
    With ``pages``, each HTML answer of Mingze's own is kept there by URL (for the HTML
    validator, tests/trust/test_html_valid.py)."""
    client.force_login(User.objects.get(username=username))
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = set()
    asked: Counter[str] = Counter()
    bad: list[str] = []
    while queue:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        pattern = pattern_of(url)
        if pattern is None:
            if not url.startswith(NOT_FOLLOWED):
                bad.append(f"{username}: {url} (on {shown_on}) names no page")
            continue
        if asked[pattern] >= PER_PATTERN:
            continue
        asked[pattern] += 1
        response = client.get(url)
        if response.status_code >= 400:
            bad.append(f"{username}: {url} answers {response.status_code} (shown on {shown_on})")
            continue
        if response.status_code in (301, 302, 303):
            queue.append((response["Location"], url))
            continue
        if url.startswith(NOT_FOLLOWED) or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if pages is not None:
            pages[url] = html
        for link in links_of(url, html):
            if link not in seen:
                queue.append((link, url))
    return bad, sum(asked.values())


@pytest.fixture
def demo(one_day, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DEBUG = True  # load_demo makes accounts with a public password only then
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def test_no_link_shown_answers_4xx_to_whom_it_was_shown(client, demo, capsys):
    """One demo for every role (loading it is the slow part)."""
    bad, reached = [], {}
    for username in ROLES:
        found, reached[username] = crawl(client, username)
        bad += found
    with capsys.disabled():
        print(f"\nlink crawl: pages fetched per role: {reached}")
    assert all(n > 10 for n in reached.values()), reached
    assert bad == [], "\n".join(bad)


EXPORTS_PANEL = re.compile(r'(?:data-)?hx-get="([^"]*/dashboard/exports/[^"]*)"')
HIDDEN = re.compile(r'<input type="hidden" name="(period|unit)" value="(\d+)">')


@pytest.mark.parametrize("username", ["chenjing", "weiyuan1", "shuji1"])
def test_in_the_demo_an_export_holds_the_units_of_the_dashboard_it_was_built_from(
    client, demo, username, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username=username))
    shown = dashboard_units(client, reverse("dashboard:index"))
    # The branch; the 机关党委, its eight branches and the 党总支 two of them stand under (issue 12).
    assert len(shown) == (1 if username == "shuji1" else 10), shown
    page = client.get(reverse("dashboard:index")).content.decode()
    panel = client.get(EXPORTS_PANEL.search(page).group(1).replace("&amp;", "&")).content.decode()
    form = dict(HIDDEN.findall(panel))  # what the panel's buttons post: the dashboard's period and unit
    kinds = [Export.Kind.EXCEL, Export.Kind.PDF] if username == "chenjing" else [Export.Kind.EXCEL]
    for kind in kinds:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("dashboard:export_create"), {**form, "kind": kind})
        export = Export.objects.filter(kind=kind, requested_by__username=username).latest("created_at")
        content = b"".join(client.get(reverse("dashboard:export_download", args=[export.token])).streaming_content)
        assert (workbook_units if kind == Export.Kind.EXCEL else pack_units)(content) == shown, kind

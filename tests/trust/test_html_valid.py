"""Every page Mingze shows is valid HTML (the Nu validator, ``vnu-jar`` from npm): the
pages and fragments the link crawl reaches as each demo role (tests/trust/test_link_crawl.py),
and the sign-in and error pages. One JVM checks them all at once; the test fails on any
error and names the page, the line and the validator's message.

Fragments (what htmx loads into a page) are checked inside a minimal document.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.services import need
from tests.trust.test_link_crawl import ROLES, crawl, demo  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FRAGMENT = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>fragment</title></head>'
    "<body>\n{}\n</body></html>"
)


def as_document(html: str) -> str:
    return html if html.lstrip()[:15].lower().startswith("<!doctype html") else FRAGMENT.format(html)


def validate(pages: dict[str, str], folder: Path) -> list[str]:
    """Run the Nu validator once over ``pages`` (url → HTML); its errors, one line each."""
    java = shutil.which("java")
    need("Java", java is not None, "apt-get install default-jre-headless")
    need("vnu-jar", VNU.exists(), "make node (npm ci installs vnu-jar)")
    names = {}
    for n, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{n:04d}.html"
        path.write_text(as_document(html), encoding="utf-8")
        names[path.name] = url
    run = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    errors = []
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = names.get(re.sub(r".*/", "", message.get("url", "")), message.get("url", "?"))
        errors.append(f"{url}:{message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_page_the_crawl_reaches_is_valid_html(client, demo, tmp_path, capsys):  # noqa: F811
    pages: dict[str, str] = {}
    for username in ROLES:
        seen: dict[str, str] = {}
        crawl(client, username, seen)
        pages.update((f"({username}) {url}", html) for url, html in seen.items())
    client.logout()
    for url in (reverse("login"), "/no-such-page/"):
        pages[f"(anonymous) {url}"] = client.get(url).content.decode()
    folder = tmp_path / "pages"
    folder.mkdir()
    errors = validate(pages, folder)
    with capsys.disabled():
        print(f"\nHTML validation: {len(pages)} pages, {len(errors)} errors")
    assert len(pages) > 100, len(pages)
    assert errors == [], "\n".join(errors[:200])

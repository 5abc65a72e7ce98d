"""The first page load asks for nothing that is not there: the icon included."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_page_load_has_no_404_and_the_icon_is_served(page, live_server):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(live_server.url + "/")  # the sign-in page, with its icon
    page.wait_for_load_state("networkidle")
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    answer = page.goto(live_server.url + "/favicon.ico")
    assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    assert failed == []

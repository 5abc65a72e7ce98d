"""The API's documentation page (Swagger UI from drf-spectacular-sidecar, served from our
own static files) loads in Chromium and asks nothing of any other server."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_load_with_no_request_leaving_the_server(page, live_server, signed_in, cast):
    signed_in(cast.admin)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Mingze API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    outside = [url for url in requests if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == []
    assert any(url.endswith("/api/schema/") for url in requests)
    assert errors == []

"""The site has its icon: pages link it, and ``/favicon.ico`` (which browsers ask for by
themselves) answers with it instead of a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_link_the_icon_and_it_exists(client):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    for name in ("img/favicon.svg", "img/favicon.png", "img/apple-touch-icon.png"):
        assert finders.find(name), name


def test_favicon_ico_is_served_not_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with open(finders.find("img/favicon.png"), "rb") as icon:
        assert b"".join(response.streaming_content) == icon.read()
    assert "max-age=86400" in response["Cache-Control"]

import pytest
from django.urls import reverse

from tests.services import IN_CI, need_postgres, need_redis

pytestmark = pytest.mark.django_db


def test_healthz_reports_both_parts_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_on_postgres_and_redis(client):
    """CI runs the whole suite on PostgreSQL and Redis; this names them explicitly."""
    if IN_CI:
        need_postgres()
        need_redis()
    assert client.get(reverse("healthz")).json() == {"database": "ok", "broker": "ok"}


def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    settings.HEALTHZ_BROKER_TIMEOUT = 0.5
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("error")


def test_healthz_on_the_embedded_broker_needs_its_folder(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_FOLDER = tmp_path
    assert client.get(reverse("healthz")).status_code == 503
    (tmp_path / "queue").mkdir()
    assert client.get(reverse("healthz")).json() == {"database": "ok", "broker": "ok"}

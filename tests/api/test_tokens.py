"""Personal API tokens: an admin issues and revokes them on their page; Mingze keeps a
hash only; an expired or revoked token, or one whose owner was disabled, opens nothing.
The browser's session works too, with its CSRF check on writes."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import SecurityEvent
from api.models import ApiToken
from api.services import digest_of, issue_token, revoke_token
from notifications.models import Notification
from tests.conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_admins_open_the_token_page(client_as, role):
    response = client_as(role).get(reverse("api_tokens:tokens"))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_admins_issue_and_revoke(cast, client_as, role):
    client = client_as(role)
    response = client.post(reverse("api_tokens:tokens"), {"user": cast.secretary_a.pk, "name": "政务App", "days": 30})
    issued = ApiToken.objects.filter(name="政务App")
    if role == "admin":
        assert response.status_code == 200 and issued.count() == 1
        token = issued.get()
        assert token.created_by == cast.admin and token.user == cast.secretary_a
    else:
        assert not issued.exists()
        assert response.status_code == (302 if role == "anonymous" else 403)
    token = issue_token(user=cast.secretary_b, name="其他", days=5, actor=cast.admin).token
    response = client.post(reverse("api_tokens:revoke", kwargs={"pk": token.pk}))
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (role == "admin")


def test_the_token_is_shown_once_and_kept_hashed(cast, client_as, django_assert_max_num_queries):
    client = client_as("admin")
    response = client.post(reverse("api_tokens:tokens"), {"user": cast.secretary_a.pk, "name": "移动端", "days": 30})
    raw = response.context["issued"].raw
    assert raw.startswith("mz_") and raw in response.content.decode()
    token = ApiToken.objects.get(name="移动端")
    assert token.digest == digest_of(raw) and raw not in (token.digest, token.prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert raw not in repr(cursor.fetchall())
    page = client.get(reverse("api_tokens:tokens"))
    assert raw not in page.content.decode() and token.prefix in page.content.decode()
    assert bearer(raw).get(UNITS).status_code == 200
    for n in range(5):
        issue_token(user=cast.leader, name=f"t{n}", days=3, actor=cast.admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api_tokens:tokens")).status_code == 200


def test_bad_input_on_the_token_page_is_a_400_and_changes_nothing(cast, client_as):
    client = client_as("admin")
    for data in ({}, {"user": cast.secretary_a.pk, "name": " ", "days": 30}, {"user": 999999, "name": "x", "days": 9}):
        assert client.post(reverse("api_tokens:tokens"), data).status_code == 400
    assert (
        client.post(reverse("api_tokens:tokens"), {"user": cast.secretary_a.pk, "name": "x", "days": 0}).status_code
        == 400
    )
    assert not ApiToken.objects.exists()
    assert client.post(reverse("api_tokens:revoke", kwargs={"pk": 999999})).status_code == 404


def test_revoked_expired_and_disabled_tokens_open_nothing(cast):
    issued = issue_token(user=cast.secretary_a, name="x", days=1, actor=cast.admin)
    assert bearer(issued.raw).get(UNITS).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = bearer(issued.raw).get(UNITS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")

    issued = issue_token(user=cast.secretary_a, name="y", days=1, actor=cast.admin)
    issued.token.revoked_at = timezone.now()
    issued.token.save()
    assert bearer(issued.raw).get(UNITS).status_code == 401

    issued = issue_token(user=cast.secretary_b, name="z", days=1, actor=cast.admin)
    cast.secretary_b.is_active = False
    cast.secretary_b.save()
    assert bearer(issued.raw).get(UNITS).status_code == 401
    for junk in ("mz_nothing", "Bearer", "nonsense", "mz_" + "x" * 500):
        assert bearer(junk).get(UNITS).status_code == 401


def test_last_use_is_recorded(cast):
    issued = issue_token(user=cast.secretary_a, name="x", days=1, actor=cast.admin)
    bearer(issued.raw).get(UNITS)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_the_session_signs_in_too_and_writes_need_the_csrf_token(cast):
    note = Notification.objects.create(recipient=cast.secretary_a, kind="test", title="提醒")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.secretary_a)
    assert client.get(UNITS).status_code == 200
    url = reverse("api:notification-acknowledge", kwargs={"pk": note.pk})
    response = client.post(url)
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_issuing_and_revoking_a_token_are_in_the_security_log(cast):
    issued = issue_token(user=cast.secretary_a, name="移动端", days=30, actor=cast.admin)
    revoke_token(token_id=issued.token.pk, actor=cast.admin)
    revoke_token(token_id=issued.token.pk, actor=cast.admin)  # twice: one entry
    entries = SecurityEvent.objects.filter(username=cast.secretary_a.username, detail__contains=issued.token.prefix)
    assert [(e.actor, e.detail.split(":")[0]) for e in entries.order_by("id")] == [
        (cast.admin.username, "API token issued"),
        (cast.admin.username, "API token revoked"),
    ]
    assert issued.raw not in "".join(entries.values_list("detail", flat=True))


def test_guessing_tokens_is_refused_after_the_limit_then_logged(cast, settings):
    settings.MINGZE_API_TOKEN_FAILURES = 3
    issued = issue_token(user=cast.secretary_a, name="x", days=1, actor=cast.admin)
    for _ in range(3):
        assert bearer("mz_guess").get(UNITS).status_code == 401
    # The address is blocked now: even the right token is refused, plainly, with a wait.
    response = bearer(issued.raw).get(UNITS)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT, detail="API token").count() == 1
    # Another address is not held back by this one's guesses.
    other = bearer(issued.raw)
    assert other.get(UNITS, REMOTE_ADDR="10.0.0.9").status_code == 200

"""The signed-in person is kept in the cache under the people stamp (accounts/backends.py,
core/pagecache.py, issue 15): a page served from the cache then costs no query for the
person, and yet a role given or taken away, a post handed over, an account deactivated
(by a form, a bulk update or SQL by hand) or a password changed counts from the very next
request."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.backends import RolesBackend
from assessments import services
from assessments.models import Report
from core import pagecache
from oversight.handovers import hand_over
from responsibilities.models import Post

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:review_queue")
MY = reverse("assessments:my_reports")


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def person(user_id):
    return RolesBackend().get_user(user_id)


def test_the_person_is_read_once_and_then_kept_until_the_people_stamp_changes(cast):
    first, read = queries(lambda: person(cast.leader.pk))
    again, kept = queries(lambda: person(cast.leader.pk))
    assert read == 1 and kept == 0
    assert again is not first and again == first  # a fresh instance each request
    assert roles.roles_of(again) == {roles.LEADER}
    pagecache.bump_people()
    assert queries(lambda: person(cast.leader.pk))[1] == 1


def test_writes_that_no_person_is_read_from_leave_the_person_kept(cast, period):
    person(cast.secretary_a.pk)
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已开展")
    assert queries(lambda: person(cast.secretary_a.pk))[1] == 0


def test_a_cached_page_costs_no_query_for_the_person(client_as, cast, period):
    client = client_as("secretary_a")
    client.get(MY)
    response, count = queries(lambda: client.get(MY))
    assert response.status_code == 200
    assert count == 1  # the session's row (tests keep sessions in the database; with Redis: none)


def test_a_role_given_and_taken_away_counts_from_the_next_request(client_as, cast):
    client = client_as("secretary_a")
    assert client.get(QUEUE).status_code == 403
    assert client.get(QUEUE).status_code == 403  # the person now kept
    cast.secretary_a.groups.add(Group.objects.get(name=roles.LEADER))
    assert client.get(QUEUE).status_code == 200
    cast.secretary_a.groups.remove(Group.objects.get(name=roles.LEADER))
    assert client.get(QUEUE).status_code == 403


def test_a_role_renamed_away_counts_from_the_next_request(client_as, cast):
    client = client_as("leader")
    assert client.get(QUEUE).status_code == 200
    Group.objects.filter(name=roles.LEADER).update(name="former leaders")
    assert client.get(QUEUE).status_code == 403


def test_a_post_handed_over_counts_from_the_next_request(client_as, cast, period):
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    link = reverse("assessments:report", args=[report.pk])
    incoming = client_as("secretary_b")
    assert incoming.get(link).status_code in (403, 404)
    assert incoming.get(MY).status_code == 200  # the person and the page now kept
    post = Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a)
    hand_over(
        post=post, incoming=cast.secretary_b, since=timezone.localdate() + datetime.timedelta(days=1), actor=cast.admin
    )
    assert incoming.get(link).status_code == 200
    assert link in incoming.get(MY).content.decode()


@pytest.mark.parametrize(
    "deactivate",
    [
        pytest.param(lambda user: (setattr(user, "is_active", False), user.save()), id="form"),
        pytest.param(lambda user: get_user_model().objects.filter(pk=user.pk).update(is_active=False), id="bulk"),
        pytest.param(
            lambda user: connection.cursor().execute(
                "UPDATE accounts_user SET is_active = false WHERE id = %s", [user.pk]
            ),
            id="sql",
        ),
    ],
)
def test_a_deactivated_account_is_signed_out_on_the_next_request(client_as, cast, period, deactivate):
    client = client_as("secretary_a")
    assert client.get(MY).status_code == 200
    assert client.get(MY).status_code == 200  # the person and the page now kept
    deactivate(cast.secretary_a)
    answer = client.get(MY)
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


def test_a_password_changed_elsewhere_signs_the_session_out_on_the_next_request(client_as, cast, period):
    client = client_as("secretary_a")
    assert client.get(MY).status_code == 200
    assert client.get(MY).status_code == 200
    account = get_user_model().objects.get(pk=cast.secretary_a.pk)
    account.set_password("a-new-password-7Q!")
    account.save()
    answer = client.get(MY)
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


@pytest.mark.django_db(transaction=True)  # a real commit
def test_a_change_inside_a_transaction_is_read_again_after_it_commits(cast):
    person(cast.leader.pk)
    with transaction.atomic():
        get_user_model().objects.filter(pk=cast.leader.pk).update(is_active=False)
        during = pagecache.people_stamp()  # a person read now is kept under this stamp
    assert pagecache.people_stamp() != during  # replaced again at the commit
    assert person(cast.leader.pk) is None


def test_another_database_on_the_same_redis_never_takes_this_ones_person(cast, monkeypatch):
    person(cast.leader.pk)
    monkeypatch.setitem(connection.settings_dict, "NAME", connection.settings_dict["NAME"] + "_other_province")
    assert queries(lambda: person(cast.leader.pk))[1] == 1


def test_a_lost_stamp_reads_the_person_again(cast):
    from django.core.cache import cache

    person(cast.leader.pk)
    cache.delete(pagecache.PEOPLE_STAMP_KEY)
    assert queries(lambda: person(cast.leader.pk))[1] == 1


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('UPDATE "accounts_user" SET "is_active" = %s WHERE "accounts_user"."id" = %s', True),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', True),
        ('INSERT INTO "accounts_user_groups" ("user_id", "group_id") VALUES (%s, %s)', True),
        ('DELETE FROM "accounts_user_groups" WHERE "accounts_user_groups"."user_id" = %s', True),
        ('UPDATE "auth_group" SET "name" = %s WHERE "auth_group"."id" = %s', True),
        ('TRUNCATE "django_session", "accounts_user" CASCADE', True),
        ('TRUNCATE "assessments_report"', True),
        ('WITH x AS (UPDATE "accounts_user" SET "is_active" = false RETURNING 1) SELECT 1', True),
        ('UPDATE "assessments_report" SET "state" = %s WHERE "id" = %s', False),
        ('SELECT "accounts_user"."id" FROM "accounts_user"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
    ],
)
def test_which_writes_replace_the_people_stamp(sql, changes):
    assert pagecache.changes_people(sql) is changes

"""交接 (issue 12, item 8): a post changing hands mid-period is recorded with its open
items; the outgoing holder keeps reading what they filed, and files no more."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as reports
from assessments.models import Report
from assessments.permissions import can_file, can_view, reports_visible_to
from oversight.models import Handover
from responsibilities.models import PostKind, Tenure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    from accounts import roles

    return UserFactory(username="xin_shuji", full_name="新书记", roles=[roles.SECRETARY])


def backdate_tenures(cast):
    Tenure.objects.filter(post__unit=cast.unit_a).update(started=timezone.localdate() - datetime.timedelta(days=300))


def test_a_handover_lists_the_open_items_and_moves_the_duties(client_as, cast, period, newcomer, rectification):
    backdate_tenures(cast)
    post = cast.unit_a.posts.get(kind=PostKind.SECRETARY)
    filed = Report.objects.filter(period=period, assignment__post=post).order_by("pk").first()
    reports.submit_report(report_id=filed.pk, actor=cast.secretary_a, content="已落实")
    client = client_as("admin")
    url = reverse("oversight:handovers")
    since = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, {"post": post.pk, "incoming": newcomer.pk, "since": since.isoformat(), "note": "调动"})
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert handover.outgoing == cast.secretary_a and handover.incoming == newcomer
    open_reports = Report.objects.filter(period=period, assignment__post=post).exclude(state="approved")
    assert set(handover.reports.all()) == set(open_reports)
    assert list(handover.rectifications.all()) == [rectification]
    assert "新书记" in client.get(url).content.decode()
    # The newcomer files now; the outgoing holder reads what they filed, and files nothing.
    gone = type(cast.secretary_a).objects.get(pk=cast.secretary_a.pk)
    fresh = type(newcomer).objects.get(pk=newcomer.pk)
    filed = Report.objects.select_related("unit", "assignment__post").get(pk=filed.pk)
    assert can_file(fresh, filed) and not can_file(gone, filed)
    assert can_view(gone, filed)
    seen = set(reports_visible_to(gone).values_list("pk", flat=True))
    assert filed.pk in seen
    assert seen <= set(Report.objects.filter(responsible=cast.secretary_a).values_list("pk", flat=True))
    assert not Report.objects.filter(pk__in=seen, unit=cast.unit_b).exists()


def test_a_bad_handover_is_400_and_changes_nothing(client_as, cast, newcomer):
    post = cast.unit_a.posts.get(kind=PostKind.SECRETARY)
    client = client_as("admin")
    url = reverse("oversight:handovers")
    # the holder's tenure starts today: a handover dated today is not after it
    today = timezone.localdate().isoformat()
    assert client.post(url, {"post": post.pk, "incoming": newcomer.pk, "since": today}).status_code == 400
    assert client.post(url, {"post": post.pk, "incoming": cast.secretary_a.pk, "since": today}).status_code == 400
    assert client.post(url, {"post": "x", "incoming": "", "since": "nope"}).status_code == 400
    assert not Handover.objects.exists()
    post.refresh_from_db()
    assert post.holder == cast.secretary_a


@pytest.mark.parametrize("role", ["leader", "other_leader", "secretary_a", "supervisor"])
def test_only_admins_record_handovers(client_as, role):
    assert client_as(role).get(reverse("oversight:handovers")).status_code == 403


def test_the_handover_page_query_count_is_pinned(client_as, cast, django_assert_max_num_queries):
    client = client_as("admin")
    client.get(reverse("oversight:handovers"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("oversight:handovers")).status_code == 200

"""No one reviews, approves, returns, reopens or waives a report of a unit in which they hold
a post, or a report they submitted — admins included (DESIGN.md, "Who sees what"). The
queue does not offer it, the page says why, and a forced request is refused with nothing
changed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.models import Report, ReportEvent
from responsibilities.models import Deputy, Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db
State = Report.State


@pytest.fixture
def admin_in_a(cast):
    """The admin also holds a post in unit A (its 组织委员)."""
    PostFactory(unit=cast.unit_a, title="组织委员", held_by=cast.admin)
    return cast.admin


@pytest.fixture
def leader_in_a(cast):
    """Unit A's liaison leader also holds a post in unit A."""
    PostFactory(unit=cast.unit_a, title="宣传委员", held_by=cast.leader)
    return cast.leader


def review(client, report, action):
    data = {"action": action, "approve-grade": "good", "return-comment": "请补充"}
    return client.post(reverse("assessments:report_review", args=[report.pk]), data)


def events(report):
    return ReportEvent.objects.filter(report=report).count()


@pytest.mark.parametrize("reviewer", ["admin_in_a", "leader_in_a"])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_reviewer_holding_a_post_in_the_unit_may_not_review_its_report(
    client, request, submitted_a, reviewer, action
):
    person = request.getfixturevalue(reviewer)
    client.force_login(person)
    before = events(submitted_a)
    response = review(client, submitted_a, action)
    assert response.status_code == 403
    assert "您在甲党支部任职" in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.state == State.SUBMITTED and events(submitted_a) == before


def test_the_queue_and_the_page_do_not_offer_it(client, cast, submitted_a, leader_in_a):
    client.force_login(leader_in_a)
    queue = client.get(reverse("assessments:review_queue")).content.decode()
    assert reverse("assessments:report", args=[submitted_a.pk]) not in queue
    page = client.get(reverse("assessments:report", args=[submitted_a.pk])).content.decode()
    assert 'name="approve-grade"' not in page and "您在甲党支部任职" in page
    # without the post, the same leader reviews it as before
    Post.objects.filter(title="宣传委员").update(holder=None)
    client.force_login(leader_in_a)
    assert (
        reverse("assessments:report", args=[submitted_a.pk])
        in client.get(reverse("assessments:review_queue")).content.decode()
    )


def test_the_services_refuse_it_too(cast, submitted_a, admin_in_a):
    for step in (
        lambda: services.approve_report(report_id=submitted_a.pk, actor=admin_in_a, grade="good"),
        lambda: services.return_report(report_id=submitted_a.pk, actor=admin_in_a, comment="补充"),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED


def test_an_admin_may_not_reopen_or_waive_their_own_units_report(client, cast, report_a, admin_in_a):
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="学习党章")
    services.approve_report(report_id=report_a.pk, actor=cast.leader, grade="good")
    client.force_login(admin_in_a)
    reopen = client.post(reverse("assessments:report_reopen", args=[report_a.pk]), {"reopen-reason": "重新核实"})
    assert reopen.status_code == 403
    assert Report.objects.get(pk=report_a.pk).state == State.APPROVED
    Report.objects.filter(pk=report_a.pk).update(state=State.LOCKED)
    waive = client.post(reverse("assessments:report_waive", args=[report_a.pk]), {"waive-reason": "系统故障"})
    assert waive.status_code == 403
    assert Report.objects.get(pk=report_a.pk).state == State.LOCKED


def test_who_submitted_a_report_may_not_judge_it_after_leaving_the_post(client, cast, report_a):
    """An admin who filed the report as the deputy the secretary named, then stopped
    deputising, still may not approve or reopen what they submitted."""
    deputy = Deputy.objects.create(post=report_a.assignment.post, person=cast.admin, note="党务干事")
    services.submit_report(report_id=report_a.pk, actor=cast.admin, content="学习党章")
    day = datetime.timedelta(days=1)
    Deputy.objects.filter(pk=deputy.pk).update(started=deputy.started - 2 * day, ended=deputy.started - day)
    client.force_login(cast.admin)
    assert review(client, report_a, "approve").status_code == 403
    assert "您本人提交" in client.get(reverse("assessments:report", args=[report_a.pk])).content.decode()
    assert Report.objects.get(pk=report_a.pk).state == State.SUBMITTED
    # the liaison leader, who neither holds a post there nor submitted it, may
    client.force_login(cast.leader)
    assert review(client, report_a, "approve").status_code == 302

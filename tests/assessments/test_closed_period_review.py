"""A closed period is frozen (DESIGN.md, "Report life"), so nothing in Mingze offers to
review its reports: a submitted report of a closed period is not in the review queue nor
in the 待审核 badge, its page shows no approve / return / grade form (nor an admin's reopen
or waiver) but says the period is closed, and a 党组会议 is not offered it. A review sent
anyway (a stale page) is refused with the plain message, and nothing changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import meetings, selectors, services
from assessments.models import Period, Report, ReportEvent
from responsibilities.models import PostKind
from tests.assessments.pages import count_queries
from tests.assessments.test_report_drafting import records, theme_day_report  # noqa: F401 - a shared fixture

pytestmark = pytest.mark.django_db
State = Report.State
QUEUE = reverse("assessments:review_queue")
NOTE_ZH = "本考核周期已关闭，不能再审核"
NOTE_EN = "This period is closed: review is no longer possible"


def close(period):
    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED, closed_at=timezone.now())
    period.refresh_from_db()


def page_of(report):
    return reverse("assessments:report", args=[report.pk])


def review_url(report):
    return reverse("assessments:report_review", args=[report.pk])


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_a_closed_periods_reports_leave_the_review_queue(client_as, cast, period, submitted_a, role):
    client = client_as(role)
    assert page_of(submitted_a) in client.get(QUEUE).content.decode()
    close(period)
    response = client.get(QUEUE)
    page = response.content.decode()
    assert response.status_code == 200
    assert page_of(submitted_a) not in page and "这里没有等待审核的报告。" in page
    assert response.context["page"].paginator.count == 0
    # Under any state of the filter: nothing in a closed period is for review.
    for state in ("submitted", "approved", "returned"):
        assert page_of(submitted_a) not in client.get(QUEUE, {"state": state}).content.decode()
    assert selectors.next_in_queue(cast.by_role(role), after=Report(pk=0)) is None


def test_the_badge_no_longer_counts_a_closed_periods_reports(client_as, cast, period, submitted_a):
    url = reverse("scoring:scores")
    page = client_as("leader").get(url).content.decode()
    assert '<span class="badge rounded-pill text-bg-light">1</span>' in page
    close(period)
    page = client_as("leader").get(url).content.decode()
    assert 'href="/assessments/review/">待审核</a>' in page


def test_the_badge_counts_the_open_period_beside_a_closed_one(client_as, cast, period, submitted_a):
    """The open period's report still counts when an older closed one has its own."""
    old = Period.objects.create(
        year=period.year - 1,
        half=2,
        opens_on=period.opens_on.replace(year=period.year - 1),
        due_on=period.due_on.replace(year=period.year - 1),
        grace_days=5,
        review_due_on=period.review_due_on.replace(year=period.year - 1),
        state=Period.State.CLOSED,
    )
    Report.objects.create(
        period=old,
        assignment=submitted_a.assignment,
        unit=submitted_a.unit,
        category=submitted_a.category,
        province=submitted_a.province,
        state=State.SUBMITTED,
        submitted_at=timezone.now(),
        responsible=cast.secretary_a,
        due_on=old.due_on,
    )
    page = client_as("leader").get(reverse("scoring:scores")).content.decode()
    assert '<span class="badge rounded-pill text-bg-light">1</span>' in page
    queue = client_as("leader").get(QUEUE)
    assert [r.pk for r in queue.context["page"]] == [submitted_a.pk]


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_a_reviewer_sees_no_review_form_but_a_note(client_as, period, submitted_a, role):
    client = client_as(role)
    assert review_url(submitted_a) in client.get(page_of(submitted_a)).content.decode()
    close(period)
    response = client.get(page_of(submitted_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert review_url(submitted_a) not in page and 'name="approve-grade"' not in page
    assert NOTE_ZH in page
    assert "下一份待审核" not in page and "Next in the queue" not in page


def test_the_note_in_english(client_as, period, submitted_a):
    close(period)
    client = client_as("leader")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(page_of(submitted_a)).content.decode()
    assert NOTE_EN in page and "Approve" not in page


@pytest.mark.parametrize("role", ["secretary_a", "supervisor", "other_leader"])
def test_those_who_never_reviewed_it_see_the_page_as_before(client_as, period, submitted_a, role):
    client = client_as(role)
    before = client.get(page_of(submitted_a)).content.decode()
    close(period)
    after = client.get(page_of(submitted_a)).content.decode()
    for page in (before, after):
        assert review_url(submitted_a) not in page and NOTE_ZH not in page
    assert submitted_a.assignment.duty.title in after and "已提交" in after


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_review_sent_from_a_stale_page_is_refused_plainly(client_as, period, submitted_a, action):
    close(period)
    events = ReportEvent.objects.count()
    data = {"action": action, "approve-grade": "good", "return-comment": "请补充"}
    client = client_as("leader")
    response = client.post(review_url(submitted_a), data)
    assert response.status_code == 302 and response["Location"].startswith(page_of(submitted_a))
    page = client.get(response["Location"]).content.decode()
    assert "该考核周期已关闭" in page and NOTE_ZH in page
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED
    assert ReportEvent.objects.count() == events


def test_no_admin_reopen_or_waiver_is_offered_in_a_closed_period(client_as, cast, period, submitted_a):
    services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="good")
    locked = Report.objects.filter(period=period, unit=cast.unit_a, state=State.DRAFT).first()
    Report.objects.filter(pk=locked.pk).update(state=State.LOCKED)
    client = client_as("admin")
    reopen = reverse("assessments:report_reopen", args=[submitted_a.pk])
    waive = reverse("assessments:report_waive", args=[locked.pk])
    assert reopen in client.get(page_of(submitted_a)).content.decode()
    assert waive in client.get(page_of(locked)).content.decode()
    close(period)
    approved_page = client.get(page_of(submitted_a)).content.decode()
    locked_page = client.get(page_of(locked)).content.decode()
    assert reopen not in approved_page and waive not in locked_page
    assert "本考核周期已关闭" in approved_page and "本考核周期已关闭" in locked_page
    refused = client.post(reopen, {"reopen-reason": "更正"}, follow=True)
    assert refused.status_code == 200 and "该考核周期已关闭" in refused.content.decode()
    assert Report.objects.get(pk=submitted_a.pk).state == State.APPROVED


def test_a_waived_draft_of_a_closed_period_offers_no_filing_form(client_as, cast, period, report_a):
    Report.objects.filter(pk=report_a.pk).update(lock_waived=True)
    client = client_as("secretary_a")
    assert 'value="submit"' in client.get(page_of(report_a)).content.decode()
    close(period)
    page = client.get(page_of(report_a)).content.decode()
    assert 'value="submit"' not in page and reverse("assessments:evidence_add", args=[report_a.pk]) not in page
    assert "本考核周期已关闭" in page


def test_a_party_group_meeting_is_not_offered_a_closed_periods_report(cast, period):
    report = Report.objects.get(
        period=period, assignment__duty__code="D-05", assignment__post__kind=PostKind.SECRETARY, unit=cast.party_group
    )
    services.submit_report(report_id=report.pk, actor=cast.other_leader, content="已落实")
    assert report.pk in meetings.waiting_for_a_meeting().values_list("pk", flat=True)
    close(period)
    assert not meetings.waiting_for_a_meeting().filter(pk=report.pk).exists()


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_the_closed_report_page_costs_no_more_queries(client_as, period, submitted_a, role):
    client = client_as(role)
    before = count_queries(client, page_of(submitted_a))
    close(period)
    assert count_queries(client, page_of(submitted_a)) <= before
    assert count_queries(client, QUEUE) <= 9


def test_a_fresh_draft_of_a_closed_period_is_not_drafted_from_records(client_as, cast, period, records):  # noqa: F811
    """Opening it must not try to fill it from the period's work records: the guard
    refuses the fill, which was a 500."""
    report = theme_day_report(cast, period, cast.unit_a)
    Report.objects.filter(pk=report.pk).update(lock_waived=True)
    close(period)
    response = client_as("secretary_a").get(page_of(report))
    assert response.status_code == 200 and "本考核周期已关闭" in response.content.decode()
    report.refresh_from_db()
    assert report.content == "" and not report.evidence.exists()


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_the_queues_unit_choices_are_the_units_it_can_show(client_as, cast, period, submitted_a, role):
    """The queue's unit filter offers the units whose reports can be in the queue: once the
    only period is closed, none of its units is offered (and a bookmarked unit filter is
    answered 400 with the form's message, not a 500)."""
    client = client_as(role)
    unit = submitted_a.unit
    assert unit in client.get(QUEUE).context["form"].fields["unit"].queryset
    close(period)
    response = client.get(QUEUE)
    assert unit not in response.context["form"].fields["unit"].queryset
    stale = client.get(QUEUE, {"unit": unit.pk})
    assert stale.status_code == 400 and "unit" in stale.context["form"].errors
    assert "选择一个有效的选项" in stale.content.decode()

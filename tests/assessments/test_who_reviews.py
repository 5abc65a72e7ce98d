"""Who reviews whom (issue 12, item 3): the 党组书记 reviews the members' 一岗双责
reports; the reports of the 党组 as a body and of the 书记 are 审议 at a recorded 党组会议
entered by the admin, never graded by one person; branch reports go to the liaison; no
one reviews a report they carry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Meeting, Report, ReportEvent
from assessments.permissions import can_review, reviewable_by
from responsibilities.models import PostKind
from tests.assessments.files import pdf

pytestmark = pytest.mark.django_db
State = Report.State


def party_report(cast, period, *, code, kind):
    return Report.objects.select_related("unit", "assignment__post").get(
        period=period, assignment__duty__code=code, assignment__post__kind=kind, unit=cast.party_group
    )


def submit(report, person):
    services.submit_report(report_id=report.pk, actor=person, content="已落实")
    return Report.objects.select_related("unit", "assignment__post").get(pk=report.pk)


def test_the_party_secretary_reviews_a_members_dual_duty_report(cast, period):
    # cast.leader holds the member post, cast.other_leader the 党组书记's.
    report = submit(party_report(cast, period, code="D-05", kind=PostKind.GROUP_MEMBER), cast.leader)
    assert can_review(cast.other_leader, report)
    assert report in reviewable_by(cast.other_leader)
    assert not can_review(cast.leader, report)  # carries it
    assert not can_review(cast.admin, report)
    services.approve_report(report_id=report.pk, actor=cast.other_leader, grade="good")
    assert Report.objects.get(pk=report.pk).state == State.APPROVED


def test_the_secretarys_own_and_the_bodys_reports_are_graded_by_no_one(cast, period):
    own = submit(party_report(cast, period, code="D-05", kind=PostKind.SECRETARY), cast.other_leader)
    body = submit(party_report(cast, period, code="P-01", kind=PostKind.SECRETARY), cast.other_leader)
    for person in (cast.admin, cast.leader, cast.other_leader, cast.supervisor):
        assert not can_review(person, own) and not can_review(person, body)
        assert not reviewable_by(person).filter(pk__in=[own.pk, body.pk]).exists()


def test_a_branch_report_goes_to_its_liaison(cast, submitted_a):
    report = Report.objects.select_related("unit", "assignment__post").get(pk=submitted_a.pk)
    assert can_review(cast.leader, report)
    assert not can_review(cast.other_leader, report)  # not unit A's liaison


def minutes():
    return SimpleUploadedFile("党组会议纪要.pdf", pdf(), content_type="application/pdf")


def meeting_form(cast, report) -> dict:
    """The 党组会议 form: the 党组, today, two attendees, approving ``report``."""
    return {
        "unit": cast.party_group.pk,
        "held_on": timezone.localdate().isoformat(),
        "attendees": [cast.leader.pk, cast.other_leader.pk],
        "decisions": "审议通过",
        "minutes": minutes(),
        "reports": [report.pk],
    }


def test_the_admin_records_a_meeting_that_approves_without_a_grade(client_as, cast, period):
    own = submit(party_report(cast, period, code="D-05", kind=PostKind.SECRETARY), cast.other_leader)
    client = client_as("admin")
    url = reverse("assessments:meetings")
    assert client.get(url).status_code == 200
    data = meeting_form(cast, own)
    assert client.post(url, data).status_code == 302
    own.refresh_from_db()
    assert own.state == State.APPROVED and own.grade == "" and own.reviewer is None
    meeting = Meeting.objects.get()
    assert list(meeting.reports.all()) == [own] and meeting.minutes.count() == 1
    assert ReportEvent.objects.filter(report=own, action=ReportEvent.Action.DELIBERATE, actor=cast.admin).exists()


def test_a_meeting_refuses_a_branch_report_and_a_future_date(client_as, cast, submitted_a, period):
    client = client_as("admin")
    url = reverse("assessments:meetings")
    own = submit(party_report(cast, period, code="D-05", kind=PostKind.SECRETARY), cast.other_leader)
    base = {"unit": cast.party_group.pk, "attendees": [cast.leader.pk], "decisions": "审议"}
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    bad = [
        {**base, "held_on": timezone.localdate().isoformat(), "minutes": minutes(), "reports": [submitted_a.pk]},
        {**base, "held_on": future, "minutes": minutes(), "reports": [own.pk]},
        {**base, "held_on": "nope", "reports": ["x"]},
    ]
    for data in bad:
        assert client.post(url, data).status_code == 400
    assert not Meeting.objects.exists()
    assert Report.objects.get(pk=own.pk).state == State.SUBMITTED


@pytest.mark.parametrize("role", ["leader", "other_leader", "secretary_a", "supervisor"])
def test_only_admins_record_meetings(client_as, role):
    assert client_as(role).get(reverse("assessments:meetings")).status_code == 403


def test_the_meeting_page_query_count_is_pinned(client_as, cast, period, django_assert_max_num_queries):
    client = client_as("admin")
    client.get(reverse("assessments:meetings"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assessments:meetings")).status_code == 200


def test_a_meeting_locks_the_reports_it_heard_within_their_province(client_as, cast, period):
    """A 党组会议 approves the reports it heard, each locked with its province named (read
    with the reports waiting for it: docs/scale.md 5, on Citus their shard only)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own = submit(party_report(cast, period, code="D-05", kind=PostKind.SECRETARY), cast.other_leader)
    data = meeting_form(cast, own)
    with CaptureQueriesContext(connection) as queries:
        assert client_as("admin").post(reverse("assessments:meetings"), data).status_code == 302
    own.refresh_from_db()
    assert own.state == State.APPROVED
    locks = [q["sql"] for q in queries if 'FROM "assessments_report"' in q["sql"] and " FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and f'"assessments_report"."province_id" = {own.province_id}' in locks[0]

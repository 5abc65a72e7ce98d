"""The half-year report drafts itself (履责纪实, issue 13 item 4): a fresh draft of a duty
that counts records is filled from that duty's records of the period, its files attached
as evidence without a second upload (the same stored file, the same checksum), downloaded
under the same permission checks; reviewers see the records behind the report."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from assessments import drafting, services
from assessments.models import Evidence, Report
from core.attachments import fill_attachment
from responsibilities.models import Duty, Post
from tests.assessments import files
from tests.factories import UserFactory, WorkRecordFactory
from worklog.models import RecordFile, WorkRecord

pytestmark = pytest.mark.django_db


def theme_day_report(cast, period, unit):
    return Report.objects.get(period=period, unit=unit, assignment__duty__code="B-05")


def photo(record, name, width):
    return fill_attachment(
        RecordFile(record=record), upload=files.upload(name, files.png(width, 1)), actor=record.recorded_by
    )


@pytest.fixture
def records(cast, period):
    duty = Duty.objects.get(checklist=cast.checklist, code="B-05")
    march = WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year, 3, 5),
        topic="学雷锋志愿服务",
        place="社区服务站",
        present=9,
        expected=11,
        duties=[duty],
        recorded_by=cast.secretary_a,
    )
    april = WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year, 4, 8),
        topic="重温入党誓词",
        present=10,
        expected=11,
        duties=[duty],
        recorded_by=cast.secretary_a,
    )
    # Not behind the report: a draft record, another unit's, last year's.
    WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year, 5, 6),
        topic="草稿活动",
        duties=[duty],
        state=WorkRecord.State.DRAFT,
    )
    WorkRecordFactory(
        unit=cast.unit_b, kind="theme_day", held_on=datetime.date(period.year, 5, 6), topic="乙支部活动", duties=[duty]
    )
    WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year - 1, 12, 6),
        topic="去年的活动",
        duties=[duty],
    )
    return [photo(march, "合影.png", 3), photo(march, "签到表.png", 4), photo(april, "宣誓.png", 5)]


def stored_files(root) -> set:
    return {p for p in Path(root).rglob("*") if p.is_file()}


def test_opening_a_fresh_draft_fills_it_from_the_records_with_their_files(client_as, cast, period, records, settings):
    report = theme_day_report(cast, period, cast.unit_a)
    before = stored_files(settings.MEDIA_ROOT)
    page = client_as("secretary_a").get(reverse("assessments:report", args=[report.pk])).content.decode()

    report.refresh_from_db()
    assert report.state == Report.State.DRAFT  # drafted, not submitted: the secretary edits
    assert "学雷锋志愿服务" in report.content and "重温入党誓词" in report.content
    assert f"{period.year}年3月5日" in report.content and "社区服务站" in report.content
    assert "11" in report.content and "9" in report.content  # attendance
    assert "草稿活动" not in report.content and "乙支部活动" not in report.content and "去年" not in report.content
    assert report.content.index("学雷锋") < report.content.index("重温")  # in date order
    assert "学雷锋志愿服务" in page and "合影.png" in page and "宣誓.png" in page

    evidence = list(report.evidence.order_by("pk"))
    assert [(e.original_name, e.sha256, e.file.name) for e in evidence] == [
        (f.original_name, f.sha256, f.file.name) for f in records
    ]
    assert [e.work_date.month for e in evidence] == [3, 3, 4]
    assert stored_files(settings.MEDIA_ROOT) == before  # nothing uploaded twice
    assert report.events.filter(action="evidence_added").count() == 3


def test_evidence_from_records_downloads_under_the_evidence_checks(client_as, cast, period, records):
    report = theme_day_report(cast, period, cast.unit_a)
    client_as("secretary_a").get(reverse("assessments:report", args=[report.pk]))
    evidence = report.evidence.get(original_name="宣誓.png")
    url = reverse("assessments:evidence_download", args=[evidence.pk])
    for role in ("secretary_a", "leader", "admin", "supervisor"):
        response = client_as(role).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == records[2].file.open("rb").read()
    assert client_as("secretary_b").get(url).status_code in (403, 404)
    assert client_as("anonymous").get(url).status_code == 302


def test_drafted_once_only_and_never_over_what_the_secretary_wrote(client_as, cast, period, records):
    report = theme_day_report(cast, period, cast.unit_a)
    client = client_as("secretary_a")
    url = reverse("assessments:report", args=[report.pk])
    client.get(url)
    client.get(url)
    assert Evidence.objects.filter(report=report).count() == 3
    # The secretary empties the text: opening again does not bring it back (evidence exists).
    services.save_report(report_id=report.pk, actor=cast.secretary_a, content="")
    client.get(url)
    report.refresh_from_db()
    assert report.content == "" and report.evidence.count() == 3

    # Unit B's report already has text: left as it is.
    other = theme_day_report(cast, period, cast.unit_b)
    services.save_report(report_id=other.pk, actor=cast.secretary_b, content="自己写的")
    client_as("secretary_b").get(reverse("assessments:report", args=[other.pk]))
    other.refresh_from_db()
    assert other.content == "自己写的" and not other.evidence.exists()


@pytest.mark.parametrize("role", ["leader", "admin", "supervisor"])
def test_a_reader_who_may_not_file_opens_the_draft_without_changing_it(client_as, cast, period, records, role):
    report = theme_day_report(cast, period, cast.unit_a)
    response = client_as(role).get(reverse("assessments:report", args=[report.pk]))
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.content == "" and not report.evidence.exists()
    # …but sees the records behind it
    assert "学雷锋志愿服务" in response.content.decode()


def test_reviewers_see_the_records_behind_a_submitted_report(client_as, cast, period, records):
    report = theme_day_report(cast, period, cast.unit_a)
    client_as("secretary_a").get(reverse("assessments:report", args=[report.pk]))
    services.submit_report(report_id=report.pk, actor=cast.secretary_a)
    page = client_as("leader").get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "本报告依据的履责纪实" in page
    assert "学雷锋志愿服务" in page and "9/11" not in page and "重温入党誓词" in page
    assert "乙支部活动" not in page


def test_a_leaders_own_record_drafts_the_leaders_report(client_as, cast, period):
    """双重组织生活 (item 8): the leader's own record, held in the branch they belong to,
    drafts the leader's own report of that duty — and no other member's."""
    post = Post.objects.get(holder=cast.leader, unit=cast.party_group)
    duty = Duty.objects.get(checklist=cast.checklist, code="O-L3")
    # 双重组织生活 is reported each quarter: the record drafts the report of its own quarter.
    report, other_quarter = Report.objects.filter(period=period, assignment__post=post, assignment__duty=duty).order_by(
        "quarter"
    )
    start, _end = drafting.period_window(report)
    WorkRecordFactory(
        unit=cast.unit_a,
        post=post,
        kind="dual_life",
        held_on=start + datetime.timedelta(days=1),
        topic="以普通党员身份参加支部组织生活",
        duties=[duty],
        recorded_by=cast.leader,
    )
    assert not drafting.records_behind(other_quarter).exists()
    client_as("leader").get(reverse("assessments:report", args=[report.pk]))
    report.refresh_from_db()
    assert "以普通党员身份参加支部组织生活" in report.content
    others = Report.objects.filter(period=period, assignment__duty=duty).exclude(assignment__post=post)
    assert others.exists()
    for other in others:
        assert not drafting.records_behind(other).exists()


def test_people_in_a_record_are_counted_when_no_attendance_is_given(client_as, cast, period):
    duty = Duty.objects.get(checklist=cast.checklist, code="B-05")
    people = UserFactory.create_batch(2)
    WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year, 2, 2),
        topic="走访",
        duties=[duty],
        participants=people,
    )
    report = theme_day_report(cast, period, cast.unit_a)
    client_as("secretary_a").get(reverse("assessments:report", args=[report.pk]))
    report.refresh_from_db()
    assert "走访" in report.content and "2" in report.content


def test_the_draft_is_filled_under_a_lock_within_its_province(client_as, cast, period, records):
    """The report page fills a fresh draft under the report's lock: named with the report's
    province (docs/scale.md 5: on Citus its shard only), as a filing's; the draft is filled."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.core.test_provinces import _joined_across_provinces
    from tests.core.test_provinces_spanning import keyed_tables

    report = theme_day_report(cast, period, cast.unit_a)
    with CaptureQueriesContext(connection) as queries:
        client_as("secretary_a").get(reverse("assessments:report", args=[report.pk]))
    report.refresh_from_db()
    assert "学雷锋志愿服务" in report.content
    locks = [q["sql"] for q in queries if 'FROM "assessments_report"' in q["sql"] and " FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and f'"assessments_report"."province_id" = {report.province_id}' in locks[0]
    assert _joined_across_provinces(queries, keyed_tables()) == []

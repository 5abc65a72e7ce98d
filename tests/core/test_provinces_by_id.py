"""The reads by id that did not name the province (issue 16 item 5, docs/scale.md section
5, "Still to change for Citus" item 3): a file downloaded by its id, an outgoing holder's
own report, the services' steps called by the API and the nightly jobs. Each is read with
``province_id`` in its SQL (on Citus, the shards it lies on only), and each person gets
what they got before: the file or the 404, the step done or refused."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import permissions
from assessments.models import Evidence, Report
from assessments.services import add_evidence
from core.pagecache import bump, bump_people
from responsibilities.models import Post
from tests.assessments.files import pdf, upload
from tests.core.test_provinces import _joined_across_provinces
from tests.core.test_provinces_spanning import keyed_tables, period, two_provinces  # noqa: F401 (fixtures)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attach(report, name: str, marking: str = "") -> Evidence:
    return add_evidence(
        report_id=report.pk,
        actor=report.assignment.post.holder,
        upload=upload(name, pdf()),
        description=name,
        work_date=timezone.localdate(),
        marking=marking,
    )


@pytest.fixture
def files(cast, period, two_provinces, settings, tmp_path):  # noqa: F811 (fixtures)
    """A file of unit A's report (the 党组's province) and two of the 纪检监察组's (its own
    province, one of them marked 内部)."""
    settings.MEDIA_ROOT = str(tmp_path)
    drafts = Report.objects.filter(period=period, state="draft").select_related("assignment__post__holder")
    unit_a = drafts.filter(unit=cast.unit_a).order_by("pk").first()
    # The 纪检监察组's few reports were all submitted (two_provinces): its first a draft again.
    discipline = Report.objects.filter(period=period, unit=cast.discipline).order_by("pk").first()
    Report.objects.filter(pk=discipline.pk).update(state="draft", submitted_at=None)
    discipline = drafts.get(pk=discipline.pk)
    return [
        attach(unit_a, "支部会议记录.pdf"),
        attach(discipline, "纪检工作台账.pdf"),
        attach(discipline, "线索处置台账.pdf", marking="internal"),
    ]


def evidence_lookups(queries, pk: int) -> list[str]:
    by_id = rf'FROM "assessments_evidence" .*"assessments_evidence"\."id" = {pk}\b'
    return [q["sql"] for q in queries if re.search(by_id, q["sql"])]


@pytest.mark.parametrize("who", ["admin", "leader", "other_leader", "supervisor", "secretary_a", "secretary_b"])
def test_a_file_is_looked_up_within_the_provinces_one_reads_in(cast, files, client_as, who):
    """The download's URL names a file by id alone: it is read with ``province_id IN (…)``
    (the reader's provinces, as the report page), its report within them too, and each
    person gets the file or the 404 they got before — a file of a report they may not see,
    or one marked 内部 they may not open, is as unknown as one that does not exist."""
    from responsibilities import access

    user = cast.by_role(who)
    client = client_as(who)
    for evidence in files:
        report = Report.objects.select_related("unit", "assignment__post").get(pk=evidence.report_id)
        expected = permissions.can_view(user, report) and access.may_see_marked(user, evidence.marking)
        bump()
        with CaptureQueriesContext(connection) as queries:
            got = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
        assert got.status_code == (200 if expected else 404), (who, evidence.original_name)
        lookups = evidence_lookups(queries, evidence.pk)
        assert lookups and '"assessments_evidence"."province_id" IN (' in lookups[0], who
        # Not found there: asked again by id alone only for a file of a report they filed.
        assert all(f'"assessments_report"."responsible_id" = {user.pk} ' in sql for sql in lookups[1:]), who
        assert _joined_across_provinces(queries, keyed_tables()) == [], who
    assert client.get(reverse("assessments:evidence_download", args=[10**9])).status_code == 404


def test_a_file_of_another_province_is_not_found_by_a_secretary(cast, files, client_as):
    """Both sides of the rule: unit A's secretary opens their own file, not the 纪检监察组's
    (another province), which an admin opens."""
    mine, theirs, _internal = files
    client = client_as("secretary_a")
    assert client.get(reverse("assessments:evidence_download", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessments:evidence_download", args=[theirs.pk])).status_code == 404
    assert client_as("admin").get(reverse("assessments:evidence_download", args=[theirs.pk])).status_code == 200


def test_an_outgoing_holder_still_downloads_a_file_of_the_report_they_filed(cast, period, files):  # noqa: F811 (fixtures)
    """交接 (issue 12): whoever submitted a report keeps its files after handing the post on,
    in a province where they hold no post now — the second lookup, by id alone and only
    for their own, its report joined within the file's province."""
    from django.http import Http404

    from assessments.services import submit_report

    person = UserFactory(username="jjz_f", full_name="纪检干部")
    _mine, theirs, _internal = files
    report = Report.objects.get(pk=theirs.report_id)
    post = Post.objects.get(pk=report.assignment.post_id)
    Post.objects.filter(pk=post.pk).update(holder=person)
    Post.objects.filter(unit=cast.committee, holder__isnull=True).update(holder=person)  # the 党组's province
    person = type(person).objects.get(pk=person.pk)
    submit_report(report_id=report.pk, actor=person, content="已落实")
    Post.objects.filter(pk=post.pk).update(holder=cast.supervisor)  # handed on
    gone = type(person).objects.get(pk=person.pk)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.get_evidence_for(gone, theirs.pk).pk == theirs.pk
    assert _joined_across_provinces(queries, keyed_tables()) == []
    other = Report.objects.filter(unit=cast.discipline).exclude(pk=report.pk).order_by("pk").first()
    Report.objects.filter(pk=other.pk).update(state="draft", submitted_at=None)
    stranger = attach(Report.objects.get(pk=other.pk), "他人的.pdf")
    with pytest.raises(Http404):
        permissions.get_evidence_for(type(person).objects.get(pk=person.pk), stranger.pk)


def locks(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and " FOR UPDATE" in q["sql"]]


def test_the_apis_submission_locks_the_report_within_its_province(cast, period, settings, tmp_path):  # noqa: F811 (fixtures)
    """The API's submit (a report and its files in one request): each step locks the report
    on its province's shard (``Transitions.lock(province=…)``), as the report page does;
    the report is submitted with its file."""
    from tests.api.conftest import token_client

    settings.MEDIA_ROOT = str(tmp_path)
    report = Report.objects.filter(period=period, unit=cast.unit_a, state="draft").order_by("pk").first()
    client = token_client(cast.secretary_a, actor=cast.admin)
    data = {
        "content": "已落实",
        "files": [upload("会议记录.pdf", pdf())],
        "description": "会议记录",
        "work_date": timezone.localdate().isoformat(),
    }
    with CaptureQueriesContext(connection) as queries:
        done = client.post(f"/api/v1/reports/{report.pk}/submit/", data, format="multipart")
    assert done.status_code == 200, done.content
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED and report.evidence.count() == 1
    taken = locks(queries, "assessments_report")
    assert len(taken) == 2  # the file's step, the submission's
    assert [sql for sql in taken if f'"assessments_report"."province_id" = {report.province_id}' not in sql] == []
    assert _joined_across_provinces(queries, keyed_tables()) == []


def test_a_files_steps_lock_the_report_and_the_file_within_their_province(cast, period, client_as, settings, tmp_path):  # noqa: F811 (fixtures)
    """The report page's file steps (attach, remove): the report and the file are locked on
    their province's shard; the file is attached, then removed (the removal kept)."""
    settings.MEDIA_ROOT = str(tmp_path)
    report = Report.objects.filter(period=period, unit=cast.unit_a, state="draft").order_by("pk").first()
    client = client_as("secretary_a")
    form = {"file": upload("会议记录.pdf", pdf()), "description": "会议记录", "work_date": timezone.localdate()}
    with CaptureQueriesContext(connection) as added:
        assert client.post(reverse("assessments:evidence_add", args=[report.pk]), form).status_code == 302
    evidence = Evidence.objects.get(report=report)
    with CaptureQueriesContext(connection) as removed:
        assert client.post(reverse("assessments:evidence_remove", args=[evidence.pk])).status_code == 302
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    province = f'."province_id" = {report.province_id}'
    for queries, tables in ((added, ["assessments_report"]), (removed, ["assessments_report", "assessments_evidence"])):
        for table in tables:
            taken = locks(queries, table)
            assert len(taken) == 1 and province in taken[0], table
        assert _joined_across_provinces(queries, keyed_tables()) == []


def test_the_nightly_lock_locks_each_provinces_reports_on_its_shard(cast, period, two_provinces):  # noqa: F811 (fixtures)
    """The nightly lock (``lock_and_close``) locks the reports past due + grace of every
    province, a batch per province: each lock and each update names one province, so a
    batch's transaction stays on one shard. The same reports are locked as before."""
    import datetime

    from schedules.jobs import lock_and_close

    today = period.due_on + datetime.timedelta(days=period.grace_days + 1)
    # The 纪检监察组's were all submitted (two_provinces): one left unfiled, in its province.
    late = Report.objects.filter(period=period, unit=cast.discipline).order_by("pk").first()
    Report.objects.filter(pk=late.pk).update(state="draft", submitted_at=None)
    due = set(
        Report.objects.filter(period=period, state__in=Report.EDITABLE, lock_waived=False, due_on__lt=today)
        .exclude(resubmit_by__gte=today)
        .values_list("pk", flat=True)
    )
    assert {r.province_id for r in Report.objects.filter(pk__in=due)} == {cast.party_group.pk, cast.discipline.pk}
    with CaptureQueriesContext(connection) as queries:
        lock_and_close(today=today)
    assert set(Report.objects.filter(state=Report.State.LOCKED).values_list("pk", flat=True)) == due
    taken = locks(queries, "assessments_report")
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "assessments_report"')]
    assert len(taken) == 2 and updates
    assert [sql for sql in taken + updates if not re.search(r'"province_id" = \d+', sql)] == []


# The pages other than the hot ones (docs/scale.md 5, "Still to change" 3): lists and
# pages of 督办 and 整改, the work log, 述职评议 and 评先评优, the unit and organization pages,
# the dashboard's lists and exports. Each role that opens them; a page a role may not open
# (403/404) is still checked: its queries too run on the shards.
OTHER_PAGES = [
    "oversight:rectifications",
    "oversight:notices",
    "oversight:handovers",
    "worklog:records",
    "appraisals:rounds",
    "appraisals:my_appraisal",
    "honours:rounds",
    "honours:mine",
    "responsibilities:units",
    "responsibilities:my_duties",
    "responsibilities:liaisons",
    "responsibilities:assignments",
    "responsibilities:matrix",
    "dashboard:compliance",
    "dashboard:reports",
    "dashboard:ranking",
    "dashboard:exports",
]


@pytest.fixture
def other_rows(cast, period, two_provinces):  # noqa: F811 (fixtures)
    """Something on each page: a notice, a rectification and a work record in each province."""
    import datetime

    from oversight.services import issue_notice, raise_rectification
    from tests.factories import WorkRecordFactory

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    made = {}
    for unit in (cast.unit_a, cast.discipline):
        notice = issue_notice(actor=cast.admin, unit=unit, subject="督办事项", body="请落实", deadline=deadline)
        rectification = raise_rectification(
            actor=cast.admin, unit=unit, problem="台账不全", measure="补齐", deadline=deadline
        )
        record = WorkRecordFactory(unit=unit)
        made[unit.pk] = {"notice": notice, "rectification": rectification, "record": record}
    return made


@pytest.mark.parametrize("who", ["secretary_a", "leader", "other_leader", "admin", "supervisor"])
def test_the_other_pages_join_keyed_tables_within_one_province(cast, other_rows, client_as, who):
    """A query joining two keyed tables carries the provinces' equality (unless along a key
    of ``CROSSING``): on Citus a co-located join."""
    client = client_as(who)
    row = other_rows[cast.unit_a.pk]
    urls = [reverse(name) for name in OTHER_PAGES] + [
        reverse("oversight:notice", args=[row["notice"].pk]),
        reverse("oversight:rectification", args=[row["rectification"].pk]),
        reverse("worklog:record", args=[row["record"].pk]),
        reverse("responsibilities:units") + f"?unit={cast.unit_a.pk}",
    ]
    found = {}
    for url in urls:
        bump()
        bump_people()
        with CaptureQueriesContext(connection) as queries:
            got = client.get(url)
        assert got.status_code in (200, 403, 404), url  # a page, or the refusal it gave before
        joined = _joined_across_provinces(queries, keyed_tables())
        if joined:
            found[url] = joined
    assert found == {}
    if who == "admin":  # each page is shown to someone, its rows read
        assert all(client.get(url).status_code == 200 for url in urls[:-4] if "mine" not in url)


def test_the_hearing_pack_joins_keyed_tables_within_one_province(cast, period, two_provinces, settings, tmp_path):  # noqa: F811
    """The hearing pack (述职评议会 材料: the PDF and the workbook built at a period's close,
    for the whole organization): its joins between keyed tables carry the provinces'
    equality too; both files are built."""
    from dashboard.models import Export
    from dashboard.services import build_hearing_pack
    from scoring.services import compute_scores

    settings.MEDIA_ROOT = str(tmp_path)
    compute_scores(period=period)
    with CaptureQueriesContext(connection) as queries:
        exports = build_hearing_pack(period, notify_leadership=False)
    assert sorted(e.kind for e in exports) == ["excel", "pdf"]
    assert all(e.status == Export.Status.DONE for e in exports)
    assert _joined_across_provinces(queries, keyed_tables()) == []


def test_the_steps_of_a_notice_and_a_rectification_lock_them_within_their_province(cast, period, client_as):  # noqa: F811
    """督办 and 整改 from their pages (the unit's answer, the issuer's settling): each step
    locks the item with its province named (read with it by the page), and does what it
    did: replied and closed, reported done and verified."""
    import datetime

    from oversight.models import Rectification, SupervisionNotice
    from oversight.services import issue_notice, raise_rectification
    from tests.assessments.files import png

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    notice = issue_notice(actor=cast.admin, unit=cast.unit_a, subject="督办事项", body="请落实", deadline=deadline)
    rectification = raise_rectification(
        actor=cast.admin, unit=cast.unit_a, problem="台账不全", measure="补齐", deadline=deadline
    )
    steps = [
        ("secretary_a", reverse("oversight:reply", args=[notice.pk]), {"reply": "已落实"}),
        ("admin", reverse("oversight:settle", args=[notice.pk]), {"action": "close", "comment": ""}),
        (
            "secretary_a",
            reverse("oversight:report_done", args=[rectification.pk]),
            {"completion": "已补齐", "files": [upload("台账.png", png())]},
        ),
        ("admin", reverse("oversight:verify", args=[rectification.pk]), {"action": "close", "comment": ""}),
    ]
    for who, url, data in steps:
        with CaptureQueriesContext(connection) as queries:
            assert client_as(who).post(url, data).status_code == 302, url
        table = "oversight_supervisionnotice" if "notices" in url else "oversight_rectification"
        taken = locks(queries, table)
        assert len(taken) == 1 and f'"{table}"."province_id" = {cast.party_group.pk}' in taken[0], url
    assert SupervisionNotice.objects.get(pk=notice.pk).state == SupervisionNotice.State.CLOSED
    assert Rectification.objects.get(pk=rectification.pk).state == Rectification.State.CLOSED


# 督办 and 整改 (their pages, steps and files) and a work record (its page and files), read
# by id — the URL names no province (docs/scale.md 5, "Still to change" 3): each is looked
# up within the reader's provinces, its timeline and files read within its own.
ITEM_KEYS = {  # an item's table → the columns that name it by id (its own, its parent's)
    "oversight_rectification": ("id",),
    "oversight_supervisionnotice": ("id",),
    "oversight_event": ("rectification_id", "notice_id"),
    "oversight_attachment": ("id", "rectification_id", "notice_id"),
    "worklog_workrecord": ("id",),
    "worklog_recordfile": ("id", "record_id"),
    "worklog_workrecordevent": ("record_id",),
}
# Who gets the page or the file of unit A's items and of the 纪检监察组's (another
# province); the others a 404, as before.
SEES_ITEMS = {
    "admin": (200, 200),
    "leader": (200, 200),
    "other_leader": (200, 200),
    "supervisor": (200, 200),
    "secretary_a": (200, 404),
    "secretary_b": (404, 404),
}


def item_reads(queries, pks, keys=ITEM_KEYS) -> list[tuple[str, str]]:
    """(table, query) of the queries reading a table of ``keys`` (an item's, ``ITEM_KEYS``)
    by one of ``pks``, by its id or its parent's (``= pk``, or ``IN (pk)`` of a prefetch)."""
    from tests.core.test_provinces import _reads

    return [
        (table, q["sql"])
        for q in queries
        for table, columns in keys.items()
        if _reads(table, q["sql"])
        and any(re.search(rf'"{table}"\."{column}" (= |IN \(){pk}\b', q["sql"]) for column in columns for pk in pks)
    ]


def outside_a_province(reads: list[tuple[str, str]], user) -> list[str]:
    """Of ``reads``, those naming no province of the table read: none, but ``access.find``'s
    second lookup, by id and filer — a notice (or its file) by the one who issued it, a
    report by the one who submitted it — asked only when the first, within their
    provinces, found nothing."""
    filer = rf'"(issued_by_id|responsible_id)" = {user.pk}\b'
    return [
        sql
        for table, sql in reads
        if not re.search(rf'"{table}"\."province_id" (= |IN \()', sql) and not re.search(filer, sql)
    ]


@pytest.fixture
def items(cast, other_rows, settings, tmp_path):
    """``other_rows`` with files: a rectification reported done and a notice replied to
    with a file each, and a work record's scan, in unit A and in the 纪检监察组."""
    from oversight.services import reply_to_notice, report_rectification_done
    from tests.assessments.files import png
    from worklog.services import add_files

    settings.MEDIA_ROOT = str(tmp_path)
    made = {}
    for unit, holder in ((cast.unit_a, cast.secretary_a), (cast.discipline, cast.supervisor)):
        row = other_rows[unit.pk]
        rectification, notice, record = row["rectification"], row["notice"], row["record"]
        report_rectification_done(
            rectification_id=rectification.pk, actor=holder, completion="已补齐", uploads=[upload("台账.png", png())]
        )
        reply_to_notice(notice_id=notice.pk, actor=holder, reply="已落实", uploads=[upload("回复.png", png())])
        (scan,) = add_files(record_id=record.pk, actor=holder, uploads=[upload("签到表.png", png())])
        made[unit.pk] = {
            "oversight:rectification": rectification.pk,
            "oversight:notice": notice.pk,
            "oversight:attachment": rectification.attachments.get().pk,
            "oversight:attachment@notice": notice.attachments.get().pk,
            "worklog:record": record.pk,
            "worklog:record_file": scan.pk,
        }
    return made


def item_url(name: str, pk: int) -> str:
    return reverse(name.split("@")[0], args=[pk])


@pytest.mark.parametrize("who", list(SEES_ITEMS))
def test_an_items_page_and_files_are_looked_up_within_the_provinces_one_reads_in(cast, items, client_as, who):
    """A 督办 notice's and a rectification's page and files, a work record's page and scan:
    each is read with ``province_id = …`` or ``IN (…)`` (the reader's provinces for the
    lookup by id, the item's own for its timeline and files), and each person gets the page,
    the file or the 404 they got before — an item of another province is as unknown to a
    secretary as one that does not exist."""
    user = cast.by_role(who)
    client = client_as(who)
    for unit, expected in zip((cast.unit_a, cast.discipline), SEES_ITEMS[who], strict=True):
        for name, pk in items[unit.pk].items():
            bump()
            with CaptureQueriesContext(connection) as queries:
                got = client.get(item_url(name, pk))
            assert got.status_code == expected, (who, unit.code, name)
            reads = item_reads(queries, [pk])
            assert reads, (who, name)  # the lookup by id is captured
            assert outside_a_province(reads, user) == [], (who, unit.code, name)
            assert _joined_across_provinces(queries, keyed_tables()) == [], (who, unit.code, name)
        for name in items[unit.pk]:
            assert client.get(item_url(name, 10**9)).status_code == 404, (who, name)


# A step refused: who may see the item but not take the step gets the 403, who may not see
# it the 404, as before; the lookup names the provinces all the same.
REFUSED_STEPS = [
    ("leader", "oversight:reply", "notice", "unit_a", 403),  # not a post holder of unit A
    ("secretary_a", "oversight:settle", "notice", "unit_a", 403),  # not the issuer
    ("secretary_b", "oversight:reply", "notice", "unit_a", 404),
    ("secretary_a", "oversight:reply", "notice", "discipline", 404),
    ("leader", "oversight:report_done", "rectification", "unit_a", 403),
    ("secretary_a", "oversight:verify", "rectification", "unit_a", 403),  # not the raiser
    ("secretary_a", "oversight:report_done", "rectification", "discipline", 404),
    ("leader", "worklog:record_files", "record", "unit_a", 403),  # reads it, records for no unit there
    ("secretary_a", "worklog:record_files", "record", "discipline", 404),
]


@pytest.mark.parametrize(("who", "step", "item", "where", "status"), REFUSED_STEPS)
def test_a_step_on_an_item_is_refused_as_before_and_looked_up_within_the_provinces(
    cast, other_rows, client_as, who, step, item, where, status
):
    """(A post holder's lookup of a notice or a rectification named their provinces
    already, through ``access.visible``; a leader's, an admin's and any work record's did
    not.)"""
    user = cast.by_role(who)
    pk = other_rows[getattr(cast, where).pk][item].pk
    with CaptureQueriesContext(connection) as queries:
        got = client_as(who).post(reverse(step, args=[pk]), {"reply": "已落实", "completion": "已补齐"})
    assert got.status_code == status
    reads = item_reads(queries, [pk])
    assert reads and outside_a_province(reads, user) == []


def test_an_issuer_no_longer_a_leader_still_opens_the_notice_they_issued(cast, items, client_as):
    """A notice is seen by the one who issued it whatever their scope (as its list shows
    it): a leader who has lost the role, keeping a post in the 党组 only, still opens the
    notice they issued to the 纪检监察组 (another province) and its file — the second
    lookup, by id and issuer, asked only when the first, within their provinces, found
    nothing. A notice of the 纪检监察组 they did not issue is not found."""
    import datetime

    from oversight.services import issue_notice, reply_to_notice
    from tests.assessments.files import png

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    mine = issue_notice(actor=cast.leader, unit=cast.discipline, subject="督办", body="请落实", deadline=deadline)
    reply_to_notice(notice_id=mine.pk, actor=cast.supervisor, reply="已落实", uploads=[upload("回复.png", png())])
    cast.leader.groups.clear()
    client = client_as("leader")
    theirs = items[cast.discipline.pk]
    listed = {n.pk for n in client.get(reverse("oversight:notices")).context["rows"]}
    for url, status in (
        (reverse("oversight:notice", args=[mine.pk]), 200),
        (reverse("oversight:attachment", args=[mine.attachments.get().pk]), 200),
        (reverse("oversight:notice", args=[theirs["oversight:notice"]]), 404),
        (reverse("oversight:attachment", args=[theirs["oversight:attachment@notice"]]), 404),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == status, url
        reads = item_reads(queries, [int(url.rstrip("/").rsplit("/", 1)[1])])
        table, first = reads[0]
        assert re.search(rf'"{table}"\."province_id" (= |IN \()', first), url
        assert outside_a_province(reads, cast.leader) == [], url
    assert mine.pk in listed and theirs["oversight:notice"] not in listed  # the list, as the pages


def test_a_finding_is_looked_up_within_the_provinces_one_reads_in(cast, client_as):
    """Raising a rectification from a 述职评议 finding: the finding is read within the
    reader's provinces; who may raise gets the form, the secretary it concerns the 403 and
    another secretary the 404, as before."""
    from appraisals import services as appraisals
    from appraisals.models import AppraisalRound, Finding, Rater, RaterRole

    done = appraisals.create_round(year=timezone.localdate().year - 1, actor=cast.admin)
    Rater.objects.filter(round=done, role=RaterRole.PEER).delete()
    AppraisalRound.objects.filter(pk=done.pk).update(state=AppraisalRound.State.PUBLISHED)
    appraisals.store_results(done)
    finding = Finding.objects.create(
        appraisee=done.appraisees.get(person=cast.secretary_a), text="记录不全", raised_by=cast.admin
    )
    url = reverse("oversight:raise_from_finding", args=[finding.pk])
    lookup = rf'FROM "appraisals_finding" .*"appraisals_finding"\."id" = {finding.pk}\b'
    for who, status in (("admin", 200), ("supervisor", 200), ("secretary_a", 403), ("secretary_b", 404)):
        with CaptureQueriesContext(connection) as queries:
            assert client_as(who).get(url).status_code == status, who
        found = [q["sql"] for q in queries if re.search(lookup, q["sql"])]
        assert found and '"appraisals_finding"."province_id" IN (' in found[0], who

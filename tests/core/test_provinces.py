"""The province key (issue 16 item 5, docs/scale.md section 5): every row that hangs off a
unit carries the id of its unit's root, set by the services that make it — one at a time
or in bulk — and kept right when a unit's work moves to another province or a unit moves
in the tree. A model added later that hangs off a unit without the key fails here."""

import datetime
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Evidence, Report, ReportEvent
from assessments.services import add_evidence, approve_report, open_period, return_report, submit_report
from core import province_keys, provinces
from oversight import reorganization
from oversight.services import issue_notice, raise_rectification, reply_to_notice
from responsibilities.models import Post, Unit, UnitKind
from schedules.models import ReminderStage, SentReminder
from schedules.reminders import send_reminders
from scoring.models import ScoreLine, UnitScore
from scoring.services import compute_scores
from tests.assessments.conftest import scheduled_period
from tests.assessments.files import pdf, upload
from tests.factories import PostFactory, UnitFactory, UserFactory
from worklog import services as worklog
from worklog.models import RecordFile, WorkRecord, WorkRecordEvent

pytestmark = pytest.mark.django_db

# Tables that hang off a unit (a key to a unit or to a keyed row) and carry no province
# key, each with why; docs/scale.md section 5 lists them with what they are on Citus. A
# model not named here that hangs off a unit without the key fails the test below.
NOT_YET = {
    "responsibilities.Succession": "links two units, possibly of two provinces (a merge across): a reference table",
    "dashboard.Export": "one person's file, possibly of the whole installation (no unit): coordinator-local",
}


def _hangs_off_a_unit(model) -> bool:
    if hasattr(model, "instance_type"):  # a django-simple-history table: its model's columns
        return False
    keyed = set(provinces.keyed_models()) | {Unit}
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name != "province" and field.related_model in keyed:
            return True
    return False


def test_every_table_that_hangs_off_a_unit_carries_the_province_key():
    keyed = set(provinces.keyed_models())
    assert len(keyed) >= 20, "the keyed models are not found: the test is wrong"
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m not in keyed and m is not Unit and _hangs_off_a_unit(m) and m._meta.label not in NOT_YET
    ]
    assert missing == [], "give these models core.provinces.ProvinceKeyed, or say in NOT_YET why not"
    stale = [label for label in NOT_YET if label in {m._meta.label for m in keyed}]
    assert stale == [], "keyed now: take them off NOT_YET"
    for model in keyed:
        field = model._meta.get_field("province")
        assert not field.null and field.related_model is Unit, model
        for name in model.province_from:
            assert model._meta.get_field(name).related_model in keyed | {Unit}, (model, name)
    assert not Unit._meta.get_field("province").null


def test_every_unique_constraint_of_a_keyed_table_holds_within_a_province():
    """Citus enforces a unique constraint only if it holds the distribution column. (The
    unit table is a reference table, copied whole to every node: its unique path and code
    stay as they are.)"""
    for model in provinces.keyed_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                assert "province" in constraint.fields, (model, constraint.name)
        # A one-to-one key (an appraisee's result, a nomination's honour) stays unique alone
        # on PostgreSQL, as Django's reverse reads need; the model also declares it within
        # the province, the constraint the Citus step keeps (docs/scale.md 5).
        within = {f for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) for f in c.fields}
        unique = [
            f.name
            for f in model._meta.concrete_fields
            if f.unique and not f.primary_key and not (f.one_to_one and {"province", f.name} <= within)
        ]
        assert unique == [], model


@pytest.fixture
def period(cast):
    made = scheduled_period(cast)
    open_period(period=made)
    return made


def attach(report, actor, name: str):
    add_evidence(
        report_id=report.pk,
        actor=actor,
        upload=upload(name, pdf()),
        description=name,
        work_date=timezone.localdate(),
    )


def wrong_rows() -> dict[str, int]:
    """Per keyed table, the rows whose province is not the one their unit's root gives."""
    found = {}
    for model in [Unit, *provinces.keyed_models()]:
        sources = getattr(model, "province_from", ())
        if model is not Unit and not sources:
            continue
        want = provinces.expression(model, sources)
        bad = model._base_manager.annotate(want=want).exclude(province=F("want")).count()
        if bad:
            found[model._meta.label] = bad
    return found


def root_of(unit) -> int:
    return Unit.objects.get(path=unit.path[: Unit.steplen]).pk


def test_a_root_is_its_own_province_and_units_below_take_their_roots(cast):
    assert cast.party_group.province_id == cast.party_group.pk
    for unit in (cast.committee, cast.unit_a, cast.unit_b, cast.discipline):
        assert unit.province_id == cast.party_group.pk
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    branch = UnitFactory(code="S2ZB", name="另一省支部", parent=other)
    assert (other.province_id, branch.province_id) == (other.pk, other.pk)
    assert Unit.objects.get(pk=branch.pk).province_id == other.pk


def test_the_report_loop_files_scores_and_records_carry_their_units_province(cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    assert Report.objects.filter(period=period).count() > 10  # opened in bulk (INSERT … SELECT)
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    attach(report, cast.secretary_a, "会议记录.pdf")
    submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议")
    return_report(report_id=report.pk, actor=cast.leader, comment="请补充")
    submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议 2 次")
    approve_report(report_id=report.pk, actor=cast.leader, grade="good")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    rectification = raise_rectification(
        actor=cast.admin, unit=cast.unit_b, problem="台账不全", measure="补齐", deadline=deadline
    )
    notice = issue_notice(actor=cast.admin, unit=cast.unit_b, subject="督办", body="按期报送", deadline=deadline)
    reply_to_notice(notice_id=notice.pk, actor=cast.secretary_b, reply="已报送", uploads=[upload("回复.pdf", pdf())])
    data = worklog.RecordInput(
        kind="branch_committee", held_on=timezone.localdate(), topic="支委会", uploads=[upload("纪要.pdf", pdf())]
    )
    record = worklog.create_record(unit=cast.unit_a, actor=cast.secretary_a, data=data)
    compute_scores(period=period)
    send_reminders(today=period.due_on - datetime.timedelta(days=14))  # set-based rows

    province = cast.party_group.pk
    assert set(SentReminder.objects.values_list("province_id", flat=True)) == {province}
    assert set(ReminderStage.objects.values_list("province_id", flat=True)) == {province}
    assert Evidence.objects.get(report=report).province_id == province
    assert set(ReportEvent.objects.filter(report=report).values_list("province_id", flat=True)) == {province}
    assert ReportEvent.objects.filter(report=report).count() >= 5
    assert rectification.events.get().province_id == notice.province_id == province
    assert notice.attachments.get().province_id == province
    assert WorkRecord.objects.get(pk=record.pk).province_id == province
    assert RecordFile.objects.get(record=record).province_id == province
    assert WorkRecordEvent.objects.filter(record=record).exists()
    assert UnitScore.objects.filter(period=period).count() >= 2  # made in bulk
    assert ScoreLine.objects.filter(unit_score__period=period).count() > 10
    assert wrong_rows() == {}
    assert not Report.objects.exclude(province=root_of(cast.unit_a)).exists()


def test_a_unit_merged_into_another_province_takes_its_open_work_there(cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    branch = UnitFactory(code="S2ZB", name="另一省支部", parent=other)
    PostFactory(unit=branch, title="支部书记")
    draft = Report.objects.filter(period=period, unit=cast.unit_b).first()
    attach(draft, cast.secretary_b, "记录.pdf")
    done = Report.objects.filter(period=period, unit=cast.unit_b).exclude(pk=draft.pk).first()
    submit_report(report_id=done.pk, actor=cast.secretary_b, content="已完成")
    approve_report(report_id=done.pk, actor=cast.other_leader, grade="good")

    reorganization.merge(unit=cast.unit_b, into=branch, on=timezone.localdate(), reason="撤并", actor=cast.admin)

    draft.refresh_from_db()
    assert (draft.unit_id, draft.province_id) == (branch.pk, other.pk)
    # Its trail and its files went with it; the approved report stays where it was.
    assert set(ReportEvent.objects.filter(report=draft).values_list("province_id", flat=True)) == {other.pk}
    assert Evidence.objects.get(report=draft).province_id == other.pk
    assert Report.objects.get(pk=done.pk).province_id == cast.party_group.pk
    assert wrong_rows() == {}


def test_a_unit_moved_under_another_root_moves_with_everything_under_it(cast, period):
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    report = Report.objects.filter(period=period, unit=cast.unit_b).first()
    submit_report(report_id=report.pk, actor=cast.secretary_b, content="已完成")

    Unit.objects.move(Unit.objects.get(pk=cast.unit_b.pk), Unit.objects.get(pk=other.pk), "sorted-child")

    assert Unit.objects.get(pk=cast.unit_b.pk).province_id == other.pk
    assert set(Report.objects.filter(unit=cast.unit_b).values_list("province_id", flat=True)) == {other.pk}
    assert ReportEvent.objects.get(report=report).province_id == other.pk
    assert Post.objects.filter(unit=cast.unit_b).exists()
    # Its posts, their duties and its liaison went too (responsibilities 0013: keyed now).
    from responsibilities.models import Assignment, Liaison

    for model in (Post, Assignment, Liaison):
        assert set(model.objects.filter(unit=cast.unit_b).values_list("province_id", flat=True)) == {other.pk}, model
    assert Report.objects.filter(unit=cast.unit_a, province=cast.party_group.pk).exists()
    assert wrong_rows() == {}


def test_an_organization_moved_under_another_keeps_its_notice_numbers_and_takes_its_rounds(cast):
    """Issue 16 item 5: notices are numbered per organization (the unit's root) and rounds
    belong to one. A whole organization moved under another: its notices keep their
    numbers in its own series — the same numbers as the new root's own notices, which
    the constraint allows since the series is named — and its counter, rounds, their
    criteria, raters and events move to the new province; its next notice is numbered in
    the new root's series."""
    from appraisals.models import AppraisalEvent, AppraisalRound, Criterion
    from appraisals.services import create_round as create_appraisal
    from honours.models import HonourEvent, HonourRound
    from honours.services import create_round as create_honours
    from oversight.models import NoticeCounter, SupervisionNotice

    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    branch = UnitFactory(code="S2ZB", name="另一省支部", parent=other)
    PostFactory(unit=branch, title="支部书记", held_by=UserFactory(username="s2shuji"))
    home = cast.party_group.pk
    deadline = timezone.localdate() + datetime.timedelta(days=9)

    def notice(unit):
        return issue_notice(actor=cast.admin, unit=unit, subject="s", body="b", deadline=deadline)

    mine, theirs = notice(cast.unit_a), notice(Unit.objects.get(pk=branch.pk))
    assert (mine.number, mine.organization_id, theirs.number, theirs.organization_id) == (1, home, 1, other.pk)
    year = timezone.localdate().year
    appraisal = create_appraisal(year=year, actor=cast.admin, organization=other)
    honours = create_honours(year=year, title="评先", kinds=["advanced_branch"], actor=cast.admin, organization=other)
    assert appraisal.appraisees.get().unit_id == branch.pk  # its own secretaries only
    assert (appraisal.province_id, honours.province_id) == (other.pk, other.pk)

    Unit.objects.move(Unit.objects.get(pk=other.pk), Unit.objects.get(pk=home), "sorted-child")

    theirs.refresh_from_db()
    assert (theirs.province_id, theirs.organization_id, theirs.number) == (home, other.pk, 1)
    assert NoticeCounter.objects.get(organization=other).province_id == home
    for model, rows in (
        (AppraisalRound, AppraisalRound.objects.filter(pk=appraisal.pk)),
        (Criterion, Criterion.objects.filter(round=appraisal)),
        (AppraisalEvent, AppraisalEvent.objects.filter(round=appraisal)),
        (HonourRound, HonourRound.objects.filter(pk=honours.pk)),
        (HonourEvent, HonourEvent.objects.filter(round=honours)),
    ):
        assert set(rows.values_list("province_id", flat=True)) == {home}, model
    later = notice(Unit.objects.get(pk=branch.pk))
    assert (later.province_id, later.organization_id, later.number) == (home, home, 2)
    assert SupervisionNotice.objects.filter(province=home, year=year, number=1).count() == 2
    assert wrong_rows() == {}


def test_the_report_page_reads_the_reports_rows_within_its_province(cast, period, client_as, settings, tmp_path):
    """docs/scale.md 5: the report page is one shard on Citus — its events, files and plan
    are read with the report's province in the query, so the router needs no other node."""
    settings.MEDIA_ROOT = str(tmp_path)
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    attach(report, cast.secretary_a, "会议记录.pdf")
    client = client_as("secretary_a")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("assessments:report", args=[report.pk]))
    assert page.status_code == 200 and "会议记录" in page.content.decode()
    children = [
        q["sql"]
        for q in queries
        if 'FROM "assessments_reportevent"' in q["sql"] or 'FROM "assessments_evidence"' in q["sql"]
    ]
    assert len(children) >= 2
    assert [sql for sql in children if '."province_id" = ' not in sql] == []


# A unit's liaison leader (``Unit.liaison``): the post read by its primary key within its
# province, both named by the liaison row read within the unit's province — a liaison's
# post may lie in another province (core.province_keys.CROSSING), so it is looked up, not
# joined (docs/scale.md 5).
_LIAISONS_POST = (
    r'FROM "responsibilities_post" .*WHERE \("responsibilities_post"\."id" IN \(SELECT U0\."post_id" '
    r'(?:AS "post_id" )?FROM "responsibilities_liaison" U0 WHERE [^)]*U0\."province_id" = \d+.*'
    r'"responsibilities_post"\."province_id" IN \(SELECT U0\."post_province_id" '
)


def _read_outside_a_province(queries, tables) -> list[str]:
    """The queries reading one of ``tables`` (as the table queried, not a joined one)
    without naming the province in the WHERE clause."""
    found = []
    for query in queries:
        sql = query["sql"]
        if re.search(
            r'FROM "responsibilities_post" .* WHERE "responsibilities_post"\."id" IN \(\(SELECT U0\."id" AS "pk" '
            r'FROM "responsibilities_post" U0 WHERE U0\."holder_id" = ',
            sql,
        ):
            continue  # the person's posts: the one lookup that finds their provinces
        table = next((t for t in tables if _reads(t, sql)), None)
        if table and not re.search(rf'"{table}"\."province_id" (= |IN \()', sql):
            found.append(sql)
    return found


def _joined_across_provinces(queries, tables) -> list[str]:
    """The queries joining two of ``tables`` (keyed tables) without their provinces' equality
    (``a."province_id" = b."province_id"``, either way round): a JOIN, or a subquery that
    refers to a keyed row outside it (a correlated ``EXISTS``, an annotation). On Citus such
    a join is co-located — each shard joins its own rows — only when it carries the
    distribution column (docs/scale.md 5). A subquery that stands alone (``IN (SELECT …)``
    naming no outer row) is planned apart and needs none."""
    found = []
    keyed = set(tables)
    crossing = _crossing_pairs()
    for query in queries:
        sql = _STRING.sub("''", query["sql"])
        for start, end in [(0, len(sql)), *_subqueries(sql)]:
            text = sql[start:end]
            refs = [(kind, ref) for kind, table, ref in _refs(text) if table in keyed]
            if not refs:
                continue
            outside = _refs(sql[:start] + sql[end:])
            outer = {ref for _kind, table, ref in outside if table in keyed}
            tables_of = defaultdict(set)  # an alias (U0…) may name other tables in other subqueries
            for _kind, table, ref in _refs(sql):
                tables_of[ref].add(table)
            inner = {ref for _kind, ref in refs}
            correlated = any(name in outer and name not in inner for name in _qualifiers(text))
            for position, (kind, ref) in enumerate(refs):
                if position == 0 and not (correlated and start):
                    continue  # the scope's own table, or a subquery standing alone
                if kind == "FROM" and position:
                    continue  # a nested subquery's table: checked in its own scope
                others = outer if position == 0 else (inner | outer) - {ref}
                pairs = {frozenset((a, b)) for other in others for a in tables_of[ref] for b in tables_of[other]}
                if pairs & crossing:
                    continue  # a key whose two rows may lie in two provinces (CROSSING)
                if not any(_equal_provinces(text, ref, other) for other in others):
                    found.append(query["sql"])
                    break
            else:
                continue
            break
    return found


def _crossing_pairs() -> set[frozenset]:
    """The pairs of tables joined along a key whose two rows may lie in two provinces
    (``core.province_keys.CROSSING``: a liaison and its leader's post, …): such a join
    cannot carry the provinces' equality."""
    pairs = set()
    for model in provinces.keyed_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and province_keys.label(model, field) in province_keys.CROSSING:
                pairs.add(frozenset((model._meta.db_table, field.related_model._meta.db_table)))
    return pairs


def _joined_along_crossing(queries) -> list[tuple[str, str]]:
    """(the key's label, the query) for each query that joins two keyed tables along a key
    of ``core.province_keys.CROSSING`` — ``child."<key>_id" = parent."id"``, either way
    round, in a JOIN's ``ON`` or a correlated subquery's ``WHERE`` — whose two rows may lie
    in two provinces: on Citus such a join is not co-located (repartitioned, or answered in
    two steps, docs/scale.md 5). A subquery naming no outer row (``parent."id" IN (SELECT
    child."<key>_id" …)``, ``child."<key>_id" IN (…)``) is planned apart and is not one;
    nor is a join that carries the two rows' provinces' equality too (an outer join whose
    ``ON`` names it, ``core.provinces.outer``: it finds the row only in the same province,
    and the caller reads one elsewhere by id, ``outer_rows``)."""
    keys = [
        (
            province_keys.label(model, field),
            model._meta.db_table,
            field.column,
            field.related_model._meta.db_table,
            field.target_field.column,
        )
        for model in provinces.keyed_models()
        for field in model._meta.concrete_fields
        if field.is_relation and province_keys.label(model, field) in province_keys.CROSSING
    ]
    name = r'("\w+"|\b\w+)'
    found = []
    for query in queries:
        sql = _STRING.sub("''", query["sql"])
        tables_of = defaultdict(set)  # an alias (U0…) may name other tables in other subqueries
        for _kind, table, ref in _refs(sql):
            tables_of[ref].add(table)
        for label, child, column, parent, target in keys:
            if f'"{column}"' not in sql:
                continue
            pairs = re.findall(rf'{name}\."{column}" = \(?{name}\."{target}"\)?', sql)
            pairs += [(a, b) for b, a in re.findall(rf'{name}\."{target}" = \(?{name}\."{column}"\)?', sql)]
            if any(
                child in tables_of[a] and parent in tables_of[b] and not _equal_provinces(sql, a, b) for a, b in pairs
            ):
                found.append((label, query["sql"]))
    return found


_STRING = re.compile(r"'(?:[^']|'')*'")
_KEYWORDS = "ON|WHERE|INNER|LEFT|RIGHT|FULL|CROSS|GROUP|ORDER|LIMIT|OFFSET|UNION|HAVING|FOR|AS|WINDOW"
_REF = re.compile(rf'\b(FROM|JOIN) "(\w+)"(?: (?!(?:{_KEYWORDS})\b)(\w+))?')


def _refs(text: str) -> list[tuple[str, str, str]]:
    """(FROM or JOIN, table, the name its columns are qualified with: ``"table"``, or an
    alias such as ``U0``) for each table ``text`` reads, a nested subquery's included."""
    return [(kind, table, alias or f'"{table}"') for kind, table, alias in _REF.findall(text)]


def _qualifiers(text: str) -> set[str]:
    """The names ``text``'s columns are qualified with (``"table"."col"``, ``U0."col"``)."""
    return set(re.findall(r'("\w+"|\b\w+)\."\w+"', text))


def _equal_provinces(text: str, one: str, other: str) -> bool:
    a, b = (re.escape(f'{name}."province_id"') for name in (one, other))
    return re.search(rf"{a} = \(?{b}\)?|{b} = \(?{a}\)?", text) is not None


def _subqueries(sql: str) -> list[tuple[int, int]]:
    """The spans of the ``(SELECT …)`` subqueries of ``sql`` (nested ones too)."""
    spans, opened = [], []
    for position, char in enumerate(sql):
        if char == "(":
            opened.append(position)
        elif char == ")" and opened:
            begin = opened.pop()
            if sql.startswith("(SELECT ", begin):
                spans.append((begin + 1, position))
    return spans


def _queried(queries, tables) -> set[str]:
    return {t for q in queries for t in tables if _reads(t, q["sql"])}


def _reads(table: str, sql: str) -> bool:
    """Whether ``sql`` queries ``table`` itself (a subquery's table has an alias: U0…)."""
    return re.search(rf'FROM "{table}"(?! [A-Z]\d)', sql) is not None


def test_the_secretary_home_reads_the_secretarys_rows_within_their_province(cast, period, client_as):
    """我的责任 (the secretary home): reports, tasks and counted assignments are read with
    the provinces of the person's posts in the query (docs/scale.md 5: one shard)."""
    client = client_as("secretary_a")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("assessments:my_reports"))
    assert page.status_code == 200
    tables = ["assessments_report", "assessments_task", "responsibilities_assignment"]
    assert _queried(queries, tables) == set(tables)
    assert _read_outside_a_province(queries, tables) == []


@pytest.mark.parametrize("who", ["secretary_a", "admin"])
def test_the_unit_page_reads_the_units_rows_within_its_province(cast, period, client_as, who):
    """The unit page: its reports, the roll-up below it, its honours and its liaison are
    read within the unit's province, for a post holder and for an admin who sees all."""
    unit = cast.unit_a if who == "secretary_a" else cast.committee
    client = client_as(who)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("assessments:unit", args=[unit.pk]))
    assert page.status_code == 200
    tables = ["assessments_report", "honours_honour"]
    assert _queried(queries, tables) == set(tables)
    assert _read_outside_a_province(queries, [*tables, "responsibilities_liaison", "responsibilities_post"]) == []
    # Its liaison leader: the liaison row within the unit's province, its post by id within
    # the post's province (the liaison row's ``post_province``).
    liaison = [q["sql"] for q in queries if re.search(_LIAISONS_POST, q["sql"])]
    assert len(liaison) == 1 and f'U0."province_id" = {unit.province_id}' in liaison[0]


def test_a_post_holders_scoped_reads_name_their_provinces(cast, period):
    """``access.visible`` (the scope of every list) names the provinces of the person's posts
    on a province-keyed table, and keeps exactly the rows it kept without them."""
    from responsibilities import access

    user = cast.secretary_a
    rows = access.visible(user, Report.objects.all())
    assert f'"assessments_report"."province_id" IN ({cast.party_group.pk})' in str(rows.query)
    assert set(rows) == set(Report.objects.filter(unit=cast.unit_a))
    assert access.province_ids(user) == (cast.party_group.pk,)


@pytest.mark.parametrize("who", ["secretary_a", "admin"])
def test_a_units_dashboard_reads_within_its_province(cast, period, client_as, who):
    """The dashboard of a unit (a post holder's own, or any unit an admin picks): counts,
    heatmap, ranking, trend and panels read the unit-hanging tables within the unit's
    province. (The whole organization's, which may span provinces, names none.)"""
    compute_scores(period=period)
    client = client_as(who)
    url = reverse("dashboard:index")
    if who == "admin":
        url += f"?unit={cast.committee.pk}"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    tables = [m._meta.db_table for m in provinces.keyed_models()]
    read = _queried(queries, tables)
    assert {"assessments_report", "scoring_unitscore"} <= read
    assert _read_outside_a_province(queries, tables) == []


def test_the_demo_keys_its_posts_appraisals_and_honours_with_their_units_province(settings):
    """`make run`'s demo writes posts, tenures, liaisons, assignments, an appraisal round with
    ballots, results and findings, and an honours round: each row's province is its unit's
    (or its parent row's) root, whichever way it was written (save, bulk_create)."""
    from django.core.management import call_command

    from appraisals.models import (
        AppraisalEvent,
        AppraisalResult,
        AppraisalRound,
        Appraisee,
        Ballot,
        BallotScore,
        BallotToken,
        Criterion,
        Finding,
        GradeLevel,
        Rater,
    )
    from honours.models import Honour, HonourEvent, HonourRound, Nomination
    from responsibilities.models import Assignment, Liaison, Tenure

    settings.DEBUG = True
    call_command("load_checklist", "--year", "2026")
    call_command("load_demo", "--year", "2026")
    for model in (Post, Tenure, Liaison, Assignment, Appraisee, Ballot, BallotScore, AppraisalResult, Finding):
        assert model.objects.exists(), model
    # Rounds belong to an organization now: theirs and their rows' provinces too.
    for model in (AppraisalRound, AppraisalEvent, Criterion, GradeLevel, Rater, BallotToken, HonourRound, HonourEvent):
        assert model.objects.exists(), model
    assert Nomination.objects.exists() and Honour.objects.exists()
    assert wrong_rows() == {}
    roots = dict(Unit.objects.filter(depth=1).values_list("pk", "province_id"))
    assert all(pk == province for pk, province in roots.items())
    assert set(Post.objects.values_list("province_id", flat=True)) <= set(roots)


def test_the_notifications_page_reads_no_unit_hanging_table(cast, client_as):
    """Notifications hang off a person, not a unit (docs/scale.md 5): the page needs no
    province, and reads no keyed table without one."""
    client = client_as("secretary_a")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert any('FROM "notifications_notification"' in q["sql"] for q in queries)
    tables = [m._meta.db_table for m in provinces.keyed_models()]
    assert _read_outside_a_province(queries, tables) == []

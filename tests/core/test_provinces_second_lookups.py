"""The last reads that went by id alone (issue 16 item 5, docs/scale.md section 5, "Still to
change for Citus" item 3), now within the province: an outgoing holder's own report and
the issuer's 督办 notice, asked second within the provinces the person filed in
(``responsibilities.FiledIn``), and a liaison's post, read by the nightly jobs and the
liaisons' history within the post's province (``Liaison.post_province``). Each person
still gets exactly their rows, and not another province's or unit's."""

import datetime
import re

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report
from assessments.permissions import get_report_for
from assessments.services import submit_report
from oversight.services import issue_notice
from responsibilities import access
from responsibilities.models import Assignment, FiledIn, Liaison, Post, PostKind, Unit
from responsibilities.services import set_liaison
from tests.core.test_provinces import _reads
from tests.core.test_provinces_spanning import (  # noqa: F401 (fixtures)
    get,
    move_unit_a_to_the_discipline_groups_tree,
    period,
    two_provinces,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def by_id(queries, table: str, pk: int) -> list[str]:
    """The queries reading ``table`` by the id ``pk`` (``= pk`` or ``IN (… pk …)``)."""
    found = rf'"{table}"\."id" (= {pk}\b|IN \([^)]*\b{pk}\b)'
    return [q["sql"] for q in queries if _reads(table, q["sql"]) and re.search(found, q["sql"])]


def without_province(sqls: list[str], table: str) -> list[str]:
    return [sql for sql in sqls if not re.search(rf'"{table}"\."province_id" (= |IN \(\d)', sql)]


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # a new request's user: nothing read yet


@pytest.fixture
def outgoing(cast, period, two_provinces):  # noqa: F811 (fixtures)
    """A 纪检干部 who filed one of the 纪检监察组's reports (another province than the 党组's),
    then handed the post on, keeping a post in the 党组's province; and a report of the
    纪检监察组 they did not file."""
    person = UserFactory(username="jjz_out", full_name="纪检干部")
    mine = Report.objects.filter(period=period, unit=cast.discipline, state="draft").order_by("pk").first()
    if mine is None:  # the 纪检监察组's few reports were all submitted (two_provinces): one a draft again
        mine = Report.objects.filter(period=period, unit=cast.discipline).order_by("pk").first()
        Report.objects.filter(pk=mine.pk).update(state="draft", submitted_at=None)
    post = Post.objects.get(pk=mine.assignment.post_id)
    Post.objects.filter(pk=post.pk).update(holder=person)
    Post.objects.filter(unit=cast.committee, holder__isnull=True).update(holder=person)  # the 党组's province
    submit_report(report_id=mine.pk, actor=fresh(person), content="已落实")
    Post.objects.filter(pk=post.pk).update(holder=cast.supervisor)  # handed on
    other = Report.objects.filter(unit=cast.discipline, submitted_at__isnull=False).exclude(pk=mine.pk).first()
    return person, mine, other


def test_an_outgoing_holders_own_report_is_asked_within_the_provinces_they_filed_in(cast, outgoing):
    """交接: the report page's lookup of a report the person filed, outside their posts'
    provinces now, is asked second within the provinces they filed in, never by id alone;
    they get their own report and a 404 for one of the same province they did not file.
    Fails on the previous main, whose second lookup named no province."""
    person, mine, other = outgoing
    assert set(FiledIn.objects.filter(person=person).values_list("province", flat=True)) == {cast.discipline.pk}
    with CaptureQueriesContext(connection) as queries:
        assert get_report_for(fresh(person), mine.pk).pk == mine.pk
    reads = by_id(queries, "assessments_report", mine.pk)
    assert len(reads) == 2 and without_province(reads, "assessments_report") == []
    assert f'"assessments_report"."province_id" IN ({cast.discipline.pk})' in reads[1]
    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        get_report_for(fresh(person), other.pk)
    assert without_province(by_id(queries, "assessments_report", other.pk), "assessments_report") == []


def test_an_outgoing_holder_with_no_post_left_opens_their_report_and_no_other(cast, outgoing, client):
    """The same person holding no post at all: the page of their own report opens, read
    within the provinces they filed in; another's report of that province is a 404."""
    person, mine, other = outgoing
    Post.objects.filter(holder=person).update(holder=None)
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessments:report", args=[mine.pk])).status_code == 200
    reads = by_id(queries, "assessments_report", mine.pk)
    assert reads and without_province(reads, "assessments_report") == []
    assert client.get(reverse("assessments:report", args=[other.pk])).status_code == 404


def test_a_report_of_a_province_one_never_filed_in_is_not_asked_there(cast, period, two_provinces):  # noqa: F811
    """Unit B's secretary filed in the 党组's province only: a 纪检监察组's report is not
    found, looked up within their posts' provinces, then within those they filed in —
    never by id alone, never in the 纪检监察组's. One who never filed asks nothing second."""
    report = Report.objects.get(pk=two_provinces[-1])
    assert report.unit_id == cast.discipline.pk != cast.unit_b.province_id
    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        get_report_for(fresh(cast.secretary_b), report.pk)
    reads = by_id(queries, "assessments_report", report.pk)
    assert len(reads) == 2 and without_province(reads, "assessments_report") == []
    assert f'"assessments_report"."province_id" IN ({cast.unit_b.province_id})' in reads[1]
    FiledIn.objects.filter(person=cast.secretary_b).delete()
    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        get_report_for(fresh(cast.secretary_b), report.pk)
    assert len(by_id(queries, "assessments_report", report.pk)) == 1


def test_an_issuers_notice_is_asked_within_the_provinces_they_issued_in(cast, period, two_provinces, client_as):  # noqa: F811
    """A leader who lost the role, keeping a post in the 党组 only, still opens the notice
    they issued to the 纪检监察组 (another province): asked second within the provinces they
    issued in, never by id alone. A notice of the 纪检监察组 they did not issue is a 404.
    Fails on the previous main, whose second lookup went by id and issuer alone."""
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    mine = issue_notice(actor=cast.leader, unit=cast.discipline, subject="督办", body="请落实", deadline=deadline)
    theirs = issue_notice(actor=cast.admin, unit=cast.discipline, subject="另案", body="请说明", deadline=deadline)
    assert cast.discipline.pk in set(FiledIn.objects.filter(person=cast.leader).values_list("province", flat=True))
    cast.leader.groups.clear()
    client = client_as("leader")
    for notice, status in ((mine, 200), (theirs, 404)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("oversight:notice", args=[notice.pk])).status_code == status
        reads = by_id(queries, "oversight_supervisionnotice", notice.pk)
        assert len(reads) == 2 and without_province(reads, "oversight_supervisionnotice") == [], status
        # Not within their posts' province (the 党组's): asked second within the one they issued in.
        assert f'"oversight_supervisionnotice"."province_id" IN ({cast.discipline.pk})' in reads[1], status
    rows = {n.pk for n in client.get(reverse("oversight:notices")).context["rows"]}
    assert mine.pk in rows and theirs.pk not in rows


def test_a_filed_report_moved_to_another_province_is_still_found_there(cast, period, two_provinces):  # noqa: F811
    """A unit moved under another root takes its reports there (``core.provinces.refill``):
    their submitters' provinces take it too, so an outgoing holder still finds their own."""
    report = Report.objects.filter(period=period, unit=cast.unit_a, state="draft").order_by("pk").first()
    submit_report(report_id=report.pk, actor=fresh(cast.secretary_a), content="已落实")
    move_unit_a_to_the_discipline_groups_tree(cast)
    assert Report.objects.get(pk=report.pk).province_id == cast.discipline.pk
    assert FiledIn.objects.filter(person=cast.secretary_a, province=cast.discipline.pk).exists()
    Post.objects.filter(holder=cast.secretary_a).update(holder=None)
    assert get_report_for(fresh(cast.secretary_a), report.pk).pk == report.pk


# A liaison's post: the liaison row carries its post's province.


@pytest.fixture
def crossing(cast, period, two_provinces):  # noqa: F811 (fixtures)
    """Unit B's liaison post moved to one of the 纪检监察组 (another province), held by the
    supervisor: a liaison whose post lies in another province than its unit."""
    post = Post.objects.filter(unit=cast.discipline, holder=cast.supervisor).order_by("pk").first()
    Liaison.objects.filter(unit=cast.unit_b).update(started=timezone.localdate() - datetime.timedelta(days=30))
    liaison = set_liaison(unit=Unit.objects.get(pk=cast.unit_b.pk), post=post)
    assert liaison.province_id == cast.unit_b.province_id != liaison.post_province_id == cast.discipline.pk
    return post


def test_the_nightly_jobs_read_the_liaison_posts_within_their_provinces(cast, period, crossing):  # noqa: F811
    """The escalation and the behind list read each unit's liaison post with its province
    (``access.liaison_post``) and the holders by those ids within those provinces
    (``liaison_holders``): the same leaders as before, the crossing one included. Fails on
    the previous main, which read the posts by id alone."""
    from schedules import behind, escalation

    late = {
        unit: Report.objects.filter(period=period, unit=unit, state__in=Report.UNSUBMITTED).order_by("pk").first()
        for unit in (cast.unit_a.pk, cast.unit_b.pk)
    }
    today = max(r.due_on for r in late.values()) + datetime.timedelta(days=1)
    with CaptureQueriesContext(connection) as queries:
        pairs = {(person, item.item_id) for person, item in escalation.overdue_report_items(today=today)}
    assert (cast.leader.pk, late[cast.unit_a.pk].pk) in pairs
    assert (cast.supervisor.pk, late[cast.unit_b.pk].pk) in pairs
    assert (cast.other_leader.pk, late[cast.unit_b.pk].pk) not in pairs
    posts = [q["sql"] for q in queries if _reads("responsibilities_post", q["sql"])]
    assert posts and without_province(posts, "responsibilities_post") == []
    rows = Assignment.objects.filter(unit__in=[cast.unit_a.pk, cast.unit_b.pk], post__holder__isnull=False)
    rows = rows.annotate(
        liaison_post_id=access.liaison_post("unit"),
        liaison_province_id=access.liaison_post("unit", "post_province_id"),
    )
    with CaptureQueriesContext(connection) as queries:
        counted = behind.assignments_of(rows.order_by("pk"), liaisons=True)
    assert {(a.unit_id, a.liaison_id) for a in counted} == {
        (cast.unit_a.pk, cast.leader.pk),
        (cast.unit_b.pk, cast.supervisor.pk),
    }
    posts = [q["sql"] for q in queries if _reads("responsibilities_post", q["sql"])]
    assert len(posts) == 1 and without_province(posts, "responsibilities_post") == []


def test_the_liaisons_history_reads_the_posts_within_their_provinces(cast, crossing, client_as):
    """The liaisons' page: the liaison rows within the units' provinces, their posts by id
    within the posts' (the crossing one's too); both leaders of unit B shown."""
    page, queries = get(client_as("admin"), reverse("responsibilities:liaisons"))
    html = page.content.decode()
    assert cast.supervisor.display_name in html and cast.other_leader.display_name in html
    liaisons = [q["sql"] for q in queries if _reads("responsibilities_liaison", q["sql"])]
    assert liaisons and without_province(liaisons, "responsibilities_liaison") == []
    posts = [q["sql"] for q in queries if re.search(r'FROM "responsibilities_post" .*"id" IN \(\d', q["sql"])]
    assert len(posts) == 1 and without_province(posts, "responsibilities_post") == []


LIAISONS_POST_WITHIN = re.compile(
    r'"responsibilities_post"\."id" IN \(SELECT U0\."post_id" (?:AS "\w+" )?FROM "responsibilities_liaison" U0 '
    r'.*"responsibilities_post"\."province_id" IN \(SELECT U0\."post_province_id" (?:AS "\w+" )?'
    r'FROM "responsibilities_liaison" U0 '
)


def test_a_units_liaison_and_with_liaisons_read_the_post_within_its_province(cast, crossing):
    """``Unit.liaison`` (one unit: the unit page, the review rule) and ``access.with_liaisons``
    (a list: the units list, the API's units, the reminders) read the liaison's post by
    its id within the province its liaison row names (``post_province``), in the same one
    query as before: the same leaders, the crossing one included, and none for a unit
    without a liaison. Fails on the previous main, which read the post by id alone."""
    liaised = set(Liaison.objects.filter(ended__isnull=True).values_list("unit", flat=True))
    alone = Unit.objects.exclude(pk__in=liaised).order_by("path").first()
    expected = {cast.unit_a.pk: cast.leader, cast.unit_b.pk: cast.supervisor, alone.pk: None}
    for pk, leader in expected.items():
        unit = Unit.objects.get(pk=pk)
        with CaptureQueriesContext(connection) as queries:
            assert unit.liaison == leader
        assert len(queries) == 1 and LIAISONS_POST_WITHIN.search(queries[0]["sql"]), queries[0]["sql"]
        assert f'U0."province_id" = {unit.province_id}' in queries[0]["sql"]
    units = list(Unit.objects.filter(pk__in=expected).order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        filled = access.with_liaisons(units)
    assert {u.pk: u.liaison for u in filled} == expected
    assert len(queries) == 1 and LIAISONS_POST_WITHIN.search(queries[0]["sql"]), queries[0]["sql"]


def test_a_liaisons_post_province_follows_its_post(cast, crossing):
    """Kept by ``core.provinces``: set with the liaison, carried when the post's unit moves
    under another root (``refill``) or the liaison is given another post."""
    liaison = Liaison.objects.get(unit=cast.unit_b, ended__isnull=True)
    Unit.objects.move(Unit.objects.get(pk=cast.discipline.pk), Unit.objects.get(pk=cast.party_group.pk), "sorted-child")
    liaison.refresh_from_db()
    assert liaison.post_province_id == cast.party_group.pk == Post.objects.get(pk=crossing.pk).province_id
    leader_post = (
        Post.objects.filter(holder=cast.leader, kind=PostKind.GROUP_MEMBER).first()
        or Post.objects.filter(holder=cast.leader).first()
    )
    Liaison.objects.filter(pk=liaison.pk).update(post=leader_post)
    liaison = Liaison.objects.get(pk=liaison.pk)
    liaison.save(update_fields=["post"])
    assert Liaison.objects.get(pk=liaison.pk).post_province_id == leader_post.province_id


def test_the_ledger_reads_the_notices_left_in_another_province_in_one_query(cast, period, two_provinces, tmp_path):  # noqa: F811
    """Rectifications moved to another province by a merge leave their notices behind
    (core.province_keys.CROSSING): the 整改台账 reads those notices by id once for all of
    them (one query per chunk and province), not once a row, and names each. Fails on the
    previous main, one query a rectification."""
    import openpyxl

    from core import provinces
    from dashboard.exports.ledger import write_ledger
    from oversight.models import Rectification
    from oversight.services import raise_rectification

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    notices = []
    for n in range(3):
        notice = issue_notice(actor=cast.admin, unit=cast.unit_a, subject=f"督办{n}", body="请落实", deadline=deadline)
        made = raise_rectification(
            actor=cast.admin, unit=cast.unit_a, notice=notice, problem=f"问题{n}", measure="补齐", deadline=deadline
        )
        Rectification.objects.filter(pk=made.pk).update(unit=cast.discipline, post=None, province=cast.discipline.pk)
        made.refresh_from_db()
        provinces.moved(made)
        notices.append(notice)
    path = tmp_path / "ledger.xlsx"
    with CaptureQueriesContext(connection) as queries:
        write_ledger(period=period, root=None, path=path)
    by_ids = [
        q["sql"]
        for q in queries
        if _reads("oversight_supervisionnotice", q["sql"]) and '"oversight_supervisionnotice"."id"' in q["sql"]
    ]
    assert len(by_ids) == 1 and all(f"{n.pk}" in by_ids[0] for n in notices)
    cells = [str(c) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert all(any(str(n.label) in c for c in cells) for n in notices)

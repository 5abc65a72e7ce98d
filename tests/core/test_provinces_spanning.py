"""The reads that span provinces name them (issue 16 item 5, docs/scale.md section 5): a
reviewer's queue (the 党组书记 reviews the 纪检监察组's reports, which are a root of their
own: another province) and the whole organization's dashboard of those who see everything
(one line per root). Each page's SQL is captured: a province-keyed table read without
``province_id = …`` or ``province_id IN (…)`` fails, and what the page shows is what it
showed without the provinces named."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import permissions, selectors
from assessments.models import Report
from assessments.services import open_period, submit_report
from core import provinces
from core.pagecache import bump, bump_people
from dashboard import permissions as dashboard_permissions
from dashboard import selectors as dashboard_selectors
from responsibilities import access
from responsibilities.models import Liaison, Post, Unit
from scoring.services import compute_scores
from tests.assessments.conftest import scheduled_period
from tests.core.test_provinces import _queried, _read_outside_a_province
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


def keyed_tables() -> list[str]:
    return [m._meta.db_table for m in provinces.keyed_models()]


@pytest.fixture
def period(cast):
    made = scheduled_period(cast)
    open_period(period=made)
    return made


@pytest.fixture
def two_provinces(cast, period):
    """The 纪检监察组 on its own track, a root of its own (responsibilities migration 0005),
    with reports waiting in both provinces."""
    Unit.objects.move(
        Unit.objects.get(pk=cast.discipline.pk), Unit.objects.get(pk=cast.party_group.pk), "sorted-sibling"
    )
    cast.discipline.refresh_from_db()
    assert cast.discipline.province_id == cast.discipline.pk != cast.party_group.pk
    waiting = []
    for unit, person in ((cast.unit_a, cast.secretary_a), (cast.unit_b, cast.secretary_b), (cast.discipline, None)):
        for report in Report.objects.filter(period=period, unit=unit, state="draft").order_by("pk")[:3]:
            submit_report(report_id=report.pk, actor=person or report.assignment.post.holder, content="已落实")
            waiting.append(report.pk)
    return waiting


def get(client, url):
    bump()
    bump_people()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, queries


@pytest.mark.parametrize("who", ["leader", "other_leader", "admin"])
def test_a_reviewers_queue_names_the_provinces_they_review_in(cast, two_provinces, client_as, who):
    """The queue, its unit choices, the 待审核 badge and the report page's "next" read
    reports within the provinces the reviewer reviews in: a liaison leader's liaison units',
    the 党组书记's own 党组's and every 纪检监察组's, an admin's every root."""
    user = cast.by_role(who)
    expected = {
        pk for pk in two_provinces if permissions.can_review(user, Report.objects.select_related("unit").get(pk=pk))
    }
    assert expected  # each of them reviews something here
    client = client_as(who)
    page, queries = get(client, reverse("assessments:review_queue"))
    assert {report.pk for report in page.context["page"]} == expected
    assert page.context["page"].paginator.count == len(expected)
    tables = ["assessments_report"]
    assert _queried(queries, tables) == set(tables)
    assert _read_outside_a_province(queries, tables) == []
    # Reports read in a subquery too (the unit choices, the page's ids): named there as well.
    reads = [q["sql"] for q in queries if 'FROM "assessments_report"' in q["sql"]]
    assert len(reads) >= 3  # the count (and the badge's), the page, the unit choices
    assert [sql for sql in reads if '."province_id" IN (' not in sql] == []

    first = min(expected)
    report_page, queries = get(client, reverse("assessments:report", args=[first]))
    assert report_page.context["next_report_id"] is not None
    following = [q for q in queries if 'ORDER BY "assessments_report"."submitted_at"' in q["sql"]]
    assert len(following) == 1  # the next report waiting for them
    assert _read_outside_a_province(following, tables) == []


def test_the_reviewers_provinces_are_read_with_their_posts(cast, two_provinces, django_assert_num_queries):
    """No query of its own: the liaison units' and the 纪检监察组's provinces come with the
    person's posts; an admin's are the roots."""
    from accounts import roles

    party_group, discipline = cast.party_group.pk, cast.discipline.pk
    for user in (cast.leader, cast.other_leader):
        roles.roles_of(user)  # read with the person on a request (accounts/backends.py)
    with django_assert_num_queries(1):
        assert access.review_province_ids(cast.leader) == (party_group,)
    with django_assert_num_queries(1):
        assert access.review_province_ids(cast.other_leader) == (party_group, discipline)
    assert access.review_province_ids(cast.secretary_a) == ()
    assert access.review_province_ids(cast.admin) == (party_group, discipline)
    for who in ("leader", "other_leader", "admin"):
        user = cast.by_role(who)
        submitted = Report.objects.filter(state="submitted").select_related("unit", "assignment__post")
        assert set(selectors.waiting_for_review(user)) == {r for r in submitted if permissions.can_review(user, r)}, who


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_whole_organizations_dashboard_names_every_root(cast, period, two_provinces, client_as, who):
    """Two roots: the default dashboard of those who see everything is the whole
    organization. Counts, heatmap, warnings, ranking and trend name the roots' provinces."""
    compute_scores(period=period)
    client = client_as(who)
    for url in (reverse("dashboard:index"), reverse("dashboard:index") + "?color=score"):
        page, queries = get(client, url)
        assert page.context["scope"].root is None
        tables = keyed_tables()
        assert {"assessments_report", "scoring_unitscore"} <= _queried(queries, tables)
        assert _read_outside_a_province(queries, tables) == []
    page, queries = get(client, reverse("dashboard:ranking"))
    assert _read_outside_a_province(queries, keyed_tables()) == []


def test_the_whole_organizations_numbers_are_those_read_without_the_provinces(cast, period, two_provinces):
    compute_scores(period=period)
    named = dashboard_permissions.scope_for(cast.admin)
    assert named.root is None and named.province_ids == (cast.party_group.pk, cast.discipline.pk)
    unnamed = dashboard_permissions.Scope(root=None, covers_all=True)
    assert unnamed.province_q() == dashboard_permissions.Q()

    def numbers(scope):
        _crumbs, rows = dashboard_selectors.tree_units(scope)
        warnings = {}
        totals = dashboard_selectors.fill_counts(scope, period, rows, warnings)
        dashboard_selectors.fill_category_scores(scope, period, rows)
        ranked, count = dashboard_selectors.ranking(scope, period, None)
        return (
            totals,
            warnings,
            [(r.unit.pk, r.counts, r.cells, r.scores) for r in rows],
            [(line.unit.pk, line.score, line.position) for line in ranked],
            count,
            [item.pk for item in dashboard_selectors.warning_items(scope, period)],
            [(p.reports, p.on_time, p.subtree_score) for p in dashboard_selectors.trend(scope, [period])],
        )

    from django.core.cache import cache

    cache.clear()
    with_provinces = numbers(named)
    cache.clear()
    assert numbers(unnamed) == with_provinces
    assert with_provinces[0]  # there is something to compare


def test_an_admins_queue_walks_the_submitted_reports_index_within_the_provinces(cast, two_provinces):
    """The admin's queue page and badge (every branch of the installation) can be read from
    report_submitted_queue, the partial index of submitted reports led by the province: the
    query repeats the index's condition (``state = 'submitted'``) and names the provinces,
    so every read of the reports is that index with the provinces in its index condition
    (on Citus: the shards of those provinces only). (The planner's choice on real data is
    measured by ``python -m bench``. Here the index is the table's only one for the EXPLAIN
    (tests/plans.py): with the others in place, on the statistics a serial run leaves (dead
    entries, sizes known, no column statistics) the planner walked report_period_unit_state
    by its state, the provinces a filter. Now the test fails only when the index no longer
    fits the query.)"""
    from tests.plans import plan_with_only, scans_of

    need_postgres()  # the index is PostgreSQL's (SQLite makes no covering index)
    page = selectors.review_queue(cast.admin).values_list("pk", flat=True)[:50]
    badge = selectors.waiting_for_review(cast.admin).values("pk")
    for name, query in (("page", page), ("badge", badge)):
        sql, params = query.query.sql_with_params()
        plan = plan_with_only("report_submitted_queue", "assessments_report", sql, params)
        scans = scans_of("assessments_report", plan)
        assert scans, (name, plan)
        for scan in scans:
            assert scan.get("Index Name") == "report_submitted_queue", (name, plan)
            assert re.search(r"\bprovince_id = ", scan.get("Index Cond", "")), (name, plan)


def _dashboard_after_a_submission(client, cast, period) -> list[dict]:
    """The dashboard's queries right after a submission; the page shows it."""
    url = reverse("dashboard:index")
    before, _queries = get(client, url)
    report = Report.objects.filter(period=period, unit=cast.unit_a, state="draft").order_by("pk").first()
    submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    after, queries = get(client, url)
    submitted = Report.State.SUBMITTED
    assert after.context["o"].totals[submitted] == before.context["o"].totals[submitted] + 1
    return queries


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_dashboard_after_a_change_counts_again_within_the_provinces(
    cast, period, two_provinces, client_as, who, settings
):
    """After a report changes, the dashboard counts again only the rows holding a changed
    report: that query names the provinces too, and the page shows the change. (Counted
    from the reports: ``MINGZE_REPORT_TALLY`` off; the tally's read is the next test's.)"""
    settings.MINGZE_REPORT_TALLY = False
    queries = _dashboard_after_a_submission(client_as(who), cast, period)
    assert _read_outside_a_province(queries, keyed_tables()) == []
    # The count of the changed rows: its subquery finding the changed reports names them too.
    again = [q["sql"] for q in queries if re.search(r'"updated_at" > ', q["sql"])]
    assert len(again) == 1
    reads = len(re.findall(r'FROM "assessments_report"', again[0]))
    assert reads == 2 and len(re.findall(r'"province_id" (= |IN \()', again[0])) >= reads


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_dashboard_after_a_change_reads_the_tally_within_the_provinces(cast, period, two_provinces, client_as, who):
    """With the per-period tally (docs/scale.md 4) the counts are one read of it, which
    names the provinces as every read of reports does; the page shows the change."""
    need_postgres()
    queries = _dashboard_after_a_submission(client_as(who), cast, period)
    assert _read_outside_a_province(queries, keyed_tables()) == []
    (read,) = [q["sql"] for q in queries if '"assessments_reporttally"' in q["sql"]]
    assert re.search(r'"assessments_reporttally"\."province_id" (= |IN \()', read)


HOT_PAGES = {
    "secretary_a": ["my_reports", "report", "unit", "dashboard", "notifications"],
    "leader": ["report", "review_queue", "dashboard"],
    "other_leader": ["report", "review_queue", "dashboard"],
    "admin": ["report", "review_queue", "unit", "dashboard"],
    "supervisor": ["report", "dashboard"],
}


def hot_page_url(cast, name, report_pk):
    return {
        "my_reports": reverse("assessments:my_reports"),
        "report": reverse("assessments:report", args=[report_pk]),
        "review_queue": reverse("assessments:review_queue"),
        "unit": reverse("assessments:unit", args=[cast.unit_a.pk]),
        "dashboard": reverse("dashboard:index"),
        "notifications": reverse("notifications:list"),
    }[name]


@pytest.mark.parametrize("who", sorted(HOT_PAGES))
def test_the_hot_pages_join_keyed_tables_within_one_province(cast, period, two_provinces, client_as, who):
    """docs/scale.md 5: a query joining two keyed tables (a report to its assignment and
    post, a liaison to its post, a correlated EXISTS on posts) carries the provinces'
    equality, so on Citus the join is co-located; and no keyed table is read without its
    province named. Each hot page, for each role that opens it."""
    from tests.core.test_provinces import _joined_across_provinces

    compute_scores(period=period)
    client = client_as(who)
    report = two_provinces[0]  # unit A's, waiting for the leader
    tables = keyed_tables()
    for name in HOT_PAGES[who]:
        _page, queries = get(client, hot_page_url(cast, name, report))
        assert _read_outside_a_province(queries, tables) == [], name
        assert _joined_across_provinces(queries, tables) == [], name


def test_a_report_is_looked_up_within_the_provinces_one_reads_in(cast, period, two_provinces, client_as):
    """The report page's URL names no province: the report is read with ``province_id IN
    (…)`` — a post holder's posts' provinces (and those they review in), every root for
    those who see everything — and each person gets exactly the page or the 404 they got
    before: 200 where ``can_view`` holds, 404 where it does not (a report of another
    province is no more found than one of their own they may not see)."""
    reports = [
        Report.objects.filter(period=period, unit=unit).order_by("pk").first()
        for unit in (cast.unit_a, cast.unit_b, cast.party_group, cast.discipline)
    ]
    assert {r.province_id for r in reports} == {cast.party_group.pk, cast.discipline.pk}
    for who in ("admin", "leader", "other_leader", "supervisor", "secretary_a", "secretary_b"):
        user = cast.by_role(who)
        client = client_as(who)
        for report in reports:
            shown = Report.objects.select_related("unit", "assignment__post").get(pk=report.pk)
            bump()
            with CaptureQueriesContext(connection) as queries:
                page = client.get(reverse("assessments:report", args=[report.pk]))
            assert page.status_code == (200 if permissions.can_view(user, shown) else 404), (who, report.unit)
            by_id = rf'FROM "assessments_report" .*(?<!NOT \()"assessments_report"\."id" = {report.pk}\b'
            lookup = [q["sql"] for q in queries if re.search(by_id, q["sql"])]
            assert lookup and '"assessments_report"."province_id" IN (' in lookup[0], who
            # Not found there: the one lookup by id alone, for a report they filed themselves.
            assert all(f'"assessments_report"."responsible_id" = {user.pk} ' in sql for sql in lookup[1:]), who
    # Both sides of the rule are met: someone is kept out of another province's report.
    assert client_as("secretary_a").get(reverse("assessments:report", args=[reports[3].pk])).status_code == 404
    assert client_as("secretary_a").get(reverse("assessments:report", args=[10**9])).status_code == 404


def test_an_outgoing_holder_still_reads_the_report_they_filed_in_another_province(cast, period, two_provinces):
    """The filer's grant (交接, issue 12): whoever submitted a report reads it after handing
    the post on, wherever it lies — asked second, only when the report is not within the
    provinces of the posts they hold now, within the provinces they filed in."""
    from django.http import Http404

    from assessments.permissions import get_report_for
    from responsibilities.models import Post
    from tests.factories import UserFactory

    person = UserFactory(username="jjz_t", full_name="纪检干部")
    post = Post.objects.filter(unit=cast.discipline).first()
    Post.objects.filter(pk=post.pk).update(holder=person)
    # They also hold the 机关党委's (vacant) post: a post in the other province.
    Post.objects.filter(unit=cast.committee, holder__isnull=True).update(holder=person)
    report = Report.objects.get(pk=two_provinces[-1])  # a 纪检监察组's, submitted: as if by them
    Report.objects.filter(pk=report.pk).update(responsible=person)
    provinces.note_filed([(person.pk, report.province_id)])  # as ``submit_report`` notes it
    assert report.province_id == cast.discipline.pk
    assert get_report_for(type(person).objects.get(pk=person.pk), report.pk).pk == report.pk
    Post.objects.filter(pk=post.pk).update(holder=cast.supervisor)  # handed on
    gone = type(person).objects.get(pk=person.pk)
    assert access.province_ids(gone) == (cast.party_group.pk,)
    assert get_report_for(gone, report.pk).pk == report.pk  # their own, still
    other = Report.objects.filter(unit=cast.discipline).exclude(pk=report.pk).first()
    with pytest.raises(Http404):
        get_report_for(type(person).objects.get(pk=person.pk), other.pk)


@pytest.mark.parametrize("who", ["leader", "admin", "secretary_a"])
def test_the_dashboards_stamp_is_its_scopes(cast, period, two_provinces, client_as, who, settings):
    """The periods' change stamp (the newest change of the reports the counts cover) names
    the scope's provinces: a province's dashboard probes its own, the whole organization's
    every root. A change in another province leaves a province's stamp as it was; the
    numbers shown are those counted afresh. (The stamp is read only where the counts come
    from the reports, not from the tally: ``MINGZE_REPORT_TALLY`` off.)"""
    from django.core.cache import cache

    settings.MINGZE_REPORT_TALLY = False

    user = cast.by_role(who)
    scope = dashboard_permissions.scope_for(user, str(cast.committee.pk) if who == "admin" else None)
    expected = (cast.party_group.pk,) if scope.root is not None else (cast.party_group.pk, cast.discipline.pk)
    with CaptureQueriesContext(connection) as queries:
        periods = dashboard_selectors.dashboard_periods(stamped=scope)
    (sql,) = [q["sql"] for q in queries]
    named = re.search(r'U0\."province_id" (?:= (\d+)|IN \(([\d, ]+)\))', sql)
    assert named and tuple(int(p) for p in (named[1] or named[2]).split(", ")) == expected
    stamp = periods[0].reports_changed
    discipline_report = Report.objects.filter(period=period, unit=cast.discipline).first()
    discipline_report.content = "改"
    discipline_report.save()
    again = dashboard_selectors.dashboard_periods(stamped=scope)[0].reports_changed
    assert (again == stamp) == (scope.root is not None)
    # The counts read through the stamp are those counted without any cache.
    _crumbs, rows = dashboard_selectors.tree_units(scope)
    cached = dashboard_selectors.fill_counts(scope, periods[0], rows)
    cache.clear()
    _crumbs, rows = dashboard_selectors.tree_units(scope)
    assert dashboard_selectors.fill_counts(scope, Report.objects.get(pk=two_provinces[0]).period, rows) == cached


def test_a_review_locks_the_report_within_its_province(cast, period, two_provinces, client_as):
    """A review (the URL names no province): the page's lookup names the provinces the
    reviewer reads in, and the service locks the report on its own province's shard, its
    assignment and post joined within it. What it does is what it did: approved."""
    from tests.core.test_provinces import _joined_across_provinces

    report = Report.objects.get(pk=two_provinces[0])  # unit A's, waiting for the leader
    client = client_as("leader")
    url = reverse("assessments:report_review", args=[report.pk])
    with CaptureQueriesContext(connection) as queries:
        done = client.post(url, {"action": "approve", "approve-grade": "good", "approve-comment": ""})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.APPROVED and report.grade == "good"
    locks = [q["sql"] for q in queries if 'FROM "assessments_report"' in q["sql"] and "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1
    assert f'"assessments_report"."province_id" = {report.province_id}' in locks[0]
    assert _joined_across_provinces(queries, keyed_tables()) == []


def test_a_liaison_across_provinces_still_reviews_its_unit(cast, period, two_provinces, client_as):
    """A liaison may join two provinces (core.province_keys.CROSSING): a branch moved under
    another root keeps its liaison, whose post stays in the 党组's province. The leader
    still finds its reports in the queue, opens them and reviews them; the unit still
    names its liaison."""
    unit_a = Unit.objects.get(pk=cast.unit_a.pk)
    Unit.objects.move(unit_a, Unit.objects.get(pk=cast.discipline.pk), "sorted-child")
    unit_a.refresh_from_db()
    assert unit_a.province_id == cast.discipline.pk != cast.party_group.pk
    waiting = set(Report.objects.filter(unit=unit_a, state="submitted").values_list("pk", flat=True))
    assert waiting
    assert Unit.objects.get(pk=unit_a.pk).liaison == cast.leader

    client = client_as("leader")
    page, _queries = get(client, reverse("assessments:review_queue"))
    assert waiting <= {report.pk for report in page.context["page"]}
    report_page, _queries = get(client, reverse("assessments:report", args=[min(waiting)]))
    assert report_page.context["report"].pk == min(waiting)


def test_a_reports_rectification_in_another_province_is_still_listed(cast, period, two_provinces, client_as):
    """A rectification may lie in another province than its report (core.province_keys.
    CROSSING: a merge across provinces moves the open one of the two): the report page
    still lists it, read within the provinces the reader reads in."""
    import datetime

    from django.utils import timezone

    from oversight.models import Rectification
    from oversight.services import raise_rectification

    report = Report.objects.select_related("unit").get(pk=two_provinces[0])
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    rectification = raise_rectification(
        actor=cast.admin, unit=report.unit, report=report, problem="台账跨省不全", measure="补齐", deadline=deadline
    )
    # Where a merge into a unit of the 纪检监察组's tree puts the open rectification.
    rectification.unit, rectification.province_id = cast.discipline, cast.discipline.pk
    Rectification.objects.filter(pk=rectification.pk).update(
        unit=cast.discipline, post=None, province=cast.discipline.pk
    )
    provinces.moved(rectification)  # its events follow it
    page, queries = get(client_as("admin"), reverse("assessments:report", args=[report.pk]))
    assert "台账跨省不全" in page.content.decode()
    assert _read_outside_a_province(queries, keyed_tables()) == []


# Each hot page, for a liaison leader (unit A's), the 党组书记 (also unit B's liaison) and a
# secretary: the pages each of them opens.
CROSSING_PAGES = {
    "leader": ["my_reports", "report", "review_queue", "unit", "dashboard", "notifications"],
    "other_leader": ["my_reports", "report", "review_queue", "unit", "dashboard", "notifications"],
    "secretary_a": ["my_reports", "report", "unit", "dashboard", "notifications"],
}


def move_unit_a_to_the_discipline_groups_tree(cast):
    """Unit A under the 纪检监察组 (a root of its own): its liaison moves with it, into the
    other province, while the leader's post stays in the 党组's."""
    unit_a = Unit.objects.get(pk=cast.unit_a.pk)
    Unit.objects.move(unit_a, Unit.objects.get(pk=cast.discipline.pk), "sorted-child")
    unit_a.refresh_from_db()
    assert unit_a.province_id == cast.discipline.pk != cast.party_group.pk
    liaison = Liaison.objects.select_related("post").get(unit=unit_a, ended__isnull=True)
    assert liaison.province_id == cast.discipline.pk != liaison.post.province_id
    return unit_a


def test_the_check_finds_a_join_along_a_key_that_may_cross_provinces(cast):
    """A join of a liaison to its post (``JOIN … ON``, a correlated subquery) is found; a
    subquery naming no outer row and a list of ids are not."""
    from django.db.models import OuterRef, Subquery

    from tests.core.test_provinces import _joined_along_crossing

    with CaptureQueriesContext(connection) as queries:
        list(Liaison.objects.filter(post__holder=cast.leader.pk))
        list(Liaison.objects.select_related("post"))
        list(Post.objects.annotate(seen=Subquery(Liaison.objects.filter(post=OuterRef("pk")).values("pk")[:1])))
        list(Post.objects.filter(pk__in=Liaison.objects.values("post_id")))
        list(Liaison.objects.filter(post_id__in=[cast.leader.pk]))
    found = _joined_along_crossing(queries)
    assert [label for label, _sql in found] == ["responsibilities.Liaison.post"] * 3
    assert [sql for _label, sql in found] == [q["sql"] for q in queries][:3]


@pytest.mark.parametrize("moved", [False, True], ids=["in_place", "moved"])
@pytest.mark.parametrize("who", sorted(CROSSING_PAGES))
def test_the_hot_pages_join_nothing_along_a_key_that_may_cross_provinces(
    cast, period, two_provinces, client_as, who, moved
):
    """docs/scale.md 5: a liaison and its leader's post may lie in two provinces
    (core.province_keys.CROSSING), so no hot page joins them — the leader's posts are read
    first (with the provinces of the units they oversee), then the liaison rows by those
    post ids within those provinces; a unit's liaison leader is read as the post by its
    id. Nor along any other such key. Each hot page, each role, with unit A in the 党组's
    tree and moved under the 纪检监察组's."""
    from tests.core.test_provinces import _joined_along_crossing

    if moved:
        move_unit_a_to_the_discipline_groups_tree(cast)
    compute_scores(period=period)
    client = client_as(who)
    for name in CROSSING_PAGES[who]:
        _page, queries = get(client, hot_page_url(cast, name, two_provinces[0]))
        assert _joined_along_crossing(queries) == [], name
        assert _read_outside_a_province(queries, keyed_tables()) == [], name


def test_a_liaison_whose_branch_moved_to_another_province_reviews_the_same_reports(
    cast, period, two_provinces, client_as
):
    """The liaison's queue and 待审核 badge list the same reports after unit A moved into
    another province as before; the unit page still names its liaison leader, and the
    report page still offers them the review. The 党组书记's queue is unchanged."""
    from tests.assessments.test_review_badge import QUEUE, badge, queue

    def seen(who):
        client = client_as(who)  # signed in afresh: their posts are read again
        fresh = type(cast.leader).objects.get(pk=cast.by_role(who).pk)
        return queue(client), badge(client), badge(client, QUEUE), selectors.waiting_count(fresh)

    before = {who: seen(who) for who in ("leader", "other_leader")}
    unit_a_waiting = set(Report.objects.filter(unit=cast.unit_a, state="submitted").values_list("pk", flat=True))
    assert before["leader"] == (unit_a_waiting, *[len(unit_a_waiting)] * 3) and unit_a_waiting

    move_unit_a_to_the_discipline_groups_tree(cast)
    assert {who: seen(who) for who in ("leader", "other_leader")} == before
    leader = client_as("leader")
    page, _queries = get(leader, reverse("assessments:unit", args=[cast.unit_a.pk]))
    assert cast.leader.display_name in page.content.decode()
    report, _queries = get(leader, reverse("assessments:report", args=[min(unit_a_waiting)]))
    assert report.context["can_review"]

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
from responsibilities.models import Unit
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
    assert report_page.context["next_report"] is not None
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
    query repeats the index's condition (``state = 'submitted'``) and names the provinces.
    (The planner's choice on real data is measured by ``python -m bench``; here the other
    ways are switched off, so the test fails only when the index no longer fits the query.)"""
    from django.db import transaction

    need_postgres()  # the index is PostgreSQL's (SQLite makes no covering index)
    page = selectors.review_queue(cast.admin).values_list("pk", flat=True)[:50]
    badge = selectors.waiting_for_review(cast.admin).values("pk")
    for query in (page, badge):
        sql, params = query.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "report_submitted_queue" in plan, plan


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_dashboard_after_a_change_counts_again_within_the_provinces(cast, period, two_provinces, client_as, who):
    """After a report changes, the dashboard counts again only the rows holding a changed
    report: that query names the provinces too, and the page shows the change."""
    client = client_as(who)
    url = reverse("dashboard:index")
    before, _queries = get(client, url)
    report = Report.objects.filter(period=period, unit=cast.unit_a, state="draft").order_by("pk").first()
    submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    after, queries = get(client, url)
    submitted = Report.State.SUBMITTED
    assert after.context["o"].totals[submitted] == before.context["o"].totals[submitted] + 1
    assert _read_outside_a_province(queries, keyed_tables()) == []
    # The count of the changed rows: its subquery finding the changed reports names them too.
    again = [q["sql"] for q in queries if re.search(r'"updated_at" > ', q["sql"])]
    assert len(again) == 1
    reads = len(re.findall(r'FROM "assessments_report"', again[0]))
    assert reads == 2 and len(re.findall(r'"province_id" (= |IN \()', again[0])) >= reads

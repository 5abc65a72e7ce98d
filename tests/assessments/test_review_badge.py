"""The 待审核 (n) badge beside a leader's "To review" counts exactly what their review queue
lists (issue 15): the liaison units, less those in which they hold a post, less the reports
of a post they carry (a deputy's) and those they submitted themselves — read unit by unit
from the queue's index, with no assignment joined per report. The queue page, which counts
those reports already, does not count them again for the badge."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import permissions, selectors, services
from assessments.models import Report
from core.pagecache import bump, bump_people
from responsibilities.models import Assignment, Deputy, Liaison, Post, Unit
from tests.factories import PostFactory, liaison_post
from tests.plans import plan_with_only, scans_of
from tests.services import need_postgres

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:review_queue")
BADGE = re.compile(
    r'href="/assessments/review/"(?: aria-current="page")?>待审核(?: <span class="badge[^"]*">(\d+)</span>)?</a>'
)


def fresh(client, url):
    bump()
    bump_people()
    response = client.get(url)
    assert response.status_code == 200
    return response


def badge(client, url=None) -> int | None:
    """The badge's number on a page (``reverse("scoring:scores")``, a page every leader opens):
    0 for the entry without a badge, None when there is no "To review" at all."""
    found = BADGE.search(fresh(client, url or reverse("scoring:scores")).content.decode())
    return None if found is None else int(found.group(1) or 0)


def queue(client) -> set[int]:
    page = fresh(client, QUEUE).context["page"]
    listed = set(page.paginator.object_list)
    assert len(listed) == page.paginator.count
    return listed


def submit(report, person):
    services.submit_report(report_id=report.pk, actor=person, content="已按要求落实")


def drafts(period, unit, n):
    return list(Report.objects.filter(period=period, unit=unit, state="draft").order_by("pk")[:n])


@pytest.fixture
def overseeing_a_and_b(cast, period):
    """``cast.leader`` is the liaison of both branches; two reports of A and three of B
    wait, and one more of B from a second post of B (its 组织委员)."""
    Liaison.objects.filter(unit=cast.unit_b, ended__isnull=True).update(post=liaison_post(cast.leader, cast.unit_b))
    for report in drafts(period, cast.unit_a, 2):
        submit(report, cast.secretary_a)
    for report in drafts(period, cast.unit_b, 3):
        submit(report, cast.secretary_b)
    organizer = PostFactory(unit=cast.unit_b, title="组织委员", held_by=cast.other_leader)
    duty = Report.objects.filter(unit=cast.unit_b).select_related("assignment__duty").first().assignment.duty
    assignment = Assignment.objects.create(duty=duty, post=organizer)
    Report.objects.create(
        assignment=assignment,
        period=period,
        unit=cast.unit_b,
        category=duty.category,
        due_on=period.due_on,
        state=Report.State.SUBMITTED,
        submitted_at=timezone.now(),
        responsible=cast.other_leader,
    )
    return organizer


def waiting(unit=None) -> set[int]:
    rows = Report.objects.filter(state=Report.State.SUBMITTED)
    return set((rows if unit is None else rows.filter(unit=unit)).values_list("pk", flat=True))


def test_the_badge_counts_what_the_queue_lists_across_the_liaison_units(client_as, cast, overseeing_a_and_b):
    client = client_as("leader")
    listed = queue(client)
    assert listed == waiting(cast.unit_a) | waiting(cast.unit_b) and len(listed) == 6
    assert badge(client) == 6 == selectors.waiting_count(cast.leader)
    assert badge(client, QUEUE) == 6  # the queue page's own count, shown beside its entry


def test_a_post_they_carry_as_deputy_leaves_out_its_reports(client_as, cast, overseeing_a_and_b):
    """The exception per report: named deputy of B's secretary post, the leader carries its
    reports (no one reviews a duty they carry): gone from the queue and from the badge,
    while A's still wait."""
    secretary_b_post = Post.objects.get(unit=cast.unit_b, holder=cast.secretary_b)
    Deputy.objects.create(post=secretary_b_post, person=cast.leader, note="党务干事")
    client = client_as("leader")
    carried = set(Report.objects.filter(assignment__post=secretary_b_post).values_list("pk", flat=True))
    listed = queue(client)
    assert carried & waiting() and not carried & listed
    assert waiting(cast.unit_a) <= listed
    assert badge(client) == len(listed) == selectors.waiting_count(cast.leader)


def test_the_queue_lists_only_what_the_report_page_lets_them_review(client_as, cast, overseeing_a_and_b):
    """A deputy acts for the unit of the post they carry (``may_act_for``), so the rule
    against judging one's own unit bars every report of that unit on the report page: the
    queue and the badge leave the unit out whole, not only the carried post's reports."""
    secretary_b_post = Post.objects.get(unit=cast.unit_b, holder=cast.secretary_b)
    Deputy.objects.create(post=secretary_b_post, person=cast.leader, note="党务干事")
    client = client_as("leader")
    listed = queue(client)
    assert listed == waiting(cast.unit_a)
    assert badge(client) == len(listed) == selectors.waiting_count(cast.leader)
    leader = type(cast.leader).objects.get(pk=cast.leader.pk)  # a fresh person: rules read afresh
    for report in Report.objects.filter(state=Report.State.SUBMITTED).select_related("assignment", "unit"):
        assert permissions.can_review(leader, report) == (report.pk in listed), report.unit


def test_a_unit_in_which_they_hold_a_post_is_left_out_whole(client_as, cast, overseeing_a_and_b):
    PostFactory(unit=cast.unit_a, title="宣传委员", held_by=cast.leader)
    client = client_as("leader")
    assert queue(client) == waiting(cast.unit_b)
    assert badge(client) == 4
    choices = fresh(client, QUEUE).context["form"].fields["unit"].queryset
    assert list(choices) == [Unit.objects.get(pk=cast.unit_b.pk)]


def test_what_an_outgoing_holder_submitted_waits_for_someone_else(client_as, cast, period, overseeing_a_and_b):
    """The leader held A's secretary post for a while and submitted a report; the post has
    passed back to its secretary. That report is not theirs to review (they submitted it),
    the unit's others are."""
    post = Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a)
    Post.objects.filter(pk=post.pk).update(holder=cast.leader)
    (theirs,) = drafts(period, cast.unit_a, 1)
    client = client_as("leader")  # a fresh request reads the posts held again
    submit(theirs, cast.leader)
    Post.objects.filter(pk=post.pk).update(holder=cast.secretary_a)
    listed = queue(client)
    assert theirs.pk not in listed and listed == (waiting(cast.unit_a) | waiting(cast.unit_b)) - {theirs.pk}
    assert badge(client) == len(listed) == 6


def test_a_liaison_across_provinces_counts_its_unit(client_as, cast, overseeing_a_and_b):
    """A branch moved under another root keeps its liaison (core.province_keys.CROSSING):
    its reports still wait for the leader, in the queue and in the badge."""
    discipline = Unit.objects.get(pk=cast.discipline.pk)  # a root of its own (responsibilities 0005)
    Unit.objects.move(discipline, Unit.objects.get(pk=cast.party_group.pk), "sorted-sibling")
    unit_a = Unit.objects.get(pk=cast.unit_a.pk)
    Unit.objects.move(unit_a, Unit.objects.get(pk=cast.discipline.pk), "sorted-child")
    assert Unit.objects.get(pk=unit_a.pk).province_id != cast.party_group.pk
    client = client_as("leader")
    assert queue(client) == waiting(cast.unit_a) | waiting(cast.unit_b)
    assert badge(client) == 6


def test_a_closed_periods_reports_wait_for_no_one(client_as, cast, period, overseeing_a_and_b):
    from assessments.models import Period

    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED)
    client = client_as("leader")
    assert queue(client) == set()
    assert badge(client) == 0  # the entry, without a badge


@pytest.mark.parametrize("who", ["admin", "other_leader", "supervisor"])
def test_for_every_other_reviewer_the_count_is_the_queues(client_as, cast, period, overseeing_a_and_b, who):
    """An admin (every branch; their menu has no "To review"), the 党组书记 (the members' and
    the 纪检监察组's reports too), the supervisor (who reviews nothing)."""
    submit(drafts(period, cast.discipline, 1)[0], cast.supervisor)  # for the 党组书记
    user = cast.by_role(who)
    client = client_as(who)
    if who == "supervisor":
        assert client.get(QUEUE).status_code == 403
        assert selectors.waiting_count(user) == 0 and badge(client) is None
        return
    listed = queue(client)
    assert selectors.waiting_count(cast.by_role(who)) == len(listed) > 0
    assert badge(client) == (None if who == "admin" else len(listed))


def test_a_secretary_sees_no_badge_and_pays_no_count_for_it(client_as, cast, overseeing_a_and_b):
    client = client_as("secretary_a")
    bump()
    bump_people()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("assessments:my_reports")).content.decode()
    assert "待审核" not in page
    assert not [q for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "assessments_report"')]


def _counts(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "assessments_report"')]


def test_the_queue_page_counts_the_waiting_reports_once(client_as, cast, overseeing_a_and_b):
    """As it opens, the queue lists exactly what the badge counts: one count serves both.
    Filtered, the page counts its own rows and the badge the whole queue."""
    client = client_as("leader")
    for query, counts in (({}, 1), ({"unit": cast.unit_b.pk}, 2), ({"state": "returned"}, 2)):
        bump()
        bump_people()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(QUEUE, query)
        assert page.status_code == 200
        assert len(_counts(queries)) == counts, query
        assert BADGE.search(page.content.decode()).group(1) == "6"


def test_a_leaders_queue_reads_its_units_from_the_index_without_joining_assignments(cast, overseeing_a_and_b):
    """The badge, the page's ids and the unit choices of a leader's queue name the liaison
    units and join no assignment per report (the carried posts' assignments are one list);
    each can be read from report_unit_state_queue, the badge from it alone (an index-only
    scan). (The planner's choice on real data is measured by ``python -m bench``; here the
    index is the table's only one for the EXPLAIN, its primary key dropped too, and the
    other ways switched off (tests/plans.py): the test fails only when the index no longer
    fits, on any statistics.)"""
    need_postgres()  # an index with INCLUDE is PostgreSQL's
    Deputy.objects.create(post=Post.objects.get(unit=cast.unit_b, holder=cast.secretary_b), person=cast.leader)
    user = cast.leader
    reads = {
        "badge": selectors.waiting_for_review(user).values("pk"),
        "page": selectors.review_queue(user).values_list("pk", flat=True)[:50],
        "choices": selectors.reviewable_units(user),
    }
    for name, query in reads.items():
        sql, params = query.query.sql_with_params()
        assert 'JOIN "responsibilities_assignment"' not in sql, name
        assert '"responsibilities_assignment"' in sql, name  # the carried posts' assignments
        plan = plan_with_only("report_unit_state_queue", "assessments_report", sql, params)
        scans = scans_of("assessments_report", plan)
        assert scans, (name, plan)
        for scan in scans:
            # Whether the units are its index condition or a join's (one lookup per unit)
            # is the planner's choice on the statistics: not asked here.
            assert scan.get("Index Name") == "report_unit_state_queue", (name, plan)
            if name == "badge":
                assert scan["Node Type"] == "Index Only Scan", (name, plan)

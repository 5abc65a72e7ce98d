"""The joins along a key that may cross provinces, off the hot pages, and the reads and
deletes that still named no province (issue 16 item 5, docs/scale.md section 5, "Still to
change for Citus" item 3). A key of ``core.province_keys.CROSSING`` (a liaison's leader
post, a rectification's report, finding and notice, a notice's report and rectification)
is either joined with the provinces' equality in the join's ``ON`` — the row is found
there when it lies in the same province, and read by id within the reader's provinces
when it does not — or read apart by id. Each page shows what it showed."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report
from core import provinces
from oversight.models import Rectification
from oversight.services import issue_notice, raise_rectification
from responsibilities import access
from responsibilities.models import Liaison, Unit
from tests.core.test_provinces import (
    _joined_across_provinces,
    _joined_along_crossing,
    _read_outside_a_province,
    _reads,
)
from tests.core.test_provinces_rounds import outer_joined_without_province
from tests.core.test_provinces_spanning import (  # noqa: F401 (fixtures)
    get,
    keyed_tables,
    move_unit_a_to_the_discipline_groups_tree,
    period,
    two_provinces,
)

pytestmark = pytest.mark.django_db

OVERSIGHT = ["oversight_rectification", "oversight_supervisionnotice", "assessments_report"]


@pytest.fixture
def linked(cast, period, two_provinces):  # noqa: F811 (fixtures)
    """Unit A's submitted report with a notice on it, a rectification raised from both, and
    a second notice about the rectification."""
    report = Report.objects.select_related("unit", "assignment__duty").get(pk=two_provinces[0])
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    unit = report.unit
    notice = issue_notice(
        actor=cast.admin, unit=unit, subject="督办事项", body="请落实", deadline=deadline, report=report
    )
    rectification = raise_rectification(
        actor=cast.admin,
        unit=unit,
        report=report,
        notice=notice,
        problem="台账跨省不全",
        measure="补齐",
        deadline=deadline,
    )
    again = issue_notice(
        actor=cast.admin, unit=unit, subject="再督办", body="限期", deadline=deadline, rectification=rectification
    )
    return report, notice, rectification, again


def pages(linked) -> list[tuple[str, list[str]]]:
    """(url, what it must show) of the rectification and the two notices."""
    report, notice, rectification, again = linked
    duty = report.assignment.duty.title
    return [
        (reverse("oversight:rectification", args=[rectification.pk]), [duty, str(notice.label), str(again.label)]),
        (reverse("oversight:notice", args=[notice.pk]), [duty, "台账跨省不全"]),
        (reverse("oversight:notice", args=[again.pk]), ["台账跨省不全"]),
    ]


@pytest.mark.parametrize("who", ["admin", "leader", "supervisor", "secretary_a"])
def test_a_rectifications_and_a_notices_links_are_joined_within_their_province(cast, linked, client_as, who):
    """Their report (with its duty), finding, notice or rectification are outer joins whose
    ``ON`` names the province, not joins by id alone; the page's list of the other side
    (``r.notices``, ``n.rectifications``) is read naming provinces. Fails on the previous
    main, which joined them by id alone."""
    client = client_as(who)
    for url, shown in pages(linked):
        page, queries = get(client, url)
        html = page.content.decode()
        assert [text for text in shown if text not in html] == [], (who, url)
        assert _joined_along_crossing(queries) == [], (who, url)
        assert outer_joined_without_province(queries, keyed_tables()) == [], (who, url)
        assert _joined_across_provinces(queries, keyed_tables()) == [], (who, url)
        assert _read_outside_a_province(queries, OVERSIGHT) == [], (who, url)


def test_a_rectification_moved_to_another_province_still_shows_its_links(cast, linked, client_as):
    """A merge across provinces moves the open rectification and leaves its report and
    notices (core.province_keys.CROSSING): the join within its province finds none of them,
    so each is read by id within the reader's provinces, a second lookup, and the pages
    show what they showed."""
    report, notice, rectification, again = linked
    Rectification.objects.filter(pk=rectification.pk).update(unit=cast.discipline, post=None)
    rectification.refresh_from_db()
    rectification.province_id = cast.discipline.pk
    Rectification.objects.filter(pk=rectification.pk).update(province=cast.discipline.pk)
    provinces.moved(rectification)  # its events follow it
    assert rectification.province_id != report.province_id == notice.province_id
    client = client_as("admin")
    for url, shown in pages(linked):
        page, queries = get(client, url)
        html = page.content.decode()
        assert [text for text in shown if text not in html] == [], url
        assert _joined_along_crossing(queries) == [], url
        assert _read_outside_a_province(queries, OVERSIGHT) == [], url
    page, queries = get(client, reverse("oversight:rectification", args=[rectification.pk]))
    second = [q["sql"] for q in queries if re.search(rf'"assessments_report"\."id" = {report.pk}\b', q["sql"])]
    assert len(second) == 1 and '"assessments_report"."province_id" IN (' in second[0]


@pytest.mark.parametrize("moved", [False, True], ids=["in_place", "moved"])
def test_the_rectification_ledger_joins_a_rectifications_post_and_notice_within_its_province(
    cast,
    period,  # noqa: F811
    linked,
    moved,
    tmp_path,
):
    """The 整改台账 export: each rectification's post and notice are outer joins whose ``ON``
    names its province, its steps an ``EXISTS`` within it; a notice left in another
    province by a merge is still named in the remarks (read by its id, only then)."""
    import openpyxl

    from dashboard.exports.ledger import write_ledger

    report, notice, rectification, _again = linked
    if moved:
        Rectification.objects.filter(pk=rectification.pk).update(unit=cast.discipline, post=None)
        Rectification.objects.filter(pk=rectification.pk).update(province=cast.discipline.pk)
        rectification.refresh_from_db()
        provinces.moved(rectification)
    path = tmp_path / "ledger.xlsx"
    with CaptureQueriesContext(connection) as queries:
        write_ledger(period=period, root=None, path=path)
    assert _joined_along_crossing(queries) == []
    assert _joined_across_provinces(queries, keyed_tables()) == []
    assert outer_joined_without_province(queries, keyed_tables()) == []
    cells = [str(c) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert any("台账跨省不全" in c for c in cells) and any(str(notice.label) in c for c in cells)


# 我的党建联系点, the units list, the liaisons' history, and the nightly jobs' liaison
# leaders: a liaison is never joined to its leader post (it may lie in another province).


@pytest.mark.parametrize("moved", [False, True], ids=["in_place", "moved"])
@pytest.mark.parametrize("who", ["leader", "other_leader"])
def test_my_liaison_units_read_the_liaisons_by_their_posts_within_the_provinces(
    cast,
    period,  # noqa: F811
    two_provinces,  # noqa: F811
    client_as,
    who,
    moved,
):
    """The liaison rows are read by the person's liaison post ids (read with their posts)
    within the provinces of the units they oversee; the post's title comes with the posts.
    The same units, before and after unit A moved into another province; no query more."""
    client = client_as(who)
    before = [row["unit"].pk for row in client.get(reverse("assessments:my_liaisons")).context["rows"]]
    if moved:
        move_unit_a_to_the_discipline_groups_tree(cast)
    page, queries = get(client_as(who), reverse("assessments:my_liaisons"))
    assert [row["unit"].pk for row in page.context["rows"]] == before and before
    assert _joined_along_crossing(queries) == []
    reads = [q["sql"] for q in queries if _reads("responsibilities_liaison", q["sql"])]
    assert reads and all('"responsibilities_liaison"."province_id" IN (' in sql for sql in reads)
    titles = {row["liaison"].post_title for row in page.context["rows"]}
    assert titles <= set(Liaison.objects.filter(unit__in=before).values_list("post__title", flat=True))


@pytest.mark.parametrize("moved", [False, True], ids=["in_place", "moved"])
def test_the_units_list_the_liaisons_history_and_the_jobs_read_a_liaisons_post_apart(
    cast,
    period,  # noqa: F811
    two_provinces,  # noqa: F811
    client_as,
    moved,
):
    """The units list (each unit's liaison leader), the liaisons' history, ``with_liaisons``
    (the API's units, the task reminders, the escalation digest) and the nightly escalation
    (who holds a late report's unit's liaison post): the liaison rows first, their posts by
    id — the same leaders as before."""
    from schedules import escalation

    if moved:
        move_unit_a_to_the_discipline_groups_tree(cast)
    client = client_as("admin")
    for url, shown in (
        (reverse("responsibilities:units"), [cast.leader.display_name, cast.other_leader.display_name]),
        (reverse("responsibilities:liaisons"), [cast.leader.display_name, cast.other_leader.display_name]),
    ):
        page, queries = get(client, url)
        html = page.content.decode()
        assert [text for text in shown if text not in html] == [], url
        assert _joined_along_crossing(queries) == [], url
    units = list(Unit.objects.filter(pk__in=[cast.unit_a.pk, cast.unit_b.pk]).order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        filled = access.with_liaisons(units)
    assert len(queries) == 1 and _joined_along_crossing(queries) == []
    assert [u.liaison for u in filled] == [Unit.objects.get(pk=u.pk).liaison for u in filled]
    assert {u.pk: u.liaison for u in filled} == {cast.unit_a.pk: cast.leader, cast.unit_b.pk: cast.other_leader}
    late = Report.objects.filter(period=period, unit=cast.unit_a, state__in=Report.UNSUBMITTED).first()
    with CaptureQueriesContext(connection) as queries:
        pairs = escalation.overdue_report_items(today=late.due_on + datetime.timedelta(days=1))
    assert _joined_along_crossing(queries) == []
    assert (cast.leader.pk, late.pk) in {(person, item.item_id) for person, item in pairs}


def test_appointing_a_liaison_ends_the_one_before_and_the_newest_is_the_liaison(cast):
    """Only one liaison of a unit is current: ``set_liaison`` ends the one before (the day
    before the new one starts). Every way of reading a unit's liaison leader — one unit,
    a list of units, a prefetched unit — names the same person."""
    from django.db.models import Prefetch

    from responsibilities.services import set_liaison

    unit = Unit.objects.get(pk=cast.unit_a.pk)
    first = Liaison.objects.get(unit=unit, ended__isnull=True)
    other = Liaison.objects.get(unit=cast.unit_b, ended__isnull=True).post
    since = max(first.started, timezone.localdate()) + datetime.timedelta(days=3)
    set_liaison(unit=unit, post=other, since=since)
    open_rows = list(Liaison.objects.filter(unit=unit, ended__isnull=True))
    assert [row.post_id for row in open_rows] == [other.pk]
    assert Liaison.objects.get(pk=first.pk).ended == since - datetime.timedelta(days=1)
    prefetched = Unit.objects.prefetch_related(
        Prefetch("liaisons", queryset=Liaison.objects.select_related("post__holder"))
    ).get(pk=unit.pk)
    (listed,) = access.with_liaisons([Unit.objects.get(pk=unit.pk)])
    assert Unit.objects.get(pk=unit.pk).liaison == listed.liaison == prefetched.liaison == cast.other_leader


# 述职评议: the links check of a page listing secretaries, the close and the set-up.


def test_a_page_of_secretaries_checks_its_links_within_the_readers_provinces(cast, client_as):
    """``appraisee_links_open`` reads the secretaries by id within the provinces the person
    reads in (the round joined within its province); a rater holding no post, second. Each
    link opens for whom it opened before."""
    from appraisals.permissions import appraisee_links_open, can_view_report
    from tests.appraisals.conftest import build_panel

    panel = build_panel(cast)
    targets = [{"pk": str(x.pk)} for x in (panel.a, panel.b, panel.c)]
    opens = appraisee_links_open(lambda user, appraisee: True)
    for user in (cast.admin, cast.leader, cast.secretary_a, panel.committee[0]):
        user = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            got = opens(user, targets)
        expected = [can_view_report(user, x) for x in (panel.a, panel.b, panel.c)]
        assert got == expected, user
        reads = [q["sql"] for q in queries if 'FROM "appraisals_appraisee"' in q["sql"]]
        assert reads, user
        if user != panel.committee[0]:  # who holds no post is asked second, by id
            assert '"appraisals_appraisee"."province_id" IN (' in reads[0], user
        assert _joined_across_provinces(queries, keyed_tables()) == [], user


def _unnamed_deletes(queries) -> list[str]:
    """The deletes of a keyed table that name no province (Django's collector deletes by
    the ids it read, and asks each table pointing at them by key alone)."""
    keyed = set(keyed_tables())
    return [
        q["sql"]
        for q in queries
        if (m := re.match(r'DELETE FROM "(\w+)"', q["sql"])) and m[1] in keyed and '"province_id" = ' not in q["sql"]
    ]


def test_a_rounds_set_up_and_close_name_its_province(cast):
    """The set-up deletes its old criteria, scale, secretaries and raters within the round's
    province; the close counts each ballot's marks and sums them by secretary joining
    within it, and replaces the results deleting within it. The results are as before."""
    from appraisals import services as appraisals
    from appraisals.models import AppraisalResult
    from tests.appraisals.conftest import LEVELS, build_panel, vote_hand_example

    with CaptureQueriesContext(connection) as set_up:
        panel = build_panel(cast)  # created, configured, participants set, opened
    assert _unnamed_deletes(set_up) == []
    deleted = [q["sql"] for q in set_up if q["sql"].startswith("DELETE FROM")]
    assert len(deleted) >= 4  # criteria, levels, secretaries, raters
    assert panel.round.levels.count() == len(LEVELS) and panel.round.criteria.count() == 2

    vote_hand_example(panel)
    with CaptureQueriesContext(connection) as closed:
        appraisals.close_round(round_id=panel.round.pk, actor=cast.admin)
    assert _unnamed_deletes(closed) == []
    assert _joined_across_provinces(closed, keyed_tables()) == []
    assert outer_joined_without_province(closed, keyed_tables()) == []
    first = {r.appraisee_id: (r.score, r.rank, r.valid_ballots) for r in AppraisalResult.objects.all()}
    assert first and any(score is not None for score, _rank, _valid in first.values())
    with CaptureQueriesContext(connection) as again:
        appraisals.store_results(panel.round)  # stored again: the old ones deleted within the province
    assert _unnamed_deletes(again) == [] and len([q for q in again if q["sql"].startswith("DELETE")]) == 2
    assert {r.appraisee_id: (r.score, r.rank, r.valid_ballots) for r in AppraisalResult.objects.all()} == first

"""撤并与分设 (issue 12, item 7): a unit merged into another or split moves its open items
to its successor, each with an event in its trail, and is closed; its past stays under its
own name (reports, scores, the ranking and the trend of the periods before)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report, ReportEvent
from core.errors import TransitionError
from oversight import reorganization
from oversight.models import Event, Rectification, SupervisionNotice
from responsibilities.models import Assignment, Liaison, Post, Succession, Unit, UnitKind
from tests.dashboard.conftest import add_report, add_score, make_periods

pytestmark = pytest.mark.django_db
S = Report.State
TODAY = timezone.localdate()


@pytest.fixture
def world(cast):
    """Branch B, about to be merged into branch A: reports of every state in the open
    period (one of them on a duty branch A already reports on), a scored past period, an
    open and a closed rectification, an issued and a closed notice."""
    cur, prev = make_periods(cast.checklist.year)
    from responsibilities.models import Category

    c1 = Category.objects.order_by("order").first()
    k = cast.checklist
    reports = {
        state: add_report(period=cur, unit=cast.unit_b, category=c1, state=state, checklist=k)
        for state in (S.DRAFT, S.RETURNED, S.SUBMITTED, S.APPROVED)
    }
    past = add_report(period=prev, unit=cast.unit_b, category=c1, state=S.APPROVED, checklist=k)
    # A draft on a duty branch A carries and already reports on this period: it stays.
    twin = add_report(period=cur, unit=cast.unit_a, category=c1, state=S.DRAFT, checklist=k)
    b_post = cast.unit_b.posts.get(title="支部书记")
    clash_assignment = Assignment.objects.create(duty=twin.assignment.duty, post=b_post)
    clash = Report.objects.create(assignment=clash_assignment, period=cur, unit=cast.unit_b, category=c1, state=S.DRAFT)
    add_score(prev, cast.unit_b, 88)
    add_score(prev, cast.unit_a, 85)
    deadline = TODAY + datetime.timedelta(days=10)
    rects = {
        state: Rectification.objects.create(
            problem=f"问题{state}",
            measure="整改",
            unit=cast.unit_b,
            post=b_post,
            deadline=deadline,
            raised_by=cast.admin,
            state=state,
        )
        for state in (Rectification.State.OPEN, Rectification.State.CLOSED)
    }
    notices = {
        state: SupervisionNotice.objects.create(
            year=TODAY.year,
            number=n,
            unit=cast.unit_b,
            subject=f"督办{n}",
            body="按期报送",
            deadline=deadline,
            issued_by=cast.admin,
            state=state,
        )
        for n, state in enumerate((SupervisionNotice.State.ISSUED, SupervisionNotice.State.CLOSED), start=1)
    }
    open_rect, closed_rect = rects.values()
    notice, closed_notice = notices.values()
    return {
        "cur": cur,
        "prev": prev,
        "reports": reports,
        "past": past,
        "clash": clash,
        "open_rect": open_rect,
        "closed_rect": closed_rect,
        "notice": notice,
        "closed_notice": closed_notice,
    }


def test_merge_moves_open_items_and_keeps_the_past_under_the_old_name(cast, world):
    succession, moved = reorganization.merge(
        unit=cast.unit_b, into=cast.unit_a, on=TODAY, reason="支部调整", actor=cast.admin
    )
    r = {state: Report.objects.get(pk=report.pk) for state, report in world["reports"].items()}
    # Drafts and returned reports go to branch A's secretary post, with an event each.
    for state in (S.DRAFT, S.RETURNED):
        assert r[state].unit_id == cast.unit_a.pk and r[state].state == state
        assert r[state].assignment.post.unit_id == cast.unit_a.pk
        event = ReportEvent.objects.get(report=r[state], action=ReportEvent.Action.TRANSFER)
        assert event.actor == cast.admin and "支部调整" in event.comment
    # What was handed in or approved, and the past, stay with branch B.
    for state in (S.SUBMITTED, S.APPROVED):
        assert r[state].unit_id == cast.unit_b.pk
    assert Report.objects.get(pk=world["past"].pk).unit_id == cast.unit_b.pk
    # Branch A already reports on the clashing duty: B's draft of it stays, and says so.
    assert Report.objects.get(pk=world["clash"].pk).unit_id == cast.unit_b.pk
    assert [k.pk for k in moved.kept] == [world["clash"].pk]
    # Open rectification and notice move, with an event; closed ones stay.
    rect = Rectification.objects.get(pk=world["open_rect"].pk)
    assert rect.unit_id == cast.unit_a.pk and rect.post.unit_id == cast.unit_a.pk
    assert Event.objects.filter(rectification=rect, action=Event.Action.TRANSFER).count() == 1
    assert SupervisionNotice.objects.get(pk=world["notice"].pk).unit_id == cast.unit_a.pk
    assert Event.objects.filter(notice=world["notice"], action=Event.Action.TRANSFER).count() == 1
    assert Rectification.objects.get(pk=world["closed_rect"].pk).unit_id == cast.unit_b.pk
    assert SupervisionNotice.objects.get(pk=world["closed_notice"].pk).unit_id == cast.unit_b.pk
    # B is closed, under its own name, with its successor linked; its posts and liaison end.
    b = Unit.objects.get(pk=cast.unit_b.pk)
    assert not b.active and b.name == "乙党支部" and b.successors == [cast.unit_a]
    assert succession.kind == Succession.Kind.MERGE and succession.moved["reports"] == 2
    assert not Post.objects.filter(unit=b, active=True).exists()
    assert not Liaison.objects.filter(unit=b, ended__isnull=True).exists()
    assert not Assignment.objects.filter(unit=b, active=True).exists()
    # Branch A now carries every duty B carried.
    b_duties = set(Assignment.objects.filter(unit=b).values_list("duty_id", flat=True))
    a_duties = set(Assignment.objects.filter(unit=cast.unit_a, active=True).values_list("duty_id", flat=True))
    assert b_duties <= a_duties


def test_the_past_period_still_shows_the_closed_unit_by_its_old_name(client_as, cast, world):
    reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=TODAY, reason="支部调整", actor=cast.admin)
    response = client_as("leader").get(reverse("dashboard:ranking"), {"period": world["prev"].pk})
    assert response.status_code == 200
    lines = {line.unit.code: line for line in response.context["lines"]}
    assert lines["ZBB"].unit.name == "乙党支部" and lines["ZBB"].score == Decimal(88) and lines["ZBB"].position == 1
    assert "乙党支部" in response.content.decode() and "已撤并" in response.content.decode()
    unit_page = client_as("leader").get(reverse("assessments:unit", args=[cast.unit_b.pk]), {"period": "x"})
    assert unit_page.status_code == 404  # a bad period, not a 500
    unit_page = client_as("leader").get(reverse("assessments:unit", args=[cast.unit_b.pk]))
    assert unit_page.status_code == 200 and "乙党支部" in unit_page.content.decode()


def test_split_makes_the_parts_and_the_first_carries_on(cast, world):
    successions, moved = reorganization.split(
        unit=cast.unit_b,
        parts=[reorganization.Part("ZBB1", "乙一党支部"), reorganization.Part("ZBB2", "乙二党支部")],
        on=TODAY,
        reason="党员人数超过五十人",
        actor=cast.admin,
    )
    first, second = (Unit.objects.get(code=c) for c in ("ZBB1", "ZBB2"))
    assert first.path[: -Unit.steplen] == cast.committee.path and first.kind == UnitKind.BRANCH
    assert list(first.posts.values_list("title", flat=True)) == list(second.posts.values_list("title", flat=True))
    assert {s.successor_id for s in successions} == {first.pk, second.pk}
    assert Report.objects.get(pk=world["reports"][S.DRAFT].pk).unit_id == first.pk
    assert Report.objects.get(pk=world["clash"].pk).unit_id == first.pk  # no twin in the new unit
    assert Rectification.objects.get(pk=world["open_rect"].pk).unit_id == first.pk
    assert not Unit.objects.get(pk=cast.unit_b.pk).active
    assert Report.objects.get(pk=world["past"].pk).unit_id == cast.unit_b.pk
    assert len(moved.reports) == 3


@pytest.mark.parametrize(
    "case",
    ["itself", "closed", "below", "parent_with_children", "not_admin", "split_code_taken", "split_one_part"],
)
def test_refused_changes_write_nothing(cast, world, case):
    before = (
        list(Report.objects.order_by("pk").values_list("pk", "unit_id")),
        Succession.objects.count(),
        list(Unit.objects.order_by("pk").values_list("pk", "active")),
    )
    with pytest.raises(TransitionError):
        if case == "itself":
            reorganization.merge(unit=cast.unit_b, into=cast.unit_b, on=TODAY, reason="x", actor=cast.admin)
        elif case == "closed":
            Unit.objects.filter(pk=cast.unit_a.pk).update(active=False)
            reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=TODAY, reason="x", actor=cast.admin)
        elif case == "below":
            reorganization.merge(unit=cast.committee, into=cast.unit_a, on=TODAY, reason="x", actor=cast.admin)
        elif case == "parent_with_children":
            reorganization.merge(unit=cast.committee, into=cast.discipline, on=TODAY, reason="x", actor=cast.admin)
        elif case == "not_admin":
            reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=TODAY, reason="x", actor=cast.leader)
        elif case == "split_code_taken":
            parts = [reorganization.Part("ZBA", "甲"), reorganization.Part("NEW", "新")]
            reorganization.split(unit=cast.unit_b, parts=parts, on=TODAY, reason="x", actor=cast.admin)
        else:
            parts = [reorganization.Part("NEW", "新")]
            reorganization.split(unit=cast.unit_b, parts=parts, on=TODAY, reason="x", actor=cast.admin)
    if case == "closed":
        Unit.objects.filter(pk=cast.unit_a.pk).update(active=True)
    after = (
        list(Report.objects.order_by("pk").values_list("pk", "unit_id")),
        Succession.objects.count(),
        list(Unit.objects.order_by("pk").values_list("pk", "active")),
    )
    assert after == before


def test_the_admin_merges_on_the_page_and_reads_what_moved(client_as, cast, world):
    client = client_as("admin")
    url = reverse("oversight:reorganize")
    response = client.post(
        url,
        {
            "action": "merge",
            "unit": cast.unit_b.pk,
            "into": cast.unit_a.pk,
            "on": TODAY.isoformat(),
            "reason": "支部调整",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert Succession.objects.filter(predecessor=cast.unit_b, successor=cast.unit_a).exists()
    # The confirmation says what moved; the list of changes shows the reason.
    assert "乙党支部已撤销" in page and "2 份报告" in page and "支部调整" in page


@pytest.mark.parametrize(
    "data",
    [
        {"action": "merge", "unit": "999999", "into": "1", "on": "2026-01-01", "reason": "x"},
        {"action": "merge", "unit": "abc", "into": "", "on": "not a date", "reason": ""},
        {"action": "split", "unit": "1", "parts": "only-one-line", "on": "2026-01-01", "reason": "x"},
        {"action": "nothing"},
    ],
)
def test_bad_input_on_the_page_is_a_400_and_changes_nothing(client_as, cast, world, data):
    response = client_as("admin").post(reverse("oversight:reorganize"), data)
    assert response.status_code == 400
    assert not Succession.objects.exists()
    assert Unit.objects.filter(active=False).count() == 0


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("leader", 403), ("other_leader", 403), ("secretary_a", 403), ("supervisor", 403)]
)
def test_only_the_admin_opens_the_page(client_as, cast, role, status, django_assert_max_num_queries):
    client = client_as(role)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("oversight:reorganize"))
    assert response.status_code == status
    assert client_as(role).post(reverse("oversight:reorganize"), {"action": "merge"}).status_code in (
        {200: 400}.get(status, status),
    )


def test_anonymous_is_sent_to_sign_in(client_as):
    response = client_as("anonymous").get(reverse("oversight:reorganize"))
    assert response.status_code == 302

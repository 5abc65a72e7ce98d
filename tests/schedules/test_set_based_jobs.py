"""The period jobs work on sets of rows (issue 15, items 3 and 4) and tell people exactly
what the one-row-at-a-time jobs told them: the nightly lock writes one event per report,
each in the audit chain, and the next reminder names each locked report once to each of
its people; scores of several units come out as computed by hand; a second run of either
changes nothing."""

from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from assessments import services as reports
from assessments.models import Report, ReportEvent
from audit.chain import verify
from audit.models import AuditLink
from notifications.models import Notification
from schedules.models import SentReminder
from scoring.models import BonusItem, ScoreLine, UnitScore
from scoring.services import compute_scores
from tests.services import need_postgres

from .conftest import at, on, report_ids
from .test_idempotency import run


@pytest.fixture
def opened(org):
    run("open_periods", 6, 15)
    return report_ids(org.period)


pytestmark = pytest.mark.django_db


def test_the_lock_run_writes_one_chained_event_per_report_and_the_reminder_tells_each_once(org, opened):
    need_postgres()
    # A-D1 is filed on time, B-D1 after its due date (late) but before the lock; the rest
    # are still drafts when their grace days end.
    with time_machine.travel(at(7, 1), tick=False):
        reports.submit_report(report_id=opened["A-D1"], actor=org.secretary_a, content="按时报送")
    with time_machine.travel(at(7, 12), tick=False):
        reports.submit_report(report_id=opened["B-D1"], actor=org.secretary_b, content="逾期报送")
    drafts = set(Report.objects.filter(period=org.period, state="draft").values_list("pk", flat=True))
    assert len(drafts) >= 3

    result = run("lock_and_close", 7, 16, after_batch=lambda n, total: None)

    assert result.counts["reports locked"] == len(drafts)
    locked = set(Report.objects.filter(state="locked").values_list("pk", flat=True))
    assert locked == drafts
    events = ReportEvent.objects.filter(action="lock")
    assert Counter(events.values_list("report_id", flat=True)) == Counter(drafts)  # one each
    assert set(events.values_list("from_state", "to_state", "actor")) == {("draft", "locked", None)}
    chained = AuditLink.objects.filter(content_type=ContentType.objects.get_for_model(ReportEvent))
    every_event = ReportEvent.objects.values_list("pk", flat=True)  # the submissions' too
    assert Counter(chained.values_list("object_id", flat=True)) == Counter(every_event)
    assert verify()[1] == []
    # The late flag is the submission's: the lock neither sets nor clears it.
    assert dict(Report.objects.filter(pk__in=[opened["A-D1"], opened["B-D1"]]).values_list("pk", "late")) == {
        opened["A-D1"]: False,
        opened["B-D1"]: True,
    }
    assert not Report.objects.filter(pk__in=drafts, late=True).exists()

    # The next morning's reminder names each locked report once to each of its people,
    # in one notification per person.
    run("send_reminders", 7, 17)
    told = list(SentReminder.objects.filter(item_type="report_lock").values_list("person_id", "item_id"))
    assert len(told) == len(set(told)) and {item for _p, item in told} == drafts
    notes = Counter(Notification.objects.filter(kind="deadline_reminder").values_list("recipient_id", flat=True))
    assert set(notes.values()) == {1}
    assert {org.secretary_a.pk, org.secretary_b.pk} <= set(notes)

    # Run again: nothing more is locked, written, chained or told.
    links = AuditLink.objects.count()
    again = run("lock_and_close", 7, 16)
    assert not again.counts.get("reports locked")
    assert ReportEvent.objects.filter(action="lock").count() == len(drafts)
    assert AuditLink.objects.count() == links
    run("send_reminders", 7, 17)
    assert SentReminder.objects.filter(item_type="report_lock").count() == len(told)
    assert Notification.objects.filter(kind="deadline_reminder").count() == sum(notes.values())


def test_a_report_answering_a_return_or_waived_is_not_locked_with_the_rest(org, opened):
    need_postgres()
    with time_machine.travel(at(7, 1), tick=False):
        reports.submit_report(report_id=opened["A-D2"], actor=org.secretary_a, content="初稿")
    with time_machine.travel(at(7, 14), tick=False):
        reports.return_report(report_id=opened["A-D2"], actor=org.leader_a, comment="请补充")
    answering = Report.objects.get(pk=opened["A-D2"])
    assert answering.resubmit_by is not None and answering.resubmit_by >= on(7, 16)
    Report.objects.filter(pk=opened["B-D2"]).update(lock_waived=True)

    run("lock_and_close", 7, 16)

    states = dict(Report.objects.values_list("pk", "state"))
    assert states[opened["A-D2"]] == "returned" and states[opened["B-D2"]] == "draft"
    assert not ReportEvent.objects.filter(action="lock", report__in=[opened["A-D2"], opened["B-D2"]]).exists()
    assert states[opened["A-D1"]] == "locked"


def test_scores_of_several_units_are_those_computed_by_hand(org, opened):
    """Rules by default: excellent 100, good 85, submitted 70; a missing report −2, a late
    one −1; 政治建设 (key) weighs 1.5, D3 twice its category's weight; bonuses capped at 10."""
    need_postgres()
    with time_machine.travel(at(7, 1), tick=False):
        for key, person in (("A-D1", org.secretary_a), ("A-D2", org.secretary_a), ("P-D1", org.leader_b)):
            reports.submit_report(report_id=opened[key], actor=person, content="已落实")
        reports.approve_report(report_id=opened["A-D1"], actor=org.leader_a, grade="excellent")
        reports.approve_report(report_id=opened["A-D2"], actor=org.leader_a, grade="good")
    with time_machine.travel(at(7, 12), tick=False):
        reports.submit_report(report_id=opened["B-D1"], actor=org.secretary_b, content="已落实")
    for points in ("6", "7"):
        BonusItem.objects.create(
            period=org.period, unit=org.unit_b, points=Decimal(points), reason="经验交流", granted_by=org.admin
        )
    in_period = set(opened)
    assert {"A-D1", "A-D2", "A-D3", "B-D1", "B-D2", "P-D1"} <= in_period

    with time_machine.travel(at(7, 20), tick=False):
        summary = compute_scores(period=org.period)

    # A: D1 100 × 1.5, D2 85 × 1, D3 missing 0 × 2 (and D4 missing × 1 if in this half).
    a_weights = Decimal("4.5") + (Decimal(1) if "A-D4" in in_period else 0)
    a_missing = 1 + ("A-D4" in in_period)
    a_mean = ((Decimal(150) + Decimal(85)) / a_weights).quantize(Decimal("0.01"))
    # B: D1 submitted late 70 × 1.5, D2 missing 0 × 1 → 105 / 2.5 = 42; −1 late, −2 missing;
    # bonuses 6 + 7 capped at 10.
    # P: D1 submitted 70 × 1.5 / 1.5 = 70.
    expected = {
        org.unit_a.pk: a_mean - 2 * a_missing,
        org.unit_b.pk: Decimal("42.00") - 3 + 10,
        org.party.pk: Decimal("70.00"),
    }
    scores = dict(UnitScore.objects.filter(period=org.period).values_list("unit_id", "score"))
    assert scores == expected
    assert summary.units == 3
    for unit_id, score in expected.items():
        lines = ScoreLine.objects.filter(unit_score__period=org.period, unit_score__unit=unit_id)
        assert sum(lines.values_list("points", flat=True)) == score
    b_lines = ScoreLine.objects.filter(unit_score__unit=org.unit_b).order_by("kind", "pk")
    assert list(b_lines.values_list("kind", "cause", "points")) == [
        ("bonus", "bonus", Decimal("6.00")),
        ("bonus", "bonus", Decimal("4.00")),
        ("deduction", "late", Decimal("-1.00")),
        ("deduction", "missing", Decimal("-2.00")),
        ("report", "ungraded", Decimal("42.00")),
        ("report", "missing", Decimal("0.00")),
    ]
    assert "D1" in b_lines.get(cause="late").label
    # The party group's subtree is every scored unit; a second run is the same to the cent.
    party = UnitScore.objects.get(period=org.period, unit=org.party)
    assert party.subtree_score == (sum(expected.values()) / 3).quantize(Decimal("0.01"))
    before = sorted(ScoreLine.objects.values_list("unit_score_id", "kind", "report_id", "label", "points"))
    with time_machine.travel(at(7, 20), tick=False):
        compute_scores(period=org.period)
    assert sorted(ScoreLine.objects.values_list("unit_score_id", "kind", "report_id", "label", "points")) == before


def test_a_score_breakdown_follows_the_checklist_whatever_order_the_reports_were_made_in(org, opened):
    """The 评分 breakdown lists a unit's duties in the checklist's order (category, then
    code), not in the order the period job happened to write the reports: a report made
    again (here B's D1, now with the newest id) keeps its place."""
    need_postgres()
    first = Report.objects.get(pk=opened["B-D1"])
    first.delete()
    first.pk = None
    first.save(force_insert=True)
    assert first.pk > opened["B-D2"]
    with time_machine.travel(at(7, 20), tick=False):
        compute_scores(period=org.period)
    lines = ScoreLine.objects.filter(unit_score__unit=org.unit_b)  # as the score page orders them
    duties = lines.values_list("kind", "report__assignment__duty__code")
    assert list(duties.filter(kind="report")) == [("report", "D1"), ("report", "D2")]
    assert list(duties.filter(kind="deduction")) == [("deduction", "D1"), ("deduction", "D2")]

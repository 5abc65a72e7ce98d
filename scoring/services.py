"""Scoring a period from the rules (责任考核, 一、三), and the admin's changes to the rules.

``compute_scores`` is the one place numbers are made. The rules are applied to every report
in the database (a CASE over grade and category, times the duty's weight), the per-unit
sums and counts are aggregated there; the split of a unit's mean into per-report lines and
the roll-up over each subtree are done here, with exact decimals and a fixed tie-break, so
computing twice gives the same numbers to the cent. The lines go in as one statement
(core.bulk), and only for the units whose lines changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from assessments.models import Period, Report, Task
from assessments.services import ensure_period_open
from core.bulk import collector_paused, insert_rows
from responsibilities.models import Category, Unit

from . import permissions
from .models import BonusItem, CategoryWeight, ScoreLine, ScoringRule, UnitScore
from .signals import scores_outdated

CENT = Decimal("0.01")
ZERO = Decimal("0")
DONE_STATES = (Report.State.SUBMITTED, Report.State.APPROVED)
Cause = ScoreLine.Cause
Kind = ScoreLine.Kind


def current_rule() -> ScoringRule:
    """The scoring rules in force, made with the defaults the first time they are asked for."""
    rule = ScoringRule.objects.order_by("pk").first()
    return rule if rule is not None else ScoringRule.objects.create()


def category_weights(rule: ScoringRule) -> dict[int, Decimal]:
    """Each category's weight: the admin's figure, else the key-category weight for the key
    ones (政治建设, 一、二), else 1."""
    overrides = dict(rule.weights.values_list("category_id", "weight"))
    return {
        pk: overrides.get(pk, rule.key_category_weight if key else Decimal(1))
        for pk, key in Category.objects.values_list("pk", "key")
    }


def _decimal(digits=12, places=4):
    return DecimalField(max_digits=digits, decimal_places=places)


def report_points(rule: ScoringRule):
    """A report's points under ``rule``: its grade's points once approved, the ungraded
    points while submitted, zero while missing (draft, returned or locked)."""
    whens = [When(state=Report.State.APPROVED, grade=g, then=Value(p)) for g, p in rule.grade_points().items()]
    whens.append(When(state__in=DONE_STATES, then=Value(rule.points_ungraded)))
    return Case(*whens, default=Value(ZERO), output_field=_decimal())


def report_weight(weights: dict[int, Decimal]):
    by_category = Case(
        *[When(category_id=pk, then=Value(w)) for pk, w in sorted(weights.items())],
        default=Value(Decimal(1)),
        output_field=_decimal(),
    )
    return ExpressionWrapper(by_category * F("assignment__duty__weight"), output_field=_decimal())


def _cause(state: str, grade: str) -> str:
    if state == Report.State.APPROVED and grade:
        return Cause.GRADED
    if state in DONE_STATES:
        return Cause.UNGRADED
    return Cause.MISSING


def split_mean(rows: list[tuple[int, Decimal, Decimal]], mean: Decimal, total_weight: Decimal) -> dict[int, Decimal]:
    """Each report's share of ``mean`` in cents, adding up exactly to it: shares are cut
    down to the cent and the cents left go to the largest remainders (lowest id on a tie)."""
    if not total_weight:
        return {pk: ZERO for pk, _p, _w in rows}
    exact = {pk: points * weight / total_weight for pk, points, weight in rows}
    shares = {pk: value.quantize(CENT, rounding=ROUND_DOWN) for pk, value in exact.items()}
    left = int((mean - sum(shares.values(), ZERO)) / CENT)
    for pk in sorted(exact, key=lambda pk: (-(exact[pk] - shares[pk]), pk))[: max(left, 0)]:
        shares[pk] += CENT
    return shares


@dataclass
class ScoreSummary:
    period: Period
    units: int
    reports: int
    mean: Decimal | None


@transaction.atomic
@collector_paused()
def compute_scores(*, period: Period) -> ScoreSummary:
    """Score every unit with reports in ``period`` under the current rules and store it:
    one ``UnitScore`` per unit (updated in place, so its id stays), its breakdown lines
    replaced, and the subtree roll-up (the mean of the scores of the unit and every unit
    below it). Deterministic: the same rules and reports give the same rows.

    Runs under the period's row lock (FOR UPDATE, held to the end of the caller's
    transaction): a close and a manual recompute at once run one after the other, and the
    second replaces the first's lines, so there is exactly one set. Refused on a closed
    period (its scores are frozen; ``close_period`` computes while the period is open)."""
    list(Period.objects.select_for_update().filter(pk=period.pk).values_list("pk", flat=True))
    ensure_period_open(period.pk)
    rule = current_rule()
    weights = category_weights(rule)
    reports = Report.objects.filter(period=period).annotate(points=report_points(rule), weight=report_weight(weights))
    per_unit = {
        row["unit_id"]: row
        for row in reports.values("unit_id").annotate(
            wsum=Sum(F("points") * F("weight"), output_field=_decimal(20, 6)),
            wtotal=Sum("weight", output_field=_decimal(20, 6)),
            n=Count("pk"),
            on_time=Count("pk", filter=Q(state__in=DONE_STATES, late=False)),
        )
    }
    lines_by_unit: dict[int, list] = defaultdict(list)
    # A unit's lines follow its checklist (category, then code), as the checklist page does,
    # not the order in which the period job happened to write the reports.
    by_checklist = ("unit_id", "assignment__duty__category__order", "assignment__duty__code", "pk")
    for row in reports.order_by(*by_checklist).values_list(
        "pk",
        "unit_id",
        "state",
        "grade",
        "late",
        "points",
        "weight",
        "assignment__duty__code",
        "assignment__duty__title",
    ):
        lines_by_unit[row[1]].append(row)
    bonuses: dict[int, list[BonusItem]] = defaultdict(list)
    for bonus in BonusItem.objects.filter(period=period, revoked_at__isnull=True).order_by("granted_at", "pk"):
        bonuses[bonus.unit_id].append(bonus)

    scores, lines = [], []
    # Labels are stored in the site's first language; pages explain lines by their cause.
    with override(settings.LANGUAGE_CODE):
        missing_label, late_label = _("Missing or locked: %(code)s"), _("Late submission: %(code)s")
        task_lines = task_deductions(period, rule)
        for unit_id in sorted(per_unit):
            agg = per_unit[unit_id]
            total_weight = agg["wtotal"] or ZERO
            mean = (agg["wsum"] / total_weight).quantize(CENT, ROUND_HALF_UP) if total_weight else ZERO
            rows = lines_by_unit[unit_id]
            shares = split_mean([(r[0], r[5], r[6]) for r in rows], mean, total_weight)
            # Plain rows in the order of the columns of ``LINE_COLUMNS``: tens of thousands
            # of lines at province scale go in as one statement, with no instance each.
            unit_lines = []
            deductions = ZERO
            for pk, _unit, state, grade, late, points, weight, code, title in rows:
                cause = _cause(state, grade)
                unit_lines.append(
                    (REPORT, pk, None, f"{code} {title}"[:200], shares[pk], str(cause), points, weight, None)
                )
                if cause == Cause.MISSING and rule.missing_deduction:
                    why, points_off, label = Cause.MISSING.value, rule.missing_deduction, missing_label
                elif late and state in DONE_STATES and rule.late_deduction:
                    why, points_off, label = Cause.LATE.value, rule.late_deduction, late_label
                else:
                    continue
                deductions += points_off
                unit_lines.append((DEDUCTION, pk, None, label % {"code": code}, -points_off, why, None, None, None))
            for line in task_lines.get(unit_id, []):
                deductions -= line[4]
                unit_lines.append(line)
            room = rule.bonus_cap
            bonus_total = ZERO
            for bonus in bonuses.get(unit_id, []):
                counted = min(bonus.points, room)
                room -= counted
                bonus_total += counted
                unit_lines.append(
                    (BONUS, None, None, bonus.reason[:200], counted, Cause.BONUS.value, None, None, bonus.pk)
                )
            # The floor of 0 is on the total, bonuses included (the rules page says so).
            score = max(ZERO, mean - deductions + bonus_total)
            scores.append(
                UnitScore(
                    period=period,
                    unit_id=unit_id,
                    score=score,
                    subtree_score=score,
                    reports=agg["n"],
                    on_time=agg["on_time"],
                )
            )
            lines.append(unit_lines)

    subtree = subtree_scores({score.unit_id: score.score for score in scores})
    for score in scores:
        score.subtree_score = subtree[score.unit_id]
    UnitScore.objects.filter(period=period).exclude(unit_id__in=list(per_unit)).delete()
    UnitScore.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["province", "period", "unit"],
        update_fields=["score", "subtree_score", "reports", "on_time", "computed_at"],
    )
    ids = dict(UnitScore.objects.filter(period=period).values_list("unit_id", "pk"))
    # A unit's lines are replaced only when they changed: a recompute with nothing new (the
    # close right after the deadline's scoring) writes no line, and a changed unit's lines
    # all go in again, so they keep the order a fresh computation gives them.
    stored: dict[int, list[tuple]] = defaultdict(list)
    for unit_score_id, *line in (
        ScoreLine.objects.filter(unit_score__period=period).order_by("pk").values_list("unit_score_id", *LINE_COLUMNS)
    ):
        stored[unit_score_id].append(tuple(line))
    changed = [
        (ids[score.unit_id], score, unit_lines)
        for score, unit_lines in zip(scores, lines, strict=True)
        if stored.get(ids[score.unit_id], []) != unit_lines
    ]
    if len(changed) == len(scores):
        ScoreLine.objects.filter(unit_score__period=period).delete()
    elif changed:
        ScoreLine.objects.filter(unit_score_id__in=[pk for pk, _s, _l in changed if pk in stored]).delete()
    insert_rows(
        ScoreLine,
        ("unit_score_id", "province_id", *LINE_COLUMNS),
        [
            (pk, score.province_id, *line)  # a line lives with its score (core.provinces)
            for pk, score, unit_lines in changed
            for line in unit_lines
        ],
    )
    total = sum(s.score for s in scores)
    return ScoreSummary(
        period=period,
        units=len(scores),
        reports=sum(agg["n"] for agg in per_unit.values()),
        mean=(total / len(scores)).quantize(CENT, ROUND_HALF_UP) if scores else None,
    )


# A score line as a row of plain values (after its score's id), its kind a plain str.
REPORT, DEDUCTION, BONUS = Kind.REPORT.value, Kind.DEDUCTION.value, Kind.BONUS.value
LINE_COLUMNS = ("kind", "report_id", "task_id", "label", "points", "cause", "base_points", "weight", "bonus_id")


def task_deductions(period: Period, rule: ScoringRule) -> dict[int, list[tuple]]:
    """The 扣分 lines of the 交办 tasks counted in ``period``, by unit, as rows of
    ``LINE_COLUMNS``: a task still without feedback after its deadline, or one whose
    feedback came late, deducts the rule's points (一、三: tasks are scored like reports).
    Call with the site's language active."""
    today = timezone.localdate()
    lines: dict[int, list[tuple]] = defaultdict(list)
    tasks = Task.objects.filter(period=period).exclude(state=Task.State.CLOSED, late=False).order_by("unit_id", "pk")
    for task in tasks.only("pk", "unit_id", "subject", "state", "deadline", "late"):
        if task.state == Task.State.ISSUED and task.deadline < today and not task.late:
            cause, points, label = Cause.TASK_OPEN, rule.task_missing_deduction, _("Task without feedback: %(s)s")
        elif task.late:
            cause, points, label = Cause.TASK_LATE, rule.task_late_deduction, _("Task replied late: %(s)s")
        else:
            continue
        if points:
            text = (label % {"s": task.subject})[:200]
            lines[task.unit_id].append((DEDUCTION, None, task.pk, text, -points, cause.value, None, None, None))
    return lines


def subtree_scores(scores: dict[int, Decimal]) -> dict[int, Decimal]:
    """Each scored unit's subtree score: the mean of the scores of the unit and every
    scored unit below it, to the cent (half up). ``scores``: unit id → score.

    Summed over the materialized paths: each score counts for every prefix of its unit's
    path (its ancestors, itself included) — a few per unit — and is read back at each
    scored unit's own path. Exact decimals: the same figures as PostgreSQL's
    ``ROUND(AVG(score), 2)``, without an UPDATE of every score row after its insert."""
    steplen = Unit.steplen
    paths = dict(Unit.objects.filter(pk__in=list(scores)).values_list("pk", "path"))
    sums: dict[str, list] = defaultdict(lambda: [ZERO, 0])
    for unit_id, score in scores.items():
        path = paths[unit_id]
        for end in range(steplen, len(path) + 1, steplen):
            total = sums[path[:end]]
            total[0] += score
            total[1] += 1
    subtree = {}
    for unit_id in scores:
        total, count = sums[paths[unit_id]]
        subtree[unit_id] = (total / count).quantize(CENT, ROUND_HALF_UP)
    return subtree


# ---------------------------------------------------------------------------------------
# The admin's changes


@transaction.atomic
def grant_bonus(*, actor, period: Period, unit: Unit, points: Decimal, reason: str) -> BonusItem:
    """An admin grants ``unit`` bonus points for ``period``, with the reason (kept in history)."""
    if not permissions.can_edit_rules(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Give the reason for the bonus."))
    if points is None or points <= 0:
        raise ValueError(_("Bonus points must be more than zero."))
    ensure_period_open(period.pk)
    return BonusItem.objects.create(period=period, unit=unit, points=points, reason=reason, granted_by=actor)


@transaction.atomic
def revoke_bonus(*, actor, bonus_id: int) -> BonusItem | None:
    """Stop a bonus counting; the row stays. Returns None when it was already revoked."""
    if not permissions.can_edit_rules(actor):
        raise PermissionDenied
    bonus = BonusItem.objects.filter(pk=bonus_id).values_list("period_id", flat=True).first()
    if bonus is not None:
        ensure_period_open(bonus)
    updated = BonusItem.objects.filter(pk=bonus_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    return BonusItem.objects.get(pk=bonus_id) if updated else None


@transaction.atomic
def rescore_if_scored(*, period: Period, actor) -> bool:
    """Ask for ``period``'s scores to be recomputed in the background when it has stored
    scores (a bonus changed them); True when asked. The schedules app does the asking
    (``scores_outdated``), so the recompute shows on the periods page like any job run."""
    if not period.unit_scores.exists():
        return False
    scores_outdated.send(sender=Period, period=period, actor=actor)
    return True


def set_category_weights(*, rule: ScoringRule, weights: dict[int, Decimal | None]) -> None:
    """Set (or, with None, clear back to the default) each category's weight."""
    for category_id, weight in weights.items():
        if weight is None:
            for row in CategoryWeight.objects.filter(rule=rule, category_id=category_id):
                row.delete()  # one by one, so history records each
            continue
        row, created = CategoryWeight.objects.get_or_create(
            rule=rule, category_id=category_id, defaults={"weight": weight}
        )
        if not created and row.weight != weight:
            row.weight = weight
            row.save()

"""compute_scores: rules as data, deterministic to the cent, ids kept on recompute."""

from decimal import Decimal

import pytest

from scoring.models import BonusItem, CategoryWeight, ScoreLine, UnitScore
from scoring.services import compute_scores, current_rule, split_mean

pytestmark = pytest.mark.django_db


def numbers(period):
    scores = list(
        UnitScore.objects.filter(period=period).order_by("unit_id").values_list("pk", "score", "subtree_score")
    )
    lines = sorted(ScoreLine.objects.filter(unit_score__period=period).values_list("kind", "report_id", "points"))
    return scores, lines


def test_recomputing_gives_the_same_numbers_and_keeps_the_rows(scored):
    before = numbers(scored)
    compute_scores(period=scored)
    assert numbers(scored) == before


def test_missing_reports_score_zero_and_are_deducted(cast, scored):
    score = UnitScore.objects.get(period=scored, unit=cast.unit_a)
    missing = ScoreLine.objects.filter(unit_score=score, kind="report", cause="missing")
    assert missing.exists() and {line.points for line in missing} == {Decimal("0.00")}
    deductions = ScoreLine.objects.filter(unit_score=score, kind="deduction", cause="missing")
    assert deductions.count() == missing.count()
    assert sum(line.points for line in ScoreLine.objects.filter(unit_score=score)) == score.score or score.score == 0


def test_score_never_goes_below_zero(cast, scored):
    rule = current_rule()
    rule.missing_deduction = Decimal("100")
    rule.save()
    compute_scores(period=scored)
    assert UnitScore.objects.get(period=scored, unit=cast.unit_b).score == Decimal("0")


def test_bonus_is_capped_and_lines_add_up_to_the_score(cast, scored):
    rule = current_rule()
    rule.missing_deduction = Decimal("0")
    rule.bonus_cap = Decimal("5")
    rule.save()
    for points in ("4", "4"):
        BonusItem.objects.create(
            period=scored, unit=cast.unit_b, points=Decimal(points), reason="r", granted_by=cast.admin
        )
    compute_scores(period=scored)
    score = UnitScore.objects.get(period=scored, unit=cast.unit_b)
    bonus_lines = ScoreLine.objects.filter(unit_score=score, kind="bonus").order_by("pk")
    assert [line.points for line in bonus_lines] == [Decimal("4.00"), Decimal("1.00")]
    assert score.score == sum(line.points for line in ScoreLine.objects.filter(unit_score=score))


def test_category_weight_set_by_an_admin_changes_the_mean(cast, scored):
    rule = current_rule()
    rule.missing_deduction = Decimal("0")
    rule.save()
    compute_scores(period=scored)
    before = UnitScore.objects.get(period=scored, unit=cast.unit_a).score
    graded = ScoreLine.objects.get(unit_score__period=scored, unit_score__unit=cast.unit_a, cause="graded")
    CategoryWeight.objects.create(rule=rule, category=graded.report.category, weight=Decimal("50"))
    compute_scores(period=scored)
    assert UnitScore.objects.get(period=scored, unit=cast.unit_a).score > before


def test_subtree_score_is_the_mean_over_the_unit_and_everything_below(cast, scored):
    scores = dict(UnitScore.objects.filter(period=scored).values_list("unit__code", "score"))
    committee = UnitScore.objects.get(period=scored, unit=cast.committee)
    below = [scores[c] for c in ("JGDW", "ZBA", "ZBB") if c in scores]
    assert committee.subtree_score == (sum(below) / len(below)).quantize(Decimal("0.01"))
    top = UnitScore.objects.get(period=scored, unit=cast.party_group)
    assert top.subtree_score == (sum(scores.values()) / len(scores)).quantize(Decimal("0.01"))


def test_shares_add_up_to_the_mean_exactly():
    rows = [(1, Decimal(100), Decimal("1.5")), (2, Decimal(85), Decimal(1)), (3, Decimal(70), Decimal(2))]
    shares = split_mean(rows, Decimal("83.33"), Decimal("4.5"))
    assert shares == {1: Decimal("33.33"), 2: Decimal("18.89"), 3: Decimal("31.11")}
    assert split_mean([(1, Decimal(0), Decimal(0))], Decimal(0), Decimal(0)) == {1: Decimal(0)}


def test_a_recompute_rewrites_only_the_units_whose_lines_changed_and_as_a_fresh_computation(cast, scored):
    """A recompute leaves a unit's lines alone when they come out the same; a unit whose
    lines change gets all of them anew, in the order (and with the numbers) a computation
    from nothing gives."""
    lines = ScoreLine.objects.filter(unit_score__period=scored)
    kept = set(lines.exclude(unit_score__unit=cast.unit_b).values_list("pk", flat=True))
    assert kept
    BonusItem.objects.create(period=scored, unit=cast.unit_b, points=Decimal("3"), reason="r", granted_by=cast.admin)
    compute_scores(period=scored)
    assert set(lines.exclude(unit_score__unit=cast.unit_b).values_list("pk", flat=True)) == kept

    def as_shown():  # in the order the score page lists them
        return list(lines.values_list("unit_score__unit", "kind", "report_id", "label", "points", "cause"))

    recomputed = numbers(scored), as_shown()
    assert ("bonus", None, Decimal("3.00")) in recomputed[0][1]
    lines.delete()
    compute_scores(period=scored)
    assert (numbers(scored), as_shown()) == recomputed

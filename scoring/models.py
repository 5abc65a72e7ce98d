"""责任考核 (一、三): how a period is scored, and the stored result, unit by unit.

How the numbers are made is data (``ScoringRule`` with its ``CategoryWeight``s, and the
``BonusItem``s an admin grants), with history kept. What is stored when a period closes
(``UnitScore`` and its ``ScoreLine``s) is what dashboards and the hearing pack read without
recomputing; recomputing from the same rules and reports gives the same numbers.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import person
from core.provinces import ProvinceKeyed


def _points(label, default):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )


class ScoringRule(models.Model):
    """The scoring rules (评分规则), one set, edited by admins; every change is kept.

    A unit's score for a period = the weighted mean of its reports' points (weight =
    category weight × duty weight), minus the deductions (扣分), plus the bonuses (加分, up to
    the cap), never below zero. A report still missing at close scores zero (DESIGN.md).
    """

    points_excellent = _points(_("points for excellent"), "100")
    points_good = _points(_("points for good"), "85")
    points_fair = _points(_("points for fair"), "70")
    points_poor = _points(_("points for poor"), "50")
    points_ungraded = _points(_("points for submitted but not yet graded"), "70")
    key_category_weight = models.DecimalField(
        _("weight of a key category"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("以党的政治建设为统领 (一、二): categories marked key weigh this much unless set below."),
    )
    late_deduction = _points(_("deduction per late submission"), "1")
    missing_deduction = _points(_("deduction per missing or locked report"), "2")
    # 交办 tasks count like reports (一、三 考核): feedback after the deadline, or none by it.
    task_late_deduction = _points(_("deduction per task replied late"), "1")
    task_missing_deduction = _points(_("deduction per task without feedback after its deadline"), "2")
    bonus_cap = _points(_("most bonus points per unit and period"), "10")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")

    def __str__(self):
        return str(_("Scoring rules"))

    def grade_points(self) -> dict[str, Decimal]:
        return {
            "excellent": self.points_excellent,
            "good": self.points_good,
            "fair": self.points_fair,
            "poor": self.points_poor,
        }


class CategoryWeight(models.Model):
    """The weight of one category's reports in a unit's mean, overriding the default."""

    rule = models.ForeignKey(ScoringRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="weights")
    category = models.ForeignKey(
        "responsibilities.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category weight")
        verbose_name_plural = _("category weights")
        constraints = [models.UniqueConstraint(fields=["rule", "category"], name="category_weight_unique")]

    def __str__(self):
        return f"{self.category}: {self.weight}"


class BonusItem(ProvinceKeyed):
    """Bonus points (加分) an admin grants a unit for a period, with the reason. Revoking
    keeps the row (nothing is deleted) and stops it counting."""

    period = models.ForeignKey(
        "assessments.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="bonuses"
    )
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bonuses"
    )
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.TextField(_("reason"))
    granted_by = person(_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = person(_("revoked by"), optional=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bonus")
        verbose_name_plural = _("bonuses")
        ordering = ["-granted_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="bonus_points_positive")]
        indexes = [models.Index(fields=["period", "unit"], name="bonus_period_unit")]

    def __str__(self):
        return f"{self.unit} +{self.points}"


class UnitScore(ProvinceKeyed):
    """A unit's score for one period, and the roll-up over its subtree."""

    period = models.ForeignKey(
        "assessments.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="unit_scores"
    )
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    subtree_score = models.DecimalField(_("subtree score"), max_digits=6, decimal_places=2)
    reports = models.PositiveIntegerField(_("reports"), default=0)
    on_time = models.PositiveIntegerField(_("submitted on time"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        constraints = [models.UniqueConstraint(fields=["province", "period", "unit"], name="unitscore_unique")]
        indexes = [
            models.Index(fields=["period", "-score"], name="unitscore_rank"),
            # The dashboard's stamp of a period's scores (newest computed_at, how many): an
            # index-only scan (dashboard/selectors.py, _ranking_stamp).
            models.Index(fields=["period", "computed_at"], name="unitscore_period_computed"),
        ]

    def __str__(self):
        return f"{self.unit} {self.period}: {self.score}"

    @property
    def on_time_rate(self):
        return (self.on_time / self.reports) if self.reports else None


class ScoreLine(ProvinceKeyed):
    """One line of a score's breakdown: what a report gave, a deduction, or a bonus."""

    province_from = ("unit_score",)

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        DEDUCTION = "deduction", _("Deduction")
        BONUS = "bonus", _("Bonus")

    class Cause(models.TextChoices):
        GRADED = "graded", _("Graded")
        UNGRADED = "ungraded", _("Submitted, not yet graded")
        MISSING = "missing", _("Missing or locked")
        LATE = "late", _("Late submission")
        BONUS = "bonus", _("Bonus")
        TASK_LATE = "task_late", _("Task replied late")
        TASK_OPEN = "task_open", _("Task without feedback")

    unit_score = models.ForeignKey(
        UnitScore, verbose_name=_("unit score"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    report = models.ForeignKey(
        "assessments.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    task = models.ForeignKey(
        "assessments.Task", verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("label"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    # Why the line is what it is, so a page can explain it in the reader's language:
    # a report's grade points and weight, the cause of a deduction, the bonus granted.
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices, blank=True)
    base_points = models.DecimalField(_("grade points"), max_digits=7, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=9, decimal_places=4, null=True, blank=True)
    bonus = models.ForeignKey(
        BonusItem, verbose_name=_("bonus"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["unit_score", "kind", "id"]

    def __str__(self):
        return f"{self.label}: {self.points}"

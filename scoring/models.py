"""责任考核 (一、三): the stored result of scoring a period, unit by unit.

How the numbers are made is data (``ScoringRule``, added with the schedules); what is
stored when a period closes is below, so dashboards and the hearing pack read it
without recomputing, and recomputing gives the same numbers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitScore(models.Model):
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
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unitscore_unique")]
        indexes = [models.Index(fields=["period", "-score"], name="unitscore_rank")]

    def __str__(self):
        return f"{self.unit} {self.period}: {self.score}"

    @property
    def on_time_rate(self):
        return (self.on_time / self.reports) if self.reports else None


class ScoreLine(models.Model):
    """One line of a score's breakdown: what a report gave, a deduction, or a bonus."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        DEDUCTION = "deduction", _("Deduction")
        BONUS = "bonus", _("Bonus")

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
    label = models.CharField(_("label"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["unit_score", "kind", "id"]

    def __str__(self):
        return f"{self.label}: {self.points}"

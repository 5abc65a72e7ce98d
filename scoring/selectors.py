"""Reads of stored scores that pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models import Period

from .models import ScoreLine, UnitScore


def scored_periods() -> QuerySet:
    return Period.objects.filter(unit_scores__isnull=False).distinct().order_by("-year", "-half")


def unit_scores(*, period: Period) -> QuerySet:
    """The period's unit scores in tree order (the caller limits them to what the reader
    may see: ``permissions.scores_visible_to``)."""
    return UnitScore.objects.filter(period=period).select_related("unit").order_by("unit__path")


def breakdown(score: UnitScore) -> QuerySet:
    return ScoreLine.objects.filter(unit_score=score).select_related(
        "report__assignment__duty", "report__category", "bonus__granted_by"
    )

"""Small pieces every app's selectors share."""

from __future__ import annotations

from django.db.models import QuerySet


def filter_given(queryset: QuerySet, **lookups) -> QuerySet:
    """``queryset`` filtered by each lookup that was given: a value of None or "" (a filter
    left empty in the URL) is no filter at all."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None and value != ""}
    return queryset.filter(**given) if given else queryset

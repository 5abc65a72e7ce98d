"""Small pieces every app's selectors share."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


def given(**lookups) -> dict:
    """The lookups that were given: a value of None or "" (a filter left empty in the URL)
    is no filter at all."""
    return {lookup: value for lookup, value in lookups.items() if value is not None and value != ""}


def filter_given(queryset: QuerySet, **lookups) -> QuerySet:
    """``queryset`` filtered by each lookup that was given (``given``)."""
    asked = given(**lookups)
    return queryset.filter(**asked) if asked else queryset


def counted_paginator(object_list, per_page: int, *, count: int) -> Paginator:
    """Django's ``Paginator`` over ``object_list`` with the number of its objects known
    already (read from a kept tally, or counted apart from the rows shown): ``count`` is
    the paginator's cached property, set before it is first read, so ``object_list`` is
    never counted; the pages, their numbers and ``get_page``'s bounds work from it."""
    paginator = Paginator(object_list, per_page)
    paginator.count = count
    return paginator

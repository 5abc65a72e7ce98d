"""Model fields that many apps declare alike, written once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def person(verbose_name, *, optional: bool = False, on_delete=models.PROTECT, related_name: str = "+", **kwargs):
    """A foreign key to a person (who raised, reviewed, uploaded…). ``optional``: may be
    empty (null and blank). A person is never deleted while a row names them (PROTECT),
    unless ``on_delete`` says otherwise; ``related_name`` "+" keeps the user model free of
    a reverse accessor per field."""
    if optional:
        kwargs.update(null=True, blank=True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name, **kwargs
    )


def optional_link(to, verbose_name, *, related_name: str, **kwargs):
    """An optional foreign key to what a row came from or belongs to (a report, a
    decision, a period): null and blank, and the target never deleted while a row names it
    (PROTECT)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        **kwargs,
    )

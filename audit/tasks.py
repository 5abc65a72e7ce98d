"""The audit trail's background work: anchoring the heads of the chains (audit/anchors.py)
each day from the beat, and at each close of a period (queued by name by the close)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from . import anchors


@shared_task(name="audit.write_anchor", bind=True, acks_late=True, autoretry_for=(DatabaseError,), max_retries=6)
def write_anchor(self, reason: str = "daily") -> str:
    """``reason``: "daily" (the beat) or "close:<period id>" (schedules.jobs.close_period)."""
    anchor = anchors.write_anchor(reason=reason)
    return f"{len(anchor['chains'])} chain head(s) anchored ({reason})"

"""Signals scoring sends to the apps above it, which it does not import."""

from django.dispatch import Signal

# A change (a bonus granted or revoked) made a scored period's stored scores stale.
# Sent with ``period`` and ``actor``; the schedules app answers by queueing a recompute
# that the admin can follow on the periods page (a JobRun).
scores_outdated = Signal()

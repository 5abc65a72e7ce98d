"""What every appraisal service shares: the round's life (lock, expect, change, record) and
the lock on a secretary's row."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core import provinces
from core.errors import TransitionError
from core.transitions import Transitions, require

from ..models import AppraisalEvent, AppraisalRound, Appraisee

State = AppraisalRound.State
Action = AppraisalEvent.Action

__all__ = ["Action", "State", "TransitionError", "appraisee_steps", "require", "round_steps"]

round_steps = Transitions(
    AppraisalRound,
    events=AppraisalEvent,
    owner=lambda round: {"round": round},
    message=gettext_lazy("This appraisal round is now “%(state)s”; the action was not taken. Reload the page."),
)
# A secretary's row is locked with its round joined within its province (co-located on
# Citus); the pages pass the row's province, read with it, so the lock is one shard's
# (docs/scale.md 5).
appraisee_steps = Transitions(Appraisee, related=("round",), joined=provinces.joined("round"))

"""What every appraisal service shares: the round lock, the state check, the event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from assessments.services import TransitionError

from ..models import AppraisalEvent, AppraisalRound, Appraisee

State = AppraisalRound.State
Action = AppraisalEvent.Action


def _locked_round(round_id: int) -> AppraisalRound:
    return AppraisalRound.objects.select_for_update().get(pk=round_id)


def _expect(round: AppraisalRound, *states: str) -> None:
    if round.state not in states:
        raise TransitionError(
            _("This appraisal round is now “%(state)s”; the action was not taken. Reload the page.")
            % {"state": round.get_state_display()}
        )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _event(round, *, actor, action, appraisee=None, comment="") -> AppraisalEvent:
    return AppraisalEvent.objects.create(round=round, appraisee=appraisee, actor=actor, action=action, comment=comment)


def _locked_appraisee(appraisee_id: int) -> Appraisee:
    return Appraisee.objects.select_for_update(of=("self",)).select_related("round").get(pk=appraisee_id)

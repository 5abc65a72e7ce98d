"""The 述职 report: written, answered to last year's findings, with evidence."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import provinces
from core.attachments import fill_attachment
from core.errors import TransitionError

from .. import permissions
from ..models import (
    AppraisalEvidence,
    Appraisee,
    Finding,
)
from ._common import Action, State, appraisee_steps, require, round_steps

# ---------------------------------------------------------------------------------------
# The 述职 report


def previous_findings(appraisee: Appraisee) -> list[Finding]:
    """The findings of the latest earlier round on the same post (the duty follows the post)."""
    # The post's earlier appraisals may lie in another province (a branch moved to another
    # tree: each stays with its round); each is joined to its round within its own.
    earlier = (
        Appraisee.objects.filter(post_id=appraisee.post_id, round__year__lt=appraisee.round.year)
        .filter(provinces.joined("round"))
        .order_by("-round__year")
        .values("pk")[:1]
    )
    return list(Finding.objects.filter(appraisee__in=earlier).order_by("created_at", "id"))


@transaction.atomic
def save_report(
    *, appraisee_id: int, actor, report: str, answers: str = "", submit: bool = False, province_id: int | None = None
) -> Appraisee:
    """Keep the secretary's 述职 report; with ``submit``, hand it in (then it is final).

    Submitting needs a report, and an answer when the previous round found problems
    (检视整改再实化, 二、一). ``province_id``: the row's, when the page read it (the lock
    names it: docs/scale.md 5).
    """
    appraisee = appraisee_steps.lock(appraisee_id, province=province_id)
    require(permissions.owns_report(actor, appraisee))
    round_steps.expect(appraisee.round, State.OPEN)
    if appraisee.is_submitted:
        raise TransitionError(_("This report was already submitted."))
    appraisee.report = (report or "").strip()
    appraisee.answers = (answers or "").strip()
    if submit:
        if not appraisee.report:
            raise TransitionError(_("Write the report before submitting it."))
        if not appraisee.answers and previous_findings(appraisee):
            raise TransitionError(_("Say what was done about last year's findings before submitting."))
        appraisee.submitted_at = timezone.now()
    appraisee.save()
    round_steps.record(
        appraisee.round,
        actor=actor,
        appraisee=appraisee,
        action=Action.REPORT_SUBMITTED if submit else Action.REPORT_SAVED,
    )
    return appraisee


@transaction.atomic
def add_evidence(
    *, appraisee_id: int, actor, upload, description: str = "", province_id: int | None = None
) -> AppraisalEvidence:
    """Attach a checked file to the secretary's own report while it is not yet submitted
    (``province_id``: as for ``save_report``)."""
    appraisee = appraisee_steps.lock(appraisee_id, province=province_id)
    require(permissions.owns_report(actor, appraisee))
    round_steps.expect(appraisee.round, State.OPEN)
    if appraisee.is_submitted:
        raise TransitionError(_("This report was already submitted."))
    evidence = fill_attachment(
        AppraisalEvidence(appraisee=appraisee), upload=upload, actor=actor, description=description
    )
    round_steps.record(
        appraisee.round, actor=actor, appraisee=appraisee, action=Action.EVIDENCE_ADDED, comment=evidence.original_name
    )
    return evidence

"""交接: when a post changes hands mid-period, the admin records the handover and Mingze
lists what was open for the post that day (its reports not yet approved, its
rectifications, the notices to its unit). The outgoing holder keeps reading what they filed
(``responsibilities.access``, the filer grant); the newcomer carries the post's duties.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from assessments.models import Period, Report
from core.errors import TransitionError
from responsibilities.models import Post
from responsibilities.services import set_post_holder

from .models import Handover, Rectification, SupervisionNotice


def may_record(user) -> bool:
    return roles.is_admin(user)


def open_items(post: Post) -> dict:
    """What is open for ``post`` now: three querysets."""
    return {
        "reports": Report.objects.filter(assignment__post=post, period__state=Period.State.OPEN).exclude(
            state=Report.State.APPROVED
        ),
        "rectifications": Rectification.objects.filter(post=post).exclude(state=Rectification.State.CLOSED),
        "notices": SupervisionNotice.objects.filter(unit_id=post.unit_id).exclude(state=SupervisionNotice.State.CLOSED),
    }


@transaction.atomic
def hand_over(*, post: Post, incoming, since: datetime.date, actor, note: str = "") -> Handover:
    """Make ``incoming`` the holder of ``post`` from ``since`` and record the handover with
    the open items of that moment. Refused (nothing written) when the person already holds
    the post or the date is not after the current holder's start."""
    if not may_record(actor):
        raise TransitionError(_("Only an administrator records a handover."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    outgoing = post.holder
    if outgoing is not None and outgoing.pk == incoming.pk:
        raise TransitionError(_("%(name)s already holds this post.") % {"name": incoming.display_name})
    items = {name: list(qs) for name, qs in open_items(post).items()}
    try:
        set_post_holder(post=post, person=incoming, since=since)
    except ValueError as exc:
        raise TransitionError(str(exc)) from exc
    handover = Handover.objects.create(
        post=post, outgoing=outgoing, incoming=incoming, handed_on=since, note=note.strip(), recorded_by=actor
    )
    handover.reports.set(items["reports"])
    handover.rectifications.set(items["rectifications"])
    handover.notices.set(items["notices"])
    return handover

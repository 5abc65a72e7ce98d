"""Who may do what in 评先评优 (DESIGN.md, "Who may do what"):

- an admin runs a round: nominate, publish the 公示, note objections, decide;
- the 公示 notice (and its printable view) is read by everyone who may see a unit —
  every post holder, leaders, admins and the supervisor — once the round is public; a
  round still being nominated is the admin's alone (others: 404);
- the year-end summary follows the dashboard's scope (``dashboard.permissions.scope_for``):
  its file is handed out to whoever's scope covers its subtree, to nobody else (404).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from accounts import roles
from core.permissions import require as require
from responsibilities import access

from .models import HonourRound


def can_manage(user) -> bool:
    return roles.is_admin(user)


def can_read_notices(user) -> bool:
    return access.may_see_anything(user)


# A 公示 is read by every post holder, of any organization (it is sent to them all):
# one of another organization lies outside the provinces of their posts, in any province
# (nothing the reader holds names it): asked second on every root (``access.every_root``).
PUBLIC = Q(state__in=[HonourRound.State.PUBLICITY, HonourRound.State.DECIDED])


def _find(user, pk, *, also: Q | None = None) -> HonourRound:
    """The round ``pk`` looked up within the provinces ``user`` reads in (every root for
    those who see everything: docs/scale.md 5), ``also`` outside them second; else 404."""
    return access.find_or_404(user, HonourRound.objects.all(), pk, also=also)


def round_for_notice(user, pk) -> HonourRound:
    require(can_read_notices(user))
    round = _find(user, pk, also=PUBLIC & access.every_root())
    if not (round.is_public or can_manage(user)):
        raise Http404
    return round


def managed_round(user, pk) -> HonourRound:
    require(can_manage(user))
    return _find(user, pk)

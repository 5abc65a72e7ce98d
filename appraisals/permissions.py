"""Who may see and do what in 述职评议 — decided here and only here.

- set up, open, close and publish a round, and see its results before they are
  published: admins;
- see rounds and (once published) results: admins, leaders and supervisors, read-only
  for the latter two;
- write the 述职 report: the appraised secretary, while the round is open;
- read a 述职 report: the secretary, admins, leaders, supervisors, the raters of its
  round (they rate it), and whoever's scope covers the secretary's unit (the 机关党委's
  post holders read its branches' reports: ``responsibilities.access``);
- rate: the round's raters, once, while it is open;
- see one secretary's result with the comments: that secretary (once published),
  admins (once closed), leaders and supervisors (once published);
- record findings: admins and leaders, once the round is closed.
No one, in any role, can see an individual ballot: there is no page for one, and the
ballot holds nothing that names its rater.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from accounts import roles
from core import provinces
from core.permissions import require as require
from responsibilities import access

from .models import AppraisalEvidence, AppraisalRound, Appraisee, Rater

State = AppraisalRound.State


def can_manage(user) -> bool:
    return roles.is_admin(user)


def sees_all_rounds(user) -> bool:
    return access.sees_everything(user)


def can_view_results(user, round: AppraisalRound) -> bool:
    if roles.is_admin(user):
        return round.has_results
    return sees_all_rounds(user) and round.state == State.PUBLISHED


def is_rater(user, round: AppraisalRound) -> bool:
    return Rater.objects.filter(round=round, province=round.province_id, person_id=user.pk).exists()


def owns_report(user, appraisee: Appraisee) -> bool:
    return appraisee.person_id == user.pk


def can_edit_report(user, appraisee: Appraisee) -> bool:
    return owns_report(user, appraisee) and appraisee.round.state == State.OPEN and not appraisee.is_submitted


def can_view_report(user, appraisee: Appraisee) -> bool:
    if appraisee.person_id == user.pk or access.may_see_unit(user, appraisee.unit):
        return True
    return appraisee.round.state == State.OPEN and is_rater(user, appraisee.round)


def can_view_result(user, appraisee: Appraisee) -> bool:
    round = appraisee.round
    if appraisee.person_id == user.pk:
        return round.state == State.PUBLISHED
    return can_view_results(user, round)


def can_add_finding(user, appraisee: Appraisee) -> bool:
    return roles.has_role(user, roles.ADMIN, roles.LEADER) and appraisee.round.has_results


def appraisee_links_open(check):
    """A ``core.links`` check for a page of one appraised secretary guarded by ``check``
    (besides knowing of them at all): one query for the appraisees, then the rules. They
    are read by id within the provinces the person reads in (``access.find_all``, the
    round joined within its province); those outside them that they may still read (their
    own, a round's they rate in: ``get_appraisee_for``'s second lookup) second, only then."""

    def opens(user, targets: list[dict]) -> list[bool]:
        ids = [int(t["pk"]) if str(t.get("pk", "")).isdigit() else None for t in targets]
        rows = Appraisee.objects.select_related("round", "unit").filter(provinces.joined("round"))
        found = access.find_all(user, rows, ids, also=outside_provinces(user))
        return [pk in found and can_view_report(user, found[pk]) and check(user, found[pk]) for pk in ids]

    return opens


def _rated_by(user, round: str = "") -> Q:
    """The rows of the rounds ``user`` rates in (``round`` names the row's round): a rater
    need hold no post in the round's organization (the admin names whom they like), so
    these may lie outside the provinces of their posts (``access.find``'s second lookup). A
    subquery standing alone, read by person."""
    return Q(**{f"{round}__in": Rater.objects.filter(person=user.pk).values("round")})


def _rounds_rated_by(user):
    """``access.find``'s ``also`` for a round: the rounds ``user`` rates in, with their
    provinces (a rater row lies in its round's), read from their rater rows only when the
    second lookup is asked (one query, then): the round is then read by id within those
    provinces (docs/scale.md 5), on Citus their shards only. None: they rate in none."""

    def grant() -> Q | None:
        rated = list(Rater.objects.filter(person=user.pk).order_by().values_list("round_id", "province_id"))
        if not rated:
            return None
        return Q(pk__in=sorted({r for r, _p in rated}), province__in=sorted({p for _r, p in rated}))

    return grant


def get_round_for(user, pk) -> AppraisalRound:
    """A round that ``user`` may know of (admins, leaders, supervisors; its raters), else
    404. Looked up within the provinces they read in (every root for those who see all
    rounds: docs/scale.md 5), a round they rate in outside those second, within the
    provinces of the rounds they rate in."""
    also = None if sees_all_rounds(user) else _rounds_rated_by(user)
    round = access.find_or_404(user, AppraisalRound.objects.all(), pk, also=also)
    if not (sees_all_rounds(user) or is_rater(user, round)):
        raise Http404
    return round


APPRAISEE_ACTIONS = {
    "view_report": can_view_report,
    "edit_report": can_edit_report,
    "view_result": can_view_result,
    "add_finding": can_add_finding,
}


def outside_provinces(user, field: str = "") -> Q:
    """The appraised secretaries (``field`` prefixes the row's appraisee: a 述职 file's, a
    finding's) ``user`` may read though they lie outside the provinces of their posts —
    an appraisee lives in its round's province, not its unit's (docs/scale.md 5, item 3):
    their own appraisal (the branch since moved to another tree), those of a round they
    rate in, those of a unit their posts cover now (a branch moved into their tree).
    ``access.find``'s second lookup; ``can_view_report`` still decides. The rows it grants
    may lie in any organization's province and nothing they are granted through names it
    (a round's organization is where the branch was when drawn), so it names every root
    (``access.every_root``): asked on every shard, only when not found within theirs."""
    own = Q(**{f"{field}person": user.pk})
    granted = own | _rated_by(user, f"{field}round") | access.unit_q(user, f"{field}unit")
    return granted & access.every_root()


def _find_appraisee(user, qs, pk, field: str = ""):
    return access.find_or_404(user, qs, pk, also=outside_provinces(user, field))


def get_appraisee_for(user, pk, *, action: str = "view_report") -> Appraisee:
    """Fetch an appraised secretary and authorize ``action`` in one step: 404 when the person
    may not know of it, 403 when they may see it but not do this. Looked up within the
    provinces they read in (``access.find``; the round joined within its province)."""
    rows = Appraisee.objects.select_related("round", "person", "unit", "post").filter(provinces.joined("round"))
    appraisee = _find_appraisee(user, rows, pk)
    if not can_view_report(user, appraisee):
        raise Http404
    require(APPRAISEE_ACTIONS[action](user, appraisee))
    return appraisee


def get_evidence_for(user, pk) -> AppraisalEvidence:
    """A file of a 述职 report, for whoever may read the report (else 404): looked up with
    its appraised secretary and round, within the provinces they read in."""
    rows = AppraisalEvidence.objects.select_related(
        "appraisee__round", "appraisee__person", "appraisee__unit", "appraisee__post"
    ).filter(provinces.joined("appraisee", "appraisee__round"))
    evidence = _find_appraisee(user, rows, pk, "appraisee__")
    if not can_view_report(user, evidence.appraisee):
        raise Http404
    return evidence

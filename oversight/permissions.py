"""Who may see and do what with rectifications and supervision notices — decided here only.

Rectifications (DESIGN.md, "Who may do what"):
- see: admins, leaders and supervisors all; a post holder those of their own units;
- raise: admins and supervisors (纪检监察组, 监督责任) for any unit, leaders for the units
  they are liaison of;
- report done: a holder of a post in the responsible unit, while it is being rectified;
- verify and close (销号) or send back: the one who raised it; an admin may stand in (the
  raiser may have moved on) — never someone who holds a post in the unit (DESIGN.md, "Who
  sees what": no one verifies anything of their own unit, admins included).
Supervision notices:
- see: the issuer, the unit's post holders, and leadership (admins, leaders, supervisors);
- issue: admins, leaders and supervisors, to any active unit;
- reply: a holder of a post in the unit, while it awaits a reply;
- close or press again: the issuer, or an admin standing in — never someone who holds a
  post in the unit or who wrote its reply.
Seeing follows the one scope module (``responsibilities.access``): leadership all, a post
holder the items of their units and of every unit under them; acting for a unit (report
done, reply) is for the holders of a post in that very unit.
Objects a person may not see answer 404; actions they may not take 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts import roles
from core import links, provinces
from core.permissions import require as require
from responsibilities import access

from .models import Rectification, SupervisionNotice


def rectifications_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return access.visible(user, Rectification.objects.all() if qs is None else qs)


def report_rectifications_visible_to(user, report) -> QuerySet:
    """The rectifications raised on ``report`` that ``user`` sees, read within the provinces
    in which they may read (docs/scale.md 5), not the report's own: an open rectification
    of an approved report follows its unit in a merge across provinces while the report
    stays (a key that may cross provinces, ``core.province_keys.CROSSING``)."""
    return rectifications_visible_to(user, report.rectifications.filter(access.access_for(user).read_province_q()))


def notices_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    """What the scope covers, and the notices one issued oneself (``access.visible`` adds
    them: ``SupervisionNotice.filed_by_q``)."""
    return access.visible(user, SupervisionNotice.objects.all() if qs is None else qs)


def rectification_links_open(user, targets: list[dict]) -> list[bool]:
    return links.pks_in(rectifications_visible_to(user), targets)


def notice_links_open(user, targets: list[dict]) -> list[bool]:
    return links.pks_in(notices_visible_to(user), targets)


def may_use_oversight(user) -> bool:
    """The lists open to leadership and to anyone holding a post (their units' items)."""
    return access.may_see_anything(user)


def list_units(user):
    """The units a list may be filtered by: those whose items ``user`` sees."""
    return access.visible_units(user).filter(active=True)


def can_raise(user, unit) -> bool:
    if roles.has_role(user, roles.ADMIN, roles.SUPERVISOR):
        return True
    return roles.has_role(user, roles.LEADER) and access.is_liaison_of(user, unit)


def can_raise_any(user) -> bool:
    return roles.has_role(user, roles.ADMIN, roles.SUPERVISOR, roles.LEADER)


def in_unit(user, thing) -> bool:
    return access.may_act_for(user, thing.unit_id)


# Each action has a "who" rule (may_*: answers 403 when false) and the same rule with the
# state it needs (can_*: whether to offer the button). A person who may act but comes too
# late — someone else acted first — is told so by the service, not given a 403.


def may_report_done(user, rectification: Rectification) -> bool:
    return in_unit(user, rectification)


def can_report_done(user, rectification: Rectification) -> bool:
    return may_report_done(user, rectification) and rectification.state == Rectification.State.OPEN


def may_verify(user, rectification: Rectification) -> bool:
    seat = rectification.raised_by_id == user.pk or roles.is_admin(user)
    return seat and access.may_judge(user, unit_id=rectification.unit_id)


def can_verify(user, rectification: Rectification) -> bool:
    return may_verify(user, rectification) and rectification.state == Rectification.State.REPORTED


def verify_note(user, rectification: Rectification) -> str:
    """Why the raiser (or an admin) may not verify this one now: their own unit's."""
    seat = rectification.raised_by_id == user.pk or roles.is_admin(user)
    if not seat or rectification.state != Rectification.State.REPORTED:
        return ""
    return access.judge_refusal(user, unit=rectification.unit)


def can_issue(user) -> bool:
    return roles.has_role(user, roles.ADMIN, roles.LEADER, roles.SUPERVISOR)


def may_reply(user, notice: SupervisionNotice) -> bool:
    return in_unit(user, notice)


def can_reply(user, notice: SupervisionNotice) -> bool:
    return may_reply(user, notice) and notice.state == SupervisionNotice.State.ISSUED


def may_settle(user, notice: SupervisionNotice) -> bool:
    """Close or press again: the issuer, or an admin standing in; not on one's own unit's
    notice, nor on a reply one wrote."""
    seat = notice.issued_by_id == user.pk or roles.is_admin(user)
    return seat and access.may_judge(user, unit_id=notice.unit_id, submitted_by_id=notice.replied_by_id)


def can_settle(user, notice: SupervisionNotice) -> bool:
    return may_settle(user, notice) and notice.state != SupervisionNotice.State.CLOSED


def settle_note(user, notice: SupervisionNotice) -> str:
    """Why the issuer (or an admin) may not close this notice: their own unit's, or a
    reply they wrote."""
    seat = notice.issued_by_id == user.pk or roles.is_admin(user)
    if not seat or notice.state == SupervisionNotice.State.CLOSED:
        return ""
    return access.judge_refusal(user, unit=notice.unit, submitted_by_id=notice.replied_by_id)


RECTIFICATION_ACTIONS = {
    "view": lambda user, r: True,
    "report_done": may_report_done,
    "verify": may_verify,
}
NOTICE_ACTIONS = {
    "view": lambda user, n: True,
    "reply": may_reply,
    "settle": may_settle,
}


def get_rectification_for(user, pk, *, action: str = "view") -> Rectification:
    """Fetch and authorize in one step: 404 when unseen, 403 when the action is not theirs.

    The URL names no province: the rectification is looked up within the provinces in which
    the person may read (``access.find``: on Citus those shards only), as a report is; what
    it sees is what its list shows (``rectifications_visible_to``)."""
    rows = (
        rectifications_visible_to(user)
        # Its post, report (with its assignment), finding and notice, each joined within its
        # province in its outer join's ON (core.provinces.outer): on Citus co-located joins.
        # The report, finding and notice may lie in another province (core.province_keys.
        # CROSSING: a merge across provinces): then not joined, but read by id within the
        # reader's provinces, a second lookup (``_find``).
        .annotate(post_here=provinces.outer("post"), report_here=provinces.outer("report"))
        .annotate(report_assignment=provinces.outer("report_here__assignment"))
        .annotate(finding_here=provinces.outer("finding"), notice_here=provinces.outer("notice"))
        .select_related("unit", "post_here__holder", "raised_by", "report_here", "report_assignment__duty")
        .select_related("finding_here", "notice_here", "duty")
    )
    found = _find(
        user,
        rows,
        pk,
        post_here="post",
        report_here="report",
        report_assignment="report__assignment",
        finding_here="finding",
        notice_here="notice",
    )
    if not RECTIFICATION_ACTIONS[action](user, found):
        raise PermissionDenied(access.judge_refusal(user, unit=found.unit) if action == "verify" else "")
    return found


def _find(user, rows: QuerySet, pk, **outer):
    """``access.find`` of the row ``pk``, 404 when it is not found (or not theirs to know
    of), its ``outer`` rows given back under their keys (``core.provinces.outer_rows``); one
    not found in the row's province read within the provinces in which ``user`` reads."""
    found = access.find_or_404(user, rows, pk)
    return provinces.outer_rows([found], within=linked_within(user, found), **outer)[0]


def linked_within(user, item) -> Q:
    """Where the rows linked to ``item`` along a key that may cross provinces are read (its
    report, finding, notice or rectification; its list of notices or rectifications): the
    provinces in which ``user`` reads and ``item``'s own (core.province_keys.CROSSING)."""
    return access.access_for(user).read_province_q() | Q(province=item.province_id)


def get_notice_for(user, pk, *, action: str = "view") -> SupervisionNotice:
    """As ``get_rectification_for``: looked up within the provinces in which the person may
    read; a notice they issued (and may no longer see by scope) second, by id and issuer
    alone (``SupervisionNotice.filed_by_q``, through ``access.find``)."""
    rows = (
        notices_visible_to(user)
        # Its report (with its assignment) and rectification as a rectification's are.
        .annotate(report_here=provinces.outer("report"), rectification_here=provinces.outer("rectification"))
        .annotate(report_assignment=provinces.outer("report_here__assignment"))
        .select_related("unit", "issued_by", "replied_by", "report_here", "report_assignment__duty")
        .select_related("rectification_here")
    )
    found = _find(
        user,
        rows,
        pk,
        report_here="report",
        report_assignment="report__assignment",
        rectification_here="rectification",
    )
    if not NOTICE_ACTIONS[action](user, found):
        reason = access.judge_refusal(user, unit=found.unit, submitted_by_id=found.replied_by_id)
        raise PermissionDenied(reason if action == "settle" else "")
    return found

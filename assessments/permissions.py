"""Who may do what with reports and evidence: the per-object action rules of the report loop,
built on the one scope module (``responsibilities.access``; DESIGN.md, "Who sees what" and
"Who may do what"):
- see a report and download its evidence: whoever's scope covers its unit (admins, leaders
  and supervisors all; a post holder their units and every unit under them);
- file / edit / submit: a holder of a post in the report's unit, while draft or returned;
- review (approve / return / grade): admins all, leaders the units they are liaison of;
- reopen an approved report, waive a lock: admins;
- none of these judgements on a report of a unit in which one holds a post, or that one
  submitted — admins included (``access.may_judge``).
Objects a person may not see answer 404, actions they may not take 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from core import links
from responsibilities import access
from responsibilities.models import Unit

from .models import Evidence, Report


def reports_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return access.visible(user, Report.objects.all() if qs is None else qs)


def can_view(user, report: Report) -> bool:
    return access.may_see_unit(user, report.unit)


def can_file(user, report: Report) -> bool:
    """Holders of a post in the unit may write and submit (书记抓, 一、三)."""
    return access.may_act_for(user, report.unit_id)


def submitter_id(report: Report) -> int | None:
    """Who submitted the report (``responsible`` becomes the submitter on submission)."""
    return report.responsible_id if report.submitted_at else None


def may_judge(user, report: Report) -> bool:
    """Not one's own unit's report, not one's own submission (DESIGN.md, "Who sees what")."""
    return access.may_judge(user, unit_id=report.unit_id, submitted_by_id=submitter_id(report))


def may_review_as(user, report: Report) -> bool:
    """The reviewer's seat, before the self-review rule: admins all, leaders their liaison
    units (DESIGN.md, "Who may do what")."""
    if roles.is_admin(user):
        return True
    return roles.has_role(user, roles.LEADER) and report.unit.liaison_id == user.pk


def can_review(user, report: Report) -> bool:
    return may_review_as(user, report) and may_judge(user, report)


def own_report_reason(user, report: Report) -> str:
    """Why ``user`` may not judge this report, in words for the page; "" when the rule
    against judging one's own does not stand in their way."""
    return access.judge_refusal(user, unit=report.unit, submitted_by_id=submitter_id(report))


def judge_note(user, report: Report) -> str:
    """What the report page tells a reviewer (or admin) who would act on this report now
    but may not, because it is their own unit's or their own; "" otherwise."""
    waiting = {
        Report.State.SUBMITTED: may_review_as(user, report),
        Report.State.APPROVED: roles.is_admin(user),
        Report.State.LOCKED: roles.is_admin(user),
    }
    return own_report_reason(user, report) if waiting.get(report.state) else ""


def reviewable_by(user, qs: QuerySet | None = None) -> QuerySet:
    """The reports ``user`` may review: what ``can_review`` allows, as a queue."""
    qs = Report.objects.all() if qs is None else qs
    if roles.is_admin(user):
        pass
    elif roles.has_role(user, roles.LEADER):
        qs = qs.filter(unit__liaison=user)
    else:
        return qs.none()
    return access.not_judged_by(user, qs, submitted_by="responsible")


def can_reopen(user, report: Report) -> bool:
    return roles.is_admin(user) and may_judge(user, report)


def can_reopen_period(user) -> bool:
    """Only an admin reopens a closed period (DESIGN.md, "Report life")."""
    return roles.is_admin(user)


def can_waive(user, report: Report) -> bool:
    return roles.is_admin(user) and may_judge(user, report)


def can_download_evidence(user, report: Report) -> bool:
    return can_view(user, report)


def get_report_for(user, pk, *, action: str = "view") -> Report:
    """Fetch a report and authorize ``action`` in one step, so no view can forget the check.

    404 when the person may not know the report exists; 403 when they may see it but not
    take the action.
    """
    try:
        report = Report.objects.select_related(
            "period",
            "unit__liaison",
            "category",
            "assignment__duty__category",
            "assignment__post__holder",
            "responsible",
            "reviewer",
        ).get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view(user, report):
        raise Http404
    allowed = {
        "view": can_view,
        "file": can_file,
        "review": can_review,
        "reopen": can_reopen,
        "waive": can_waive,
        "download": can_download_evidence,
    }[action](user, report)
    if not allowed:
        # A reviewer refused because it is their own unit's (or own) report is told why.
        raise PermissionDenied(own_report_reason(user, report) if action in JUDGEMENTS else "")
    return report


JUDGEMENTS = ("review", "reopen", "waive")


def unit_filter_for(user) -> Q:
    """A Q on ``unit`` limiting any report query to what ``user`` may see."""
    return access.unit_q(user)


def get_evidence_for(user, pk, *, action: str = "download") -> Evidence:
    """Fetch a piece of evidence and authorize ``action`` on its report ("download" or
    "file" for removing): the same 404/403 rules as the report, so a file of another
    unit is as unknown as its report. Removed files are not served."""
    try:
        evidence = Evidence.objects.get(pk=int(pk), removed_at__isnull=True)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    evidence.report = get_report_for(user, evidence.report_id, action=action)
    return evidence


def report_links_open(user, targets: list[dict]) -> list[bool]:
    return links.pks_in(reports_visible_to(user), targets)


def can_view_unit(user, unit) -> bool:
    """A unit page: whoever's scope covers the unit (admins, leaders and supervisors any
    unit; a post holder their own units and those under them)."""
    return access.may_see_unit(user, unit)


def get_unit_for(user, pk) -> Unit:
    """Fetch a unit the person may see, else 404 (a secretary does not learn of others)."""
    try:
        unit = Unit.objects.select_related("liaison").get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_unit(user, unit):
        raise Http404
    return unit


def may_review_anything(user) -> bool:
    """Whether the review queue is for this person at all (admins and leaders)."""
    return roles.has_role(user, roles.ADMIN, roles.LEADER)

"""Who may see and do what with reports and evidence — decided here and only here.

Views, downloads and services all ask this module (DESIGN.md, "Who may do what"):
- see a report and download its evidence: admins, leaders and supervisors all; a post
  holder the reports of the units in which they hold a post;
- file / edit / submit: a holder of a post in the report's unit, while draft or returned;
- review (approve / return / grade): admins all, leaders the units they are liaison of;
- reopen an approved report, waive a lock: admins.
Objects a person may not see answer 404, actions they may not take 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles

from .models import Evidence, Report


def _held_unit_ids(user) -> set[int]:
    cached = getattr(user, "_mingze_held_units", None)
    if cached is None:
        from responsibilities.models import Post

        cached = set(Post.objects.filter(holder=user, active=True, unit__active=True).values_list("unit_id", flat=True))
        user._mingze_held_units = cached
    return cached


def sees_everything(user) -> bool:
    return roles.has_role(user, roles.ADMIN, roles.LEADER, roles.SUPERVISOR)


def reports_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Report.objects.all() if qs is None else qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if sees_everything(user):
        return qs
    return qs.filter(unit_id__in=_held_unit_ids(user))


def can_view(user, report: Report) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return sees_everything(user) or report.unit_id in _held_unit_ids(user)


def can_file(user, report: Report) -> bool:
    """Holders of a post in the unit may write and submit (书记抓, 一、三)."""
    return getattr(user, "is_authenticated", False) and report.unit_id in _held_unit_ids(user)


def can_review(user, report: Report) -> bool:
    if roles.is_admin(user):
        return True
    return roles.has_role(user, roles.LEADER) and report.unit.liaison_id == user.pk


def reviewable_by(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Report.objects.all() if qs is None else qs
    if roles.is_admin(user):
        return qs
    if roles.has_role(user, roles.LEADER):
        return qs.filter(unit__liaison=user)
    return qs.none()


def can_reopen(user, report: Report) -> bool:
    return roles.is_admin(user)


def can_waive(user, report: Report) -> bool:
    return roles.is_admin(user)


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
        raise PermissionDenied
    return report


def unit_filter_for(user) -> Q:
    """A Q on ``unit`` limiting any report query to what ``user`` may see."""
    if sees_everything(user):
        return Q()
    return Q(unit_id__in=_held_unit_ids(user))


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


def can_view_unit(user, unit) -> bool:
    """A unit page: admins, leaders and supervisors any unit; a post holder their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    return sees_everything(user) or unit.pk in _held_unit_ids(user)


def get_unit_for(user, pk):
    """Fetch a unit the person may see, else 404 (a secretary does not learn of others)."""
    from responsibilities.models import Unit

    try:
        unit = Unit.objects.select_related("liaison").get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_unit(user, unit):
        raise Http404
    return unit


def held_unit_ids(user) -> set[int]:
    """The units in which ``user`` holds a post (cached for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _held_unit_ids(user)


def may_review_anything(user) -> bool:
    """Whether the review queue is for this person at all (admins and leaders)."""
    return roles.has_role(user, roles.ADMIN, roles.LEADER)

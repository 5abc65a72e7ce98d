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

from .models import Report


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
            "period", "unit__liaison", "category", "assignment__duty__category", "assignment__post__holder"
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

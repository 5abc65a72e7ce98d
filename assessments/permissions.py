"""Who may do what with reports and evidence: the per-object action rules of the report loop,
built on the one scope module (``responsibilities.access``; DESIGN.md, "Who sees what" and
"Who may do what"):
- see a report and download its evidence: whoever's scope covers its unit (admins, leaders
  and supervisors all; a post holder their units and every unit under them);
- file / edit / submit: the holder of the post that carries it (or their named deputy),
  while draft or returned;
- review (approve / return / grade): ``access.may_review_as`` (the liaison post's holder or
  an admin for a branch; the 党组书记 for the members' 一岗双责 reports; a 党组会议 for
  the 党组's own and its 书记's);
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
from core import links, provinces
from responsibilities import access
from responsibilities.models import Unit

from .models import Evidence, Report


def reports_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return access.visible(user, Report.objects.all() if qs is None else qs)


def can_view(user, report: Report) -> bool:
    """Whoever's scope covers its unit, and whoever filed it (after handing the post on)."""
    return access.may_see_filed(user, report.unit, submitter_id(report))


def can_file(user, report: Report) -> bool:
    """The holder of the post that carries the report (or a deputy they named) writes and
    submits it (一、二 一岗双责; 书记抓, 一、三); the unit's other post holders read it."""
    return access.may_file(user, report.assignment.post_id)


def submitter_id(report: Report) -> int | None:
    """Who submitted the report (``responsible`` becomes the submitter on submission)."""
    return report.responsible_id if report.submitted_at else None


def may_judge(user, report: Report) -> bool:
    """Not one's own unit's report (but the 党组书记 judges the members'), not one one
    carries, not one's own submission (DESIGN.md, "Who sees what")."""
    return access.may_judge_report(user, report, submitted_by_id=submitter_id(report))


def may_review_as(user, report: Report) -> bool:
    """The reviewer's seat, before the self-review rule: the liaison post's holder (or an
    admin) for a branch, the 党组书记 for the members' 一岗双责 reports and the
    纪检监察组's, no one for the 党组's and the 书记's own (a 党组会议 审议s them)."""
    return access.may_review_as(user, report)


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
    q = access.reviewable_q(user)
    return qs.none() if q is None else qs.filter(q)


def can_reopen(user, report: Report) -> bool:
    return roles.is_admin(user) and may_judge(user, report) and access.report_track(report) != access.Track.MEETING


def can_reopen_period(user) -> bool:
    """Only an admin reopens a closed period (DESIGN.md, "Report life")."""
    return roles.is_admin(user)


def can_waive(user, report: Report) -> bool:
    return roles.is_admin(user) and may_judge(user, report)


def can_download_evidence(user, report: Report) -> bool:
    return can_view(user, report)


REPORT_ACTIONS = {
    "view": can_view,
    "file": can_file,
    "review": can_review,
    "reopen": can_reopen,
    "waive": can_waive,
    "download": can_download_evidence,
}


def get_report_for(user, pk, *, action: str = "view") -> Report:
    """Fetch a report and authorize ``action`` in one step, so no view can forget the check.

    404 when the person may not know the report exists; 403 when they may see it but not
    take the action.

    The URL names no province: the report is looked up within the provinces in which the
    person may read (``access.find``: on Citus those shards only), its assignment and post
    joined within its province.
    """
    rows = Report.objects.filter(provinces.joined("assignment", "assignment__post")).select_related(
        "period",
        "category",
        "assignment__duty__category",
        "assignment__post__holder",
        "responsible",
        "reviewer",
    )
    report = access.find_or_404(user, rows, pk)
    if not can_view(user, report):
        raise Http404
    if not REPORT_ACTIONS[action](user, report):
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
    unit is as unknown as its report. Removed files are not served.

    The URL names no province: the file is looked up within the provinces in which the
    person may read (``access.find``, as a report: on Citus those shards only), an
    outgoing holder's file of a report they filed second, by id alone (docs/scale.md 5)."""
    evidence = access.find_or_404(user, Evidence.objects.filter(removed_at__isnull=True), pk)
    if not access.may_see_marked(user, evidence.marking):
        raise Http404  # a 内部 file is as unknown as a file of another unit
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
        unit = Unit.objects.get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_unit(user, unit):
        raise Http404
    return unit


def may_review_anything(user) -> bool:
    """Whether the review queue is for this person at all (admins, leaders, a 党组书记)."""
    return roles.has_role(user, roles.ADMIN, roles.LEADER) or bool(access.party_secretary_unit_ids(user))

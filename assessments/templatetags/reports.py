"""One badge per state and per warning level, the same on every page (UX.md): an icon and
words always, colour only as a third cue."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.templatetags.mingze import days_left

from ..models import Report, ReportEvent, Warning, warning_level

register = template.Library()

STATE_ICONS = {
    Report.State.DRAFT: "bi-pencil-square",
    Report.State.SUBMITTED: "bi-send-check",
    Report.State.RETURNED: "bi-arrow-return-left",
    Report.State.APPROVED: "bi-check-circle-fill",
    Report.State.LOCKED: "bi-lock-fill",
}
WARNING_ICONS = {
    Warning.RED: "bi-exclamation-octagon-fill",
    Warning.YELLOW: "bi-exclamation-triangle-fill",
    Warning.BLUE: "bi-info-circle-fill",
}
ACTION_ICONS = {
    ReportEvent.Action.SAVE: "bi-floppy",
    ReportEvent.Action.SUBMIT: "bi-send",
    ReportEvent.Action.RETURN: "bi-arrow-return-left",
    ReportEvent.Action.APPROVE: "bi-check-circle",
    ReportEvent.Action.REOPEN: "bi-arrow-counterclockwise",
    ReportEvent.Action.LOCK: "bi-lock",
    ReportEvent.Action.WAIVE: "bi-unlock",
    ReportEvent.Action.EVIDENCE_ADDED: "bi-paperclip",
    ReportEvent.Action.EVIDENCE_REMOVED: "bi-x-circle",
}


# The badges are written here rather than by an included template: lists show one per row,
# and a template per badge was a good part of a list page's time (issue 15).
STATE_BADGE = '<span class="badge mz-state mz-state-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>'
WARNING_BADGE = '<span class="badge mz-warn-{}"><i class="bi {}" aria-hidden="true"></i> {} · {}</span>'


@register.simple_tag
def state_badge(state):
    try:
        label = Report.State(state).label
    except ValueError:
        label = state
    return format_html(STATE_BADGE, state, STATE_ICONS.get(state, "bi-circle"), label)


@register.simple_tag
def warning_badge(report, today=None):
    """红色预警 · 逾期 3 天 / 黄色预警 · 还剩 2 天 / 蓝色提示 · 已开放; nothing once handed in."""
    today = today or timezone.localdate()
    level = warning_level(report.state, report.period, today, due_on=report.due_on)
    if level is None:
        return ""
    detail = _("window open") if level == Warning.BLUE else days_left(report.due_on, today)
    return format_html(WARNING_BADGE, level, WARNING_ICONS[level], Warning(level).label, detail)


@register.filter
def action_icon(action):
    return ACTION_ICONS.get(action, "bi-dot")


@register.filter
def filesize(size):
    """1.2 MB / 340 KB, as people read sizes."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"

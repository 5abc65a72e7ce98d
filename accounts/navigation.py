"""Top navigation per role (UX.md, "Each role's way in").

Entries name URL patterns; an entry whose page does not exist yet is left out, so each
page joins the navigation when its URL is added.
"""

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles

NAVIGATION = {
    roles.SECRETARY: [
        (_("My duties"), "assessments:my_reports"),
        (_("Work records"), "worklog:records"),
        (_("Rectifications"), "oversight:rectifications"),
        (_("Supervision"), "oversight:notices"),
        (_("Report on duty"), "appraisals:my_appraisal"),
    ],
    roles.LEADER: [
        (_("Overview"), "dashboard:index"),
        (_("My duties"), "assessments:my_reports"),
        (_("To review"), "assessments:review_queue"),
        (_("Units"), "responsibilities:units"),
        (_("Work records"), "worklog:records"),
        (_("Ranking"), "dashboard:ranking"),
        (_("Supervision"), "oversight:notices"),
        (_("Appraisal"), "appraisals:rounds"),
    ],
    roles.ADMIN: [
        (_("Overview"), "dashboard:index"),
        (_("My duties"), "assessments:my_reports"),
        (_("Checklist"), "responsibilities:checklist"),
        (_("Matrix"), "responsibilities:matrix"),
        (_("Assign"), "responsibilities:bulk_assign"),
        (_("Periods"), "schedules:periods"),
        (_("Party group meetings"), "assessments:meetings"),
        (_("Scoring rules"), "scoring:rules"),
        (_("Supervision"), "oversight:notices"),
        (_("Appraisal"), "appraisals:rounds"),
        (_("Work records"), "worklog:records"),
        (_("Honours"), "honours:rounds"),
        (_("People and posts"), "responsibilities:units"),
        (_("Liaisons"), "responsibilities:liaisons"),
        (_("Handovers"), "oversight:handovers"),
        (_("API tokens"), "api_tokens:tokens"),
        (_("System admin"), "admin:index"),
    ],
    roles.SECURITY_ADMIN: [
        (_("Accounts"), "accounts:people"),
    ],
    roles.AUDIT_ADMIN: [
        (_("Security log"), "audit:security_log"),
        (_("Audit trail"), "audit:trail"),
    ],
    roles.SUPERVISOR: [
        (_("Overview"), "dashboard:index"),
        (_("My duties"), "assessments:my_reports"),
        (_("Supervision"), "oversight:notices"),
        (_("Rectifications"), "oversight:rectifications"),
        (_("Units"), "responsibilities:units"),
        (_("Work records"), "worklog:records"),
        (_("Appraisal"), "appraisals:rounds"),
    ],
}

_resolved: dict[str, str | None] = {}

# URL name → a count shown beside that entry (待审核 (n)), given by the app that owns the
# page from its AppConfig.ready(): the navigation names pages, it does not know them.
BADGES: dict[str, Callable[[object], int]] = {}


def register_badge(name: str, count: Callable[[object], int]) -> None:
    """Show ``count(user)`` beside the navigation entry of URL name ``name``."""
    BADGES[name] = count


# URL name → whether the entry is for this person at all (我的责任 only for those who
# carry a post, UX.md), given by the app that owns the page, like the badges.
SHOWN_WHEN: dict[str, Callable[[object], bool]] = {}


def register_condition(name: str, shown: Callable[[object], bool]) -> None:
    """Show the navigation entry of URL name ``name`` only where ``shown(user)`` is true."""
    SHOWN_WHEN[name] = shown


def _url(name: str) -> str | None:
    if name not in _resolved:
        try:
            _resolved[name] = reverse(name)
        except NoReverseMatch:
            _resolved[name] = None
    return _resolved[name]


def items_for(role: str | None, current_path: str, user=None) -> list[dict]:
    items = []
    for label, name in NAVIGATION.get(role, []):
        url = _url(name)
        if url is None:
            continue
        shown = SHOWN_WHEN.get(name)
        if shown is not None and user is not None and not shown(user):
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": label, "url": url, "name": name, "active": active})
    return items

"""The badge of a count against the rule, with the words and icons of the warning badges
(UX.md: an icon and words always, colour only as a third cue)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..compliance import ON_TRACK, RED, YELLOW

register = template.Library()

ICONS = {RED: "bi-exclamation-octagon-fill", YELLOW: "bi-exclamation-triangle-fill", ON_TRACK: "bi-check-circle-fill"}
CLASSES = {RED: "mz-warn-red", YELLOW: "mz-warn-yellow", ON_TRACK: "mz-state mz-state-approved"}
BADGE = '<span class="badge {}" data-tally="{}"><i class="bi {}" aria-hidden="true"></i> {}</span>'


@register.simple_tag
def tally_badge(tally):
    return format_html(BADGE, CLASSES[tally.status], tally.status, ICONS[tally.status], tally.words)


@register.simple_tag
def tally_records_url(tally):
    """The records behind a count: the post's own (wherever held) and its unit's as a body."""
    query = {"duty": tally.duty.pk, "since": tally.start.isoformat(), "until": tally.end.isoformat()}
    query["post"] = tally.assignment.post_id
    return f"{reverse('worklog:records')}?{urlencode(query)}"

"""Dates, deadlines, numbers and badges written the way UX.md asks."""

import datetime
import functools

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cn_date(value):
    """2026年7月10日 in Chinese, 10 Jul 2026 in English."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    if (get_language() or "").startswith("en"):
        return date_format(value, "j M Y")
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local)} {local:%H:%M}"


@register.filter
def iso_datetime(value):
    """For ``<time datetime>``: local time to the second with its offset. HTML allows at
    most three fractional digits, so the microseconds of a stored time are left out."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def days_left(value, today=None):
    """还剩 5 天 / 今天截止 / 逾期 3 天, relative to today in Asia/Shanghai."""
    if not value:
        return ""
    today = today or timezone.localdate()
    delta = (value - today).days
    if delta > 0:
        return ngettext("%(n)d day left", "%(n)d days left", delta) % {"n": delta}
    if delta == 0:
        return _("due today")
    return ngettext("%(n)d day overdue", "%(n)d days overdue", -delta) % {"n": -delta}


@register.filter
def due_label(value, today):
    """截止 2026年7月10日（还剩 14 天）: what a reminder says of each item, the same words
    as ``{% blocktranslate %}due {{ due }} ({{ left }}){% endblocktranslate %}``, made once
    a language and day (a reminder lists dozens of items, mostly due the same day)."""
    if not value:
        return ""
    return _due_label(get_language(), value, today)


@functools.lru_cache(maxsize=512)
def _due_label(language, value, today):
    return _("due %(due)s (%(left)s)") % {"due": cn_date(value), "left": days_left(value, today)}


@register.filter
def one_decimal(value):
    if value is None or value == "":
        return "–"
    return f"{float(value):.1f}"


@register.simple_tag
def percent(part, whole):
    """83.3% (25/30): a percentage with one decimal and the count beside it."""
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f}% ({part}/{whole})"

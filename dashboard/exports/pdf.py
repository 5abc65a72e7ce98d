"""The semiannual hearing pack (一、三 "每半年听取一次党建工作汇报"), printed the way such a
report is: A4, the organization's name and the period in the running header, "第 N 页" at
the foot; a title page, the summary table, then a page per unit with its completion, its
score breakdown and its returned and locked items. WeasyPrint with Debian's Noto CJK.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Period, Report
from responsibilities.models import Unit

from .data import roll_up, unit_summaries

# Beyond this many units a page each would make a book nobody reads in a meeting (and
# WeasyPrint keeps every page's layout in memory): the pack then gives a page to each unit
# one level below the root, rolled up over its subtree.
MAX_UNIT_PAGES = 200
STATES = [Report.State.APPROVED, Report.State.SUBMITTED, Report.State.DRAFT, Report.State.RETURNED, Report.State.LOCKED]


def org_name(root: Unit | None) -> str:
    if root is not None and root.depth > 1:
        return root.label
    if settings.MINGZE_ORG_NAME:
        return settings.MINGZE_ORG_NAME
    first = root or Unit.get_root_nodes().first()
    return first.label if first is not None else _("Mingze")


def css_string(text) -> str:
    """``text`` as a quoted CSS string, safe inside a <style> element (no quote, backslash
    or ``<`` can end it early)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n' else ch for ch in str(text))
    return f'"{escaped}"'


def page_label_parts() -> tuple[str, str]:
    """ "第 N 页" as the text before and after the page counter, from one translated string."""
    before, _sep, after = (_("Page %(n)s") % {"n": "\x00"}).partition("\x00")
    return before, after


def context(period: Period, root: Unit | None) -> dict:
    summaries = unit_summaries(period, root, with_details=True)
    if root is not None:
        top = [s.unit for s in summaries if s.unit.depth == root.depth + 1]
    else:
        top = [s.unit for s in summaries if s.unit.depth == 1]
    rolled = roll_up(summaries, top)
    summary_rows = []
    for unit in top:
        counts = rolled[unit.pk]
        summary_rows.append({"unit": unit, "counts": [counts.get(s, 0) for s in STATES], "total": sum(counts.values())})
    by_unit = {s.unit.pk: s for s in summaries}
    for row in summary_rows:
        row["score"] = by_unit[row["unit"].pk].subtree_score
    totals = [sum(s.count(state) for s in summaries) for state in STATES]
    if len(summaries) <= MAX_UNIT_PAGES:
        pages = [{"s": s, "counts": [s.count(state) for state in STATES], "total": s.total} for s in summaries]
    else:
        pages = [
            {"s": by_unit[u.pk], "counts": row["counts"], "total": row["total"], "rolled": True}
            for u, row in zip(top, summary_rows, strict=True)
        ]
    before, after = page_label_parts()
    return {
        "period": period,
        "org_name": org_name(root),
        "root": root,
        "states": [Report.State(s).label for s in STATES],
        "state_keys": STATES,
        "summary_rows": summary_rows,
        "totals": totals,
        "grand_total": sum(totals),
        "pages": pages,
        "generated": timezone.localtime(),
        "css": {
            "org_name": css_string(org_name(root)),
            "period": css_string(period.label),
            "page_before": css_string(before),
            "page_after": css_string(after),
        },
    }


def write_hearing_pack(
    *, period: Period, root: Unit | None, path: Path, progress: Callable[[int], None] | None = None
) -> None:
    from weasyprint import HTML

    progress = progress or (lambda percent: None)
    html = render_to_string("dashboard/pdf/hearing_pack.html", context(period, root))
    progress(30)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    progress(80)
    document.write_pdf(target=str(path))

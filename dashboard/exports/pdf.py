"""The semiannual hearing pack (一、三 "每半年听取一次党建工作汇报"), printed the way such a
report is: A4, the organization's name and the period in the running header, "第 N 页" at
the foot; a title page, the summary table, then a page per unit with its completion, its
score breakdown and its returned and locked items. WeasyPrint with Debian's Noto CJK.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Period, Report
from responsibilities.models import Unit

from .data import roll_up, unit_summaries

# WeasyPrint tells every step at INFO; a worker's log needs only its warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

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
    first = root or Unit.objects.get_root_nodes().first()
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
    by_unit = {s.unit.pk: s for s in summaries}
    roots = [s.unit for s in summaries if s.unit.depth == 1]
    # The summary lists the units one level below the top (a single 党组 over everything
    # stands for the whole organization), each rolled up over its subtree, then the top
    # unit's own reports.
    top_unit = root if root is not None else (roots[0] if len(roots) == 1 else None)
    top = [s.unit for s in summaries if s.unit.depth == top_unit.depth + 1] if top_unit else roots
    rolled = roll_up(summaries, top)
    summary_rows = [
        {
            "unit": unit,
            "counts": [rolled[unit.pk].get(s, 0) for s in STATES],
            "total": sum(rolled[unit.pk].values()),
            "score": by_unit[unit.pk].subtree_score,
        }
        for unit in top
    ]
    if top_unit is not None and by_unit[top_unit.pk].total:
        own = by_unit[top_unit.pk]
        summary_rows.append(
            {
                "unit": top_unit,
                "own": True,
                "counts": [own.count(s) for s in STATES],
                "total": own.total,
                "score": own.score,
            }
        )
    totals = [sum(s.count(state) for s in summaries) for state in STATES]
    if len(summaries) <= MAX_UNIT_PAGES:
        pages = [{"s": s, "counts": [s.count(state) for state in STATES], "total": s.total} for s in summaries]
    else:
        pages = [
            {"s": by_unit[row["unit"].pk], "counts": row["counts"], "total": row["total"], "rolled": True}
            for row in summary_rows
            if not row.get("own")
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

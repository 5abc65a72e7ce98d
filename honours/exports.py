"""The year-end summary (年度考核) as an Excel workbook: one row per unit with the scores of
both halves, the 述职评议 result of its secretary, the honours conferred and the
rectifications still open — the columns the annual 考核 asks of each unit."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import ExportKind
from responsibilities.models import Unit

from .selectors import year_end_rows


def _num(value):
    return None if value is None else float(value)


def year_end_header() -> list[str]:
    return [
        _("Unit"),
        _("Code"),
        _("Kind"),
        _("First half score"),
        _("Second half score"),
        _("Appraisal (secretary · score · grade · rank)"),
        _("Honours conferred"),
        _("Open rectifications"),
    ]


def appraisal_text(result) -> str:
    if not result.enough_ballots:
        return f"{result.appraisee.person.display_name} · {_('Too few valid ballots')}"
    parts = [result.appraisee.person.display_name, f"{result.score:.1f}" if result.score is not None else "–"]
    parts.append(result.grade.name if result.grade else "–")
    parts.append(str(result.rank) if result.rank else "–")
    return " · ".join(parts)


def year_end_workbook(*, year: int, root: Unit | None, progress: Callable[[int], None] | None = None) -> bytes:
    progress = progress or (lambda percent: None)
    rows = year_end_rows(year, root)
    progress(50)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(year))
    sheet.append([_("%(year)s year-end summary") % {"year": year}])
    sheet.append(year_end_header())
    for row in rows:
        sheet.append(
            [
                row.unit.label,
                row.unit.code,
                row.unit.get_kind_display(),
                _num(row.first_half),
                _num(row.second_half),
                "\n".join(appraisal_text(result) for result in row.appraisals),
                "、".join(row.honours),
                row.open_rectifications,
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    progress(95)
    return buffer.getvalue()


# The workbook is built, kept, recovered and handed out as one of the dashboard's exports
# (``dashboard.models.Export``, kind ``year_end``): only what is the year-end's own is here.


def write(export, path: Path, progress: Callable[[int], None]) -> None:
    path.write_bytes(year_end_workbook(year=export.year, root=export.unit, progress=progress))


def download_name(export) -> str:
    return _("%(year)s year-end summary") % {"year": export.year} + ".xlsx"


def notice(export) -> tuple[str, dict, str]:
    url = reverse("honours:year_end") + f"?year={export.year}" + (f"&unit={export.unit_id}" if export.unit_id else "")
    return "year_end_ready", {"year": export.year}, url


YEAR_END = ExportKind("year_end", write=write, download_name=download_name, notice=notice)

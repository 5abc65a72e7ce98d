"""The ranking as an Excel file: secretaries, scores, grades and ballot counts — and, by
design, nothing about who rated (the ballots hold nothing that could tell)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_workbook_response(round, criteria, rows) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(round.year))
    sheet.append([round.title])
    sheet.append(
        [
            _("Rank"),
            _("Secretary"),
            _("Unit"),
            *[c.name for c in criteria],
            _("Overall score"),
            _("Grade"),
            _("Valid ballots"),
            _("Invalid ballots"),
        ]
    )
    for row in rows:
        scores = {c.criterion_id: c.score for c in row.criteria.all()}
        enough = row.enough_ballots
        sheet.append(
            [
                row.rank if enough else _("Too few valid ballots"),
                row.appraisee.person.display_name,
                row.appraisee.unit.label,
                *[float(scores[c.pk]) if enough and c.pk in scores else None for c in criteria],
                float(row.score) if enough and row.score is not None else None,
                row.grade.name if enough and row.grade else "",
                row.valid_ballots,
                row.invalid_ballots,
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="appraisal-{round.year}.xlsx"'
    return response

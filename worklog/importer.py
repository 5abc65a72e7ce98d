"""Bringing last year's 台账 in from Excel: one sheet per record type, one row per record.

The workbook (``template_workbook`` writes an empty one to fill in):

- a sheet per type, named as the type is named in Mingze (支部委员会, 主题党日…; the English
  name or the code, ``theme_day``, also do); other sheets are named as errors;
- row 1 holds the headings, in this order (``COLUMNS``): 日期 (a date cell or
  2026-03-15), 主题 (required), 地点, 实到人数, 应到人数, 参加人员 (names, for a talk),
  会议记录; rows below, one record each; empty rows are skipped.

``parse`` reads it into a preview — the rows it would save, and each error named by sheet
and row — and saves nothing; ``save_preview`` saves the rows of a preview the person
confirmed. The preview is kept on the server between the two (the view keeps it in the
session), so what is saved is what was checked, never what the browser sends back.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import EvidenceError
from responsibilities.models import WorkType

from . import services
from .models import WorkRecord

COLUMNS = ("日期", "主题", "地点", "实到人数", "应到人数", "参加人员", "会议记录")
MAX_ROWS = 2000  # a year of one unit's 台账 is a few hundred rows
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Preview:
    rows: list[dict]  # what would be saved: kind, held_on (ISO), topic, place, present…
    errors: list[str]  # "支部委员会, row 5: …"
    sheets: dict  # sheet name → rows read

    def as_session(self) -> dict:
        return {"rows": self.rows, "errors": self.errors, "sheets": self.sheets}


def sheet_names() -> dict[str, str]:
    """Every name a sheet of a type may have → the type: its Chinese and English names and
    its code."""
    names = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in WorkType.choices:
                names[str(label).strip().lower()] = value
    for value in WorkType.values:
        names[value] = value
    return names


def template_workbook() -> bytes:
    """An empty 台账 workbook: a sheet per type with its headings."""
    book = Workbook()
    book.remove(book.active)
    with translation.override("zh-hans"):
        for _value, label in WorkType.choices:
            sheet = book.create_sheet(str(label)[:31])
            sheet.append(list(COLUMNS))
            for letter, width in zip("ABCDEFG", (12, 30, 16, 10, 10, 20, 40), strict=True):
                sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _count(value) -> int | None:
    if value in (None, ""):
        return None
    number = float(str(value).strip())
    if number < 0 or number != int(number) or number > 9999:
        raise ValueError
    return int(number)


def _text(value, limit: int) -> str:
    return ("" if value is None else str(value)).strip()[:limit]


def parse(upload, *, unit) -> Preview:
    """Read ``upload`` (an .xlsx) for ``unit``; raises ``EvidenceError`` when it is not a
    workbook at all. Nothing is saved."""
    if (upload.size or 0) > MAX_BYTES:
        raise EvidenceError(_("The workbook is larger than 5 MB; split it by year."))
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise EvidenceError(_("This is not an Excel workbook (.xlsx). Fill in the template and upload it.")) from None
    names = sheet_names()
    rows, errors, sheets = [], [], {}
    today = timezone.localdate()
    known = set(
        WorkRecord.objects.filter(unit=unit, province=unit.province_id).values_list("kind", "held_on", "topic")
    )  # a row already in Mingze is not brought in twice
    seen = set()
    for sheet in book.worksheets:
        kind = names.get(sheet.title.strip().lower())
        if kind is None:
            errors.append(
                _("Sheet “%(sheet)s”: not a record type; name it as in the template.") % {"sheet": sheet.title}
            )
            continue
        count = 0
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2):
            if not any(v not in (None, "") for v in values):
                continue
            count += 1
            if len(rows) + len(errors) > MAX_ROWS:
                errors.append(_("More than %(n)d rows: split the workbook.") % {"n": MAX_ROWS})
                break
            where = _("%(sheet)s, row %(row)d") % {"sheet": sheet.title, "row": number}
            values = list(values) + [None] * (len(COLUMNS) - len(values))
            day, topic, place, present, expected, names_text, minutes = values[: len(COLUMNS)]
            problems = []
            try:
                held_on = _date(day)
                if held_on > today:
                    problems.append(_("the date is in the future"))
            except ValueError:
                held_on = None
                problems.append(_("the date is missing or not a date (write 2026-03-15)"))
            topic = _text(topic, 300)
            if not topic:
                problems.append(_("the topic is empty"))
            try:
                present, expected = _count(present), _count(expected)
                if present is not None and expected is not None and present > expected:
                    problems.append(_("more present than expected"))
            except ValueError:
                problems.append(_("the attendance is not a whole number"))
            if held_on and topic and (kind, held_on, topic) in known | seen:
                problems.append(_("this record is already there"))
            if problems:
                joined = pgettext("problems separator", "; ").join(str(p) for p in problems)
                errors.append(_("%(where)s: %(problems)s") % {"where": where, "problems": joined})
                continue
            seen.add((kind, held_on, topic))
            rows.append(
                {
                    "sheet": sheet.title,
                    "row": number,
                    "kind": kind,
                    "held_on": held_on.isoformat(),
                    "topic": topic,
                    "place": _text(place, 200),
                    "present": present,
                    "expected": expected,
                    "participant_names": _text(names_text, 300),
                    "minutes": _text(minutes, 20000),
                }
            )
        sheets[sheet.title] = count
    book.close()
    return Preview(rows=rows, errors=errors, sheets=sheets)


def save_preview(rows: list[dict], *, unit, actor) -> int:
    """Save the rows of a confirmed preview as recorded records of ``unit``, all or none."""
    with transaction.atomic():
        for row in rows:
            data = services.RecordInput(
                kind=row["kind"],
                held_on=datetime.date.fromisoformat(row["held_on"]),
                topic=row["topic"],
                place=row["place"],
                present=row["present"],
                expected=row["expected"],
                participant_names=row["participant_names"],
                minutes=row["minutes"],
            )
            services.create_record(unit=unit, actor=actor, data=data, record_now=True, note=_("Imported from the 台账"))
    return len(rows)

"""The results workbook of a period read back as a person's spreadsheet program reads it —
openpyxl's read-only reader, sheet by sheet, cell by cell — in Chinese and in English, on
the fixed data set (see conftest). The workbook is written a few units at a time (DESIGN.md,
"Targets": the Excel export in bounded memory); however few, it is the same workbook."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation

from dashboard.exports.excel import write_workbook
from scoring.models import ScoreLine

pytestmark = pytest.mark.django_db


def trimmed(row: tuple) -> tuple:
    """A row without its empty cells at the end (the reader gives rows as long as written)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def sheets(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: [trimmed(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    finally:
        book.close()


def build(tmp_path, period, root=None, language="zh-hans", name="book.xlsx"):
    path = tmp_path / name
    with translation.override(language):
        write_workbook(period=period, root=root, path=path)
    return path


@pytest.fixture
def submitted_late(data):
    """甲党支部's submitted report came in late, at a known time (Beijing)."""
    report = data.reports["a_submitted"]
    report.submitted_at = datetime.datetime(2026, 7, 2, 9, 30, tzinfo=timezone.get_current_timezone())
    report.late = True
    report.save(update_fields=["submitted_at", "late"])
    return report


def test_the_workbook_opens_read_only_with_every_sheet_row_and_value(data, submitted_late, tmp_path):
    book = sheets(build(tmp_path, data.cur))
    categories = ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设", "反腐败斗争"]
    assert list(book) == ["概览", "加减分明细", *categories]
    summary = book["概览"]
    assert summary[0] == (data.cur.label,)
    assert summary[1][:4] == ("单位", "编码", "报告数", "已通过")
    assert [row[:3] for row in summary[2:]] == [
        ("党组", "DZ", 1),
        ("机关党委", "JGDW", 1),
        ("甲党支部", "ZBA", 4),
        ("乙党支部", "ZBB", 2),
        ("纪检监察组", "JJZ", 1),
    ]
    assert book["加减分明细"][1:] == [
        ("甲党支部", "ZBA", "加分", "典型经验", 3),
        ("甲党支部", "ZBA", "扣分", "迟报", -2),
    ]
    duty = submitted_late.assignment.duty
    assert (
        "甲党支部",
        "ZBA",
        duty.code,
        duty.title,
        "已提交",
        None,
        "是",
        datetime.datetime(2026, 7, 2, 9, 30),  # local time, as the office reads it
    ) in book["政治建设"]
    assert len(book["政治建设"]) == 1 + 5 and len(book["思想建设"]) == 1 + 4
    assert all(len(book[name]) == 1 for name in categories[2:])  # their headers alone


def test_the_workbook_in_english_has_english_sheets_headers_and_words(data, submitted_late, tmp_path):
    book = sheets(build(tmp_path, data.cur, language="en"))
    assert list(book)[:2] == ["Summary", "Deductions and bonuses"]
    assert book["Summary"][1][:3] == ("Unit", "Code", "Reports")
    assert book["Deductions and bonuses"][0] == ("Unit", "Unit code", "Kind", "Item", "Points")
    first = book[list(book)[2]]
    assert first[0] == (
        "Unit",
        "Unit code",
        "Duty code",
        "Duty",
        "State",
        "Grade",
        "Submitted late",
        "Submitted at",
        "Points",
    )
    assert {row[4] for row in first[1:]} == {"Submitted", "Approved"}
    assert {row[6] for row in first[1:]} == {"Yes", "No"}


@pytest.mark.parametrize("size", [1, 2, 3])
def test_units_taken_a_few_at_a_time_make_the_same_workbook(data, submitted_late, cast, tmp_path, monkeypatch, size):
    # A deduction of another unit, so that the adjustments sheet spans two pages of units.
    score = cast.unit_b.scores.get(period=data.cur)
    ScoreLine.objects.create(unit_score=score, kind=ScoreLine.Kind.DEDUCTION, label="漏报", points=Decimal(-1))
    whole = sheets(build(tmp_path, data.cur, name="whole.xlsx"))
    monkeypatch.setattr("dashboard.exports.data.UNITS_PER_CHUNK", size)
    assert sheets(build(tmp_path, data.cur, name=f"by-{size}.xlsx")) == whole
    assert ("乙党支部", "ZBB", "扣分", "漏报", -1) in whole["加减分明细"]
    # The 机关党委's subtree alone, too.
    monkeypatch.setattr("dashboard.exports.data.UNITS_PER_CHUNK", 10_000)
    subtree = sheets(build(tmp_path, data.cur, root=cast.committee, name="subtree.xlsx"))
    monkeypatch.setattr("dashboard.exports.data.UNITS_PER_CHUNK", size)
    assert sheets(build(tmp_path, data.cur, root=cast.committee, name=f"subtree-{size}.xlsx")) == subtree


def formats(path) -> dict[str, set[tuple]]:
    """Each sheet's (column, type, number format) of the written cells below its headers, as the
    full reader sees them: what a spreadsheet program shows beyond the values."""
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: {
            (cell.column_letter, cell.data_type, cell.number_format)
            for row in sheet.iter_rows(min_row=3 if index == 0 else 2)
            for cell in row
            if cell.value is not None
        }
        for index, sheet in enumerate(book.worksheets)
    }


def test_every_cell_keeps_its_type_and_number_format(data, submitted_late, tmp_path):
    found = formats(build(tmp_path, data.cur))
    text = {(column, "s", "General") for column in "ABCDEFG"}
    assert found == {
        "概览": {("A", "s", "General"), ("B", "s", "General")} | {(c, "n", "General") for c in "CDEFGHIJKLM"},
        "加减分明细": {(c, "s", "General") for c in "ABCD"} | {("E", "n", "General")},
        # Submitted at: a date with a time, as Excel shows it; points: a number.
        "政治建设": text | {("H", "d", "yyyy-mm-dd h:mm:ss"), ("I", "n", "General")},
        "思想建设": text - {("F", "s", "General")},  # no grade given there yet
        **{name: set() for name in ["组织建设", "作风建设", "纪律建设", "制度建设", "反腐败斗争"]},
    }

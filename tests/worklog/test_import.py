"""Bringing last year's 台账 in from Excel: upload → preview with each bad row named by
sheet and row → nothing saved until confirmed; the confirmation saves what the preview
checked (kept on the server), never what the browser sends."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from worklog.models import WorkRecord

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = ["日期", "主题", "地点", "实到人数", "应到人数", "参加人员", "会议记录"]


def workbook(sheets: dict) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(HEAD)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("台账2025.xlsx", out.getvalue(), content_type=XLSX)


LEDGER = {
    "支部委员会": [
        [datetime.date(2025, 1, 8), "研究年度工作计划", "会议室", 5, 5, "", "讨论通过"],
        ["2025-02-12", "研究发展党员", "", 4, 5, "", ""],
        [None, None, None, None, None, None, None],  # an empty row is skipped
        ["下周", "日期不对", "", 4, 5, "", ""],
        ["2025-03-12", "", "", 4, 5, "", ""],
    ],
    "主题党日": [
        ["2025/03/05", "学雷锋志愿服务", "社区", 12, 11, "", ""],
        ["2025年4月2日", "清明祭英烈", "烈士陵园", 11, 13, "", ""],
    ],
    "财务报表": [["2025-01-01", "不是台账", "", "", "", "", ""]],
}


def test_bad_rows_are_named_and_nothing_is_saved_until_confirmed(client_as, cast, duties):
    client = client_as("secretary_a")
    response = client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": workbook(LEDGER)})
    assert response.status_code == 200
    page = response.content.decode()
    assert not WorkRecord.objects.exists()
    assert "支部委员会，第 5 行：日期缺失或不是日期（请写成 2026-03-15）" in page
    assert "支部委员会，第 6 行：主题为空" in page
    assert "主题党日，第 2 行：实到人数多于应到人数" in page
    assert "工作表“财务报表”不是记录类型" in page
    assert "3 条记录将被保存" in page

    token = client.session["worklog_import"]["token"]
    # A forged token saves nothing; so does a second confirmation.
    client.post(reverse("worklog:import_confirm"), {"token": "forged"})
    assert not WorkRecord.objects.exists()
    response = client.post(reverse("worklog:import_confirm"), {"token": token}, follow=True)
    assert "已导入 3 条记录到甲党支部。" in response.content.decode()
    saved = WorkRecord.objects.order_by("held_on")
    assert [(r.kind, r.held_on, r.topic, r.state) for r in saved] == [
        ("branch_committee", datetime.date(2025, 1, 8), "研究年度工作计划", "recorded"),
        ("branch_committee", datetime.date(2025, 2, 12), "研究发展党员", "recorded"),
        ("theme_day", datetime.date(2025, 4, 2), "清明祭英烈", "recorded"),
    ]
    assert list(saved[0].duties.all()) == [duties["committee"]]
    assert saved[0].events.first().comment == "从台账导入"
    client.post(reverse("worklog:import_confirm"), {"token": token})
    assert WorkRecord.objects.count() == 3

    # The same workbook again: the rows already there are named, not brought in twice.
    page = client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": workbook(LEDGER)}).content.decode()
    assert "支部委员会，第 2 行：这条记录已经存在" in page


def test_not_a_workbook_is_refused_with_a_message(client_as, cast):
    client = client_as("secretary_a")
    fake = SimpleUploadedFile("台账.xlsx", b"not a zip at all", content_type=XLSX)
    response = client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": fake})
    assert response.status_code == 400
    assert "这不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert "worklog_import" not in client.session


def test_another_units_import_is_refused(client_as, cast):
    client = client_as("secretary_b")
    response = client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": workbook(LEDGER)})
    assert response.status_code == 400 and not WorkRecord.objects.exists()
    assert "worklog_import" not in client.session


def test_the_template_has_a_sheet_per_type_with_the_headings(client_as, cast):
    response = client_as("secretary_a").get(reverse("worklog:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert "支部委员会" in book.sheetnames and "谈心谈话" in book.sheetnames
    assert [c.value for c in book["主题党日"][1]] == HEAD

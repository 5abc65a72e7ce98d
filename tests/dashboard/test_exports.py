"""Exports: the Excel workbook read back cell by cell, the hearing pack's text, and the way
from the button to the download, on the fixed data set (see conftest)."""

import io
import re

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from dashboard.models import Export
from dashboard.services import build_export, build_hearing_pack
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def built(data, kind):
    export = Export.objects.create(kind=kind, period=data.cur, unit=None)
    return build_export(export_id=export.pk)


def test_the_workbook_has_a_summary_adjustments_and_one_sheet_per_category(data):
    export = built(data, Export.Kind.EXCEL)
    assert export.status == Export.Status.DONE and export.progress == 100
    book = openpyxl.load_workbook(export.file.path)
    assert book.sheetnames == [
        "概览",
        "加减分明细",
        "政治建设",
        "思想建设",
        "组织建设",
        "作风建设",
        "纪律建设",
        "制度建设",
        "反腐败斗争",
    ]
    summary = [list(row) for row in book["概览"].iter_rows(values_only=True)]
    assert summary[0][0] == data.cur.label
    assert summary[1] == [
        "单位",
        "编码",
        "报告数",
        "已通过",
        "已提交",
        "草稿",
        "已退回",
        "已锁定",
        "得分",
        "含下级平均分",
        "报告得分",
        "扣分",
        "加分",
    ]
    assert summary[2:] == [
        ["党组", "DZ", 1, 0, 1, 0, 0, 0, 82, 82, 0, 0, 0],
        ["机关党委", "JGDW", 1, 1, 0, 0, 0, 0, 85, 85, 0, 0, 0],
        ["甲党支部", "ZBA", 4, 1, 1, 1, 1, 0, 90, 90, 10, -2, 3],
        ["乙党支部", "ZBB", 2, 1, 0, 0, 0, 1, 80, 80, 0, 0, 0],
        ["纪检监察组", "JJZ", 1, 0, 0, 1, 0, 0, 70, 70, 0, 0, 0],
    ]
    assert [list(r) for r in book["加减分明细"].iter_rows(values_only=True)] == [
        ["单位", "单位编码", "类型", "事项", "分值"],
        ["甲党支部", "ZBA", "加分", "典型经验", 3],
        ["甲党支部", "ZBA", "扣分", "迟报", -2],
    ]


def test_each_category_sheet_lists_its_reports_with_state_grade_and_points(data):
    book = openpyxl.load_workbook(built(data, Export.Kind.EXCEL).file.path)
    code = {k: r.assignment.duty.code for k, r in data.reports.items()}
    title = {k: r.assignment.duty.title for k, r in data.reports.items()}
    rows = [list(r) for r in book["思想建设"].iter_rows(values_only=True)]
    assert rows[0] == ["单位", "单位编码", "事项编号", "责任事项", "状态", "评定等次", "逾期提交", "提交时间", "分值"]
    assert rows[1:] == [
        ["甲党支部", "ZBA", code["a_draft"], title["a_draft"], "草稿", None, "否", None, None],
        ["甲党支部", "ZBA", code["a_returned"], title["a_returned"], "已退回", None, "否", None, None],
        ["乙党支部", "ZBB", code["b_locked"], title["b_locked"], "已锁定", None, "否", None, None],
        ["纪检监察组", "JJZ", code["discipline"], title["discipline"], "草稿", None, "否", None, None],
    ]
    first = [list(r) for r in book["政治建设"].iter_rows(values_only=True)]
    assert ["甲党支部", "ZBA", code["a_approved"], title["a_approved"], "已通过", "良好", "否", None, 10] in first
    assert len(first) == 1 + 5


def test_the_hearing_pack_prints_headings_numbers_and_page_numbers_in_chinese(data):
    export = built(data, Export.Kind.PDF)
    assert export.status == Export.Status.DONE
    reader = pypdf.PdfReader(export.file.path)
    pages = [page.extract_text() for page in reader.pages]
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    first = re.sub(r"\s+", "", pages[0])
    assert first.startswith("党组明责报〔")  # the issuing organization over the document number
    assert f"关于{data.cur.label}党建工作责任制落实情况的报告" in first
    assert "一、总体情况" in first and "落实情况报告9项" in first
    text = re.sub(r"\s+", "", "".join(pages))
    for words in (
        "二、各单位落实情况",
        "（三）甲党支部",
        "1.工作落实情况",
        "（1）政治建设",
        "佐证材料不全",
        "迟报-2.0",
        "典型经验+3.0",
    ):
        assert words in text, words
    assert "90.0" in text and "三、提请研究决定的事项" in text
    for number, page in enumerate(pages, start=1):
        assert f"—{number}—" in re.sub(r"\s+", "", page)  # "— N —" at the foot of every page


def test_building_twice_builds_once(data):
    export = built(data, Export.Kind.EXCEL)
    assert build_export(export_id=export.pk) is None
    assert Export.objects.get(pk=export.pk).file.name == export.file.name


def test_a_failed_build_says_so_and_offers_nothing(data, monkeypatch, client_as):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("dashboard.exports.excel.write_workbook", broken)
    export = built(data, Export.Kind.EXCEL)
    assert export.status == Export.Status.FAILED and "disk full" in export.error
    client = client_as("leader")
    assert client.get(reverse("dashboard:export_download", args=[export.token])).status_code == 404
    assert "生成失败" in client.get(reverse("dashboard:exports"), {"period": data.cur.pk}).content.decode()


def test_the_close_of_a_period_builds_both_and_tells_leadership(data, cast):
    exports = build_hearing_pack(data.cur)
    assert sorted(e.kind for e in exports) == ["excel", "pdf"]
    assert all(e.status == Export.Status.DONE for e in exports)
    told = set(Notification.objects.filter(kind="hearing_pack_ready").values_list("recipient__username", flat=True))
    assert told == {cast.admin.username, cast.leader.username, cast.other_leader.username}


def test_a_leader_asks_for_the_pack_sees_progress_and_downloads_it(client_as, data, django_capture_on_commit_callbacks):
    client = client_as("leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard:export_create"), {"period": data.cur.pk, "kind": "pdf"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    panel = client.get(reverse("dashboard:exports"), {"period": data.cur.pk}).content.decode()
    export = Export.objects.get()
    assert export.status == Export.Status.DONE
    assert reverse("dashboard:export_download", args=[export.token]) in panel
    download = client.get(reverse("dashboard:export_download", args=[export.token]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert pypdf.PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    assert client_as("secretary_a").get(reverse("dashboard:export_download", args=[export.token])).status_code == 404
    note = Notification.objects.get(kind="export_ready")  # the page may have been left
    assert note.recipient.username == "leader_t" and "半年党建工作汇报材料（PDF）已生成" in note.title


def test_asking_twice_while_it_builds_makes_one_export(client_as, data):
    client = client_as("leader")
    for _ in range(2):
        client.post(reverse("dashboard:export_create"), {"period": data.cur.pk, "kind": "excel"})
    assert Export.objects.count() == 1
    panel = client.get(reverse("dashboard:exports"), {"period": data.cur.pk}).content.decode()
    assert 'hx-trigger="every 1s"' in panel and "<progress" in panel


def test_an_unknown_kind_of_export_is_refused(client_as, data):
    response = client_as("leader").post(reverse("dashboard:export_create"), {"period": data.cur.pk, "kind": "zip"})
    assert response.status_code == 400
    assert not Export.objects.exists()

"""The 整改台账 export (issue 14): the workbook read back cell by cell against the database,
built the way every export is (button, background build with progress, download refused
outside the requester's scope). The items are those of tests/dashboard/test_follow_up.py."""

import datetime

import openpyxl
import pytest
from django.urls import reverse

from dashboard.models import Export
from dashboard.services import build_export
from oversight.models import Event, Rectification
from responsibilities.models import Duty

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "问题来源",
    "问题描述",
    "整改措施",
    "责任单位",
    "责任人",
    "整改时限",
    "整改进展/状态",
    "销号日期",
    "备注",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ledger_items(cast, items):
    """The table's items with owners, a duty, and one sent back after a report (整改中)."""
    sec_a = cast.unit_a.posts.get(title="支部书记")
    sec_b = cast.unit_b.posts.get(title="支部书记")
    vacant = cast.committee.posts.get(title="机关党委书记")
    Rectification.objects.filter(pk=items["r1"].pk).update(post=sec_a)
    Rectification.objects.filter(pk=items["r6"].pk).update(post=sec_b)
    Rectification.objects.filter(pk=items["r7"].pk).update(post=vacant)
    duty = Duty.objects.filter(checklist=cast.checklist).order_by("code").first()
    Rectification.objects.filter(pk=items["r2"].pk).update(duty=duty)
    Event.objects.create(
        rectification=items["r2"],
        actor=cast.admin,
        action=Event.Action.SEND_BACK,
        from_state="reported",
        to_state="open",
    )
    Event.objects.create(rectification=items["r1"], actor=cast.admin, action=Event.Action.RAISE, to_state="open")
    return {name: Rectification.objects.get(pk=obj.pk) for name, obj in items.items() if name.startswith("r")}, duty


def ledger(export):
    book = openpyxl.load_workbook(export.file.path)
    assert book.sheetnames == ["整改台账"]
    return [list(row) for row in book["整改台账"].iter_rows(values_only=True)]


def built(data, unit, user=None):
    export = Export.objects.create(kind=Export.Kind.LEDGER, period=data.cur, unit=unit, requested_by=user)
    export = build_export(export_id=export.pk)
    assert export.status == Export.Status.DONE and export.progress == 100
    return export


def test_the_ledger_cell_by_cell(cast, data, ledger_items):
    r, duty = ledger_items
    rows = ledger(built(data, None))
    assert rows[0][0] == f"整改台账 · {data.cur.label}"
    assert rows[1] == HEADER
    d = datetime.datetime  # openpyxl reads dates back as datetimes at midnight
    y = data.cur.year

    def day(value):
        return d(value.year, value.month, value.day)

    # Tree order (党组, 机关党委, 甲, 乙, 纪检监察组), then by deadline; r5 was closed before
    # this half year began and is not in it.
    expected = [
        [1, "民主生活会", "问题r9", "措施r9", "党组", None, day(r["r9"].deadline), "交办整改", None, "逾期1天"],
        [2, "审计", "问题r7", "措施r7", "机关党委", "机关党委书记", day(r["r7"].deadline), "交办整改", None, None],
        [
            3,
            "巡察",
            "问题r4",
            "措施r4",
            "甲党支部",
            None,
            day(r["r4"].deadline),
            "已销号",
            d(y, 3, 15),
            None,
        ],
        [4, "审计", "问题r3", "措施r3", "甲党支部", None, day(r["r3"].deadline), "待验收销号", None, None],
        [5, "巡察", "问题r1", "措施r1", "甲党支部", "甲书记", day(r["r1"].deadline), "交办整改", None, "逾期1天"],
        [
            6,
            "民主生活会",
            "问题r2",
            "措施r2",
            "甲党支部",
            None,
            day(r["r2"].deadline),
            "整改中",
            None,
            f"责任事项：{duty.code} {duty.title}",
        ],
        [7, "组织生活会", "问题r6", "措施r6", "乙党支部", "乙书记", day(r["r6"].deadline), "交办整改", None, "逾期3天"],
        [
            8,
            "巡察",
            "问题r8",
            "措施r8",
            "纪检监察组",
            None,
            day(r["r8"].deadline),
            "已销号",
            d(y, 6, 30),
            None,
        ],
    ]
    assert rows[2:] == expected
    # And against the database: one line per rectification not closed before the half year.
    in_ledger = Rectification.objects.exclude(closed_at__lt=d(data.cur.year, 1, 1, tzinfo=datetime.UTC))
    assert len(rows) - 2 == in_ledger.count() == 8


def test_the_ledger_of_a_branch_holds_its_own_rectifications_only(cast, data, ledger_items):
    rows = ledger(built(data, cast.unit_a))
    assert [row[2] for row in rows[2:]] == ["问题r4", "问题r3", "问题r1", "问题r2"]
    assert {row[4] for row in rows[2:]} == {"甲党支部"}


def test_english_ledger(cast, data, ledger_items, settings):
    export = Export.objects.create(kind=Export.Kind.LEDGER, period=data.cur, unit=cast.unit_b, language="en")
    export = build_export(export_id=export.pk)
    book = openpyxl.load_workbook(export.file.path)
    rows = [list(row) for row in book["Rectification ledger"].iter_rows(values_only=True)]
    assert rows[1][:3] == ["No.", "Where the problem was found", "Description of the problem"]
    assert rows[2][1] == "Organizational life meeting" and rows[2][4] == "Branch B"
    assert rows[2][7] == "Assigned for rectification" and rows[2][9] == "Overdue by 3 days"


def test_from_the_button_to_the_download_within_scope_only(client_as, cast, data, ledger_items):
    client = client_as("secretary_a")
    response = client.post(reverse("dashboard:export_create"), {"kind": "ledger", "period": data.cur.pk})
    assert response.status_code == 302
    export = Export.objects.get(kind=Export.Kind.LEDGER)
    assert export.unit == cast.unit_a and export.requested_by == cast.secretary_a
    assert export.status == Export.Status.PENDING  # built by a worker after commit
    export = build_export(export_id=export.pk)
    panel = client.get(reverse("dashboard:exports"), {"period": data.cur.pk}).content.decode()
    assert "整改台账（Excel）" in panel and reverse("dashboard:export_download", args=[export.token]) in panel
    download = client.get(reverse("dashboard:export_download", args=[export.token]))
    assert download.status_code == 200
    assert "整改台账.xlsx" in download["Content-Disposition"] or "filename*=" in download["Content-Disposition"]
    for role, status in (("leader", 200), ("admin", 200), ("supervisor", 200), ("secretary_b", 404)):
        assert client_as(role).get(reverse("dashboard:export_download", args=[export.token])).status_code == status
    # Another unit's subtree cannot be asked for: its id answers 404, nothing is built.
    refused = client_as("secretary_b").post(
        reverse("dashboard:export_create"), {"kind": "ledger", "period": data.cur.pk, "unit": cast.unit_a.pk}
    )
    assert refused.status_code == 404
    assert Export.objects.filter(kind=Export.Kind.LEDGER).count() == 1

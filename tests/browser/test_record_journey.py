"""A secretary on a phone (390×844) records a 主题党日 with two photos in one pass, from
the home page: 记一笔, type, today's date already there, topic, attendance, two photos
from the camera, save."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from responsibilities.models import Duty, Post, WorkType
from tests.assessments.files import png
from tests.browser.report_loop import sign_in
from tests.factories import AssignmentFactory, DutyFactory
from worklog.models import WorkRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
def test_a_secretary_records_a_theme_day_with_two_photos_from_the_home_page(
    page, live_server, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # This journey's own 主题党日 duty alone counts (the default checklist's B-05 set aside).
    Duty.objects.filter(checklist=cast.checklist).exclude(record_type="").update(record_type="")
    theme_day = DutyFactory(
        checklist=cast.checklist, code="ZB-02", title="每月开展主题党日", record_type=WorkType.THEME_DAY
    )
    AssignmentFactory(duty=theme_day, post=Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a))

    sign_in(page, live_server, cast.secretary_a.username)
    expect(page.get_by_role("heading", name=re.compile("我的责任"))).to_be_visible()
    page.get_by_role("link", name="记一笔").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("记一笔")
    assert fits_the_screen(page)

    picker = page.get_by_label("照片和文件")
    assert picker.get_attribute("capture") == "environment" and picker.get_attribute("accept") == "image/*"
    expect(page.get_by_label("日期", exact=True)).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("类型", exact=True).select_option(label="主题党日")
    page.get_by_label("主题", exact=True).fill("重温入党誓词")
    page.get_by_label("实到人数").fill("12")
    page.get_by_label("应到人数").fill("13")
    picker.set_input_files(
        [
            {"name": "IMG_0001.png", "mimeType": "image/png", "buffer": png(40, 30)},
            {"name": "IMG_0002.png", "mimeType": "image/png", "buffer": png(30, 40)},
        ]
    )
    page.get_by_role("button", name="保存", exact=True).tap()

    expect(page.get_by_text("已记录：主题党日“重温入党誓词”，附 2 个文件。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("重温入党誓词")
    expect(page.get_by_text("每月开展主题党日")).to_be_visible()
    assert fits_the_screen(page)
    record = WorkRecord.objects.get()
    assert record.state == WorkRecord.State.RECORDED and record.kind == WorkType.THEME_DAY
    assert (record.present, record.expected, record.held_on) == (12, 13, timezone.localdate())
    assert sorted(record.files.values_list("original_name", flat=True)) == ["IMG_0001.png", "IMG_0002.png"]
    assert list(record.duties.all()) == [theme_day]

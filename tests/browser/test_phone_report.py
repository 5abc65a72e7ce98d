"""A secretary on a phone (390×844) files a report and attaches a photo."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Evidence, Report
from tests.assessments.files import png
from tests.browser.report_loop import open_now, sign_in  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
def test_secretary_files_a_report_with_a_photo_from_a_phone(page, live_server, cast, open_now):  # noqa: F811
    report = open_now
    sign_in(page, live_server, cast.secretary_a.username)
    expect(page.get_by_role("heading", name=re.compile("我的责任"))).to_be_visible()
    assert fits_the_screen(page)  # tables became cards: nothing to scroll sideways

    page.get_by_role("link", name=re.compile(re.escape(report.assignment.duty.title))).first.tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(report.assignment.duty.code)
    assert fits_the_screen(page)
    picker = page.locator("input[type=file]")
    # What makes a phone offer the camera and the photo library next to its files.
    accept = picker.get_attribute("accept")
    assert "image/jpeg" in accept and "image/png" in accept and "application/pdf" in accept
    page.get_by_role("textbox", name="落实情况").fill("组织党员开展主题党日活动 1 次。")
    picker.set_input_files({"name": "IMG_0001.png", "mimeType": "image/png", "buffer": png(40, 30)})
    page.locator("input[name=description]").fill("主题党日现场照片")
    # Note what the page shows while the bytes go up (the progress the secretary sees).
    page.evaluate(
        """window.seen = [];
        document.body.addEventListener("htmx:xhr:progress", () => {
          const box = document.querySelector(".mz-upload-progress");
          window.seen.push([box.hidden, box.querySelector(".mz-upload-percent").textContent]);
        });"""
    )
    page.get_by_role("button", name="上传").tap()
    expect(page.get_by_text("已上传“IMG_0001.png”。")).to_be_visible()
    seen = page.evaluate("window.seen")
    assert seen and all(not hidden and text.endswith("%") for hidden, text in seen), seen
    expect(page.locator("#evidence")).to_contain_text("主题党日现场照片")

    page.get_by_role("button", name="提交审核").tap()
    expect(page.get_by_text("已提交，已通知联系领导联系领导。")).to_be_visible()
    assert fits_the_screen(page)
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED and report.content.startswith("组织党员")
    assert Evidence.objects.get(report=report).content_type == "image/png"

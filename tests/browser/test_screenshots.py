"""The README's screenshots, taken from the demo data by this test so they never go stale
(UX.md, "Showing it"). Each shot first checks that the page shows what it should."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from assessments.models import Report
from core import demo as demo_steps
from responsibilities.demo import DEMO_PASSWORD
from responsibilities.models import Unit
from responsibilities.services import load_checklist_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# `make screenshots` refreshes the README's pictures; an ordinary test run takes the same
# shots into a scratch folder, so running the suite leaves the work tree clean.
SHOTS = (
    Path(settings.BASE_DIR) / "docs" / "screenshots"
    if os.environ.get("MINGZE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "mingze-screenshots"
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for name in roles.ROLES:  # a transactional test before this one emptied the tables
        Group.objects.get_or_create(name=name)
    year = timezone.localdate().year
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=year)
    # The demo as `make run` loads it, but for the closed past half-year.
    demo_steps.run(year=year, only=["organization", "appraisals", "oversight", "reports"])
    SHOTS.mkdir(parents=True, exist_ok=True)


def signed_in_page(new_context, live_server, username, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def shoot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_screenshots_of_the_main_pages(new_context, live_server, demo):
    returned = Report.objects.get(unit__code="ZB01", state="returned")
    submitted = Report.objects.get(unit__code="ZB01", state="submitted")

    for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
        secretary = signed_in_page(new_context, live_server, "shuji1", viewport)
        expect(secretary.get_by_role("heading", name=re.compile("我的责任"))).to_be_visible()
        expect(secretary.get_by_text(re.compile("已退回，请修改后重新提交"))).to_be_visible()
        shoot(secretary, f"secretary-home{suffix}")
        secretary.goto(f"{live_server.url}/assessments/reports/{returned.pk}/")
        expect(secretary.get_by_role("button", name="提交审核")).to_be_visible()
        expect(secretary.locator("#timeline")).to_contain_text("已退回")
        shoot(secretary, f"report{suffix}")

    leader = signed_in_page(new_context, live_server, "lihua", DESKTOP)
    leader.goto(f"{live_server.url}/assessments/review/")
    expect(leader.get_by_role("heading", name=re.compile("待审核"))).to_be_visible()
    expect(leader.locator("table")).to_contain_text("第二党支部")
    shoot(leader, "review-queue")
    leader.goto(f"{live_server.url}/assessments/reports/{submitted.pk}/")
    expect(leader.get_by_role("button", name="退回修改")).to_be_visible()
    shoot(leader, "review")

    leader.goto(f"{live_server.url}/dashboard/")
    expect(leader.get_by_role("heading", level=1)).to_contain_text("总览")
    shoot(leader, "dashboard")

    admin = signed_in_page(new_context, live_server, "admin", DESKTOP)
    admin.goto(f"{live_server.url}/assessments/units/{Unit.objects.get(code='JGDW').pk}/")
    expect(admin.get_by_role("heading", name="下属各单位")).to_be_visible()
    shoot(admin, "unit")

    for name in ("secretary-home", "report", "review-queue", "review", "dashboard", "unit", "secretary-home-phone"):
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000

import re

import pytest
from playwright.sync_api import expect

from responsibilities.models import Assignment, UnitKind
from tests.factories import DutyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_signs_in_and_assigns_a_duty_to_every_branch(page, live_server, cast):
    duty = DutyFactory(
        checklist=cast.checklist,
        code="N-01",
        title="新增的支部责任事项",
        category_id=cast.checklist.duties.first().category_id,
    )

    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(cast.admin.username)
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("navigation").get_by_role("link", name="分解落实").click()
    page.get_by_label(re.compile("N-01")).check()
    page.get_by_label("全部党支部").check()
    page.get_by_role("button", name="预览").first.click()
    expect(page.get_by_text("将新建 2 项分解")).to_be_visible()
    page.get_by_role("button", name="确认分解").click()

    expect(page.get_by_text(re.compile("新建 2 项分解"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("责任矩阵"))).to_be_visible()
    assert Assignment.objects.filter(duty=duty, unit__kind=UnitKind.BRANCH).count() == 2

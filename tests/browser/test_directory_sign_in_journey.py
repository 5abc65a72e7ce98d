"""A person of the organization's directory signs in to Mingze in Chromium with their
directory password: the account is made with the role their directory group maps to.
Once the directory disables them, the next sign-in is refused."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts import roles
from tests.directory.conftest import directory_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url, username, password):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_directory_user_signs_in_and_is_blocked_once_disabled(page, live_server, settings, directory, enable):
    directory_settings(settings, directory.uri)
    sign_in(page, live_server.url, "zhangsan", "dir-pw-zhangsan")
    expect(page).not_to_have_url(f"{live_server.url}/login/")
    expect(page.locator("body")).to_contain_text("张三")
    user = get_user_model().objects.get(username="zhangsan")
    assert user.email == "zhangsan@organ.test" and user.department == "第一党支部"
    assert roles.roles_of(user) == {roles.SECRETARY}

    directory.modify(enable("zhangsan"), employeeType="disabled")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "zhangsan", "dir-pw-zhangsan")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("请输入一个正确的")).to_be_visible()

"""An administrator signs in in Chromium with a password and the code of their
authenticator (TOTP, computed here as the phone would); the sign-in is in the security log."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import SecurityEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_signs_in_with_a_totp_code(page, live_server, cast, settings):
    settings.MINGZE_TWO_FACTOR_FOR_ADMINS = True
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(cast.admin.username)
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/two-factor/verify/?next=/")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("验证码").fill(f"{code:06d}")
    page.get_by_role("button", name="验证", exact=True).click()
    # Verified, the administrator lands where they always do: the dashboard (issue 12).
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    logged = set(SecurityEvent.objects.filter(username=cast.admin.username).values_list("kind", flat=True))
    assert {"sign_in", "second_factor"} <= logged


def test_an_admin_sets_up_the_authenticator_in_the_browser(page, live_server, cast, settings):
    settings.MINGZE_TWO_FACTOR_FOR_ADMINS = True
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(cast.admin.username)
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("totp-key")).to_be_visible()
    device = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("验证码").fill(f"{code:06d}")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)

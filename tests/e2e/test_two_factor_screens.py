"""Two-factor sign-in in a real browser (issue 12): a competent department of the demo
(luoyang, whose authenticator the security administrator has reset) signs in, binds an
authenticator by its QR code, sees its recovery codes once, and is signed in; the next
sign-in asks for the code."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.browser import CHROMIUM
from tests.two_factor import current_code

DEMO_PASSWORD = "Lianmeng-Demo-2026"  # noqa: S105 - the documented demo password

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _password(page, url: str, username: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_competent_department_binds_an_authenticator_at_sign_in(
    page, live_server, settings, tmp_path
):
    from lianmeng.core import two_factor
    from lianmeng.core.models import User
    from lianmeng.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "files"
    list(load_demo())
    luoyang = User.objects.get(username="luoyang")
    assert TOTPDevice.objects.get(user=luoyang).name == "演示设备"
    two_factor.two_factor_reset(
        actor=User.objects.get(username="anquan"), username="luoyang", reason="更换手机"
    )

    _password(page, live_server.url, "luoyang")
    page.wait_for_url("**/accounts/login/enrol/")
    qr = page.get_by_test_id("totp-qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] > 120 and abs(box["width"] - box["height"]) < 2
    assert page.get_by_test_id("totp-key").inner_text().count(" ") >= 7  # groups of four
    page.screenshot(path=str(tmp_path / "two-factor-qr.png"), full_page=True)
    # the password alone opens nothing
    page.goto(live_server.url + "/home/")
    page.wait_for_url("**/accounts/login/?next=/home/")
    page.goto(live_server.url + "/accounts/login/enrol/")

    device = TOTPDevice.objects.get(user=luoyang, confirmed=False)
    page.get_by_label("6 位验证码").fill("000000" if current_code(device) != "000000" else "1")
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确或已使用过")
    page.get_by_label("6 位验证码").fill(current_code(device))
    page.get_by_role("button", name="确认绑定").click()

    codes = page.get_by_test_id("recovery-codes")
    expect(codes).to_contain_text("这些恢复码只显示这一次")
    expect(codes.locator("li")).to_have_count(10)
    expect(page.get_by_role("button", name="打印恢复码")).to_be_visible()
    page.screenshot(path=str(tmp_path / "two-factor-recovery-codes.png"), full_page=True)
    page.get_by_test_id("recovery-continue").click()
    page.wait_for_url("**/home/")
    expect(page.locator("h1")).to_be_visible()

    # the account-security page says since when; the next sign-in asks for the code
    page.goto(live_server.url + "/accounts/security/")
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("已启用")
    page.locator("header button.lm-user").click()
    page.get_by_role("button", name="退出").click()
    _password(page, live_server.url, "luoyang")
    page.wait_for_url("**/accounts/login/verify/")
    page.get_by_label("6 位验证码").fill(current_code(TOTPDevice.objects.get(user=luoyang)))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/home/")

"""Lockout in a real browser: the locked user's message, the security administrator's list
with 解除锁定, and signing in again after the unlock (issue 12, finding 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM, pass_second_factor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    folder = Path(os.environ.get("LIANMENG_SHOTS", str(ARTEFACTS)))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    if password == PASSWORD:
        pass_second_factor(page, username.strip())


@override_settings(LIANMENG_LOCKOUT_ATTEMPTS=3)
def test_locked_account_is_unlocked_by_the_security_administrator(page, live_server, make_user):
    make_user(["competent"], jurisdiction="410300", username="luoyang-t")
    make_user(["secadmin"], username="anquan-t")
    for _ in range(3):
        _sign_in(page, live_server.url, "  luoyang-t", "wrong-password")
    alert = page.locator(".alert-danger").inner_text()
    assert "该账号因连续多次密码错误已被锁定" in alert and "联系安全管理员" in alert
    _sign_in(page, live_server.url, "luoyang-t", PASSWORD)
    assert "已被锁定" in page.locator(".alert-danger").inner_text()
    _shot(page, "lockout-login")

    _sign_in(page, live_server.url, "anquan-t", PASSWORD)
    page.goto(live_server.url + "/security/")
    row = page.locator("tr", has_text="luoyang-t").first
    assert row.get_by_role("button", name="解除锁定").is_visible()
    assert "账号已锁定，已拒绝" in page.content()
    _shot(page, "lockout-security")
    row.get_by_role("button", name="解除锁定").click()
    assert "已解除账号 luoyang-t 的锁定" in page.content()
    assert "目前没有被锁定的账号。" in page.content()
    _shot(page, "lockout-unlocked")
    page.context.clear_cookies()  # a fresh browser for the owner

    _sign_in(page, live_server.url, "luoyang-t", PASSWORD)
    assert page.url.endswith("/home/")

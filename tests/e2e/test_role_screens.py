"""Role assignment in a real browser (issue 12, 三员分立): the security administrator opens
角色分配 from the security page, grants a role through the confirmation dialog, and — once the
sign-in is older than the re-authentication window — is asked for the password and code again
before a revocation is performed."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from lianmeng.core import clock
from lianmeng.core.models import RoleGrant
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


def _roles(username: str) -> set[str]:
    return set(RoleGrant.objects.filter(user__username=username).values_list("role", flat=True))


def test_grant_with_dialog_and_revoke_after_reauthentication(
    page, live_server, make_user, monkeypatch
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.two_factor import current_code

    make_user(["recommender"], jurisdiction="410300", username="luoyang-t")
    make_user(["secadmin"], username="anquan-t")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "anquan-t")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_factor(page, "anquan-t")

    page.goto(live_server.url + "/security/")
    page.get_by_role("link", name="打开角色分配").click()
    page.get_by_label("用户名或姓名").fill("luoyang")
    page.get_by_role("button", name="筛选").click()
    page.locator("tr", has_text="luoyang-t").get_by_role("link", name="管理角色").click()
    grant = page.get_by_test_id("role-grant")
    grant.get_by_label("角色", exact=True).select_option("competent")
    grant.get_by_label("理由（必填，记入审计日志）").fill("依据豫科〔2026〕3号通知")
    grant.get_by_role("button", name="分配角色").click()
    dialog = page.locator("dialog#confirm-grant")
    assert dialog.is_visible() and "确认分配角色？" in dialog.inner_text()
    _shot(page, "roles-grant-dialog")
    assert _roles("luoyang-t") == {"recommender"}  # nothing before confirming
    dialog.get_by_role("button", name="确认分配").click()
    page.wait_for_load_state()
    assert "已为账号 luoyang-t 分配“主管部门”角色。" in page.content()
    assert _roles("luoyang-t") == {"recommender", "competent"}
    _shot(page, "roles-granted")

    # eleven minutes later: the revocation is not performed until the password is confirmed
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr(clock, "session_now", lambda: later)
    held = page.get_by_test_id("roles-held")
    held.get_by_label("主管部门").check()
    held.get_by_label("理由（必填，记入审计日志）").fill("岗位调整")
    held.get_by_role("button", name="撤销所选角色").click()
    page.locator("dialog#confirm-revoke").get_by_role("button", name="确认撤销").click()
    page.wait_for_load_state()
    assert "/accounts/confirm/" in page.url
    assert "为保护数据安全，请再次输入密码后重新操作" in page.content()
    assert _roles("luoyang-t") == {"recommender", "competent"}
    _shot(page, "roles-reauth")
    page.get_by_label("密码").fill(PASSWORD)
    device = TOTPDevice.objects.get(user__username="anquan-t", confirmed=True)
    page.get_by_label("动态验证码").fill(current_code(device))
    page.get_by_role("button", name="验证并继续").click()
    page.wait_for_load_state()
    assert page.url.endswith("/roles/")
    held = page.get_by_test_id("roles-held")
    held.get_by_label("主管部门").check()
    held.get_by_label("理由（必填，记入审计日志）").fill("岗位调整")
    held.get_by_role("button", name="撤销所选角色").click()
    page.locator("dialog#confirm-revoke").get_by_role("button", name="确认撤销").click()
    page.wait_for_load_state()
    assert "已撤销账号 luoyang-t 的“主管部门”角色。" in page.content()
    assert _roles("luoyang-t") == {"recommender"}

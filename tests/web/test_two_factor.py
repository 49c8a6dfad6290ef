"""Issue 12: two-factor sign-in (TOTP with recovery codes), required for the three
administrators and the competent departments, optional for everyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianmeng.core import two_factor
from lianmeng.core.models import AuditEntry
from lianmeng.core.roles import TWO_FACTOR_ROLES, Role
from lianmeng.web.lockout import ACCOUNT_LOCKED, LOGIN_BLOCKED, LOGIN_FAILED
from tests.conftest import PASSWORD
from tests.two_factor import ENROL, VERIFY, current_code, enrol

LOGIN = "/accounts/login/"


def _password(client, user, **extra):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, **extra})


def _signed_in(client) -> bool:
    return client.get("/home/").status_code == 200


@pytest.fixture
def competent(make_user):
    return make_user([Role.COMPETENT], jurisdiction="410300")


@pytest.fixture
def recommender(make_user):
    return make_user([Role.RECOMMENDER], jurisdiction="410305")


def test_the_required_roles_are_the_administrators_and_the_competent_departments(
    make_user, make_unit
):
    from lianmeng.core.roles import JURISDICTION_ROLES, UNIT_ROLES

    assert TWO_FACTOR_ROLES == {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.COMPETENT}
    unit = make_unit("410305")
    for role in Role:
        user = make_user(
            [role],
            jurisdiction="230000" if role in JURISDICTION_ROLES else None,
            unit=unit if role in UNIT_ROLES else None,
        )
        assert user.requires_two_factor() == (role in TWO_FACTOR_ROLES), role
        assert two_factor.requires_two_factor(user) == (role in TWO_FACTOR_ROLES)


@pytest.mark.parametrize("role", ["auditadmin", "competent"])
def test_the_password_alone_opens_no_page_of_a_required_user(client, make_user, role):
    user = make_user([role], jurisdiction="410300" if role == "competent" else None)
    response = _password(client, user)
    assert response.status_code == 302 and response["Location"] == ENROL
    for path in ("/home/", "/audit/", "/proposals/", "/accounts/security/"):
        assert client.get(path)["Location"].startswith("/accounts/login/?next="), path
    assert client.get("/api/v1/tokens").status_code == 401
    assert not AuditEntry.objects.filter(action="lianmeng.auth.login.succeeded").exists()
    # with an authenticator bound the password leads to the code page, and still opens nothing
    enrol(user)
    client.logout()
    assert _password(client, user)["Location"] == VERIFY
    assert client.get("/home/").status_code == 302
    assert client.get("/api/v1/tokens").status_code == 401


def test_enrolment_at_sign_in_end_to_end(client, competent):
    response = _password(client, competent, next="/proposals/")
    assert response["Location"] == ENROL
    page = client.get(ENROL).content.decode()
    assert "绑定身份验证器" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, inline (CSP: img-src data:)
    device = TOTPDevice.objects.get(user=competent, confirmed=False)
    key = two_factor.manual_key(device)
    assert key in page and all(len(group) == 4 for group in key.split())
    # a reload shows the same QR code
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=competent).count() == 1

    codes_page = client.post(ENROL, {"code": current_code(device)})
    assert codes_page.status_code == 200
    html = codes_page.content.decode()
    assert "这些恢复码只显示这一次" in html
    shown = [t.token for t in StaticToken.objects.filter(device__user=competent)]
    assert len(shown) == 10
    for token in shown:
        assert f"{token[:4]}-{token[4:]}" in html
    assert 'href="/proposals/"' in html  # continue to the page asked for
    assert _signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action=two_factor.ENROLLED, object_id=str(competent.pk))
    assert AuditEntry.objects.filter(action="lianmeng.auth.login.succeeded").count() == 1

    # next sign-in asks for the code
    client.post("/accounts/logout/")
    assert _password(client, competent)["Location"] == VERIFY
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response["Location"] == "/home/"
    assert _signed_in(client)


def test_a_wrong_code_is_refused_counted_and_audited(client, competent):
    device = enrol(competent)
    _password(client, competent)
    page = client.post(VERIFY, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert page.status_code == 200
    assert "验证码不正确或已使用过" in page.content.decode()
    assert not _signed_in(client)
    entry = AuditEntry.objects.filter(action=LOGIN_FAILED).latest("id")
    assert entry.object_id == str(competent.pk)
    assert entry.summary["after"]["reason"] == "wrong_code"
    # the pending sign-in still stands: the right code now signs in
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 302 and _signed_in(client)


@override_settings(LIANMENG_LOCKOUT_ATTEMPTS=3)
def test_wrong_codes_lock_the_account_like_wrong_passwords(client, competent):
    device = enrol(competent)
    client.post(LOGIN, {"username": competent.username, "password": "wrong-password"})
    _password(client, competent)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": wrong}, follow=True)
    assert "已被锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action=ACCOUNT_LOCKED, object_id=str(competent.pk)).exists()
    # locked: neither the password nor a right code gets in
    page = _password(client, competent).content.decode()
    assert "已被锁定" in page
    assert client.get(VERIFY)["Location"] == LOGIN
    assert not _signed_in(client)


def test_verification_is_rate_limited_and_the_refusal_audited(client, competent, monkeypatch):
    import time

    import django_ratelimit.core

    window = int(time.time()) + 60
    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: window)
    device = enrol(competent)
    _password(client, competent)
    with override_settings(LIANMENG_LOCKOUT_ATTEMPTS=1000):
        for _ in range(10):
            client.post(VERIFY, {"code": "999999"})
        response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 429
    assert not _signed_in(client)
    entry = AuditEntry.objects.filter(action=LOGIN_BLOCKED).latest("id")
    assert entry.summary["after"] == {"username": competent.username, "reason": "rate_limited"}


def test_a_used_code_is_refused(client, competent):
    device = enrol(competent)
    _password(client, competent)
    code = current_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    _password(client, competent)
    page = client.post(VERIFY, {"code": code})
    assert page.status_code == 200 and "已使用过" in page.content.decode()
    assert not _signed_in(client)


def test_a_recovery_code_works_once(client, competent):
    device = enrol(competent)
    codes = two_factor.recovery_codes_renew(actor=competent)
    assert len(codes) == 10
    _password(client, competent)
    page = client.get(VERIFY + "?recovery=1").content.decode()
    assert "恢复码" in page
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert "还剩 9 个" in response.content.decode()
    assert AuditEntry.objects.filter(action=two_factor.RECOVERY_USED).count() == 1
    client.post("/accounts/logout/")
    _password(client, competent)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert not _signed_in(client)
    assert device.pk  # the authenticator is untouched


def test_an_optional_user_signs_in_with_the_password_until_enrolled(client, recommender):
    response = _password(client, recommender)
    assert response["Location"] == "/home/"
    page = client.get("/accounts/security/").content.decode()
    assert "启用双因素认证" in page
    client.get("/accounts/security/enrol/")
    device = TOTPDevice.objects.get(user=recommender, confirmed=False)
    response = client.post("/accounts/security/enrol/", {"code": current_code(device)})
    assert "这些恢复码只显示这一次" in response.content.decode()
    client.post("/accounts/logout/")
    assert _password(client, recommender)["Location"] == VERIFY
    assert not _signed_in(client)
    client.post(VERIFY, {"code": current_code(device)})
    assert _signed_in(client)
    page = client.get("/accounts/security/").content.decode()
    assert "已启用" in page and "剩余 10 个未使用的恢复码" in page

    # renewing the recovery codes needs a current code; the old codes stop working
    old = set(StaticToken.objects.filter(device__user=recommender).values_list("token", flat=True))
    client.post("/accounts/security/recovery-codes/", {"code": "bad"})
    assert set(StaticToken.objects.values_list("token", flat=True)) == old
    response = client.post("/accounts/security/recovery-codes/", {"code": current_code(device)})
    assert "这些恢复码只显示这一次" in response.content.decode()
    assert not old & set(StaticToken.objects.values_list("token", flat=True))
    assert AuditEntry.objects.filter(action=two_factor.RECOVERY_RENEWED).count() == 1

    # an optional user may remove it (with a current code): the password alone again
    client.post("/accounts/security/remove/", {"code": current_code(device)})
    assert not TOTPDevice.objects.filter(user=recommender).exists()
    assert AuditEntry.objects.filter(action=two_factor.REMOVED).count() == 1
    client.post("/accounts/logout/")
    assert _password(client, recommender)["Location"] == "/home/"


def test_removal_is_refused_for_a_required_role(client, competent, login):
    login(competent)
    device = TOTPDevice.objects.get(user=competent)
    page = client.get("/accounts/security/").content.decode()
    assert "必须使用双因素认证，不能移除" in page
    response = client.post(
        "/accounts/security/remove/", {"code": current_code(device)}, follow=True
    )
    assert "必须使用双因素认证，不能移除" in response.content.decode()
    assert "联系安全管理员重置" in response.content.decode()
    assert TOTPDevice.objects.filter(user=competent, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action=two_factor.REMOVED).exists()


def test_the_security_administrator_resets_a_lost_second_factor(client, make_user, competent):
    enrol(competent)
    two_factor.recovery_codes_renew(actor=competent)
    secadmin = make_user([Role.SECADMIN])
    client.force_login(secadmin)
    page = client.get("/security/").content.decode()
    assert "重置双因素认证" in page
    url = "/security/two-factor/reset/"
    # the identity check must be confirmed and a reason given
    client.post(url, {"username": competent.username, "reason": "手机丢失"})
    client.post(url, {"username": competent.username, "reason": "", "confirmed": "1"})
    assert TOTPDevice.objects.filter(user=competent).exists()
    response = client.post(
        url,
        {"username": competent.username, "reason": "手机丢失，已电话核实", "confirmed": "1"},
        follow=True,
    )
    assert "下次登录时须重新绑定" in response.content.decode()
    assert "所有浏览器上的登录均已退出" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=competent).exists()
    assert not StaticToken.objects.filter(device__user=competent).exists()
    entry = AuditEntry.objects.get(action=two_factor.RESET)
    assert entry.actor_id == secadmin.pk and entry.object_id == str(competent.pk)
    assert entry.summary["after"]["reason"] == "手机丢失，已电话核实"
    # the user enrols again at the next sign-in
    client.logout()
    assert _password(client, competent)["Location"] == ENROL


def test_a_reset_signs_the_user_out_everywhere(client, make_user, competent):
    """The lost phone may come with a signed-in browser: after the reset it is signed out,
    other accounts' sessions are untouched, and the audit entry says how many ended."""
    from django.test import Client

    enrol(competent)
    theirs, bystander = Client(), Client()
    theirs.force_login(competent)
    bystander.force_login(make_user([Role.RECOMMENDER], jurisdiction="410305"))
    assert _signed_in(theirs) and _signed_in(bystander)
    secadmin = make_user([Role.SECADMIN])
    two_factor.two_factor_reset(actor=secadmin, username=competent.username, reason="手机丢失")
    assert not _signed_in(theirs)
    assert _signed_in(bystander)
    entry = AuditEntry.objects.get(action=two_factor.RESET)
    assert entry.summary["after"]["sessions_ended"] == 1


def test_only_the_security_administrator_resets(client, make_user, competent):
    enrol(competent)
    client.force_login(make_user([Role.SYSADMIN]))
    response = client.post(
        "/security/two-factor/reset/",
        {"username": competent.username, "reason": "x", "confirmed": "1"},
    )
    assert response.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=competent).exists()


def test_the_pending_sign_in_expires_after_five_minutes(client, competent, monkeypatch):
    from lianmeng.core import clock

    device = enrol(competent)
    _password(client, competent)
    later = timezone.now() + timedelta(minutes=5, seconds=5)
    monkeypatch.setattr(clock, "session_now", lambda: later)
    response = client.post(VERIFY, {"code": current_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "5 分钟内未完成验证" in response.content.decode()
    assert not _signed_in(client)
    assert client.get(VERIFY)["Location"] == LOGIN


def test_the_code_page_without_a_password_sends_to_the_login(client, db):
    assert client.get(VERIFY)["Location"] == LOGIN
    assert client.post(ENROL, {"code": "123456"})["Location"] == LOGIN


def test_an_api_session_is_a_fully_signed_in_one(client, competent, login):
    _password(client, competent)
    assert client.get("/api/v1/tokens").status_code == 401
    client.logout()
    login(competent)
    assert client.get("/api/v1/tokens").status_code == 200


@pytest.mark.django_db
def test_demo_totp_prints_codes_of_the_demo_device_only(make_user, capsys):
    from lianmeng.cli import main
    from lianmeng.demo import DEMO_DEVICE_NAME, DEMO_TOTP_KEY

    demo = make_user([Role.COMPETENT], jurisdiction="410000", username="henan-demo")
    device = TOTPDevice.objects.create(
        user=demo, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
    )
    assert main(["demo", "totp", "henan-demo"]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    assert two_factor.verify_code(demo, code) == "totp"
    device.refresh_from_db()
    assert device.last_t >= 0

    real = make_user([Role.COMPETENT], jurisdiction="410300", username="real-user")
    enrol(real)  # a random key, as a real enrolment gives
    assert main(["demo", "totp", "real-user"]) == 2
    assert "没有演示设备" in capsys.readouterr().err
    # a device merely named like the demo one, with another key, is refused too
    TOTPDevice.objects.filter(user=real).update(name=DEMO_DEVICE_NAME)
    assert main(["demo", "totp", "real-user"]) == 2
    assert main(["demo", "totp", "nobody"]) == 2


def test_the_second_step_speaks_english_when_chosen(client, competent):
    enrol(competent)
    client.cookies["django_language"] = "en"
    _password(client, competent)
    page = client.get(VERIFY).content.decode()
    assert "Step 2: enter the code" in page and "Use a recovery code" in page
    page = client.post(VERIFY, {"code": "12"}).content.decode()
    assert "The code is wrong or has already been used" in page

"""Issue 12, finding 5: one normalisation of the user name for form, limiter and audit;
an audit entry for every refused attempt; account lockout with unlock by the security
administrator; password rules that refuse the user name and the site name."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.core.models import AuditEntry, User
from lianmeng.web.lockout import ACCOUNT_LOCKED, ACCOUNT_UNLOCKED, LOGIN_BLOCKED
from tests.conftest import PASSWORD
from tests.two_factor import second_step

LOCKED_MESSAGE = "该账号因连续多次密码错误已被锁定。请联系安全管理员"


@pytest.fixture
def one_window(monkeypatch):
    import django_ratelimit.core

    window = int(time.time()) + 60  # one fixed window, so the test cannot straddle two
    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: window)


def _post(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@override_settings(LIANMENG_LOCKOUT_ATTEMPTS=1000)
def test_padded_name_is_limited_like_the_name(client, make_user, one_window):
    user = make_user(["competent"], jurisdiction="410300", username="pinggu")
    for _ in range(10):
        assert _post(client, user.username, "nope").status_code == 200
    assert _post(client, user.username, PASSWORD).status_code == 429
    # the bypass of finding 5: leading spaces, full-width letters, an ideographic space
    for variant in ("  pinggu", "pinggu  ", "\u3000pinggu", "ｐｉｎｇｇｕ"):
        response = _post(client, variant, PASSWORD)
        assert response.status_code == 429, variant
        assert client.get("/home/").status_code == 302


def test_rate_limited_attempts_are_audited_with_the_normalised_name(client, make_user, one_window):
    user = make_user(["competent"], jurisdiction="410300", username="pinggu2")
    for _ in range(10):
        _post(client, user.username, "nope")
    assert not AuditEntry.objects.filter(action=LOGIN_BLOCKED).exists()
    _post(client, "  pinggu2", PASSWORD)
    entry = AuditEntry.objects.filter(action=LOGIN_BLOCKED).latest("id")
    assert entry.summary["after"] == {"username": "pinggu2", "reason": "rate_limited"}
    assert entry.object_id == str(user.pk)
    assert PASSWORD not in str(entry.summary)


def test_failed_attempt_is_audited_under_the_normalised_name(client, make_user):
    user = make_user(["competent"], jurisdiction="410300", username="pinggu3")
    _post(client, "  pinggu3 ", "nope")
    entry = AuditEntry.objects.filter(action="lianmeng.auth.login.failed").latest("id")
    assert entry.summary["after"]["username"] == "pinggu3"
    assert entry.object_id == str(user.pk)


def test_padded_name_with_right_password_signs_in(client, make_user):
    user = make_user(["competent"], jurisdiction="410300", username="pinggu4")
    response = _post(client, "  pinggu4", PASSWORD)
    assert response.status_code == 302
    # a competent department's code comes next (issue 12); the password alone opens nothing
    assert client.get("/home/").status_code == 302
    second_step(client, user, response)
    assert client.get("/home/").status_code == 200


@override_settings(LIANMENG_LOCKOUT_ATTEMPTS=3)
def test_lockout_and_unlock_by_the_security_administrator(client, make_user, login):
    victim = make_user(["competent"], jurisdiction="410300", username="pinggu5")
    for _ in range(2):
        assert "用户名或密码不正确" in _post(client, " pinggu5", "nope").content.decode()
    page = _post(client, "pinggu5", "nope").content.decode()
    assert LOCKED_MESSAGE in page  # the third failure locks
    assert AuditEntry.objects.filter(action=ACCOUNT_LOCKED, object_id=str(victim.pk)).count() == 1

    # even the right password is refused, before it is checked, and the refusal is audited
    response = _post(client, "pinggu5", PASSWORD)
    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.content.decode()
    assert "联系安全管理员" in response.content.decode()
    assert client.get("/home/").status_code == 302
    blocked = AuditEntry.objects.filter(action=LOGIN_BLOCKED).latest("id")
    assert blocked.summary["after"] == {"username": "pinggu5", "reason": "locked"}

    # the security administrator sees the account and unlocks it
    admin = make_user(["secadmin"], username="anquan-t")
    login(admin)
    page = client.get("/security/").content.decode()
    assert "被锁定的账号" in page and "pinggu5" in page and "解除锁定" in page
    assert client.get(f"/security/unlock/{victim.pk}/").status_code == 405
    response = client.post(f"/security/unlock/{victim.pk}/", follow=True)
    assert "已解除账号 pinggu5 的锁定" in response.content.decode()
    unlocked = AuditEntry.objects.filter(action=ACCOUNT_UNLOCKED).latest("id")
    assert unlocked.actor_id == admin.pk and unlocked.object_id == str(victim.pk)
    assert "目前没有被锁定的账号" in client.get("/security/").content.decode()
    # a second click says it is no longer locked and changes nothing
    response = client.post(f"/security/unlock/{victim.pk}/", follow=True)
    assert "未被锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action=ACCOUNT_UNLOCKED).count() == 1
    client.post("/accounts/logout/")

    # the earlier failures no longer count: the owner signs in
    assert _post(client, "pinggu5", PASSWORD).status_code == 302


@override_settings(LIANMENG_LOCKOUT_ATTEMPTS=2)
def test_only_the_security_administrator_unlocks(client, make_user, login):
    victim = make_user(["competent"], jurisdiction="410300")
    for _ in range(2):
        _post(client, victim.username, "nope")
    for role in ("sysadmin", "auditadmin", "competent"):
        kwargs = {"jurisdiction": "410000"} if role == "competent" else {}
        login(make_user([role], **kwargs))
        assert client.post(f"/security/unlock/{victim.pk}/").status_code in (403, 404)
        client.post("/accounts/logout/")
    assert LOCKED_MESSAGE in _post(client, victim.username, PASSWORD).content.decode()


def test_unknown_names_lock_nothing(client, db):
    for _ in range(12):
        _post(client, "nobody-here", "nope")
    assert not AuditEntry.objects.filter(action=ACCOUNT_LOCKED).exists()


# -- password rules ------------------------------------------------------------------------


def _refused(password: str, username: str = "pinggu") -> list[str]:
    try:
        validate_password(password, user=User(username=username))
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    "password",
    ["pinggu2026", "Pinggu123456", "PINGGU-2026!", "2026pinggu!!", "Ｐinggu20262026"],
)
def test_password_equal_to_the_user_name_plus_digits_is_refused(password):
    assert "密码不能是用户名，也不能是用户名加数字或符号。" in _refused(password)


@pytest.mark.parametrize(
    "password", ["lianmeng2026", "LianMeng@123456", "联盟管理平台2026", "联盟管理平台!@#123"]
)
def test_site_name_is_refused(password):
    assert any("本平台的名称" in m for m in _refused(password, "someone"))


@pytest.mark.parametrize(
    "password", ["woaini1314520", "qwe123456789", "1qaz2wsx3edc", "a1234567890"]
)
def test_common_chinese_passwords_are_refused(password):
    assert _refused(password, "someone")


def test_demo_and_fixture_passwords_pass():
    from lianmeng.demo import DEMO_PASSWORD

    for name in ("pinggu", "shenbao", "anquan", "luoyangftz", "zhuanjia-ly"):
        assert _refused(DEMO_PASSWORD, name) == []
        assert _refused(PASSWORD, name) == []


def test_english_messages(settings):
    from django.utils import translation

    with translation.override("en"):
        messages = _refused("pinggu2026")
    assert "The password must not be the user name" in " ".join(messages)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12),
    upper=st.lists(st.booleans(), min_size=12, max_size=12),
    before=st.text(alphabet="0123456789!@#.-_", max_size=4),
    after=st.text(alphabet="0123456789!@#.-_", min_size=0, max_size=10),
)
def test_any_case_and_digits_around_the_name_are_refused(name, upper, before, after):
    cased = "".join(c.upper() if u else c for c, u in zip(name, upper, strict=False))
    messages = _refused(before + cased + after, name)
    assert "密码不能是用户名，也不能是用户名加数字或符号。" in messages


def test_user_create_refuses_name_as_password_and_stores_the_normalised_name(db):
    from lianmeng.core.errors import ValidationFailed
    from lianmeng.core.services import user_create

    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=None, username="zhangsan", password="Zhangsan2026", roles=[])
    assert "用户名" in refused.value.message
    user = user_create(actor=None, username="  ｚｈａｎｇｓａｎ ", password=PASSWORD, roles=[])
    assert user.username == "zhangsan"

"""Sign-in, sign-out, rate limit and their audit entries; each role's own home page."""

from __future__ import annotations

import pytest

from lianmeng.core.models import AuditEntry
from lianmeng.web.security import LOGGED_OUT, LOGIN_FAILED, LOGIN_SUCCEEDED

UNIT_ROLES = {"applicant", "member", "expert", "evaluator"}
STAFF_ROLES = {"recommender", "competent", "coordination"}

HOME_TEXT = {
    "applicant": ("申报单位（牵头单位）工作台", "本单位的申报"),
    "member": ("成员单位工作台", "本单位的联盟成员关系"),
    "recommender": ("推荐部门工作台", "本辖区（涧西区）的申报"),
    "competent": ("主管部门工作台", "本辖区（涧西区）的申报"),
    "expert": ("评审专家工作台", "暂无评审任务"),
    "evaluator": ("第三方评估机构工作台", "暂无评估任务"),
    "coordination": ("协调小组工作台", "试点联盟遴选"),
    "sysadmin": ("系统管理员工作台", "账号与角色"),
    "secadmin": ("安全管理员工作台", "最近的登录失败"),
    "auditadmin": ("审计管理员工作台", "校验审计链"),
}


def _user_for(role, make_user, make_unit):
    if role in UNIT_ROLES:
        return make_user([role], unit=make_unit("410305", name="洛阳轴承测试有限公司"))
    if role in STAFF_ROLES:
        return make_user([role], jurisdiction="410305")
    return make_user([role])


@pytest.mark.parametrize("role", sorted(HOME_TEXT))
def test_each_role_signs_in_and_gets_its_own_home(client, make_user, make_unit, login, role):
    user = _user_for(role, make_user, make_unit)
    response = login(user)
    assert response.status_code == 302
    assert response["Location"] == "/home/"

    page = client.get("/home/").content.decode()
    heading, section = HOME_TEXT[role]
    assert f'<h1 class="h3 mb-1">{heading}</h1>' in page
    assert section in page
    others = [h for r, (h, _) in HOME_TEXT.items() if r != role]
    assert not any(f">{h}</h1>" in page for h in others)
    # the user menu names the place the user acts for
    assert (
        "洛阳轴承测试有限公司"
        if role in UNIT_ROLES
        else "涧西区"
        if role in STAFF_ROLES
        else "系统管理"
    ) in page


def test_navigation_follows_the_role(client, make_user, make_unit, login):
    login(make_user(["applicant"], unit=make_unit()))
    page = client.get("/home/").content.decode()
    assert "申报管理" in page
    assert "审计日志" not in page and "用户管理" not in page

    client.logout()
    login(make_user(["auditadmin"]))
    page = client.get("/home/").content.decode()
    assert "审计日志" in page
    assert "申报管理" not in page


def test_successful_login_is_audited(client, make_user, login):
    user = make_user(["sysadmin"])
    login(user)
    entry = AuditEntry.objects.filter(action=LOGIN_SUCCEEDED).latest("id")
    assert entry.actor_id == user.pk
    assert entry.ip == "127.0.0.1"


def test_failed_login_shows_chinese_error_and_is_audited(client, make_user):
    user = make_user(["sysadmin"])
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确，请重新输入。" in response.content.decode()
    entry = AuditEntry.objects.filter(action=LOGIN_FAILED).latest("id")
    assert entry.actor_id is None
    assert entry.summary["after"]["username"] == user.username
    assert "wrong-password" not in str(entry.summary)


def test_empty_login_form_says_what_is_missing(client, db):
    page = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "请填写用户名。" in page
    assert "请填写密码。" in page


def test_logout_is_post_only_and_audited(client, make_user, login):
    user = make_user(["secadmin"])
    login(user)

    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert client.get("/home/").status_code == 200  # still signed in

    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "您已安全退出。" in response.content.decode()
    assert client.get("/home/").status_code == 302
    entry = AuditEntry.objects.filter(action=LOGGED_OUT).latest("id")
    assert entry.actor_id == user.pk


def test_login_page_rate_limited_to_10_posts_a_minute(client, make_user, monkeypatch):
    import time

    import django_ratelimit.core

    window = int(time.time()) + 60  # one fixed window, so the test cannot straddle two
    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: window)
    user = make_user(["sysadmin"])
    for _ in range(10):
        response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录尝试过于频繁" in page
    assert "请等待一分钟后再试" in page
    # the right password does not get through the limit either
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/home/").status_code == 302
    # reading the page is not limited
    assert client.get("/accounts/login/").status_code == 200


def test_signed_in_user_opening_login_goes_home(client, make_user, login):
    login(make_user(["sysadmin"]))
    response = client.get("/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_login_redirects_to_next(client, make_user):
    from tests.conftest import PASSWORD
    from tests.two_factor import second_step

    user = make_user(["auditadmin"])
    response = client.post(
        "/accounts/login/?next=/audit/",
        {"username": user.username, "password": PASSWORD, "next": "/audit/"},
    )
    # an administrator's code comes first (tests/two_factor.py); the next page is kept
    assert response["Location"] == "/accounts/login/enrol/"
    response = second_step(client, user, response)
    assert response["Location"] == "/audit/"

"""Issue 12, sign-in: changing one's password and resetting a forgotten one by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from lianmeng.core.audit import AuditEntry
from lianmeng.core.roles import Role
from tests.conftest import PASSWORD

NEW = "Qingshan-Lvshui-2031"


@pytest.fixture
def user(make_unit, make_user):
    user = make_user([Role.APPLICANT], unit=make_unit("410305"), username="liming")
    user.email = "liming@example.cn"
    user.save(update_fields=["email"])
    return user


def test_change_needs_a_login(client, db):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_user_menu_links_to_the_change_page(client, login, user):
    login(user)
    assert 'href="/accounts/password/"' in client.get("/home/").content.decode()


def test_change_password(client, login, user):
    login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    assert "is-invalid" in wrong.content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/home/"
    assert "密码已修改" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEntry.objects.filter(action="lianmeng.auth.password.changed").count() == 1
    # still signed in in this browser
    assert client.get("/home/").status_code == 200


def test_change_refuses_a_weak_password(client, login, user):
    login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="lianmeng.auth.password.changed").exists()


def test_login_page_links_to_reset(client, db):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()


def test_reset_by_email(client, user, settings):
    settings.SITE_URL = "https://lianmeng.kjt.example.gov.cn"
    response = client.post("/accounts/password/reset/", {"email": "LiMing@example.cn"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "系统已向其发送重置密码的链接" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liming@example.cn"]
    assert "重置密码" in message.subject
    link = re.search(
        r"https://lianmeng\.kjt\.example\.gov\.cn(/accounts/password/reset/\S+/)", message.body
    )
    assert link, message.body
    assert "testserver" not in message.body
    assert AuditEntry.objects.filter(action="lianmeng.auth.password.reset_requested").count() == 1

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert done.redirect_chain[-1][0] == "/accounts/login/"
    assert "新密码已设置" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEntry.objects.filter(action="lianmeng.auth.password.reset").count() == 1
    # the link works once
    again = client.get(link.group(1), follow=True)
    assert "该重置链接无效或已过期" in again.content.decode()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, user):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"}, follow=True)
    assert "系统已向其发送重置密码的链接" in response.content.decode()
    assert mail.outbox == []


def test_reset_requests_are_rate_limited(client, user):
    answers = [
        client.post("/accounts/password/reset/", {"email": "liming@example.cn"}).status_code
        for _ in range(5)
    ]
    assert answers[:3] == [302, 302, 302]
    assert answers[3:] == [429, 429]
    assert len(mail.outbox) == 3


def test_password_pages_declare_access(db):
    from django.urls import get_resolver, reverse

    from lianmeng.core.access import LOGIN, PUBLIC, declared_access

    resolver = get_resolver()
    assert declared_access(resolver.resolve(reverse("web:password_change")).func) == LOGIN
    assert declared_access(resolver.resolve(reverse("web:password_reset")).func) == PUBLIC
    confirm = reverse("web:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"})
    assert declared_access(resolver.resolve(confirm).func) == PUBLIC

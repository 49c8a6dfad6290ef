"""Deny by default: every page declares who may open it; one that does not is closed."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from lianmeng.core.access import LOGIN, PUBLIC, declared_access


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def test_every_url_pattern_declares_access():
    checked = {}
    for route, view in _walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # the API authenticates each operation itself
        checked[route] = declared_access(view)
    assert len(checked) >= 14, checked
    undeclared = [route for route, access in checked.items() if access is None]
    assert undeclared == []
    assert checked[""] == PUBLIC
    assert checked["accounts/login/"] == PUBLIC
    assert checked["home/"] == LOGIN
    assert checked["proposals/"] == "proposals.list_proposals"
    assert checked["audit/verify/"] == "core.verify_audit"


@override_settings(ROOT_URLCONF="tests.web.undeclared_urls")
def test_view_without_declaration_answers_403_even_when_signed_in(client, make_user, login):
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert "此页面未开放" in response.content.decode()
    assert "秘密内容" not in response.content.decode()

    login(make_user(["sysadmin"]))
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert "秘密内容" not in response.content.decode()


@pytest.mark.parametrize("url", ["/home/", "/proposals/", "/audit/", "/admin-users/", "/security/"])
def test_closed_pages_send_visitors_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("applicant", "/audit/"),
        ("applicant", "/admin-users/"),
        ("sysadmin", "/audit/"),
        ("sysadmin", "/proposals/"),
        ("auditadmin", "/admin-users/"),
        ("secadmin", "/audit/"),
        ("expert", "/proposals/"),
    ],
)
def test_role_without_permission_gets_chinese_403(client, make_user, make_unit, login, role, url):
    unit = make_unit() if role in {"applicant", "expert"} else None
    login(make_user([role], unit=unit))
    response = client.get(url)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_unknown_address_gets_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_page_renders_without_request_context(rf):
    from django.utils import translation

    from lianmeng.ui.errors import server_error

    with translation.override("zh-hans"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统出现错误" in response.content.decode()

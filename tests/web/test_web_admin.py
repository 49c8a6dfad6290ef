"""Audit log, chain verification, users list and login failures (三员 pages)."""

from __future__ import annotations

import pytest
from django.db import connection

from lianmeng.core import triggers
from lianmeng.core.models import AuditEntry


def test_audit_log_lists_and_filters(client, make_user, make_unit, login):
    make_unit()  # one lianmeng.core.unit.created entry
    admin = make_user(["auditadmin"], username="shenji")
    login(admin)

    page = client.get("/audit/").content.decode()
    assert "lianmeng.core.unit.created" in page
    assert "lianmeng.auth.login.succeeded" in page

    page = client.get("/audit/?action=lianmeng.auth").content.decode()
    assert "lianmeng.auth.login.succeeded" in page
    assert "lianmeng.core.unit.created" not in page

    page = client.get("/audit/?actor=shenji").content.decode()
    assert "lianmeng.auth.login.succeeded" in page
    assert "lianmeng.core.unit.created" not in page


def test_verify_reports_an_intact_chain(client, make_user, login):
    login(make_user(["auditadmin"]))
    count = AuditEntry.objects.count()
    assert client.get("/audit/verify/").status_code == 405
    response = client.post("/audit/verify/", follow=True)
    assert f"审计链完整（共 {count} 条）" in response.content.decode()
    assert AuditEntry.objects.filter(action="lianmeng.audit.verified").exists()


def test_verify_names_a_tampered_entry(client, make_user, login):
    login(make_user(["auditadmin"]))
    victim = AuditEntry.objects.order_by("id").first()
    drop, create = (
        (triggers.SQLITE_DROP, triggers.SQLITE_CREATE)
        if connection.vendor == "sqlite"
        else (triggers.POSTGRES_DROP, triggers.POSTGRES_CREATE)
    )
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        for statement in drop:
            cursor.execute(statement)
        cursor.execute(
            "UPDATE core_auditentry SET object_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
        for statement in create:
            cursor.execute(statement)
    response = client.post("/audit/verify/", follow=True)
    page = response.content.decode()
    assert f"第 {victim.pk} 条记录被篡改：" in page
    assert "记录内容与其哈希不符" in page


def test_verify_needs_the_audit_administrator(client, make_user, login):
    login(make_user(["sysadmin"]))
    assert client.post("/audit/verify/").status_code == 403


def test_users_page_lists_accounts_with_roles(client, make_user, make_unit, login):
    make_user(["applicant"], unit=make_unit(), username="shenbao")
    make_user(["recommender"], jurisdiction="410305", username="tuijian")
    login(make_user(["sysadmin"]))
    page = client.get("/admin-users/").content.decode()
    assert "shenbao" in page and "申报单位（牵头单位）" in page
    assert "tuijian" in page and "推荐部门" in page and "涧西区" in page


def test_users_page_query_count_does_not_grow(client, make_user, make_unit, login):
    from django.test.utils import CaptureQueriesContext

    login(make_user(["sysadmin"]))
    client.get("/admin-users/")  # shows (and clears) the welcome message once
    with CaptureQueriesContext(connection) as few:
        client.get("/admin-users/")
    for _ in range(4):
        make_user(["applicant", "member"], unit=make_unit())
    with CaptureQueriesContext(connection) as more:
        client.get("/admin-users/")
    assert len(few) == len(more)


def test_security_page_shows_login_failures(client, make_user, login):
    client.post("/accounts/login/", {"username": "mallory", "password": "guess"})
    login(make_user(["secadmin"]))
    page = client.get("/security/").content.decode()
    assert "mallory" in page
    assert "127.0.0.1" in page
    home = client.get("/home/").content.decode()
    assert "mallory" in home


@pytest.mark.parametrize("role", ["sysadmin", "auditadmin"])
def test_security_page_is_for_the_security_administrator_only(client, make_user, login, role):
    login(make_user([role]))
    assert client.get("/security/").status_code == 403

"""Issue 12, sign-in: a session ends after 30 minutes without a request (setting
LIANMENG_SESSION_IDLE_MINUTES) and after 12 hours whatever happens (LIANMENG_SESSION_MAX_HOURS).
The clock is core.clock.session_now(), pinned here; the business clock (core.clock.now())
moving by days, as the review tests do, signs nobody out."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest

from lianmeng.core import clock
from lianmeng.core.audit import AuditEntry
from lianmeng.core.roles import Role

START = datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING)


@pytest.fixture
def tick(monkeypatch):
    state = {"now": START}
    monkeypatch.setattr(clock, "session_now", lambda: state["now"])

    def advance(**delta):
        state["now"] = state["now"] + timedelta(**delta)

    return advance


@pytest.fixture
def user(make_unit, make_user):
    return make_user([Role.APPLICANT], unit=make_unit("410305"))


def test_activity_keeps_the_session_alive(client, login, user, tick):
    login(user)
    for _ in range(5):  # 5 × 25 minutes of work, never 30 idle
        tick(minutes=25)
        assert client.get("/home/").status_code == 200


def test_thirty_idle_minutes_sign_out_with_a_message_and_next(client, login, user, tick):
    login(user)
    assert client.get("/home/").status_code == 200
    tick(minutes=31)
    response = client.get("/proposals/?status=draft")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + quote("/proposals/?status=draft")
    page = client.get(response["Location"])
    assert "您已超过 30 分钟未操作，请重新登录" in page.content.decode()
    # signed out for good: the next page asks for the login again, without a message
    assert client.get("/home/").status_code == 302
    assert AuditEntry.objects.filter(action="lianmeng.auth.logout").exists()


def test_idle_minutes_is_a_setting(client, login, user, tick, settings):
    settings.LIANMENG_SESSION_IDLE_MINUTES = 5
    login(user)
    tick(minutes=4)
    assert client.get("/home/").status_code == 200
    tick(minutes=6)
    response = client.get("/home/")
    assert response.status_code == 302
    assert "5 分钟" in client.get(response["Location"]).content.decode()


def test_absolute_timeout_ends_even_a_busy_session(client, login, user, tick, settings):
    settings.LIANMENG_SESSION_MAX_HOURS = 12
    login(user)
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        tick(minutes=20)
        if client.get("/home/").status_code != 200:
            break
    tick(minutes=20)
    response = client.get("/home/")
    assert response.status_code == 302
    assert "12 小时" in client.get(response["Location"]).content.decode()


def test_an_expired_post_changes_nothing_and_returns_to_the_form(client, login, user, tick):
    login(user)
    client.get("/home/")
    tick(hours=1)
    response = client.post("/accounts/password/", {"old_password": "x"}, HTTP_REFERER="/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


def test_english_message(client, login, user, tick):
    login(user)
    client.cookies["django_language"] = "en"
    tick(minutes=45)
    response = client.get("/home/")
    page = client.get(response["Location"]).content.decode()
    assert "30 minutes" in page


def test_moving_the_business_calendar_signs_nobody_out(client, login, user, monkeypatch):
    login(user)
    monkeypatch.setattr(clock, "now", lambda: START + timedelta(days=20))
    assert client.get("/home/").status_code == 200

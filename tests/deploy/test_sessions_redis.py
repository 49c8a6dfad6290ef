"""Sessions with REDIS_URL: read from Redis by any app server, each with its row in the
database behind (``cached_db``), so the security administrator can still end every session of
an account; without Redis, in the database as before."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from lianmeng.core.sessions import end_sessions
from tests.conftest import PASSWORD

from .conftest import REDIS_URL, redis_up, settings_from_env

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def test_redis_url_puts_sessions_in_redis_before_the_database():
    with_redis = settings_from_env({"REDIS_URL": "redis://cache.example:6379/3"}, "SESSION_ENGINE")
    assert with_redis["SESSION_ENGINE"] == CACHED_DB
    without = settings_from_env({}, "SESSION_ENGINE")
    assert without["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


@pytest.fixture
def redis_sessions(settings):
    if not redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.SESSION_ENGINE = CACHED_DB
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()


def _session_keys(server) -> list[bytes]:
    return [k for k in server.keys("*") if b"sessions.cached_db" in k]


@pytest.mark.django_db
def test_a_session_in_redis_is_ended_everywhere_by_the_security_administrator(
    redis_sessions, client, make_user, make_unit
):
    user = make_user(["applicant"], unit=make_unit())
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()  # the row behind
    assert [k for k in _session_keys(redis_sessions) if key.encode() in k]  # read from Redis
    assert client.get("/home/").status_code == 200

    assert end_sessions(user) == 1
    assert not Session.objects.filter(session_key=key).exists()
    assert not [k for k in _session_keys(redis_sessions) if key.encode() in k]
    response = client.get("/home/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

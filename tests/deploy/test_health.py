"""``/healthz`` (the process answers) and ``/readyz`` (database, Redis when configured, file
storage): JSON, 200 or 503, for a balancer that probes each server by its own address over
plain HTTP, without signing in and without being told any secret."""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404 - our own interpreter, no shell
import sys

import pytest

from .conftest import BUCKET, REDIS_URL, closed_port, redis_up, s3_env

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: every other page redirects to https
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")  # not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no language cookie
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code in {301, 400}


def test_readyz_checks_the_database_and_the_storage(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage"}  # no Redis configured: not checked
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    # the probe object was written, read back and deleted
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def test_readyz_is_503_when_the_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the files directory should be")
    settings.MEDIA_ROOT = blocker
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is False
    assert str(tmp_path) not in response.content.decode()  # no paths, no messages


def test_readyz_is_503_when_redis_is_down_and_says_no_secret(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.REDIS_URL = f"redis://:s3cret-password@127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["redis"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": body["checks"]["redis"]["ms"],
    }
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    text = response.content.decode()
    assert "s3cret" not in text and "redis://" not in text


@pytest.mark.skipif(not redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_readyz_with_redis_up_reports_the_queue_length(client, settings, tmp_path):
    import redis

    settings.MEDIA_ROOT = tmp_path / "files"
    settings.REDIS_URL = REDIS_URL
    server = redis.Redis.from_url(REDIS_URL)
    server.delete("celery")
    server.rpush("celery", "a waiting task", "another")
    try:
        response = client.get("/readyz")
    finally:
        server.delete("celery")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"]["queued"] == 2


def test_readyz_with_the_object_store_writes_and_removes_its_probe(client, s3_storage, settings):
    s3, prefix = s3_storage
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"]["ok"] is True
    left = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/readyz/").get("KeyCount", 0)
    assert left == 0


def test_readyz_is_503_when_the_object_store_is_unreachable(client, settings):
    from .conftest import settings_from_env

    storages = settings_from_env(s3_env(f"http://127.0.0.1:{closed_port()}", "x"), "STORAGES")
    settings.STORAGES = storages["STORAGES"]
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_readyz_is_503_when_the_database_is_down(tmp_path):
    """A fresh process whose DATABASE_URL points at a port where nothing listens."""
    code = (
        "import json, os, django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'lianmeng.config.settings';"
        "django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LIANMENG_S3_") and k not in {"REDIS_URL", "DATABASE_URL"}
    }
    env["DATABASE_URL"] = f"postgres://lianmeng:pw@127.0.0.1:{closed_port()}/lianmeng"
    env["LIANMENG_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["checks"]["database"]["ok"] is False
    assert answer["body"]["checks"]["database"]["error"] == "OperationalError"
    assert answer["body"]["checks"]["storage"]["ok"] is True


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz")["Allow"] == "GET, HEAD"
    assert client.head("/healthz").status_code == 200

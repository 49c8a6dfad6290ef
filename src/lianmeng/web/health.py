"""``/healthz`` and ``/readyz`` for load balancers, process managers and monitoring.

- ``/healthz``: the process answers. It touches nothing else, so a database outage does not
  make every app server "dead" and restarted in a loop.
- ``/readyz``: this server can do its work: the database answers ``SELECT 1``, Redis answers a
  PING when ``REDIS_URL`` is set (and the length of the task queue is reported), and the file
  storage (local disk or the S3-compatible store) takes a tiny object, gives it back and
  deletes it. 200 when every check passes, else 503.

Both answer JSON without authentication and without secrets: a failed check names the
exception's class, never its message (which may hold a host name or a password of a URL).
:class:`HealthCheckMiddleware` answers them first in ``MIDDLEWARE``: no session, locale, host
check or HTTPS redirect is spent on a probe (a balancer probes the server's own address over
plain HTTP), and no rate limit applies. The URL routes (``lianmeng.web.urls_health``) are the
same views for a set-up whose middleware list leaves the shortcut out.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from lianmeng.core.access import public

PROBE = b"lianmeng readyz"
#: Redis clients by URL, kept between probes (one connection pool each)
_redis_clients: dict[str, Any] = {}


def _answer(status: str, checks: dict[str, Any] | None = None, code: int = 200) -> HttpResponse:
    body: dict[str, Any] = {"status": status}
    if checks is not None:
        body["checks"] = checks
    response = JsonResponse(body, status=code, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_allowed() -> HttpResponse:
    response = _answer("method not allowed", code=405)
    response["Allow"] = "GET, HEAD"
    return response


def _timed(check: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        extra = check() or {}
    except Exception as exc:  # noqa: BLE001 - any failure makes the server not ready
        return {
            "ok": False,
            "error": type(exc).__name__,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **extra}


def check_database() -> dict[str, Any] | None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # the next probe or request opens a fresh connection
        raise
    return None


def _redis(url: str) -> Any:
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        _redis_clients[url] = client
    return client


def check_redis(url: str) -> dict[str, Any]:
    """PING, and the number of tasks waiting in the Celery queue (for monitoring)."""
    client = _redis(url)
    client.ping()
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    return {"queued": int(client.llen(queue))}


def check_storage() -> dict[str, Any] | None:
    """Write, read back and delete a tiny object where uploads go."""
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != PROBE:
                raise OSError("read back differs")
    finally:
        default_storage.delete(name)
    return None


@public
def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed()
    return _answer("ok")


@public
def readyz(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed()
    checks = {"database": _timed(check_database)}
    if url := getattr(settings, "REDIS_URL", "") or "":
        checks["redis"] = _timed(lambda: check_redis(url))
    checks["storage"] = _timed(check_storage)
    ready = all(check["ok"] for check in checks.values())
    return _answer("ok" if ready else "unavailable", checks, 200 if ready else 503)


PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two probes before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = PATHS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)

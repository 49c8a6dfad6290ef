"""Ending an account's sessions everywhere (the security administrator's reset of a lost
second factor signs the account out on every browser where it is still signed in).

The site keeps its sessions in the database, and with ``REDIS_URL`` also in Redis in front of it
(``cached_db``: requests read Redis, every session still has its row). A session lives at most
``LIANMENG_SESSION_MAX_HOURS``, so the unexpired rows are few and :func:`end_sessions` reads
them all; each is ended through the session engine, which removes the Redis copy as well. It
is for rare administrative acts, never for a request of the user themselves.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from . import clock
from .models import User

DB_ENGINE = "django.contrib.sessions.backends.db"
#: the engines that keep a row per session (config/settings.py picks one of them)
ENGINES = {DB_ENGINE, "django.contrib.sessions.backends.cached_db"}


def end_sessions(user: User) -> int:
    """Delete every unexpired session signed in as ``user``; how many were ended."""
    if settings.SESSION_ENGINE not in ENGINES:  # pragma: no cover - the settings pick one
        raise RuntimeError(f"end_sessions needs one of {ENGINES}, not {settings.SESSION_ENGINE}")
    from django.contrib.sessions.models import Session

    mine = []
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            mine.append(session.session_key)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in mine:
        store(session_key=key).delete()  # the row, and the Redis copy under cached_db
    return len(mine)

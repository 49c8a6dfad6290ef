"""Ending an account's sessions everywhere (the security administrator's reset of a lost
second factor signs the account out on every browser where it is still signed in).

The site keeps its sessions in the database (Django's default engine; ``SESSION_ENGINE`` is not
changed by the settings). A session lives at most ``LIANMENG_SESSION_MAX_HOURS``, so the
unexpired ones are few and :func:`end_sessions` reads them all; it is for rare administrative
acts, never for a request of the user themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from . import clock
from .models import User

DB_ENGINE = "django.contrib.sessions.backends.db"


def end_sessions(user: User) -> int:
    """Delete every unexpired session signed in as ``user``; how many were ended."""
    if settings.SESSION_ENGINE != DB_ENGINE:  # pragma: no cover - the settings keep the default
        raise RuntimeError(f"end_sessions needs {DB_ENGINE}, not {settings.SESSION_ENGINE}")
    from django.contrib.sessions.models import Session

    mine = []
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            mine.append(session.session_key)
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)

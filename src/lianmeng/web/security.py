"""Sign-in events in the audit trail: every success, failure and sign-out is one entry.

The receivers are connected in ``WebConfig.ready()``. Each writes its entry in its own
transaction, as ``audit_record`` requires; a failure to audit a sign-in fails the sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.http import HttpRequest

from lianmeng.core.audit import audit_record
from lianmeng.core.credentials import normalise_username
from lianmeng.core.models import User

from . import lockout

LOGIN_SUCCEEDED = "lianmeng.auth.login.succeeded"
LOGIN_FAILED = lockout.LOGIN_FAILED
LOGIN_BLOCKED = lockout.LOGIN_BLOCKED
LOGGED_OUT = "lianmeng.auth.logout"


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=LOGIN_SUCCEEDED, obj=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password; keep only the name that was tried, in the
    # normalisation the form, the limiter and the lockout use. The account (if there is one)
    # is the entry's object, so the lockout counts its failures.
    username = normalise_username(credentials.get("username"))[:150]
    with transaction.atomic():
        account = User.objects.filter(username=username).first() if username else None
        audit_record(actor=None, action=LOGIN_FAILED, obj=account, after={"username": username})
        if account is not None:
            lockout.note_failure(account)


def login_blocked(username: object, reason: str) -> None:
    """Audit a sign-in refused before the password was checked: ``reason`` is
    ``rate_limited`` or ``locked``."""
    name = normalise_username(username)[:150]
    with transaction.atomic():
        account = User.objects.filter(username=name).first() if name else None
        audit_record(
            actor=None,
            action=LOGIN_BLOCKED,
            obj=account,
            after={"username": name, "reason": reason},
        )


REAUTH_SUCCEEDED = "lianmeng.auth.reauth"


def reauth_failed(user: User, reason: str) -> bool:
    """A wrong password (or code) on the re-authentication page: recorded as a failed sign-in
    of ``user`` (``via: reauth``), so it counts towards the lockout. True if it locked."""
    with transaction.atomic():
        audit_record(
            actor=user,
            action=LOGIN_FAILED,
            obj=user,
            after={"username": user.username, "via": "reauth", "reason": reason},
        )
        return lockout.note_failure(user)


def reauth_succeeded(user: User) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=REAUTH_SUCCEEDED, obj=user)


def code_failed(user: User, reason: str, *, via: str = "login") -> bool:
    """A wrong second-factor code (``reason``: ``wrong_code``): recorded as a failed sign-in
    of ``user``, so it counts towards the same lockout as a wrong password. True if it
    locked the account."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=LOGIN_FAILED,
            obj=user,
            after={"username": user.username, "via": via, "reason": reason},
        )
        return lockout.note_failure(user)


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # logging out a visitor who was not signed in changes nothing
        return
    with transaction.atomic():
        audit_record(actor=user, action=LOGGED_OUT, obj=user)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="lianmeng.web.security.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="lianmeng.web.security.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="lianmeng.web.security.logout")

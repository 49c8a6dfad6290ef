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
from lianmeng.core.models import User

LOGIN_SUCCEEDED = "lianmeng.auth.login.succeeded"
LOGIN_FAILED = "lianmeng.auth.login.failed"
LOGGED_OUT = "lianmeng.auth.logout"


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=LOGIN_SUCCEEDED, obj=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password; keep only the name that was tried.
    username = str(credentials.get("username") or "")[:150]
    with transaction.atomic():
        audit_record(actor=None, action=LOGIN_FAILED, after={"username": username})


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # logging out a visitor who was not signed in changes nothing
        return
    with transaction.atomic():
        audit_record(actor=user, action=LOGGED_OUT, obj=user)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="lianmeng.web.security.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="lianmeng.web.security.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="lianmeng.web.security.logout")

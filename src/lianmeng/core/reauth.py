"""Re-authentication before sensitive actions (issue 12, 身份鉴别).

Publishing decisions, granting or revoking roles and downloading exports that carry personal
data need a password typed within the last ``LIANMENG_REAUTH_MINUTES`` (10). The session holds
the moment of the last proof (:func:`stamp`): set when the user signs in (``user_logged_in``,
connected in ``CoreConfig.ready``) and when the user confirms the password again on
``/accounts/confirm/`` (``web.views_reauth``). Time is :func:`lianmeng.core.clock.session_now`.

A view opts in with :func:`recent_auth`, stacked under the access declaration::

    @permission("alliances.decide")
    @recent_auth
    @require_POST
    def decisions_publish(request): ...

A stale GET is sent to the confirm page with ``next`` = the page asked for; a stale POST is
**not** performed: the user is sent to the confirm page with ``next`` = the page the form was on
(its same-host Referer, else the home page) and asked to repeat the action afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import clock
from .errors import PermissionDenied

V = TypeVar("V", bound=Callable[..., Any])
SESSION_KEY = "lianmeng_reauth_at"
#: attribute a decorated view carries, so tests and the docs can list the guarded views
ATTR = "_lianmeng_recent_auth"
CONFIRM_URL_NAME = "web:reauth"
HOME_URL_NAME = "web:home"


def window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "LIANMENG_REAUTH_MINUTES", 10)))


def stamp(request: HttpRequest) -> None:
    """Record that the user has just proved who they are (password, and code if any)."""
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = clock.session_now().timestamp()


def on_login(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """``user_logged_in`` receiver: signing in is a fresh proof."""
    if request is not None:
        stamp(request)


def is_recent(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    at = session.get(SESSION_KEY)
    if not isinstance(at, int | float):
        return False
    age = clock.session_now().timestamp() - at
    return 0 <= age <= window().total_seconds()


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """``candidate`` as a path on this site, or None (no open redirect)."""
    if not candidate:
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(candidate)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def confirm_url(next_url: str) -> str:
    return f"{reverse(CONFIRM_URL_NAME)}?{urlencode({'next': next_url})}"


def stale_response(request: HttpRequest) -> HttpResponse:
    """Where a request that needs a recent proof goes when it has none."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(confirm_url(request.get_full_path()))
    back = safe_next(request, request.headers.get("referer")) or reverse(HOME_URL_NAME)
    messages.warning(request, _("为保护数据安全，请再次输入密码后重新操作。"))
    return HttpResponseRedirect(confirm_url(back))


def recent_auth(view: V) -> V:
    """Perform ``view`` only with a proof younger than :func:`window`."""

    @functools.wraps(view)  # keeps the access declaration (__dict__ is copied)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_recent(request):
            return stale_response(request)
        return view(request, *args, **kwargs)

    setattr(guarded, ATTR, True)
    return guarded  # type: ignore[return-value]


def ensure_recent(request: HttpRequest) -> None:
    """For services reached with the browser session outside a view (the API): refuse
    (403, one error shape) without a recent proof."""
    if not is_recent(request):
        raise PermissionDenied(
            _(
                "此操作须在 %(minutes)s 分钟内验证过密码。请在网页上打开“再次验证身份”"
                "页面（/accounts/confirm/）输入密码后重试。"
            )
            % {"minutes": int(window().total_seconds() // 60)}
        )


__all__ = [
    "ensure_recent",
    "is_recent",
    "on_login",
    "recent_auth",
    "safe_next",
    "stale_response",
    "stamp",
    "window",
]

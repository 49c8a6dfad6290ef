"""Who is calling: an API token (machines) or the logged-in browser session (people).

``Authorization: Bearer <key>`` is tried first. A browser that is logged in to the web UI may
call the API with its session cookie, but then — as for any cookie-authenticated write — the
CSRF token must accompany unsafe methods; a token in a header needs no CSRF protection because
browsers never attach it on their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from lianmeng.core.models import ApiToken, User
from lianmeng.core.tokens import token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``: the key's SHA-256 among tokens not revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = token_authenticate(token.strip())
        if api_token is None:
            return None
        request.user = api_token.user
        return api_token


class SessionAuth(APIKeyCookie):
    """The web UI's session, with CSRF checked on unsafe methods.

    Unlike ninja's ``django_auth`` it looks at the session before checking CSRF, so a caller
    with no credentials at all is told to authenticate (401) instead of "CSRF failed" (403).
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


token_auth = TokenAuth()
session_auth = SessionAuth()
#: every operation that does not say otherwise
DEFAULT_AUTH = [token_auth, session_auth]


def require_recent_session(request: HttpRequest) -> None:
    """Sensitive operations (creating a token, publishing decisions, exporting a proposal's
    personal data) called with the browser session need the same recent re-authentication as
    the web pages (``core.reauth``): 403 otherwise. A call with a token needs none — the token
    itself was created from a recently re-authenticated session and can be revoked."""
    from lianmeng.core.reauth import ensure_recent

    if not isinstance(getattr(request, "auth", None), ApiToken):
        ensure_recent(request)

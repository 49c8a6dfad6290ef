from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .access import check_view_access
from .context import client_ip


class RequestContextMiddleware:
    """Records the client address for the audit trail and enforces deny-by-default access."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):  # noqa: ANN001
        return check_view_access(request, view_func, view_kwargs)


# -- headers and session lifetime (issue 12) -----------------------------------------------


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    # the API authenticates per operation (bearer token); its answers are personal too
    return bool(getattr(request, "auth", None)) or "HTTP_AUTHORIZATION" in request.META


class NoStoreForSignedInMiddleware:
    """Every answer to a signed-in user (page, JSON, PDF, XLSX) is ``Cache-Control: no-store``:
    no browser cache, shared proxy or back button keeps personal data after sign-out.
    Answers to visitors keep whatever caching the view chose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            from django.utils.cache import add_never_cache_headers

            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        return response


SESSION_STARTED = "_lianmeng_started"
SESSION_SEEN = "_lianmeng_seen"


class SessionTimeoutMiddleware:
    """Idle timeout (``LIANMENG_SESSION_IDLE_MINUTES``, 30 by default) and absolute timeout
    (``LIANMENG_SESSION_MAX_HOURS``, 12) of a signed-in session, measured on
    ``core.clock.session_now()``.

    On expiry the user is signed out (audited like any sign-out) and sent to the login page
    with ``next=`` and a message saying why; an API call just loses its session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from . import clock

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = clock.session_now().timestamp()
        idle = int(getattr(settings, "LIANMENG_SESSION_IDLE_MINUTES", 30))
        max_hours = int(getattr(settings, "LIANMENG_SESSION_MAX_HOURS", 12))
        session = request.session
        started = session.get(SESSION_STARTED)
        seen = session.get(SESSION_SEEN)
        if started is None or seen is None:
            session[SESSION_STARTED] = started = now if started is None else started
            session[SESSION_SEEN] = seen = now if seen is None else seen
        if idle > 0 and now - seen > idle * 60:
            return self._expire(request, "idle", idle)
        if max_hours > 0 and now - started > max_hours * 3600:
            return self._expire(request, "absolute", max_hours)
        if now - seen >= 30:  # written at most twice a minute, not on every request
            session[SESSION_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def stamp(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
        """``user_logged_in`` receiver: a new sign-in starts both clocks."""
        from . import clock

        if request is not None and hasattr(request, "session"):
            now = clock.session_now().timestamp()
            request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = now

    def _expire(self, request: HttpRequest, why: str, amount: int) -> HttpResponse:
        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        path = request.get_full_path()
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if why == "idle":
            text = _("您已超过 %(minutes)s 分钟未操作，请重新登录。") % {"minutes": amount}
        else:
            text = _("本次登录已超过 %(hours)s 小时，请重新登录。") % {"hours": amount}
        messages.warning(request, text)
        if request.method != "GET":
            path = request.META.get("HTTP_REFERER", "") or path
            from django.utils.http import url_has_allowed_host_and_scheme

            if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
                path = "/"
        return redirect_to_login(path, settings.LOGIN_URL)


def content_security_policy() -> str:
    """No inline script, style or handler anywhere; PDFs of the reading view are same-origin."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'self'",
            "frame-ancestors 'self'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """``Content-Security-Policy`` on every HTML answer (``Report-Only`` when the setting
    ``LIANMENG_CSP_REPORT_ONLY`` is true)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "LIANMENG_CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        response.headers.setdefault(header, content_security_policy())
        return response

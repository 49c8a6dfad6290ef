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

"""Deny by default: a view is reachable only when it declares who may open it.

Every view is decorated with ``@public``, ``@login_only`` or ``@permission("app.perm")``
(a django-rules permission). A view that declares nothing is closed to everyone, so a
forgotten decorator fails safe. The API (django-ninja) authenticates per operation
itself and is exempt here. The check is the first gate only: selectors and services
check again with the object in hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

V = TypeVar("V", bound=Callable[..., Any])
PUBLIC = "__public__"
LOGIN = "__login__"
ATTR = "_lianmeng_access"


def public(view: V) -> V:
    setattr(view, ATTR, PUBLIC)
    return view


def login_only(view: V) -> V:
    setattr(view, ATTR, LOGIN)
    return view


def permission(perm: str) -> Callable[[V], V]:
    def decorate(view: V) -> V:
        setattr(view, ATTR, perm)
        return view

    return decorate


def declared_access(view_func: Callable[..., Any]) -> str | None:
    access = getattr(view_func, ATTR, None)
    if access is None and hasattr(view_func, "view_class"):
        access = getattr(view_func.view_class, ATTR, None)
    return access


def _is_api_view(view_func: Callable[..., Any]) -> bool:
    owner = getattr(view_func, "__self__", None)
    module = getattr(owner or view_func, "__module__", "") or ""
    return module.startswith("ninja")


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return TemplateResponse(
        request,
        "ui/error.html",
        {
            "status": 403,
            "title": "无权访问",
            "message": message
            or "您没有访问此页面的权限。如需开通，请联系本单位或本部门的系统管理员。",
        },
        status=403,
    )


def check_view_access(
    request: HttpRequest, view_func: Callable[..., Any], view_kwargs: dict[str, Any]
) -> HttpResponse | None:
    if _is_api_view(view_func):
        return None
    access = declared_access(view_func)
    if access == PUBLIC:
        return None
    if access is None:
        return forbidden(request, "此页面未开放。")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if access == LOGIN or request.user.has_perm(access):
        return None
    return forbidden(request)

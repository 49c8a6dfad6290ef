"""The Chinese error page, and the 403/404/500 handlers of ``config.urls``.

Every app answers a refusal, a missing object or a bad request with :func:`error_page`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianmeng.core.access import public

ERROR_TEMPLATE = "ui/error.html"

# Messages core.access passes to ui/error.html untranslated; marked here for the catalogue.
_CORE_MESSAGES = (
    gettext_noop("无权访问"),
    gettext_noop("您没有访问此页面的权限。如需开通，请联系本单位或本部门的系统管理员。"),
    gettext_noop("此页面未开放。"),
    gettext_noop("未找到该申报，或您无权查看。"),
    gettext_noop("上一条记录的哈希不符（记录被删除或插入）"),
    gettext_noop("记录内容与其哈希不符（记录被篡改）"),
)


def error_page(request: HttpRequest | None, status: int, title: str, message: str) -> HttpResponse:
    """The Chinese error page (same contract as ``core.access.forbidden``)."""
    context = {"status": status, "title": title, "message": message}
    if request is None:
        return HttpResponse(loader.render_to_string(ERROR_TEMPLATE, context), status=status)
    return render(request, ERROR_TEMPLATE, context, status=status)


# -- error handlers (config.urls handler404/403/500) -------------------------------------


@public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        404,
        _("页面不存在"),
        _("您访问的页面不存在或已被移除。请检查地址，或从首页重新进入。"),
    )


@public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        403,
        _("无权访问"),
        _("您没有访问此页面的权限。如需开通，请联系本单位或本部门的系统管理员。"),
    )


@public
def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    return error_page(
        None,
        500,
        _("系统出现错误"),
        _("服务器处理请求时出错，已记录。请稍后再试；如问题持续，请联系系统管理员。"),
    )

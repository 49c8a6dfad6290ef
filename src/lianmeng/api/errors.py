"""One error shape for the whole API: ``{"code": str, "message": 中文, "details": {...}}``.

Domain errors keep their own code and status; ninja's own errors (validation, authentication,
throttling, unparsable bodies) and anything unexpected are translated here, so a client never
sees a traceback or an English-only message.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from lianmeng.core.errors import DomainError
from lianmeng.policy.interchange import InterchangeError, json_path

logger = logging.getLogger("lianmeng.api")

INTERNAL_MESSAGE = "服务器内部错误，请稍后重试；如问题持续，请将错误编号告知系统管理员。"
NOT_AUTHENTICATED_MESSAGE = "请提供有效的 API 令牌"


class InvalidProposal(DomainError):
    """The request body is not a valid interchange document (schema version 1)."""

    code = "invalid_proposal"
    status = 422

    @classmethod
    def from_interchange(cls, exc: InterchangeError) -> InvalidProposal:
        details: dict[str, Any] = {"path": exc.path}
        if exc.more:
            details["more_errors"] = exc.more
        return cls(exc.line(), details=details)  # the line ``lianmeng check`` prints


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def error_response(
    code: str, message: str, status: int, details: dict[str, Any] | None = None
) -> HttpResponse:
    """An error outside ninja's machinery (405, unknown URL) in the same shape."""
    return HttpResponse(
        json.dumps(error_body(code, message, details), ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


# --- validation errors ------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": "必填字段缺失",
    "extra_forbidden": "未知字段",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为布尔值 true 或 false",
    "bool_parsing": "应为布尔值 true 或 false",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为数组",
    "datetime_type": "应为日期时间，如 2020-09-01T10:00:00+08:00",
    "datetime_parsing": "应为日期时间，如 2020-09-01T10:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，如 2020-09-01T10:00:00+08:00",
    "date_type": "应为日期，如 2020-09-01",
    "date_parsing": "应为日期，如 2020-09-01",
    "date_from_datetime_parsing": "应为日期，如 2020-09-01",
    "json_invalid": "不是有效的 JSON",
}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind.startswith("lm_"):
        return str(error.get("msg", ""))
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"取值应为 {expected} 之一"
    if kind == "string_too_short":
        return f"长度至少为 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"长度不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return f"格式不符合 {ctx.get('pattern')}"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"应{'不小于' if kind == 'greater_than_equal' else '大于'} {bound}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"应{'不大于' if kind == 'less_than_equal' else '小于'} {bound}"
    if kind == "too_short":
        return f"至少应有 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多只能有 {ctx.get('max_length')} 项"
    return f"取值无效（{error.get('msg', '')}）"


def error_path(loc: Iterable[Any]) -> str:
    """ninja's ``("body", "payload", "members", 3)`` → ``$.members[3]``; ``("query", "limit")``
    → ``query.limit``.

    Every body in this API is one schema parameter, which ninja nests under the parameter's
    name; that name is not part of what the client sent, so it is dropped.
    """
    parts = list(loc)
    if not parts:
        return "$"
    source, rest = str(parts[0]), parts[1:]
    if source == "body":
        return json_path(tuple(rest[1:]))
    return ".".join([source, *(str(p) for p in rest)])


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "path": error_path(e.get("loc", ())),
            "message": _pydantic_message(e),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


# --- handlers ---------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (ninja looks a handler up along the exception's MRO)."""

    def respond(
        request: HttpRequest,
        code: str,
        message: str,
        status: int,
        details: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, error_body(code, message, details), status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.code, exc.message, exc.status, exc.details)

    @api.exception_handler(InterchangeError)
    def interchange_error(request: HttpRequest, exc: InterchangeError) -> HttpResponse:
        return domain_error(request, InvalidProposal.from_interchange(exc))

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = _validation_details(list(exc.errors))
        first = items[0] if items else {"path": "$", "message": "请求数据无效"}
        more = f"（另有 {len(items) - 1} 处错误）" if len(items) > 1 else ""
        return respond(
            request,
            "validation_failed",
            f"{first['path']}: {first['message']}{more}",
            422,
            {"errors": items},
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, "not_authenticated", NOT_AUTHENTICATED_MESSAGE, 401)
        response["WWW-Authenticate"] = 'Bearer realm="lianmeng"'
        return response

    @api.exception_handler(AuthorizationError)
    def not_authorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, "permission_denied", "您没有执行此操作的权限。", 403)

    @api.exception_handler(DjangoPermissionDenied)
    def django_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return not_authorised(request, AuthorizationError())

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, round(exc.wait)) if exc.wait else 60
        return respond(
            request,
            "rate_limited",
            f"请求过于频繁，请在 {wait} 秒后重试。",
            429,
            {"retry_after": wait},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):
            return too_big(request, cause)
        if isinstance(cause, json.JSONDecodeError | UnicodeDecodeError):
            return respond(request, *invalid_json(cause), 422, {"path": "$"})
        if exc.status_code == 403 and "CSRF" in exc.message:
            return respond(
                request,
                "csrf_failed",
                "CSRF 校验失败：请刷新页面后重试；程序调用请改用 API 令牌（Authorization: Bearer）。",
                403,
            )
        code, message = _HTTP_DEFAULTS.get(exc.status_code, ("http_error", "请求无法处理。"))
        return respond(request, code, message, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, "not_found", "未找到请求的资源。", 404)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, "payload_too_large", "请求体过大，请缩小后重试。", 413)

    @api.exception_handler(MultiPartParserError)
    def unparsable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(
            request,
            "bad_request",
            "无法读取上传的表单：请以 multipart/form-data 提交（须带 boundary），"
            "文件放在 file 字段中。",
            400,
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, "bad_request", "请求无法处理，请检查请求格式。", 400)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        error_id = uuid.uuid4().hex[:12]
        logger.exception(
            "API error %s on %s %s", error_id, request.method, request.path, exc_info=exc
        )
        return respond(request, "internal_error", INTERNAL_MESSAGE, 500, {"error_id": error_id})


def invalid_json(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, json.JSONDecodeError):
        return (
            "invalid_json",
            f"请求体不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}",
        )
    return "invalid_json", "请求体不是有效的 UTF-8 编码 JSON。"


_HTTP_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求无法处理，请检查请求格式。"),
    401: ("not_authenticated", NOT_AUTHENTICATED_MESSAGE),
    403: ("permission_denied", "您没有执行此操作的权限。"),
    404: ("not_found", "未找到请求的资源。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    409: ("conflict", "请求与当前状态冲突。"),
    413: ("payload_too_large", "请求体过大，请缩小后重试。"),
    415: ("unsupported_media_type", "请以 application/json 提交。"),
    429: ("rate_limited", "请求过于频繁，请稍后重试。"),
}

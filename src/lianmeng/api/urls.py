"""The REST API, mounted under ``/api/v1/`` (OpenAPI at ``openapi.json``, Swagger UI at ``docs``).

ninja answers a wrong method (405) and the API root itself outside its exception handlers,
and an unknown path under the prefix would fall through to the web site's HTML 404. This
module wraps them, so that every answer under ``/api/v1/`` that is an error has the one
shape ``{"code", "message", "details"}``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from lianmeng.core.access import public

from . import calls as calls_api
from . import checks, errors, jurisdictions, policies, proposals, tokens
from . import construction as construction_api
from . import evaluation as evaluation_api
from . import experts as experts_api
from . import insight as insight_api
from . import ipbase as ipbase_api
from . import materials as materials_api
from . import notices as notices_api
from . import projects as projects_api
from . import registry as registry_api
from . import reporting as reporting_api
from . import reviews as reviews_api
from . import rewards as rewards_api
from . import roster as roster_api
from . import running as running_api
from . import sections as proposal_sections
from . import submission as submission_api
from . import whatif as whatif_api
from .auth import DEFAULT_AUTH
from .documents import interchange_components


class Renderer(JSONRenderer):
    """JSON with 汉字 as they are, not as ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012


def _method_not_allowed(response: HttpResponseNotAllowed) -> HttpResponse:
    allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
    shaped = errors.error_response(
        "method_not_allowed",
        f"此地址不支持该请求方法；可用的方法：{'、'.join(allowed)}。",
        405,
        {"allowed": allowed},
    )
    shaped["Allow"] = response["Allow"]
    return shaped


def _nul_in_request(request: HttpRequest) -> str | None:
    """Where the request carries a NUL character (U+0000), which no text of this API may hold
    (PostgreSQL refuses it in text and JSON columns): ``path``, ``query`` or ``$`` (the JSON
    body). Files in multipart bodies are binary and are not looked at."""
    if "\x00" in request.path:
        return "path"
    if "%00" in request.META.get("QUERY_STRING", "") or any(
        "\x00" in key or "\x00" in value for key, value in request.GET.items()
    ):
        return "query"
    if request.content_type == "application/json":
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # answered 413 by the operation
        if b"\x00" in body or b"\\u0000" in body:
            return "$"
    return None


def _shaped(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        where = _nul_in_request(request)
        if where is not None:
            message = "请求中含有 NUL 字符（\\u0000），请删除后重试。"
            return errors.error_response(
                "validation_failed",
                f"{where}: {message}",
                422,
                {"errors": [{"path": where, "message": message, "type": "lm_nul_character"}]},
            )
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return _method_not_allowed(response)
        return response

    # The API authenticates per operation; the web's deny-by-default gate lets it through.
    return public(wrapper)


@public
def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return errors.error_response(
        "not_found",
        f"API 中没有地址 {request.path}；可用的接口见 openapi.json 或 docs。",
        404,
    )


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


class LianmengAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        shaped: list[URLResolver | URLPattern] = []
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # ninja resolves "api-root" to find the prefix for the OpenAPI paths: keep it
                view = _unknown_path if pattern.name == "api-root" else _shaped(pattern.callback)
                pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
            shaped.append(pattern)
        shaped.append(re_path(r"^.+$", _unknown_path, name="unknown"))
        return shaped

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, value in interchange_components().items():
            components.setdefault(name, value)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _document_errors(operation)
        return schema


#: what each error status means, for the operations that can answer it
_ERROR_DESCRIPTIONS = {
    400: "请求无法解析（如 multipart/form-data 缺少 boundary）",
    401: "未提供有效的 API 令牌或登录会话",
    403: "无权执行此操作",
    404: "资源不存在或无权查看",
    413: "请求体过大",
    422: "参数或请求体不符合要求（details.errors 逐项说明）",
}


def _document_errors(operation: dict[str, Any]) -> None:
    """List every error status the API's own machinery can answer for ``operation``, in the
    one error shape: unparsable or oversized bodies (400, 413), missing or insufficient
    credentials (401, 403), unknown records in the path (404), invalid parameters (422).
    What an operation declares itself is kept."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses: set[int] = set()
    if has_body:
        statuses |= {400, 413, 422}
    if parameters:
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if operation.get("security"):
        statuses |= {401, 403}
    responses = operation.setdefault("responses", {})
    declared = {str(key) for key in responses}  # ninja keys them by int, JSON by text
    for status in sorted(statuses):
        if str(status) in declared:
            continue
        responses.setdefault(
            str(status),
            {
                "description": _ERROR_DESCRIPTIONS[status],
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                },
            },
        )


api = LianmengAPI(
    title="联盟管理平台 API",
    version="1",
    description=(
        "产业技术创新战略联盟管理平台的 REST 接口。认证：`Authorization: Bearer <令牌>`"
        "（令牌在登录网页后通过 `POST /api/v1/tokens` 创建），或浏览器已登录的会话（需 CSRF）。"
        '所有错误的格式为 `{"code": …, "message": …, "details": {…}}`。'
    ),
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI from ninja's bundled static files; no calls to the online validator
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    docs_decorator=public,
    auth=DEFAULT_AUTH,
    renderer=Renderer(),
)
errors.install(api)

api.add_router("", checks.router)
api.add_router("", policies.router)
api.add_router("", jurisdictions.router)
api.add_router("", proposals.router)
api.add_router("", proposal_sections.router)
api.add_router("", tokens.router)
api.add_router("", reviews_api.router)
api.add_router("", roster_api.router)
api.add_router("", materials_api.router)
api.add_router("", calls_api.router)
api.add_router("", submission_api.router)
api.add_router("", experts_api.router)
api.add_router("", registry_api.router)
api.add_router("", running_api.router)
api.add_router("", reporting_api.router)
api.add_router("", construction_api.router)
api.add_router("", evaluation_api.router)
api.add_router("", rewards_api.router)
api.add_router("", notices_api.router)
api.add_router("", ipbase_api.router)
api.add_router("", projects_api.router)
api.add_router("", whatif_api.router)
api.add_router("", insight_api.router)

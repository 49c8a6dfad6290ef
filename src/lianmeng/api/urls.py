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

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from lianmeng.core.access import public

from . import calls as calls_api
from . import checks, errors, jurisdictions, policies, proposals, tokens
from . import experts as experts_api
from . import materials as materials_api
from . import registry as registry_api
from . import reviews as reviews_api
from . import roster as roster_api
from . import sections as proposal_sections
from . import submission as submission_api
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


def _shaped(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
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
        return schema


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

"""API 令牌：为本人创建、查看、吊销。

A token is created from the logged-in web session only: a leaked token must not be able to
mint further tokens that outlive its revocation. Listing and revoking accept either.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from lianmeng.core.models import ApiToken
from lianmeng.core.tokens import token_create, token_get, token_list, token_revoke

from .auth import require_recent_session, session_auth
from .schemas import AUTH_ERRORS, ErrorOut, PathId, TokenCreatedOut, TokenIn, TokenOut

router = Router(tags=["API 令牌"])


@router.post(
    "/tokens",
    auth=session_auth,
    response={201: TokenCreatedOut, **AUTH_ERRORS, 409: ErrorOut, 422: ErrorOut},
    summary="创建 API 令牌（仅限网页登录）",
)
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status:
    """Create a token for the logged-in user. The ``key`` is shown in this answer only.
    The password must have been confirmed within ``LIANMENG_REAUTH_MINUTES`` (signing in or
    ``/accounts/confirm/``); otherwise 403."""
    require_recent_session(request)
    token, key = token_create(actor=request.user, name=payload.name)
    token.key = key  # type: ignore[attr-defined]  # answered once, never stored
    return Status(201, token)


@router.get("/tokens", response={200: list[TokenOut], **AUTH_ERRORS}, summary="我的 API 令牌")
def tokens_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return token_list(viewer=request.user)


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **AUTH_ERRORS, 404: ErrorOut, 409: ErrorOut},
    summary="吊销 API 令牌",
)
def tokens_revoke(request: HttpRequest, token_id: PathId) -> ApiToken:
    """Revoke one of the caller's tokens; requests that present it fail from now on."""
    token = token_get(viewer=request.user, pk=token_id)
    return token_revoke(actor=request.user, token=token)

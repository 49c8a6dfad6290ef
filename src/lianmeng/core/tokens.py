"""API 令牌：创建、吊销、校验。

Machine clients authenticate with ``Authorization: Bearer <key>``. Only the SHA-256 of a key
is stored, so the key is shown once, when it is made; a lost key is revoked and replaced.
Creation and revocation are business actions: atomic and audited like every other write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import Conflict, NotFound, ValidationFailed
from .models import ApiToken, User

#: keys start with this so that secret scanners and people recognise them
KEY_PREFIX = "lm_"
NAME_MAX = 60
#: live tokens one account may hold; more usually means keys are being lost, not rotated
MAX_ACTIVE_TOKENS = 20
#: ``last_used_at`` is written at most this often, so a busy client does not write every call
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_list(*, viewer: User) -> QuerySet[ApiToken]:
    """The viewer's own tokens, newest first (revoked ones included, for the record)."""
    if not viewer.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=viewer).order_by("-created_at", "-id")


def token_get(*, viewer: User, pk: int) -> ApiToken:
    try:
        return token_list(viewer=viewer).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("未找到该令牌。")) from exc


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``actor``; returns it with the plain key, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("请为令牌填写名称，例如用途或调用它的系统。"), details={"path": "$.name"}
        )
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            _("令牌名称不能超过 %(max)s 个字符。") % {"max": NAME_MAX}, details={"path": "$.name"}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # lock the account row so two concurrent requests cannot both pass the limit
        User.objects.select_for_update().filter(pk=actor.pk).first()
        active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise Conflict(
                _("每个账号最多持有 %(max)s 个有效令牌，请先吊销不再使用的令牌。")
                % {"max": MAX_ACTIVE_TOKENS}
            )
        token = ApiToken.objects.create(
            user=actor, name=name, key_hash=key_digest(key), prefix=key[:8]
        )
        audit_record(
            actor=actor,
            action="lianmeng.core.api_token.created",
            obj=token,
            after={"name": name, "prefix": token.prefix},
        )
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != actor.pk:
            raise NotFound(_("未找到该令牌。"))
        if token.revoked_at is not None:
            raise Conflict(_("该令牌已被吊销。"))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="lianmeng.core.api_token.revoked",
            obj=token,
            after={"name": token.name, "prefix": token.prefix},
        )
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The live token whose key this is, with its (active) user; ``None`` otherwise."""
    if not key or len(key) > 256:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

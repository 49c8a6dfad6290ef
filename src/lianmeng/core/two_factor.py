"""Second factor at sign-in (issue 12): a TOTP authenticator app, with one-time recovery codes.

Required for the holders of ``TWO_FACTOR_ROLES`` (the three administrators and the competent
departments), optional for everyone else. The devices are django-otp's: one confirmed
``TOTPDevice`` (its ``last_t`` refuses a code that was already used) and one ``StaticDevice``
whose tokens are the recovery codes (each deleted when used). The sign-in pages
(``web/views_two_factor.py``) call :func:`verify_code` before ``django.contrib.auth.login``.

Every change (enrolled, recovery codes renewed, removed, reset by the security administrator,
a recovery code used) writes an audit entry in the transaction that makes it.
"""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import clock
from .audit import audit_record
from .errors import NotFound, PermissionDenied, ValidationFailed
from .models import User
from .roles import Role
from .sessions import end_sessions

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"

ENROLLED = "lianmeng.auth.2fa.enrolled"
RECOVERY_RENEWED = "lianmeng.auth.2fa.recovery_renewed"
RECOVERY_USED = "lianmeng.auth.2fa.recovery_used"
REMOVED = "lianmeng.auth.2fa.removed"
RESET = "lianmeng.auth.2fa.reset"

#: a code as typed: spaces and hyphens do not count
_SEPARATORS = re.compile(r"[\s\-]+")


def requires_two_factor(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor (``core.roles.TWO_FACTOR_ROLES``)."""
    return user.requires_two_factor()


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_second_step(user: User) -> bool:
    """After the right password: whether a code must follow before the user is signed in."""
    return requires_two_factor(user) or has_two_factor(user)


def enrolled_at(user: User) -> datetime | None:
    device = totp_device(user)
    return device.created_at if device is not None else None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# -- enrolment ------------------------------------------------------------------------------


def enrolment_start(user: User, device_id: int | None = None) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the one of ``device_id`` if it is still
    the user's and unconfirmed (a reload shows the same QR code), else a new one with a new
    random key (older unconfirmed ones are dropped)."""
    if has_two_factor(user):
        raise ValidationFailed(
            _("您已启用双因素认证。如需更换手机，请先在“账号安全”页面移除，或联系安全管理员重置。")
        )
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def manual_key(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of the device as an SVG QR code (a ``data:`` URI, which the
    content security policy allows for images)."""
    import segno

    return segno.make(device.config_url, error="m", micro=False).svg_data_uri(
        scale=5, border=2, dark="#111111"
    )


def _normalised(code: str) -> str:
    return _SEPARATORS.sub("", str(code or "")).lower()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ``RECOVERY_CODE_COUNT`` new ones (in the caller's
    transaction); returns them as shown: ``abcd-efgh``."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens: list[str] = []
    while len(tokens) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in tokens:
            tokens.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [f"{t[:4]}-{t[4:]}" for t in tokens]


def enrolment_confirm(*, user: User, device_id: int | None, code: str) -> list[str]:
    """Confirm the authenticator being enrolled with a code it shows; returns the new recovery
    codes (shown once). A wrong code raises ``ValidationFailed``."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id or 0, user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise NotFound(_("二维码已失效，请刷新页面，用新的二维码重新添加。"))
        if not device.verify_token(_normalised(code)):
            raise ValidationFailed(wrong_code_message())
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.created_at = clock.now()
        device.save(update_fields=["confirmed", "created_at"])
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action=ENROLLED,
            obj=user,
            after={"username": user.username, "recovery_codes": len(codes)},
        )
    return codes


def wrong_code_message() -> str:
    return _(
        "验证码不正确或已使用过。请输入身份验证器上当前显示的 6 位数字（每 30 秒更新一次）；"
        "手机不在身边时可使用一个恢复码。"
    )


# -- verification ---------------------------------------------------------------------------


def verify_code(user: User, code: str) -> str | None:
    """Check a code of ``user``: ``"totp"`` for a valid authenticator code (not used before),
    ``"recovery"`` for an unused recovery code (now used up), ``None`` otherwise."""
    value = _normalised(code)
    if not value:
        return None
    with transaction.atomic():
        if value.isdigit():
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("id")
                .first()
            )
            # verify_token refuses a code at or before the last accepted time step (replay)
            return "totp" if device is not None and device.verify_token(value) else None
        static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if static is None or not static.verify_token(value):
            return None
        audit_record(
            actor=user,
            action=RECOVERY_USED,
            obj=user,
            after={"username": user.username, "left": static.token_set.count()},
        )
    return "recovery"


# -- changes by the user and by the security administrator ----------------------------------


def recovery_codes_renew(*, actor: User) -> list[str]:
    """New recovery codes for the signed-in user (the old ones stop working)."""
    if not has_two_factor(actor):
        raise ValidationFailed(_("您尚未启用双因素认证，没有恢复码。"))
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        audit_record(
            actor=actor,
            action=RECOVERY_RENEWED,
            obj=actor,
            after={"username": actor.username, "recovery_codes": len(codes)},
        )
    return codes


def _delete_devices(user: User) -> int:
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    return deleted + StaticDevice.objects.filter(user=user).delete()[0]


def two_factor_remove(*, actor: User) -> None:
    """The signed-in user switches the second factor off; refused for the required roles."""
    if requires_two_factor(actor):
        raise PermissionDenied(
            _(
                "您的角色（管理员或主管部门）必须使用双因素认证，不能移除。"
                "如手机丢失或更换，请联系安全管理员重置，下次登录时重新绑定。"
            )
        )
    if not has_two_factor(actor):
        raise ValidationFailed(_("您尚未启用双因素认证。"))
    with transaction.atomic():
        _delete_devices(actor)
        audit_record(actor=actor, action=REMOVED, obj=actor, after={"username": actor.username})


def two_factor_reset(*, actor: User, username: str, reason: str) -> User:
    """The security administrator removes a user's second factor (lost phone), with a reason,
    and ends the user's sessions; a user whose role requires it enrols again at the next
    sign-in."""
    if not (actor.is_authenticated and actor.has_role(Role.SECADMIN)):
        raise PermissionDenied(_("只有安全管理员可以重置双因素认证。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写重置原因，例如“手机丢失，已电话核实本人身份”。"))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username.strip()).first()
        if user is None:
            raise NotFound(_("未找到账号 %(username)s。") % {"username": username.strip()})
        if not TOTPDevice.objects.filter(user=user).exists():
            raise ValidationFailed(
                _("账号 %(username)s 没有绑定身份验证器，无需重置。") % {"username": user.username}
            )
        _delete_devices(user)
        # whoever holds the lost phone may hold a signed-in browser too: sign out everywhere
        ended = end_sessions(user)
        audit_record(
            actor=actor,
            action=RESET,
            obj=user,
            after={"username": user.username, "reason": reason[:500], "sessions_ended": ended},
        )
    return user

"""Granting and revoking roles by the security administrator (三员分立, issue 12).

The system administrator (``sysadmin``) manages accounts, the security administrator
(``secadmin``) grants and revokes roles, the audit administrator (``auditadmin``) audits. Rules
every change keeps (checked here, whoever calls):

- only a security administrator changes roles, and never his own;
- an account holds at most one administrator role, and an administrator no business role;
- a jurisdiction role needs a jurisdiction on the account, a unit role a unit;
- the last security administrator keeps the role (someone must be able to grant it again);
- every grant and revoke names its reason and is audited in the same transaction.

The pages are ``web`` ``/security/users/``; the re-authentication they need is the view's
(``core.reauth``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from .models import Jurisdiction, RoleGrant, User
from .roles import Role
from .services import _check_roles

GRANTED = "lianmeng.core.role.granted"
REVOKED = "lianmeng.core.role.revoked"
REASON_MAX = 200


def may_grant_roles(actor: User | None) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.has_role(Role.SECADMIN))


def _ensure_secadmin(actor: User | None) -> None:
    if not may_grant_roles(actor):
        raise PermissionDenied(_("只有安全管理员可以分配或撤销角色。"))


def _reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(
            _("请填写分配或撤销角色的理由（如依据的通知或申请），理由记入审计日志。")
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("理由不能超过 %(n)s 字。") % {"n": REASON_MAX})
    return reason


def _target(actor: User, user_id: int) -> tuple[User, set[str]]:
    """The account, locked for the change, and its roles now."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("未找到该账号，可能已被删除。"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("安全管理员不能更改自己的角色，请由另一名安全管理员办理。"))
    return user, set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def _audit(  # noqa: PLR0913
    actor: User, action: str, user: User, role: str, before: set[str], after: set[str], reason: str
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=user,
        before={"roles": sorted(before)},
        after={"roles": sorted(after), "role": role, "username": user.username, "reason": reason},
    )


def role_assign(*, actor: User, user_id: int, role: str, reason: str) -> User:
    """Grant ``role`` to the account ``user_id`` (security administrator only)."""
    _ensure_secadmin(actor)
    reason = _reason(reason)
    if role not in Role.values:
        raise ValidationFailed(_("未知角色：%(roles)s") % {"roles": role})
    with transaction.atomic():
        user, current = _target(actor, user_id)
        if role in current:
            raise Conflict(
                _("账号 %(username)s 已拥有“%(role)s”角色。")
                % {"username": user.username, "role": Role(role).label}
            )
        _check_roles(current | {role}, unit=user.unit, jurisdiction=user.jurisdiction)
        RoleGrant.objects.create(user=user, role=role)
        _audit(actor, GRANTED, user, role, current, current | {role}, reason)
    user._role_cache = None
    return user


def role_revoke(*, actor: User, user_id: int, role: str, reason: str) -> User:
    """Revoke ``role`` from the account ``user_id`` (security administrator only)."""
    _ensure_secadmin(actor)
    reason = _reason(reason)
    with transaction.atomic():
        if role == Role.SECADMIN:
            # lock every secadmin grant: two administrators revoking each other at the same
            # moment must not leave the system without one
            holders = list(
                RoleGrant.objects.select_for_update()
                .filter(role=Role.SECADMIN)
                .values_list("user_id", flat=True)
            )
        user, current = _target(actor, user_id)
        if role not in current:
            raise Conflict(
                _("账号 %(username)s 没有此角色（可能已被其他安全管理员撤销）。")
                % {"username": user.username}
            )
        if role == Role.SECADMIN:
            active = User.objects.filter(pk__in=holders, is_active=True).exclude(pk=user.pk)
            if not active.exists():
                raise Conflict(
                    _("不能撤销最后一名安全管理员的角色：须先为另一账号分配安全管理员角色。")
                )
        RoleGrant.objects.filter(user=user, role=role).delete()
        _audit(actor, REVOKED, user, role, current, current - {role}, reason)
    user._role_cache = None
    return user


# -- what the pages list ------------------------------------------------------------------


def accounts_for_roles(
    *, viewer: User, name: str = "", role: str = "", jurisdiction: str = ""
) -> QuerySet[User]:
    """Accounts with their roles, for the security administrator only, narrowed by name
    (user name or display name), role and jurisdiction (code or name; a code includes the
    jurisdictions under it)."""
    if not may_grant_roles(viewer):
        return User.objects.none()
    qs = User.objects.select_related("unit", "jurisdiction").prefetch_related("role_grants")
    if name:
        qs = qs.filter(Q(username__icontains=name) | Q(display_name__icontains=name))
    if role:
        qs = qs.filter(role_grants__role=role)
    if jurisdiction:
        place = Jurisdiction.objects.filter(code=jurisdiction).first()
        if place is not None:
            qs = qs.filter(
                Q(jurisdiction__path__startswith=place.path)
                | Q(unit__region__path__startswith=place.path)
            )
        else:
            qs = qs.filter(
                Q(jurisdiction__name__icontains=jurisdiction)
                | Q(unit__region__name__icontains=jurisdiction)
            )
    return qs.distinct().order_by("username")


def account_for_roles(*, viewer: User, user_id: int) -> User:
    account = accounts_for_roles(viewer=viewer).filter(pk=user_id).first()
    if account is None:
        raise NotFound(_("未找到该账号。"))
    return account

"""Writes on core data. Every function is atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.policy.uscc import IdentityError, uscc_region, validate_org_code, validate_uscc

from .audit import audit_record
from .credentials import normalise_username
from .errors import Conflict, ValidationFailed
from .models import Jurisdiction, RoleGrant, Unit, User
from .roles import ADMIN_ROLES, JURISDICTION_ROLES, UNIT_ROLES, Role
from .selectors import jurisdiction_for_region


def _identity(uscc: str | None, org_code: str | None) -> tuple[str | None, str | None]:
    try:
        uscc = validate_uscc(uscc) if uscc else None
        org_code = validate_org_code(org_code) if org_code else None
    except IdentityError as exc:
        raise ValidationFailed(str(exc)) from exc
    if not uscc and not org_code:
        raise ValidationFailed(
            _("请填写统一社会信用代码（18位）；没有统一社会信用代码的单位请填写组织机构代码。")
        )
    return uscc, org_code


def unit_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    uscc: str | None = None,
    org_code: str | None = None,
    region_code: str | None = None,
) -> Unit:
    """Register a unit; its region comes from the USCC's digits 3–8 unless given."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写单位名称。"))
    if kind not in Unit.Kind.values:
        raise ValidationFailed(_("单位类别“%(kind)s”无效。") % {"kind": kind})
    uscc, org_code = _identity(uscc, org_code)
    code = region_code or (uscc_region(uscc) if uscc else None)
    if not code:
        raise ValidationFailed(_("没有统一社会信用代码的单位须填写注册地区划代码。"))
    region = jurisdiction_for_region(code)
    if region is None:
        raise ValidationFailed(_("区划代码 %(code)s 不在 GB/T 2260 中，请核对。") % {"code": code})
    with transaction.atomic():
        try:
            with transaction.atomic():
                unit = Unit.objects.create(
                    name=name, kind=kind, uscc=uscc, org_code=org_code, region=region
                )
        except IntegrityError as exc:
            raise Conflict(
                _("代码为 %(code)s 的单位已登记，请勿重复添加。") % {"code": uscc or org_code}
            ) from exc
        audit_record(
            actor=actor,
            action="lianmeng.core.unit.created",
            obj=unit,
            after={
                "name": name,
                "kind": kind,
                "uscc": uscc,
                "org_code": org_code,
                "region": region.code,
            },
        )
    return unit


def _check_roles(roles: set[str], *, unit: Unit | None, jurisdiction: Jurisdiction | None) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationFailed(_("未知角色：%(roles)s") % {"roles": ", ".join(sorted(unknown))})
    admins = roles & ADMIN_ROLES
    if len(admins) > 1:
        raise ValidationFailed(
            _(
                "系统管理员、安全管理员、审计管理员须由不同账号担任（三员分立），"
                "一个账号只能担任其一。"
            )
        )
    if admins and roles - ADMIN_ROLES:
        raise ValidationFailed(_("管理员账号不能同时担任业务角色。"))
    if roles & UNIT_ROLES and unit is None:
        raise ValidationFailed(_("申报单位、成员单位、专家和评估机构账号须关联所属单位。"))
    if roles & JURISDICTION_ROLES and jurisdiction is None:
        raise ValidationFailed(_("推荐部门、主管部门和协调小组账号须关联所属区划。"))


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    unit: Unit | None = None,
    jurisdiction: Jurisdiction | None = None,
    roles: Iterable[str] = (),
) -> User:
    roles = set(roles)
    # the one normalisation sign-in, limiter, lockout and audit use (core.credentials)
    username = normalise_username(username)
    if not username:
        raise ValidationFailed(_("请填写用户名。"))
    _check_roles(roles, unit=unit, jurisdiction=jurisdiction)
    try:
        # with the name, so the rules can refuse the name itself as password
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as exc:
        raise ValidationFailed(
            _("密码不符合要求：%(problems)s")
            % {"problems": pgettext("list separator", "；").join(exc.messages)}
        ) from exc
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(_("用户名 %(username)s 已被使用。") % {"username": username})
        user = User(
            username=username,
            display_name=display_name,
            email=email,
            unit=unit,
            jurisdiction=jurisdiction,
            is_staff=False,
            is_superuser=False,
        )
        user.set_password(password)
        user.save()
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in sorted(roles)])
        audit_record(
            actor=actor,
            action="lianmeng.core.user.created",
            obj=user,
            after={
                "username": username,
                "roles": sorted(roles),
                "unit": unit.pk if unit else None,
                "jurisdiction": jurisdiction.code if jurisdiction else None,
            },
        )
    return user


def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    with transaction.atomic():
        current = set(
            RoleGrant.objects.select_for_update().filter(user=user).values_list("role", flat=True)
        )
        if role in current:
            raise Conflict(_("该账号已拥有此角色。"))
        _check_roles(current | {role}, unit=user.unit, jurisdiction=user.jurisdiction)
        grant = RoleGrant.objects.create(user=user, role=role)
        audit_record(
            actor=actor,
            action="lianmeng.core.role.granted",
            obj=user,
            before={"roles": sorted(current)},
            after={"roles": sorted(current | {role})},
        )
    user._role_cache = None
    return grant

"""Reads the web shell needs beyond the domain apps' selectors, scoped by the viewer.

Like every selector, each starts from what the viewer may see and returns nothing to
anyone else; views only add the user's own filters through these functions.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lianmeng.core.models import AuditEntry, Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import audit_list

from .security import LOGIN_BLOCKED, LOGIN_FAILED


def jurisdiction_names(codes: set[str]) -> dict[str, str]:
    """Names of GB/T 2260 areas by code: public reference data, open to anyone."""
    return dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))


def user_list(*, viewer: User) -> QuerySet[User]:
    """Every account with its roles, for the system administrator only."""
    if viewer.is_authenticated and viewer.has_role(Role.SYSADMIN):
        return (
            User.objects.select_related("unit", "jurisdiction")
            .prefetch_related("role_grants")
            .order_by("username")
        )
    return User.objects.none()


def audit_search(*, viewer: User, action_prefix: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    """The audit trail (audit administrator only), newest first, narrowed by the viewer's filters."""
    qs = audit_list(viewer=viewer)
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if actor:
        qs = qs.filter(actor_label__iexact=actor)
    return qs.order_by("-id")


def login_failure_list(*, viewer: User) -> QuerySet[AuditEntry]:
    """Failed sign-ins from the audit trail, for the security administrator only."""
    if viewer.is_authenticated and viewer.has_role(Role.SECADMIN):
        # refused attempts too (rate limit, locked account): they are failures the admin sees
        return AuditEntry.objects.filter(action__in=(LOGIN_FAILED, LOGIN_BLOCKED)).order_by("-id")
    return AuditEntry.objects.none()

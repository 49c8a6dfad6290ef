"""Account lockout: after ``LIANMENG_LOCKOUT_ATTEMPTS`` failed sign-ins within
``LIANMENG_LOCKOUT_WINDOW_MINUTES`` an account is locked until the security administrator
unlocks it on /security/.

The state lives in the audit trail itself (append-only, hash-chained), so it needs no table
of its own and cannot be changed without leaving a trace: an account is locked when its last
"locked"/"unlocked" entry is "locked"; the failures that count are those after that entry and
within the window. Failed sign-ins carry the account as their object (``web.security``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied
from lianmeng.core.models import AuditEntry, User
from lianmeng.core.roles import Role

LOGIN_FAILED = "lianmeng.auth.login.failed"
LOGIN_BLOCKED = "lianmeng.auth.login.blocked"
ACCOUNT_LOCKED = "lianmeng.auth.account.locked"
ACCOUNT_UNLOCKED = "lianmeng.auth.account.unlocked"
_USER = "core.user"


def attempts() -> int:
    return int(getattr(settings, "LIANMENG_LOCKOUT_ATTEMPTS", 10))


def window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "LIANMENG_LOCKOUT_WINDOW_MINUTES", 30)))


def _last_switch(user: User) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(
            object_type=_USER,
            object_id=str(user.pk),
            action__in=(ACCOUNT_LOCKED, ACCOUNT_UNLOCKED),
        )
        .order_by("-id")
        .first()
    )


def is_locked(user: User) -> bool:
    last = _last_switch(user)
    return last is not None and last.action == ACCOUNT_LOCKED


def failures(user: User) -> int:
    """Failed sign-ins that count towards the lock: within the window, after the last
    lock or unlock."""
    entries = AuditEntry.objects.filter(
        object_type=_USER,
        object_id=str(user.pk),
        action=LOGIN_FAILED,
        at__gte=datetime.now(UTC) - window(),
    )
    last = _last_switch(user)
    if last is not None:
        entries = entries.filter(id__gt=last.id)
    return entries.count()


def note_failure(user: User) -> bool:
    """After a failed sign-in of ``user`` has been audited: lock the account when the
    failures reach the limit. Runs inside the caller's transaction. True if it locked."""
    if is_locked(user) or failures(user) < attempts():
        return False
    audit_record(
        actor=None,
        action=ACCOUNT_LOCKED,
        obj=user,
        after={
            "username": user.username,
            "failures": attempts(),
            "window_minutes": int(window().total_seconds() // 60),
        },
    )
    return True


def locked_users() -> QuerySet[User]:
    """Accounts locked now, most recently locked first."""
    last_ids = (
        AuditEntry.objects.filter(object_type=_USER, action__in=(ACCOUNT_LOCKED, ACCOUNT_UNLOCKED))
        .values("object_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    pks = AuditEntry.objects.filter(id__in=list(last_ids), action=ACCOUNT_LOCKED).values_list(
        "object_id", flat=True
    )
    return User.objects.filter(pk__in=[int(pk) for pk in pks]).order_by("username")


def locked_list(*, viewer: User) -> QuerySet[User]:
    """Locked accounts, for the security administrator only."""
    if viewer.is_authenticated and viewer.has_role(Role.SECADMIN):
        return locked_users()
    return User.objects.none()


def user_unlock(*, actor: User, pk: int) -> User:
    """The security administrator unlocks a locked account (audited)."""
    if not (actor.is_authenticated and actor.has_role(Role.SECADMIN)):
        raise PermissionDenied(_("只有安全管理员可以解除账号锁定。"))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk).first()
        if user is None:
            raise NotFound(_("未找到该账号。"))
        if not is_locked(user):
            raise Conflict(
                _("账号 %(username)s 未被锁定（可能已由其他安全管理员解除）。")
                % {"username": user.username}
            )
        audit_record(
            actor=actor, action=ACCOUNT_UNLOCKED, obj=user, after={"username": user.username}
        )
    return user

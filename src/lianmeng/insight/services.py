"""Writes of the dashboard (M-60): recomputing a jurisdiction's figures.

:func:`dashboard_refresh` is the 刷新 button: department staff recompute the figures of their
own area (audited). With a task queue configured (REDIS_URL: Celery, docs/decisions/
0016-task-queue.md) the computation is queued and the page keeps showing the last figures with
their time until it is done; without one it runs at once. :func:`refresh_all` is the batch form
(``lianmeng insight refresh``, the demo).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db import transaction
from django.utils.translation import gettext_noop

from lianmeng.core.audit import audit_record
from lianmeng.core.errors import PermissionDenied
from lianmeng.core.models import Jurisdiction, User

from . import dashboard, snapshots
from .models import Snapshot
from .selectors import scope_of


def queued() -> bool:
    """Whether refreshes go through the task queue (a Redis broker is configured)."""
    return bool(os.environ.get("REDIS_URL"))


def dashboard_refresh(*, actor: User) -> Snapshot | None:
    """Recompute the dashboard of the actor's area: the new snapshot, or None when queued."""
    scope = scope_of(actor)
    if scope is None or not actor.has_perm("insight.view"):
        raise PermissionDenied(
            gettext_noop("只有科技主管部门和推荐部门的工作人员可以刷新数据驾驶舱。")
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="lianmeng.insight.refresh",
            obj=scope,
            after={"kind": dashboard.KIND, "scope": scope.code, "queued": queued()},
        )
    if queued():
        from .tasks import refresh_snapshot_task

        refresh_snapshot_task.delay(scope.code, dashboard.KIND)
        return None
    return snapshots.refresh(scope, dashboard.KIND)


def dashboard_snapshot(scope: Jurisdiction) -> Snapshot:
    """The stored figures of ``scope``, computed on the spot when there are none yet."""
    row = snapshots.get(scope, dashboard.KIND)
    if row is None or (row.data or {}).get("version") != dashboard.VERSION:
        row = snapshots.refresh(scope, dashboard.KIND)
    return row


def department_scopes() -> list[Jurisdiction]:
    """The areas that have department staff (whose dashboards are worth precomputing)."""
    from lianmeng.core.roles import Role

    codes = (
        User.objects.filter(
            is_active=True,
            jurisdiction__isnull=False,
            role_grants__role__in=[Role.RECOMMENDER, Role.COMPETENT, Role.COORDINATION],
        )
        .values_list("jurisdiction_id", flat=True)
        .distinct()
    )
    return list(Jurisdiction.objects.filter(pk__in=list(codes)).order_by("path"))


def refresh_all(code: str | None = None) -> Iterator[tuple[Jurisdiction, Snapshot]]:
    """Recompute the figures of one area (``code``) or of every area with department staff: the
    overlap and chain analysis, then the dashboard (the row returned)."""
    if code:
        scopes = list(Jurisdiction.objects.filter(code=code))
        if not scopes:
            raise LookupError(code)
    else:
        scopes = department_scopes()
    for scope in scopes:
        # the overlap and chain figures first: the dashboard's row is the one reported
        snapshots.refresh(scope, "overlap")
        yield scope, snapshots.refresh(scope, dashboard.KIND)

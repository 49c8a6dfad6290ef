"""A change filing's life on the lifecycle engine (lianmeng.workflow): 草稿 → 已提交 → 已接受
(知悉) | 已退回 (质询) → 已提交 … — the profile's ``[report_lifecycle]``.

Registers the ``change`` subject kind (``RunningConfig.ready``). A filing is created and
submitted in one step (:mod:`lianmeng.running.changes`); every state change, the submission
included, goes through :func:`lianmeng.workflow.engine.transition`, so each has its
:class:`~lianmeng.workflow.models.StateChange` row and its audit entry
(``lianmeng.change.<transition>``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_noop

from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import viewer_scope
from lianmeng.policy.lifecycle import Lifecycle
from lianmeng.workflow.kinds import SubjectKind, register_kind

from .models import ChangeFiling

KIND = "change"
#: the transitions of ``[report_lifecycle]`` a change filing uses, by what they mean here
SUBMIT, ACKNOWLEDGE, QUERY = "submit", "accept", "return"
NOT_FOUND = gettext_noop("未找到该变更备案，或您无权查看。")
#: what the states are called for a change filing (知悉 / 质询 rather than 接受 / 退回)
STATE_NAMES = {
    "draft": gettext_noop("草稿"),
    "submitted": gettext_noop("待知悉"),
    "accepted": gettext_noop("已知悉"),
    "returned": gettext_noop("已质询"),
}


def _table(profile: Any) -> Lifecycle | None:
    return profile.report_lifecycle


def change_visibility(viewer: User) -> Q:
    """The lead unit's staff: their alliances' filings; department staff: the filings of
    alliances of their area and below. Nobody else (member units sign a renewal through
    their own service, :func:`lianmeng.running.changes.signature_confirm`)."""
    q = Q(pk__in=[])
    if not viewer.is_authenticated:
        return q
    if viewer.unit_id and viewer.has_role(Role.APPLICANT):
        q |= Q(lead_unit_id=viewer.unit_id)
    scope = viewer_scope(viewer)
    if scope is not None:
        q |= Q(region__path__startswith=scope.path)
    return q


def register() -> None:
    register_kind(
        SubjectKind(
            name=KIND,
            model=ChangeFiling,
            table=_table,
            visible=change_visibility,
            not_found=NOT_FOUND,
            state_names=lambda: STATE_NAMES,
            audit_prefix="lianmeng.change",
            supervision=True,
            version=lambda filing: filing.revision,
        )
    )

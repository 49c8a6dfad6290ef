"""A rectification's life on the lifecycle engine: 整改中 → 已提交整改报告 → 整改合格 /
整改不合格 — the profile's ``[rectification_lifecycle]`` (M-42).

The rectification's first state is recorded by :func:`record_initial` when the campaign's
results are published with a failing grade (lianmeng.evaluation.services.publish). The re-check
(``pass`` and ``refuse``) is fired only by :func:`lianmeng.evaluation.services.recheck`, which
applies the profile's consequence in the same transaction (Henan: the alliance's title is
revoked through the alliance's own lifecycle; Luoyang: the right to support is withdrawn).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_noop

from lianmeng.core.models import User
from lianmeng.core.selectors import lead_unit_filter, scope_filter, viewer_scope
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.workflow import engine
from lianmeng.workflow.kinds import Owner, SubjectKind, register_kind
from lianmeng.workflow.models import StateChange

from .models import Rectification

KIND = "rectification"
DRAFT, SUBMITTED, PASSED, FAILED = "draft", "submitted", "passed", "failed"
STATE_NAMES = {
    DRAFT: gettext_noop("整改中"),
    SUBMITTED: gettext_noop("已提交整改报告"),
    PASSED: gettext_noop("整改合格"),
    FAILED: gettext_noop("整改不合格"),
}
RECHECK = Owner(
    service="evaluation.recheck",
    page=gettext_noop("整改复查"),
    hint=gettext_noop(
        "请在整改页面“复查”一栏办理：复查不合格的后果（撤销资格或取消扶持资格）会一并执行。"
    ),
)

__all__ = ["KIND", "RECHECK", "record_initial", "register", "rectification_visibility"]


def department_q(viewer: User) -> Q:
    """Rectifications of the viewer's area and below (department staff; not a zone's)."""
    scope = viewer_scope(viewer)
    if scope is None or scope.is_zone:
        return Q(pk__in=[])
    return scope_filter(viewer, region_field="region")


def rectification_visibility(viewer: User) -> Q:
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    return lead_unit_filter(viewer) | department_q(viewer)


def state_label_of(rectification: Rectification, state: str | None = None) -> str:
    state = state or rectification.status
    try:
        table = get_profile(rectification.profile).rectification_lifecycle
    except UnknownProfileError:
        table = None
    if table is not None and table.state(state) is not None:
        return table.state_label(state)
    return STATE_NAMES.get(state, state)


def record_initial(*, rectification: Rectification, actor: User | None) -> StateChange:
    """The first history row (整改中), in the publication's transaction."""
    change = engine.record_change(
        subject=rectification,
        from_state="",
        to_state=rectification.status,
        transition="create",
        actor=actor,
    )
    change.label = "警告并限期整改"
    change.save(update_fields=["label"])
    return change


def register() -> None:
    register_kind(
        SubjectKind(
            name=KIND,
            model=Rectification,
            table=lambda profile: profile.rectification_lifecycle,
            visible=rectification_visibility,
            not_found=gettext_noop("未找到该整改事项，或您无权查看。"),
            state_names=lambda: STATE_NAMES,
            owners={"accept": RECHECK, "refuse": RECHECK},
            audit_prefix="lianmeng.rectification",
            supervision=True,
            version=lambda r: r.revision,
        )
    )

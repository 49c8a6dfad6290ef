"""A proposal's life on the lifecycle engine (lianmeng.workflow).

Registers the ``proposal`` subject kind (``ProposalsConfig.ready``) and names the engine's
functions in the proposal's words, for the pages, the API and the CLI that act on proposals.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from lianmeng.core.models import User
from lianmeng.policy.lifecycle import Transition
from lianmeng.workflow import engine
from lianmeng.workflow.engine import Step, next_steps
from lianmeng.workflow.kinds import Owner, SubjectKind, register_kind
from lianmeng.workflow.models import StateChange

from .models import Proposal

KIND = "proposal"

__all__ = [
    "KIND",
    "Step",
    "allowed_transitions",
    "can_reopen",
    "next_steps",
    "proposal_reopen",
    "proposal_transition",
    "record_state_change",
    "register",
]

_DECIDE = Owner(
    service="decide",
    page=gettext_noop("决定"),
    hint=gettext_noop("（先拟定决定，再与同批决定一起发布，联盟名录随之更新）"),
)
_REVIEW = Owner(
    service="review",
    page=gettext_noop("专家评审"),
    hint=gettext_noop("（建立评审轮次，把申报纳入评审）"),
)


def register() -> None:
    from .selectors import proposal_visibility

    register_kind(
        SubjectKind(
            name=KIND,
            model=Proposal,
            table=lambda profile: profile.lifecycle,
            visible=proposal_visibility,
            not_found=gettext_noop("未找到该申报，或您无权查看。"),
            state_names=lambda: dict(Proposal.Status.choices),
            # decisions are staged and published together (the registry is written with
            # them); expert review starts from a review round
            owners={"approve": _DECIDE, "decline": _DECIDE, "review": _REVIEW},
            audit_prefix="lianmeng.proposal",
            # every edit of the lead unit bumps the revision (editing.document_saved)
            version=lambda proposal: proposal.revision,
        )
    )


#: what the lead unit is told when a return is reopened (reviews.notifications.DEFAULTS)
REOPENED_EVENT = "proposal.reopened"


def proposal_reopen(*, actor: User, pk: int, reason: str = "") -> Proposal:
    """撤销退回: undo a return made by mistake while the lead unit has changed nothing
    (lianmeng.workflow.engine.reopen_last); the lead unit is told."""
    return engine.reopen_last(actor=actor, kind=KIND, pk=pk, reason=reason, event=REOPENED_EVENT)


def can_reopen(*, actor: User, proposal: Proposal) -> bool:
    return engine.can_reopen(actor=actor, subject=proposal)


def proposal_transition(
    *,
    actor: User,
    pk: int,
    transition: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    via: str = "",
) -> Proposal:
    """Fire ``transition`` of the proposal's table (lianmeng.workflow.engine.transition)."""
    return engine.transition(
        actor=actor, kind=KIND, pk=pk, transition=transition, reason=reason, data=data, via=via
    )


def allowed_transitions(*, actor: User, proposal: Proposal) -> list[Transition]:
    """The transitions ``actor`` may fire on ``proposal`` now (guards not yet run)."""
    return engine.allowed_transitions(actor=actor, subject=proposal)


def record_state_change(
    *,
    proposal: Proposal,
    from_state: str,
    to_state: str,
    transition: str,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> StateChange:
    """Record a change the filing side made itself (``submit``, ``withdraw``)."""
    return engine.record_change(
        subject=proposal,
        from_state=from_state,
        to_state=to_state,
        transition=transition,
        actor=actor,
        reason=reason,
        data=data,
    )

"""The one function every state change of a proposal goes through (DESIGN.md "The lifecycle
is data"; pretalx's ``set_submission_state``).

``proposal_transition`` checks the profile's table and the actor (role and level), runs the
guards, saves the new state, records the :class:`StateChange`, starts the deadline the
transition names, writes the audit entry and queues the notification for after the commit —
all in one transaction. Web pages, the API and the CLI call it; nothing else sets
``Proposal.status`` beyond filing.

The filing side (draft → submitted, withdrawal) has its own services; they call
:func:`record_state_change` so that the history is complete.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.policy.lifecycle import Lifecycle, Transition
from lianmeng.policy.models import Profile
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_visibility

from .guards import GuardContext, run_guards
from .models import ProposalDeadline, StateChange
from .notifications import queue_notification
from .routing import (
    Office,
    actor_office,
    effective_level,
    holds_office,
    office_for,
    profile_of,
    route_of,
)

MAX_REASON = 2000

__all__ = [
    "Step",
    "allowed_transitions",
    "next_steps",
    "proposal_transition",
    "record_state_change",
]


def _table(proposal: Proposal) -> tuple[Profile, Lifecycle]:
    profile = profile_of(proposal)
    if profile is None or profile.lifecycle is None:
        raise Conflict(
            _("政策档案 %(profile)s 没有配置办理流程，无法办理。") % {"profile": proposal.profile}
        )
    return profile, profile.lifecycle


@dataclass(frozen=True)
class Step:
    """A transition open from the proposal's current state, and the office that fires it."""

    transition: Transition
    office: Office
    level: str


def next_steps(proposal: Proposal) -> list[Step]:
    """Every transition the engine may fire from the current state on the proposal's route,
    with the department that fires it (external ones — submission, withdrawal — left out)."""
    profile = profile_of(proposal)
    if profile is None or profile.lifecycle is None:
        return []
    lifecycle = profile.lifecycle
    route = route_of(proposal, lifecycle, profile)
    steps = []
    for transition in lifecycle.leaving(proposal.status):
        if transition.external or route not in transition.routes:
            continue
        level = effective_level(transition, route, lifecycle)
        steps.append(Step(transition, office_for(proposal, level), level))
    return steps


def allowed_transitions(*, actor: User, proposal: Proposal) -> list[Transition]:
    """The transitions ``actor`` may fire on ``proposal`` now (guards not yet run)."""
    return [
        step.transition
        for step in next_steps(proposal)
        if holds_office(actor, step.office, step.transition.role)
    ]


def _named(label: str) -> str:
    """A name from the profile's table in the reader's language (``profile_labels.py``)."""
    return _(label) if label else label


def _joined(items: Iterable[str]) -> str:
    return pgettext("list separator", "、").join(items)


def _waiting_for(steps: list[Step]) -> str:
    offices: list[str] = []
    for step in steps:
        if step.office.name not in offices:
            offices.append(step.office.name)
    return _joined(offices)


def _refusal(proposal: Proposal, lifecycle: Lifecycle, actor: User, wanted: str) -> str:
    """当前状态为“已提交”，您可以：推荐、退回修改 — or who acts next."""
    state = _named(lifecycle.state_label(proposal.status))
    mine = allowed_transitions(actor=actor, proposal=proposal)
    if mine:
        labels = _joined(_named(t.label) for t in mine)
        return _("当前状态为“%(state)s”，不能执行“%(action)s”。您可以：%(actions)s。") % {
            "state": state,
            "action": wanted,
            "actions": labels,
        }
    steps = next_steps(proposal)
    if steps:
        return _("当前状态为“%(state)s”，您当前没有可办理的操作；下一步由%(office)s办理。") % {
            "state": state,
            "office": _waiting_for(steps),
        }
    return _("当前状态为“%(state)s”，办理流程已结束，不能再执行“%(action)s”。") % {
        "state": state,
        "action": wanted,
    }


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _start_deadline(
    *, proposal: Proposal, profile: Profile, transition: Transition, change: StateChange
) -> dict[str, Any] | None:
    name = transition.starts_deadline
    if not name:
        return None
    cited = getattr(profile.deadlines, name)
    months = int(cited.value)
    due = _add_months(change.at.astimezone(clock.BEIJING).replace(microsecond=0), months)
    deadline = ProposalDeadline.objects.create(
        proposal=proposal,
        kind=name.removesuffix("_months"),
        starts_at=change.at,
        due_at=due,
        state_change=change,
    )
    return {
        "kind": deadline.kind,
        "months": months,
        "due_date": f"{due.year}年{due.month}月{due.day}日",
        "due_at": due.isoformat(),
        "citation": cited.citation.label(),
    }


#: transition kinds that only one service fires, and the page where a person does it
HANDLED_BY = {"approve": "decide", "decline": "decide", "review": "review"}
OWNER_PAGES = {"decide": gettext_noop("决定"), "review": gettext_noop("专家评审")}
OWNER_HINTS = {
    "decide": gettext_noop("（先拟定决定，再与同批决定一起发布，联盟名录随之更新）"),
    "review": gettext_noop("（建立评审轮次，把申报纳入评审）"),
}


def _lock(actor: User, pk: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
    visible = (
        proposal is not None and Proposal.objects.filter(proposal_visibility(actor), pk=pk).exists()
    )
    if not visible:
        raise NotFound(_("未找到该申报，或您无权查看。"))
    return proposal


def proposal_transition(
    *,
    actor: User,
    pk: int,
    transition: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    via: str = "",
) -> Proposal:
    """Fire ``transition`` of the proposal's profile table on proposal ``pk`` as ``actor``.

    Transitions whose kind another service owns (``HANDLED_BY``: decisions are staged and
    published so the registry is written with them; reviews start with a review round) are
    fired only by that service, which passes its name as ``via``; the web pages, the API and
    the CLI are refused with the page to use.

    Raises NotFound (the actor may not see the proposal), Conflict (not possible in the
    current state; the message lists what the actor can do now), PermissionDenied (the
    actor's department is not the one at the transition's level), ValidationFailed (reason
    missing, a guard refuses).
    """
    reason = (reason or "").strip()
    data = dict(data or {})
    with transaction.atomic():
        proposal = _lock(actor, pk)
        profile, lifecycle = _table(proposal)
        wanted = lifecycle.transition(transition)
        if wanted is None:
            raise ValidationFailed(
                _("没有名为“%(transition)s”的操作。%(refusal)s")
                % {
                    "transition": transition,
                    "refusal": _refusal(proposal, lifecycle, actor, transition),
                },
                details={
                    "allowed": [t.id for t in allowed_transitions(actor=actor, proposal=proposal)]
                },
            )
        owner = HANDLED_BY.get(wanted.kind)
        if owner is not None and via != owner:
            raise Conflict(
                _("“%(action)s”请在“%(page)s”页面办理%(hint)s，不能直接执行此操作。")
                % {
                    "action": _named(wanted.label),
                    "page": _(OWNER_PAGES[owner]),
                    "hint": _(OWNER_HINTS[owner]),
                },
                details={"page": owner},
            )
        if wanted.external:
            raise Conflict(
                _("“%(action)s”由申报单位在申报页面办理，不能在此执行。")
                % {"action": _named(wanted.label)}
            )
        if proposal.status not in wanted.from_:
            raise Conflict(
                _refusal(proposal, lifecycle, actor, _named(wanted.label)),
                details={
                    "state": proposal.status,
                    "allowed": [t.id for t in allowed_transitions(actor=actor, proposal=proposal)],
                },
            )
        route = route_of(proposal, lifecycle, profile)
        if route not in wanted.routes:
            raise PermissionDenied(_refusal(proposal, lifecycle, actor, _named(wanted.label)))
        level = effective_level(wanted, route, lifecycle)
        office = office_for(proposal, level)
        if not holds_office(actor, office, wanted.role):
            raise PermissionDenied(_not_your_office(proposal, wanted, office, route, lifecycle))
        if wanted.reason_required and not reason:
            raise ValidationFailed(
                _("请填写%(field)s。") % {"field": _named(wanted.reason_label)},
                details={"field": "reason"},
            )
        if len(reason) > MAX_REASON:
            raise ValidationFailed(
                _("%(field)s不能超过 %(max)s 个字符。")
                % {"field": _named(wanted.reason_label), "max": MAX_REASON},
                details={"field": "reason"},
            )
        now = clock.now()
        problems = run_guards(
            GuardContext(
                proposal=proposal,
                transition=wanted,
                actor=actor,
                at=now,
                profile=profile,
                data=data,
            )
        )
        if problems:
            raise ValidationFailed(" ".join(problems), details={"guards": problems})
        if not reason and wanted.kind in {"refuse", "decline", "return"}:
            reason = wanted.label
        before = proposal.status
        proposal.status = wanted.to
        proposal.save(update_fields=["status", "updated_at"])
        change = StateChange.objects.create(
            proposal=proposal,
            from_state=before,
            to_state=wanted.to,
            transition=wanted.id,
            kind=wanted.kind,
            label=wanted.label,
            actor=actor,
            actor_office=actor_office(actor),
            actor_jurisdiction=actor.jurisdiction if actor.jurisdiction_id else None,
            at=now,
            reason=reason,
            data=data,
        )
        deadline = _start_deadline(
            proposal=proposal, profile=profile, transition=wanted, change=change
        )
        if deadline:
            change.data = {**change.data, "deadline": deadline}
            change.save(update_fields=["data"])
        audit_record(
            actor=actor,
            action=f"lianmeng.proposal.{wanted.id}",
            obj=proposal,
            before={"status": before},
            after={"status": wanted.to, "reason": reason, "data": change.data},
        )
        queue_notification(change, wanted.event)
    return proposal


def _not_your_office(
    proposal: Proposal, wanted: Transition, office: Office, route: str, lifecycle: Lifecycle
) -> str:
    delegation = lifecycle.zone_delegation
    if route == "zone" and delegation is not None and wanted.level in delegation.levels:
        zone = proposal.zone.name if proposal.zone_id else _("所在片区")
        return _(
            "该联盟的牵头单位位于%(zone)s，“%(action)s”由%(office)s负责办理；"
            "其他部门只能查看其报备名单，不能代为办理。"
        ) % {"zone": zone, "action": _named(wanted.label), "office": office.name}
    return _("“%(action)s”须由%(office)s办理，您所在的部门不能办理此申报的这一步。") % {
        "action": _named(wanted.label),
        "office": office.name,
    }


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
    """Record a change the filing side made itself (``submit``, ``withdraw``), in the caller's
    transaction, so that the proposal's history is complete. The caller audits its own act.

    ``to_state`` must be a state of the profile's table; the transition's label and kind are
    taken from the table when it names ``transition``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_state_change() must run inside the transaction of the change")
    profile = profile_of(proposal)
    lifecycle = profile.lifecycle if profile is not None else None
    step = lifecycle.transition(transition) if lifecycle is not None else None
    if lifecycle is not None and lifecycle.state(to_state) is None:
        raise ValueError(f"{proposal.profile}: unknown state {to_state!r}")
    change = StateChange.objects.create(
        proposal=proposal,
        from_state=from_state,
        to_state=to_state,
        transition=transition,
        kind=step.kind if step is not None else transition,
        label=step.label if step is not None else transition,
        actor=actor if actor is not None and actor.pk else None,
        actor_office=(
            proposal.lead_unit.name
            if actor is not None and actor.unit_id == proposal.lead_unit_id
            else (actor_office(actor) if actor is not None and actor.pk else "系统")
        ),
        actor_jurisdiction=actor.jurisdiction
        if actor is not None and actor.jurisdiction_id
        else None,
        at=clock.now(),
        reason=(reason or "").strip(),
        data=dict(data or {}),
    )
    queue_notification(change, step.event if step is not None else None)
    return change

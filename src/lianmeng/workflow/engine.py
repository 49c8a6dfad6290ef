"""The one function every state change goes through (DESIGN.md "The lifecycle is data";
pretalx's ``set_submission_state``), for every kind of subject.

:func:`transition` checks the profile's table for the subject's kind and the actor (role and
level), runs the guards registered for the kind, saves the new state, records the
:class:`StateChange`, starts the deadline the transition names, writes the audit entry and
calls the kind's listeners (notifications go out after the commit) — all in one transaction.
Web pages, the API and the CLI reach it through the owning app's service; nothing else sets a
subject's state beyond the owning app's own filing acts.

The filing side of a kind (a proposal's draft → submitted, withdrawal) has its own services;
they call :func:`record_change` so that the history is complete.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction as db_transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.validity import BASIS_FIELD, basis_required_message, return_refusal
from lianmeng.policy.lifecycle import Lifecycle, Transition
from lianmeng.policy.models import Profile
from lianmeng.policy.validity import lapse

from .guards import GuardContext, run_guards
from .kinds import SubjectKind, get_kind, kind_of, subject_key
from .listeners import changed
from .models import Deadline, StateChange
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
    "can_reopen",
    "next_steps",
    "record_change",
    "reopen_last",
    "transition",
]


def _table(subject: Any) -> tuple[Profile, Lifecycle]:
    profile = profile_of(subject)
    lifecycle = kind_of(subject).table(profile) if profile is not None else None
    if profile is None or lifecycle is None:
        raise Conflict(
            _("政策档案 %(profile)s 没有配置办理流程，无法办理。") % {"profile": subject.profile}
        )
    return profile, lifecycle


def _state(subject: Any, kind: SubjectKind) -> str:
    return getattr(subject, kind.state_field)


@dataclass(frozen=True)
class Step:
    """A transition open from the subject's current state, and the office that fires it."""

    transition: Transition
    office: Office
    level: str


def next_steps(subject: Any) -> list[Step]:
    """Every transition the engine may fire from the current state on the subject's route,
    with the department that fires it (external ones — submission, withdrawal — left out)."""
    kind = kind_of(subject)
    profile = profile_of(subject)
    lifecycle = kind.table(profile) if profile is not None else None
    if profile is None or lifecycle is None:
        return []
    route = route_of(subject, lifecycle, profile)
    steps = []
    for step in lifecycle.leaving(_state(subject, kind)):
        if step.external or route not in step.routes:
            continue
        level = effective_level(step, route, lifecycle)
        steps.append(Step(step, office_for(subject, level), level))
    return steps


def allowed_transitions(*, actor: User, subject: Any) -> list[Transition]:
    """The transitions ``actor`` may fire on ``subject`` now (guards not yet run)."""
    return [
        step.transition
        for step in next_steps(subject)
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


def _refusal(subject: Any, lifecycle: Lifecycle, actor: User, wanted: str) -> str:
    """当前状态为“已提交”，您可以：推荐、退回修改 — or who acts next."""
    state = _named(lifecycle.state_label(_state(subject, kind_of(subject))))
    mine = allowed_transitions(actor=actor, subject=subject)
    if mine:
        labels = _joined(_named(t.label) for t in mine)
        return _("当前状态为“%(state)s”，不能执行“%(action)s”。您可以：%(actions)s。") % {
            "state": state,
            "action": wanted,
            "actions": labels,
        }
    steps = next_steps(subject)
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
    *, subject: Any, profile: Profile, transition: Transition, change: StateChange
) -> dict[str, Any] | None:
    name = transition.starts_deadline
    if not name:
        return None
    cited = getattr(profile.deadlines, name)
    months = int(cited.value)
    due = _add_months(change.at.astimezone(clock.BEIJING).replace(microsecond=0), months)
    deadline = Deadline.objects.create(
        **subject_key(subject),
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
        "citation": profile.cite(cited.citation),  # 《文件标题》条款, for people
    }


def _lock(actor: User, kind: SubjectKind, pk: int) -> Any:
    model = kind.model
    subject = model.objects.select_for_update().filter(pk=pk).first()
    visible = subject is not None and model.objects.filter(kind.visible(actor), pk=pk).exists()
    if not visible:
        raise NotFound(_(kind.not_found))
    return subject


def transition(
    *,
    actor: User,
    kind: str,
    pk: int,
    transition: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    via: str = "",
) -> Any:
    """Fire ``transition`` of the profile's table on subject ``pk`` of ``kind`` as ``actor``.

    Transitions whose kind another service owns (the kind's ``owners``: decisions are staged
    and published so the registry is written with them; reviews start with a review round)
    are fired only by that service, which passes its name as ``via``; the web pages, the API
    and the CLI are refused with the page to use.

    Raises NotFound (the actor may not see the subject), Conflict (not possible in the
    current state; the message lists what the actor can do now), PermissionDenied (the
    actor's department is not the one at the transition's level), ValidationFailed (reason
    missing, a guard refuses).
    """
    subject_kind = get_kind(kind)
    reason = (reason or "").strip()
    data = dict(data or {})
    with db_transaction.atomic():
        subject = _lock(actor, subject_kind, pk)
        profile, lifecycle = _table(subject)
        wanted = lifecycle.transition(transition)
        if wanted is None:
            raise ValidationFailed(
                _("没有名为“%(transition)s”的操作。%(refusal)s")
                % {
                    "transition": transition,
                    "refusal": _refusal(subject, lifecycle, actor, transition),
                },
                details={
                    "allowed": [t.id for t in allowed_transitions(actor=actor, subject=subject)]
                },
            )
        owner = subject_kind.owners.get(wanted.kind)
        if owner is not None and via != owner.service:
            raise Conflict(
                _("“%(action)s”请在“%(page)s”页面办理%(hint)s，不能直接执行此操作。")
                % {
                    "action": _named(wanted.label),
                    "page": _(owner.page),
                    "hint": _(owner.hint) if owner.hint else "",
                },
                details={"page": owner.service},
            )
        if wanted.external:
            raise Conflict(
                _("“%(action)s”由申报单位在申报页面办理，不能在此执行。")
                % {"action": _named(wanted.label)}
            )
        before = _state(subject, subject_kind)
        if before not in wanted.from_:
            raise Conflict(
                _refusal(subject, lifecycle, actor, _named(wanted.label)),
                details={
                    "state": before,
                    "allowed": [t.id for t in allowed_transitions(actor=actor, subject=subject)],
                },
            )
        route = route_of(subject, lifecycle, profile)
        if route not in wanted.routes:
            raise PermissionDenied(_refusal(subject, lifecycle, actor, _named(wanted.label)))
        level = effective_level(wanted, route, lifecycle)
        office = office_for(subject, level)
        if not holds_office(actor, office, wanted.role):
            raise PermissionDenied(_not_your_office(subject, wanted, office, route, lifecycle))
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
        if wanted.grounds:
            data.update(_ground(wanted, data))
        now = clock.now()
        _check_validity(profile, wanted, now, data, supervision=subject_kind.supervision)
        problems = run_guards(
            GuardContext(
                subject=subject,
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
        if wanted.kind == "return" and subject_kind.version is not None:
            data = {**data, "version": subject_kind.version(subject)}
        setattr(subject, subject_kind.state_field, wanted.to)
        subject.save(update_fields=[subject_kind.state_field, "updated_at"])
        change = StateChange.objects.create(
            **subject_key(subject),
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
        change.__dict__["subject"] = subject
        deadline = _start_deadline(
            subject=subject, profile=profile, transition=wanted, change=change
        )
        if deadline:
            change.data = {**change.data, "deadline": deadline}
            change.save(update_fields=["data"])
        audit_record(
            actor=actor,
            action=subject_kind.audit_action(wanted.id),
            obj=subject,
            before={subject_kind.state_field: before},
            after={subject_kind.state_field: wanted.to, "reason": reason, "data": change.data},
        )
        changed(change, wanted.event)
    return subject


def _ground(wanted: Transition, data: dict[str, Any]) -> dict[str, Any]:
    """The ground (事由) a transition with ``grounds`` is fired on: ``data["ground"]`` must name
    one of them; the change keeps its id, label and citation (保定 第十三条（一）…（五）)."""
    value = str(data.get("ground") or "").strip()
    ground = wanted.ground(value)
    if ground is None:
        choices = pgettext("ground separator", "；").join(
            f"{_named(g.label)}（{g.id}）" for g in wanted.grounds
        )
        if value:
            message = _("没有名为“%(ground)s”的事由。“%(action)s”须选择以下事由之一：%(choices)s。")
        else:
            message = _("“%(action)s”须选择一项事由：%(choices)s。")
        raise ValidationFailed(
            message % {"ground": value[:40], "action": _named(wanted.label), "choices": choices},
            details={"field": "ground", "grounds": [g.id for g in wanted.grounds]},
        )
    return {
        "ground": ground.id,
        "ground_label": ground.label,
        "ground_citation": {"seed": ground.citation.seed, "article": ground.citation.article},
    }


def basis_lapse(kind: str, profile_id: str, transition: Transition) -> Any:
    """The lapse (``lianmeng.policy.validity.Lapse``) for which firing ``transition`` on a
    subject of ``kind`` under ``profile_id`` needs a 依据 now, or None: what the forms ask for
    and what :func:`_check_validity` requires."""
    from lianmeng.core.validity import lapse_for

    lapsed = lapse_for(profile_id)
    if lapsed is not None and get_kind(kind).supervision and transition.level == "lead_unit":
        return None
    return lapsed


def _check_validity(
    profile: Profile,
    wanted: Transition,
    now: datetime,
    data: dict[str, Any],
    *,
    supervision: bool = False,
) -> None:
    """Under a policy that is not in force (lianmeng.policy.validity) a department acts only
    on a basis it records (``data["basis"]``: the document or instruction it relies on),
    which is kept in the change's data and shown in the history; a return is refused, since
    the lead unit could never submit again (docs/decisions/0012-policy-validity.md).

    ``supervision`` (an existing alliance's own life: ``SubjectKind.supervision``): the lead
    unit's steps go on without a basis (the lapse is recorded with them), and a return is
    allowed, since the lead unit can resubmit."""
    basis = str(data.pop(BASIS_FIELD, "") or "").strip()
    lapsed = lapse(profile, now)
    if lapsed is not None and supervision and wanted.level == "lead_unit":
        data["policy_lapsed"] = {
            "document": lapsed.document,
            "reason": lapsed.reason,
            "valid_from": lapsed.valid_from.isoformat() if lapsed.valid_from else None,
            "valid_until": lapsed.valid_until.isoformat() if lapsed.valid_until else None,
        }
        lapsed = None
    if lapsed is not None:
        details = {
            "reason": "policy_lapsed",
            "field": BASIS_FIELD,
            "document": lapsed.document,
            "valid_from": lapsed.valid_from.isoformat() if lapsed.valid_from else None,
            "valid_until": lapsed.valid_until.isoformat() if lapsed.valid_until else None,
        }
        if wanted.kind == "return" and not supervision:
            raise ValidationFailed(return_refusal(lapsed), details=details)
        if not basis:
            raise ValidationFailed(
                basis_required_message(lapsed, _named(wanted.label)), details=details
            )
        if len(basis) > MAX_REASON:
            raise ValidationFailed(
                _("%(field)s不能超过 %(max)s 个字符。") % {"field": _("依据"), "max": MAX_REASON},
                details=details,
            )
        data["policy_lapsed"] = {
            "document": lapsed.document,
            "reason": lapsed.reason,
            "valid_from": details["valid_from"],
            "valid_until": details["valid_until"],
        }
    if basis:
        data[BASIS_FIELD] = basis[:MAX_REASON]


def _not_your_office(
    subject: Any, wanted: Transition, office: Office, route: str, lifecycle: Lifecycle
) -> str:
    delegation = lifecycle.zone_delegation
    if route == "zone" and delegation is not None and wanted.level in delegation.levels:
        zone = subject.zone.name if subject.zone_id else _("所在片区")
        return _(
            "该联盟的牵头单位位于%(zone)s，“%(action)s”由%(office)s负责办理；"
            "其他部门只能查看其报备名单，不能代为办理。"
        ) % {"zone": zone, "action": _named(wanted.label), "office": office.name}
    return _("“%(action)s”须由%(office)s办理，您所在的部门不能办理此申报的这一步。") % {
        "action": _named(wanted.label),
        "office": office.name,
    }


def record_change(
    *,
    subject: Any,
    from_state: str,
    to_state: str,
    transition: str,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> StateChange:
    """Record a change the owning app made itself (a proposal's ``submit``, ``withdraw``), in
    the caller's transaction, so that the subject's history is complete. The caller audits its
    own act.

    ``to_state`` must be a state of the profile's table; the transition's label and kind are
    taken from the table when it names ``transition``.
    """
    if not db_transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change() must run inside the transaction of the change")
    kind = kind_of(subject)
    profile = profile_of(subject)
    lifecycle = kind.table(profile) if profile is not None else None
    step = lifecycle.transition(transition) if lifecycle is not None else None
    if lifecycle is not None and lifecycle.state(to_state) is None:
        raise ValueError(f"{subject.profile}: unknown state {to_state!r}")
    acting = actor is not None and actor.pk
    lead_unit_id = getattr(subject, "lead_unit_id", None)
    if actor is not None and lead_unit_id is not None and actor.unit_id == lead_unit_id:
        office = subject.lead_unit.name
    else:
        office = actor_office(actor) if acting else "系统"
    change = StateChange.objects.create(
        **subject_key(subject),
        from_state=from_state,
        to_state=to_state,
        transition=transition,
        kind=step.kind if step is not None else transition,
        label=step.label if step is not None else transition,
        actor=actor if acting else None,
        actor_office=office,
        actor_jurisdiction=actor.jurisdiction
        if actor is not None and actor.jurisdiction_id
        else None,
        at=clock.now(),
        reason=(reason or "").strip(),
        data=dict(data or {}),
    )
    change.__dict__["subject"] = subject
    changed(change, step.event if step is not None else None)
    return change


#: the history's name of :func:`reopen_last` (no profile table has such a transition)
REOPEN = "reopen"
REOPEN_LABEL = "撤销退回"


def reopen_last(*, actor: User, kind: str, pk: int, reason: str = "", event: str = "") -> Any:
    """Undo the subject's last change when it was a return (退回修改) made by mistake: the
    subject goes back to the state before the return, recorded as the change ``reopen``
    (撤销退回) with its audit entry, and the kind's listeners are told (``event``).

    Allowed only while the subject is still in the returned state, the return is its last
    change, the actor holds the office (and role) that made the return, and — for a kind that
    records a version — the owner has changed nothing since (the version recorded with the
    return is still the subject's). Raises NotFound, Conflict, PermissionDenied or
    ValidationFailed as :func:`transition` does.
    """
    subject_kind = get_kind(kind)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("%(field)s不能超过 %(max)s 个字符。") % {"field": _("说明"), "max": MAX_REASON},
            details={"field": "reason"},
        )
    with db_transaction.atomic():
        subject = _lock(actor, subject_kind, pk)
        last = _reopenable(actor, subject)
        state = _state(subject, subject_kind)
        before, after = state, last.from_state
        setattr(subject, subject_kind.state_field, after)
        subject.save(update_fields=[subject_kind.state_field, "updated_at"])
        change = StateChange.objects.create(
            **subject_key(subject),
            from_state=before,
            to_state=after,
            transition=REOPEN,
            kind=REOPEN,
            label=REOPEN_LABEL,
            actor=actor,
            actor_office=actor_office(actor),
            actor_jurisdiction=actor.jurisdiction if actor.jurisdiction_id else None,
            at=clock.now(),
            reason=reason,
            data={"reopens": last.pk, "return": last.transition},
        )
        change.__dict__["subject"] = subject
        audit_record(
            actor=actor,
            action=subject_kind.audit_action(REOPEN),
            obj=subject,
            before={subject_kind.state_field: before, "return": last.pk},
            after={subject_kind.state_field: after, "reason": reason},
        )
        changed(change, event or None)
    return subject


def _reopenable(actor: User, subject: Any) -> StateChange:
    """The return :func:`reopen_last` would undo; raises why it cannot."""
    subject_kind = kind_of(subject)
    profile, lifecycle = _table(subject)
    state = _state(subject, subject_kind)
    last = StateChange.objects.of(subject).order_by("-at", "-id").first()
    if last is None or last.kind != "return" or last.to_state != state:
        raise Conflict(
            _("只有最近一次办理是“退回修改”、且尚未重新提交时才能撤销退回；当前状态为“%(state)s”。")
            % {"state": _named(lifecycle.state_label(state))}
        )
    returned = lifecycle.transition(last.transition)
    if returned is None:
        raise Conflict(_("办理流程中已没有这次退回所用的步骤，不能撤销退回。"))
    route = route_of(subject, lifecycle, profile)
    office = office_for(subject, effective_level(returned, route, lifecycle))
    if not holds_office(actor, office, returned.role):
        raise PermissionDenied(
            _("这次退回由%(office)s办理，只有%(office)s可以撤销。") % {"office": office.name}
        )
    if subject_kind.version is not None:
        recorded = (last.data or {}).get("version")
        if recorded is None or subject_kind.version(subject) != recorded:
            raise Conflict(
                _("退回后申报单位已修改了申报材料，不能再撤销退回；请等待其重新提交后再办理。")
            )
    return last


def can_reopen(*, actor: User, subject: Any) -> bool:
    """Whether :func:`reopen_last` would undo the subject's last return for ``actor`` now."""
    try:
        _reopenable(actor, subject)
    except (Conflict, PermissionDenied):
        return False
    return True

"""An alliance's life on the lifecycle engine (lianmeng.workflow): 筹建中 → 待验收 → 已认定,
验收不通过 → 筹建中 with a new deadline, 撤销, 已解散 — the profile's ``[alliance_lifecycle]``.

Registers the ``alliance`` subject kind (``AlliancesConfig.ready``). The alliance's state is
written only here: its first state when the alliance enters the registry
(:func:`record_initial`, called by the decision's publication and the legacy import) and every
later change through :func:`lianmeng.workflow.engine.transition`; each change has its
:class:`~lianmeng.workflow.models.StateChange` row and its audit entry.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.selectors import viewer_scope
from lianmeng.policy.lifecycle import AllianceLifecycle, Transition
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.workflow import engine
from lianmeng.workflow.kinds import Owner, SubjectKind, register_kind
from lianmeng.workflow.models import Deadline, StateChange
from lianmeng.workflow.routing import effective_level, holds_office, office_for

from .models import Alliance

KIND = "alliance"
#: the transition kind only the acceptance review (验收) fires
ACCEPTANCE = Owner(
    service="acceptance",
    page=gettext_noop("验收"),
    hint=gettext_noop("（由主管部门在验收评审中作出通过或不通过的结论）"),
)
CONSTRUCTION = "construction_period"
#: the names of the acts an alliance starts from (the decision's kind, the legacy import)
START_LABELS = {
    "approve_to_build": gettext_noop("批准筹建"),
    "recognise": gettext_noop("认定"),
    "file": gettext_noop("备案"),
    "pilot": gettext_noop("确定为试点"),
    "import": gettext_noop("历史名录导入"),
}

__all__ = [
    "ACCEPTANCE",
    "KIND",
    "acceptance_decide",
    "alliance_transition",
    "alliance_visibility",
    "allowed_transitions",
    "record_initial",
    "register",
]


def _table(profile: Any) -> AllianceLifecycle | None:
    return profile.alliance_lifecycle


def _public_q() -> Q:
    """Alliances in a state the profile lists publicly (the 公示名录)."""
    q = Q(pk__in=[])
    for profile in load_profiles().values():
        table = profile.alliance_lifecycle
        if table is not None and table.public_states():
            q |= Q(profile=profile.id, status__in=table.public_states())
    return q


def alliance_visibility(viewer: User) -> Q:
    """Anyone: alliances in a public state; the lead unit's staff: their alliances; department
    staff: alliances of their area and below (by the proposal's or the lead unit's region)."""
    q = _public_q()
    if not viewer.is_authenticated:
        return q
    if viewer.unit_id:
        q |= Q(lead_unit_id=viewer.unit_id)
    scope = viewer_scope(viewer)
    if scope is not None:
        q |= (
            Q(proposal__region__path__startswith=scope.path)
            | Q(proposal__isnull=True, lead_unit__region__path__startswith=scope.path)
            | Q(jurisdiction__path__startswith=scope.path)
        )
    return q


def register() -> None:
    register_kind(
        SubjectKind(
            name=KIND,
            model=Alliance,
            table=_table,
            visible=alliance_visibility,
            not_found=gettext_noop("名录中没有该联盟，或您无权查看。"),
            state_names=lambda: dict(Alliance.Status.choices),
            owners={"acceptance": ACCEPTANCE},
            audit_prefix="lianmeng.alliance",
            supervision=True,
        )
    )


def table_of(alliance: Alliance) -> AllianceLifecycle | None:
    try:
        return get_profile(alliance.profile).alliance_lifecycle
    except UnknownProfileError:
        return None


def state_label_of(alliance: Alliance, state: str) -> str:
    """The name of ``state`` in the alliance's table (Chinese; translate for display)."""
    table = table_of(alliance)
    if table is not None and table.state(state) is not None:
        return table.state_label(state)
    return str(dict(Alliance.Status.choices).get(state, state))


def initial_state(profile_id: str, outcome: str) -> str:
    """The state a decision ``outcome`` starts an alliance of the profile in."""
    table = get_profile(profile_id).alliance_lifecycle
    state = table.start_state(outcome) if table is not None else None
    if state is None:
        raise ValidationFailed(
            _("政策档案 %(profile)s 的联盟状态表没有“%(outcome)s”的起始状态。")
            % {"profile": profile_id, "outcome": outcome}
        )
    return state


def _beijing_end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.BEIJING)


def record_initial(
    *,
    alliance: Alliance,
    actor: User | None,
    transition: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    construction_due: date | None = None,
    label: str = "",
) -> StateChange:
    """Record the alliance's first state (its ``status`` as created) as its first history
    row; a 筹建中 alliance gets its construction period (``construction_due``: the Beijing
    date the period ends) as a :class:`Deadline`. Runs in the caller's transaction."""
    change = engine.record_change(
        subject=alliance,
        from_state="",
        to_state=alliance.status,
        transition=transition,
        actor=actor,
        reason=reason,
        data=data,
    )
    # the history names the act that started the alliance (批准筹建, 历史名录导入 …)
    change.label = str(label or START_LABELS.get(transition, transition))
    change.save(update_fields=["label"])
    if alliance.status == Alliance.Status.BUILDING and construction_due is not None:
        Deadline.objects.create(
            subject_kind=KIND,
            subject_id=alliance.pk,
            kind=CONSTRUCTION,
            starts_at=change.at,
            due_at=_beijing_end_of(construction_due),
            state_change=change,
        )
    return change


def alliance_transition(
    *,
    actor: User,
    pk: int,
    transition: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    via: str = "",
    evidence: list[Any] | None = None,
) -> Alliance:
    """Fire ``transition`` of the alliance's table (lianmeng.workflow.engine.transition); a
    transition that starts the construction period keeps ``construction_deadline`` in step.

    A revocation (kind ``revoke``) issues its notice (取消备案通知/撤销通知, with a verification
    code) and keeps the department's ``evidence`` files (checked like proposal materials) in
    the same transaction (lianmeng.alliances.revocation); other transitions take no files.

    Whoever acts on no step of the alliance's table at all (another jurisdiction's department,
    another unit) is answered as if the alliance were not there (NotFound)."""
    from . import revocation

    alliance = Alliance.objects.filter(pk=pk).select_related("lead_unit", "proposal").first()
    if alliance is None or not may_act(actor, alliance):
        raise NotFound(_("名录中没有该联盟，或您无权办理。"))
    files = [f for f in (evidence or []) if f is not None]
    table = table_of(alliance)
    step = table.transition(transition) if table is not None else None
    if files and (step is None or step.kind != revocation.REVOKE):
        raise ValidationFailed(
            _("只有取消备案（撤销）时可以上传证明材料。"), details={"field": "evidence"}
        )
    saved = revocation.save_files(revocation.check_evidence(files)) if files else []
    try:
        with transaction.atomic():
            alliance = engine.transition(
                actor=actor,
                kind=KIND,
                pk=pk,
                transition=transition,
                reason=reason,
                data=data,
                via=via,
            )
            _sync_deadline(alliance)
            if step is not None and step.kind == revocation.REVOKE:
                change = StateChange.objects.of(alliance).order_by("-id").first()
                revocation.issue_notice(actor=actor, alliance=alliance, change=change)
                revocation.store_evidence(
                    actor=actor, alliance=alliance, change=change, saved=saved
                )
    except BaseException:
        revocation.delete_files(saved)
        raise
    return alliance


def _sync_deadline(alliance: Alliance) -> None:
    deadline = Deadline.objects.of(alliance).filter(kind=CONSTRUCTION).order_by("-id").first()
    due = deadline.due_at.astimezone(clock.BEIJING).date() if deadline else None
    if due != alliance.construction_deadline:
        alliance.construction_deadline = due
        alliance.save(update_fields=["construction_deadline", "updated_at"])


def acceptance_decide(
    actor: User,
    alliance: Alliance | int,
    passed: bool,
    reason: str = "",
    new_deadline: date | None = None,
) -> Alliance:
    """验收的结论 (Henan 五(二)): pass → 已认定; fail (reason required) → back to 筹建中 with a
    new construction deadline (``new_deadline``, else the profile's period from today).

    Fired through the engine as the acceptance service; the acceptance review calls it."""
    pk = alliance if isinstance(alliance, int) else alliance.pk
    wanted = "acceptance_pass" if passed else "acceptance_fail"
    today = clock.now().astimezone(clock.BEIJING).date()
    if not passed and new_deadline is not None and new_deadline <= today:
        raise ValidationFailed(
            _("新的筹建期限须晚于今天，请重新填写。"), details={"field": "new_deadline"}
        )
    with transaction.atomic():
        result = engine.transition(
            actor=actor,
            kind=KIND,
            pk=pk,
            transition=wanted,
            reason=reason,
            via=ACCEPTANCE.service,
        )
        if not passed and new_deadline is not None:
            change = StateChange.objects.of(result).order_by("-id").first()
            deadline = Deadline.objects.of(result).filter(state_change=change).first()
            due = _beijing_end_of(new_deadline)
            if deadline is None:
                deadline = Deadline.objects.create(
                    subject_kind=KIND,
                    subject_id=result.pk,
                    kind=CONSTRUCTION,
                    starts_at=change.at,
                    due_at=due,
                    state_change=change,
                )
            else:
                deadline.due_at = due
                deadline.save(update_fields=["due_at"])
            info = dict((change.data or {}).get("deadline") or {})
            info.update(
                {
                    "kind": CONSTRUCTION,
                    "due_date": f"{new_deadline.year}年{new_deadline.month}月{new_deadline.day}日",
                    "due_at": due.isoformat(),
                }
            )
            change.data = {**(change.data or {}), "deadline": info}
            change.save(update_fields=["data"])
            audit_record(
                actor=actor,
                action="lianmeng.alliance.construction_deadline",
                obj=result,
                after={"due_at": due.isoformat(), "state_change": change.pk},
            )
        _sync_deadline(result)
    return result


def may_act(actor: User, alliance: Alliance) -> bool:
    """Whether ``actor`` holds the office of any step of the alliance's table (whatever its
    state): its lead unit's staff, the competent department above it."""
    table = table_of(alliance)
    if table is None or not actor.is_authenticated:
        return False
    for step in table.transitions:
        office = office_for(alliance, effective_level(step, "area", table))
        if holds_office(actor, office, step.role):
            return True
    return False


def allowed_transitions(*, actor: User, alliance: Alliance) -> list[Transition]:
    """What ``actor`` may do on ``alliance`` now, without those another service fires."""
    return [
        t
        for t in engine.allowed_transitions(actor=actor, subject=alliance)
        if t.kind not in {"acceptance"}
    ]

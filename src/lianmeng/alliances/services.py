"""Writes on decisions and the registry. Every function is atomic and audited.

A decision is first *staged* (暂存): the competent department records what it will decide and
why. Staged decisions are then *published* together (统一发布): in one transaction each fires
its lifecycle transition through the engine (which checks the actor's office, runs the guards
— review closed, category chosen — records the history, starts the construction period and
tells the applicant in the system and by e-mail after the commit), and a positive decision
enters the public registry. If any one of them cannot be published, none is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.integrity import seal
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.validity import basis_required_message, lapse_for
from lianmeng.policy.lifecycle import Transition
from lianmeng.policy.loader import get_profile
from lianmeng.policy.models import Profile
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_get

from .lifecycle import initial_state, record_initial
from .models import Alliance, Decision, DecisionNotice
from .naming import alliance_name, check_name
from .selectors import DECIDER_ROLES

MAX_REASON = 2000


def _transition_for(profile: Profile, proposal: Proposal, kind: str) -> Transition:
    """The profile's transition that carries out ``kind`` from the proposal's state."""
    lifecycle = profile.lifecycle
    wanted = "decline" if kind == Decision.Kind.DECLINE else "approve"
    candidates = [t for t in lifecycle.of_kind(wanted)] if lifecycle else []
    for transition in candidates:
        if proposal.status in transition.from_:
            return transition
    state = _(lifecycle.state_label(proposal.status)) if lifecycle else proposal.status
    message = (
        _("“%(name)s”当前状态为“%(state)s”，还不能作出该决定。请先完成受理和专家评审。")
        if candidates
        else _("“%(name)s”当前状态为“%(state)s”，还不能作出该决定。该政策档案没有配置此类决定。")
    )
    raise Conflict(
        message % {"name": proposal.name, "state": state},
        details={"state": proposal.status},
    )


def _check_kind(profile: Profile, kind: str) -> None:
    outcome = profile.outcome.value if profile.outcome else None
    if kind not in Decision.Kind.values:
        raise ValidationFailed(_("未知的决定类型“%(kind)s”。") % {"kind": kind})
    if kind != Decision.Kind.DECLINE and kind != outcome:
        label = dict(Decision.Kind.choices).get(outcome, outcome) if outcome else _("（未配置）")
        raise ValidationFailed(
            _("“%(profile)s”的决定只能是“%(outcome)s”或“不予通过”。")
            % {"profile": profile.name.value, "outcome": label},
            details={"allowed": [k for k in (outcome, Decision.Kind.DECLINE) if k]},
        )


def _check_category(profile: Profile, kind: str, category: int | None) -> int | None:
    numbers = {c.value.number: c.value.name for c in profile.categories}
    if kind == Decision.Kind.DECLINE or not numbers:
        if category not in (None, ""):
            raise ValidationFailed(_("该决定不设类别，请不要选择类别。"))
        return None
    try:
        number = int(category) if category not in (None, "") else None
    except (TypeError, ValueError):
        number = None
    if number not in numbers:
        choices = pgettext("list separator", "、").join(
            f"{n}（{name}）" for n, name in sorted(numbers.items())
        )
        raise ValidationFailed(
            _("请选择备案类别：%(choices)s。") % {"choices": choices}, details={"field": "category"}
        )
    return number


def _check_decider(actor: User) -> None:
    if not (actor.is_authenticated and actor.role_set() & DECIDER_ROLES):
        raise PermissionDenied(_("只有主管部门（或协调小组）可以作出决定。"))


def _may_fire(actor: User, proposal: Proposal, transition: Transition) -> None:
    from lianmeng.proposals.lifecycle import allowed_transitions

    if transition.id not in {t.id for t in allowed_transitions(actor=actor, proposal=proposal)}:
        raise PermissionDenied(
            _("“%(action)s”须由该申报的主管部门办理，您所在的部门不能对“%(name)s”作出决定。")
            % {"action": _(transition.label), "name": proposal.name}
        )


def decision_stage(
    *,
    actor: User,
    proposal_id: int,
    kind: str,
    reason: str = "",
    category: int | None = None,
    name: str | None = None,
    basis: str = "",
) -> Decision:
    """Record (or change) the decision the department will publish for one proposal.

    Under a policy that is not in force the decision needs its ``basis`` (依据: the document
    or instruction it relies on), else it is refused naming the policy's document."""
    _check_decider(actor)
    reason = (reason or "").strip()
    basis = (basis or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("理由不能超过 %(max)s 字。") % {"max": MAX_REASON}, details={"field": "reason"}
        )
    with transaction.atomic():
        proposal = proposal_get(viewer=actor, pk=proposal_id)
        proposal = (
            Proposal.objects.select_for_update().select_related("lead_unit").get(pk=proposal.pk)
        )
        profile = get_profile(proposal.profile)
        _check_kind(profile, kind)
        transition = _transition_for(profile, proposal, kind)
        _may_fire(actor, proposal, transition)
        if transition.reason_required and not reason:
            raise ValidationFailed(
                _("请填写%(field)s。") % {"field": _(transition.reason_label)},
                details={"field": "reason"},
            )
        _check_basis(profile, transition, basis)
        number = _check_category(profile, kind, category)
        final_name = ""
        if kind != Decision.Kind.DECLINE:
            final_name = (
                check_name(profile, name) if name else alliance_name(profile, proposal.name)
            )
        decision = Decision.objects.filter(proposal=proposal, status=Decision.Status.STAGED).first()
        before = _facts(decision) if decision else None
        if decision is None:
            decision = Decision(proposal=proposal, status=Decision.Status.STAGED)
        decision.profile = profile.id
        decision.kind = kind
        decision.transition = transition.id
        decision.reason = reason
        decision.basis = basis
        decision.category = number
        decision.alliance_name = final_name
        decision.staged_by = actor
        decision.staged_at = clock.now()
        decision.save()
        audit_record(
            actor=actor,
            action="lianmeng.decision.staged",
            obj=decision,
            before=before,
            after=_facts(decision),
        )
    return decision


def _check_basis(profile: Profile, transition: Transition, basis: str) -> None:
    """A decision under a policy not in force needs its recorded basis (the engine checks it
    again when the decision is published)."""
    lapsed = lapse_for(profile)
    if lapsed is not None and not basis:
        raise ValidationFailed(
            basis_required_message(lapsed, _(transition.label)),
            details={"field": "basis", "reason": "policy_lapsed", "document": lapsed.document},
        )
    if len(basis) > MAX_REASON:
        raise ValidationFailed(
            _("依据不能超过 %(max)s 字。") % {"max": MAX_REASON}, details={"field": "basis"}
        )


def decision_unstage(*, actor: User, decision_id: int) -> None:
    """Drop a staged decision (not yet published)."""
    _check_decider(actor)
    with transaction.atomic():
        decision = _staged_for_update(actor, [decision_id])[0]
        audit_record(
            actor=actor, action="lianmeng.decision.unstaged", obj=decision, before=_facts(decision)
        )
        decision.delete()


def _facts(decision: Decision) -> dict[str, Any]:
    return {
        "proposal": decision.proposal_id,
        "kind": decision.kind,
        "transition": decision.transition,
        "reason": decision.reason,
        "basis": decision.basis,
        "category": decision.category,
        "alliance_name": decision.alliance_name,
        "status": decision.status,
    }


def _staged_for_update(actor: User, ids: list[int]) -> list[Decision]:
    from lianmeng.proposals.selectors import proposal_visibility

    found = list(
        Decision.objects.select_for_update()
        .filter(pk__in=ids, status=Decision.Status.STAGED)
        .filter(proposal__in=Proposal.objects.filter(proposal_visibility(actor)))
        .select_related("proposal__lead_unit", "proposal__region")
        .order_by("id")
    )
    missing = sorted(set(ids) - {d.pk for d in found})
    if missing:
        raise NotFound(
            _("以下决定不存在、已发布或您无权办理，请刷新后重试：%(ids)s")
            % {"ids": pgettext("list separator", "、").join(map(str, missing))},
            details={"decisions": missing},
        )
    return found


def _construction_deadline(proposal: Proposal) -> date | None:
    """The construction period the engine started (Henan 筹建期 one year), as a Beijing date."""
    from lianmeng.workflow.models import Deadline

    deadline = (
        Deadline.objects.of(proposal).filter(kind="construction_period").order_by("-id").first()
    )
    return deadline.due_at.astimezone(clock.BEIJING).date() if deadline else None


def _registry_upsert(
    decision: Decision, profile: Profile, decided_on: date, actor: User
) -> Alliance:
    proposal = decision.proposal
    jurisdiction = Jurisdiction.objects.get(code=profile.jurisdiction.value)
    values = {
        "profile": profile.id,
        "level": profile.level.value,
        "name": decision.alliance_name or proposal.name,
        "domain": proposal.domain,
        "focus_area": proposal.focus_area,
        "industry": proposal.industry,
        "product": proposal.product,
        "lead_unit": proposal.lead_unit,
        "jurisdiction": jurisdiction,
        "member_count": proposal.member_count,
        "status": initial_state(profile.id, decision.kind),
        "category": decision.category,
        "decided_on": decided_on,
        "construction_deadline": _construction_deadline(proposal),
        "authority": profile.authority.value if profile.authority else profile.issuer.value,
        "reference": decision.reference,
    }
    existing = Alliance.objects.filter(proposal=proposal).first()
    if existing is not None:
        # a later decision on the same proposal updates the registry's facts; the state
        # stays where the alliance's own lifecycle took it (lianmeng.alliances.lifecycle)
        values.pop("status")
        values.pop("construction_deadline")
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        return existing
    alliance = Alliance.objects.create(proposal=proposal, **values)
    record_initial(
        alliance=alliance,
        actor=actor,
        transition=decision.kind,
        reason=decision.reason,
        data={"decision": decision.pk, "reference": decision.reference},
        construction_due=values["construction_deadline"],
    )
    return alliance


def _new_verification_code() -> str:
    from lianmeng.documents.pdf import unique_code

    return unique_code(Decision)


def _already_published(actor: User, token: str | None) -> list[Decision] | None:
    """The decisions a earlier submission of the same publish form published (a double
    click, a resent form), or None."""
    if not token:
        return None
    notice = DecisionNotice.objects.filter(token=token, published_by=actor).first()
    if notice is None:
        return None
    return list(notice.decisions.select_related("proposal", "alliance").order_by("id"))


def _notice(actor: User, reference: str | None, token: str | None, now: Any) -> DecisionNotice:
    """The publication's 文号: the one typed, or (no 文号 given at all, as by the API) the
    department's next free number; refused when the department already used it."""
    from uuid import uuid4

    from lianmeng.workflow.routing import actor_office

    from .numbering import clean_reference, next_reference, parse_reference, taken

    area = actor.jurisdiction if actor.jurisdiction_id else None
    if area is None:
        raise PermissionDenied(_("只有主管部门（或协调小组）可以作出决定。"))
    year = now.astimezone(clock.BEIJING).year
    if reference is None:
        suggested = next_reference(area, year)
        if not suggested:
            raise ValidationFailed(
                _("请填写本批决定的文号，如“豫科〔2026〕12号”。"), details={"field": "reference"}
            )
        parsed = parse_reference(suggested)
    else:
        parsed = clean_reference(reference)
    if taken(area, parsed):
        raise Conflict(
            _("文号“%(reference)s”本部门已经用过，请改用未用过的文号（下一个可用：%(next)s）。")
            % {"reference": parsed.text, "next": next_reference(area, parsed.year) or "—"},
            details={"field": "reference"},
        )
    return DecisionNotice.objects.create(
        jurisdiction=area,
        department=actor_office(actor),
        reference=parsed.text,
        prefix=parsed.prefix,
        year=parsed.year,
        number=parsed.number,
        token=(token or uuid4().hex)[:40],
        published_by=actor,
        published_at=now,
    )


def decisions_publish(
    *,
    actor: User,
    ids: Iterable[int],
    reference: str | None = None,
    token: str | None = None,
) -> list[Decision]:
    """Publish staged decisions together under one 文号: all or none.

    ``reference``: the 文号 the department gives the batch (``None``: its next free number);
    ``token``: the publish form's key — the same form sent twice publishes once."""
    from django.db import IntegrityError

    from lianmeng.proposals.lifecycle import proposal_transition

    _check_decider(actor)
    wanted = sorted({int(pk) for pk in ids})
    done = _already_published(actor, token)
    if done is not None:
        return done
    if not wanted:
        raise ValidationFailed(_("请选择要发布的决定。"))
    published: list[Decision] = []
    try:
        with transaction.atomic():
            try:
                decisions = _staged_for_update(actor, wanted)
            except NotFound:
                done = _already_published(actor, token)  # the other click got there first
                if done is not None:
                    return done
                raise
            _check_public_notice(decisions)
            now = clock.now()
            notice = _notice(actor, reference, token, now)
            published = _publish_all(actor, decisions, notice, now, proposal_transition)
            _notices_take_effect(actor, published)
    except IntegrityError as exc:
        done = _already_published(actor, token)
        if done is not None:
            return done
        raise Conflict(
            _("文号“%(reference)s”刚被本部门的另一批决定使用，请刷新页面后改用下一个可用文号。")
            % {"reference": reference or ""},
            details={"field": "reference"},
        ) from exc
    return published


# -- 公示 before publication (lianmeng.notices) ----------------------------------------------------

#: the subject kind of a staged decision in a 公示 (lianmeng.notices.models.NoticeSubject)
DECISION_SUBJECT = "alliances.decision"


def _check_public_notice(decisions: list[Decision]) -> None:
    """A decision put into a 公示 (拟认定名单公示) is published only once the 公示 ended and
    every objection to it is handled; decisions never put into one publish as before."""
    from lianmeng.notices.models import Announcement
    from lianmeng.notices.selectors import blocking_notices, today

    blocking = list(blocking_notices(DECISION_SUBJECT, [d.pk for d in decisions])[:5])
    if not blocking:
        return
    row = blocking[0]
    details = {"notices": [b.pk for b in blocking]}
    if row.status == Announcement.Status.DRAFT or not row.has_period:
        message = _(
            "所选决定已列入公示“%(title)s”，该公示尚未发布。请先发布公示（或撤回），"
            "公示期满且异议处理完毕后再发布决定。本批决定均未发布。"
        ) % {"title": row.title}
    elif today() <= row.notice_ends_on:
        message = _(
            "所选决定正在公示“%(title)s”中，公示期至 %(end)s（含当日），"
            "公示期满后才能发布。本批决定均未发布。"
        ) % {"title": row.title, "end": row.notice_ends_on.isoformat()}
    else:
        message = _(
            "公示“%(title)s”还有 %(n)d 条异议待处理，请在“公告管理”中逐条填写处理意见后再发布。"
            "本批决定均未发布。"
        ) % {"title": row.title, "n": row.open_objections}
    raise Conflict(message, details=details)


def _notices_take_effect(actor: User, published: list[Decision]) -> None:
    from lianmeng.notices.services import subjects_take_effect

    subjects_take_effect(actor=actor, subject_kind=DECISION_SUBJECT, ids=[d.pk for d in published])


def decisions_notice(
    *,
    actor: User,
    ids: Iterable[int],
    starts: date | None,
    ends: date | None,
    title: str = "",
) -> Any:
    """拟认定名单公示: put staged decisions into a 公示 (a draft announcement of the actor's
    department listing them, with its period). The department reviews the draft, attaches
    files and publishes it (lianmeng.notices); the decisions are published after it ends."""
    from lianmeng.notices.models import Announcement
    from lianmeng.notices.selectors import covering_notices
    from lianmeng.notices.services import announcement_create
    from lianmeng.workflow.routing import actor_office

    _check_decider(actor)
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        raise ValidationFailed(_("请选择要公示的决定。"))
    if starts is None or ends is None:
        raise ValidationFailed(
            _("请填写公示的开始日期和截止日期。"), details={"field": "notice_starts_on"}
        )
    with transaction.atomic():
        decisions = _staged_for_update(actor, wanted)
        covered = covering_notices(DECISION_SUBJECT, wanted)
        if covered:
            names = [d.proposal.name for d in decisions if d.pk in covered]
            raise Conflict(
                _("以下决定已列入公示，不能重复公示：%(names)s")
                % {"names": pgettext("list separator", "、").join(names)}
            )
        office = actor_office(actor)
        lines = [
            f"{n}. {d.alliance_name or d.proposal.name}（{d.proposal.lead_unit.name}）"
            f" — {d.get_kind_display()}"
            for n, d in enumerate(decisions, start=1)
        ]
        body = (
            _(
                "经专家评审，%(office)s拟作出以下决定，现予以公示。公示期为 %(start)s 至 %(end)s。"
                "对公示内容有异议的，请在公示期内通过本页提出，写明理由并留下联系方式。"
            )
            % {"office": office, "start": starts.isoformat(), "end": ends.isoformat()}
            + "\n\n"
            + "\n".join(lines)
        )
        return announcement_create(
            actor=actor,
            kind=Announcement.Kind.DECISION,
            title=title.strip() or _("关于拟认定产业技术创新战略联盟名单的公示"),
            body=body,
            notice_starts_on=starts,
            notice_ends_on=ends,
            department=office,
            subjects=[
                (
                    DECISION_SUBJECT,
                    d.pk,
                    f"{d.get_kind_display()} · {d.alliance_name or d.proposal.name}",
                )
                for d in decisions
            ],
        )


def _publish_all(
    actor: User,
    decisions: list[Decision],
    notice: DecisionNotice,
    now: Any,
    proposal_transition: Any,
) -> list[Decision]:
    published: list[Decision] = []
    decided_on = now.astimezone(clock.BEIJING).date()
    for decision in decisions:
        profile = get_profile(decision.profile)
        data: dict[str, Any] = {"decision": decision.pk, "reference": notice.reference}
        if decision.category is not None:
            data["category"] = decision.category
        if decision.alliance_name:
            data["alliance_name"] = decision.alliance_name
        if decision.basis:
            data["basis"] = decision.basis  # the engine requires it under a lapsed policy
        try:
            proposal_transition(
                actor=actor,
                pk=decision.proposal_id,
                transition=decision.transition,
                reason=decision.reason,
                data=data,
                via="decide",
            )
        except DomainError as exc:
            raise type(exc)(
                _("“%(name)s”不能发布：%(reason)s 本批决定均未发布。")
                % {"name": decision.proposal.name, "reason": exc.message},
                details={**exc.details, "decision": decision.pk},
            ) from exc
        decision.proposal.refresh_from_db()
        decision.notice = notice
        decision.reference = notice.reference
        decision.verification_code = _new_verification_code()
        if decision.positive:
            decision.alliance = _registry_upsert(decision, profile, decided_on, actor)
        decision.status = Decision.Status.PUBLISHED
        decision.published_by = actor
        decision.published_at = now
        decision.save(
            update_fields=[
                "alliance",
                "status",
                "published_by",
                "published_at",
                "notice",
                "reference",
                "verification_code",
            ]
        )
        audit_record(
            actor=actor,
            action="lianmeng.decision.published",
            obj=decision,
            after={
                **_facts(decision),
                "alliance": decision.alliance_id,
                "reference": notice.reference,
                # the seal, re-checked by `lianmeng audit verify` (lianmeng.core.integrity)
                **seal(decision),
            },
        )
        published.append(decision)
    return published

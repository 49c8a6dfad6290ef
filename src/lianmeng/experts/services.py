"""Writes on expert review. Every function is atomic and audited (``lianmeng.review.*``).

Order in each: check the precondition (raise a Chinese domain error that says what to do),
act, record the audit entry — in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import jurisdiction_for_region
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.models import Profile
from lianmeng.policy.uscc import IdentityError, validate_org_code, validate_uscc
from lianmeng.proposals.models import Proposal

from . import fields as fields_
from . import lifecycle
from .balance import balanced_assignment
from .conflicts import ConflictFinding, expert_conflicts, roster_codes
from .models import Assignment, ExpertProfile, ReviewRound, RoundProposal, Score
from .selectors import (
    ORGANISER_ROLES,
    pool_paths,
    pool_q,
    pool_users,
    reviewable_states,
    round_candidates,
)

MAX_COMMENT = 2000
MAX_REASON = 1000


# -- expert pool -------------------------------------------------------------------------------


def _clean_codes(codes: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in codes:
        code = str(raw or "").strip().upper()
        if not code:
            continue
        try:
            code = validate_uscc(code) if len(code) == 18 else validate_org_code(code)
        except IdentityError as exc:
            raise ValidationFailed(
                gettext("回避单位代码 %(code)s 无效：%(problem)s") % {"code": code, "problem": exc}
            ) from exc
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def expert_profile_save(
    *,
    actor: User,
    user_id: int,
    fields: Iterable[str] | None = None,
    region_code: str | None = None,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    available: bool | None = None,
    declared_conflicts: Iterable[str] | None = None,
) -> ExpertProfile:
    """Create or change an expert's entry in the pool. The expert edits his own; organising
    staff edit any. Arguments left ``None`` keep their value."""
    try:
        user = User.objects.select_related("unit__region").get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext("未找到该专家账号。")) from exc
    if not user.has_role(Role.EXPERT):
        raise ValidationFailed(gettext("该账号不是评审专家，请先由系统管理员授予“评审专家”角色。"))
    if actor.pk != user.pk and not (actor.role_set() & ORGANISER_ROLES):
        raise PermissionDenied(gettext("只有专家本人或主管部门可以修改专家信息。"))
    if actor.pk != user.pk and not pool_users(viewer=actor).filter(pk=user.pk).exists():
        # another jurisdiction's expert: as if there were none (no hint that he exists)
        raise NotFound(gettext("未找到该专家账号。"))
    region = None
    if region_code:
        region = jurisdiction_for_region(region_code)
        if region is None:
            raise ValidationFailed(
                gettext("区划代码 %(code)s 不在 GB/T 2260 中，请核对。") % {"code": region_code}
            )
        if actor.pk != user.pk and not any(
            region.path.startswith(path) for path in sum(pool_paths(actor.jurisdiction), [])
        ):
            raise ValidationFailed(
                gettext(
                    "所在地区 %(code)s 不在本部门辖区内：专家库只能登记本辖区的专家。"
                    "如专家已调往其他地区，请联系该地区的主管部门。"
                )
                % {"code": region_code}
            )
    with transaction.atomic():
        profile, created = ExpertProfile.objects.select_for_update().get_or_create(
            user=user,
            defaults={"email": user.email, "region": user.unit.region if user.unit_id else None},
        )
        before = _profile_facts(profile)
        if fields is not None:
            profile.fields = [f.strip() for f in fields if f and f.strip()][:20]
        if region is not None:
            profile.region = region
        if title is not None:
            profile.title = title.strip()[:60]
        if phone is not None:
            profile.phone = phone.strip()[:30]
        if email is not None:
            profile.email = email.strip()
        if available is not None:
            profile.available = bool(available)
        if declared_conflicts is not None:
            profile.declared_conflicts = _clean_codes(declared_conflicts)
        profile.save()
        audit_record(
            actor=actor,
            action="lianmeng.review.expert.saved",
            obj=profile,
            before=None if created else before,
            after=_profile_facts(profile),
        )
    return profile


def _profile_facts(profile: ExpertProfile) -> dict[str, Any]:
    return {
        "fields": profile.fields,
        "region": profile.region.code if profile.region_id else None,
        "available": profile.available,
        "declared_conflicts": profile.declared_conflicts,
    }


def expert_profile_ensure(*, user: User) -> ExpertProfile:
    """The expert's pool entry, created with defaults on first use."""
    profile = ExpertProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    return expert_profile_save(actor=user, user_id=user.pk)


# -- rounds ------------------------------------------------------------------------------------


def _profile(profile_id: str) -> Profile:
    try:
        return get_profile(profile_id)
    except UnknownProfileError as exc:
        raise ValidationFailed(
            gettext("未知政策档案 %(profile)s。") % {"profile": profile_id}
        ) from exc


def _check_organiser(actor: User, profile: Profile) -> Jurisdiction:
    """The actor's department organises reviews for ``profile``: its own jurisdiction, or a
    zone the profile delegates to (seed 001 三(四))."""
    if not (actor.role_set() & ORGANISER_ROLES) or actor.jurisdiction_id is None:
        raise PermissionDenied(gettext("只有主管部门（或协调小组）可以组织专家评审。"))
    area = actor.jurisdiction
    if area.code == profile.jurisdiction.value:
        return area
    delegation = profile.lifecycle.zone_delegation if profile.lifecycle else None
    own_path = f"/{profile.jurisdiction.value}/"
    if delegation is not None and area.kind in delegation.kinds and own_path in f"/{area.path}":
        return area
    authority = profile.authority.value if profile.authority else gettext("主管部门")
    raise PermissionDenied(
        gettext("“%(profile)s”的专家评审由%(authority)s组织，您所在的部门不能组织。")
        % {"profile": profile.name.value, "authority": authority}
    )


def _round_for_update(*, actor: User, round_id: int) -> ReviewRound:
    try:
        round = ReviewRound.objects.select_for_update().get(pk=round_id)
    except (ReviewRound.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext("未找到该评审轮次，或您无权查看。")) from exc
    if not (actor.role_set() & ORGANISER_ROLES) or actor.jurisdiction_id != round.jurisdiction_id:
        raise NotFound(gettext("未找到该评审轮次，或您无权查看。"))
    return round


def _ensure_open(round: ReviewRound) -> None:
    if not round.is_open:
        raise Conflict(gettext("该评审轮次已结束，不能再修改。如需补评，请新建评审轮次。"))


def round_create(
    *,
    actor: User,
    profile: str,
    call_year: int,
    title: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> ReviewRound:
    """Open a review round with the profile's criteria and weights (snapshotted)."""
    policy = _profile(profile)
    area = _check_organiser(actor, policy)
    if policy.review is None:
        raise ValidationFailed(
            gettext("政策档案“%(profile)s”未配置评审标准，不能组织专家评审。")
            % {"profile": policy.name.value}
        )
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed(gettext("评审截止时间须晚于开始时间。"))
    title = (
        title or ""
    ).strip() or f"{call_year}年度{policy.name.value}产业技术创新战略联盟专家评审"
    criteria = [c.model_dump(mode="json") for c in policy.review.criteria]
    with transaction.atomic():
        round = ReviewRound.objects.create(
            profile=policy.id,
            call_year=call_year,
            jurisdiction=area,
            title=title[:200],
            criteria=criteria,
            exclude_same_area=policy.review.exclude_same_area.value,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="lianmeng.review.round.created",
            obj=round,
            after={
                "profile": policy.id,
                "call_year": call_year,
                "criteria": {c["key"]: c["weight"] for c in criteria},
                "exclude_same_area": round.exclude_same_area,
            },
        )
    return round


def round_add_proposals(
    *, actor: User, round_id: int, proposal_ids: Iterable[int], basis: str = ""
) -> int:
    """Put proposals into the round; those still at 已受理 move to 专家评审中 through the
    lifecycle engine (one transaction: all or none). Returns how many were added.

    ``basis`` (依据) is required by the engine while the round's policy is not in force."""
    ids = sorted({int(pk) for pk in proposal_ids})
    if not ids:
        raise ValidationFailed(gettext("请至少选择一份申报。"))
    with transaction.atomic():
        round = _round_for_update(actor=actor, round_id=round_id)
        _ensure_open(round)
        candidates = {
            p.pk: p for p in round_candidates(viewer=actor, round=round).filter(pk__in=ids)
        }
        missing = [pk for pk in ids if pk not in candidates]
        if missing:
            raise ValidationFailed(
                gettext(
                    "以下申报不能加入本轮评审（不在您的辖区、政策档案或年度不符、状态不是待评审，"
                    "或已在本轮中）：%(ids)s"
                )
                % {"ids": pgettext("list separator", "、").join(map(str, missing))},
                details={"proposals": missing},
            )
        start, _inside = reviewable_states(round.profile)
        for pk in ids:
            proposal = candidates[pk]
            if proposal.status in start:
                lifecycle.start_review(actor=actor, proposal=proposal, round=round, basis=basis)
            RoundProposal.objects.create(round=round, proposal=proposal, added_by=actor)
        audit_record(
            actor=actor,
            action="lianmeng.review.round.proposals_added",
            obj=round,
            after={"proposals": ids},
        )
    return len(ids)


def round_close(*, actor: User, round_id: int) -> ReviewRound:
    """End the round: scores are final, experts may see each other's, decisions may follow."""
    with transaction.atomic():
        round = _round_for_update(actor=actor, round_id=round_id)
        _ensure_open(round)
        counts = round.assignments.filter(declared_conflict=False).aggregate(
            assigned=Count("id"), submitted=Count("id", filter=Q(submitted_at__isnull=False))
        )
        round.status = ReviewRound.Status.CLOSED
        round.closed_by = actor
        round.closed_at = clock.now()
        round.save(update_fields=["status", "closed_by", "closed_at"])
        audit_record(
            actor=actor,
            action="lianmeng.review.round.closed",
            obj=round,
            after={"assigned": counts["assigned"], "submitted": counts["submitted"]},
        )
    return round


# -- assignment --------------------------------------------------------------------------------


@dataclass
class AutoAssignResult:
    created: list[Assignment] = field(default_factory=list)
    #: proposal id → experts still missing (not enough experts without a conflict)
    shortfalls: dict[int, int] = field(default_factory=dict)
    #: proposal id → experts given although not of its field (none of the field was free),
    #: each with how far (lianmeng.experts.fields: 1 near, 2 other)
    off_field: dict[int, list[tuple[ExpertProfile, int]]] = field(default_factory=dict)
    #: proposal id → proposal, for messages
    proposals: dict[int, Proposal] = field(default_factory=dict)


def _candidates(round: ReviewRound, expert_ids: Iterable[int] | None) -> list[ExpertProfile]:
    # expert accounts not yet in the pool join it with defaults (available, employer's region)
    for user in User.objects.filter(
        role_grants__role=Role.EXPERT, is_active=True, expert_profile__isnull=True
    ).select_related("unit"):
        ExpertProfile.objects.create(
            user=user, email=user.email, region=user.unit.region if user.unit_id else None
        )
    experts = ExpertProfile.objects.filter(
        pool_q(round.jurisdiction),
        available=True,
        user__is_active=True,
        user__role_grants__role=Role.EXPERT,
    ).select_related("user__unit__region", "region")
    if expert_ids is not None:
        experts = experts.filter(pk__in=list(expert_ids))
    return list(experts.order_by("id"))


def _area_paths(round: ReviewRound, proposals: list[Proposal]) -> dict[int, str | None]:
    if not round.exclude_same_area:
        return {p.pk: None for p in proposals}
    return lifecycle.recommending_area_paths(proposals, profile_id=round.profile)


def _findings(
    expert: ExpertProfile,
    proposal: Proposal,
    *,
    round: ReviewRound,
    roster: set[str],
    area: str | None,
    declared_task: bool = False,
) -> list[ConflictFinding]:
    return expert_conflicts(
        employer=expert.user.unit if expert.user.unit_id else None,
        expert_region=expert.region,
        declared=expert.declared_conflicts,
        roster=roster,
        area_path=area,
        exclude_same_area=round.exclude_same_area,
        declared_task=declared_task,
    )


def _field_match(expert: ExpertProfile, proposal: Proposal) -> bool:
    return _field_grade(expert, proposal) == fields_.MATCH


def _field_grade(expert: ExpertProfile, proposal: Proposal) -> int:
    """How far the expert's fields are from the proposal's 重点领域、产业、产品."""
    words = fields_.proposal_words(proposal.focus_area, proposal.industry, proposal.product)
    return fields_.affinity(expert.fields or [], words)


def assign_automatically(
    *,
    actor: User,
    round_id: int,
    per_proposal: int = 2,
    expert_ids: Iterable[int] | None = None,
) -> AutoAssignResult:
    """Give every proposal of the round ``per_proposal`` experts without a conflict, keeping
    the heaviest load as small as it can be (lianmeng.experts.balance). Existing tasks stay
    and count; experts with a field matching the proposal are preferred. Deterministic."""
    if not 1 <= per_proposal <= 15:
        raise ValidationFailed(gettext("每份申报的评审专家人数应在 1 到 15 之间。"))
    with transaction.atomic():
        round = _round_for_update(actor=actor, round_id=round_id)
        _ensure_open(round)
        proposals = list(
            Proposal.objects.filter(round_entries__round=round)
            .select_related("lead_unit", "region", "zone")
            .order_by("id")
        )
        experts = _candidates(round, expert_ids)
        if not proposals:
            raise ValidationFailed(gettext("本轮尚无申报，请先加入待评审的申报。"))
        if not experts:
            raise ValidationFailed(gettext("没有可接受评审任务的专家，请先在专家库中登记专家。"))
        existing = list(
            round.assignments.values_list("proposal_id", "expert_id", "declared_conflict")
        )
        taken = {(p, e) for p, e, _ in existing}
        active = {}
        for p, _e, declared in existing:
            if not declared:
                active[p] = active.get(p, 0) + 1
        load: dict[int, int] = {}
        for _p, e, declared in existing:
            if not declared:
                load[e] = load.get(e, 0) + 1
        areas = _area_paths(round, proposals)
        need: dict[int, int] = {}
        eligible: dict[int, list[int]] = {}
        grades: dict[int, dict[int, int]] = {}
        for proposal in proposals:
            need[proposal.pk] = max(0, per_proposal - active.get(proposal.pk, 0))
            roster = roster_codes(
                lead_unit=proposal.lead_unit, members=(proposal.document or {}).get("members")
            )
            free = [
                e
                for e in experts
                if (proposal.pk, e.pk) not in taken
                and not _findings(e, proposal, round=round, roster=roster, area=areas[proposal.pk])
            ]
            eligible[proposal.pk] = [e.pk for e in free]
            grades[proposal.pk] = {e.pk: _field_grade(e, proposal) for e in free}
        chosen = balanced_assignment(
            proposals=[p.pk for p in proposals],
            experts=[e.pk for e in experts],
            need=need,
            eligible=eligible,
            load=load,
            affinity=grades,
        )
        result = AutoAssignResult(proposals={p.pk: p for p in proposals})
        by_id = {e.pk: e for e in experts}
        for proposal in proposals:
            for expert_id in chosen[proposal.pk]:
                grade = grades[proposal.pk].get(expert_id, fields_.MATCH)
                if grade != fields_.MATCH:
                    result.off_field.setdefault(proposal.pk, []).append((by_id[expert_id], grade))
                result.created.append(
                    Assignment.objects.create(
                        round=round,
                        proposal=proposal,
                        expert=by_id[expert_id],
                        by=Assignment.By.AUTO,
                        assigned_by=actor,
                    )
                )
            missing = need[proposal.pk] - len(chosen[proposal.pk])
            if missing > 0:
                result.shortfalls[proposal.pk] = missing
        audit_record(
            actor=actor,
            action="lianmeng.review.assigned.auto",
            obj=round,
            after={
                "per_proposal": per_proposal,
                "assignments": [[a.proposal_id, a.expert_id] for a in result.created],
                "shortfalls": result.shortfalls,
                "off_field": {
                    p: [[e.pk, g] for e, g in given] for p, given in result.off_field.items()
                },
            },
        )
    return result


def assign_manually(
    *, actor: User, round_id: int, proposal_id: int, expert_id: int, reason: str
) -> Assignment:
    """Staff choose an expert by hand, with a written reason that is recorded. A member-unit
    or declared conflict is still refused; a same-area conflict is accepted and recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(gettext("人工指定专家须填写理由。"))
    if len(reason) > MAX_REASON:
        raise ValidationFailed(gettext("理由不能超过 %(max)s 字。") % {"max": MAX_REASON})
    with transaction.atomic():
        round = _round_for_update(actor=actor, round_id=round_id)
        _ensure_open(round)
        try:
            proposal = (
                Proposal.objects.filter(round_entries__round=round)
                .select_related("lead_unit", "region", "zone")
                .get(pk=proposal_id)
            )
        except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("该申报不在本轮评审中。")) from exc
        try:
            expert = (
                ExpertProfile.objects.filter(pool_q(round.jurisdiction))
                .select_related("user__unit__region", "region")
                .get(pk=expert_id, user__is_active=True)
            )
        except (ExpertProfile.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该专家。")) from exc
        previous = round.assignments.filter(proposal=proposal, expert=expert).first()
        if previous is not None and not previous.declared_conflict:
            raise Conflict(gettext("%(expert)s已在评审该申报。") % {"expert": expert})
        roster = roster_codes(
            lead_unit=proposal.lead_unit, members=(proposal.document or {}).get("members")
        )
        area = _area_paths(round, [proposal])[proposal.pk]
        findings = _findings(
            expert,
            proposal,
            round=round,
            roster=roster,
            area=area,
            declared_task=previous is not None,
        )
        hard = [f for f in findings if f.hard]
        if hard:
            raise Conflict(
                gettext("不能指定该专家：%(ground)s。") % {"ground": hard[0].message},
                details={"ground": hard[0].ground},
            )
        assignment = Assignment.objects.create(
            round=round,
            proposal=proposal,
            expert=expert,
            by=Assignment.By.MANUAL,
            override_reason=reason,
            accepted_conflict="；".join(f.message for f in findings)[:200],
            assigned_by=actor,
        )
        audit_record(
            actor=actor,
            action="lianmeng.review.assigned.manual",
            obj=assignment,
            after={
                "round": round.pk,
                "proposal": proposal.pk,
                "expert": expert.pk,
                "reason": reason,
                "accepted_conflict": [f.ground for f in findings],
            },
        )
    return assignment


def assignment_remove(*, actor: User, assignment_id: int, reason: str) -> None:
    """Staff withdraw a task not yet submitted (the expert fell ill …), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(gettext("撤销评审任务须填写理由。"))
    with transaction.atomic():
        try:
            assignment = Assignment.objects.select_related("round").get(pk=assignment_id)
        except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该评审任务。")) from exc
        round = _round_for_update(actor=actor, round_id=assignment.round_id)
        _ensure_open(round)
        if assignment.submitted_at is not None:
            raise Conflict(gettext("专家已提交评分，不能撤销该任务。"))
        facts = {
            "round": round.pk,
            "proposal": assignment.proposal_id,
            "expert": assignment.expert_id,
        }
        audit_record(
            actor=actor,
            action="lianmeng.review.assignment.removed",
            obj=assignment,
            after=facts,
            note=reason,
        )
        assignment.scores.all().delete()
        assignment.delete()


def expert_declare_conflict(*, actor: User, assignment_id: int, reason: str) -> Assignment:
    """The expert stands aside from one task: it stops counting, he stops seeing the proposal,
    and automatic assignment will not give it to him again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            gettext("请说明回避的原因（例如：曾在该单位任职、与牵头单位有合作项目）。")
        )
    with transaction.atomic():
        try:
            assignment = (
                Assignment.objects.select_for_update()
                .select_related("round", "expert")
                .get(pk=assignment_id, expert__user=actor)
            )
        except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该评审任务，或您无权查看。")) from exc
        if assignment.declared_conflict:
            raise Conflict(gettext("您已对该任务声明回避。"))
        if assignment.submitted_at is not None:
            raise Conflict(gettext("评分已提交，不能再声明回避；如有利害关系，请联系主管部门。"))
        _ensure_open(assignment.round)
        assignment.declared_conflict = True
        assignment.declared_reason = reason[:MAX_REASON]
        assignment.declared_at = clock.now()
        assignment.save(update_fields=["declared_conflict", "declared_reason", "declared_at"])
        assignment.scores.all().delete()
        audit_record(
            actor=actor,
            action="lianmeng.review.conflict.declared",
            obj=assignment,
            after={"round": assignment.round_id, "proposal": assignment.proposal_id},
            note=reason,
        )
    return assignment


# -- scoring -----------------------------------------------------------------------------------


def parse_score(value: Any, *, title: str, maximum: int) -> Decimal | None:
    """One score as typed (blank: none), 0 to ``maximum`` with one decimal — for any expert
    scoring sheet (proposal review here, 验收 in lianmeng.construction)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            gettext("“%(criterion)s”的得分应为数字。") % {"criterion": title},
            details={"criterion": title},
        ) from exc
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValidationFailed(
            gettext("“%(criterion)s”的得分应在 0 到 %(max)s 之间。")
            % {"criterion": title, "max": maximum}
        )
    if number != number.quantize(Decimal("0.1")):
        raise ValidationFailed(
            gettext("“%(criterion)s”的得分最多保留一位小数。") % {"criterion": title}
        )
    return number


def score_submit(
    *,
    actor: User,
    assignment_id: int,
    scores: Mapping[str, Any],
    comments: Mapping[str, str] | None = None,
    final: bool = True,
) -> Assignment:
    """Save the expert's scores and comments per criterion; ``final`` submits them (every
    criterion must then have a score) and they can no longer be changed. Only the assigned
    expert, only while the round is open and within its dates."""
    comments = comments or {}
    with transaction.atomic():
        try:
            assignment = (
                Assignment.objects.select_for_update()
                .select_related("round", "expert__user")
                .get(pk=assignment_id, expert__user=actor, declared_conflict=False)
            )
        except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该评审任务，或您无权查看。")) from exc
        round = assignment.round
        now = clock.now()
        if not round.is_open or (round.closes_at and now > round.closes_at):
            raise Conflict(gettext("本轮评审已截止，不能再保存或提交评分。"))
        if round.opens_at and now < round.opens_at:
            raise Conflict(gettext("本轮评审尚未开始，请在评审开始后再评分。"))
        if assignment.submitted_at is not None:
            raise Conflict(gettext("评分已提交，不能再修改。如确需更正，请联系主管部门。"))
        criteria = {c["key"]: c for c in round.criteria}
        unknown = (set(scores) | set(comments)) - set(criteria)
        if unknown:
            raise ValidationFailed(
                gettext("未知的评审标准：%(criteria)s。")
                % {"criteria": pgettext("list separator", "、").join(sorted(unknown))}
            )
        values: dict[str, Decimal | None] = {}
        for key, criterion in criteria.items():
            values[key] = parse_score(
                scores.get(key), title=criterion["title"], maximum=criterion.get("max_score", 100)
            )
            if len(comments.get(key) or "") > MAX_COMMENT:
                raise ValidationFailed(
                    gettext("“%(criterion)s”的评语不能超过 %(max)s 字。")
                    % {"criterion": criterion["title"], "max": MAX_COMMENT}
                )
        if final:
            empty = [criteria[k]["title"] for k, v in values.items() if v is None]
            if empty:
                raise ValidationFailed(
                    gettext("提交前请为每项标准打分：%(criteria)s 尚未打分。可先保存草稿。")
                    % {"criteria": pgettext("list separator", "、").join(empty)},
                    details={"missing": [k for k, v in values.items() if v is None]},
                )
        for key, value in values.items():
            Score.objects.update_or_create(
                assignment=assignment,
                criterion=key,
                defaults={"score": value, "comment": (comments.get(key) or "").strip()},
            )
        if final:
            assignment.submitted_at = now
            assignment.save(update_fields=["submitted_at"])
        audit_record(
            actor=actor,
            action="lianmeng.review.scores.submitted" if final else "lianmeng.review.scores.saved",
            obj=assignment,
            after={k: (str(v) if v is not None else None) for k, v in values.items()},
        )
    return assignment

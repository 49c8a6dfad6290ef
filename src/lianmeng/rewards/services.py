"""Writes of rewards (M-50, M-51): each checks who acts, runs in one transaction with its audit
entry and refuses a stale ``revision`` (409). Amounts come only from
:func:`lianmeng.policy.rewards.calculate`; the department fixes an amount inside the rule's range
(or lowers a computed one) with a reason.

A claim: 草稿 → 已提交 (→ 已退回补正 → 已提交) → 专家评审中 (range kinds) → 已拟定 (staged in a
batch, its instalments reserved on the budgets) → 已决定给予 / 不予支持 (the batch is published,
the lead unit notified). Payments are recorded against published instalments; the budget's use is
the sum of its payments.

Guards: no claim, award or payment for an alliance that lost its support or whose filing was
cancelled; no second award for the same item; no commitment beyond a budget; no payment beyond an
instalment.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Unit, User
from lianmeng.core.money import parse_money
from lianmeng.core.revisions import check_revision
from lianmeng.core.roles import Role
from lianmeng.core.selectors import profile_jurisdiction
from lianmeng.experts.conflicts import unit_codes
from lianmeng.policy.loader import get_profile
from lianmeng.policy.models import Profile
from lianmeng.policy.rewards import (
    CENT,
    OtherSupport,
    calculate,
    money,
    say,
)
from lianmeng.policy.rewards import (
    Award as Computed,
)
from lianmeng.policy.rewards import (
    Claim as ClaimInput,
)
from lianmeng.policy.rewards_config import FIGURES, RewardKind, RewardsConfig

from . import selectors
from .models import (
    Award,
    Batch,
    Budget,
    Claim,
    ClaimFile,
    ClaimReview,
    Instalment,
    Payment,
    SupportFacts,
)
from .reasons import award_reason

S = Claim.Status
EDITABLE = (S.DRAFT, S.RETURNED)
OPEN = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REVIEWING, S.STAGED)
DECIDABLE = (S.SUBMITTED, S.REVIEWING)
MAX_TEXT = 5_000
MAX_INSTALMENTS = 5


# -- small helpers -----------------------------------------------------------------------------


_stale = check_revision


def _profile(profile_id: str) -> tuple[Profile, RewardsConfig]:
    profile = get_profile(profile_id)
    if profile.rewards is None:
        raise ValidationFailed(gettext("该政策档案没有奖补规定。"))
    return profile, profile.rewards


def _decider(actor: User, profile_id: str) -> None:
    if not selectors.decides(actor, profile_id):
        raise PermissionDenied(gettext("只有该政策的主管部门可以办理奖补。"))


def parse_date(value: Any, label: str, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    if value is None or not str(value).strip():
        if required:
            raise ValidationFailed(gettext("请填写%(label)s。") % {"label": label})
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s格式无效，应为 2020-06-30。") % {"label": label}
        ) from None


def parse_year(value: Any, label: str, *, required: bool = False) -> int | None:
    if value is None or not str(value).strip():
        if required:
            raise ValidationFailed(gettext("请填写%(label)s。") % {"label": label})
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s应为年份，例如 2020。") % {"label": label}
        ) from None
    if not 1990 <= year <= 2100:
        raise ValidationFailed(gettext("%(label)s应为年份，例如 2020。") % {"label": label})
    return year


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(
            gettext("内容过长：最多 %(n)s 个字，现有 %(m)s 个。") % {"n": limit, "m": len(text)}
        )
    return text


def _line(value: Any, limit: int = 200) -> str:
    return " ".join(_text(value, limit).split())


def _lead_users(unit_id: int) -> list[User]:
    return list(
        User.objects.filter(unit_id=unit_id, is_active=True, role_grants__role=Role.APPLICANT)
        .distinct()
        .order_by("id")
    )


def _department_users(profile_id: str) -> list[User]:
    area = profile_jurisdiction(profile_id)
    if area is None:
        return []
    return list(
        User.objects.filter(jurisdiction=area, is_active=True, role_grants__role=Role.COMPETENT)
        .distinct()
        .order_by("id")
    )


def _notify(users: list[User], *, event: str, subject: str, body: str, url: str) -> None:
    from lianmeng.core.site import absolute_url
    from lianmeng.reviews.notifications import notify

    if users:
        notify(users, event=event, subject=subject[:200], body=body, link=absolute_url(url))


# -- the calculation of a stored claim ------------------------------------------------------------


def claim_input(claim: Claim) -> ClaimInput:
    return ClaimInput(
        id=claim.number,
        kind=claim.kind,
        date=claim.event_date,
        level=claim.level or None,
        year=claim.year,
        project=claim.project,
        platform=claim.platform,
        major_contribution=claim.major_contribution,
        figures={k: Decimal(v) for k, v in (claim.figures or {}).items()},
    )


def compute(claim: Claim) -> Computed:
    """The claim's award as the rules give it now: the alliance's current facts, the other
    support it declared and the items already awarded to the alliance (staged or published)."""
    profile, _config = _profile(claim.profile)
    facts = selectors.facts_of(claim.alliance)
    taken = selectors.awarded_items(claim.alliance, exclude_claim=claim.pk or None)
    support = [
        OtherSupport(claim=claim.number, source=str(entry.get("source") or ""))
        for entry in claim.other_support or []
        if entry.get("source")
    ]
    result = calculate(profile, facts, [claim_input(claim)], support, awarded_items=taken)
    award = result.awards[0]
    if award.code == "duplicate" and award.item in taken:
        number = taken[award.item]
        said = say("同一事项已在申请 %(number)s 中给予，不再重复奖补", number=number)
        award = Computed(
            **{
                **award.__dict__,
                "reason": said.text,
                "template": said.template,
                "params": said.params,
            }
        )
    return award


def _store(claim: Claim, award: Computed, profile: Profile) -> None:
    claim.calculation = _jsonable(award.stored(profile))
    claim.item = award.item[:200]
    claim.computed_amount = award.amount
    claim.range_min = award.range[0] if award.range else None
    claim.range_max = award.range[1] if award.range else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(money(value))
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _kind(config: RewardsConfig, kind_id: str) -> RewardKind:
    kind = config.kind(kind_id)
    if kind is None:
        raise ValidationFailed(gettext("该政策没有这一类奖补。"))
    return kind


def _apply(claim: Claim, kind: RewardKind, data: Mapping[str, Any]) -> None:
    """The claim's fields from a form or API payload (validated; nothing half-applied)."""
    figures: dict[str, str] = {}
    needed = {kind.figure} if kind.figure else set()
    for name in FIGURES:
        label = _figure_label(kind, name)
        amount = parse_money(data.get(name), label, required=name in needed)
        if amount is not None and (name in needed):
            figures[name] = str(amount)
    level = str(data.get("level") or "").strip()
    if level and level not in ("national", "provincial", "municipal"):
        raise ValidationFailed(gettext("获批层级无效。"))
    year = parse_year(data.get("year"), gettext("年度"), required="year" in kind.item)
    event = parse_date(data.get("event_date"), gettext("奖励事项日期"), required=False)
    others = []
    for entry in data.get("other_support") or []:
        source = _line((entry or {}).get("source"), 120) if isinstance(entry, Mapping) else ""
        if not source:
            continue
        amount = parse_money(entry.get("amount"), gettext("其他支持金额"), required=False)
        others.append({"source": source, "amount": str(amount) if amount is not None else ""})
    if len(others) > 20:
        raise ValidationFailed(gettext("其他政府支持最多填写 20 项。"))
    claim.figures = figures
    claim.level = level if kind.method == "fixed_by_level" else ""
    claim.year = year
    claim.event_date = event or claim.event_date or claim.alliance.decided_on
    claim.project = _line(data.get("project"))
    claim.platform = _line(data.get("platform"))
    claim.major_contribution = bool(data.get("major_contribution")) and (
        "major_contribution" in kind.requires
    )
    claim.other_support = others
    claim.statement = _text(data.get("statement"))
    if "project" in kind.item and not claim.project:
        raise ValidationFailed(gettext("请填写项目名称。"))


def _figure_label(kind: RewardKind, name: str) -> str:
    from lianmeng.policy.rewards import FIGURE_LABELS

    if kind.figure == name and kind.figure_label:
        return kind.figure_label
    return FIGURE_LABELS[name]


def _may_file(actor: User, alliance: Alliance) -> bool:
    """The lead unit's applicant files for its own alliance; the department on its behalf."""
    lead = (
        actor.is_authenticated
        and actor.has_role(Role.APPLICANT)
        and actor.unit_id == alliance.lead_unit_id
    )
    return bool(lead) or selectors.decides(actor, alliance.profile)


def _open_duplicate(claim: Claim) -> Claim | None:
    """Another open claim of the alliance for the same item."""
    return (
        Claim.objects.filter(alliance_id=claim.alliance_id, item=claim.item, status__in=OPEN)
        .exclude(pk=claim.pk)
        .first()
    )


def _refuse_guards(claim: Claim, award: Computed) -> None:
    """No claim for an alliance that lost its support, none for an item already awarded or
    already claimed."""
    if award.code == "revoked":
        raise ValidationFailed(award_reason(award))
    if award.code == "duplicate":
        raise Conflict(award_reason(award))
    other = _open_duplicate(claim)
    if other is not None:
        raise Conflict(
            gettext("该联盟已有同一事项的申请 %(number)s（%(status)s），不能重复申请。")
            % {"number": other.number, "status": other.get_status_display()}
        )


def _new_number(now: Any) -> str:
    return f"JB{now:%Y%m%d}{secrets.token_hex(3).upper()}"


# -- facts the department records ------------------------------------------------------------------


def facts_save(
    *, actor: User, alliance_id: Any, data: Mapping[str, Any], revision: Any = None
) -> SupportFacts:
    """纳入重点支持 and the legal entity's registration, recorded by the department."""
    try:
        alliance = Alliance.objects.get(pk=int(alliance_id))
    except (Alliance.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该联盟。")) from None
    _decider(actor, alliance.profile)
    key_support = bool(data.get("key_support"))
    reason = _text(data.get("key_support_reason"), 1000)
    if key_support and not reason:
        raise ValidationFailed(gettext("纳入重点支持须写明依据（如会议纪要、文件）。"))
    registered = parse_date(
        data.get("legal_entity_registered_on"), gettext("注册日期"), required=False
    )
    name = _line(data.get("legal_entity_name"), 120)
    uscc = _line(data.get("legal_entity_uscc"), 18).upper()
    if registered and not name:
        raise ValidationFailed(gettext("请填写独立法人机构名称。"))
    if registered and registered > selectors.today():
        raise ValidationFailed(gettext("注册日期不能晚于今天。"))
    with transaction.atomic():
        row = SupportFacts.objects.select_for_update().filter(alliance=alliance).first()
        before = None
        if row is None:
            row = SupportFacts(alliance=alliance, updated_by=actor, updated_at=clock.now())
        else:
            _stale(row, revision)
            before = _facts_dict(row)
            row.revision += 1
        row.key_support = key_support
        row.key_support_reason = reason
        row.legal_entity_name = name
        row.legal_entity_uscc = uscc
        row.legal_entity_registered_on = registered
        row.updated_by = actor
        row.updated_at = clock.now()
        row.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.facts_saved",
            obj=alliance,
            before=before,
            after=_facts_dict(row),
        )
    return row


def _facts_dict(row: SupportFacts) -> dict[str, Any]:
    return {
        "key_support": row.key_support,
        "key_support_reason": row.key_support_reason,
        "legal_entity_name": row.legal_entity_name,
        "legal_entity_registered_on": str(row.legal_entity_registered_on or ""),
    }


# -- claims ----------------------------------------------------------------------------------------


def claim_create(
    *, actor: User, alliance_id: Any, kind: str, data: Mapping[str, Any] | None = None
) -> Claim:
    """A draft claim for one item (the lead unit's applicant, or the department on its behalf)."""
    try:
        alliance = Alliance.objects.select_related("lead_unit").get(pk=int(alliance_id))
    except (Alliance.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该联盟。")) from None
    if not _may_file(actor, alliance):
        raise PermissionDenied(gettext("只有联盟牵头单位或主管部门可以为该联盟申请奖补。"))
    if alliance.status not in selectors.CLAIMING_STATES:
        raise ValidationFailed(gettext("该联盟已撤销或解散，不能申请奖补。"))
    profile, config = _profile(alliance.profile)
    rule = _kind(config, kind)
    now = clock.now()
    region = alliance.jurisdiction
    claim = Claim(
        alliance=alliance,
        profile=alliance.profile,
        region=region,
        lead_unit=alliance.lead_unit,
        kind=rule.id,
        event_date=alliance.decided_on,
        level=alliance.level if rule.method == "fixed_by_level" else "",
        on_behalf=not (actor.has_role(Role.APPLICANT) and actor.unit_id == alliance.lead_unit_id),
        created_by=actor,
        created_at=now,
    )
    facts = selectors.support_record(alliance)
    if rule.id == "legal_entity" and facts and facts.legal_entity_registered_on:
        claim.event_date = facts.legal_entity_registered_on
    if data:
        _apply(claim, rule, data)
    elif "year" in rule.item:
        claim.year = selectors.today().year
    award = compute(claim) if claim.alliance_id else None
    assert award is not None
    _store(claim, award, profile)
    _refuse_guards(claim, award)
    with transaction.atomic():
        for _attempt in range(5):
            claim.number = _new_number(now)
            try:
                with transaction.atomic():
                    claim.save()
                break
            except IntegrityError:
                continue
        audit_record(
            actor=actor,
            action="lianmeng.reward.claim_created",
            obj=claim,
            after={"alliance": alliance.pk, "kind": claim.kind, "on_behalf": claim.on_behalf},
        )
    return claim


def _locked(actor: User, claim_id: Any) -> tuple[Claim, str]:
    claim, seen = selectors.claim_for(actor, claim_id)
    claim = (
        Claim.objects.select_for_update().select_related("alliance", "lead_unit").get(pk=claim.pk)
    )
    return claim, seen


def _may_edit(actor: User, claim: Claim, seen: str) -> None:
    if seen == selectors.LEAD or (seen == selectors.DEPARTMENT and claim.on_behalf):
        if claim.status not in EDITABLE:
            raise Conflict(gettext("申请已提交，不能再修改。"))
        return
    raise PermissionDenied(gettext("只有申请人可以修改这份申请。"))


def claim_save(
    *, actor: User, claim_id: Any, data: Mapping[str, Any], revision: Any = None
) -> Claim:
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        _may_edit(actor, claim, seen)
        _stale(claim, revision)
        profile, config = _profile(claim.profile)
        before = {"figures": claim.figures, "computed": str(claim.computed_amount)}
        _apply(claim, _kind(config, claim.kind), data)
        award = compute(claim)
        _store(claim, award, profile)
        _refuse_guards(claim, award)
        claim.revision += 1
        claim.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.claim_saved",
            obj=claim,
            before=before,
            after={"figures": claim.figures, "computed": str(claim.computed_amount)},
        )
    return claim


def claim_upload(*, actor: User, claim_id: Any, file: Any, title: str = "") -> ClaimFile:
    """Attach one evidence file (checked by content and size like proposal materials)."""
    from lianmeng.proposals.materials import check_file

    name = getattr(file, "name", "") or ""
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        _may_edit(actor, claim, seen)
    checked = check_file(name, getattr(file, "size", None), file)
    now = clock.now()
    stored = default_storage.save(
        f"rewards/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.type.ext}", File(file, name=name)
    )
    try:
        with transaction.atomic():
            claim, seen = _locked(actor, claim_id)
            _may_edit(actor, claim, seen)
            if claim.files.count() >= 20:
                raise ValidationFailed(gettext("每份申请最多上传 20 个证明材料。"))
            original = os.path.basename(name.replace("\\", "/")).strip()[:200] or (
                f"file.{checked.type.ext}"
            )
            row = ClaimFile.objects.create(
                claim=claim,
                title=(" ".join((title or "").split()) or original)[:200],
                file=stored,
                original_name=original,
                content_type=checked.type.mime,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
            audit_record(
                actor=actor,
                action="lianmeng.reward.file_uploaded",
                obj=row,
                after={"claim": claim.pk, "name": original, "sha256": checked.sha256},
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return row


def claim_file_delete(*, actor: User, file_id: Any) -> None:
    try:
        row = ClaimFile.objects.get(pk=int(file_id))
    except (ClaimFile.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该文件。")) from None
    with transaction.atomic():
        claim, seen = _locked(actor, row.claim_id)
        _may_edit(actor, claim, seen)
        audit_record(
            actor=actor,
            action="lianmeng.reward.file_deleted",
            obj=claim,
            before={"name": row.original_name, "sha256": row.sha256},
        )
        path = row.file.name
        row.delete()
    transaction.on_commit(lambda: default_storage.delete(path))


def needs_evidence(claim: Claim) -> bool:
    """Figures and registrations need evidence; a new alliance's decision is on record."""
    return claim.kind != "new_alliance"


def claim_submit(*, actor: User, claim_id: Any, revision: Any = None) -> Claim:
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        _may_edit(actor, claim, seen)
        _stale(claim, revision)
        profile, _config = _profile(claim.profile)
        award = compute(claim)
        _store(claim, award, profile)
        _refuse_guards(claim, award)
        if needs_evidence(claim) and not claim.files.exists():
            raise ValidationFailed(
                gettext("请先上传证明材料（如注册证书、审计报告、投资凭证）再提交。")
            )
        before = claim.status
        claim.status = S.SUBMITTED
        claim.submitted_at = clock.now()
        claim.return_reason = ""
        claim.revision += 1
        claim.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.claim_submitted",
            obj=claim,
            before={"status": before},
            after={"status": claim.status, "computed": str(claim.computed_amount)},
        )
        pk, name, number = claim.pk, claim.alliance.name, claim.number
        users = _department_users(claim.profile)
        transaction.on_commit(
            lambda: _notify(
                users,
                event="reward.submitted",
                subject=gettext("【奖补申请】%(name)s提交了申请 %(number)s")
                % {"name": name, "number": number},
                body=gettext("请在“奖补申请”中审核。"),
                url=f"/rewards/claims/{pk}/",
            )
        )
    return claim


def claim_withdraw(*, actor: User, claim_id: Any, revision: Any = None) -> Claim:
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        if seen not in (selectors.LEAD, selectors.DEPARTMENT) or (
            seen == selectors.DEPARTMENT and not claim.on_behalf
        ):
            raise PermissionDenied(gettext("只有申请人可以撤回申请。"))
        if claim.status not in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REVIEWING):
            raise Conflict(gettext("已拟定或已决定的申请不能撤回。"))
        _stale(claim, revision)
        before = claim.status
        claim.status = S.WITHDRAWN
        claim.revision += 1
        claim.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.claim_withdrawn",
            obj=claim,
            before={"status": before},
            after={"status": claim.status},
        )
    return claim


def claim_return(*, actor: User, claim_id: Any, reason: str, revision: Any = None) -> Claim:
    """The department returns a claim for correction (补正), saying what is missing."""
    reason = _text(reason, 2000)
    if not reason:
        raise ValidationFailed(gettext("请写明退回意见：需要补正什么。"))
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        if seen != selectors.DEPARTMENT:
            raise PermissionDenied(gettext("只有主管部门可以退回申请。"))
        if claim.status not in DECIDABLE:
            raise Conflict(gettext("只有已提交的申请可以退回。"))
        _stale(claim, revision)
        before = claim.status
        claim.status = S.RETURNED
        claim.return_reason = reason
        claim.revision += 1
        claim.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.claim_returned",
            obj=claim,
            before={"status": before},
            after={"status": claim.status, "reason": reason},
        )
        pk, name, number, unit = claim.pk, claim.alliance.name, claim.number, claim.lead_unit_id
        transaction.on_commit(
            lambda: _notify(
                _lead_users(unit),
                event="reward.returned",
                subject=gettext("【奖补申请退回补正】%(number)s") % {"number": number},
                body=gettext("%(name)s的奖补申请被退回补正：%(reason)s")
                % {"name": name, "reason": reason},
                url=f"/rewards/claims/{pk}/",
            )
        )
    return claim


# -- expert review of range claims -----------------------------------------------------------------


def _conflict_reason(user: User, claim: Claim) -> str | None:
    """Why the expert must not review the claim: his unit (or one he declared a conflict with)
    leads the alliance or is a current member of it."""
    from lianmeng.experts.models import ExpertProfile
    from lianmeng.running.models import Member

    if user.unit_id and user.unit_id == claim.lead_unit_id:
        return gettext("专家所在单位是该联盟的牵头单位，须回避")
    codes = unit_codes(user.unit) if user.unit_id else set()
    record = ExpertProfile.objects.filter(user=user).first()
    codes |= {str(c).strip().upper() for c in (record.declared_conflicts if record else [])}
    if not codes:
        return None
    if codes & unit_codes(claim.lead_unit):
        return gettext("专家所在单位或声明回避的单位是该联盟的牵头单位，须回避")
    units = Unit.objects.filter(Q(uscc__in=codes) | Q(org_code__in=codes)).values("pk")
    if Member.objects.filter(
        Q(uscc__in=codes) | Q(unit_id__in=units),
        workspace__alliance_id=claim.alliance_id,
        left_on__isnull=True,
    ).exists():
        return gettext("专家所在单位或声明回避的单位是该联盟的成员单位，须回避")
    return None


def reviewers_assign(*, actor: User, claim_id: Any, expert_ids: Iterable[Any]) -> list[str]:
    """Put experts of the department's pool on a claim whose amount a review sets.

    Returns the names skipped for a conflict of interest, with the reason."""
    from lianmeng.experts.selectors import expert_pool

    ids = []
    for value in expert_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed(gettext("专家选择无效。")) from None
    if not ids:
        raise ValidationFailed(gettext("请至少选择一位专家。"))
    skipped: list[str] = []
    with transaction.atomic():
        claim, seen = _locked(actor, claim_id)
        if seen != selectors.DEPARTMENT:
            raise PermissionDenied(gettext("只有主管部门可以组织专家评审。"))
        if claim.range_max is None:
            raise ValidationFailed(gettext("这类奖补按规定比例计算，无需专家评审。"))
        if claim.status not in DECIDABLE:
            raise Conflict(gettext("只有已提交的申请可以组织专家评审。"))
        pool = {p.user_id: p.user for p in expert_pool(viewer=actor).filter(user_id__in=ids)}
        have = set(ClaimReview.objects.filter(claim=claim).values_list("expert_id", flat=True))
        added = []
        now = clock.now()
        for pk in ids:
            user = pool.get(pk)
            if user is None:
                raise ValidationFailed(gettext("所选专家不在本部门专家库中。"))
            if pk in have:
                continue
            why = _conflict_reason(user, claim)
            if why:
                skipped.append(f"{user.get_full_name() or user.username}：{why}")
                continue
            ClaimReview.objects.create(claim=claim, expert=user, assigned_by=actor, assigned_at=now)
            added.append(user)
        if added:
            claim.status = S.REVIEWING
            claim.revision += 1
            claim.save(update_fields=["status", "revision"])
        audit_record(
            actor=actor,
            action="lianmeng.reward.reviewers_assigned",
            obj=claim,
            after={"experts": [u.pk for u in added], "skipped": skipped},
        )
        pk, number = claim.pk, claim.number
        transaction.on_commit(
            lambda: _notify(
                added,
                event="reward.review_assigned",
                subject=gettext("【奖补评审】请评审申请 %(number)s") % {"number": number},
                body=gettext("请在“奖补”中打开该申请，阅读申请材料和证明材料后评分。"),
                url=f"/rewards/claims/{pk}/",
            )
        )
    return skipped


def review_save(
    *,
    actor: User,
    review_id: Any,
    score: Any,
    suggested: Any,
    comment: str,
    submit: bool = False,
    revision: Any = None,
) -> ClaimReview:
    try:
        review = ClaimReview.objects.select_related("claim").get(pk=int(review_id), expert=actor)
    except (ClaimReview.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该评审任务。")) from None
    value = None
    if score not in (None, ""):
        try:
            value = Decimal(str(score).strip())
        except InvalidOperation:
            raise ValidationFailed(gettext("评分应为 0–100 的数。")) from None
        if not value.is_finite() or not 0 <= value <= 100:
            raise ValidationFailed(gettext("评分应为 0–100 的数。"))
        value = value.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    amount = parse_money(suggested, gettext("建议金额"), required=False)
    comment = _text(comment, 2000)
    with transaction.atomic():
        review = ClaimReview.objects.select_for_update().select_related("claim").get(pk=review.pk)
        claim = review.claim
        if review.submitted_at is not None:
            raise Conflict(gettext("评审意见已提交，不能再修改。"))
        if claim.status != S.REVIEWING:
            raise Conflict(gettext("该申请已不在评审中。"))
        _stale(review, revision)
        if amount is not None and claim.range_min is not None and claim.range_max is not None:
            if not claim.range_min <= amount <= claim.range_max:
                raise ValidationFailed(
                    gettext("建议金额应在 %(low)s–%(high)s 万元之间。")
                    % {"low": claim.range_min, "high": claim.range_max}
                )
        if submit and (value is None or amount is None or not comment):
            raise ValidationFailed(gettext("提交前请填写评分、建议金额和评审意见。"))
        review.score = value
        review.suggested = amount
        review.comment = comment
        review.revision += 1
        if submit:
            review.submitted_at = clock.now()
        review.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.review_submitted" if submit else "lianmeng.reward.review_saved",
            obj=claim,
            after={
                "score": str(value) if value is not None else None,
                "suggested": str(amount or ""),
            },
        )
    return review


# -- budgets ---------------------------------------------------------------------------------------


def budget_save(
    *,
    actor: User,
    profile_id: str,
    year: Any,
    amount: Any,
    note: str = "",
    budget_id: Any = None,
    revision: Any = None,
) -> Budget:
    """A fund source's budget for a year; never below what is already committed on it."""
    _decider(actor, profile_id)
    _profile_obj, config = _profile(profile_id)
    value = parse_money(amount, gettext("预算金额"))
    assert value is not None
    the_year = parse_year(year, gettext("年度"), required=True)
    note = _line(note)
    with transaction.atomic():
        if budget_id:
            try:
                budget = Budget.objects.select_for_update().get(
                    pk=int(budget_id), profile=profile_id, jurisdiction=actor.jurisdiction
                )
            except (Budget.DoesNotExist, TypeError, ValueError):
                raise NotFound(gettext("未找到该预算。")) from None
            _stale(budget, revision)
            use = selectors.budget_use(budget)
            if value < use.committed:
                raise ValidationFailed(
                    gettext("预算不能少于已安排的 %(committed)s 万元。")
                    % {"committed": use.committed}
                )
            before = {"amount": str(budget.amount), "note": budget.note}
            budget.amount = value
            budget.note = note
            budget.revision += 1
            budget.save()
            action = "lianmeng.reward.budget_changed"
        else:
            before = None
            try:
                with transaction.atomic():
                    budget = Budget.objects.create(
                        profile=profile_id,
                        jurisdiction=actor.jurisdiction,
                        fund=config.fund_source.value,
                        year=the_year,
                        amount=value,
                        note=note,
                        created_by=actor,
                        created_at=clock.now(),
                    )
            except IntegrityError:
                raise Conflict(
                    gettext("%(year)s 年度的预算已录入，请在预算列表中修改。") % {"year": the_year}
                ) from None
            action = "lianmeng.reward.budget_created"
        audit_record(
            actor=actor,
            action=action,
            obj=budget,
            before=before,
            after={"fund": budget.fund, "year": budget.year, "amount": str(budget.amount)},
        )
    return budget


# -- decisions ---------------------------------------------------------------------------------------


def batch_create(*, actor: User, profile_id: str, title: str) -> Batch:
    _decider(actor, profile_id)
    _profile(profile_id)
    title = _line(title, 120)
    if not title:
        raise ValidationFailed(gettext("请填写批次名称，例如“2020 年度联盟奖补第一批”。"))
    with transaction.atomic():
        batch = Batch.objects.create(
            profile=profile_id,
            jurisdiction=actor.jurisdiction,
            title=title,
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor, action="lianmeng.reward.batch_created", obj=batch, after={"title": title}
        )
    return batch


def _batch_locked(actor: User, batch_id: Any) -> Batch:
    try:
        batch = Batch.objects.select_for_update().get(pk=int(batch_id))
    except (Batch.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该批次。")) from None
    _decider(actor, batch.profile)
    if batch.jurisdiction_id != actor.jurisdiction_id:
        raise NotFound(gettext("未找到该批次。"))
    return batch


def split(amount: Decimal, years: int) -> list[Decimal]:
    """``amount`` in ``years`` equal yearly parts (万元, two places); the last takes the rest."""
    years = max(1, years)
    part = (amount / years).quantize(CENT, rounding=ROUND_DOWN)
    parts = [part] * (years - 1)
    parts.append(amount - part * (years - 1))
    return parts


def award_stage(
    *,
    actor: User,
    claim_id: Any,
    batch_id: Any,
    amount: Any,
    reason: str = "",
    first_year: Any = None,
    years: Any = 1,
    revision: Any = None,
) -> Award:
    """Stage the decision on a claim in a draft batch: the amount (0 refuses it), inside the
    rule's range or at most the computed sum, with a reason where the department sets or lowers
    it; the instalments are reserved on the budgets of their years (over-commitment refused)."""
    value = parse_money(amount, gettext("决定金额"))
    assert value is not None
    reason = _text(reason, 2000)
    start = (
        parse_year(first_year, gettext("拨付起始年度"), required=False) or selectors.today().year
    )
    try:
        count = int(years or 1)
    except (TypeError, ValueError):
        raise ValidationFailed(gettext("分年拨付的年数无效。")) from None
    if not 1 <= count <= MAX_INSTALMENTS:
        raise ValidationFailed(gettext("分年拨付的年数应为 1–5 年。"))
    with transaction.atomic():
        batch = _batch_locked(actor, batch_id)
        if batch.status != Batch.Status.DRAFT:
            raise Conflict(gettext("该批次已公布，不能再拟定。"))
        claim, seen = _locked(actor, claim_id)
        if seen != selectors.DEPARTMENT or claim.profile != batch.profile:
            raise PermissionDenied(gettext("只有主管部门可以决定奖补。"))
        if claim.status not in DECIDABLE:
            raise Conflict(gettext("只有已提交的申请可以拟定决定。"))
        _stale(claim, revision)
        profile, config = _profile(claim.profile)
        computed = compute(claim)
        _store(claim, computed, profile)
        if value > 0:
            if not computed.granted:
                raise ValidationFailed(
                    gettext("按政策该申请不能给予奖补：%(reason)s")
                    % {"reason": award_reason(computed)}
                )
            if computed.range is not None:
                low, high = computed.range
                if not low <= value <= high:
                    raise ValidationFailed(
                        gettext("决定金额应在 %(low)s–%(high)s 万元之间（%(article)s）。")
                        % {"low": low, "high": high, "article": profile.cite(computed.citation)}
                    )
                if not reason:
                    raise ValidationFailed(gettext("请写明确定该金额的理由（如专家评审意见）。"))
            else:
                if value > computed.amount:
                    raise ValidationFailed(
                        gettext("决定金额不能超过按政策计算的 %(amount)s 万元。")
                        % {"amount": computed.amount}
                    )
                if value < computed.amount and not reason:
                    raise ValidationFailed(gettext("决定金额低于计算金额时，请写明理由。"))
        elif not reason:
            raise ValidationFailed(gettext("不予支持时请写明理由。"))
        now = clock.now()
        award = Award.objects.create(
            claim=claim,
            batch=batch,
            alliance_id=claim.alliance_id,
            item=claim.item,
            amount=value,
            reason=reason or computed.reason,
            fund=config.fund_source.value,
            decided_by=actor,
            decided_at=now,
        )
        reserved = []
        if value > 0:
            parts = split(value, count)
            budgets = {
                b.year: b
                for b in Budget.objects.select_for_update().filter(
                    profile=claim.profile,
                    jurisdiction=batch.jurisdiction,
                    fund=config.fund_source.value,
                    year__in=[start + i for i in range(count)],
                )
            }
            for offset, part in enumerate(parts):
                year = start + offset
                budget = budgets.get(year)
                if budget is None:
                    raise ValidationFailed(
                        gettext("%(year)s 年度的%(fund)s预算尚未录入，请先在“奖补 → 预算”中录入。")
                        % {"year": year, "fund": config.fund_source.value}
                    )
                use = selectors.budget_use(budget)
                if part > use.available:
                    raise ValidationFailed(
                        gettext(
                            "%(year)s 年度预算不足：预算 %(budget)s 万元，已安排 %(committed)s 万元，"
                            "尚可安排 %(available)s 万元，本次需要 %(part)s 万元。"
                        )
                        % {
                            "year": year,
                            "budget": budget.amount,
                            "committed": use.committed,
                            "available": use.available,
                            "part": part,
                        }
                    )
                Instalment.objects.create(award=award, budget=budget, year=year, amount=part)
                reserved.append({"year": year, "amount": str(part)})
        before = claim.status
        claim.status = S.STAGED
        claim.revision += 1
        claim.save()
        audit_record(
            actor=actor,
            action="lianmeng.reward.award_staged",
            obj=claim,
            before={"status": before},
            after={
                "batch": batch.pk,
                "amount": str(value),
                "computed": str(computed.amount),
                "reason": award.reason,
                "instalments": reserved,
            },
        )
    return award


def award_unstage(*, actor: User, award_id: Any) -> Claim:
    """Take a staged decision out of its draft batch (the reservation is released)."""
    try:
        award = Award.objects.select_related("batch").get(pk=int(award_id))
    except (Award.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("未找到该决定。")) from None
    with transaction.atomic():
        batch = _batch_locked(actor, award.batch_id)
        if batch.status != Batch.Status.DRAFT:
            raise Conflict(gettext("该批次已公布，决定不能撤回。"))
        claim, _seen = _locked(actor, award.claim_id)
        has_reviews = claim.reviews.exists()
        before = {"amount": str(award.amount), "batch": batch.pk}
        award.instalments.all().delete()
        award.delete()
        claim.status = S.REVIEWING if has_reviews else S.SUBMITTED
        claim.revision += 1
        claim.save()
        audit_record(actor=actor, action="lianmeng.reward.award_unstaged", obj=claim, before=before)
    return claim


def batch_publish(
    *, actor: User, batch_id: Any, reference: str = "", revision: Any = None
) -> Batch:
    """Publish every decision of the batch together; the lead units are notified."""
    from lianmeng.documents.pdf import unique_code

    reference = _line(reference, 60)
    with transaction.atomic():
        batch = _batch_locked(actor, batch_id)
        if batch.status != Batch.Status.DRAFT:
            raise Conflict(gettext("该批次已公布。"))
        _stale(batch, revision)
        awards = list(batch.awards.select_related("claim", "alliance"))
        if not awards:
            raise ValidationFailed(gettext("批次中还没有拟定的决定。"))
        lost = [
            a.alliance.name
            for a in awards
            if a.amount > 0 and selectors.facts_of(a.alliance).support_revoked
        ]
        if lost:
            raise ValidationFailed(
                gettext("以下联盟已丧失扶持资格，请先撤回对它们的拟定决定：%(names)s")
                % {"names": "、".join(lost)}
            )
        now = clock.now()
        code = unique_code(Batch)
        batch.status = Batch.Status.PUBLISHED
        batch.reference = reference
        batch.published_by = actor
        batch.published_at = now
        batch.verification_code = code
        batch.revision += 1
        batch.save()
        Award.objects.filter(batch=batch).update(published=True)
        granted = [a.claim_id for a in awards if a.amount > 0]
        refused = [a.claim_id for a in awards if a.amount == 0]
        Claim.objects.filter(pk__in=granted).update(status=S.AWARDED)
        Claim.objects.filter(pk__in=refused).update(status=S.REFUSED)
        total = sum((a.amount for a in awards), Decimal("0.00"))
        audit_record(
            actor=actor,
            action="lianmeng.reward.batch_published",
            obj=batch,
            after={
                "reference": reference,
                "awards": len(awards),
                "granted": len(granted),
                "total": str(total),
                "code": code,
            },
        )
        notices = [
            (a.claim.lead_unit_id, a.claim.pk, a.claim.number, a.alliance.name, a.amount, a.reason)
            for a in awards
        ]
        transaction.on_commit(lambda: _notify_published(batch.title, notices))
    return batch


def _notify_published(title: str, notices: list[tuple[int, int, str, str, Decimal, str]]) -> None:
    for unit, pk, number, name, amount, reason in notices:
        if amount > 0:
            body = gettext("%(name)s的奖补申请 %(number)s 决定给予 %(amount)s 万元。") % {
                "name": name,
                "number": number,
                "amount": amount,
            }
        else:
            body = gettext("%(name)s的奖补申请 %(number)s 不予支持：%(reason)s") % {
                "name": name,
                "number": number,
                "reason": reason,
            }
        _notify(
            _lead_users(unit),
            event="reward.decided",
            subject=gettext("【奖补决定】%(title)s") % {"title": title},
            body=body,
            url=f"/rewards/claims/{pk}/",
        )


# -- payments --------------------------------------------------------------------------------------


def payment_record(
    *,
    actor: User,
    instalment_id: Any,
    paid_on: Any,
    voucher: str,
    amount: Any,
    note: str = "",
) -> Payment:
    """Record a payment against a published instalment (never beyond it, never to an alliance
    that lost its support or whose filing was cancelled, never twice with one voucher)."""
    value = parse_money(amount, gettext("拨付金额"))
    assert value is not None
    if value <= 0:
        raise ValidationFailed(gettext("拨付金额应大于 0。"))
    day = parse_date(paid_on, gettext("拨付日期"))
    assert day is not None
    if day > selectors.today():
        raise ValidationFailed(gettext("拨付日期不能晚于今天。"))
    voucher = _line(voucher, 40)
    if not voucher:
        raise ValidationFailed(gettext("请填写凭证号。"))
    note = _line(note)
    with transaction.atomic():
        try:
            instalment = (
                Instalment.objects.select_for_update()
                .select_related("award__claim", "award__alliance", "budget")
                .get(pk=int(instalment_id))
            )
        except (Instalment.DoesNotExist, TypeError, ValueError):
            raise NotFound(gettext("未找到该拨付计划。")) from None
        award = instalment.award
        _decider(actor, instalment.budget.profile)
        if instalment.budget.jurisdiction_id != actor.jurisdiction_id:
            raise NotFound(gettext("未找到该拨付计划。"))
        if not award.published:
            raise Conflict(gettext("决定尚未公布，不能拨付。"))
        facts = selectors.facts_of(award.alliance)
        if facts.support_revoked:
            raise ValidationFailed(
                gettext("%(name)s已丧失扶持资格（%(why)s），不能拨付。")
                % {"name": award.alliance.name, "why": facts.support_revoked_reason or "-"}
            )
        remaining = instalment.amount - instalment.paid
        if value > remaining:
            raise ValidationFailed(
                gettext("拨付金额超过该年度应拨未拨的 %(remaining)s 万元。")
                % {"remaining": remaining}
            )
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    instalment=instalment,
                    budget=instalment.budget,
                    alliance=award.alliance,
                    paid_on=day,
                    voucher=voucher,
                    amount=value,
                    note=note,
                    recorded_by=actor,
                    recorded_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(
                gettext("凭证号 %(voucher)s 已登记过，请核对。") % {"voucher": voucher}
            ) from None
        instalment.paid = instalment.paid + value
        instalment.save(update_fields=["paid"])
        audit_record(
            actor=actor,
            action="lianmeng.reward.payment_recorded",
            obj=award.claim,
            after={
                "instalment": instalment.pk,
                "year": instalment.year,
                "voucher": voucher,
                "amount": str(value),
                "paid_on": day.isoformat(),
            },
        )
        pk, number, name, unit = (
            award.claim_id,
            award.claim.number,
            award.alliance.name,
            award.claim.lead_unit_id,
        )
        transaction.on_commit(
            lambda: _notify(
                _lead_users(unit),
                event="reward.paid",
                subject=gettext("【奖补拨付】%(number)s") % {"number": number},
                body=gettext(
                    "%(name)s的奖补 %(amount)s 万元已于 %(day)s 拨付（凭证号 %(voucher)s）。"
                )
                % {"name": name, "amount": value, "day": day.isoformat(), "voucher": voucher},
                url=f"/rewards/claims/{pk}/",
            )
        )
    return payment


def paid_total(budget: Budget) -> Decimal:
    return Payment.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")

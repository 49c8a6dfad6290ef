"""Writes of the key-project solicitations: each checks who acts, runs in one transaction with
its audit entry and refuses a stale ``revision`` (409).

A solicitation: 草稿 → 征集中 (opened) → 已截止 (closed by the department; proposals are only
accepted between ``opens_at`` and ``closes_at`` while it is open). A proposal: 草稿 → 已提交
(→ 已退回修改 → 已提交) or → 已撤回. Only the applicants of the alliance's lead unit file,
only for an alliance the solicitation addresses, at most ``max_per_alliance`` proposals per
alliance (withdrawn ones do not count). The issuing department's competent staff return a
submitted proposal with a reason and score it (0–100, one score each, may be changed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock, money
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.revisions import check_revision
from lianmeng.documents.pdf import unique_code
from lianmeng.proposals.models import Proposal
from lianmeng.running.models import Member

from . import selectors
from .models import ProjectMember, ProjectProposal, ProjectScore, Solicitation

S = ProjectProposal.Status
EDITABLE = (S.DRAFT, S.RETURNED)
#: proposals that count against the per-alliance limit
COUNTED = (S.DRAFT, S.SUBMITTED, S.RETURNED)
CENT = Decimal("0.01")
MAX_TEXT = 10_000
MAX_MEMBERS = 200
ALLIANCE_STATES = tuple(Alliance.Status.values)


# -- parsing ------------------------------------------------------------------------------------


def _text(value: Any, label: str, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(
            gettext("%(label)s过长：最多 %(n)s 个字，现有 %(m)s 个。")
            % {"label": label, "n": limit, "m": len(text)}
        )
    return text


def _line(value: Any, label: str, limit: int = 200, *, required: bool = False) -> str:
    text = " ".join(_text(value, label, limit).split())
    if required and not text:
        raise ValidationFailed(gettext("请填写%(label)s。") % {"label": label})
    return text


def parse_money(value: Any, label: str) -> Decimal:
    """万元, at most two places, not negative; blank is 0 (lianmeng.core.money)."""
    amount = money.parse_money(value, label, required=False, blank=Decimal("0.00"))
    return amount if amount is not None else Decimal("0.00")


def check_budget(total: Decimal, requested: Decimal, raised: Decimal) -> None:
    """The parts (government funds requested + self-raised) must add up to the total."""
    if requested + raised != total:
        raise ValidationFailed(
            gettext(
                "预算不平衡：申请财政资金 %(a)s 万元 + 自筹资金 %(b)s 万元 = %(s)s 万元，"
                "与总预算 %(t)s 万元不符，请核对。"
            )
            % {"a": requested, "b": raised, "s": requested + raised, "t": total}
        )


def parse_score(value: Any) -> Decimal:
    text = str(value if value is not None else "").strip()
    try:
        score = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(gettext("评分应为 0–100 的数字，最多两位小数。")) from None
    if not score.is_finite() or not (0 <= score <= 100) or score != score.quantize(CENT):
        raise ValidationFailed(gettext("评分应为 0–100 的数字，最多两位小数。"))
    return score.quantize(CENT)


def _date(value: Any, label: str) -> date | None:
    if isinstance(value, date):
        return value
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s格式无效，应为 2026-06-30。") % {"label": label}
        ) from None


def _moment(value: Any, label: str) -> datetime:
    """A moment given as ISO text or a datetime; without a zone it is Beijing time."""
    if isinstance(value, datetime):
        return clock.as_beijing(value)
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(gettext("请填写%(label)s。") % {"label": label})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s格式无效，应为 2026-06-30 17:00。") % {"label": label}
        ) from None
    return clock.as_beijing(moment)


# -- solicitations ------------------------------------------------------------------------------


def _department(actor: User) -> None:
    if not selectors.is_department(actor):
        raise PermissionDenied(gettext("只有主管部门可以发布项目征集。"))


def _solicitation_locked(actor: User, solicitation_id: Any) -> Solicitation:
    try:
        row = (
            Solicitation.objects.select_for_update()
            .select_related("jurisdiction")
            .get(pk=int(solicitation_id))
        )
    except (Solicitation.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext(selectors.NOT_FOUND)) from None
    if not selectors.issues(actor, row):
        raise NotFound(gettext(selectors.NOT_FOUND))
    return row


def _clean_solicitation(data: Mapping[str, Any]) -> dict[str, Any]:
    title = _line(data.get("title"), gettext("征集名称"), required=True)
    try:
        year = int(str(data.get("year") or "").strip())
    except ValueError:
        raise ValidationFailed(gettext("年度应为年份，例如 2026。")) from None
    if not 2000 <= year <= 2100:
        raise ValidationFailed(gettext("年度应为年份，例如 2026。"))
    domains = [str(d) for d in (data.get("domains") or []) if str(d)]
    unknown = [d for d in domains if d not in Proposal.Domain.values]
    if unknown:
        raise ValidationFailed(gettext("未知的领域：%(d)s。") % {"d": "、".join(unknown)})
    statuses = [str(s) for s in (data.get("statuses") or []) if str(s)]
    if [s for s in statuses if s not in ALLIANCE_STATES]:
        raise ValidationFailed(gettext("未知的联盟状态。"))
    opens_at = _moment(data.get("opens_at"), gettext("开始时间"))
    closes_at = _moment(data.get("closes_at"), gettext("截止时间"))
    if closes_at <= opens_at:
        raise ValidationFailed(gettext("截止时间应晚于开始时间。"))
    try:
        limit = int(str(data.get("max_per_alliance") or "1").strip())
    except ValueError:
        raise ValidationFailed(gettext("每个联盟限报项目数应为 1–20 的整数。")) from None
    if not 1 <= limit <= 20:
        raise ValidationFailed(gettext("每个联盟限报项目数应为 1–20 的整数。"))
    return {
        "title": title,
        "year": year,
        "guide": _text(data.get("guide"), gettext("征集指南")),
        "domains": list(dict.fromkeys(domains)),
        "statuses": list(dict.fromkeys(statuses)),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "max_per_alliance": limit,
    }


def _solicitation_audit(row: Solicitation) -> dict[str, Any]:
    return {
        "title": row.title,
        "year": row.year,
        "domains": row.domains,
        "statuses": row.statuses,
        "opens_at": row.opens_at.isoformat(),
        "closes_at": row.closes_at.isoformat(),
        "max_per_alliance": row.max_per_alliance,
        "status": row.status,
    }


@transaction.atomic
def solicitation_create(*, actor: User, data: Mapping[str, Any]) -> Solicitation:
    _department(actor)
    values = _clean_solicitation(data)
    now = clock.now()
    row = Solicitation.objects.create(
        jurisdiction_id=actor.jurisdiction_id,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    audit_record(
        actor=actor, action="projects.solicitation.create", obj=row, after=_solicitation_audit(row)
    )
    return row


@transaction.atomic
def solicitation_update(
    *, actor: User, solicitation_id: Any, data: Mapping[str, Any], revision: Any = None
) -> Solicitation:
    row = _solicitation_locked(actor, solicitation_id)
    check_revision(row, revision)
    if row.status == Solicitation.Status.CLOSED:
        raise Conflict(gettext("征集已截止，不能再修改。"))
    before = _solicitation_audit(row)
    values = _clean_solicitation(data)
    if row.status == Solicitation.Status.OPEN and row.proposals.exists():
        # what the filed proposals were written for stays as it was
        for key in ("domains", "statuses", "max_per_alliance"):
            if values[key] != getattr(row, key):
                raise Conflict(
                    gettext("已有联盟填报项目，不能再改变征集领域、联盟状态或限报数量。")
                )
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = clock.now()
    row.revision += 1
    row.save()
    audit_record(
        actor=actor,
        action="projects.solicitation.update",
        obj=row,
        before=before,
        after=_solicitation_audit(row),
    )
    return row


@transaction.atomic
def solicitation_open(*, actor: User, solicitation_id: Any, revision: Any = None) -> Solicitation:
    row = _solicitation_locked(actor, solicitation_id)
    check_revision(row, revision)
    if row.status == Solicitation.Status.OPEN:
        raise Conflict(gettext("征集已经发布。"))
    if row.status == Solicitation.Status.CLOSED:
        raise Conflict(gettext("征集已截止，不能重新发布；请新建一次征集。"))
    if row.closes_at <= clock.now():
        raise ValidationFailed(gettext("截止时间已过，请先修改截止时间再发布。"))
    row.status = Solicitation.Status.OPEN
    row.updated_at = clock.now()
    row.revision += 1
    row.save(update_fields=["status", "updated_at", "revision"])
    audit_record(
        actor=actor, action="projects.solicitation.open", obj=row, after={"status": row.status}
    )
    return row


@transaction.atomic
def solicitation_close(*, actor: User, solicitation_id: Any, revision: Any = None) -> Solicitation:
    row = _solicitation_locked(actor, solicitation_id)
    check_revision(row, revision)
    if row.status != Solicitation.Status.OPEN:
        raise Conflict(gettext("只有征集中的征集可以截止。"))
    row.status = Solicitation.Status.CLOSED
    row.updated_at = clock.now()
    row.revision += 1
    row.save(update_fields=["status", "updated_at", "revision"])
    audit_record(
        actor=actor, action="projects.solicitation.close", obj=row, after={"status": row.status}
    )
    return row


# -- proposals ----------------------------------------------------------------------------------


def _ensure_open(solicitation: Solicitation) -> None:
    if solicitation.status != Solicitation.Status.OPEN:
        raise ValidationFailed(
            gettext("该征集%(state)s，不接受填报。")
            % {
                "state": gettext("尚未发布")
                if solicitation.status == "draft"
                else gettext("已截止")
            }
        )
    moment = clock.now()
    if moment < solicitation.opens_at:
        raise ValidationFailed(
            gettext("该征集 %(at)s 开始接受填报。")
            % {"at": clock.format_moment(solicitation.opens_at, seconds=False)}
        )
    if moment >= solicitation.closes_at:
        raise ValidationFailed(
            gettext("该征集已于 %(at)s 截止，不再接受填报。")
            % {"at": clock.format_moment(solicitation.closes_at, seconds=False)}
        )


def _lead_of(actor: User, alliance: Alliance) -> None:
    if not (selectors.is_lead(actor) and actor.unit_id == alliance.lead_unit_id):
        raise PermissionDenied(gettext("只有联盟牵头单位的申报人可以为联盟填报项目。"))


def _proposal_locked(actor: User, proposal_id: Any) -> ProjectProposal:
    try:
        row = (
            ProjectProposal.objects.select_for_update()
            .select_related("solicitation__jurisdiction", "alliance__jurisdiction")
            .get(pk=int(proposal_id))
        )
    except (ProjectProposal.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext(selectors.PROPOSAL_NOT_FOUND)) from None
    if selectors.relation(actor, row) is None:
        raise NotFound(gettext(selectors.PROPOSAL_NOT_FOUND))
    return row


def _own(actor: User, proposal_id: Any, revision: Any) -> ProjectProposal:
    row = _proposal_locked(actor, proposal_id)
    if not (selectors.is_lead(actor) and actor.unit_id == row.lead_unit_id):
        raise PermissionDenied(gettext("只有联盟牵头单位的申报人可以修改项目申报书。"))
    check_revision(row, revision)
    return row


def _clean_proposal(data: Mapping[str, Any]) -> dict[str, Any]:
    total = parse_money(data.get("budget_total"), gettext("总预算"))
    requested = parse_money(data.get("funds_requested"), gettext("申请财政资金"))
    raised = parse_money(data.get("self_raised"), gettext("自筹资金"))
    check_budget(total, requested, raised)
    starts_on = _date(data.get("starts_on"), gettext("起始日期"))
    ends_on = _date(data.get("ends_on"), gettext("结束日期"))
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed(gettext("结束日期应晚于起始日期。"))
    return {
        "title": _line(data.get("title"), gettext("项目名称"), required=True),
        "goals": _text(data.get("goals"), gettext("项目目标")),
        "summary": _text(data.get("summary"), gettext("主要研究内容")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "budget_total": total,
        "funds_requested": requested,
        "self_raised": raised,
    }


def _members(alliance: Alliance, chosen: Iterable[Mapping[str, Any]]) -> list[ProjectMember]:
    """The chosen current member rows of the alliance's workspace, with their tasks."""
    wanted: dict[int, str] = {}
    for entry in chosen:
        try:
            member_id = int(entry.get("member") or entry.get("id") or 0)
        except (TypeError, ValueError):
            raise ValidationFailed(gettext("参与成员单位无效，请重新选择。")) from None
        wanted[member_id] = _line(entry.get("task"), gettext("承担任务"), 500)
    if len(wanted) > MAX_MEMBERS:
        raise ValidationFailed(gettext("参与成员单位过多。"))
    if not wanted:
        return []
    rows = {
        m.pk: m
        for m in Member.objects.filter(
            pk__in=list(wanted), workspace__alliance=alliance, left_on__isnull=True
        )
    }
    missing = [pk for pk in wanted if pk not in rows]
    if missing:
        raise ValidationFailed(
            gettext("所选参与单位不是本联盟的现有成员（可能已退出），请刷新后重新选择。")
        )
    return [
        ProjectMember(member=rows[pk], name=rows[pk].name, uscc=rows[pk].uscc, task=task)
        for pk, task in wanted.items()
    ]


def _proposal_audit(row: ProjectProposal) -> dict[str, Any]:
    return {
        "title": row.title,
        "status": row.status,
        "budget_total": str(row.budget_total),
        "funds_requested": str(row.funds_requested),
        "self_raised": str(row.self_raised),
        "starts_on": row.starts_on.isoformat() if row.starts_on else None,
        "ends_on": row.ends_on.isoformat() if row.ends_on else None,
    }


def _save_members(row: ProjectProposal, members: list[ProjectMember]) -> None:
    row.members.all().delete()
    for member in members:
        member.proposal = row
    ProjectMember.objects.bulk_create(members)


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    solicitation_id: Any,
    alliance_id: Any,
    data: Mapping[str, Any],
    members: Iterable[Mapping[str, Any]] = (),
) -> ProjectProposal:
    if not selectors.is_lead(actor):
        raise PermissionDenied(gettext("只有联盟牵头单位的申报人可以为联盟填报项目。"))
    try:
        solicitation = (
            Solicitation.objects.select_for_update()
            .select_related("jurisdiction")
            .get(pk=int(solicitation_id))
        )
    except (Solicitation.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext(selectors.NOT_FOUND)) from None
    try:
        alliance = Alliance.objects.select_related("jurisdiction", "lead_unit__region").get(
            pk=int(alliance_id)
        )
    except (Alliance.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed(gettext("请选择联盟。")) from None
    _lead_of(actor, alliance)
    _ensure_open(solicitation)
    why = selectors.why_not_addressed(solicitation, alliance)
    if why:
        raise ValidationFailed(why)
    filed = ProjectProposal.objects.filter(
        solicitation=solicitation, alliance=alliance, status__in=COUNTED
    ).count()
    if filed >= solicitation.max_per_alliance:
        raise Conflict(
            gettext("本次征集每个联盟限报 %(n)s 项，该联盟已填报 %(m)s 项。")
            % {"n": solicitation.max_per_alliance, "m": filed}
        )
    values = _clean_proposal(data)
    chosen = _members(alliance, members)
    now = clock.now()
    row = ProjectProposal.objects.create(
        solicitation=solicitation,
        alliance=alliance,
        lead_unit_id=alliance.lead_unit_id,
        domain=alliance.domain,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    _save_members(row, chosen)
    audit_record(
        actor=actor,
        action="projects.proposal.create",
        obj=row,
        after={**_proposal_audit(row), "members": [m.name for m in chosen]},
    )
    return row


@transaction.atomic
def proposal_update(
    *,
    actor: User,
    proposal_id: Any,
    data: Mapping[str, Any],
    members: Iterable[Mapping[str, Any]] | None = None,
    revision: Any = None,
) -> ProjectProposal:
    row = _own(actor, proposal_id, revision)
    if row.status not in EDITABLE:
        raise Conflict(gettext("项目申报书已%(s)s，不能再修改。") % {"s": row.get_status_display()})
    _ensure_open(row.solicitation)
    before = _proposal_audit(row)
    for key, value in _clean_proposal(data).items():
        setattr(row, key, value)
    if members is not None:
        _save_members(row, _members(row.alliance, members))
    row.updated_at = clock.now()
    row.revision += 1
    row.save()
    audit_record(
        actor=actor,
        action="projects.proposal.update",
        obj=row,
        before=before,
        after={**_proposal_audit(row), "members": [m.name for m in row.members.all()]},
    )
    return row


@transaction.atomic
def proposal_submit(*, actor: User, proposal_id: Any, revision: Any = None) -> ProjectProposal:
    row = _own(actor, proposal_id, None)
    if row.status == S.SUBMITTED:  # a second click or a retried request: say so first
        raise Conflict(gettext("项目申报书已经提交，无需重复提交。"))
    check_revision(row, revision)
    if row.status not in EDITABLE:
        raise Conflict(gettext("项目申报书已%(s)s，不能提交。") % {"s": row.get_status_display()})
    _ensure_open(row.solicitation)
    why = selectors.why_not_addressed(row.solicitation, row.alliance)
    if why:
        raise ValidationFailed(why)
    missing = [
        label
        for label, value in (
            (gettext("项目目标"), row.goals),
            (gettext("主要研究内容"), row.summary),
            (gettext("起始日期"), row.starts_on),
            (gettext("结束日期"), row.ends_on),
        )
        if not value
    ]
    if row.budget_total <= 0:
        missing.append(gettext("总预算"))
    if not row.members.exists():
        missing.append(gettext("参与成员单位"))
    if missing:
        raise ValidationFailed(
            gettext("提交前请填写：%(fields)s。") % {"fields": "、".join(missing)}
        )
    check_budget(row.budget_total, row.funds_requested, row.self_raised)
    row.status = S.SUBMITTED
    row.submitted_at = clock.now()
    row.return_reason = ""
    if not row.verification_code:
        row.verification_code = unique_code(ProjectProposal)
    row.updated_at = row.submitted_at
    row.revision += 1
    row.save()
    audit_record(
        actor=actor, action="projects.proposal.submit", obj=row, after=_proposal_audit(row)
    )
    return row


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal_id: Any, revision: Any = None) -> ProjectProposal:
    row = _own(actor, proposal_id, revision)
    if row.status == S.WITHDRAWN:
        raise Conflict(gettext("项目申报书已经撤回。"))
    if row.solicitation.status == Solicitation.Status.CLOSED:
        raise Conflict(gettext("征集已截止，不能再撤回。"))
    before = row.status
    row.status = S.WITHDRAWN
    row.updated_at = clock.now()
    row.revision += 1
    row.save(update_fields=["status", "updated_at", "revision"])
    audit_record(
        actor=actor,
        action="projects.proposal.withdraw",
        obj=row,
        before={"status": before},
        after={"status": row.status},
    )
    return row


@transaction.atomic
def proposal_return(
    *, actor: User, proposal_id: Any, reason: str, revision: Any = None
) -> ProjectProposal:
    row = _proposal_locked(actor, proposal_id)
    if not selectors.issues(actor, row.solicitation):
        raise PermissionDenied(gettext("只有发布征集的主管部门可以退回项目申报书。"))
    check_revision(row, revision)
    if row.status != S.SUBMITTED:
        raise Conflict(gettext("只有已提交的项目申报书可以退回修改。"))
    if row.solicitation.status != Solicitation.Status.OPEN:
        raise Conflict(gettext("征集已截止，牵头单位无法再修改，不能退回。"))
    text = _text(reason, gettext("退回意见"), 2000)
    if not text:
        raise ValidationFailed(gettext("请填写退回意见，说明需要修改的内容。"))
    row.status = S.RETURNED
    row.return_reason = text
    row.updated_at = clock.now()
    row.revision += 1
    row.save(update_fields=["status", "return_reason", "updated_at", "revision"])
    audit_record(
        actor=actor,
        action="projects.proposal.return",
        obj=row,
        after={"status": row.status, "reason": text},
    )
    return row


@transaction.atomic
def proposal_score(*, actor: User, proposal_id: Any, score: Any, comment: str = "") -> ProjectScore:
    row = _proposal_locked(actor, proposal_id)
    if not selectors.issues(actor, row.solicitation):
        raise PermissionDenied(gettext("只有发布征集的主管部门可以评分。"))
    if row.status != S.SUBMITTED:
        raise Conflict(gettext("只能为已提交的项目申报书评分。"))
    value = parse_score(score)
    text = _text(comment, gettext("评分意见"), 2000)
    existing = ProjectScore.objects.filter(proposal=row, scorer=actor).first()
    before = {"score": str(existing.score), "comment": existing.comment} if existing else None
    try:
        with transaction.atomic():
            mark, _created = ProjectScore.objects.update_or_create(
                proposal=row,
                scorer=actor,
                defaults={"score": value, "comment": text, "scored_at": clock.now()},
            )
    except IntegrityError:  # pragma: no cover - the row lock above serialises scorers
        raise Conflict(gettext("评分已被同时提交，请刷新页面。")) from None
    audit_record(
        actor=actor,
        action="projects.proposal.score",
        obj=row,
        before=before,
        after={"score": str(value), "comment": text},
    )
    return mark

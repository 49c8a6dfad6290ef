"""Writes on the construction checklist and 验收: every one checks who acts, runs in one
transaction with its audit entry, and refuses a stale ``revision`` (409).

- the lead unit's applicants complete the checklist (:func:`checklist_save`) while the
  alliance is 筹建中 and apply for 验收 (:func:`apply`, the engine's ``apply_acceptance``,
  whose guard ``checklist_complete`` names the items still open);
- the competent department of the profile's jurisdiction assigns experts of its pool
  (:func:`assign`, :func:`assign_automatically`; conflicts by :mod:`lianmeng.experts.conflicts`,
  balance by :mod:`lianmeng.experts.balance`), closes the round (:func:`round_close`) and
  decides (:func:`decide`, through :func:`lianmeng.alliances.lifecycle.acceptance_decide`);
- the assigned experts score each criterion (:func:`score_submit`);
- passing issues the 认定证书 (:class:`~.models.Certificate`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, pgettext

from lianmeng.alliances.lifecycle import acceptance_decide, alliance_transition
from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.names import cite_text
from lianmeng.experts.balance import balanced_assignment
from lianmeng.experts.services import parse_score
from lianmeng.policy.loader import get_profile
from lianmeng.proposals.materials import check_file

from . import selectors
from .models import (
    AcceptanceAssignment,
    AcceptanceRound,
    AcceptanceScore,
    Certificate,
    ChecklistEntry,
    ChecklistFile,
)

MAX_TEXT = 20_000
MAX_COMMENT = 2_000
MAX_FILES = 20
MAX_EXPERTS = 15
APPLY = "apply_acceptance"


def _sep() -> str:
    return pgettext("list separator", "、")


def _lead(actor: User, alliance_id: Any) -> selectors.Access:
    acc = selectors.access(viewer=actor, alliance_id=alliance_id)
    if not acc.is_lead:
        raise PermissionDenied(gettext("只有牵头单位可以填写筹建清单和申请验收。"))
    return acc


def organiser_access(actor: User, alliance_id: Any) -> selectors.Access:
    acc = selectors.access(viewer=actor, alliance_id=alliance_id)
    if not acc.organiser:
        raise PermissionDenied(
            gettext("验收评审由政策档案规定的主管部门组织，您所在的部门只能查看。")
        )
    return acc


def _lock(alliance: Alliance) -> Alliance:
    return Alliance.objects.select_for_update().get(pk=alliance.pk)


# -- the checklist -------------------------------------------------------------------------------


def _complete(evidence: list[str], text: str, file_count: int) -> bool:
    if "text" in evidence and not text.strip():
        return False
    return not ("files" in evidence and file_count == 0)


def checklist_save(
    *,
    actor: User,
    alliance_id: Any,
    item: str,
    text: str | None = None,
    files: Iterable[Any] = (),
    remove_files: Iterable[Any] = (),
    revision: Any = None,
) -> ChecklistEntry:
    """Save what the lead unit supplied for one checklist item: its text (``None`` keeps the
    stored one), new files (checked like proposal materials), files to remove. ``revision``
    is the entry's revision the form was read at (0 or None for an item not yet filled)."""
    files = list(files)
    remove_ids = {str(f) for f in remove_files if str(f).strip()}
    if text is not None and len(text) > MAX_TEXT:
        raise ValidationFailed(
            gettext("完成情况说明不能超过 %(max)s 字。") % {"max": MAX_TEXT},
            details={"field": "text"},
        )
    with transaction.atomic():
        acc = _lead(actor, alliance_id)
        config = acc.construction.item(item)
        if config is None:
            raise NotFound(gettext("筹建清单中没有该事项。"))
    checked = [
        (f, check_file(getattr(f, "name", "") or "", getattr(f, "size", None), f)) for f in files
    ]
    now = clock.now()
    stored: list[str] = []
    for f, c in checked:
        stored.append(
            default_storage.save(
                f"construction/{now:%Y/%m}/{uuid.uuid4().hex}.{c.type.ext}",
                File(f, name=getattr(f, "name", "") or "file"),
            )
        )
    try:
        with transaction.atomic():
            acc = _lead(actor, alliance_id)
            alliance = _lock(acc.alliance)
            if not selectors.editable(alliance):
                raise Conflict(
                    gettext("已申请验收，筹建清单不能再修改。如需补充材料，请联系主管部门。")
                )
            if files and "files" not in config.evidence:
                raise ValidationFailed(gettext("该事项只需填写说明，不需上传附件。"))
            if text and text.strip() and "text" not in config.evidence:
                raise ValidationFailed(gettext("该事项只需上传附件，不需填写说明。"))
            entry = (
                ChecklistEntry.objects.select_for_update()
                .filter(alliance=alliance, item=item)
                .first()
            )
            current = entry.revision if entry else 0
            if revision not in (None, "") and str(revision) != str(current):
                raise Conflict(
                    gettext(
                        "该事项已被他人修改（当前为第 %(now)s 版，您编辑的是第 %(was)s 版）。"
                        "请刷新页面，在最新内容上重新修改。"
                    )
                    % {"now": current, "was": revision},
                    details={"revision": current},
                )
            before = None
            if entry is None:
                entry = ChecklistEntry(
                    alliance=alliance, item=item, revision=0, updated_at=now, updated_by=actor
                )
            else:
                before = {"text": entry.text, "complete": entry.complete}
            if text is not None:
                entry.text = text.strip()
            entry.revision += 1
            entry.updated_by = actor
            entry.updated_at = now
            entry.save()
            removed = []
            if remove_ids:
                for row in ChecklistFile.objects.filter(
                    entry=entry, pk__in=[i for i in remove_ids if i.isdigit()], removed=False
                ):
                    row.removed = True
                    row.save(update_fields=["removed"])
                    removed.append(row.original_name)
            added = []
            for (f, c), path in zip(checked, stored, strict=True):
                name = os.path.basename((getattr(f, "name", "") or "").replace("\\", "/"))
                name = name.strip()[:200] or f"file.{c.type.ext}"
                ChecklistFile.objects.create(
                    entry=entry,
                    file=path,
                    original_name=name,
                    content_type=c.type.mime,
                    size=c.size,
                    sha256=c.sha256,
                    uploaded_by=actor,
                    uploaded_at=now,
                )
                added.append({"name": name, "sha256": c.sha256, "size": c.size})
            count = ChecklistFile.objects.filter(entry=entry, removed=False).count()
            if count > MAX_FILES:
                raise ValidationFailed(
                    gettext("每个事项最多上传 %(max)s 个附件，请删去不需要的附件。")
                    % {"max": MAX_FILES}
                )
            entry.complete = _complete(list(config.evidence), entry.text, count)
            entry.save(update_fields=["complete"])
            audit_record(
                actor=actor,
                action="lianmeng.construction.checklist.saved",
                obj=entry,
                before=before,
                after={
                    "alliance": alliance.pk,
                    "item": item,
                    "text": entry.text,
                    "complete": entry.complete,
                    "files_added": added,
                    "files_removed": removed,
                    "revision": entry.revision,
                },
            )
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return entry


def file_open(row: ChecklistFile) -> Any:
    return default_storage.open(row.file.name, "rb")


def missing_items(alliance: Alliance) -> list[str]:
    """Labels of the checklist items not yet complete, in the checklist's order."""
    construction = selectors.construction_of(alliance.profile)
    if construction is None:
        return []
    done = set(
        ChecklistEntry.objects.filter(alliance=alliance, complete=True).values_list(
            "item", flat=True
        )
    )
    return [item.label for item in construction.checklist if item.id not in done]


# -- applying for 验收 ---------------------------------------------------------------------------


def apply(*, actor: User, alliance_id: Any, note: str = "") -> AcceptanceRound:
    """申请验收: ``apply_acceptance`` on the engine (refused, naming the open items, while the
    checklist is incomplete) and the application's expert round with the profile's criteria."""
    acc = _lead(actor, alliance_id)
    config = acc.construction.acceptance
    if config is None:
        raise ValidationFailed(gettext("该政策档案未规定验收标准，不能申请验收。"))
    profile = get_profile(acc.alliance.profile)
    with transaction.atomic():
        alliance = alliance_transition(
            actor=actor, pk=acc.alliance.pk, transition=APPLY, reason=(note or "").strip()
        )
        attempt = AcceptanceRound.objects.filter(alliance=alliance).count() + 1
        round = AcceptanceRound.objects.create(
            alliance=alliance,
            attempt=attempt,
            jurisdiction=Jurisdiction.objects.get(code=profile.jurisdiction.value),
            criteria=[c.model_dump(mode="json") for c in config.criteria],
            exclude_same_area=config.exclude_same_area.value,
            applied_by=actor,
            applied_at=clock.now(),
            note=(note or "").strip()[:MAX_TEXT],
        )
        audit_record(
            actor=actor,
            action="lianmeng.construction.acceptance.applied",
            obj=round,
            after={
                "alliance": alliance.pk,
                "attempt": attempt,
                "criteria": {c["key"]: c["weight"] for c in round.criteria},
            },
        )
    return round


def _open_round(alliance: Alliance, *, lock: bool = True) -> AcceptanceRound:
    qs = AcceptanceRound.objects.filter(alliance=alliance).order_by("-attempt")
    if lock:
        qs = qs.select_for_update()
    round = qs.first()
    if round is None or not round.undecided:
        raise Conflict(gettext("该联盟目前没有待验收的申请。"))
    return round


# -- experts -------------------------------------------------------------------------------------


def assign(
    *, actor: User, alliance_id: Any, expert_ids: Iterable[Any], reason: str = ""
) -> list[AcceptanceAssignment]:
    """Assign experts of the organiser's pool to the open application. An expert of the lead
    unit or a member unit (or one who declared a conflict with them) is refused with the
    reason; one of the recommending area only with a written ``reason``."""
    wanted = []
    for value in expert_ids:
        try:
            wanted.append(int(value))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(gettext("请选择专家库中的专家。")) from exc
    if not wanted:
        raise ValidationFailed(gettext("请至少选择一位专家。"))
    reason = (reason or "").strip()
    with transaction.atomic():
        acc = organiser_access(actor, alliance_id)
        round = _open_round(acc.alliance)
        if not round.is_open:
            raise Conflict(gettext("验收评审已结束，不能再分配专家。"))
        pool = {c.expert.pk: c for c in selectors.candidates(viewer=actor, round=round)}
        created = []
        for pk in dict.fromkeys(wanted):
            candidate = pool.get(pk)
            if candidate is None:
                raise ValidationFailed(
                    gettext("所选专家不在本部门的专家库中，或暂不接受评审任务。")
                )
            if candidate.assigned:
                continue
            name = str(candidate.expert.user)
            if candidate.hard:
                raise ValidationFailed(
                    gettext("%(name)s须回避：%(why)s。")
                    % {"name": name, "why": _sep().join(c.message for c in candidate.conflicts)},
                    details={"expert": pk},
                )
            accepted = ""
            if candidate.conflicts:
                if not reason:
                    raise ValidationFailed(
                        gettext("%(name)s%(why)s。如确需指定，请填写指定理由（将记录在案）。")
                        % {
                            "name": name,
                            "why": _sep().join(c.message for c in candidate.conflicts),
                        },
                        details={"expert": pk, "field": "reason"},
                    )
                accepted = _sep().join(c.message for c in candidate.conflicts)[:200]
            try:
                with transaction.atomic():
                    task = AcceptanceAssignment.objects.create(
                        round=round,
                        expert=candidate.expert,
                        accepted_conflict=accepted,
                        override_reason=reason if accepted else "",
                        assigned_by=actor,
                        assigned_at=clock.now(),
                    )
            except IntegrityError:
                continue
            audit_record(
                actor=actor,
                action="lianmeng.construction.acceptance.assigned",
                obj=task,
                after={
                    "alliance": acc.alliance.pk,
                    "round": round.pk,
                    "expert": candidate.expert.pk,
                    "accepted_conflict": accepted,
                    "reason": task.override_reason,
                },
            )
            created.append(task)
    return created


def assign_automatically(*, actor: User, alliance_id: Any, count: int = 3) -> int:
    """Bring the application up to ``count`` experts without any conflict, the least loaded
    first (lianmeng.experts.balance). Answers how many were added."""
    if not 1 <= count <= MAX_EXPERTS:
        raise ValidationFailed(
            gettext("验收评审专家人数应在 1 到 %(max)s 之间。") % {"max": MAX_EXPERTS}
        )
    with transaction.atomic():
        acc = organiser_access(actor, alliance_id)
        round = _open_round(acc.alliance)
        if not round.is_open:
            raise Conflict(gettext("验收评审已结束，不能再分配专家。"))
        found = selectors.candidates(viewer=actor, round=round)
        have = sum(1 for c in found if c.assigned)
        free = [c.expert.pk for c in found if not c.assigned and not c.conflicts]
        loads: dict[int, int] = {}
        for expert_id in AcceptanceAssignment.objects.filter(
            expert_id__in=free, submitted_at__isnull=True, round__status="open"
        ).values_list("expert_id", flat=True):
            loads[expert_id] = loads.get(expert_id, 0) + 1
        chosen = balanced_assignment(
            proposals=[round.pk],
            experts=free,
            need={round.pk: max(0, count - have)},
            eligible={round.pk: free},
            load=loads,
        ).get(round.pk, [])
    if not chosen:
        return 0
    return len(assign(actor=actor, alliance_id=alliance_id, expert_ids=chosen))


def unassign(*, actor: User, alliance_id: Any, assignment_id: Any) -> None:
    with transaction.atomic():
        acc = organiser_access(actor, alliance_id)
        round = _open_round(acc.alliance)
        task = AcceptanceAssignment.objects.filter(round=round, pk=assignment_id).first()
        if task is None:
            raise NotFound(gettext("未找到该验收评审任务。"))
        if task.submitted_at is not None or not round.is_open:
            raise Conflict(gettext("专家已提交评分或评审已结束，不能撤回该任务。"))
        audit_record(
            actor=actor,
            action="lianmeng.construction.acceptance.unassigned",
            obj=task,
            before={"round": round.pk, "expert": task.expert_id},
        )
        task.scores.all().delete()
        task.delete()


def score_submit(
    *,
    actor: User,
    alliance_id: Any,
    scores: Mapping[str, Any],
    comments: Mapping[str, str] | None = None,
    final: bool = True,
) -> AcceptanceAssignment:
    """The assigned expert's scores (0–100 per criterion, one decimal) and comments; ``final``
    submits them (every criterion scored) and they can no longer be changed."""
    comments = comments or {}
    with transaction.atomic():
        task = selectors.task_get(viewer=actor, alliance_id=alliance_id)
        task = (
            AcceptanceAssignment.objects.select_for_update().select_related("round").get(pk=task.pk)
        )
        round = task.round
        if not round.is_open:
            raise Conflict(gettext("验收评审已结束，不能再保存或提交评分。"))
        if task.submitted_at is not None:
            raise Conflict(gettext("评分已提交，不能再修改。如确需更正，请联系主管部门。"))
        criteria = {c["key"]: c for c in round.criteria}
        unknown = (set(scores) | set(comments)) - set(criteria)
        if unknown:
            raise ValidationFailed(
                gettext("未知的验收标准：%(criteria)s。")
                % {"criteria": _sep().join(sorted(unknown))}
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
                    % {"criteria": _sep().join(empty)},
                    details={"missing": [k for k, v in values.items() if v is None]},
                )
        for key, value in values.items():
            AcceptanceScore.objects.update_or_create(
                assignment=task,
                criterion=key,
                defaults={"score": value, "comment": (comments.get(key) or "").strip()},
            )
        if final:
            task.submitted_at = clock.now()
            task.save(update_fields=["submitted_at"])
        audit_record(
            actor=actor,
            action="lianmeng.construction.acceptance.scores_submitted"
            if final
            else "lianmeng.construction.acceptance.scores_saved",
            obj=task,
            after={k: (str(v) if v is not None else None) for k, v in values.items()},
        )
    return task


def round_close(*, actor: User, alliance_id: Any) -> AcceptanceRound:
    """结束评审: no more scores; names and scores become visible to the department."""
    with transaction.atomic():
        acc = organiser_access(actor, alliance_id)
        round = _open_round(acc.alliance)
        if not round.is_open:
            return round  # a second click: already closed
        if not round.assignments.filter(submitted_at__isnull=False).exists():
            raise Conflict(
                gettext("还没有专家提交评分，不能结束验收评审。请先分配专家并等待评分。")
            )
        round.status = AcceptanceRound.Status.CLOSED
        round.closed_by = actor
        round.closed_at = clock.now()
        round.save(update_fields=["status", "closed_by", "closed_at"])
        audit_record(
            actor=actor,
            action="lianmeng.construction.acceptance.closed",
            obj=round,
            after={
                "submitted": round.assignments.filter(submitted_at__isnull=False).count(),
                "assigned": round.assignments.count(),
            },
        )
    return round


def _new_code() -> str:
    from lianmeng.documents.pdf import unique_code

    return unique_code(Certificate)


def _issue_certificate(actor: User, alliance: Alliance, round: AcceptanceRound) -> Certificate:
    profile = get_profile(alliance.profile)
    construction = profile.construction
    outcome = construction.outcome if construction is not None else None
    department = profile.authority.value if profile.authority else profile.issuer.value
    certificate = Certificate.objects.create(
        alliance=alliance,
        round=round,
        verification_code=_new_code(),
        department=department[:120],
        outcome=(outcome.value if outcome else gettext("验收通过，正式认定"))[:200],
        citation=cite_text(outcome.citation, profile)[:200] if outcome else "",
        recognised_on=selectors.today(),
        issued_by=actor,
        issued_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="lianmeng.construction.certificate.issued",
        obj=certificate,
        after={
            "alliance": alliance.pk,
            "code": certificate.verification_code,
            "recognised_on": certificate.recognised_on.isoformat(),
        },
    )
    return certificate


def decide(
    *,
    actor: User,
    alliance_id: Any,
    passed: bool,
    reason: str = "",
    new_deadline: date | None = None,
) -> AcceptanceRound:
    """验收结论 after the round is closed: pass → 已认定 and the 认定证书; fail (reason
    required) → back to 筹建中 with a new construction deadline (the profile's period from
    today when none is given)."""
    reason = (reason or "").strip()
    if not passed and not reason:
        raise ValidationFailed(
            gettext("验收不通过须写明理由，请填写后再提交。"), details={"field": "reason"}
        )
    with transaction.atomic():
        acc = organiser_access(actor, alliance_id)
        round = _open_round(acc.alliance)
        if round.is_open:
            raise Conflict(gettext("请先结束验收评审，查看专家评分后再作出验收结论。"))
        alliance = acceptance_decide(actor, acc.alliance.pk, passed, reason, new_deadline)
        round.status = AcceptanceRound.Status.PASSED if passed else AcceptanceRound.Status.FAILED
        round.decided_by = actor
        round.decided_at = clock.now()
        round.reason = reason
        round.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            actor=actor,
            action="lianmeng.construction.acceptance.decided",
            obj=round,
            after={
                "alliance": alliance.pk,
                "passed": passed,
                "reason": reason,
                "new_deadline": new_deadline.isoformat() if new_deadline else None,
            },
        )
        if passed:
            _issue_certificate(actor, alliance, round)
    return round

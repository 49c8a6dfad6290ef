"""筹建清单与验收（M-30）：清单、申请验收、验收专家、评分、结论、认定证书.

Read by the lead unit, the departments whose area covers the alliance and the experts assigned
to its 验收; the lead unit's staff complete the checklist and apply, the competent department
of the profile assigns experts and decides, the assigned experts score. Others get 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from lianmeng.construction import certificate as certificate_doc
from lianmeng.construction import selectors, services
from lianmeng.core.errors import NotFound

from .schemas import READ_ERRORS, ErrorOut, Id, PathId, StrictIn

router = Router(tags=["联盟筹建与验收"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class ConstructionChecklistFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: datetime


class ConstructionChecklistItemOut(Schema):
    item: str = Field(description="清单项编号（政策档案 [[construction.checklist]] 的 id）")
    label: str
    evidence: list[str] = Field(description="须提供：text 说明 / files 附件")
    citation: str
    complete: bool
    overdue: bool
    text: str
    revision: int = Field(description="修改时带上；尚未填写为 0")
    files: list[ConstructionChecklistFileOut]


class ConstructionChecklistOut(Schema):
    alliance: int
    name: str
    status: str
    access: str = Field(description="lead 牵头单位 / department 主管部门 / expert 验收专家")
    editable: bool
    done: int
    total: int
    construction_due: date | None
    overdue: bool
    items: list[ConstructionChecklistItemOut]


class ConstructionChecklistItemIn(StrictIn):
    item: str = Field(max_length=40, description="清单项编号")
    text: str | None = Field(None, max_length=services.MAX_TEXT, description="完成情况说明")
    remove_files: list[Id] = Field(default_factory=list, max_length=services.MAX_FILES)
    revision: int = Field(ge=0, le=2**31 - 1, description="读取时的 revision；已被他人修改时答 409")


class ConstructionApplyIn(StrictIn):
    note: str = Field("", max_length=2000, description="申请说明")


class ConstructionCandidateOut(Schema):
    expert: int
    name: str
    unit: str
    fields: list[str]
    assigned: bool
    conflicts: list[str] = Field(description="回避情形（说明原因）")
    blocked: bool = Field(description="须回避，不能分配（牵头单位、成员单位或声明回避）")


class ConstructionAssignIn(StrictIn):
    experts: list[Id] = Field(min_length=1, max_length=services.MAX_EXPERTS)
    reason: str = Field("", max_length=500, description="指定推荐地区专家时的理由")


class ConstructionSheetOut(Schema):
    expert: str = Field(description="结束评审前为“专家 1、2…”")
    submitted: bool
    scores: dict[str, Decimal | None]
    comments: dict[str, str]
    total: Decimal | None


class ConstructionRoundOut(Schema):
    attempt: int
    status: str = Field(description="open 评审中 / closed 评审已结束 / passed 通过 / failed 不通过")
    applied_at: datetime
    assigned: int
    submitted: int
    criteria: list[dict[str, Any]]
    sheets: list[ConstructionSheetOut] = Field(description="结束评审后才有评分明细")
    mean: Decimal | None
    reason: str


class ConstructionScoreIn(StrictIn):
    scores: dict[str, Decimal | None] = Field(description="验收标准 key → 0–100 分")
    comments: dict[str, str] = Field(default_factory=dict)
    final: bool = Field(True, description="true 提交（不能再改）；false 保存草稿")


class ConstructionDecideIn(StrictIn):
    result: str = Field(pattern="^(pass|fail)$", description="pass 验收通过 / fail 不通过")
    reason: str = Field("", max_length=2000, description="不通过时必填")
    new_deadline: date | None = Field(None, description="不通过时新的筹建期限")


class ConstructionAcceptanceOut(Schema):
    alliance: int
    status: str
    round: ConstructionRoundOut | None
    certificate_code: str | None


def _checklist_out(acc: selectors.Access) -> dict[str, Any]:
    alliance = acc.alliance
    progress = selectors.progress(alliance, acc.construction)
    items = []
    for view in selectors.checklist(alliance, acc.construction):
        items.append(
            {
                "item": view.item.id,
                "label": view.item.label,
                "evidence": list(view.item.evidence),
                "citation": selectors_cite(view.item.citation, alliance.profile),
                "complete": view.complete,
                "overdue": view.item.id in progress.overdue,
                "text": view.entry.text if view.entry else "",
                "revision": view.revision,
                "files": [
                    {
                        "id": f.pk,
                        "name": f.original_name,
                        "size": f.size,
                        "sha256": f.sha256,
                        "uploaded_at": f.uploaded_at,
                    }
                    for f in view.files
                ],
            }
        )
    return {
        "alliance": alliance.pk,
        "name": alliance.name,
        "status": alliance.status,
        "access": acc.relation,
        "editable": acc.is_lead and selectors.editable(alliance),
        "done": progress.done,
        "total": progress.total,
        "construction_due": selectors.construction_due(alliance),
        "overdue": bool(alliance.construction_overdue),
        "items": items,
    }


def selectors_cite(citation: Any, profile: str) -> str:
    from lianmeng.core.names import cite_text

    return cite_text(citation, profile)


def _acceptance_out(acc: selectors.Access) -> dict[str, Any]:
    alliance = acc.alliance
    round = selectors.current_round(alliance)
    found = selectors.certificate_of(alliance)
    out: dict[str, Any] = {
        "alliance": alliance.pk,
        "status": alliance.status,
        "round": None,
        "certificate_code": found.verification_code if found else None,
    }
    if round is not None:
        result = selectors.round_result(round)
        show = acc.is_department or acc.is_lead
        out["round"] = {
            "attempt": round.attempt,
            "status": round.status,
            "applied_at": round.applied_at,
            "assigned": result.assigned,
            "submitted": result.submitted,
            "criteria": round.criteria,
            "sheets": [
                {
                    "expert": s.label,
                    "submitted": s.assignment.submitted_at is not None,
                    "scores": s.scores,
                    "comments": s.comments,
                    "total": s.total,
                }
                for s in result.sheets
            ]
            if show
            else [],
            "mean": result.mean if show else None,
            "reason": round.reason,
        }
    return out


@router.get(
    "/construction/{alliance_id}/checklist",
    response={200: ConstructionChecklistOut, **READ_ERRORS},
    summary="筹建清单（进度、筹建期限、各项说明和附件）",
)
def checklist_get(request: HttpRequest, alliance_id: PathId) -> Any:
    return _checklist_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.put(
    "/construction/{alliance_id}/checklist",
    response={200: ConstructionChecklistOut, **WRITE_ERRORS},
    summary="填写筹建清单的一项（牵头单位，申请验收前；带 revision）",
)
def checklist_update(
    request: HttpRequest, alliance_id: PathId, payload: ConstructionChecklistItemIn
) -> Any:
    services.checklist_save(
        actor=request.user,
        alliance_id=alliance_id,
        item=payload.item,
        text=payload.text,
        remove_files=payload.remove_files,
        revision=payload.revision,
    )
    return _checklist_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.post(
    "/construction/{alliance_id}/checklist/files",
    response={201: ConstructionChecklistOut, **WRITE_ERRORS},
    summary="为筹建清单的一项上传附件（牵头单位）",
)
def checklist_upload(
    request: HttpRequest,
    alliance_id: PathId,
    file: File[UploadedFile],
    item: Form[str],
    revision: Form[int | None] = None,
) -> Status:
    """Multipart: ``item`` (清单项编号), ``file`` and optionally the entry's ``revision``."""
    services.checklist_save(
        actor=request.user, alliance_id=alliance_id, item=item, files=[file], revision=revision
    )
    return Status(
        201, _checklist_out(selectors.access(viewer=request.user, alliance_id=alliance_id))
    )


@router.post(
    "/construction/{alliance_id}/apply",
    response={201: ConstructionAcceptanceOut, **WRITE_ERRORS},
    summary="申请验收（牵头单位；清单须全部完成）",
)
def acceptance_apply(
    request: HttpRequest, alliance_id: PathId, payload: ConstructionApplyIn
) -> Status:
    services.apply(actor=request.user, alliance_id=alliance_id, note=payload.note)
    return Status(
        201, _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))
    )


@router.get(
    "/construction/{alliance_id}/acceptance",
    response={200: ConstructionAcceptanceOut, **READ_ERRORS},
    summary="验收申请与评审情况（专家姓名和评分在结束评审后公开）",
)
def acceptance_get(request: HttpRequest, alliance_id: PathId) -> Any:
    return _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.get(
    "/construction/{alliance_id}/acceptance/experts",
    response={200: list[ConstructionCandidateOut], **WRITE_ERRORS},
    summary="可分配的验收专家及其回避情形（主管部门）",
)
def acceptance_candidates(request: HttpRequest, alliance_id: PathId) -> Any:
    acc = services.organiser_access(request.user, alliance_id)
    round = selectors.current_round(acc.alliance)
    if round is None or not round.undecided:
        raise NotFound(_("该联盟目前没有待验收的申请。"))
    return [
        {
            "expert": c.expert.pk,
            "name": str(c.expert.user),
            "unit": c.expert.user.unit.name if c.expert.user.unit_id else "",
            "fields": list(c.expert.fields or []),
            "assigned": c.assigned,
            "conflicts": [f.message for f in c.conflicts],
            "blocked": c.hard,
        }
        for c in selectors.candidates(viewer=request.user, round=round)
    ]


@router.post(
    "/construction/{alliance_id}/acceptance/experts",
    response={201: ConstructionAcceptanceOut, **WRITE_ERRORS},
    summary="分配验收专家（主管部门）",
)
def acceptance_assign(
    request: HttpRequest, alliance_id: PathId, payload: ConstructionAssignIn
) -> Status:
    services.assign(
        actor=request.user,
        alliance_id=alliance_id,
        expert_ids=payload.experts,
        reason=payload.reason,
    )
    return Status(
        201, _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))
    )


@router.post(
    "/construction/{alliance_id}/acceptance/scores",
    response={200: ConstructionAcceptanceOut, **WRITE_ERRORS},
    summary="验收评分（分配的专家）",
)
def acceptance_score(
    request: HttpRequest, alliance_id: PathId, payload: ConstructionScoreIn
) -> Any:
    services.score_submit(
        actor=request.user,
        alliance_id=alliance_id,
        scores=payload.scores,
        comments=payload.comments,
        final=payload.final,
    )
    return _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.post(
    "/construction/{alliance_id}/acceptance/close",
    response={200: ConstructionAcceptanceOut, **WRITE_ERRORS},
    summary="结束验收评审（主管部门）",
)
def acceptance_close(request: HttpRequest, alliance_id: PathId) -> Any:
    services.round_close(actor=request.user, alliance_id=alliance_id)
    return _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.post(
    "/construction/{alliance_id}/acceptance/decision",
    response={200: ConstructionAcceptanceOut, **WRITE_ERRORS},
    summary="验收结论：通过（认定）或不通过（写明理由、新的筹建期限）（主管部门）",
)
def acceptance_decide(
    request: HttpRequest, alliance_id: PathId, payload: ConstructionDecideIn
) -> Any:
    services.decide(
        actor=request.user,
        alliance_id=alliance_id,
        passed=payload.result == "pass",
        reason=payload.reason,
        new_deadline=payload.new_deadline,
    )
    return _acceptance_out(selectors.access(viewer=request.user, alliance_id=alliance_id))


@router.get(
    "/construction/{alliance_id}/certificate.pdf",
    response={200: None, **READ_ERRORS},
    summary="认定证书（PDF，牵头单位和主管部门）",
    openapi_extra={
        "responses": {200: {"description": "认定证书", "content": {"application/pdf": {}}}}
    },
)
def certificate_pdf(request: HttpRequest, alliance_id: PathId) -> HttpResponse:
    acc = selectors.access(viewer=request.user, alliance_id=alliance_id)
    found = selectors.certificate_of(acc.alliance)
    if found is None or not selectors.may_download_certificate(request.user, acc.alliance):
        raise NotFound(_("该联盟尚无认定证书，或您无权下载。"))
    response = HttpResponse(certificate_doc.certificate_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = "inline; filename*=UTF-8''" + quote(
        certificate_doc.filename(found)
    )
    return response

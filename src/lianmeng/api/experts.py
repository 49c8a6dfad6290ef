"""专家评审（M-22）：评审轮次、分配、评分与结果。

Organising departments manage rounds; an expert reads and scores only his own tasks. What a
caller may not see is "not found" (404). An expert never gets another expert's scores through
this API while the round is open; results are for the organising department.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core.errors import Conflict, PermissionDenied
from lianmeng.experts import selectors, services
from lianmeng.experts.export import score_sheet_xlsx
from lianmeng.experts.models import Assignment, ReviewRound
from lianmeng.experts.results import q2, round_results

from .schemas import READ_ERRORS, ApiDateTime, ErrorOut, Id, Pagination, PathId, StrictIn, Year

router = Router(tags=["专家评审"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


def _organiser(request: HttpRequest) -> None:
    _require(request, "experts.manage_rounds", _("只有主管部门（或协调小组）可以管理专家评审。"))


def _expert(request: HttpRequest) -> None:
    _require(request, "experts.review", _("只有评审专家可以查看和提交评分。"))


# -- schemas -----------------------------------------------------------------------------------


class CriterionOut(Schema):
    key: str
    title: str
    description: str | None = None
    weight: int = Field(description="权重（各项合计 100）")
    max_score: int = Field(100, description="满分")
    citation: dict[str, str] = Field(description="出处 {seed, article}")


class RoundOut(Schema):
    id: int
    profile: str
    call_year: int
    title: str
    status: str = Field(description="open 评审中 / closed 已结束")
    criteria: list[CriterionOut]
    exclude_same_area: bool = Field(description="推荐地区的专家是否回避")
    opens_at: datetime | None
    closes_at: datetime | None
    created_at: datetime
    closed_at: datetime | None


class RoundIn(StrictIn):
    profile: str = Field(examples=["henan"])
    call_year: Year = Field(examples=[2020])
    title: str = ""
    opens_at: ApiDateTime | None = None
    closes_at: ApiDateTime | None = None


class ProposalIdsIn(StrictIn):
    proposals: list[Id] = Field(min_length=1, max_length=1000)


class AutoAssignIn(StrictIn):
    per_proposal: int = Field(2, ge=1, le=15, description="每份申报的专家人数")
    experts: list[Id] | None = Field(
        None, max_length=1000, description="参加本轮的专家（专家库编号）；默认全部"
    )


class ManualAssignIn(StrictIn):
    proposal: Id
    expert: Id = Field(description="专家库编号")
    reason: str = Field(description="人工指定理由（必填，记录在案）")


class AssignmentOut(Schema):
    id: int
    round: int
    proposal: int
    proposal_name: str
    expert: int
    expert_name: str
    by: str = Field(description="auto 自动分配 / manual 人工指定")
    override_reason: str
    accepted_conflict: str
    declared_conflict: bool
    submitted_at: datetime | None

    @staticmethod
    def resolve_round(obj: Assignment) -> int:
        return obj.round_id

    @staticmethod
    def resolve_proposal(obj: Assignment) -> int:
        return obj.proposal_id

    @staticmethod
    def resolve_proposal_name(obj: Assignment) -> str:
        return obj.proposal.name

    @staticmethod
    def resolve_expert(obj: Assignment) -> int:
        return obj.expert_id

    @staticmethod
    def resolve_expert_name(obj: Assignment) -> str:
        return str(obj.expert.user)


class AutoAssignOut(Schema):
    created: list[AssignmentOut]
    shortfalls: dict[int, int] = Field(description="申报编号 → 仍缺的专家人数")


class ScoreOut(Schema):
    criterion: str
    score: Decimal | None
    comment: str


class TaskOut(Schema):
    """An expert's own task: the proposal, the criteria and his own scores."""

    id: int
    round: int
    round_title: str
    round_status: str
    closes_at: datetime | None
    proposal: int
    proposal_name: str
    lead_unit: str
    criteria: list[CriterionOut]
    scores: list[ScoreOut]
    submitted_at: datetime | None


class ScoresIn(StrictIn):
    scores: dict[str, Decimal | None] = Field(
        description="评审标准 key → 得分（0 至满分，最多一位小数）"
    )
    comments: dict[str, str] = Field(default_factory=dict, description="评审标准 key → 评语")
    submit: bool = Field(True, description="true 提交（不可再改）；false 保存草稿")


class ConflictIn(StrictIn):
    reason: str


class SheetOut(Schema):
    expert: str
    unit: str
    scores: dict[str, Decimal | None]
    total: Decimal


class ResultOut(Schema):
    rank: int | None
    proposal: int
    proposal_name: str
    lead_unit: str
    assigned: int
    submitted: int
    criterion_means: dict[str, Decimal | None]
    mean: Decimal | None = Field(description="加权总分（专家平均）")
    trimmed_mean: Decimal | None = Field(description="去极值平均分（≥4 位专家时去掉最高、最低）")
    sheets: list[SheetOut]


def _task(assignment: Assignment) -> dict[str, Any]:
    scores = selectors.own_scores(assignment)
    return {
        "id": assignment.pk,
        "round": assignment.round_id,
        "round_title": assignment.round.title,
        "round_status": assignment.round.status,
        "closes_at": assignment.round.closes_at,
        "proposal": assignment.proposal_id,
        "proposal_name": assignment.proposal.name,
        "lead_unit": assignment.proposal.lead_unit.name,
        "criteria": assignment.round.criteria,
        "scores": [
            {"criterion": key, "score": s.score, "comment": s.comment} for key, s in scores.items()
        ],
        "submitted_at": assignment.submitted_at,
    }


# -- rounds ------------------------------------------------------------------------------------


@router.get("/review-rounds", response={200: list[RoundOut], **READ_ERRORS}, summary="评审轮次")
@paginate(Pagination)
def rounds_list(request: HttpRequest) -> Any:
    _organiser(request)
    return selectors.round_list(viewer=request.user)


@router.post("/review-rounds", response={201: RoundOut, **WRITE_ERRORS}, summary="新建评审轮次")
def rounds_create(request: HttpRequest, payload: RoundIn) -> Status:
    """Criteria and weights are taken from the profile's ``[review]`` and fixed in the round."""
    _organiser(request)
    round = services.round_create(actor=request.user, **payload.dict())
    return Status(201, round)


@router.get(
    "/review-rounds/{round_id}", response={200: RoundOut, **READ_ERRORS}, summary="评审轮次详情"
)
def rounds_get(request: HttpRequest, round_id: PathId) -> ReviewRound:
    _organiser(request)
    return selectors.round_get(viewer=request.user, pk=round_id)


@router.post(
    "/review-rounds/{round_id}/proposals",
    response={200: dict[str, int], **WRITE_ERRORS},
    summary="加入待评审的申报",
)
def rounds_add(request: HttpRequest, round_id: PathId, payload: ProposalIdsIn) -> dict[str, int]:
    """已受理 proposals move to 专家评审中 through the lifecycle engine."""
    _organiser(request)
    added = services.round_add_proposals(
        actor=request.user, round_id=round_id, proposal_ids=payload.proposals
    )
    return {"added": added}


@router.post(
    "/review-rounds/{round_id}/auto-assign",
    response={200: AutoAssignOut, **WRITE_ERRORS},
    summary="自动分配专家（回避、均衡）",
)
def rounds_auto(request: HttpRequest, round_id: PathId, payload: AutoAssignIn) -> dict[str, Any]:
    _organiser(request)
    result = services.assign_automatically(
        actor=request.user,
        round_id=round_id,
        per_proposal=payload.per_proposal,
        expert_ids=payload.experts,
    )
    return {"created": result.created, "shortfalls": result.shortfalls}


@router.post(
    "/review-rounds/{round_id}/assignments",
    response={201: AssignmentOut, **WRITE_ERRORS},
    summary="人工指定专家（须填写理由）",
)
def rounds_manual(request: HttpRequest, round_id: PathId, payload: ManualAssignIn) -> Status:
    _organiser(request)
    assignment = services.assign_manually(
        actor=request.user,
        round_id=round_id,
        proposal_id=payload.proposal,
        expert_id=payload.expert,
        reason=payload.reason,
    )
    return Status(201, assignment)


@router.get(
    "/review-rounds/{round_id}/assignments",
    response={200: list[AssignmentOut], **READ_ERRORS},
    summary="本轮评审任务",
)
def rounds_assignments(request: HttpRequest, round_id: PathId) -> Any:
    _organiser(request)
    round = selectors.round_get(viewer=request.user, pk=round_id)
    return round.assignments.select_related("proposal", "expert__user").order_by("id")


@router.post(
    "/review-rounds/{round_id}/close",
    response={200: RoundOut, **WRITE_ERRORS},
    summary="结束评审",
)
def rounds_close(request: HttpRequest, round_id: PathId) -> ReviewRound:
    _organiser(request)
    return services.round_close(actor=request.user, round_id=round_id)


@router.get(
    "/review-rounds/{round_id}/results",
    response={200: list[ResultOut], **READ_ERRORS},
    summary="评审结果与排名",
    description="评审结束前只返回进度（已评/分配），不返回评分、专家姓名和排名。",
)
def rounds_results(request: HttpRequest, round_id: PathId) -> list[dict[str, Any]]:
    _organiser(request)
    round = selectors.round_get(viewer=request.user, pk=round_id)
    if round.is_open:
        # before the round closes: progress only — no scores, no names, no ranking
        return [
            {
                "rank": None,
                "proposal": r.proposal.pk,
                "proposal_name": r.proposal.name,
                "lead_unit": r.proposal.lead_unit.name,
                "assigned": r.assigned,
                "submitted": r.submitted,
                "criterion_means": {},
                "mean": None,
                "trimmed_mean": None,
                "sheets": [],
            }
            for r in round_results(round)
        ]
    return [
        {
            "rank": r.rank,
            "proposal": r.proposal.pk,
            "proposal_name": r.proposal.name,
            "lead_unit": r.proposal.lead_unit.name,
            "assigned": r.assigned,
            "submitted": r.submitted,
            "criterion_means": {k: q2(v) for k, v in r.criterion_means.items()},
            "mean": q2(r.mean),
            "trimmed_mean": q2(r.trimmed),
            "sheets": [
                {"expert": s.expert, "unit": s.unit, "scores": s.scores, "total": q2(s.total)}
                for s in r.sheets
            ],
        }
        for r in round_results(round)
    ]


@router.get(
    "/review-rounds/{round_id}/results.xlsx",
    response={200: None, **READ_ERRORS, 409: ErrorOut},
    summary="导出评分表（Excel）",
    description="评审结束后方可导出（409：评审尚未结束）。",
    openapi_extra={
        "responses": {
            200: {
                "description": "评审结果与评分明细",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def rounds_xlsx(request: HttpRequest, round_id: PathId) -> HttpResponse:
    _organiser(request)
    round = selectors.round_get(viewer=request.user, pk=round_id)
    if round.is_open:
        raise Conflict(_(selectors.SCORES_AFTER_CLOSE))
    response = HttpResponse(
        score_sheet_xlsx(round, round_results(round)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="review-round-{round.pk}.xlsx"'
    return response


# -- the expert's own tasks --------------------------------------------------------------------


@router.get(
    "/review-assignments", response={200: list[TaskOut], **READ_ERRORS}, summary="我的评审任务"
)
@paginate(Pagination)
def tasks_list(request: HttpRequest) -> Any:
    _expert(request)
    tasks = selectors.assignment_inbox(viewer=request.user).filter(declared_conflict=False)
    return [_task(a) for a in tasks.prefetch_related("scores")]


@router.get(
    "/review-assignments/{assignment_id}",
    response={200: TaskOut, **READ_ERRORS},
    summary="评审任务详情",
)
def tasks_get(request: HttpRequest, assignment_id: PathId) -> dict[str, Any]:
    _expert(request)
    return _task(selectors.assignment_get(viewer=request.user, pk=assignment_id))


@router.put(
    "/review-assignments/{assignment_id}/scores",
    response={200: TaskOut, **WRITE_ERRORS},
    summary="保存或提交评分",
)
def tasks_score(request: HttpRequest, assignment_id: PathId, payload: ScoresIn) -> dict[str, Any]:
    _expert(request)
    selectors.assignment_get(viewer=request.user, pk=assignment_id)
    services.score_submit(
        actor=request.user,
        assignment_id=assignment_id,
        scores=payload.scores,
        comments=payload.comments,
        final=payload.submit,
    )
    return _task(selectors.assignment_get(viewer=request.user, pk=assignment_id))


@router.post(
    "/review-assignments/{assignment_id}/conflict",
    response={200: dict[str, bool], **WRITE_ERRORS},
    summary="声明回避",
)
def tasks_conflict(
    request: HttpRequest, assignment_id: PathId, payload: ConflictIn
) -> dict[str, bool]:
    _expert(request)
    services.expert_declare_conflict(
        actor=request.user, assignment_id=assignment_id, reason=payload.reason
    )
    return {"declared_conflict": True}

"""绩效评价与整改（M-40 — M-42）：评价活动、自评、评分、核定、公示异议、择优支持名单、整改与复查.

Reads go through :mod:`lianmeng.evaluation.selectors` (who sees what), writes through
:mod:`lianmeng.evaluation.services` (which check who acts). Final scores, grades and ranks are
answered to others than the organising department only from the public notice on; the scores
of each evaluator only to the organiser and to the evaluator himself. Whoever may not see a
campaign, an evaluation or a rectification gets 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.selectors import viewer_scope
from lianmeng.evaluation import selectors, services
from lianmeng.evaluation.lifecycle import state_label_of
from lianmeng.evaluation.models import Campaign, Evaluation, Objection, Rectification

from .schemas import MAX_OFFSET, READ_ERRORS, ErrorOut, Id, Pagination, PathId, StrictIn, Year

router = Router(tags=["绩效评价与整改"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}
Stage = Literal["self", "scoring", "verifying", "notice", "published"]
ScoreValue = Decimal | str | None


# -- schemas -------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    profile: str
    year: int
    title: str
    jurisdiction: str = Field(description="组织评价的主管部门的区划代码")
    jurisdiction_name: str
    stage: str = Field(
        description="self 联盟自评 / scoring 评价人评分 / verifying 主管部门核定 / "
        "notice 结果公示 / published 已公布"
    )
    stage_label: str
    self_due: date
    scoring_due: date
    notice_days: int = Field(description="公示天数（0：政策档案不要求公示）")
    notice_starts_on: date | None
    notice_ends_on: date | None
    published_at: datetime | None
    verification_code: str = Field(description="结果文件的验证码（公布后）")
    alliance_count: int
    revision: int

    @staticmethod
    def resolve_jurisdiction(obj: Campaign) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_jurisdiction_name(obj: Campaign) -> str:
        return obj.jurisdiction.name

    @staticmethod
    def resolve_stage_label(obj: Campaign) -> str:
        return str(Campaign.Stage(obj.stage).label)


class EvaluationProgressOut(Schema):
    alliances: int
    self_filed: int = Field(description="已提交自评的联盟数")
    tasks: int = Field(description="评分任务数（评价人 × 联盟）")
    tasks_done: int = Field(description="已提交的评分任务数")
    unassigned: int = Field(description="没有评价人的联盟数")


class EvaluationGradeCountOut(Schema):
    grade: str
    label: str
    count: int


class EvaluationBinOut(Schema):
    lower: int = Field(description="分数段下限（90 含 90—100）")
    count: int


class EvaluationDistributionOut(Schema):
    grades: list[EvaluationGradeCountOut]
    bins: list[EvaluationBinOut]
    scored: int
    unscored: int
    mean: Decimal | None


class EvaluationSeatOut(Schema):
    user: int
    name: str
    unit: str
    kind: str = Field(description="experts 评价专家 / third_party 第三方评价机构")
    kind_label: str


class CampaignDetailOut(CampaignOut):
    relation: str = Field(
        description="调用者与本次评价的关系：organiser 组织部门 / department 下级部门 / "
        "evaluator 评价人 / public 公众"
    )
    results_visible: bool = Field(description="调用者能否看到最终得分、等级和名次")
    progress: EvaluationProgressOut | None = Field(description="进度（仅组织部门）")
    distribution: EvaluationDistributionOut | None = Field(
        description="成绩分布（组织部门；其他人在公示后，且只含其能看到的联盟）"
    )
    evaluators: list[EvaluationSeatOut] = Field(description="评价人（仅组织部门）")

    @staticmethod
    def resolve_evaluators(obj: Campaign) -> list[dict[str, Any]]:
        return getattr(obj, "seats", [])


class CampaignFilters(Schema):
    year: Year | None = None
    profile: str | None = Field(None, max_length=30, description="政策档案")
    stage: Stage | None = None


class CampaignOpenIn(StrictIn):
    profile: str = Field(
        max_length=30, description="政策档案（须有绩效评价的规定，且属于本部门辖区）"
    )
    year: Year = Field(description="评价年度")
    self_due: date = Field(description="自评截止日期")
    scoring_due: date = Field(description="评分截止日期（不早于自评截止日期）")
    title: str = Field("", max_length=120, description="名称；不填按“发文机关 年度 …绩效评价”生成")
    alliances: list[Id] | None = Field(
        None, max_length=100_000, description="参评联盟；不填为该档案所有在运行、未被排除级别的联盟"
    )


class EvaluationAdvanceIn(StrictIn):
    revision: int | None = Field(
        None, ge=1, le=2**31 - 1, description="读取时的 revision；已被他人推进时答 409"
    )


class CampaignEvaluatorIn(StrictIn):
    user: Id = Field(description="评价人账号编号：本部门专家库的专家或第三方评价机构的账号")
    evaluations: list[Id] | None = Field(
        None, max_length=100_000, description="分配的联盟评价编号；不填为全部（须回避的除外）"
    )


class EvaluationSkippedOut(Schema):
    evaluation: int
    alliance: str
    reason: str = Field(description="回避的原因")


class CampaignEvaluatorOut(Schema):
    evaluator: int
    kind: str
    assigned: int = Field(description="新分配的评分任务数")
    skipped: list[EvaluationSkippedOut] = Field(description="因利益冲突回避、未分配的联盟")


class EvaluationOut(Schema):
    id: int
    campaign: int
    alliance: int
    alliance_name: str
    lead_unit: str
    region: str
    region_name: str
    self_filed_at: datetime | None
    score: Decimal | None = Field(description="评价人加权总分的平均（结果可见时）")
    adjusted_score: Decimal | None = Field(description="核定得分（结果可见时）")
    adjustment_reason: str | None = Field(description="调整理由（结果可见时）")
    final_score: Decimal | None = Field(description="最终得分（结果可见时）")
    grade: str | None = Field(description="等级编号（结果可见时）")
    grade_label: str | None
    rank: int | None = Field(description="名次（结果可见时；同分同名次）")
    revision: int


class EvaluationIndicatorOut(Schema):
    id: str
    family: str
    label: str
    weight: float
    guidance: str


class EvaluationAssignmentOut(Schema):
    evaluator: int
    name: str
    unit: str
    kind: str
    scores: dict[str, str]
    comments: dict[str, str]
    total: Decimal | None
    submitted_at: datetime | None


class EvaluationObjectionOut(Schema):
    id: int
    evaluation: int
    alliance_name: str
    name: str
    contact: str
    text: str
    filed_at: datetime
    status: str = Field(description="open 待处理 / upheld 异议成立 / dismissed 异议不成立")
    status_label: str
    response: str
    handled_at: datetime | None

    @staticmethod
    def resolve_evaluation(obj: Objection) -> int:
        return obj.evaluation_id

    @staticmethod
    def resolve_alliance_name(obj: Objection) -> str:
        return obj.evaluation.alliance.name

    @staticmethod
    def resolve_status_label(obj: Objection) -> str:
        return str(obj.get_status_display())


class EvaluationDetailOut(EvaluationOut):
    relation: str = Field(
        description="organiser 组织部门 / department 下级部门 / evaluator 评价人 / "
        "lead 牵头单位 / public 公众"
    )
    stage: str
    indicators: list[EvaluationIndicatorOut]
    facts: dict[str, Any] = Field(
        description="平台从年度报告中找到的数据（每项指标：text 说明、suggested 建议分）；公众不可见"
    )
    self_content: dict[str, Any] = Field(description="自评：{指标: {score, statement}}；公众不可见")
    assignments: list[EvaluationAssignmentOut] = Field(
        description="各评价人的评分：组织部门看全部（含姓名），评价人只看自己的，其他人为空"
    )
    objections: list[EvaluationObjectionOut] = Field(
        description="异议：组织部门看全部，异议人看自己提出的"
    )


class EvaluationSelfItemIn(StrictIn):
    score: ScoreValue = Field(None, description="0—100，最多一位小数；空为未打分")
    statement: str = Field("", max_length=services.MAX_TEXT, description="自评说明")


class EvaluationSelfIn(StrictIn):
    content: dict[str, EvaluationSelfItemIn] = Field(description="按指标编号填写")
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="读取时的 revision")
    final: bool = Field(False, description="true 提交自评（须每项打分，之后不能修改）；false 保存")


class EvaluationScoresIn(StrictIn):
    scores: dict[str, ScoreValue] = Field(description="指标编号 → 0—100 分（最多一位小数）")
    comments: dict[str, str] = Field(default_factory=dict, description="指标编号 → 评语")
    final: bool = Field(False, description="true 提交（须每项打分，之后不能修改）；false 保存草稿")


class EvaluationAdjustIn(StrictIn):
    score: ScoreValue = Field(description="核定得分 0—100")
    reason: str = Field("", max_length=2000, description="调整理由（必填，记录在案）")
    revision: int | None = Field(None, ge=1, le=2**31 - 1)


class EvaluationFilters(Schema):
    grade: str | None = Field(
        None, max_length=40, description="只列该等级的联盟（结果可见时才能按等级筛选）"
    )
    limit: int = Field(20, ge=1, le=100, description="每页条数（1–100）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}）")


class EvaluationPageOut(Schema):
    items: list[EvaluationOut]
    count: int


class EvaluationObjectionIn(StrictIn):
    name: str = Field(max_length=60, description="异议人姓名或单位名称")
    contact: str = Field(max_length=60, description="联系方式")
    text: str = Field(max_length=services.MAX_TEXT, description="异议的内容和理由")


class EvaluationObjectionHandleIn(StrictIn):
    upheld: bool = Field(description="true 异议成立（可再调整该联盟得分）/ false 不成立")
    response: str = Field("", max_length=2000, description="处理意见（必填）")


class EvaluationPreferentialOut(Schema):
    evaluation: int
    campaign: int
    campaign_title: str
    year: int
    profile: str
    alliance: int
    alliance_name: str
    lead_unit: str
    final_score: Decimal | None
    grade: str
    grade_label: str
    rank: int | None

    @staticmethod
    def resolve_evaluation(obj: Evaluation) -> int:
        return obj.pk

    @staticmethod
    def resolve_campaign(obj: Evaluation) -> int:
        return obj.campaign_id

    @staticmethod
    def resolve_campaign_title(obj: Evaluation) -> str:
        return obj.campaign.title

    @staticmethod
    def resolve_year(obj: Evaluation) -> int:
        return obj.campaign.year

    @staticmethod
    def resolve_profile(obj: Evaluation) -> str:
        return obj.campaign.profile

    @staticmethod
    def resolve_alliance(obj: Evaluation) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Evaluation) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_lead_unit(obj: Evaluation) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_grade_label(obj: Evaluation) -> str:
        return _grade_label(obj.campaign.profile, obj.grade) or obj.grade


class RectificationOut(Schema):
    id: int
    alliance: int
    alliance_name: str
    profile: str
    campaign: int
    year: int
    status: str = Field(
        description="draft 整改中 / submitted 已提交整改报告 / passed 整改合格 / failed 整改不合格"
    )
    status_label: str
    deadline: date
    overdue: bool = Field(description="已过整改期限且尚未提交整改报告")
    warning: str
    warning_code: str = Field(description="警告通知书的验证码")
    report_saved_at: datetime | None
    revision: int

    @staticmethod
    def resolve_alliance(obj: Rectification) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Rectification) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_campaign(obj: Rectification) -> int:
        return obj.evaluation.campaign_id

    @staticmethod
    def resolve_year(obj: Rectification) -> int:
        return obj.evaluation.campaign.year

    @staticmethod
    def resolve_status_label(obj: Rectification) -> str:
        return _(state_label_of(obj))

    @staticmethod
    def resolve_overdue(obj: Rectification) -> bool:
        return obj.status == "draft" and obj.deadline < selectors.today()


class RectificationChangeOut(Schema):
    at: datetime
    label: str
    from_state: str
    to_state: str
    actor: str | None
    reason: str


class RectificationDetailOut(RectificationOut):
    report: str
    rechecks: bool = Field(description="调用者是否由其复查（组织评价的主管部门）")
    history: list[RectificationChangeOut]


class RectificationFilters(Schema):
    status: Literal["draft", "submitted", "passed", "failed"] | None = None
    profile: str | None = Field(None, max_length=30)


class RectificationReportIn(StrictIn):
    report: str = Field(max_length=20_000, description="整改报告：整改措施、完成情况和相关证明")
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="读取时的 revision")


class RectificationSubmitIn(StrictIn):
    note: str = Field("", max_length=2000, description="说明")


class EvaluationRecheckIn(StrictIn):
    passed: bool = Field(description="true 复查合格 / false 复查不合格（执行政策档案规定的后果）")
    reason: str = Field(max_length=2000, description="复查意见（必填）")
    basis: str = Field(
        "", max_length=2000, description="依据：政策档案已不在有效期内时须写明所依据的文件或指示"
    )


# -- helpers -------------------------------------------------------------------------------------


def _grade_label(profile: str, grade: str) -> str | None:
    if not grade:
        return None
    config = selectors.config_of(profile)
    found = config.grade(grade) if config else None
    return _(found.label) if found else grade


def _row(row: Evaluation, visible: bool) -> dict[str, Any]:
    return {
        "id": row.pk,
        "campaign": row.campaign_id,
        "alliance": row.alliance_id,
        "alliance_name": row.alliance.name,
        "lead_unit": row.lead_unit.name,
        "region": row.region.code,
        "region_name": row.region.name,
        "self_filed_at": row.self_filed_at,
        "score": row.score if visible else None,
        "adjusted_score": row.adjusted_score if visible else None,
        "adjustment_reason": row.adjustment_reason if visible else None,
        "final_score": row.final_score if visible else None,
        "grade": (row.grade or None) if visible else None,
        "grade_label": _grade_label(row.campaign.profile, row.grade) if visible else None,
        "rank": row.rank if visible else None,
        "revision": row.revision,
    }


def _campaign_detail(request: HttpRequest, campaign: Campaign, relation: str) -> Campaign:
    """The campaign with what CampaignDetailOut reads besides its fields."""
    visible = selectors.results_visible(campaign, relation)
    out: dict[str, Any] = {
        "relation": relation,
        "results_visible": visible,
        "progress": None,
        "distribution": None,
        "seats": [],
    }
    if relation == selectors.ORGANISER:
        out["progress"] = services.progress(campaign)
        out["seats"] = [
            {
                "user": seat.user_id,
                "name": seat.user.display_name or seat.user.username,
                "unit": seat.user.unit.name if seat.user.unit_id else "",
                "kind": seat.kind,
                "kind_label": str(seat.get_kind_display()),
            }
            for seat in campaign.evaluators.select_related("user__unit")
        ]
    if visible:
        qs = (
            None
            if relation in (selectors.ORGANISER, selectors.PUBLIC)
            else selectors.evaluations(request.user, campaign, relation)
        )
        dist = selectors.distribution(campaign, qs)
        out["distribution"] = {
            "grades": [{"grade": g, "label": _(label), "count": n} for g, label, n in dist.grades],
            "bins": [{"lower": lower, "count": n} for lower, n in dist.bins],
            "scored": dist.scored,
            "unscored": dist.unscored,
            "mean": dist.mean,
        }
    for key, value in out.items():
        setattr(campaign, key, value)
    return campaign


def _evaluation_detail(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    row, relation = selectors.evaluation_get(viewer=request.user, pk=evaluation_id)
    campaign = row.campaign
    if relation == selectors.LEAD and campaign.stage == Campaign.Stage.SELF:
        services.ensure_facts(row)  # the pre-filled figures, worked out once
    visible = selectors.results_visible(campaign, relation)
    config = selectors.config_of(campaign.profile)
    out = _row(row, visible)
    hidden = relation == selectors.PUBLIC
    out.update(
        relation=relation,
        stage=campaign.stage,
        indicators=[
            {
                "id": ind.id,
                "family": _(family.label),
                "label": _(ind.label),
                "weight": float(ind.weight),
                "guidance": ind.guidance,
            }
            for family in (config.families if config else [])
            for ind in family.indicators
        ],
        facts={} if hidden else (row.facts or {}),
        self_content={} if hidden else (row.self_content or {}),
        assignments=[
            {
                "evaluator": task.evaluator_id,
                "name": task.evaluator.display_name or task.evaluator.username,
                "unit": task.evaluator.unit.name if task.evaluator.unit_id else "",
                "kind": task.kind,
                "scores": task.scores or {},
                "comments": task.comments or {},
                "total": task.total,
                "submitted_at": task.submitted_at,
            }
            for task in selectors.assignments_visible(row, request.user, relation)
        ],
        objections=list(
            selectors.objections(request.user, campaign, relation).filter(evaluation=row)
        ),
    )
    return out


def _rectification_detail(request: HttpRequest, rectification_id: int) -> Rectification:
    from lianmeng.workflow.selectors import state_history

    rect = selectors.rectification_get(viewer=request.user, pk=rectification_id)
    rect.rechecks = selectors.rechecks(request.user, rect)
    rect.history = [
        {
            "at": change.at,
            "label": change.label,
            "from_state": change.from_state,
            "to_state": change.to_state,
            "actor": change.actor_office or None,
            "reason": change.reason,
        }
        for change in state_history(subject=rect)
    ]
    return rect


# -- campaigns (registered before /evaluations/{evaluation_id}) ----------------------------------


@router.get(
    "/evaluations/campaigns",
    response={200: list[CampaignOut], **READ_ERRORS},
    summary="绩效评价活动（组织部门、辖区内的下级部门、有评价任务的评价人）",
)
@paginate(Pagination)
def campaigns_list(request: HttpRequest, filters: Query[CampaignFilters]) -> Any:
    qs = selectors.campaigns(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.profile:
        qs = qs.filter(profile=filters.profile)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs


@router.post(
    "/evaluations/campaigns",
    response={201: CampaignDetailOut, **WRITE_ERRORS},
    summary="开展年度绩效评价（政策档案所属辖区的主管部门）",
)
def campaigns_open(request: HttpRequest, payload: CampaignOpenIn) -> Status:
    if selectors.config_of(payload.profile) is None:
        raise NotFound(
            _(
                "政策档案“%(profile)s”没有绩效评价的规定（或没有该档案）；"
                "各档案的规定见 GET /api/v1/profiles/{profile_id}。"
            )
            % {"profile": payload.profile}
        )
    campaign = services.campaign_open(
        actor=request.user,
        profile_id=payload.profile,
        year=payload.year,
        self_due=payload.self_due,
        scoring_due=payload.scoring_due,
        title=payload.title,
        alliance_ids=payload.alliances,
    )
    campaign, relation = selectors.campaign_get(viewer=request.user, pk=campaign.pk)
    return Status(201, _campaign_detail(request, campaign, relation))


@router.get(
    "/evaluations/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, **READ_ERRORS},
    summary="评价活动详情：阶段、日期、进度、成绩分布",
)
def campaigns_get(request: HttpRequest, campaign_id: PathId) -> Any:
    campaign, relation = selectors.campaign_get(viewer=request.user, pk=campaign_id)
    return _campaign_detail(request, campaign, relation)


@router.post(
    "/evaluations/campaigns/{campaign_id}/advance",
    response={200: CampaignDetailOut, **WRITE_ERRORS},
    summary="推进到下一阶段（组织部门；进入核定时计算平均分并排名，公示期满后公布）",
)
def campaigns_advance(
    request: HttpRequest, campaign_id: PathId, payload: EvaluationAdvanceIn
) -> Any:
    services.advance(actor=request.user, campaign_id=campaign_id, revision=payload.revision)
    campaign, relation = selectors.campaign_get(viewer=request.user, pk=campaign_id)
    return _campaign_detail(request, campaign, relation)


@router.post(
    "/evaluations/campaigns/{campaign_id}/evaluators",
    response={200: CampaignEvaluatorOut, **WRITE_ERRORS},
    summary="增加评价人并分配联盟（须回避的联盟跳过并说明原因）",
)
def campaigns_evaluator_add(
    request: HttpRequest, campaign_id: PathId, payload: CampaignEvaluatorIn
) -> dict[str, Any]:
    seat, added, skipped = services.evaluator_add(
        actor=request.user,
        campaign_id=campaign_id,
        user_id=payload.user,
        evaluation_ids=payload.evaluations,
    )
    return {
        "evaluator": seat.user_id,
        "kind": seat.kind,
        "assigned": added,
        "skipped": [
            {"evaluation": s.evaluation, "alliance": s.alliance, "reason": s.reason}
            for s in skipped
        ],
    }


@router.get(
    "/evaluations/campaigns/{campaign_id}/evaluations",
    response={200: EvaluationPageOut, **READ_ERRORS},
    summary="参评联盟（得分、等级、名次只在结果可见时给出；评价人只看分配给他的）",
)
def campaigns_evaluations(
    request: HttpRequest, campaign_id: PathId, filters: Query[EvaluationFilters]
) -> dict[str, Any]:
    campaign, relation = selectors.campaign_get(viewer=request.user, pk=campaign_id)
    visible = selectors.results_visible(campaign, relation)
    qs = selectors.evaluations(request.user, campaign, relation).select_related("campaign")
    if filters.grade:
        if not visible:
            raise ValidationFailed(
                _("结果公示前不能按等级筛选；请去掉 grade 参数。"), details={"field": "grade"}
            )
        qs = qs.filter(grade=filters.grade)
    qs = qs.order_by("rank", "id") if visible else qs.order_by("alliance__name", "id")
    count = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_row(row, visible) for row in page], "count": count}


# -- the preferential list (before /evaluations/{evaluation_id}) ---------------------------------


@router.get(
    "/evaluations/preferential",
    response={200: list[EvaluationPreferentialOut], **READ_ERRORS},
    summary="择优支持名单（已公布的评价中获优秀等级的联盟；本辖区的主管部门）",
)
@paginate(Pagination)
def preferential_list(request: HttpRequest) -> Any:
    if viewer_scope(request.user) is None:
        raise PermissionDenied(_("只有主管部门可以查看择优支持名单。"))
    return selectors.preferential(request.user)


@router.post(
    "/evaluations/objections/{objection_id}/handle",
    response={200: EvaluationObjectionOut, **WRITE_ERRORS},
    summary="处理异议（组织部门；须写明处理意见）",
)
def objections_handle(
    request: HttpRequest, objection_id: PathId, payload: EvaluationObjectionHandleIn
) -> Objection:
    objection = services.objection_handle(
        actor=request.user,
        objection_id=objection_id,
        upheld=payload.upheld,
        response=payload.response,
    )
    return Objection.objects.select_related("evaluation__alliance").get(pk=objection.pk)


# -- one alliance's evaluation -------------------------------------------------------------------


@router.get(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationDetailOut, **READ_ERRORS},
    summary="一个联盟的绩效评价（各评价人的评分只给组织部门和评价人本人）",
)
def evaluations_get(request: HttpRequest, evaluation_id: PathId) -> Any:
    return _evaluation_detail(request, evaluation_id)


@router.put(
    "/evaluations/{evaluation_id}/self",
    response={200: EvaluationDetailOut, **WRITE_ERRORS},
    summary="保存或提交自评（牵头单位；自评阶段）",
)
def evaluations_self(request: HttpRequest, evaluation_id: PathId, payload: EvaluationSelfIn) -> Any:
    services.self_save(
        actor=request.user,
        evaluation_id=evaluation_id,
        content={k: v.model_dump() for k, v in payload.content.items()},
        revision=payload.revision,
        final=payload.final,
    )
    return _evaluation_detail(request, evaluation_id)


@router.put(
    "/evaluations/{evaluation_id}/scores",
    response={200: EvaluationDetailOut, **WRITE_ERRORS},
    summary="保存或提交评分（分配到该联盟的评价人）",
)
def evaluations_scores(
    request: HttpRequest, evaluation_id: PathId, payload: EvaluationScoresIn
) -> Any:
    services.score_save(
        actor=request.user,
        evaluation_id=evaluation_id,
        scores=payload.scores,
        comments=payload.comments,
        final=payload.final,
    )
    return _evaluation_detail(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/adjust",
    response={200: EvaluationDetailOut, **WRITE_ERRORS},
    summary="核定调整得分（组织部门；须写明理由，重新排名）",
)
def evaluations_adjust(
    request: HttpRequest, evaluation_id: PathId, payload: EvaluationAdjustIn
) -> Any:
    services.adjust(
        actor=request.user,
        evaluation_id=evaluation_id,
        score=payload.score,
        reason=payload.reason,
        revision=payload.revision,
    )
    return _evaluation_detail(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/objections",
    response={201: EvaluationObjectionOut, **WRITE_ERRORS},
    summary="对公示的评价结果提出异议（公示期内；未登录者请用公示页面）",
)
def evaluations_object(
    request: HttpRequest, evaluation_id: PathId, payload: EvaluationObjectionIn
) -> Status:
    objection = services.objection_file(
        viewer=request.user,
        evaluation_id=evaluation_id,
        name=payload.name,
        contact=payload.contact,
        text=payload.text,
    )
    return Status(
        201, Objection.objects.select_related("evaluation__alliance").get(pk=objection.pk)
    )


# -- rectifications ------------------------------------------------------------------------------


@router.get(
    "/rectifications",
    response={200: list[RectificationOut], **READ_ERRORS},
    summary="整改事项（牵头单位的，主管部门辖区内的）",
)
@paginate(Pagination)
def rectifications_list(request: HttpRequest, filters: Query[RectificationFilters]) -> Any:
    qs = selectors.rectifications(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.profile:
        qs = qs.filter(profile=filters.profile)
    return qs


@router.get(
    "/rectifications/{rectification_id}",
    response={200: RectificationDetailOut, **READ_ERRORS},
    summary="整改详情：警告、期限、整改报告、复查记录",
)
def rectifications_get(request: HttpRequest, rectification_id: PathId) -> Any:
    return _rectification_detail(request, rectification_id)


@router.put(
    "/rectifications/{rectification_id}/report",
    response={200: RectificationDetailOut, **WRITE_ERRORS},
    summary="保存整改报告（牵头单位；提交前）",
)
def rectifications_report(
    request: HttpRequest, rectification_id: PathId, payload: RectificationReportIn
) -> Any:
    services.rectification_save(
        actor=request.user,
        rectification_id=rectification_id,
        report=payload.report,
        revision=payload.revision,
    )
    return _rectification_detail(request, rectification_id)


@router.post(
    "/rectifications/{rectification_id}/submit",
    response={200: RectificationDetailOut, **WRITE_ERRORS},
    summary="提交整改报告（牵头单位）",
)
def rectifications_submit(
    request: HttpRequest, rectification_id: PathId, payload: RectificationSubmitIn
) -> Any:
    services.rectification_submit(
        actor=request.user, rectification_id=rectification_id, note=payload.note
    )
    return _rectification_detail(request, rectification_id)


@router.post(
    "/rectifications/{rectification_id}/recheck",
    response={200: RectificationDetailOut, **WRITE_ERRORS},
    summary="复查整改（组织评价的主管部门；不合格时撤销资格或取消扶持资格）",
)
def rectifications_recheck(
    request: HttpRequest, rectification_id: PathId, payload: EvaluationRecheckIn
) -> Any:
    services.recheck(
        actor=request.user,
        rectification_id=rectification_id,
        passed=payload.passed,
        reason=payload.reason,
        basis=payload.basis,
    )
    return _rectification_detail(request, rectification_id)

"""扶持与奖补（M-50、M-51）：奖补计算、奖补申请、拨付台账与预算.

``POST /rewards/calculate`` is ``lianmeng rewards`` over HTTP: the same JSON in, the same JSON
out (every amount a JSON number with two places), public and rate-limited per client address
like ``POST /checks``; invalid input is answered 422 with one line naming the JSON path.

The other operations read through :mod:`lianmeng.rewards.selectors` (who sees what) and write
through :mod:`lianmeng.rewards.services` (which check who acts): the lead unit's applicants see
and file their alliances' claims, the department of a profile with reward rules sees every
submitted claim of its profile, its budgets and its ledger; departments below it read the claims
of their area; an expert sees the claims assigned to him. Whoever may not see a claim gets 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.roles import Role
from lianmeng.policy.cli_rewards import calculate_request
from lianmeng.policy.rewards import RewardInputError, dumps, loads
from lianmeng.rewards import selectors, services
from lianmeng.rewards.models import Award, Claim, ClaimReview, Payment

from .checks import PerAddressThrottle
from .schemas import MAX_OFFSET, READ_ERRORS, ErrorOut, Id, Pagination, PathId, StrictIn, Year

router = Router(tags=["扶持与奖补"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}
#: a figure in 万元: a JSON number or its text ("1200.50"), at most two places
MoneyIn = Decimal | str | None
#: an amount of the calculation: written as a JSON number with two places (``240.00``), as
#: ``lianmeng rewards`` prints it, never as text
Number = Annotated[Decimal, WithJsonSchema({"type": "number", "description": "万元，两位小数"})]


class RewardsThrottle(PerAddressThrottle):
    scope = "rewards"


REWARDS_RATE: str = getattr(
    settings, "LIANMENG_REWARDS_RATE", getattr(settings, "LIANMENG_CHECK_RATE", "60/m")
)
rewards_throttle = RewardsThrottle(REWARDS_RATE)

#: the request body of POST /rewards/calculate (REQUIREMENTS.md "Reward calculation")
CALCULATE_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["claims"],
                "additionalProperties": False,
                "properties": {
                    "profile": {"type": "string", "description": "政策配置编号，如 luoyang"},
                    "note": {"type": "string"},
                    "alliance": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "level": {"enum": ["national", "provincial", "municipal"]},
                            "approved_on": {"type": "string", "format": "date"},
                            "key_support": {"type": "boolean", "description": "纳入重点支持"},
                            "legal_entity_registered_on": {"type": "string", "format": "date"},
                            "support_revoked": {
                                "type": "boolean",
                                "description": "整改不合格、取消扶持资格或取消备案",
                            },
                        },
                    },
                    "claims": {
                        "type": "array",
                        "maxItems": 1000,
                        "items": {
                            "type": "object",
                            "required": ["id", "kind"],
                            "properties": {
                                "id": {"type": "string"},
                                "kind": {"type": "string"},
                                "date": {"type": "string", "format": "date"},
                                "level": {"enum": ["national", "provincial", "municipal"]},
                                "year": {"type": "integer"},
                                "project": {"type": "string"},
                                "platform": {"type": "string"},
                                "major_contribution": {"type": "boolean"},
                                "sales_revenue": {"type": "number"},
                                "investment": {"type": "number"},
                                "operating_funds": {"type": "number"},
                                "service_revenue": {"type": "number"},
                            },
                        },
                    },
                    "other_support": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["claim", "source"],
                            "properties": {
                                "claim": {"type": "string"},
                                "source": {"type": "string"},
                                "amount": {"type": "number"},
                            },
                        },
                    },
                },
            },
            "example": {
                "profile": "luoyang",
                "alliance": {"level": "municipal", "approved_on": "2018-12-01"},
                "claims": [
                    {
                        "id": "pc-1",
                        "kind": "platform_construction",
                        "platform": "轴承检测公共服务平台",
                        "date": "2019-09-30",
                        "investment": 1200,
                    }
                ],
            },
        }
    },
}


# -- schemas -------------------------------------------------------------------------------------


class RewardCitationOut(Schema):
    seed: str
    article: str
    text: str


class RewardAwardOut(Schema):
    id: str
    kind: str
    label: str
    item: str
    amount: Number = Field(description="万元，两位小数；评审确定金额的类别为上限")
    range: list[Number] | None = Field(description="[下限, 上限]（评审确定金额的类别）")
    citation: RewardCitationOut
    reason: str
    code: str = Field(
        description="fixed / computed / capped / review；为 0 时：revoked / lapsed / "
        "double_support / duplicate / condition / out_of_years / no_rule"
    )
    figures: dict[str, Number]
    rate_percent: int | None
    uncapped: Number | None
    cap: Number | None


class RewardCalculationOut(Schema):
    profile: str
    total: Number
    awards: list[RewardAwardOut]


class RewardClaimOut(Schema):
    id: int
    number: str = Field(description="申请编号")
    alliance: int
    alliance_name: str
    lead_unit: str
    profile: str
    region: str = Field(description="联盟所属区划代码")
    kind: str
    kind_label: str
    item: str = Field(description="奖补事项（同一事项只奖补一次）")
    status: str = Field(
        description="draft 草稿 / submitted 已提交 / returned 已退回补正 / reviewing 专家评审中 / "
        "staged 已拟定 / awarded 已决定给予 / refused 不予支持 / withdrawn 已撤回"
    )
    status_label: str
    on_behalf: bool = Field(description="主管部门代为申请")
    event_date: date
    level: str
    year: int | None
    project: str
    platform: str
    computed_amount: Decimal = Field(description="按政策测算的金额（万元；评审类为上限）")
    range_min: Decimal | None
    range_max: Decimal | None
    created_at: datetime
    submitted_at: datetime | None
    revision: int

    @staticmethod
    def resolve_alliance(obj: Claim) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Claim) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_lead_unit(obj: Claim) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_region(obj: Claim) -> str:
        return obj.region.code

    @staticmethod
    def resolve_kind_label(obj: Claim) -> str:
        return _kind_label(obj.profile, obj.kind)

    @staticmethod
    def resolve_status_label(obj: Claim) -> str:
        return str(Claim.Status(obj.status).label)


class RewardFileOut(Schema):
    id: int
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class RewardReviewOut(Schema):
    id: int
    expert: int
    expert_name: str
    score: Decimal | None
    suggested: Decimal | None
    comment: str
    submitted_at: datetime | None
    revision: int


class RewardInstalmentOut(Schema):
    id: int
    year: int
    amount: Decimal
    paid: Decimal


class RewardDecisionOut(Schema):
    amount: Decimal = Field(description="决定金额（万元；0 为不予支持）")
    reason: str
    fund: str
    batch: int
    batch_title: str
    published: bool
    decided_at: datetime
    instalments: list[RewardInstalmentOut]


class RewardClaimDetailOut(RewardClaimOut):
    relation: str = Field(
        description="调用者与申请的关系：department 主管部门 / area 下级部门 / expert 评审专家 / "
        "lead 牵头单位"
    )
    figures: dict[str, Decimal] = Field(description="申报数据（万元）")
    other_support: list[dict[str, Any]] = Field(description="已获其他政府支持")
    statement: str
    major_contribution: bool
    return_reason: str
    calculation: dict[str, Any] = Field(description="最近一次保存时的测算（与奖补计算的一项相同）")
    files: list[RewardFileOut]
    reviews: list[RewardReviewOut] = Field(
        description="专家评审（主管部门看全部；专家只看自己的；其他人为空）"
    )
    decision: RewardDecisionOut | None = Field(
        description="决定（主管部门看拟定中的；其他人在公布后）"
    )

    @staticmethod
    def resolve_files(obj: Claim) -> list[dict[str, Any]]:
        return obj.files_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_reviews(obj: Claim) -> list[dict[str, Any]]:
        return obj.reviews_out  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_other_support(obj: Claim) -> list[dict[str, Any]]:
        return list(obj.other_support or [])

    @staticmethod
    def resolve_calculation(obj: Claim) -> dict[str, Any]:
        return dict(obj.calculation or {})


class RewardClaimFilters(Schema):
    status: str | None = Field(None, max_length=12, description="状态")
    profile: str | None = Field(None, max_length=30, description="政策档案")
    kind: str | None = Field(None, max_length=30, description="奖补类别")
    alliance: Id | None = Field(None, description="联盟编号")
    year: Year | None = Field(None, description="年度")


class RewardOtherSupportIn(StrictIn):
    source: str = Field(max_length=120, description="其他政府支持的来源")
    amount: MoneyIn = Field(None, description="金额（万元）")


class RewardClaimIn(StrictIn):
    alliance: Id = Field(description="联盟编号（牵头单位的联盟；主管部门可代为申请）")
    kind: str = Field(max_length=30, description="奖补类别（见政策档案的 rewards.kinds）")
    event_date: date | None = Field(None, description="奖励事项日期；不填为联盟获批日期")
    level: str | None = Field(None, max_length=20, description="获批层级（新获批联盟奖励）")
    year: Year | None = Field(None, description="年度（按年奖补的类别）")
    project: str = Field("", max_length=200, description="项目名称")
    platform: str = Field("", max_length=200, description="平台名称")
    major_contribution: bool = Field(False, description="平台做出重大贡献")
    sales_revenue: MoneyIn = Field(None, description="独立法人机构年度销售收入（万元）")
    investment: MoneyIn = Field(None, description="实际建设投资 / 投入的专项经费（万元）")
    operating_funds: MoneyIn = Field(None, description="运营资金（万元）")
    service_revenue: MoneyIn = Field(None, description="服务收入（万元）")
    other_support: list[RewardOtherSupportIn] = Field(
        default_factory=list, max_length=20, description="同一事项已获得的其他政府支持"
    )
    statement: str = Field("", max_length=5000, description="申请说明")


class RewardRevisionIn(StrictIn):
    revision: int | None = Field(
        None, ge=1, le=2**31 - 1, description="读取时的 revision；已被他人修改时答 409"
    )


class RewardPaymentOut(Schema):
    id: int
    claim: int
    claim_number: str
    alliance: int
    alliance_name: str
    fund: str
    budget_year: int
    instalment_year: int
    paid_on: date
    voucher: str
    amount: Decimal
    note: str
    recorded_at: datetime

    @staticmethod
    def resolve_claim(obj: Payment) -> int:
        return obj.instalment.award.claim_id

    @staticmethod
    def resolve_claim_number(obj: Payment) -> str:
        return obj.instalment.award.claim.number

    @staticmethod
    def resolve_alliance(obj: Payment) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Payment) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_fund(obj: Payment) -> str:
        return obj.budget.fund

    @staticmethod
    def resolve_budget_year(obj: Payment) -> int:
        return obj.budget.year

    @staticmethod
    def resolve_instalment_year(obj: Payment) -> int:
        return obj.instalment.year


class RewardLedgerFilters(Schema):
    year: Year | None = Field(None, description="拨付年度（按拨付日期）")
    fund: str | None = Field(None, max_length=120, description="资金来源")
    alliance: Id | None = Field(None, description="联盟编号")


class RewardBudgetOut(Schema):
    id: int
    profile: str
    fund: str
    year: int
    amount: Decimal = Field(description="预算金额（万元）")
    committed: Decimal = Field(description="已安排（各年度拨付计划之和）")
    paid: Decimal = Field(description="已拨付（拨付记录之和）")
    available: Decimal = Field(description="尚可安排")
    unpaid: Decimal = Field(description="已安排未拨付")
    note: str
    revision: int


class RewardBudgetPageOut(Schema):
    items: list[RewardBudgetOut]
    count: int


class RewardBudgetFilters(Schema):
    year: Year | None = None
    profile: str | None = Field(None, max_length=30)
    limit: int = Field(20, ge=1, le=100, description="每页条数（1–100）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}）")


# -- helpers -------------------------------------------------------------------------------------


def _kind_label(profile_id: str, kind_id: str) -> str:
    config = selectors.config_of(profile_id)
    kind = config.kind(kind_id) if config else None
    return kind.label if kind else kind_id


def _claims_qs(viewer: Any) -> Any:
    return selectors.claims(viewer).select_related("alliance", "lead_unit", "region")


def _decision(claim: Claim, relation: str) -> dict[str, Any] | None:
    award = (
        Award.objects.filter(claim=claim)
        .select_related("batch")
        .prefetch_related("instalments")
        .first()
    )
    if award is None or (relation != selectors.DEPARTMENT and not award.published):
        return None
    return {
        "amount": award.amount,
        "reason": award.reason,
        "fund": award.fund,
        "batch": award.batch_id,
        "batch_title": award.batch.title,
        "published": award.published,
        "decided_at": award.decided_at,
        "instalments": [
            {"id": i.pk, "year": i.year, "amount": i.amount, "paid": i.paid}
            for i in award.instalments.all()
        ],
    }


def _reviews(claim: Claim, relation: str, viewer: Any) -> list[dict[str, Any]]:
    if relation == selectors.DEPARTMENT:
        rows = ClaimReview.objects.filter(claim=claim)
    elif relation == selectors.EXPERT:
        rows = ClaimReview.objects.filter(claim=claim, expert=viewer)
    else:
        return []
    return [
        {
            "id": r.pk,
            "expert": r.expert_id,
            "expert_name": r.expert.get_full_name() or r.expert.username,
            "score": r.score,
            "suggested": r.suggested,
            "comment": r.comment,
            "submitted_at": r.submitted_at,
            "revision": r.revision,
        }
        for r in rows.select_related("expert")
    ]


def _detail_out(request: HttpRequest, claim_id: int) -> Claim:
    """The claim with what :class:`RewardClaimDetailOut` reads of it for this caller."""
    claim, relation = selectors.claim_for(request.user, claim_id)
    claim.relation = relation  # type: ignore[attr-defined]
    claim.files_out = [  # type: ignore[attr-defined]
        {
            "id": f.pk,
            "title": f.title,
            "original_name": f.original_name,
            "content_type": f.content_type,
            "size": f.size,
            "sha256": f.sha256,
            "uploaded_at": f.uploaded_at,
        }
        for f in claim.files.all()
    ]
    claim.reviews_out = _reviews(claim, relation, request.user)  # type: ignore[attr-defined]
    claim.decision = _decision(claim, relation)  # type: ignore[attr-defined]
    return claim


# -- the calculation (public) --------------------------------------------------------------------


@router.post(
    "/rewards/calculate",
    auth=None,
    throttle=[rewards_throttle],
    response={200: RewardCalculationOut, 422: ErrorOut, 429: ErrorOut},
    summary="奖补计算（与 lianmeng rewards 相同）",
    openapi_extra={"requestBody": CALCULATE_REQUEST_BODY},
)
def rewards_calculate(
    request: HttpRequest,
    profile: str | None = Query(  # noqa: B008 — ninja's way to declare a query parameter
        None, max_length=30, description="政策配置编号；默认取请求体中的 profile"
    ),
) -> HttpResponse:
    """Each claim's amount, range, citation and reason, as ``lianmeng rewards`` prints them.

    Amounts are 万元, JSON numbers with two places; the upper bound where a review sets the
    amount (then ``range`` holds both bounds). Nothing is stored.
    """
    try:
        if not request.body:
            raise RewardInputError("$", "请求体为空，请提交 JSON 格式的奖补申请")
        try:
            text = request.body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RewardInputError("$", f"请求体不是 UTF-8 编码（第 {exc.start} 字节）") from None
        policy, result = calculate_request(loads(text), profile, profile_flag="query.profile")
    except RewardInputError as exc:
        raise ValidationFailed(" ".join(exc.line().split()), details={"path": exc.path}) from None
    return HttpResponse(
        dumps(result.to_dict(policy)), content_type="application/json; charset=utf-8"
    )


# -- claims --------------------------------------------------------------------------------------


@router.get(
    "/rewards/claims",
    response={200: list[RewardClaimOut], **READ_ERRORS},
    summary="奖补申请（牵头单位的；主管部门本档案的；下级部门辖区内的；专家受邀评审的）",
)
@paginate(Pagination)
def claims_list(request: HttpRequest, filters: Query[RewardClaimFilters]) -> Any:
    qs = _claims_qs(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.profile:
        qs = qs.filter(profile=filters.profile)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.alliance is not None:
        qs = qs.filter(alliance_id=filters.alliance)
    if filters.year is not None:
        qs = qs.filter(event_date__year=filters.year)
    return qs.order_by("-created_at", "-id")


@router.post(
    "/rewards/claims",
    response={201: RewardClaimDetailOut, **WRITE_ERRORS},
    summary="新建奖补申请草稿（牵头单位的申报人；主管部门可代为申请）",
)
def claims_create(request: HttpRequest, payload: RewardClaimIn) -> Status:
    user = request.user
    if not (user.has_role(Role.APPLICANT) or user.has_role(Role.COMPETENT)):  # type: ignore[union-attr]
        raise PermissionDenied(_("只有联盟牵头单位的申报人或主管部门可以申请奖补。"))
    # as the web form's choice of alliances: the lead unit's own, or the department's
    if not (
        selectors.lead_alliances(user).filter(pk=payload.alliance).exists()
        or selectors.department_alliances(user).filter(pk=payload.alliance).exists()
    ):
        raise ValidationFailed(
            _(
                "alliance: 不能为联盟 %(id)s 申请奖补：只能为本单位牵头的、政策有奖补规定的"
                "在运行联盟申请（主管部门可为本档案的联盟代为申请）。"
            )
            % {"id": payload.alliance},
            details={"path": "alliance"},
        )
    data = payload.dict(exclude={"alliance", "kind"})
    data["other_support"] = [dict(entry) for entry in data.get("other_support") or []]
    for name in ("event_date",):
        if data.get(name) is not None:
            data[name] = data[name].isoformat()
    claim = services.claim_create(
        actor=request.user, alliance_id=payload.alliance, kind=payload.kind, data=data
    )
    return Status(201, _detail_out(request, claim.pk))


@router.get(
    "/rewards/claims/{claim_id}",
    response={200: RewardClaimDetailOut, **READ_ERRORS},
    summary="奖补申请详情：申报数据、测算、证明材料、评审与决定",
)
def claims_get(request: HttpRequest, claim_id: PathId) -> Any:
    return _detail_out(request, claim_id)


@router.post(
    "/rewards/claims/{claim_id}/files",
    response={201: RewardClaimDetailOut, **WRITE_ERRORS},
    summary="为奖补申请上传证明材料（申请人；草稿或退回补正时）",
)
def claims_upload(
    request: HttpRequest,
    claim_id: PathId,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status:
    """Multipart: ``file`` (PDF, image or Office file, checked by content and size like the
    web form) and optionally its ``title`` (e.g. 2020 年度审计报告)."""
    services.claim_upload(actor=request.user, claim_id=claim_id, file=file, title=title)
    return Status(201, _detail_out(request, claim_id))


@router.post(
    "/rewards/claims/{claim_id}/submit",
    response={200: RewardClaimDetailOut, **WRITE_ERRORS},
    summary="提交奖补申请（申请人；须已上传证明材料，新获批联盟奖励除外）",
)
def claims_submit(request: HttpRequest, claim_id: PathId, payload: RewardRevisionIn) -> Any:
    services.claim_submit(actor=request.user, claim_id=claim_id, revision=payload.revision)
    return _detail_out(request, claim_id)


# -- the ledger and the budgets ------------------------------------------------------------------


@router.get(
    "/rewards/ledger",
    response={200: list[RewardPaymentOut], **READ_ERRORS},
    summary="拨付台账（主管部门本部门预算的；牵头单位自己联盟的）",
)
@paginate(Pagination)
def ledger_list(request: HttpRequest, filters: Query[RewardLedgerFilters]) -> Any:
    qs = selectors.ledger(request.user)
    if filters.year is not None:
        qs = qs.filter(paid_on__year=filters.year)
    if filters.fund:
        qs = qs.filter(budget__fund=filters.fund)
    if filters.alliance is not None:
        qs = qs.filter(alliance_id=filters.alliance)
    return qs.order_by("-paid_on", "-id")


@router.get(
    "/rewards/budgets",
    response={200: RewardBudgetPageOut, **READ_ERRORS},
    summary="预算执行：各资金来源各年度的预算、已安排、已拨付（主管部门）",
)
def budgets_list(request: HttpRequest, filters: Query[RewardBudgetFilters]) -> dict[str, Any]:
    qs: Any = selectors.budgets(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.profile:
        qs = qs.filter(profile=filters.profile)
    qs = qs.order_by("-year", "fund", "id")
    count = qs.count()
    uses = selectors.budget_uses(qs[filters.offset : filters.offset + filters.limit])
    return {
        "items": [
            {
                "id": use.budget.pk,
                "profile": use.budget.profile,
                "fund": use.budget.fund,
                "year": use.budget.year,
                "amount": use.budget.amount,
                "committed": use.committed,
                "paid": use.paid,
                "available": use.available,
                "unpaid": use.unpaid,
                "note": use.budget.note,
                "revision": use.budget.revision,
            }
            for use in uses
        ],
        "count": count,
    }

"""Key projects solicited through the alliances (seed 000 六(二)).

``GET /projects/solicitations`` answers each caller what he may see: the department its own
solicitations, a lead unit's applicant the open ones that address one of its alliances (with
those alliances). ``GET /projects/solicitations/{id}/proposals`` is the issuing department's
list (drafts excluded), with budget and mean score. ``POST /projects/proposals`` files a draft
for an alliance the caller's unit leads; ``POST /projects/proposals/{id}/submit`` submits it.
Reads go through :mod:`lianmeng.projects.selectors`, writes through
:mod:`lianmeng.projects.services` (which check who acts); whoever may not see a record gets 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from lianmeng.projects import selectors, services
from lianmeng.projects.models import ProjectProposal, Solicitation

from .schemas import READ_ERRORS, ErrorOut, Id, Pagination, PathId, StrictIn

router = Router(tags=["重大项目征集"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}
Money = Annotated[
    Decimal, WithJsonSchema({"type": "string", "description": "万元，两位小数（精确的十进制文本）"})
]
MoneyIn = Decimal | str | None


class SolicitationOut(Schema):
    id: int
    title: str
    year: int
    jurisdiction: str = Field(description="发布部门辖区代码")
    domains: list[str] = Field(description="征集领域（空：全部领域）")
    statuses: list[str] = Field(description="面向的联盟状态（空：筹建中和运行中）")
    opens_at: datetime
    closes_at: datetime
    max_per_alliance: int
    status: str
    guide: str
    alliances: list[int] = Field(
        default_factory=list, description="本次征集面向的、调用者牵头的联盟（牵头单位调用时）"
    )


class ProjectMemberIn(StrictIn):
    member: Id = Field(description="联盟工作台中现有成员的编号")
    task: str = Field("", max_length=500, description="承担任务")


class ProjectMemberOut(Schema):
    name: str
    uscc: str
    task: str


class ProjectProposalIn(StrictIn):
    solicitation: Id
    alliance: Id = Field(description="调用者单位牵头的联盟")
    title: str = Field(max_length=200)
    goals: str = Field("", max_length=10_000)
    summary: str = Field("", max_length=10_000)
    starts_on: date | None = None
    ends_on: date | None = None
    budget_total: MoneyIn = Field(None, description="总预算（万元）")
    funds_requested: MoneyIn = Field(None, description="申请财政资金（万元）")
    self_raised: MoneyIn = Field(
        None, description="自筹资金（万元）；与申请财政资金之和应等于总预算"
    )
    members: list[ProjectMemberIn] = Field(default_factory=list, max_length=200)


class ProjectRevisionIn(StrictIn):
    revision: int | None = Field(
        None, ge=1, le=2**31 - 1, description="读取时的 revision；已被他人修改时答 409"
    )


class ProjectProposalOut(Schema):
    id: int
    solicitation: int
    alliance: int
    alliance_name: str
    lead_unit: str
    domain: str
    title: str
    goals: str
    summary: str
    starts_on: date | None
    ends_on: date | None
    budget_total: Money
    funds_requested: Money
    self_raised: Money
    status: str
    submitted_at: datetime | None
    return_reason: str
    revision: int
    score_mean: Money | None = None
    score_count: int = 0
    members: list[ProjectMemberOut] = Field(default_factory=list)


class ProjectProposalFilters(Schema):
    status: ProjectProposal.Status | None = None
    domain: str | None = Field(None, max_length=20)


def _solicitation_out(row: Solicitation, alliances: list[int] | None = None) -> dict[str, Any]:
    return {
        "id": row.pk,
        "title": row.title,
        "year": row.year,
        "jurisdiction": row.jurisdiction.code,
        "domains": list(row.domains),
        "statuses": list(row.statuses),
        "opens_at": row.opens_at,
        "closes_at": row.closes_at,
        "max_per_alliance": row.max_per_alliance,
        "status": row.status,
        "guide": row.guide,
        "alliances": alliances or [],
    }


def _proposal_out(row: ProjectProposal, *, members: bool = False) -> dict[str, Any]:
    mean = getattr(row, "score_mean", None)
    return {
        "id": row.pk,
        "solicitation": row.solicitation_id,
        "alliance": row.alliance_id,
        "alliance_name": row.alliance.name,
        "lead_unit": row.lead_unit.name,
        "domain": row.domain,
        "title": row.title,
        "goals": row.goals,
        "summary": row.summary,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "budget_total": row.budget_total,
        "funds_requested": row.funds_requested,
        "self_raised": row.self_raised,
        "status": row.status,
        "submitted_at": row.submitted_at,
        "return_reason": row.return_reason,
        "revision": row.revision,
        "score_mean": Decimal(mean).quantize(Decimal("0.01")) if mean is not None else None,
        "score_count": getattr(row, "score_count", 0),
        "members": [{"name": m.name, "uscc": m.uscc, "task": m.task} for m in row.members.all()]
        if members
        else [],
    }


@router.get(
    "/projects/solicitations",
    response={200: list[SolicitationOut], **READ_ERRORS},
    summary="项目征集（主管部门本部门发布的；牵头单位面向其联盟的正在征集的）",
)
@paginate(Pagination)
def solicitations_list(request: HttpRequest) -> Any:
    user = request.user
    if selectors.is_department(user):
        qs = selectors.department_solicitations(user).select_related("jurisdiction")
        return [_solicitation_out(s) for s in qs.order_by("-created_at", "-id")[:1000]]
    return [
        _solicitation_out(o.solicitation, [a.pk for a in o.alliances])
        for o in selectors.open_for_lead(user)
    ]


@router.get(
    "/projects/solicitations/{solicitation_id}/proposals",
    response={200: list[ProjectProposalOut], **READ_ERRORS},
    summary="一次征集收到的项目申报书（发布征集的主管部门；不含草稿）",
)
@paginate(Pagination)
def solicitation_proposals(
    request: HttpRequest, solicitation_id: PathId, filters: Query[ProjectProposalFilters]
) -> Any:
    row = selectors.solicitation_for_department(request.user, solicitation_id)
    qs = selectors.department_proposals(row)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.domain:
        qs = qs.filter(domain=filters.domain)
    qs = selectors.with_scores(qs.select_related("alliance", "lead_unit")).order_by(
        "-submitted_at", "-id"
    )
    return [_proposal_out(p) for p in qs[:1000]]


@router.post(
    "/projects/proposals",
    response={201: ProjectProposalOut, **WRITE_ERRORS},
    summary="为联盟填报项目申报书草稿（联盟牵头单位的申报人；征集期间）",
)
def proposals_create(request: HttpRequest, payload: ProjectProposalIn) -> Status:
    data = payload.dict(exclude={"solicitation", "alliance", "members"})
    row = services.proposal_create(
        actor=request.user,
        solicitation_id=payload.solicitation,
        alliance_id=payload.alliance,
        data=data,
        members=[m.dict() for m in payload.members],
    )
    row = ProjectProposal.objects.select_related("alliance", "lead_unit").get(pk=row.pk)
    return Status(201, _proposal_out(row, members=True))


@router.post(
    "/projects/proposals/{proposal_id}/submit",
    response={200: ProjectProposalOut, **WRITE_ERRORS},
    summary="提交项目申报书（牵头单位的申报人；征集截止前）",
)
def proposals_submit(request: HttpRequest, proposal_id: PathId, payload: ProjectRevisionIn) -> Any:
    services.proposal_submit(actor=request.user, proposal_id=proposal_id, revision=payload.revision)
    row = ProjectProposal.objects.select_related("alliance", "lead_unit").get(pk=proposal_id)
    return _proposal_out(row, members=True)

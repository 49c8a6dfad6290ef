"""联盟名录（公开）与决定（主管部门暂存、统一发布）。"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.alliances import selectors, services
from lianmeng.alliances.models import Alliance, Decision
from lianmeng.alliances.plaque import plaque_pdf
from lianmeng.core.errors import NotFound, PermissionDenied
from lianmeng.core.site import absolute_url

from .auth import require_recent_session
from .schemas import MAX_YEAR, MIN_YEAR, READ_ERRORS, ErrorOut, Id, Pagination, PathId, StrictIn

router = Router(tags=["联盟名录与决定"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class AllianceOut(Schema):
    id: int
    name: str
    profile: str
    level: str = Field(description="national / provincial / municipal")
    domain: str
    focus_area: str
    industry: str
    product: str
    lead_unit: str
    member_count: int
    source: str = Field(description="system 本系统决定 / legacy 系统启用前的决定（历史名录导入）")
    reference: str = Field(description="决定文号")
    status: str = Field(
        description="building 筹建中 / recognised 已认定 / filed 已备案 / pilot 试点 …"
    )
    status_label: str
    category: int | None = Field(description="备案类别（保定：1、2、3）")
    decided_on: date
    construction_deadline: date | None = Field(description="筹建期限（河南：批准筹建后一年）")
    authority: str

    @staticmethod
    def resolve_lead_unit(obj: Alliance) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_status_label(obj: Alliance) -> str:
        return str(obj.get_status_display())


class DecisionOut(Schema):
    id: int
    proposal: int
    proposal_name: str
    profile: str
    kind: str = Field(description="approve_to_build / recognise / file / pilot / decline")
    kind_label: str
    transition: str
    reason: str
    basis: str = Field(description="依据（政策档案失效后作出的决定所依据的文件或指示）")
    category: int | None
    alliance_name: str
    status: str = Field(description="staged 待发布 / published 已发布")
    staged_at: datetime
    published_at: datetime | None
    alliance: int | None
    reference: str = Field(description="文号（发布后）")

    @staticmethod
    def resolve_proposal(obj: Decision) -> int:
        return obj.proposal_id

    @staticmethod
    def resolve_proposal_name(obj: Decision) -> str:
        return obj.proposal.name

    @staticmethod
    def resolve_kind_label(obj: Decision) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_alliance(obj: Decision) -> int | None:
        return obj.alliance_id


class PublicDecisionOut(Schema):
    kind: str
    kind_label: str
    category: int | None
    reason: str
    published_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: Decision) -> str:
        return str(obj.get_kind_display())


class AllianceDetailOut(AllianceOut):
    decisions: list[PublicDecisionOut]

    @staticmethod
    def resolve_decisions(obj: Alliance) -> Any:
        return selectors.alliance_decisions(obj)


class RegistryFilters(Schema):
    q: str | None = Field(None, description="联盟名称或牵头单位（包含）")
    level: str | None = None
    domain: str | None = None
    profile: str | None = None
    status: str | None = None
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="决定年度")


class StageIn(StrictIn):
    proposal: Id = Field(description="申报编号")
    kind: str = Field(examples=["approve_to_build", "recognise", "file", "pilot", "decline"])
    reason: str = ""
    category: int | None = Field(None, ge=1, le=9, description="保定备案类别 1、2、3")
    name: str | None = Field(None, description="联盟名称（洛阳统一命名；留空按规则生成）")
    basis: str = Field(
        "",
        max_length=2000,
        description="依据：政策档案已不在有效期内时必填，写明所依据的文件或指示（名称和文号）",
    )


class PublishIn(StrictIn):
    decisions: list[Id] = Field(min_length=1, max_length=1000)
    reference: str | None = Field(
        default=None,
        max_length=60,
        description="本批决定的文号，如“豫科〔2026〕12号”；不填则用本部门本年下一个未用的文号",
    )
    token: str | None = Field(
        default=None, max_length=40, description="客户端生成的一次性键：同一键重复提交只发布一次"
    )


def _decider(request: HttpRequest) -> None:
    if not request.user.has_perm("alliances.decide"):
        raise PermissionDenied(_("只有主管部门（或协调小组）可以作出决定。"))


# -- the public registry -----------------------------------------------------------------------


@router.get("/registry", auth=None, response={200: list[AllianceOut]}, summary="联盟名录")
@paginate(Pagination)
def registry_list(request: HttpRequest, filters: Query[RegistryFilters]) -> Any:
    return selectors.alliance_list(
        filters=selectors.RegistryFilters(
            q=(filters.q or "").strip(),
            level=filters.level or "",
            domain=filters.domain or "",
            profile=filters.profile or "",
            status=filters.status or "",
            year=filters.year,
        )
    )


@router.get(
    "/registry/{alliance_id}",
    auth=None,
    response={200: AllianceDetailOut, 404: ErrorOut},
    summary="联盟详情",
)
def registry_get(request: HttpRequest, alliance_id: PathId) -> Alliance:
    return selectors.alliance_get(pk=alliance_id)


@router.get(
    "/registry/{alliance_id}/plaque.pdf",
    response={200: None, **READ_ERRORS},
    summary="联盟标牌（PDF，牵头单位和主管部门）",
    openapi_extra={
        "responses": {200: {"description": "A4 横版标牌", "content": {"application/pdf": {}}}}
    },
)
def registry_plaque(request: HttpRequest, alliance_id: PathId) -> HttpResponse:
    alliance = selectors.alliance_get(pk=alliance_id)
    if alliance.status != Alliance.Status.RECOGNISED or not selectors.may_download_plaque(
        request.user, alliance
    ):
        raise NotFound(_("该联盟没有可下载的标牌，或您无权下载。"))
    url = absolute_url(reverse("alliances:registry_detail", args=[alliance.pk]))
    response = HttpResponse(plaque_pdf(alliance, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plaque-{alliance.pk}.pdf"'
    return response


# -- decisions ---------------------------------------------------------------------------------


@router.get("/decisions", response={200: list[DecisionOut], **READ_ERRORS}, summary="待发布的决定")
@paginate(Pagination)
def decisions_list(request: HttpRequest) -> Any:
    _decider(request)
    return selectors.staged_decisions(viewer=request.user)


@router.post("/decisions", response={201: DecisionOut, **WRITE_ERRORS}, summary="暂存决定")
def decisions_stage(request: HttpRequest, payload: StageIn) -> Status:
    _decider(request)
    decision = services.decision_stage(
        actor=request.user,
        proposal_id=payload.proposal,
        kind=payload.kind,
        reason=payload.reason,
        category=payload.category,
        name=payload.name,
        basis=payload.basis,
    )
    return Status(201, decision)


@router.post(
    "/decisions/publish",
    response={200: list[DecisionOut], **WRITE_ERRORS},
    summary="统一发布决定（全部成功或全部不发布）",
)
def decisions_publish(request: HttpRequest, payload: PublishIn) -> list[Decision]:
    """With the browser session, the password must have been confirmed within
    ``LIANMENG_REAUTH_MINUTES`` (403 otherwise), as on the web page."""
    _decider(request)
    require_recent_session(request)
    return services.decisions_publish(
        actor=request.user, ids=payload.decisions, reference=payload.reference, token=payload.token
    )

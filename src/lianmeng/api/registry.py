"""联盟名录（公开）与决定（主管部门暂存、统一发布）。"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.alliances import lifecycle, selectors, services
from lianmeng.alliances.models import Alliance, Decision
from lianmeng.alliances.plaque import plaque_pdf
from lianmeng.core import clock
from lianmeng.core.errors import NotFound, PermissionDenied
from lianmeng.core.selectors import viewer_scope
from lianmeng.core.site import absolute_url
from lianmeng.policy.citation import cite
from lianmeng.policy.loader import get_profile
from lianmeng.workflow.engine import next_steps
from lianmeng.workflow.models import StateChange
from lianmeng.workflow.routing import actor_office

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
    status_label: str = Field(description="状态名称（取自政策档案的联盟状态表）")
    status_since: datetime | None = Field(description="进入当前状态的时间")
    category: int | None = Field(description="备案类别（保定：1、2、3）")
    decided_on: date
    construction_deadline: date | None = Field(description="筹建期限（河南：批准筹建后一年）")
    authority: str
    ground_label: str | None = Field(
        None,
        description="已撤销（取消备案）的联盟：撤销的事由（保定第十三条的五种情形之一）；其他为 null",
    )
    end_reason: str | None = Field(
        None, description="已撤销或已解散的联盟：撤销理由或宣布解散时的解散原因；其他为 null"
    )
    support_eligible: bool = Field(
        description="享受扶持与奖励政策的资格（洛阳第九条：整改复查不合格的取消，为 false）"
    )
    support_lost_on: date | None = Field(description="取消扶持资格的日期；未取消为 null")
    support_lost_reason: str | None = Field(
        description="取消扶持资格的理由（含依据条款和复查意见）；未取消为 null"
    )
    kpi_warning_count: int | None = Field(
        description=(
            "绩效预警：最近一份已提交的年度报告中滞后于计划的指标数（0 为无预警）；"
            "只对已登录的部门人员给出，其他人为 null（逐个联盟的预警见 "
            "/alliances/{id}/kpi-warnings）"
        )
    )

    @staticmethod
    def resolve_kpi_warning_count(obj: Alliance, context: Any) -> int | None:
        request = (context or {}).get("request")
        user = getattr(request, "user", None)
        if user is None or viewer_scope(user) is None:
            return None
        return obj.kpi_warning_count

    @staticmethod
    def resolve_support_lost_reason(obj: Alliance) -> str | None:
        return obj.support_lost_reason or None

    @staticmethod
    def resolve_ground_label(obj: Alliance) -> str | None:
        label = getattr(obj, "end_ground_label", None)
        return _(label) if label else None

    @staticmethod
    def resolve_end_reason(obj: Alliance) -> str | None:
        return getattr(obj, "end_reason", None) or None

    @staticmethod
    def resolve_lead_unit(obj: Alliance) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_status_label(obj: Alliance) -> str:
        return _(lifecycle.state_label_of(obj, obj.status))

    @staticmethod
    def resolve_status_since(obj: Alliance) -> datetime | None:
        return getattr(obj, "state_since", None)

    @staticmethod
    def resolve_construction_deadline(obj: Alliance) -> date | None:
        due = getattr(obj, "construction_due_at", None)
        return due.astimezone(clock.BEIJING).date() if due else obj.construction_deadline


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
    kpi_warning: bool = Field(
        False, description="只列有绩效预警的联盟（kpi_warning_count > 0；仅对已登录的部门人员有效）"
    )


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
            # the early warning is the departments' to see (as on the registry page)
            kpi_warning=filters.kpi_warning and viewer_scope(request.user) is not None,
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


# -- the alliance's states (lianmeng.alliances.lifecycle) ------------------------------------


class AllianceChangeOut(Schema):
    id: int
    transition: str = Field(description="流转编号，如 apply_acceptance、dissolve；首条为决定或导入")
    label: str = Field(description="操作名称")
    kind: str
    from_state: str = Field(description="原状态（首条为空）")
    from_label: str
    to_state: str
    to_label: str
    actor: str | None = Field(None, description="办理人账号")
    office: str = Field(description="办理部门或单位")
    at: datetime
    reason: str = Field(description="意见或理由")
    data: dict[str, Any]

    @staticmethod
    def resolve_label(obj: StateChange) -> str:
        return _(obj.label) if obj.label else ""

    @staticmethod
    def resolve_actor(obj: StateChange) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None

    @staticmethod
    def resolve_office(obj: StateChange) -> str:
        return obj.actor_office

    @staticmethod
    def resolve_from_label(obj: StateChange) -> str:
        if not obj.from_state:
            return ""
        return _(lifecycle.state_label_of(obj.subject, obj.from_state))

    @staticmethod
    def resolve_to_label(obj: StateChange) -> str:
        return _(lifecycle.state_label_of(obj.subject, obj.to_state))


class AllianceGroundOut(Schema):
    id: str = Field(description="事由编号，作为 POST …/transitions/{name} 的 ground")
    label: str
    citation: str = Field(
        description="出处，如《保定市推进产业创新战略联盟建设实施办法》第十三条（二）"
    )


class AllianceTransitionOut(Schema):
    name: str = Field(description="流转编号，用于 POST …/transitions/{name}")
    label: str
    kind: str
    to_state: str
    to_label: str
    reason_required: bool
    reason_label: str
    grounds: list[AllianceGroundOut] = Field(
        description="须选择其一的事由（保定取消备案：第十三条的五种情形）；为空则无须选择"
    )


class AllianceStepOut(Schema):
    name: str
    label: str
    office: str = Field(description="办理部门或单位")


class AllianceTransitionsOut(Schema):
    state: str
    state_label: str
    office: str = Field(description="调用者以哪个部门或单位的名义办理")
    allowed: list[AllianceTransitionOut]
    next_steps: list[AllianceStepOut] = Field(description="当前状态下的下一步及办理部门（任何人）")


def _grounds_text() -> str:
    """The grounds of every profile's alliance transitions, for the OpenAPI description."""
    from lianmeng.policy.loader import load_profiles

    parts = []
    for profile in load_profiles().values():
        table = profile.alliance_lifecycle
        for step in table.transitions if table is not None else []:
            if step.grounds:
                choices = "；".join(f"{g.id}（{g.label}）" for g in step.grounds)
                parts.append(f"{profile.name.value} {step.id}（{step.label}）：{choices}")
    return "。".join(parts)


class AllianceTransitionIn(StrictIn):
    reason: str = Field("", max_length=2000, description="理由，如解散原因、撤销理由")
    ground: str | None = Field(
        None,
        max_length=40,
        description=(
            "事由编号：流转列有事由时必填（见 GET …/transitions 的 grounds），否则 422。"
            + _grounds_text()
        ),
        examples=["not_acting"],
    )
    data: dict[str, Any] = Field(
        default_factory=dict, description="附加数据（也可在此给出 ground；basis：依据）"
    )


class AllianceStateOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    last_change: AllianceChangeOut | None


@router.get(
    "/registry/{alliance_id}/history",
    auth=None,
    response={200: list[AllianceChangeOut], 404: ErrorOut, 422: ErrorOut},
    summary="联盟的状态记录（谁、何时、做了什么、为什么）",
)
def registry_history(request: HttpRequest, alliance_id: PathId) -> Any:
    alliance = selectors.alliance_get(pk=alliance_id)
    return list(selectors.alliance_history(alliance))


@router.get(
    "/registry/{alliance_id}/transitions",
    response={200: AllianceTransitionsOut, **READ_ERRORS},
    summary="联盟当前可办理的操作（如宣布解散）",
)
def registry_transitions(request: HttpRequest, alliance_id: PathId) -> dict[str, Any]:
    alliance = selectors.alliance_get(pk=alliance_id)
    return {
        "state": alliance.status,
        "state_label": _(lifecycle.state_label_of(alliance, alliance.status)),
        "office": actor_office(request.user),
        "allowed": [
            {
                "name": t.id,
                "label": _(t.label),
                "kind": t.kind,
                "to_state": t.to,
                "to_label": _(lifecycle.state_label_of(alliance, t.to)),
                "reason_required": t.reason_required,
                "reason_label": _(t.reason_label),
                "grounds": [
                    {
                        "id": g.id,
                        "label": _(g.label),
                        "citation": cite(g.citation, get_profile(alliance.profile).documents),
                    }
                    for g in t.grounds
                ],
            }
            for t in lifecycle.allowed_transitions(actor=request.user, alliance=alliance)
        ],
        "next_steps": [
            {"name": s.transition.id, "label": _(s.transition.label), "office": s.office.name}
            for s in next_steps(alliance)
        ],
    }


@router.post(
    "/registry/{alliance_id}/transitions/{name}",
    response={200: AllianceStateOut, **WRITE_ERRORS},
    summary="办理联盟的状态变更（宣布解散、申请验收、撤销……）",
)
def registry_transition(
    request: HttpRequest, alliance_id: PathId, name: str, payload: AllianceTransitionIn
) -> dict[str, Any]:
    """Fire transition ``name`` of the alliance's table. The 验收 conclusion is refused
    (409, with the page to use): the acceptance review gives it. A transition with grounds
    (保定 取消备案) needs ``ground`` (422 without, naming the grounds); the revocation's notice
    is then at ``GET …/revocation-notice.pdf``."""
    data = dict(payload.data)
    if payload.ground:
        data["ground"] = payload.ground
    alliance = lifecycle.alliance_transition(
        actor=request.user,
        pk=alliance_id,
        transition=name,
        reason=payload.reason,
        data=data,
    )
    last = StateChange.objects.of(alliance).select_related("actor").order_by("-at", "-id").first()
    return {
        "id": alliance.pk,
        "name": alliance.name,
        "status": alliance.status,
        "status_label": _(lifecycle.state_label_of(alliance, alliance.status)),
        "last_change": last,
    }


@router.get(
    "/registry/{alliance_id}/revocation-notice.pdf",
    response={200: None, **READ_ERRORS},
    summary="取消备案（撤销）通知（PDF，牵头单位和主管部门）",
    openapi_extra={
        "responses": {
            200: {"description": "A4 通知，带核验码和二维码", "content": {"application/pdf": {}}}
        }
    },
)
def registry_revocation_notice(request: HttpRequest, alliance_id: PathId) -> HttpResponse:
    from lianmeng.alliances import revocation

    notice = revocation.notice_get(viewer=request.user, alliance_id=alliance_id)
    response = HttpResponse(revocation.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="revocation-{alliance_id}.pdf"'
    return response

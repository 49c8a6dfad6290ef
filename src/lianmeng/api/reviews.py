"""推荐、受理与办理记录（M-20, M-21, M-23）: the lifecycle engine over HTTP.

Every read starts from the proposal selectors (a proposal outside the caller's area is "not
found", 404); every act goes through ``lianmeng.proposals.lifecycle.proposal_transition``, the
same function the web pages call, so the checks and the refusals are the same.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core import clock
from lianmeng.core.errors import PermissionDenied
from lianmeng.proposals.lifecycle import (
    allowed_transitions,
    next_steps,
    proposal_reopen,
    proposal_transition,
)
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_get
from lianmeng.reviews import exports, notifications, selectors
from lianmeng.reviews.models import Notification
from lianmeng.reviews.services import paper_copies_record
from lianmeng.workflow.guards import GuardContext, run_guards
from lianmeng.workflow.models import StateChange
from lianmeng.workflow.routing import actor_office, profile_of, state_label

from .schemas import (
    MAX_YEAR,
    MIN_YEAR,
    READ_ERRORS,
    ApiDateTime,
    ErrorOut,
    Pagination,
    PathId,
    PathYear,
    StrictIn,
)

router = Router(tags=["推荐与受理"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


# --- schemas ----------------------------------------------------------------------------------


class StateChangeOut(Schema):
    id: int
    transition: str = Field(description="流转编号，如 recommend_county")
    label: str = Field(description="操作名称")
    kind: str = Field(description="submit / recommend / return / accept / refuse / …")
    from_state: str
    from_label: str
    to_state: str
    to_label: str
    actor: str | None = Field(None, description="办理人账号")
    office: str = Field(description="办理部门")
    at: datetime
    reason: str = Field(description="意见或理由")
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: StateChange) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None

    @staticmethod
    def resolve_office(obj: StateChange) -> str:
        return obj.actor_office

    @staticmethod
    def resolve_from_label(obj: StateChange) -> str:
        return state_label(obj.subject.profile, obj.from_state)

    @staticmethod
    def resolve_to_label(obj: StateChange) -> str:
        return state_label(obj.subject.profile, obj.to_state)


class TransitionOut(Schema):
    name: str = Field(description="流转编号，用于 POST …/transitions/{name}")
    label: str
    kind: str
    to_state: str
    to_label: str
    reason_required: bool
    reason_label: str
    bulk: bool
    guards: list[str] = Field(description="须满足的条件（守卫）")
    blocked_by: list[str] = Field(description="当前尚未满足的条件说明；为空表示可以办理")


class NextStepOut(Schema):
    name: str
    label: str
    office: str = Field(description="办理部门")


class TransitionsOut(Schema):
    state: str
    state_label: str
    office: str = Field(description="调用者以哪个部门的名义办理")
    allowed: list[TransitionOut]
    next_steps: list[NextStepOut] = Field(description="当前状态下的下一步及办理部门（任何人）")


class TransitionIn(StrictIn):
    reason: str = Field("", max_length=2000, description="意见、退回原因或理由")
    data: dict[str, Any] = Field(
        default_factory=dict,
        description='附加数据，如保定备案类别 {"category": 2}；政策档案已不在有效期内时须写明'
        '依据 {"basis": "所依据的文件或指示的名称和文号"}',
    )


class ProposalStateOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    last_change: StateChangeOut | None


class InboxItemOut(Schema):
    id: int
    profile: str
    call_year: int | None
    name: str
    status: str
    status_label: str
    lead_unit: str
    region: str
    region_name: str
    zone: str | None
    member_count: int
    last_change_at: datetime | None
    last_change_label: str | None
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj: Proposal) -> str:
        return state_label(obj.profile, obj.status)

    @staticmethod
    def resolve_lead_unit(obj: Proposal) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_region(obj: Proposal) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Proposal) -> str:
        return obj.region.name

    @staticmethod
    def resolve_zone(obj: Proposal) -> str | None:
        return obj.zone.code if obj.zone_id else None


class InboxFilters(Schema):
    box: str = Field(
        "todo", pattern="^(todo|done|all)$", description="todo 待办理 / done 已办理 / all"
    )
    status: str | None = Field(None, max_length=20)
    profile: str | None = Field(None, max_length=30)
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    q: str | None = Field(None, max_length=100)


class PaperIn(StrictIn):
    copies: int = Field(ge=1, le=20, description="份数")
    received_at: ApiDateTime = Field(description="接收时间（无时区时按北京时间）")
    received_by: str = Field(min_length=1, max_length=60, description="接收人")
    reason: str = Field("", max_length=500, description="非报送时间接收的原因")


class PaperOut(Schema):
    id: int
    copies: int
    received_at: datetime
    received_by: str
    outside_hours_reason: str


class NotificationOut(Schema):
    id: int
    event: str
    subject: str
    body: str
    proposal: int | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_proposal(obj: Notification) -> int | None:
        return obj.proposal_id


# --- history and transitions ------------------------------------------------------------------


def _visible(request: HttpRequest, proposal_id: PathId) -> Proposal:
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    return proposal_get(viewer=request.user, pk=proposal_id)


@router.get(
    "/proposals/{proposal_id}/history",
    response={200: list[StateChangeOut], **READ_ERRORS},
    summary="办理记录（谁、何时、做了什么、为什么）",
)
def proposal_history(request: HttpRequest, proposal_id: PathId) -> QuerySet[StateChange]:
    proposal = _visible(request, proposal_id)
    return selectors.state_history(proposal=proposal)


def _transition_out(request: HttpRequest, proposal: Proposal, transition: Any) -> dict[str, Any]:
    profile = profile_of(proposal)
    blocked = run_guards(
        GuardContext(
            subject=proposal,
            transition=transition,
            actor=request.user,
            at=clock.now(),
            profile=profile,
            data={},
        )
    )
    return {
        "name": transition.id,
        "label": transition.label,
        "kind": transition.kind,
        "to_state": transition.to,
        "to_label": state_label(proposal.profile, transition.to),
        "reason_required": transition.reason_required,
        "reason_label": transition.reason_label,
        "bulk": transition.bulk,
        "guards": list(transition.guards),
        "blocked_by": blocked,
    }


@router.get(
    "/proposals/{proposal_id}/transitions",
    response={200: TransitionsOut, **READ_ERRORS},
    summary="当前可办理的操作",
)
def proposal_transitions(request: HttpRequest, proposal_id: PathId) -> dict[str, Any]:
    proposal = _visible(request, proposal_id)
    return {
        "state": proposal.status,
        "state_label": state_label(proposal.profile, proposal.status),
        "office": actor_office(request.user),
        "allowed": [
            _transition_out(request, proposal, t)
            for t in allowed_transitions(actor=request.user, proposal=proposal)
        ],
        "next_steps": [
            {"name": s.transition.id, "label": s.transition.label, "office": s.office.name}
            for s in next_steps(proposal)
        ],
    }


@router.post(
    "/proposals/{proposal_id}/transitions/{name}",
    response={200: ProposalStateOut, **WRITE_ERRORS},
    summary="办理（推荐、退回、受理、不予受理……）",
)
def proposal_transition_fire(
    request: HttpRequest, proposal_id: PathId, name: str, payload: TransitionIn
) -> dict[str, Any]:
    """Fire transition ``name`` of the proposal's profile table. Refused (409) with the list
    of what the caller can do now when the current state does not allow it."""
    _require(request, "reviews.review_proposals", _("只有推荐部门、主管部门和协调小组可以办理。"))
    proposal = proposal_transition(
        actor=request.user,
        pk=proposal_id,
        transition=name,
        reason=payload.reason,
        data=payload.data,
    )
    last = StateChange.objects.of(proposal).select_related("actor").order_by("-at", "-id").first()
    return {
        "id": proposal.pk,
        "name": proposal.name,
        "status": proposal.status,
        "status_label": state_label(proposal.profile, proposal.status),
        "last_change": last,
    }


class ReopenIn(StrictIn):
    reason: str = Field("", max_length=2000, description="说明（选填），如“误点退回”")


@router.post(
    "/proposals/{proposal_id}/reopen",
    response={200: ProposalStateOut, **WRITE_ERRORS},
    summary="撤销退回（申报单位尚未修改时，由作出退回的部门撤销）",
)
def proposal_reopen_fire(request: HttpRequest, proposal_id: PathId, payload: ReopenIn) -> Any:
    """Undo the proposal's last return, made by the caller's department by mistake, while the
    lead unit has changed nothing (409 otherwise, with the reason; 403 for another office)."""
    _require(request, "reviews.review_proposals", _("只有推荐部门、主管部门和协调小组可以办理。"))
    proposal = proposal_reopen(actor=request.user, pk=proposal_id, reason=payload.reason)
    last = StateChange.objects.of(proposal).select_related("actor").order_by("-at", "-id").first()
    return {
        "id": proposal.pk,
        "name": proposal.name,
        "status": proposal.status,
        "status_label": state_label(proposal.profile, proposal.status),
        "last_change": last,
    }


@router.post(
    "/proposals/{proposal_id}/paper-copies",
    response={201: PaperOut, **WRITE_ERRORS},
    summary="登记纸质材料接收",
)
def proposal_paper_copies(request: HttpRequest, proposal_id: PathId, payload: PaperIn) -> Any:
    _require(request, "reviews.accept_proposals", _("只有主管部门可以登记纸质材料。"))
    receipt = paper_copies_record(
        actor=request.user,
        pk=proposal_id,
        copies=payload.copies,
        received_at=payload.received_at,
        received_by=payload.received_by,
        reason=payload.reason,
    )
    return Status(201, receipt)


# --- inbox and the 推荐表 -----------------------------------------------------------------------


@router.get(
    "/reviews/inbox",
    response={200: list[InboxItemOut], **READ_ERRORS},
    summary="待办理（推荐、受理）的申报",
)
@paginate(Pagination)
def reviews_inbox(request: HttpRequest, filters: Query[InboxFilters]) -> QuerySet[Proposal]:
    _require(request, "reviews.review_proposals", _("只有推荐部门、主管部门和协调小组可以查看。"))
    return selectors.review_inbox(
        viewer=request.user,
        box=filters.box,
        status=filters.status,
        profile=filters.profile,
        year=filters.year,
        search=filters.q,
    )


def _heading(request: HttpRequest, year: int) -> tuple[Any, list[Any]]:
    from lianmeng.policy.loader import load_profiles

    _require(request, "reviews.recommendation_tables", _("只有推荐部门可以生成推荐表。"))
    rows = selectors.recommendation_rows(viewer=request.user, year=year)
    changes = selectors.recommended_by(viewer=request.user, year=year)
    profile = load_profiles().get(changes[0].subject.profile) if changes else None
    heading = exports.table_heading(
        profile_name=profile.name.value if profile else "",
        year=year,
        department=actor_office(request.user),
    )
    return heading, rows


@router.get(
    "/recommendations/{year}.xlsx",
    response={200: bytes, **READ_ERRORS},
    summary="推荐表（XLSX）",
    openapi_extra={
        "responses": {
            200: {
                "description": "推荐表",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def recommendations_xlsx(request: HttpRequest, year: PathYear) -> HttpResponse:
    heading, rows = _heading(request, year)
    response = HttpResponse(
        exports.recommendation_table_xlsx(heading, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="recommendations-{year}.xlsx"'
    return response


@router.get(
    "/recommendations/{year}.pdf",
    response={200: bytes, **READ_ERRORS},
    summary="推荐表（PDF，盖章用）",
    openapi_extra={
        "responses": {200: {"description": "推荐表", "content": {"application/pdf": {}}}}
    },
)
def recommendations_pdf(request: HttpRequest, year: PathYear) -> HttpResponse:
    heading, rows = _heading(request, year)
    response = HttpResponse(
        exports.recommendation_table_pdf(heading, rows, printed_at=clock.now()),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="recommendations-{year}.pdf"'
    return response


# --- notifications ----------------------------------------------------------------------------


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **READ_ERRORS},
    summary="我的消息",
)
@paginate(Pagination)
def notifications_list(request: HttpRequest) -> QuerySet[Notification]:
    return notifications.notification_list(viewer=request.user)


@router.post(
    "/notifications/{notification_id}/read",
    response={204: None, **READ_ERRORS},
    summary="标为已读",
)
def notifications_read(request: HttpRequest, notification_id: PathId) -> Status:
    notifications.notification_mark_read(actor=request.user, pk=notification_id)
    return Status(204, None)

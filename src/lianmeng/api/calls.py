"""申报通知（M-10）：公开的通知列表与详情；主管部门创建、发布；申报单位在线申报。

Reading published calls is public. Creating and publishing need a competent department's
account whose jurisdiction contains the issuing one; opening a draft (``POST
/calls/{id}/proposals``) needs an applicant's account and is refused outside the window.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.calls.models import Call
from lianmeng.calls.selectors import call_get_public, call_list_public
from lianmeng.calls.services import call_create, call_publish
from lianmeng.calls.terms import material_titles
from lianmeng.core.clock import as_beijing
from lianmeng.core.errors import PermissionDenied
from lianmeng.proposals.selectors import proposal_get
from lianmeng.proposals.services import proposal_apply

from .schemas import (
    AUTH_ERRORS,
    READ_ERRORS,
    DateOrMoment,
    ErrorOut,
    Pagination,
    PathId,
    ProposalDetailOut,
    StrictIn,
)

router = Router(tags=["申报通知"])


class PaperDayIn(StrictIn):
    date: date
    hours: list[tuple[str, str]] = Field(default_factory=list, examples=[[["08:00", "12:00"]]])


class ContactIn(StrictIn):
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(min_length=1, max_length=40)
    office: str = Field("", max_length=100)


class CallIn(StrictIn):
    profile: str = Field(max_length=30, examples=["henan"])
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    document_number: str = Field("", max_length=60)
    scope: str = ""
    focus_areas: list[str] = Field(default_factory=list)
    online_opens: DateOrMoment = Field(
        description="日期（当日 0 时开始）或日期时间；无时区按北京时间"
    )
    online_closes: DateOrMoment = Field(
        description="日期（当日 23:59:59.999999 北京时间截止）或日期时间；无时区按北京时间"
    )
    paper_days: list[PaperDayIn] = Field(default_factory=list)
    paper_place: str = Field("", max_length=200)
    contacts: list[ContactIn] = Field(default_factory=list)
    required_materials: list[str] = Field(default_factory=list, examples=[["proposal_form"]])
    paper_copies: int = Field(2, ge=0, le=20)
    jurisdiction: str | None = Field(
        None, pattern=r"^[0-9A-Z]{6}$", description="发布部门辖区代码；默认为本账号的辖区"
    )


class CallMaterialOut(Schema):
    kind: str
    title: str


class CallOut(Schema):
    id: int
    profile: str
    year: int
    title: str
    document_number: str
    jurisdiction: str = Field(description="发布部门辖区代码")
    jurisdiction_name: str
    status: str
    scope: str
    focus_areas: list[str]
    online_opens_at: datetime = Field(description="网上填报开始（含）")
    online_closes_at: datetime = Field(description="网上填报截止（含），北京时间")
    paper_days: list[dict[str, Any]]
    paper_place: str
    contacts: list[dict[str, Any]]
    required_materials: list[CallMaterialOut]
    paper_copies: int
    published_at: datetime | None

    @staticmethod
    def resolve_online_opens_at(obj: Call) -> datetime:
        return as_beijing(obj.online_opens_at)

    @staticmethod
    def resolve_online_closes_at(obj: Call) -> datetime:
        return as_beijing(obj.online_closes_at)

    @staticmethod
    def resolve_jurisdiction(obj: Call) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_jurisdiction_name(obj: Call) -> str:
        return obj.jurisdiction.name

    @staticmethod
    def resolve_required_materials(obj: Call) -> list[dict[str, str]]:
        return [{"kind": k, "title": t} for k, t in material_titles(obj).items()]


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


@router.get("/calls", auth=None, response={200: list[CallOut]}, summary="已发布的申报通知")
@paginate(Pagination)
def calls_list(request: HttpRequest) -> QuerySet[Call]:
    """Published calls, open and past, the latest first (public)."""
    return call_list_public()


@router.get(
    "/calls/{call_id}", auth=None, response={200: CallOut, 404: ErrorOut}, summary="申报通知详情"
)
def calls_get(request: HttpRequest, call_id: PathId) -> Call:
    return call_get_public(pk=call_id)


@router.post(
    "/calls", response={201: CallOut, **READ_ERRORS}, summary="创建申报通知（主管部门，未发布）"
)
def calls_create(request: HttpRequest, payload: CallIn) -> Status:
    _require(request, "calls.manage_calls", _("只有主管部门的账号可以发布和管理申报通知。"))
    data = payload.model_dump()
    data["paper_days"] = [
        {"date": d["date"], "hours": [list(h) for h in d["hours"]]} for d in data["paper_days"]
    ]
    call = call_create(actor=request.user, **data)
    return Status(201, call)


@router.post(
    "/calls/{call_id}/publish",
    response={200: CallOut, **READ_ERRORS},
    summary="发布申报通知（主管部门）",
)
def calls_publish(request: HttpRequest, call_id: PathId) -> Call:
    _require(request, "calls.manage_calls", _("只有主管部门的账号可以发布和管理申报通知。"))
    return call_publish(actor=request.user, pk=call_id)


@router.post(
    "/calls/{call_id}/proposals",
    response={201: ProposalDetailOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="在线申报：为该通知创建申报草稿（申报单位）",
)
def calls_apply(request: HttpRequest, call_id: PathId) -> Status:
    """Refused (403) outside the call's online window, judged in Beijing time to the second."""
    _require(request, "proposals.edit_drafts", _("只有申报单位（牵头单位）的账号可以在线申报。"))
    proposal = proposal_apply(actor=request.user, call_pk=call_id)
    return Status(201, proposal_get(viewer=request.user, pk=proposal.pk))

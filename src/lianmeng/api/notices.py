"""公告与公示（M-62）：各级主管部门发布的公告、公示期与异议.

``GET /notices`` and ``GET /notices/{id}`` are public (published announcements only, as on
/notices/). ``GET /notices/{id}/objections`` is for the department staff of the issuing
jurisdiction. Filing an objection is web-only: the form on the announcement's page carries a
captcha and is rate limited per client address, so it has no API operation.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lianmeng.core.clock import as_beijing
from lianmeng.core.errors import NotFound
from lianmeng.notices import selectors
from lianmeng.notices.models import Announcement, Objection

from .schemas import READ_ERRORS, ErrorOut, Id, Pagination, PathId, Year

router = Router(tags=["公告与公示"])


class NoticeFilters(Schema):
    kind: str | None = Field(
        None, max_length=12, description="类别：call、decision、evaluation、other"
    )
    area: Id | None = Field(None, description="发布辖区编号")
    year: Year | None = Field(None, description="发布年份")
    running: bool = Field(False, description="只列公示中的")


class NoticeFileOut(Schema):
    id: int
    title: str
    name: str
    size: int
    url: str


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    jurisdiction: str
    jurisdiction_name: str
    department: str
    status: str
    published_at: datetime | None
    notice_starts_on: date | None
    notice_ends_on: date | None
    notice_state: str = Field(description="公示状态：none、upcoming、running、ended")
    effective_at: datetime | None
    url: str

    @staticmethod
    def resolve_kind_label(obj: Announcement) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_jurisdiction(obj: Announcement) -> str:
        return obj.jurisdiction.code

    @staticmethod
    def resolve_jurisdiction_name(obj: Announcement) -> str:
        return obj.jurisdiction.name

    @staticmethod
    def resolve_published_at(obj: Announcement) -> datetime | None:
        return as_beijing(obj.published_at) if obj.published_at else None

    @staticmethod
    def resolve_effective_at(obj: Announcement) -> datetime | None:
        return as_beijing(obj.effective_at) if obj.effective_at else None

    @staticmethod
    def resolve_notice_state(obj: Announcement) -> str:
        return selectors.notice_state(obj)

    @staticmethod
    def resolve_url(obj: Announcement) -> str:
        return reverse("notices:detail", args=[obj.pk])


class NoticeDetailOut(NoticeOut):
    body: str
    withdraw_reason: str
    files: list[NoticeFileOut]

    @staticmethod
    def resolve_files(obj: Announcement) -> list[dict[str, Any]]:
        return [
            {
                "id": f.pk,
                "title": f.title,
                "name": f.original_name,
                "size": f.size,
                "url": reverse("notices:file", args=[f.pk]),
            }
            for f in obj.files.all()
        ]


class ObjectionOut(Schema):
    id: int
    reference: str
    name: str
    contact: str
    text: str
    filed_at: datetime
    status: str
    response: str
    handled_at: datetime | None

    @staticmethod
    def resolve_filed_at(obj: Objection) -> datetime:
        return as_beijing(obj.filed_at)

    @staticmethod
    def resolve_handled_at(obj: Objection) -> datetime | None:
        return as_beijing(obj.handled_at) if obj.handled_at else None


class ObjectionFilters(Schema):
    status: str | None = Field(None, max_length=10, description="open、upheld、dismissed")


@router.get(
    "/notices",
    auth=None,
    response={200: list[NoticeOut], 422: ErrorOut},
    summary="已发布的公告（公开），可按类别、辖区、年份和“公示中”筛选",
)
@paginate(Pagination)
def notices_list(request: HttpRequest, filters: Query[NoticeFilters]) -> Any:
    return selectors.public_list(
        kind=filters.kind or "",
        area=filters.area,
        year=filters.year,
        running=filters.running,
    )


@router.get(
    "/notices/{notice_id}",
    auth=None,
    response={200: NoticeDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="公告详情（公开）：正文、附件与公示期",
    description="提出异议只能在网页上办理（公告页面的异议表单有验证码，并按来源地址限制频率），"
    "本接口不受理异议。",
)
def notices_get(request: HttpRequest, notice_id: PathId) -> Any:
    row = selectors.public_get(notice_id)
    if row.status != Announcement.Status.PUBLISHED:
        raise NotFound(str(selectors.NOT_FOUND))
    return row


@router.get(
    "/notices/{notice_id}/objections",
    response={200: list[ObjectionOut], **READ_ERRORS},
    summary="公告收到的异议（发布辖区的主管部门、推荐部门）",
    description="异议只能在网页上提出（验证码、频率限制）；此处供发布部门查看与核对。",
)
@paginate(Pagination)
def notices_objections(
    request: HttpRequest, notice_id: PathId, filters: Query[ObjectionFilters]
) -> Any:
    row = selectors.staff_get(request.user, notice_id)
    return selectors.objections(request.user, row, status=filters.status or "")

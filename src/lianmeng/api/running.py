"""联盟工作台：成员、组织机构、主要负责人、办公地址、协议、文件与会议记录（issue 13, M-34）.

Read by the lead unit, member units (phones and e-mails masked) and the departments whose area
covers the alliance; the lead unit's staff write. Others get 404. ``PUT`` of a meeting takes the
``revision`` it was read at and answers 409 (with the current revision) when it is stale.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.running import selectors, services
from lianmeng.running.models import Document, Meeting, Member

from .schemas import READ_ERRORS, ErrorOut, Pagination, PathId, StrictIn

router = Router(tags=["联盟工作台"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}
MeetingKind = Literal[
    "assembly", "council", "supervisory", "expert_committee", "annual", "work", "exchange"
]


class AllianceMemberOut(Schema):
    name: str
    uscc: str
    kind: str
    role: str = Field(description="lead 牵头单位 / member 成员单位")
    joined_on: date | None
    left_on: date | None


class BodyOut(Schema):
    key: str = Field(description="decision 决策机构 / advisory 咨询机构 / executive 执行机构")
    label: str
    set_up: bool = False
    name: str = ""
    note: str = ""


class PersonOut(Schema):
    key: str = Field(description="chairman 理事长 / secretary_general 秘书长 / liaison 联络员")
    label: str
    name: str = ""
    phone: str = Field("", description="成员单位看到的是部分隐藏的号码")
    email: str = Field("", description="成员单位看到的是部分隐藏的地址")


class AgreementOut(Schema):
    signed_on: date | None
    term_years: int | None
    ends_on: date | None
    renewal_due: bool = Field(description="协议期限已满，需重新签订")


class DocumentOut(Schema):
    id: int
    title: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    meeting: int | None
    uploaded_at: datetime

    @staticmethod
    def resolve_file_name(obj: Document) -> str:
        return obj.original_name

    @staticmethod
    def resolve_meeting(obj: Document) -> int | None:
        return obj.meeting_id


class WorkspaceOut(Schema):
    alliance: int
    name: str
    lead_unit: str
    status: str
    access: str = Field(
        description="lead 牵头单位（可修改）/ member 成员单位 / department 主管部门（只读）"
    )
    revision: int
    office_address: str
    agreement: AgreementOut
    bodies: list[BodyOut]
    key_people: list[PersonOut]
    members: list[AllianceMemberOut]
    documents: list[DocumentOut]


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    held_on: date
    place: str
    attendance_count: int | None
    attendance_units: list[str]
    minutes: str
    revision: int
    files: list[DocumentOut]

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_attendance_units(obj: Meeting) -> list[str]:
        return obj.unit_list

    @staticmethod
    def resolve_files(obj: Meeting) -> Any:
        return list(obj.files.all())


Line = Annotated[str, Field(max_length=120)]


class MeetingIn(StrictIn):
    kind: MeetingKind = Field(
        description="assembly 会员大会/成员大会 / council 理事会 / supervisory 监事会 / "
        "expert_committee 专家委员会 / annual 年会 / work 工作会议 / exchange 交流活动"
    )
    held_on: date = Field(description="会议日期（不晚于今天）", examples=["2026-03-18"])
    title: str = Field("", max_length=120)
    place: str = Field("", max_length=120)
    attendance_count: int | None = Field(
        None, ge=1, le=services.MAX_ATTENDANCE, description="出席人数（与出席单位至少填一项）"
    )
    attendance_units: list[Line] = Field(
        default_factory=list, max_length=services.MAX_UNITS, description="出席单位"
    )
    minutes: str = Field("", max_length=services.MAX_MINUTES, description="会议纪要")


class MeetingUpdateIn(MeetingIn):
    revision: int = Field(ge=1, le=2**31 - 1, description="读取时的 revision；已被他人修改时答 409")


def _workspace_out(access: selectors.Access) -> dict[str, Any]:
    alliance, workspace = access.alliance, access.workspace
    term = selectors.agreement(workspace, alliance.profile)
    members: list[Member] = selectors.members(workspace)
    return {
        "alliance": alliance.pk,
        "name": alliance.name,
        "lead_unit": alliance.lead_unit.name,
        "status": alliance.status,
        "access": access.relation,
        "revision": workspace.revision,
        "office_address": workspace.office_address,
        "agreement": {
            "signed_on": term.signed_on,
            "term_years": term.term_years,
            "ends_on": term.ends_on,
            "renewal_due": term.renewal_due,
        },
        "bodies": [{**b, "label": str(b["label"])} for b in selectors.bodies(workspace)],
        "key_people": [{**p, "label": str(p["label"])} for p in selectors.key_people(access)],
        "members": members,
        "documents": selectors.documents(workspace),
    }


def _data(payload: MeetingIn) -> dict[str, Any]:
    data = payload.dict()
    data.pop("revision", None)
    data["attendance_units"] = "\n".join(data.get("attendance_units") or [])
    return data


@router.get(
    "/alliances/{alliance_id}/workspace",
    response={200: WorkspaceOut, **READ_ERRORS},
    summary="联盟工作台（成员、组织机构、主要负责人、地址、协议、文件）",
)
def workspace_get(request: HttpRequest, alliance_id: PathId) -> Any:
    return _workspace_out(selectors.workspace_access(viewer=request.user, alliance_id=alliance_id))


@router.get(
    "/alliances/{alliance_id}/meetings",
    response={200: list[MeetingOut], **READ_ERRORS},
    summary="会议记录（最近的在前）",
)
@paginate(Pagination)
def meetings_list(request: HttpRequest, alliance_id: PathId) -> Any:
    access = selectors.workspace_access(viewer=request.user, alliance_id=alliance_id)
    return selectors.meetings(access.workspace).prefetch_related("files")


@router.post(
    "/alliances/{alliance_id}/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="新增会议记录（牵头单位）",
)
def meetings_create(request: HttpRequest, alliance_id: PathId, payload: MeetingIn) -> Status:
    meeting = services.meeting_create(
        actor=request.user, alliance_id=alliance_id, data=_data(payload)
    )
    return Status(201, meeting)


@router.put(
    "/alliances/{alliance_id}/meetings/{meeting_id}",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="修改会议记录（牵头单位；带 revision）",
)
def meetings_update(
    request: HttpRequest, alliance_id: PathId, meeting_id: PathId, payload: MeetingUpdateIn
) -> Meeting:
    return services.meeting_update(
        actor=request.user,
        alliance_id=alliance_id,
        mid=meeting_id,
        revision=payload.revision,
        data=_data(payload),
    )

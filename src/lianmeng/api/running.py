"""联盟工作台：成员、组织机构、主要负责人、办公地址、协议、文件与会议记录（issue 13, M-34）.

Read by the lead unit, member units (phones and e-mails masked) and the departments whose area
covers the alliance; the lead unit's staff write. Others get 404. ``PUT`` of a meeting takes the
``revision`` it was read at and answers 409 (with the current revision) when it is stale.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, UploadedFile
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


# -- 变更备案 (M-31): member join/exit, key people, address, agreement renewal ------------------

ChangeKind = Literal["member_join", "member_exit", "key_person", "address", "agreement_renewal"]
ChangeState = Literal["submitted", "accepted", "returned", "draft"]


class EligibilityWarningOut(Schema):
    rule: str = Field(description="资格规则编号，如 members.min_count")
    severity: str
    message: str
    citation: dict[str, str] = Field(description="{seed, article}")
    cited: str = Field(description="出处（《文件名》条款）")


class SignatureOut(Schema):
    member: int
    name: str
    signed: bool
    signed_at: datetime | None
    method: str = Field(description="online 在线确认 / paper 纸质签署（牵头单位登记）/ 空：未签署")

    @staticmethod
    def resolve_member(obj: Any) -> int:
        return obj.member_id

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.member.name

    @staticmethod
    def resolve_signed(obj: Any) -> bool:
        return obj.signed_at is not None


class ChangeOut(Schema):
    id: int
    alliance: int
    alliance_name: str
    kind: str = Field(
        description="member_join / member_exit / key_person / address / agreement_renewal"
    )
    kind_label: str
    status: str = Field(description="submitted 待知悉 / accepted 已知悉 / returned 已质询")
    status_label: str
    before: dict[str, Any]
    after: dict[str, Any]
    note: str
    warned: bool = Field(description="变更后联盟不再符合资格规则")
    warnings: list[EligibilityWarningOut]
    filed_at: datetime
    revision: int
    signatures_done: int | None = None
    signatures_total: int | None = None

    @staticmethod
    def resolve_alliance(obj: Any) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Any) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        from django.utils.translation import gettext

        from lianmeng.running.lifecycle import STATE_NAMES

        return gettext(STATE_NAMES.get(obj.status, obj.status))


class ChangeDetailOut(ChangeOut):
    signatures: list[SignatureOut] = Field(description="续签协议的各成员单位签署（其他变更为空）")
    history: list[dict[str, Any]] = Field(description="办理记录（报送、知悉、质询、答复）")

    @staticmethod
    def resolve_signatures(obj: Any) -> Any:
        return obj.signature_rows

    @staticmethod
    def resolve_history(obj: Any) -> Any:
        return obj.history_rows


class BasisIn(StrictIn):
    note: str = Field("", max_length=2000, description="说明")
    basis: str = Field(
        "", max_length=2000, description="依据（政策档案不在有效期内时必填：文件名称和文号）"
    )


class RosterMemberIn(StrictIn):
    name: str = Field(min_length=1, max_length=120)
    uscc: str = Field("", max_length=18, description="统一社会信用代码（校验第 18 位）")
    org_code: str = Field("", max_length=10)
    kind: Literal["enterprise", "university", "research_institute", "other"] = Field(
        description="单位类别"
    )
    region_code: str = Field("", max_length=6)


class MemberJoinIn(BasisIn):
    revision: int = Field(ge=1, le=2**31 - 1, description="工作台的 revision；已被他人修改时答 409")
    joined_on: date
    members: list[RosterMemberIn] = Field(min_length=1, max_length=2000)


class MemberExitIn(BasisIn):
    revision: int = Field(ge=1, le=2**31 - 1)
    member: int = Field(ge=1, le=2**63 - 1, description="成员编号（工作台 members 的 id）")
    left_on: date
    reason: str = Field(min_length=1, max_length=200, description="退出原因")


class KeyPersonIn(BasisIn):
    revision: int = Field(ge=1, le=2**31 - 1)
    key: Literal["chairman", "secretary_general", "liaison"]
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field("", max_length=120)
    email: str = Field("", max_length=120)


class AddressIn(BasisIn):
    revision: int = Field(ge=1, le=2**31 - 1)
    address: str = Field(min_length=1, max_length=200)


class ChangeActIn(StrictIn):
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="读取时的 revision")
    reason: str = Field("", max_length=2000, description="意见（质询、答复时必填）")
    basis: str = Field("", max_length=2000, description="依据（政策档案不在有效期内时必填）")


def _change_detail(found: Any) -> Any:
    from lianmeng.running import change_selectors

    filing = found.filing
    filing.signature_rows = change_selectors.signatures(filing)
    filing.history_rows = [
        {
            "transition": h.transition,
            "from_state": h.from_state,
            "to_state": h.to_state,
            "at": h.at.isoformat(),
            "office": h.actor_office,
            "reason": h.reason,
        }
        for h in change_selectors.history(filing)
    ]
    return filing


def _filed(filing: Any, request: HttpRequest) -> Status:
    from lianmeng.running import change_selectors

    return Status(
        201, _change_detail(change_selectors.change_get(viewer=request.user, pk=filing.pk))
    )


@router.post(
    "/alliances/{alliance_id}/members",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="成员加入（牵头单位；报主管部门知悉）",
)
def members_join(request: HttpRequest, alliance_id: PathId, payload: MemberJoinIn) -> Status:
    """Adds the units and files the join; the roster rules are re-run (``warnings``). A bad
    unit refuses all (422, ``details.rows``)."""
    from lianmeng.running import changes

    filing = changes.member_join(
        actor=request.user,
        alliance_id=alliance_id,
        revision=payload.revision,
        members=[m.dict() for m in payload.members],
        joined_on=payload.joined_on,
        note=payload.note,
        basis=payload.basis,
    )
    return _filed(filing, request)


@router.post(
    "/alliances/{alliance_id}/members/import",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="从 Excel 导入加入的成员（与申报书成员名单同一模板；任何一行有误则整份不导入）",
)
def members_join_import(
    request: HttpRequest,
    alliance_id: PathId,
    file: File[UploadedFile],
    revision: Form[int],
    joined_on: Form[date],
    note: Form[str] = "",
    basis: Form[str] = "",
) -> Status:
    from lianmeng.running import changes

    filing = changes.member_import_xlsx(
        actor=request.user,
        alliance_id=alliance_id,
        revision=revision,
        file=file,
        joined_on=joined_on,
        note=note,
        basis=basis,
    )
    return _filed(filing, request)


@router.post(
    "/alliances/{alliance_id}/member-exits",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="成员退出（牵头单位；报主管部门知悉）",
)
def members_exit(request: HttpRequest, alliance_id: PathId, payload: MemberExitIn) -> Status:
    from lianmeng.running import changes

    filing = changes.member_exit(
        actor=request.user,
        alliance_id=alliance_id,
        revision=payload.revision,
        member_id=payload.member,
        left_on=payload.left_on,
        reason=payload.reason,
        note=payload.note,
        basis=payload.basis,
    )
    return _filed(filing, request)


@router.post(
    "/alliances/{alliance_id}/key-people",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="主要负责人变更（理事长、秘书长、联络员）",
)
def key_people_change(request: HttpRequest, alliance_id: PathId, payload: KeyPersonIn) -> Status:
    from lianmeng.running import changes

    filing = changes.key_person_change(
        actor=request.user,
        alliance_id=alliance_id,
        revision=payload.revision,
        key=payload.key,
        person={"name": payload.name, "phone": payload.phone, "email": payload.email},
        note=payload.note,
        basis=payload.basis,
    )
    return _filed(filing, request)


@router.post(
    "/alliances/{alliance_id}/address",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="办公地址变更",
)
def office_address_change(request: HttpRequest, alliance_id: PathId, payload: AddressIn) -> Status:
    from lianmeng.running import changes

    filing = changes.address_change(
        actor=request.user,
        alliance_id=alliance_id,
        revision=payload.revision,
        address=payload.address,
        note=payload.note,
        basis=payload.basis,
    )
    return _filed(filing, request)


@router.post(
    "/alliances/{alliance_id}/renewals",
    response={201: ChangeDetailOut, **WRITE_ERRORS},
    summary="联盟协议续签（新签订日期、期限、协议文件；各成员单位随后签署）",
)
def agreement_renewal(
    request: HttpRequest,
    alliance_id: PathId,
    file: File[UploadedFile],
    revision: Form[int],
    signed_on: Form[date],
    term_years: Form[int],
    note: Form[str] = "",
    basis: Form[str] = "",
) -> Status:
    from lianmeng.running import changes

    filing = changes.renewal_file(
        actor=request.user,
        alliance_id=alliance_id,
        revision=revision,
        signed_on=signed_on,
        term_years=term_years,
        file=file,
        note=note,
        basis=basis,
    )
    return _filed(filing, request)


@router.get(
    "/changes",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="变更备案列表（牵头单位：本联盟；主管部门：本辖区）",
)
@paginate(Pagination)
def changes_list(
    request: HttpRequest,
    kind: ChangeKind | None = None,
    state: ChangeState | None = None,
    warned: bool | None = None,
    alliance: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None,
) -> Any:
    from lianmeng.running.change_selectors import ChangeFilters, change_list

    filters = ChangeFilters(
        kind=kind or "",
        state=state or "",
        warned="" if warned is None else ("yes" if warned else "no"),
        alliance=alliance,
    )
    return change_list(viewer=request.user, filters=filters)


@router.get(
    "/changes/{change_id}",
    response={200: ChangeDetailOut, **READ_ERRORS},
    summary="一件变更备案（变更前后、资格预警、签署、办理记录）",
)
def change_get(request: HttpRequest, change_id: PathId) -> Any:
    from lianmeng.running import change_selectors

    return _change_detail(change_selectors.change_get(viewer=request.user, pk=change_id))


def _act(request: HttpRequest, change_id: int, payload: ChangeActIn, service: Any) -> Any:
    from lianmeng.running import change_selectors

    service(
        actor=request.user,
        filing_id=change_id,
        revision=payload.revision,
        reason=payload.reason,
        basis=payload.basis,
    )
    return _change_detail(change_selectors.change_get(viewer=request.user, pk=change_id))


@router.post(
    "/changes/{change_id}/acknowledge",
    response={200: ChangeDetailOut, **WRITE_ERRORS},
    summary="知悉（主管部门）",
)
def change_acknowledge(request: HttpRequest, change_id: PathId, payload: ChangeActIn) -> Any:
    from lianmeng.running import changes

    return _act(request, change_id, payload, changes.change_acknowledge)


@router.post(
    "/changes/{change_id}/query",
    response={200: ChangeDetailOut, **WRITE_ERRORS},
    summary="质询（主管部门；须写明意见，牵头单位答复后重新报送）",
)
def change_query(request: HttpRequest, change_id: PathId, payload: ChangeActIn) -> Any:
    from lianmeng.running import changes

    return _act(request, change_id, payload, changes.change_query)


@router.post(
    "/changes/{change_id}/answer",
    response={200: ChangeDetailOut, **WRITE_ERRORS},
    summary="答复质询并重新报送（牵头单位）",
)
def change_answer(request: HttpRequest, change_id: PathId, payload: ChangeActIn) -> Any:
    from lianmeng.running import changes

    return _act(request, change_id, payload, changes.change_answer)


@router.post(
    "/changes/{change_id}/signatures",
    response={200: SignatureOut, **WRITE_ERRORS},
    summary="成员单位在线确认签署续签协议（重复确认不改变结果）",
)
def signature_confirm(request: HttpRequest, change_id: PathId) -> Any:
    from lianmeng.running import changes

    return changes.signature_confirm(actor=request.user, filing_id=change_id)


@router.post(
    "/changes/{change_id}/signatures/paper",
    response={200: SignatureOut, **WRITE_ERRORS},
    summary="牵头单位登记成员单位的纸质签署（附签署页扫描件）",
)
def signature_paper(
    request: HttpRequest,
    change_id: PathId,
    file: File[UploadedFile],
    member: Form[Annotated[int, Field(ge=1, le=2**63 - 1)]],
) -> Any:
    from lianmeng.running import changes

    return changes.signature_paper(
        actor=request.user, filing_id=change_id, member_id=member, file=file
    )

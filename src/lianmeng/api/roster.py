"""成员单位名单：查看、增删改、Excel 导入导出与模板（M-12, M-63）。

``index`` is the member's place in ``document["members"]`` counted from 0, as in the JSON path
``$.members[index]``; the lead unit is always 0. Writes are for the lead unit's staff while the
proposal is a draft or returned. ``revision`` is the proposal's revision from the read the
write is based on (``GET /proposals/{id}`` or ``/sections``): required for ``PUT`` and ``DELETE``
of ``members/{index}`` — an index read before a colleague's change would hit another row —
missing: 422 with a message to reload; stale: 409 with the current ``revision`` in
``details``. Adding and importing accept it too (a stale one is refused with 409).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.responses import Status

from lianmeng.core.errors import PermissionDenied
from lianmeng.policy.loader import UnknownProfileError
from lianmeng.proposals import roster
from lianmeng.proposals.contacts import members_for
from lianmeng.proposals.editing import require_revision
from lianmeng.proposals.models import MemberConfirmation, Proposal
from lianmeng.proposals.roster_fields import member_code, member_region_code, region_labels
from lianmeng.proposals.selectors import proposal_get

from .schemas import READ_ERRORS, ErrorOut, PathId, PathIndex, StrictIn

router = Router(tags=["成员单位"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class LiaisonIn(StrictIn):
    name: str | None = None
    phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    email: str | None = None


class PlatformIn(StrictIn):
    name: str
    level: str = Field(description="national / provincial / municipal（或 国家级 / 省级 / 市级）")
    kind: str | None = None


class MemberIn(StrictIn):
    """A member unit in the interchange shape; enumerations accept the Chinese labels too."""

    name: str = Field(description="单位名称")
    kind: str = Field(description="enterprise / university / research_institute / …")
    uscc: str | None = Field(None, description="统一社会信用代码")
    org_code: str | None = Field(None, description="组织机构代码（无统一社会信用代码时）")
    region_code: str | None = Field(None, description="注册地区划代码；不填按信用代码")
    chain_position: str | None = None
    legal_representative: str | None = None
    signed_agreement: bool | None = None
    liaison: LiaisonIn | None = None
    standing: str | None = Field(None, description="在行业（领域）中的地位，限 100 字")
    platforms: list[PlatformIn] | None = None


class MemberOut(Schema):
    index: int = Field(description="在 document.members 中的位置（从 0 起，牵头单位为 0）")
    member: dict[str, Any] = Field(description="成员单位（交换格式）")
    region_code: str | None = Field(
        None, description="注册地区划代码（填写的，或信用代码第 3–8 位）"
    )
    region_name: str | None = Field(None, description="注册地名称，如“河南省 洛阳市 涧西区”")
    confirmed: bool = Field(description="成员单位已在线确认加入")
    signature_confirmed: bool = Field(description="成员单位确认法定代表人已签署协议")


class RowErrorOut(Schema):
    row: int = Field(description="Excel 行号")
    reason: str


class ImportReportOut(Schema):
    added: int = Field(description="导入的单位数")
    lead_updated: bool = Field(description="文件中牵头单位那一行更新了牵头单位的联系人、平台等")
    errors: list[RowErrorOut] = Field(description="未导入的行及原因")


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


def _edit_gate(request: HttpRequest) -> None:
    _require(request, "proposals.edit_drafts", gettext("只有牵头单位的账号可以修改成员单位名单。"))


def _members_out(
    viewer: Any, proposal: Proposal, indexes: list[int] | None = None
) -> list[dict[str, Any]]:
    # liaisons' numbers and e-mails as the caller may see them (lianmeng.proposals.contacts)
    members = members_for(viewer, proposal, roster.roster_members(proposal))
    chosen = [(i, members[i]) for i in (indexes if indexes is not None else range(len(members)))]
    regions = region_labels(member_region_code(m) for _, m in chosen)
    confirmations = {c.member_code: c for c in MemberConfirmation.objects.filter(proposal=proposal)}
    out = []
    for index, member in chosen:
        code = member_region_code(member)
        confirmation = confirmations.get(member_code(member))
        out.append(
            {
                "index": index,
                "member": member,
                "region_code": code or None,
                "region_name": regions.get(code) if code else None,
                "confirmed": confirmation is not None,
                "signature_confirmed": bool(confirmation and confirmation.signature_confirmed),
            }
        )
    return out


def _data(payload: MemberIn) -> dict[str, Any]:
    return payload.model_dump(exclude_none=True)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/proposals/{proposal_id}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="成员单位名单",
)
def members_list(
    request: HttpRequest, proposal_id: PathId, response: HttpResponse
) -> list[dict[str, Any]]:
    """Every member, the lead first, with its registered area named from its code. The
    ``X-Revision`` header is the proposal's revision these indexes belong to: send it as
    ``revision`` with ``PUT``/``DELETE`` of ``members/{index}``."""
    _require(request, "proposals.view_proposal", gettext("您的账号没有查看申报的权限。"))
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    response["X-Revision"] = str(proposal.revision)
    return _members_out(request.user, proposal)


@router.post(
    "/proposals/{proposal_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="添加成员单位",
)
def members_add(
    request: HttpRequest, proposal_id: PathId, payload: MemberIn, revision: int | None = None
) -> Status:
    _edit_gate(request)
    proposal = roster.member_add(
        actor=request.user, pk=proposal_id, revision=revision, data=_data(payload)
    )
    last = len(proposal.document["members"]) - 1
    return Status(201, _members_out(request.user, proposal, [last])[0])


@router.put(
    "/proposals/{proposal_id}/members/{int:index}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="修改成员单位",
)
def members_update(
    request: HttpRequest,
    proposal_id: PathId,
    index: PathIndex,
    payload: MemberIn,
    revision: int | None = None,
) -> dict[str, Any]:
    """Replace the member at ``index``. For the lead unit (index 0) name and codes come from
    section 二 and may be left out. ``revision`` (query, required): the proposal's revision
    the index was read at; missing: 422, stale: 409 with the current revision."""
    _edit_gate(request)
    proposal = roster.member_update(
        actor=request.user,
        pk=proposal_id,
        revision=require_revision(revision),
        index=index,
        data=_data(payload),
    )
    return _members_out(request.user, proposal, [index])[0]


@router.delete(
    "/proposals/{proposal_id}/members/{int:index}",
    response={204: None, **WRITE_ERRORS},
    summary="删除成员单位",
)
def members_remove(
    request: HttpRequest, proposal_id: PathId, index: PathIndex, revision: int | None = None
) -> Status:
    """The lead unit cannot be removed (403). ``revision`` (query, required): the proposal's
    revision the index was read at; missing: 422, stale: 409 with the current revision."""
    _edit_gate(request)
    roster.member_remove(
        actor=request.user, pk=proposal_id, revision=require_revision(revision), index=index
    )
    return Status(204, None)


@router.post(
    "/proposals/{proposal_id}/members/import",
    response={200: ImportReportOut, **WRITE_ERRORS},
    summary="从 Excel 导入成员单位",
)
def members_import(
    request: HttpRequest,
    proposal_id: PathId,
    file: File[UploadedFile],
    revision: int | None = None,
) -> dict[str, Any]:
    """Multipart ``file``: a workbook in the template's layout. Bad rows are refused one by one
    with their row numbers; the good rows are added."""
    _edit_gate(request)
    report = roster.roster_import_xlsx(
        actor=request.user, pk=proposal_id, file=file, revision=revision
    )
    return report.to_dict()


@router.get(
    "/proposals/{proposal_id}/members/export",
    response={200: None, **READ_ERRORS},
    summary="导出成员单位名单（Excel）",
    openapi_extra={"responses": {200: {"content": {XLSX: {}}, "description": "XLSX 工作簿"}}},
)
def members_export(request: HttpRequest, proposal_id: PathId) -> HttpResponse:
    _require(request, "proposals.view_proposal", gettext("您的账号没有查看申报的权限。"))
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    return _xlsx(
        roster.roster_export_xlsx(proposal, viewer=request.user), f"成员单位名单-{proposal.pk}.xlsx"
    )


@router.get(
    "/profiles/{profile_id}/roster-template",
    auth=None,
    response={200: None, 404: ErrorOut},
    summary="成员单位名单模板（Excel）",
    openapi_extra={"responses": {200: {"content": {XLSX: {}}, "description": "XLSX 工作簿"}}},
)
def roster_template(request: HttpRequest, profile_id: str) -> HttpResponse:
    """The empty workbook with Chinese headers, drop-downs and instructions (public)."""
    from lianmeng.core.errors import NotFound

    try:
        content = roster.roster_template_xlsx(profile_id)
    except UnknownProfileError as exc:
        raise NotFound(gettext("没有政策档案 %(profile)s。") % {"profile": profile_id}) from exc
    return _xlsx(content, "成员单位名单模板.xlsx")

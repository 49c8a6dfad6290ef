"""申报材料附件、在线撰写的报告与协议书、协议书 DOCX 草稿（M-13, M-14, M-63）。

Files are judged by their content (not their name) and the size limit of the server's
``LIANMENG_UPLOAD_MAX_BYTES``; a download is answered only to whoever may see the proposal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from lianmeng.core.errors import PermissionDenied
from lianmeng.proposals import materials, writeups
from lianmeng.proposals.editing import require_base
from lianmeng.proposals.models import Material
from lianmeng.proposals.selectors import proposal_get

from .schemas import READ_ERRORS, ErrorOut, PathId, StrictIn

router = Router(tags=["申报材料"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class MaterialOut(Schema):
    id: int
    kind: str = Field(description="材料类别（交换格式 MaterialKind）")
    title: str
    original_name: str = Field(description="上传时的文件名")
    content_type: str = Field(description="按内容识别的类型")
    size: int
    sha256: str
    uploaded_at: datetime
    download: str = Field(description="下载地址")

    @staticmethod
    def resolve_download(obj: Material) -> str:
        return f"/api/v1/proposals/{obj.proposal_id}/materials/{obj.pk}"


class WriteupIn(StrictIn):
    html: str = Field(
        description="本节内容：有限的富文本（p, br, strong, em, u, 列表, h3, h4, 表格）"
    )
    base: str | None = Field(
        None,
        description="读取时的版本（GET 或上次保存返回的 base；空节为空文本的 base）。必填："
        "缺少时返回 422（请重新读取本节），同事已修改时返回 409（details.current 为现有内容，"
        "details.base 为其版本）",
    )


class WriteupOut(Schema):
    part: str
    section: str
    html: str = Field(description="净化后保存的内容")
    base: str = Field(description="当前版本，下次保存时带上")
    changed: bool


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


def _view_gate(request: HttpRequest) -> None:
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))


def _edit_gate(request: HttpRequest) -> None:
    _require(request, "proposals.edit_drafts", _("只有牵头单位的账号可以修改申报。"))


@router.get(
    "/proposals/{proposal_id}/materials",
    response={200: list[MaterialOut], **READ_ERRORS},
    summary="申报材料附件列表",
)
def materials_list(request: HttpRequest, proposal_id: PathId) -> list[Material]:
    _view_gate(request)
    return materials.material_list(proposal_get(viewer=request.user, pk=proposal_id))


@router.post(
    "/proposals/{proposal_id}/materials",
    response={201: MaterialOut, **WRITE_ERRORS},
    summary="上传申报材料",
)
def materials_upload(
    request: HttpRequest,
    proposal_id: PathId,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str | None] = None,
) -> Status:
    """Multipart: ``kind`` (proposal_form, feasibility_report, …), optional ``title``, ``file``.
    PDF, DOCX, XLSX, JPEG, PNG and OFD are accepted when the content is what the name says."""
    _edit_gate(request)
    material = materials.material_upload(
        actor=request.user, pk=proposal_id, kind=kind, file=file, title=title
    )
    return Status(201, material)


@router.get(
    "/proposals/{proposal_id}/materials/{material_id}",
    response={200: None, **READ_ERRORS},
    summary="下载申报材料",
    openapi_extra={
        "responses": {200: {"content": {"application/octet-stream": {}}, "description": "文件"}}
    },
)
def materials_download(request: HttpRequest, proposal_id: PathId, material_id: PathId) -> Any:
    _view_gate(request)
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    material = materials.material_get(proposal=proposal, mid=material_id)
    response = FileResponse(
        materials.material_open(material),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "/proposals/{proposal_id}/materials/{material_id}",
    response={204: None, **WRITE_ERRORS},
    summary="删除申报材料",
)
def materials_remove(request: HttpRequest, proposal_id: PathId, material_id: PathId) -> Status:
    _edit_gate(request)
    materials.material_remove(actor=request.user, pk=proposal_id, mid=material_id)
    return Status(204, None)


@router.put(
    "/proposals/{proposal_id}/writeups/{part}/{section}",
    response={200: WriteupOut, **WRITE_ERRORS},
    summary="保存可行性研究报告或协议书的一节",
)
def writeups_save(
    request: HttpRequest, proposal_id: PathId, part: str, section: str, payload: WriteupIn
) -> dict[str, Any]:
    """``part``: feasibility（可行性研究报告，节 1–7）或 agreement（协议书，节 1、2、3、4.1–4.11、
    5、6）。内容经净化后保存（脚本、事件属性等一律去除）。"""
    _edit_gate(request)
    saved = writeups.writeup_save(
        actor=request.user,
        pk=proposal_id,
        part=part,
        section=section,
        html=payload.html,
        base=require_base(payload.base),
    )
    return {
        "part": part,
        "section": section,
        "html": saved.html,
        "base": writeups.digest(saved.html),
        "changed": saved.changed,
    }


@router.get(
    "/proposals/{proposal_id}/agreement.docx",
    response={200: None, **READ_ERRORS},
    summary="联盟协议书草稿（DOCX）",
    openapi_extra={"responses": {200: {"content": {DOCX: {}}, "description": "DOCX 文档"}}},
)
def agreement_docx(request: HttpRequest, proposal_id: PathId) -> HttpResponse:
    """The agreement draft with the alliance, every member and a signature page."""
    _view_gate(request)
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    response = HttpResponse(writeups.agreement_docx(proposal), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{proposal.name or '联盟'}协议书（草稿）.docx"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

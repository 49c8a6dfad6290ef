"""申报材料附件：按所需类别上传、按内容识别文件类型、限制大小、受权限保护地下载（M-14）。

A file is judged by what it *is* (its magic bytes, read with ``filetype``; Office and OFD
files by the parts inside their ZIP container), never by its name: ``x.pdf`` that is really a
ZIP archive, a program or a web page is refused. Accepted files are stored under MEDIA_ROOT
with a random name (no URL serves that directory) and listed in ``document["materials"]``
({kind, title, file, sha256}) in the same transaction as the Material row, so the eligibility
rule ``materials.complete`` sees exactly what was uploaded.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from lianmeng.core import clock
from lianmeng.core.errors import NotFound, ValidationFailed
from lianmeng.core.models import User
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .editing import document_saved, lock_for_edit
from .models import Material, Proposal

#: material kinds of the interchange schema, with a title for when the profile gives none
KIND_TITLES: dict[str, str] = {
    "proposal_form": "联盟构建建议书",
    "feasibility_report": "联盟构建可行性研究报告",
    "recommendation_form": "推荐表",
    "agreement": "联盟协议书",
    "charter": "联盟章程",
    "recommendation_letter": "推荐函",
    "business_license": "营业执照或法人证书（复印件）",
    "other": "其他材料",
}
#: marks the document's materials entry that stands for a report written online
ONLINE_FILE = "writeups/feasibility"
#: kinds a user may write online instead of uploading (part of the editor)
WRITTEN_ONLINE = {"feasibility_report": "feasibility", "agreement": "agreement"}
#: kinds the system itself produces, so the lead unit has nothing to upload: the 建议书 is
#: the online form, printed as PDF on submission (seed 001 三(二)); the 推荐表 and the
#: 推荐公函 are made by the recommending department when it recommends (M-20).
#: kind → (the document's materials entry "file", what the materials page says)
SYSTEM_MADE: dict[str, tuple[str, Any]] = {
    "proposal_form": (
        "system/proposal_form",
        gettext_lazy("在线填写，提交时由系统生成 PDF，无需上传；如需可另行上传盖章扫描件。"),
    ),
    "recommendation_form": (
        "system/recommendation_form",
        gettext_lazy("由推荐部门推荐时在系统中生成，申报单位无需上传。"),
    ),
    "recommendation_letter": (
        "system/recommendation_letter",
        gettext_lazy("由推荐部门推荐时在系统中出具，申报单位无需上传。"),
    ),
}
SYSTEM_FILES = {file: kind for kind, (file, _note) in SYSTEM_MADE.items()}


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str
    #: what the type is called, in the reader's language (lazy): ``Word 文档（.docx）``
    label: Any
    extensions: tuple[str, ...]
    #: the label without the extension, as a refusal names it: ``Word 文档`` (default: label)
    short: Any = None

    @property
    def short_label(self) -> Any:
        return self.short if self.short is not None else self.label


FILE_TYPES: dict[str, FileType] = {
    t.ext: t
    for t in (
        FileType("pdf", "application/pdf", "PDF", (".pdf",)),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            gettext_lazy("Word 文档（.docx）"),
            (".docx",),
            short=gettext_lazy("Word 文档"),
        ),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            gettext_lazy("Excel 工作簿（.xlsx）"),
            (".xlsx",),
            short=gettext_lazy("Excel 工作簿"),
        ),
        FileType("jpg", "image/jpeg", gettext_lazy("JPEG 图片"), (".jpg", ".jpeg")),
        FileType("png", "image/png", gettext_lazy("PNG 图片"), (".png",)),
        FileType("ofd", "application/ofd", gettext_lazy("OFD 版式文件"), (".ofd",)),
    )
}
#: what ``sniff`` calls content that is no accepted type
ZIP_ARCHIVE = gettext_lazy("ZIP 压缩包")
WEB_PAGE = gettext_lazy("网页（HTML）")
UNRECOGNISED = gettext_lazy("无法识别的内容")
#: what other recognised content is, by the extension ``filetype`` guesses, as a person would
#: name it (“可执行程序（EXE）”, not “EXE 文件”); anything else: OTHER_FORMAT
OTHER_KINDS: dict[str, Any] = {
    "exe": gettext_lazy("可执行程序（EXE）"),
    "elf": gettext_lazy("可执行程序（ELF）"),
    "wasm": gettext_lazy("可执行程序（WebAssembly）"),
    "swf": gettext_lazy("Flash 程序（SWF）"),
    "crx": gettext_lazy("浏览器扩展程序（CRX）"),
    "deb": gettext_lazy("软件安装包（DEB）"),
    "rpm": gettext_lazy("软件安装包（RPM）"),
    "cab": gettext_lazy("软件安装包（CAB）"),
    "zip": ZIP_ARCHIVE,
    "rar": gettext_lazy("RAR 压缩包"),
    "7z": gettext_lazy("7-Zip 压缩包"),
    "gz": gettext_lazy("压缩文件（GZ）"),
    "bz2": gettext_lazy("压缩文件（BZ2）"),
    "xz": gettext_lazy("压缩文件（XZ）"),
    "tar": gettext_lazy("TAR 归档文件"),
    "doc": gettext_lazy("旧版 Word 文档（.doc）"),
    "xls": gettext_lazy("旧版 Excel 工作簿（.xls）"),
    "ppt": gettext_lazy("旧版 PowerPoint 演示文稿（.ppt）"),
    "pptx": gettext_lazy("PowerPoint 演示文稿（.pptx）"),
    "rtf": gettext_lazy("RTF 文档"),
    "odt": gettext_lazy("OpenDocument 文本"),
    "ods": gettext_lazy("OpenDocument 表格"),
    "odp": gettext_lazy("OpenDocument 演示文稿"),
    "epub": gettext_lazy("电子书（EPUB）"),
    "gif": gettext_lazy("GIF 图片"),
    "bmp": gettext_lazy("BMP 图片"),
    "tif": gettext_lazy("TIFF 图片"),
    "webp": gettext_lazy("WebP 图片"),
    "heic": gettext_lazy("HEIC 图片"),
    "psd": gettext_lazy("Photoshop 图像（PSD）"),
    "ico": gettext_lazy("图标文件（ICO）"),
    "mp3": gettext_lazy("音频（MP3）"),
    "wav": gettext_lazy("音频（WAV）"),
    "mp4": gettext_lazy("视频（MP4）"),
    "avi": gettext_lazy("视频（AVI）"),
    "mov": gettext_lazy("视频（MOV）"),
    "wmv": gettext_lazy("视频（WMV）"),
    "sqlite": gettext_lazy("SQLite 数据库"),
}
#: recognised content of a format not in OTHER_KINDS (its extension in capitals)
OTHER_FORMAT = gettext_lazy("%(type)s 格式的其他文件")
_BY_EXTENSION = {ext: t for t in FILE_TYPES.values() for ext in t.extensions}
ACCEPT = ",".join(ext for t in FILE_TYPES.values() for ext in t.extensions)
ALLOWED_TEXT = gettext_lazy("PDF、Word（.docx）、Excel（.xlsx）、JPEG、PNG 或 OFD")
_HEAD = 8192


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.1f} KB".replace(".0 KB", " KB")
    return gettext("%(size)s 字节") % {"size": size}


def upload_limit() -> int:
    return int(settings.LIANMENG_UPLOAD_MAX_BYTES)


# -- what a file is --------------------------------------------------------------------------


def _zip_kind(stream: Any) -> str | None:
    """docx / xlsx / ofd by the parts inside a ZIP container, else None."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return "docx"
    if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
        return "xlsx"
    if "OFD.xml" in names or "ofd.xml" in {n.lower() for n in names}:
        return "ofd"
    return None


def sniff(stream: Any) -> tuple[str | None, str]:
    """(accepted type ext or None, a description of what the content is, in the reader's
    language)."""
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(0)
    guess = filetype.guess(head) if head else None
    if guess is not None and guess.extension in {"pdf", "jpg", "png"}:
        return guess.extension, str(FILE_TYPES[guess.extension].label)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        if kind:
            return kind, str(FILE_TYPES[kind].label)
        return None, str(ZIP_ARCHIVE)
    if guess is not None:
        named = OTHER_KINDS.get(guess.extension)
        if named is not None:
            return None, str(named)
        return None, str(OTHER_FORMAT) % {"type": guess.extension.upper()}
    text = head.lstrip()[:200].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script")) or b"<html" in text:
        return None, str(WEB_PAGE)
    return None, str(UNRECOGNISED)


@dataclass(frozen=True)
class CheckedFile:
    type: FileType
    size: int
    sha256: str


def check_file(name: str, size: int | None, stream: Any) -> CheckedFile:
    """Refuse, with a reason in the reader's language, a file that is too large, empty, of a
    type not accepted, or whose content is not what its name says."""
    limit = upload_limit()
    if size is not None and size > limit:
        raise ValidationFailed(
            gettext(
                "文件“%(name)s”大小为 %(size)s，超过上限（%(limit)s）。"
                "请压缩图片、删去无关页面或拆分后再上传。"
            )
            % {"name": name, "size": human_size(size), "limit": human_size(limit)},
            details={"reason": "too_large", "size": size, "limit": limit},
        )
    ext = os.path.splitext(name)[1].lower()
    claimed = _BY_EXTENSION.get(ext)
    if claimed is None:
        shown = ext or gettext("（无扩展名）")
        raise ValidationFailed(
            gettext("不接受 %(ext)s 文件。请上传 %(allowed)s 格式的文件。")
            % {"ext": shown, "allowed": ALLOWED_TEXT},
            details={"reason": "type_not_accepted", "extension": ext},
        )
    digest = hashlib.sha256()
    total = 0
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        total += len(chunk)
        if total > limit:
            raise ValidationFailed(
                gettext("文件“%(name)s”超过上限（%(limit)s），请压缩或拆分后再上传。")
                % {"name": name, "limit": human_size(limit)},
                details={"reason": "too_large", "limit": limit},
            )
    if total == 0:
        raise ValidationFailed(
            gettext("文件是空的（0 字节），请重新选择文件。"), details={"reason": "empty"}
        )
    actual, described = sniff(stream)
    if actual != claimed.ext:
        short = claimed.short_label
        if actual is not None:
            message = gettext(
                "文件内容不是 %(claimed)s，请上传真实的 %(claimed)s 文件。"
                "（该文件实际是%(actual)s，请改正扩展名后再上传。）"
            ) % {"claimed": short, "actual": FILE_TYPES[actual].label}
        else:
            message = gettext(
                "文件内容不是 %(claimed)s，请上传真实的 %(claimed)s 文件。（该文件实际是%(actual)s。）"
            ) % {"claimed": short, "actual": described}
        raise ValidationFailed(
            message,
            details={"reason": "content_mismatch", "claimed": claimed.ext, "actual": actual},
        )
    return CheckedFile(type=claimed, size=total, sha256=digest.hexdigest())


# -- which materials a proposal needs --------------------------------------------------------


@dataclass
class Slot:
    kind: str
    title: str
    required: bool
    items: list[Material] = field(default_factory=list)
    #: the 可行性研究报告 is written online in full (it counts as provided)
    online_done: bool = False
    #: entries of document["materials"] with no uploaded file behind them (an imported
    #: interchange file lists its attachments by name); they count for materials.complete
    listed: list[dict[str, Any]] = field(default_factory=list)
    #: why the last upload of this kind was refused (set by the page)
    error: str = ""
    #: the system produces this material (SYSTEM_MADE); what the page says about it
    system_note: Any = ""

    @property
    def provided(self) -> bool:
        return bool(self.items or self.online_done or self.listed or self.system_note)

    @property
    def online_part(self) -> str | None:
        return WRITTEN_ONLINE.get(self.kind)


def _profile_materials(proposal: Proposal) -> list[tuple[str, str]]:
    try:
        profile = get_profile(proposal.profile)
    except UnknownProfileError:
        return []
    year = proposal.call_year or (proposal.document or {}).get("call_year")
    call = profile.call_for(year) if year else None
    cited = (call.materials if call and call.materials else None) or profile.materials
    return [(m.value.kind, m.value.title) for m in cited]


def required_materials(proposal: Proposal) -> list[tuple[str, str]]:
    """(kind, Chinese title) the proposal must attach: the call's list, else the profile's."""
    profile_list = _profile_materials(proposal)
    titles = dict(profile_list)
    call = proposal.call if proposal.call_id else None
    if call is not None and call.required_materials:
        wanted: list[tuple[str, str]] = []
        for item in call.required_materials:
            kind = item.get("kind") if isinstance(item, dict) else str(item)
            title = item.get("title") if isinstance(item, dict) else None
            if kind in KIND_TITLES:
                wanted.append((kind, title or titles.get(kind) or KIND_TITLES[kind]))
        if wanted:
            return wanted
    return profile_list


def material_list(proposal: Proposal) -> list[Material]:
    return list(
        Material.objects.filter(proposal=proposal, removed_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("kind", "uploaded_at", "id")
    )


def material_slots(proposal: Proposal) -> list[Slot]:
    """One slot per required kind (in the call's order), then every other kind uploaded, then
    "other" for anything extra."""
    slots = {kind: Slot(kind, title, True) for kind, title in required_materials(proposal)}
    for material in material_list(proposal):
        slot = slots.get(material.kind)
        if slot is None:
            slot = slots[material.kind] = Slot(
                material.kind, KIND_TITLES.get(material.kind, material.kind), False
            )
        slot.items.append(material)
    backed = {(m.kind, m.sha256) for slot in slots.values() for m in slot.items}
    for entry in (proposal.document or {}).get("materials") or []:
        kind = entry.get("kind")
        if kind not in KIND_TITLES or (kind, entry.get("sha256")) in backed:
            continue
        slot = slots.get(kind)
        if slot is None:
            slot = slots[kind] = Slot(kind, KIND_TITLES[kind], False)
        if entry.get("file") == ONLINE_FILE:
            slot.online_done = True
        elif entry.get("file") in SYSTEM_FILES and SYSTEM_FILES[entry["file"]] == kind:
            slot.system_note = SYSTEM_MADE[kind][1]
        else:
            slot.listed.append(entry)
    if "other" not in slots:
        slots["other"] = Slot("other", KIND_TITLES["other"], False)
    return list(slots.values())


def system_made_entries(proposal: Proposal) -> list[dict[str, str]]:
    """The materials entries of a proposal filed online for the kinds the system produces
    (required by its call or profile): they count for ``materials.complete``."""
    return [
        {"kind": kind, "title": title, "file": SYSTEM_MADE[kind][0]}
        for kind, title in required_materials(proposal)
        if kind in SYSTEM_MADE
    ]


def kind_title(proposal: Proposal, kind: str) -> str:
    return dict(required_materials(proposal)).get(kind) or KIND_TITLES.get(kind, kind)


# -- upload and remove -----------------------------------------------------------------------


def _document_entry(material: Material) -> dict[str, str]:
    return {
        "kind": material.kind,
        "title": material.title,
        "file": material.original_name,
        "sha256": material.sha256,
    }


def _safe_name(name: str, checked: CheckedFile) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip() or f"附件.{checked.type.ext}"
    return base[:200]


def material_upload(
    *, actor: User, pk: int, kind: str, file: Any, title: str | None = None
) -> Material:
    """Store one attachment of ``kind`` for the proposal (lead unit staff, editable only)."""
    if kind not in KIND_TITLES:
        raise ValidationFailed(
            gettext("请选择材料类别。"),
            details={"fields": {"kind": gettext("未知的材料类别 %(kind)s") % {"kind": kind}}},
        )
    name = getattr(file, "name", "") or ""
    checked = check_file(name, getattr(file, "size", None), file)
    # The permission check runs before anything is written to disk.
    with transaction.atomic():
        lock_for_edit(actor=actor, pk=pk)
    now = clock.now()
    stored = default_storage.save(
        f"materials/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.type.ext}", File(file, name=name)
    )
    try:
        with transaction.atomic():
            proposal = lock_for_edit(actor=actor, pk=pk)
            clash = Material.objects.filter(
                proposal=proposal, kind=kind, sha256=checked.sha256, removed_at__isnull=True
            ).first()
            if clash is not None:
                raise ValidationFailed(
                    gettext("同一文件已上传为“%(name)s”，无需重复上传。")
                    % {"name": clash.original_name},
                    details={"reason": "duplicate"},
                )
            material = Material.objects.create(
                proposal=proposal,
                kind=kind,
                title=(norm_title(title) or kind_title(proposal, kind))[:200],
                file=stored,
                original_name=_safe_name(name, checked),
                content_type=checked.type.mime,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            document = proposal.document
            document["materials"] = [*(document.get("materials") or []), _document_entry(material)]
            document_saved(
                actor=actor,
                proposal=proposal,
                action="lianmeng.proposal.material.uploaded",
                after={
                    "material": material.pk,
                    "kind": kind,
                    "name": material.original_name,
                    "size": material.size,
                    "sha256": material.sha256,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return material


def norm_title(title: str | None) -> str:
    return " ".join((title or "").split())


def material_remove(*, actor: User, pk: int, mid: int) -> Material:
    """Withdraw an attachment while the proposal is editable (the file is kept for the audit
    trail; it is no longer listed nor served)."""
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk)
        material = (
            Material.objects.select_for_update()
            .filter(proposal=proposal, pk=mid, removed_at__isnull=True)
            .first()
        )
        if material is None:
            raise NotFound(gettext("未找到该附件，可能已被删除。"))
        material.removed_at = clock.now()
        material.save(update_fields=["removed_at"])
        entries = list(proposal.document.get("materials") or [])
        for index, entry in enumerate(entries):
            if entry.get("sha256") == material.sha256 and entry.get("kind") == material.kind:
                entries.pop(index)
                break
        proposal.document["materials"] = entries
        document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.material.removed",
            before={"material": material.pk, "kind": material.kind, "name": material.original_name},
        )
    return material


def material_get(*, proposal: Proposal, mid: int) -> Material:
    """An attachment of a proposal the caller was allowed to see (check with proposal_get)."""
    material = Material.objects.filter(proposal=proposal, pk=mid, removed_at__isnull=True).first()
    if material is None:
        raise NotFound(gettext("未找到该附件，或您无权查看。"))
    return material


def material_open(material: Material) -> io.BufferedReader:
    return default_storage.open(material.file.name, "rb")


def materials_summary(materials: Iterable[Material]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for material in materials:
        counts[material.kind] = counts.get(material.kind, 0) + 1
    return counts

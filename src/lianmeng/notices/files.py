"""The attachment check of announcements: PDF, OFD, DOCX or XLSX, recognised by content (not
by the name) and at most ``LIANMENG_UPLOAD_MAX_BYTES`` (the cap of proposal materials).

``proposals.materials.check_file`` lives above this app (tests/test_layers.py), so the few
formats an announcement carries are recognised here by their magic bytes."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from lianmeng.core.errors import ValidationFailed

ALLOWED_TEXT = "PDF、OFD、DOCX、XLSX"


@dataclass(frozen=True)
class Kind:
    ext: str
    mime: str


PDF = Kind("pdf", "application/pdf")
OFD = Kind("ofd", "application/ofd")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
BY_EXTENSION = {f".{k.ext}": k for k in (PDF, OFD, DOCX, XLSX)}


@dataclass(frozen=True)
class Checked:
    kind: Kind
    size: int
    sha256: str


def upload_limit() -> int:
    return int(settings.LIANMENG_UPLOAD_MAX_BYTES)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def sniff(head: bytes, stream: Any) -> Kind | None:
    """What the content is: a PDF by its header, the others as zip packages by their parts."""
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "OFD.xml" in names:
        return OFD
    return None


def check_file(name: str, size: int | None, stream: Any) -> Checked:
    """Refuse, saying why, a file too large, empty, of a type not accepted, or whose content
    is not what its name says."""
    limit = upload_limit()
    if size is not None and size > limit:
        raise ValidationFailed(
            gettext("文件“%(name)s”超过上限（%(limit)s），请压缩或拆分后再上传。")
            % {"name": name, "limit": _mb(limit)}
        )
    ext = os.path.splitext(name)[1].lower()
    claimed = BY_EXTENSION.get(ext)
    if claimed is None:
        raise ValidationFailed(
            gettext("不接受 %(ext)s 文件。请上传 %(allowed)s 格式的文件。")
            % {"ext": ext or gettext("（无扩展名）"), "allowed": ALLOWED_TEXT}
        )
    digest = hashlib.sha256()
    total = 0
    stream.seek(0)
    head = b""
    while chunk := stream.read(1024 * 1024):
        if not head:
            head = bytes(chunk[:8])
        digest.update(chunk)
        total += len(chunk)
        if total > limit:
            raise ValidationFailed(
                gettext("文件“%(name)s”超过上限（%(limit)s），请压缩或拆分后再上传。")
                % {"name": name, "limit": _mb(limit)}
            )
    if total == 0:
        raise ValidationFailed(gettext("文件是空的（0 字节），请重新选择文件。"))
    actual = sniff(head, stream)
    stream.seek(0)
    if actual != claimed:
        raise ValidationFailed(
            gettext("文件“%(name)s”的内容不是 %(ext)s 格式，请另存为正确的格式后再上传。")
            % {"name": name, "ext": claimed.ext.upper()}
        )
    return Checked(kind=claimed, size=total, sha256=digest.hexdigest())


def pdf_bytes(text: str = "demo") -> bytes:
    """A minimal valid one-page PDF (the demo's attachment)."""
    out = io.BytesIO()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()

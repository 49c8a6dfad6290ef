"""Fixtures for attachments: a Henan draft, files of each type, MEDIA_ROOT in a temporary place."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.proposals.roster.conftest import (  # noqa: F401 (fixtures)
    henan_example,
    lead_staff,
    signed_in,
    token_for,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def henan_draft(db):
    """The Henan proposal without its (file-less) materials list: attachments come from here."""
    from lianmeng.proposals.services import proposal_import

    document = henan_example()
    document.pop("materials", None)
    return proposal_import(actor=None, document=document)


def pdf_bytes(text: str = "lianmeng") -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def zip_bytes(names: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in (names or {"readme.txt": b"hello"}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
        b"\x00\x00\x00IEND\xaeB`\x82"
    )


def ofd_bytes() -> bytes:
    return zip_bytes({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"})


def uploaded(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)

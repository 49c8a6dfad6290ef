"""The printable 建议书 (seed 001 三(二) “由系统生成PDF文档打印”), rendered with WeasyPrint.

``render_proposal_pdf(document)`` needs no database: the web submission, the API and the CLI
(`lianmeng proposal pdf`) print the same PDF from the same interchange JSON. Every page
carries the verification code and a QR code for ``/verify/<code>`` (B-3), the page number
“第 N 页 共 M 页” and a running header.

Fonts: the body is set in Noto Serif CJK SC (fonts-noto-cjk), chosen by measurement
(tests/bench/pdf_bench.py, docs/benchmarks.md): with WeasyPrint 70 and HarfBuzz subsetting it
renders a 60-member proposal as fast as AR PL UMing, has a real bold and the Simplified
forms, and subsets cleanly even with thousands of distinct 汉字, where HarfBuzz gives up on
UMing and the whole 10 MB font ends up in the PDF. Check boxes (□ ☑) and the code use
DejaVu. Every font is embedded as a subset, so 汉字 print on any printer.

WeasyPrint fetches nothing from outside: the only resources are ``data:`` URIs (the QR).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .proposal_view import proposal_view, writeup_sections

logger = logging.getLogger("lianmeng.documents")

#: the font stacks measured in tests/bench/pdf_bench.py; DEFAULT_FONT is the one used
FONTS: dict[str, str] = {
    "uming": '"AR PL UMing CN", "AR PL UMing TW", "DejaVu Sans", serif',
    "noto-serif": '"Noto Serif CJK SC", "DejaVu Sans", serif',
    "noto-sans": '"Noto Sans CJK SC", "DejaVu Sans", sans-serif',
}
DEFAULT_FONT = "noto-serif"

#: unambiguous characters for verification codes (no 0/O, 1/I/L)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


@dataclass(frozen=True)
class VersionStamp:
    """What every page says about the copy: which version, and how to check it."""

    label: str
    code: str | None = None
    #: a note printed after the code, e.g. “（由文件内容计算，非提交核验码）”
    code_note: str = ""
    number: int | None = None
    submitted_at: datetime | None = None
    sha256: str | None = None
    #: where the QR points (absolute when the site's address is known)
    verify_url: str | None = None


def unique_code(model: Any, field: str = "verification_code") -> str:
    """A new verification code (:data:`CODE_LENGTH` characters of :data:`CODE_ALPHABET`) that
    no row of ``model`` holds in ``field`` yet: the one way every printed document gets its code."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not model._default_manager.filter(**{field: code}).exists():
            return code


def code_display(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN`` for reading aloud and typing."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    """What a person types (lower case, dashes, spaces) → the stored code."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _qr_data_uri(text: str) -> str:
    import segno

    # PNG (decoded once, drawn on every page) is cheaper for WeasyPrint than SVG (parsed
    # for every page); 10 px per module prints sharp at 17 mm.
    return segno.make(text, error="m", micro=False).png_data_uri(scale=10, border=0)


def _fetcher() -> Any:
    """Only inline ``data:`` URIs may be used; nothing is fetched from a network or disk."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def _sanitise(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags={
            "p",
            "br",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "ul",
            "ol",
            "li",
            "h4",
            "h5",
            "blockquote",
            "table",
            "thead",
            "tbody",
            "tr",
            "td",
            "th",
        },
        attributes={"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        url_schemes=set(),
    )


def _profile(document: dict[str, Any]) -> Any:
    from lianmeng.policy.loader import UnknownProfileError, get_profile

    try:
        return get_profile(str(document.get("profile") or ""))
    except UnknownProfileError:
        return None


def _fill_date(version: VersionStamp | None) -> str:
    from lianmeng.core.clock import as_beijing

    if version is not None and version.submitted_at is not None:
        moment = as_beijing(version.submitted_at)
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def render_proposal_html(
    document: dict[str, Any],
    *,
    writeups: dict[str, Any] | None = None,
    version: VersionStamp | None = None,
    font: str = DEFAULT_FONT,
) -> str:
    profile = _profile(document)
    view = proposal_view(document, profile=profile)
    sections = writeup_sections(writeups)
    for part in sections.values():
        for section in part:
            section["html"] = _sanitise(section["html"])
    titles = {}
    if profile is not None:
        titles = {m.value.kind: m.value.title for m in profile.materials}
    stamp = version or VersionStamp(label="未提交 · 草稿")
    with translation.override("zh-hans"):
        return render_to_string(
            "documents/proposal_pdf.html",
            {
                "v": view,
                "font_family": FONTS.get(font, FONTS[DEFAULT_FONT]),
                "fill_date": _fill_date(version),
                "writeups": sections,
                "feasibility_title": titles.get(
                    "feasibility_report", "产业技术创新战略联盟构建可行性研究报告"
                ),
                "agreement_title": titles.get("agreement", "产业技术创新战略联盟协议书"),
                "stamp": {
                    "label": stamp.label,
                    "code": stamp.code,
                    "code_display": code_display(stamp.code) if stamp.code else "",
                    "code_note": stamp.code_note,
                    "sha256": stamp.sha256,
                    "url": stamp.verify_url,
                    "qr": _qr_data_uri(stamp.verify_url) if stamp.verify_url else "",
                },
            },
        )


def render_proposal_pdf(
    document: dict[str, Any],
    *,
    writeups: dict[str, Any] | None = None,
    version: VersionStamp | None = None,
    font: str = DEFAULT_FONT,
) -> bytes:
    """The full 建议书 with the member roster (and the writeups, if any) as PDF bytes."""
    from weasyprint import HTML

    html = render_proposal_html(document, writeups=writeups, version=version, font=font)
    return HTML(string=html, url_fetcher=_fetcher(), base_url=".").write_pdf()


def warm_up(font: str = DEFAULT_FONT) -> None:
    """Render a one-page document in ``font`` so that the first real PDF of a server process
    does not also pay for importing WeasyPrint, loading fontconfig and opening the CJK font
    files (measured in docs/benchmarks.md). Called by each gunicorn worker when it starts."""
    from weasyprint import HTML

    html = (
        f"<html><body style='font-family: {FONTS.get(font, FONTS[DEFAULT_FONT])}'>"
        "<h1>产业技术创新战略联盟构建建议书</h1><table><tr><td>□ ☑</td><td>成员单位</td></tr>"
        "</table><p><b>牵头单位</b>（盖章）第 1 页 共 1 页</p></body></html>"
    )
    HTML(string=html, url_fetcher=_fetcher(), base_url=".").write_pdf()


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG ``data:`` URI, for any printed document."""
    return _qr_data_uri(text)


def html_to_pdf(html: str) -> bytes:
    """Any document template rendered to PDF the way the 建议书 is: fonts embedded, nothing
    fetched but ``data:`` URIs."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_fetcher(), base_url=".").write_pdf()

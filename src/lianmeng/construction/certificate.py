"""认定证书: the certificate a passed 验收 gives the alliance — the department's heading, the
alliance and its lead unit, the profile's outcome in its own words with the citation, the
date in Chinese, and a verification code with a QR code of ``/verify/<code>`` (A4,
WeasyPrint, CJK fonts embedded via :mod:`lianmeng.documents.pdf`), typeset like the
decision document (:mod:`lianmeng.alliances.decision_document`)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lianmeng.alliances.plaque import chinese_date
from lianmeng.core.site import absolute_url
from lianmeng.documents.pdf import DEFAULT_FONT, FONTS, code_display, html_to_pdf, qr_data_uri

from .models import Certificate


def verify_url(certificate: Certificate) -> str:
    return absolute_url(reverse("documents:verify", args=[certificate.verification_code]))


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    alliance = certificate.alliance
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "alliance": alliance,
        "name": alliance.name,
        "lead_unit": alliance.lead_unit.name,
        "authority": certificate.department,
        "outcome": certificate.outcome,
        "citation": certificate.citation,
        "date": chinese_date(certificate.recognised_on),
        "code": code_display(certificate.verification_code),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "font_family": FONTS[DEFAULT_FONT],
    }


def certificate_html(certificate: Certificate) -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            "construction/certificate_pdf.html", certificate_context(certificate)
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(certificate_html(certificate))


def filename(certificate: Certificate) -> str:
    return f"认定证书-{certificate.alliance.name}.pdf"

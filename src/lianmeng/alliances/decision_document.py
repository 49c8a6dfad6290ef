"""决定书/批复：the document a published decision sends the lead unit — the department's
heading, the 文号, the decision in the profile's words, the date in Chinese, and a
verification code with a QR code of its public check page (A4, WeasyPrint, CJK fonts
embedded via :mod:`lianmeng.documents.pdf`)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from lianmeng.core import clock
from lianmeng.core.site import absolute_url
from lianmeng.documents.pdf import DEFAULT_FONT, FONTS, code_display, html_to_pdf, qr_data_uri
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .models import Decision, category_label
from .plaque import chinese_date

#: the document's title by decision, as departments write them
TITLES = {
    Decision.Kind.APPROVE_TO_BUILD: "关于同意筹建{name}的批复",
    Decision.Kind.RECOGNISE: "关于认定{name}的决定",
    Decision.Kind.FILE: "关于{name}备案的通知",
    Decision.Kind.PILOT: "关于确定{name}为试点联盟的通知",
    Decision.Kind.DECLINE: "关于{name}申报结果的通知",
}


def verify_path(decision: Decision) -> str:
    from django.urls import reverse

    return reverse("alliances:decision_verify", args=[decision.verification_code])


def _basis(profile: Any) -> str:
    """《实施办法》（豫科〔2013〕146号）: the profile's measure the decision applies."""
    if profile is None or not profile.documents:
        return ""
    numbered = [d for d in profile.documents if d.number] or list(profile.documents)
    document = numbered[0]
    number = f"（{document.number.value}）" if document.number else ""
    return f"《{document.title.value}》{number}"


def decision_context(decision: Decision) -> dict[str, Any]:
    proposal = decision.proposal
    try:
        profile = get_profile(decision.profile)
    except UnknownProfileError:
        profile = None
    authority = ""
    if profile is not None:
        authority = profile.authority.value if profile.authority else profile.issuer.value
    name = decision.alliance_name or proposal.name
    alliance = decision.alliance
    published = decision.published_at or clock.now()
    category_names = (
        {c.value.number: c.value.name for c in profile.categories} if profile is not None else {}
    )
    category = ""
    if decision.category:
        category = (
            f"{category_label(decision.category)}（{category_names.get(decision.category, '')}）"
        )
    url = absolute_url(verify_path(decision)) if decision.verification_code else ""
    return {
        "decision": decision,
        "title": TITLES.get(decision.kind, "{name}").format(
            name=name if decision.positive else proposal.name
        ),
        "name": name,
        "proposal": proposal,
        "lead_unit": proposal.lead_unit.name,
        "authority": decision.notice.department if decision.notice_id else authority,
        "seal": authority,
        "reference": decision.reference,
        "basis": _basis(profile),
        "category": category,
        "deadline": chinese_date(alliance.construction_deadline)
        if alliance is not None and alliance.construction_deadline
        else "",
        "date": chinese_date(clock.as_beijing(published).date()),
        "code": code_display(decision.verification_code) if decision.verification_code else "",
        "verify_url": url,
        "qr": qr_data_uri(url) if url else "",
        "font_family": FONTS[DEFAULT_FONT],
    }


def decision_html(decision: Decision) -> str:
    with translation.override("zh-hans"):
        return render_to_string("alliances/decision_pdf.html", decision_context(decision))


def decision_pdf(decision: Decision) -> bytes:
    return html_to_pdf(decision_html(decision))

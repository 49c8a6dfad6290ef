"""取消备案与撤销 (M-35): what a revocation leaves besides the state change.

The department revokes through the lifecycle engine (``revoke`` of the profile's
``[alliance_lifecycle]``; Baoding's lists the five grounds of 第十三条, of which the engine
requires one). Here, in the same transaction: the department's evidence files
(:class:`RevocationEvidence`, checked like proposal materials, seen by department staff and
the lead unit only) and the notice (:class:`RevocationNotice`, 取消备案通知/撤销通知, a PDF
with a verification code checked at ``/verify/<code>``). Nothing is deleted: the alliance
stays in the registry in its revoked state, with the date and the ground.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.site import absolute_url
from lianmeng.documents.pdf import (
    DEFAULT_FONT,
    FONTS,
    code_display,
    html_to_pdf,
    normalise_code,
    qr_data_uri,
    unique_code,
)
from lianmeng.policy.citation import cite
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals.materials import check_file
from lianmeng.proposals.verifiable import Verified, register_verifiable
from lianmeng.workflow.models import StateChange

from .models import Alliance, RevocationEvidence, RevocationNotice
from .plaque import chinese_date

#: at most this many evidence files with one revocation
MAX_EVIDENCE = 10
#: the transition kinds a revocation notice is issued for
REVOKE = "revoke"

__all__ = [
    "MAX_EVIDENCE",
    "check_evidence",
    "evidence_for",
    "evidence_get",
    "issue_notice",
    "may_see_files",
    "notice_for",
    "notice_pdf",
    "register",
    "store_evidence",
]


# -- who sees the files ------------------------------------------------------------------------


def may_see_files(viewer: User, alliance: Alliance) -> bool:
    """The lead unit's staff and department staff whose area covers the alliance (as the
    plaque); never the public."""
    from .selectors import may_download_plaque

    return may_download_plaque(viewer, alliance)


def notice_for(alliance: Alliance) -> RevocationNotice | None:
    return RevocationNotice.objects.filter(alliance=alliance).order_by("-issued_at", "-id").first()


def evidence_for(alliance: Alliance) -> QuerySet[RevocationEvidence]:
    return RevocationEvidence.objects.filter(alliance=alliance).order_by("id")


def evidence_get(*, viewer: User, alliance_id: int, pk: int) -> RevocationEvidence:
    """One evidence file for a viewer who may see it; NotFound for anyone else."""
    found = (
        RevocationEvidence.objects.filter(pk=pk, alliance_id=alliance_id)
        .select_related("alliance__lead_unit", "alliance__proposal")
        .first()
    )
    if found is None or not may_see_files(viewer, found.alliance):
        raise NotFound(_("未找到该材料，或您无权查看。"))
    return found


def notice_get(*, viewer: User, alliance_id: int) -> RevocationNotice:
    alliance = (
        Alliance.objects.filter(pk=alliance_id).select_related("lead_unit", "proposal").first()
    )
    notice = notice_for(alliance) if alliance is not None else None
    if notice is None or not may_see_files(viewer, alliance):
        raise NotFound(_("该联盟没有取消备案（撤销）通知，或您无权下载。"))
    return notice


# -- evidence ----------------------------------------------------------------------------------


def check_evidence(files: list[Any]) -> list[Any]:
    """Refuse too many files, or one that is too large or not what its name says."""
    if len(files) > MAX_EVIDENCE:
        raise ValidationFailed(
            _("证明材料最多 %(n)s 个文件，请合并后再上传。") % {"n": MAX_EVIDENCE},
            details={"field": "evidence"},
        )
    return [
        (file, check_file(getattr(file, "name", "") or "", getattr(file, "size", None), file))
        for file in files
    ]


def save_files(checked: list[Any]) -> list[tuple[Any, Any, str]]:
    """Write the checked files to storage (before the transaction; the caller deletes them
    when it fails): (file, checked, stored name)."""
    now = clock.now()
    saved = []
    for file, info in checked:
        name = getattr(file, "name", "") or ""
        stored = default_storage.save(
            f"alliances/revocation/{now:%Y/%m}/{uuid.uuid4().hex}.{info.type.ext}",
            File(file, name=name),
        )
        saved.append((file, info, stored))
    return saved


def store_evidence(
    *, actor: User, alliance: Alliance, change: StateChange, saved: list[tuple[Any, Any, str]]
) -> list[RevocationEvidence]:
    """The evidence rows of one revocation, in its transaction (files already stored)."""
    now = clock.now()
    rows = []
    for file, info, stored in saved:
        name = getattr(file, "name", "") or ""
        original = os.path.basename(name.replace("\\", "/")).strip()[:200] or (
            f"file.{info.type.ext}"
        )
        row = RevocationEvidence.objects.create(
            alliance=alliance,
            state_change=change,
            file=stored,
            original_name=original,
            content_type=info.type.mime,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=actor,
            uploaded_at=now,
        )
        audit_record(
            actor=actor,
            action="lianmeng.alliance.revocation_evidence",
            obj=row,
            after={"alliance": alliance.pk, "name": original, "sha256": info.sha256},
        )
        rows.append(row)
    return rows


def delete_files(saved: list[tuple[Any, Any, str]]) -> None:
    for _file, _info, stored in saved:
        default_storage.delete(stored)


def evidence_open(evidence: RevocationEvidence) -> Any:
    return default_storage.open(evidence.file.name, "rb")


# -- the notice --------------------------------------------------------------------------------


def _new_code() -> str:
    return unique_code(RevocationNotice)


def _title(alliance: Alliance, label: str) -> str:
    """关于取消××联盟备案的通知 (Baoding) / 关于撤销××联盟的通知 (Henan)."""
    if label.endswith("备案"):
        return f"关于{label.removesuffix('备案')}{alliance.name}备案的通知"
    return f"关于{label}{alliance.name}的通知"


def issue_notice(*, actor: User, alliance: Alliance, change: StateChange) -> RevocationNotice:
    """The notice of a revocation, fixed now (in the revocation's transaction)."""
    data = change.data or {}
    try:
        profile = get_profile(alliance.profile)
        table = profile.alliance_lifecycle
        step = table.transition(change.transition) if table is not None else None
        documents = list(profile.documents)
    except UnknownProfileError:
        step, documents = None, []
    citation = ""
    if data.get("ground_citation"):
        citation = cite(data["ground_citation"], documents)
    elif step is not None:
        citation = cite(step.citation, documents)
    notice = RevocationNotice.objects.create(
        alliance=alliance,
        state_change=change,
        title=_title(alliance, change.label)[:200],
        department=(change.actor_office or alliance.authority or "")[:120],
        ground=str(data.get("ground") or "")[:40],
        ground_label=str(data.get("ground_label") or "")[:200],
        citation=citation[:200],
        reason=change.reason,
        revoked_on=clock.as_beijing(change.at).date(),
        verification_code=_new_code(),
        issued_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="lianmeng.alliance.revocation_notice",
        obj=notice,
        after={"alliance": alliance.pk, "code": notice.verification_code, "ground": notice.ground},
    )
    return notice


def verify_url(notice: RevocationNotice) -> str:
    from django.urls import reverse

    return absolute_url(reverse("documents:verify", args=[notice.verification_code]))


def notice_context(notice: RevocationNotice) -> dict[str, Any]:
    alliance = notice.alliance
    url = verify_url(notice)
    return {
        "notice": notice,
        "alliance": alliance,
        "title": notice.title,
        "lead_unit": alliance.lead_unit.name,
        "authority": notice.department,
        "act": notice.state_change.label,
        "date": chinese_date(notice.revoked_on),
        "code": code_display(notice.verification_code),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "font_family": FONTS[DEFAULT_FONT],
    }


def notice_html(notice: RevocationNotice) -> str:
    with translation.override("zh-hans"):
        return render_to_string("alliances/revocation_pdf.html", notice_context(notice))


def notice_pdf(notice: RevocationNotice) -> bytes:
    return html_to_pdf(notice_html(notice))


def filename(notice: RevocationNotice) -> str:
    return f"{notice.state_change.label}通知-{notice.alliance.name}.pdf"


def verify(code: str) -> Verified | None:
    value = normalise_code(code)
    if not value:
        return None
    notice = (
        RevocationNotice.objects.filter(verification_code=value)
        .select_related("alliance__lead_unit", "state_change")
        .first()
    )
    if notice is None:
        return None
    rows = [
        (_("文件"), notice.title),
        (_("联盟名称"), notice.alliance.name),
        (_("牵头单位"), notice.alliance.lead_unit.name),
    ]
    if notice.ground_label:
        rows.append((_("事由"), _(notice.ground_label)))
    if notice.citation:
        rows.append((_("依据"), notice.citation))
    rows += [
        (_("发文部门"), notice.department),
        (_("日期"), notice.revoked_on.strftime("%Y年%-m月%-d日")),
    ]
    return Verified(
        kind="revocation",
        title=_("核验码有效：这是本系统出具的取消备案（撤销）通知。"),
        rows=rows,
        note=_("核对方法：通知下方印有核验码和二维码；核验结果与通知内容一致即为真实。"),
    )


def register() -> None:
    register_verifiable("revocation", verify)

"""提交申报（M-17, B-3）：提交、撤回、版本与 PDF、公开核验。

``POST /proposals/{id}/submit`` does what the web page does, through the same service: it is
refused outside the online window (Beijing time, to the second), while the document is
incomplete or a required rule fails, and when a principle rule fails without an explanation
(422, ``details.reason`` says which). A proposal already submitted answers 409
``already_submitted`` and stores nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.throttling import SimpleRateThrottle

from lianmeng.core.clock import as_beijing
from lianmeng.core.errors import NotFound, PermissionDenied
from lianmeng.documents.pdf import code_display
from lianmeng.proposals.contacts import reading_copy_pdf
from lianmeng.proposals.models import ProposalVersion
from lianmeng.proposals.submission import proposal_submit, proposal_withdraw
from lianmeng.proposals.versions import version_by_code, version_get, version_list

from .schemas import READ_ERRORS, ErrorOut, PathId, StrictIn

router = Router(tags=["提交与核验"])


class SubmitIn(StrictIn):
    explanations: dict[str, str] = Field(
        default_factory=dict, description="对未满足的“原则上”条件的说明，{规则编号: 说明}"
    )
    revision: int | None = Field(None, description="据以提交的版本号（修订号）；过期则 409")


class WithdrawIn(StrictIn):
    reason: str = Field(min_length=1, max_length=500)


class VersionOut(Schema):
    number: int
    submitted_at: datetime
    verification_code: str
    verification_code_display: str
    sha256: str = Field(description="document + writeups + explanations 规范 JSON 的 SHA-256")
    pdf_sha256: str
    explanations: dict[str, str]
    pdf_url: str

    @staticmethod
    def resolve_submitted_at(obj: ProposalVersion) -> datetime:
        return as_beijing(obj.submitted_at)

    @staticmethod
    def resolve_verification_code_display(obj: ProposalVersion) -> str:
        return code_display(obj.verification_code)

    @staticmethod
    def resolve_pdf_url(obj: ProposalVersion) -> str:
        return f"/api/v1/proposals/{obj.proposal_id}/versions/{obj.number}/pdf"


class VerifyOut(Schema):
    verification_code: str
    proposal_name: str
    lead_unit: str
    version: int
    latest_version: int
    submitted_at: datetime
    sha256: str
    pdf_sha256: str


class PerAddressThrottle(SimpleRateThrottle):
    scope = "verify"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        address = request.META.get("REMOTE_ADDR") or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": address}


verify_throttle = PerAddressThrottle(getattr(settings, "LIANMENG_VERIFY_RATE", "30/m"))


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


@router.post(
    "/proposals/{proposal_id}/submit",
    response={201: VersionOut, **READ_ERRORS, 409: ErrorOut},
    summary="提交申报（锁定并生成带核验码的 PDF）",
)
def proposals_submit(request: HttpRequest, proposal_id: PathId, payload: SubmitIn) -> Status:
    _require(request, "proposals.edit_drafts", _("只有申报单位（牵头单位）的账号可以提交申报。"))
    version = proposal_submit(
        actor=request.user,
        pk=proposal_id,
        explanations=payload.explanations,
        revision=payload.revision,
        site_url=request.build_absolute_uri("/"),
    )
    return Status(201, version)


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response={200: dict[str, str], **READ_ERRORS},
    summary="撤回申报（受理前）",
)
def proposals_withdraw(request: HttpRequest, proposal_id: PathId, payload: WithdrawIn) -> dict:
    _require(request, "proposals.edit_drafts", _("只有申报单位（牵头单位）的账号可以撤回申报。"))
    proposal = proposal_withdraw(actor=request.user, pk=proposal_id, reason=payload.reason)
    return {"status": proposal.status}


@router.get(
    "/proposals/{proposal_id}/versions",
    response={200: list[VersionOut], **READ_ERRORS},
    summary="已提交的版本",
)
def proposals_versions(request: HttpRequest, proposal_id: PathId) -> list[ProposalVersion]:
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    _proposal, versions = version_list(viewer=request.user, pk=proposal_id)
    return list(versions[:200])


@router.get(
    "/proposals/{proposal_id}/versions/{number}/pdf",
    response={200: bytes, **READ_ERRORS},
    summary="版本的 PDF",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string"}}}}}
    },
)
def proposals_version_pdf(
    request: HttpRequest, proposal_id: PathId, number: PathId
) -> HttpResponse:
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    version = version_get(viewer=request.user, pk=proposal_id, number=number)
    if not version.pdf:  # printed by a job right after the submission (issue 17)
        from lianmeng.proposals.submission import version_pdf_ensure

        version_pdf_ensure(version)
        raise NotFound(_("该版本的 PDF 正在生成，请稍后再试。"), details={"reason": "pdf_pending"})
    # a caller who needs no liaison numbers gets a reading copy with them masked
    data = reading_copy_pdf(request.user, version)
    try:
        if data is None:
            with version.pdf.open("rb") as handle:
                data = handle.read()
    except OSError:
        raise NotFound(_("该版本的 PDF 文件缺失，请联系系统管理员。")) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proposal-{proposal_id}-v{number}.pdf"'
    return response


@router.get(
    "/verify/{code}",
    auth=None,
    throttle=[verify_throttle],
    response={200: VerifyOut, 404: ErrorOut, 429: ErrorOut},
    summary="核验纸质材料（公开）",
)
def verify(request: HttpRequest, code: str) -> dict:
    version = version_by_code(code)
    proposal = version.proposal
    latest = proposal.versions.order_by("-number").values_list("number", flat=True).first()
    return {
        "verification_code": version.verification_code,
        "proposal_name": proposal.name,
        "lead_unit": proposal.lead_unit.name,
        "version": version.number,
        "latest_version": latest or version.number,
        "submitted_at": as_beijing(version.submitted_at),
        "sha256": version.sha256,
        "pdf_sha256": version.pdf_sha256,
    }

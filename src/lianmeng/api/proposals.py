"""联盟构建申报：列表、详情、交换格式的导入与导出（M-18）。

Every read goes through the proposal selectors, so what a caller may see is decided in one
place: an applicant sees his unit's proposals, department staff those of their area and below.
A proposal outside that is "not found" (404), never "forbidden", so its existence is not told.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core.errors import PermissionDenied
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import LIST_FIELDS, proposal_get, proposal_list
from lianmeng.proposals.services import proposal_export, proposal_import

from .auth import require_recent_session
from .documents import INTERCHANGE_REQUEST_BODY, INTERCHANGE_RESPONSE, read_document
from .schemas import (
    READ_ERRORS,
    ErrorOut,
    Pagination,
    PathId,
    ProposalDetailOut,
    ProposalFilters,
    ProposalOut,
)

router = Router(tags=["申报"])


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


@router.get(
    "/proposals",
    response={200: list[ProposalOut], **READ_ERRORS},
    summary="申报列表",
)
@paginate(Pagination)
def proposals_list(request: HttpRequest, filters: Query[ProposalFilters]) -> QuerySet[Proposal]:
    """Proposals the caller may see, newest change first; ``count`` is the total."""
    _require(request, "proposals.list_proposals", _("您的账号没有查看申报的权限。"))
    return proposal_list(
        viewer=request.user,
        status=filters.status,
        profile=filters.profile,
        search=filters.q,
    ).only(*LIST_FIELDS)  # what ProposalOut returns, not the JSON columns


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalDetailOut, **READ_ERRORS},
    summary="申报详情",
)
def proposals_get(request: HttpRequest, proposal_id: PathId) -> Proposal:
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    return proposal_get(viewer=request.user, pk=proposal_id)


@router.get(
    "/proposals/{proposal_id}/document",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="导出申报（交换格式）",
    openapi_extra={"responses": {200: INTERCHANGE_RESPONSE}},
)
def proposals_document(request: HttpRequest, proposal_id: PathId) -> dict[str, Any]:
    """The interchange document (``proposal.schema.json`` version 1) exactly as filed; the
    telephone numbers and e-mails of the contact person and the liaisons are masked
    (``138****5678``, ``z***@example.com``) unless the caller is the lead unit or a
    recommending/competent department of the proposal's area. With the browser session the
    password must have been confirmed within ``LIANMENG_REAUTH_MINUTES`` (403 otherwise)."""
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    require_recent_session(request)
    return proposal_export(proposal=proposal, viewer=request.user)


@router.post(
    "/proposals",
    response={201: ProposalDetailOut, **READ_ERRORS, 409: ErrorOut},
    summary="导入申报（交换格式）",
    openapi_extra={"requestBody": INTERCHANGE_REQUEST_BODY},
)
def proposals_import(request: HttpRequest) -> Status:
    """Store an interchange document as a draft of the caller's unit (申报单位 accounts only)."""
    _require(request, "proposals.import_proposal", _("只有申报单位的账号可以导入申报。"))
    document = read_document(request)
    proposal = proposal_import(actor=request.user, document=document)
    return Status(201, proposal_get(viewer=request.user, pk=proposal.pk))

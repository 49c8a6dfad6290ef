"""资格预审（M-15）：与 ``lianmeng check`` 相同的输入、相同的结论。

Public, because anyone may pre-check a proposal before filing, and therefore rate-limited per
client address. The body is the interchange document; the answer is the object the CLI prints
on standard output, ``{"profile", "eligible", "findings"}``.
"""

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.throttling import SimpleRateThrottle

from lianmeng.core.errors import ValidationFailed
from lianmeng.policy.cli_check import InputError, parse_at
from lianmeng.policy.interchange import parse_proposal
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.results import ExistingAlliance
from lianmeng.policy.rules import check
from lianmeng.proposals.checks import existing_alliances

from .documents import INTERCHANGE_REQUEST_BODY, read_document
from .errors import InvalidProposal
from .schemas import CheckOut, ErrorOut

logger = logging.getLogger("lianmeng.api")

router = Router(tags=["资格预审"])


class PerAddressThrottle(SimpleRateThrottle):
    """N requests per period per client address, counted in the shared cache.

    The address is ``REMOTE_ADDR`` — what the audit trail records too — and not
    ``X-Forwarded-For``, which any client can write; behind a proxy, the proxy must set it.
    """

    scope = "checks"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        address = request.META.get("REMOTE_ADDR") or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": address}


CHECK_RATE: str = getattr(settings, "LIANMENG_CHECK_RATE", "60/m")
check_throttle = PerAddressThrottle(CHECK_RATE)


def _moment(at: str | None) -> datetime | None:
    if not at:
        return None
    try:
        return parse_at(at)
    except InputError:
        raise ValidationFailed(
            _("query.at: 时间格式无效：%(at)s，应为 2020-09-20T23:59:59+08:00 或 2020-09-20")
            % {"at": repr(at)},
            details={"path": "query.at"},
        ) from None


def _existing(profile_id: str, document: Any) -> list[ExistingAlliance] | None:
    lead = document.lead_unit
    try:
        return existing_alliances(
            profile_id, exclude_lead=lead.uscc or lead.org_code, exclude_name=document.name
        )
    except DatabaseError:
        # as in the CLI: a pre-check still answers, and its evidence says nothing was compared
        logger.exception("existing alliances unavailable for %s", profile_id)
        return None


@router.post(
    "/checks",
    auth=None,
    throttle=[check_throttle],
    response={200: CheckOut, 422: ErrorOut, 429: ErrorOut},
    summary="资格预审（与 lianmeng check 相同）",
    openapi_extra={"requestBody": INTERCHANGE_REQUEST_BODY},
)
def checks_run(
    request: HttpRequest,
    profile: str | None = Query(  # noqa: B008 — ninja's way to declare a query parameter
        None, max_length=30, description="政策配置编号；默认取申报文件中的 profile"
    ),
    at: str | None = Query(  # noqa: B008
        None,
        max_length=40,
        description="判断时点，如 2020-09-20T23:59:59+08:00（无时区为北京时间）；"
        "默认取 submitted_at，否则为当前时间",
    ),
) -> dict[str, Any]:
    """Judge the document by every rule the profile applies, each with its citation.

    ``eligible`` is false when a ``required`` or ``principle`` rule failed (the CLI's exit
    code 1). Rules that compare with stored records compare with the alliances and submitted
    proposals of the same profile.
    """
    moment = _moment(at)
    raw = read_document(request)
    document = parse_proposal(raw)
    profile_id = profile or document.profile
    try:
        policy = get_profile(profile_id)
    except UnknownProfileError as exc:
        if profile:
            raise ValidationFailed(
                f"query.profile: {exc}",
                details={"path": "query.profile", "known": sorted(load_profiles())},
            ) from None
        raise InvalidProposal(f"$.profile: {exc}", details={"path": "$.profile"}) from None
    result = check(document, policy, at=moment, existing=_existing(policy.id, document))
    return result.to_dict()

"""已有联盟与在审申报：供 ``alliance.unique_in_field``（seed 001 二(一)2(3)）比对。

The policy engine is pure Python and knows no database; this module is the provider it is
given. It lists the proposals filed under the same policy profile (so, of the same
jurisdiction and level) that are still in play: submitted and beyond, not withdrawn.

Drafts are left out on purpose: a draft is private to its applicant until submitted, and the
check endpoint is public, so comparing with drafts would tell anyone what others are writing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lianmeng.policy.results import ExistingAlliance

from .existing import existing_alliance_rows
from .models import Proposal

#: statuses that do not count as an existing or pending alliance
NOT_IN_PLAY = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN, "refused", "declined")


def _existing(row: dict[str, Any], reference: str) -> ExistingAlliance:
    return ExistingAlliance(
        name=row["name"],
        industry=row["industry"] or None,
        product=row["product"] or None,
        focus_area=row["focus_area"] or None,
        status=row["status"],
        reference=reference,
    )


def existing_alliances(
    profile_id: str,
    *,
    exclude_lead: str | None = None,
    exclude_name: str | None = None,
    exclude_pk: int | None = None,
) -> list[ExistingAlliance]:
    """Alliances and pending proposals of ``profile_id``, oldest first (then the alliances of
    the legacy registry, imported with ``lianmeng alliance import``).

    The proposal being checked is left out: by ``exclude_pk`` when it is stored, else by
    its lead unit's code and name together (a stored proposal re-checked from its export).
    """
    rows = (
        Proposal.objects.filter(profile=profile_id)
        .exclude(status__in=NOT_IN_PLAY)
        .order_by("created_at", "id")
        .values(
            "id",
            "name",
            "industry",
            "product",
            "focus_area",
            "status",
            "lead_unit__uscc",
            "lead_unit__org_code",
        )
    )
    found = []
    for row in rows:
        if exclude_pk is not None and row["id"] == exclude_pk:
            continue
        lead_codes = {row["lead_unit__uscc"], row["lead_unit__org_code"]} - {None, ""}
        if exclude_lead and exclude_lead in lead_codes and row["name"] == exclude_name:
            continue
        found.append(_existing(row, f"proposal:{row['id']}"))
    # alliances of the registered sources: those decided before the system, imported with
    # `lianmeng alliance import` (registered by the alliances app)
    found += [_existing(row, row["reference"]) for row in existing_alliance_rows(profile_id)]
    return found


def proposal_eligibility(proposal: Proposal, *, at: datetime | None = None) -> dict[str, Any]:
    """The eligibility findings for a stored proposal, as `lianmeng check` gives them.

    A draft that is not yet a complete interchange document cannot be judged; then the answer
    says which field to fill first: ``{"complete": False, "path": …, "message": …}``.
    Otherwise ``{"complete": True, "profile", "eligible", "findings"}`` compared with the other
    alliances and pending proposals of the profile (this one left out).
    """
    from lianmeng.policy.interchange import InterchangeError, parse_proposal
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.rules import check

    if at is None and proposal.status in Proposal.EDITABLE:
        from lianmeng.core import clock

        at = clock.now()  # a draft is judged as if submitted now, not at an old imported date
    try:
        doc = parse_proposal(proposal.document)
    except InterchangeError as exc:
        return {"complete": False, "path": exc.path, "message": exc.message}
    profile = get_profile(proposal.profile)
    existing = existing_alliances(proposal.profile, exclude_pk=proposal.pk)
    call = proposal_call_terms(proposal)
    result = check(doc, profile, at=at, existing=existing, **({"call": call} if call else {}))
    return {"complete": True, **result.to_dict()}


def proposal_call_terms(proposal: Proposal) -> Any:
    """The call's window and areas as the policy engine reads them, or None (profile's own)."""
    if proposal.call_id is None:
        return None
    from lianmeng.calls.terms import call_terms  # written with the calls module

    return call_terms(proposal.call)

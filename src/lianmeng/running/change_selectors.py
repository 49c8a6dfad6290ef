"""Reads of change filings (变更备案), always starting from what the viewer may see.

The lead unit's staff see their alliances' filings, department staff those of their area and
below (:func:`lianmeng.running.lifecycle.change_visibility`); a member unit's staff see an
agreement renewal they are asked to sign. Anyone else is told it does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.policy.lifecycle import Transition
from lianmeng.workflow import engine
from lianmeng.workflow.models import StateChange

from .lifecycle import NOT_FOUND, change_visibility
from .models import ChangeFiling, Signature, Workspace

LEAD, DEPARTMENT, MEMBER = "lead", "department", "member"


@dataclass(frozen=True)
class ChangeFilters:
    kind: str = ""
    state: str = ""
    #: "yes" (with an eligibility warning), "no", or "" (either)
    warned: str = ""
    alliance: int | None = None


def change_list(*, viewer: User, filters: ChangeFilters | None = None) -> QuerySet[ChangeFiling]:
    """The filings the viewer may see, newest first, with what a list row shows (a constant
    number of queries however many rows)."""
    filters = filters or ChangeFilters()
    qs = ChangeFiling.objects.filter(change_visibility(viewer))
    if filters.kind in ChangeFiling.Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(status=filters.state)
    if filters.warned in ("yes", "no"):
        qs = qs.filter(warned=filters.warned == "yes")
    if filters.alliance:
        qs = qs.filter(alliance_id=filters.alliance)
    return (
        qs.select_related("alliance", "lead_unit")
        .annotate(
            signatures_total=Count("signatures"),
            signatures_done=Count("signatures", filter=Q(signatures__signed_at__isnull=False)),
        )
        .order_by("-filed_at", "-id")
    )


@dataclass
class ChangeAccess:
    filing: ChangeFiling
    relation: str
    #: the steps the viewer may take now (知悉、质询 for the department; 答复 for the lead unit)
    actions: list[Transition] = field(default_factory=list)
    #: the viewer's own unsigned signature of a renewal (a member unit's staff)
    my_signature: Signature | None = None


def _member_signature(viewer: User, filing_id: int) -> Signature | None:
    if not viewer.unit_id or not viewer.role_set() & {Role.MEMBER, Role.APPLICANT}:
        return None
    return (
        Signature.objects.filter(
            filing_id=filing_id, member__unit_id=viewer.unit_id, member__left_on__isnull=True
        )
        .select_related("member")
        .first()
    )


def change_get(*, viewer: User, pk: Any) -> ChangeAccess:
    if not viewer.is_authenticated or not str(pk).isdigit():
        raise NotFound(NOT_FOUND)
    base = ChangeFiling.objects.select_related(
        "alliance", "alliance__lead_unit", "lead_unit", "region", "filed_by", "workspace"
    )
    filing = base.filter(change_visibility(viewer), pk=pk).first()
    if filing is not None:
        relation = (
            LEAD
            if viewer.unit_id == filing.lead_unit_id and viewer.has_role(Role.APPLICANT)
            else DEPARTMENT
        )
        actions = engine.allowed_transitions(actor=viewer, subject=filing)
        mine = _member_signature(viewer, filing.pk)
        return ChangeAccess(filing, relation, actions, mine)
    filing = base.filter(pk=pk, kind=ChangeFiling.Kind.AGREEMENT_RENEWAL).first()
    mine = _member_signature(viewer, filing.pk) if filing is not None else None
    if filing is None or mine is None:
        raise NotFound(NOT_FOUND)
    return ChangeAccess(filing, MEMBER, [], mine)


def signatures(filing: ChangeFiling) -> list[Signature]:
    return list(
        Signature.objects.filter(filing=filing)
        .select_related("member", "signed_by", "scan")
        .order_by("member__role", "member_id")
    )


def history(filing: ChangeFiling) -> list[StateChange]:
    rows = list(StateChange.objects.of(filing).select_related("actor").order_by("at", "id"))
    for row in rows:
        row.__dict__["subject"] = filing
    return rows


def workspace_changes(workspace: Workspace, *, limit: int = 10) -> list[ChangeFiling]:
    """The alliance's latest filings for its workspace page."""
    return list(
        ChangeFiling.objects.filter(workspace=workspace)
        .annotate(
            signatures_total=Count("signatures"),
            signatures_done=Count("signatures", filter=Q(signatures__signed_at__isnull=False)),
        )
        .order_by("-filed_at", "-id")[:limit]
    )


def open_renewal(workspace: Workspace) -> ChangeFiling | None:
    """The renewal still waiting for signatures, if any."""
    return (
        ChangeFiling.objects.filter(
            workspace=workspace,
            kind=ChangeFiling.Kind.AGREEMENT_RENEWAL,
            signatures__signed_at__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def renewals_to_sign(viewer: User, *, limit: int = 20) -> list[Signature]:
    """The renewals a member unit's staff are asked to sign (for the workspace and home)."""
    if not viewer.is_authenticated or not viewer.unit_id:
        return []
    if not viewer.role_set() & {Role.MEMBER, Role.APPLICANT}:
        return []
    return list(
        Signature.objects.filter(
            member__unit_id=viewer.unit_id, member__left_on__isnull=True, signed_at__isnull=True
        )
        .select_related("filing", "filing__alliance", "member")
        .order_by("-filing__filed_at")[:limit]
    )

"""Reads on proposals, always starting from what the viewer may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import scope_filter, viewer_scope

from .models import Proposal

LIST_FIELDS = (
    "id",
    "profile",
    "call_year",
    "name",
    "domain",
    "status",
    "member_count",
    "updated_at",
    "lead_unit__name",
    "region__name",
    "region__code",
)


def proposal_visibility(viewer: User) -> Q:
    """Applicants see their unit's proposals; department staff those of their area and below."""
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if viewer.has_role(Role.APPLICANT) and viewer.unit_id:
        q |= Q(lead_unit_id=viewer.unit_id)
    if viewer_scope(viewer) is not None:
        q |= scope_filter(viewer, region_field="region", zone_field="zone") & ~Q(
            status=Proposal.Status.DRAFT
        )
    return q


def proposal_list(
    *,
    viewer: User,
    status: str | None = None,
    profile: str | None = None,
    search: str | None = None,
) -> QuerySet[Proposal]:
    qs = (
        Proposal.objects.filter(proposal_visibility(viewer))
        .select_related("lead_unit", "region")
        .defer("document")
    )
    if status:
        qs = qs.filter(status=status)
    if profile:
        qs = qs.filter(profile=profile)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(lead_unit__name__icontains=search))
    return qs


def proposal_get(*, viewer: User, pk: int) -> Proposal:
    """One proposal the viewer may see; NotFound (404) otherwise — never "forbidden",
    so a user cannot learn that another area's record exists."""
    try:
        return (
            Proposal.objects.filter(proposal_visibility(viewer))
            .select_related("lead_unit", "region", "zone", "created_by")
            .get(pk=pk)
        )
    except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("未找到该申报，或您无权查看。") from exc

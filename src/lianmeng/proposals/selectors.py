"""Reads on proposals, always starting from what the viewer may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

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


#: the proposal's JSON columns, left out of lists (proposal_list)
JSON_FIELDS = ("document", "form_state", "writeups", "explanations")


#: rules of other apps on who else sees which proposals (each ``viewer -> Q``), OR-ed in
_VISIBILITY: list[Callable[[User], Q]] = []


def register_visibility(rule: Callable[[User], Q]) -> None:
    """Let ``rule(viewer)`` widen :func:`proposal_visibility` (experts: their assigned
    proposals). Called from an ``AppConfig.ready()``; registering a rule again changes nothing."""
    if rule not in _VISIBILITY:
        _VISIBILITY.append(rule)


def proposal_visibility(viewer: User) -> Q:
    """Applicants see their unit's proposals; department staff those of their area and below;
    and whoever a registered rule lets see them (:func:`register_visibility`)."""
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if viewer.has_role(Role.APPLICANT) and viewer.unit_id:
        q |= Q(lead_unit_id=viewer.unit_id)
    q |= department_visibility(viewer)
    for rule in _VISIBILITY:
        q |= rule(viewer)  # experts: their assigned proposals, no conflicts (lianmeng.experts)
    return q


def department_visibility(viewer: User) -> Q:
    """The filed proposals a department sees as a department: those of its area and below
    (a 省直部门: those that chose it as their recommender)."""
    q = Q(pk__in=[])
    if not viewer.is_authenticated:
        return q
    filed = ~Q(status=Proposal.Status.DRAFT)
    if _provincial_department(viewer):
        # 省直主管部门（单位）: only the proposals that chose it as their recommender (seed
        # 000 五(一)), not every proposal of the province
        if viewer.unit_id:
            q |= filed & Q(
                document__recommender__name=viewer.unit.name,
                document__recommender__region_code=viewer.jurisdiction.code,
            )
    elif viewer_scope(viewer) is not None:
        q |= scope_filter(viewer, region_field="region", zone_field="zone") & filed
    return q


def _provincial_department(viewer: User) -> bool:
    """A recommending department at the province's level that does not accept or decide
    (the province's own S&T department holds the competent role): a 省直部门."""
    from lianmeng.core.models import Jurisdiction

    roles = viewer.role_set()
    return (
        Role.RECOMMENDER in roles
        and not roles & {Role.COMPETENT, Role.COORDINATION}
        and viewer.jurisdiction_id is not None
        and viewer.jurisdiction.kind == Jurisdiction.Kind.PROVINCE
    )


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
        # the JSON columns (tens of kB a proposal) are not part of any list
        .defer(*JSON_FIELDS)
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
        raise NotFound(_("未找到该申报，或您无权查看。")) from exc


def proposals_awaiting_confirmation(*, viewer: User) -> list[Any]:
    """Proposals whose roster lists the viewer's unit, for a member unit's contact to confirm.

    Only for holders of the member role with a unit; withdrawn proposals are left out. Each
    item carries the proposal, the unit's place and row in the roster, and the confirmation
    already given (or None), those still to confirm first.
    """
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from .models import MemberConfirmation
    from .roster import member_position
    from .roster_fields import member_code

    if not (viewer.is_authenticated and viewer.has_role(Role.MEMBER) and viewer.unit_id):
        return []
    unit = viewer.unit
    codes = {code for code in (unit.uscc, unit.org_code) if code}
    if not codes:
        return []
    text_match = Q()
    for code in codes:
        text_match |= Q(document_text__contains=code) | Q(
            document_text__contains=code.replace("-", "")
        )
    if unit.uscc:
        # its organisation code (USCC positions 9–16), written with or without "-"
        text_match |= Q(document_text__contains=unit.uscc[8:16])
    candidates = (
        Proposal.objects.exclude(status=Proposal.Status.WITHDRAWN)
        .annotate(document_text=Cast("document", TextField()))
        .filter(text_match)
        .select_related("lead_unit", "region")
        .order_by("-updated_at", "-id")
    )
    items = []
    for proposal in candidates:
        position = member_position(proposal, codes)
        if position is None:
            continue
        member = proposal.document["members"][position]
        items.append(
            ConfirmationItem(
                proposal=proposal, position=position, member=member, code=member_code(member)
            )
        )
    confirmations = {
        (c.proposal_id, c.member_code): c
        for c in MemberConfirmation.objects.filter(
            proposal_id__in=[i.proposal.pk for i in items]
        ).select_related("confirmed_by")
    }
    for item in items:
        item.confirmation = confirmations.get((item.proposal.pk, item.code))
    items.sort(key=lambda i: i.confirmation is not None)
    return items


@dataclass
class ConfirmationItem:
    proposal: Proposal
    position: int
    member: dict[str, Any]
    code: str
    confirmation: Any = None


def profiles_for(viewer: User) -> list[Any]:
    """The policy profiles that apply to what ``viewer`` may see, by the jurisdiction tree: a
    profile applies when its area contains the viewer's (a county under Henan: the Henan
    profile) or lies within it (the province: Henan and Luoyang). A viewer without an area
    is placed by the unit's registered region; one with neither (an expert, an
    administrator) gets every profile. In the order of the profiles' names."""
    from lianmeng.core.models import Jurisdiction
    from lianmeng.policy.loader import load_profiles

    profiles = list(load_profiles().values())
    area = None
    if viewer.is_authenticated:
        if viewer.jurisdiction_id:
            area = viewer.jurisdiction
        elif viewer.unit_id and viewer.unit.region_id:
            area = viewer.unit.region
    if area is None:
        return sorted(profiles, key=lambda p: (p.name.value, p.id))
    paths = dict(
        Jurisdiction.objects.filter(code__in={p.jurisdiction.value for p in profiles}).values_list(
            "code", "path"
        )
    )
    chosen = [
        p
        for p in profiles
        if (path := paths.get(p.jurisdiction.value))
        and (area.path.startswith(path) or path.startswith(area.path))
    ]
    return sorted(chosen, key=lambda p: (p.name.value, p.id))

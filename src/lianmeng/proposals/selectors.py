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
from lianmeng.core.selectors import viewer_scope

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
    elif (scope := viewer_scope(viewer)) is not None:
        if scope.is_zone:
            q |= Q(zone=scope) & filed
        else:
            # ``scope_filter``'s rows, the region ids of the area from one uncorrelated
            # subquery (no join of the jurisdictions to every proposal of the area)
            q |= Q(region_id__in=_area_ids(scope)) & filed
    return q


def _area_ids(scope: Any) -> QuerySet[Any]:
    from lianmeng.core.models import Jurisdiction

    return Jurisdiction.objects.filter(path__startswith=scope.path).values("id")


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
    """Every item of :func:`member_confirmations`, as a list."""
    return list(member_confirmations(viewer=viewer))


def member_confirmations(*, viewer: User) -> MemberConfirmations:
    """Proposals whose roster lists the viewer's unit, for a member unit's contact to confirm.

    Only for holders of the member role with a unit; withdrawn proposals are left out. Each
    item carries the proposal, the unit's place and row in the roster, and the confirmation
    already given (or None), those still to confirm first, then the latest changed first.
    The proposals are found through the roster index (``RosterEntry``) in one query, with the
    confirmations in a second; a slice of the result reads its proposals (one query), so a
    unit listed in thousands of rosters costs no more than one listed in a few.
    """
    from .models import MemberConfirmation, RosterEntry
    from .roster_index import unit_keys

    if not (viewer.is_authenticated and viewer.has_role(Role.MEMBER) and viewer.unit_id):
        return MemberConfirmations([], set())
    unit = viewer.unit
    codes = {code for code in (unit.uscc, unit.org_code) if code}
    keys = unit_keys(codes)
    if not keys:
        return MemberConfirmations([], codes)
    entries = RosterEntry.objects.filter(key__in=keys)
    places: dict[int, tuple[int, str]] = {}
    for pk, position, code in entries.order_by("proposal_id", "position").values_list(
        "proposal_id", "position", "member_code"
    ):
        places.setdefault(pk, (position, code))  # the unit's first place in the roster
    rows: list[_Row] = []
    # the proposals by their keys (a join would read every proposal to hash it)
    ids = sorted(places)
    for start in range(0, len(ids), _CHUNK):
        rows += [
            _Row(pk, *places[pk], status, updated_at)
            for pk, status, updated_at in Proposal.objects.filter(
                pk__in=ids[start : start + _CHUNK]
            )
            .exclude(status=Proposal.Status.WITHDRAWN)
            .values_list("pk", "status", "updated_at")
        ]
    rows.sort(key=lambda r: (r.updated_at, r.pk), reverse=True)
    if rows:
        by_pk = {r.pk: r for r in rows}
        for confirmation in MemberConfirmation.objects.filter(
            proposal_id__in=entries.values("proposal_id")
        ).select_related("confirmed_by"):
            row = by_pk.get(confirmation.proposal_id)
            if row is not None and row.code == confirmation.member_code:
                row.confirmation = confirmation
    ordered = sorted(rows, key=lambda r: r.confirmation is not None)
    return MemberConfirmations(ordered, codes)


@dataclass
class ConfirmationItem:
    proposal: Proposal
    position: int
    member: dict[str, Any]
    code: str
    confirmation: Any = None


@dataclass
class _Row:
    pk: int
    position: int
    code: str
    status: str
    updated_at: Any
    confirmation: Any = None


#: proposals read per query by their keys (SQLite's limit on a statement's parameters)
_CHUNK = 10000


class MemberConfirmations:
    """The items of :func:`member_confirmations`, in order: counted and sliced (a paginator
    takes it) without reading the proposals, which are read for the items taken."""

    def __init__(self, rows: list[_Row], codes: set[str]) -> None:
        self._rows = rows
        self._codes = codes

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Any:
        return iter(self[:])

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._items(self._rows[index])
        return self._items([self._rows[index]])[0]

    @property
    def to_confirm(self) -> int:
        """How many the unit may still confirm (the proposal editable, the signature not
        confirmed yet)."""
        editable = {s.value for s in Proposal.EDITABLE}
        return sum(
            1
            for r in self._rows
            if r.status in editable and not (r.confirmation and r.confirmation.signature_confirmed)
        )

    def _items(self, rows: list[_Row]) -> list[ConfirmationItem]:
        from .roster import member_position
        from .roster_fields import member_code

        if not rows:
            return []
        proposals = Proposal.objects.select_related("lead_unit", "region").defer(
            "form_state", "writeups", "explanations"
        )
        found = proposals.in_bulk([r.pk for r in rows])
        items = []
        for row in rows:
            proposal = found.get(row.pk)
            # the document decides (it may have changed since the rows were read)
            position = member_position(proposal, self._codes) if proposal else None
            if position is None:
                continue
            member = proposal.document["members"][position]
            code = member_code(member)
            confirmation = row.confirmation if code == row.code else None
            items.append(ConfirmationItem(proposal, position, member, code, confirmation))
        return items


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

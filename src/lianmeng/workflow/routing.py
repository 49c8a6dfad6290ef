"""Who acts on a subject at each level of the jurisdiction tree (policy.lifecycle's levels).

Written for proposals and for every subject with the same facts (``profile``, ``region``,
``zone``, ``lead_unit``, ``document``; see lianmeng.workflow.kinds). A proposal belongs to the lead unit's region (``Proposal.region``, a county in GB/T 2260 as a
rule). From it: the county's department, the prefecture city's, the province's; the zone
committee of ``Proposal.zone``; or the provincial department the proposal names as its
recommender. :func:`office_for` answers "which department is that for this proposal", and
:func:`holds_office` whether a user acts for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from lianmeng.core.models import Jurisdiction, User
from lianmeng.policy.lifecycle import Lifecycle, Transition
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.models import Profile

from .kinds import get_kind, kind_of

#: GB/T 2260 "省直辖县级行政单位" (4190xx …): such a county acts as its own city
_DIRECT_COUNTY_CITY_SUFFIX = "9000"


def profile_of(subject: Any) -> Profile | None:
    try:
        return get_profile(subject.profile)
    except UnknownProfileError:
        return None


def lifecycle_of(subject: Any) -> Lifecycle | None:
    """The table of the subject's profile that its kind follows."""
    profile = profile_of(subject)
    return kind_of(subject).table(profile) if profile is not None else None


def state_label(profile_id: str, state: str, *, kind: str = "proposal") -> str:
    """The Chinese name of ``state`` in the profile's table for ``kind`` (else the name the
    kind gives it, else the id itself)."""
    subject_kind = get_kind(kind)
    try:
        lifecycle = subject_kind.table(get_profile(profile_id))
    except UnknownProfileError:
        lifecycle = None
    if lifecycle is not None and lifecycle.state(state) is not None:
        return lifecycle.state_label(state)
    return str(subject_kind.state_names().get(state, state))


def department_name(jurisdiction: Jurisdiction, *, city_name: str = "") -> str:
    """The department of an area as it signs: 河南省科学技术厅, 保定市竞秀区科学技术局 …"""
    if jurisdiction.is_zone:
        return f"{jurisdiction.name}管理委员会"
    if jurisdiction.kind == Jurisdiction.Kind.PROVINCE:
        return f"{jurisdiction.name}科学技术厅"
    if jurisdiction.kind == Jurisdiction.Kind.COUNTY and jurisdiction.name.endswith("区"):
        return f"{city_name}{jurisdiction.name}科学技术局"
    return f"{jurisdiction.name}科学技术局"


def actor_office(actor: User) -> str:
    """The department (or unit) ``actor`` acts for, as it is printed on forms."""
    if actor.unit_id and not actor.jurisdiction_id:
        return actor.unit.name
    if actor.unit_id and actor.unit.kind == "government":
        return actor.unit.name
    if actor.jurisdiction_id:
        area = actor.jurisdiction
        city = ""
        if area.kind == Jurisdiction.Kind.COUNTY and area.parent_id:
            city = area.parent.name
        return department_name(area, city_name=city)
    return str(actor)


def recommender_of(proposal: Any) -> dict[str, str]:
    """The 推荐部门 the proposal names: {"name", "region_code"} (either may be empty)."""
    value = (proposal.document or {}).get("recommender") or {}
    if not isinstance(value, dict):
        return {"name": "", "region_code": ""}
    return {
        "name": str(value.get("name") or ""),
        "region_code": str(value.get("region_code") or ""),
    }


def route_of(proposal: Any, lifecycle: Lifecycle, profile: Profile) -> str:
    """``zone``, ``department`` or ``area`` (see lianmeng.policy.lifecycle)."""
    delegation = lifecycle.zone_delegation
    if delegation is not None and proposal.zone_id and proposal.zone.kind in delegation.kinds:
        return "zone"
    if recommender_of(proposal)["region_code"] == profile.jurisdiction.value:
        return "department"
    return "area"


def effective_level(transition: Transition, route: str, lifecycle: Lifecycle) -> str:
    """The level that fires ``transition`` on ``route`` (zone committees act for delegated
    levels)."""
    delegation = lifecycle.zone_delegation
    if route == "zone" and delegation is not None and transition.level in delegation.levels:
        return "zone"
    return transition.level


@dataclass(frozen=True)
class Office:
    """The department that acts at one level for one proposal."""

    level: str
    jurisdiction: Jurisdiction | None = None
    #: for the ``department`` level: the department's name and the area code it sits in
    department: str = ""
    department_region: str = ""
    #: for the ``lead_unit`` level
    unit_id: int | None = None

    @property
    def name(self) -> str:
        if self.level == "lead_unit":
            return "牵头单位"
        if self.level == "department":
            return self.department or "推荐部门"
        if self.jurisdiction is None:
            return "（未确定）"
        return department_name(self.jurisdiction, city_name=_city_name(self.jurisdiction))


def _city_name(area: Jurisdiction) -> str:
    if area.kind != Jurisdiction.Kind.COUNTY:
        return ""
    codes = [c for c in area.path.split("/") if c]
    if len(codes) >= 3:
        parent = Jurisdiction.objects.filter(code=codes[2]).values_list("name", flat=True).first()
        return parent or ""
    return ""


def _area_codes(region: Jurisdiction) -> tuple[str, str, str]:
    """(county, city, province) codes for a region: 410182 → 410182, 410100, 410000."""
    codes = [c for c in region.path.split("/") if c]
    province = codes[1] if len(codes) > 1 else region.code
    city = codes[2] if len(codes) > 2 else region.code
    if city.endswith(_DIRECT_COUNTY_CITY_SUFFIX):
        city = region.code  # a county directly under the province acts as its own city
    return region.code, city, province


def office_for(proposal: Any, level: str) -> Office:
    region: Jurisdiction = proposal.region
    if level == "lead_unit":
        return Office(level=level, unit_id=proposal.lead_unit_id)
    if level == "zone":
        return Office(level=level, jurisdiction=proposal.zone if proposal.zone_id else None)
    if level == "department":
        recommender = recommender_of(proposal)
        return Office(
            level=level,
            department=recommender["name"],
            department_region=recommender["region_code"],
        )
    county, city, province = _area_codes(region)
    code = {"county": county, "city": city, "province": province}[level]
    if code == region.code:
        return Office(level=level, jurisdiction=region)
    known = _known_areas.get()
    if known is not None and code in known:
        return Office(level=level, jurisdiction=known[code])
    return Office(level=level, jurisdiction=Jurisdiction.objects.filter(code=code).first())


#: jurisdictions by code read ahead by :func:`areas_of` (None outside it)
_known_areas: ContextVar[dict[str, Jurisdiction | None] | None] = ContextVar(
    "known_areas", default=None
)


@contextmanager
def areas_of(regions: Iterable[Jurisdiction]) -> Iterator[None]:
    """Within the block, :func:`office_for` finds the city and province of ``regions`` in one
    query read ahead instead of one query per subject (for lists)."""
    codes: set[str] = set()
    for region in regions:
        if region is not None:
            codes.update(_area_codes(region))
    known: dict[str, Jurisdiction | None] = dict.fromkeys(codes)
    known.update({j.code: j for j in Jurisdiction.objects.filter(code__in=codes)})
    token = _known_areas.set(known)
    try:
        yield
    finally:
        _known_areas.reset(token)


def holds_office(actor: User, office: Office, role: str) -> bool:
    """Whether ``actor`` holds ``role`` and acts for ``office``."""
    if not (actor.is_authenticated and actor.has_role(role)):
        return False
    if office.level == "lead_unit":
        return actor.unit_id is not None and actor.unit_id == office.unit_id
    if office.level == "department":
        return (
            bool(office.department)
            and actor.unit_id is not None
            and actor.unit.name == office.department
            and actor.jurisdiction_id is not None
            and actor.jurisdiction.code == office.department_region
        )
    return office.jurisdiction is not None and actor.jurisdiction_id == office.jurisdiction.pk


# -- the same rules as queries, for inboxes --------------------------------------------------


def route_q(route: str, lifecycle: Lifecycle, profile: Profile) -> Q:
    """Proposals of ``profile`` on ``route`` (the query form of :func:`route_of`).

    Written without joins and with the missing values spelt out, so that the negations hold
    for proposals with no zone and no recommender when many of these are OR-ed together.
    """
    delegation = lifecycle.zone_delegation
    if delegation is not None:
        zone_ids = Jurisdiction.objects.filter(kind__in=delegation.kinds).values("id")
        in_zone = Q(zone_id__in=zone_ids)
        out_of_zone = Q(zone__isnull=True) | ~Q(zone_id__in=zone_ids)
    else:
        in_zone, out_of_zone = Q(pk__in=[]), Q()
    code = profile.jurisdiction.value
    names_department = Q(document__recommender__region_code=code)
    names_other = Q(document__recommender__region_code__isnull=True) | ~Q(
        document__recommender__region_code=code
    )
    if route == "zone":
        return in_zone
    if route == "department":
        return out_of_zone & names_department
    return out_of_zone & names_other


def level_q(actor: User, level: str) -> Q:
    """Proposals for which ``actor``'s own department is the one at ``level``."""
    nothing = Q(pk__in=[])
    if level == "lead_unit":
        return Q(lead_unit_id=actor.unit_id) if actor.unit_id else nothing
    if level == "department":
        if not (actor.unit_id and actor.jurisdiction_id):
            return nothing
        return Q(
            document__recommender__name=actor.unit.name,
            document__recommender__region_code=actor.jurisdiction.code,
        )
    area = actor.jurisdiction if actor.jurisdiction_id else None
    if area is None:
        return nothing
    if level == "zone":
        return Q(zone=area) if area.is_zone else nothing
    if area.is_zone:
        return nothing
    if level == "county":
        return Q(region=area)
    if level == "city":
        if area.kind == Jurisdiction.Kind.CITY and not area.code.endswith(
            _DIRECT_COUNTY_CITY_SUFFIX
        ):
            return _under(area)
        if area.kind == Jurisdiction.Kind.COUNTY and area.path.count("/") >= 4:
            parent_code = [c for c in area.path.split("/") if c][2]
            if parent_code.endswith(_DIRECT_COUNTY_CITY_SUFFIX):
                return Q(region=area)
        return nothing
    if level == "province":
        if area.kind == Jurisdiction.Kind.PROVINCE:
            return _under(area)
        return nothing
    return nothing


def _under(area: Jurisdiction) -> Q:
    """Proposals registered in ``area`` or below: one uncorrelated subquery, no join (the
    indexed ``region_id`` is then looked up in a list, which stays fast on long lists)."""
    return Q(region_id__in=Jurisdiction.objects.filter(path__startswith=area.path).values("id"))

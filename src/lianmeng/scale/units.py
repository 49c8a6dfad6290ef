"""Units at scale: member units registered in every province of the country, with a share in
the four profiles' areas (the alliances and proposals are theirs), and the names the
generated alliances carry."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from . import names as n
from .codes import make_uscc

#: the unit kinds and their shares
KINDS = [
    ("enterprise", 0.84),
    ("university", 0.05),
    ("research_institute", 0.06),
    ("vocational_college", 0.03),
    ("intermediary", 0.02),
]
#: share of all units registered in each profile's area (the rest anywhere in China)
AREA_SHARES = {"henan": 0.15, "luoyang": 0.05, "baoding": 0.07, "heilongjiang": 0.07}
#: a member of a generated alliance or proposal is from the area this often
LOCAL_MEMBERS = 0.7
#: the serial the generated units' 主体标识码 start from (the benchmarks use 10… and 40…)
FIRST_SERIAL = 60_000_000


@dataclass
class Pool:
    """The generated units: by profile area (leads and most members) and the rest."""

    areas: dict[str, list[Any]] = field(default_factory=dict)
    national: list[Any] = field(default_factory=list)
    provinces: int = 0

    @property
    def count(self) -> int:
        return sum(len(u) for u in self.areas.values()) + len(self.national)

    def leads(self, profile: str) -> list[Any]:
        return self.areas[profile]

    def members(self, rnd: random.Random, profile: str, k: int) -> list[Any]:
        """``k`` distinct units for a roster of the profile: most from its area."""
        area = self.areas[profile]
        local = min(len(area), round(k * LOCAL_MEMBERS))
        chosen = rnd.sample(area, local)
        return chosen + rnd.sample(self.national, min(len(self.national), k - local))


class Places:
    """Names of places from the jurisdiction table (GB/T 2260)."""

    def __init__(self) -> None:
        from lianmeng.core.models import Jurisdiction

        rows = list(
            Jurisdiction.objects.filter(
                active=True, kind__in=["province", "city", "county"]
            ).order_by("code")
        )
        self.by_code = {j.code: j for j in rows}
        self.provinces = [j for j in rows if j.kind == "province"]
        self.regions: dict[str, list[Any]] = {}  # province code → where units register
        for province in self.provinces:
            inside = [
                j for j in rows if j.code != province.code and j.path.startswith(province.path)
            ]
            counties = [j for j in inside if j.kind == "county"]
            self.regions[province.code] = counties or inside or [province]

    def province_of(self, region: Any) -> Any:
        return self.by_code.get(region.code[:2] + "0000", region)

    def city_of(self, region: Any) -> Any | None:
        city = self.by_code.get(region.code[:4] + "00")
        if city is None or city.kind != "city" or city.name in {"市辖区", "县"}:
            return None
        return city

    def place(self, rnd: random.Random, region: Any) -> str:
        """河南 or 洛阳: where a unit says it is from."""
        city = self.city_of(region)
        if city is not None and "直辖" not in city.name and rnd.random() < 0.5:
            return n.short_place(city.name)
        return n.short_place(self.province_of(region).name)

    def address(self, region: Any) -> str:
        province = self.province_of(region)
        city = self.city_of(region)
        parts = [province.name]
        if city is not None and city is not province:
            parts.append(city.name)
        if region is not province and region is not city:
            parts.append(region.name)
        return "".join(parts)


def _kind(rnd: random.Random) -> str:
    roll = rnd.random()
    for kind, share in KINDS:
        if roll < share:
            return kind
        roll -= share
    return "enterprise"


def generate_units(
    count: int, rnd: random.Random, places: Places, batch: int = 2000, out: Any = None
) -> Pool:
    """``count`` units with valid USCCs: a share in each profile's area, the rest spread over
    every province (each province has some)."""
    from lianmeng.core.models import Unit
    from lianmeng.policy.loader import get_profile

    from .bulk import insert

    taken = set(Unit.objects.exclude(uscc=None).values_list("uscc", flat=True))
    pool = Pool()
    serial = FIRST_SERIAL
    rows: list[Unit] = []

    def unit(region: Any) -> Unit:
        nonlocal serial
        kind = _kind(rnd)
        while True:
            serial += 1
            code = make_uscc(region.code, serial, kind)
            if code not in taken:
                break
        industry = rnd.choice(n.COMPANY_INDUSTRIES)
        row = Unit(
            name=n.unit_name(rnd, kind, places.place(rnd, region), industry),
            kind=kind,
            uscc=code,
            region=region,
        )
        rows.append(row)
        return row

    for profile, share in AREA_SHARES.items():
        area = places.by_code[get_profile(profile).jurisdiction.value]
        regions = [
            j
            for j in places.by_code.values()
            if j.kind == "county" and j.path.startswith(area.path)
        ]
        pool.areas[profile] = [
            unit(rnd.choice(regions)) for _ in range(max(8, round(count * share)))
        ]
    provinces = list(places.regions)
    rest = max(len(provinces), count - len(rows))
    for i in range(rest):
        # every province first, then anywhere
        province = provinces[i] if i < len(provinces) else rnd.choice(provinces)
        pool.national.append(unit(rnd.choice(places.regions[province])))
    pool.provinces = len(provinces)
    insert(rows)
    if out:
        out(f"  成员单位 {len(rows):,} 家，注册地遍及 {pool.provinces} 个省级行政区")
    return pool


REFERENCES = {"henan": "豫科", "luoyang": "洛科", "baoding": "保科", "heilongjiang": "黑科"}


class RealNames:
    """Alliance names as the registry holds them: 河南高性能铝基新材料产业技术创新战略联盟."""

    office = "科技主管部门"

    def __init__(self, places: Places) -> None:
        from lianmeng.policy.loader import get_profile

        self.places = places
        self.used: set[str] = set()
        self.prefixes: dict[str, list[str]] = {}
        for profile in AREA_SHARES:
            area = places.by_code[get_profile(profile).jurisdiction.value]
            inside = [
                j
                for j in places.by_code.values()
                if j.path.startswith(area.path)
                and j.code != area.code
                and j.kind == ("city" if area.kind == "province" else "county")
                and "辖" not in j.name
            ]
            self.prefixes[profile] = [area.name, n.short_place(area.name)] + [
                n.short_place(j.name) for j in inside
            ]

    def reference(self, profile: str) -> str:
        """豫科〔2024〕12号: the deciding department's short name in the document number."""
        return REFERENCES.get(profile, "科")

    def proposal(self, rnd: random.Random, profile: str, lead: Any = None) -> dict[str, str]:
        """A proposal's alliance name (one may be proposed again in a later year)."""
        return self.alliance(rnd, 0, profile, lead, unique=False)

    def _prefix(self, rnd: random.Random, profile: str, lead: Any) -> str:
        """The area's name, or half the time the lead unit's city (county for a city's
        alliances)."""
        if lead is not None and rnd.random() < 0.5:
            local = self.places.city_of(lead.region)
            if profile in {"luoyang", "baoding"}:
                local = lead.region
            if local is not None and "辖" not in local.name:
                return n.short_place(local.name)
        return rnd.choice(self.prefixes[profile][:2])

    def alliance(
        self,
        rnd: random.Random,
        number: int,
        profile: str,
        lead: Any = None,
        unique: bool = True,
    ) -> dict[str, str]:
        for attempt in range(50 if unique else 1):
            domain, focus, industry = rnd.choice(n.FIELDS)
            qualifier = rnd.choice(n.QUALIFIERS)
            prefix = (
                self._prefix(rnd, profile, lead)
                if attempt < 10
                else rnd.choice(self.prefixes[profile])
            )
            name = n.alliance_name(prefix, qualifier, industry)
            if name not in self.used:
                break
        else:
            if unique:
                name = n.alliance_name(self.prefixes[profile][0], qualifier, f"{industry}{number}")
        if unique:
            self.used.add(name)
        return {
            "name": name,
            "domain": domain,
            "focus_area": focus,
            "industry": industry,
            "product": f"{qualifier}{industry}产品",
        }

    def lead_unit(self, rnd: random.Random, serial: int, county: Any) -> tuple[str, str]:
        kind = _kind(rnd)
        industry = rnd.choice(n.COMPANY_INDUSTRIES)
        return n.unit_name(rnd, kind, self.places.place(rnd, county), industry), kind

    def member(self, serial: int) -> str:  # pragma: no cover - members are pool units
        return f"成员单位{serial}"

    def office_address(self, alliance: Any) -> str:
        return self.places.address(alliance.lead_unit.region)

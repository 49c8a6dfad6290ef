"""回避：判断一位专家能否评审一份申报（M-22）。

Four grounds, from the strongest:

``member_unit``    the expert's employer is the lead unit or a member of the proposal (by USCC
                   or organisation code in the roster) — never assigned, never shown;
``declared_unit``  the expert has declared a conflict with the lead unit or a member (former
                   employer, a company he advises …) — never assigned, never shown;
``declared_task``  the expert declared a conflict with this very task — not assigned again;
``same_area``      the profile excludes experts from the recommending area and the expert's
                   unit (or his own region) lies in it — not assigned automatically; staff may
                   assign him by hand with a written reason, which is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lianmeng.core.models import Jurisdiction, Unit

__all__ = [
    "HARD",
    "ConflictFinding",
    "expert_conflicts",
    "recommending_area_path",
    "roster_codes",
    "unit_codes",
]

#: grounds no one can override
HARD = frozenset({"member_unit", "declared_unit", "declared_task"})


@dataclass(frozen=True)
class ConflictFinding:
    ground: str
    message: str

    @property
    def hard(self) -> bool:
        return self.ground in HARD


def _norm(code: Any) -> str:
    return str(code or "").strip().upper()


def unit_codes(unit: Unit | None) -> set[str]:
    if unit is None:
        return set()
    return {c for c in (_norm(unit.uscc), _norm(unit.org_code)) if c}


def roster_codes(*, lead_unit: Unit | None, members: Any) -> set[str]:
    """Codes of the lead unit and of every member in the roster (``document["members"]``)."""
    codes = unit_codes(lead_unit)
    for member in members if isinstance(members, list) else []:
        if isinstance(member, dict):
            codes |= {c for c in (_norm(member.get("uscc")), _norm(member.get("org_code"))) if c}
    return codes


def recommending_area_path(
    *, profile_jurisdiction: str, region: Jurisdiction, zone: Jurisdiction | None
) -> str | None:
    """The path prefix of the area whose department recommended the proposal.

    The recommending department sits one level below the deciding one: for a provincial
    profile the city of the lead unit, for a city profile its county. A lead unit in a zone is
    recommended by the zone committee; zones hold no registered units, so the zone's own city
    stands for it. ``None`` when the lead unit is registered at the deciding level itself.
    """
    if zone is not None:
        parts = zone.path.strip("/").split("/")
        return "/".join(parts[:-1]) + "/" if len(parts) > 1 else None
    parts = region.path.strip("/").split("/")
    if profile_jurisdiction not in parts:
        return None
    index = parts.index(profile_jurisdiction)
    if index + 1 >= len(parts):
        return None
    return "/".join(parts[: index + 2]) + "/"


def expert_conflicts(
    *,
    employer: Unit | None,
    expert_region: Jurisdiction | None,
    declared: list[str],
    roster: set[str],
    area_path: str | None,
    exclude_same_area: bool,
    declared_task: bool = False,
) -> list[ConflictFinding]:
    """Every ground that keeps this expert from this proposal; empty when he may review it."""
    found: list[ConflictFinding] = []
    if unit_codes(employer) & roster:
        found.append(
            ConflictFinding("member_unit", "专家所在单位是该联盟的牵头单位或成员单位，须回避")
        )
    if {_norm(c) for c in declared} & roster:
        found.append(
            ConflictFinding("declared_unit", "专家已声明与该联盟的牵头单位或成员单位存在利害关系")
        )
    if declared_task:
        found.append(ConflictFinding("declared_task", "专家已声明对该申报回避"))
    if exclude_same_area and area_path:
        places = [employer.region if employer is not None else None, expert_region]
        if any(p is not None and p.path.startswith(area_path) for p in places):
            found.append(
                ConflictFinding("same_area", "专家所在单位位于该申报的推荐地区，按规定须回避")
            )
    return found

"""查重（M-16）：与已有联盟和在审申报比较名称、领域、产业和产品。

seed 001 二(一)2(3): 联盟在同一领域、同一产业(行业)、同一产品（品种），原则上只构建 1 家.
The eligibility rule ``alliance.unique_in_field`` flags the alliances whose name core,
industry or product is at least ``SIMILARITY_THRESHOLD`` alike; this module lists the close
ones with a score, so the applicant sees how close and why. It compares with the same
records the rule compares with (``checks.existing_alliances``: the same profile, submitted
and beyond, not withdrawn, not this one) and with the same functions, so that an alliance
is listed at or above the threshold exactly when the rule names it.

Below the threshold the score of the names is computed once more without what alliance
names share by form — region names (河南省, 洛阳市 …) and words such as 产业/技术/创新 —
so two alliances do not look alike only because both are "洛阳市…产业技术创新战略联盟".

Alliances that already exist (the registry, those imported from before the system) are not
this app's: the app that keeps them registers a source with
:func:`lianmeng.proposals.existing.register_existing_alliances` from its ``AppConfig.ready()``;
the duplicate list and ``checks.existing_alliances`` ask every registered source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lianmeng.core.models import Jurisdiction
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.similarity import (
    SIMILARITY_THRESHOLD,
    alliance_core,
    normalise,
    similarity,
)

from .checks import NOT_IN_PLAY
from .existing import existing_alliance_rows
from .models import Proposal

__all__ = [
    "LIST_THRESHOLD",
    "Candidate",
    "duplicate_candidates",
]

#: from this score a record is listed as close (a person looks; the rule decides at 80)
LIST_THRESHOLD = 50.0
#: words alliance names share by form, removed before the second look at two names
_FORM_WORDS = ("产业", "技术", "创新", "战略", "行业", "协同", "发展")
COMPARED = ("name", "industry", "product")


@dataclass(frozen=True)
class Candidate:
    """An alliance or pending proposal that may cover the same field, industry or product."""

    name: str
    lead_unit: str
    status: str
    #: 0–100: the closest of name, industry and product
    score: float
    #: what is alike: "name", "industry", "product" at or above the rule's threshold,
    #: and "focus_area" when both name the same 重点领域
    matched_on: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    #: named by ``alliance.unique_in_field`` (score at or above its threshold)
    flagged: bool = False
    reference: str = ""
    focus_area: str = ""
    industry: str = ""
    product: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "lead_unit": self.lead_unit,
            "status": self.status,
            "score": self.score,
            "matched_on": list(self.matched_on),
            "scores": dict(self.scores),
            "flagged": self.flagged,
            "reference": self.reference,
            "focus_area": self.focus_area,
            "industry": self.industry,
            "product": self.product,
        }


@cache
def _region_names() -> tuple[str, ...]:
    """Names of provinces, cities and counties, longest first, with their short forms."""
    names: set[str] = set()
    for name in Jurisdiction.objects.filter(kind__in=["province", "city", "county"]).values_list(
        "name", flat=True
    ):
        names.add(normalise(name))
        if len(name) >= 3 and name[-1] in "省市县区":
            names.add(normalise(name[:-1]))
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


def _without_form(core: str) -> str:
    """The name core without leading region names and words every alliance name has."""
    stripped = True
    while stripped:
        stripped = False
        for region in _region_names():
            if core.startswith(region) and len(core) > len(region):
                core = core[len(region) :]
                stripped = True
                break
    for word in _FORM_WORDS:
        if core != word:
            core = core.replace(word, "")
    return core


def _profile_regions(profile_id: str) -> tuple[str, ...]:
    """The region names the rule strips from names (the profile's name, with and without 省/市)."""
    try:
        name = get_profile(profile_id).name.value
    except UnknownProfileError:
        return ()
    return (name, name[:-1])


def _scores(
    mine: dict[str, str], other: dict[str, str], regions: tuple[str, ...]
) -> dict[str, float]:
    scores: dict[str, float] = {}
    if mine["name"] and other["name"]:
        left, right = alliance_core(mine["name"], regions), alliance_core(other["name"], regions)
        as_rule = similarity(left, right)
        if as_rule >= SIMILARITY_THRESHOLD:
            scores["name"] = as_rule
        else:
            scores["name"] = min(as_rule, similarity(_without_form(left), _without_form(right)))
    for key in ("industry", "product"):
        if mine[key] and other[key]:
            scores[key] = similarity(mine[key], other[key])
    return scores


def _facts(document: dict[str, Any]) -> dict[str, str]:
    return {
        key: str(document.get(key) or "").strip()
        for key in ("name", "industry", "product", "focus_area")
    }


def duplicate_candidates(proposal: Proposal, *, limit: int = 10) -> list[Candidate]:
    """The closest alliances and pending proposals of the same profile, best first."""
    mine = _facts(proposal.document or {})
    if not any(mine[key] for key in COMPARED):
        return []
    regions = _profile_regions(proposal.profile)
    rows = (
        Proposal.objects.filter(profile=proposal.profile)
        .exclude(status__in=NOT_IN_PLAY)
        .exclude(pk=proposal.pk)
        .order_by("created_at", "id")
        .values("id", "name", "industry", "product", "focus_area", "status", "lead_unit__name")
    )
    found = []
    existing = existing_alliance_rows(proposal.profile)
    for row in [*({**r, "reference": f"proposal:{r['id']}"} for r in rows), *existing]:
        other = {key: (row[key] or "").strip() for key in ("name", "industry", "product")}
        scores = _scores(mine, other, regions)
        score = max(scores.values(), default=0.0)
        if score < LIST_THRESHOLD:
            continue
        matched = [key for key in COMPARED if scores.get(key, 0.0) >= SIMILARITY_THRESHOLD]
        same_focus = bool(mine["focus_area"]) and normalise(mine["focus_area"]) == normalise(
            row["focus_area"] or ""
        )
        if same_focus:
            matched.append("focus_area")
        found.append(
            Candidate(
                name=row["name"],
                lead_unit=row["lead_unit__name"],
                status=row["status"],
                score=round(score, 1),
                matched_on=matched,
                scores=scores,
                flagged=score >= SIMILARITY_THRESHOLD,
                reference=row["reference"],
                focus_area=row["focus_area"] or "",
                industry=row["industry"] or "",
                product=row["product"] or "",
            )
        )
    found.sort(key=lambda c: (-c.score, "focus_area" not in c.matched_on, c.name))
    return found[:limit]

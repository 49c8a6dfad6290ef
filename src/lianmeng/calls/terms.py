"""A stored call as the policy engine reads it (lianmeng.policy.models.Call).

The engine judges ``call.within_window``, ``call.focus_area`` and ``materials.complete``
against this call instead of the profile's call of the proposal's year. Material titles come
from the profile (its call of the same year when it has one, else its material list), so
the engine's messages name the documents the way the policy does.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from lianmeng.core.clock import as_beijing
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.models import (
    Call as PolicyCall,
)
from lianmeng.policy.models import (
    Citation,
    Cited,
    Contact,
    OfficeHours,
    PaperWindow,
    Profile,
    RequiredMaterial,
)

#: fallback titles for material kinds the profile does not name
MATERIAL_TITLES = {
    "proposal_form": "产业技术创新战略联盟构建建议书",
    "feasibility_report": "产业技术创新战略联盟构建可行性研究报告",
    "recommendation_form": "产业技术创新战略联盟推荐表",
    "agreement": "产业技术创新战略联盟协议书",
    "charter": "联盟章程",
    "recommendation_letter": "推荐函",
    "business_license": "营业执照",
    "other": "其他材料",
}


def _profile(call: Any) -> Profile | None:
    try:
        return get_profile(call.profile)
    except UnknownProfileError:
        return None


def material_titles(call: Any, profile: Profile | None = None) -> dict[str, str]:
    """{kind: title} for the call's required materials, worded as the profile words them."""
    profile = profile if profile is not None else _profile(call)
    titles: dict[str, str] = {}
    if profile is not None:
        for item in profile.materials:
            titles[item.value.kind] = item.value.title
        same_year = profile.call_for(call.year)
        if same_year is not None:
            for item in same_year.materials:
                titles[item.value.kind] = item.value.title
    return {kind: titles.get(kind, MATERIAL_TITLES.get(kind, kind)) for kind in call_kinds(call)}


def call_kinds(call: Any) -> list[str]:
    return [str(kind) for kind in call.required_materials or []]


def _citation(call: Any, profile: Profile | None) -> tuple[Citation, PolicyCall | None]:
    """The seed article when the profile carries this very call (same year and title)."""
    same = profile.call_for(call.year) if profile is not None else None
    if same is not None and same.title.value == call.title:
        return same.online_closes.citation, same
    label = f"《{call.title}》" + (f"（{call.document_number}）" if call.document_number else "")
    return Citation(seed=label, article="申报通知"), None


def _paper_window(call: Any) -> PaperWindow | None:
    days = [d for d in call.paper_days or [] if d.get("date")]
    if not days:
        return None
    hours = [
        OfficeHours(start=time.fromisoformat(start), end=time.fromisoformat(end))
        for start, end in days[0].get("hours") or []
    ]
    return PaperWindow(
        first_day=date.fromisoformat(days[0]["date"]),
        last_day=date.fromisoformat(days[-1]["date"]),
        hours=hours,
    )


def call_terms(call: Any) -> PolicyCall:
    """The policy engine's Call for a stored :class:`lianmeng.calls.models.Call`."""
    profile = _profile(call)
    citation, seeded = _citation(call, profile)

    def cited(value: Any, seed_value: Cited[Any] | None = None) -> Any:
        return Cited(value=value, citation=seed_value.citation if seed_value else citation)

    titles = material_titles(call, profile)
    materials = [
        Cited(
            value=RequiredMaterial(kind=kind, title=titles[kind]),
            citation=next(
                (m.citation for m in (seeded.materials if seeded else []) if m.value.kind == kind),
                citation,
            ),
        )
        for kind in call_kinds(call)
    ]
    paper = _paper_window(call)
    contacts = [
        Contact(name=c["name"], phone=c["phone"], office=c.get("office") or None)
        for c in call.contacts or []
        if c.get("name") and c.get("phone")
    ]
    return PolicyCall(
        year=cited(int(call.year), seeded.year if seeded else None),
        title=cited(call.title, seeded.title if seeded else None),
        online_opens=cited(
            as_beijing(call.online_opens_at), seeded.online_opens if seeded else None
        ),
        online_closes=cited(
            as_beijing(call.online_closes_at), seeded.online_closes if seeded else None
        ),
        paper_window=cited(paper, seeded.paper_window if seeded else None) if paper else None,
        place=cited(call.paper_place, seeded.place if seeded else None)
        if call.paper_place
        else None,
        contacts=cited(contacts, seeded.contacts if seeded else None) if contacts else None,
        focus_areas=cited(list(call.focus_areas), seeded.focus_areas if seeded else None)
        if call.focus_areas
        else None,
        materials=materials,
    )

"""Patents and standards at scale, held and drafted by the alliances' members, each with the
``search_text`` the search needs (lianmeng.ipbase.search.search_text_for, as any loader must)."""

from __future__ import annotations

import random
from typing import Any

from . import names as n

STANDARD_LEVELS = {
    "GB/T": "national",
    "DB41/T": "local",
    "DB13/T": "local",
    "DB23/T": "local",
    "T/CAS": "group",
    "T/HNKJ": "group",
}
STANDARD_PREFIXES = [
    "GB/T",
    "JB/T",
    "YS/T",
    "NY/T",
    "DB41/T",
    "DB13/T",
    "DB23/T",
    "T/CAS",
    "T/HNKJ",
]


def generate_ipbase(
    alliances: list[Any],
    rosters: dict[int, list[Any]],
    n_patents: int,
    n_standards: int,
    rnd: random.Random,
    batch: int = 2000,
    out: Any = None,
) -> dict[str, int]:
    from lianmeng.core import clock
    from lianmeng.ipbase.models import Patent, Standard
    from lianmeng.ipbase.numbers import patent_check_char
    from lianmeng.ipbase.search import search_text_for

    from .bulk import insert

    now = clock.now()
    today = clock.beijing_now().date()
    seen = set(Patent.objects.values_list("number", flat=True))
    patents: list[Patent] = []
    made = 0
    while made < n_patents:
        year = rnd.randrange(2010, today.year + 1)
        kind_digit = rnd.choice("11123")
        digits = f"{year}{kind_digit}{rnd.randrange(10_000_000):07d}"
        number = f"ZL{digits}.{patent_check_char(digits)}"
        if number in seen:
            continue
        seen.add(number)
        alliance = alliances[made % len(alliances)]
        roster = rosters.get(alliance.pk) or [alliance.lead_unit]
        title = n.patent_title(rnd)
        holders = [
            {"name": u.name, "uscc": u.uscc} for u in rnd.sample(roster, min(2, len(roster)))
        ]
        patents.append(
            Patent(
                number=number,
                title=title,
                kind={"1": "invention", "2": "utility", "3": "design"}[kind_digit],
                status=rnd.choice(["granted", "granted", "applied", "lapsed"]),
                holders=holders,
                licences_inside=rnd.randrange(5),
                licences_outside=rnd.randrange(3),
                alliance=alliance,
                region=alliance.jurisdiction,
                field=alliance.domain,
                year=rnd.randrange(max(2015, year), today.year + 1),
                search_text=search_text_for(title, number, [h["name"] for h in holders]),
                created_at=now,
                updated_at=now,
            )
        )
        made += 1
        if len(patents) >= batch * 5:
            insert(patents)
            patents = []
    insert(patents)

    taken = set(Standard.objects.values_list("number", flat=True))
    standards: list[Standard] = []
    serial = 0
    while len(standards) < n_standards:
        serial += 1
        alliance = alliances[serial % len(alliances)]
        prefix = rnd.choice(STANDARD_PREFIXES)
        number = f"{prefix} {serial + 10000}-{rnd.randrange(2015, today.year + 1)}"
        if number in taken:
            continue
        roster = rosters.get(alliance.pk) or [alliance.lead_unit]
        title = n.standard_title(rnd)
        drafters = [{"name": u.name, "uscc": u.uscc} for u in roster[:2]]
        standards.append(
            Standard(
                number=number,
                title=title,
                level=STANDARD_LEVELS.get(prefix, "industry"),
                status=rnd.choice(["published", "published", "drafting", "abolished"]),
                drafters=drafters,
                alliance=alliance,
                region=alliance.jurisdiction,
                field=alliance.domain,
                year=rnd.randrange(2015, today.year + 1),
                search_text=search_text_for(title, number, [d["name"] for d in drafters]),
                created_at=now,
                updated_at=now,
            )
        )
    insert(standards)
    if out:
        out(f"  专利 {n_patents:,} 件、标准 {n_standards:,} 项")
    return {"patents": n_patents, "standards": n_standards}

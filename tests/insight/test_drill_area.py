"""The drill-down list of alliances reads each alliance's area as one column of its row
(lianmeng.insight.selectors.area_of, issue 17); it must hold exactly the alliances that
``alliance_area_q`` (the snapshot's figures) and ``_region_q`` select."""

from __future__ import annotations

from datetime import date

from lianmeng.alliances.models import Alliance
from lianmeng.core.models import Jurisdiction
from lianmeng.insight.selectors import (
    DrillFilters,
    _region_q,
    alliance_area_q,
    alliance_drill,
    scope_of,
)


def _legacy(lead, code: str, name: str) -> Alliance:
    """An alliance of the legacy registry (no proposal): it lies where its lead unit is."""
    return Alliance.objects.create(
        source="legacy",
        profile="henan",
        level="provincial",
        name=name,
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        status="recognised",
        decided_on=date(2012, 5, 1),
    )


def test_drill_area_is_the_snapshots_area(dash, make_unit):
    from lianmeng.proposals.models import Proposal

    # legacy alliances led from 涧西区 and from 保定, decided by the province
    _legacy(dash.ly, "410000", "河南省历史联盟甲")
    _legacy(make_unit("130602", name="保定历史单位"), "410000", "河南省历史联盟乙")
    # a lead unit that moved to 涧西区 after its legacy alliance was registered
    moved_unit = make_unit("130602", name="迁入洛阳的单位")
    legacy = _legacy(moved_unit, "410000", "河南省历史联盟丙")
    type(moved_unit).objects.filter(pk=moved_unit.pk).update(
        region=Jurisdiction.objects.get(code="410305")
    )
    # a proposal filed in 老城区 by a unit registered in 郑州: the proposal's region counts
    moved = dash.hn_zz2
    Proposal.objects.filter(pk=moved.proposal_id).update(
        region=Jurisdiction.objects.get(code="410302")
    )
    codes = ["", "410000", "410100", "410300", "410302", "410305", "130600", "999999"]
    checked = 0
    for viewer in (dash.henan, dash.luoyang, dash.jianxi, dash.baoding):
        scope = scope_of(viewer)
        for code in codes:
            got = set(
                alliance_drill(viewer=viewer, filters=DrillFilters(region=code)).values_list(
                    "pk", flat=True
                )
            )
            expected = Alliance.objects.filter(alliance_area_q(scope))
            if code:
                expected = expected.filter(_region_q(scope, code))
            assert got == set(expected.values_list("pk", flat=True)), (scope.code, code)
            checked += bool(got)
    assert checked >= 8
    # the moved alliance is Luoyang's now, no longer 郑州's
    luoyang = alliance_drill(viewer=dash.luoyang, filters=DrillFilters())
    assert luoyang.filter(pk=moved.pk).exists()
    henan = alliance_drill(viewer=dash.henan, filters=DrillFilters(region="410100"))
    assert not henan.filter(pk=moved.pk).exists()
    jianxi = alliance_drill(viewer=dash.jianxi, filters=DrillFilters())
    assert jianxi.filter(pk=legacy.pk).exists()
    # the list's order and its count are those of the page
    rows = alliance_drill(viewer=dash.henan, filters=DrillFilters())
    assert rows.count() == len(list(rows)) == 9
    assert [a.decided_on for a in rows] == sorted((a.decided_on for a in rows), reverse=True)

"""Authorisation rules of the overlap and chain analysis (lianmeng.insight.views_overlap).

Department staff (recommending, competent, coordination) open every page, each seeing its own
area only (tests/insight/test_overlap_pages.py checks who sees what); a unit drill-down takes
``?uscc=`` (without it the page sends back to the list); an alliance's chain page takes the
alliance, found only in the department's area. 刷新 recomputes the area's figures: refused, it
leaves the snapshot table and the audit log unchanged.
"""

from __future__ import annotations

from tests.web.authz_rules import GET, JURISDICTION, POST, STAFF, Rule

PAGES: dict[str, Rule] = {
    "insight:overlap": Rule(STAFF),
    "insight:overlap_unit": Rule(STAFF, note="without ?uscc= it sends back to the list (302)"),
    "insight:overlap_xlsx": Rule(STAFF),
    "insight:overlap_refresh": Rule(STAFF, methods=POST, unchanged=("insight.Snapshot",)),
    "insight:network": Rule(STAFF),
    "insight:network_xlsx": Rule(STAFF),
    "insight:chains": Rule(STAFF),
    "insight:chains_xlsx": Rule(STAFF),
    "insight:chain_alliance": Rule(
        STAFF,
        JURISDICTION,
        "alliance",
        GET,
        demo_lacks="the county's own-area alliance of the matrix lies in another county",
    ),
}

API: dict[str, Rule] = {}

"""Authorisation rules of the department dashboard (lianmeng.insight.views_dashboard, the API's
``GET /insight/dashboard``).

Department staff (recommending, competent, coordination) open the dashboard, its exports and
the lists behind its bars, each seeing its own area and below (tests/insight/test_dashboard.py
checks the figures per area and that another province sees nothing). 刷新 recomputes the
area's figures: refused, it leaves the snapshot table and the audit log unchanged.
"""

from __future__ import annotations

from tests.web.authz_rules import POST, STAFF, Rule

PAGES: dict[str, Rule] = {
    "insight:dashboard": Rule(STAFF),
    "insight:dashboard_refresh": Rule(STAFF, methods=POST, unchanged=("insight.Snapshot",)),
    "insight:dashboard_xlsx": Rule(STAFF),
    "insight:alliances": Rule(STAFF),
    "insight:proposals": Rule(STAFF),
}

API: dict[str, Rule] = {
    "GET /api/v1/insight/dashboard": Rule(STAFF, note="each department its own area's figures"),
}

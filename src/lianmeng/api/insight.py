"""Dashboards, member overlap and industrial-chain coverage (M-60).

``GET /insight/dashboard`` gives the department dashboard of the caller's jurisdiction and below
as the page shows it: every chart's table (category, series, one row per bar with its values)
for the years asked, and when the figures were computed. Department staff only (403 for
anyone else); the figures come from the stored snapshot, computed on the spot the first time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lianmeng.core.errors import PermissionDenied

from .schemas import READ_ERRORS

router = Router(tags=["数据驾驶舱"])


class DashboardFilters(Schema):
    year_from: int | None = None
    year_to: int | None = None


class ChartRowOut(Schema):
    label: str
    values: list[float | int | None]


class ChartOut(Schema):
    id: str
    title: str
    unit: str
    category: str
    series: list[str]
    note: str
    rows: list[ChartRowOut]


class DashboardOut(Schema):
    scope: str
    scope_name: str
    computed_at: datetime
    duration_ms: int
    years: list[int]
    charts: list[ChartOut]


@router.get(
    "/insight/dashboard",
    response={200: DashboardOut, **READ_ERRORS},
    summary="数据驾驶舱（本辖区及下级地区的统计图表数据）",
)
def dashboard(request: HttpRequest, filters: Query[DashboardFilters]) -> Any:
    from lianmeng.insight import dashboard as figures
    from lianmeng.insight import selectors, services

    scope = selectors.scope_of(request.user)
    if scope is None or not request.user.has_perm("insight.view"):
        raise PermissionDenied("数据驾驶舱只对科技主管部门和推荐部门的工作人员开放。")
    row = services.dashboard_snapshot(scope)
    charts = figures.charts_of(row.data, filters.year_from, filters.year_to)
    return {
        "scope": scope.code,
        "scope_name": scope.name,
        "computed_at": row.computed_at,
        "duration_ms": row.duration_ms,
        "years": row.data.get("years", []),
        "charts": [
            {
                "id": c.id,
                "title": c.title,
                "unit": c.unit,
                "category": c.category,
                "series": c.series,
                "note": c.note,
                "rows": [{"label": r.label, "values": r.values} for r in c.rows],
            }
            for c in charts
        ],
    }

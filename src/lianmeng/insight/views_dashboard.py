"""数据驾驶舱 pages of the departments (M-60).

- ``dashboard``: the figures of the viewer's jurisdiction and below, read from one snapshot
  (lianmeng.insight.dashboard; computed on the spot the first time), with the time they were
  computed; a year filter (from/to) sums the snapshot's per-year figures; every chart is an SVG
  drawn on the server with its table beside it, each bar a link to the list behind it;
- ``dashboard_refresh``: 刷新 (POST, rate-limited, audited; queued when a task queue exists);
- ``dashboard_xlsx``: one chart's table (``?chart=``) or every table in one workbook;
- ``alliances`` / ``proposals``: the live lists behind a bar (paginated, 20 a page).

Every read starts from the viewer's area (lianmeng.insight.selectors); anyone who is not
department staff is refused by the gate (``insight.view``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import permission
from lianmeng.core.clock import format_moment
from lianmeng.core.errors import DomainError
from lianmeng.documents.xlsx import xlsx_response
from lianmeng.ui.errors import error_page

from . import dashboard, exports, selectors, services
from .selectors import DrillFilters, drill_filters

PER_PAGE = 20
#: 刷新 recomputes the whole area: a few times a minute per account is plenty
REFRESH_RATE = "6/m"


def _no_scope(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        403,
        _("无权访问"),
        _("数据驾驶舱只对科技主管部门和推荐部门的工作人员开放；您的账号没有所属辖区。"),
    )


def _years(request: HttpRequest) -> tuple[int | None, int | None]:
    f = drill_filters(request.GET)
    lo, hi = f.year_from, f.year_to
    if lo and hi and lo > hi:
        lo, hi = hi, lo
    return lo, hi


def _context(request: HttpRequest) -> dict[str, Any] | None:
    scope = selectors.scope_of(request.user)
    if scope is None:
        return None
    row = services.dashboard_snapshot(scope)
    lo, hi = _years(request)
    charts = dashboard.charts_of(row.data, lo, hi)
    return {
        "scope": scope,
        "snapshot": row,
        "computed_at": format_moment(row.computed_at, seconds=False),
        "charts": charts,
        "summary": dashboard.summary_of(row.data, lo, hi),
        "years": row.data.get("years", []),
        "year_from": lo or "",
        "year_to": hi or "",
        "targets": row.data.get("targets"),
        "queued": services.queued(),
    }


@permission("insight.view")
def dashboard_page(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    if context is None:
        return _no_scope(request)
    return render(request, "insight/dashboard.html", context)


@permission("insight.view")
@require_POST
@ratelimit(key="user", rate=REFRESH_RATE, method="POST", block=False)
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return error_page(
            request, 429, _("操作过于频繁"), _("刚刚已经刷新过，请稍等一分钟再刷新。")
        )
    try:
        row = services.dashboard_refresh(actor=request.user)
    except DomainError as exc:
        return error_page(request, exc.status, _("无法完成"), _(exc.message))
    if row is None:
        messages.info(request, _("已提交刷新任务，稍后重新打开本页即可看到新的数据。"))
    else:
        messages.success(
            request,
            _("数据已更新（用时 %(ms)s 毫秒）。") % {"ms": row.duration_ms},
        )
    return redirect("insight:dashboard")


@permission("insight.view")
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    if context is None:
        return _no_scope(request)
    charts = context["charts"]
    wanted = request.GET.get("chart") or ""
    stamp = context["snapshot"].computed_at
    if wanted:
        chart = next((c for c in charts if c.id == wanted), None)
        if chart is None:
            return error_page(request, 404, _("未找到"), _("没有这个图表。"))
        content = exports.chart_xlsx(chart, context["scope"], stamp)
        name = f"{context['scope'].name}-{chart.title}.xlsx".replace(" · ", "-")
    else:
        content = exports.workbook_xlsx(charts, context["scope"], stamp)
        name = f"{context['scope'].name}-{_('数据驾驶舱')}.xlsx"
    response = xlsx_response(content, name)
    response["Cache-Control"] = "private, no-store"
    return response


def _page(request: HttpRequest, rows: Any) -> Any:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return page


def _describe(f: DrillFilters, scope_name: str) -> list[str]:
    from lianmeng.alliances.models import Alliance

    parts = []
    if f.level:
        parts.append(_("级别：%s") % dashboard.level_label(f.level))
    if f.levels:
        parts.append(_("级别：%s") % _("、").join(dashboard.level_label(v) for v in f.levels))
    if f.domain:
        parts.append(
            _("领域：%s")
            % (
                _("未填写")
                if f.domain == dashboard.BLANK
                else dict(Alliance._meta.get_field("domain").choices).get(f.domain, f.domain)
            )
        )
    if f.status:
        parts.append(_("状态：%s") % dict(Alliance.Status.choices).get(f.status, f.status))
    if f.region:
        from lianmeng.core.models import Jurisdiction

        name = Jurisdiction.objects.filter(code=f.region).values_list("name", flat=True).first()
        parts.append(_("地区：%s") % (name or f.region))
    if f.year_from or f.year_to:
        parts.append(_("决定年度：%(a)s—%(b)s") % {"a": f.year_from or "", "b": f.year_to or ""})
    if f.alive_in:
        parts.append(_("%s 年底已决定且未撤销、未解散") % f.alive_in)
    if f.grade and f.grade_year:
        parts.append(_("%(y)s 年度评价等级：%(g)s") % {"y": f.grade_year, "g": f.grade})
    return parts


@permission("insight.view")
def alliances(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_of(request.user)
    if scope is None:
        return _no_scope(request)
    filters = drill_filters(request.GET)
    rows = selectors.alliance_drill(viewer=request.user, filters=filters)
    page = _page(request, rows)
    return render(
        request,
        "insight/dashboard_alliances.html",
        {
            "scope": scope,
            "page_obj": page,
            "page_range": page.range,
            "total": page.paginator.count,
            "criteria": _describe(filters, scope.name),
            "levels": {k: dashboard.level_label(k) for k in dashboard.LEVEL_LABELS},
        },
    )


@permission("insight.view")
def proposals(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_of(request.user)
    if scope is None:
        return _no_scope(request)
    stage = (request.GET.get("stage") or "")[:20]
    profile = (request.GET.get("profile") or "")[:30]
    rows = selectors.proposal_drill(viewer=request.user, stage=stage, profile=profile)
    page = _page(request, rows)
    return render(
        request,
        "insight/dashboard_proposals.html",
        {
            "scope": scope,
            "page_obj": page,
            "page_range": page.range,
            "total": page.paginator.count,
            "stage": stage,
            "stage_label": dashboard.stage_label(stage, profile),
        },
    )

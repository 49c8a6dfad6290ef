"""成员交叉与产业链 pages of a department (M-60), read from its area's snapshot.

- ``overlap``: member units in two alliances or more (by USCC), filterable by field, minimum
  number of alliances and name/USCC; ``overlap_unit`` (``?uscc=``): one unit's alliances, each
  linked to the registry;
- ``network``: the alliances linked by shared members, drawn as SVG, with the table of every
  pair beside it;
- ``chains``: industrial-chain coverage per field and per alliance, gaps marked (缺上游 …);
  ``chain_alliance``: one alliance's member units by chain position (a live query of its
  workspace);
- ``overlap_refresh`` (POST, rate-limited, audited) recomputes the area's figures;
- ``*_xlsx``: the shared units, the pairs and the chain coverage as spreadsheets.

Tables are paginated in Python from the stored JSON: the same few queries whatever the size of
the area (no count runs on a request, except when the area has no figures yet).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError
from lianmeng.core.selectors import viewer_scope
from lianmeng.documents.xlsx import write_table, xlsx_response
from lianmeng.proposals.models import Proposal
from lianmeng.running.models import Member
from lianmeng.ui.errors import error_page

from . import network
from .overlap import (
    POSITIONS,
    alliance_in_area,
    chain_rule,
    gap_label,
    overlap_refresh,
    position_label,
    scope_profile,
    snapshot_for,
)

PER_PAGE = 20
REFRESH_RATE = "6/m"
NOT_FOUND = gettext_noop("未找到该联盟，或它不在您的辖区内。")


# -- helpers --------------------------------------------------------------------------------------


def _page(request: HttpRequest, rows: list[Any], key: str = "page") -> Any:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get(key))
    page.range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return page


def _domains() -> dict[str, str]:
    return {value: str(label) for value, label in Proposal.Domain.choices}


def _int(value: Any, default: int, lowest: int, highest: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(lowest, min(highest, number))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _gaps(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"position": p, "label": gap_label(p), "required": row.get("required", False)}
        for p in row.get("missing") or []
    ]


def _common(request: HttpRequest, snapshot: Any, data: dict[str, Any]) -> dict[str, Any]:
    scope = viewer_scope(request.user)
    profile = scope_profile(scope)
    rule = chain_rule(profile) if profile else None
    return {
        "snapshot": snapshot,
        "scope": scope,
        "totals": data.get("totals") or {},
        "domains": _domains(),
        "rule": rule,
        "rule_positions": [position_label(p) for p in (rule or {}).get("positions", [])],
    }


def _no_area(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        404,
        _("没有所属辖区"),
        _("您的账号没有所属辖区，看不到成员交叉与产业链分析。请联系系统管理员设置辖区。"),
    )


# -- shared units -----------------------------------------------------------------------------------


def _unit_filters(request: HttpRequest) -> dict[str, Any]:
    domain = request.GET.get("field", "")
    return {
        "field": domain if domain in _domains() else "",
        "min": _int(request.GET.get("min"), 2, 2, 1000),
        "q": (request.GET.get("q") or "").strip()[:60],
    }


def _units(data: dict[str, Any], filters: dict[str, Any]) -> list[tuple[dict[str, Any], list]]:
    """The shared units the filters keep, each with the alliances that count (no copy of the
    stored rows: the page builds what it shows for its 20 rows only)."""
    alliances = data.get("alliances") or {}
    q = filters["q"].lower()
    found = []
    for unit in data.get("units") or []:
        ids = unit["alliances"]
        if len(ids) < filters["min"]:
            break  # the stored list is ordered by the number of alliances, most first
        if filters["field"]:
            ids = [a for a in ids if alliances.get(str(a), {}).get("domain") == filters["field"]]
            if len(ids) < filters["min"]:
                continue
        if q and q not in unit["name"].lower() and q not in unit["uscc"].lower():
            continue
        found.append((unit, ids))
    return found


def _unit_row(data: dict[str, Any], unit: dict[str, Any], ids: list) -> dict[str, Any]:
    alliances = data.get("alliances") or {}
    return {
        "uscc": unit["uscc"],
        "name": unit["name"],
        "count": len(ids),
        "alliances": [
            {"id": a, "name": alliances.get(str(a), {}).get("name", str(a))} for a in ids
        ],
    }


@permission("insight.view")
def overlap(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    filters = _unit_filters(request)
    page = _page(request, _units(data, filters))
    context = {
        **_common(request, snapshot, data),
        "filters": filters,
        "page_obj": page,
        "page_range": page.range,
        "units": [_unit_row(data, unit, ids) for unit, ids in page.object_list],
        "active": "overlap",
    }
    return render(request, "insight/overlap.html", context)


@permission("insight.view")
def overlap_unit(request: HttpRequest) -> HttpResponse:
    uscc = (request.GET.get("uscc") or "").strip().upper()[:18]
    if not uscc:
        return redirect("insight:overlap")
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    unit = next((u for u in data.get("units") or [] if u["uscc"] == uscc), None)
    if unit is None:
        return error_page(
            request,
            404,
            _("未找到"),
            _("本辖区的分析中没有该统一社会信用代码的交叉成员单位（至少属于两个联盟）。"),
        )
    alliances = data.get("alliances") or {}
    rows = []
    for pk in unit["alliances"]:
        row = alliances.get(str(pk), {})
        rows.append({"id": pk, **row, "gaps": _gaps(row)})
    context = {
        **_common(request, snapshot, data),
        "unit": unit,
        "rows": rows,
        "active": "overlap",
    }
    return render(request, "insight/overlap_unit.html", context)


# -- the network ------------------------------------------------------------------------------------


def _edges(data: dict[str, Any], filters: dict[str, Any]) -> list[list[int]]:
    """The stored pairs ([a, b, shared], most shared first) the filters keep."""
    edges = data.get("edges") or []
    if not (filters["field"] or filters["q"] or filters["min"] > 1):
        return edges
    alliances = data.get("alliances") or {}
    q = filters["q"].lower()
    rows = []
    for edge in edges:
        if edge[2] < filters["min"]:
            break  # ordered by the number shared, most first
        left, right = alliances.get(str(edge[0]), {}), alliances.get(str(edge[1]), {})
        if filters["field"] and filters["field"] not in (left.get("domain"), right.get("domain")):
            continue
        if q and q not in left.get("name", "").lower() and q not in right.get("name", "").lower():
            continue
        rows.append(edge)
    return rows


def _edge_row(data: dict[str, Any], edge: list[int]) -> dict[str, Any]:
    alliances = data.get("alliances") or {}
    a, b, n = edge
    return {
        "a": a,
        "b": b,
        "a_name": alliances.get(str(a), {}).get("name", str(a)),
        "b_name": alliances.get(str(b), {}).get("name", str(b)),
        "count": n,
    }


@permission("insight.view")
def network_page(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    domain = request.GET.get("field", "")
    filters = {
        "field": domain if domain in _domains() else "",
        "min": _int(request.GET.get("min"), 1, 1, 1000),
        "q": (request.GET.get("q") or "").strip()[:60],
    }
    page = _page(request, _edges(data, filters))
    drawing = network.drawing(data.get("graph") or {}, data.get("alliances") or {})
    domains = _domains()
    for item in drawing["legend"]:
        item["label"] = domains.get(item["domain"], item["domain"] or _("未填写领域"))
    context = {
        **_common(request, snapshot, data),
        "filters": filters,
        "page_obj": page,
        "page_range": page.range,
        "edges": [_edge_row(data, edge) for edge in page.object_list],
        "drawing": drawing,
        "drawn_edges": len(drawing["edges"]),
        "active": "network",
    }
    return render(request, "insight/network.html", context)


# -- chain coverage ---------------------------------------------------------------------------------


def _chain_ids(data: dict[str, Any], filters: dict[str, Any]) -> list[int]:
    """The alliances the filters keep, in the stored order (gaps first, then by name)."""
    alliances = data.get("alliances") or {}
    order = data.get("chain_order") or []
    if not (filters["field"] or filters["gaps"] or filters["q"]):
        return order
    q = filters["q"].lower()
    kept = []
    for pk in order:
        row = alliances.get(str(pk), {})
        if filters["field"] and row.get("domain") != filters["field"]:
            continue
        if filters["gaps"] and not row.get("missing"):
            continue
        if q and q not in row.get("name", "").lower():
            continue
        kept.append(pk)
    return kept


def _chain_row(data: dict[str, Any], pk: int) -> dict[str, Any]:
    row = (data.get("alliances") or {}).get(str(pk), {})
    return {"id": pk, **row, "gaps": _gaps(row)}


def _chain_rows(data: dict[str, Any], filters: dict[str, Any]) -> list[dict[str, Any]]:
    return [_chain_row(data, pk) for pk in _chain_ids(data, filters)]


def _chain_filters(request: HttpRequest) -> dict[str, Any]:
    domain = request.GET.get("field", "")
    return {
        "field": domain if domain in _domains() else "",
        "gaps": request.GET.get("gaps") == "1",
        "q": (request.GET.get("q") or "").strip()[:60],
    }


@permission("insight.view")
def chains(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    filters = _chain_filters(request)
    page = _page(request, _chain_ids(data, filters))
    alliances = data.get("alliances") or {}
    domains = _domains()
    fields = []
    for f in data.get("fields") or []:
        gap_rows = [alliances.get(str(pk), {}) for pk in f.get("gaps") or []]
        fields.append(
            {
                **f,
                "label": domains.get(f["domain"], f["domain"] or _("未填写领域")),
                "gap_count": len(gap_rows),
                "gap_names": [r.get("short", "") for r in gap_rows[:5]],
                "field_gaps": [{"label": gap_label(p)} for p in f.get("missing") or []],
            }
        )
    context = {
        **_common(request, snapshot, data),
        "filters": filters,
        "fields": fields,
        "page_obj": page,
        "page_range": page.range,
        "rows": [_chain_row(data, pk) for pk in page.object_list],
        "positions": [(p, position_label(p)) for p in POSITIONS],
        "active": "chains",
    }
    return render(request, "insight/chains.html", context)


@permission("insight.view")
def chain_alliance(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = alliance_in_area(request.user, pk)
    if alliance is None:
        return error_page(request, 404, _("未找到"), _(NOT_FOUND))
    position = request.GET.get("position", "")
    if position not in (*POSITIONS, "unset"):
        position = ""
    members = Member.objects.filter(workspace__alliance_id=alliance.pk, left_on__isnull=True)
    annotated = members.annotate(position=KT("details__chain_position"))
    if position == "unset":
        rows = annotated.exclude(details__chain_position__in=POSITIONS)
    elif position:
        rows = annotated.filter(details__chain_position=position)
    else:
        rows = annotated
    page = _page(request, rows.order_by("role", "name", "id"))
    rule = chain_rule(alliance.profile)
    counts = {p: 0 for p in POSITIONS}
    enterprises = 0
    for kind, value in annotated.values_list("kind", "position"):
        if kind == "enterprise":
            enterprises += 1
            if value in counts:
                counts[value] += 1
    wanted = rule["positions"] if rule else list(POSITIONS)
    missing = [p for p in wanted if not counts[p]] if members.exists() else []
    context = {
        "alliance": alliance,
        "rule": rule,
        "rule_positions": [position_label(p) for p in (rule or {}).get("positions", [])],
        "position": position,
        "positions": [(p, position_label(p), counts[p]) for p in POSITIONS],
        "enterprises": enterprises,
        "gaps": [{"label": gap_label(p), "required": rule is not None} for p in missing],
        "page_obj": page,
        "page_range": page.range,
        "members": [
            {
                "name": m.name,
                "uscc": m.uscc,
                "kind": m.get_kind_display() if m.kind else "",
                "role": m.get_role_display(),
                "position": position_label(m.position) if m.position in POSITIONS else "",
            }
            for m in page.object_list
        ],
        "active": "chains",
    }
    return render(request, "insight/chains_alliance.html", context)


# -- refresh ------------------------------------------------------------------------------------------

_BACK = {"overlap": "insight:overlap", "network": "insight:network", "chains": "insight:chains"}


@permission("insight.view")
@require_POST
@ratelimit(key="user", rate=REFRESH_RATE, method="POST", block=False)
def refresh(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return error_page(
            request,
            429,
            _("刷新过于频繁"),
            _("一分钟内已刷新多次。统计每次刷新都要重新计算全辖区的数据，请稍后再试。"),
        )
    back = reverse(_BACK.get(request.POST.get("back", ""), "insight:overlap"))
    try:
        row = overlap_refresh(actor=request.user)
    except DomainError as exc:
        return error_page(request, exc.status, _("无法刷新"), _(exc.message))
    messages.success(
        request,
        _("已重新计算：%(alliances)s 个联盟，%(units)s 家交叉成员单位，用时 %(ms)s 毫秒。")
        % {
            "alliances": row.data["totals"]["alliances"],
            "units": row.data["totals"]["units"],
            "ms": row.duration_ms,
        },
    )
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("insight:overlap")
    return redirect(back)


# -- exports --------------------------------------------------------------------------------------------


def _stamp(snapshot: Any) -> str:
    from lianmeng.core.clock import as_beijing

    return as_beijing(snapshot.computed_at).strftime("%Y%m%d-%H%M")


@permission("insight.view")
def overlap_xlsx(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    rows = [_unit_row(data, unit, ids) for unit, ids in _units(data, _unit_filters(request))]
    content = write_table(
        [_("统一社会信用代码"), _("单位名称"), _("所在联盟数"), _("所在联盟")],
        (
            [u["uscc"], u["name"], u["count"], "；".join(a["name"] for a in u["alliances"])]
            for u in rows
        ),
        sheet_title=_("交叉成员单位"),
    )
    return _private(xlsx_response(content, f"交叉成员单位-{_stamp(snapshot)}.xlsx"))


@permission("insight.view")
def network_xlsx(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    domain = request.GET.get("field", "")
    filters = {
        "field": domain if domain in _domains() else "",
        "min": _int(request.GET.get("min"), 1, 1, 1000),
        "q": (request.GET.get("q") or "").strip()[:60],
    }
    content = write_table(
        [_("联盟甲"), _("联盟乙"), _("共同成员单位数")],
        (
            [r["a_name"], r["b_name"], r["count"]]
            for r in (_edge_row(data, edge) for edge in _edges(data, filters))
        ),
        sheet_title=_("联盟关联"),
    )
    return _private(xlsx_response(content, f"联盟关联-{_stamp(snapshot)}.xlsx"))


@permission("insight.view")
def chains_xlsx(request: HttpRequest) -> HttpResponse:
    snapshot, data = snapshot_for(request.user)
    if snapshot is None:
        return _no_area(request)
    domains = _domains()
    content = write_table(
        [
            _("联盟名称"),
            _("所属领域"),
            _("现有成员单位"),
            _("成员企业"),
            _("上游"),
            _("中游"),
            _("下游"),
            _("未填写位置"),
            _("缺口"),
            _("政策要求"),
        ],
        (
            [
                r["name"],
                domains.get(r.get("domain", ""), r.get("domain", "")),
                r["members"],
                r["enterprises"],
                r["chain"]["upstream"],
                r["chain"]["midstream"],
                r["chain"]["downstream"],
                r["unset"],
                "、".join(g["label"] for g in r["gaps"])
                or (_("未登记成员") if r.get("empty") else _("无")),
                r["citation"] or _("参考（政策未要求）"),
            ]
            for r in _chain_rows(data, _chain_filters(request))
        ),
        sheet_title=_("产业链覆盖"),
    )
    return _private(xlsx_response(content, f"产业链覆盖-{_stamp(snapshot)}.xlsx"))

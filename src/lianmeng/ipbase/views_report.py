"""The lead unit reports its alliance's patents and standards: one by form (new or edit) or
many by workbook. Every write goes through :mod:`lianmeng.ipbase.services` (which checks who
acts and merges by number); a refused form is shown again with what was typed and what to do;
a refused import lists each row and what to fix, and nothing is saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.jobs.views import direct_rows
from lianmeng.reporting.models import Report
from lianmeng.ui.errors import error_page

from . import imports, selectors, services, xlsx
from .models import Patent, PatentReport, Standard, StandardReport

MAX_UPLOAD = 5 * 1024 * 1024


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _lead_alliance(request: HttpRequest, pk: int) -> Alliance:
    """The alliance if the viewer reports for it; 404 otherwise (as the workspace and the
    reports answer whoever does not act for an alliance)."""
    alliance = selectors.alliance_get(pk)
    if not selectors.may_report(request.user, alliance):
        raise NotFound(
            _(
                "未找到您可以为其报送的联盟：只有联盟牵头单位的申报人可以为本联盟报送专利和标准"
                "（已撤销或解散的联盟不再报送）。"
            )
        )
    return alliance


def _report_choices(alliance: Alliance) -> list[dict[str, Any]]:
    from lianmeng.reporting.selectors import report_title

    rows = Report.objects.filter(alliance=alliance, year__isnull=False).select_related("alliance")
    return [
        {"id": r.pk, "year": r.year, "label": report_title(r)}
        for r in rows.order_by("-year", "kind")[:40]
    ]


def _form(
    request: HttpRequest,
    *,
    mode: str,
    alliance: Alliance,
    data: dict[str, Any],
    errors: dict[str, str],
    row: Any = None,
    status: int = 200,
) -> HttpResponse:
    spec = {
        "patents": (Patent.Kind, Patent.Status, "holders"),
        "standards": (Standard.Level, Standard.Status, "drafters"),
    }[mode]
    chosen = set(data.get(spec[2]) or [])
    members = [
        {**m, "value": m["uscc"] or m["name"], "checked": (m["uscc"] or m["name"]) in chosen}
        for m in selectors.members_of(alliance)
    ]
    context = {
        "mode": mode,
        "alliance": alliance,
        "row": row,
        "data": data,
        "errors": errors,
        "kinds": list(spec[0].choices),
        "statuses": list(spec[1].choices),
        "members": members,
        "reports": _report_choices(alliance),
    }
    return render(request, "ipbase/form.html", context, status=status)


def _posted(request: HttpRequest, mode: str) -> dict[str, Any]:
    post = request.POST
    data: dict[str, Any] = {
        key: post.get(key, "").strip()
        for key in ("number", "title", "kind", "level", "status", "year", "report")
    }
    if mode == "patents":
        data["holders"] = post.getlist("holders")
        data["licences_inside"] = post.get("licences_inside", "").strip()
        data["licences_outside"] = post.get("licences_outside", "").strip()
    else:
        data["drafters"] = post.getlist("drafters")
    return data


def _save(
    request: HttpRequest, mode: str, alliance: Alliance, *, edit: bool, row: Any = None
) -> HttpResponse:
    data = _posted(request, mode)
    report = services.patent_report if mode == "patents" else services.standard_report
    try:
        saved, created = report(
            actor=request.user,
            alliance_id=alliance.pk,
            data=data,
            year=data["year"],
            report_id=data["report"] or None,
            source="form",
            edit=edit,
        )
    except ValidationFailed as exc:
        errors = exc.details.get("fields") or {"form": exc.message}
        return _form(
            request, mode=mode, alliance=alliance, data=data, errors=errors, row=row, status=422
        )
    except DomainError as exc:
        return _refused(request, exc)
    if created:
        messages.success(request, _("已报送 %(number)s。") % {"number": saved.number})
    else:
        messages.success(
            request,
            _("%(number)s 已在库中，已合并本次报送（状态和许可数以最新年度为准）。")
            % {"number": saved.number},
        )
    name = "ipbase:patent" if mode == "patents" else "ipbase:standard"
    return redirect(reverse(name, args=[saved.pk]))


def _new(request: HttpRequest, pk: int, mode: str) -> HttpResponse:
    try:
        alliance = _lead_alliance(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        return _save(request, mode, alliance, edit=False)
    data = {"year": str(clock.beijing_now().year)}
    return _form(request, mode=mode, alliance=alliance, data=data, errors={})


@permission("ipbase.report")
def patent_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _new(request, pk, "patents")


@permission("ipbase.report")
def standard_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _new(request, pk, "standards")


def _edit(request: HttpRequest, pk: int, mode: str) -> HttpResponse:
    model, reports, link = (
        (Patent, PatentReport, "patent")
        if mode == "patents"
        else (Standard, StandardReport, "standard")
    )
    row = model.objects.filter(pk=pk).first()
    mine = selectors.lead_alliances(request.user)
    if row is not None:
        reported = reports.objects.filter(**{link: row}).values("alliance_id")
        mine = mine.filter(pk__in=reported)
        wanted = request.GET.get("alliance") or request.POST.get("alliance")
        if wanted and str(wanted).isdigit():
            mine = mine.filter(pk=int(wanted))
    alliance = mine.select_related("lead_unit").first() if row is not None else None
    if row is None or alliance is None:
        return error_page(
            request,
            404,
            _("未找到"),
            _("未找到该条目，或本单位牵头的联盟没有报送过它（只有报送过的联盟可以修改）。"),
        )
    if request.method == "POST":
        return _save(request, mode, alliance, edit=True, row=row)
    people = row.holders if mode == "patents" else row.drafters
    data: dict[str, Any] = {
        "number": row.number,
        "title": row.title,
        "status": row.status,
        "year": str(row.year),
        ("holders" if mode == "patents" else "drafters"): [
            p.get("uscc") or p.get("name") for p in people or [] if isinstance(p, dict)
        ],
    }
    if mode == "patents":
        data.update(
            kind=row.kind,
            licences_inside=str(row.licences_inside),
            licences_outside=str(row.licences_outside),
        )
    else:
        data["level"] = row.level
    return _form(request, mode=mode, alliance=alliance, data=data, errors={}, row=row)


@permission("ipbase.report")
def patent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, pk, "patents")


@permission("ipbase.report")
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, pk, "standards")


@permission("ipbase.report")
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alliance = _lead_alliance(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    kind = request.POST.get("kind") or request.GET.get("kind") or "patents"
    kind = kind if kind in ("patents", "standards") else "patents"
    context: dict[str, Any] = {
        "alliance": alliance,
        "kind": kind,
        "year": str(clock.beijing_now().year),
        "report": "",
        "reports": _report_choices(alliance),
        "rows": [],
        "error": "",
        "direct_rows": direct_rows(),
        "max_rows": xlsx.JOB_MAX_ROWS,
    }
    if request.method != "POST":
        return render(request, "ipbase/import.html", context)
    context["year"] = request.POST.get("year", "").strip()
    context["report"] = request.POST.get("report", "").strip()
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed(_("请选择要导入的 Excel 文件（.xlsx）。"))
        if upload.size > MAX_UPLOAD:
            raise ValidationFailed(_("文件超过 5 MB，请分批导入。"))
        content = upload.read()
        rows = imports.data_rows(content, kind)
        if rows is not None and rows > direct_rows():
            # a large workbook is imported by a background job (its progress page)
            return imports.start(
                request,
                alliance_id=alliance.pk,
                kind=kind,
                content=content,
                year=context["year"],
                report=context["report"],
            )
        result = services.import_workbook(
            actor=request.user,
            alliance_id=alliance.pk,
            kind=kind,
            content=content,
            year=context["year"],
            report_id=context["report"] or None,
        )
    except ValidationFailed as exc:
        context["error"] = exc.message
        context["rows"] = exc.details.get("rows") or []
        context["fields"] = exc.details.get("fields") or {}
        return render(request, "ipbase/import.html", context, status=422)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("已导入：新增 %(created)s 项，合并 %(merged)s 项（编号已在库中）。")
        % {"created": result.created, "merged": result.merged},
    )
    return redirect(reverse("ipbase:alliance", args=[alliance.pk]) + f"?tab={kind}")

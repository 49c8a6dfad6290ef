"""联盟报告 pages: the alliance's reports (``/alliances/<pk>/reports/``), one report with its
form, the department's inbox (``/staff/reports/``) and its XLSX export.

The lead unit's applicants write and submit; the department the profile names accepts or
returns (reason required) — every step through the services (lianmeng.reporting.services),
which check who acts and go through the lifecycle engine.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.clock import BEIJING
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.core.validity import lapse_status
from lianmeng.policy.loader import load_profiles
from lianmeng.proposals.materials import ACCEPT, ALLOWED_TEXT, human_size, upload_limit
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page
from lianmeng.workflow.engine import basis_lapse
from lianmeng.workflow.selectors import state_history

from . import kpi, selectors, services
from .lifecycle import STATE_NAMES, state_label_of
from .models import Report

PER_PAGE = 20


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


# -- hooks for the registry page (lianmeng.alliances.links) ------------------------------------


def alliance_links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    if selectors.relation(viewer, alliance) is None or not selectors.report_kinds(alliance.profile):
        return []
    url = reverse("reporting:alliance_reports", args=[alliance.pk])
    return [{"label": _("联盟报告"), "url": url, "kind": "reports"}]


def registry_panel(viewer: Any, alliance: Any) -> str:
    """The KPI warning (B-5) on the registry page, for the lead unit and the departments."""
    if not alliance.kpi_warning_count or selectors.relation(viewer, alliance) is None:
        return ""
    context = selectors.panel(viewer, alliance)
    if not context or not context["warnings"]:
        return ""
    return render_to_string("reporting/_warning_panel.html", context)


def workspace_panel(request: HttpRequest, alliance: Any) -> str:
    """The reports panel of the alliance workspace (lianmeng.running)."""
    context = selectors.panel(request.user, alliance)
    if context is None:
        return ""
    return render_to_string("reporting/_reports_panel.html", context, request=request)


# -- the alliance's reports ---------------------------------------------------------------------


def _decorate(reports: list[Report]) -> list[Report]:
    for report in reports:
        report.title = selectors.report_title(report)
        report.state_name = _(state_label_of(report))
        report.kind_name = _(selectors.kind_label(report.profile, report.kind))
    return reports


@permission("reporting.view_report")
def alliance_reports(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alliance, rel, qs = selectors.alliance_reports(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    page = Paginator(qs.defer("content"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "alliance": alliance,
        "relation": rel,
        "page_obj": page,
        "reports": _decorate(list(page.object_list)),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "kinds": selectors.report_kinds(alliance.profile) if rel == selectors.LEAD else [],
        "panel": selectors.panel(request.user, alliance),
    }
    return render(request, "reporting/alliance_reports.html", context)


@permission("reporting.edit_report")
@require_POST
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    year = request.POST.get("year", "").strip()
    try:
        report = services.report_create(
            actor=request.user,
            alliance_id=pk,
            kind=request.POST.get("kind", ""),
            year=int(year) if year.isdigit() else None,
            event_kind=request.POST.get("event_kind", ""),
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:alliance_reports", pk=pk)
    return redirect("reporting:report_edit", rid=report.pk)


# -- one report -------------------------------------------------------------------------------


def _fields(report: Report, expected: kpi.Expected) -> list[dict[str, Any]]:
    kind = kpi.kind_of(report)
    files = selectors.report_files(report)
    rows = []
    for field in kind.fields if kind else []:
        row: dict[str, Any] = {
            "field": field,
            "label": _(field.label),
            "value": (report.content or {}).get(field.id),
        }
        if field.kind == "table":
            row["rows"] = kpi.table_rows(report, field.id, expected)
        if field.kind == "files":
            row["files"] = [f for f in files if f.field == field.id]
        rows.append(row)
    return rows


def _report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    expected = kpi.expected_for(report)
    kind = kpi.kind_of(report)
    actions = []
    for step in selectors.allowed(request.user, report):
        lapsed = basis_lapse("report", report.profile, step)
        label = _(step.label)
        actions.append(
            {
                "transition": step,
                "label": label,
                "reason_label": _(step.reason_label),
                "confirm_title": _("确认%(action)s？") % {"action": label},
                "confirm_consequence": _(
                    "报告状态将变为“%(state)s”，此操作记入报告的办理记录，牵头单位和主管部门可见。"
                )
                % {"state": _(state_label_of(report, step.to))},
                # under a policy not in force the step needs its 依据 (lianmeng.policy.validity)
                "lapse": lapse_status(lapsed) if lapsed is not None else "",
            }
        )
    files = selectors.report_files(report)
    return {
        "report": report,
        "alliance": report.alliance,
        "title": selectors.report_title(report),
        "state_name": _(state_label_of(report)),
        "kind": kind,
        "event_name": _(selectors.event_label(report.profile, report.kind, report.event_kind))
        if report.event_kind
        else "",
        "fields": _fields(report, expected),
        "expected": expected,
        "judged": kpi.judged(kpi.profile_of(report), report.kind),
        "lagging": [w for w in report.warnings or [] if w.get("kind") == "lagging"],
        "unreadable": [w for w in report.warnings or [] if w.get("kind") == "unreadable"],
        "files": files,
        "extra_files": [f for f in files if f.field not in {x.id for x in kind.fields}]
        if kind
        else files,
        "may_edit": selectors.may_edit(request.user, report),
        "actions": actions,
        "history": list(state_history(subject=report)),
        "last_return": next(
            (c for c in reversed(list(state_history(subject=report))) if c.kind == "return"),
            None,
        ),
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
    }


@permission("reporting.view_report")
def report_detail(request: HttpRequest, rid: int) -> HttpResponse:
    try:
        report = selectors.report_get(viewer=request.user, pk=rid)
    except DomainError as exc:
        return _refused(request, exc)
    return render(request, "reporting/report_detail.html", _report_context(request, report))


def _posted_content(request: HttpRequest, report: Report) -> dict[str, Any]:
    kind = kpi.kind_of(report)
    content: dict[str, Any] = {}
    for field in kind.fields if kind else []:
        if field.kind == "table":
            prefix = f"kpi_{field.id}__"
            content[field.id] = {
                name.removeprefix(prefix): value
                for name, value in request.POST.items()
                if name.startswith(prefix)
            }
        elif field.kind in ("text", "number"):
            content[field.id] = request.POST.get(f"f_{field.id}", "")
    return content


@permission("reporting.edit_report")
def report_edit(request: HttpRequest, rid: int) -> HttpResponse:
    try:
        report = selectors.report_get(viewer=request.user, pk=rid)
        if not selectors.may_edit(request.user, report):
            if report.lead_unit_id != request.user.unit_id:
                raise PermissionDenied(_("联盟报告由牵头单位填写和提交；主管部门只能审核。"))
            messages.info(request, _("报告已提交，不能修改。"))
            return redirect("reporting:report_detail", rid=rid)
    except DomainError as exc:
        return _refused(request, exc)
    error = ""
    status = 200
    if request.method == "POST":
        content = _posted_content(request, report)
        try:
            report = services.report_update(
                actor=request.user,
                report_id=rid,
                revision=request.POST.get("revision", ""),
                content=content,
            )
            upload = request.FILES.get("file")
            if upload is not None:
                services.report_upload(
                    actor=request.user,
                    report_id=rid,
                    file=upload,
                    field=request.POST.get("file_field", ""),
                    title=request.POST.get("file_title", ""),
                )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
            report.content = {**(report.content or {}), **content}
        else:
            messages.success(request, _("报告已保存。"))
            if request.POST.get("then") == "submit":
                return redirect("reporting:report_detail", rid=rid)
            return redirect("reporting:report_edit", rid=rid)
    context = _report_context(request, report)
    context["error"] = error
    return render(request, "reporting/report_form.html", context, status=status)


@permission("reporting.view_report")
@require_POST
def report_transition(request: HttpRequest, rid: int, name: str) -> HttpResponse:
    """提交 / 接受 / 退回（质询）: only on a POST carrying ``confirmed=1`` (the dialog's button,
    or the confirmation page answered to a POST without it)."""
    reason = (request.POST.get("reason") or "").strip()
    try:
        report = selectors.report_get(viewer=request.user, pk=rid)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        wanted = next((t for t in selectors.allowed(request.user, report) if t.id == name), None)
        if wanted is not None and (reason or not wanted.reason_required):
            label = _(wanted.label)
            return confirmation_page(
                request,
                title=_("确认%(action)s？") % {"action": label},
                consequence=_("报告状态将变为“%(state)s”，此操作记入报告的办理记录。")
                % {"state": _(state_label_of(report, wanted.to))},
                confirm_label=label,
                back_url=reverse("reporting:report_detail", args=[rid]),
                details=[
                    selectors.report_title(report),
                    _("%(field)s：%(reason)s")
                    % {"field": _(wanted.reason_label), "reason": reason or "—"},
                ],
                danger=wanted.kind == "return",
            )
    actions = {
        "submit": services.report_submit,
        "accept": services.report_accept,
        "return": services.report_return,
    }
    action = actions.get(name)
    try:
        if action is None:
            raise NotFound(_("没有这个操作。"))
        action(
            actor=request.user,
            report_id=rid,
            reason=reason,
            basis=(request.POST.get("basis") or "").strip(),
        )
    except NotFound as exc:
        return _refused(request, exc)
    except PermissionDenied as exc:
        return error_page(request, 403, _("不能办理"), exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        if name == "submit":
            return redirect("reporting:report_edit", rid=rid)
    else:
        done = {
            "submit": _("报告已提交。"),
            "accept": _("报告已接受。"),
            "return": _("报告已退回。"),
        }
        messages.success(request, done[name])
    return redirect("reporting:report_detail", rid=rid)


@permission("reporting.edit_report")
@require_POST
def report_upload(request: HttpRequest, rid: int) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        if upload is None:
            selectors.report_get(viewer=request.user, pk=rid)
            messages.error(request, _("请选择要上传的文件。"))
        else:
            services.report_upload(
                actor=request.user,
                report_id=rid,
                file=upload,
                field=request.POST.get("field", ""),
                title=request.POST.get("title", ""),
            )
            messages.success(request, _("附件已上传。"))
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:report_edit", rid=rid)


@permission("reporting.view_report")
def report_file(request: HttpRequest, rid: int, fid: int) -> HttpResponse:
    from django.core.files.storage import default_storage

    try:
        row = selectors.report_file_get(request.user, rid, fid)
        handle = default_storage.open(row.file.name, "rb")
    except DomainError as exc:
        return _refused(request, exc)
    except FileNotFoundError:
        return error_page(request, 404, _("未找到"), _("未找到该附件。"))
    response = FileResponse(
        handle, as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- the department's inbox -----------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    year = (get.get("year") or "").strip()
    profiles = load_profiles()
    profile = get.get("profile", "")
    state = get.get("state", "")
    return {
        "profile": profile if profile in profiles else "",
        "kind": (get.get("kind") or "").strip()[:40],
        "year": int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None,
        "state": state if state in STATE_NAMES else "",
        "warning": get.get("warning") == "1",
        "mine": get.get("mine") == "1",
        "q": (get.get("q") or "").strip()[:60],
    }


def _kind_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for profile in load_profiles().values():
        for kind in profile.reporting.reports if profile.reporting else ():
            seen.setdefault(kind.id, _(kind.label))
    return sorted(seen.items())


@permission("reporting.review_report")
def inbox(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.report_inbox(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "reports": _decorate(list(page.object_list)),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": filters,
        "profiles": [(pid, p.name.value) for pid, p in load_profiles().items()],
        "kinds": _kind_choices(),
        "states": [(k, _(v)) for k, v in STATE_NAMES.items() if k != "draft"],
        "query": query.urlencode(),
    }
    return render(request, "reporting/inbox.html", context)


@permission("reporting.review_report")
def inbox_xlsx(request: HttpRequest) -> HttpResponse:
    from lianmeng.documents.xlsx import write_table, xlsx_response

    reports = _decorate(list(selectors.report_inbox(request.user, **_filters(request))[:10_000]))
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("报告"),
        _("年度"),
        _("状态"),
        _("提交时间"),
        _("预警指标数"),
    ]
    rows = [
        [
            r.alliance.name,
            r.lead_unit.name,
            r.kind_name,
            r.year or "",
            r.state_name,
            r.submitted_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            r.warning_count,
        ]
        for r in reports
    ]
    content = write_table(headers, rows, sheet_title=_("联盟报告"))
    return xlsx_response(content, _("联盟报告.xlsx"))

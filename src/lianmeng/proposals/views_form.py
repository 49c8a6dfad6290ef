"""建议书各部分的填报页面、资格预审面板与查重（M-11, M-15, M-16）.

The pages read through ``proposal_get`` (what the viewer may see; anything else is 404) and
write through ``proposal_section_save`` only. Without JavaScript a section is a plain form
posted with 保存 or 保存并继续; with it, ``section_form.js`` also saves in the background
(``_autosave=1``, answered in JSON) and refreshes the eligibility panel.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core.access import permission
from lianmeng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lianmeng.core.roles import Role
from lianmeng.ui.errors import error_page

from .contacts import proposal_for
from .duplicates import LIST_THRESHOLD, duplicate_candidates
from .editor import PARTS, editor_context, part_url
from .form_fields import get_path
from .models import Proposal
from .presenters_form import candidate_rows, eligibility_view
from .sections import (
    BoundField,
    Section,
    bind_section,
    get_section,
    proposal_section_save,
    section_fingerprint,
)
from .selectors import proposal_get

#: columns of the KPI table besides its row headings, as in the seed's table
KPI_COLUMNS = 4
MEMBER_KIND_GROUPS = (
    ("enterprise", ("enterprise",)),
    ("university", ("university", "vocational_college")),
    ("research_institute", ("research_institute",)),
    ("other", ("intermediary", "other")),
)


def _proposal(request: HttpRequest, pk: int) -> Proposal | HttpResponse:
    try:
        return proposal_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))


def _may_edit(request: HttpRequest, proposal: Proposal) -> bool:
    user = request.user
    return (
        proposal.status in Proposal.EDITABLE
        and user.has_role(Role.APPLICANT)
        and user.unit_id == proposal.lead_unit_id
    )


def _next_part(key: str) -> Any:
    keys = [part.key for part in PARTS]
    index = keys.index(key)
    return PARTS[index + 1] if index + 1 < len(PARTS) else None


def _posted(request: HttpRequest, section: Section, profile: str) -> dict[str, str]:
    """The section's fields as posted; check boxes joined with commas, absent ones left out."""
    data = {}
    for spec in section.fields_for(profile):
        if spec.name not in request.POST:
            continue
        if spec.resolved_widget == "checks":
            data[spec.name] = ",".join(v for v in request.POST.getlist(spec.name) if v)
        else:
            data[spec.name] = request.POST.get(spec.name, "")
    return data


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _member_counts(document: dict[str, Any]) -> dict[str, int]:
    members = [m for m in document.get("members") or [] if isinstance(m, dict)]
    counts = {"total": len(members)}
    for key, kinds in MEMBER_KIND_GROUPS:
        counts[key] = sum(1 for m in members if m.get("kind") in kinds)
    return counts


def _budget_shares(document: dict[str, Any]) -> dict[str, str]:
    """各来源占办公运行经费的比例 (seed 001 四), for the figures already saved."""
    total = get_path(document, ("governance", "operating_budget"))
    sources = get_path(document, ("governance", "budget_sources")) or {}
    if not isinstance(total, int | float) or total <= 0 or not isinstance(sources, dict):
        return {}
    return {
        f"governance.budget_sources.{key}": f"{100 * value / total:.1f}%"
        for key, value in sources.items()
        if isinstance(value, int | float)
    }


def _grouped(section: Section, bound: dict[str, BoundField]) -> list[dict[str, Any]]:
    groups = []
    for group in section.groups:
        fields = [bound[spec.name] for spec in group.fields if spec.name in bound]
        if fields:
            groups.append({"group": group, "fields": fields})
    return groups


def _kpi_table(section: Section, bound: dict[str, BoundField]) -> list[dict[str, Any]]:
    rows = []
    for row in section.kpi_rows:
        lines = []
        for line in row.lines:
            cells = [
                {
                    "label": cell.label,
                    "inputs": [
                        {"label": sub, "field": bound[name], "unit": unit}
                        for sub, name, unit in cell.fields
                    ],
                    "colspan": KPI_COLUMNS - len(line) + 1 if index == len(line) - 1 else 1,
                }
                for index, cell in enumerate(line)
            ]
            lines.append({"cells": cells, "head": any(cell.label for cell in line)})
        span = sum(2 if line["head"] else 1 for line in lines)
        rows.append({"row": row, "lines": lines, "span": span})
    return rows


def _render_section(
    request: HttpRequest,
    proposal: Proposal,
    section: Section,
    *,
    posted: dict[str, str] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    editable = _may_edit(request, proposal)
    # read-only readers: the values shown with the liaisons' numbers masked unless they need
    # them (contacts.py); the checks below still judge the document as filed
    shown = proposal if editable else proposal_for(request.user, proposal)
    bound = bind_section(shown, section, posted)
    next_part = _next_part(section.key)
    document = proposal.document or {}
    context = editor_context(
        proposal,
        section.key,
        editable=editable,
        section=section,
        bound=bound,
        groups=_grouped(section, bound),
        kpi_table=_kpi_table(section, bound) if section.kpi_rows else [],
        revision=proposal.revision,
        base=section_fingerprint(proposal, section),
        next_part=next_part,
        conflict=conflict,
        error_count=sum(1 for f in bound.values() if f.error),
        solo=len(bound) == 1,
        member_counts=_member_counts(document),
        budget_shares=_budget_shares(document),
        budget_sources_fields={
            spec.name
            for spec in section.all_fields()
            if spec.name.startswith("governance.budget_sources.")
        },
        lead_identity={
            "name": get_path(document, ("lead_unit", "name")) or proposal.lead_unit.name,
            "uscc": get_path(document, ("lead_unit", "uscc")) or "",
            "org_code": get_path(document, ("lead_unit", "org_code")) or "",
        },
        call_year=proposal.call_year,
        eligibility_view=eligibility_view(proposal),
        panel_url=f"/proposals/{proposal.pk}/edit/check/panel/",
    )
    return render(request, section.template, context, status=status)


def _json_error(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"ok": False, "code": exc.code, "message": exc.message, "details": exc.details},
        status=exc.status,
        json_dumps_params={"ensure_ascii": False},
    )


@permission("proposals.view_proposal")
def editor_start(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    return redirect(part_url(proposal, "facts"))


@permission("proposals.view_proposal")
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of the 建议书: shown to whoever may see the proposal, saved by its staff."""
    autosave = request.method == "POST" and request.POST.get("_autosave") == "1"
    try:
        section = get_section(key)
    except NotFound as exc:
        if autosave:
            return _json_error(exc)
        return error_page(request, 404, _("未找到"), _(exc.message))
    proposal = _proposal(request, pk)
    if isinstance(proposal, HttpResponse):
        if autosave:
            return _json_error(NotFound(_("未找到该申报，或您无权查看。")))
        return proposal
    if request.method != "POST":
        return _render_section(request, proposal, section)
    if not request.user.has_perm("proposals.edit_drafts"):
        exc = PermissionDenied(_("只有牵头单位的申报账号可以填写申报书。"))
        return (
            _json_error(exc) if autosave else error_page(request, 403, _("无权访问"), exc.message)
        )
    data = _posted(request, section, proposal.profile)
    try:
        result = proposal_section_save(
            actor=request.user,
            pk=proposal.pk,
            section=section.key,
            data=data,
            revision=_int(request.POST.get("revision")),
            base=request.POST.get("base") or None,
        )
    except Conflict as exc:
        if autosave:
            return _json_error(exc)
        current = proposal_get(viewer=request.user, pk=proposal.pk)
        return _render_section(
            request, current, section, posted=data, conflict=exc.message, status=409
        )
    except PermissionDenied as exc:
        if autosave:
            return _json_error(exc)
        return error_page(request, 403, _("申报已锁定"), exc.message)
    except DomainError as exc:
        if autosave:
            return _json_error(exc)
        return error_page(request, exc.status, _("无法保存"), exc.message)
    if autosave:
        return JsonResponse(
            {
                "ok": True,
                "revision": result.revision,
                "base": result.fingerprint,
                "changed": result.changed,
                "errors": result.errors,
                "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    if result.errors:
        labels = [str(section.field(name).label) for name in result.errors]
        messages.warning(
            request,
            _("已保存。以下 %(n)s 项填写有误，已原样保留，请按提示修改：%(fields)s")
            % {"n": len(labels), "fields": pgettext("list separator", "、").join(labels)},
        )
    else:
        messages.success(request, _("已保存。"))
    next_part = _next_part(section.key)
    if "continue" in request.POST and next_part is not None:
        return redirect(f"/proposals/{proposal.pk}/{next_part.path}")
    return redirect(part_url(proposal, section.key))


@permission("proposals.view_proposal")
def check_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The eligibility panel alone, fetched again after each background save."""
    proposal = _proposal(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    return render(
        request,
        "proposals/sections/_panel.html",
        {"panel": eligibility_view(proposal), "partial": True},
    )


@permission("proposals.view_proposal")
def check_page(request: HttpRequest, pk: int) -> HttpResponse:
    """资格预审与查重: every finding with its evidence, and the close alliances."""
    proposal = _proposal(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    view = eligibility_view(proposal)
    candidates = duplicate_candidates(proposal)
    context = editor_context(
        proposal,
        "check",
        editable=_may_edit(request, proposal),
        eligibility_view=view,
        full=view,
        candidates=candidate_rows(candidates, proposal.profile),
        list_threshold=int(LIST_THRESHOLD),
        facts={
            key: (proposal.document or {}).get(key) or ""
            for key in ("name", "focus_area", "industry", "product")
        },
    )
    return render(request, "proposals/sections/check.html", context)

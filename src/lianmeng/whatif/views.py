"""政策推演 pages of the department (B-6).

- ``drafts``: the department's drafts (filter by profile, search by name) and a form to start a
  new one from its profile;
- ``draft``: the parameter form (current value and citation beside each field, changed values
  highlighted); 保存 stores the draft, 推演 stores it and shows the comparison: counts, then the
  alliances and proposals that change, each with the rules whose finding changes, paginated;
- ``draft_delete``: deletes a draft (confirmed);
- ``draft_xlsx``: the comparison as a workbook; ``draft_toml``: the draft's rule tables as TOML
  for the system administrator, who alone installs a new dated profile.

Every read goes through lianmeng.whatif.selectors, every write through lianmeng.whatif.services;
the comparison (lianmeng.whatif.compare) writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.core.names import cite_text
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.models import Profile
from lianmeng.policy.whatif import (
    OFF,
    OverrideError,
    Parameter,
    apply_overrides,
    normalise_overrides,
    overrides_from_form,
    parameters,
    profile_version,
)
from lianmeng.ui.errors import error_page

from . import compare, exports, selectors, services
from .models import PolicyDraft

PER_PAGE = 20


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _page(request: HttpRequest, rows: Any, key: str = "page") -> Any:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get(key))
    page.range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return page


def _none_message() -> str:
    return _("本部门没有政策配置：政策推演由制定政策的主管部门（政策配置所属辖区的主管部门）使用。")


# -- the list -------------------------------------------------------------------------------------


@permission("whatif.use")
def drafts(request: HttpRequest) -> HttpResponse:
    """The department's drafts and a form to start one."""
    profiles = selectors.department_profiles(request.user)
    ids = [p.id for p in profiles]
    form = {"name": "", "profile": ids[0] if ids else "", "note": ""}
    error, status = "", 200
    if request.method == "POST" and profiles:
        form = {k: (request.POST.get(k) or "").strip() for k in ("name", "profile", "note")}
        if form["profile"] not in ids:
            form["profile"] = ids[0]
        try:
            draft = services.draft_create(
                actor=request.user,
                profile_id=form["profile"],
                name=form["name"],
                note=form["note"],
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("草案已建立：调整参数后点击“推演”。"))
            return redirect("whatif:draft", pk=draft.pk)
    elif request.method == "POST":
        status = 422
    chosen = request.GET.get("profile", "")
    if chosen not in ids:
        chosen = ""
    query = (request.GET.get("q") or "").strip()[:60]
    rows = selectors.drafts(request.user)
    if chosen:
        rows = rows.filter(profile=chosen)
    if query:
        rows = rows.filter(name__icontains=query)
    page = _page(request, rows)
    names = {p.id: p.name.value for p in profiles}
    versions = {p.id: profile_version(p) for p in profiles}
    items = [
        {
            "draft": d,
            "profile_name": names.get(d.profile, d.profile),
            "changes": sum(len(v) for v in (d.overrides or {}).values()),
            "stale": versions.get(d.profile) != d.profile_version,
        }
        for d in page.object_list
    ]
    context = {
        "page_obj": page,
        "page_range": page.range,
        "items": items,
        "profiles": [(p.id, p.name.value) for p in profiles],
        "none": "" if profiles else _none_message(),
        "form": form,
        "error": error,
        "chosen": chosen,
        "q": query,
    }
    return render(request, "whatif/drafts.html", context, status=status)


# -- one draft ------------------------------------------------------------------------------------


def _value_for_form(param: Parameter, value: Any) -> Any:
    """The value an input shows: a share in percent, a list for check boxes."""
    if value is None:
        return ""
    if param.kind == "percent":
        return f"{round(value * 100, 4):g}"
    if param.kind == "number":
        return f"{value:g}"
    return value


def _rule_rows(
    profile: Profile, overrides: dict[str, dict[str, Any]], error_key: str = ""
) -> list[dict[str, Any]]:
    """The form's rows, one per rule: its severity and parameters with current and draft
    values, citations and whether the draft changes them."""
    from lianmeng.policy.whatif import DEFAULTS

    rows: dict[str, dict[str, Any]] = {}
    for param in parameters(profile):
        rule = rows.setdefault(
            param.rule,
            {
                "id": param.rule,
                "title": RULE_TITLES[param.rule],
                "applied": param.applied,
                "params": [],
                "changed": False,
            },
        )
        drafted = overrides.get(param.rule, {})
        changed = param.name in drafted
        if changed:
            value = drafted[param.name]
        elif param.current is not None:
            value = param.current
        else:
            value = DEFAULTS.get(param.rule, {}).get(param.name)
        if param.name == "severity":
            rule["severity"] = value
            rule["on"] = value != OFF
        rule["changed"] = rule["changed"] or changed
        selected = value if isinstance(value, list | tuple) else [value]
        rule["params"].append(
            {
                "param": param,
                "key": param.key,
                "id": param.key.replace(".", "-"),
                "value": _value_for_form(param, value),
                "selected": [str(v) for v in selected],
                "yes": value is True,
                "current": param.display(param.current) if param.applied else _("（未适用）"),
                "draft": param.display(value) if changed else "",
                "cited": cite_text(param.citation, profile) if param.citation else "",
                "changed": changed,
                "error": error_key in (param.key, param.rule),
                "input_unit": "%" if param.kind == "percent" else param.unit,
            }
        )
    return list(rows.values())


def _comparison_context(request: HttpRequest, profile: Profile, result: dict[str, Any]) -> dict:
    """The stored comparison as the page shows it: counts, then the subjects that change,
    paginated, each rule change with its article as people read it."""
    alliances = result["alliances"]["changed"]
    proposals = result["proposals"]["changed"]
    apage = _page(request, alliances, "apage")
    ppage = _page(request, proposals, "ppage")

    def rows(subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for subject in subjects:
            changes = []
            for change in subject["changes"]:
                finding = change["draft"] or change["today"]
                today = change["today"]
                changes.append(
                    {
                        **change,
                        "title": RULE_TITLES.get(change["rule"], change["rule"]),
                        "article": cite_text(finding["citation"], profile) if finding else "",
                        "today_article": cite_text(today["citation"], profile) if today else "",
                    }
                )
            out.append({"subject": subject, "changes": changes})
        return out

    def query_without(key: str) -> str:
        params = request.GET.copy()
        params.pop(key, None)
        return params.urlencode()

    return {
        "result": result,
        "aquery": query_without("apage"),
        "pquery": query_without("ppage"),
        "apage": apage,
        "apage_range": apage.range,
        "alliance_rows": rows(list(apage.object_list)),
        "ppage": ppage,
        "ppage_range": ppage.range,
        "proposal_rows": rows(list(ppage.object_list)),
    }


def _draft_page(
    request: HttpRequest,
    draft: PolicyDraft,
    profile: Profile,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    error: str = "",
    error_key: str = "",
    status: int = 200,
    name: str | None = None,
    note: str | None = None,
) -> HttpResponse:
    stored = overrides if overrides is not None else _stored(draft, profile)
    rules = _rule_rows(profile, stored, error_key)
    context: dict[str, Any] = {
        "draft": draft,
        "profile": profile,
        "applied_rules": [r for r in rules if r["applied"] or r["on"]],
        "other_rules": [r for r in rules if not (r["applied"] or r["on"])],
        "changed_count": sum(len(v) for v in stored.values()),
        "error": error,
        "name": draft.name if name is None else name,
        "note": draft.note if note is None else note,
        "version": profile_version(profile),
        "stale": profile_version(profile) != draft.profile_version,
        "ran": False,
    }
    if draft.result and not error:
        context.update(_comparison_context(request, profile, draft.result))
        context["ran"] = True
        context["result_stale"] = draft.result.get("version") != context["version"]
    return render(request, "whatif/draft.html", context, status=status)


def _stored(draft: PolicyDraft, profile: Profile) -> dict[str, dict[str, Any]]:
    """The draft's overrides as the profile in force takes them (a value the profile has since
    adopted drops out; one it no longer accepts is shown as an error on save)."""
    try:
        return normalise_overrides(profile, draft.overrides)
    except OverrideError:
        return {}


def _draft_and_profile(request: HttpRequest, pk: Any) -> tuple[PolicyDraft, Profile]:
    draft = selectors.draft_get(request.user, pk)
    profile = selectors.department_profile(request.user, draft.profile)
    return draft, profile


@permission("whatif.use")
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The parameter form of a draft and its last comparison; 保存并推演 runs it again."""
    try:
        item, profile = _draft_and_profile(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method != "POST":
        return _draft_page(request, item, profile)
    name = (request.POST.get("name") or "").strip()
    note = (request.POST.get("note") or "").strip()
    try:
        overrides = overrides_from_form(profile, request.POST.getlist, _stored(item, profile))
    except OverrideError as exc:
        return _draft_page(
            request,
            item,
            profile,
            error=exc.message,
            error_key=exc.key,
            status=422,
            name=name,
            note=note,
        )
    try:
        services.draft_update(
            actor=request.user, draft_id=item.pk, name=name, note=note, overrides=overrides
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        return _draft_page(
            request,
            item,
            profile,
            overrides=overrides,
            error=exc.message,
            error_key=str(exc.details.get("field", "")),
            status=exc.status,
            name=name,
            note=note,
        )
    if request.POST.get("action") == "run":
        try:
            services.draft_run(actor=request.user, draft_id=item.pk)
        except DomainError as exc:
            return _refused(request, exc)
        return redirect(f"{item.get_absolute_url()}#results")
    messages.success(request, _("草案已保存。"))
    return redirect("whatif:draft", pk=item.pk)


@require_POST
@permission("whatif.use")
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.draft_delete(actor=request.user, draft_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("草案已删除。"))
    return redirect("whatif:drafts")


@permission("whatif.use")
def draft_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The comparison as a workbook: the parameters changed, the counts, every rule change."""
    try:
        item, profile = _draft_and_profile(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    stored = _stored(item, profile)
    result = item.result
    if not result:
        # not run yet: computed for the export, not kept (a GET writes nothing)
        computed = compare.run(profile, apply_overrides(profile, stored))
        result = {**computed.to_dict(), "overrides": stored, "version": profile_version(profile)}
    response = exports.comparison_response(item, profile, result.get("overrides", stored), result)
    response["Cache-Control"] = "private, no-store"
    return response


@permission("whatif.use")
def draft_toml(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's rule tables as TOML, for the system administrator."""
    try:
        item, profile = _draft_and_profile(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    response = exports.toml_response(item, profile, _stored(item, profile))
    response["Cache-Control"] = "private, no-store"
    return response

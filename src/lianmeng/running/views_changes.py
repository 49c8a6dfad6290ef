"""变更备案 pages: the lead unit files member join/exit, key-person and address changes and the
agreement renewal from the workspace; the department's list acknowledges (知悉) or queries
(质询) them; member units sign a renewal online. Every page asks the selectors and services,
which check who acts (others get 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.proposals.materials import ACCEPT, ALLOWED_TEXT, human_size, upload_limit
from lianmeng.proposals.roster_fields import KIND_LABELS
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.workflow.engine import basis_lapse
from lianmeng.workflow.routing import state_label

from . import change_selectors, changes, selectors
from .lifecycle import ACKNOWLEDGE, KIND, QUERY, STATE_NAMES, SUBMIT
from .models import KEY_PEOPLE, ChangeFiling, Member
from .views import _refused

PER_PAGE = 20
#: the forms of the lead unit, by the URL's ``form`` word
FORMS = {
    "member_add": gettext_lazy("成员加入"),
    "member_import": gettext_lazy("从 Excel 导入加入的成员"),
    "member_exit": gettext_lazy("成员退出"),
    "key_person": gettext_lazy("主要负责人变更"),
    "address": gettext_lazy("办公地址变更"),
    "renewal": gettext_lazy("联盟协议续签"),
}


def _form_page(
    request: HttpRequest,
    access: selectors.Access,
    form: str,
    values: dict[str, Any],
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    ws = access.workspace
    context = {
        "access": access,
        "alliance": access.alliance,
        "workspace": ws,
        "form": form,
        "form_title": FORMS[form],
        "values": values,
        "error": error.message if error else "",
        "field_errors": (error.details.get("fields") or {}) if error else {},
        "row_errors": (error.details.get("rows") or []) if error else [],
        "revision": values.get("revision") or ws.revision,
        "members": [m for m in selectors.members(ws) if m.left_on is None and m.role != "lead"],
        "kinds": list(KIND_LABELS.items()),
        "key_people": list(KEY_PEOPLE.items()),
        "people": ws.key_people or {},
        "agreement": selectors.agreement(ws, access.alliance.profile),
        "today": clock.beijing_now().date().isoformat(),
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
    }
    return render(request, "running/change_form.html", context, status=status)


def _file_change(request: HttpRequest, access: selectors.Access, form: str) -> ChangeFiling:
    post = request.POST
    common = {
        "actor": request.user,
        "alliance_id": access.alliance.pk,
        "revision": post.get("revision"),
        "note": post.get("note", ""),
        "basis": post.get("basis", ""),
    }
    if form == "member_add":
        member = {k: post.get(k, "") for k in ("name", "uscc", "org_code", "kind", "region_code")}
        return changes.member_join(members=[member], joined_on=post.get("joined_on"), **common)
    if form == "member_import":
        return changes.member_import_xlsx(
            file=request.FILES.get("file") or _no_file(),
            joined_on=post.get("joined_on"),
            **common,
        )
    if form == "member_exit":
        return changes.member_exit(
            member_id=post.get("member"),
            left_on=post.get("left_on"),
            reason=post.get("reason", ""),
            **common,
        )
    if form == "key_person":
        return changes.key_person_change(
            key=post.get("key", ""),
            person={k: post.get(k, "") for k in ("name", "phone", "email")},
            **common,
        )
    if form == "address":
        return changes.address_change(address=post.get("address", ""), **common)
    return changes.renewal_file(
        signed_on=post.get("signed_on"),
        term_years=post.get("term_years"),
        file=request.FILES.get("file"),
        **common,
    )


def _no_file() -> Any:
    from lianmeng.core.errors import ValidationFailed

    raise ValidationFailed(
        _("请选择填写好的成员名单 Excel 文件。"), details={"fields": {"file": "required"}}
    )


def change_new(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    try:
        access = selectors.workspace_access(viewer=request.user, alliance_id=pk, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method != "POST":
        values: dict[str, Any] = {}
        if form == "address":
            values["address"] = access.workspace.office_address
        return _form_page(request, access, form, values)
    values = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        filing = _file_change(request, access, form)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        return _form_page(request, access, form, values, exc, status=exc.status)
    if filing.warned:
        messages.warning(request, _("变更已备案，但联盟不再符合下列条件，请及时调整。"))
    else:
        messages.success(request, _("变更已备案，已报主管部门知悉。"))
    return redirect("running:change_detail", fid=filing.pk)


def _detail_context(request: HttpRequest, found: change_selectors.ChangeAccess) -> dict[str, Any]:
    filing = found.filing
    signatures = (
        change_selectors.signatures(filing)
        if filing.kind == ChangeFiling.Kind.AGREEMENT_RENEWAL
        else []
    )
    actions = []
    for step in found.actions:
        actions.append(
            {
                "transition": step,
                "id": step.id,
                "label": _("答复并重新报送")
                if step.id == SUBMIT
                else (_("知悉") if step.id == ACKNOWLEDGE else _("质询")),
                "reason_required": step.id in (QUERY, SUBMIT),
                "reason_label": _("答复") if step.id == SUBMIT else _(step.reason_label),
                "confirm": step.id == QUERY,
                # under a policy not in force the department's step needs its 依据
                "basis": basis_lapse(KIND, filing.profile, step) is not None,
            }
        )
    return {
        "found": found,
        "filing": filing,
        "alliance": filing.alliance,
        "state": _(state_label(filing.profile, filing.status, kind=KIND)),
        "state_name": _(STATE_NAMES.get(filing.status, filing.status)),
        "history": change_selectors.history(filing),
        "signatures": signatures,
        "signed": sum(1 for s in signatures if s.signed_at),
        "actions": actions,
        "key_labels": KEY_PEOPLE,
        "kind_labels": dict(Member._meta.get_field("kind").choices or []),
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
    }


@permission("running.view_changes")
def change_detail(request: HttpRequest, fid: int) -> HttpResponse:
    try:
        found = change_selectors.change_get(viewer=request.user, pk=fid)
    except DomainError as exc:
        return _refused(request, exc)
    return render(request, "running/change_detail.html", _detail_context(request, found))


@permission("running.view_changes")
@require_POST
def change_act(request: HttpRequest, fid: int) -> HttpResponse:
    """知悉 / 质询 (the department), 答复 (the lead unit). 质询 needs ``confirmed=1``."""
    try:
        found = change_selectors.change_get(viewer=request.user, pk=fid)
    except DomainError as exc:
        return _refused(request, exc)
    action = request.POST.get("action", "")
    back = reverse("running:change_detail", args=[fid])
    if action == QUERY and not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认质询"),
            consequence=_("备案将退回牵头单位，牵头单位须答复质询后重新报送。"),
            confirm_label=_("质询"),
            back_url=back,
        )
    service = {
        ACKNOWLEDGE: changes.change_acknowledge,
        QUERY: changes.change_query,
        SUBMIT: changes.change_answer,
    }.get(action)
    if service is None:
        messages.error(request, _("请选择要办理的操作。"))
        return redirect(back)
    try:
        service(
            actor=request.user,
            filing_id=found.filing.pk,
            revision=request.POST.get("revision"),
            reason=request.POST.get("reason", ""),
            basis=request.POST.get("basis", ""),
        )
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            {ACKNOWLEDGE: _("已知悉。"), QUERY: _("已质询，牵头单位将收到消息。")}.get(
                action, _("已答复并重新报送。")
            ),
        )
    return redirect(back)


@permission("running.view_changes")
@require_POST
def signature_sign(request: HttpRequest, fid: int) -> HttpResponse:
    """A member unit signs the renewed agreement online (a second click changes nothing)."""
    try:
        changes.signature_confirm(actor=request.user, filing_id=fid)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("本单位已确认签署续签后的联盟协议。"))
    return redirect("running:change_detail", fid=fid)


@permission("running.edit_workspace")
@require_POST
def signature_paper(request: HttpRequest, fid: int) -> HttpResponse:
    """The lead unit records a member's paper signature with its scanned page."""
    try:
        changes.signature_paper(
            actor=request.user,
            filing_id=fid,
            member_id=request.POST.get("member"),
            file=request.FILES.get("file"),
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记该成员单位的纸质签署。"))
    return redirect("running:change_detail", fid=fid)


@permission("running.view_changes")
def change_list(request: HttpRequest) -> HttpResponse:
    """The filings the viewer may see (a department: its area's), filterable, paginated."""
    filters = change_selectors.ChangeFilters(
        kind=request.GET.get("kind", ""),
        state=request.GET.get("state", ""),
        warned=request.GET.get("warned", ""),
    )
    rows = change_selectors.change_list(viewer=request.user, filters=filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "rows": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": filters,
        "kinds": ChangeFiling.Kind.choices,
        "states": [(k, _(v)) for k, v in STATE_NAMES.items() if k != "draft"],
        "state_names": {k: _(v) for k, v in STATE_NAMES.items()},
        "query": query.urlencode(),
    }
    return render(request, "running/change_list.html", context)


def _form_view(form: str) -> Any:
    @permission("running.edit_workspace")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return change_new(request, pk, form)

    view.__name__ = f"change_{form}"
    view.__doc__ = f"变更备案：{form}（牵头单位）"
    return view


member_add = _form_view("member_add")
member_import = _form_view("member_import")
member_exit = _form_view("member_exit")
key_person = _form_view("key_person")
address = _form_view("address")
renewal = _form_view("renewal")

"""Call pages: the public list and detail, staff management.

The detail page's 在线申报 button posts to ``calls:apply``, which opens a draft proposal: that
view is the proposals app's (:mod:`lianmeng.proposals.views_apply`), mounted beside these.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core import clock
from lianmeng.core.access import permission, public
from lianmeng.core.errors import DomainError, NotFound, ValidationFailed
from lianmeng.core.roles import Role
from lianmeng.ui.errors import error_page

from . import presenters
from .forms import CallForm
from .selectors import call_get_public, call_get_staff, call_list_public, call_list_staff
from .services import (
    call_create,
    call_profiles_for,
    call_publish,
    call_update,
    profiles_refusal,
)

PER_PAGE = 20


def _page(request: HttpRequest, queryset: Any) -> dict[str, Any]:
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


def _not_found(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(exc.message))


# -- public ----------------------------------------------------------------------------------


@public
def call_list(request: HttpRequest) -> HttpResponse:
    context = _page(request, call_list_public())
    now = clock.now()
    context["cards"] = [presenters.call_card(c, now) for c in context["page_obj"].object_list]
    return render(request, "calls/list.html", context)


@public
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        call = call_get_public(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    user = request.user
    can_apply = user.is_authenticated and user.has_role(Role.APPLICANT) and bool(user.unit_id)
    return render(
        request,
        "calls/detail.html",
        {"c": presenters.call_detail(call, clock.now()), "call": call, "can_apply": can_apply},
    )


# -- staff -----------------------------------------------------------------------------------


@permission("calls.manage_calls")
def staff_list(request: HttpRequest) -> HttpResponse:
    context = _page(request, call_list_staff(viewer=request.user))
    now = clock.now()
    context["cards"] = [presenters.call_card(c, now) for c in context["page_obj"].object_list]
    return render(request, "calls/staff_list.html", context)


def _apply_errors(form: CallForm, exc: DomainError) -> None:
    field = exc.details.get("field") if isinstance(exc, ValidationFailed) else None
    mapping = {"paper_days": "paper_hours", "jurisdiction": None}
    field = mapping.get(field, field)
    if field in form.fields:
        form.add_error(field, _(exc.message))
    else:
        form.add_error(None, _(exc.message))


def _issuer_codes(request: HttpRequest) -> set[str]:
    """A department issues calls only under its own jurisdiction's profiles
    (calls.services.call_profiles_for)."""
    scope = request.user.jurisdiction
    return {scope.code} if scope is not None else set()


@permission("calls.manage_calls")
def staff_create(request: HttpRequest) -> HttpResponse:
    if request.user.jurisdiction is not None and not call_profiles_for(request.user.jurisdiction):
        return error_page(
            request,
            403,
            _("不能发布申报通知"),
            profiles_refusal(request.user.jurisdiction).message,
        )
    form = CallForm(
        request.POST or None,
        issuer_codes=_issuer_codes(request),
        initial={
            "year": clock.beijing_now().year,
            "required_materials": ["proposal_form", "feasibility_report", "agreement"],
            "paper_copies": 2,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = call_create(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("申报通知已保存（未发布）。核对无误后请点击“发布”。"))
            return redirect("calls:staff_edit", pk=call.pk)
    return render(request, "calls/staff_form.html", {"form": form, "call": None})


@permission("calls.manage_calls")
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        call = call_get_staff(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = CallForm(
        request.POST or None,
        issuer_codes={call.jurisdiction.code},
        initial=CallForm.initial_for(call),
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = call_update(actor=request.user, pk=call.pk, **form.service_kwargs())
        except NotFound as exc:
            return _not_found(request, exc)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("申报通知已保存。"))
            return redirect("calls:staff_edit", pk=call.pk)
    return render(
        request,
        "calls/staff_form.html",
        {"form": form, "call": call, "c": presenters.call_detail(call, clock.now())},
    )


@permission("calls.manage_calls")
@require_POST
def staff_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        call = call_publish(actor=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, _(exc.message))
        return redirect("calls:staff_edit", pk=pk)
    messages.success(request, _("申报通知已发布，公众可在“申报通知”页面查看。"))
    return redirect("calls:detail", pk=call.pk)

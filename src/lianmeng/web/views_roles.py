"""Role assignment by the security administrator (三员分立): the account list on
``/security/users/`` and one account's roles on ``/security/users/<id>/roles/``.

The rules live in ``lianmeng.core.role_grants`` (which checks them again whoever calls); a
change needs a recent re-authentication (``core.reauth``), a reason, and a confirmation (the
``ui/confirm.js`` dialog, or the server's confirmation page without JavaScript).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.core import role_grants
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.core.reauth import recent_auth
from lianmeng.core.roles import Role
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

ACCOUNTS_PER_PAGE = 50


class AccountFilterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("用户名或姓名"), required=False, max_length=60)
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        required=False,
        choices=[("", gettext_lazy("全部角色")), *Role.choices],
    )
    jurisdiction = forms.CharField(
        label=gettext_lazy("区划（代码或名称）"), required=False, max_length=64
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css


@permission("core.grant_roles")
def accounts(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = role_grants.accounts_for_roles(
        viewer=request.user,
        name=(filters.get("name") or "").strip(),
        role=filters.get("role") or "",
        jurisdiction=(filters.get("jurisdiction") or "").strip(),
    )
    page = Paginator(queryset, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/role_accounts.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


def _account_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return role_grants.account_for_roles(viewer=request.user, user_id=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), exc.message)


@permission("core.grant_roles")
def account_roles(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    if isinstance(account, HttpResponse):
        return account
    held = [grant.role for grant in account.role_grants.all()]
    return render(
        request,
        "web/role_account.html",
        {
            "account": account,
            "held": [(role, Role(role).label) for role in sorted(held)],
            "grantable": [(value, label) for value, label in Role.choices if value not in held],
            "own": account.pk == request.user.pk,
            "reason_max": role_grants.REASON_MAX,
        },
    )


@permission("core.grant_roles")
@recent_auth
@require_POST
def account_roles_change(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    if isinstance(account, HttpResponse):
        return account
    op = request.POST.get("op")
    role = request.POST.get("role") or ""
    reason = request.POST.get("reason") or ""
    back = reverse("web:role_account", args=[account.pk])
    if op not in {"grant", "revoke"}:
        messages.error(request, _("请选择分配或撤销角色。"))
        return redirect(back)
    label = Role(role).label if role in Role.values else role
    if not confirmed(request):
        grant = op == "grant"
        return confirmation_page(
            request,
            title=_("确认为账号 %(username)s 分配“%(role)s”角色？")
            % {"username": account.username, "role": label}
            if grant
            else _("确认撤销账号 %(username)s 的“%(role)s”角色？")
            % {"username": account.username, "role": label},
            consequence=_(
                "角色变更立即生效，该账号下次打开页面时即按新角色授权；变更和理由记入审计日志。"
            ),
            confirm_label=_("确认分配") if grant else _("确认撤销"),
            back_url=back,
            details=[_("理由：%(reason)s") % {"reason": reason}] if reason else [],
            danger=not grant,
        )
    service = role_grants.role_assign if op == "grant" else role_grants.role_revoke
    try:
        service(actor=request.user, user_id=account.pk, role=role, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (
                _("已为账号 %(username)s 分配“%(role)s”角色。")
                if op == "grant"
                else _("已撤销账号 %(username)s 的“%(role)s”角色。")
            )
            % {"username": account.username, "role": label},
        )
    return redirect(back)

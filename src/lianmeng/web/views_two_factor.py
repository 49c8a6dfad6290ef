"""The second sign-in step and the account-security pages (issue 12, two-factor sign-in).

After the right password (``views.LoginView``) a user who has an authenticator, or whose role
requires one (``core.roles.TWO_FACTOR_ROLES``), is *not* signed in: the session only holds a
pending sign-in (user, time, next page) for ``LIANMENG_TWO_FACTOR_PENDING_MINUTES``. The user
then enters a code on ``/accounts/login/verify/`` — or, required but not yet enrolled, adds an
authenticator on ``/accounts/login/enrol/`` — and only a valid code calls
``django.contrib.auth.login``. Wrong codes are limited, audited and counted by the lockout
exactly like wrong passwords (``web.security.code_failed``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lianmeng.core import clock, two_factor
from lianmeng.core.access import login_only, permission, public
from lianmeng.core.errors import DomainError, NotFound, ValidationFailed
from lianmeng.core.models import User
from lianmeng.ui.errors import error_page

from . import lockout, security
from .forms import LoginForm

PENDING = "_lianmeng_2fa_pending"
ENROL_DEVICE = "_lianmeng_2fa_enrol_device"
#: as for the password: 10 codes a minute per account, 60 per address
CODE_RATE = "10/m"
CODE_RATE_PER_IP = "60/m"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写验证码。")},
    )


class ResetForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("用户名"),
        max_length=150,
        error_messages={"required": gettext_lazy("请填写要重置的用户名。")},
    )
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=500,
        error_messages={"required": gettext_lazy("请填写重置原因。")},
    )
    confirmed = forms.BooleanField(
        label=gettext_lazy("我已通过电话或当面核实该用户本人的身份"),
        error_messages={"required": gettext_lazy("请先核实用户本人的身份并勾选确认。")},
    )


# -- the pending sign-in --------------------------------------------------------------------


def _minutes() -> int:
    return int(getattr(settings, "LIANMENG_TWO_FACTOR_PENDING_MINUTES", 5))


def second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right: remember the pending sign-in and ask for the code (or send a
    required user without an authenticator to add one). The user is not signed in."""
    request.session.cycle_key()  # what a visitor's session held before is not carried over
    request.session.pop(ENROL_DEVICE, None)
    request.session[PENDING] = {
        "user": user.pk,
        "at": clock.session_now().timestamp(),
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
    }
    if two_factor.has_two_factor(user):
        return redirect("web:login_verify")
    return redirect("web:login_enrol")


def _clear(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_DEVICE, None)


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | HttpResponse:
    state = request.session.get(PENDING)
    if not isinstance(state, dict):
        messages.info(request, _("请先输入用户名和密码。"))
        return redirect("web:login")
    if clock.session_now().timestamp() - float(state.get("at", 0)) > _minutes() * 60:
        _clear(request)
        messages.warning(
            request,
            _("输入密码后 %(minutes)s 分钟内未完成验证，请重新输入用户名和密码。")
            % {"minutes": _minutes()},
        )
        return redirect("web:login")
    user = User.objects.filter(pk=state.get("user")).first()
    if user is None:
        _clear(request)
        return redirect("web:login")
    return user, state


def _pending_key(group: str, request: HttpRequest) -> str:
    state = request.session.get(PENDING)
    return str(state.get("user", "")) if isinstance(state, dict) else ""


def _refused(request: HttpRequest, user: User) -> HttpResponse | None:
    """Before a code is checked: the limits, the lockout and a disabled account."""
    if getattr(request, "limited", False):
        security.login_blocked(user.username, "rate_limited")
        return error_page(
            request,
            429,
            _("验证尝试过于频繁"),
            _("该账号或本地址一分钟内验证次数过多。请等待一分钟后再试。"),
        )
    if lockout.is_locked(user):
        security.login_blocked(user.username, "locked")
        return _locked(request)
    if not user.is_active:
        _clear(request)
        messages.error(request, LoginForm.error_messages["inactive"])
        return redirect("web:login")
    return None


def _locked(request: HttpRequest) -> HttpResponse:
    _clear(request)
    messages.error(request, LoginForm.error_messages["locked"])
    return redirect("web:login")


def _complete(request: HttpRequest, user: User, state: dict[str, Any], method: str) -> str:
    """Both factors are proven: sign the user in. Returns where to go next."""
    _clear(request)
    auth_login(request, user, backend=state.get("backend"))
    messages.success(request, _("欢迎，%(name)s。") % {"name": user})
    if method == "recovery":
        messages.warning(
            request,
            _(
                "您使用了一个恢复码（每个只能用一次），还剩 %(left)s 个。"
                "如手机已丢失，请在“账号安全”页面生成新的恢复码，或联系安全管理员重置。"
            )
            % {"left": two_factor.recovery_codes_left(user)},
        )
    return state.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)


@public
@ratelimit(key=_pending_key, rate=CODE_RATE, method="POST", block=False)
@ratelimit(key="ip", rate=CODE_RATE_PER_IP, method="POST", block=False)
def login_verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if isinstance(pending, HttpResponse):
        return pending
    user, state = pending
    if not two_factor.has_two_factor(user):
        return redirect("web:login_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if (refused := _refused(request, user)) is not None:
            return refused
        if form.is_valid():
            method = two_factor.verify_code(user, form.cleaned_data["code"])
            if method is not None:
                return redirect(_complete(request, user, state, method))
            if security.code_failed(user, "wrong_code") or lockout.is_locked(user):
                return _locked(request)
            form.add_error("code", two_factor.wrong_code_message())
    recovery = request.GET.get("recovery") == "1" or (
        form.is_bound and not str(request.POST.get("code", "")).strip().isdigit()
    )
    return render(
        request,
        "web/two_factor/verify.html",
        {"form": form, "recovery": recovery, "pending_user": user},
    )


def _enrol(
    request: HttpRequest,
    user: User,
    *,
    action: str,
    via: str,
    confirmed: Callable[[list[str]], HttpResponse],
    refused: Callable[[], HttpResponse | None],
) -> HttpResponse:
    """Show a new authenticator's QR code and key; a valid code from it confirms it."""
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if (answer := refused()) is not None:
            return answer
        if form.is_valid():
            try:
                codes = two_factor.enrolment_confirm(
                    user=user,
                    device_id=request.session.get(ENROL_DEVICE),
                    code=form.cleaned_data["code"],
                )
            except NotFound as exc:
                messages.error(request, exc.message)
                return redirect(action)
            except ValidationFailed as exc:
                if security.code_failed(user, "wrong_code", via=via) and via == "login":
                    return _locked(request)
                form.add_error("code", exc.message)
            else:
                request.session.pop(ENROL_DEVICE, None)
                return confirmed(codes)
    try:
        device = two_factor.enrolment_start(user, request.session.get(ENROL_DEVICE))
    except DomainError as exc:
        messages.info(request, exc.message)
        return redirect("web:account_security" if via == "account" else "web:login_verify")
    request.session[ENROL_DEVICE] = device.pk
    return render(
        request,
        "web/two_factor/enrol.html",
        {
            "form": form,
            "qr": two_factor.qr_data_uri(device),
            "manual_key": two_factor.manual_key(device),
            "action": action,
            "at_login": via == "login",
            "required": two_factor.requires_two_factor(user),
            "enrol_user": user,
        },
    )


def _codes_page(request: HttpRequest, codes: list[str], continue_url: str) -> HttpResponse:
    return render(
        request,
        "web/two_factor/recovery_codes.html",
        {"codes": codes, "continue_url": continue_url},
    )


@public
@ratelimit(key=_pending_key, rate=CODE_RATE, method="POST", block=False)
@ratelimit(key="ip", rate=CODE_RATE_PER_IP, method="POST", block=False)
def login_enrol(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if isinstance(pending, HttpResponse):
        return pending
    user, state = pending
    if two_factor.has_two_factor(user):
        return redirect("web:login_verify")
    if not two_factor.requires_two_factor(user):  # an optional user enrols once signed in
        _clear(request)
        return redirect("web:login")

    def confirmed(codes: list[str]) -> HttpResponse:
        return _codes_page(request, codes, _complete(request, user, state, "totp"))

    return _enrol(
        request,
        user,
        action=reverse("web:login_enrol"),
        via="login",
        confirmed=confirmed,
        refused=lambda: _refused(request, user),
    )


# -- the signed-in user's account security --------------------------------------------------


@login_only
def account_security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/two_factor/account.html",
        {
            "enrolled": two_factor.has_two_factor(user),
            "enrolled_at": two_factor.enrolled_at(user),
            "required": two_factor.requires_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "form": CodeForm(),
        },
    )


@login_only
def account_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user

    def confirmed(codes: list[str]) -> HttpResponse:
        messages.success(request, _("双因素认证已启用。今后登录时需输入身份验证器上的验证码。"))
        return _codes_page(request, codes, reverse("web:account_security"))

    return _enrol(
        request,
        user,
        action=reverse("web:account_enrol"),
        via="account",
        confirmed=confirmed,
        refused=lambda: None,
    )


def _code_checked(request: HttpRequest) -> bool:
    """The signed-in user's current code (authenticator or recovery code) for a change of the
    second factor; a wrong one is counted like a wrong sign-in and shown as an error."""
    form = CodeForm(request.POST)
    if form.is_valid() and two_factor.verify_code(request.user, form.cleaned_data["code"]):
        return True
    if form.is_valid():
        security.code_failed(request.user, "wrong_code", via="account")
        messages.error(request, two_factor.wrong_code_message())
    else:
        messages.error(request, _("请填写身份验证器上当前显示的验证码。"))
    return False


@login_only
@require_POST
def account_recovery_renew(request: HttpRequest) -> HttpResponse:
    if not _code_checked(request):
        return redirect("web:account_security")
    try:
        codes = two_factor.recovery_codes_renew(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:account_security")
    messages.success(request, _("已生成新的恢复码，原有的恢复码已全部作废。"))
    return _codes_page(request, codes, reverse("web:account_security"))


@login_only
@require_POST
def account_remove(request: HttpRequest) -> HttpResponse:
    if two_factor.requires_two_factor(request.user):
        try:
            two_factor.two_factor_remove(actor=request.user)  # refuses, with the reason
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("web:account_security")
    if not _code_checked(request):
        return redirect("web:account_security")
    try:
        two_factor.two_factor_remove(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除双因素认证，今后登录只需密码。"))
    return redirect("web:account_security")


# -- the security administrator: reset a lost second factor ---------------------------------


@permission("core.view_security")
@require_POST
def security_two_factor_reset(request: HttpRequest) -> HttpResponse:
    form = ResetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("web:security") + "#two-factor-reset")
    try:
        user = two_factor.two_factor_reset(
            actor=request.user,
            username=form.cleaned_data["username"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("已重置账号 %(username)s 的双因素认证。") % {"username": user.username}
        text += _("该账号在所有浏览器上的登录均已退出。")
        if two_factor.requires_two_factor(user):
            text += _("该用户下次登录时须重新绑定身份验证器。")
        messages.success(request, text)
    return redirect(reverse("web:security") + "#two-factor-reset")

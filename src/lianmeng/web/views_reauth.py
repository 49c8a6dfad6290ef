"""Re-authentication page (``/accounts/confirm/``): the signed-in user types the password
again — and the 6-digit code of a confirmed two-factor device, if the account has one — before
a sensitive action (``lianmeng.core.reauth``).

A wrong password or code is recorded as a failed sign-in of the account, so it counts towards
the lockout like one on the login page; the failure that locks the account also signs the
session out. A correct proof is audited (``lianmeng.auth.reauth``) and stamps the session.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from lianmeng.core import reauth
from lianmeng.core.access import login_only
from lianmeng.ui.errors import error_page

from . import lockout, security

#: the same pace as the login page's per-account limit
CONFIRM_RATE = "10/m"


def _otp_devices(user: Any) -> list[Any]:
    """The account's confirmed two-factor devices (none while django-otp is not installed)."""
    if not apps.is_installed("django_otp"):
        return []
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=True))


def _otp_match(request: HttpRequest, token: str) -> bool:
    from django_otp import login as otp_login
    from django_otp import match_token

    device = match_token(request.user, token)
    if device is None:
        return False
    otp_login(request, device)
    return True


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("密码"),
        strip=False,
        error_messages={"required": gettext_lazy("请输入密码。")},
    )
    otp_token = forms.RegexField(
        label=gettext_lazy("动态验证码"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": gettext_lazy("动态验证码是 6 位数字。")},
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["otp_token"].required = True
            self.fields["otp_token"].error_messages["required"] = _(
                "请输入验证器应用中显示的 6 位动态验证码。"
            )
        else:
            del self.fields["otp_token"]


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.error(
        request,
        _(
            "该账号因连续多次密码错误已被锁定，您已退出。请联系安全管理员核实身份后解除锁定，"
            "解除前即使密码正确也不能登录。"
        ),
    )
    return redirect("web:login")


@login_only
@ratelimit(key="user", rate=CONFIRM_RATE, method="POST", block=False)
def confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = reauth.safe_next(
        request, request.POST.get("next") or request.GET.get("next")
    ) or reverse("web:home")
    if lockout.is_locked(user):
        return _locked_out(request)
    devices = _otp_devices(user)
    form = ConfirmForm(request.POST or None, needs_code=bool(devices))
    if request.method == "POST":
        if getattr(request, "limited", False):
            return error_page(
                request,
                429,
                _("验证尝试过于频繁"),
                _("一分钟内验证次数过多，请等待一分钟后再试。"),
            )
        if form.is_valid():
            if not user.check_password(form.cleaned_data["password"]):
                if security.reauth_failed(user, "password"):
                    return _locked_out(request)
                form.add_error("password", _("密码不正确，请重新输入。连续多次错误将锁定账号。"))
            elif devices and not _otp_match(request, form.cleaned_data["otp_token"]):
                if security.reauth_failed(user, "otp"):
                    return _locked_out(request)
                form.add_error(
                    "otp_token", _("动态验证码不正确或已过期，请输入验证器应用中当前显示的验证码。")
                )
            else:
                security.reauth_succeeded(user)
                reauth.stamp(request)
                messages.success(
                    request,
                    _("身份已验证，%(minutes)s 分钟内进行敏感操作无需再次输入密码。")
                    % {"minutes": int(reauth.window().total_seconds() // 60)},
                )
                return redirect(next_url)
    return render(
        request,
        "web/reauth.html",
        {
            "form": form,
            "next": next_url,
            "needs_code": bool(devices),
            "minutes": int(reauth.window().total_seconds() // 60),
        },
    )

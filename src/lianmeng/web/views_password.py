"""Changing one's own password (signed in) and resetting a forgotten one by e-mail.

Django's own views and forms, with the project's pages, deny-by-default declarations, a rate
limit on reset requests, an audit entry for every change and reset, and a reset link built
from the site's public address (``SITE_URL``), never from the address the request came to.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import login_only, public
from lianmeng.core.audit import audit_record
from lianmeng.core.site import absolute_url
from lianmeng.ui.errors import error_page

ACTION_CHANGED = "lianmeng.auth.password.changed"
ACTION_RESET_REQUESTED = "lianmeng.auth.password.reset_requested"
ACTION_RESET = "lianmeng.auth.password.reset"
RESET_RATE_PER_IP = "5/h"
RESET_RATE_PER_EMAIL = "3/h"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password/change.html"
    success_url = reverse_lazy("web:home")
    extra_context = {"title": gettext_lazy("修改密码")}

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(actor=form.user, action=ACTION_CHANGED, obj=form.user)
        messages.success(self.request, _("密码已修改。下次登录请使用新密码。"))
        return response


class ResetForm(auth_forms.PasswordResetForm):
    def send_mail(  # noqa: PLR0913 -- Django's signature
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse(
            "web:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        context["reset_url"] = absolute_url(path)
        context["valid_hours"] = 1
        with transaction.atomic():
            audit_record(actor=None, action=ACTION_RESET_REQUESTED, obj=context["user"])
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/password/reset.html"
    form_class = ResetForm
    email_template_name = "web/password/reset_email.txt"
    subject_template_name = "web/password/reset_subject.txt"
    success_url = reverse_lazy("web:login")
    extra_context = {"title": gettext_lazy("找回密码")}

    def form_valid(self, form: ResetForm) -> HttpResponse:
        response = super().form_valid(form)
        # the same answer whether or not the address belongs to an account
        messages.info(
            self.request,
            _(
                "如果该邮箱是某个有效账号登记的邮箱，系统已向其发送重置密码的链接，"
                "1 小时内有效。请查收邮件（含垃圾邮件）；未收到请联系本单位或本部门的系统管理员。"
            ),
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password/reset_confirm.html"
    success_url = reverse_lazy("web:login")
    extra_context = {"title": gettext_lazy("设置新密码")}

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(actor=form.user, action=ACTION_RESET, obj=form.user)
        messages.success(self.request, _("新密码已设置，请用新密码登录。"))
        return response


password_change = login_only(PasswordChangeView.as_view())
password_reset_confirm = public(PasswordResetConfirmView.as_view())
_password_reset = PasswordResetView.as_view()


@public
@ratelimit(key="post:email", rate=RESET_RATE_PER_EMAIL, method="POST", block=False)
@ratelimit(key="ip", rate=RESET_RATE_PER_IP, method="POST", block=False)
def password_reset(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return error_page(
            request,
            429,
            _("找回密码的请求过于频繁"),
            _("同一邮箱或本地址一小时内请求次数过多。请一小时后再试，或联系本单位的系统管理员。"),
        )
    return _password_reset(request)

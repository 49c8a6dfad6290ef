"""Forms of the web shell: sign-in and the list filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lianmeng.core.credentials import normalise_username
from lianmeng.proposals.models import Proposal


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("该账号已停用，请联系本单位或本部门的系统管理员。"),
        "locked": _(
            "该账号因连续多次密码错误已被锁定。请联系安全管理员核实身份后解除锁定，"
            "解除前即使密码正确也不能登录。"
        ),
    }

    def clean_username(self) -> str:
        # the one normalisation the rate limiter, the lockout and the audit use
        return normalise_username(self.cleaned_data.get("username"))

    def clean(self) -> dict:
        from lianmeng.core.models import User

        from . import lockout, security

        username = self.cleaned_data.get("username")
        account = User.objects.filter(username=username).first() if username else None
        if account is not None and lockout.is_locked(account):
            # refused before the password is checked, so a locked account is no oracle
            security.login_blocked(username, "locked")
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if account is not None and lockout.is_locked(account):  # this failure locked it
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].error_messages["required"] = _("请填写用户名。")
        self.fields["password"].error_messages["required"] = _("请填写密码。")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False)
    profile = forms.ChoiceField(label=_("政策档案"), required=False)

    def __init__(
        self,
        *args,
        profiles: list[tuple[str, str]],
        states: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        # ``states``: those of the profiles that apply to the viewer's area (by their names)
        self.fields["status"].choices = [
            ("", _("全部状态")),
            *(states if states is not None else Proposal.Status.choices),
        ]
        self.fields["profile"].choices = [("", _("全部政策档案")), *profiles]
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("联盟名称或牵头单位")}
        )
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["profile"].widget.attrs["class"] = "form-select"


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("操作前缀"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].widget.attrs.update(
            {"class": "form-control", "placeholder": "lianmeng.auth"}
        )
        self.fields["actor"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("用户名")}
        )

"""Forms of expert review pages (input shape only; the services judge)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianmeng.policy.loader import load_profiles


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class RoundCreateForm(forms.Form):
    profile = forms.ChoiceField(label=_("政策档案"))
    call_year = forms.IntegerField(label=_("申报年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    opens_at = forms.DateTimeField(
        label=_("评审开始"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("评审截止"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, profiles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_profiles = load_profiles()
        ids = profiles if profiles is not None else sorted(all_profiles)
        self.fields["profile"].choices = [(pid, all_profiles[pid].name.value) for pid in ids]
        self.fields["title"].widget.attrs["placeholder"] = _("留空则自动生成")
        _style(self)


class AutoAssignForm(forms.Form):
    per_proposal = forms.IntegerField(
        label=_("每份申报专家人数"), min_value=1, max_value=15, initial=2
    )
    experts = forms.MultipleChoiceField(
        label=_("参加本轮的专家"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, experts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["experts"].choices = [(str(pk), label) for pk, label in experts]
        self.fields["per_proposal"].widget.attrs["class"] = "form-control"


class ManualAssignForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("申报"), coerce=int)
    expert = forms.TypedChoiceField(label=_("专家"), coerce=int)
    reason = forms.CharField(
        label=_("人工指定理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("人工指定专家须填写理由。")},
    )

    def __init__(
        self,
        *args: Any,
        proposals: list[tuple[int, str]],
        experts: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = proposals
        self.fields["expert"].choices = experts
        _style(self)


class ExpertProfileForm(forms.Form):
    fields_text = forms.CharField(
        label=_("专业领域"),
        required=False,
        max_length=400,
        help_text=_("多个领域用顿号、逗号或换行分隔，例如：新材料、高端装备制造"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    title = forms.CharField(label=_("职称/职务"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    region_code = forms.CharField(
        label=_("所在地区（区划代码）"), required=False, max_length=6, min_length=6
    )
    available = forms.BooleanField(label=_("可接受评审任务"), required=False)
    conflicts_text = forms.CharField(
        label=_("申报回避的单位（统一社会信用代码）"),
        required=False,
        max_length=2000,
        help_text=_("与您有利害关系的单位（曾任职、兼职、近亲属任职等），每行一个代码"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def split_list(text: str) -> list[str]:
    for sep in "、，,;；\r":
        text = text.replace(sep, "\n")
    return [part.strip() for part in text.split("\n") if part.strip()]

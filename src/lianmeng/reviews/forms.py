"""Forms of the recommendation, acceptance and notification pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianmeng.core import clock
from lianmeng.policy.loader import load_profiles


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput
        ):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def state_choices(
    profiles: list[Any] | None = None, *, draft: bool = False
) -> list[tuple[str, str]]:
    """Every state of the ``profiles``' tables (default: every profile), once, in the
    reader's language; a state that they name differently (已提交 / 已提交（待县级初审）) gets
    its plain name. ``draft``: offer 草稿 too (an applicant's own list)."""
    from django.utils.translation import gettext

    from lianmeng.proposals.models import Proposal

    seen: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for profile in load_profiles().values() if profiles is None else profiles:
        if profile.lifecycle is None:
            continue
        for state in profile.lifecycle.states:
            if draft or state.id != "draft":
                seen.setdefault(state.id, state.label)
                names.setdefault(state.id, set()).add(state.label)
    plain = {value: str(label) for value, label in Proposal.Status.choices}
    return [
        (state, plain[state] if len(names[state]) > 1 and state in plain else gettext(label))
        for state, label in seen.items()
    ]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False)
    profile = forms.ChoiceField(label=_("政策档案"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # only what the viewer's jurisdiction has: the profiles that apply to its area, by
        # name, and the states of their tables, named as those profiles name them
        if viewer is not None:
            from lianmeng.proposals.selectors import profiles_for

            applicable = profiles_for(viewer)
        else:
            applicable = sorted(load_profiles().values(), key=lambda p: (p.name.value, p.id))
        self.fields["status"].choices = [("", _("全部状态")), *state_choices(applicable)]
        self.fields["profile"].choices = [
            ("", _("全部政策档案")),
            *[(p.id, p.name.value) for p in applicable],
        ]
        _style(self)
        self.fields["q"].widget.attrs["placeholder"] = _("联盟名称或牵头单位")
        self.fields["year"].widget.attrs["placeholder"] = _("如 2020")


class AcceptanceFilterForm(InboxFilterForm):
    paper = forms.ChoiceField(
        label=_("纸质材料"),
        required=False,
        choices=[("", _("全部")), ("missing", _("未收齐")), ("received", _("已收齐"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper"].widget.attrs["class"] = "form-select"


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea
    )
    category = forms.TypedChoiceField(
        label=_("备案类别"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, _("一类")), (2, _("二类")), (3, _("三类"))],
    )


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    transition = forms.ChoiceField(label=_("批量操作"), choices=[])
    reason = forms.CharField(label=_("统一意见"), required=False, max_length=2000)

    def __init__(
        self, *args: Any, ids: list[int], transitions: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, str(pk)) for pk in ids]
        self.fields["ids"].error_messages["required"] = _("请至少选择一项申报。")
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "所选申报已不在列表中，请刷新后重试。"
        )
        self.fields["transition"].choices = transitions
        self.fields["transition"].error_messages["required"] = _("请选择要办理的操作。")
        self.fields["transition"].error_messages["invalid_choice"] = _(
            "您不能批量办理所选的操作，请刷新页面后从菜单中重新选择。"
        )
        _style(self)


def _beijing_now_local() -> str:
    return clock.now().astimezone(clock.BEIJING).strftime("%Y-%m-%dT%H:%M")


class PaperForm(forms.Form):
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=20, initial=2)
    received_at = forms.DateTimeField(
        label=_("接收时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    received_by = forms.CharField(label=_("接收人"), max_length=60)
    reason = forms.CharField(
        label=_("非报送时间接收的原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_at", _beijing_now_local())
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_received_at(self) -> datetime:
        value = self.cleaned_data["received_at"]
        # the browser's local time is Beijing time (TIME_ZONE); keep it aware
        return (
            value.astimezone(clock.BEIJING) if value.tzinfo else value.replace(tzinfo=clock.BEIJING)
        )


class ZoneFilingForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class NotificationTextForm(forms.Form):
    subject = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

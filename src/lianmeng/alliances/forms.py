"""The registry's filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianmeng.proposals.models import Proposal

from .models import Alliance

LEVELS = [("national", _("国家级")), ("provincial", _("省级")), ("municipal", _("市级"))]


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("级别"), required=False)
    domain = forms.ChoiceField(label=_("领域"), required=False)
    profile = forms.ChoiceField(label=_("地区"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    year = forms.ChoiceField(label=_("年度"), required=False)
    overdue = forms.BooleanField(label=_("只看筹建期已过的联盟"), required=False)
    #: department staff only (the view drops it for others): B-5 early warning
    kpi_warning = forms.BooleanField(label=_("只看有绩效预警的联盟"), required=False)

    def __init__(
        self, *args: Any, profiles: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("全部级别")), *LEVELS]
        self.fields["domain"].choices = [("", _("全部领域")), *Proposal.Domain.choices]
        self.fields["profile"].choices = [("", _("全部地区")), *profiles]
        self.fields["status"].choices = [("", _("全部状态")), *Alliance.Status.choices]
        self.fields["year"].choices = [("", _("全部年度")), *[(str(y), str(y)) for y in years]]
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("联盟名称或牵头单位")}
        )
        for name in ("level", "domain", "profile", "status", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["kpi_warning"].widget.attrs["class"] = "form-check-input"

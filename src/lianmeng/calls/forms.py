"""The staff form for a call: plain fields turned into what ``call_create`` takes."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lianmeng.core.clock import as_beijing
from lianmeng.core.validity import lapse_for
from lianmeng.policy.loader import load_profiles

from .models import Call
from .terms import MATERIAL_TITLES

_RANGE = re.compile(r"^\s*([0-2]?[0-9]:[0-5][0-9])\s*[-—–~～至]+\s*([0-2]?[0-9]:[0-5][0-9])\s*$")

MATERIAL_CHOICES = [
    ("proposal_form", _("构建建议书")),
    ("feasibility_report", _("可行性研究报告")),
    ("recommendation_form", _("推荐表")),
    ("agreement", _("联盟协议书")),
    ("charter", _("联盟章程")),
    ("recommendation_letter", _("推荐函")),
    ("business_license", _("营业执照")),
    ("other", _("其他材料")),
]
assert {k for k, _label in MATERIAL_CHOICES} == set(MATERIAL_TITLES)  # noqa: S101


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _moment_text(value: Any, *, end: bool) -> str:
    """A stored instant as the form shows it: a bare date when it is a whole day's edge."""
    moment = as_beijing(value)
    edge = time.max if end else time.min
    if moment.time() == edge:
        return moment.date().isoformat()
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment.second else f"{moment:%Y-%m-%d %H:%M}"


def _profile_label(profile: Any) -> str:
    """洛阳市, or 洛阳市（政策已失效） when its policy is not in force today: a call can be
    saved under it only for a window inside the validity, and not published."""
    if lapse_for(profile) is None:
        return profile.name.value
    return gettext("%(name)s（政策已失效）") % {"name": profile.name.value}


class CallForm(forms.Form):
    profile = forms.ChoiceField(label=_("政策档案"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    scope = forms.CharField(
        label=_("支持范围"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    focus_areas = forms.CharField(
        label=_("重点领域"),
        required=False,
        help_text=_("每行一个领域，如“新材料”。"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    online_opens = forms.CharField(
        label=_("网上填报开始"),
        help_text=_("如 2020-08-10，或 2020-08-10 09:00（北京时间）。只填日期时从当日 0 时开始。"),
    )
    online_closes = forms.CharField(
        label=_("网上填报截止"),
        help_text=_("如 2020-09-20。只填日期时截止到当日 23:59:59（北京时间）。"),
    )
    paper_first_day = forms.DateField(label=_("纸质材料报送：第一天"), required=False)
    paper_last_day = forms.DateField(label=_("纸质材料报送：最后一天"), required=False)
    paper_hours = forms.CharField(
        label=_("办公时间"),
        required=False,
        help_text=_("每段时间用逗号隔开，如 08:00-12:00, 15:00-18:00"),
    )
    paper_place = forms.CharField(label=_("报送地点"), max_length=200, required=False)
    contacts = forms.CharField(
        label=_("联系人"),
        required=False,
        help_text=_("每行一位：姓名 电话 处室（用空格隔开），如：张超 0371-65990399 成果转化处"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required_materials = forms.MultipleChoiceField(
        label=_("申报材料"),
        choices=MATERIAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    paper_copies = forms.IntegerField(label=_("纸质份数"), min_value=0, max_value=20, initial=2)

    def __init__(self, *args: Any, issuer_codes: set[str] | None = None, **kwargs: Any) -> None:
        """``issuer_codes``: the codes on the path of the issuing department's jurisdiction;
        only profiles of those areas are offered (a department issues calls under a policy
        of its own area or of an area above it)."""
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [
            (pid, _profile_label(profile))
            for pid, profile in load_profiles().items()
            if issuer_codes is None or profile.jurisdiction.value in issuer_codes
        ]
        offered = pgettext("list separator", "；").join(
            label for _pid, label in self.fields["profile"].choices
        )
        self.fields["profile"].error_messages["invalid_choice"] = gettext(
            "只能按本辖区的政策档案发布申报通知，请从列表中选择：%(profiles)s。"
        ) % {"profiles": offered or "—"}

    def clean_paper_hours(self) -> list[list[str]]:
        hours = []
        for part in re.split(r"[,，;；、]", self.cleaned_data.get("paper_hours") or ""):
            if not part.strip():
                continue
            match = _RANGE.match(part)
            if not match:
                raise forms.ValidationError(
                    _("办公时间“%(part)s”无效，应如 08:00-12:00。"), params={"part": part.strip()}
                )
            hours.append([match.group(1).zfill(5), match.group(2).zfill(5)])
        return hours

    def clean_contacts(self) -> list[dict[str, str]]:
        contacts = []
        for line in _lines(self.cleaned_data.get("contacts") or ""):
            parts = line.split()
            if len(parts) < 2:
                raise forms.ValidationError(
                    _("“%(line)s”：请按“姓名 电话 处室”填写，至少要有姓名和电话。"),
                    params={"line": line},
                )
            contacts.append({"name": parts[0], "phone": parts[1], "office": " ".join(parts[2:])})
        return contacts

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("paper_first_day"), data.get("paper_last_day")
        if first and last and last < first:
            self.add_error("paper_last_day", _("最后一天不能早于第一天。"))
        if last and not first:
            self.add_error("paper_first_day", _("请填写第一天。"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        days: list[dict[str, Any]] = []
        first: date | None = data.get("paper_first_day")
        last: date | None = data.get("paper_last_day") or first
        if first and last:
            day = first
            while day <= last and len(days) < 31:
                days.append({"date": day.isoformat(), "hours": data.get("paper_hours") or []})
                day += timedelta(days=1)
        return {
            "profile": data["profile"],
            "year": data["year"],
            "title": data["title"],
            "document_number": data.get("document_number") or "",
            "scope": data.get("scope") or "",
            "focus_areas": _lines(data.get("focus_areas") or ""),
            "online_opens": data["online_opens"],
            "online_closes": data["online_closes"],
            "paper_days": days,
            "paper_place": data.get("paper_place") or "",
            "contacts": data.get("contacts") or [],
            "required_materials": data.get("required_materials") or [],
            "paper_copies": data.get("paper_copies") or 0,
        }

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        days = call.paper_days or []
        hours = days[0].get("hours") if days else []
        return {
            "profile": call.profile,
            "year": call.year,
            "title": call.title,
            "document_number": call.document_number,
            "scope": call.scope,
            "focus_areas": "\n".join(call.focus_areas or []),
            "online_opens": _moment_text(call.online_opens_at, end=False),
            "online_closes": _moment_text(call.online_closes_at, end=True),
            "paper_first_day": days[0]["date"] if days else None,
            "paper_last_day": days[-1]["date"] if days else None,
            "paper_hours": ", ".join(f"{a}-{b}" for a, b in hours or []),
            "paper_place": call.paper_place,
            "contacts": "\n".join(
                " ".join(p for p in (c.get("name"), c.get("phone"), c.get("office")) if p)
                for c in call.contacts or []
            ),
            "required_materials": call.required_materials,
            "paper_copies": call.paper_copies,
        }

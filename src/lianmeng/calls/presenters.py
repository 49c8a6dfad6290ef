"""What the call pages show: windows to the second in Beijing time, state, materials."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianmeng.core.validity import apply_refusal, lapse_for, lapse_status
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .models import Call
from .terms import material_titles
from .windows import time_left, window_state

STATES = {
    "upcoming": (_("尚未开始"), "text-bg-info"),
    "open": (_("正在受理"), "text-bg-success"),
    "closed": (_("已截止"), "text-bg-secondary"),
    #: the window is (or would be) open, but the call's policy is not in force then
    "lapsed": (_("政策已失效"), "text-bg-warning"),
}


def _moment(moment: datetime) -> str:
    """A window end to the second in Beijing time, in the reader's language."""
    from lianmeng.core.dates import show_moment

    return show_moment(moment, seconds=True)


def _issuer(call: Call) -> str:
    """The issuing department: the profile's authority when the call is the profile's own
    area's, else the issuing area's name."""
    try:
        profile = get_profile(call.profile)
    except UnknownProfileError:
        return call.jurisdiction.name
    if profile.jurisdiction.value == call.jurisdiction.code:
        return (profile.authority or profile.issuer).value
    return call.jurisdiction.name


def call_state(call: Call, now: datetime) -> str:
    """upcoming / open / closed, or ``lapsed``: a call is never 正在受理 (nor 尚未开始) when
    its policy is not in force for its window (lianmeng.policy.validity)."""
    state = window_state(call, now)
    if state == "open" and lapse_for(call.profile, now) is not None:
        return "lapsed"
    if state == "upcoming" and (
        lapse_for(call.profile, call.online_opens_at)
        or lapse_for(call.profile, call.online_closes_at)
    ):
        return "lapsed"
    return state


def call_card(call: Call, now: datetime) -> dict[str, Any]:
    """The facts of a list row (no extra query beyond the call and its jurisdiction)."""
    state = call_state(call, now)
    label, css = STATES[state]
    lapsed = lapse_for(call.profile, now)
    return {
        #: 《办法》（文号）有效期至…，已失效 — shown beside any call whose policy lapsed
        "policy_lapse": lapse_status(lapsed) if lapsed else "",
        "apply_refusal": apply_refusal(lapsed) if lapsed else "",
        "call": call,
        "state": state,
        "state_label": label,
        "state_class": css,
        "opens": _moment(call.online_opens_at),
        "closes": _moment(call.online_closes_at),
        "time_left": time_left(call, now) if state == "open" else "",
        "issuer": _issuer(call),
    }


def paper_days(call: Call) -> list[dict[str, Any]]:
    rows = []
    for item in call.paper_days or []:
        day = date.fromisoformat(item["date"])
        rows.append(
            {
                "day": dateformat.format(day, gettext("Y年n月j日（l）")),
                "hours": [f"{start}—{end}" for start, end in item.get("hours") or []],
            }
        )
    return rows


def call_detail(call: Call, now: datetime) -> dict[str, Any]:
    titles = material_titles(call)
    return {
        **call_card(call, now),
        "paper_days": paper_days(call),
        "materials": [{"kind": kind, "title": title} for kind, title in titles.items()],
    }

"""Sentences about a policy that is not in force, in the reader's language.

Whether a profile is in force is decided in one place, :mod:`lianmeng.policy.validity`; this
module only words its :class:`~lianmeng.policy.validity.Lapse` for the pages, the API and the
CLI: the document's name and 文号 and its validity, never a file name. Messages are shown,
never stored (a refusal is worded for whoever reads it).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import dateformat
from django.utils.translation import gettext as _

from lianmeng.core import clock
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.models import Profile
from lianmeng.policy.validity import Lapse, lapse

__all__ = [
    "BASIS_FIELD",
    "basis_required_message",
    "call_window_message",
    "lapse_for",
    "lapse_status",
    "policy_lapse_context",
    "publish_refusal",
    "return_refusal",
    "submit_refusal",
    "apply_refusal",
]

#: the name of the field (form, API ``data``, CLI ``--data``) that records the basis of an act
#: under a policy that is not in force
BASIS_FIELD = "basis"


def _day(day: date) -> str:
    return dateformat.format(day, _("Y年n月j日"))


def lapse_for(profile: Profile | str, at: date | datetime | None = None) -> Lapse | None:
    """The lapse of ``profile`` (a profile or its id) at ``at`` (default: now); None when it is
    in force or unknown."""
    if isinstance(profile, str):
        try:
            profile = get_profile(profile)
        except UnknownProfileError:
            return None
    return lapse(profile, at if at is not None else clock.now())


def lapse_status(item: Lapse) -> str:
    """《…》（洛政办〔2018〕54号）有效期至2020年12月31日，已失效 — or 自…起施行，尚未施行."""
    if item.reason == "expired":
        return _("%(document)s有效期至%(until)s，已失效") % {
            "document": item.document,
            "until": _day(item.valid_until),
        }
    return _("%(document)s自%(since)s起施行，目前尚未施行") % {
        "document": item.document,
        "since": _day(item.valid_from),
    }


def submit_refusal(item: Lapse) -> str:
    """Submission and resubmission (the editor's banner says the same before trying)."""
    if item.reason == "expired":
        return _("%(status)s，不能再提交申报。") % {"status": lapse_status(item)}
    return _("%(status)s，施行前不能提交申报。") % {"status": lapse_status(item)}


def apply_refusal(item: Lapse) -> str:
    """Opening a new draft from a call."""
    return _("%(status)s，不能再按该办法新建申报。") % {"status": lapse_status(item)}


def publish_refusal(item: Lapse) -> str:
    """Publishing a call."""
    return _("%(status)s，不能按该办法发布申报通知。") % {"status": lapse_status(item)}


def call_window_message(item: Lapse) -> str:
    """A call's online window that reaches outside the policy's validity."""
    start = _day(item.valid_from) if item.valid_from else "…"
    end = _day(item.valid_until) if item.valid_until else _("长期")
    return _(
        "网上填报时间须在%(document)s的有效期（%(start)s至%(end)s）内，请调整开始或截止时间。"
    ) % {"document": item.document, "start": start, "end": end}


def basis_required_message(item: Lapse, action: str) -> str:
    """An act of a department (recommend, accept, decide …) under a policy not in force."""
    return _(
        "%(status)s。按该办法办理“%(action)s”，须在“依据”栏写明所依据的文件或指示"
        "（名称和文号，如延期执行的通知），依据将记入办理记录。"
    ) % {"status": lapse_status(item), "action": action}


def return_refusal(item: Lapse) -> str:
    """A return for revision: the lead unit could never submit again."""
    return _(
        "%(status)s，退回后申报单位不能再提交，因此不能退回修改。"
        "如不再办理，请作出不予受理或不予通过的决定并写明依据。"
    ) % {"status": lapse_status(item)}


def policy_lapse_context(profile: Profile | str, at: date | datetime | None = None) -> dict:
    """``{"policy_lapse": Lapse | None, "policy_lapse_text": str}`` for a page's banner."""
    item = lapse_for(profile, at)
    return {"policy_lapse": item, "policy_lapse_text": lapse_status(item) if item else ""}

"""The proposal editor's parts, in the order of the 建议书 and its annexes.

Every editor page renders ``proposals/editor_base.html`` with ``editor_context(...)``, so the
left-hand navigation and the header are the same on every part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianmeng.core.validity import lapse_for, submit_refusal

from .models import Proposal


@dataclass(frozen=True)
class Part:
    key: str
    label: Any
    path: str  # relative to /proposals/<pk>/


PARTS: tuple[Part, ...] = (
    Part("facts", _("一、联盟基本情况"), "edit/section/facts/"),
    Part("lead", _("二、牵头单位基本情况"), "edit/section/lead/"),
    Part("main_members", _("三、主要成员单位"), "edit/main-members/"),
    Part("governance", _("四、运行管理基本情况"), "edit/section/governance/"),
    Part("background", _("五、构建背景和必要性"), "edit/section/background/"),
    Part("plan", _("六、计划和目标"), "edit/section/plan/"),
    Part("kpis", _("七、预期绩效指标"), "edit/section/kpis/"),
    Part("foundation", _("八、工作基础、条件与优势"), "edit/section/foundation/"),
    Part("benefits", _("九、效益及带动作用"), "edit/section/benefits/"),
    Part("opinion", _("十、牵头单位意见"), "edit/section/opinion/"),
    Part("agreement_facts", _("联盟协议要点"), "edit/section/agreement_facts/"),
    Part("members", _("成员单位名单"), "edit/members/"),
    Part("feasibility", _("可行性研究报告"), "edit/writeups/feasibility/"),
    Part("agreement", _("联盟协议书"), "edit/writeups/agreement/"),
    Part("materials", _("申报材料附件"), "edit/materials/"),
    Part("check", _("资格预审与查重"), "edit/check/"),
    Part("submit", _("提交申报"), "submit/"),
)


def part_url(proposal: Proposal, key: str) -> str:
    part = next(p for p in PARTS if p.key == key)
    return f"/proposals/{proposal.pk}/{part.path}"


def editor_context(proposal: Proposal, active: str, **extra: Any) -> dict[str, Any]:
    nav = [
        {
            "key": p.key,
            "label": p.label,
            "url": f"/proposals/{proposal.pk}/{p.path}",
            "active": p.key == active,
        }
        for p in PARTS
    ]
    editable = proposal.status in Proposal.EDITABLE
    lapsed = lapse_for(proposal.profile) if editable else None
    return {
        "proposal": proposal,
        "editor_nav": nav,
        "editor_active": active,
        "editable": editable,
        # the banner on every part: the policy is not in force, nothing can be submitted
        "policy_lapse": lapsed,
        "policy_refusal": submit_refusal(lapsed) if lapsed else "",
        "policy_lapse_text": "",
        **extra,
    }

"""A calculation's reason in the reader's language.

:mod:`lianmeng.policy.rewards` gives every reason as a Chinese message template with its values
(``Award.template``, ``Award.params``; a stored claim keeps both in ``calculation``). The
templates are in the message catalogue; the values that are names (the level, the figure, the
policy's own sentence on lost support or double support) are translated too, the rest (numbers,
dates, claim numbers, the department's own words) are shown as they are. Without a template (a
calculation stored before templates existed) the Chinese text is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop

#: values that are names from the policy or the platform, translated with the template
NAMES = ("level", "figure", "rule")

TEMPLATES = (
    gettext_noop("奖励事项发生于 %(day)s，早于政策生效日 %(start)s"),
    gettext_noop("奖励事项发生于 %(day)s，政策有效期至 %(end)s，已失效，不予奖补"),
    gettext_noop("本办法对%(level)s联盟没有规定该项奖励"),
    gettext_noop("新获批%(level)s联盟的牵头单位奖励 %(amount)s 万元"),
    gettext_noop("尚未填写%(figure)s（万元）"),
    gettext_noop(
        "%(figure)s %(value)s 万元 × %(rate)s%% = %(raw)s 万元，"
        "超过上限 %(cap)s 万元，按上限给予 %(amount)s 万元"
    ),
    gettext_noop("%(figure)s %(value)s 万元 × %(rate)s%% = %(raw)s 万元（上限 %(cap)s 万元）"),
    gettext_noop("支持额度 %(low)s–%(high)s 万元，经评审确定具体金额；此处为上限"),
    gettext_noop(
        "按%(figure)s %(value)s 万元的 %(rate)s%% 资助，经评审在 %(low)s–%(high)s 万元内确定；"
        "此处为上限"
    ),
    gettext_noop("须为主管部门纳入重点支持的联盟，该联盟未纳入重点支持"),
    gettext_noop("须已完成独立法人机构注册，该联盟尚未注册独立法人机构"),
    gettext_noop("须为做出重大贡献的平台，申请未说明平台做出重大贡献"),
    gettext_noop(
        "只补助独立法人机构注册后连续%(years)s年（%(first)s–%(last)s 年），%(year)s 年不在其内"
    ),
    gettext_noop("本政策没有“%(kind)s”类奖补"),
    gettext_noop("%(rule)s（%(why)s），不予奖补"),
    gettext_noop("%(rule)s，不予奖补"),
    gettext_noop("申请人申报同一事项已获得%(sources)s支持；%(rule)s"),
    gettext_noop("同一事项已在申请 %(number)s 中给予，不再重复奖补"),
    gettext_noop("同一事项已在已作出的奖补决定中给予，不再重复奖补"),
    gettext_noop("%(reason)s；已申报其他支持：%(sources)s"),
    # the policies' own sentences used as values (``rule``)
    gettext_noop("整改不合格，已取消其享受扶持与奖励政策的资格"),
    gettext_noop("联盟已丧失享受扶持与奖励政策的资格"),
    gettext_noop("同一事项已获得政府其他类似政策资金支持的，本办法不再重复支持"),
    gettext_noop("未注明"),
)


def reason_text(template: str, params: Mapping[str, Any] | None, fallback: str) -> str:
    if not template:
        return fallback
    values = {
        key: gettext(str(value)) if key in NAMES or value == "未注明" else str(value)
        for key, value in (params or {}).items()
    }
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def calc_reason(calc: Mapping[str, Any]) -> str:
    """The reason of a stored calculation (``Claim.calculation``)."""
    return reason_text(
        str(calc.get("template") or ""), calc.get("params") or {}, str(calc.get("reason") or "")
    )


def award_reason(award: Any) -> str:
    """The reason of a :class:`lianmeng.policy.rewards.Award`."""
    return reason_text(award.template, award.params, award.reason)

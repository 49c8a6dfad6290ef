"""奖补计算（M-50）：一个纯函数，给出每笔金额、所用数据、封顶与条款。

:func:`calculate` takes the profile's ``[rewards]`` (lianmeng.policy.rewards_config), what the
platform knows of the alliance (:class:`AllianceFacts`), the claims, the other government support
declared for them and the items already awarded, and returns one :class:`Award` per claim, in the
claims' order. Nothing here touches a database: ``lianmeng rewards`` runs it on a fresh install and
the rewards app runs it on stored claims.

Every amount is a :class:`~decimal.Decimal` in 万元 rounded half up to two places. A claim gets 0,
with the reason and the article, when (in this order) the alliance lost its eligibility for support,
the event rewarded falls outside the policy's validity, the same item has other government support
(where the policy forbids double support), the same item was already awarded, or a condition of the
kind is not met. :func:`parse_request` reads the JSON of the contract (REQUIREMENTS.md "Reward
calculation") and names the JSON path of the first thing wrong in it.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from lianmeng.policy.citation import Citation
from lianmeng.policy.models import Profile
from lianmeng.policy.rewards_config import FIGURES, KINDS, RewardKind, RewardsConfig

__all__ = [
    "CENT",
    "AllianceFacts",
    "Award",
    "Claim",
    "Calculation",
    "OtherSupport",
    "RewardInputError",
    "calculate",
    "dumps",
    "item_key",
    "money",
    "parse_request",
    "rule_summary",
    "yuan",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LEVELS = ("national", "provincial", "municipal")
LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
FIGURE_LABELS = {
    "sales_revenue": "独立法人机构年度销售收入",
    "investment": "实际建设投资",
    "operating_funds": "运营资金",
    "service_revenue": "服务收入",
}
CONDITION_TEXT = {
    "key_support": "须为主管部门纳入重点支持的联盟",
    "legal_entity": "须已完成独立法人机构注册",
    "major_contribution": "须为做出重大贡献的平台",
}

#: why a claim got what it got (the app translates these; the reason text is Chinese)
COMPUTED, CAPPED, FIXED, REVIEW = "computed", "capped", "fixed", "review"
REVOKED, LAPSED, DOUBLE, DUPLICATE, CONDITION, OUT_OF_YEARS, NO_RULE = (
    "revoked",
    "lapsed",
    "double_support",
    "duplicate",
    "condition",
    "out_of_years",
    "no_rule",
)
ZERO_CODES = frozenset({REVOKED, LAPSED, DOUBLE, DUPLICATE, CONDITION, OUT_OF_YEARS, NO_RULE})


def money(value: Decimal | int | str) -> Decimal:
    """万元, two places, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal | int) -> str:
    """``1,234.50`` — an amount as people read it (万元, two places)."""
    return f"{money(value):,.2f}"


def _whole(value: Decimal | int) -> str:
    amount = Decimal(value)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else yuan(amount)


@dataclass(frozen=True)
class AllianceFacts:
    """What the rules read of the alliance."""

    level: str = "municipal"
    approved_on: date | None = None
    key_support: bool = False
    legal_entity_registered_on: date | None = None
    support_revoked: bool = False
    #: why, in words (the rectification's outcome); shown with the 0
    support_revoked_reason: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    kind: str
    date: date | None = None
    level: str | None = None
    year: int | None = None
    project: str = ""
    platform: str = ""
    major_contribution: bool = False
    figures: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class OtherSupport:
    claim: str
    source: str


@dataclass(frozen=True)
class Award:
    """One claim's result. ``amount`` is the sum computed, or the upper bound where a review
    sets the amount (then ``range`` holds the bounds)."""

    id: str
    kind: str
    label: str
    amount: Decimal
    range: tuple[Decimal, Decimal] | None
    citation: Citation
    reason: str
    code: str
    item: str
    #: the figures used (万元), the rate, the uncapped sum and the cap
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    rate_percent: int | None = None
    uncapped: Decimal | None = None
    cap: Decimal | None = None
    #: the reason as a message template (Chinese, ``%(name)s``) and its values, so that the
    #: web pages show it in the reader's language (``reason`` is the Chinese text)
    template: str = ""
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def granted(self) -> bool:
        return self.code not in ZERO_CODES

    def to_dict(self, profile: Profile) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "item": self.item,
            "amount": self.amount,
            "range": list(self.range) if self.range else None,
            "citation": {
                "seed": self.citation.seed,
                "article": self.citation.article,
                "text": profile.cite(self.citation),
            },
            "reason": self.reason,
            "code": self.code,
            "figures": dict(self.figures),
            "rate_percent": self.rate_percent,
            "uncapped": self.uncapped,
            "cap": self.cap,
        }

    def stored(self, profile: Profile) -> dict[str, Any]:
        """:meth:`to_dict` with the reason's template and values (what a stored claim keeps)."""
        return {**self.to_dict(profile), "template": self.template, "params": dict(self.params)}


@dataclass(frozen=True)
class Said:
    """A reason: a message template (Chinese, ``%(name)s``) and its values."""

    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % dict(self.params)


def say(template: str, **params: object) -> Said:
    return Said(template, {key: str(value) for key, value in params.items()})


def _with(award: Award, said: Said, **changes: Any) -> Award:
    return Award(
        **{
            **award.__dict__,
            **changes,
            "reason": said.text,
            "template": said.template,
            "params": said.params,
        }
    )


@dataclass(frozen=True)
class Calculation:
    profile: str
    awards: list[Award]

    @property
    def total(self) -> Decimal:
        return money(sum((a.amount for a in self.awards), ZERO))

    def to_dict(self, profile: Profile) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "total": self.total,
            "awards": [a.to_dict(profile) for a in self.awards],
        }


def rule_summary(kind: RewardKind) -> str:
    """The kind's rule in one Chinese line: ``实际建设投资的 20%，最高 1,000 万元``."""
    if kind.method == "fixed_by_level":
        amounts = kind.amounts or {}
        parts = [
            f"{LEVEL_LABELS[level]} {_whole(amounts[level])} 万元"
            for level in LEVELS
            if level in amounts
        ]  # type: ignore[index]
        text = "按获批层级：" + "，".join(parts)
    elif kind.method == "rate":
        label = kind.figure_label or FIGURE_LABELS[kind.figure or ""]
        text = f"{label}的 {kind.rate_percent}%，最高 {_whole(kind.cap or 0)} 万元"
    elif kind.max is not None:
        text = f"{_whole(kind.min or 0)}–{_whole(kind.max)} 万元，经评审确定"
    else:
        label = kind.figure_label or FIGURE_LABELS[kind.figure or ""]
        text = f"不超过{label}的 {kind.rate_percent}%，经评审确定"
    conditions = [CONDITION_TEXT[c] for c in kind.requires]
    if kind.years_after_registration:
        conditions.append(f"注册后连续 {kind.years_after_registration} 年")
    if kind.item:
        names = {"level": "每个层级", "year": "每年", "project": "每个项目", "platform": "每个平台"}
        conditions.append("、".join(names[i] for i in kind.item) + "一次")
    else:
        conditions.append("每个联盟一次")
    return text + "（" + "；".join(conditions) + "）"


# -- the calculation -----------------------------------------------------------------------------


def item_key(kind: RewardKind, claim: Claim, alliance: AllianceFacts | None = None) -> str:
    """The rewarded item: ``kind`` plus the claim fields the kind names in ``item``;
    a kind whose item needs a field the claim lacks is its own item (the claim's id)."""
    parts = [kind.id]
    for name in kind.item:
        if name == "level":
            value: object = claim.level or (alliance.level if alliance else None)
        elif name == "year":
            value = claim.year
        else:
            value = getattr(claim, name) or None
        if value in (None, ""):
            if name in ("project",):
                value = f"#{claim.id}"
            else:
                value = ""
        parts.append(str(value))
    return ":".join(part for part in parts if part)


def _zero(
    claim: Claim, kind: RewardKind | None, item: str, code: str, reason: Said, citation: Citation
) -> Award:
    return Award(
        id=claim.id,
        kind=claim.kind,
        label=kind.label if kind else claim.kind,
        amount=ZERO,
        range=None,
        citation=citation,
        reason=reason.text,
        code=code,
        item=item,
        figures=dict(claim.figures),
        template=reason.template,
        params=reason.params,
    )


def _lapsed(profile: Profile, day: date) -> tuple[Said, Citation] | None:
    validity = profile.validity
    start = validity.valid_from
    end = validity.valid_until
    if start is not None and day < start.value:
        said = say("奖励事项发生于 %(day)s，早于政策生效日 %(start)s", day=day, start=start.value)
        return said, start.citation
    if end is not None and day > end.value:
        said = say(
            "奖励事项发生于 %(day)s，政策有效期至 %(end)s，已失效，不予奖补", day=day, end=end.value
        )
        return said, end.citation
    return None


def _award(base: dict[str, Any], said: Said, **fields: Any) -> Award:
    return Award(**base, **fields, reason=said.text, template=said.template, params=said.params)


def _compute(kind: RewardKind, claim: Claim, alliance: AllianceFacts, item: str) -> Award:
    base = {
        "id": claim.id,
        "kind": claim.kind,
        "label": kind.label,
        "citation": kind.citation,
        "item": item,
    }
    if kind.method == "fixed_by_level":
        level = claim.level or alliance.level
        amounts = kind.amounts or {}
        if level not in amounts:
            said = say(
                "本办法对%(level)s联盟没有规定该项奖励", level=LEVEL_LABELS.get(level, level)
            )
            return _zero(claim, kind, item, NO_RULE, said, kind.citation)
        amount = money(amounts[level])  # type: ignore[index]
        said = say(
            "新获批%(level)s联盟的牵头单位奖励 %(amount)s 万元",
            level=LEVEL_LABELS[level],
            amount=yuan(amount),
        )
        return _award(base, said, amount=amount, range=None, code=FIXED, figures={})
    figure_value: Decimal | None = None
    figures: dict[str, Decimal] = {}
    if kind.figure is not None:
        figure_value = claim.figures.get(kind.figure)
        if figure_value is not None:
            figures[kind.figure] = figure_value
    rate = kind.rate()
    label = kind.figure_label or FIGURE_LABELS.get(kind.figure or "", "")
    if (
        kind.figure is not None
        and figure_value is None
        and (kind.method == "rate" or kind.max is None)
    ):
        said = say("尚未填写%(figure)s（万元）", figure=label)
        return _zero(claim, kind, item, CONDITION, said, kind.citation)
    if kind.method == "rate":
        assert figure_value is not None and rate is not None and kind.cap is not None
        raw = money(figure_value * rate)
        cap = money(kind.cap)
        values = {
            "figure": label,
            "value": yuan(figure_value),
            "rate": kind.rate_percent,
            "raw": yuan(raw),
            "cap": _whole(cap),
        }
        fields = {
            "range": None,
            "figures": figures,
            "rate_percent": kind.rate_percent,
            "uncapped": raw,
            "cap": cap,
        }
        if raw > cap:
            said = say(
                "%(figure)s %(value)s 万元 × %(rate)s%% = %(raw)s 万元，"
                "超过上限 %(cap)s 万元，按上限给予 %(amount)s 万元",
                amount=yuan(cap),
                **values,
            )
            return _award(base, said, amount=cap, code=CAPPED, **fields)
        said = say(
            "%(figure)s %(value)s 万元 × %(rate)s%% = %(raw)s 万元（上限 %(cap)s 万元）", **values
        )
        return _award(base, said, amount=raw, code=COMPUTED, **fields)
    # range: a review sets the amount
    low = money(kind.min or 0)
    if kind.max is not None:
        high = money(kind.max)
        said = say(
            "支持额度 %(low)s–%(high)s 万元，经评审确定具体金额；此处为上限",
            low=_whole(low),
            high=_whole(high),
        )
        uncapped = None
    else:
        assert figure_value is not None and rate is not None
        uncapped = money(figure_value * rate)
        high = uncapped if kind.cap is None else min(uncapped, money(kind.cap))
        high = max(high, low)
        said = say(
            "按%(figure)s %(value)s 万元的 %(rate)s%% 资助，经评审在 %(low)s–%(high)s 万元内确定；"
            "此处为上限",
            figure=label,
            value=yuan(figure_value),
            rate=kind.rate_percent,
            low=_whole(low),
            high=yuan(high),
        )
    return _award(
        base,
        said,
        amount=high,
        range=(low, high),
        code=REVIEW,
        figures=figures,
        rate_percent=kind.rate_percent,
        uncapped=uncapped,
        cap=money(kind.cap) if kind.cap is not None else None,
    )


#: a condition not met, in the reader's words (templates without values)
CONDITION_UNMET = {
    "key_support": "须为主管部门纳入重点支持的联盟，该联盟未纳入重点支持",
    "legal_entity": "须已完成独立法人机构注册，该联盟尚未注册独立法人机构",
    "major_contribution": "须为做出重大贡献的平台，申请未说明平台做出重大贡献",
}


def _condition(kind: RewardKind, claim: Claim, alliance: AllianceFacts) -> Said | None:
    for condition in kind.requires:
        if condition == "key_support" and not alliance.key_support:
            return say(CONDITION_UNMET[condition])
        if condition == "legal_entity" and alliance.legal_entity_registered_on is None:
            return say(CONDITION_UNMET[condition])
        if condition == "major_contribution" and not claim.major_contribution:
            return say(CONDITION_UNMET[condition])
    return None


def _out_of_years(kind: RewardKind, claim: Claim, alliance: AllianceFacts) -> Said | None:
    years = kind.years_after_registration
    registered = alliance.legal_entity_registered_on
    if years is None or registered is None:
        return None
    first, last = registered.year, registered.year + years - 1
    if claim.year is None or not first <= claim.year <= last:
        return say(
            "只补助独立法人机构注册后连续%(years)s年（%(first)s–%(last)s 年），%(year)s 年不在其内",
            years=years,
            first=first,
            last=last,
            year=claim.year if claim.year is not None else "未注明",
        )
    return None


def calculate(
    profile: Profile,
    alliance: AllianceFacts,
    claims: Sequence[Claim],
    other_support: Iterable[OtherSupport] = (),
    awarded_items: Iterable[str] = (),
) -> Calculation:
    """One :class:`Award` per claim, in order (see the module's docstring for the guards).

    ``awarded_items`` are the :func:`item_key` of items the alliance was already awarded; a claim
    for one of them, or for an item an earlier claim of the same call was granted, gets 0.
    """
    config = profile.rewards
    if config is None:
        raise ValueError(f"政策配置 {profile.id} 没有奖补规定")
    supported: dict[str, list[str]] = {}
    for support in other_support:
        supported.setdefault(support.claim, []).append(support.source)
    taken: dict[str, str] = {item: "" for item in awarded_items}
    awards: list[Award] = []
    for claim in claims:
        kind = config.kind(claim.kind)
        if kind is None:
            awards.append(
                _zero(
                    claim,
                    None,
                    claim.kind,
                    NO_RULE,
                    say("本政策没有“%(kind)s”类奖补", kind=claim.kind),
                    config.citation,
                )
            )
            continue
        item = item_key(kind, claim, alliance)
        award = _judge(profile, config, kind, claim, alliance, item, supported, taken)
        if award.granted:
            taken[item] = claim.id
        awards.append(award)
    return Calculation(profile=profile.id, awards=awards)


def _judge(
    profile: Profile,
    config: RewardsConfig,
    kind: RewardKind,
    claim: Claim,
    alliance: AllianceFacts,
    item: str,
    supported: Mapping[str, list[str]],
    taken: Mapping[str, str],
) -> Award:
    if alliance.support_revoked:
        citation = config.lost_support.citation if config.lost_support else config.citation
        rule = (
            config.lost_support.value
            if config.lost_support
            else "联盟已丧失享受扶持与奖励政策的资格"
        )
        if alliance.support_revoked_reason:
            said = say(
                "%(rule)s（%(why)s），不予奖补", rule=rule, why=alliance.support_revoked_reason
            )
        else:
            said = say("%(rule)s，不予奖补", rule=rule)
        return _zero(claim, kind, item, REVOKED, said, citation)
    day = claim.date or alliance.approved_on
    if day is not None:
        lapsed = _lapsed(profile, day)
        if lapsed is not None:
            return _zero(claim, kind, item, LAPSED, lapsed[0], lapsed[1])
    sources = supported.get(claim.id)
    if sources and config.no_double_support is not None:
        said = say(
            "申请人申报同一事项已获得%(sources)s支持；%(rule)s",
            sources="、".join(sources),
            rule=config.no_double_support.value,
        )
        return _zero(claim, kind, item, DOUBLE, said, config.no_double_support.citation)
    if item in taken:
        earlier = taken[item]
        if earlier:
            said = say("同一事项已在申请 %(number)s 中给予，不再重复奖补", number=earlier)
        else:
            said = say("同一事项已在已作出的奖补决定中给予，不再重复奖补")
        return _zero(claim, kind, item, DUPLICATE, said, kind.citation)
    missing = _condition(kind, claim, alliance)
    if missing is not None:
        return _zero(claim, kind, item, CONDITION, missing, kind.citation)
    outside = _out_of_years(kind, claim, alliance)
    if outside is not None:
        return _zero(claim, kind, item, OUT_OF_YEARS, outside, kind.citation)
    award = _compute(kind, claim, alliance, item)
    if sources:  # the policy does not forbid double support: say what was declared
        award = _with(
            award,
            say(
                "%(reason)s；已申报其他支持：%(sources)s",
                reason=award.reason,
                sources="、".join(sources),
            ),
        )
    return award


# -- the JSON of the contract ----------------------------------------------------------------------


class RewardInputError(ValueError):
    """Invalid input: ``path`` (``$.claims[2].investment``) and what is wrong, in Chinese."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def line(self) -> str:
        return f"{self.path}: {self.message}"


_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
_ALLIANCE_KEYS = {
    "level",
    "approved_on",
    "key_support",
    "legal_entity_registered_on",
    "support_revoked",
    "name",
}
_CLAIM_KEYS = {
    "id",
    "kind",
    "date",
    "level",
    "year",
    "project",
    "platform",
    "major_contribution",
    *FIGURES,
}


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RewardInputError(path, "应为 JSON 对象")
    return value


def _unknown(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            raise RewardInputError(f"{path}.{key}", "未知字段")


def _date(value: object, path: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RewardInputError(path, "应为日期字符串，如 2019-06-30")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RewardInputError(path, f"日期格式无效：{value!r}，应为 2019-06-30") from None


def _bool(value: object, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RewardInputError(path, "应为 true 或 false")
    return value


def _amount(value: object, path: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise RewardInputError(path, "应为金额（万元，非负数）")
    try:
        amount = Decimal(str(value)) if isinstance(value, int | str) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise RewardInputError(path, f"应为金额（万元，非负数），而不是 {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise RewardInputError(path, "应为金额（万元，非负数）")
    if amount > Decimal("10000000"):
        raise RewardInputError(path, "金额过大（单位为万元）")
    return amount


def _text(value: object, path: str, limit: int = 200) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise RewardInputError(path, f"应为不超过 {limit} 个字符的文字")
    return value.strip()


def parse_request(
    data: object,
) -> tuple[str | None, AllianceFacts, list[Claim], list[OtherSupport]]:
    """The contract's JSON object → (profile, alliance, claims, other support).

    Numbers are read as :class:`~decimal.Decimal` (``json.loads(..., parse_float=Decimal)``
    keeps them exact); a number given as a string is accepted too.
    """
    root = _object(data, "$")
    _unknown(root, {"profile", "alliance", "claims", "other_support", "$schema", "note"}, "$")
    profile = root.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise RewardInputError("$.profile", "应为政策配置编号，如 luoyang")
    raw = _object(root.get("alliance", {}), "$.alliance")
    _unknown(raw, _ALLIANCE_KEYS, "$.alliance")
    level = raw.get("level", "municipal")
    if level not in LEVELS:
        raise RewardInputError("$.alliance.level", "取值应为 national, provincial, municipal 之一")
    alliance = AllianceFacts(
        level=level,
        approved_on=_date(raw.get("approved_on"), "$.alliance.approved_on"),
        key_support=_bool(raw.get("key_support"), "$.alliance.key_support"),
        legal_entity_registered_on=_date(
            raw.get("legal_entity_registered_on"), "$.alliance.legal_entity_registered_on"
        ),
        support_revoked=_bool(raw.get("support_revoked"), "$.alliance.support_revoked"),
    )
    items = root.get("claims")
    if not isinstance(items, list):
        raise RewardInputError("$.claims", "必填，应为申请事项的数组")
    if len(items) > 1000:
        raise RewardInputError("$.claims", "一次最多计算 1000 项")
    claims: list[Claim] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        claims.append(_claim(item, f"$.claims[{index}]", alliance, seen))
    support: list[OtherSupport] = []
    others = root.get("other_support", [])
    if not isinstance(others, list):
        raise RewardInputError("$.other_support", "应为数组")
    for index, item in enumerate(others):
        path = f"$.other_support[{index}]"
        entry = _object(item, path)
        _unknown(entry, {"claim", "source", "amount"}, path)
        claim_id = entry.get("claim")
        if not isinstance(claim_id, str) or claim_id not in seen:
            raise RewardInputError(f"{path}.claim", "应为 claims 中某一项的 id")
        source = _text(entry.get("source"), f"{path}.source")
        if not source:
            raise RewardInputError(f"{path}.source", "必填：写明其他政府支持的来源")
        support.append(OtherSupport(claim=claim_id, source=source))
    return profile, alliance, claims, support


def _claim(item: object, path: str, alliance: AllianceFacts, seen: set[str]) -> Claim:
    entry = _object(item, path)
    _unknown(entry, _CLAIM_KEYS, path)
    claim_id = entry.get("id")
    if isinstance(claim_id, int) and not isinstance(claim_id, bool):
        claim_id = str(claim_id)
    if not isinstance(claim_id, str) or not _ID.match(claim_id):
        raise RewardInputError(
            f"{path}.id", "必填：字母、数字、-、_ 或 . 组成的编号（至多 40 个字符）"
        )
    if claim_id in seen:
        raise RewardInputError(f"{path}.id", f"编号 {claim_id} 重复")
    seen.add(claim_id)
    kind = entry.get("kind")
    if kind not in KINDS:
        raise RewardInputError(f"{path}.kind", f"取值应为 {', '.join(KINDS)} 之一")
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        raise RewardInputError(f"{path}.level", "取值应为 national, provincial, municipal 之一")
    year = entry.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2200
    ):
        raise RewardInputError(f"{path}.year", "应为年份，如 2020")
    figures = {name: _amount(entry[name], f"{path}.{name}") for name in FIGURES if name in entry}
    claim = Claim(
        id=claim_id,
        kind=kind,
        date=_date(entry.get("date"), f"{path}.date"),
        level=level,
        year=year,
        project=_text(entry.get("project"), f"{path}.project"),
        platform=_text(entry.get("platform"), f"{path}.platform"),
        major_contribution=_bool(entry.get("major_contribution"), f"{path}.major_contribution"),
        figures=figures,
    )
    if claim.date is None and alliance.approved_on is None:
        raise RewardInputError(
            f"{path}.date", "缺少奖励事项的日期（alliance.approved_on 也未给出）"
        )
    return claim


def required_figure(kind: RewardKind, claim: Claim, path: str) -> None:
    """A rate kind (or a range bounded by a figure) needs its figure."""
    if kind.figure is not None and (kind.method == "rate" or kind.max is None):
        if kind.figure not in claim.figures:
            raise RewardInputError(
                f"{path}.{kind.figure}",
                f"必填：{kind.figure_label or FIGURE_LABELS[kind.figure]}（万元）",
            )
    if kind.item and "year" in kind.item and kind.years_after_registration and claim.year is None:
        raise RewardInputError(f"{path}.year", "必填：补助年度，如 2020")


def check_figures(config: RewardsConfig, claims: Sequence[Claim]) -> None:
    """Each claim carries the figures its kind needs (:class:`RewardInputError` otherwise)."""
    for index, claim in enumerate(claims):
        kind = config.kind(claim.kind)
        if kind is not None:
            required_figure(kind, claim, f"$.claims[{index}]")


def loads(text: str) -> object:
    """JSON with every number as an exact :class:`~decimal.Decimal` or int."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse)
    except json.JSONDecodeError as exc:
        raise RewardInputError(
            "$", f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
        ) from None
    except ValueError as exc:
        raise RewardInputError("$", f"JSON 格式错误：{exc}") from None


def _refuse(name: str) -> None:
    raise ValueError(f"不支持 {name}")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON with every Decimal written as a number with two places (``"amount": 30.00``),
    never through binary floating point."""
    token = secrets.token_hex(6)
    numbers: list[str] = []

    def plain(item: Any) -> Any:
        if isinstance(item, Decimal):
            numbers.append(str(money(item)))
            return f"{token}:{len(numbers) - 1}"
        if isinstance(item, dict):
            return {key: plain(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [plain(inner) for inner in item]
        return item

    text = json.dumps(plain(value), ensure_ascii=False, indent=indent)
    return re.sub(rf'"{token}:(\d+)"', lambda match: numbers[int(match.group(1))], text)

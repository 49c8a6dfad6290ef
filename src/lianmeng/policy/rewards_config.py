"""扶持与奖补的政策数据（profile 的 ``[rewards]`` 表，M-50）。

Pure data models (no Django). Every rate, cap, range, duration and once-only condition carries
its citation {seed, article}; where the seed leaves a number open and the file fixes it, the
item says why in ``platform_reason``. Amounts are whole 万元 in the file and
:class:`~decimal.Decimal` everywhere after it; rates are whole per cent (no floats).

A kind computes its amount by one of three methods:

- ``fixed_by_level`` — a fixed sum by the level the alliance was approved at (``amounts``);
- ``rate`` — ``rate_percent`` of one figure of the claim, at most ``cap``;
- ``range`` — a review sets the amount between ``min`` and ``max`` (or ``rate_percent`` of
  the figure where ``max`` is absent), the calculation gives the upper bound.

``item`` names the claim fields that make one rewarded item (no second award for the same item):
``[]`` once per alliance, ``["level"]`` once per level, ``["year"]`` once a year, ``["project"]``
once per project. The calculation itself lives in :mod:`lianmeng.policy.rewards`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianmeng.policy.citation import Citation
from lianmeng.policy.interchange import Level

__all__ = [
    "CONDITIONS",
    "FIGURES",
    "ITEM_FIELDS",
    "KINDS",
    "RewardKind",
    "RewardsConfig",
]

Text = Annotated[str, Field(min_length=1)]
Money = Annotated[int, Field(ge=0, le=100_000)]

#: every kind of claim the platform knows (the contract of ``lianmeng rewards``)
Kind = Literal[
    "new_alliance",
    "legal_entity",
    "operating_subsidy",
    "rd_project",
    "platform_construction",
    "platform_operating",
    "platform_service",
    "operating_support",
    "rd_platform",
]
KINDS: tuple[str, ...] = get_args(Kind)

#: the figures (万元) a claim may carry
Figure = Literal["sales_revenue", "investment", "operating_funds", "service_revenue"]
FIGURES: tuple[str, ...] = get_args(Figure)

#: conditions a kind may set on the alliance or the claim
#: ``key_support`` 纳入重点支持; ``legal_entity`` registered as an independent legal entity;
#: ``major_contribution`` the claim states a major contribution (重大贡献)
Condition = Literal["key_support", "legal_entity", "major_contribution"]
CONDITIONS: tuple[str, ...] = get_args(Condition)

ItemField = Literal["level", "year", "project", "platform"]
ITEM_FIELDS: tuple[str, ...] = get_args(ItemField)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CitedText(_Strict):
    value: Text
    citation: Citation


class RewardKind(_Strict):
    """One kind of reward or subsidy: ``[[rewards.kinds]]``."""

    id: Kind
    label: Text
    method: Literal["fixed_by_level", "rate", "range"]
    citation: Citation
    #: fixed_by_level: 万元 by level
    amounts: dict[Level, Money] | None = None
    #: rate / range: the claim's figure, its share in per cent and the cap (万元)
    figure: Figure | None = None
    #: what the figure is called in this policy, where not the platform's general word
    figure_label: Text | None = None
    rate_percent: Annotated[int, Field(ge=1, le=100)] | None = None
    cap: Money | None = None
    #: range: the review's bounds (万元)
    min: Money | None = None
    max: Money | None = None
    requires: list[Condition] = Field(default_factory=list)
    #: only for this many years from the legal entity's registration (its year counts as first)
    years_after_registration: Annotated[int, Field(ge=1, le=10)] | None = None
    item: list[ItemField] = Field(default_factory=list)
    #: why the platform sets what the seed leaves open (a bound, the item, the years counted)
    platform_reason: Text | None = None

    @model_validator(mode="after")
    def _shape(self) -> RewardKind:
        if self.method == "fixed_by_level":
            if not self.amounts:
                raise ValueError("fixed_by_level 须给出 amounts")
        elif self.method == "rate":
            if self.figure is None or self.rate_percent is None or self.cap is None:
                raise ValueError("rate 须给出 figure、rate_percent 和 cap")
        else:
            if self.min is None:
                raise ValueError("range 须给出 min")
            if self.max is None and (self.figure is None or self.rate_percent is None):
                raise ValueError("range 须给出 max，或 figure 和 rate_percent")
            if self.max is not None and self.max < self.min:
                raise ValueError("range 的 max 小于 min")
        if self.years_after_registration is not None and "year" not in self.item:
            raise ValueError("years_after_registration 须与 item 中的 year 同用")
        return self

    def rate(self) -> Decimal | None:
        return None if self.rate_percent is None else Decimal(self.rate_percent) / 100


class RewardsConfig(_Strict):
    """``[rewards]``: the fund, the guards and the kinds of reward."""

    citation: Citation
    #: where the money comes from (资金来源), the fund source of the budget
    fund_source: CitedText
    #: 同一事项已获得政府其他类似政策资金支持的，不再重复支持; absent: the policy says nothing
    no_double_support: CitedText | None = None
    #: losing eligibility (整改不合格取消扶持资格, 取消备案) makes every claim 0
    lost_support: CitedText | None = None
    kinds: list[RewardKind] = Field(min_length=1)

    def kind(self, kind_id: str) -> RewardKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

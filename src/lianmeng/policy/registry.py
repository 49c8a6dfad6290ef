"""规则登记表：规则函数按编号登记，供检查引擎调用。

Each rule function judges one rule of the catalogue for one proposal and returns an
:class:`Outcome` (status, a Chinese message telling the applicant what to do, evidence). The
engine (:mod:`lianmeng.policy.rules`) adds severity and citation from the profile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from lianmeng.policy import catalogue as cat
from lianmeng.policy.interchange import Proposal
from lianmeng.policy.models import Call, Profile
from lianmeng.policy.results import ExistingAlliance, Status

__all__ = ["KIND_NAMES", "LEVEL_NAMES", "POSITION_NAMES", "RULES", "Context", "Outcome", "rule"]

KIND_NAMES = {
    "enterprise": "企业",
    "university": "高校",
    "research_institute": "科研院所",
    "vocational_college": "职业大中专院校",
    "intermediary": "中介机构",
    "other": "其他单位",
}
POSITION_NAMES = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}


@dataclass(frozen=True)
class Context:
    """What every rule may look at. ``at`` is an aware datetime in Beijing time.

    ``call`` is the call the proposal answers when the caller knows it (a stored call);
    otherwise the profile's call of ``call_year`` is used.
    """

    proposal: Proposal
    profile: Profile
    at: datetime
    existing: Sequence[ExistingAlliance] | None = None
    call: Call | None = None

    @property
    def area(self) -> str:
        return f"{self.profile.name.value}（{self.profile.jurisdiction.value}）"

    @property
    def call_year(self) -> int:
        """The call answered: the given call's year, ``call_year``, else the judged moment's."""
        if self.call is not None:
            return self.call.year.value
        return self.proposal.call_year or self.at.year

    def call_terms(self) -> Call | None:
        """The given call, else the profile's call of :attr:`call_year` (or None)."""
        if self.call is not None:
            return self.call
        return self.profile.call_for(self.call_year)


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


P = TypeVar("P", bound=cat.RuleParams)
RuleFunction = Callable[[Context, Any], Outcome]
RULES: dict[str, RuleFunction] = {}


def rule(
    rule_id: str,
) -> Callable[[Callable[[Context, P], Outcome]], Callable[[Context, P], Outcome]]:
    """Register the function judging ``rule_id`` (which must be in the catalogue)."""
    if rule_id not in cat.RULE_IDS:
        raise KeyError(rule_id)

    def register(function: Callable[[Context, P], Outcome]) -> Callable[[Context, P], Outcome]:
        RULES[rule_id] = function
        return function

    return register

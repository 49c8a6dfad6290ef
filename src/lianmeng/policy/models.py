"""政策配置（profile）的数据模型：每个取值都带出处 {seed, article}。

Typed models for ``profiles/*.toml``. Every policy value is a :class:`Cited` pair of the value
and the article of the seed document it comes from. The loader adds the checks a type cannot
express (known rule ids, citations from the profile's own documents, ordered dates).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from lianmeng.policy.alliance_config import Construction, KpiWarningConfig, Reporting
from lianmeng.policy.catalogue import RuleParams
from lianmeng.policy.citation import Citation, cite
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.interchange import Level, MaterialKind
from lianmeng.policy.lifecycle import AllianceLifecycle, Lifecycle
from lianmeng.policy.review import ReviewConfig
from lianmeng.policy.rewards_config import RewardsConfig

__all__ = [
    "AppliedRule",
    "Call",
    "Category",
    "Citation",
    "Cited",
    "Contact",
    "Deadlines",
    "Lifecycle",
    "OfficeHours",
    "PaperWindow",
    "PolicyDocument",
    "Profile",
    "RequiredMaterial",
    "RuleConfig",
    "Severity",
    "Target",
    "TermRange",
    "Validity",
]

T = TypeVar("T")
Severity = Literal["required", "principle", "advisory"]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Cited(_Strict, Generic[T]):
    """A policy value with its citation."""

    value: T
    citation: Citation


class PolicyDocument(_Strict):
    """A policy document; ``seed`` names the seed file holding its text, if any."""

    seed: Text | None = None
    title: Cited[Text]
    number: Cited[Text] | None = None
    issued_on: Cited[date] | None = None


class Validity(_Strict):
    """有效期: both ends inclusive, Beijing dates; absent = open-ended."""

    valid_from: Cited[date] | None = None
    valid_until: Cited[date] | None = None


class RuleConfig(_Strict):
    """One applied rule as written in the file: ``[rules.members.min_count]``."""

    severity: Severity
    citation: Citation
    params: dict[str, Cited[Any]] = Field(default_factory=dict)


class AppliedRule(_Strict):
    """A rule the profile applies, with typed parameters (built by the loader)."""

    id: str
    severity: Severity
    citation: Citation
    params: RuleParams
    param_citations: dict[str, Citation]


class RequiredMaterial(_Strict):
    """A required material; ``alternatives`` are kinds that fulfil it too (章程 for 协议书)."""

    kind: MaterialKind
    title: Text
    alternatives: list[MaterialKind] = Field(default_factory=list)

    def kinds(self) -> set[str]:
        return {self.kind, *self.alternatives}


class Category(_Strict):
    number: Literal[1, 2, 3]
    name: Text
    description: Text


class Target(_Strict):
    year: int
    alliances: int = Field(ge=1)


class TermRange(_Strict):
    min_years: int = Field(ge=1)
    max_years: int = Field(ge=1)


class Deadlines(_Strict):
    construction_period_months: Cited[int] | None = None
    agreement_term_years: Cited[TermRange] | None = None


class OfficeHours(_Strict):
    start: time
    end: time


class PaperWindow(_Strict):
    first_day: date
    last_day: date
    hours: list[OfficeHours] = Field(default_factory=list)


class Contact(_Strict):
    name: Text
    phone: Text
    office: Text | None = None


class Call(_Strict):
    """年度申报通知. A window end given as a date closes at 23:59:59.999999 Beijing time;
    a local datetime is Beijing time."""

    year: Cited[int]
    title: Cited[Text]
    online_opens: Cited[datetime | date]
    online_closes: Cited[datetime | date]
    paper_window: Cited[PaperWindow] | None = None
    place: Cited[Text] | None = None
    contacts: Cited[list[Contact]] | None = None
    focus_areas: Cited[list[Text]] | None = None
    materials: list[Cited[RequiredMaterial]] = Field(default_factory=list)


class Profile(_Strict):
    """一个辖区的政策配置."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Cited[Text]
    level: Cited[Level]
    jurisdiction: Cited[Annotated[str, Field(pattern=r"^[0-9]{6}$")]]
    issuer: Cited[Text]
    authority: Cited[Text] | None = None
    outcome: Cited[Literal["approve_to_build", "recognise", "file", "pilot"]] | None = None
    alliance_name: Cited[Text] | None = None
    #: The first document is the profile's own policy (named by ``policy.in_force``).
    documents: list[PolicyDocument] = Field(min_length=1)
    validity: Validity = Field(default_factory=Validity)
    rules: dict[str, dict[str, RuleConfig]] = Field(min_length=1)
    materials: list[Cited[RequiredMaterial]] = Field(default_factory=list)
    focus_areas: Cited[list[Text]] | None = None
    grades: Cited[list[Text]] | None = None
    deadlines: Deadlines = Field(default_factory=Deadlines)
    categories: list[Cited[Category]] = Field(default_factory=list)
    targets: list[Cited[Target]] = Field(default_factory=list)
    calls: list[Call] = Field(default_factory=list)
    #: states and transitions from filing to decision (DESIGN.md "The lifecycle is data")
    lifecycle: Lifecycle | None = None
    #: an alliance's states after the decision (筹建中 → 待验收 → 已认定, 已解散 …)
    alliance_lifecycle: AllianceLifecycle | None = None
    #: a report's states after the decision (草稿 → 已提交 → 已接受 / 已退回): annual plans,
    #: self-evaluations, summaries, major events and agreement renewals (M-32, M-33)
    report_lifecycle: Lifecycle | None = None
    #: expert review: criteria with weights, area rule (M-22; lianmeng.policy.review)
    review: ReviewConfig | None = None
    #: the alliance's life after the decision (M-30, M-32, M-33, B-5;
    #: lianmeng.policy.alliance_config, functions in lianmeng.policy.alliance_life)
    construction: Construction | None = None
    reporting: Reporting | None = None
    kpi_warning: KpiWarningConfig | None = None
    #: the annual evaluation: evaluators, indicators and weights, grades, consequences
    #: (M-40, M-41, M-42; lianmeng.policy.evaluation_config, grading in lianmeng.policy.evaluation)
    evaluation: EvaluationConfig | None = None
    #: a rectification's states after a failing grade (M-42): 整改中 → 已提交整改报告 →
    #: 整改合格 / 整改不合格 (lianmeng.evaluation.lifecycle)
    rectification_lifecycle: Lifecycle | None = None
    #: rewards and subsidies: fund source, guards, kinds with rates, caps and ranges (M-50;
    #: lianmeng.policy.rewards_config, the calculation in lianmeng.policy.rewards)
    rewards: RewardsConfig | None = None

    _applied: dict[str, AppliedRule] = PrivateAttr(default_factory=dict)

    @property
    def applied_rules(self) -> dict[str, AppliedRule]:
        """Applied rules by id, in the catalogue's order."""
        return self._applied

    def applies(self, rule_id: str) -> bool:
        return rule_id in self._applied

    def cite(self, citation: Citation | dict[str, Any], *, number: bool = False) -> str:
        """``《文件标题》条款`` — a citation as people read it (never the seed file name)."""
        return cite(citation, self.documents, number=number)

    def document_of(self, citation: Citation | dict[str, Any]) -> PolicyDocument | None:
        seed = citation.get("seed") if isinstance(citation, dict) else citation.seed
        return next((d for d in self.documents if d.seed and d.seed == seed), None)

    def call_for(self, year: int) -> Call | None:
        return next((call for call in self.calls if call.year.value == year), None)

    def jurisdiction_prefix(self) -> str:
        """Significant digits of the area code: 410000 → 41, 410300 → 4103."""
        code = self.jurisdiction.value
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code

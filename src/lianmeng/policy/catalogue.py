"""资格规则目录：规则编号、含义和各规则可设置的参数。

The eligibility rule catalogue of REQUIREMENTS.md, in its order. A profile may apply any of
these rules with parameters of the shape given here; it may not invent rule ids. The
functions that judge each rule live in :mod:`lianmeng.policy.rules`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianmeng.policy.interchange import ChainPosition, Level, MemberKind

__all__ = ["PARAMS", "RULE_IDS", "RULE_TITLES", "RuleParams"]


class RuleParams(BaseModel):
    """Parameters of one rule (values already stripped of their citations)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NoParams(RuleParams):
    pass


class MinCount(RuleParams):
    min_count: int = Field(ge=1)


class Composition(RuleParams):
    industry_kinds: list[MemberKind] = Field(min_length=1)
    academic_kinds: list[MemberKind] = Field(min_length=1)


class MostlyLocal(RuleParams):
    more_than_share: float = Field(gt=0, lt=1)


class ChainCoverage(RuleParams):
    positions: list[ChainPosition] = Field(min_length=1)


class MinProvincial(RuleParams):
    min_provincial: int = Field(ge=1)
    levels: list[Level] = Field(min_length=1)


AgreementClause = Literal[
    "legally_binding",
    "has_innovation_goals",
    "has_task_division",
    "has_ip_and_benefit_rules",
    "has_liability_clause",
    "has_join_exit_rules",
    "has_dissemination_duty",
    "has_dissolution_rules",
]


class Clauses(RuleParams):
    clauses: list[AgreementClause] = Field(min_length=1)


class Term(RuleParams):
    min_years: float = Field(gt=0)
    max_years: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.min_years > self.max_years:
            raise ValueError("min_years 不能大于 max_years")
        return self


class Bodies(RuleParams):
    bodies: list[Literal["decision", "advisory", "executive"]] = Field(min_length=1)
    liability_party: bool


class Staff(RuleParams):
    office_required: bool
    fulltime_required: bool


#: rule id → (中文含义, parameter model), in the catalogue's order.
_CATALOGUE: dict[str, tuple[str, type[RuleParams]]] = {
    "lead.registered_locally": ("牵头单位在本辖区内注册", NoParams),
    "lead.is_member": ("牵头单位列入成员名单且身份一致", NoParams),
    "members.identity_valid": ("成员单位代码有效且不重复", NoParams),
    "members.min_count": ("成员单位数量不低于规定", MinCount),
    "members.composition": ("企业与高校或科研机构共同组成", Composition),
    "members.mostly_local": ("成员单位以本辖区法人单位为主", MostlyLocal),
    "members.chain_coverage": ("成员企业涵盖产业链上、中、下游", ChainCoverage),
    "members.cross_region": ("成员单位跨行政区域", NoParams),
    "platforms.min_provincial": ("省级及以上研发平台数量不低于规定", MinProvincial),
    "alliance.unique_in_field": ("同一领域、产业、产品原则上只构建一家", NoParams),
    "agreement.signed": ("联盟协议具有法律约束力并由各成员法定代表人签署", NoParams),
    "agreement.content": ("协议明确技术创新目标和任务分工", Clauses),
    "agreement.ip_benefit": ("协议事先约定成果和知识产权归属及收益分配", Clauses),
    "agreement.term": ("联盟协议期限", Term),
    "agreement.open": ("开放发展：加入退出机制与成果扩散义务", Clauses),
    "governance.bodies": ("设立决策、咨询、执行等组织机构并明确对外责任主体", Bodies),
    "governance.fulltime_staff": ("执行机构（联盟工作办公室）配备专职人员", Staff),
    "governance.fund_management": ("建立经费管理制度", NoParams),
    "materials.complete": ("申报材料齐全", NoParams),
    "call.within_window": ("在申报通知规定的网上填报时间内提交", NoParams),
    "call.focus_area": ("属于申报通知支持的重点领域", NoParams),
    "policy.in_force": ("申报之日政策文件在有效期内", NoParams),
}

RULE_IDS: tuple[str, ...] = tuple(_CATALOGUE)
RULE_TITLES: dict[str, str] = {rule: title for rule, (title, _) in _CATALOGUE.items()}
PARAMS: dict[str, type[RuleParams]] = {rule: model for rule, (_, model) in _CATALOGUE.items()}

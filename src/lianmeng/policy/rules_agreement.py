"""联盟协议和运行管理的规则。

Rules on the alliance agreement (signature, content, IP and benefits, term, openness) and on
governance (bodies, full-time staff, fund management). Facts the 建议书 asks as 有/无 are
required: leaving them out fails the rule with a message saying what to fill in. Only the
staff figure may leave the judgement to a person (status ``manual``), see docs/rules.md.
"""

from __future__ import annotations

from lianmeng.policy import catalogue as cat
from lianmeng.policy.interchange import Governance
from lianmeng.policy.registry import Context, Outcome, rule

__all__ = ["CLAUSE_NAMES"]

CLAUSE_NAMES = {
    "legally_binding": "协议具有法律约束力",
    "has_innovation_goals": "明确的技术创新目标",
    "has_task_division": "成员单位之间的任务分工",
    "has_ip_and_benefit_rules": "成果和知识产权的权利归属、许可使用和转化收益分配办法",
    "has_liability_clause": "违约责任",
    "has_join_exit_rules": "成员加入和退出机制",
    "has_dissemination_duty": "政府资助项目成果向联盟外扩散的义务",
    "has_dissolution_rules": "联盟的解散和清算",
}
BODY_NAMES = {"decision": "决策机构", "advisory": "咨询机构", "executive": "执行机构"}
NO_AGREEMENT = "未填写“联盟协议要点”，请按协议书填写签署情况和约定事项"


def _clauses(ctx: Context, params: cat.Clauses, topic: str) -> Outcome:
    agreement = ctx.proposal.agreement
    if agreement is None:
        return Outcome("fail", NO_AGREEMENT, {"missing": list(params.clauses)})
    missing = [c for c in params.clauses if getattr(agreement, c) is not True]
    evidence = {"required": list(params.clauses), "missing": missing}
    if not missing:
        return Outcome("pass", f"联盟协议已约定{topic}", evidence)
    names = "、".join(CLAUSE_NAMES[c] for c in missing)
    return Outcome("fail", f"联盟协议未约定{names}；请在协议中补充后重新填写", evidence)


@rule("agreement.signed")
def agreement_signed(ctx: Context, _: cat.NoParams) -> Outcome:
    agreement = ctx.proposal.agreement
    unsigned = [m.name for m in ctx.proposal.members if m.signed_agreement is not True]
    evidence = {
        "legally_binding": agreement.legally_binding if agreement else None,
        "signed_on": agreement.signed_on if agreement else None,
        "unsigned": unsigned,
    }
    if agreement is None:
        return Outcome("fail", NO_AGREEMENT, evidence)
    problems = []
    if agreement.legally_binding is not True:
        problems.append("联盟协议未注明具有法律约束力")
    if unsigned:
        shown = "、".join(unsigned[:5]) + (f"等 {len(unsigned)} 家" if len(unsigned) > 5 else "")
        problems.append(f"{shown}的法定代表人尚未签署联盟协议")
    if not problems:
        return Outcome("pass", "联盟协议具有法律约束力，已由全部成员单位法定代表人签署", evidence)
    return Outcome(
        "fail", "；".join(problems) + "；协议须由各成员单位法定代表人共同签署生效", evidence
    )


@rule("agreement.content")
def agreement_content(ctx: Context, params: cat.Clauses) -> Outcome:
    return _clauses(ctx, params, "技术创新目标和任务分工")


@rule("agreement.ip_benefit")
def agreement_ip_benefit(ctx: Context, params: cat.Clauses) -> Outcome:
    return _clauses(ctx, params, "成果和知识产权归属、许可使用和收益分配")


@rule("agreement.open")
def agreement_open(ctx: Context, params: cat.Clauses) -> Outcome:
    return _clauses(ctx, params, "开放发展机制")


@rule("agreement.term")
def agreement_term(ctx: Context, params: cat.Term) -> Outcome:
    agreement = ctx.proposal.agreement
    term = agreement.term_years if agreement else None
    low, high = params.min_years, params.max_years
    window = f"{low:g}–{high:g} 年"
    evidence = {"term_years": term, "min_years": low, "max_years": high}
    if term is None:
        return Outcome(
            "fail", f"未填写“联盟协议要点”中的协议期限；联盟协议应 {window}签署一次", evidence
        )
    if low <= term <= high:
        return Outcome("pass", f"联盟协议期限 {term:g} 年，在 {window}之内", evidence)
    return Outcome(
        "fail", f"联盟协议期限 {term:g} 年，不在 {window}之内；请按 {window}约定协议期限", evidence
    )


def _governance(ctx: Context) -> Governance:
    return ctx.proposal.governance or Governance()


@rule("governance.bodies")
def governance_bodies(ctx: Context, params: cat.Bodies) -> Outcome:
    governance = _governance(ctx)
    missing = [
        BODY_NAMES[b] for b in params.bodies if getattr(governance, f"has_{b}_body") is not True
    ]
    party = ctx.proposal.agreement.external_liability_party if ctx.proposal.agreement else None
    if params.liability_party and not (party and party.strip()):
        missing.append("对外承担责任的主体（“联盟协议要点”）")
    evidence = {
        "required": list(params.bodies),
        "missing": missing,
        "external_liability_party": party,
    }
    if not missing:
        return Outcome(
            "pass",
            "已设立所需组织机构" + ("并明确对外承担责任的主体" if params.liability_party else ""),
            evidence,
        )
    return Outcome(
        "fail", f"未设立或未明确：{'、'.join(missing)}；请建立相应机构并在建议书中填写", evidence
    )


@rule("governance.fulltime_staff")
def governance_fulltime_staff(ctx: Context, params: cat.Staff) -> Outcome:
    governance = _governance(ctx)
    staff = governance.secretariat_fulltime_staff
    evidence = {"has_office": governance.has_office, "secretariat_fulltime_staff": staff}
    if params.office_required and governance.has_office is not True:
        return Outcome(
            "fail", "未设立联盟工作办公室（秘书处），请设立并配备人员负责日常事务", evidence
        )
    if staff is None:
        return Outcome(
            "manual",
            "未填写秘书处专职人员人数，需人工核实执行机构的人员配备；建议补充填写",
            evidence,
        )
    if staff >= 1:
        return Outcome("pass", f"秘书处配备专职人员 {staff} 人", evidence)
    if params.fulltime_required:
        return Outcome(
            "fail", "秘书处专职人员为 0 人；联盟执行机构应配备专职人员负责日常事务", evidence
        )
    return Outcome("manual", "未配备专职人员；兼职人员的配备情况需人工核实", evidence)


@rule("governance.fund_management")
def governance_fund_management(ctx: Context, _: cat.NoParams) -> Outcome:
    rules = _governance(ctx).rules or {}
    value = rules.get("fund_management")
    evidence = {"fund_management": value}
    if value is True:
        return Outcome("pass", "已建立经费管理制度", evidence)
    if value is False:
        return Outcome("fail", "尚未建立经费管理制度；请制定经费内部管理办法和监督机制", evidence)
    return Outcome(
        "fail",
        "未填写是否建立经费管理制度（“四、运行管理基本情况”中的“管理制度”），请补充",
        evidence,
    )

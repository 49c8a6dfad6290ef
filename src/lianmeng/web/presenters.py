"""How policy profiles read on the public pages: labels, citations and windows.

Pure presentation over ``lianmeng.policy`` models; the profiles themselves are data and
are shown as written (Chinese), only the interface around them is translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Unit
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.models import Call, Citation, Cited, Profile
from lianmeng.policy.timeutil import closes_at, opens_at
from lianmeng.policy.validity import lapse

LEVELS: dict[str, Promise] = {
    "national": _("国家级"),
    "provincial": _("省级"),
    "municipal": _("市级"),
}
SEVERITIES: dict[str, Promise] = {
    "required": _("必须"),
    "principle": _("原则上"),
    "advisory": _("提示"),
}
OUTCOMES: dict[str, Promise] = {
    "approve_to_build": _("批准筹建"),
    "recognise": _("认定"),
    "file": _("备案"),
    "pilot": _("遴选试点"),
}
MATERIAL_KINDS: dict[str, Promise] = {
    "proposal_form": _("构建建议书（申请表）"),
    "feasibility_report": _("可行性研究报告"),
    "recommendation_form": _("推荐表"),
    "agreement": _("联盟协议书"),
    "charter": _("联盟章程"),
    "recommendation_letter": _("推荐函"),
    "business_license": _("营业执照"),
    "other": _("其他材料"),
}
PARAM_NAMES: dict[str, Promise] = {
    "min_count": _("成员单位至少"),
    "industry_kinds": _("产业方单位类别"),
    "academic_kinds": _("学研方单位类别"),
    "more_than_share": _("本辖区成员占比须超过"),
    "positions": _("须覆盖的产业链环节"),
    "min_provincial": _("省级及以上研发平台至少"),
    "levels": _("计入的平台级别"),
    "clauses": _("协议须载明"),
    "min_years": _("协议期限下限（年）"),
    "max_years": _("协议期限上限（年）"),
    "bodies": _("须设立的机构"),
    "liability_party": _("须明确对外承担责任的主体"),
    "office_required": _("须设联盟工作办公室"),
    "fulltime_required": _("须配备专职人员"),
}
VALUE_LABELS: dict[str, Promise] = {
    **dict(Unit.Kind.choices),
    **LEVELS,
    "upstream": _("上游"),
    "midstream": _("中游"),
    "downstream": _("下游"),
    "decision": _("决策机构"),
    "advisory": _("咨询机构"),
    "executive": _("执行机构"),
    "legally_binding": _("具有法律约束力"),
    "has_innovation_goals": _("技术创新目标"),
    "has_task_division": _("任务分工"),
    "has_ip_and_benefit_rules": _("成果与知识产权归属及收益分配"),
    "has_liability_clause": _("违约责任"),
    "has_join_exit_rules": _("成员加入与退出机制"),
    "has_dissemination_duty": _("公共财政资助成果的扩散义务"),
    "has_dissolution_rules": _("解散条件与程序"),
}


def display_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if name == "more_than_share" and isinstance(value, int | float):
        return f"{value:.0%}"
    if isinstance(value, list | tuple):
        return "、".join(display_value(name, item) for item in value)
    if isinstance(value, str):
        return str(VALUE_LABELS.get(value, value))
    return str(value)


@dataclass
class CitationView:
    seed: str
    article: str
    title: str  # the policy document the seed file holds, if the profile names it
    number: str = ""  # its 文号
    text: str = ""  # 《title》article, as people read it (never the seed file name)


@dataclass
class ParamView:
    name: str
    label: str
    value: str
    citation: CitationView | None


@dataclass
class RuleView:
    id: str
    title: str
    severity: str
    severity_label: Promise
    citation: CitationView
    params: list[ParamView] = field(default_factory=list)


@dataclass
class CallView:
    year: int
    title: str
    opens: datetime
    closes: datetime
    closes_is_date: bool
    state: Promise
    state_class: str
    citation: CitationView
    paper: Any = None
    place: str = ""
    contacts: list[Any] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)


def _citation(profile: Profile, citation: Citation) -> CitationView:
    doc = profile.document_of(citation)
    return CitationView(
        citation.seed,
        citation.article,
        doc.title.value if doc else "",
        doc.number.value if doc and doc.number else "",
        profile.cite(citation),
    )


def _cited(profile: Profile, cited: Cited[Any] | None) -> dict[str, Any] | None:
    if cited is None:
        return None
    return {"value": cited.value, "citation": _citation(profile, cited.citation)}


def rule_views(profile: Profile) -> list[RuleView]:
    rules = []
    for rule in profile.applied_rules.values():
        values = rule.params.model_dump()
        params = [
            ParamView(
                name=name,
                label=str(PARAM_NAMES.get(name, name)),
                value=display_value(name, value),
                citation=(
                    _citation(profile, rule.param_citations[name])
                    if name in rule.param_citations
                    else None
                ),
            )
            for name, value in values.items()
        ]
        rules.append(
            RuleView(
                id=rule.id,
                title=RULE_TITLES.get(rule.id, rule.id),
                severity=rule.severity,
                severity_label=SEVERITIES[rule.severity],
                citation=_citation(profile, rule.citation),
                params=params,
            )
        )
    return rules


def material_views(profile: Profile, materials: list[Cited[Any]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": MATERIAL_KINDS.get(item.value.kind, item.value.kind),
            "title": item.value.title,
            "alternatives": [MATERIAL_KINDS.get(k, k) for k in item.value.alternatives],
            "citation": _citation(profile, item.citation),
        }
        for item in materials
    ]


def _call_state(
    opens: datetime, closes: datetime, now: datetime, profile: Profile | None = None
) -> tuple[Promise, str]:
    if now <= closes and profile is not None and lapse(profile, max(now, opens)) is not None:
        return _("政策已失效"), "text-bg-warning"  # never 正在受理 outside the validity
    if now < opens:
        return _("尚未开始"), "text-bg-info"
    if now <= closes:
        return _("正在受理"), "text-bg-success"
    return _("已截止"), "text-bg-secondary"


def call_views(profile: Profile, *, now: datetime | None = None) -> list[CallView]:
    now = now or timezone.now()
    views = []
    for call in sorted(profile.calls, key=lambda c: c.year.value, reverse=True):
        views.append(_call_view(profile, call, now))
    return views


def _call_view(profile: Profile, call: Call, now: datetime) -> CallView:
    opens, closes = opens_at(call.online_opens.value), closes_at(call.online_closes.value)
    state, state_class = _call_state(opens, closes, now, profile)
    return CallView(
        year=call.year.value,
        title=call.title.value,
        opens=opens,
        closes=closes,
        closes_is_date=not isinstance(call.online_closes.value, datetime),
        state=state,
        state_class=state_class,
        citation=_citation(profile, call.online_closes.citation),
        paper=_cited(profile, call.paper_window),
        place=call.place.value if call.place else "",
        contacts=call.contacts.value if call.contacts else [],
        focus_areas=call.focus_areas.value if call.focus_areas else [],
        materials=material_views(profile, call.materials),
    )


def validity_text(profile: Profile) -> str:
    start, end = profile.validity.valid_from, profile.validity.valid_until
    if start is None and end is None:
        return str(_("长期有效"))
    left = start.value.isoformat() if start else "…"
    right = end.value.isoformat() if end else str(_("长期"))
    return f"{left} — {right}"


def in_force(profile: Profile, today: date | None = None) -> bool:
    """lianmeng.policy.validity.in_force, today (Beijing) by default."""
    return lapse(profile, today or timezone.now()) is None


def profile_summary(profile: Profile, jurisdiction_names: dict[str, str]) -> dict[str, Any]:
    code = profile.jurisdiction.value
    return {
        "id": profile.id,
        "name": profile.name.value,
        "title": profile.documents[0].title.value,
        "documents": [doc.title.value for doc in profile.documents],
        "issuer": profile.issuer.value,
        "level": LEVELS.get(profile.level.value, profile.level.value),
        "jurisdiction_code": code,
        "jurisdiction_name": jurisdiction_names.get(code, code),
        "validity": validity_text(profile),
        "in_force": in_force(profile),
        "rule_count": len(profile.applied_rules),
        "call_count": len(profile.calls),
        "summary": f"{LEVELS.get(profile.level.value, '')} · {profile.issuer.value}",
    }


def profile_facts(profile: Profile) -> list[dict[str, Any]]:
    """The profile's other cited parameters (outcome, grades, deadlines, targets …)."""
    facts: list[dict[str, Any]] = []

    def add(label: Promise, cited: Cited[Any] | None, text: str | None = None) -> None:
        if cited is not None:
            facts.append(
                {
                    "label": label,
                    "value": text if text is not None else display_value("", cited.value),
                    "citation": _citation(profile, cited.citation),
                }
            )

    add(_("发布机关"), profile.issuer)
    add(_("主管部门"), profile.authority)
    if profile.outcome is not None:
        add(_("认定方式"), profile.outcome, str(OUTCOMES.get(profile.outcome.value, "")))
    add(_("联盟命名"), profile.alliance_name)
    add(_("有效期起"), profile.validity.valid_from)
    add(_("有效期止"), profile.validity.valid_until)
    add(_("支持领域"), profile.focus_areas)
    add(_("评价等级"), profile.grades)
    period = profile.deadlines.construction_period_months
    if period is not None:
        add(_("建设期（月）"), period)
    term = profile.deadlines.agreement_term_years
    if term is not None:
        add(_("协议期限（年）"), term, f"{term.value.min_years}–{term.value.max_years}")
    for target in profile.targets:
        add(
            _("发展目标"),
            target,
            str(_("%(year)s 年达到 %(n)s 家"))
            % {"year": target.value.year, "n": target.value.alliances},
        )
    for category in profile.categories:
        add(
            _("备案类别"),
            category,
            f"{category.value.number}. {category.value.name}：{category.value.description}",
        )
    return facts

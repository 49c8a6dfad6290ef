"""``lianmeng policy list`` / ``lianmeng policy show PROFILE``：以中文列出政策配置及出处。"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.loader import ProfileError, get_profile, load_profiles
from lianmeng.policy.models import Citation, Cited, Profile

__all__ = ["profile_summary", "render_profile", "run_policy"]

LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
SEVERITIES = {"required": "必须", "principle": "原则上", "advisory": "建议"}
OUTCOMES = {"approve_to_build": "批准筹建", "recognise": "认定", "file": "备案", "pilot": "试点"}


def _cite(profile: Profile, citation: Citation) -> str:
    """〔第六条〕 when the profile rests on one document (named on the 政策文件 line), else
    〔《文件标题》五(一)〕; never the seed file name."""
    if len(profile.documents) == 1 and profile.document_of(citation) is not None:
        return f"〔{citation.article}〕"
    return f"〔{profile.cite(citation)}〕"


def _validity(profile: Profile) -> str:
    start, end = profile.validity.valid_from, profile.validity.valid_until
    if not start and not end:
        return "长期有效"
    text = f"{start.value if start else '—'} 至 {end.value if end else '长期'}"
    citations = dict.fromkeys(_cite(profile, c.citation) for c in (start, end) if c)
    return f"{text} {''.join(citations)}"


def profile_summary(profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile.name.value,
        "level": profile.level.value,
        "jurisdiction": profile.jurisdiction.value,
        "valid_from": str(profile.validity.valid_from.value)
        if profile.validity.valid_from
        else None,
        "valid_until": str(profile.validity.valid_until.value)
        if profile.validity.valid_until
        else None,
        "rules": list(profile.applied_rules),
    }


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _line(profile: Profile, label: str, cited: Cited[Any] | None, show: Any = None) -> list[str]:
    if cited is None:
        return []
    value = show if show is not None else cited.value
    if isinstance(value, list):
        value = "、".join(map(str, value))
    return [f"{label}：{value} {_cite(profile, cited.citation)}"]


def _rules_text(profile: Profile) -> list[str]:
    lines = ["", "适用规则："]
    for rule_id, applied in profile.applied_rules.items():
        lines.append(
            f"  {rule_id}  {RULE_TITLES[rule_id]}  [{SEVERITIES[applied.severity]}] {_cite(profile, applied.citation)}"
        )
        for name, value in applied.params.model_dump().items():
            lines.append(
                f"      {name} = {_show(value)} {_cite(profile, applied.param_citations[name])}"
            )
    return lines


def _calls_text(profile: Profile) -> list[str]:
    lines: list[str] = []
    for call in profile.calls:
        lines += [
            "",
            f"{call.year.value} 年申报通知：{call.title.value} {_cite(profile, call.title.citation)}",
        ]
        lines.append(
            f"  网上填报：{call.online_opens.value} 至 {call.online_closes.value}（北京时间，截止日当天 23:59:59 止）"
            f" {_cite(profile, call.online_closes.citation)}"
        )
        if call.paper_window:
            window = call.paper_window.value
            hours = "、".join(f"{h.start:%H:%M}–{h.end:%H:%M}" for h in window.hours)
            lines.append(
                f"  纸质材料报送：{window.first_day} 至 {window.last_day} {hours} {_cite(profile, call.paper_window.citation)}"
            )
        lines += ["  " + x for x in _line(profile, "地点", call.place)]
        if call.contacts:
            people = "；".join(f"{c.name} {c.phone}" for c in call.contacts.value)
            lines.append(f"  联系人：{people} {_cite(profile, call.contacts.citation)}")
        lines += ["  " + x for x in _line(profile, "重点领域", call.focus_areas)]
        for material in call.materials:
            lines.append(
                f"  材料：《{material.value.title}》（{material.value.kind}） {_cite(profile, material.citation)}"
            )
    return lines


EVIDENCE = {"text": "说明", "files": "附件"}
FIELD_KINDS = {"text": "文字", "number": "数字", "table": "绩效指标表", "files": "附件"}
FREQUENCIES = {"annual": "每年", "event": "发生时", "agreement_term": "随协议期限"}
EXPECTED = {"proposal": "建议书“七、预期完成绩效指标”", "annual_plan": "年度工作计划"}


def _construction_text(profile: Profile) -> list[str]:
    construction = profile.construction
    if construction is None:
        return []
    lines = ["", "筹建期内须完成："]
    for item in construction.checklist:
        evidence = "、".join(EVIDENCE[e] for e in item.evidence)
        lines.append(f"  {item.id}  {item.label}（{evidence}） {_cite(profile, item.citation)}")
    lines += ["  " + x for x in _line(profile, "验收通过后", construction.outcome)]
    acceptance = construction.acceptance
    if acceptance is not None:
        lines.append("  验收评审标准（权重合计 100，各项满分 100）：")
        for criterion in acceptance.criteria:
            description = f"——{criterion.description}" if criterion.description else ""
            lines.append(
                f"    {criterion.title} {criterion.weight}{description} {_cite(profile, criterion.citation)}"
            )
        area = acceptance.exclude_same_area
        lines.append(f"    推荐地区专家回避：{_show(area.value)} {_cite(profile, area.citation)}")
    return lines


#: who fires a report's transitions, as the profile's reader names them
ROLE_NAMES = {
    "applicant": "联盟牵头单位",
    "competent": "主管部门",
    "coordination": "协调小组",
    "recommender": "推荐部门",
    "expert": "专家",
}


def _reporting_text(profile: Profile) -> list[str]:
    if profile.reporting is None:
        return []
    lines = ["", "报告制度："]
    for report in profile.reporting.reports:
        lines.append(
            f"  {report.label}（{report.id}，{FREQUENCIES[report.frequency]}） {_cite(profile, report.citation)}"
        )
        lines += ["    " + x for x in _line(profile, "时限", report.timing)]
        if report.due is not None:
            rule = report.due.value
            year = "次年" if rule.following_year else "当年"
            lines.append(
                f"    报送日期：{year} {rule.month} 月 {rule.day} 日前 {_cite(profile, report.due.citation)}"
            )
        elif report.frequency == "annual":
            lines.append("    报送日期：文件未规定，由主管部门另行通知")
        for event in report.events:
            lines.append(f"    事项：{event.label} {_cite(profile, event.citation)}")
        for field in report.fields:
            lines.append(
                f"    内容：{field.label}（{FIELD_KINDS[field.kind]}） {_cite(profile, field.citation)}"
            )
    table = profile.report_lifecycle
    if table is not None:
        lines.append("  报告的审核：")
        for step in table.transitions:
            froms = "、".join(table.state_label(s) for s in step.from_)
            lines.append(
                f"    {step.label}：{froms} → {table.state_label(step.to)}"
                f"（{ROLE_NAMES.get(step.role, step.role)}） {_cite(profile, step.citation)}"
            )
    return lines


def _kpi_warning_text(profile: Profile) -> list[str]:
    config = profile.kpi_warning
    if config is None:
        return []
    threshold = config.lag_threshold()
    source = (
        _cite(profile, config.threshold.citation)
        if config.threshold
        else "（文件未规定，平台默认值）"
    )
    lines = [
        "",
        f"绩效预警：实际值低于按时间进度折算的计划值的 {threshold:.0%} 时预警 {_cite(profile, config.citation)}",
        f"  预警阈值：{threshold:g}{source if config.threshold is None else ' ' + source}",
    ]
    expected = EXPECTED[config.expected.value]
    if config.plan_report:
        expected += f"（{config.plan_report}）"
    lines.append(f"  计划值：{expected} {_cite(profile, config.expected.citation)}")
    lines += ["  " + x for x in _line(profile, "计划期（年）", config.period_years)]
    if config.reports:
        lines.append(f"  实际值：{'、'.join(config.reports)} 的绩效指标表")
    return lines


EVALUATOR_ROLES = {"department": "主管部门", "experts": "专家", "third_party": "第三方评价机构"}
SOURCE_NAMES = {
    "annual_report_kpi": "报告的绩效指标表",
    "report_on_time": "报告是否按时报送",
    "meetings_held": "会议召开情况",
    "major_events_reported": "重大事项报告",
    "patents_standards": "知识产权与技术标准",
    "member_satisfaction": "成员单位满意度",
    "manual": "评价人评分",
}


def _own(reason: str | None) -> str:
    return f"（平台取值：{reason}）" if reason else ""


def _evaluation_text(profile: Profile) -> list[str]:
    config = profile.evaluation
    if config is None:
        return []
    lines = ["", f"绩效评价 {_cite(profile, config.citation)}"]
    lines += ["  " + x for x in _line(profile, "频次", config.timing)]
    for evaluator in config.evaluators:
        lines.append(
            f"  评价主体：{evaluator.label}（{EVALUATOR_ROLES[evaluator.role]}）"
            f" {_cite(profile, evaluator.citation)}{_own(evaluator.platform_reason)}"
        )
    if config.excluded_levels:
        levels = "、".join(LEVELS[level] for level in config.excluded_levels.value)
        lines.append(
            f"  不参加本级评价：{levels}联盟 {_cite(profile, config.excluded_levels.citation)}"
        )
    lines.append("  指标（各项 0–100 分，总分 = Σ 得分 × 权重 ÷ 100，权重合计 100）：")
    for family in config.families:
        lines.append(
            f"    {family.label}（{family.id}）权重 {family.weight} {_cite(profile, family.citation)}"
            f"{_own(family.platform_reason)}"
        )
        for item in family.indicators:
            report = f"，{item.report}" if item.report else ""
            lines.append(
                f"      {item.label}（{item.id}）权重 {item.weight}，来源：{SOURCE_NAMES[item.source]}"
                f"{report} {_cite(profile, item.citation)}{_own(item.platform_reason)}"
            )
            lines.append(f"        评分：{item.guidance}")
    lines.append("  等级（分数线从高到低）：")
    for grade in config.grades:
        bound = f"{grade.min:g} 分{'及以上' if grade.inclusive else '以上（不含）'}"
        lines.append(
            f"    {grade.label}（{grade.id}）：{bound} {_cite(profile, grade.citation)}"
            f"{_own(grade.platform_reason)}"
        )
    if config.notice_days:
        notice = config.notice_days
        lines.append(
            f"  结果公示：{notice.value} 日 {_cite(profile, notice.citation)}{_own(notice.platform_reason)}"
        )
    else:
        lines.append("  结果公示：文件未规定")
    consequences = config.consequences
    if consequences is not None:
        failing = config.grade(consequences.failing_grade.value)
        period = consequences.rectification_period
        span = f"{period.months} 个月" if period.months else f"{period.days} 日"
        loss = consequences.on_failed_recheck
        lines += [
            f"  {failing.label if failing else consequences.failing_grade.value}："
            f"{consequences.warning.value} {_cite(profile, consequences.warning.citation)}",
            f"    整改期限：{span} {_cite(profile, period.citation)}{_own(period.platform_reason)}",
            f"    整改不合格：{loss.text}（{loss.value}） {_cite(profile, loss.citation)}",
        ]
        preferential = consequences.preferential_grade
        if preferential is not None:
            grade = config.grade(preferential.value)
            lines.append(
                f"  择优支持：{grade.label if grade else preferential.value}"
                f" {_cite(profile, preferential.citation)}{_own(preferential.platform_reason)}"
            )
    return lines


def _rewards_text(profile: Profile) -> list[str]:
    from lianmeng.policy.rewards import rule_summary

    config = profile.rewards
    if config is None:
        return []
    lines = ["", f"扶持与奖补 {_cite(profile, config.citation)}"]
    fund = config.fund_source
    lines.append(f"  资金来源：{fund.value} {_cite(profile, fund.citation)}")
    if config.no_double_support:
        rule = config.no_double_support
        lines.append(f"  不重复支持：{rule.value} {_cite(profile, rule.citation)}")
    if config.lost_support:
        rule = config.lost_support
        lines.append(f"  不予奖补：{rule.value} {_cite(profile, rule.citation)}")
    lines.append(f"  按奖励事项发生日判断政策有效期：{_validity(profile)}")
    for kind in config.kinds:
        lines.append(
            f"  {kind.label}（{kind.id}）：{rule_summary(kind)} {_cite(profile, kind.citation)}"
            f"{_own(kind.platform_reason)}"
        )
    return lines


def render_profile(profile: Profile) -> str:
    """Human-readable Chinese description of a profile, every value with its citation."""
    lines = [f"{profile.name.value}（{profile.id}）", ""]
    lines += _line(profile, "层级", profile.level, LEVELS[profile.level.value])
    lines += _line(profile, "辖区代码", profile.jurisdiction)
    lines += _line(profile, "发文机关", profile.issuer)
    lines += _line(profile, "主管部门", profile.authority)
    lines += _line(
        profile,
        "决定方式",
        profile.outcome,
        OUTCOMES[profile.outcome.value] if profile.outcome else None,
    )
    lines += _line(profile, "联盟命名", profile.alliance_name)
    for doc in profile.documents:
        number = f"（{doc.number.value}）" if doc.number else ""
        lines.append(
            f"政策文件：《{doc.title.value}》{number}"
            + (
                ""
                if profile.document_of(doc.title.citation) is doc
                else f" {_cite(profile, doc.title.citation)}"
            )
        )
    lines.append(f"有效期：{_validity(profile)}")
    lines += _rules_text(profile)
    if profile.materials:
        lines += ["", "申报材料："]
        lines += [
            f"  《{m.value.title}》（{m.value.kind}） {_cite(profile, m.citation)}"
            for m in profile.materials
        ]
    lines.append("")
    lines += _line(profile, "支持领域", profile.focus_areas)
    lines += _line(profile, "评价等级", profile.grades)
    deadlines = profile.deadlines
    lines += _line(profile, "筹建期（月）", deadlines.construction_period_months)
    if deadlines.agreement_term_years:
        term = deadlines.agreement_term_years.value
        lines += _line(
            profile,
            "协议期限（年）",
            deadlines.agreement_term_years,
            f"{term.min_years}–{term.max_years}",
        )
    for category in profile.categories:
        lines.append(
            f"第{category.value.number}类：{category.value.name}——{category.value.description} {_cite(profile, category.citation)}"
        )
    for target in profile.targets:
        lines.append(
            f"目标：到 {target.value.year} 年联盟达到 {target.value.alliances} 家 {_cite(profile, target.citation)}"
        )
    lines += _construction_text(profile)
    lines += _reporting_text(profile)
    lines += _kpi_warning_text(profile)
    lines += _evaluation_text(profile)
    lines += _rewards_text(profile)
    lines += _calls_text(profile)
    return "\n".join(lines)


def _zh(message: str) -> str:
    for english, chinese in (
        ("the following arguments are required", "缺少参数"),
        ("unrecognized arguments", "无法识别的参数"),
        ("invalid choice", "无效的子命令"),
        ("choose from", "可选"),
        ("argument ", "参数 "),
    ):
        message = message.replace(english, chinese)
    return message


class _Stop(Exception):
    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status, self.message = status, message


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help=False, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        raise _Stop(
            2, f"参数错误：{_zh(message)}（用法：lianmeng policy list | show PROFILE [--json]）"
        )

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Stop(status, (message or "").strip())


def _parser() -> _Parser:
    parser = _Parser(prog="lianmeng policy", description="查看政策配置及其出处")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="列出全部政策配置")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    show = sub.add_parser("show", help="显示一个政策配置")
    show.add_argument("profile", metavar="PROFILE")
    show.add_argument("--json", action="store_true", help="以 JSON 输出")
    return parser


def _policy(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        profiles = load_profiles()
        if args.json:
            print(
                json.dumps(
                    [profile_summary(p) for p in profiles.values()], ensure_ascii=False, indent=2
                )
            )
            return 0
        for profile in profiles.values():
            print(
                f"{profile.id}\t{profile.name.value}\t{LEVELS[profile.level.value]}\t{profile.jurisdiction.value}\t"
                f"有效期：{_validity(profile)}\t规则 {len(profile.applied_rules)} 条"
            )
        return 0
    profile = get_profile(args.profile)
    if args.json:
        data = profile.model_dump(mode="json") | {"applied_rules": list(profile.applied_rules)}
        if profile.kpi_warning is not None:
            # the threshold in force: the profile's, else the platform default (no seed sets one)
            data["kpi_warning"]["lag_threshold"] = profile.kpi_warning.lag_threshold()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_profile(profile))
    return 0


def run_policy(argv: list[str]) -> int:
    """``lianmeng policy list`` / ``show PROFILE`` [``--json``]: 0, or 2 with one line on stderr."""
    try:
        return _policy(list(argv))
    except _Stop as stop:
        if stop.message:
            print(stop.message, file=sys.stderr if stop.status else sys.stdout)
        return stop.status
    except ProfileError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 — never show a traceback to the user
        print(f"内部错误（请报告）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

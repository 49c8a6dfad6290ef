"""读取并校验政策配置文件（profiles/*.toml）。

``load_profiles()`` reads every ``*.toml`` in the package's ``profiles`` directory (or a
directory given by a caller, e.g. a test), validates it and caches the default load. A
broken file raises :class:`ProfileError` naming the file and the key path.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lianmeng.policy.catalogue import PARAMS, RULE_IDS
from lianmeng.policy.evaluation_config import EvaluationConfig, Grade
from lianmeng.policy.lifecycle import (
    REPORT_FILING_STATES,
    alliance_lifecycle_problems,
    lifecycle_problems,
)
from lianmeng.policy.models import AppliedRule, Citation, Profile

__all__ = ["ProfileError", "UnknownProfileError", "get_profile", "load_profile", "load_profiles"]


class ProfileError(ValueError):
    """A profile file is missing, unreadable or invalid; the message names file and key."""


class UnknownProfileError(ProfileError, LookupError):
    """No profile with that id."""


def _key_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text or "(根)"


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")


def _pydantic_message(error: Any) -> tuple[tuple[Any, ...], str]:
    loc, kind = tuple(error["loc"]), error["type"]
    if kind == "missing":
        return loc[:-1], f"缺少字段 {loc[-1]}"
    if kind == "extra_forbidden":
        return loc[:-1], f"未知字段 {loc[-1]}"
    # Union branches show up as type tags in the location; they are not keys of the file.
    keys = tuple(
        x for x in loc if isinstance(x, int) or not str(x).startswith(("date", "datetime"))
    )
    ctx = error.get("ctx", {})
    messages = {
        "int_type": "应为整数",
        "float_type": "应为数字",
        "list_type": "应为数组",
        "dict_type": "应为表（table）",
        "model_type": "应为表（table）",
        "time_type": "应为时间（如 08:00:00）",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "less_than_equal": f"应不大于 {ctx.get('le')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "value_error": str(ctx.get("error", error["msg"])),
        "string_type": "应为字符串",
        "bool_type": "应为布尔值",
        "date_type": "应为日期（如 2020-09-20）",
        "literal_error": f"取值应为 {_expected(ctx)} 之一",
        "string_too_short": "不能为空",
        "too_short": "不能为空",
        "string_pattern_mismatch": f"格式不符合 {ctx.get('pattern', '')}",
    }
    return keys, messages.get(kind, f"取值无效（{error['msg']}）")


def _tail(keys: tuple[Any, ...]) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)


def _param_path(rule_path: str, keys: tuple[Any, ...], cited: dict[str, Any]) -> str:
    """Key path of a bad parameter: ``rules.x.y.params.name.value[0]``."""
    if keys and keys[0] in cited:
        return f"{rule_path}.params.{keys[0]}.value{_tail(keys[1:])}"
    return f"{rule_path}.params{_tail(keys)}"


def _fail(file: str, path: str, message: str) -> ProfileError:
    return ProfileError(f"{file}: {path}: {message}")


def _citations(node: object, path: str) -> Iterator[tuple[str, Citation]]:
    if isinstance(node, Citation):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _citations(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _citations(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _citations(value, f"{path}[{index}]")


def _apply_rules(profile: Profile, file: str) -> dict[str, AppliedRule]:
    found: dict[str, tuple[str, Any]] = {}
    for group, members in profile.rules.items():
        for name, config in members.items():
            found[f"{group}.{name}"] = (f"rules.{group}.{name}", config)
    for rule_id, (path, _) in found.items():
        if rule_id not in PARAMS:
            raise _fail(file, path, f"未知规则 {rule_id}（规则目录见 docs/rules.md）")
    applied: dict[str, AppliedRule] = {}
    for rule_id in RULE_IDS:
        if rule_id not in found:
            continue
        path, config = found[rule_id]
        values = {name: cited.value for name, cited in config.params.items()}
        try:
            params = PARAMS[rule_id].model_validate(values)
        except ValidationError as exc:
            # A misspelt parameter shows up as unknown and missing; name the unknown one.
            errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            keys, message = _pydantic_message(errors[0])
            raise _fail(file, _param_path(path, keys, config.params), message) from None
        applied[rule_id] = AppliedRule(
            id=rule_id,
            severity=config.severity,
            citation=config.citation,
            params=params,
            param_citations={name: cited.citation for name, cited in config.params.items()},
        )
    return applied


def _window_end(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _check_dates(profile: Profile, file: str) -> None:
    validity = profile.validity
    if validity.valid_from and validity.valid_until:
        if validity.valid_from.value > validity.valid_until.value:
            raise _fail(file, "validity.valid_until.value", "有效期截止日早于生效日")
    for index, call in enumerate(profile.calls):
        path = f"calls[{index}]"
        opens, closes = call.online_opens.value, call.online_closes.value
        if type(opens) is not type(closes) or _window_end(opens) > _window_end(closes):
            raise _fail(
                file, f"{path}.online_closes.value", "网上填报截止时间早于开始时间或类型不一致"
            )
        if abs(_window_end(opens).year - call.year.value) > 1:
            raise _fail(file, f"{path}.year.value", "申报年度与网上填报时间不符")
        if call.paper_window:
            window = call.paper_window.value
            if window.first_day > window.last_day:
                raise _fail(
                    file, f"{path}.paper_window.value.last_day", "纸质材料报送截止日早于开始日"
                )
            for number, hours in enumerate(window.hours):
                if hours.start >= hours.end:
                    raise _fail(
                        file, f"{path}.paper_window.value.hours[{number}]", "办公时间结束早于开始"
                    )
        if [c.year.value for c in profile.calls].count(call.year.value) > 1:
            raise _fail(file, f"{path}.year.value", "同一年度只能有一个申报通知")


def _check_needs(profile: Profile, file: str) -> None:
    needs = {
        "materials.complete": (
            bool(profile.materials)
            or bool(profile.calls)
            and all(c.materials for c in profile.calls),
            "materials",
            "规则 materials.complete 需要 materials（所需材料清单）",
        ),
        "call.within_window": (
            bool(profile.calls),
            "calls",
            "规则 call.within_window 需要 calls（申报通知）",
        ),
        "call.focus_area": (
            profile.focus_areas is not None or any(c.focus_areas for c in profile.calls),
            "focus_areas",
            "规则 call.focus_area 需要 focus_areas（支持领域）",
        ),
        "policy.in_force": (
            profile.validity.valid_from is not None or profile.validity.valid_until is not None,
            "validity",
            "规则 policy.in_force 需要 validity（有效期）",
        ),
    }
    for rule_id, (ok, path, message) in needs.items():
        if profile.applies(rule_id) and not ok:
            raise _fail(file, path, message)


def _check_citations(profile: Profile, file: str) -> None:
    sources = {doc.seed for doc in profile.documents if doc.seed}
    for path, citation in _citations(profile, ""):
        if citation.seed not in sources:
            raise _fail(file, f"{path}.seed", f"出处 {citation.seed} 不是本配置 documents 中的文件")


def _check_lifecycle(profile: Profile, file: str) -> None:
    if profile.lifecycle is None:
        return
    deadlines = {
        name for name in type(profile.deadlines).model_fields if getattr(profile.deadlines, name)
    }
    problems = lifecycle_problems(profile.lifecycle, deadlines=deadlines)
    if profile.alliance_lifecycle is not None:
        problems += alliance_lifecycle_problems(profile.alliance_lifecycle, deadlines=deadlines)
    if profile.report_lifecycle is not None:
        problems += lifecycle_problems(
            profile.report_lifecycle,
            deadlines=deadlines,
            path="report_lifecycle",
            filing_states=REPORT_FILING_STATES,
        )
    if profile.rectification_lifecycle is not None:
        problems += lifecycle_problems(
            profile.rectification_lifecycle,
            deadlines=deadlines,
            path="rectification_lifecycle",
            filing_states=REPORT_FILING_STATES,
        )
    if problems:
        raise _fail(file, *problems[0])


def _check_alliance_life(profile: Profile, file: str) -> None:
    """``[construction]``, ``[reporting]`` and ``[kpi_warning]`` against each other and
    ``[deadlines]`` (lianmeng.policy.alliance_config)."""
    deadlines = profile.deadlines
    if profile.construction is not None and deadlines.construction_period_months is None:
        raise _fail(
            file, "construction", "筹建清单需要 deadlines.construction_period_months（筹建期）"
        )
    reports = profile.reporting.reports if profile.reporting else []
    for index, report in enumerate(reports):
        if report.frequency == "agreement_term" and deadlines.agreement_term_years is None:
            raise _fail(
                file,
                f"reporting.reports[{index}].frequency",
                "随协议期限到期的报告需要 deadlines.agreement_term_years（协议期限）",
            )
    warning = profile.kpi_warning
    if warning is None:
        return
    by_id = {report.id: report for report in reports}
    for index, report_id in enumerate(warning.reports):
        report = by_id.get(report_id)
        if report is None:
            raise _fail(file, f"kpi_warning.reports[{index}]", f"未知报告 {report_id}")
        if not report.table_fields():
            raise _fail(
                file, f"kpi_warning.reports[{index}]", f"报告 {report_id} 没有绩效指标表（table）"
            )
    if warning.plan_report is not None:
        plan = by_id.get(warning.plan_report)
        if plan is None or plan.frequency != "annual" or not plan.table_fields():
            raise _fail(
                file,
                "kpi_warning.plan_report",
                f"{warning.plan_report} 应为 reporting 中带绩效指标表（table）的年度报告",
            )


def _grade_key(grade: Grade) -> tuple[Decimal, bool]:
    """Order of thresholds: ``> 90`` is above ``>= 90``, which is above ``> 89``."""
    return grade.lower_bound(), not grade.inclusive


def _evaluation_problems(profile: Profile) -> list[tuple[str, str]]:
    """``[evaluation]`` in itself and against ``[grades]``, ``[reporting]`` and ``level``
    (lianmeng.policy.evaluation_config); (key path, message) pairs, the first one is raised."""
    config = profile.evaluation
    if config is None:
        return []
    problems: list[tuple[str, str]] = []
    roles = [e.role for e in config.evaluators]
    for index, role in enumerate(roles):
        if roles.index(role) != index:
            problems.append((f"evaluation.evaluators[{index}].role", f"评价主体 {role} 重复"))
    total = sum(family.weight for family in config.families)
    if total != 100:
        problems.append(("evaluation.families", f"指标类别的权重之和应为 100，现为 {total}"))
    ids: set[str] = set()
    reports = profile.reporting
    for number, family in enumerate(config.families):
        here = f"evaluation.families[{number}]"
        inner = sum(indicator.weight for indicator in family.indicators)
        if inner != family.weight:
            problems.append(
                (
                    f"{here}.indicators",
                    f"“{family.label}”各项指标的权重之和应等于该类权重 {family.weight}，现为 {inner}",
                )
            )
        for key, item_id in [("id", family.id)] + [
            (f"indicators[{i}].id", indicator.id) for i, indicator in enumerate(family.indicators)
        ]:
            if item_id in ids:
                problems.append((f"{here}.{key}", f"指标或类别的 id 不能重复：{item_id}"))
            ids.add(item_id)
        for i, indicator in enumerate(family.indicators):
            path = f"{here}.indicators[{i}].report"
            if indicator.report is None:
                if indicator.source == "report_on_time":
                    problems.append((path, "来源为 report_on_time 的指标须指明报告（report）"))
                continue
            kind = reports.report(indicator.report) if reports else None
            if kind is None:
                problems.append((path, f"未知报告 {indicator.report}（应为 reporting 中的报告）"))
            elif indicator.source in ("annual_report_kpi", "patents_standards") and not (
                kind.table_fields()
            ):
                problems.append((path, f"报告 {indicator.report} 没有绩效指标表（table）"))
            elif indicator.source == "report_on_time" and kind.frequency != "annual":
                problems.append((path, f"报告 {indicator.report} 不是年度报告，无所谓按时"))
            elif indicator.source == "major_events_reported" and kind.frequency != "event":
                problems.append((path, f"报告 {indicator.report} 不是重大事项报告"))
    problems += _grade_problems(profile, config)
    if config.excluded_levels and profile.level.value in config.excluded_levels.value:
        problems.append(
            ("evaluation.excluded_levels.value", "不能排除本配置自己的层级，否则没有联盟可评价")
        )
    consequences = config.consequences
    if consequences is not None:
        cited = [("failing_grade", consequences.failing_grade)]
        if consequences.preferential_grade is not None:
            cited.append(("preferential_grade", consequences.preferential_grade))
        for key, grade in cited:
            if config.grade(grade.value) is None:
                problems.append((f"evaluation.consequences.{key}.value", f"未知等级 {grade.value}"))
        if consequences.failing_grade.value != config.grades[-1].id:
            problems.append(
                ("evaluation.consequences.failing_grade.value", "不合格等级应为最低的等级")
            )
        if (
            consequences.preferential_grade is not None
            and consequences.preferential_grade.value == consequences.failing_grade.value
        ):
            problems.append(
                (
                    "evaluation.consequences.preferential_grade.value",
                    "择优支持的等级不能是不合格等级",
                )
            )
    return problems


def _grade_problems(profile: Profile, config: EvaluationConfig) -> list[tuple[str, str]]:
    """Grades best first, thresholds strictly falling, the last one 0 inclusive: every total
    in 0–100 then has exactly one grade (no gap, no overlap)."""
    problems: list[tuple[str, str]] = []
    grades = config.grades
    ids = [g.id for g in grades]
    for index, grade in enumerate(grades):
        here = f"evaluation.grades[{index}]"
        if ids.index(grade.id) != index:
            problems.append((f"{here}.id", f"等级 {grade.id} 重复"))
        if index == 0 and grade.lower_bound() == 100 and not grade.inclusive:
            problems.append((f"{here}.min", "最高等级的分数线“高于 100 分”没有分数能达到"))
        if index and _grade_key(grade) >= _grade_key(grades[index - 1]):
            problems.append(
                (
                    f"{here}.min",
                    f"等级“{grade.label}”的分数线应低于上一等级“{grades[index - 1].label}”"
                    "（等级从高到低排列，分数段不能重叠）",
                )
            )
    last = grades[-1]
    if last.lower_bound() != 0 or not last.inclusive:
        problems.append(
            (
                f"evaluation.grades[{len(grades) - 1}].min",
                f"最低等级“{last.label}”应从 0 分（含）起，否则低分没有等级（分数段有空缺）",
            )
        )
    if profile.grades is not None and [g.label for g in grades] != list(profile.grades.value):
        problems.append(
            ("evaluation.grades", f"等级应与 grades 一致：{'、'.join(profile.grades.value)}")
        )
    return problems


def _check_evaluation(profile: Profile, file: str) -> None:
    problems = _evaluation_problems(profile)
    if problems:
        raise _fail(file, *problems[0])


def _check_rewards(profile: Profile, file: str) -> None:
    """``[rewards]``: one entry per kind (lianmeng.policy.rewards_config checks each kind's
    shape)."""
    config = profile.rewards
    if config is None:
        return
    seen: set[str] = set()
    for index, kind in enumerate(config.kinds):
        if kind.id in seen:
            raise _fail(file, f"rewards.kinds[{index}].id", f"奖补类别 {kind.id} 重复")
        seen.add(kind.id)


def parse_profile(text: str, file: str) -> Profile:
    """Parse and validate one profile's TOML text; ``file`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{file}: TOML 语法错误：{exc}") from None
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        keys, message = _pydantic_message(exc.errors()[0])
        raise _fail(file, _key_path(keys), message) from None
    expected_id = file.removesuffix(".toml")
    if profile.id != expected_id:
        raise _fail(file, "id", f"应与文件名一致，即 {expected_id}")
    profile._applied = _apply_rules(profile, file)
    _check_dates(profile, file)
    _check_needs(profile, file)
    _check_lifecycle(profile, file)
    _check_alliance_life(profile, file)
    _check_evaluation(profile, file)
    _check_rewards(profile, file)
    _check_citations(profile, file)
    return profile


def load_profile(path: Path | Traversable) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path.name}: 无法读取：{exc}") from None
    return parse_profile(text, path.name)


def _default_directory() -> Traversable:
    return resources.files("lianmeng.policy") / "profiles"


def _load(directory: Path | Traversable) -> dict[str, Profile]:
    files = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    if not files:
        raise ProfileError(f"{directory}: 没有政策配置文件（*.toml）")
    return {profile.id: profile for profile in map(load_profile, files)}


@functools.cache
def _load_default() -> dict[str, Profile]:
    """The package's profiles, plus those of ``LIANMENG_PROFILES_DIR`` when set.

    A deployment adds a jurisdiction (a fifth city) by dropping its profile file into that
    directory: no code change. A file there with the id of a shipped profile replaces it.
    """
    profiles = _load(_default_directory())
    extra = os.environ.get("LIANMENG_PROFILES_DIR")
    if extra:
        directory = Path(extra)
        if not directory.is_dir():
            raise ProfileError(f"LIANMENG_PROFILES_DIR={extra}: 目录不存在")
        profiles.update(_load(directory))
    return profiles


def load_profiles(directory: Path | Traversable | None = None) -> dict[str, Profile]:
    """All profiles by id. The package's own directory is read once and cached."""
    if directory is None:
        return dict(_load_default())
    return _load(directory)


def get_profile(profile_id: str, directory: Path | Traversable | None = None) -> Profile:
    """One profile by id, or :class:`UnknownProfileError` listing the known ids."""
    profiles = load_profiles(directory)
    try:
        return profiles[profile_id]
    except KeyError:
        known = ", ".join(sorted(profiles))
        raise UnknownProfileError(f"未知的政策配置 {profile_id}，可选：{known}") from None

"""政策推演（B-6）：政策配置的可调参数、草案取值的校验，以及今昔两套结论的逐条比较。

Pure Python, no Django. A department edits a *copy* of its profile's parameters; nothing here
writes a profile. Three pieces:

- :func:`parameters` — every editable parameter of a profile: each catalogue rule's severity
  (``off`` = the profile does not apply it) and its numeric, percentage, yes/no and choice
  parameters, with label, current value, unit, bounds and citation;
- :func:`apply_overrides` — the profile with a draft's overrides applied, validated by the
  loader's own rule checks (:mod:`lianmeng.policy.loader`); a value out of bounds raises
  :class:`OverrideError` naming the parameter and the allowed range;
- :func:`compare` / :func:`summarise` — two lists of findings of one subject (today, under the
  draft) rule by rule: newly failing, newly passing, unchanged; and the counts over subjects.

Overrides are JSON: ``{"members.min_count": {"severity": "principle", "min_count": 12}}`` —
one object per rule id, keys ``severity`` and the rule's parameter names, values in the
profile's own units (a share as a fraction: 0.6, shown as 60 %).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from lianmeng.policy.catalogue import PARAMS, RULE_IDS, RULE_TITLES
from lianmeng.policy.citation import Citation
from lianmeng.policy.models import Cited, Profile, RuleConfig
from lianmeng.policy.registry import KIND_NAMES, LEVEL_NAMES, POSITION_NAMES
from lianmeng.policy.results import Finding

__all__ = [
    "DRAFT_ARTICLE",
    "DRAFT_SEED",
    "OFF",
    "Comparison",
    "OverrideError",
    "Parameter",
    "RuleChange",
    "Summary",
    "apply_overrides",
    "changed_parameters",
    "compare",
    "normalise_overrides",
    "overrides_from_form",
    "parameter",
    "parameters",
    "profile_version",
    "summarise",
    "toml_snippet",
]

#: the severity choice meaning "the profile does not apply this rule"
OFF = "off"
SEVERITIES: tuple[tuple[str, str], ...] = (
    (OFF, "不适用"),
    ("required", "必须"),
    ("principle", "原则上"),
    ("advisory", "建议"),
)
#: the citation of what a draft adds or changes until the administrator cites the new document:
#: a seed no profile names, so people read the article alone (never a title it is not from)
DRAFT_SEED = "whatif-draft"
DRAFT_ARTICLE = "推演草案（待引用新文件条款）"

Kind = Literal["severity", "integer", "number", "percent", "boolean", "choices"]

CLAUSE_NAMES = {
    "legally_binding": "具有法律约束力",
    "has_innovation_goals": "技术创新目标",
    "has_task_division": "任务分工",
    "has_ip_and_benefit_rules": "成果与知识产权归属及收益分配",
    "has_liability_clause": "违约责任",
    "has_join_exit_rules": "成员加入退出机制",
    "has_dissemination_duty": "成果扩散义务",
    "has_dissolution_rules": "解散规则",
}
BODY_NAMES = {"decision": "决策机构", "advisory": "咨询机构", "executive": "执行机构"}


@dataclass(frozen=True)
class _Spec:
    label: str
    kind: Kind
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()


#: (rule, parameter) → how a person edits it; bounds are what the draft may set (the catalogue's
#: own limits, tightened to what makes sense for an alliance)
SPECS: dict[tuple[str, str], _Spec] = {
    ("members.min_count", "min_count"): _Spec("成员单位数量下限", "integer", "家", 1, 500),
    ("members.composition", "industry_kinds"): _Spec(
        "产业一方的单位类别", "choices", choices=tuple(KIND_NAMES.items())
    ),
    ("members.composition", "academic_kinds"): _Spec(
        "学研一方的单位类别", "choices", choices=tuple(KIND_NAMES.items())
    ),
    ("members.mostly_local", "more_than_share"): _Spec(
        "本辖区成员占比须超过", "percent", "%", 1, 99
    ),
    ("members.chain_coverage", "positions"): _Spec(
        "须涵盖的产业链环节", "choices", choices=tuple(POSITION_NAMES.items())
    ),
    ("platforms.min_provincial", "min_provincial"): _Spec(
        "研发平台数量下限", "integer", "个", 1, 100
    ),
    ("platforms.min_provincial", "levels"): _Spec(
        "计入的平台级别", "choices", choices=tuple(LEVEL_NAMES.items())
    ),
    ("agreement.content", "clauses"): _Spec(
        "协议须包含的条款", "choices", choices=tuple(CLAUSE_NAMES.items())
    ),
    ("agreement.ip_benefit", "clauses"): _Spec(
        "协议须包含的条款", "choices", choices=tuple(CLAUSE_NAMES.items())
    ),
    ("agreement.open", "clauses"): _Spec(
        "协议须包含的条款", "choices", choices=tuple(CLAUSE_NAMES.items())
    ),
    ("agreement.term", "min_years"): _Spec("协议期限下限", "number", "年", 0.5, 30),
    ("agreement.term", "max_years"): _Spec("协议期限上限", "number", "年", 0.5, 30),
    ("governance.bodies", "bodies"): _Spec(
        "须设立的机构", "choices", choices=tuple(BODY_NAMES.items())
    ),
    ("governance.bodies", "liability_party"): _Spec("须明确对外承担责任的主体", "boolean"),
    ("governance.fulltime_staff", "office_required"): _Spec("须设联盟工作办公室", "boolean"),
    ("governance.fulltime_staff", "fulltime_required"): _Spec("须配备专职人员", "boolean"),
}

#: parameters of a rule the profile does not apply yet, when the draft switches it on
DEFAULTS: dict[str, dict[str, Any]] = {
    "members.min_count": {"min_count": 10},
    "members.composition": {
        "industry_kinds": ["enterprise"],
        "academic_kinds": ["university", "research_institute"],
    },
    "members.mostly_local": {"more_than_share": 0.5},
    "members.chain_coverage": {"positions": ["upstream", "midstream", "downstream"]},
    "platforms.min_provincial": {"min_provincial": 3, "levels": ["provincial", "national"]},
    "agreement.content": {"clauses": ["has_innovation_goals", "has_task_division"]},
    "agreement.ip_benefit": {"clauses": ["has_ip_and_benefit_rules"]},
    "agreement.term": {"min_years": 3, "max_years": 5},
    "agreement.open": {"clauses": ["has_join_exit_rules", "has_dissemination_duty"]},
    "governance.bodies": {
        "bodies": ["decision", "advisory", "executive"],
        "liability_party": False,
    },
    "governance.fulltime_staff": {"office_required": True, "fulltime_required": False},
}

#: rules that need more of the profile than a rule table (materials, calls, validity): a draft
#: may keep, re-weigh or drop them, not switch them on (the administrator adds the data first)
NEEDS_DATA = frozenset(
    {"materials.complete", "call.within_window", "call.focus_area", "policy.in_force"}
)


class OverrideError(ValueError):
    """A draft value the profile cannot take; ``key`` names the parameter (``rule.param``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Parameter:
    """One editable parameter of a profile (``name`` is ``severity`` for the rule's weight)."""

    rule: str
    name: str
    label: str
    kind: Kind
    #: the value in the profile in force (None: the profile does not apply the rule)
    current: Any
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    citation: Citation | None = None
    #: whether the profile applies the rule
    applied: bool = True

    @property
    def key(self) -> str:
        return f"{self.rule}.{self.name}"

    @property
    def rule_title(self) -> str:
        return RULE_TITLES[self.rule]

    def bounds_text(self) -> str:
        """The allowed range as people read it."""
        if self.kind == "severity":
            return "、".join(label for _, label in self.choices)
        if self.kind == "boolean":
            return "是、否"
        if self.kind == "choices":
            return "从 " + "、".join(label for _, label in self.choices) + " 中至少选一项"
        low, high = _number(self.minimum), _number(self.maximum)
        what = "整数" if self.kind == "integer" else "数"
        unit = f" {self.unit}" if self.unit else ""
        return f"{low}–{high}{unit}之间的{what}"

    def display(self, value: Any) -> str:
        """A value as people read it (a share as a percentage, choices by name)."""
        if value is None:
            return "—"
        if self.kind in ("severity", "choices"):
            names = dict(self.choices)
            items = value if isinstance(value, list | tuple) else [value]
            return "、".join(str(names.get(v, v)) for v in items)
        if self.kind == "boolean":
            return "是" if value else "否"
        if self.kind == "percent":
            return f"{_number(value * 100)} %"
        return f"{_number(value)} {self.unit}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rule": self.rule,
            "rule_title": self.rule_title,
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "current": self.current,
            "unit": self.unit,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "choices": [{"value": v, "label": label} for v, label in self.choices],
            "citation": (
                {"seed": self.citation.seed, "article": self.citation.article}
                if self.citation
                else None
            ),
            "applied": self.applied,
            "allowed": self.bounds_text(),
        }


def _number(value: Any) -> str:
    """A number for people, without a trailing ``.0``."""
    if value is None:
        return ""
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    number = round(number, 6)
    if number == int(number):
        return str(int(number))
    return f"{number:g}"


def _severity_parameter(profile: Profile, rule_id: str) -> Parameter:
    applied = profile.applied_rules.get(rule_id)
    choices = SEVERITIES if applied or rule_id not in NEEDS_DATA else SEVERITIES[:1]
    return Parameter(
        rule=rule_id,
        name="severity",
        label="适用与严重程度",
        kind="severity",
        current=applied.severity if applied else OFF,
        choices=choices,
        citation=applied.citation if applied else None,
        applied=applied is not None,
    )


def parameters(profile: Profile) -> list[Parameter]:
    """Every editable parameter of ``profile``, in the catalogue's order: each rule's severity,
    then its parameters (current values from the profile; defaults shown for a rule it does not
    apply are not "current": ``current`` is None there)."""
    found: list[Parameter] = []
    for rule_id in RULE_IDS:
        applied = profile.applied_rules.get(rule_id)
        if applied is None and rule_id in NEEDS_DATA:
            continue  # cannot be switched on by a draft: no data in the profile for it
        found.append(_severity_parameter(profile, rule_id))
        for name in PARAMS[rule_id].model_fields:
            spec = SPECS[(rule_id, name)]
            found.append(
                Parameter(
                    rule=rule_id,
                    name=name,
                    label=spec.label,
                    kind=spec.kind,
                    current=getattr(applied.params, name) if applied else None,
                    unit=spec.unit,
                    minimum=spec.minimum,
                    maximum=spec.maximum,
                    choices=spec.choices,
                    citation=applied.param_citations.get(name) if applied else None,
                    applied=applied is not None,
                )
            )
    return found


def parameter(profile: Profile, key: str) -> Parameter | None:
    return next((p for p in parameters(profile) if p.key == key), None)


# -- overrides ------------------------------------------------------------------------------------


def _refuse(param: Parameter, got: Any) -> OverrideError:
    shown = json.dumps(got, ensure_ascii=False) if not isinstance(got, str) else got
    if param.kind == "percent" and isinstance(got, int | float) and not isinstance(got, bool):
        shown = f"{_number(got * 100)} %"
    return OverrideError(
        param.key,
        f"“{param.rule_title}”的{param.label}（{param.key}）应为 {param.bounds_text()}，"
        f"收到 {shown}",
    )


def _coerce(param: Parameter, value: Any) -> Any:  # noqa: C901 — one branch per kind
    """The value in the profile's units, or OverrideError naming the parameter and the range."""
    if param.kind == "severity":
        if value not in dict(param.choices):
            raise _refuse(param, value)
        return value
    if param.kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(param, value)
        return value
    if param.kind == "choices":
        allowed = dict(param.choices)
        if (
            not isinstance(value, list)
            or not value
            or any(not isinstance(v, str) or v not in allowed for v in value)
        ):
            raise _refuse(param, value)
        return [v for v in allowed if v in value]  # in the catalogue's order, each once
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(param, value)
    if not math.isfinite(value):
        raise _refuse(param, value)
    low, high = param.minimum, param.maximum
    if param.kind == "percent":
        # in the profile's units (a fraction); the bounds are percentages
        low, high = (low or 0) / 100, (high or 100) / 100
    if param.kind == "integer" and (isinstance(value, float) and value != int(value)):
        raise _refuse(param, value)
    if (low is not None and value < low - 1e-12) or (high is not None and value > high + 1e-12):
        raise _refuse(param, value)
    if param.kind == "integer":
        return int(value)
    return float(value)


def normalise_overrides(profile: Profile, overrides: Any) -> dict[str, dict[str, Any]]:
    """``overrides`` checked against the profile's parameters, in the profile's units; values
    equal to the current ones are dropped (a draft stores only what differs). Raises
    :class:`OverrideError` for an unknown rule or parameter, or a value out of bounds."""
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise OverrideError("", "草案的参数应为以规则编号为键的对象")
    by_key = {p.key: p for p in parameters(profile)}
    clean: dict[str, dict[str, Any]] = {}
    for rule_id, values in overrides.items():
        if rule_id not in RULE_IDS:
            raise OverrideError(str(rule_id), f"未知规则 {rule_id}（规则目录见 docs/rules.md）")
        if f"{rule_id}.severity" not in by_key:
            raise OverrideError(
                f"{rule_id}.severity",
                f"“{RULE_TITLES[rule_id]}”（{rule_id}）需要政策配置中的材料、申报通知或有效期"
                "数据，草案不能增设，请联系系统管理员",
            )
        if not isinstance(values, Mapping):
            raise OverrideError(str(rule_id), f"{rule_id} 的取值应为对象")
        for name, value in values.items():
            param = by_key.get(f"{rule_id}.{name}")
            if param is None:
                raise OverrideError(f"{rule_id}.{name}", f"规则 {rule_id} 没有可调参数 {name}")
            value = _coerce(param, value)
            if value != param.current:
                clean.setdefault(rule_id, {})[name] = value
    for rule_id in list(clean):
        # a rule the draft does not apply has no parameters worth keeping
        severity = clean[rule_id].get("severity", by_key[f"{rule_id}.severity"].current)
        if severity == OFF:
            kept = {k: v for k, v in clean[rule_id].items() if k == "severity"}
            if kept:
                clean[rule_id] = kept
            else:
                del clean[rule_id]
    _check_term(profile, clean)
    return clean


def overrides_from_form(
    profile: Profile,
    values: Callable[[str], list[str]],
    base: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The overrides a parameter form sends: ``values(key)`` gives the texts posted under a
    parameter's key (``members.min_count.min_count``); a share is typed in percent. A field
    left out (or left empty) keeps its value in ``base`` (the draft's overrides so far), else
    the profile's. OverrideError names a value that is not a number or out of range."""
    found: dict[str, dict[str, Any]] = {rule: dict(v) for rule, v in (base or {}).items()}
    for param in parameters(profile):
        texts = [t.strip() for t in values(param.key)]
        if param.kind == "choices":
            if not any(texts) and not values(f"{param.key}.__sent"):
                continue
            found.setdefault(param.rule, {})[param.name] = [t for t in texts if t]
            continue
        text = texts[-1] if texts else ""
        if not text:
            continue  # an emptied field keeps the profile's value
        if param.kind == "severity":
            value: Any = text
        elif param.kind == "boolean":
            if text not in ("yes", "no"):
                raise _refuse(param, text)
            value = text == "yes"
        else:
            try:
                number = float(text.replace("，", "").replace(",", "").replace("%", ""))
            except ValueError:
                raise _refuse(param, text) from None
            if param.kind == "percent":
                number = number / 100
            value = int(number) if param.kind == "integer" and number == int(number) else number
        found.setdefault(param.rule, {})[param.name] = value
    return normalise_overrides(profile, found)


def _check_term(profile: Profile, clean: Mapping[str, Mapping[str, Any]]) -> None:
    """The agreement term's lower bound may not exceed its upper bound."""
    changes = clean.get("agreement.term")
    if not changes:
        return
    applied = profile.applied_rules.get("agreement.term")
    merged = dict(applied.params.model_dump() if applied else DEFAULTS["agreement.term"])
    merged.update(changes)
    if merged["min_years"] > merged["max_years"]:
        name = "min_years" if "min_years" in changes else "max_years"
        raise OverrideError(
            f"agreement.term.{name}",
            f"协议期限下限（{_number(merged['min_years'])} 年）不能大于上限"
            f"（{_number(merged['max_years'])} 年）",
        )


def _draft_citation(profile: Profile) -> Citation:
    return Citation(seed=DRAFT_SEED, article=DRAFT_ARTICLE)


def _rule_config(profile: Profile, rule_id: str, changes: Mapping[str, Any]) -> RuleConfig | None:
    """The rule's table under the draft, or None when the draft switches it off."""
    applied = profile.applied_rules.get(rule_id)
    severity = changes.get("severity", applied.severity if applied else OFF)
    if severity == OFF:
        return None
    citation = applied.citation if applied else _draft_citation(profile)
    params: dict[str, Cited[Any]] = {}
    for name in PARAMS[rule_id].model_fields:
        if name in changes:
            value = changes[name]
        elif applied is not None:
            value = getattr(applied.params, name)
        else:
            value = DEFAULTS[rule_id][name]
        cited = (applied.param_citations.get(name) if applied else None) or citation
        if isinstance(value, tuple):
            value = list(value)
        params[name] = Cited[Any](value=value, citation=cited)
    return RuleConfig(severity=severity, citation=citation, params=params)


def apply_overrides(profile: Profile, overrides: Any) -> Profile:
    """A new, validated profile: ``profile`` with the draft's overrides. The profile given is
    not touched (profiles are frozen); no override gives an equal profile."""
    from lianmeng.policy.loader import ProfileError, _apply_rules, _check_needs

    clean = normalise_overrides(profile, overrides)
    if not clean:
        return profile
    rules: dict[str, dict[str, RuleConfig]] = {}
    for rule_id in RULE_IDS:
        if rule_id not in profile.applied_rules and rule_id not in clean:
            continue
        config = _rule_config(profile, rule_id, clean.get(rule_id, {}))
        if config is None:
            continue
        group, name = rule_id.split(".", 1)
        rules.setdefault(group, {})[name] = config
    if not rules:
        raise OverrideError("", "草案不能取消全部规则：至少保留一条适用的规则")
    draft = profile.model_copy(update={"rules": rules})
    file = f"{profile.id}.toml"
    try:
        draft._applied = _apply_rules(draft, file)
        _check_needs(draft, file)
    except ProfileError as exc:
        raise OverrideError("", str(exc).removeprefix(f"{file}: ")) from None
    except ValidationError as exc:  # pragma: no cover — the loader names the key itself
        raise OverrideError("", str(exc)) from None
    return draft


def changed_parameters(profile: Profile, overrides: Any) -> list[tuple[Parameter, Any]]:
    """The parameters the draft changes, each with its draft value (catalogue order)."""
    clean = normalise_overrides(profile, overrides)
    return [
        (p, clean[p.rule][p.name]) for p in parameters(profile) if p.name in clean.get(p.rule, {})
    ]


def profile_version(profile: Profile) -> str:
    """Which version of the profile a draft copies: the first day of its validity and a short
    digest of its rule tables (a new dated profile, or edited rules, give another version)."""
    payload = json.dumps(
        {
            rule: [
                applied.severity,
                applied.citation.model_dump(),
                applied.params.model_dump(mode="json"),
            ]
            for rule, applied in profile.applied_rules.items()
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()[:10]
    since = profile.validity.valid_from.value.isoformat() if profile.validity.valid_from else "—"
    return f"{since}#{digest}"


# -- the TOML snippet for the administrator ------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _toml_citation(citation: Citation) -> str:
    return (
        "{ seed = "
        + _toml_value(citation.seed)
        + ", article = "
        + _toml_value(citation.article)
        + " }"
    )


def toml_snippet(profile: Profile, overrides: Any, *, title: str = "") -> str:
    """The rule tables the draft changes, as they would read in ``profiles/<id>.toml``: whole
    tables (severity, citation, every parameter) so the administrator can paste them over the
    old ones; a rule switched off is named in a comment. Citations of new values read
    :data:`DRAFT_ARTICLE` until the administrator cites the new document."""
    clean = normalise_overrides(profile, overrides)
    lines = [
        f"# 政策推演草案{('：' + title) if title else ''}（政策配置 {profile.id}，"
        f"复制自版本 {profile_version(profile)}）",
        "# 仅供系统管理员参考：安装新的带日期的政策配置由系统管理员负责，",
        "# 须引用新发布文件的条款并设置有效期（validity），本片段不会自动生效。",
        "",
    ]
    for rule_id in RULE_IDS:
        if rule_id not in clean:
            continue
        config = _rule_config(profile, rule_id, clean[rule_id])
        if config is None:
            lines += [f"# 删除 [rules.{rule_id}]（草案不再适用“{RULE_TITLES[rule_id]}”）", ""]
            continue
        lines.append(f"# {RULE_TITLES[rule_id]}")
        lines.append(f"[rules.{rule_id}]")
        lines.append(f"severity = {_toml_value(config.severity)}")
        lines.append(f"citation = {_toml_citation(config.citation)}")
        changed = clean[rule_id]
        for name, cited in config.params.items():
            citation = cited.citation
            if name in changed:
                citation = _draft_citation(profile)
            lines.append(
                f"params.{name} = {{ value = {_toml_value(cited.value)}, "
                f"citation = {_toml_citation(citation)} }}"
            )
        lines.append("")
    return "\n".join(lines)


# -- comparing findings -----------------------------------------------------------------------------

Change = Literal["newly_failing", "newly_passing", "changed"]
Verdict = Literal["pass_to_fail", "fail_to_pass", "unchanged"]


@dataclass(frozen=True)
class RuleChange:
    """One rule whose finding differs between today and the draft (None: not applied there)."""

    rule: str
    change: Change
    today: Finding | None
    draft: Finding | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": RULE_TITLES.get(self.rule, self.rule),
            "change": self.change,
            "today": self.today.to_dict() if self.today else None,
            "draft": self.draft.to_dict() if self.draft else None,
        }


@dataclass(frozen=True)
class Comparison:
    """One subject judged today and under the draft."""

    eligible_today: bool
    eligible_draft: bool
    changes: tuple[RuleChange, ...] = ()

    @property
    def verdict(self) -> Verdict:
        if self.eligible_today and not self.eligible_draft:
            return "pass_to_fail"
        if self.eligible_draft and not self.eligible_today:
            return "fail_to_pass"
        return "unchanged"

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.verdict != "unchanged"

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible_today": self.eligible_today,
            "eligible_draft": self.eligible_draft,
            "verdict": self.verdict,
            "changes": [c.to_dict() for c in self.changes],
        }


def _eligible(findings: Iterable[Finding]) -> bool:
    return not any(f.blocks for f in findings)


def _fails(finding: Finding | None) -> bool:
    return finding is not None and finding.status == "fail"


def compare(today: Sequence[Finding], draft: Sequence[Finding]) -> Comparison:
    """Rule by rule: a rule that did not fail today and fails under the draft is newly failing,
    the reverse newly passing; a failing rule re-weighed, or pass ↔ manual, is ``changed``;
    the rest is left out (a rule added or dropped that passes changes nothing). Swapping the
    arguments swaps failing and passing."""
    before = {f.rule: f for f in today}
    after = {f.rule: f for f in draft}
    changes = []
    for rule_id in RULE_IDS:
        old, new = before.get(rule_id), after.get(rule_id)
        if old is None and new is None:
            continue
        if _fails(new) and not _fails(old):
            kind: Change = "newly_failing"
        elif _fails(old) and not _fails(new):
            kind = "newly_passing"
        elif _matters(old, new):
            kind = "changed"
        else:
            continue
        changes.append(RuleChange(rule=rule_id, change=kind, today=old, draft=new))
    return Comparison(
        eligible_today=_eligible(today),
        eligible_draft=_eligible(draft),
        changes=tuple(changes),
    )


def _matters(old: Finding | None, new: Finding | None) -> bool:
    """Neither fails: a difference worth showing is a status that changes between two applied
    rules (pass ↔ manual). Both fail: a change of severity (it may change eligibility). A rule
    added or dropped that passes, or a re-weighed rule that passes, changes nothing."""
    if old is None or new is None:
        return False
    if old.status != new.status:
        return True
    return old.status == "fail" and old.severity != new.severity


@dataclass(frozen=True)
class Summary:
    """Counts over subjects: eligible today and not under the draft, the reverse, the rest."""

    total: int = 0
    pass_to_fail: int = 0
    fail_to_pass: int = 0
    unchanged: int = 0
    #: subjects whose verdict stays but some rule's finding changes
    rules_changed: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "pass_to_fail": self.pass_to_fail,
            "fail_to_pass": self.fail_to_pass,
            "unchanged": self.unchanged,
            "rules_changed": self.rules_changed,
            "by_rule": self.by_rule,
        }


def summarise(comparisons: Iterable[Comparison]) -> Summary:
    total = pass_to_fail = fail_to_pass = unchanged = rules_changed = 0
    by_rule: dict[str, dict[str, int]] = {}
    for item in comparisons:
        total += 1
        verdict = item.verdict
        if verdict == "pass_to_fail":
            pass_to_fail += 1
        elif verdict == "fail_to_pass":
            fail_to_pass += 1
        else:
            unchanged += 1
            if item.changes:
                rules_changed += 1
        for change in item.changes:
            counts = by_rule.setdefault(
                change.rule, {"newly_failing": 0, "newly_passing": 0, "changed": 0}
            )
            counts[change.change] += 1
    return Summary(
        total=total,
        pass_to_fail=pass_to_fail,
        fail_to_pass=fail_to_pass,
        unchanged=unchanged,
        rules_changed=rules_changed,
        by_rule={rule: by_rule[rule] for rule in RULE_IDS if rule in by_rule},
    )

"""建议书表单的字段：每个字段对应交换格式中的一个 JSON 路径，类型与限制取自同一份模式。

A field of the online 建议书 is declared by its JSON path below the document root and its
Chinese label; what it accepts (integer, number ≥ 0, date, 6-digit postcode, one of an
enumeration, at most 200 characters …) is read from the JSON Schema that
``lianmeng.policy.interchange`` generates from its Pydantic models, so the form and the
interchange format cannot disagree. Converting a typed text either gives the JSON value or
raises :class:`FieldInvalid` with a Chinese message that says what to type instead.

Pure Python (no Django models): the service stores the results, the views render them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from typing import Any

from django.utils.translation import gettext, gettext_lazy, pgettext

from lianmeng.policy.interchange import proposal_json_schema

from .phones import PhoneInvalid, normalise_fax, normalise_mobile, normalise_phone

__all__ = [
    "UNBOUNDED_TEXT_LIMIT",
    "FieldInvalid",
    "FieldRule",
    "FieldSpec",
    "display_value",
    "get_path",
    "remove_path",
    "schema_node",
    "set_path",
]

#: texts the schema leaves unbounded (计划和目标, 单位意见 …) still get a ceiling, so that a
#: pasted book does not end up in the database; far above what the printed form can hold
UNBOUNDED_TEXT_LIMIT = 10_000
#: the same for one-line fields (产业、产品、地址 …)
LINE_TEXT_LIMIT = 200
#: the largest figure a numeric field takes (万元 figures of the biggest groups stay far below)
MAX_MAGNITUDE = Decimal("1e15")

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_SIX_DIGITS = "^[0-9]{6}$"
#: text fields checked further by the form only (the interchange format takes any string):
#: the widget names the check
_TEXT_KINDS = frozenset({"email", "phone", "mobile", "fax"})
_TRUE = frozenset({"true", "1", "yes", "on", "有", "是"})
_FALSE = frozenset({"false", "0", "no", "off", "无", "否"})


class FieldInvalid(ValueError):
    """The typed text cannot be stored as this field's value; ``message`` says what to type
    instead, in the language active when it was raised."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- the schema ---------------------------------------------------------------------------


@cache
def _schema() -> dict[str, Any]:
    return proposal_json_schema()


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = _schema()["$defs"][name]
    return node


def schema_node(path: Sequence[str]) -> dict[str, Any]:
    """The JSON Schema of the value at ``path`` (``("lead_unit", "employees")``).

    Keys of free-form objects (``governance.meetings.council``) take the schema of their
    ``additionalProperties``. An unknown path raises ``KeyError``: a field declared for a
    path the interchange format does not have is a programming error.
    """
    node = _schema()
    for key in path:
        node = _deref(node)
        properties = node.get("properties") or {}
        if key in properties:
            node = properties[key]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            raise KeyError(".".join(path))
    return _deref(node)


@dataclass(frozen=True)
class FieldRule:
    """What the schema says a value must be."""

    kind: str  # text, integer, number, boolean, date, postcode, choice, multi
    max_length: int | None = None
    min_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[Any, ...] = ()

    @classmethod
    def from_schema(cls, node: dict[str, Any]) -> FieldRule:
        kind = node.get("type")
        if kind == "array":
            items = _deref(node.get("items") or {})
            return cls("multi", enum=tuple(items.get("enum") or ()))
        if "enum" in node:
            return cls("choice", enum=tuple(node["enum"]))
        if kind in ("integer", "number", "boolean"):
            return cls(kind, minimum=node.get("minimum"), maximum=node.get("maximum"))
        if node.get("format") == "date":
            return cls("date")
        if node.get("pattern") == _SIX_DIGITS:
            return cls("postcode")
        if kind != "string":
            raise TypeError(f"no form field for schema {node!r}")
        return cls("text", max_length=node.get("maxLength"), min_length=node.get("minLength"))


# -- fields -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of a section: its JSON path (dotted) and how it reads on the page.

    ``widget`` is chosen from the schema unless given: ``textarea``, ``radio`` (an
    enumeration shown as buttons), ``yesno`` (有/无), ``checks`` (several of an
    enumeration), ``select``, ``datalist`` (a list to choose from or free text), ``email``.
    ``choices`` pairs each stored value with its label, in the seed's order.
    """

    name: str
    label: Any
    unit: Any = ""
    help: Any = ""
    widget: str = ""
    choices: tuple[tuple[Any, Any], ...] = ()
    #: choices that depend on the proposal: "focus_areas" (the call's) or "categories"
    dynamic: str = ""
    #: shown only for proposals under these policy profiles
    profiles: frozenset[str] = frozenset()
    placeholder: Any = ""
    #: the label the seed prints on a yes/no pair, e.g. ("有", "无") or ("是", "否")
    yes_no: tuple[Any, Any] = (gettext_lazy("有"), gettext_lazy("无"))
    #: takes the whole width of the form (long names, addresses)
    full: bool = False
    #: height of a text area, when not the one its limit gives
    rows: int = 0

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))

    @cached_property
    def rule(self) -> FieldRule:
        return FieldRule.from_schema(schema_node(self.path))

    @property
    def kind(self) -> str:
        return self.widget if self.widget in _TEXT_KINDS else self.rule.kind

    @property
    def max_length(self) -> int | None:
        """The seed's limit where the schema has one (200/100/300/500), else the ceiling."""
        if self.rule.kind != "text":
            return None
        return self.rule.max_length

    @property
    def limit(self) -> int:
        if self.max_length:
            return self.max_length
        return UNBOUNDED_TEXT_LIMIT if self.widget == "textarea" else LINE_TEXT_LIMIT

    def applies_to(self, profile_id: str) -> bool:
        return not self.profiles or profile_id in self.profiles

    @property
    def resolved_widget(self) -> str:
        if self.widget:
            return self.widget
        return {
            "integer": "number",
            "number": "number",
            "boolean": "yesno",
            "date": "date",
            "postcode": "postcode",
            "choice": "radio",
            "multi": "checks",
        }.get(self.rule.kind, "text")

    def convert(self, raw: str) -> Any:
        """The JSON value for ``raw``; ``None`` for an empty input (the key is removed)."""
        text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            return None
        return _CONVERTERS[self.kind](self, text)


def _digits(text: str) -> str:
    """Full-width digits and signs to ASCII, thousands separators and spaces dropped."""
    return re.sub(r"[,\s]", "", unicodedata.normalize("NFKC", text))


#: what to type instead, by (integer?, lower bound?, upper bound?): whole sentences, so that
#: each translates as one
_BOUNDS_MESSAGES = {
    (True, True, True): gettext_lazy("请输入 %(low)s 到 %(high)s 之间的整数"),
    (True, True, False): gettext_lazy("请输入不小于 %(low)s 的整数"),
    (True, False, True): gettext_lazy("请输入不大于 %(high)s 的整数"),
    (True, False, False): gettext_lazy("请输入整数"),
    (False, True, True): gettext_lazy("请输入 %(low)s 到 %(high)s 之间的数字"),
    (False, True, False): gettext_lazy("请输入不小于 %(low)s 的数字"),
    (False, False, True): gettext_lazy("请输入不大于 %(high)s 的数字"),
    (False, False, False): gettext_lazy("请输入数字（亏损、减少等请填负数，如 -120.5）"),
}


def _bounds_message(spec: FieldSpec, integer: bool) -> str:
    """What to type instead, in the active language (an integer or any number)."""
    low, high = spec.rule.minimum, spec.rule.maximum
    message = _BOUNDS_MESSAGES[(integer, low is not None, high is not None)]
    return str(message) % {
        "low": _plain(low) if low is not None else "",
        "high": _plain(high) if high is not None else "",
    }


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_bounds(spec: FieldSpec, value: Decimal, integer: bool) -> None:
    low, high = spec.rule.minimum, spec.rule.maximum
    if (low is not None and value < Decimal(str(low))) or (
        high is not None and value > Decimal(str(high))
    ):
        raise FieldInvalid(_bounds_message(spec, integer))
    if abs(value) >= MAX_MAGNITUDE:
        raise FieldInvalid(gettext("数值过大，请核对单位（金额以万元计）"))


def _to_integer(spec: FieldSpec, text: str) -> int:
    cleaned = _digits(text)
    if not _INTEGER.fullmatch(cleaned):
        raise FieldInvalid(_bounds_message(spec, integer=True))
    value = Decimal(cleaned)
    _check_bounds(spec, value, integer=True)
    return int(value)


def _to_number(spec: FieldSpec, text: str) -> int | float:
    cleaned = _digits(text)
    if not _NUMBER.fullmatch(cleaned):
        raise FieldInvalid(_bounds_message(spec, integer=False))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise FieldInvalid(_bounds_message(spec, integer=False)) from None
    _check_bounds(spec, value, integer=False)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _to_boolean(spec: FieldSpec, text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    yes, no = spec.yes_no
    raise FieldInvalid(gettext("请选择“%(yes)s”或“%(no)s”") % {"yes": yes, "no": no})


def _to_date(spec: FieldSpec, text: str) -> str:
    match = _DATE.fullmatch(unicodedata.normalize("NFKC", text))
    try:
        if not match:
            raise ValueError(text)
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day).isoformat()
    except ValueError:
        raise FieldInvalid(gettext("请输入有效日期，如 2019-05-20")) from None


def _to_postcode(spec: FieldSpec, text: str) -> str:
    cleaned = _digits(text)
    if not re.fullmatch(r"\d{6}", cleaned):
        raise FieldInvalid(gettext("邮政编码应为 6 位数字，如 450001"))
    return cleaned


def _choice_value(spec: FieldSpec, text: str) -> Any:
    for value in spec.rule.enum:
        if text == str(value):
            return value
    for value, label in spec.choices:
        if text == str(label) and value in spec.rule.enum:
            return value
    return None


def _to_choice(spec: FieldSpec, text: str) -> Any:
    value = _choice_value(spec, text)
    if value is None:
        raise FieldInvalid(gettext("请从给出的选项中选择"))
    return value


def _to_multi(spec: FieldSpec, text: str) -> list[Any]:
    chosen, unknown = set(), []
    for part in re.split(r"[,，、;\n]+", text):
        part = part.strip()
        if not part:
            continue
        value = _choice_value(spec, part)
        if value is None:
            unknown.append(part)
        else:
            chosen.add(value)
    if unknown:
        raise FieldInvalid(
            gettext("“%(values)s”不是可选项，请从给出的选项中勾选")
            % {"values": pgettext("list separator", "、").join(unknown)}
        )
    return [value for value in spec.rule.enum if value in chosen]


def _to_text(spec: FieldSpec, text: str) -> str:
    length = len(text)
    if spec.rule.min_length is not None and length < spec.rule.min_length:
        raise FieldInvalid(gettext("至少填写 %(count)s 个字") % {"count": spec.rule.min_length})
    if length > spec.limit:
        raise FieldInvalid(
            gettext("不能超过 %(limit)s 字（当前 %(length)s 字），请精简后再保存")
            % {"limit": spec.limit, "length": length}
        )
    return text


def _to_email(spec: FieldSpec, text: str) -> str:
    text = _to_text(spec, text)
    if not _EMAIL.fullmatch(text):
        raise FieldInvalid(gettext("请输入有效的电子邮箱，如 lianmeng@example.cn"))
    return text


def _to_number_text(normalise: Any) -> Any:
    """A telephone field (phones.py): the length limit, then the number tidied or refused."""

    def convert(spec: FieldSpec, text: str) -> str:
        try:
            return normalise(_to_text(spec, text))
        except PhoneInvalid as exc:
            raise FieldInvalid(exc.message) from None

    return convert


_CONVERTERS = {
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
    "postcode": _to_postcode,
    "choice": _to_choice,
    "multi": _to_multi,
    "text": _to_text,
    "email": _to_email,
    "phone": _to_number_text(normalise_phone),
    "mobile": _to_number_text(normalise_mobile),
    "fax": _to_number_text(normalise_fax),
}


# -- values in documents ------------------------------------------------------------------


_MISSING = object()


def get_path(document: dict[str, Any], path: Sequence[str], default: Any = None) -> Any:
    node: Any = document
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def set_path(document: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def remove_path(document: dict[str, Any], path: Sequence[str]) -> None:
    """Remove the key, then the objects it leaves empty (``contact: {}`` is dropped)."""
    trail: list[tuple[dict[str, Any], str]] = []
    node: Any = document
    for key in path[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            return
        trail.append((node, key))
        node = node[key]
    if isinstance(node, dict):
        node.pop(path[-1], None)
    for parent, key in reversed(trail):
        if parent[key]:
            break
        del parent[key]


def display_value(spec: FieldSpec, value: Any) -> str:
    """A stored value as the text a form field shows (the inverse of ``convert``)."""
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, float):
        return _plain(value) if value.is_integer() else repr(value)
    return str(value)

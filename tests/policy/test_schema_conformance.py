"""两份 JSON Schema（固定的交换格式与本项目生成的）与 parse_proposal 对同一输入结论一致."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lianmeng.policy.interchange import InterchangeError, parse_proposal, proposal_json_schema

from .helpers import EXAMPLES, SHARED_SCHEMA, example, manifest

if not SHARED_SCHEMA.is_file():
    pytest.skip(
        "shared/ is absent: conformance with the fixed interchange schema can only be checked beside it",
        allow_module_level=True,
    )

SHARED = Draft202012Validator(
    json.loads(SHARED_SCHEMA.read_text(encoding="utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)
OWN = Draft202012Validator(
    proposal_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)
PROPOSAL_FILES = sorted({row["file"] for row in manifest()} - {"malformed.json"})
VALID_FILES = sorted({row["file"] for row in manifest() if row["exit"] != 2})
FREE_MAPS = {"meetings", "staff_sources", "budget_sources", "rules"}
REQUIRED = {
    (): ["format_version", "profile", "name", "domain", "lead_unit", "members"],
    ("lead_unit",): ["name"],
    ("members", "*"): ["name", "kind"],
    ("members", "*", "platforms", "*"): ["name", "level"],
    ("materials", "*"): ["kind"],
}


def verdicts(data: Any) -> tuple[bool, bool, bool]:
    try:
        parse_proposal(data)
        parsed = True
    except InterchangeError:
        parsed = False
    return SHARED.is_valid(data), OWN.is_valid(data), parsed


def test_both_schemas_are_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SHARED.schema)
    Draft202012Validator.check_schema(OWN.schema)


@pytest.mark.parametrize("name", PROPOSAL_FILES)
def test_examples_agree(name: str) -> None:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    shared, own, parsed = verdicts(data)
    assert shared == own == parsed
    assert parsed == (name in VALID_FILES)


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _pattern(path: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("*" if isinstance(p, int) else p for p in path)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


WRONG = {str: 12345, int: "12", float: "1.5", bool: "true", dict: ["x"], list: {"x": 1}}


def _wrong_value(value: Any) -> Any:
    return WRONG[type(value)]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    data = example(draw(st.sampled_from(VALID_FILES)))
    kind = draw(st.sampled_from(["drop_required", "unknown_key", "wrong_type"]))
    nodes = list(_nodes(data))
    if kind == "drop_required":
        targets = [
            (p, k)
            for p, node in nodes
            if isinstance(node, dict)
            for k in REQUIRED.get(_pattern(p), [])
        ]
        path, key = draw(st.sampled_from(targets))
        del _get(data, path)[key]
    elif kind == "unknown_key":
        objects = [
            p for p, node in nodes if isinstance(node, dict) and not (p and p[-1] in FREE_MAPS)
        ]
        path = draw(st.sampled_from(objects))
        _get(data, path)[draw(st.sampled_from(["extra", "备注", "uscc_2", "Name"]))] = "x"
    else:
        leaves = [p for p, _ in nodes if p]
        path = draw(st.sampled_from(leaves))
        parent = _get(data, path[:-1])
        parent[path[-1]] = _wrong_value(parent[path[-1]])
    return kind, data


@settings(max_examples=300, deadline=None)
@given(mutations())
def test_mutations_are_refused_by_all_three(mutation: tuple[str, dict[str, Any]]) -> None:
    kind, data = mutation
    assert verdicts(copy.deepcopy(data)) == (False, False, False), kind


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("recommender", "region_code"), "410100\n"),
        (("submitted_at",), "2020-09-01"),
        (("submitted_at",), "2020-09-01T10:00:00"),
    ],
)
def test_where_parse_is_stricter_than_python_jsonschema(path: tuple[str, ...], value: str) -> None:
    """Known, deliberate differences; both follow the JSON Schema specification.

    ``pattern`` is an ECMA-262 regex, whose ``$`` does not match before a final newline
    (Python's ``re``, used by jsonschema, does). ``format: date-time`` is only asserted by
    jsonschema when ``rfc3339-validator`` is installed; ``parse_proposal`` always asserts it.
    """
    data = example("henan-valid.json")
    _get(data, path[:-1])[path[-1]] = value
    assert verdicts(data)[2] is False

"""交换格式第 1 版：严格读取、错误路径与中文提示、导入导出往返一致."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lianmeng.policy.interchange import (
    SCHEMA_PATH,
    InterchangeError,
    dump_proposal,
    load_proposal_file,
    parse_proposal,
    proposal_json_schema,
)

from .helpers import EXAMPLES, example, manifest

VALID = [row["file"] for row in manifest() if row["exit"] != 2]


@pytest.mark.parametrize("name", sorted(set(VALID)))
def test_import_export_round_trip(name: str) -> None:
    data = example(name)
    assert dump_proposal(parse_proposal(data)) == data


def test_defaults_are_not_added_on_export() -> None:
    data = example("henan-valid.json")
    exported = dump_proposal(parse_proposal(data))
    assert "role" not in exported["members"][1]
    assert parse_proposal(data).members[1].role == "member"


def _error(data: Any) -> InterchangeError:
    with pytest.raises(InterchangeError) as caught:
        parse_proposal(data)
    return caught.value


def _set(path: list[Any], value: Any) -> InterchangeError:
    data = example("henan-valid.json")
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return _error(data)


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        (["members", 3, "uscc"], 123, "$.members[3].uscc", "应为字符串"),
        (["members", 2, "kind"], "company", "$.members[2].kind", "取值应为 enterprise, university"),
        (["call_year"], "2020", "$.call_year", "应为整数"),
        (["call_year"], 2020.5, "$.call_year", "应为整数"),
        (["call_year"], True, "$.call_year", "应为整数"),
        (["call_year"], 1999, "$.call_year", "应不小于 2000"),
        (["format_version"], 2, "$.format_version", "取值应为 1"),
        (["format_version"], True, "$.format_version", "应为整数"),
        (["category"], True, "$.category", "应为整数"),
        (["focus_area"], None, "$.focus_area", "不能为 null"),
        (["name"], "联", "$.name", "长度至少为 2"),
        (["name"], "联" * 101, "$.name", "长度不能超过 100"),
        (["recommender", "region_code"], "41010", "$.recommender.region_code", "格式不符合"),
        (["lead_unit", "revenue"], -1, "$.lead_unit.revenue", "应不小于 0"),
        (["lead_unit", "revenue"], "412000", "$.lead_unit.revenue", "应为数字"),
        (["lead_unit", "registered_on"], "2006/03/18", "$.lead_unit.registered_on", "应为日期"),
        (["submitted_at"], "2020-09-01 10:00", "$.submitted_at", "应为带时区的日期时间"),
        (["submitted_at"], "2020-09-01T10:00:00", "$.submitted_at", "应为带时区的日期时间"),
        (["governance", "meetings", "council"], -2, "$.governance.meetings.council", "应不小于 0"),
        (
            ["governance", "rules", "fund_management"],
            "有",
            "$.governance.rules.fund_management",
            "布尔",
        ),
        (["members"], [], "$.members", "至少应有 1 项"),
        (["members"], {}, "$.members", "应为数组"),
        (["texts", "background"], "字" * 301, "$.texts.background", "长度不能超过 300"),
        (
            ["members", 0, "platforms", 0, "level"],
            "county",
            "$.members[0].platforms[0].level",
            "取值应为",
        ),
    ],
)
def test_errors_name_path_and_problem(
    path: list[Any], value: Any, where: str, message: str
) -> None:
    error = _set(path, value)
    assert error.path == where
    assert message in error.message


def test_unknown_and_missing_keys() -> None:
    data = example("henan-valid.json")
    data["members"][1]["phone"] = "1"
    assert (_error(data).path, _error(data).message) == ("$.members[1].phone", "未知字段")
    data = example("henan-valid.json")
    del data["members"][4]["kind"]
    assert (_error(data).path, _error(data).message) == ("$.members[4].kind", "必填字段缺失")
    assert _error({}).path == "$.format_version"
    assert _error([]).path == "$"


def test_integral_float_is_an_integer_as_in_json_schema() -> None:
    data = example("henan-valid.json")
    data["call_year"] = 2020.0
    assert parse_proposal(data).call_year == 2020


def test_more_errors_are_counted_on_the_same_line() -> None:
    data = example("henan-valid.json")
    data["name"], data["domain"] = 1, "x"
    error = _error(data)
    assert error.more == 1 and error.line() == "$.name: 应为字符串（另有 1 处错误）"


def test_odd_keys_are_quoted_in_paths() -> None:
    data = example("henan-valid.json")
    data["governance"]["meetings"]["理事 会"] = -1
    assert _error(data).path == '$.governance.meetings["理事 会"]'


def test_submitted_datetime_is_aware() -> None:
    proposal = parse_proposal(example("henan-valid.json"))
    assert proposal.submitted_datetime().utcoffset().total_seconds() == 8 * 3600
    data = example("henan-valid.json")
    data["submitted_at"] = "2020-09-20T15:59:59.123456789Z"
    assert parse_proposal(data).submitted_datetime().microsecond == 123456


def test_malformed_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "format_version": 1,\n  "profile": \n}', encoding="utf-8")
    with pytest.raises(InterchangeError) as caught:
        load_proposal_file(path)
    assert caught.value.path == "$"
    assert "第 4 行第 1 列" in caught.value.message


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', b"\xff\xfe{}"])
def test_non_json_constants_and_encodings_are_refused(tmp_path: Path, text: str | bytes) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(InterchangeError) as caught:
        load_proposal_file(path)
    assert caught.value.path == "$"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "henan-valid.json").read_bytes())
    assert load_proposal_file(path).profile == "henan"


def test_generated_schema_file_is_up_to_date() -> None:
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert on_disk == proposal_json_schema(), (
        "run: uv run python -m lianmeng.policy.interchange --write-schema"
    )


def test_generated_schema_never_allows_null() -> None:
    assert '"null"' not in json.dumps(proposal_json_schema())

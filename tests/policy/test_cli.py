"""命令行 lianmeng check / lianmeng policy：每个示例文件给出文档所述结果；错误只有一行，没有 traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lianmeng.policy.cli_check import run_check, run_policy
from lianmeng.policy.results import ExistingAlliance

from .helpers import EXAMPLES, example, manifest

ROWS = manifest()


def _args(row: dict[str, Any]) -> list[str]:
    args = list(row["args"])
    if "--existing" in args:
        index = args.index("--existing") + 1
        args[index] = str(EXAMPLES / args[index])
    return [str(EXAMPLES / row["file"]), *args]


def _one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def test_manifest_covers_every_example_file() -> None:
    not_proposals = {"expected.json", "henan-existing.json", "legacy-registry.json"}
    files = {p.name for p in EXAMPLES.glob("*.json")} - not_proposals
    assert files == {row["file"] for row in ROWS}
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{row['file']}`" in readme for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: " ".join([r["file"], *r["args"]]))
def test_example_outcome(row: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code = run_check(_args(row))
    out, err = capsys.readouterr()
    assert code == row["exit"]
    if row["exit"] == 2:
        assert out == ""
        assert row["stderr"] in _one_line(err)
        return
    assert err == ""
    report = json.loads(out)
    assert list(report) == ["profile", "eligible", "findings"]
    assert report["eligible"] is (row["exit"] == 0)
    assert [f["rule"] for f in report["findings"] if f["status"] == "fail"] == row["failing"]


def test_output_is_indented_chinese_json(capsys: pytest.CaptureFixture[str]) -> None:
    run_check([str(EXAMPLES / "henan-valid.json")])
    out = capsys.readouterr().out
    assert out.startswith('{\n  "profile": "henan",') and "成员单位" in out and "\\u" not in out


def _invalid(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert run_check(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return _one_line(err)


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _invalid([str(tmp_path / "absent.json")], capsys)
    assert "absent.json" in line and "无法读取文件" in line


def test_directory_instead_of_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "无法读取文件" in _invalid([str(tmp_path)], capsys)


def test_unknown_profile_from_option_and_from_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = str(EXAMPLES / "henan-valid.json")
    assert _invalid([valid, "--profile", "hebei"], capsys).startswith(
        "--profile: 未知的政策配置 hebei"
    )
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(example("henan-valid.json") | {"profile": "shanghai"}), encoding="utf-8"
    )
    assert _invalid([str(path)], capsys).startswith("$.profile: 未知的政策配置 shanghai")


@pytest.mark.parametrize("at", ["yesterday", "2020-13-01", "2020-09-20T25:00:00"])
def test_bad_at(at: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _invalid([str(EXAMPLES / "henan-valid.json"), "--at", at], capsys).startswith(
        "--at: 时间格式无效"
    )


@pytest.mark.parametrize(
    "argv", [[], ["a.json", "b.json"], ["a.json", "--colour", "red"], ["--profile"]]
)
def test_usage_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _invalid(argv, capsys).startswith("参数错误")


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(["--help"]) == 0
    assert "资格预审" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("2020-09-20T23:59:59+08:00", 0),
        ("2020-09-21T00:00:00+08:00", 1),
        ("2020-09-20", 0),
        ("2020-09-21", 1),
        ("2020-09-20T23:59:59", 0),
    ],
)
def test_at_option(at: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check([str(EXAMPLES / "henan-valid.json"), "--at", at]) == code
    capsys.readouterr()


def test_profile_option_overrides_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check([str(EXAMPLES / "henan-valid.json"), "--profile", "heilongjiang"]) == 0
    assert json.loads(capsys.readouterr().out)["profile"] == "heilongjiang"


def test_existing_provider(capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []

    def provider(profile_id: str) -> list[ExistingAlliance] | None:
        asked.append(profile_id)
        return [
            ExistingAlliance(name="河南省铝精深加工产业技术创新战略联盟", industry="铝精深加工")
        ]

    path = str(EXAMPLES / "henan-fail-alliance.unique_in_field.json")
    assert run_check([path], existing_provider=provider) == 1
    assert asked == ["henan"]
    capsys.readouterr()
    assert run_check([path], existing_provider=lambda _: None) == 0
    finding = next(
        f
        for f in json.loads(capsys.readouterr().out)["findings"]
        if f["rule"] == "alliance.unique_in_field"
    )
    assert finding["evidence"] == {"compared_with": 0, "note": "未连接数据库，未与已有联盟比对"}


def test_broken_provider_means_no_database(capsys: pytest.CaptureFixture[str]) -> None:
    def provider(_: str) -> list[ExistingAlliance] | None:
        raise RuntimeError("no such table: alliances_alliance")

    assert (
        run_check(
            [str(EXAMPLES / "henan-fail-alliance.unique_in_field.json")], existing_provider=provider
        )
        == 0
    )
    assert capsys.readouterr().err == ""


def test_bad_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "existing.json"
    path.write_text('[{"name": "x", "colour": "red"}]', encoding="utf-8")
    line = _invalid([str(EXAMPLES / "henan-valid.json"), "--existing", str(path)], capsys)
    assert line.startswith("--existing") and "$[0].colour" in line


def test_internal_errors_never_show_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_: Any, **__: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("lianmeng.policy.cli_check.check", boom)
    assert "内部错误" in _invalid([str(EXAMPLES / "henan-valid.json")], capsys)


def test_policy_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_policy(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "baoding",
        "heilongjiang",
        "henan",
        "luoyang",
    ]
    assert run_policy(["list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing[3]["valid_until"] == "2020-12-31"


def test_policy_show_text_cites_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_policy(["show", "henan"]) == 0
    text = capsys.readouterr().out
    assert "河南省" in text and "members.min_count" in text
    assert (
        "min_count = 10 〔《关于组织申报2020年河南省产业技术创新战略联盟的通知》二(一)2(3)〕"
        in text
    )
    assert "2020-08-10 至 2020-09-20" in text and "08:00–12:00、15:00–18:00" in text
    # citations read as people cite them, never as the file the policy was read from
    assert ".txt" not in text


def test_policy_show_single_document_cites_articles(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_policy(["show", "luoyang"]) == 0
    text = capsys.readouterr().out
    assert (
        "政策文件：《洛阳市产业技术创新战略联盟构建和发展实施办法》（洛政办〔2018〕54号）\n" in text
    )
    assert "有效期：2018-07-10 至 2020-12-31 〔第二十二条〕" in text
    assert ".txt" not in text


def test_policy_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_policy(["show", "baoding", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["validity"]["valid_until"]["value"] == "2023-09-17"
    assert data["applied_rules"][-1] == "policy.in_force"


@pytest.mark.parametrize("argv", [["show", "hebei"], ["show"], [], ["delete", "henan"]])
def test_policy_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_policy(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_empty_at_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert _invalid([str(EXAMPLES / "henan-valid.json"), "--at", ""], capsys).startswith("--at")

"""``lianmeng rewards`` run as a command: every example of docs/examples/rewards/ gives the amounts
its README computes by hand (expected.json); invalid input exits 2 with one line naming the JSON
path; ``--profile`` overrides the file, an unknown profile or one without rewards exits 2; ``-``
reads standard input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lianmeng.policy.loader import get_profile

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples" / "rewards"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (EXAMPLES / "expected.json").read_text(encoding="utf-8")
)
VALID = sorted(name for name, row in EXPECTED.items() if row["exit"] == 0)
INVALID = sorted(name for name, row in EXPECTED.items() if row["exit"] == 2)
AMOUNT_KEYS = ("amount", "total", "uncapped", "cap")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "lianmeng"
    if script.exists():
        return [str(script), "rewards"]
    return [sys.executable, "-m", "lianmeng.cli", "rewards"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
        check=False,
    )


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def money_text(value: Any) -> str:
    assert isinstance(value, Decimal), value
    return f"{value:.2f}"


def test_expected_covers_every_example_and_the_readme_lists_them() -> None:
    files = {p.name for p in EXAMPLES.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in EXPECTED)
    assert readme.index("English") > readme.index("每类奖补")  # Chinese first
    for name in VALID:
        assert EXPECTED[name]["total"] in readme, name
    kinds = {"new_alliance", "legal_entity", "operating_subsidy", "rd_project"}
    kinds |= {"platform_construction", "platform_operating", "platform_service"}
    assert {f"luoyang-{k}.json" for k in kinds} <= set(VALID)
    guards = {"double_support", "revoked", "lapsed", "duplicate", "condition", "out_of_years"}
    assert {f"luoyang-guard-{g}.json" for g in guards} <= set(VALID)
    assert {"baoding-operating_support.json", "baoding-guard-lapsed.json"} <= set(VALID)
    assert "heilongjiang-rd_platform.json" in VALID


@pytest.mark.parametrize("name", VALID)
def test_example_gives_the_documented_amounts(name: str) -> None:
    row = EXPECTED[name]
    done = run(str(EXAMPLES / name))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout, parse_float=Decimal)
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    assert result["profile"] == data["profile"]
    assert money_text(result["total"]) == row["total"]
    assert {a["id"]: money_text(a["amount"]) for a in result["awards"]} == row["amounts"]
    assert {a["id"]: a["code"] for a in result["awards"]} == row["codes"]
    assert [a["id"] for a in result["awards"]] == [c["id"] for c in data["claims"]]
    ranges = {a["id"]: [money_text(v) for v in a["range"]] for a in result["awards"] if a["range"]}
    assert ranges == row.get("ranges", {})
    assert sum(a["amount"] for a in result["awards"]) == result["total"]
    seeds = {d.seed for d in get_profile(data["profile"]).documents if d.seed}
    for award in result["awards"]:
        assert award["citation"]["seed"] in seeds
        assert award["citation"]["article"] and award["citation"]["text"]
        assert award["reason"]
    # every amount written as a JSON number with exactly two places (never a float, never a string)
    for key in AMOUNT_KEYS:
        for match in re.finditer(rf'"{key}": ([^,\n]+)', done.stdout):
            assert re.fullmatch(r"null|\d+\.\d\d", match.group(1)), (key, match.group(1))


@pytest.mark.parametrize("name", INVALID)
def test_invalid_example_exits_2_with_one_line_naming_the_path(name: str) -> None:
    done = run(str(EXAMPLES / name))
    assert done.returncode == 2
    assert done.stdout == ""
    line = one_line(done.stderr)
    assert line.startswith(EXPECTED[name]["path"] + ": "), line
    assert any("\u4e00" <= c <= "\u9fff" for c in line)


def test_profile_option_overrides_the_file() -> None:
    done = run(str(EXAMPLES / "luoyang-platform_service.json"), "--profile", "baoding")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout, parse_float=Decimal)
    assert result["profile"] == "baoding"
    # Baoding has no platform-service reward: each claim 0 with the reason
    assert [a["code"] for a in result["awards"]] == ["no_rule", "no_rule"]
    assert money_text(result["total"]) == "0.00"
    text = (EXAMPLES / "luoyang-platform_service.json").read_text(encoding="utf-8")
    data = json.loads(text)
    del data["profile"]
    done = run("-", "--profile", "luoyang", stdin=json.dumps(data, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    assert money_text(json.loads(done.stdout, parse_float=Decimal)["total"]) == "150.00"


def test_unknown_profile_exits_2() -> None:
    done = run(str(EXAMPLES / "luoyang-platform_service.json"), "--profile", "nowhere")
    assert done.returncode == 2 and done.stdout == ""
    line = one_line(done.stderr)
    assert line.startswith("--profile: ") and "nowhere" in line
    data = json.loads((EXAMPLES / "luoyang-platform_service.json").read_text(encoding="utf-8"))
    data["profile"] = "nowhere"
    done = run("-", stdin=json.dumps(data, ensure_ascii=False))
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done.stderr).startswith("$.profile: ")


def test_profile_without_rewards_exits_2() -> None:
    done = run(str(EXAMPLES / "luoyang-new_alliance.json"), "--profile", "henan")
    assert done.returncode == 2 and done.stdout == ""
    line = one_line(done.stderr)
    assert line.startswith("--profile: ") and "henan" in line and "没有奖补规定" in line


def test_missing_profile_exits_2() -> None:
    data = json.loads((EXAMPLES / "luoyang-new_alliance.json").read_text(encoding="utf-8"))
    del data["profile"]
    done = run("-", stdin=json.dumps(data, ensure_ascii=False))
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done.stderr).startswith("$.profile: ")


def test_stdin_gives_the_same_output_as_the_file() -> None:
    path = EXAMPLES / "luoyang-platform_construction.json"
    from_file = run(str(path))
    from_stdin = run("-", stdin=path.read_text(encoding="utf-8"))
    assert from_file.returncode == from_stdin.returncode == 0
    assert from_stdin.stdout == from_file.stdout
    bad = run("-", stdin="{not json")
    assert bad.returncode == 2 and bad.stdout == ""
    assert one_line(bad.stderr).startswith("$: ")


def test_missing_file_and_usage_errors_exit_2() -> None:
    done = run(str(EXAMPLES / "absent.json"))
    assert done.returncode == 2 and done.stdout == ""
    assert "absent.json" in one_line(done.stderr)
    done = run()
    assert done.returncode == 2 and "Traceback" not in done.stderr

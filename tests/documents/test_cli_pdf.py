"""`lianmeng proposal pdf FILE -o OUT.pdf`: no database, one line per error, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # no database reachable: the command must not need one
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/none"
    env["LIANMENG_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "lianmeng.cli", "proposal", "pdf", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import lianmeng.cli"]).returncode != 0,
    reason="lianmeng not importable",
)
def test_renders_a_pdf_without_a_database(tmp_path):
    out = tmp_path / "out.pdf"
    done = _run(str(EXAMPLES / "henan-valid.json"), "-o", str(out), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "未提交" in text and "草稿" in text
    assert "核验码" not in text


def test_invalid_input_names_the_json_path_and_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    document = json.loads((EXAMPLES / "henan-valid.json").read_text(encoding="utf-8"))
    document["members"][2]["kind"] = "company"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    done = _run(str(bad), "-o", str(tmp_path / "x.pdf"), tmp_path=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("$.members[2].kind:")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "x.pdf"],  # no input file
        ["{examples}/henan-valid.json"],  # no -o
        ["{tmp}/missing.json", "-o", "x.pdf"],
        ["{examples}/malformed.json", "-o", "x.pdf"],
        ["{examples}/henan-valid.json", "-o", "x.pdf", "--font", "comic"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args, tmp_path):
    args = [a.format(examples=EXAMPLES, tmp=tmp_path) for a in args]
    done = _run(*args, tmp_path=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr

"""A fifth jurisdiction is a profile file dropped into LIANMENG_PROFILES_DIR, not code."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianmeng.cli import main as cli_main
from lianmeng.policy import loader

SHIPPED = Path(loader.__file__).parent / "profiles" / "luoyang.toml"


@pytest.fixture
def profiles_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANMENG_PROFILES_DIR", str(tmp_path))
    loader._load_default.cache_clear()
    yield tmp_path
    loader._load_default.cache_clear()


def test_a_new_city_profile_is_picked_up(profiles_dir, capsys):
    text = SHIPPED.read_text(encoding="utf-8").replace('id = "luoyang"', 'id = "kaifeng"', 1)
    (profiles_dir / "kaifeng.toml").write_text(text, encoding="utf-8")
    assert "kaifeng" in loader.load_profiles()
    assert cli_main(["policy", "list"]) == 0
    assert "kaifeng" in capsys.readouterr().out


def test_a_broken_profile_stops_with_file_and_key_named(profiles_dir, capsys):
    text = SHIPPED.read_text(encoding="utf-8").replace('id = "luoyang"', 'id = "kaifeng"', 1)
    text = text.replace("[rules.members.composition]", "[rules.members.no_such_rule]", 1)
    (profiles_dir / "kaifeng.toml").write_text(text, encoding="utf-8")
    assert cli_main(["policy", "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "kaifeng.toml" in err[0] and "no_such_rule" in err[0]

"""Builders for test proposals: valid identity codes, members, and the example files."""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from lianmeng.policy.uscc import calc_org_code_check

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"
SHARED_SCHEMA = REPO / ".." / "shared" / "schemas" / "proposal.schema.json"
SEEDS = {
    "000_531a4e0e0438a06c.txt",
    "001_4b62cab113297976.txt",
    "002_0f7bb534fdbd441b.txt",
    "003_a2e946d71137b875.txt",
    "004_618c815df320578d.txt",
}


def make_uscc(seed: str, region: str, prefix: str = "91") -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    body = "".join(str(int(c, 16) % 10) for c in digest[:8])
    base = prefix + region + body + calc_org_code_check(body)
    return base + stdnum_uscc.calc_check_digit(base)


def member(name: str, region: str, kind: str = "enterprise", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "uscc": make_uscc(name, region),
        "kind": kind,
        "signed_agreement": True,
        **extra,
    }


@cache
def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def example(name: str) -> dict[str, Any]:
    """A fresh deep copy of an example file's JSON."""
    return copy.deepcopy(_example(name))


def manifest() -> list[dict[str, Any]]:
    return json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))

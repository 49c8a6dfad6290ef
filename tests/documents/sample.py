"""A 60-member proposal built from docs/examples/henan-valid.json plus 49 generated members."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "henan-valid.json"

#: Henan area codes the generated members are registered in
REGIONS = ("410102", "410305", "410311", "410403", "410503", "410702", "410802", "411002")
KINDS = ("enterprise", "enterprise", "enterprise", "university", "research_institute", "other")
CHAIN = ("upstream", "midstream", "downstream")
SURNAMES = "王李张刘陈杨赵黄周吴"
TRADES = ("精密铝材", "轻合金装备", "铝箔包装", "合金熔铸", "表面处理", "检测认证", "再生铝")
PLACES = ("郑州", "洛阳", "平顶山", "安阳", "新乡", "焦作", "许昌", "南阳")


def valid_uscc(region: str, serial: int) -> str:
    body = f"91{region}{serial:08d}"
    org = body[8:16]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    body += {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


@cache
def _base() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def henan_document() -> dict[str, Any]:
    return copy.deepcopy(_base())


def sixty_member_document(extra: int = 49) -> dict[str, Any]:
    doc = henan_document()
    for i in range(extra):
        region = REGIONS[i % len(REGIONS)]
        kind = KINDS[i % len(KINDS)]
        place = PLACES[i % len(PLACES)]
        suffix = {"enterprise": "有限公司", "university": "学院", "research_institute": "研究所"}
        name = f"{place}{TRADES[i % len(TRADES)]}第{i + 1}{suffix.get(kind, '服务中心')}"
        member: dict[str, Any] = {
            "name": name,
            "uscc": valid_uscc(region, 70_000_000 + i * 7919),
            "kind": kind,
            "legal_representative": SURNAMES[i % 10] + "建国",
            "signed_agreement": True,
            "liaison": {"name": SURNAMES[(i + 3) % 10] + "晓燕", "mobile": f"139{i:08d}"},
        }
        if kind == "enterprise":
            member["chain_position"] = CHAIN[i % 3]
        if i % 4 == 0:
            member["platforms"] = [
                {"name": f"河南省{TRADES[i % len(TRADES)]}工程技术研究中心", "level": "provincial"}
            ]
        doc["members"].append(member)
    return doc

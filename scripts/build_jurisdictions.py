"""Build src/lianmeng/core/data/jurisdictions.json (GB/T 2260 area codes).

The administrative divisions come from the GB/T 2260 table that python-stdnum ships
(``stdnum/cn/loc.dat``), including historical codes: a USCC issued before a county was
renamed or merged still carries the old code, and must still resolve to a place. The
development and free-trade zones have no GB/T 2260 code; they are listed in ZONES with
a code made of their city's code and a suffix.

Run: uv run python scripts/build_jurisdictions.py
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/lianmeng/core/data/jurisdictions.json"
PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")

# (code, name, parent, kind, source)
ZONES = [
    ("410100-FTZ", "中国（河南）自由贸易试验区郑州片区", "410100", "ftz", "001 三(四)"),
    ("410200-FTZ", "中国（河南）自由贸易试验区开封片区", "410200", "ftz", "001 三(四)"),
    ("410300-FTZ", "中国（河南）自由贸易试验区洛阳片区", "410300", "ftz", "001 三(四)"),
    ("410100-AIR", "郑州航空港经济综合实验区", "410100", "zone", "001 通知抬头"),
    ("410100-ETZ", "国家郑州经济技术开发区", "410100", "zone", "001 通知抬头"),
    ("410100-HTZ", "郑州高新技术产业开发区", "410100", "hitech", "001 通知抬头（国家高新区）"),
    ("410300-HTZ", "洛阳高新技术产业开发区", "410300", "hitech", "001 通知抬头（国家高新区）"),
    ("410400-HTZ", "平顶山高新技术产业开发区", "410400", "hitech", "001 通知抬头（国家高新区）"),
    ("410500-HTZ", "安阳高新技术产业开发区", "410500", "hitech", "001 通知抬头（国家高新区）"),
    ("410700-HTZ", "新乡高新技术产业开发区", "410700", "hitech", "001 通知抬头（国家高新区）"),
    ("410800-HTZ", "焦作高新技术产业开发区", "410800", "hitech", "001 通知抬头（国家高新区）"),
    ("411300-HTZ", "南阳高新技术产业开发区", "411300", "hitech", "001 通知抬头（国家高新区）"),
    ("130600-HTZ", "保定国家高新技术产业开发区", "130600", "hitech", "004 第十条（开发区）"),
]


def _names(raw: str) -> tuple[str | None, list[dict]]:
    """Return (current name or None, history) from 'name' or '[1983-2014]a,[2015-]b'."""
    history, current = [], None
    for part in raw.split(","):
        m = PERIOD.match(part)
        if not m:
            current = part
            history.append({"name": part, "from": None, "until": None})
            continue
        start, end, name = m.groups()
        history.append({"name": name, "from": start and int(start), "until": end and int(end)})
        if end is None:
            current = name
    return current, history


def build() -> list[dict]:
    text = files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    rows: list[dict] = [
        {
            "code": "000000",
            "name": "中华人民共和国",
            "kind": "nation",
            "parent": None,
            "active": True,
        }
    ]
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            code, rest = line.split(" ", 1)
            province = code
            continue
        suffix, rest = line.strip().split(" ", 1)
        raw = re.match(r'county="(.*)"', rest).group(1)
        code = province + suffix
        current, history = _names(raw)
        if suffix == "0000":
            rows.append(
                {
                    "code": code,
                    "name": current,
                    "kind": "province",
                    "parent": "000000",
                    "active": True,
                }
            )
            continue
        if suffix.endswith("01") and (current or "").endswith("市辖区"):
            continue  # placeholder for "districts of the city", no area of its own
        is_city = suffix.endswith("00")
        name = current or history[-1]["name"]
        row = {
            "code": code,
            "name": name,
            "kind": "city" if is_city else "county",
            "parent": province + "0000" if is_city else province + suffix[:2] + "00",
            "active": current is not None,
        }
        if len(history) > 1 or not row["active"]:
            row["history"] = history
        rows.append(row)
    known = {r["code"] for r in rows}
    for row in rows:  # counties of a city that loc.dat lacks hang under the province
        if row["parent"] and row["parent"] not in known:
            row["parent"] = row["code"][:2] + "0000"
    for code, name, parent, kind, source in ZONES:
        rows.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "parent": parent,
                "active": True,
                "source": source,
            }
        )
    return rows


if __name__ == "__main__":
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(data)} jurisdictions → {OUT}")

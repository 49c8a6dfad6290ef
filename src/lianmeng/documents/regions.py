"""Area names for printed documents, read from the packaged GB/T 2260 file (no database).

The PDF of a proposal is also rendered by the CLI without a database, so the registered
place of each member is named from ``core/data/jurisdictions.json`` directly.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "core" / "data" / "jurisdictions.json"
_GENERIC = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@cache
def _rows() -> dict[str, tuple[str, str | None]]:
    rows = json.loads(_DATA.read_text(encoding="utf-8"))
    return {row["code"]: (row["name"], row.get("parent")) for row in rows}


def region_name(code: str | None) -> str:
    """``410305`` → ``河南省洛阳市涧西区``; unknown codes give an empty string."""
    if not code:
        return ""
    rows = _rows()
    if code not in rows:
        code = next((c for c in (code[:4] + "00", code[:2] + "0000") if c in rows), "")
        if not code:
            return ""
    names: list[str] = []
    while code and code in rows and code != "000000":
        name, parent = rows[code]
        if name not in _GENERIC:
            names.append(name)
        code = parent or ""
    return "".join(reversed(names))

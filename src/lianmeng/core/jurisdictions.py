"""Load the GB/T 2260 tree shipped in data/jurisdictions.json."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def jurisdiction_rows() -> list[dict[str, Any]]:
    return json.loads(files("lianmeng.core").joinpath("data/jurisdictions.json").read_text("utf-8"))


def load_jurisdictions(model: Any) -> int:
    """Insert or update every area; parents first so paths can be built. Returns the count."""
    rows = jurisdiction_rows()
    by_code = {r["code"]: r for r in rows}

    def path_of(code: str) -> str:
        parts = []
        while code:
            parts.append(code)
            code = by_code[code]["parent"]
        return "/".join(reversed(parts)) + "/"

    existing = {j.code: j for j in model.objects.all()}
    depth = {r["code"]: path_of(r["code"]).count("/") for r in rows}
    for level in sorted(set(depth.values())):
        batch_new, batch_upd = [], []
        for r in (r for r in rows if depth[r["code"]] == level):
            parent = existing.get(r["parent"]) if r["parent"] else None
            fields = {
                "name": r["name"],
                "kind": r["kind"],
                "parent": parent,
                "path": path_of(r["code"]),
                "active": r["active"],
                "history": r.get("history", []),
            }
            obj = existing.get(r["code"])
            if obj is None:
                batch_new.append(model(code=r["code"], **fields))
            else:
                for k, v in fields.items():
                    setattr(obj, k, v)
                batch_upd.append(obj)
        for obj in model.objects.bulk_create(batch_new, batch_size=1000):
            existing[obj.code] = obj
        if batch_new and batch_new[0].pk is None:  # backends that do not return keys
            existing.update(
                {j.code: j for j in model.objects.filter(code__in=[o.code for o in batch_new])}
            )
        if batch_upd:
            model.objects.bulk_update(
                batch_upd, ["name", "kind", "parent", "path", "active", "history"], batch_size=1000
            )
    return len(rows)

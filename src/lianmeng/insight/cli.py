"""``lianmeng insight refresh [--scope CODE]``: recompute the dashboards' figures.

Without ``--scope`` every area that has department staff is recomputed (run it nightly, or
after a bulk import); with it, one area (a GB/T 2260 code such as 410300). Prints each area,
when it was computed and how long it took."""

from __future__ import annotations

import sys

USAGE = "用法：lianmeng insight refresh [--scope 410300]"


def run(argv: list[str]) -> int:
    if argv[:1] != ["refresh"]:
        print(USAGE, file=sys.stderr)
        return 2
    rest = argv[1:]
    code = None
    if rest:
        if rest[0] != "--scope" or len(rest) != 2:
            print(USAGE, file=sys.stderr)
            return 2
        code = rest[1]
    from lianmeng.core.clock import format_moment

    from .services import refresh_all

    count = 0
    try:
        for scope, row in refresh_all(code):
            count += 1
            print(
                f"{scope.code} {scope.name}：数据更新于 {format_moment(row.computed_at)}"
                f"（用时 {row.duration_ms} 毫秒）"
            )
    except LookupError:
        print(f"没有区划代码为“{code}”的辖区。", file=sys.stderr)
        return 2
    print(f"共刷新 {count} 个辖区的数据驾驶舱。" if count else "没有需要刷新的辖区。")
    return 0

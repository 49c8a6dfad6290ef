"""National-scale data (issue 17): ``lianmeng demo --scale national|province``.

    from lianmeng.scale import build
    summary = build("national" | "province" | 0.002, seed=17, out=print)

On top of the demo data (``lianmeng demo`` first), fills the database with bulk inserts:
alliances of the four policy profiles in every state of their tables with the history rows
the engine would have written, member units with valid USCCs registered in every province,
proposals in every stage of each profile's workflow with rosters of 20–60 members and their
history, patents and standards, five years of reports; then refreshes the dashboards'
figures. Runs once per database: a second run is refused (:class:`AlreadyBuilt`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "SCALES",
    "VOLUMES",
    "AlreadyBuilt",
    "DemoMissing",
    "already_built",
    "build",
    "built",
]

#: the national volumes (issue 17); a scale is a factor of them
VOLUMES = {
    "alliances": 10_000,
    "units": 200_000,
    "members_per_alliance": 20,
    "proposals": 30_000,
    "patents": 40_000,
    "standards": 10_000,
    "report_years": 5,
}
SCALES = {"national": 1.0, "province": 0.1}
LABELS = {"national": "全国", "province": "省级"}
#: the audit action that marks a database as built (and refuses a second build)
ACTION = "lianmeng.scale.built"


class AlreadyBuilt(Exception):
    """The database already holds generated data; the message (Chinese) says which."""


class DemoMissing(Exception):
    """The demo data is not loaded."""


def built() -> dict[str, Any] | None:
    """What an earlier build recorded (scale, counts), or None."""
    from lianmeng.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action=ACTION).order_by("-id").first()
    return (entry.summary or {}).get("after") if entry is not None else None


def already_built(earlier: dict[str, Any]) -> str:
    """The refusal of a second build, naming what the first one made."""
    return (
        f"已生成{earlier.get('label', '')}规模数据（联盟 {earlier.get('alliances', 0):,} 个、"
        f"申报 {earlier.get('proposals', 0):,} 份），不再重复生成。"
        "如需重新生成，请使用一个新的数据库。"
    )


def _factor(scale: str | float) -> tuple[float, str]:
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"未知规模“{scale}”，可选：national（全国）、province（省级）")
        return SCALES[scale], LABELS[scale]
    factor = float(scale)
    if not 0 < factor <= 1:
        raise ValueError("规模系数应在 0 与 1 之间")
    return factor, f"{factor:g} 倍全国"


def build(
    scale: str | float = "national", seed: int = 17, out: Callable[[str], Any] | None = print
) -> dict[str, Any]:
    """Generate ``scale`` ("national", "province" = 1/10, or a factor of the national
    volumes) on top of the demo data; returns the counts and the seconds each step took."""
    from django.db import connection, transaction

    from lianmeng.core.audit import audit_record
    from lianmeng.core.models import User

    from .alliances import generate_alliances
    from .ipbase import generate_ipbase
    from .proposals import generate_proposals
    from .units import Places, RealNames, generate_units

    factor, label = _factor(scale)
    say = out or (lambda _line: None)
    earlier = built()
    if earlier is not None:
        raise AlreadyBuilt(already_built(earlier))
    if not User.objects.filter(username="shenbao").exists():
        raise DemoMissing("请先载入演示数据（lianmeng demo），再生成规模数据。")

    def volume(key: str, least: int) -> int:
        return max(least, round(VOLUMES[key] * factor))

    rnd = random.Random(seed)  # noqa: S311 - generated data, not secrets
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    summary: dict[str, Any] = {"scale": scale, "label": label, "seed": seed}

    def step(name: str, began: float) -> None:
        seconds[name] = round(time.perf_counter() - began, 1)
        say(f"  （{seconds[name]:.1f} 秒）")

    say(f"生成{label}规模数据（{connection.vendor}）……")
    with transaction.atomic():
        t = time.perf_counter()
        places = Places()
        pool = generate_units(volume("units", 300), rnd, places, out=say)
        step("units", t)

        t = time.perf_counter()
        names = RealNames(places)
        alliances = generate_alliances(
            volume("alliances", 8),
            VOLUMES["members_per_alliance"],
            report_years=VOLUMES["report_years"],
            seed=rnd.randrange(1 << 30),
            names=names,
            lead_units=pool.areas,
            member_units=pool.members,
            out=say,
        )
        step("alliances", t)

        t = time.perf_counter()
        proposals = generate_proposals(volume("proposals", 8), rnd, pool, names, places, out=say)
        step("proposals", t)

        t = time.perf_counter()
        ip = generate_ipbase(
            alliances["objects"],
            alliances["rosters"],
            volume("patents", 8),
            volume("standards", 4),
            rnd,
            out=say,
        )
        step("ipbase", t)
        summary.update(
            units=pool.count,
            provinces=pool.provinces,
            alliances=alliances["alliances"],
            alliance_members=alliances["members"],
            reports=alliances["reports"],
            proposals=proposals["proposals"],
            proposal_stages=proposals["stages"],
            roster_entries=proposals["roster"],
            state_changes=alliances["state_changes"]
            + alliances["report_state_changes"]
            + proposals["state_changes"],
            **ip,
        )
        audit_record(
            actor=None,
            action=ACTION,
            after={k: v for k, v in summary.items() if k != "proposal_stages"},
            note="批量生成的规模数据（非真实申报）",
        )
    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            # the state autovacuum keeps a production database in: statistics, and the
            # visibility map that lets counts read an index alone (VACUUM cannot run inside a
            # transaction: a test's build only analyses)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        step("analyze", t)

    t = time.perf_counter()
    say("刷新数据驾驶舱……")
    from lianmeng.insight.services import refresh_all

    areas = sum(1 for _ in refresh_all())
    say(f"  已刷新 {areas} 个辖区的数据驾驶舱")
    step("insight", t)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["steps"] = seconds
    say(f"完成：{label}规模数据已生成，用时 {summary['seconds']:.0f} 秒。")
    return summary

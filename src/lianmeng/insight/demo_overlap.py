"""Demo data of the overlap and chain analysis (idempotent), loaded by ``lianmeng demo``.

The two Luoyang alliances of the demo registry and Henan's 盾构装备 alliance get member units
through the running app's own service (``member_join``, filed as a change by each lead unit's
demo applicant, as a real lead unit would): three units belong to both Luoyang alliances — one
of them to the Henan alliance too — and the 机器人及智能装备 alliance has no downstream enterprise,
so the Luoyang department sees a shared-member network and a chain gap (缺下游, 第六条(三)).
The area snapshots are then recomputed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: (name, kind, region, serial, position) of the units; serials make valid USCCs
UNITS: dict[str, tuple[str, str, str, int, str]] = {
    "haust": ("河南科技大学", "university", "410305", 7301, ""),
    "ore": ("洛阳矿产原料有限公司", "enterprise", "410311", 7302, "upstream"),
    "casting": ("洛阳精密铸造有限公司", "enterprise", "410305", 7303, "midstream"),
    "kiln": ("洛阳窑炉工程有限公司", "enterprise", "410306", 7304, "downstream"),
    "testing": ("洛阳智能检测技术有限公司", "enterprise", "410311", 7305, "downstream"),
    "servo": ("洛阳伺服电机有限公司", "enterprise", "410305", 7306, "upstream"),
}
#: (lead unit's demo applicant, alliance name, units, position override)
JOINS: list[tuple[str, str, list[str], dict[str, str]]] = [
    (
        "qiantou-ly",
        "洛阳市耐火材料产业技术创新战略联盟",
        ["haust", "ore", "casting", "kiln", "testing"],
        {},
    ),
    (
        "qiantou-ly2",
        "洛阳市机器人及智能装备产业技术创新战略联盟",
        ["haust", "servo", "casting", "testing"],
        # in this alliance the testing firm works midstream: no downstream enterprise (a gap)
        {"testing": "midstream"},
    ),
    ("dungou", "河南省盾构装备产业技术创新战略联盟", ["testing"], {}),
]


def _uscc(region: str, serial: int) -> str:
    from stdnum.cn import uscc as stdnum_uscc

    body = f"91{region}{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body[8:16], weights, strict=True)) % 11
    body += {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


def _member(key: str, position: str | None) -> dict[str, Any]:
    name, kind, region, serial, default = UNITS[key]
    row: dict[str, Any] = {"name": name, "kind": kind, "uscc": _uscc(region, serial)}
    chain = default if position is None else position
    if chain:
        row["chain_position"] = chain
    return row


def load_demo_overlap() -> Iterator[str]:
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.errors import DomainError
    from lianmeng.core.models import Jurisdiction, Unit, User
    from lianmeng.core.validity import lapse_for
    from lianmeng.running import changes
    from lianmeng.running.models import Member
    from lianmeng.running.services import workspace_ensure

    from .overlap import KIND
    from .snapshots import refresh

    added = 0
    for username, alliance_name, keys, overrides in JOINS:
        alliance = Alliance.objects.filter(name=alliance_name).first()
        lead = User.objects.filter(username=username).first()
        if alliance is None or lead is None:
            continue
        workspace = workspace_ensure(alliance=alliance)
        if not workspace.members.exists():
            # a legacy alliance's workspace starts empty: its lead unit first, as the running
            # app's demo does (the roster rules cannot judge an empty roster)
            lead_unit = alliance.lead_unit
            Member.objects.create(
                workspace=workspace,
                unit=lead_unit,
                name=lead_unit.name,
                uscc=lead_unit.uscc or "",
                kind=lead_unit.kind if lead_unit.kind in Unit.Kind.values else "enterprise",
                role=Member.Role.LEAD,
                joined_on=alliance.decided_on,
            )
        rows = [_member(k, overrides.get(k)) for k in keys]
        present = set(
            Member.objects.filter(
                workspace=workspace, uscc__in=[r["uscc"] for r in rows]
            ).values_list("uscc", flat=True)
        )
        rows = [r for r in rows if r["uscc"] not in present]
        if not rows:
            continue
        workspace.refresh_from_db()
        try:
            changes.member_join(
                actor=lead,
                alliance_id=alliance.pk,
                revision=workspace.revision,
                members=rows,
                joined_on=clock.beijing_now().date().isoformat(),
                note="演示数据：成员单位加入",
                basis="演示数据：按主管部门关于原办法延期执行的通知办理"
                if lapse_for(alliance.profile) is not None
                else "",
            )
        except DomainError as exc:
            yield f"成员交叉演示：{alliance.name} 未能加入成员（{exc.message}）"
            continue
        added += len(rows)
        yield f"成员交叉演示：{alliance.name} 加入成员单位 {len(rows)} 家"
    if added:
        for code in ("410000", "410300", "410305"):
            scope = Jurisdiction.objects.filter(code=code).first()
            if scope is not None:
                refresh(scope, KIND)
        yield "成员交叉与产业链：河南省、洛阳市、涧西区的统计已重新计算"

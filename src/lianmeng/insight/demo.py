"""Demo of the dashboard: a Luoyang alliance of 涧西区 in the legacy registry (so that the
county's demo department, ``jianxi``, has an alliance of its own on its dashboard), then the
figures of every area with department staff computed in advance (henan 410000, luoyang
410300, jianxi 410305 …), so that the dashboards open at once with "数据更新于 …".
Idempotent: the alliance is imported once (the registry import skips it after); ``lianmeng
demo`` run again recomputes the figures only when something else was added (see
:func:`demo_ready`)."""

from __future__ import annotations

from collections.abc import Iterator

#: 洛阳市轴承产业技术创新战略联盟, led by a bearing maker of 涧西区 (USCC registered in 410305)
JIANXI_ALLIANCE = {
    "profile": "luoyang",
    "name": "洛阳市轴承产业技术创新战略联盟",
    "lead_unit": {
        "name": "洛阳精工轴承股份有限公司",
        "uscc": "914103055610030172",
        "kind": "enterprise",
    },
    "status": "recognised",
    "decided_on": "2020-06-18",
    "reference": "洛科〔2020〕58号",
    "domain": "industry",
    "focus_area": "先进装备制造",
    "industry": "轴承",
    "product": "精密轴承",
    "member_count": 16,
}


def demo_ready() -> bool:
    """The demo's alliance of 涧西区 is there and the figures were computed once."""
    from lianmeng.alliances.models import Alliance

    from .models import Snapshot

    return (
        Alliance.objects.filter(profile="luoyang", name=JIANXI_ALLIANCE["name"]).exists()
        and Snapshot.objects.exists()
    )


def load_demo_insight() -> Iterator[str]:
    from lianmeng.alliances.legacy import legacy_import
    from lianmeng.alliances.models import Alliance

    from .services import refresh_all

    if not Alliance.objects.filter(profile="luoyang", name=JIANXI_ALLIANCE["name"]).exists():
        result = legacy_import(actor=None, rows=[JIANXI_ALLIANCE])
        for number, reason in result.errors:
            yield f"数据驾驶舱：示例联盟第 {number} 行未导入：{reason}"
        if result.created:
            yield f"联盟名录：{JIANXI_ALLIANCE['name']}（涧西区）"
    for scope, row in refresh_all():
        data = row.data
        alliances = sum(c["count"] for c in data["alliances"]["by_year"].values())
        pipeline = sum(s["count"] for s in data["pipeline"]["stages"])
        yield (
            f"数据驾驶舱：{scope.name}（{scope.code}）联盟 {alliances} 家、在办申报 {pipeline} 项，"
            f"用时 {row.duration_ms} 毫秒"
        )

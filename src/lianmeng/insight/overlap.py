"""Member overlap between alliances and industrial-chain coverage (M-60), Snapshot kind "overlap".

:func:`compute` builds, for the alliances of one area (its jurisdiction and below, by the
proposal's region, else the lead unit's, else the deciding jurisdiction; a zone by its zone),
what the pages read:

- ``units``: member units in two or more of those alliances, by USCC (a unit that left — its
  ``left_on`` set — is not counted), with the alliances;
- ``edges``: pairs of alliances with the number of units they share, all of them (the table);
  ``graph``: the strongest edges and their alliances, laid out for drawing
  (:mod:`lianmeng.insight.network`);
- ``alliances``: per alliance its current members, member enterprises per chain position
  (上游/中游/下游) and the positions missing; ``required`` when the alliance's own profile
  applies ``members.chain_coverage`` (Luoyang 第六条(三)), with the article;
- ``fields``: per field (所属领域) the totals and the alliances with a gap.

A handful of aggregate queries whatever the number of alliances (no query per alliance); the
pages read the stored JSON (:mod:`lianmeng.insight.snapshots`) and never count on a request.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from lianmeng.alliances.models import Alliance
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import PermissionDenied
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.selectors import viewer_scope
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.proposals.models import Proposal
from lianmeng.running.models import Member

from . import network
from .models import Snapshot
from .snapshots import refresh, register

KIND = "overlap"
RULE = "members.chain_coverage"
POSITIONS = ("upstream", "midstream", "downstream")
#: alliances that no longer run are left out (their members are in no alliance any more)
ENDED = (Alliance.Status.REVOKED, Alliance.Status.DISSOLVED)
#: how many edges (and at most how many alliances) the drawing shows; the table has all
DRAW_EDGES = 30
DRAW_NODES = 20
#: USCCs per query when reading the rows of the shared units
CHUNK = 5000
#: bump when the shape of ``data`` changes (a page recomputes an older snapshot)
VERSION = 3


def position_label(position: str) -> str:
    return {"upstream": _("上游"), "midstream": _("中游"), "downstream": _("下游")}.get(
        position, position
    )


def gap_label(position: str) -> str:
    return {"upstream": _("缺上游"), "midstream": _("缺中游"), "downstream": _("缺下游")}.get(
        position, position
    )


# -- the area ------------------------------------------------------------------------------------


def area_q(scope: Jurisdiction, prefix: str = "") -> Q:
    """Alliances of ``scope`` and below (``prefix``: the path from the queried model to the
    alliance, e.g. ``"workspace__alliance__"``)."""
    if scope.is_zone:
        return Q(**{f"{prefix}proposal__zone": scope})
    path = scope.path
    return (
        Q(**{f"{prefix}proposal__region__path__startswith": path})
        | Q(
            **{
                f"{prefix}proposal__isnull": True,
                f"{prefix}lead_unit__region__path__startswith": path,
            }
        )
        | Q(**{f"{prefix}jurisdiction__path__startswith": path})
    )


def alliances_in(scope: Jurisdiction) -> QuerySet[Alliance]:
    return Alliance.objects.filter(area_q(scope)).exclude(status__in=ENDED)


def alliance_in_area(viewer: User, pk: Any) -> Alliance | None:
    """The alliance, if it lies in the viewer's area (any state); None otherwise."""
    scope = viewer_scope(viewer)
    if scope is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Alliance.objects.filter(area_q(scope), pk=pk).first()


# -- the profiles' chain rule ----------------------------------------------------------------------


def chain_rule(profile_id: str) -> dict[str, Any] | None:
    """The profile's ``members.chain_coverage``: the required positions and the article, or
    None when the profile does not apply it (then a gap is for information only)."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return None
    applied = profile.applied_rules.get(RULE)
    if applied is None:
        return None
    positions = [p for p in getattr(applied.params, "positions", []) if p in POSITIONS]
    return {
        "profile": profile.id,
        "profile_name": profile.name.value,
        "positions": positions,
        "severity": applied.severity,
        "citation": profile.cite(applied.citation),
    }


def scope_profile(scope: Jurisdiction | None) -> str | None:
    """The profile of the area, or of the nearest area above it (a county under Luoyang's
    city reads Luoyang's)."""
    if scope is None:
        return None
    best, length = None, -1
    for profile in load_profiles().values():
        prefix = profile.jurisdiction_prefix()
        if scope.code.startswith(prefix) and len(prefix) > length:
            best, length = profile.id, len(prefix)
    return best


# -- names -----------------------------------------------------------------------------------------

_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:自治区|省|市|自治州|县|区))")
_SUFFIXES = (
    "产业技术创新战略联盟",
    "产业技术创新联盟",
    "产业创新战略联盟",
    "技术创新战略联盟",
    "产业创新联盟",
    "创新战略联盟",
    "技术创新联盟",
    "产业联盟",
    "创新联盟",
    "战略联盟",
    "联盟",
)


def short_name(name: str, limit: int = 8) -> str:
    """The distinctive words of an alliance's name for a drawing: 洛阳市轴承产业技术创新战略联盟
    → 轴承 (place names and the generic suffix taken off, at most ``limit`` characters)."""
    core = (name or "").strip()
    for _i in range(3):
        stripped = _PLACE.sub("", core, count=1)
        if not stripped or stripped == core:
            break
        core = stripped
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    core = core or (name or "").strip()
    return core if len(core) <= limit else core[: limit - 1] + "…"


# -- the computation -------------------------------------------------------------------------------


def _current(scope: Jurisdiction) -> QuerySet[Member]:
    return Member.objects.filter(
        left_on__isnull=True,
        workspace__alliance__in=alliances_in(scope).values("pk"),
    )


def _roster_positions(rows: list[tuple[int, str, str, str]]) -> Counter[tuple[int, str, str]]:
    """Positions of members whose row carries none, from the decided proposal's roster (a
    workspace initialised from a proposal keeps name, USCC and kind only): one query for the
    proposals of the alliances concerned."""
    alliance_ids = {a for a, _u, _n, _k in rows}
    if not alliance_ids:
        return Counter()
    rosters = dict(
        Proposal.objects.filter(alliance__in=alliance_ids).values_list(
            "alliance__id", "document__members"
        )
    )
    found: Counter[tuple[int, str, str]] = Counter()
    for alliance_id, uscc, name, kind in rows:
        roster = rosters.get(alliance_id)
        if not isinstance(roster, list):
            continue
        for row in roster:
            if not isinstance(row, dict):
                continue
            same = (uscc and row.get("uscc") == uscc) or (not uscc and row.get("name") == name)
            if same and row.get("chain_position") in POSITIONS:
                found[(alliance_id, kind, row["chain_position"])] += 1
                break
    return found


def compute(scope: Jurisdiction) -> dict[str, Any]:
    """The overlap and chain figures of ``scope`` (plain JSON)."""
    alliances = {
        a["pk"]: a
        for a in alliances_in(scope)
        .order_by()
        .values("pk", "name", "domain", "level", "status", "profile", "proposal_id")
    }
    members = _current(scope)
    # 1. members per alliance, kind and chain position
    tally = (
        members.order_by()
        .annotate(position=KT("details__chain_position"))
        .values("workspace__alliance_id", "kind", "position")
        .annotate(n=Count("pk"))
        .values_list("workspace__alliance_id", "kind", "position", "n")
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    unset_from_proposal: set[int] = set()
    for alliance_id, kind, position, n in tally:
        c = counts[alliance_id]
        c["members"] += n
        if kind == "enterprise":
            c["enterprises"] += n
            if position in POSITIONS:
                c[position] += n
            else:
                c["unset"] += n
                if alliances.get(alliance_id, {}).get("proposal_id"):
                    unset_from_proposal.add(alliance_id)
    # 2. (only where members carry no position and a decided proposal has a roster)
    if unset_from_proposal:
        rows = list(
            members.filter(workspace__alliance__in=unset_from_proposal, kind="enterprise")
            .filter(Q(details__chain_position__isnull=True) | Q(details__chain_position=""))
            .values_list("workspace__alliance_id", "uscc", "name", "kind")
        )
        for (alliance_id, _kind, position), n in _roster_positions(rows).items():
            counts[alliance_id][position] += n
            counts[alliance_id]["unset"] -= n
    # 3. units in two alliances or more, by USCC
    shared_codes = sorted(
        members.exclude(uscc="")
        .order_by()
        .values("uscc")
        .annotate(k=Count("workspace__alliance_id", distinct=True))
        .filter(k__gte=2)
        .values_list("uscc", flat=True)
    )
    by_unit: dict[str, set[int]] = defaultdict(set)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    # 4. their member rows, by the USCC index, in chunks (a planner joins a grouped subquery
    # badly, and SQLite limits the number of parameters)
    for start in range(0, len(shared_codes), CHUNK):
        for uscc, name, alliance_id in (
            members.filter(uscc__in=shared_codes[start : start + CHUNK])
            .order_by()
            .values_list("uscc", "name", "workspace__alliance_id")
        ):
            by_unit[uscc].add(alliance_id)
            names[uscc][name] += 1
    units = sorted(
        (
            {
                "uscc": uscc,
                "name": names[uscc].most_common(1)[0][0],
                "alliances": sorted(ids),
            }
            for uscc, ids in by_unit.items()
        ),
        key=lambda u: (-len(u["alliances"]), u["name"], u["uscc"]),
    )
    pairs: Counter[tuple[int, int]] = Counter()
    shared_in: Counter[int] = Counter()
    for unit in units:
        ids = unit["alliances"]
        for i, a in enumerate(ids):
            shared_in[a] += 1
            for b in ids[i + 1 :]:
                pairs[(a, b)] += 1
    edges = sorted(([a, b, n] for (a, b), n in pairs.items()), key=lambda e: (-e[2], e[0], e[1]))

    rules = {pid: chain_rule(pid) for pid in {a["profile"] for a in alliances.values()}}
    rows: dict[str, dict[str, Any]] = {}
    for pk, a in alliances.items():
        c = counts.get(pk, Counter())
        rule = rules.get(a["profile"])
        wanted = rule["positions"] if rule else list(POSITIONS)
        rows[str(pk)] = {
            "name": a["name"],
            "short": short_name(a["name"]),
            "domain": a["domain"],
            "level": a["level"],
            "status": a["status"],
            "profile": a["profile"],
            "members": c["members"],
            "enterprises": c["enterprises"],
            "chain": {p: c[p] for p in POSITIONS},
            "unset": max(0, c["unset"]),
            # an alliance without a roster in the system has no gap to show, only "未登记成员"
            "missing": [p for p in wanted if not c[p]] if c["members"] else [],
            "empty": not c["members"],
            "required": rule is not None,
            "citation": rule["citation"] if rule else "",
            "shared": shared_in[pk],
        }
    fields: dict[str, dict[str, Any]] = {}
    for pk, row in sorted(rows.items(), key=lambda kv: int(kv[0])):
        f = fields.setdefault(
            row["domain"],
            {
                "domain": row["domain"],
                "alliances": 0,
                "members": 0,
                "enterprises": 0,
                "chain": dict.fromkeys(POSITIONS, 0),
                "gaps": [],
                "required_gaps": 0,
            },
        )
        f["alliances"] += 1
        f["members"] += row["members"]
        f["enterprises"] += row["enterprises"]
        for p in POSITIONS:
            f["chain"][p] += row["chain"][p]
        if row["missing"]:
            f["gaps"].append(int(pk))
            f["required_gaps"] += 1 if row["required"] else 0
    for f in fields.values():
        f["missing"] = [p for p in POSITIONS if not f["chain"][p]]

    graph = _graph(edges, rows)
    # the chain table's order: alliances with a gap first, then by name
    chain_order = [
        int(pk)
        for pk, _row in sorted(
            rows.items(), key=lambda kv: (not kv[1]["missing"], kv[1]["name"], int(kv[0]))
        )
    ]
    return {
        "chain_order": chain_order,
        "version": VERSION,
        "alliances": rows,
        "units": units,
        "edges": edges,
        "graph": graph,
        "fields": sorted(fields.values(), key=lambda f: f["domain"]),
        "totals": {
            "alliances": len(rows),
            "members": sum(r["members"] for r in rows.values()),
            "units": len(units),
            "edges": len(edges),
            "gaps": sum(1 for r in rows.values() if r["missing"]),
            "required_gaps": sum(1 for r in rows.values() if r["missing"] and r["required"]),
            "empty": sum(1 for r in rows.values() if r["empty"]),
        },
    }


def _graph(edges: list[list[int]], rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The strongest edges (at most DRAW_EDGES, among at most DRAW_NODES alliances), laid out."""
    chosen: list[list[int]] = []
    nodes: list[int] = []
    for a, b, n in edges:
        if len(chosen) >= DRAW_EDGES:
            break
        new = [x for x in (a, b) if x not in nodes]
        if len(nodes) + len(new) > DRAW_NODES:
            continue
        nodes += new
        chosen.append([a, b, n])
    groups = {pk: rows[str(pk)]["domain"] for pk in nodes}
    positions = network.layout(nodes, groups, chosen)
    return {
        "nodes": [
            {"id": pk, "x": positions[pk][0], "y": positions[pk][1], "group": groups[pk]}
            for pk in nodes
        ],
        "edges": chosen,
        "width": network.WIDTH,
        "height": network.HEIGHT,
    }


register(KIND, compute)


# -- reading and refreshing ------------------------------------------------------------------------


#: decoded snapshots of this process, by (id, scope, time computed): a province's figures are a
#: few MB of JSON whose decoding would cost more than the rest of the page
_DECODED: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_DECODED_MAX = 4
_DECODED_LOCK = threading.Lock()


def _remember(key: tuple[Any, ...], data: dict[str, Any]) -> None:
    with _DECODED_LOCK:
        _DECODED[key] = data
        _DECODED.move_to_end(key)
        while len(_DECODED) > _DECODED_MAX:
            _DECODED.popitem(last=False)
    # a province's figures are some 500,000 lists and dicts that live as long as the process:
    # left to the cyclic garbage collector, every full collection walks them all (300 ms
    # every few requests at national scale). Freezing moves the objects alive now out of its
    # sight; they are still freed as usual (reference counting) when the entry is dropped,
    # and decoded JSON holds no reference cycles.
    gc.freeze()


def snapshot_for(viewer: User) -> tuple[Any, dict[str, Any]]:
    """The viewer's area's snapshot and its data: computed now when there is none yet (or it
    has an older shape). (None, empty) for a viewer without an area. One query when this
    process has already decoded the stored figures, two when it has not."""
    scope = viewer_scope(viewer)
    if scope is None:
        return None, {}
    row = Snapshot.objects.filter(scope=scope, kind=KIND).defer("data").first()
    data: dict[str, Any] | None = None
    if row is not None:
        key = (row.pk, row.scope_id, row.computed_at, row.duration_ms)
        with _DECODED_LOCK:
            data = _DECODED.get(key)
        if data is None:
            data = Snapshot.objects.filter(pk=row.pk).values_list("data", flat=True).first()
            if isinstance(data, dict):
                _remember(key, data)
    if row is None or not isinstance(data, dict) or data.get("version") != VERSION:
        row = refresh(scope, KIND)
        data = row.data
        _remember((row.pk, row.scope_id, row.computed_at, row.duration_ms), data)
    return row, data


def overlap_refresh(*, actor: User) -> Any:
    """刷新: the department recomputes its area's figures now (audited)."""
    if not actor.has_perm("insight.view"):
        raise PermissionDenied(_("只有主管部门、推荐单位可以刷新成员交叉与产业链分析。"))
    scope = viewer_scope(actor)
    if scope is None:
        raise PermissionDenied(_("您的账号没有所属辖区，无法刷新。请联系系统管理员。"))
    row = refresh(scope, KIND)
    _remember((row.pk, row.scope_id, row.computed_at, row.duration_ms), row.data)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="lianmeng.insight.overlap.refreshed",
            obj=row,
            after={
                "scope": scope.code,
                "duration_ms": row.duration_ms,
                **{k: v for k, v in (row.data.get("totals") or {}).items()},
            },
        )
    return row

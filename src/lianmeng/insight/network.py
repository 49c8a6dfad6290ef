"""The network of alliances linked by shared member units, drawn as server-rendered SVG.

:func:`layout` places the alliances on a circle, grouped by field (所属领域) with a gap between
fields, in a fixed order (field, then id): the same graph is always drawn the same way, and every
node lies inside the view box with room for its label. :func:`drawing` turns a snapshot's graph
into what the template draws: circles sized by members, lines as wide as the number of shared
units with the number at their middle, labels outside the circle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

WIDTH = 960
HEIGHT = 720
#: the labels' size (view-box units) and the room kept around the circle for them (a short
#: name is at most 8 汉字)
LABEL_SIZE = 22
MARGIN_X = 8 * LABEL_SIZE + 40
MARGIN_Y = 2 * LABEL_SIZE + 36
#: the fills of the fields (colour is never the only cue: the table and the legend name them)
FIELD_COLOURS = ("#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997", "#6c757d")


def layout(
    nodes: Sequence[int], groups: Mapping[int, str], edges: Sequence[Sequence[int]] = ()
) -> dict[int, tuple[float, float]]:
    """(x, y) of each node inside ``WIDTH`` × ``HEIGHT``: on a circle, grouped by field."""
    if not nodes:
        return {}
    cx, cy = WIDTH / 2, HEIGHT / 2
    rx = max(1.0, WIDTH / 2 - MARGIN_X)
    ry = max(1.0, HEIGHT / 2 - MARGIN_Y)
    ordered = sorted(dict.fromkeys(nodes), key=lambda n: (str(groups.get(n, "")), n))
    if len(ordered) == 1:
        return {ordered[0]: (round(cx, 1), round(cy, 1))}
    # one slot per node, one empty slot between two fields
    slots: list[int | None] = []
    previous = None
    for node in ordered:
        group = str(groups.get(node, ""))
        if previous is not None and group != previous and len(set(groups.values())) > 1:
            slots.append(None)
        slots.append(node)
        previous = group
    total = len(slots)
    places: dict[int, tuple[float, float]] = {}
    for index, node in enumerate(slots):
        if node is None:
            continue
        # two alliances side by side; more around the circle from the top
        start = math.pi if total == 2 else -math.pi / 2
        angle = start + 2 * math.pi * index / total
        x = cx + rx * math.cos(angle)
        y = cy + ry * math.sin(angle)
        places[node] = (round(x, 1), round(y, 1))
    return places


def _colour(domain: str, domains: list[str]) -> str:
    index = domains.index(domain) if domain in domains else len(domains)
    return FIELD_COLOURS[index % len(FIELD_COLOURS)]


def drawing(graph: Mapping[str, Any], alliances: Mapping[str, Any]) -> dict[str, Any]:
    """What the SVG template draws from a snapshot's ``graph`` and ``alliances``."""
    nodes = list(graph.get("nodes") or [])
    edges = list(graph.get("edges") or [])
    width = graph.get("width") or WIDTH
    height = graph.get("height") or HEIGHT
    cx, cy = width / 2, height / 2
    domains = sorted({str(n.get("group") or "") for n in nodes})
    place = {n["id"]: (float(n["x"]), float(n["y"])) for n in nodes}
    most_members = max([alliances.get(str(n["id"]), {}).get("members", 0) for n in nodes] or [1])
    most_shared = max([e[2] for e in edges] or [1])
    drawn_nodes = []
    for n in nodes:
        row = alliances.get(str(n["id"]), {})
        x, y = place[n["id"]]
        members = row.get("members", 0)
        radius = round(7 + 11 * math.sqrt(members / most_members) if most_members else 7, 1)
        dx, dy = x - cx, y - cy
        length = math.hypot(dx, dy) or 1.0
        lx = x + dx / length * (radius + 6)
        ly = y + dy / length * (radius + 6) + LABEL_SIZE / 3
        anchor = "middle" if abs(dx) < 20 else ("start" if dx > 0 else "end")
        drawn_nodes.append(
            {
                "id": n["id"],
                "x": x,
                "y": y,
                "r": radius,
                "fill": _colour(str(n.get("group") or ""), domains),
                "label": row.get("short") or row.get("name") or str(n["id"]),
                "name": row.get("name", ""),
                "members": members,
                "shared": row.get("shared", 0),
                "lx": round(lx, 1),
                "ly": round(ly, 1),
                "anchor": anchor,
            }
        )
    drawn_edges = []
    for a, b, count in edges:
        if a not in place or b not in place:
            continue
        (x1, y1), (x2, y2) = place[a], place[b]
        drawn_edges.append(
            {
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "width": round(1 + 7 * count / most_shared, 1),
                "count": count,
                "mx": round((x1 + x2) / 2, 1),
                "my": round((y1 + y2) / 2, 1),
                "a": alliances.get(str(a), {}).get("name", str(a)),
                "b": alliances.get(str(b), {}).get("name", str(b)),
            }
        )
    legend = [{"domain": d, "fill": _colour(d, domains)} for d in domains]
    return {
        "width": width,
        "height": height,
        "nodes": drawn_nodes,
        "edges": drawn_edges,
        "legend": legend,
        "label_size": LABEL_SIZE,
        "count_size": LABEL_SIZE - 2,
    }

"""The network's layout (lianmeng.insight.network): every node inside the view box, no NaN, the
same drawing for the same graph."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.insight import network

FIELDS = st.sampled_from(["industry", "agriculture", "social_development", ""])


@st.composite
def graphs(draw):
    nodes = draw(st.lists(st.integers(1, 10**9), min_size=0, max_size=40, unique=True))
    groups = {n: draw(FIELDS) for n in nodes}
    edges = []
    if len(nodes) >= 2:
        for _ in range(draw(st.integers(0, 60))):
            a, b = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
            if a != b:
                edges.append([min(a, b), max(a, b), draw(st.integers(1, 500))])
    return nodes, groups, edges


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_layout_inside_the_view_box_and_deterministic(graph):
    nodes, groups, edges = graph
    places = network.layout(nodes, groups, edges)
    assert set(places) == set(nodes)
    for x, y in places.values():
        assert math.isfinite(x) and math.isfinite(y)
        assert 0 <= x <= network.WIDTH and 0 <= y <= network.HEIGHT
    assert network.layout(list(reversed(nodes)), dict(groups), edges) == places
    # distinct nodes get distinct places
    assert len(set(places.values())) == len(places)


@settings(max_examples=80, deadline=None)
@given(graphs(), st.integers(0, 100000))
def test_drawing_has_no_nan_and_labels_in_the_box(graph, members):
    nodes, groups, edges = graph
    places = network.layout(nodes, groups, edges)
    snapshot_graph = {
        "nodes": [
            {"id": n, "x": places[n][0], "y": places[n][1], "group": groups[n]} for n in nodes
        ],
        "edges": edges,
        "width": network.WIDTH,
        "height": network.HEIGHT,
    }
    alliances = {str(n): {"name": f"联盟{n}", "short": "轴承", "members": members} for n in nodes}
    drawing = network.drawing(snapshot_graph, alliances)
    for node in drawing["nodes"]:
        for key in ("x", "y", "r", "lx", "ly"):
            assert math.isfinite(node[key])
        assert node["r"] > 0
        # the label starts inside the box, with room for eight 汉字 on its side
        size = network.LABEL_SIZE
        assert 0 <= node["lx"] <= network.WIDTH and size <= node["ly"] <= network.HEIGHT
        if node["anchor"] == "start":
            assert node["lx"] + 8 * size <= network.WIDTH
        if node["anchor"] == "end":
            assert node["lx"] - 8 * size >= 0
        if node["anchor"] == "middle":
            assert node["lx"] - 4 * size >= 0 and node["lx"] + 4 * size <= network.WIDTH
    for edge in drawing["edges"]:
        assert math.isfinite(edge["width"]) and edge["width"] >= 1

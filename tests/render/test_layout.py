"""The canvas layout stays legible: no overlapping shapes or labels, no arrow through a box,
everything inside its frame; on the bundled examples and on generated designs up to 100
components."""

from __future__ import annotations

import pytest

from tests.render.generated import generated_design
from tests.render.geometry import crossings, problems, segment_hits_rect
from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design, load_design_text
from tradeoff.render.draw import canvas_of
from tradeoff.render.layout import LEdge, LNode, layout

TINY = """
name: tiny
architecture:
  components:
    - {id: web, kind: client}
    - {id: lb, kind: load_balancer, replicas: 2}
    - {id: api, kind: service, replicas: 3}
    - {id: cache, kind: cache, technology: Redis, replicas: 2}
    - {id: db, kind: data_store, technology: PostgreSQL, replicas: 2, holds: orders}
  read_paths:
    - {id: get, hops: [web, lb, api, cache, db]}
  write_paths:
    - {id: put, hops: [web, lb, api, db]}
"""


def test_geometry_checker_catches_a_segment_through_a_box():
    box = (10.0, 10.0, 50.0, 50.0)
    assert segment_hits_rect((0, 30), (100, 30), box)
    assert not segment_hits_rect((0, 60), (100, 60), box)
    assert not segment_hits_rect((50, 30), (100, 30), box)  # starts on the box's side: not through it
    assert segment_hits_rect((0, 0), (60, 60), box)  # the diagonal


@pytest.mark.parametrize("name", list_examples())
def test_examples_have_a_legible_layout(name):
    canvas = canvas_of(load_design(resolve(name)))
    assert problems(canvas) == []


@pytest.mark.parametrize("n", [20, 50, 100])
def test_generated_designs_have_a_legible_layout(n):
    design = generated_design(n)
    canvas = canvas_of(design)
    assert problems(canvas) == []
    drawn = {b.component for f in canvas.frames for b in f.boxes}
    assert drawn == {c.id for c in design.architecture.components}  # every component on the canvas


def test_tiny_design_has_five_components_in_tier_order_and_no_crossings():
    canvas = canvas_of(load_design_text(TINY, "tiny.design.yaml"))
    read = next(f for f in canvas.frames if f.id == "read")
    x = {b.component: b.x for b in read.boxes}
    assert x["web"] < x["lb"] < x["api"] < x["cache"] < x["db"]
    assert crossings(canvas) == 0
    assert problems(canvas) == []


def test_read_and_write_paths_are_separate_frames():
    canvas = canvas_of(load_design_text(TINY, "tiny.design.yaml"))
    frames = {f.id: f for f in canvas.frames}
    read_edges = {(a.data["from"], a.data["to"]) for a in frames["read"].arrows}
    write_edges = {(a.data["from"], a.data["to"]) for a in frames["write"].arrows}
    assert ("api", "cache") in read_edges and ("api", "cache") not in write_edges
    assert ("api", "db") in write_edges and ("api", "db") not in read_edges
    assert frames["read"].y + frames["read"].h < frames["write"].y


def test_long_edge_is_routed_around_the_boxes_between():
    # a -> b -> c -> d plus a -> d: the long edge must not cut through b or c
    nodes = [LNode(i, 100, 60, t) for i, t in (("a", 0), ("b", 1), ("c", 2), ("d", 3))]
    edges = [LEdge("ab", "a", "b"), LEdge("bc", "b", "c"), LEdge("cd", "c", "d"), LEdge("ad", "a", "d")]
    lay = layout(nodes, edges)
    long = next(e for e in lay.edges if e.id == "ad")
    assert len(long.points) > 2  # bent around the middle columns
    for mid in ("b", "c"):
        box = lay.nodes[mid].box
        for p, q in zip(long.points, long.points[1:]):
            assert not segment_hits_rect(p, q, box)


def test_a_cycle_is_drawn_with_one_edge_reversed_not_dropped():
    nodes = [LNode(i, 80, 40, 0) for i in "abc"]
    edges = [LEdge("ab", "a", "b"), LEdge("bc", "b", "c"), LEdge("ca", "c", "a")]
    lay = layout(nodes, edges)
    assert len(lay.edges) == 3 and all(len(e.points) >= 2 for e in lay.edges)
    assert sum(e.reversed for e in lay.edges) == 1
    ca = next(e for e in lay.edges if e.id == "ca")
    # whichever way it is drawn, the polyline starts at c's box and ends at a's box
    def near(pt, node):
        x0, y0, x1, y1 = node.box
        return x0 - 0.5 <= pt[0] <= x1 + 0.5 and y0 - 0.5 <= pt[1] <= y1 + 0.5
    assert near(ca.points[0], lay.nodes["c"]) and near(ca.points[-1], lay.nodes["a"])


def test_checker_reports_a_box_moved_onto_another_and_a_label_that_does_not_fit():
    canvas = canvas_of(load_design_text(TINY, "tiny.design.yaml"))
    read = next(f for f in canvas.frames if f.id == "read")
    a, b = read.boxes[1], read.boxes[2]
    b.x, b.y = a.x + 5, a.y + 5
    a.w = 20
    found = problems(canvas)
    assert any("overlap" in p for p in found)
    assert any("does not fit" in p for p in found)


def test_crossing_reduction_beats_the_input_order(monkeypatch):
    import tradeoff.render.layout as layout_module
    from tests.render.geometry import crossings

    design = generated_design(100)
    reduced = crossings(canvas_of(design))
    monkeypatch.setattr(layout_module, "ORDER_ROUNDS", 0)  # no sweeps: ranks keep the input order
    unordered = crossings(canvas_of(design))
    assert reduced < 0.8 * unordered, (reduced, unordered)


@pytest.mark.parametrize("name", list_examples())
def test_examples_have_at_most_one_crossing(name):
    from tests.render.geometry import crossings

    assert crossings(canvas_of(load_design(resolve(name)))) <= 1

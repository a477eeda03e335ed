"""What the canvas says: failure zones from the review, decisions on the boxes they shaped,
stores with what they hold and their technology, callouts highlighted, externals set apart."""

from __future__ import annotations

from tradeoff.estimate.engine import estimate
from tradeoff.examples import resolve
from tradeoff.io.load import load_design, load_design_text
from tradeoff.render.canvas import FAILURE, HIGHLIGHT
from tradeoff.render.draw import canvas_of

DESIGN = """
name: shop
requirements:
  use_cases:
    - {id: checkout, name: Check out, priority: must}
architecture:
  components:
    - {id: web, kind: client}
    - {id: lb, kind: load_balancer, replicas: 2, zones: 2}
    - {id: api, kind: service, replicas: 3, zones: 2}
    - {id: db, kind: data_store, technology: PostgreSQL, holds: orders and payments, replicas: 1}
    - {id: psp, kind: external, name: Payment provider}
  write_paths:
    - {id: pay, use_case: checkout, hops: [web, lb, api, db]}
  external_calls:
    - {id: charge, use_case: checkout, caller: api, external: psp, timeout: 2 s}
decisions:
  - id: store
    title: One relational store
    choice: {technology: PostgreSQL, option: relational, component: db}
"""


def _boxes(canvas, frame="write"):
    return {b.component: b for f in canvas.frames if f.id == frame for b in f.boxes}


def test_single_replica_store_on_a_must_path_is_a_red_failure_zone():
    canvas = canvas_of(load_design_text(DESIGN, "shop.design.yaml"))
    boxes = _boxes(canvas)
    assert boxes["db"].stroke == FAILURE and boxes["db"].stroke_width > 2
    assert "single point of failure" in boxes["db"].label
    assert boxes["api"].stroke != FAILURE and "single point" not in boxes["api"].label


def test_fixing_the_replicas_clears_the_failure_zone():
    fixed = DESIGN.replace("holds: orders and payments, replicas: 1", "holds: orders and payments, replicas: 3, zones: 3")
    boxes = _boxes(canvas_of(load_design_text(fixed, "shop.design.yaml")))
    assert boxes["db"].stroke != FAILURE


def test_store_label_names_technology_holdings_and_the_decision():
    label = _boxes(canvas_of(load_design_text(DESIGN, "shop.design.yaml")))["db"].label.replace("\n", " ")
    assert "PostgreSQL" in label and "holds orders and payments" in label and "decided in D1" in label


def test_external_dependency_sits_in_its_own_region_right_of_everything():
    canvas = canvas_of(load_design_text(DESIGN, "shop.design.yaml"))
    frame = next(f for f in canvas.frames if f.id == "write")
    psp = _boxes(canvas)["psp"]
    region = frame.regions[0]
    assert region.x <= psp.x and psp.x + psp.w <= region.x + region.w
    assert all(b.x + b.w < region.x for b in frame.boxes if b.component != "psp")
    assert psp.dashed


def test_callouts_are_highlighted_in_the_numbers_frame():
    design = load_design(resolve("url-shortener"))
    est = estimate(design)
    canvas = canvas_of(design, est)
    numbers = next(f for f in canvas.frames if f.id == "numbers")
    highlighted = [b.label.replace("\n", " ") for b in numbers.boxes if b.fill == HIGHLIGHT]
    assert len(highlighted) == len(est.callouts) == 3
    assert any("35.1K reads/s" in h for h in highlighted)

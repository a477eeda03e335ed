"""`tradeoff import`: Excalidraw canvases read back into design skeletons.

Fixtures (tests/fixtures/canvas/) are scenes as excalidraw.com saves them (two-space JSON):

- current.excalidraw: version 2 with frames "Read path" and "Write path", bound labels and
  bound arrows, a dashed Kafka leg and a "Requirements" text (with a Non-functional part);
- old-v1.excalidraw: version 1 as saved in 2020-2022: no index, frameId, containerId or
  boundElements, fontFamily 1, labels as free text laid on the shapes, arrows unbound with
  their ends 10-30 px short of the boxes, one drawn backwards (its head at its start);
- junk.excalidraw: an image, a freedraw, an arrow to nowhere, an unlabelled box, stray text
  and two deleted elements, around one valid arrow;
- drawn.excalidraw: a small scene in the customData form `tradeoff draw` writes, the client,
  load balancer, API and database drawn once in each frame, arrows stored out of order (the
  real `draw` output of the bundled examples is read back too, in test_draw_then_import_...);
- not-a-scene.json (a package.json), truncated.excalidraw (cut off after an element).

Tests of one behaviour build a tiny scene inline (box, arrow, text, frame below). Every
expected kind, id and hop was worked out by reading the scene, not copied from the tool's
output. Every skeleton is written to a file and loaded with the project's loader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.errors import DesignError, SchemaError, SyntaxError_
from tradeoff.io.canvas import (
    NEAR_PX, CanvasImport, canvas_words, guess_kind, import_canvas, import_canvas_text,
)
from tradeoff.io.load import load_design, load_design_text
from tradeoff.knowledge.options import knowledge_base
from tradeoff.model.design import ComponentKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "canvas"


def loads(result: CanvasImport, tmp_path: Path):
    """The skeleton loads with the project's loader, both as the YAML text and as the dict,
    and the two are the same design."""
    as_yaml = tmp_path / "from-yaml.design.yaml"
    as_yaml.write_text(result.yaml, encoding="utf-8")
    as_dict = tmp_path / "from-dict.design.yaml"
    as_dict.write_text(yaml.safe_dump(result.design, sort_keys=False), encoding="utf-8")
    a, b = load_design(as_yaml), load_design(as_dict)
    assert a.model_dump() == b.model_dump()
    assert yaml.safe_load(result.yaml) == result.design
    assert not any("does not validate" in p for p in result.problems)
    return a


def kinds(design) -> dict[str, str]:
    return {c.id: c.kind.value for c in design.components}


def hops(flow) -> list[str]:
    return [h.component for h in flow.hops]


# --- tiny scenes written for one behaviour ---------------------------------------------------

def box(eid: str, label: str | None, x: float, y: float, w: float = 160, h: float = 70, frame: str | None = None,
        type_: str = "rectangle", custom: dict | None = None) -> list[dict]:
    shape = {"id": eid, "type": type_, "x": x, "y": y, "width": w, "height": h, "frameId": frame,
             "strokeStyle": "solid", "boundElements": [], "isDeleted": False}
    if custom is not None:
        shape["customData"] = {"tradeoff": custom}
    if label is None:
        return [shape]
    shape["boundElements"].append({"type": "text", "id": f"{eid}-t"})
    text = {"id": f"{eid}-t", "type": "text", "x": x + 10, "y": y + 20, "width": w - 20, "height": 25,
            "text": label, "originalText": label, "containerId": eid, "frameId": frame, "isDeleted": False}
    return [shape, text]


def arrow(eid: str, a: list[dict], b: list[dict], label: str | None = None, dashed: bool = False,
          frame: str | None = None, custom: dict | None = None) -> list[dict]:
    sa, sb = a[0], b[0]
    x0, y0 = sa["x"] + sa["width"] + 5, sa["y"] + sa["height"] / 2
    x1, y1 = sb["x"] - 5, sb["y"] + sb["height"] / 2
    if sb["x"] <= sa["x"]:
        x0, x1 = sa["x"] - 5, sb["x"] + sb["width"] + 5
    el = {"id": eid, "type": "arrow", "x": x0, "y": y0, "width": abs(x1 - x0), "height": abs(y1 - y0),
          "points": [[0, 0], [x1 - x0, y1 - y0]], "strokeStyle": "dashed" if dashed else "solid",
          "startBinding": {"elementId": sa["id"], "focus": 0, "gap": 5},
          "endBinding": {"elementId": sb["id"], "focus": 0, "gap": 5},
          "startArrowhead": None, "endArrowhead": "arrow", "frameId": frame, "boundElements": []}
    if custom is not None:
        el["customData"] = {"tradeoff": custom}
    out = [el]
    if label:
        el["boundElements"].append({"type": "text", "id": f"{eid}-t"})
        out.append({"id": f"{eid}-t", "type": "text", "x": x0, "y": y0 - 10, "width": 60, "height": 20,
                    "text": label, "originalText": label, "containerId": eid, "frameId": frame})
    return out


def text(eid: str, s: str, x: float, y: float, frame: str | None = None) -> list[dict]:
    lines = s.splitlines()
    return [{"id": eid, "type": "text", "x": x, "y": y, "width": 11 * max(len(ln) for ln in lines),
             "height": 25 * len(lines), "text": s, "originalText": s, "containerId": None, "frameId": frame}]


def frame(eid: str, name: str, x: float, y: float, w: float, h: float) -> list[dict]:
    return [{"id": eid, "type": "frame", "name": name, "x": x, "y": y, "width": w, "height": h}]


def scene(*parts: list[dict]) -> str:
    return json.dumps({"type": "excalidraw", "version": 2, "source": "https://excalidraw.com",
                       "elements": [e for p in parts for e in p], "appState": {}, "files": {}})


def read(*parts: list[dict], name: str = "t") -> CanvasImport:
    return import_canvas_text(scene(*parts), "t.excalidraw", name)


# --- the current format -----------------------------------------------------------------------

def test_current_format_components(tmp_path):
    r = import_canvas(FIXTURES / "current.excalidraw")
    d = loads(r, tmp_path)
    assert d.name == "current"
    # Client, Load Balancer, Redis and Postgres are drawn in both frames: one component each
    assert kinds(d) == {
        "client": "client", "load-balancer": "load_balancer", "feed-service": "service",
        "post-service": "service", "fanout-worker": "worker", "kafka": "event_stream",
        "redis": "cache", "postgres": "data_store",
    }
    pg = d.architecture.component("postgres")
    assert (pg.technology, pg.storage.value, pg.name) == ("PostgreSQL", "relational", "Postgres")
    assert d.architecture.component("redis").technology == "Redis"
    assert d.architecture.component("kafka").technology == "Kafka"
    assert "rectangle 'Redis' -> cache (technology Redis)" in r.notes
    assert "ellipse 'Client' -> client" in r.notes
    assert "'Client' is drawn 2 times (frame 'Read path', frame 'Write path'): one component 'client'" in r.notes
    assert r.problems == []


def test_current_format_flows_from_frames_and_labels(tmp_path):
    r = import_canvas(FIXTURES / "current.excalidraw")
    arch = loads(r, tmp_path).architecture
    # read frame: Client -> LB -> Feed Service -> Redis, and Feed Service -> Postgres ("on a miss")
    assert [(f.id, hops(f)) for f in arch.read_paths] == [
        ("read-redis", ["client", "load-balancer", "feed-service", "redis"]),
        ("read-postgres", ["client", "load-balancer", "feed-service", "postgres"]),
    ]
    # write frame: Client -> LB -> Post Service -> Postgres; the worker's arrow to Redis is a flow of its own
    assert [(f.id, hops(f)) for f in arch.write_paths] == [
        ("write-postgres", ["client", "load-balancer", "post-service", "postgres"]),
        ("write-fanout-worker-redis", ["fanout-worker", "redis"]),
    ]
    # an arrow's bound label is the note of the hop it leads to
    assert arch.read_paths[0].hops[1].note == "GET /feed"
    assert arch.write_paths[0].hops[1].note == "POST /posts"
    assert arch.read_paths[1].hops[3].note == "on a miss"
    assert "flow read-redis: client -> load-balancer -> feed-service -> redis (read: frame 'Read path')" in r.notes
    assert "flow write-postgres: client -> load-balancer -> post-service -> postgres (write: frame 'Write path')" \
        in r.notes


def test_current_format_kafka_leg_is_an_async_edge(tmp_path):
    r = import_canvas(FIXTURES / "current.excalidraw")
    arch = loads(r, tmp_path).architecture
    (edge,) = arch.async_edges
    assert (edge.id, edge.producer, edge.via, edge.consumers, edge.event) == (
        "post-service-to-kafka", "post-service", "kafka", ["fanout-worker"], "post created")
    assert "async edge post-service-to-kafka: post-service -> kafka -> fanout-worker (dashed arrows)" in r.notes
    # the queue is no hop of a flow: the examples keep it off the request path
    assert all("kafka" not in hops(f) for f in arch.read_paths + arch.write_paths)


def test_current_format_requirements_note(tmp_path):
    r = import_canvas(FIXTURES / "current.excalidraw")
    d = loads(r, tmp_path)
    assert d.requirements.scope.in_scope == ["post a message", "read the home feed"]
    assert "text 'Requirements' -> requirements.scope.in_scope (2 items)" in r.notes
    # the Non-functional part has no free-text field: kept in the notes and the YAML header
    assert any("Non-functional requirements kept here" in n and "p99 feed read < 200 ms" in n for n in r.notes)
    assert "#   Non-functional requirements:\n#     - p99 feed read < 200 ms\n" in r.yaml


def test_yaml_header_says_where_it_came_from():
    r = import_canvas(FIXTURES / "current.excalidraw")
    first = r.yaml.splitlines()[0]
    assert first.startswith("# current: a design skeleton read from the Excalidraw canvas current.excalidraw")
    assert "\nname: current\n" in r.yaml


# --- the old format ----------------------------------------------------------------------------

def test_old_fixture_is_really_old():
    scene_ = json.loads((FIXTURES / "old-v1.excalidraw").read_text())
    assert scene_["version"] == 1 and "files" not in scene_
    for e in scene_["elements"]:
        assert not {"index", "frameId", "containerId", "boundElements", "lineHeight"} & set(e), e["id"]
        if e["type"] == "text":
            assert e["fontFamily"] == 1
        if e["type"] == "arrow":
            assert e["startBinding"] is None and e["endBinding"] is None


def test_old_format(tmp_path):
    r = import_canvas(FIXTURES / "old-v1.excalidraw")
    d = loads(r, tmp_path)
    assert kinds(d) == {"users": "client", "web-server": "service", "memcached": "cache", "mysql": "data_store"}
    assert d.architecture.component("mysql").storage.value == "relational"
    # unbound arrows, ends 14-30 px from the boxes; the MySQL arrow was drawn from MySQL with
    # its head at the start, so it points at MySQL; "GET /page" is free text beside the first arrow
    assert [(f.id, hops(f)) for f in d.architecture.read_paths] == [
        ("read-memcached", ["users", "web-server", "memcached"]),
        ("read-mysql", ["users", "web-server", "mysql"]),
    ]
    assert d.architecture.read_paths[0].hops[1].note == "GET /page"
    assert d.architecture.write_paths == []
    assert f"arrows not bound to a box were joined to the box their end lies in or within {NEAR_PX:g} px of" in r.notes
    assert "flow read-mysql: users -> web-server -> mysql (read: label 'GET /page')" in r.notes
    assert r.problems == []


def test_old_format_notes_under_separate_headings(tmp_path):
    r = import_canvas(FIXTURES / "old-v1.excalidraw")
    d = loads(r, tmp_path)
    # "Decisions:" heads its own text; each line is a decision with a title
    assert [(x.id, x.title) for x in d.decisions] == [
        ("memcached-in-front-of-mysql", "Memcached in front of MySQL"),
        ("single-mysql-primary", "single MySQL primary"),
    ]
    # "Back of the envelope" is a text of its own; the numbers are a second text just below it
    assert any(n.startswith("text '10K reads/s at peak' (under the heading for Estimates)") for n in r.notes)
    assert "#   Estimates:\n#     - 10K reads/s at peak\n#     - 2 TB a year\n" in r.yaml


# --- junk ---------------------------------------------------------------------------------------

def test_junk_is_reported_one_problem_each(tmp_path):
    r = import_canvas(FIXTURES / "junk.excalidraw")
    d = loads(r, tmp_path)
    assert kinds(d) == {"api": "service", "orders-db": "data_store"}
    assert d.architecture.component("orders-db").storage.value == "key_value"  # DynamoDB
    assert r.problems == [
        "image at (40, 300): images are not read",
        "freedraw at (300, 300): hand-drawn strokes are not read",
        "rectangle at (600, 300) has no label: not a component",
        f"arrow at (200, 75) from 'api' has a loose end: it reaches no box (none within {NEAR_PX:g} px)",
        "text 'remember to ask about GDPR' at (800, 60) is neither a box's label, an arrow's label nor under a "
        "phase heading: not read",
    ]
    assert "scene: Excalidraw excalidraw version 2 from https://excalidraw.com, 10 elements " \
           "(2 deleted ones skipped)" in r.notes
    assert "Deleted Service" not in r.yaml
    assert "# 5 things on the canvas could not be read; `tradeoff import` lists them." in r.yaml
    # no client: the flow starts where the arrows start, read by default
    assert [(f.id, hops(f)) for f in d.architecture.read_paths] == [("read-api-orders-db", ["api", "orders-db"])]
    assert "flows start at 'api': the drawing has no client" in r.notes


def test_not_a_scene():
    with pytest.raises(SchemaError) as exc:
        import_canvas(FIXTURES / "not-a-scene.json")
    e = exc.value
    assert isinstance(e, DesignError)
    assert (e.position.file, e.position.line, e.position.column) == (str(FIXTURES / "not-a-scene.json"), 1, 1)
    assert "not an Excalidraw scene" in e.message and 'no "type": "excalidraw"' in e.message
    assert "Save to disk" in e.hint


def test_truncated_json_points_at_the_decoder_line():
    with pytest.raises(SyntaxError_) as exc:
        import_canvas(FIXTURES / "truncated.excalidraw")
    # 11 lines, the last ends with a comma: the decoder expects a value at 12:1
    assert (exc.value.position.line, exc.value.position.column) == (12, 1)
    assert exc.value.message.startswith("JSON syntax: Expecting value")
    assert exc.value.hint
    assert str(exc.value).startswith(f"{FIXTURES / 'truncated.excalidraw'}:12:1: JSON syntax")


@pytest.mark.parametrize("content, error, line, message", [
    ("", SyntaxError_, 1, r"JSON syntax: Expecting value"),
    ('{"type": "excalidraw",\n "elements": [1, 2,]}', SyntaxError_, 2, r"JSON syntax"),
    ("[1, 2]", SchemaError, 1, r"not an Excalidraw scene: the JSON is list"),
    ("\n\n  null", SchemaError, 3, r"the JSON is null"),
    ('{"type": "excalidrawlib", "version": 2, "libraryItems": []}', SchemaError, 1, r"library"),
    ('{"type": "excalidraw", "elements": {}}', SchemaError, 1, r'"elements" is not a list'),
    ('{"type": "whiteboard", "elements": []}', SchemaError, 1, r"its type is 'whiteboard'"),
    ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', SyntaxError_, 1, r"SVG"),
])
def test_bad_input_is_a_design_error_with_a_position(content, error, line, message):
    with pytest.raises(error) as exc:
        import_canvas_text(content, "x.excalidraw")
    assert exc.value.position.file == "x.excalidraw" and exc.value.position.line == line
    assert re.search(message, exc.value.message)
    assert exc.value.hint


def test_bad_files(tmp_path):
    png = tmp_path / "canvas.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(SyntaxError_, match="PNG"):
        import_canvas(png)
    latin = tmp_path / "latin.excalidraw"
    latin.write_bytes(b'{"type": "excalidraw",\n "source": "caf\xe9"}')
    with pytest.raises(SyntaxError_) as exc:
        import_canvas(latin)
    # line 2 is ` "source": "caf\xe9"`: the Latin-1 byte is its 16th character
    assert (exc.value.position.line, exc.value.position.column) == (2, 16)
    with pytest.raises(DesignError, match="cannot read"):
        import_canvas(tmp_path / "missing.excalidraw")
    with pytest.raises(DesignError, match="folder"):
        import_canvas(tmp_path)


def test_an_empty_scene_is_an_empty_skeleton(tmp_path):
    r = import_canvas_text('{"type": "excalidraw", "version": 2, "elements": []}', "empty.excalidraw")
    d = loads(r, tmp_path)
    assert d.name == "empty" and d.components == []
    assert r.problems == ["the scene has no elements: the skeleton is empty"]


def test_broken_elements_are_skipped_not_fatal(tmp_path):
    raw = json.loads(scene(box("a", "API", 0, 0), box("b", "Postgres", 300, 0)))
    raw["elements"] += ["oops", {"type": "rectangle"}, {"id": "n", "type": "rectangle", "x": "left", "y": None,
                                                        "width": float("nan"), "height": 10}]
    r = import_canvas_text(json.dumps(raw), "t.excalidraw")
    loads(r, tmp_path)
    assert "element 4 is not an object: skipped" in r.problems
    assert "element 5 has no id or type: skipped" in r.problems
    assert "rectangle at (0, 0) has no label: not a component" in r.problems


# --- drawn by `tradeoff draw` --------------------------------------------------------------------

def test_drawn_scene_components_from_custom_data(tmp_path):
    r = import_canvas(FIXTURES / "drawn.excalidraw")
    d = loads(r, tmp_path)
    # each id drawn in both frames is one component; kinds come from customData, not the labels
    # ("Hot items" names no kind, "Email (SendGrid)" would be a guess too)
    assert kinds(d) == {
        "client": "client", "edge-lb": "load_balancer", "item-api": "service", "search-indexer": "worker",
        "item-events": "event_stream", "item-cache": "cache", "item-db": "data_store", "mailer": "external",
    }
    db = d.architecture.component("item-db")
    assert (db.name, db.technology, db.storage.value) == ("Items", "PostgreSQL", "relational")
    assert d.architecture.component("item-cache").technology == "Redis"
    assert "rectangle 'Hot items' -> cache (technology Redis; from customData), id 'item-cache'" in r.notes
    assert "'Items' is drawn 2 times (frame 'Read path', frame 'Write path'): one component 'item-db'" in r.notes
    assert r.problems == []


def test_drawn_scene_flows_are_exact(tmp_path):
    r = import_canvas(FIXTURES / "drawn.excalidraw")
    arch = loads(r, tmp_path).architecture
    # arrows are stored e3, e2, e1, e4: the order comes from from/to (e1's 'from' is no arrow's 'to')
    assert [(f.id, f.use_case, hops(f)) for f in arch.read_paths] == [
        ("read-item", "view-item", ["client", "edge-lb", "item-api", "item-cache"]),
        ("read-item-miss", "view-item", ["client", "edge-lb", "item-api", "item-db"]),
    ]
    assert [(f.id, f.use_case, hops(f)) for f in arch.write_paths] == [
        ("write-item", "create-item", ["client", "edge-lb", "item-api", "item-db"]),
    ]
    # labels on drawn arrows are draw's captions (use case and rate, the event cut short): not read back
    assert arch.read_paths[0].hops[1].note is None
    assert "labels on arrows that carry customData are the drawing's captions: not read back" in r.notes
    (edge,) = arch.async_edges
    assert (edge.id, edge.use_case, edge.producer, edge.via, edge.consumers, edge.event) == (
        "item-created", "create-item", "item-api", "item-events", ["search-indexer"], None)
    (call,) = arch.external_calls
    assert (call.id, call.caller, call.external, call.sync) == ("send-receipt", "item-api", "mailer", True)
    assert "flow read-item (read, from customData): client -> edge-lb -> item-api -> item-cache" in r.notes


def test_drawn_scene_use_cases_become_skeleton_use_cases(tmp_path):
    r = import_canvas(FIXTURES / "drawn.excalidraw")
    d = loads(r, tmp_path)
    assert [(u.id, u.name) for u in d.use_cases] == [("view-item", "view item"), ("create-item", "create item")]


@pytest.mark.parametrize("example", ["url-shortener", "news-feed", "chat"])
def test_draw_then_import_gives_the_design_back(example, tmp_path):
    """The bundled examples drawn by `tradeoff draw` and read back: every component, flow,
    async edge, external call and decision the canvas shows comes back as it was. What the
    canvas does not show cannot: list order, hop fan-out and notes, an external call's
    sync flag (its arrow is drawn solid either way), what a queue holds."""
    from tradeoff.examples import example_path
    from tradeoff.render.draw import draw

    design = load_design(example_path(example))
    r = import_canvas_text(draw(design, ["excalidraw"]).outputs["excalidraw"], f"{example}.excalidraw")
    back = loads(r, tmp_path)
    assert r.problems == []
    a, b = design.architecture, back.architecture

    def comps(x):
        return sorted((c.id, c.kind, c.name, c.technology, c.storage,
                       c.holds if c.kind in (ComponentKind.data_store, ComponentKind.cache) else None)
                      for c in x.components)

    def flows(fs):
        return sorted((f.id, f.use_case, [h.component for h in f.hops]) for f in fs)

    assert comps(b) == comps(a)
    assert flows(b.read_paths) == flows(a.read_paths)
    assert flows(b.write_paths) == flows(a.write_paths)
    assert sorted((e.id, e.use_case, e.producer, e.via, e.consumers, e.dead_letter) for e in b.async_edges) == \
        sorted((e.id, e.use_case, e.producer, e.via, e.consumers, e.dead_letter) for e in a.async_edges)
    assert sorted((x.id, x.use_case, x.caller, x.external) for x in b.external_calls) == \
        sorted((x.id, x.use_case, x.caller, x.external) for x in a.external_calls)
    assert [(d.title, d.choice.option, d.choice.technology, d.choice.component) for d in back.decisions] == \
        [(d.title, d.choice.option, d.choice.technology, d.choice.component) for d in design.decisions]
    assert [(d.tradeoff.gain, d.tradeoff.give_up) for d in back.decisions] == \
        [(d.tradeoff.gain, d.tradeoff.give_up) for d in design.decisions]
    assert back.requirements.restatement == " ".join(design.requirements.restatement.split())
    assert [o.item for o in back.requirements.scope.out_of_scope] == \
        [o.item for o in design.requirements.scope.out_of_scope]


def test_custom_data_wins_over_geometry(tmp_path):
    """Unbind every arrow and move it far from any box: customData from/to still say the ends."""
    raw = json.loads((FIXTURES / "drawn.excalidraw").read_text())
    for e in raw["elements"]:
        if e["type"] == "arrow":
            e.update(startBinding=None, endBinding=None, x=5000, y=5000, points=[[0, 0], [10, 0]])
    r = import_canvas_text(json.dumps(raw), "drawn.excalidraw")
    moved = loads(r, tmp_path)
    original = load_design_text(import_canvas(FIXTURES / "drawn.excalidraw").yaml)
    assert moved.model_dump() == original.model_dump()


def test_custom_data_and_hand_drawn_arrows_mix(tmp_path):
    """A box and an arrow added by hand to a drawn scene are read the hand-drawn way."""
    raw = json.loads((FIXTURES / "drawn.excalidraw").read_text())
    write_frame = next(e["id"] for e in raw["elements"] if e["type"] == "frame" and e["name"] == "Write path")
    items = next(e for e in raw["elements"] if e["frameId"] == write_frame
                 and (e.get("customData") or {}).get("tradeoff", {}).get("component") == "item-db")
    extra = box("bk", "Backups (S3)", items["x"] + 300, items["y"])
    raw["elements"] += extra + arrow("ab", [items], extra, label="nightly upload")
    r = import_canvas_text(json.dumps(raw), "drawn.excalidraw")
    d = loads(r, tmp_path)
    assert kinds(d)["backups"] == "data_store"
    assert d.architecture.component("backups").storage.value == "object_store"
    # no frame around it: the label's "upload" says write; the flow starts at item-db, which no client path reaches
    assert [(f.id, hops(f)) for f in d.architecture.write_paths][-1] == ("write-item-db-backups", ["item-db", "backups"])


def test_custom_data_chain_problems(tmp_path):
    def comp(eid, cid, kind, x):
        return box(eid, cid.upper(), x, 0, custom={"component": cid, "kind": kind})

    c, a, b, q, w = comp("1", "c", "client", 0), comp("2", "api", "service", 300), comp("3", "db", "data_store", 600), \
        comp("4", "q", "queue", 900), comp("5", "w", "worker", 1200)

    def tag(eid, x, y, path, flows):
        return arrow(eid, x, y, custom={"edge": eid, "path": path, "flows": flows, "from": x[0]["customData"]["tradeoff"]
                                        ["component"], "to": y[0]["customData"]["tradeoff"]["component"]})

    r = read(c, a, b, q, w,
             tag("e1", c, a, "write", ["write-x"]), tag("e2", a, b, "write", ["write-x"]),
             tag("e3", w, b, "write", ["write-x"]),             # a second start: not on the chain
             # draw merges the arrows of one pair of boxes, the first flow's path winning: this
             # arrow is write-y's hop into the queue and the async edge ev's producer leg at once
             tag("e4", a, q, "write", ["write-y", "ev"]), tag("e5", q, w, "async", ["ev"]))
    arch = loads(r, tmp_path).architecture
    assert [(f.id, hops(f)) for f in arch.write_paths] == [("write-x", ["c", "api", "db"]), ("write-y", ["api", "q"])]
    assert [(e.id, e.producer, e.via, e.consumers) for e in arch.async_edges] == [("ev", "api", "q", ["w"])]
    assert r.problems == [
        "flow write-x: 2 arrows start it (an arrow whose 'from' is no other arrow's 'to'); read from its first arrow",
        "flow write-x: arrow 'w' -> 'db' does not continue the path c -> api -> db: left out",
    ]


# --- one behaviour at a time ---------------------------------------------------------------------

def test_kind_from_custom_data_beats_the_label(tmp_path):
    r = read(box("a", "Redis", 0, 0, custom={"component": "sessions", "kind": "data_store", "storage": "key_value",
                                             "technology": "Redis"}))
    d = loads(r, tmp_path)
    c = d.architecture.component("sessions")
    assert (c.kind.value, c.storage.value, c.technology) == ("data_store", "key_value", "Redis")


def test_bad_custom_data_falls_back_to_the_label(tmp_path):
    r = read(box("a", "Redis", 0, 0, custom={"component": "9lives", "kind": "database", "storage": "tape"}))
    d = loads(r, tmp_path)
    assert kinds(d) == {"redis": "cache"}
    assert any("customData kind 'database' is not a component kind" in p for p in r.problems)
    assert any("customData component '9lives' is not a usable id" in p for p in r.problems)


def test_ids_are_slugs_deduplicated(tmp_path):
    # two "Worker" boxes in one place are two components; "Feed Service" and "feed-service" collide
    r = read(box("a", "Worker", 0, 0), box("b", "Worker", 0, 200), box("c", "Feed Service", 300, 0),
             box("d", "feed service!", 300, 200), box("e", "Café (Postgres)", 600, 0), box("f", "1st Cache", 600, 200))
    d = loads(r, tmp_path)
    assert kinds(d) == {"feed-service": "service", "feed-service-2": "service", "worker": "worker",
                        "worker-2": "worker", "cafe": "data_store", "cache-1st-cache": "cache"}
    assert "'Worker' is drawn again in the same frame: a second component 'worker-2'" in r.notes


def test_unknown_label_is_a_guessed_service(tmp_path):
    r = read(box("a", "Rate Limiter", 0, 0))
    assert kinds(loads(r, tmp_path)) == {"rate-limiter": "service"}
    assert "rectangle 'Rate Limiter' -> service (a guess: no word of the label says what it is)" in r.notes


def test_knowledge_base_technology_names(tmp_path):
    r = read(box("a", "Couchbase", 0, 0), box("b", "Profiles (Firestore)", 0, 200))
    d = loads(r, tmp_path)
    assert [(c.id, c.kind.value, c.storage.value, c.technology) for c in d.components] == [
        ("couchbase", "data_store", "document", "Couchbase"), ("profiles", "data_store", "document", "Firestore")]
    assert "rectangle 'Couchbase' -> data_store (technology Couchbase; storage document; the knowledge base " \
           "knows the technology)" in r.notes


def test_label_words_decide_read_or_write(tmp_path):
    c, s, k, db = box("c", "Client", 0, 0), box("s", "Upload Service", 300, 0), box("k", "Cache", 600, -150), \
        box("db", "S3", 600, 150)
    r = read(c, s, k, db, arrow("a1", c, s), arrow("a2", s, db, label="PUT object"), arrow("a3", s, k, label="fetch"))
    arch = loads(r, tmp_path).architecture
    assert [(f.id, hops(f)) for f in arch.read_paths] == [("read-cache", ["client", "upload-service", "cache"])]
    assert [(f.id, hops(f)) for f in arch.write_paths] == [("write-s3", ["client", "upload-service", "s3"])]
    assert "flow write-s3: client -> upload-service -> s3 (write: label 'PUT object')" in r.notes


def test_no_word_means_read_with_a_note(tmp_path):
    c, s = box("c", "Browser", 0, 0), box("s", "Backend", 300, 0)
    r = read(c, s, arrow("a", c, s))
    assert [hops(f) for f in loads(r, tmp_path).architecture.read_paths] == [["browser", "backend"]]
    assert "flow read-backend: browser -> backend (read by default: no customData, frame or label word says read " \
           "or write)" in r.notes


def test_a_cycle_is_broken_and_reported(tmp_path):
    c, a, b, x = box("c", "Client", 0, 0), box("a", "A Service", 300, 0), box("b", "B Service", 600, 0), \
        box("x", "C Service", 900, 0)
    r = read(c, a, b, x, arrow("1", c, a), arrow("2", a, b), arrow("3", b, x), arrow("4", x, a))
    arch = loads(r, tmp_path).architecture
    assert [hops(f) for f in arch.read_paths] == [["client", "a-service", "b-service", "c-service"]]
    assert r.problems == ["arrow 'c-service' -> 'a-service' closes a cycle (a-service -> b-service -> c-service -> "
                          "a-service): left out of the flows"]


def test_reversed_arrowhead_and_a_line(tmp_path):
    c, s, db = box("c", "Mobile", 0, 0), box("s", "API", 300, 0), box("db", "Cassandra", 600, 0)
    back = arrow("a", s, c)[0]  # drawn from the API to the client, the head at its start
    back.update(startArrowhead="arrow", endArrowhead=None)
    line = arrow("l", s, db)[0]
    line.update(type="line", startArrowhead=None, endArrowhead=None, startBinding=None, endBinding=None)
    r = read(c, s, db, [back], [line])
    assert [hops(f) for f in loads(r, tmp_path).architecture.read_paths] == [["mobile", "api", "cassandra"]]
    assert any(n.startswith("line at (465, 35) ('api' - 'cassandra') read as an arrow in the direction it was drawn")
               for n in r.notes)


def test_solid_arrows_at_a_queue_and_a_dead_letter_queue(tmp_path):
    p, q, w, dlq = box("p", "Order Service", 0, 0), box("q", "SQS", 300, 0), box("w", "Billing Worker", 600, 0), \
        box("d", "DLQ", 600, 200)
    r = read(p, q, w, dlq, arrow("1", p, q, label="order placed"), arrow("2", q, w), arrow("3", q, dlq, dashed=True))
    (edge,) = loads(r, tmp_path).architecture.async_edges
    assert (edge.producer, edge.via, edge.consumers, edge.dead_letter, edge.event) == (
        "order-service", "sqs", ["billing-worker"], "dlq", "order placed")
    assert "async edge order-service-to-sqs: order-service -> sqs -> billing-worker, dead letters to dlq " \
           "(2 solid arrow(s) at a queue or stream read as async too)" in r.notes


def test_a_queue_without_consumer_is_a_problem(tmp_path):
    p, q = box("p", "Order Service", 0, 0), box("q", "Kafka", 300, 0)
    r = read(p, q, arrow("1", p, q, dashed=True))
    assert loads(r, tmp_path).architecture.async_edges == []
    assert r.problems == ["arrow 'order-service' -> 'kafka': no arrow leaves 'kafka' for a consumer, so there is no "
                          "async edge (it needs one)"]


def test_external_calls(tmp_path):
    c, s, x = box("c", "Client", 0, 0), box("s", "Payment Service", 300, 0), box("x", "Stripe", 600, 0)
    r = read(c, s, x, arrow("1", c, s), arrow("2", s, x, label="charge card", dashed=True))
    arch = loads(r, tmp_path).architecture
    (call,) = arch.external_calls
    assert (call.id, call.caller, call.external, call.purpose, call.sync) == (
        "payment-service-calls-stripe", "payment-service", "stripe", "charge card", False)
    assert [hops(f) for f in arch.read_paths] == [["client", "payment-service"]]


def test_arrow_bound_to_a_label_or_to_nothing_useful(tmp_path):
    c, s = box("c", "Client", 0, 0), box("s", "API", 300, 0)
    a = arrow("1", c, s)[0]
    a["endBinding"]["elementId"] = "s-t"  # bound to the API's label text: the API
    note = box("n", "Requirements\n- shorten links", 0, 300)
    b = arrow("2", c, note)[0]
    r = read(c, s, note, [a], [b])
    d = loads(r, tmp_path)
    assert [hops(f) for f in d.architecture.read_paths] == [["client", "api"]]
    assert d.requirements.scope.in_scope == ["shorten links"]
    assert r.problems == ["arrow at (-5, 35) from 'client' has a loose end: it is bound to rectangle "
                          "'Requirements - shorten links', which is not a component"]


def test_phase_notes_go_to_their_fields(tmp_path):
    r = read(
        text("1", "Problem: a URL shortener for a social network", 0, 0),
        text("2", "Functional\n- shorten a link\n- redirect", 0, 100),
        text("3", "Out of scope:\n- analytics\n- custom domains", 0, 250),
        text("4", "## Assumptions\n* links never expire", 0, 400),
        text("5", "Access patterns: 100:1 reads to writes", 0, 550),
        text("6", "Deep dives\n1. hot keys on viral links\n2. unique code generation", 400, 0),
        text("7", "Decisions\n- DynamoDB for links", 400, 200),
        text("8", "Wrap-up\nKey-value store behind a cache; codes from a counter range.", 400, 350),
        text("9", "Questions\n- do links expire?", 400, 500),
    )
    d = loads(r, tmp_path)
    req = d.requirements
    assert req.restatement == "a URL shortener for a social network"
    assert req.scope.in_scope == ["shorten a link", "redirect"]
    assert [o.item for o in req.scope.out_of_scope] == ["analytics", "custom domains"]
    assert req.assumptions == ["links never expire"]
    assert req.access_patterns.notes == "100:1 reads to writes"
    assert req.clarifying_questions == ["do links expire?"]
    assert d.architecture.interesting_challenges == ["hot keys on viral links", "unique code generation"]
    assert [(x.id, x.title) for x in d.decisions] == [("dynamodb-for-links", "DynamoDB for links")]
    assert d.wrap_up.summary == "Key-value store behind a cache; codes from a counter range."
    assert r.problems == []


def test_wrapped_notes_and_decision_steps(tmp_path):
    prose = ("We turn long URLs into short aliases and redirect\nanyone who opens one to the original, fast\n"
             "and reliably.")
    r = read(frame("f", "Requirements", 0, 0, 900, 900), text("1", prose, 20, 40, frame="f"),
             text("2", "Non-functional", 20, 200, frame="f"),
             text("3", "• latency redirect: p50 10 ms, p99 60\nms\n• availability 99.99%", 20, 230, frame="f"),
             frame("g", "Decisions", 1000, 0, 900, 900),
             text("4", "D1 A key-value store for\nlinks", 1020, 40, frame="g"),
             text("5", "chose Amazon DynamoDB (key_value) for\nlink-store\ngain fast key reads; give up joins\n"
                       "rejected relational, wide_column", 1020, 100, frame="g"),
             text("6", "D2 Memcached in front\nchose Memcached for hot-cache", 1020, 300, frame="g"),
             box("s", "Link Store", 2000, 0))
    d = loads(r, tmp_path)
    # unbulleted wrapped sentences in a Requirements frame restate the problem, on one line
    assert d.requirements.restatement == ("We turn long URLs into short aliases and redirect anyone who opens one "
                                          "to the original, fast and reliably.")
    # the text under the Non-functional heading text: each bullet is one item, its wrapped tail joined back
    assert "#   Non-functional requirements:\n#     - latency redirect: p50 10 ms, p99 60 ms\n" \
           "#     - availability 99.99%\n" in r.yaml
    # decisions as `tradeoff draw` writes them: a numbered title (wrapped), then its steps
    first, second = d.decisions
    assert (first.id, first.title) == ("a-key-value-store-for-links", "A key-value store for links")
    assert (first.choice.option, first.choice.technology, first.choice.component) == (
        "key_value", "Amazon DynamoDB", "link-store")
    assert (first.tradeoff.gain, first.tradeoff.give_up) == ("fast key reads", "joins")
    assert [x.option for x in first.rejected] == ["relational", "wide_column"]
    # a component the canvas does not have is left out of the choice, and said
    assert (second.title, second.choice.technology, second.choice.component) == ("Memcached in front", "Memcached",
                                                                                 None)
    assert r.problems == ["decision 'Memcached in front': 'hot-cache' is no component of the canvas: its choice "
                          "names no component"]


def test_a_phase_frame_makes_its_text_notes(tmp_path):
    r = read(frame("f", "Estimates", 0, 0, 600, 400), text("1", "10K QPS at peak", 20, 40, frame="f"),
             box("b", "2 TB a year", 20, 200, frame="f"),
             frame("g", "Phase 5: Wrap-up", 700, 0, 400, 400), text("2", "Cache in front of Postgres.", 720, 40, "g"))
    d = loads(r, tmp_path)
    assert d.components == []  # a box inside a phase frame is a note, not a component
    assert d.wrap_up.summary == "Cache in front of Postgres."
    assert "frame 'Estimates': the text in it is Estimates notes" in r.notes
    # notes in reading order (the text at y=40, then the box at y=200), one list per phase
    assert "#   Estimates:\n#     - 10K QPS at peak\n#     - 2 TB a year\n" in r.yaml


def test_a_box_around_boxes_is_a_boundary(tmp_path):
    r = read(box("region", "us-east-1", 0, 0, 700, 400), box("a", "API", 40, 100), box("b", "Postgres", 400, 100))
    d = loads(r, tmp_path)
    assert kinds(d) == {"api": "service", "postgres": "data_store"}
    assert "rectangle 'us-east-1' encloses 2 other labelled shape(s): read as a boundary, not a component" in r.notes


def test_free_text_on_a_shape_is_its_label(tmp_path):
    shape = box("a", None, 0, 0)
    r = read(shape, text("t", "Redis", 50, 20), text("u", "(sessions)", 40, 45))
    d = loads(r, tmp_path)
    # the first line names it, the rest are its notes
    assert [(c.id, c.kind.value, c.name, c.notes) for c in d.components] == [("redis", "cache", "Redis", "(sessions)")]


def test_same_input_same_output():
    for name in ("current.excalidraw", "old-v1.excalidraw", "junk.excalidraw", "drawn.excalidraw"):
        a, b = import_canvas(FIXTURES / name), import_canvas(FIXTURES / name)
        assert (a.yaml, a.notes, a.problems, a.design) == (b.yaml, b.notes, b.problems, b.design), name


# --- the word table -------------------------------------------------------------------------------

@pytest.mark.parametrize("label, kind, extra", [
    # load balancers, with their layer when the word says it
    ("LB", "load_balancer", {}), ("Load Balancer", "load_balancer", {}),
    ("ALB", "load_balancer", {"layer": "L7", "technology": "ALB"}),
    ("NLB", "load_balancer", {"layer": "L4", "technology": "NLB"}),
    ("nginx", "load_balancer", {"layer": "L7", "technology": "NGINX"}),
    ("HAProxy", "load_balancer", {"technology": "HAProxy", "layer": None}),
    ("Envoy", "load_balancer", {"layer": "L7", "technology": "Envoy"}),
    ("L4 LB", "load_balancer", {"layer": "L4"}), ("L7 Load Balancer", "load_balancer", {"layer": "L7"}),
    # caches, queues, streams
    ("Redis", "cache", {"technology": "Redis"}), ("Timeline Cache (Redis)", "cache", {"technology": "Redis"}),
    ("Memcached", "cache", {"technology": "Memcached"}),
    ("Kafka", "event_stream", {"technology": "Kafka"}), ("Kinesis", "event_stream", {"technology": "Kinesis"}),
    ("Pulsar", "event_stream", {"technology": "Pulsar"}),
    ("SQS", "queue", {"technology": "SQS"}), ("RabbitMQ", "queue", {"technology": "RabbitMQ"}),
    # data stores and their storage kind
    ("Postgres", "data_store", {"storage": "relational", "technology": "PostgreSQL"}),
    ("PostgreSQL", "data_store", {"storage": "relational"}), ("MySQL", "data_store", {"storage": "relational"}),
    ("Aurora", "data_store", {"storage": "relational"}), ("Spanner", "data_store", {"storage": "relational"}),
    ("CockroachDB", "data_store", {"storage": "relational"}),
    ("Cassandra", "data_store", {"storage": "wide_column"}), ("ScyllaDB", "data_store", {"storage": "wide_column"}),
    ("HBase", "data_store", {"storage": "wide_column"}), ("Bigtable", "data_store", {"storage": "wide_column"}),
    ("DynamoDB", "data_store", {"storage": "key_value"}), ("MongoDB", "data_store", {"storage": "document"}),
    ("Elasticsearch", "data_store", {"storage": "search"}), ("OpenSearch", "data_store", {"storage": "search"}),
    ("S3", "data_store", {"storage": "object_store"}), ("GCS", "data_store", {"storage": "object_store"}),
    ("Blob Storage", "data_store", {"storage": "object_store"}),
    ("object storage", "data_store", {"storage": "object_store"}),
    ("Neo4j", "data_store", {"storage": "graph"}), ("InfluxDB", "data_store", {"storage": "time_series"}),
    ("TimescaleDB", "data_store", {"storage": "time_series"}),
    ("Order DB (Postgres)", "data_store", {"storage": "relational"}),
    ("Users (Postgres)", "data_store", {"storage": "relational"}),  # a weak head gives way
    ("Session Store (Redis)", "data_store", {"storage": "key_value", "technology": "Redis"}),
    # edge
    ("CDN", "cdn", {}), ("CloudFront", "cdn", {"technology": "CloudFront"}), ("Akamai", "cdn", {}),
    ("Fastly", "cdn", {}), ("DNS", "dns", {}), ("Route 53", "dns", {"technology": "Amazon Route 53"}),
    # gateways
    ("API Gateway", "api_gateway", {}), ("WebSocket Gateway", "realtime_gateway", {}),
    ("WebSocket Server", "realtime_gateway", {}), ("Realtime gateway", "realtime_gateway", {}),
    # clients (and a role word beats 'user')
    ("Client", "client", {}), ("Browser", "client", {}), ("Mobile", "client", {}), ("Web", "client", {}),
    ("Mobile App", "client", {}), ("Users", "client", {}), ("User Service", "service", {}),
    # services, workers, schedulers
    ("Feed Service", "service", {}), ("App Server", "service", {}), ("API", "service", {}),
    ("Backend", "service", {}), ("Redis Server", "cache", {}),
    ("Fanout Worker", "worker", {}), ("Kafka Consumer", "worker", {}), ("Stream Processor", "worker", {}),
    ("Scheduler", "scheduler", {}), ("Cron Job", "scheduler", {}),
    # coordination
    ("ZooKeeper", "coordination", {}), ("etcd", "coordination", {}), ("Consul", "coordination", {}),
    # external dependencies
    ("Stripe", "external", {"technology": "Stripe"}), ("Twilio", "external", {}), ("SendGrid", "external", {}),
    ("Third-party API", "external", {}), ("External Service", "external", {}),
    ("Payment Gateway (Stripe)", "external", {}),
    # the knowledge base's technologies for names the table does not know
    ("Couchbase", "data_store", {"storage": "document", "technology": "Couchbase"}),
    ("Solr", "data_store", {"storage": "search"}), ("Redpanda", "event_stream", {"technology": "Redpanda"}),
])
def test_word_table(label, kind, extra):
    g = guess_kind(label)
    assert g.kind.value == kind, label
    for key, want in extra.items():
        got = getattr(g, key)
        assert (got.value if hasattr(got, "value") else got) == want, (label, key)


def test_unknown_words_are_a_guess():
    g = guess_kind("Rate Limiter")
    assert (g.kind, g.how) == (ComponentKind.service, "guess")


def test_word_table_agrees_with_the_knowledge_base():
    kb = knowledge_base()
    words = canvas_words()
    assert set(words.options) <= {o.id for o in kb.options}
    for entry in words.kinds:
        if entry.kind is ComponentKind.data_store and entry.storage and entry.technology:
            tables = [o.id for o in kb.for_technology(entry.technology) if o.table == "data_storage"]
            assert tables in ([], [entry.storage.value]), entry.technology
    for comp in words.options.values():
        assert comp.storage is None or comp.kind is ComponentKind.data_store


def test_every_kind_has_words():
    assert {e.kind for e in canvas_words().kinds} == set(ComponentKind)


# --- any scene at all gives a skeleton the loader accepts ---------------------------------------------

LABELS = ["Client", "LB", "Feed Service", "Redis", "Postgres", "Kafka", "Worker", "Stripe", "Foo", "DLQ",
          "Requirements\n- a", "Decisions\n- b", "yes", "null", "1.5", "a: b", "Café", "", None]
FRAMES = ["Read path", "Write path", "Estimates", "Overview"]


@st.composite
def scenes(draw):
    n = draw(st.integers(1, 7))
    parts: list[list[dict]] = []
    frames = draw(st.lists(st.sampled_from(FRAMES), max_size=2, unique=True))
    fids = [f"f{i}" for i in range(len(frames))]
    for i, name in enumerate(frames):
        parts.append(frame(fids[i], name, i * 2000 - 100, -100, 1900, 1900))
    shapes = []
    for i in range(n):
        label = draw(st.sampled_from(LABELS))
        custom = None
        if draw(st.booleans()) and draw(st.booleans()):
            custom = {"component": draw(st.sampled_from(["a", "b", "svc", "q"])),
                      "kind": draw(st.sampled_from([k.value for k in ComponentKind]))}
        x, y = draw(st.integers(0, 9)) * 200 + (2000 if fids and draw(st.booleans()) else 0), draw(st.integers(0, 8)) * 150
        fr = next((fid for j, fid in enumerate(fids) if j * 2000 - 100 <= x < j * 2000 + 1800), None)
        shapes.append(box(f"s{i}", label, x, y, frame=fr, custom=custom))
        parts.append(shapes[-1])
    for j in range(draw(st.integers(0, 10))):
        a, b = draw(st.sampled_from(shapes)), draw(st.sampled_from(shapes))
        custom = None
        if draw(st.booleans()) and draw(st.booleans()):
            custom = {"path": draw(st.sampled_from(["read", "write", "async", "dead_letter", "external", "weird"])),
                      "flows": draw(st.lists(st.sampled_from(["f1", "f2", "bad id", "async-x"]), max_size=2)),
                      "from": draw(st.sampled_from(["a", "b", "svc", "q", "zz"])),
                      "to": draw(st.sampled_from(["a", "b", "svc", "q", "zz"])),
                      "use_cases": draw(st.lists(st.sampled_from(["u1", "u2"]), max_size=2))}
        el = arrow(f"a{j}", a, b, label=draw(st.sampled_from([None, "GET", "POST /x", "read and write"])),
                   dashed=draw(st.booleans()), custom=custom)
        if draw(st.booleans()):
            el[0].update(startBinding=None, endBinding=None)
        parts.append(el)
    if draw(st.booleans()):
        parts.append(text("tx", draw(st.sampled_from(["Requirements\n- x", "loose words", "Wrap-up: done"])),
                          draw(st.integers(0, 2000)), draw(st.integers(0, 1200))))
    return scene(*parts)


@settings(max_examples=150, deadline=None)
@given(scenes())
def test_any_scene_gives_a_valid_deterministic_skeleton(text_):
    r = import_canvas_text(text_, "prop.excalidraw")
    assert not any("does not validate" in p for p in r.problems), r.problems
    load_design_text(r.yaml, "prop.design.yaml")
    assert yaml.safe_load(r.yaml) == r.design
    again = import_canvas_text(text_, "prop.excalidraw")
    assert (again.yaml, again.notes, again.problems) == (r.yaml, r.notes, r.problems)

"""The Excalidraw scene is complete and self-consistent by the format's own rules (the browser
test then loads it with the real library): unique ids, labels bound both ways, arrows bound at
both ends and listed by the boxes they touch, frames owning their children, valid fractional
indices in order, and byte-identical output for the same design."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design
from tradeoff.render.draw import draw
from tradeoff.render.excalidraw import fractional_index


def scene_of(name: str) -> dict:
    return json.loads(draw(load_design(resolve(name)), ["excalidraw"]).outputs["excalidraw"])


def test_fractional_indices_follow_the_fractional_indexing_sequence():
    # fractional-indexing (rocicorp), generateKeyBetween(prev, null): a0, a1, ... a9, aA, ... az,
    # then the integer part grows a digit: b00, b01, ... bzz, c000
    assert [fractional_index(i) for i in (0, 1, 9, 10, 35, 36, 61)] == ["a0", "a1", "a9", "aA", "aZ", "aa", "az"]
    assert fractional_index(62) == "b00"
    assert fractional_index(63) == "b01"
    assert fractional_index(62 + 62 * 62 - 1) == "bzz"
    assert fractional_index(62 + 62 * 62) == "c000"
    keys = [fractional_index(i) for i in range(5000)]
    assert keys == sorted(keys) and len(set(keys)) == 5000  # ASCII order is the stacking order


@pytest.mark.parametrize("name", list_examples())
def test_scene_is_self_consistent(name):
    scene = scene_of(name)
    assert scene["type"] == "excalidraw" and scene["version"] == 2
    els = scene["elements"]
    by_id = {e["id"]: e for e in els}
    assert len(by_id) == len(els), "duplicate element ids"
    assert [e["index"] for e in els] == sorted(e["index"] for e in els)
    frames = {e["id"] for e in els if e["type"] == "frame"}
    assert {"read", "write", "requirements", "numbers", "decisions"} <= frames
    for e in els:
        assert e["frameId"] is None or e["frameId"] in frames
        if e["type"] == "text" and e["containerId"]:
            container = by_id[e["containerId"]]
            assert {"id": e["id"], "type": "text"} in container["boundElements"]
            assert container["frameId"] == e["frameId"]
        if e["type"] == "arrow":
            for end in ("startBinding", "endBinding"):
                target = by_id[e[end]["elementId"]]
                assert {"id": e["id"], "type": "arrow"} in target["boundElements"]
            assert e["points"][0] == [0, 0]
        for b in e["boundElements"] or []:
            other = by_id[b["id"]]
            assert other["type"] == b["type"]
            if b["type"] == "text":
                assert other["containerId"] == e["id"]
            else:
                assert e["id"] in (other["startBinding"]["elementId"], other["endBinding"]["elementId"])


@pytest.mark.parametrize("name", list_examples())
def test_every_component_and_flow_hop_is_on_the_canvas(name):
    design = load_design(resolve(name))
    scene = scene_of(name)
    drawn = {e["customData"]["tradeoff"]["component"] for e in scene["elements"]
             if "component" in e.get("customData", {}).get("tradeoff", {})}
    assert drawn == {c.id for c in design.architecture.components}
    edges = {(e["customData"]["tradeoff"]["from"], e["customData"]["tradeoff"]["to"], e["frameId"])
             for e in scene["elements"] if e["type"] == "arrow"}
    arch = design.architecture
    for which, flows in (("read", arch.read_paths), ("write", arch.write_paths)):
        for f in flows:
            hops = [h.component for h in f.hops]
            for a, b in zip(hops, hops[1:]):
                assert (a, b, which) in edges, f"{f.id}: {a} -> {b} missing from the {which} frame"
    for e in arch.async_edges:
        assert (e.producer, e.via, "write") in edges
        for c in e.consumers:
            assert (e.via, c, "write") in edges


def test_async_legs_are_dashed_and_sync_hops_solid():
    scene = scene_of("url-shortener")
    for e in scene["elements"]:
        if e["type"] == "arrow":
            path = e["customData"]["tradeoff"]["path"]
            assert (e["strokeStyle"] == "dashed") == (path in ("async", "dead_letter")), e["id"]


def test_same_design_gives_the_same_bytes_across_processes():
    code = ("import sys; from tradeoff.render.draw import draw; from tradeoff.io.load import load_design; "
            "from tradeoff.examples import resolve; "
            "r = draw(load_design(resolve('news-feed')), ['excalidraw', 'svg', 'mermaid', 'png'], png_scale=0.3); "
            "import hashlib; print(*[hashlib.sha256(v if isinstance(v, bytes) else v.encode()).hexdigest() "
            "for v in r.outputs.values()])")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert runs[0] == runs[1]

"""Every generated scene loads in the real Excalidraw (0.18.1, its own restore path, in
headless Chromium) with nothing dropped or repaired, renders to PNG with the real library,
the Mermaid parses with the real mermaid, and the text sizes match the browser's own
measurement of the same font. Skips locally without Node/Chromium; never in CI."""

from __future__ import annotations

import json
import struct

import pytest

from tests.render.generated import generated_design
from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design
from tradeoff.render import fonts
from tradeoff.render.draw import draw
from tradeoff.render.excalidraw import fractional_index


def _outputs(design):
    return draw(design, ["excalidraw", "mermaid"]).outputs


@pytest.mark.parametrize("name", list_examples())
def test_example_scene_loads_unchanged_in_real_excalidraw(excalidraw, name):
    scene = _outputs(load_design(resolve(name)))["excalidraw"]
    assert excalidraw.check_scene(scene) == []


def test_generated_100_component_scene_loads_unchanged(excalidraw):
    scene = _outputs(generated_design(100))["excalidraw"]
    assert excalidraw.check_scene(scene) == []


def test_checker_sees_a_dropped_binding(excalidraw):
    scene = json.loads(_outputs(load_design(resolve("url-shortener")))["excalidraw"])
    arrow = next(e for e in scene["elements"] if e["type"] == "arrow")
    arrow["endBinding"]["elementId"] = "no-such-box"
    assert excalidraw.check_scene(scene) != []


@pytest.mark.parametrize("name", list_examples())
def test_real_excalidraw_renders_the_scene_to_png(excalidraw, name, tmp_path):
    scene = json.loads(_outputs(load_design(resolve(name)))["excalidraw"])
    png = excalidraw.export_png(scene, 1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    # the export spans every element (plus Excalidraw's padding): at least the frames' extent
    xs = [e["x"] + e["width"] for e in scene["elements"]]
    ys = [e["y"] + e["height"] for e in scene["elements"]]
    assert width >= max(xs) - min(e["x"] for e in scene["elements"])
    assert height >= max(ys) - min(e["y"] for e in scene["elements"])
    (tmp_path / f"{name}.png").write_bytes(png)


@pytest.mark.parametrize("name", list_examples())
def test_mermaid_parses_with_real_mermaid(excalidraw, name):
    text = _outputs(load_design(resolve(name)))["mermaid"]
    assert excalidraw.parse_mermaid(text) is None


def test_mermaid_checker_rejects_a_broken_chart(excalidraw):
    text = _outputs(load_design(resolve("chat")))["mermaid"].replace("-->", "-->(", 1)
    assert excalidraw.parse_mermaid(text) is not None


def test_label_widths_match_the_browser_measure(excalidraw):
    samples = ["Redirect Service", "Amazon DynamoDB (on-demand)", "x12 · 3 AZ · hit 85%",
               "holds every short link (code -> URL, owner)", "AV To Wa Ty", "L7 load balancer"]
    for size in (14, 16, 20):
        browser = excalidraw.measure_text(samples, fonts.EXCALIDRAW_FAMILY, size)
        ours = [fonts.text_width(s, size) for s in samples]
        for s, b, o in zip(samples, browser, ours):
            assert abs(b - o) <= 0.5, f"{s!r} at {size}px: browser {b}, ours {o}"


def test_fractional_indices_match_the_library(excalidraw):
    assert excalidraw.fractional_keys(4000) == [fractional_index(i) for i in range(4000)]


def test_a_revised_canvas_with_crossed_out_text_loads_unchanged(excalidraw):
    # whatif's canvas: the Revision frame draws each old approach with a line element across it
    from tradeoff.examples import example_path
    from tradeoff.render.canvas import Revision

    rev = Revision("Messages of EU users stay in the EU", [("message-store.regions: (not set)",
                                                           "message-store.regions: 2")], ["message-store"], ["ws-lb"])
    scene = json.loads(draw(load_design(example_path("chat")), ["excalidraw"], revision=rev).outputs["excalidraw"])
    strikes = [e for e in scene["elements"] if e["type"] == "line"]
    assert strikes and all(e["customData"]["tradeoff"]["strikes"].startswith("revision:old") for e in strikes)
    assert excalidraw.check_scene(scene) == []

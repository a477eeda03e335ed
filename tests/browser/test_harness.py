"""The browser harness itself: each check it offers can say yes and can say no."""

from __future__ import annotations

import copy
import itertools
import struct
from typing import Any

import pytest

from tests.browser.harness import ExcalidrawHarness, _unavailable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _element(element_id: str, element_type: str, x: float, y: float, width: float,
             height: float, index: str, **fields: Any) -> dict[str, Any]:
    """Every field Excalidraw 0.18 itself saves for an element (data/restore.ts)."""
    element = {
        "id": element_id, "type": element_type, "x": x, "y": y, "width": width,
        "height": height, "angle": 0, "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent", "fillStyle": "solid", "strokeWidth": 2,
        "strokeStyle": "solid", "roughness": 1, "opacity": 100, "groupIds": [],
        "frameId": "read-path", "index": index, "roundness": None, "seed": 7,
        "version": 1, "versionNonce": 11, "isDeleted": False, "boundElements": [],
        "updated": 1, "link": None, "locked": False,
    }
    element.update(fields)
    return element


def _label(element_id: str, container_id: str, x: float, y: float, index: str,
           text: str) -> dict[str, Any]:
    return _element(
        element_id, "text", x, y, 100, 25, index, text=text, originalText=text,
        fontSize=20, fontFamily=5, textAlign="center", verticalAlign="middle",
        containerId=container_id, autoResize=True, lineHeight=1.25,
    )


def tiny_scene() -> dict[str, Any]:
    """Two labelled boxes and an arrow bound to both, inside the frame "Read path"."""
    elements = [
        _element("api", "rectangle", 100, 100, 160, 80, "a0",
                 boundElements=[{"type": "text", "id": "api-label"},
                                {"type": "arrow", "id": "api-to-db"}]),
        _label("api-label", "api", 130, 127.5, "a1", "API"),
        _element("db", "rectangle", 460, 100, 160, 80, "a2",
                 boundElements=[{"type": "text", "id": "db-label"},
                                {"type": "arrow", "id": "api-to-db"}]),
        _label("db-label", "db", 490, 127.5, "a3", "Database"),
        # From 5 px right of api (x 260 + gap 5) to 5 px left of db (x 460 - gap 5).
        _element("api-to-db", "arrow", 265, 140, 190, 0, "a4",
                 roundness={"type": 2}, points=[[0, 0], [190, 0]], lastCommittedPoint=None,
                 startBinding={"elementId": "api", "focus": 0, "gap": 5},
                 endBinding={"elementId": "db", "focus": 0, "gap": 5},
                 startArrowhead=None, endArrowhead="arrow", elbowed=False),
        _element("read-path", "frame", 40, 40, 640, 200, "a5", frameId=None,
                 name="Read path", strokeColor="#bbb", roughness=0),
    ]
    return {
        "type": "excalidraw", "version": 2, "source": "tradeoff tests", "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": 20}, "files": {},
    }


def _by_id(scene: dict[str, Any], element_id: str) -> dict[str, Any]:
    return next(e for e in scene["elements"] if e["id"] == element_id)


def test_tiny_valid_scene_has_no_problems(excalidraw: ExcalidrawHarness) -> None:
    assert excalidraw.check_scene(tiny_scene()) == []


def test_restore_returns_the_scene_unchanged(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    assert excalidraw.restore(scene)["elements"] == scene["elements"]


def test_text_whose_container_is_missing_is_reported(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    _by_id(scene, "api-label")["containerId"] = "gone"
    problems = excalidraw.check_scene(scene)
    assert any("'api-label'" in p and "containerId" in p for p in problems), problems


def test_arrow_bound_to_missing_element_is_reported(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    _by_id(scene, "api-to-db")["endBinding"]["elementId"] = "gone"
    problems = excalidraw.check_scene(scene)
    assert any("'api-to-db'" in p and "endBinding" in p for p in problems), problems


def test_container_not_listing_its_label_is_reported(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    _by_id(scene, "db")["boundElements"] = [{"type": "arrow", "id": "api-to-db"}]
    problems = excalidraw.check_scene(scene)
    assert any("'db'" in p and "boundElements" in p for p in problems), problems


def test_arrow_missing_from_bound_shape_is_reported(excalidraw: ExcalidrawHarness) -> None:
    # restore keeps this one; the harness's own cross-check must catch it.
    scene = tiny_scene()
    _by_id(scene, "db")["boundElements"] = [{"type": "text", "id": "db-label"}]
    problems = excalidraw.check_scene(scene)
    assert any("'api-to-db'" in p and "does not list the arrow" in p for p in problems), problems


def test_scene_without_index_is_reported_as_repaired(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    for element in scene["elements"]:
        del element["index"]
    problems = excalidraw.check_scene(scene)
    for element in scene["elements"]:
        assert any(f"'{element['id']}': index missing" in p for p in problems), problems


def test_null_bound_elements_is_no_change(excalidraw: ExcalidrawHarness) -> None:
    # Excalidraw's own new elements carry boundElements null; restore turns it into [].
    scene = tiny_scene()
    _by_id(scene, "api-label")["boundElements"] = None
    assert excalidraw.check_scene(scene) == []


def test_dropped_element_is_reported(excalidraw: ExcalidrawHarness) -> None:
    # Excalidraw drops a shape with zero width and height (isInvisiblySmallElement).
    scene = tiny_scene()
    scene["elements"].append(_element("dot", "rectangle", 50, 50, 0, 0, "a6"))
    assert "rectangle 'dot': dropped by restore" in excalidraw.check_scene(scene)


def test_changed_field_is_reported(excalidraw: ExcalidrawHarness) -> None:
    # restore recomputes an arrow's width from its points (getSizeFromPoints): 190, not 100.
    scene = tiny_scene()
    _by_id(scene, "api-to-db")["width"] = 100
    assert excalidraw.check_scene(scene) == [
        "arrow 'api-to-db': width changed by restore: 100 -> 190"
    ]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_export_png(excalidraw: ExcalidrawHarness) -> None:
    # Only the frame counts for the bounds (its children are clipped to it) plus the frame's
    # name, 14 px Helvetica at line height 1.25 = 17.5 px tall, drawn 3 px above it; then
    # 10 px export padding on each side (DEFAULT_EXPORT_PADDING), the canvas truncating:
    # width 640 + 2*10 = 660; height 200 + 17.5 + 3 + 2*10 = 240.5.
    one = excalidraw.export_png(tiny_scene())
    two = excalidraw.export_png(tiny_scene(), scale=2)
    assert len(one) > 0 and len(two) > len(one)
    assert _png_size(one) == (660, 240)
    assert _png_size(two) == (1320, 481)


def test_parse_mermaid(excalidraw: ExcalidrawHarness) -> None:
    assert excalidraw.parse_mermaid("flowchart LR\n a-->b") is None
    error = excalidraw.parse_mermaid("flowchart LR\n a-->")
    assert error is not None and "Parse error" in error


def test_fractional_keys(excalidraw: ExcalidrawHarness) -> None:
    keys = excalidraw.fractional_keys(70)
    assert len(keys) == 70
    assert all(a < b for a, b in itertools.pairwise(keys))
    # fractional-indexing's digits are 0-9A-Za-z: the integer part "a" holds one digit, so
    # the 62 keys a0..az come first, then "b" with two digits (its README and base62 table).
    assert keys[:3] == ["a0", "a1", "a2"]
    assert keys[61:64] == ["az", "b00", "b01"]


def test_measure_text_uses_the_real_font(excalidraw: ExcalidrawHarness) -> None:
    # Cascadia Code (fontFamily 3) is monospaced: every glyph advances 1200 units of its
    # 2048-unit em (its hmtx table, read with fontTools), so 11 characters at 20 px are
    # 11 * 20 * 1200 / 2048 = 128.90625 px. A fallback font would give other widths.
    assert excalidraw.measure_text(["Hello world", "iiiiiiiiiii"], 3, 20) == [128.90625] * 2


def test_measure_text_widths_grow_with_text(excalidraw: ExcalidrawHarness) -> None:
    short, long = excalidraw.measure_text(["API", "API gateway"], 5, 20)
    assert 0 < short < long


def test_unavailable_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _unavailable("chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _unavailable("chromium")


def test_check_scene_leaves_the_scene_alone(excalidraw: ExcalidrawHarness) -> None:
    scene = tiny_scene()
    before = copy.deepcopy(scene)
    excalidraw.check_scene(scene)
    assert scene == before

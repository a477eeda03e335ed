"""The canvas as an Excalidraw scene (.excalidraw, format version 2, Excalidraw 0.18).

Every element is written in full, the way the editor saves it, so Excalidraw opens the file
without repairing anything: labels are text bound to their box (and listed in the box's
boundElements), arrows are bound to the boxes at both ends (and listed in theirs), frames own
their children through frameId, and fractional indices keep the stacking order. Ids, seeds and
nonces derive from the design's ids, so the same design gives the same bytes."""

from __future__ import annotations

import json
from typing import Any

from tradeoff.render import fonts
from tradeoff.render.canvas import SMALL_SIZE, Arrow, Box, Canvas, Frame, Region, Text, seed_of

SOURCE = "https://github.com/tradeoff-dev/tradeoff"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def fractional_index(i: int) -> str:
    """The i-th key (0-based) that fractional-indexing's generateNKeysBetween(null, null, n)
    gives: integer keys 'a0'..'az', then 'b00'..'bzz', then 'c000'..., each one past the last."""
    digits = 1
    while i >= 62 ** digits:
        i -= 62 ** digits
        digits += 1
    head = chr(ord("a") + digits - 1)
    body = ""
    for _ in range(digits):
        body = BASE62[i % 62] + body
        i //= 62
    return head + body


def _r(x: float) -> float:
    """Coordinates rounded to 1/100 px: stable text across machines, invisible on screen."""
    v = round(x, 2)
    return 0.0 if v == 0 else v


def _base(eid: str, kind: str, x: float, y: float, w: float, h: float, *, stroke: str, fill: str = "transparent",
          width: float = 2, style: str = "solid", roundness: dict | None = None, frame: str | None = None,
          data: dict | None = None) -> dict[str, Any]:
    el: dict[str, Any] = {
        "id": eid, "type": kind, "x": _r(x), "y": _r(y), "width": _r(w), "height": _r(h), "angle": 0,
        "strokeColor": stroke, "backgroundColor": fill, "fillStyle": "solid", "strokeWidth": width,
        "strokeStyle": style, "roughness": 0, "opacity": 100, "groupIds": [], "frameId": frame,
        "index": None, "roundness": roundness, "seed": seed_of(eid), "version": 1,
        "versionNonce": seed_of("nonce:" + eid), "isDeleted": False, "boundElements": None, "updated": 1,
        "link": None, "locked": False,
    }
    if data:
        el["customData"] = {"tradeoff": data}
    return el


def _text(eid: str, x: float, y: float, text: str, size: float, colour: str, *, frame: str | None,
          container: str | None = None, align: str = "left", valign: str = "top") -> dict[str, Any]:
    w = fonts.text_width(text, size)
    h = fonts.text_height(text.count("\n") + 1, size)
    el = _base(eid, "text", x, y, w, h, stroke=colour, width=1, frame=frame)
    el.update({"fontSize": size, "fontFamily": fonts.EXCALIDRAW_FAMILY, "text": text, "textAlign": align,
               "verticalAlign": valign, "containerId": container, "originalText": text,
               "autoResize": True, "lineHeight": fonts.LINE_HEIGHT})
    return el


def _box(b: Box, frame: str) -> list[dict[str, Any]]:
    rect = _base(b.id, "rectangle", b.x, b.y, b.w, b.h, stroke=b.stroke, fill=b.fill, width=b.stroke_width,
                 style="dashed" if b.dashed else "solid", roundness={"type": 3} if b.rounded else None,
                 frame=frame, data=b.data)
    label_id = b.id + ":label"
    tx = b.x + (b.w - b.label_width) / 2  # where Excalidraw centres a bound label
    ty = b.y + (b.h - b.label_height) / 2
    label = _text(label_id, tx, ty, b.label, b.size, "#1e1e1e", frame=frame, container=b.id,
                  align="center", valign="middle")
    rect["boundElements"] = [{"id": label_id, "type": "text"}]
    return [rect, label]


def _arrow(a: Arrow, frame: str) -> list[dict[str, Any]]:
    x0, y0 = _r(a.points[0][0]), _r(a.points[0][1])
    points = [[_r(x - x0), _r(y - y0)] for x, y in a.points]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    # width and height exactly as restore recomputes them from the points (max - min)
    el = _base(a.id, "arrow", x0, y0, 0, 0, stroke=a.colour, style="dashed" if a.dashed else "solid",
               roundness=None, frame=frame, data=a.data)
    el["width"], el["height"] = max(xs) - min(xs), max(ys) - min(ys)
    el.update({
        "points": points,
        "lastCommittedPoint": None,
        "startBinding": {"elementId": a.start, "focus": 0, "gap": 1},
        "endBinding": {"elementId": a.end, "focus": 0, "gap": 1},
        "startArrowhead": None, "endArrowhead": "arrow", "elbowed": False,
    })
    out = [el]
    if a.label and a.label_pos:
        lid = a.id + ":label"
        out.append(_text(lid, a.label_pos[0], a.label_pos[1], a.label, SMALL_SIZE, a.colour, frame=frame,
                         container=a.id, align="center", valign="middle"))
        el["boundElements"] = [{"id": lid, "type": "text"}]
    return out


def _region(r: Region, frame: str) -> list[dict[str, Any]]:
    rect = _base(r.id, "rectangle", r.x, r.y, r.w, r.h, stroke="#adb5bd", width=1, style="dashed",
                 roundness={"type": 3}, frame=frame, data={"region": "external"})
    return [rect, _free(r.title, frame)]


def _free(t: Text, frame: str) -> dict[str, Any]:
    return _text(t.id, t.x, t.y, t.text, t.size, t.colour, frame=frame)


def _strikes(t: Text, frame: str) -> list[dict[str, Any]]:
    """A crossed-out text's lines: Excalidraw text has no strikethrough, so a line element each."""
    out = []
    for i, (x0, x1, y) in enumerate(t.strike_lines()):
        el = _base(f"{t.id}:strike{i}", "line", x0, y, x1 - x0, 0, stroke=t.colour, frame=frame,
                   data={"strikes": t.id})
        el.update({"points": [[0, 0], [_r(x1 - x0), 0]], "lastCommittedPoint": None, "startBinding": None,
                   "endBinding": None, "startArrowhead": None, "endArrowhead": None, "polygon": False})
        out.append(el)
    return out


def _frame_elements(f: Frame) -> list[dict[str, Any]]:
    els: list[dict[str, Any]] = []
    for r in f.regions:
        els.extend(_region(r, f.id))
    for a in f.arrows:
        els.extend(_arrow(a, f.id))
    for b in f.boxes:
        els.extend(_box(b, f.id))
    for t in f.texts:
        els.append(_free(t, f.id))
        if t.struck:
            els.extend(_strikes(t, f.id))
    frame = _base(f.id, "frame", f.x, f.y, f.w, f.h, stroke="#bbb", roundness=None, data={"frame": f.id})
    frame["name"] = f.name
    els.append(frame)  # a frame comes after its children, as Excalidraw orders them
    return els


def to_scene(canvas: Canvas) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for f in canvas.frames:
        elements.extend(_frame_elements(f))
    by_id = {e["id"]: e for e in elements}
    for e in elements:  # each box lists the arrows bound to it
        if e["type"] == "arrow":
            for end in ("startBinding", "endBinding"):
                target = by_id[e[end]["elementId"]]
                bound = target["boundElements"] or []
                if not any(b["id"] == e["id"] for b in bound):
                    target["boundElements"] = bound + [{"id": e["id"], "type": "arrow"}]
    for i, e in enumerate(elements):
        e["index"] = fractional_index(i)
    return {
        "type": "excalidraw", "version": 2, "source": SOURCE, "elements": elements,
        "appState": {"gridSize": 20, "gridStep": 5, "gridModeEnabled": False, "viewBackgroundColor": "#ffffff"},
        "files": {},
    }


def to_excalidraw(canvas: Canvas) -> str:
    return json.dumps(to_scene(canvas), indent=2, ensure_ascii=False) + "\n"

"""The canvas as a Mermaid flowchart: one subgraph per path frame, the same boxes and arrows."""

from __future__ import annotations

import re

from tradeoff.render.canvas import STYLE, Canvas

# node shapes by component kind (Mermaid flowchart syntax: open, close)
SHAPES = {
    "client": ("([", "])"), "data_store": ("[(", ")]"), "cache": ("[(", ")]"), "coordination": ("[(", ")]"),
    "queue": ("[[", "]]"), "event_stream": ("[[", "]]"), "external": ("{{", "}}"),
}
CLASS_OF = {"client": "client", "dns": "edge", "cdn": "edge", "load_balancer": "edge", "api_gateway": "gateway",
            "service_mesh": "gateway", "realtime_gateway": "gateway", "service": "service", "worker": "service",
            "scheduler": "service", "cache": "cache", "data_store": "data", "coordination": "data",
            "queue": "async", "event_stream": "async", "external": "external"}


def _id(raw: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", raw)


def _label(text: str) -> str:
    text = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return '"' + "<br/>".join(text.split("\n")) + '"'


def to_mermaid(canvas: Canvas) -> str:
    lines = ["---", f"title: {_title(canvas.title)}", "---", "flowchart LR"]
    links: list[tuple[str, str]] = []  # (colour, dashed) per link, for linkStyle
    classes: dict[str, list[str]] = {}
    for frame in canvas.frames:
        path_boxes = [b for b in frame.boxes if b.component]
        if not path_boxes:
            continue
        lines.append(f"  subgraph {_id(frame.id)}[{_label(frame.name)}]")
        lines.append("    direction LR")
        externals = [b for b in path_boxes if b.kind == "external"]
        for b in path_boxes:
            if b.kind == "external":
                continue
            lines.append("    " + _node(b))
            classes.setdefault(_class(b), []).append(_id(b.id))
        if externals:
            lines.append(f"    subgraph {_id(frame.id + ':external')}[\"External dependencies\"]")
            for b in externals:
                lines.append("      " + _node(b))
                classes.setdefault(_class(b), []).append(_id(b.id))
            lines.append("    end")
        lines.append("  end")
    for frame in canvas.frames:
        for a in frame.arrows:
            arrow = "-.->" if a.dashed else "-->"
            label = f"|{_label(a.label)}|" if a.label else ""
            lines.append(f"  {_id(a.start)} {arrow}{label} {_id(a.end)}")
            links.append((a.colour, "dashed" if a.dashed else "solid"))
    for name, (fill, stroke) in sorted(STYLE.items()):
        lines.append(f"  classDef {name} fill:{fill},stroke:{stroke},color:#1e1e1e")
    lines.append("  classDef failure fill:#ffe3e3,stroke:#e03131,stroke-width:4px,color:#1e1e1e")
    for name in sorted(classes):
        lines.append(f"  class {','.join(classes[name])} {name}")
    for i, (colour, style) in enumerate(links):
        dash = ",stroke-dasharray:6 4" if style == "dashed" else ""
        lines.append(f"  linkStyle {i} stroke:{colour},stroke-width:2px{dash}")
    return "\n".join(lines) + "\n"


def _title(text: str) -> str:
    return re.sub(r"[\n:#]", " ", text).strip() or "design"


def _node(b) -> str:
    open_, close = SHAPES.get(b.kind or "", ("[", "]"))
    return f"{_id(b.id)}{open_}{_label(b.label)}{close}"


def _class(b) -> str:
    return "failure" if b.stroke_width > 2 else CLASS_OF.get(b.kind or "", "service")

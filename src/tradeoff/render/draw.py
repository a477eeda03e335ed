"""`tradeoff draw`: the canvas of a design in every format, from one shared layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tradeoff.errors import UsageError
from tradeoff.model.design import Design

FORMATS = ("excalidraw", "svg", "png", "mermaid")
SUFFIX = {"excalidraw": ".excalidraw", "svg": ".svg", "png": ".png", "mermaid": ".mmd"}


@dataclass
class Drawing:
    canvas: object
    outputs: dict[str, str | bytes] = field(default_factory=dict)  # format -> content


def canvas_of(design: Design, est=None, findings=None, scale=None, revision=None):
    """The laid-out canvas: estimate, review and capacity sweep run here when not given."""
    from tradeoff.render.canvas import build

    if est is None:
        from tradeoff.estimate.engine import estimate

        est = estimate(design)
    if scale is None:
        from tradeoff.capacity.model import build as capacity
        from tradeoff.capacity.scale import sweep

        scale = sweep(capacity(design, est))
    if findings is None:
        from tradeoff.review import review

        findings = review(design, est=est, scale=scale).findings
    return build(design, est, findings, scale, revision)


def parse_formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise UsageError(f"unknown format {', '.join(bad) or '(none)'}", f"choose from {','.join(FORMATS)}")
    return [f for f in FORMATS if f in wanted]


def draw(design: Design, formats: list[str] = list(FORMATS), *, est=None, findings=None, scale=None,
         png_scale: float = 1.0, revision=None) -> Drawing:
    """Renders the canvas in each format (text for excalidraw/svg/mermaid, bytes for png)."""
    from tradeoff.render.excalidraw import to_excalidraw
    from tradeoff.render.mermaid import to_mermaid
    from tradeoff.render.svg import to_png, to_svg

    canvas = canvas_of(design, est, findings, scale, revision)
    out = Drawing(canvas)
    svg = to_svg(canvas) if {"svg", "png"} & set(formats) else None
    for f in formats:
        if f == "excalidraw":
            out.outputs[f] = to_excalidraw(canvas)
        elif f == "svg":
            out.outputs[f] = svg
        elif f == "png":
            out.outputs[f] = to_png(svg, png_scale)
        elif f == "mermaid":
            out.outputs[f] = to_mermaid(canvas)
    return out


def write(drawing: Drawing, stem: Path, protect: Path | None = None) -> list[Path]:
    """Writes each output as stem + suffix; never over the design file itself."""
    from tradeoff.io.load import write_output

    return [write_output(stem.with_name(stem.name + SUFFIX[fmt]), content, protect, "choose another --output")
            for fmt, content in drawing.outputs.items()]


def default_stem(design_path: Path) -> Path:
    """my.design.yaml -> my.canvas (the formats add .excalidraw, .svg, ...)."""
    name = design_path.name
    for suffix in (".design.yaml", ".design.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(name + ".canvas")

"""The canvas as a standalone SVG (the font embedded), and a PNG rendered from it by resvg."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tradeoff.render import fonts
from tradeoff.render.canvas import Canvas, Text

MARGIN = 30
FRAME_STROKE = "#bbb"
ASCENDER, DESCENDER = 1011, -353  # Nunito's hhea metrics (units per em 1000), as Excalidraw uses them


def _n(x: float) -> str:
    """A coordinate with at most two decimals, the same text on every machine."""
    return f"{round(x, 2):g}"


def _baseline(top: float, line: int, size: float) -> float:
    """Baseline of a text line: Excalidraw centres the font's ascent-descent box in the line."""
    line_h = size * fonts.LINE_HEIGHT
    gap = line_h - (ASCENDER - DESCENDER) * size / 1000
    return top + line * line_h + gap / 2 + ASCENDER * size / 1000


def _text(x: float, top: float, text: str, size: float, colour: str, anchor: str = "start") -> str:
    out = []
    for i, line in enumerate(text.split("\n")):
        if line:
            out.append(f'<text x="{_n(x)}" y="{_n(_baseline(top, i, size))}" font-size="{_n(size)}" '
                       f'fill="{colour}" text-anchor="{anchor}">{escape(line)}</text>')
    return "".join(out)


def to_svg(canvas: Canvas, embed_font: bool = True) -> str:
    w, h = canvas.width + 2 * MARGIN, canvas.height + 2 * MARGIN
    colours = sorted({a.colour for f in canvas.frames for a in f.arrows})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(w)}" height="{_n(h)}" '
             f'viewBox="{_n(-MARGIN)} {_n(-MARGIN)} {_n(w)} {_n(h)}" font-family="{fonts.FAMILY}, sans-serif">',
             f"<title>{escape(canvas.title)}</title>"]
    if embed_font:
        parts.append(f'<style>@font-face{{font-family:"{fonts.FAMILY}";'
                     f'src:url(data:font/woff2;base64,{fonts.woff2_base64()}) format("woff2");}}</style>')
    parts.append("<defs>" + "".join(
        f'<marker id="head{c[1:]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>' for c in colours)
        + "</defs>")
    parts.append(f'<rect x="{_n(-MARGIN)}" y="{_n(-MARGIN)}" width="{_n(w)}" height="{_n(h)}" fill="#ffffff"/>')
    for f in canvas.frames:
        parts.append(f'<g id="{escape(f.id)}">')
        parts.append(f'<rect x="{_n(f.x)}" y="{_n(f.y)}" width="{_n(f.w)}" height="{_n(f.h)}" rx="8" '
                     f'fill="none" stroke="{FRAME_STROKE}" stroke-width="2"/>')
        parts.append(_text(f.x, f.y - 20, f.name, 14, "#868e96"))
        for r in f.regions:
            parts.append(f'<rect x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}" rx="8" '
                         f'fill="none" stroke="#adb5bd" stroke-width="1.5" stroke-dasharray="8 6"/>')
            parts.append(_free(r.title))
        for a in f.arrows:
            dash = ' stroke-dasharray="10 8"' if a.dashed else ""
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in a.points)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{a.colour}" stroke-width="2"{dash} '
                         f'stroke-linejoin="round" marker-end="url(#head{a.colour[1:]})"/>')
        for b in f.boxes:
            dash = ' stroke-dasharray="8 6"' if b.dashed else ""
            rx = ' rx="10"' if b.rounded else ""
            parts.append(f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}"{rx} '
                         f'fill="{b.fill}" stroke="{b.stroke}" stroke-width="{_n(b.stroke_width)}"{dash}/>')
            top = b.y + (b.h - b.label_height) / 2
            parts.append(_text(b.x + b.w / 2, top, b.label, b.size, "#1e1e1e", "middle"))
        for a in f.arrows:
            if a.label and a.label_pos:
                lx, ly = a.label_pos
                parts.append(f'<rect x="{_n(lx - 3)}" y="{_n(ly)}" width="{_n(a.label_width + 6)}" '
                             f'height="{_n(a.label_height)}" fill="#ffffff"/>')
                parts.append(_text(lx + a.label_width / 2, ly, a.label, 14, a.colour, "middle"))
        for t in f.texts:
            parts.append(_free(t))
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _free(t: Text) -> str:
    out = _text(t.x, t.y, t.text, t.size, t.colour)
    if t.struck:
        out += "".join(f'<line x1="{_n(x0)}" y1="{_n(y)}" x2="{_n(x1)}" y2="{_n(y)}" stroke="{t.colour}" '
                       f'stroke-width="2"/>' for x0, x1, y in t.strike_lines())
    return out


def to_png(svg: str, scale: float = 1.0) -> bytes:
    """Rasterises the SVG with resvg using only the bundled font (same pixels everywhere)."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, font_files=[fonts.font_path()], skip_system_fonts=True,
                                       font_family=fonts.FAMILY, sans_serif_family=fonts.FAMILY,
                                       zoom=scale, background="#ffffff"))

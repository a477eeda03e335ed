"""What the plot modules share: colours, tick formats, and writing figures as PNG and SVG that are
byte-identical from run to run (fixed size and dpi, matplotlib's bundled DejaVu Sans, no dates or
version strings, a fixed SVG id salt) without ever overwriting a file tradeoff did not write.
matplotlib is imported only inside the functions that draw."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

from tradeoff.errors import UsageError

FORMATS = ("png", "svg")
DPI = 100


def colours(n: int) -> list:
    """tab20's strong colours first (tab10's), then their light partners: neighbours differ."""
    from matplotlib import colormaps

    cmap = colormaps["tab20"]
    order = list(range(0, 20, 2)) + list(range(1, 20, 2))
    return [cmap(order[i % 20]) for i in range(n)]


def fmt_ms(v: float, _pos=None) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:.2g}"


def pct(u: float) -> str:
    if not math.isfinite(u):
        return "n/a"
    return f"{u:.0%}" if u >= 0.01 else f"{100 * u:.2g}%"


def _is_ours(path: Path, mark: str) -> bool:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return mark.encode() in head


def write_figures(out_dir: Path, figures: list[tuple[str, Callable[[], object]]], mark: str, design: str,
                  formats=FORMATS) -> list[Path]:
    """Draws each (name, make_figure) and writes NAME.png / NAME.svg into out_dir. Every target is
    checked before anything is drawn: a file of that name that tradeoff did not write (its title
    metadata carries `mark`) is left alone with a UsageError."""
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"unknown plot format {', '.join(map(str, bad)) or '(none)'}",
                         f"choose from {','.join(FORMATS)}")
    out_dir = Path(out_dir)
    targets = [out_dir / f"{name}.{fmt}" for name, _ in figures for fmt in FORMATS if fmt in formats]
    for t in targets:
        if t.is_symlink() or (t.exists() and not t.is_file()) or (t.is_file() and not _is_ours(t, mark)):
            raise UsageError(f"{t} exists and is not a plot tradeoff wrote; not overwriting it",
                             "move it away or choose another plots directory")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a directory", "choose a directory for the plots")

    import io
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        # the figures never go through pyplot; switching a live pyplot's backend would close its figures
        matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rc = {"svg.hashsalt": "tradeoff", "svg.fonttype": "none", "font.family": "sans-serif",
          "font.sans-serif": ["DejaVu Sans"], "font.size": 9, "axes.titlesize": 11, "figure.dpi": DPI,
          "savefig.dpi": DPI}
    rendered: dict[Path, bytes] = {}
    with matplotlib.rc_context(rc):
        for name, make in figures:
            fig = make()
            FigureCanvasAgg(fig)
            title = f"{mark}: {name} of {design}"
            for fmt in FORMATS:
                if fmt not in formats:
                    continue
                meta = ({"Software": None, "Title": title} if fmt == "png"
                        else {"Date": None, "Creator": None, "Title": title})
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
                rendered[out_dir / f"{name}.{fmt}"] = buf.getvalue()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.items():
        path.write_bytes(data)
    return list(rendered)

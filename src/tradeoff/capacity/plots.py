"""Scale plots of a ScaleReport: end-to-end latency and utilisation against the load multiplier.

Two figures, each as PNG and SVG: `scale-latency` (p50 and p99 of every request flow from 0.1x
to just under the flow's saturation, with its targets and where it first misses one) and
`scale-utilisation` (the busiest resource of every loaded component, against the
`max_utilisation` ceiling and 100%). The curves are computed by `latency_curves` and
`utilisation_curves`; `plot` only draws them. matplotlib is imported inside `plot`, and the
output is byte-identical for the same report: fixed size and dpi, matplotlib's bundled DejaVu
Sans, no dates or version strings in the files, a fixed SVG id salt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from tradeoff.capacity.latency import GRID, FlowLatency, flow_latency, request_flows
from tradeoff.capacity.scale import Break, ScaleReport, fmt_x, targets_of
from tradeoff.render.figures import FORMATS, colours, fmt_ms, pct, write_figures

NAMES = ("scale-latency", "scale-utilisation")
X_MIN, X_MAX = 0.1, 1000.0
CURVE_POINTS = 36  # log-spaced; a few more are added on the approach to saturation
NEAR_SATURATION = (0.1, 0.03, 0.01, 1e-3)  # 1 - m / m_sat of the extra points; the last is the end
LABELLED = 12  # components named in the utilisation plot; the rest are drawn light grey
SIZE_IN = (11.0, 6.5)
DECADES = 3.5  # the latency axis spans at most this many powers of ten
DASH = (0, (4, 2))
DPI = 100  # 1100 x 650 px
#: the mark of a file this module wrote: the PNG and SVG title metadata
MARK = "tradeoff scale plot"


@dataclass
class LatencyCurve:
    """One request flow's p50 and p99 (seconds) against the load multiplier."""

    flow: str
    use_case: str | None
    multipliers: list[float]
    p50: list[float]
    p99: list[float]
    saturates_at: float  # where a station on the flow fills (inf: never)
    targets: dict[float, float]  # percentile -> seconds
    breaks: list[Break] = field(default_factory=list)  # the flow's missed targets, soonest first


@dataclass
class UtilisationCurve:
    """One component's busiest resource: utilisation (fraction) is linear in the multiplier."""

    component: str
    resource: str
    at_1x: float

    def at(self, m: float) -> float:
        return m * self.at_1x


def _saturation(report: ScaleReport, lat: FlowLatency) -> float:
    """The multiplier at which the busiest station on the flow fills: utilisation is linear in it."""
    worst = 0.0
    for cid, _ in lat.terms:
        cm = report.model.components.get(cid)
        if cm is not None and cm.station is not None:
            worst = max(worst, cm.station.queue(lat.write, 1.0).utilisation)
    return 1 / worst if worst > 0 else math.inf


def _multipliers(m_sat: float) -> list[float]:
    import numpy as np

    hi = X_MAX if math.isinf(m_sat) else min(X_MAX, m_sat * (1 - NEAR_SATURATION[-1]))
    if hi <= X_MIN:
        return []
    ms = {float(m) for m in np.geomspace(X_MIN, hi, CURVE_POINTS)}
    if not math.isinf(m_sat):
        ms |= {m_sat * (1 - d) for d in NEAR_SATURATION if X_MIN < m_sat * (1 - d) <= hi}
    return sorted(ms)


def latency_curves(report: ScaleReport, grid: int = GRID) -> tuple[list[LatencyCurve], list[str]]:
    """Each request flow's curve, and the flows with no time of ours (client, DNS, CDN only)."""
    model = report.model
    curves, timeless = [], []
    for f, branches in request_flows(model):
        base = flow_latency(model, f, branches, 1.0, grid)
        if base.mean <= 0 and not base.saturated:
            timeless.append(f.id)
            continue
        m_sat = _saturation(report, base)
        ms, p50, p99 = [], [], []
        for m in _multipliers(m_sat):
            lat = flow_latency(model, f, branches, m, grid)
            if lat.saturated or not math.isfinite(lat.p(0.99)):
                break
            ms.append(m)
            p50.append(lat.p(0.5))
            p99.append(lat.p(0.99))
        breaks = [b for b in report.breaks if b.kind == "slo" and b.flow == f.id]
        curves.append(LatencyCurve(f.id, f.use_case, ms, p50, p99, m_sat, targets_of(model, f.use_case), breaks))
    return curves, timeless


def utilisation_curves(report: ScaleReport) -> list[UtilisationCurve]:
    """Every modelled component with load, the busiest first (ties by id)."""
    out = []
    for cm in report.model.components.values():
        r = cm.limiting()
        if r is None or cm.load.peak <= 0 or r.utilisation <= 0:
            continue
        out.append(UtilisationCurve(cm.id, r.name, r.utilisation))
    return sorted(out, key=lambda c: (-c.at_1x, c.component))


def _fmt_multiplier(m: float, _pos=None) -> str:
    return f"{m:g}x" if m < 1 else f"{m:,.0f}x"








def _x_max(end: float) -> float:
    """The x axis runs to the power of ten past `end` (at most X_MAX, at least 10x)."""
    if not math.isfinite(end) or end <= 0:
        return X_MAX
    return min(X_MAX, max(10.0, 10 ** math.ceil(math.log10(end * 1.05))))


def _log_ticks(axis, lo: float, hi: float, fmt) -> None:
    """Labels at 1, 2, 5 per decade over short ranges, at powers of ten over long ones."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    subs = (1.0, 2.0, 5.0) if math.log10(hi / lo) <= 3.2 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(fmt))
    axis.set_minor_formatter(NullFormatter())


def _style_axes(ax, x_max: float) -> None:
    ax.set_xscale("log")
    ax.set_xlim(X_MIN, x_max)
    _log_ticks(ax.xaxis, X_MIN, x_max, _fmt_multiplier)
    ax.set_xlabel("load, as a multiple of today's peak")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
    ax.grid(True, which="minor", axis="x", color="#f0f0f0", linewidth=0.4)
    ax.set_axisbelow(True)
    ax.axvline(1.0, color="#888888", linewidth=1.0, zorder=1)
    ax.annotate("today's peak", (1.0, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                textcoords="offset points", ha="left", va="top", fontsize=8, color="#555555", zorder=5,
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})


def _latency_figure(report: ScaleReport, curves: list[LatencyCurve], timeless: list[str]):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    ends = [c.multipliers[-1] for c in curves if c.multipliers]
    ends += [b.multiplier for c in curves for b in c.breaks]
    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    _style_axes(ax, _x_max(max(ends, default=math.inf)))
    ax.set_yscale("log")
    ax.set_ylabel("end-to-end latency (ms)")
    ax.set_title(f"{report.model.design.name}: request latency as load grows", loc="left")
    drawn = [1e3 * v for c in curves for v in c.p50 + c.p99 if v > 0]
    # the range worth seeing: up to well past the targets and today's p99 (curves then run off the
    # top towards saturation), down at most DECADES below that
    marks = [1e3 * t for c in curves for p, t in c.targets.items() if p in (0.5, 0.99)]
    marks += [1e3 * v for c in curves for m, v in zip(c.multipliers, c.p99) if m <= 1.0]
    if drawn:
        hi = max(drawn) * 1.3
        if marks:
            hi = max(min(hi, max(marks) * 30), max(marks) * 1.5)
        # a p50 far below the rest (most of a flow's requests never reach a server of ours) would
        # squash every other curve: the axis stops above it and the legend gives its value
        lo = min((v for v in drawn if v >= hi / 10 ** DECADES), default=hi / 10 ** DECADES) / 1.6
        hi = max(hi, lo * 10)
    else:
        lo, hi = 0.1, 1000.0
        ax.text(0.5, 0.5, "no request flow with a station of ours", transform=ax.transAxes,
                ha="center", va="center", color="#666666")
    ax.set_ylim(lo, hi)
    _log_ticks(ax.yaxis, lo, hi, fmt_ms)
    handles, labels = [], []
    for c, colour in zip(curves, colours(len(curves))):
        ax.plot(c.multipliers, [1e3 * v for v in c.p99], color=colour, linewidth=1.8, zorder=3)
        ax.plot(c.multipliers, [1e3 * v for v in c.p50], color=colour, linewidth=1.4, linestyle=DASH, zorder=3)
        for p, t in sorted(c.targets.items()):
            if p in (0.5, 0.99):
                ax.axhline(1e3 * t, color=colour, linewidth=0.8, alpha=0.7, linestyle=DASH if p == 0.5 else "-",
                           zorder=2)
        if c.breaks:
            ax.axvline(max(c.breaks[0].multiplier, X_MIN), color=colour, linewidth=1.0, linestyle=":", zorder=2)
            for b in c.breaks:
                p = {"p50": 0.5, "p99": 0.99}.get(b.resource)
                if p is None or p not in c.targets:
                    continue
                inside = b.multiplier >= X_MIN  # a target missed with no load at all sits at the left edge
                ax.plot([b.multiplier if inside else X_MIN], [1e3 * c.targets[p]], marker="o" if inside else ">",
                        markersize=6, markerfacecolor="white", markeredgecolor=colour, markeredgewidth=1.5,
                        linestyle="none", zorder=4, clip_on=inside)
        label = c.flow if c.use_case in (None, c.flow) else f"{c.flow} ({c.use_case})"
        if c.breaks:
            label += f"\n  misses its {c.breaks[0].resource} target at {fmt_x(c.breaks[0].multiplier)}"
        elif not math.isinf(c.saturates_at):
            label += f"\n  saturates at {fmt_x(c.saturates_at)}"
        at_1x = [v for m, v in zip(c.multipliers, c.p50) if m <= 1.0]
        if at_1x and 1e3 * at_1x[-1] < lo:
            label += f"; p50 {fmt_ms(1e3 * at_1x[-1])} ms at 1x, off the axis"
        handles.append(Line2D([], [], color=colour, linewidth=1.8))
        labels.append(label)
    key = [Line2D([], [], color="black", linewidth=1.8),
           Line2D([], [], color="black", linewidth=1.4, linestyle=DASH),
           Line2D([], [], color="black", linewidth=0.8, alpha=0.7),
           Line2D([], [], color="black", linewidth=1.0, linestyle=":", marker="o", markerfacecolor="white",
                  markersize=6)]
    key_labels = ["p99", "p50", "target (thin; dashed for p50)", "first missed target"]
    if timeless:
        shown = ", ".join(timeless[:3]) + (f" and {len(timeless) - 3} more" if len(timeless) > 3 else "")
        key.append(Line2D([], [], linestyle="none"))
        key_labels.append(f"not drawn (no time of ours):\n  {shown}")
    fig.legend(handles + key, labels + key_labels, loc="outside right upper", frameon=False,
               fontsize=8 if len(handles) <= 12 else 6, ncols=max(1, math.ceil(len(handles) / 24)),
               title="request flows", title_fontsize=9, alignment="left")
    return fig


def _utilisation_figure(report: ScaleReport, curves: list[UtilisationCurve]):
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    ceiling = report.model.ceiling()
    named, rest = curves[:LABELLED], curves[LABELLED:]
    x_max = _x_max(max((1 / c.at_1x for c in named), default=math.inf))
    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    _style_axes(ax, x_max)
    ax.set_ylim(0, 150)
    ax.yaxis.set_major_locator(MultipleLocator(10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.set_ylabel("utilisation of the busiest resource")
    ax.set_title(f"{report.model.design.name}: utilisation as load grows", loc="left")
    xs = np.geomspace(X_MIN, x_max, 241)
    for c in rest:
        ax.plot(xs, 100 * xs * c.at_1x, color="#cfcfcf", linewidth=0.8, zorder=2)
    handles, labels = [], []
    for c, colour in zip(named, colours(len(named))):
        ax.plot(xs, 100 * xs * c.at_1x, color=colour, linewidth=1.6, zorder=3)
        handles.append(Line2D([], [], color=colour, linewidth=1.6))
        labels.append(f"{c.component}: {c.resource}, {pct(c.at_1x)} at 1x, full at {fmt_x(1 / c.at_1x)}")
    ax.axhline(100 * ceiling, color="#c77c00", linewidth=1.2, linestyle=(0, (5, 3)), zorder=4)
    ax.axhline(100.0, color="#b00020", linewidth=1.2, zorder=4)
    key = [Line2D([], [], color="#c77c00", linewidth=1.2, linestyle=(0, (5, 3))),
           Line2D([], [], color="#b00020", linewidth=1.2)]
    key_labels = [f"max_utilisation ceiling ({ceiling:.0%})", "full (100%)"]
    if rest:
        key.append(Line2D([], [], color="#cfcfcf", linewidth=0.8))
        key_labels.append(f"{len(rest)} other component{'s' if len(rest) > 1 else ''}")
    if not curves:
        ax.text(0.5, 0.5, "no component with load and capacity figures", transform=ax.transAxes,
                ha="center", va="center", color="#666666")
    fig.legend(handles + key, labels + key_labels, loc="outside right upper", fontsize=8, frameon=False,
               title="busiest components at 1x", title_fontsize=9, alignment="left")
    return fig


def plot(report: ScaleReport, out_dir: Path, formats=FORMATS) -> list[Path]:
    """Writes scale-latency and scale-utilisation, one file per format, into out_dir.

    Only these names are written; a file of that name that this function did not write is
    left alone (UsageError, before anything is written)."""

    def latency():
        lat, timeless = latency_curves(report)
        return _latency_figure(report, lat, timeless)

    return write_figures(out_dir, [("scale-latency", latency),
                                   ("scale-utilisation", lambda: _utilisation_figure(report, utilisation_curves(report)))],
                         MARK, report.model.design.name, formats)

"""Golden signals over simulated time from a SimResult, as PNG and SVG.

Three figures: `sim-latency` (every flow's p50 and p99 per window, log axis), `sim-traffic`
(every flow's throughput and error rate per window, two stacked axes) and `sim-saturation`
(every station's busy share of its live servers per window, against the `max_utilisation`
ceiling and 100%). Fault windows are shaded and named on each. The per-window values come
from `series`; `plot` only draws them. As in capacity/plots.py, matplotlib is imported inside
`plot` and the output is byte-identical for the same result: fixed size and dpi, DejaVu Sans,
no dates or version strings in the files, a fixed SVG id salt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tradeoff.model import quantity as q
from tradeoff.render.figures import FORMATS, colours, fmt_ms, pct, write_figures
from tradeoff.sim import core
from tradeoff.sim.run import SimResult, percentile

NAMES = ("sim-latency", "sim-traffic", "sim-saturation")
LABELLED = 12  # stations named in the saturation plot; the rest are drawn light grey
SATURATION_CAP = 1.5  # saturation is drawn up to 150%; a window above it sits on the top edge
SIZE_IN = (11.0, 6.5)
DASH = (0, (4, 2))
DPI = 100  # 1100 x 650 px
FAULT_COLOUR = "#e8898c"
FAULT_ALPHA = 0.18
WARMUP_COLOUR = "#eeeeee"
#: the mark of a file this module wrote: the PNG and SVG title metadata
MARK = "tradeoff sim plot"


@dataclass
class FlowSeries:
    """One class of requests, per window: end-to-end latency (s), completions/s, failed share."""

    name: str
    use_case: str
    p50: np.ndarray  # NaN in a window with no completion
    p99: np.ndarray
    throughput: np.ndarray  # completed (ok or degraded) per second
    error_rate: np.ndarray  # failed / (completed + failed); NaN in a window with neither


@dataclass
class StationSeries:
    """One station, per window: server-seconds started over live server-seconds."""

    name: str
    component: str
    servers: int
    saturation: np.ndarray  # NaN in a window that ends with no live server
    steady: float  # over the windows after the warm-up, as SimResult.station_signals gives it


@dataclass
class Series:
    t: np.ndarray  # the middle of each window, seconds of simulated time
    span: np.ndarray  # each window's length (the last may be short)
    flows: list[FlowSeries]
    stations: list[StationSeries]  # stations with servers (an infinite-server delay has no saturation)


def window_spans(result: SimResult) -> tuple[np.ndarray, np.ndarray]:
    """The middle and length of each window; the last window ends at the run's end."""
    n = result.windows if result.classes else (result.stations[0].busy.shape[0] if result.stations else 0)
    start = np.arange(n) * result.window
    span = np.clip(np.minimum(result.window, result.duration - start), 0.0, None)
    return start + span / 2, span


def flow_series(result: SimResult) -> list[FlowSeries]:
    """Each class's per-window p50, p99, throughput and error rate."""
    _, span = window_spans(result)
    out = []
    for c in result.classes:
        done = (c.outcomes[:, core.OK] + c.outcomes[:, core.DEGRADED]).astype(float)
        failed = c.outcomes[:, core.ERR_TIMEOUT:].sum(axis=1).astype(float)
        tried = done + failed
        with np.errstate(divide="ignore", invalid="ignore"):
            throughput = np.where(span > 0, done / span, np.nan)
            error_rate = np.where(tried > 0, failed / tried, np.nan)
        p50 = np.array([percentile(row, 0.5) for row in c.hist])
        p99 = np.array([percentile(row, 0.99) for row in c.hist])
        out.append(FlowSeries(c.name, c.use_case, p50, p99, throughput, error_rate))
    return out


def station_series(result: SimResult) -> list[StationSeries]:
    """Each station with servers: busy / (live servers x window length), per window."""
    _, span = window_spans(result)
    out = []
    for s in result.stations:
        if s.servers == 0:
            continue
        cap = s.alive * span
        with np.errstate(divide="ignore", invalid="ignore"):
            sat = np.where(cap > 0, s.busy / cap, np.nan)
        steady = result.station_signals(s).saturation
        out.append(StationSeries(s.name, s.component, s.servers, sat, math.nan if steady is None else steady))
    return out


def series(result: SimResult) -> Series:
    t, span = window_spans(result)
    return Series(t, span, flow_series(result), station_series(result))


# --- drawing --------------------------------------------------------------------------------







def _design_name(result: SimResult) -> str:
    return result.model.capacity.design.name


def _subtitle(result: SimResult) -> str:
    return (f"{result.load:g}x peak, {result.profile.name} load, {result.distribution} service, "
            f"{q.fmt_seconds(result.duration)} simulated, seed {result.seed}")


def _style_time_axis(ax, result: SimResult, xlabel: bool = True) -> None:
    ax.set_xlim(0.0, result.duration)
    if xlabel:
        ax.set_xlabel("simulated time (s)")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if result.warmup > 0:
        ax.axvspan(0.0, min(result.warmup, result.duration), color=WARMUP_COLOUR, linewidth=0, zorder=0)


def _shade_faults(ax, result: SimResult, label: bool = True) -> None:
    """Each fault's window in light red; its description at the top, one line per fault."""
    for i, f in enumerate(result.faults):
        if f.start >= result.duration:
            continue
        ax.axvspan(f.start, min(f.end, result.duration), color=FAULT_COLOUR, alpha=FAULT_ALPHA, linewidth=0,
                   zorder=1)
        if label:
            ax.annotate(f.describe(), (f.start, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -3 - 11 * i), textcoords="offset points", ha="left", va="top", fontsize=8,
                        color="#a0262b", zorder=5,
                        bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none",
                              "alpha": 0.85})


def _key(result: SimResult) -> tuple[list, list[str]]:
    from matplotlib.patches import Patch

    handles, labels = [], []
    if result.warmup > 0:
        handles.append(Patch(facecolor=WARMUP_COLOUR, edgecolor="none"))
        labels.append("warm-up (left out of summaries)")
    if result.faults:
        handles.append(Patch(facecolor=FAULT_COLOUR, alpha=FAULT_ALPHA * 2, edgecolor="none"))
        labels.append("fault")
    return handles, labels


def _flow_label(f: FlowSeries) -> str:
    return f.name if f.use_case in (None, f.name) else f"{f.name} ({f.use_case})"


def _positive_ms(v: np.ndarray) -> np.ndarray:
    """Seconds to ms for a log axis: a zero (bin 0, under a microsecond) is a gap, not -inf."""
    return np.where(v > 0, 1e3 * v, np.nan)


def _latency_figure(result: SimResult, s: Series):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    _style_time_axis(ax, result)
    ax.set_yscale("log")
    ax.set_ylabel("end-to-end latency (ms)")
    ax.set_title(f"{_design_name(result)}: request latency over time\n{_subtitle(result)}", loc="left")
    drawn = np.concatenate([_positive_ms(v) for f in s.flows for v in (f.p50, f.p99)] or [np.zeros(0)])
    drawn = drawn[np.isfinite(drawn)]
    if drawn.size:
        lo, hi = float(drawn.min()) / 1.6, float(drawn.max()) * 1.6
        hi = max(hi, lo * 10)
    else:
        lo, hi = 0.1, 1000.0
        ax.text(0.5, 0.5, "no request completed", transform=ax.transAxes, ha="center", va="center",
                color="#666666")
    ax.set_ylim(lo, hi)
    subs = (1.0, 2.0, 5.0) if math.log10(hi / lo) <= 3.2 else (1.0,)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(fmt_ms))
    ax.yaxis.set_minor_formatter(NullFormatter())
    _shade_faults(ax, result)
    handles, labels = [], []
    for f, colour in zip(s.flows, colours(len(s.flows))):
        ax.plot(s.t, _positive_ms(f.p50), color=colour, linewidth=1.4, zorder=3)
        ax.plot(s.t, _positive_ms(f.p99), color=colour, linewidth=1.4, linestyle=DASH, zorder=3)
        handles.append(Line2D([], [], color=colour, linewidth=1.4))
        labels.append(_flow_label(f))
    key = [Line2D([], [], color="black", linewidth=1.4), Line2D([], [], color="black", linewidth=1.4, linestyle=DASH)]
    key_labels = ["p50", "p99"]
    extra, extra_labels = _key(result)
    fig.legend(handles + key + extra, labels + key_labels + extra_labels, loc="outside right upper", frameon=False,
               fontsize=8 if len(handles) <= 12 else 6, ncols=max(1, math.ceil(len(handles) / 24)),
               title="flows, per window", title_fontsize=9, alignment="left")
    return fig


def _traffic_figure(result: SimResult, s: Series):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    _style_time_axis(top, result, xlabel=False)
    _style_time_axis(bottom, result)
    top.set_title(f"{_design_name(result)}: throughput and errors over time\n{_subtitle(result)}", loc="left")
    top.set_ylabel("completed per second")
    bottom.set_ylabel("error rate")
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}" if v >= 0.01 or v == 0 else f"{v:.1%}"))
    _shade_faults(top, result)
    _shade_faults(bottom, result, label=False)
    rates = np.concatenate([f.throughput for f in s.flows] or [np.zeros(0)])
    rates = rates[np.isfinite(rates)]
    top.set_ylim(0.0, float(rates.max()) * 1.25 if rates.size and rates.max() > 0 else 1.0)
    errs = np.concatenate([f.error_rate for f in s.flows] or [np.zeros(0)])
    errs = errs[np.isfinite(errs)]
    bottom.set_ylim(0.0, min(1.0, max(0.05, float(errs.max()) * 1.2 if errs.size else 0.0)))
    handles, labels = [], []
    for f, colour in zip(s.flows, colours(len(s.flows))):
        top.plot(s.t, f.throughput, color=colour, linewidth=1.4, zorder=3)
        bottom.plot(s.t, f.error_rate, color=colour, linewidth=1.4, zorder=3)
        handles.append(Line2D([], [], color=colour, linewidth=1.4))
        labels.append(_flow_label(f))
    extra, extra_labels = _key(result)
    fig.legend(handles + extra, labels + extra_labels, loc="outside right upper", frameon=False,
               fontsize=8 if len(handles) <= 12 else 6, ncols=max(1, math.ceil(len(handles) / 24)),
               title="flows, per window", title_fontsize=9, alignment="left")
    return fig


def _saturation_figure(result: SimResult, s: Series):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    ceiling = result.model.capacity.ceiling()
    # the busiest after the warm-up are named (ties by name); the rest are grey
    ranked = sorted(s.stations, key=lambda st: (-(st.steady if math.isfinite(st.steady) else -1.0), st.name))
    named, rest = ranked[:LABELLED], ranked[LABELLED:]
    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    _style_time_axis(ax, result)
    ax.set_ylim(0, 100 * SATURATION_CAP)
    ax.yaxis.set_major_locator(MultipleLocator(10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.set_ylabel("busy share of live servers")
    ax.set_title(f"{_design_name(result)}: saturation over time\n{_subtitle(result)}", loc="left")
    _shade_faults(ax, result)
    for st in rest:
        ax.plot(s.t, 100 * np.minimum(st.saturation, SATURATION_CAP), color="#cfcfcf", linewidth=0.8, zorder=2)
    handles, labels = [], []
    for st, colour in zip(named, colours(len(named))):
        ax.plot(s.t, 100 * np.minimum(st.saturation, SATURATION_CAP), color=colour, linewidth=1.4, zorder=3,
                clip_on=False)
        handles.append(Line2D([], [], color=colour, linewidth=1.4))
        labels.append(f"{st.name}: {st.servers} server{'s' if st.servers != 1 else ''}, "
                      f"{pct(st.steady)} after warm-up")
    ax.axhline(100 * ceiling, color="#c77c00", linewidth=1.2, linestyle=(0, (5, 3)), zorder=4)
    ax.axhline(100.0, color="#b00020", linewidth=1.2, zorder=4)
    key = [Line2D([], [], color="#c77c00", linewidth=1.2, linestyle=(0, (5, 3))),
           Line2D([], [], color="#b00020", linewidth=1.2)]
    key_labels = [f"max_utilisation ceiling ({ceiling:.0%})", "full (100%)"]
    if rest:
        key.append(Line2D([], [], color="#cfcfcf", linewidth=0.8))
        key_labels.append(f"{len(rest)} other station{'s' if len(rest) > 1 else ''}")
    if not s.stations:
        ax.text(0.5, 0.5, "no station with servers", transform=ax.transAxes, ha="center", va="center",
                color="#666666")
    extra, extra_labels = _key(result)
    fig.legend(handles + key + extra, labels + key_labels + extra_labels, loc="outside right upper", fontsize=8,
               frameon=False, title="stations, busiest first", title_fontsize=9, alignment="left")
    return fig


def plot(result: SimResult, out_dir: Path, formats=FORMATS) -> list[Path]:
    """Writes sim-latency, sim-traffic and sim-saturation, one file per format, into out_dir.

    Only these names are written; a file of that name that this function did not write is
    left alone (UsageError, before anything is written)."""
    s = series(result)
    return write_figures(out_dir, [(name, lambda draw=draw: draw(result, s)) for name, draw in (
        ("sim-latency", _latency_figure), ("sim-traffic", _traffic_figure), ("sim-saturation", _saturation_figure))],
        MARK, _design_name(result), formats)

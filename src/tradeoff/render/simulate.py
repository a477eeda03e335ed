"""Render a simulation report: Rich tables for the terminal, Markdown, and JSON. Numbers come
ready from tradeoff.sim.report; this module only formats them."""

from __future__ import annotations

import json
import math
from typing import Any

from tradeoff.capacity.scale import fmt_x
from tradeoff.model import quantity as q
from tradeoff.sim.report import Agreement, SimReport

PCT = {0.5: "p50", 0.95: "p95", 0.99: "p99"}
TIMELINE_ROWS = 12  # windows shown in the terminal's timeline (evenly picked); JSON has them all


def _ms(s: float | None) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "-"
    return q.fmt_seconds(s)


def _pct(x: float | None) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "no servers"
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def _r(x: float | None) -> Any:
    """Six significant digits (stable across platforms' last-bit differences); NaN and inf as text."""
    if x is None:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    if math.isinf(x):
        return "inf"
    return float(f"{x:.6g}")


def headline(rep: SimReport, agree: Agreement | None = None) -> list[str]:
    res = rep.result
    lines = [f"{res.requests:,} requests over {q.fmt_seconds(res.duration)} at {fmt_x(res.load)} of the peak "
             f"({res.profile.name} load, {res.distribution} service times, seed {res.seed})"]
    if res.faults:
        lines.append("Faults: " + "; ".join(f.describe() for f in res.faults))
    if rep.breaks and rep.first is not None:
        order = sorted(rep.breaks.items(), key=lambda kv: (kv[1], kv[0]))
        lines.append(f"Saturates first: {order[0][0]} at {fmt_x(order[0][1])} of the peak (busy at or over 97% for "
                     f"two windows running; the run stops there)")
    elif rep.first is not None:
        s = rep.first
        lines.append(f"Saturates first: {s.name}, offered {_pct(s.offered)} of its {s.servers} servers "
                     f"(ceiling {rep.ceiling:.0%}); queue up to {s.queue_max:,}")
    else:
        lines.append(f"Nothing is offered more than the {rep.ceiling:.0%} ceiling.")
    for f in rep.flows:
        if f.missed:
            lines.append(f"{f.name} misses its targets: " + "; ".join(f.missed))
        if f.error_rate > 0:
            kinds = ", ".join(f"{k} {v:,}" for k, v in f.errors.items())
            lines.append(f"{f.name}: {f.error_rate:.2%} of requests fail ({kinds})")
        if f.degraded > 0:
            n = int(f.degraded * f.throughput * (res.duration - res.warmup) + 0.5)
            lines.append(f"{f.name}: {f.degraded:.3g} of requests served degraded by a fallback (~{n:,})")
    if agree is not None:
        lines.append(("Agrees with the capacity model. " if agree.agrees else "Differs from the capacity model. ")
                     + agree.text[0].upper() + agree.text[1:] + ".")
    lines.extend(f"note: {n}" for n in res.notes)
    return lines


def _flow_rows(rep: SimReport) -> list[list[str]]:
    return [[f.name, f"{f.throughput:,.0f}", f"{f.error_rate:.2%}", f"{f.degraded:.2%}",
             *(_ms(f.latency[p]) for p in PCT), _ms(f.mean)] for f in rep.flows]


FLOW_HEAD = ["flow", "done/s", "errors", "degraded", "p50", "p95", "p99", "mean"]
STATION_HEAD = ["component", "servers", "done/s", "busy", "offered", "p50", "p99", "queue max", "failed",
                "tries/call"]


def _station_rows(rep: SimReport) -> list[list[str]]:
    return [[s.name, str(s.servers) if s.servers else "delay", f"{s.throughput:,.0f}", _pct(s.saturation),
             _pct(s.offered), _ms(s.latency[0.5]), _ms(s.latency[0.99]), f"{s.queue_max:,}",
             f"{s.rejected + s.shed + s.refused + s.lost + s.errors:,}",
             "-" if s.amplification is None else f"{s.amplification:.3g}"] for s in rep.stations]


def _timeline(rep: SimReport, rows: int | None = TIMELINE_ROWS) -> tuple[list[str], list[list[str]]]:
    head = ["t"] + [f"{f.name} done/s, err, p99" for f in rep.flows] + ["busiest"]
    picked = rep.windows
    if rows is not None and len(picked) > rows:
        step = len(picked) / rows
        picked = [picked[int(i * step)] for i in range(rows)]
    body = []
    for w in picked:
        i = max(range(len(w.stations)), key=lambda k: w.stations[k], default=None)
        busiest = f"{rep.stations[i].name} {_pct(w.stations[i])}" if i is not None else "-"
        body.append([q.fmt_seconds(w.t)] + [f"{f.throughput:,.0f}, {f.error_rate:.1%}, {_ms(f.latency[0.99])}"
                                             for f in w.flows] + [busiest])
    return head, body


def to_rich(rep: SimReport, agree: Agreement | None = None) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text("\n".join(headline(rep, agree)))]

    def table(title: str, head: list[str], rows: list[list[str]]) -> Table:
        t = Table(title=title, title_justify="left", show_lines=False)
        for i, h in enumerate(head):
            t.add_column(h, justify="left" if i == 0 else "right")
        for r in rows:
            t.add_row(*r)
        return t

    parts.append(table("Flows (after warm-up)", FLOW_HEAD, _flow_rows(rep)))
    parts.append(table("Components (after warm-up)", STATION_HEAD, _station_rows(rep)))
    head, rows = _timeline(rep)
    parts.append(table(f"Over time ({q.fmt_seconds(rep.result.window)} windows)", head, rows))
    return Group(*parts)


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def to_markdown(rep: SimReport, agree: Agreement | None = None) -> str:
    res = rep.result
    name = res.model.capacity.design.name
    parts = [f"# Simulation of {name} at {fmt_x(res.load)}", "", *[f"- {line}" for line in headline(rep, agree)], "",
             "## Flows", "", _md_table(FLOW_HEAD, _flow_rows(rep)), "",
             "## Components", "", _md_table(STATION_HEAD, _station_rows(rep)), ""]
    head, rows = _timeline(rep, None)
    parts += [f"## Over time ({q.fmt_seconds(res.window)} windows)", "", _md_table(head, rows), ""]
    return "\n".join(parts)


def _golden(g) -> dict[str, Any]:
    out = {"throughput": _r(g.throughput), "error_rate": _r(g.error_rate),
           "latency_s": {PCT[p]: _r(v) for p, v in g.latency.items()}}
    if g.busy is not None:
        out["busy"] = _r(g.busy)
    return out


def to_dict(rep: SimReport, agree: Agreement | None = None) -> dict[str, Any]:
    res = rep.result
    return {
        "design": res.model.capacity.design.name,
        "load": res.load, "duration_s": res.duration, "window_s": _r(res.window), "warmup_s": _r(res.warmup),
        "seed": res.seed, "profile": res.profile.name, "distribution": res.distribution,
        "faults": [f.describe() for f in res.faults], "requests": res.requests,
        "saturates_first": rep.first.name if rep.first else None,
        "agreement": None if agree is None else {"agrees": agree.agrees, "scale_first": agree.scale_first,
                                                 "scale_multiplier": _r(agree.scale_multiplier),
                                                 "sim_first": agree.sim_first, "text": agree.text},
        "flows": [{"name": f.name, "use_case": f.use_case, "consumer": f.consumer, "throughput": _r(f.throughput),
                   "error_rate": _r(f.error_rate), "degraded": _r(f.degraded),
                   "latency_s": {PCT[p]: _r(v) for p, v in f.latency.items()}, "mean_s": _r(f.mean),
                   "errors": f.errors, "targets_s": {PCT.get(p, str(p)): _r(t) for p, t in sorted(f.targets.items())},
                   "missed": f.missed} for f in rep.flows],
        "components": [{"name": s.name, "component": s.component, "servers": s.servers,
                        "throughput": _r(s.throughput), "busy": _r(s.saturation), "offered": _r(s.offered),
                        "latency_s": {PCT[p]: _r(v) for p, v in s.latency.items()}, "mean_wait_s": _r(s.mean_wait),
                        "queue_max": s.queue_max, "rejected": s.rejected, "shed": s.shed, "refused": s.refused,
                        "lost": s.lost, "errors": s.errors, "attempts_per_call": _r(s.amplification)}
                       for s in rep.stations],
        "windows": [{"t": _r(w.t),
                     "flows": {f.name: _golden(g) for f, g in zip(rep.flows, w.flows)},
                     "components": {s.name: _golden(g) for s, g in zip(rep.stations, w.components)}}
                    for w in rep.windows],
        "notes": res.notes,
    }


def to_json(rep: SimReport, agree: Agreement | None = None) -> str:
    return json.dumps(to_dict(rep, agree), indent=2, sort_keys=False) + "\n"

"""Render a ScaleReport: a Rich report for the terminal, Markdown, and JSON. Numbers come ready."""

from __future__ import annotations

import json
import math
from typing import Any

from tradeoff.capacity.scale import PCT_NAMES, Break, Point, ScaleReport, fmt_x
from tradeoff.model import quantity as q


def _ms(s: float | None) -> str:
    if s is None:
        return "-"
    if math.isinf(s):
        return "saturated"
    return q.fmt_seconds(s)


def _pct(u: float) -> str:
    return f"{u:.0%}" if u < 10 else f"{u:,.0f}x full"


def _round(x: float | None) -> float | None:
    """Six significant digits: stable across platforms' last-bit differences."""
    if x is None:
        return None
    if math.isinf(x):
        return "inf"
    return float(f"{x:.6g}")


def headline(report: ScaleReport) -> list[str]:
    """The answer in a few lines: what breaks first, and what is broken at each multiplier."""
    lines = []
    first = report.first
    if first is None:
        lines.append("Nothing in the model has a limit: state service times or capacities to find one.")
    else:
        lines.append(f"What breaks first: {first.what} at {fmt_x(first.multiplier)} of today's peak. {first.detail}")
    for p in report.points:
        if p.multiplier == 1:
            continue
        if not p.broken:
            lines.append(f"At {fmt_x(p.multiplier)}: nothing breaks; the first limit is "
                         + (f"{report.first.what} at {fmt_x(report.first.multiplier)}." if report.first else "none."))
            continue
        comps = sorted({b.component for b in p.broken if b.component})
        slos = sorted({b.flow for b in p.broken if b.flow})
        redesign = [n for n in p.needs if n.unit == "shards" and n.have == 1]
        text = (f"At {fmt_x(p.multiplier)}: {len(p.broken)} limit(s) passed, first {p.broken[0].what} "
                f"at {fmt_x(p.broken[0].multiplier)}; {len(comps)} component(s) saturate")
        if slos:
            text += f", {len(slos)} flow(s) miss their latency targets"
        text += "."
        if redesign:
            text += " Adding nodes is not enough for " + ", ".join(n.component for n in redesign) + \
                    " (a single primary takes every write): it needs sharding."
        lines.append(text)
    return lines


def _u(x: float | None) -> str:
    from tradeoff.capacity.failure import pct

    return "outage" if x is None else pct(x)


def resilience_tables(report: ScaleReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for single points of failure and the failure cases at today's peak."""
    out = []
    if report.single_points:
        out.append(("single points of failure", ["component", "why", "use cases lost"],
                    [[sp.component, "; ".join(sp.reasons), ", ".join(sp.impact) or "-"]
                     for sp in report.single_points]))
    if report.choke_points:
        out.append(("choke points (every path crosses them; replicated)", ["component", "replicas", "why"],
                    [[cp.component, str(cp.replicas), cp.reason] for cp in report.choke_points]))
    fr = report.failures
    if fr is None:
        return out
    rows = [[x.component, f"{_u(x.before)} -> {_u(x.after)}", x.verdict, x.arithmetic]
            for x in fr.replica_lost if x.verdict != "absorbs"]
    absorbed = sum(1 for x in fr.replica_lost if x.verdict == "absorbs")
    out.append((f"one replica lost at today's peak ({absorbed} component(s) absorb it)",
                ["component", "busiest resource", "verdict", "arithmetic"], rows))
    rows = [[x.component, f"{_u(x.before)} -> {_u(x.after)}", x.verdict, x.arithmetic]
            for x in fr.zone_lost if x.verdict not in ("absorbs",)]
    rows += [[f"use case {o.use_case}", "", o.verdict, ", ".join(o.because)] for o in fr.zone_outcomes]
    out.append(("one zone lost at today's peak", ["component", "busiest resource", "verdict", "arithmetic"], rows))
    rows = []
    for d in fr.dependency_timeout:
        plain = next((r for r in d.rows[1:] if r.policy == "no backoff, no breaker"), None)
        breaker = d.rows[-1]
        rows.append([f"{d.caller} -> {d.callee}", d.design.policy,
                     f"{d.design.verdict} ({_u(d.design.total)})",
                     f"{plain.verdict} ({_u(plain.total)})" if plain else "-",
                     f"{breaker.verdict} ({_u(breaker.total)})",
                     ", ".join(f"{k}: {v}" for k, v in sorted(d.outcome.items())),
                     d.design.arithmetic])
    out.append(("a dependency stops answering (timeouts, retries, breakers) at today's peak",
                ["caller -> callee", "design's policy", "caller under it", "no backoff, no breaker",
                 "with a breaker", "use cases", "arithmetic (design's policy)"], rows))
    return out


def to_dict(report: ScaleReport) -> dict[str, Any]:
    def brk(b: Break) -> dict[str, Any]:
        return {"multiplier": _round(b.multiplier), "kind": b.kind, "what": b.what, "component": b.component,
                "resource": b.resource, "flow": b.flow, "detail": b.detail}

    def point(p: Point) -> dict[str, Any]:
        return {
            "multiplier": p.multiplier,
            "components": [{"id": c.component, "utilisation": _round(c.utilisation), "limiting": c.limiting,
                            "by_resource": {k: _round(v) for k, v in c.by_resource.items()},
                            "mean_time_s": _round(c.mean_time), "status": c.status} for c in p.components],
            "flows": [{"id": f.flow.id, "use_case": f.latency.use_case, "mean_s": _round(f.latency.mean),
                       **{f"{PCT_NAMES[k]}_s": _round(v) for k, v in f.latency.percentiles.items()},
                       "targets_s": {PCT_NAMES[k]: _round(v) for k, v in f.targets.items()},
                       "missed": [PCT_NAMES[k] for k in f.missed], "saturated": f.latency.saturated}
                      for f in p.flows],
            "needs": [{"component": n.component, "resource": n.resource, "have": n.have, "need": n.need,
                       "unit": n.unit, "arithmetic": n.arithmetic, "alternatives": n.alternatives} for n in p.needs],
            "broken": [b.what for b in p.broken],
        }

    first = report.first
    return {
        "design": report.model.design.name,
        "first_break": brk(first) if first else None,
        "headline": headline(report),
        "breaks": [brk(b) for b in report.breaks],
        "ceilings": [brk(b) for b in report.ceilings],
        "points": [point(p) for p in report.points],
        "single_points": [{"component": sp.component, "reasons": sp.reasons, "kinds": sp.kinds,
                           "impact": sp.impact, "delayed": sp.delayed} for sp in report.single_points],
        "choke_points": [{"component": cp.component, "replicas": cp.replicas, "reason": cp.reason,
                          "impact": cp.impact} for cp in report.choke_points],
        "failures": _failures_dict(report.failures),
        "assumptions": report.model.assumptions,
        "not_modelled": {cid: cm.note for cid, cm in report.model.components.items() if cm.note},
    }


def _failures_dict(fr) -> dict[str, Any] | None:
    if fr is None:
        return None

    def loss(x) -> dict[str, Any]:
        return {"component": x.component, "replicas": x.replicas, "before": _round(x.before),
                "after": _round(x.after), "resource": x.resource, "verdict": x.verdict,
                "arithmetic": x.arithmetic, "note": x.note}

    return {
        "multiplier": fr.m,
        "replica_lost": [loss(x) for x in fr.replica_lost],
        "zone_lost": [{**loss(x), "zones": x.zones, "lost": x.lost} for x in fr.zone_lost],
        "zone_outcomes": [{"use_case": o.use_case, "verdict": o.verdict, "because": o.because,
                           "delayed": o.delayed} for o in fr.zone_outcomes],
        "dependency_timeout": [{
            "caller": d.caller, "callee": d.callee, "timeout_s": _round(d.timeout), "timeout_from": d.timeout_from,
            "retries": d.retries, "backoff": d.backoff.value, "breaker": d.breaker,
            "retry_layers": d.retry_layers, "outcome": d.outcome, "fallback": d.fallback, "notes": d.notes,
            "rows": [{"policy": r.policy, "attempts": r.attempts, "amplification": _round(r.amplification),
                      "offered_per_s": _round(r.offered), "hold_s": _round(r.hold), "held": _round(r.held),
                      "utilisation": _round(r.utilisation), "total": _round(r.total), "verdict": r.verdict,
                      "arithmetic": r.arithmetic} for r in d.rows],
        } for d in fr.dependency_timeout],
    }


def to_json(report: ScaleReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _flow_rows(p: Point) -> list[list[str]]:
    rows = []
    for f in p.flows:
        lat = f.latency
        target = ", ".join(f"{PCT_NAMES[k]} {_ms(v)}" for k, v in f.targets.items()) or "-"
        verdict = ("saturated: " + ", ".join(lat.saturated) if lat.saturated else
                   "misses " + ", ".join(PCT_NAMES[k] for k in f.missed) if f.missed else
                   "meets" if f.targets else "")
        rows.append([f.flow.id, lat.use_case or "-", _ms(lat.mean), _ms(lat.p(0.5)), _ms(lat.p(0.99)),
                     _ms(lat.p(0.999)), target, verdict])
    return rows


def _component_rows(p: Point) -> list[list[str]]:
    return [[c.component, _pct(c.utilisation), c.limiting or "-", _ms(c.mean_time), c.status]
            for c in p.components if c.status not in ("unmodelled", "idle")]


FLOW_HEAD = ["flow", "use case", "mean", "p50", "p99", "p999", "target", "verdict"]
COMP_HEAD = ["component", "busiest resource", "resource", "time in it", "status"]
NEED_HEAD = ["component", "resource", "have", "need", "arithmetic"]


def to_rich(report: ScaleReport) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(headline(report))]
    style = {"saturated": "bold red", "hot": "yellow", "ok": "green"}
    for p in report.points:
        t = Table(title=f"at {fmt_x(p.multiplier)} of today's peak: components", title_justify="left")
        for h in COMP_HEAD:
            t.add_column(h, justify="right" if h in ("busiest resource", "time in it") else "left", overflow="fold")
        for row in _component_rows(p):
            t.add_row(*row[:-1], Text(row[-1], style=style.get(row[-1], "")))
        ft = Table(title=f"at {fmt_x(p.multiplier)}: request flows", title_justify="left")
        for h in FLOW_HEAD:
            ft.add_column(h, justify="right" if h in ("mean", "p50", "p99", "p999") else "left", overflow="fold")
        for row in _flow_rows(p):
            ft.add_row(*row[:-1], Text(row[-1], style="bold red" if row[-1].startswith(("misses", "sat")) else ""))
        parts += [Text(""), t, ft]
        if p.needs:
            nt = Table(title=f"at {fmt_x(p.multiplier)}: what each component needs (utilisation at or below "
                             f"{report.model.ceiling():.0%})", title_justify="left")
            for h in NEED_HEAD:
                nt.add_column(h, overflow="fold")
            for n in p.needs:
                nt.add_row(n.component, n.resource, f"{n.have} {n.unit}", f"{n.need} {n.unit}",
                           n.arithmetic + "".join(f"\n{a}" for a in n.alternatives))
            parts.append(nt)
    for title, head, rows in resilience_tables(report):
        rt = Table(title=title, title_justify="left")
        for h in head:
            rt.add_column(h, overflow="fold")
        for row in rows:
            rt.add_row(*row)
        parts += [Text(""), rt]
    bt = Table(title="every limit, soonest first", title_justify="left")
    bt.add_column("breaks at", justify="right")
    bt.add_column("what", overflow="fold")
    bt.add_column("how", overflow="fold")
    for b in report.breaks:
        bt.add_row(fmt_x(b.multiplier), b.what, b.detail)
    parts += [Text(""), bt]
    if report.model.assumptions:
        parts.append(Text("\nassumptions (figures not in the design):", style="bold"))
        parts += [Text(f"  - {a}") for a in report.model.assumptions]
    return Group(*parts)


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    esc = [[c.replace("|", "\\|").replace("\n", "<br>") for c in r] for r in rows]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in esc]
    return "\n".join(out)


def to_markdown(report: ScaleReport) -> str:
    lines = [f"# {report.model.design.name}: what breaks at scale", ""]
    lines += [f"- {h}" for h in headline(report)] + [""]
    for p in report.points:
        lines += [f"## At {fmt_x(p.multiplier)} of today's peak", "",
                  _md_table(COMP_HEAD, _component_rows(p)), "", _md_table(FLOW_HEAD, _flow_rows(p)), ""]
        if p.needs:
            lines += ["What each component needs:", "",
                      _md_table(NEED_HEAD, [[n.component, n.resource, f"{n.have} {n.unit}", f"{n.need} {n.unit}",
                                             n.arithmetic + "".join(f"\n{a}" for a in n.alternatives)]
                                            for n in p.needs]), ""]
    lines += ["## Every limit, soonest first", "",
              _md_table(["breaks at", "what", "how"], [[fmt_x(b.multiplier), b.what, b.detail] for b in report.breaks]),
              ""]
    for title, head, rows in resilience_tables(report):
        lines += [f"## {title[0].upper()}{title[1:]}", "", _md_table(head, rows) if rows else "None.", ""]
    if report.model.assumptions:
        lines += ["## Assumptions", ""] + [f"- {a}" for a in report.model.assumptions] + [""]
    return "\n".join(lines)

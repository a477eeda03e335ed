"""Render an AvailabilityReport: Rich for the terminal, Markdown, and JSON. Numbers come ready."""

from __future__ import annotations

import json
from typing import Any

from tradeoff.availability.model import AvailabilityReport, PathAvailability, pct


def downtime(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def verdict(p: PathAvailability) -> str:
    if p.meets is None:
        return ""
    if p.meets:
        return f"meets {pct(p.target)}"
    over = p.downtime_year - (1 - p.target) * 365.25 * 86400
    return f"misses {pct(p.target)} by {downtime(over)}/year"


def headline(report: AvailabilityReport) -> list[str]:
    lines = []
    checked = [p for p in report.paths if p.target is not None]
    if not report.paths:
        return ["Nothing to compute yet: the design has no read or write paths (architecture.read_paths, "
                "write_paths) through components."]
    if report.target is None:
        lines.append("No availability target is stated (requirements.non_functional.availability); "
                     "each path's figure is shown on its own.")
    elif not checked:
        lines.append(f"The {pct(report.target)} target names no use case with a synchronous path.")
    else:
        missed = [p for p in checked if not p.meets]
        lines.append(f"Target {pct(report.target)} for {', '.join(report.target_use_cases)}: "
                     + (f"{len(missed)} of {len(checked)} path(s) miss it." if missed else
                        f"all {len(checked)} path(s) meet it."))
        for p in missed:
            lines.append(f"{p.flow} ({p.use_case}, {p.direction}): {pct(p.availability)}, "
                         f"{downtime(p.downtime_year)} down a year; the weakest hop is "
                         f"{p.weakest or '-'}" + (f": {p.fix.what} -> {pct(p.fix.availability)}" if p.fix else ""))
    return lines


HEAD = ["path", "use case", "dir", "availability", "down/year", "down/month", "against the target", "weakest"]


def _rows(report: AvailabilityReport) -> list[list[str]]:
    return [[p.flow, p.use_case or "-", p.direction, pct(p.availability), downtime(p.downtime_year),
             downtime(p.downtime_month), verdict(p) or "-", p.weakest or "-"] for p in report.paths]


def _fix_line(p: PathAvailability) -> str:
    if p.fix is None:
        return "nothing on it can fail"
    return (f"weakest: {p.weakest} (the path gains {p.weakest_cost * 100:.3g} percentage points if it never "
            f"failed); fix: {p.fix.what} -> {pct(p.fix.availability)}")


def to_dict(report: AvailabilityReport) -> dict[str, Any]:
    def r(x: float) -> float:
        return float(f"{x:.10g}")

    return {
        "design": report.design.name,
        "zone_availability": r(report.zone),
        "zones": report.zones,
        "target": None if report.target is None else r(report.target),
        "target_use_cases": report.target_use_cases,
        "paths": [{
            "flow": p.flow, "use_case": p.use_case, "direction": p.direction,
            "availability": r(p.availability), "downtime_year_s": r(p.downtime_year),
            "downtime_month_s": r(p.downtime_month), "target": None if p.target is None else r(p.target),
            "meets": p.meets, "weakest": p.weakest, "weakest_gain": r(p.weakest_cost),
            "fix": None if p.fix is None else {"what": p.fix.what, "availability": r(p.fix.availability)},
            "hops": [{"component": h.component, "mode": h.mode, "visit": r(h.visit), "copies": h.copies,
                      "zones": h.zones, "node": r(h.node), "sla": r(h.sla), "source": h.source,
                      "alone": r(p.alone[h.component]) if h.component in p.alone else None}
                     for h in p.hops],
            "arithmetic": p.arithmetic,
        } for p in report.paths],
        "assumptions": report.assumptions,
    }


def to_json(report: AvailabilityReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def to_rich(report: AvailabilityReport) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(headline(report))]
    if not report.paths:
        return Group(*parts)
    t = Table(title="availability per synchronous path (published SLAs and per-node figures; zones shared)",
              title_justify="left")
    for h in HEAD:
        t.add_column(h, justify="right" if h in ("availability", "down/year", "down/month") else "left",
                     overflow="fold")
    for p, row in zip(report.paths, _rows(report)):
        style = "" if p.meets is None else "green" if p.meets else "bold red"
        t.add_row(*row[:6], Text(row[6], style=style), *row[7:])
    parts += [Text(""), t]
    for p in report.paths:
        parts.append(Text(f"\n{p.flow} ({p.use_case or '-'}, {p.direction}): {pct(p.availability)}", style="bold"))
        parts += [Text(f"  {line}") for line in p.arithmetic] + [Text(f"  {_fix_line(p)}")]
    if report.assumptions:
        parts.append(Text("\nassumptions (figures not in the design):", style="bold"))
        parts += [Text(f"  - {a}") for a in report.assumptions]
    return Group(*parts)


def to_markdown(report: AvailabilityReport) -> str:
    from tradeoff.render.scale import _md_table

    lines = [f"# {report.design.name}: availability", ""]
    lines += [f"- {h}" for h in headline(report)] + ["", _md_table(HEAD, _rows(report)), ""]
    for p in report.paths:
        lines += [f"## {p.flow} ({p.use_case or '-'}, {p.direction})", ""] + [f"- {a}" for a in p.arithmetic]
        lines += [f"- {_fix_line(p)}", ""]
    if report.assumptions:
        lines += ["## Assumptions", ""] + [f"- {a}" for a in report.assumptions] + [""]
    return "\n".join(lines)

"""Render an Estimate: a Rich table for the terminal, Markdown for files. Numbers come ready."""

from __future__ import annotations

import json
from typing import Any

from tradeoff.estimate.engine import Estimate, Figure

#: the order and grouping of the headline figures
SECTIONS: list[tuple[str, list[str]]] = [
    ("Traffic", ["users.dau", "users.peak_concurrent", "qps.read.avg", "qps.read.peak", "qps.write.avg", "qps.write.peak",
                 "qps.total.avg", "qps.total.peak", "read_write_ratio", "fanout.avg", "fanout.peak"]),
    ("Storage", ["storage.per_day", "storage.per_month", "storage.per_year", "storage.total",
                 "storage.total_replicated", "storage.hot", "storage.cold"]),
    ("Bandwidth", ["bandwidth.in.avg", "bandwidth.in.peak", "bandwidth.out.avg", "bandwidth.out.peak"]),
    ("Cache", ["cache.memory"]),
]


def headline(est: Estimate) -> list[tuple[str, list[Figure]]]:
    return [(title, [est.figures[k] for k in keys if k in est.figures]) for title, keys in SECTIONS]


def detail_keys(est: Estimate) -> list[str]:
    top = {k for _, keys in SECTIONS for k in keys}
    return [k for k in est.figures if k not in top]


def _driving(est: Estimate) -> set[str]:
    return {c.metric for c in est.callouts}


def to_rich(est: Estimate, derivations: bool = True) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    driving = _driving(est)
    table = Table(title=f"{est.design}: back-of-the-envelope ({est.convention} convention, "
                       f"peak {est.peak_multiplier:g}x)", show_lines=False, expand=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    if derivations:
        table.add_column("how", overflow="fold")
    for title, figs in headline(est):
        if not figs:
            continue
        table.add_row(Text(title, style="bold cyan"), "", *([""] if derivations else []))
        for f in figs:
            style = "bold yellow" if f.key in driving else ""
            label = Text(f"  {f.label}" + (" *" if f.assumed else ""), style=style)
            table.add_row(label, Text(f.text, style=style), *([f.derivation] if derivations else []))
    parts: list[Any] = [table]
    details = detail_keys(est)
    if details and derivations:
        per = Table(title="per use case and per entity", show_header=True)
        per.add_column("figure")
        per.add_column("value", justify="right")
        per.add_column("how", overflow="fold")
        for k in details:
            f = est.figures[k]
            per.add_row(f.label + (" *" if f.assumed else ""), f.text, f.derivation)
        parts.append(per)
    if est.callouts:
        parts.append(Text("Numbers that drive decisions:", style="bold"))
        for c in est.callouts:
            parts.append(Text(f"  > {c.message}", style="yellow"))
    for s in est.stated:
        if "problem" in s:
            parts.append(Text(f"  stated {s['metric']} = {s['stated']}: {s['problem']}", style="red"))
        else:
            parts.append(Text(f"  stated {s['metric']} = {s['stated']}, computed "
                              f"{est.figures[s['metric']].text} ({s['ratio']:.2f}x)"))
    if any(f.assumed for f in est.figures.values()):
        parts.append(Text("* uses an assumed default", style="dim"))
    for a in est.assumptions:
        parts.append(Text(f"assumed: {a}", style="dim"))
    for m in est.missing:
        parts.append(Text(f"missing: {m}", style="magenta"))
    return Group(*parts)


def to_markdown(est: Estimate) -> str:
    driving = _driving(est)
    lines = [f"# {est.design}: back-of-the-envelope numbers", "",
             f"Convention: **{est.convention}**; peak multiplier **{est.peak_multiplier:g}x**.", ""]
    for title, figs in headline(est):
        if not figs:
            continue
        lines += [f"## {title}", "", "| figure | value | how |", "| --- | ---: | --- |"]
        for f in figs:
            mark = "**" if f.key in driving else ""
            star = " \\*" if f.assumed else ""
            lines.append(f"| {mark}{f.label}{mark}{star} | {mark}{f.text}{mark} | {f.derivation} |")
        lines.append("")
    details = detail_keys(est)
    if details:
        lines += ["## Per use case and per entity", "", "| figure | value | how |", "| --- | ---: | --- |"]
        lines += [f"| {est.figures[k].label} | {est.figures[k].text} | {est.figures[k].derivation} |" for k in details]
        lines.append("")
    if est.callouts:
        lines += ["## Numbers that drive decisions", ""]
        lines += [f"- {c.message} _(threshold `{c.threshold}`: {c.source})_" for c in est.callouts]
        lines.append("")
    if est.assumptions or est.missing:
        lines += ["## Assumptions and gaps", ""]
        lines += [f"- assumed: {a}" for a in est.assumptions] + [f"- missing: {m}" for m in est.missing]
        lines.append("")
    return "\n".join(lines)


def to_json(est: Estimate) -> str:
    return json.dumps(est.to_dict(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"

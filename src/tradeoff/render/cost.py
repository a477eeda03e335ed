"""Render a CostReport: Rich for the terminal, Markdown, and JSON. Numbers come ready."""

from __future__ import annotations

import json
from typing import Any

from tradeoff.capacity.scale import fmt_x
from tradeoff.cost.bill import RESOURCES, CostReport, money


def _r(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.8g}")


def headline(report: CostReport) -> list[str]:
    cur = report.catalog.currency
    if not report.design.components:
        return ["Nothing to price yet: the design has no components (architecture.components)."]
    lines = []
    for b in report.bills:
        top = ", ".join(f"{c} {money(v, cur)}" for c, v in b.top(3))
        per = f"; {money(b.per_million, cur)} per million requests" if b.per_million is not None else ""
        lines.append(f"At {fmt_x(b.multiplier)}: {money(b.total, cur)} a month{per}; top: {top or '-'}.")
    rises = report.per_million_rises()
    if rises:
        lines.append(f"Cost per million requests rises with load: {money(rises[0].per_million, cur)} at "
                     f"{fmt_x(rises[0].multiplier)} to {money(rises[1].per_million, cur)} at {fmt_x(rises[1].multiplier)}.")
    for g in report.faster:
        lines.append(f"{g.component} grows faster than the load: x{g.ratio:,.3g} for x{g.load_ratio:g} the load.")
    if report.unpriced:
        lines.append(f"Not priced (no catalog entry and no `cost:`): {', '.join(report.unpriced)}.")
    return lines


def to_dict(report: CostReport) -> dict[str, Any]:
    return {
        "design": report.design.name,
        "currency": report.catalog.currency,
        "prices_as_of": report.catalog.as_of,
        "bills": [{
            "multiplier": b.multiplier,
            "total": _r(b.total),
            "requests_per_month": _r(b.requests),
            "per_million_requests": _r(b.per_million),
            "by_resource": {k: _r(v) for k, v in b.by_resource().items()},
            "by_component": {k: _r(v) for k, v in b.by_component().items()},
            "top": [c for c, _ in b.top(3)],
            "lines": [{"component": x.component, "resource": x.resource, "monthly": _r(x.monthly),
                       "arithmetic": x.arithmetic} for x in b.lines],
        } for b in report.bills],
        "growth": [{"component": g.component, "first": _r(g.first), "last": _r(g.last),
                    "ratio": _r(g.ratio) if g.first > 0 else None, "load_ratio": g.load_ratio, "faster": g.faster}
                   for g in report.growth],
        "unpriced": report.unpriced,
        "assumptions": report.assumptions,
    }


def to_json(report: CostReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _component_rows(report: CostReport) -> tuple[list[str], list[list[str]]]:
    cur = report.catalog.currency
    head = ["component"] + [fmt_x(b.multiplier) for b in report.bills]
    if len(report.bills) >= 2:
        head.append(f"grows ({fmt_x(report.bills[-1].multiplier / report.bills[0].multiplier)} load)")
    growth = {g.component: g for g in report.growth}
    comps = list(report.bills[-1].by_component()) if report.bills else []
    rows = []
    for cid in comps:
        row = [cid] + [money(b.by_component().get(cid, 0.0), cur) for b in report.bills]
        if len(report.bills) >= 2:
            g = growth.get(cid)
            row.append("-" if g is None or g.first <= 0 else f"x{g.ratio:,.3g}" + (" faster than load" if g.faster else ""))
        rows.append(row)
    total = ["total"] + [money(b.total, cur) for b in report.bills] + ([""] if len(report.bills) >= 2 else [])
    per = ["per million requests"] + [money(b.per_million, cur) if b.per_million is not None else "-"
                                      for b in report.bills] + ([""] if len(report.bills) >= 2 else [])
    return head, rows + [total, per]


def _resource_rows(report: CostReport) -> tuple[list[str], list[list[str]]]:
    cur = report.catalog.currency
    head = ["resource"] + [fmt_x(b.multiplier) for b in report.bills]
    return head, [[r] + [money(b.by_resource()[r], cur) for b in report.bills] for r in RESOURCES]


def to_rich(report: CostReport) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(headline(report))]
    if not report.design.components:
        return Group(*parts)
    for title, (head, rows) in (("the monthly bill by component", _component_rows(report)),
                                ("by resource", _resource_rows(report))):
        t = Table(title=title, title_justify="left")
        for i, h in enumerate(head):
            t.add_column(h, justify="left" if i == 0 or h.startswith("grows") else "right", overflow="fold")
        for row in rows:
            t.add_row(*row, style="bold" if row[0] in ("total", "per million requests") else "")
        parts += [Text(""), t]
    for b in report.bills:
        parts.append(Text(f"\nat {fmt_x(b.multiplier)}: the arithmetic", style="bold"))
        parts += [Text(f"  {x.component} ({x.resource}): {money(x.monthly, report.catalog.currency)} = {x.arithmetic}")
                  for x in b.lines]
    if report.assumptions:
        parts.append(Text("\nassumptions:", style="bold"))
        parts += [Text(f"  - {a}") for a in report.assumptions]
    return Group(*parts)


def to_markdown(report: CostReport) -> str:
    from tradeoff.render.scale import _md_table

    lines = [f"# {report.design.name}: what it costs", ""] + [f"- {h}" for h in headline(report)] + [""]
    head, rows = _component_rows(report)
    lines += ["## The monthly bill by component", "", _md_table(head, rows), ""]
    head, rows = _resource_rows(report)
    lines += ["## By resource", "", _md_table(head, rows), ""]
    for b in report.bills:
        lines += [f"## At {fmt_x(b.multiplier)}: the arithmetic", ""]
        lines += [f"- {x.component} ({x.resource}): {money(x.monthly, report.catalog.currency)} = {x.arithmetic}"
                  for x in b.lines] + [""]
    if report.assumptions:
        lines += ["## Assumptions", ""] + [f"- {a}" for a in report.assumptions] + [""]
    return "\n".join(lines)

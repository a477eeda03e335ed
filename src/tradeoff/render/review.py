"""Renderers of a review Report: terminal (rich), JSON, Markdown, SARIF 2.1.0. No logic here
beyond layout; the report already holds every finding, score and the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tradeoff.review.engine import PHASE_TITLES, PHASES, SEVERITIES, Rule
from tradeoff.review.run import Report

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "x", "warning": "!", "info": "i"}


def _counts(report: Report, phase: str) -> str:
    fs = [f for f in report.findings if f.phase == phase]
    n = {s: sum(1 for f in fs if f.severity == s) for s in SEVERITIES}
    return f"{n['error']} error{'s' * (n['error'] != 1)}, {n['warning']} warning{'s' * (n['warning'] != 1)}, {n['info']} info"


def to_rich(report: Report, show_info: bool = True, why: bool = True):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(f"Review of {report.design}", style="bold")]
    for phase in PHASES:
        fs = [f for f in report.findings if f.phase == phase and (show_info or f.severity != "info")]
        cov = report.phases.get(phase)
        if cov is None and not fs:
            continue
        head = Text(f"\n{PHASE_TITLES[phase]}", style="bold underline")
        if cov is not None:
            head.append(f"  coverage {cov.percent}% ({cov.covered}/{cov.total})", style="bold")
        head.append(f"  {_counts(report, phase)}")
        parts.append(head)
        for f in fs:
            line = Text("  ")
            line.append(f"{_MARK[f.severity]} {f.severity:<7}", style=_STYLE[f.severity])
            line.append(f" {f.code:<18}", style="bold")
            line.append(f" {f.message}")
            parts.append(line)
            parts.append(Text(f"      at {f.where}  ({f.pointer})", style="dim"))
            if why and f.severity != "info":
                parts.append(Text(f"      why: {f.why}", style="dim"))
            parts.append(Text(f"      fix: {f.fix}"))
    topics = Table(title="Deep-dive coverage", show_edge=False, pad_edge=False)
    for col in ("topic", "coverage", "errors", "warnings", "missing"):
        topics.add_column(col, overflow="fold")
    for name, cov in report.topics.items():
        fs = [f for f in report.findings if f.topic == name]
        topics.add_row(name.replace("_", " "), f"{cov.percent}%",
                       str(sum(1 for f in fs if f.severity == "error")),
                       str(sum(1 for f in fs if f.severity == "warning")),
                       ", ".join(cov.missing[:3]) + (" ..." if len(cov.missing) > 3 else ""))
    parts += [Text(""), topics, Text("\nVerdict", style="bold"), Text(report.verdict)]
    total = Text(f"\n{report.count('error')} error{'s' * (report.count('error') != 1)}, "
                 f"{report.count('warning')} warning{'s' * (report.count('warning') != 1)}, "
                 f"{report.count('info')} info from {len(report.rules)} rules")
    parts.append(total)
    return Group(*parts)


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    out = [f"# Review: {report.design}", "",
           f"**{report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} info** "
           f"from {len(report.rules)} rules.", "", f"> {report.verdict}", ""]
    out += ["## Coverage", "", "| phase | coverage | errors | warnings | info |", "|---|---|---|---|---|"]
    for phase in PHASES:
        cov = report.phases.get(phase)
        fs = [f for f in report.findings if f.phase == phase]
        if cov is None and not fs:
            continue
        out.append(f"| {PHASE_TITLES[phase]} | {f'{cov.percent}%' if cov else '-'} | "
                   + " | ".join(str(sum(1 for f in fs if f.severity == s)) for s in SEVERITIES) + " |")
    out += ["", "| deep dive | coverage | missing |", "|---|---|---|"]
    for name, cov in report.topics.items():
        out.append(f"| {name.replace('_', ' ')} | {cov.percent}% | {_md_cell(', '.join(cov.missing))} |")
    for phase in PHASES:
        fs = [f for f in report.findings if f.phase == phase]
        if not fs:
            continue
        out += ["", f"## {PHASE_TITLES[phase]}", "", "| severity | rule | where | finding | fix |",
                "|---|---|---|---|---|"]
        for f in fs:
            out.append(f"| {f.severity} | {f.code} | `{_md_cell(f.where)}` | {_md_cell(f.message)} | {_md_cell(f.fix)} |")
    return "\n".join(out) + "\n"


_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(file: str | None) -> str:
    if not file:
        return "design"
    p = Path(file)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_uri()


def _sarif_rule(r: Rule) -> dict[str, Any]:
    help_md = f"**Why:** {r.why}\n\n**Fix:** {r.fix}\n\n**Playbook:** {r.playbook}"
    if r.bad:
        help_md += f"\n\n**Fires on:**\n```yaml\n{r.bad}\n```"
    if r.good:
        help_md += f"\n\n**Instead:**\n```yaml\n{r.good}\n```"
    return {
        "id": r.code,
        "name": "".join(w.capitalize() for w in "".join(ch if ch.isalnum() else " " for ch in r.title).split()),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.why},
        "help": {"text": f"{r.why} Fix: {r.fix}", "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL[r.severity], "enabled": r.enabled},
        "properties": {"tags": [r.family, r.phase] + ([r.topic] if r.topic else []), "playbook": r.playbook},
    }


def to_sarif(report: Report, version: str) -> str:
    """SARIF 2.1.0: one run, the rules that ran, one result per finding with its region in the YAML."""
    rules = sorted(report.rules, key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}}}
        if f.line is not None:
            loc["physicalLocation"]["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        loc["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "kind": "element"}]
        results.append({
            "ruleId": f.code, "ruleIndex": index[f.code], "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "locations": [loc],
            "partialFingerprints": {"elementPath/v1": f"{f.code}:{f.pointer}"},
            "properties": {"phase": f.phase, **({"topic": f.topic} if f.topic else {})},
        })
    log = {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tradeoff", "version": version, "semanticVersion": version,
                                "informationUri": "https://pypi.org/project/tradeoff/",
                                "rules": [_sarif_rule(r) for r in rules]}},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"verdict": report.verdict},
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rules_table(rules: list[Rule]):
    from rich.table import Table

    t = Table(title=f"{len(rules)} review rules", show_edge=False)
    for col in ("code", "severity", "phase", "title"):
        t.add_column(col, overflow="fold")
    for r in rules:
        t.add_row(r.code, r.severity + ("" if r.enabled else " (off)"), (r.topic or r.phase).replace("_", " "), r.title)
    return t


def explain(r: Rule) -> str:
    """`tradeoff rules CODE`: what the rule checks, why, the fix, and a bad and a good example."""
    out = [f"{r.code}  {r.title}", f"severity: {r.severity}{'' if r.enabled else ' (off by default)'}",
           f"phase: {PHASE_TITLES[r.phase]}" + (f", deep dive: {r.topic.replace('_', ' ')}" if r.topic else ""),
           f"playbook: {r.playbook}", "", f"why: {r.why}", "", f"fix: {r.fix}"]
    if r.bad:
        out += ["", "fires on:", *("    " + line for line in r.bad.splitlines())]
    if r.good:
        out += ["", "instead:", *("    " + line for line in r.good.splitlines())]
    if r.false_positives:
        out += ["", f"known false positives: {r.false_positives}"]
    return "\n".join(out) + "\n"

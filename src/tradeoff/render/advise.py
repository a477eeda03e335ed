"""Render an Advisory: terminal, JSON, and the drafted decisions as YAML to paste."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tradeoff.knowledge.advise import Advisory

_STYLE = {"fits": "green", "fits with risks": "yellow", "better fit exists": "red", "no stated need": "dim"}


def to_dict(adv: Advisory) -> dict[str, Any]:
    return {
        "design": adv.design,
        "components": [{
            "component": a.component.id,
            "option": a.option.id,
            "table": a.option.table,
            "technology": a.component.technology,
            "verdict": a.verdict,
            "score": a.chosen.score,
            "why": a.chosen.why,
            "evidence": a.evidence(a.chosen),
            "risks": [{"id": r.id, "severity": r.severity, "message": r.message, "fix": r.fix}
                      for r, hit in a.chosen.risks if hit],
            "better": [{"option": r.option.id, "score": r.score, "why": r.why, "evidence": a.evidence(r)}
                       for r in a.better],
            "draft_decision": a.draft,
        } for a in adv.advice],
        "decisions": [{"id": c.decision.id, "problems": c.problems} for c in adv.decisions],
        "unmapped": adv.unmapped,
    }


def to_json(adv: Advisory) -> str:
    return json.dumps(to_dict(adv), indent=2, ensure_ascii=False) + "\n"


def drafts_yaml(adv: Advisory) -> str:
    """The drafted five-step decisions, ready to paste under `decisions:`."""
    drafts = [{k: v for k, v in a.draft.items() if v not in (None, [], "")} for a in adv.advice]
    return yaml.safe_dump(drafts, sort_keys=False, allow_unicode=True, width=100)


def to_rich(adv: Advisory) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{adv.design}: does each choice fit?")
    for col in ("component", "option", "verdict", "why", "better fit"):
        table.add_column(col, overflow="fold")
    for a in adv.advice:
        tech = f" ({a.component.technology})" if a.component.technology else ""
        better = "; ".join(f"{r.option.name} {r.score:+d}: {r.why} [{a.evidence(r)}]" for r in a.better[:2])
        ev = a.evidence(a.chosen)
        table.add_row(a.component.id, f"{a.option.name}{tech} {a.chosen.score:+d}",
                      Text(a.verdict, style=_STYLE[a.verdict]), a.chosen.why + (f" [{ev}]" if ev else ""), better)
    parts: list[Any] = [table]
    if adv.decisions:
        parts.append(Text("Written decisions (five steps):", style="bold"))
        for c in adv.decisions:
            if c.problems:
                parts.append(Text(f"  {c.decision.id}: " + "; ".join(c.problems), style="yellow"))
            else:
                parts.append(Text(f"  {c.decision.id}: all five steps present", style="green"))
    if adv.unmapped:
        parts.append(Text(f"no reference-table option known for: {', '.join(adv.unmapped)} "
                          "(set `option:` on the component)", style="magenta"))
    return Group(*parts)

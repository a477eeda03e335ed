"""Render a constraint change's impact: text for the terminal, Markdown, JSON. Numbers come ready
from tradeoff.whatif.trace."""

from __future__ import annotations

import json
import math
from typing import Any

from tradeoff.capacity.scale import fmt_x
from tradeoff.model import quantity as q
from tradeoff.whatif.trace import Impact

SHOWN = 12  # numbers listed on the terminal; JSON and Markdown have them all


def _num(v: float | None, unit: str) -> str:
    """A figure in the estimate's own units: bytes, bytes per second, or a count with its unit."""
    if v is None:
        return "-"
    if unit == "B":
        return q.fmt_bytes(v)
    if unit == "B/s":
        return q.fmt_data_rate(v)
    if unit == "ratio":
        return f"{v:.3g}"
    if unit == "availability":
        from tradeoff.availability.model import pct

        return pct(v)
    if unit.endswith("/month"):
        from tradeoff.cost.bill import money

        return f"{money(v, unit.split('/')[0])} a month"
    return f"{q.fmt_count(v)} {unit}".rstrip()


def _ratio(r: float | None) -> str:
    return "" if r is None else f" (x{r:.3g})"


def _break(b) -> str:
    return "nothing" if b is None else f"{b.what} at {fmt_x(b.multiplier)}"


def lines(imp: Impact, shown: int | None = SHOWN) -> list[str]:
    out = [f"Change to {imp.design}: " + "; ".join(str(e) for e in imp.edits), ""]
    nums = imp.numbers if shown is None else imp.numbers[:shown]
    out.append(f"Numbers that move ({len(imp.numbers)}):" if imp.numbers else "No estimate moves.")
    out += [f"  {n.label or n.key}: {_num(n.before, n.unit)} -> {_num(n.after, n.unit)}{_ratio(n.ratio) if n.unit != 'availability' else ''}" for n in nums]
    if shown is not None and len(imp.numbers) > shown:
        out.append(f"  ... and {len(imp.numbers) - shown} more (-f json or -f md lists them all)")
    out.append("")
    out.append(f"Affected components ({len(imp.affected)}):" if imp.affected else "No component is affected.")
    out += [f"  {c.id}: {'; '.join(c.reasons)}" for c in imp.components if c.affected]
    out.append("Unaffected: " + (", ".join(imp.unaffected) or "none"))
    cmp = imp.against_record()
    if cmp is not None:
        extra, untraced, contradicted = cmp
        out.append(f"Against the recorded revision {imp.recorded.id}:")
        if not (extra or untraced or contradicted):
            out.append("  traced and recorded alike")
        if extra:
            out.append("  affected, not in its record: " + ", ".join(extra))
        if untraced:
            out.append("  recorded as affected, no analysis shows why (the record's own reasoning): " + ", ".join(untraced))
        if contradicted:
            out.append("  recorded as unaffected, but affected: " + ", ".join(contradicted))
    out.append("")
    if imp.decisions:
        out.append("Decisions to re-examine:")
        out += [f"  {d}: {why}" for d, why in imp.decisions]
    else:
        out.append("No decision rests on what changed.")
    out.append("")
    out.append(f"What breaks first: {_break(imp.first_before)} -> {_break(imp.first_after)}")
    for m in sorted(set(imp.broken_before) | set(imp.broken_after)):
        b, a = imp.broken_before.get(m, []), imp.broken_after.get(m, [])
        if a != b:
            out.append(f"  at {fmt_x(m)}: past a limit {', '.join(b) or 'none'} -> {', '.join(a) or 'none'}")
    out.append("")
    out.append(f"Findings that appear ({len(imp.findings_new)}):" if imp.findings_new else "No new findings.")
    out += [f"  {f.code} {f.severity} {f.element or ''}: {f.message}".replace("  :", ":") for f in imp.findings_new]
    out.append(f"Findings that go away ({len(imp.findings_gone)}):" if imp.findings_gone else "No finding goes away.")
    out += [f"  {f.code} {f.element or ''}: {f.message}".replace("  :", ":") for f in imp.findings_gone]
    return out


def to_text(imp: Impact) -> str:
    return "\n".join(lines(imp)) + "\n"


def to_markdown(imp: Impact) -> str:
    return "# What if\n\n```text\n" + "\n".join(lines(imp, None)) + "\n```\n"


def _r(x: float | None) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if math.isinf(x):
        return "inf"
    return float(f"{x:.6g}")


def to_dict(imp: Impact) -> dict[str, Any]:
    def brk(b):
        return None if b is None else {"what": b.what, "multiplier": _r(b.multiplier)}

    return {
        "design": imp.design,
        "edits": [str(e) for e in imp.edits],
        "numbers": [{"key": n.key, "label": n.label, "unit": n.unit, "before": _r(n.before), "after": _r(n.after)}
                    for n in imp.numbers],
        "affected": {c.id: c.reasons for c in imp.components if c.affected},
        "unaffected": imp.unaffected,
        "decisions": [{"id": d, "why": why} for d, why in imp.decisions],
        "against_record": None if imp.against_record() is None else dict(zip(
            ("affected_not_recorded", "recorded_not_traced", "recorded_unaffected_but_affected"),
            imp.against_record())),
        "breaks_first": {"before": brk(imp.first_before), "after": brk(imp.first_after)},
        "past_a_limit": {fmt_x(m): {"before": imp.broken_before.get(m, []), "after": imp.broken_after.get(m, [])}
                         for m in sorted(set(imp.broken_before) | set(imp.broken_after))},
        "findings_new": [f.__dict__ for f in imp.findings_new],
        "findings_gone": [f.__dict__ for f in imp.findings_gone],
    }


def to_json(imp: Impact) -> str:
    return json.dumps(to_dict(imp), indent=2) + "\n"

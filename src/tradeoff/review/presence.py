"""Presence rules: one per playbook item that a design states in a field ("is the partition
key's rationale there?"). Each is also a coverage item, so the scores per phase and per
deep-dive topic count the same things the rules check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from tradeoff.review.engine import Hit, Severity, rule


@dataclass(frozen=True)
class Item:
    code: str
    phase: str
    topic: str | None
    label: str
    section: Callable[[Any], Any]  # ctx -> the element holding the field, or None
    field: str
    satisfied: Callable[[Any, Any], bool]  # (ctx, section) -> the item is covered


ITEMS: list[Item] = []


def filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict, tuple, set)):
        return bool(value)
    return True


def presence(code: str, title: str, *, section: Callable[[Any], Any], field: str, label: str,
             severity: Severity, playbook: str, why: str, fix: str, bad: str = "", good: str = "",
             satisfied: Callable[[Any, Any], bool] | None = None, applies: Callable[[Any], bool] | None = None,
             section_name: str = "") -> None:
    """Register a rule that fires when `section(ctx)` exists but its `field` is empty (or
    `satisfied(ctx, section)` is false). A missing section is left to the topic-level rule."""
    from tradeoff.review.engine import FAMILIES

    ok = satisfied or (lambda ctx, sec: filled(getattr(sec, field, None)))
    phase, topic = FAMILIES[code.split("-")[0]]

    def check(ctx):
        sec = section(ctx)
        if sec is None or (applies is not None and not applies(ctx)):
            return
        if not ok(ctx, sec):
            where = section_name or ".".join(str(p) for p in sec.source_path if not isinstance(p, int))
            yield Hit(sec, f"{where or 'design'}: {label} not stated")

    rule(code, title, severity=severity, playbook=playbook, why=why, fix=fix, bad=bad, good=good)(check)
    ITEMS.append(Item(code, phase, topic, label, section, field, ok))

"""The rule engine: small rules, one concern each, that yield findings about a design.

A rule is metadata (code, title, severity, the playbook item it comes from, why it matters,
a fix, a bad and a good example) plus one check function over a `Context`; it knows nothing
about output formats. Rules register themselves with the `@rule` decorator (or `register`)
when their family module is imported. The family is the code's prefix (CACHE-003 -> CACHE)
and decides the phase and deep-dive topic a finding counts against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from tradeoff.model.design import Element

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
RANK = {"error": 0, "warning": 1, "info": 2}

PHASES: tuple[str, ...] = ("requirements", "estimates", "architecture", "deep_dives", "decisions",
                           "wrap_up", "changes")
PHASE_TITLES = {
    "requirements": "1 requirements", "estimates": "2 estimates", "architecture": "3 high-level design",
    "deep_dives": "4 deep dives", "decisions": "decisions", "wrap_up": "5 wrap-up",
    "changes": "constraint changes",
}

#: family -> (phase, deep-dive topic or None)
FAMILIES: dict[str, tuple[str, str | None]] = {
    "REQ": ("requirements", None),
    "EST": ("estimates", None),
    "HLD": ("architecture", None),
    "DATA": ("deep_dives", "data_model"),
    "STORE": ("deep_dives", "storage_technology"),
    "PART": ("deep_dives", "partitioning"),
    "CACHE": ("deep_dives", "caching"),
    "ASYNC": ("deep_dives", "async_processing"),
    "COMM": ("deep_dives", "api_design"),
    "EVENT": ("deep_dives", "async_processing"),
    "API": ("deep_dives", "api_design"),
    "LB": ("deep_dives", "api_design"),
    "FAULT": ("deep_dives", "fault_tolerance"),
    "AVAIL": ("deep_dives", "fault_tolerance"),
    "CONS": ("deep_dives", "consistency"),
    "SCALE": ("deep_dives", "scalability"),
    "COMPUTE": ("deep_dives", "scalability"),
    "COST": ("deep_dives", "scalability"),
    "SEC": ("deep_dives", "security"),
    "OBS": ("deep_dives", "observability"),
    "OPS": ("deep_dives", "operational_readiness"),
    "DEC": ("decisions", None),
    "WRAP": ("wrap_up", None),
    "CHG": ("changes", None),
}


@dataclass(frozen=True)
class Hit:
    """What a check yields: the element (or source path) at fault and what is wrong with it."""

    at: Element | tuple
    message: str
    fix: str | None = None  # a fix specific to this hit, else the rule's
    severity: Severity | None = None  # a rule may lower one hit (e.g. a risk the design accepted)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    playbook: str  # the playbook item the rule comes from
    why: str  # why it matters, in tradeoff terms
    fix: str
    check: Callable[[Any], Iterable[Hit]] = field(repr=False, compare=False)
    bad: str = ""  # a design fragment that fires the rule
    good: str = ""  # the same fragment, fixed
    false_positives: str = ""
    enabled: bool = True  # off-by-default rules are switched on by config

    @property
    def family(self) -> str:
        return self.code.split("-")[0]

    @property
    def phase(self) -> str:
        return FAMILIES[self.family][0]

    @property
    def topic(self) -> str | None:
        return FAMILIES[self.family][1]


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    severity: Severity
    message: str
    path: tuple
    element: str | None  # the element's id, when it has one
    file: str | None
    line: int | None
    column: int | None
    phase: str
    topic: str | None
    playbook: str
    why: str
    fix: str

    @property
    def where(self) -> str:
        if self.file is None:
            return "(design)"
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def pointer(self) -> str:
        """The element's path in the design, e.g. architecture.components[3]."""
        out = ""
        for p in self.path:
            out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
        return out or "(design)"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "severity": self.severity, "message": self.message,
                "element": self.element, "path": self.pointer, "file": self.file, "line": self.line,
                "column": self.column, "phase": self.phase, "topic": self.topic, "playbook": self.playbook,
                "why": self.why, "fix": self.fix}


RULES: dict[str, Rule] = {}


def register(r: Rule) -> Rule:
    if r.family not in FAMILIES:
        raise ValueError(f"rule {r.code}: unknown family {r.family}")
    if r.code in RULES:
        raise ValueError(f"rule {r.code} registered twice")
    RULES[r.code] = r
    return r


def rule(code: str, title: str, *, severity: Severity, playbook: str, why: str, fix: str,
         bad: str = "", good: str = "", false_positives: str = "", enabled: bool = True):
    """Register the decorated check `fn(ctx) -> Iterable[Hit]` as a rule."""

    def deco(fn: Callable[[Any], Iterable[Hit]]) -> Callable[[Any], Iterable[Hit]]:
        register(Rule(code, title, severity, playbook, why, fix, fn, bad.strip("\n"), good.strip("\n"),
                      false_positives, enabled))
        return fn

    return deco

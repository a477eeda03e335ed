"""Run the rules over a design: findings, coverage per phase and topic, and a verdict."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradeoff.errors import DesignError, DesignErrors, UsageError
from tradeoff.review.engine import FAMILIES, PHASES, RANK, RULES, SEVERITIES, Finding, Hit, Rule
from tradeoff.model.design import DEEP_DIVE_TOPICS, Design, Element


def load_rules() -> dict[str, Rule]:
    """Import every family module once; each registers its rules."""
    from tradeoff.review import rules  # noqa: F401  (registers)

    return RULES


@dataclass
class Config:
    """Which rules run, at which severity: from a config file and the design's `review:`."""

    disable: set[str] = field(default_factory=set)
    enable: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)

    def active(self, r: Rule) -> bool:
        if _selected(r, self.disable) and not r.code in self.enable:
            return False
        return r.enabled or _selected(r, self.enable)

    def severity_of(self, r: Rule) -> str | None:
        """The severity the configuration sets for this rule, if it sets one."""
        return self.severity.get(r.code) or self.severity.get(r.family)


def _selected(r: Rule, selectors: set[str]) -> bool:
    return r.code in selectors or r.family in selectors or "ALL" in selectors


def _check_selector(sel: Any, where: Any, origin: str) -> str:
    rules = load_rules()
    if isinstance(sel, str) and (sel in rules or sel in FAMILIES or sel == "ALL"):
        return sel
    close = difflib.get_close_matches(str(sel), list(rules) + list(FAMILIES), n=1)
    raise DesignErrors([DesignError(f"{origin}: unknown rule or family {sel!r}", where,
                                    f"did you mean '{close[0]}'?" if close else "see `tradeoff rules`")])


def config_from(raw: dict[str, Any], locate, origin: str, base: Config | None = None) -> Config:
    """Read `{disable: [...], enable: [...], severity: {CODE: level}}`; `locate(path)` gives positions."""
    cfg = Config(set(base.disable), set(base.enable), dict(base.severity)) if base else Config()
    for key in raw:
        if key not in ("disable", "enable", "severity"):
            close = difflib.get_close_matches(str(key), ["disable", "enable", "severity"], n=1)
            raise DesignErrors([DesignError(f"{origin}: unknown key {key!r}", locate((key,)),
                                            f"did you mean '{close[0]}'?" if close else "keys: disable, enable, severity")])
    for key in ("disable", "enable"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise DesignErrors([DesignError(f"{origin}: {key} takes a list of rule codes or families",
                                            locate((key,)), "e.g. disable: [OPS-004, WRAP]")])
        for i, sel in enumerate(items):
            getattr(cfg, key).add(_check_selector(sel, locate((key, i)), origin))
            (cfg.enable if key == "disable" else cfg.disable).discard(sel)
    sev = raw.get("severity") or {}
    if not isinstance(sev, dict):
        raise DesignErrors([DesignError(f"{origin}: severity takes a mapping of rule code to level",
                                        locate(("severity",)), "e.g. severity: {CACHE-003: error}")])
    for sel, level in sev.items():
        _check_selector(sel, locate(("severity", sel)), origin)
        if level not in SEVERITIES:
            raise DesignErrors([DesignError(f"{origin}: severity of {sel} must be error, warning or info, not {level!r}",
                                            locate(("severity", sel)), "use error, warning or info")])
        cfg.severity[sel] = level
    return cfg


def config_file(path: str | Path, base: Config | None = None) -> Config:
    from tradeoff.io.load import parse_yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", "check the path to --config") from None
    try:
        raw, source = parse_yaml(text, str(path))
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    prefix: tuple = ()
    if isinstance(raw, dict) and isinstance(raw.get("review"), dict):
        raw, prefix = raw["review"], ("review",)
    if not isinstance(raw, dict):
        raise DesignErrors([DesignError("a review config is a mapping with disable, enable, severity",
                                        source.find(()), "e.g. review: {disable: [OPS-004]}")])
    return config_from(raw, lambda p: source.find(prefix + tuple(p)), str(path), base)


@dataclass
class Coverage:
    name: str
    covered: int
    total: int
    missing: list[str]

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 100


@dataclass
class Report:
    design: str
    file: str | None
    findings: list[Finding]
    phases: dict[str, Coverage]
    topics: dict[str, Coverage]
    verdict: str
    challenges: list[str]
    rules: list[Rule]  # the rules that ran

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> str | None:
        return min((f.severity for f in self.findings), key=RANK.get, default=None)

    def fails(self, fail_on: str) -> bool:
        if fail_on == "none":
            return False
        return any(RANK[f.severity] <= RANK[fail_on] for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        def cov(c: Coverage) -> dict[str, Any]:
            return {"covered": c.covered, "total": c.total, "percent": c.percent, "missing": c.missing}

        return {
            "design": self.design, "file": self.file,
            "summary": {s: self.count(s) for s in SEVERITIES},
            "verdict": self.verdict, "challenges": self.challenges,
            "phases": {k: {**cov(v), **self._counts(phase=k)} for k, v in self.phases.items()},
            "topics": {k: {**cov(v), **self._counts(topic=k)} for k, v in self.topics.items()},
            "findings": [f.to_dict() for f in self.findings],
        }

    def _counts(self, phase: str | None = None, topic: str | None = None) -> dict[str, int]:
        fs = [f for f in self.findings if (phase is None or f.phase == phase) and (topic is None or f.topic == topic)]
        return {s: sum(1 for f in fs if f.severity == s) for s in SEVERITIES}


def _finding(design: Design, r: Rule, hit: Hit, severity: str) -> Finding:
    path = hit.at.source_path if isinstance(hit.at, Element) else tuple(hit.at)
    pos = design.locate(path)
    element = getattr(hit.at, "id", None) if isinstance(hit.at, Element) else None
    if element is not None and not isinstance(element, str):
        element = None
    return Finding(r.code, r.title, severity, hit.message, path, element,
                   pos.file if pos else None, pos.line if pos else None, pos.column if pos else None,
                   r.phase, r.topic, r.playbook, r.why, hit.fix or r.fix)


def review(design: Design, *, table=None, config: Config | None = None, est=None, capacity=None,
           scale=None, only: set[str] | None = None) -> Report:
    """Review a design against every active rule (or only the given codes). `scale` is the
    capacity sweep when the caller has made it already (it is made here when a rule needs it)."""
    from tradeoff.estimate.engine import estimate
    from tradeoff.estimate.thresholds import default_table
    from tradeoff.knowledge.capacity import default_capacity
    from tradeoff.knowledge.facts import design_facts
    from tradeoff.review.context import Context
    from tradeoff.review.presence import ITEMS

    rules = load_rules()
    if design.estimates and design.estimates.thresholds:
        table = (table or default_table()).with_overrides(design.estimates.thresholds, "estimates.thresholds")
    table = table or default_table()
    est = est or estimate(design, table=table)
    ctx = Context(design, est, design_facts(design, est), table, capacity or default_capacity())
    if scale is not None:
        ctx.scale, ctx.capacity_model = scale, scale.model
    cfg = config or Config()
    if design.review is not None:
        cfg = config_from(design.review.model_dump(exclude_none=True, exclude_defaults=True),
                          lambda p: design.locate(("review", *p)), "review", cfg)
    ran, findings, seen = [], [], set()
    for code in sorted(rules):
        r = rules[code]
        if (only is not None and code not in only) or (only is None and not cfg.active(r)):
            continue
        ran.append(r)
        configured = cfg.severity_of(r)
        for hit in r.check(ctx) or ():
            # a configured severity wins; else the hit's own (a risk the design accepted), else the rule's
            f = _finding(design, r, hit, configured or hit.severity or r.severity)
            key = (f.code, f.path, f.message)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    findings.sort(key=lambda f: (PHASES.index(f.phase), f.line or 0, f.column or 0, f.code, f.message))
    phases, topics = _coverage(ctx, ITEMS)
    verdict, challenges = _verdict(ctx, findings, topics)
    pos = design.locate(())
    return Report(design.name, pos.file if pos else None, findings, phases, topics, verdict, challenges, ran)


def _coverage(ctx, items) -> tuple[dict[str, Coverage], dict[str, Coverage]]:
    phases = {p: Coverage(p, 0, 0, []) for p in PHASES}
    topics = {t: Coverage(t, 0, 0, []) for t in DEEP_DIVE_TOPICS}
    for it in items:
        sec = it.section(ctx)
        ok = sec is not None and it.satisfied(ctx, sec)
        for cov in (phases[it.phase], topics.get(it.topic) if it.topic else None):
            if cov is None:
                continue
            cov.total += 1
            if ok:
                cov.covered += 1
            else:
                cov.missing.append(it.label)
    return ({k: v for k, v in phases.items() if v.total}, topics)


#: what each decision-driving threshold makes the most interesting deep dive
_CALLOUT_TOPIC = {
    "cache_read_qps": "caching", "cache_node_memory": "caching", "cdn_egress": "caching",
    "partition_daily_ingest": "partitioning", "node_storage": "partitioning",
    "relational_primary_write_qps": "storage_technology", "write_buffering_qps": "async_processing",
    "fanout_deliveries": "async_processing", "node_nic": "scalability",
}


def _verdict(ctx, findings: list[Finding], topics: dict[str, Coverage]) -> tuple[str, list[str]]:
    """What a principal interviewer pushes on next: the deep dives the numbers make hardest,
    then the topics with the most serious findings."""
    weight = {"error": 5, "warning": 2, "info": 0}
    score: dict[str, float] = {}
    reason: dict[str, str] = {}
    for c in ctx.est.callouts:
        t = _CALLOUT_TOPIC.get(c.threshold)
        if t:
            score[t] = score.get(t, 0) + 3 + min(c.actual / c.limit, 100) ** 0.5
            reason.setdefault(t, c.message.rstrip("."))
    for f in findings:
        if f.topic:
            score[f.topic] = score.get(f.topic, 0) + weight[f.severity]
            if f.severity != "info":
                reason.setdefault(f.topic, f"{f.code}: {f.message}")
    ranked = sorted((t for t in score if score[t] > 0), key=lambda t: (-score[t], DEEP_DIVE_TOPICS.index(t)))
    top = ranked[:2]
    if not top:
        uncovered = [t for t in DEEP_DIVE_TOPICS if topics[t].covered == 0]
        if uncovered:
            return (f"Nothing here is at risk yet; the deep dives not started are {', '.join(uncovered[:3])}.", [])
        return ("Nothing stands out: the numbers cross no threshold and no rule finds a gap.", [])
    names = [t.replace("_", " ") for t in top]
    lead = " and ".join(names)
    detail = "; ".join(f"{t.replace('_', ' ')}: {reason[t]}" for t in top if t in reason)
    errors = [f for f in findings if f.severity == "error"]
    tail = f" Fix first: {errors[0].code} ({errors[0].message})." if errors else ""
    return (f"The most interesting challenges are {lead}. {detail}.{tail}", top)

"""The advisor: does each component's option fit the design, what fits better, and a draft
decision in the playbook's five steps (requirement, criteria, choice, tradeoff, rejected)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradeoff.estimate.engine import Estimate, estimate
from tradeoff.knowledge.facts import FACTS, design_facts
from tradeoff.knowledge.options import Option, Ranked, knowledge_base, rank
from tradeoff.model import quantity as q
from tradeoff.model.design import CacheLayer, Component, ComponentKind, Decision, Design, LBLayer

_BY_KIND: dict[ComponentKind, str] = {
    ComponentKind.cdn: "cdn",
    ComponentKind.queue: "queue",
    ComponentKind.event_stream: "event_stream",
    ComponentKind.api_gateway: "api_gateway",
    ComponentKind.service_mesh: "service_mesh",
    ComponentKind.coordination: "consensus",
}
_BY_CACHE_LAYER = {CacheLayer.app: "app_cache", CacheLayer.local: "local_cache",
                   CacheLayer.client: "client_cache", CacheLayer.cdn: "cdn"}


def option_of(component: Component) -> Option | None:
    """The reference-table option a component embodies: stated, else from its kind, else its technology."""
    kb = knowledge_base()
    if component.option and kb.option(component.option):
        return kb.option(component.option)
    if component.kind is ComponentKind.data_store and component.storage:
        return kb.option(component.storage.value)
    if component.kind is ComponentKind.cache:
        return kb.option(_BY_CACHE_LAYER.get(component.cache_layer or CacheLayer.app, "app_cache"))
    if component.kind is ComponentKind.load_balancer:
        return kb.option("l4" if component.layer is LBLayer.L4 else "l7")
    if component.kind in _BY_KIND:
        return kb.option(_BY_KIND[component.kind])
    if component.technology:
        found = kb.for_technology(component.technology)
        if found:
            return found[0]
    return None


@dataclass
class Advice:
    component: Component
    option: Option
    ranked: list[Ranked]
    verdict: str  # "fits", "fits with risks", "better fit exists", "no stated need"
    better: list[Ranked] = field(default_factory=list)
    draft: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # the component's own facts

    def evidence(self, r: Ranked) -> str:
        return evidence(r, self.facts)

    @property
    def chosen(self) -> Ranked:
        return next(r for r in self.ranked if r.option.id == self.option.id)


@dataclass
class DecisionCheck:
    decision: Decision
    problems: list[str]


@dataclass
class Advisory:
    design: str
    facts: dict[str, Any]
    advice: list[Advice]
    decisions: list[DecisionCheck]
    unmapped: list[str]


def _fact_text(name: str, value: Any) -> str:
    kind = FACTS[name][0].kind
    if value is None:
        return "unknown"
    if kind == "set":
        return ", ".join(sorted(value))
    if kind in ("count", "bytes", "data_rate", "fraction", "ms"):
        return q.fmt_kind(value, kind)
    return str(value)


def _facts_in(pred: dict[str, Any]) -> list[str]:
    if "all" in pred or "any" in pred:
        return [f for p in pred.get("all", pred.get("any", [])) for f in _facts_in(p)]
    if "not" in pred:
        return _facts_in(pred["not"])
    return [pred["fact"]]


def _draft(component: Component, chosen: Ranked, ranked: list[Ranked], facts: dict[str, Any],
           traces: list[str]) -> dict[str, Any]:
    """A five-step decision drafted from the knowledge, to paste into `decisions`."""
    opt = chosen.option
    true_fits = [f for f, r in chosen.fits if r]
    used = []
    for f in true_fits:
        for name in _facts_in(f.when):
            if name not in used:
                used.append(name)
    numbers = "; ".join(f"{n} {_fact_text(n, facts.get(n))}" for n in used)
    requirement = (f"{component.label}: {numbers}" if numbers
                   else f"{component.label}: {opt.reach_for_it_when}")
    criteria = [f.because for f in true_fits] or [opt.reach_for_it_when]
    hit = [r for r, h in chosen.risks if h]
    if hit:
        acceptable = f"to revisit: {hit[0].message} ({hit[0].fix})"
    else:
        acceptable = "none of its known risks is triggered by the stated requirements and numbers"
    rejected = []
    for r in ranked:
        if r.option.id == opt.id:
            continue
        rejected.append({"option": r.option.id, "why": r.why})
        if len(rejected) == 2:
            break
    return {
        "id": f"{component.id}-choice",
        "title": f"{opt.name} for {component.label}",
        "requirement": requirement,
        "traces_to": traces,
        "criteria": criteria,
        "choice": {"option": opt.id, "technology": component.technology, "component": component.id},
        "tradeoff": {"gain": "; ".join(opt.gives[:2]), "give_up": "; ".join(opt.costs[:2]),
                     "acceptable_because": acceptable},
        "rejected": rejected,
    }


def component_facts(design: Design, est: Estimate, facts: dict[str, Any], c: Component) -> dict[str, Any]:
    """The design's facts narrowed to one component: the traffic of the use cases whose paths
    pass through it and the data it holds. (Cache thinning and per-hop fan-out come with the
    capacity model; this is the first-order view.)"""
    out = dict(facts)
    arch = design.architecture
    if arch is None:
        return out
    reads = {f.use_case for f in arch.read_paths if f.use_case and any(h.component == c.id for h in f.hops)}
    writes = {f.use_case for f in arch.write_paths if f.use_case and any(h.component == c.id for h in f.hops)}
    writes |= {a.use_case for a in arch.async_edges
               if a.use_case and c.id in (a.via, a.producer, *a.consumers)}
    if reads or writes:
        r = sum(est.value(f"{u}.qps.peak", 0.0) or 0.0 for u in reads)
        w = sum(est.value(f"{u}.qps.peak", 0.0) or 0.0 for u in writes - reads)
        out["qps.read.peak"], out["qps.write.peak"], out["qps.total.peak"] = r, w, r + w
        out["read_write_ratio"] = (r / w) if w else (float("inf") if r else None)
    if c.queries:
        out["queries"] = {x.value for x in c.queries}
    held = set(c.entities) | {e.id for e in (design.estimates.storage if design.estimates else []) if e.store == c.id}
    if held:
        for key in ("per_day", "total"):
            vals = [est.value(f"storage.{e}.{key}") for e in held]
            out[f"storage.{key}"] = sum(v for v in vals if v is not None) if any(v is not None for v in vals) else None
    elif c.kind in (ComponentKind.data_store, ComponentKind.cache):
        out["storage.per_day"] = out["storage.total"] = None  # holds nothing stated: unknown, not the system's
    return out


def evidence(r: Ranked, facts: dict[str, Any]) -> str:
    """The numbers behind a ranking: each fact read by a fit met or a risk triggered, with its value."""
    used: list[str] = []
    for pred in [f.when for f, hit in r.fits if hit] + [k.when for k, hit in r.risks if hit]:
        for name in _facts_in(pred):
            if name not in used:
                used.append(name)
    return "; ".join(f"{n} = {_fact_text(n, facts.get(n))}" for n in used)


def check_decision(decision: Decision) -> list[str]:
    """What a written decision lacks of the five steps."""
    kb = knowledge_base()
    problems = []
    if not decision.requirement:
        problems.append("step 1: no requirement stated")
    if not decision.traces_to:
        problems.append("step 1: traces to no requirement or use case")
    if not decision.criteria:
        problems.append("step 2: no decision criteria named")
    ch = decision.choice
    if ch is None or not (ch.option or ch.technology):
        problems.append("step 3: no choice made")
    elif ch.option and kb.option(ch.option) is None:
        problems.append(f"step 3: '{ch.option}' is not an option of the reference tables")
    elif not ch.option and not kb.for_technology(ch.technology or ""):
        problems.append(f"step 3: technology '{ch.technology}' maps to no known option; name the option")
    t = decision.tradeoff
    for part, label in (("gain", "what we gain"), ("give_up", "what we give up"),
                        ("acceptable_because", "why that is acceptable")):
        if t is None or not getattr(t, part):
            problems.append(f"step 4: tradeoff lacks {label}")
    if not decision.rejected:
        problems.append("step 5: no rejected alternative named")
    elif any(not r.why for r in decision.rejected):
        problems.append("step 5: a rejected alternative has no why")
    return problems


def advise(design: Design, component_id: str | None = None, est: Estimate | None = None) -> Advisory:
    from tradeoff.errors import UsageError

    est = est or estimate(design)
    facts = design_facts(design, est)
    components = design.components
    if component_id is not None:
        components = [c for c in components if c.id == component_id]
        if not components:
            import difflib

            close = difflib.get_close_matches(component_id, [c.id for c in design.components], n=1)
            raise UsageError(f"no component '{component_id}' in {design.name}",
                             f"did you mean '{close[0]}'?" if close else "see architecture.components")
    traces_by_component: dict[str, list[str]] = {}
    if design.architecture:
        for f in [*design.architecture.read_paths, *design.architecture.write_paths]:
            for h in f.hops:
                if f.use_case and f.use_case not in traces_by_component.setdefault(h.component, []):
                    traces_by_component[h.component].append(f.use_case)
    out, unmapped = [], []
    for c in components:
        opt = option_of(c)
        if opt is None:
            if c.kind not in (ComponentKind.client, ComponentKind.dns, ComponentKind.service,
                              ComponentKind.worker, ComponentKind.external, ComponentKind.scheduler,
                              ComponentKind.realtime_gateway):
                unmapped.append(c.id)
            continue
        local = component_facts(design, est, facts, c)
        ranked = rank(opt.table, local, role=opt.role)
        chosen = next(r for r in ranked if r.option.id == opt.id)
        better = [r for r in ranked if r.score > chosen.score]
        hit = any(h for _, h in chosen.risks if h)
        if better:
            verdict = "better fit exists"
        elif chosen.score > 0 or any(r for _, r in chosen.fits):
            verdict = "fits with risks" if hit else "fits"
        else:
            verdict = "fits with risks" if hit else "no stated need"
        out.append(Advice(c, opt, ranked, verdict, better,
                          _draft(c, chosen, ranked, local, sorted(traces_by_component.get(c.id, []))), local))
    checks = [DecisionCheck(d, check_decision(d)) for d in design.decisions] if component_id is None else []
    return Advisory(design.name, facts, out, checks, unmapped)


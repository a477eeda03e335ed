"""What every rule reads: the design, its estimate and facts, the thresholds, and lookups
over the architecture (flows through a component, first-order load per component)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from tradeoff.estimate.engine import Estimate
from tradeoff.estimate.thresholds import Table
from tradeoff.knowledge.capacity import CapacityTable, NodeCapacity
from tradeoff.model.design import (
    Component, ComponentKind, Design, Flow, Operation, Priority, UseCase,
)

#: kinds whose copies each take every write of their shard (single leader per shard)
EDGE_CACHE_KINDS = frozenset({ComponentKind.cache, ComponentKind.cdn})


@dataclass
class Load:
    """Peak requests per second reaching one component, as the capacity model's load
    (tradeoff.capacity.load) works it out."""

    reads: float = 0.0
    writes: float = 0.0
    use_cases: set[str] = field(default_factory=set)

    @property
    def total(self) -> float:
        return self.reads + self.writes


@dataclass
class Context:
    design: Design
    est: Estimate
    facts: dict[str, Any]
    table: Table
    capacity: CapacityTable

    # --- sections -----------------------------------------------------------------------
    @property
    def req(self):
        return self.design.requirements

    @property
    def nf(self):
        return self.req.non_functional if self.req else None

    @property
    def arch(self):
        return self.design.architecture

    @property
    def dd(self):
        return self.design.deep_dives

    @property
    def deep_dives_started(self) -> bool:
        """At least one deep-dive topic is written (an empty `deep_dives: {}` is not a start)."""
        dd = self.dd
        return dd is not None and any(getattr(dd, t) for t in type(dd).model_fields)

    @property
    def components(self) -> list[Component]:
        return self.design.components

    def component(self, cid: str | None) -> Component | None:
        return self.arch.component(cid) if self.arch and cid else None

    def threshold(self, name: str) -> float:
        return self.table.thresholds[name].value

    def fmt(self, name: str, value: float | None = None) -> str:
        """A threshold's value (or another value in its kind), formatted."""
        th = self.table.thresholds[name]
        return th.format(th.value if value is None else value)

    # --- use cases and traffic --------------------------------------------------------------
    @cached_property
    def use_cases(self) -> dict[str, UseCase]:
        return {u.id: u for u in self.design.use_cases}

    @property
    def must(self) -> list[UseCase]:
        return [u for u in self.design.use_cases if u.priority is Priority.must]

    @cached_property
    def operation(self) -> dict[str, Operation]:
        """read or write, per use case, from its traffic entries."""
        est = self.design.estimates
        return {t.use_case: t.operation for t in (est.traffic if est else [])}

    def peak_qps(self, use_case: str | None) -> float | None:
        return self.est.value(f"{use_case}.qps.peak") if use_case else None

    # --- flows --------------------------------------------------------------------------------
    def flows(self) -> Iterator[tuple[str, Flow]]:
        if self.arch is None:
            return
        for f in self.arch.read_paths:
            yield "read", f
        for f in self.arch.write_paths:
            yield "write", f

    def flows_through(self, cid: str) -> list[tuple[str, Flow]]:
        return [(k, f) for k, f in self.flows() if any(h.component == cid for h in f.hops)]

    def on_async_edge(self, cid: str) -> bool:
        return bool(self.arch) and any(cid in (a.producer, a.via, *a.consumers, a.dead_letter)
                                       for a in self.arch.async_edges)

    def on_external_call(self, cid: str) -> bool:
        return bool(self.arch) and any(cid in (e.caller, e.external) for e in self.arch.external_calls)

    def use_cases_of(self, cid: str) -> set[str]:
        """Use cases a component serves: through flows, async edges, external calls or its own list."""
        out: set[str] = set()
        c = self.component(cid)
        if c is not None:
            out |= set(c.use_cases)
        for _, f in self.flows_through(cid):
            if f.use_case:
                out.add(f.use_case)
        if self.arch:
            for a in self.arch.async_edges:
                if a.use_case and cid in (a.producer, a.via, *a.consumers, a.dead_letter):
                    out.add(a.use_case)
            for e in self.arch.external_calls:
                if e.use_case and cid in (e.caller, e.external):
                    out.add(e.use_case)
        return out

    @cached_property
    def capacity_model(self):
        """The capacity model (#6) at today's peak: stations, resources, load per component."""
        from tradeoff.capacity.model import build

        return build(self.design, self.est, self.table, self.capacity)

    @cached_property
    def scale(self):
        """The capacity sweep at 1x, 10x and 100x, with every breaking multiplier."""
        from tradeoff.capacity.scale import sweep

        return sweep(self.capacity_model)

    @cached_property
    def availability(self):
        """Each use case's read and write path availability (tradeoff.availability)."""
        from tradeoff.availability import analyse

        return analyse(self.design)

    @cached_property
    def cost(self):
        """The monthly bill at 1x, 10x and 100x (tradeoff.cost), on the same capacity model."""
        from tradeoff.cost import bills

        return bills(self.design, model=self.capacity_model)

    @cached_property
    def load(self) -> dict[str, Load]:
        """Peak load per component, from the capacity model's demand (one load model for both)."""
        out: dict[str, Load] = {}
        for cid, cl in self.capacity_model.demand.components.items():
            out[cid] = Load(cl.reads_peak, cl.writes_peak, set(cl.by_use_case))
        return out

    # --- knowledge ----------------------------------------------------------------------------
    def option(self, c: Component):
        from tradeoff.knowledge.advise import option_of

        cache = self.__dict__.setdefault("_options", {})
        if id(c) not in cache:
            cache[id(c)] = option_of(c)
        return cache[id(c)]

    def node_capacity(self, c: Component) -> NodeCapacity | None:
        from tradeoff.knowledge.capacity import node_figures

        got = node_figures(self.capacity, c)
        return got[1] if got else None

    def component_facts(self, c: Component) -> dict[str, Any]:
        from tradeoff.knowledge.advise import component_facts

        cache = self.__dict__.setdefault("_cfacts", {})
        if c.id not in cache:
            cache[c.id] = component_facts(self.design, self.est, self.facts, c)
        return cache[c.id]

    def decisions_for(self, c: Component) -> list:
        return [d for d in self.design.decisions if d.choice and d.choice.component == c.id]

    def storage_choice_for(self, c: Component):
        st = self.dd.storage_technology if self.dd else None
        return next((s for s in (st.choices if st else []) if s.component == c.id), None)

    def partitioning_for(self, c: Component):
        return next((p for p in (self.dd.partitioning if self.dd else []) if p.component == c.id), None)

    def held_entities(self, c: Component) -> list[str]:
        est = self.design.estimates
        return sorted(set(c.entities) | {e.id for e in (est.storage if est else []) if e.store == c.id})

    def stored(self, c: Component, key: str) -> float | None:
        """A storage figure (per_day, total, total_replicated, ...) summed over what a store holds."""
        vals = [self.est.value(f"storage.{e}.{key}") for e in self.held_entities(c)]
        vals = [v for v in vals if v is not None]
        return sum(vals) if vals else None

"""The availability of each use case's synchronous path, from the design's topology.

A hop is one component a request waits on. Its figure comes from the design (`availability` of
one replica, or `sla` of a whole managed service), else from the knowledge base
(knowledge/availability.yaml: a managed service recognised by its technology, a kind that is
someone else's service, or one node we run), and every default used is listed.

- Replicas are redundancy in parallel: the hop is up when at least one copy a request can use
  is up (a sharded store: the copies of the key's shard, replicas / shards).
- Zones are modelled explicitly and shared: zone i is the same zone for every component, and a
  replica is up only if its zone is. Copies spread round-robin over the zones the component
  spans (`zones`, default 1: everything sits in zone 1). The path's availability is the sum
  over the 2^Z zone states of P(state) x P(every hop up | state), so two components in one zone
  pay for that zone once, and nothing in one zone beats the zone.
- A managed service or third party counts its SLA, independent of our zones.
- A hop reached by a share v of requests (`calls` below 1, a store behind a cache's misses)
  fails that share only: it contributes 1 - v (1 - A). The result is the share of requests
  served: availability as users see it.
- A cache, a CDN, an object store's blobs or a third party whose caller has a fallback (or an
  external call with one) degrades the request instead of failing it, so it is off the
  availability path; a store of record is never softened (the data has to come from
  somewhere). An in-process cache is its caller.
- Async edges are off the synchronous path: a queue's durability matters for data loss, not for
  whether the request is answered.

Reference: series and parallel reliability, e.g. Trivedi, "Probability and Statistics with
Reliability, Queuing and Computer Science Applications", ch. 3 (series-parallel systems, and
conditioning on a common-cause component for the shared zone).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

from tradeoff.capacity.latency import root_flows
from tradeoff.capacity.load import walk
from tradeoff.knowledge.availability import AvailabilityTable, default_availability
from tradeoff.model import quantity as q
from tradeoff.model.design import (
    STATEFUL_KINDS, CacheLayer, Component, ComponentKind, Design, Flow, Priority, StorageKind,
)

YEAR_S = 365.25 * 86400
MONTH_S = YEAR_S / 12
MAX_ZONES = 8  # zone states enumerated: 2^8 = 256
#: failure of these degrades a request when the caller has a fallback (as does an object store's
#: on a read: a placeholder stands in for a blob, but an upload that fails has failed); a store
#: of record never
SOFTENABLE = frozenset({ComponentKind.cache, ComponentKind.external, ComponentKind.cdn})
#: the doors into a region: a second one means a second region behind DNS
EDGE_KINDS = frozenset({ComponentKind.load_balancer, ComponentKind.api_gateway, ComponentKind.service_mesh,
                        ComponentKind.realtime_gateway, ComponentKind.dns})
#: not a server of ours on the path: the user's own device
OFF_PATH = frozenset({ComponentKind.client})


@dataclass(frozen=True)
class Hop:
    """One component on a path, as the availability arithmetic sees it."""

    component: str
    mode: str  # "replicas" (ours, in zones), "sla" (a managed service or third party), "soft", "in-process"
    visit: float  # share of the path's requests that reach it (at most 1)
    copies: int = 1  # copies a request can use (a shard's, for a sharded store)
    zones: int = 1  # zones those copies span
    node: float = 1.0  # one copy's availability
    sla: float = 1.0
    source: str = ""
    why: str = ""  # for a soft hop: the fallback

    @property
    def hard(self) -> bool:
        return self.mode in ("replicas", "sla")

    def up(self, zones_up: tuple[bool, ...]) -> float:
        """P(this hop is up | which zones are up)."""
        if self.mode == "sla":
            return self.sla
        if self.mode != "replicas":
            return 1.0
        n = sum(c for c, up in zip(self.per_zone(), zones_up) if up)
        return 1.0 - (1.0 - self.node) ** n if n else 0.0

    def per_zone(self) -> list[int]:
        z = min(self.zones, self.copies)
        return [self.copies // z + (1 if i < self.copies % z else 0) for i in range(z)]

    def describe(self) -> str:
        if self.mode == "sla":
            return f"SLA {q.fmt_percent(self.sla)} ({self.source})"
        if self.mode == "replicas":
            spread = " + ".join(str(n) for n in self.per_zone())
            return (f"{self.copies} cop{'y' if self.copies == 1 else 'ies'} of {q.fmt_percent(self.node)} "
                    f"in {len(self.per_zone())} zone(s) [{spread}] ({self.source})")
        if self.mode == "soft":
            return f"degrades, does not fail: {self.why}"
        return "in the caller's process"


@dataclass(frozen=True)
class Fix:
    what: str
    availability: float  # the path's, with the fix


@dataclass
class PathAvailability:
    """One use case's read path or write path."""

    flow: str
    use_case: str | None
    direction: str  # read, write
    hops: list[Hop]
    zone: float
    availability: float
    alone: dict[str, float]  # each hard hop's availability on its own (its zones included)
    caps: dict[str, float]  # the path with only this hop failing: the most it allows (its visit share counted)
    target: float | None
    weakest: str | None  # a component id, or "zone"
    weakest_cost: float  # availability the path would gain if the weakest never failed
    fix: Fix | None
    arithmetic: list[str] = field(default_factory=list)

    @property
    def meets(self) -> bool | None:
        return None if self.target is None else self.availability >= self.target - 1e-12

    @property
    def downtime_year(self) -> float:
        return (1 - self.availability) * YEAR_S

    @property
    def downtime_month(self) -> float:
        return (1 - self.availability) * MONTH_S


@dataclass
class AvailabilityReport:
    design: Design
    zone: float
    zone_source: str
    zones: int
    target: float | None
    target_use_cases: list[str]
    paths: list[PathAvailability]
    assumptions: list[str]


def nines(a: float) -> float:
    """-log10(1 - a): 99.9% is 3 nines, 99.95% about 3.3."""
    return math.inf if a >= 1 else -math.log10(1 - a)


def path_availability(hops: list[Hop], zone: float, zones: int) -> float:
    """Sum over zone states of P(state) x product over hops of (1 - visit x (1 - P(hop up | state)))."""
    hard = [h for h in hops if h.hard and h.visit > 0]
    used = min(zones, MAX_ZONES)
    if not any(h.mode == "replicas" for h in hard):
        used = 0
    total = 0.0
    for state in itertools.product((True, False), repeat=used):
        p = 1.0
        for up in state:
            p *= zone if up else 1 - zone
        if p == 0:
            continue
        ok = 1.0
        for h in hard:
            ok *= 1 - h.visit * (1 - h.up(state))
        total += p * ok
    return total


def _figures(table: AvailabilityTable, c: Component, assumptions: list[str]) -> tuple[str, float, str]:
    """(mode, figure, source) for a component: the design's, else a managed service's SLA, else
    its kind's, else one node's."""
    if c.sla is not None:
        return "sla", c.sla, "design"
    if c.availability is not None:
        return "replicas", c.availability, "design"
    managed = table.managed_for(c)
    if managed is not None:
        assumptions.append(f"{c.id}: {managed.name}'s published SLA, {q.fmt_percent(managed.sla)} ({managed.source})")
        return "sla", managed.sla, managed.name
    kind = table.kinds.get(c.kind.value)
    if kind is not None and kind.sla is not None:
        assumptions.append(f"{c.id}: a {c.kind.value}'s SLA, {q.fmt_percent(kind.sla)} ({kind.source})")
        return "sla", kind.sla, f"{c.kind.value} default"
    node = table.node.availability
    assumptions.append(f"{c.id}: {q.fmt_percent(node)} per replica, one node ({table.node.source})")
    return "replicas", node, "one node"


def _hop(table: AvailabilityTable, c: Component, visit: float, fallback: str | None, direction: str,
         assumptions: list[str]) -> Hop:
    if c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local:
        return Hop(c.id, "in-process", visit)
    mode, figure, source = _figures(table, c, assumptions)
    blob = c.storage is StorageKind.object_store and direction == "read"
    if fallback and (c.kind in SOFTENABLE or blob):
        return Hop(c.id, "soft", visit, why=fallback)
    if mode == "sla":
        return Hop(c.id, "sla", visit, sla=figure, source=source)
    copies = max(1, c.replicas // c.shards) if c.shards else c.replicas
    return Hop(c.id, "replicas", visit, copies, c.zones or 1, node=figure, source=source)


def _visits(design: Design, f: Flow, branches: list[Flow]) -> tuple[dict[str, float], dict[str, str | None]]:
    """Share of requests reaching each component of a path (capped at 1), and the fallback of the
    caller of each (the nearest earlier hop that is not a cache)."""
    arch = design.architecture
    visits: dict[str, float] = {}
    fallback: dict[str, str | None] = {}

    def run(flow: Flow, start: float) -> None:
        caller = None
        for cid, v, _ in walk(design, flow, start):  # visits multiply by calls and thin after caches
            visits[cid] = max(visits.get(cid, 0.0), min(1.0, v))
            if caller is not None and cid not in fallback:
                res = caller.resilience
                fallback[cid] = res.fallback if res and res.fallback else None
            c = arch.component(cid)
            if c is not None and c.kind not in (ComponentKind.cache, ComponentKind.cdn, ComponentKind.dns):
                caller = c

    run(f, 1.0)
    for g in branches:
        run(g, visits.get(g.hops[0].component, 1.0) / g.hops[0].calls)
    for e in arch.external_calls:
        if e.use_case == f.use_case and e.sync and e.caller in visits:
            visits[e.external] = max(visits.get(e.external, 0.0), min(1.0, visits[e.caller] * e.calls))
            caller = arch.component(e.caller)
            fb = e.fallback or (caller.resilience.fallback if caller and caller.resilience else None)
            fallback[e.external] = fb
    return visits, fallback


def _fixes(hops: list[Hop], zone: float, zones: int, weakest: str,
           kinds: dict[str, ComponentKind]) -> Fix | None:
    if weakest == "zone":
        spread = [replace(h, zones=max(h.zones, 2), copies=max(h.copies, 2)) if h.mode == "replicas" and h.zones < 2
                  else h for h in hops]
        if spread != hops:
            return Fix("spread every single-zone component over a second zone",
                       path_availability(spread, zone, max(zones, 2)))
        return Fix("only a second region lifts the zone term: fail over across regions (not modelled here)",
                   path_availability(hops, 1.0, zones))
    i = next(i for i, h in enumerate(hops) if h.component == weakest)
    h = hops[i]
    kind = kinds.get(h.component)
    if h.mode == "replicas" and h.copies < 2:
        better = replace(h, copies=2, zones=2)
        what = f"a second replica of {h.component} in another zone"
    elif h.mode == "replicas" and h.zones < 2:
        better = replace(h, zones=2)
        what = f"spread {h.component}'s {h.copies} replicas over a second zone"
    elif h.mode == "sla" and kind in EDGE_KINDS:
        better = replace(h, sla=1 - (1 - h.sla) ** 2)
        what = f"a second {h.component} in another region behind health-checked DNS failover"
    elif h.mode == "sla" and kind in STATEFUL_KINDS:
        better = replace(h, sla=1 - (1 - h.sla) ** 2)
        what = (f"a replica of {h.component} in a second region to fail over to (e.g. global tables), "
                f"or a fallback read path")
    else:
        better = replace(h, mode="soft", why="fallback")
        what = (f"a fallback for {h.component} so its failure degrades the request (serve stale, queue and "
                f"retry, a second provider) instead of failing it")
    fixed = hops[:i] + [better] + hops[i + 1:]
    return Fix(what, path_availability(fixed, zone, max(zones, better.zones)))


def _target(design: Design) -> tuple[float | None, list[str]]:
    nf = design.requirements.non_functional if design.requirements else None
    if nf is None or nf.availability is None:
        return None, []
    named = list(nf.availability.use_cases)
    if not named:
        named = [u.id for u in design.use_cases if u.priority is Priority.must] or [u.id for u in design.use_cases]
    return nf.availability.target, named


def analyse(design: Design, table: AvailabilityTable | None = None) -> AvailabilityReport:
    """Per use case and direction: the path's availability, downtime, the hop that costs the most
    nines and what would fix it, against the availability target."""
    table = table or default_availability()
    arch = design.architecture
    assumptions: list[str] = []
    arch_zone = arch.zone_availability if arch else None
    zone = arch_zone if arch_zone is not None else table.zone.availability
    zone_source = "design" if arch_zone is not None else table.zone.source
    if arch_zone is None:
        assumptions.append(f"one zone: {q.fmt_percent(zone)} ({table.zone.source})")
    zones = max([c.zones or 1 for c in design.components] or [1])
    target, named = _target(design)
    paths = []
    for direction, f, branches in (root_flows(design) if arch else []):
        visits, fallback = _visits(design, f, branches)
        hops = []
        for cid, v in visits.items():
            c = arch.component(cid)
            if c is None or c.kind in OFF_PATH:
                continue
            hops.append(_hop(table, c, v, fallback.get(cid), direction, assumptions))
        a = path_availability(hops, zone, zones)
        alone = {h.component: path_availability([replace(h, visit=1.0)], zone, zones) for h in hops if h.hard}
        costs = {}  # availability the path would gain if this hop (or the zones) never failed
        caps = {}  # the path with only this hop on it: what it alone allows
        for i, h in enumerate(hops):
            if h.hard:
                # a hop that never fails: its nodes (or its SLA) perfect, its zones still its zones
                perfect = hops[:i] + [replace(h, node=1.0, sla=1.0)] + hops[i + 1:]
                costs[h.component] = path_availability(perfect, zone, zones) - a
                caps[h.component] = path_availability([h], zone, zones)
        if any(h.mode == "replicas" and h.hard for h in hops):
            costs["zone"] = path_availability(hops, 1.0, zones) - a
        weakest = max(costs, key=lambda k: (costs[k], k)) if costs and a < 1 else None
        kinds = {c.id: c.kind for c in design.components}
        fix = _fixes(hops, zone, zones, weakest, kinds) if weakest else None
        uc_target = target if f.use_case in named else None
        arith = [f"{h.component}: {h.describe()}" + (f", reached by {q.fmt_percent(h.visit)} of requests"
                                                      if h.hard and h.visit < 1 else "")
                 + (f" -> {pct(alone[h.component])} on its own" if h.hard else "")
                 for h in hops]
        arith.append(_formula(hops, zone, zones, a))
        for e in arch.async_edges:
            if e.use_case == f.use_case and e.producer in visits:
                arith.append(f"off the path: {e.id} ({e.producer} -> {e.via} -> {', '.join(e.consumers)}) is async; "
                             f"{e.via}'s durability matters for data loss, not for whether the request is answered")
        paths.append(PathAvailability(f.id, f.use_case, direction, hops, zone, a, alone, caps, uc_target, weakest,
                                      costs.get(weakest, 0.0) if weakest else 0.0, fix, arith))
    return AvailabilityReport(design, zone, zone_source, zones, target, named, paths, sorted(set(assumptions)))


def pct(a: float) -> str:
    """A percentage with enough decimals to show its nines: 99.8001%, 99.99%, 99.9499%."""
    if a >= 1:
        return "100%"
    places = min(10, max(1, math.ceil(-math.log10((1 - a) * 100)) + 3))
    return f"{a * 100:.{places}f}".rstrip("0").rstrip(".") + "%"


def _formula(hops: list[Hop], zone: float, zones: int, a: float) -> str:
    """The path's sum as a reader checks it by hand: with every zone up the hops multiply; the
    states with a zone down add the rest."""
    hard = [h for h in hops if h.hard and h.visit > 0]
    if not hard:
        return "nothing on the path can fail: 100%"
    everyone = tuple([True] * min(zones, MAX_ZONES))
    terms = []
    for h in hard:
        x = h.up(everyone)
        terms.append(pct(x) if h.visit >= 1 else f"(1 - {h.visit:.3g} x {pct(1 - x) if x < 1 else '0%'})")
    if not any(h.mode == "replicas" for h in hard):
        return f"{' x '.join(terms)} = {pct(a)}"
    z = min(zones, MAX_ZONES)
    p_all = zone ** z
    given = path_availability([replace(h, mode="sla", sla=h.up(everyone)) for h in hard], zone, zones)
    rest = a - p_all * given
    return (f"all {z} zone(s) up ({pct(zone)}^{z} = {pct(p_all)}): {' x '.join(terms)} = {pct(given)}; "
            f"{pct(p_all)} x {pct(given)} + {rest * 100:.4g}% from the states with a zone down = {pct(a)}")

"""From a design's capacity model (#6) to the arrays the compiled core runs.

The simulator shares the capacity model's load model rather than building a second one: the
same stations (replicas x concurrency servers, the same service times, a single-leader store's
writes on its primaries), the same flows, hop `calls`, cache thinning, async ratios and
external calls, and the same use-case rates. What it adds is time: requests one by one, with
the callers' policies (timeouts, retries, backoff, breakers, fallbacks), queue limits, rate
limits and faults.

A request of a use case makes all its root flows one after the other (a virtual root with no
service of its own); a flow that starts part-way hangs under its anchor's step after the
anchor's own chain; a synchronous external call is a child of its caller; a publish to a queue
or stream is a child call of the producer (it waits for the acknowledgement) and each consumer
is its own class of arrivals at the rate the load model gives it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tradeoff.capacity.load import ASYNC_START, THINNING_KINDS, flows_of
from tradeoff.capacity.model import CapacityModel
from tradeoff.errors import UsageError
from tradeoff.model.design import Backoff, CacheLayer, CachePolicy, Component, ComponentKind, Flow
from tradeoff.sim import core

BACKOFF = {Backoff.none: core.B_NONE, Backoff.fixed: core.B_FIXED, Backoff.exponential: core.B_EXP,
           Backoff.exponential_jitter: core.B_EXP_JITTER}
# AWS Builders' Library, "Timeouts, retries and backoff with jitter": a base of ~100 ms
BACKOFF_BASE = 0.1
DISTRIBUTIONS = {"exponential": core.D_EXP, "lognormal": core.D_LOGNORMAL, "deterministic": core.D_DET}
NO_CAPACITY = {ComponentKind.client, ComponentKind.dns, ComponentKind.cdn}


@dataclass
class StationSpec:
    name: str  # the component id, or "<id> (primary)" for a single-leader store's write pool
    component: str
    servers: int  # 0: an infinite-server delay (a third party with a latency figure)
    concurrency: int
    replica_lo: int  # the component's replicas this pool holds: [lo, lo + replicas)
    replicas: int
    zones: int
    queue_limit: int  # -1: unbounded
    mean_read: float
    mean_write: float
    rate_limit: float = 0.0
    distribution: str | None = None  # the design's capacity.distribution; None: the run's default
    cv: float | None = None


@dataclass
class StepSpec:
    station: int  # -1: no service of ours (a virtual root, an off-clock hop)
    component: str | None
    caller: str | None
    calls: float
    end: int = 0
    hit: float = 0.0
    shift: float = 0.0
    write: bool = False
    timeout: float = 0.0
    retries: int = 0
    backoff: int = core.B_NONE
    breaker: int = -1
    fallback: bool = False
    alt: int = -1  # a second station taken with probability alt_p (a read landing on a primary)
    alt_p: float = 0.0
    depth: int = 0


@dataclass
class ClassSpec:
    name: str  # the use case, or "<use case> via <queue> -> <consumer>"
    use_case: str
    rate: float  # per second at 1x peak
    root: int
    consumer: bool = False


@dataclass
class SimModel:
    capacity: CapacityModel
    stations: list[StationSpec]
    steps: list[StepSpec]
    classes: list[ClassSpec]
    breakers: list[tuple[str, str]]  # (caller, callee) per breaker
    notes: list[str] = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        st, sp = self.stations, self.steps
        f8, i8 = np.float64, np.int64
        off = np.cumsum([0] + [s.servers for s in st])[:-1] if st else np.zeros(0, i8)
        return {
            "st_servers": np.array([s.servers for s in st], i8),
            "st_conc": np.array([s.concurrency for s in st], i8),
            "st_off": np.asarray(off, i8),
            "st_qlimit": np.array([s.queue_limit for s in st], i8),
            "st_mean_r": np.array([s.mean_read for s in st], f8),
            "st_mean_w": np.array([s.mean_write for s in st], f8),
            "st_rl_rate": np.array([s.rate_limit for s in st], f8),
            "st_rl_burst": np.array([max(1.0, s.rate_limit) for s in st], f8),
            "step_station": np.array([s.station for s in sp], i8),
            # calls c: floor(c) calls, and one more with probability frac(c)
            "step_calls_n": np.array([math.floor(s.calls) for s in sp], i8),
            "step_calls_p": np.array([s.calls - math.floor(s.calls) for s in sp], f8),
            "step_end": np.array([s.end for s in sp], i8),
            "step_hit": np.array([s.hit for s in sp], f8),
            "step_shift": np.array([s.shift for s in sp], f8),
            "step_write": np.array([s.write for s in sp], np.bool_),
            "step_timeout": np.array([s.timeout for s in sp], f8),
            "step_retries": np.array([s.retries for s in sp], i8),
            "step_backoff": np.array([s.backoff for s in sp], i8),
            "step_backoff_base": np.full(len(sp), BACKOFF_BASE, f8),
            "step_breaker": np.array([s.breaker for s in sp], i8),
            "step_fallback": np.array([int(s.fallback) for s in sp], i8),
            "step_alt": np.array([s.alt for s in sp], i8),
            "step_alt_p": np.array([s.alt_p for s in sp], f8),
        }


def _caller_policy(c: Component | None) -> tuple[float, int, int, bool, bool]:
    res = c.resilience if c is not None else None
    if res is None:
        return 0.0, 0, core.B_NONE, False, False
    return (res.timeout.seconds() if res.timeout else 0.0, res.retries or 0,
            BACKOFF[res.backoff or Backoff.none], bool(res.circuit_breaker), bool(res.fallback))


def build(model: CapacityModel) -> SimModel:
    """The simulator's stations, call trees and arrival classes for a capacity model at 1x."""
    design = model.design
    arch = design.architecture
    notes: list[str] = []
    stations: list[StationSpec] = []
    index: dict[str, tuple[int, int, float]] = {}  # component -> (read station, write station, p primary)
    for c in design.components:
        cm = model.components.get(c.id)
        stn = cm.station if cm is not None else None
        qlim = c.capacity.queue_limit if c.capacity and c.capacity.queue_limit is not None else -1
        rl = c.resilience.rate_limit.per_second() if c.resilience and c.resilience.rate_limit else 0.0
        dist = c.capacity.distribution.value if c.capacity and c.capacity.distribution else None
        cv = c.capacity.cv if c.capacity and c.capacity.cv is not None else None
        first = len(stations)
        zones = c.zones or 1
        if c.kind is ComponentKind.external:
            if c.capacity and c.capacity.service_time:
                s = c.capacity.service_time.seconds()
                stations.append(StationSpec(c.id, c.id, 0, 1, 0, c.replicas, zones, -1, s, s, rl))
                index[c.id] = (len(stations) - 1, len(stations) - 1, 0.0)
            continue
        if stn is None:
            if c.kind not in NO_CAPACITY and c.kind is not ComponentKind.external:
                notes.append(f"{c.id}: no service time or per-node figures, so it takes no time here")
            continue
        conc = stn.concurrency
        if stn.single_leader and stn.writes > 0:
            p = stn.primaries
            followers = c.replicas - p
            if followers > 0:
                stations.append(StationSpec(c.id, c.id, followers * conc, conc, p, followers, zones, qlim,
                                            stn.read_service, stn.write_service, rl))
            stations.append(StationSpec(f"{c.id} (primary)", c.id, p * conc, conc, 0, p, zones, qlim,
                                        stn.read_service, stn.write_service, rl))
            w = len(stations) - 1
            r = w - 1 if followers > 0 else w
            index[c.id] = (r, w, p / c.replicas if followers > 0 else 0.0)
        else:
            stations.append(StationSpec(c.id, c.id, c.replicas * conc, conc, 0, c.replicas, zones, qlim,
                                        stn.read_service, stn.write_service, rl))
            index[c.id] = (len(stations) - 1, len(stations) - 1, 0.0)

        for st in stations[first:]:
            st.distribution, st.cv = dist, cv

    through = bool(design.deep_dives and design.deep_dives.caching
                   and design.deep_dives.caching.policy is CachePolicy.through)
    hop_s = model.hop_latency()
    flows = [(k, f) for k, f in flows_of(design)]
    kind_of = {id(f): k for k, f in flows}
    breakers: dict[tuple[str, str], int] = {}
    steps: list[StepSpec] = []
    classes: list[ClassSpec] = []
    externals = list(arch.external_calls) if arch else []
    asyncs = list(arch.async_edges) if arch else []

    def comp(cid: str) -> Component | None:
        return arch.component(cid) if arch else None

    def caller_of(path: list[str]) -> str | None:
        """Who makes the call to the last of `path`: the nearest component above it that is no
        cache-aside cache (the service calls the store after a miss, not the cache)."""
        for cid in reversed(path[:-1]):
            c = comp(cid)
            if c is None or c.kind in (ComponentKind.client, ComponentKind.dns):
                return None
            if c.kind is ComponentKind.cache and not through:
                continue
            return cid
        return None

    def add_step(cid: str, calls: float, path: list[str], write: bool, started: bool,
                 timeout_override: float | None = None, fallback_extra: bool = False) -> int:
        c = comp(cid)
        st = index.get(cid)
        station, alt, alt_p = -1, -1, 0.0
        if st is not None:
            r, w, p = st
            if write:
                station = w
            else:
                station, alt, alt_p = r, (w if p > 0 else -1), p
        caller = caller_of(path + [cid])
        timeout, retries, backoff, breaker, fallback = _caller_policy(comp(caller) if caller else None)
        if timeout_override:
            timeout = timeout_override
        in_process = c is not None and c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local
        bk = -1
        if breaker and caller is not None and station >= 0:
            bk = breakers.setdefault((caller, cid), len(breakers))
        hit = c.hit_ratio if c is not None and c.kind in THINNING_KINDS and c.hit_ratio is not None else 0.0
        steps.append(StepSpec(station, cid, caller, calls, 0, hit,
                              hop_s if started and station >= 0 and not in_process else 0.0, write,
                              timeout, retries, backoff, bk,
                              fallback or fallback_extra, alt, alt_p, len(path)))
        return len(steps) - 1

    def chain(hops: list[tuple[str, float]], path: list[str], write: bool, use_case: str | None,
              placed: set[int]) -> None:
        """Lays out a nested chain: each hop a child of the one before; at each hop, the branches
        anchored there, its external calls and its publishes follow its chain."""
        if not hops:
            return
        cid, calls = hops[0]
        started = any(index.get(p) is not None for p in path)
        i = add_step(cid, calls, path, write, started)
        sub = path + [cid]
        chain(hops[1:], sub, write, use_case, placed)
        for k, g in flows:
            if id(g) in placed or g.use_case != use_case or use_case is None or g.hops[0].component != cid:
                continue
            placed.add(id(g))
            chain([(h.component, h.calls) for h in g.hops[1:]], sub, kind_of[id(g)] == "write", use_case, placed)
        for e in externals:
            if e.caller == cid and e.sync and (e.use_case is None or e.use_case == use_case) and e.external in index:
                j = add_step(e.external, e.calls, sub, False, True,
                             e.timeout.seconds() if e.timeout else None, bool(e.fallback))
                steps[j].end = j + 1
        for a in asyncs:
            if a.producer == cid and (a.use_case is None or a.use_case == use_case) and a.via in index:
                j = add_step(a.via, a.ratio, sub, True, True)
                steps[j].end = j + 1
        steps[i].end = len(steps)

    dem = model.demand
    for uc, load in dem.use_cases.items():
        if not load.peak:
            continue
        mine = [f for _, f in flows if f.use_case == uc]
        roots = [f for f in mine if not _anchored(f, mine) and (comp(f.hops[0].component) is None
                                                                  or comp(f.hops[0].component).kind not in ASYNC_START)]
        reached: set[str] = set()  # components this use case's own requests reach
        if roots:
            root = len(steps)
            steps.append(StepSpec(-1, None, None, 1.0))
            placed = {id(f) for f in roots}
            for f in roots:
                hops = [(h.component, h.calls) for h in f.hops]
                first = comp(hops[0][0])
                if first is not None and first.kind is ComponentKind.client:
                    hops = hops[1:]
                chain(hops, [f.hops[0].component] if first is not None and first.kind is ComponentKind.client else [],
                      kind_of[id(f)] == "write", uc, placed)
            steps[root].end = len(steps)
            reached |= {sp.component for sp in steps[root:] if sp.component}
            classes.append(ClassSpec(uc, uc, load.peak, _single_child(steps, root)))
        mine_async = [a for a in asyncs if a.use_case in (uc, None)]
        consumers = {c for a in mine_async for c in a.consumers}
        # a use case fed by another one's event (a delivery started by a persisted message): the
        # producer's publishes are made by the other use case's requests, at this one's rate
        for a in mine_async:
            if a.producer in reached or a.producer in consumers or a.via not in index:
                continue
            root = len(steps)
            i = add_step(a.via, 1.0, [], True, False)
            steps[i].end = len(steps)
            classes.append(ClassSpec(f"{uc}: {a.producer} -> {a.via}", uc,
                                     load.peak * load.visits.get(a.producer, 1.0) * a.ratio, root, consumer=True))
        # each consumer: its own arrivals at the rate the load model gives it; the flows that start
        # at it share its step (the first is laid out, the others hang under it as branches)
        for cons in sorted(consumers):
            v = load.visits.get(cons, 0.0)
            starts = [f for f in mine if f.hops[0].component == cons]
            if v <= 0 or (cons not in index and not starts):
                continue
            via = next(a.via for a in mine_async if cons in a.consumers)
            root = len(steps)
            steps.append(StepSpec(-1, None, None, 1.0))
            if starts:
                f = starts[0]
                # the first hop's calls are already in the consumer's rate (its anchor)
                chain([(f.hops[0].component, 1.0)] + [(h.component, h.calls) for h in f.hops[1:]], [],
                      kind_of[id(f)] == "write", uc, {id(f)})
            else:
                chain([(cons, 1.0)], [], True, uc, set())
            steps[root].end = len(steps)
            classes.append(ClassSpec(f"{uc}: {via} -> {cons}", uc, load.peak * v, _single_child(steps, root),
                                     consumer=True))
    depth = max((s.depth for s in steps), default=0) + 1
    if depth >= core.MAX_DEPTH:
        raise UsageError(f"a call tree {depth} calls deep: the simulator follows at most {core.MAX_DEPTH - 1}",
                         hint="shorten the flows, or split a long chain into async legs")
    _check_attempts(steps)
    return SimModel(model, stations, steps, classes, list(breakers), notes)


def _single_child(steps: list[StepSpec], root: int) -> int:
    """A virtual root with one child that is always called is that child (one call less per request)."""
    child = root + 1
    if child < len(steps) and steps[child].end == steps[root].end and steps[child].calls == 1.0:
        return child
    return root


def _check_attempts(steps: list[StepSpec]) -> None:
    """Retries multiply across layers; a chain past core.MAX_ATTEMPTS is refused."""
    stack: list[tuple[int, int]] = []  # (end, attempts so far)
    for i, s in enumerate(steps):
        while stack and stack[-1][0] <= i:
            stack.pop()
        above = stack[-1][1] if stack else 1
        mine = above * (1 + s.retries)
        if mine > core.MAX_ATTEMPTS:
            raise UsageError(f"retries multiply to {mine} attempts on the call to {s.component}",
                             hint=f"at most {core.MAX_ATTEMPTS}; retry at one layer only")
        stack.append((s.end, mine))


def _anchored(f: Flow, flows: list[Flow]) -> bool:
    return any(g is not f and any(h.component == f.hops[0].component for h in g.hops[1:]) for g in flows)

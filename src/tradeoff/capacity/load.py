"""Load per component: how many times one request of each use case reaches each component.

A flow is a call chain. Walking it, a hop's `calls` multiplies the visits (fan-out, or a
share below 1), and after a cache or CDN with a hit ratio only its misses go on. A flow that
starts part-way (a service's second dependency, a consumer's own writes) is anchored at the
visits its first component already has from the other flows and async edges of the same use
case. Within one use case the flows share their prefix, so a component's visit ratio is the
largest any of them gives, not the sum. Async edges bring `ratio` messages per request to the
queue or stream and to each consumer; an external call sends `calls` per visit of its caller.

Arrival rate at a component = sum over use cases of (use case rate x visit ratio), at the
average and at the peak of the estimate (#2). A visit is a write when a write path's hop
makes it (or it is a queue or stream taking a message, or a consumer applying one), and a
read when a read path's hop does: a read use case can still write (a click's rollup).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradeoff.estimate.engine import Estimate
from tradeoff.model.design import ComponentKind, Design, Flow, Operation

#: a cache or CDN with a hit ratio passes on only its misses
THINNING_KINDS = frozenset({ComponentKind.cache, ComponentKind.cdn})
#: kinds that start an asynchronous leg rather than a request someone waits for
ASYNC_START = frozenset({ComponentKind.worker, ComponentKind.scheduler, ComponentKind.queue,
                         ComponentKind.event_stream})


@dataclass(frozen=True)
class Edge:
    """One caller -> callee leg: `visits` calls reach the callee per request of `use_case`."""

    caller: str
    callee: str
    use_case: str
    visits: float
    sync: bool  # someone waits on it (a flow hop or a synchronous external call)
    via: str  # "flow:<id>", "async:<id>", "external:<id>"


@dataclass
class UseCaseLoad:
    use_case: str
    write: bool
    avg: float | None  # requests per second
    peak: float | None
    visits: dict[str, float] = field(default_factory=dict)


@dataclass
class ComponentLoad:
    """Requests per second reaching one component at 1x, by use case."""

    reads_peak: float = 0.0
    writes_peak: float = 0.0
    reads_avg: float = 0.0
    writes_avg: float = 0.0
    by_use_case: dict[str, float] = field(default_factory=dict)  # peak rate per use case

    @property
    def peak(self) -> float:
        return self.reads_peak + self.writes_peak

    @property
    def avg(self) -> float:
        return self.reads_avg + self.writes_avg


@dataclass
class Demand:
    use_cases: dict[str, UseCaseLoad]
    components: dict[str, ComponentLoad]
    edges: list[Edge]


def _operation(design: Design) -> dict[str, Operation]:
    est = design.estimates
    return {t.use_case: t.operation for t in (est.traffic if est else [])}


def flows_of(design: Design) -> list[tuple[str, Flow]]:
    arch = design.architecture
    if arch is None:
        return []
    return [("read", f) for f in arch.read_paths] + [("write", f) for f in arch.write_paths]


def walk(design: Design, flow: Flow, start: float = 1.0) -> list[tuple[str, float, float]]:
    """(component, visits, calls) per hop of a flow: visits multiply by calls and thin after caches."""
    out, m = [], start
    for h in flow.hops:
        m *= h.calls
        out.append((h.component, m, h.calls))
        c = design.architecture.component(h.component)
        if c is not None and c.kind in THINNING_KINDS and c.hit_ratio is not None:
            m *= 1 - c.hit_ratio
    return out


def visits_of(design: Design, use_case: str) -> tuple[dict[str, float], list[Edge], set[str]]:
    """Visit ratio per component for one request of a use case, the legs that carry them, and
    the components those visits write to."""
    arch = design.architecture
    kinds = {id(f): k for k, f in flows_of(design)}
    flows = [f for _, f in flows_of(design) if f.use_case == use_case]
    written: set[str] = set()
    asyncs = [a for a in arch.async_edges if a.use_case == use_case] if arch else []
    externals = [e for e in arch.external_calls if e.use_case == use_case] if arch else []
    visits: dict[str, float] = {}
    edges: dict[tuple[str, str, str], Edge] = {}

    def see(cid: str, v: float) -> bool:
        if v > visits.get(cid, 0.0) * (1 + 1e-12):
            visits[cid] = v
            return True
        return False

    def leg(caller: str, callee: str, v: float, sync: bool, via: str) -> None:
        key = (caller, callee, via)
        if key not in edges or v > edges[key].visits:
            edges[key] = Edge(caller, callee, use_case, v, sync, via)

    # flows that start at the client (or at a component nothing else reaches) are roots;
    # the rest are anchored; a few rounds settle chains of anchors (bounded: no cycles of gain)
    for _ in range(len(flows) + len(asyncs) + 2):
        changed = False
        for f in flows:
            first = f.hops[0].component
            anchor = visits.get(first)
            if anchor is None:
                first_c = arch.component(first)
                reached = any(first in (a.via, *a.consumers) for a in asyncs)
                if reached and first_c is not None:
                    continue  # wait for the async edge to give its anchor
                anchor = 1.0
            prev = None
            for cid, v, _ in walk(design, f, anchor / f.hops[0].calls):
                changed |= see(cid, v)
                if kinds[id(f)] == "write" and prev is not None:
                    written.add(cid)
                if prev is not None:
                    leg(prev, cid, v, True, f"flow:{f.id}")
                prev = cid
        for a in asyncs:
            base = visits.get(a.producer, 1.0)
            v = base * a.ratio
            changed |= see(a.via, v)
            written.add(a.via)
            leg(a.producer, a.via, v, False, f"async:{a.id}")
            for cons in a.consumers:
                changed |= see(cons, v)
                written.add(cons)
                leg(a.via, cons, v, False, f"async:{a.id}")
        for e in externals:
            v = visits.get(e.caller, 1.0) * e.calls
            changed |= see(e.external, v)
            leg(e.caller, e.external, v, e.sync, f"external:{e.id}")
        if not changed:
            break
    return visits, list(edges.values()), written


def _read_reached(design: Design, use_case: str) -> set[str]:
    """Components a read path of the use case reaches (its page loads, its lookups)."""
    return {h.component for k, f in flows_of(design) if k == "read" and f.use_case == use_case
            for h in f.hops[1:]}


def demand(design: Design, est: Estimate) -> Demand:
    """Arrival rates per component at 1x (average and peak) from the estimate and the flows."""
    ops = _operation(design)
    names = [u.id for u in design.use_cases]
    # use cases named only by flows still carry load if the estimate has their rate
    for _, f in flows_of(design):
        if f.use_case and f.use_case not in names:
            names.append(f.use_case)
    ucs: dict[str, UseCaseLoad] = {}
    comps: dict[str, ComponentLoad] = {}
    edges: list[Edge] = []
    kinds = {k: [f for kk, f in flows_of(design) if kk == k] for k in ("read", "write")}
    for uc in names:
        op = ops.get(uc)
        if op is not None:
            is_write = op is Operation.write
        else:
            is_write = any(f.use_case == uc for f in kinds["write"]) and not any(
                f.use_case == uc for f in kinds["read"])
        visits, legs, written = visits_of(design, uc)
        reached_by_read = _read_reached(design, uc)
        load = UseCaseLoad(uc, is_write, est.value(f"{uc}.qps.avg"), est.value(f"{uc}.qps.peak"), visits)
        ucs[uc] = load
        edges.extend(legs)
        if load.peak is None:
            continue
        for cid, v in visits.items():
            cl = comps.setdefault(cid, ComponentLoad())
            peak, avg = load.peak * v, (load.avg or 0.0) * v
            cl.by_use_case[uc] = cl.by_use_case.get(uc, 0.0) + peak
            if cid in written or (is_write and cid not in reached_by_read):
                cl.writes_peak += peak
                cl.writes_avg += avg
            else:
                cl.reads_peak += peak
                cl.reads_avg += avg
    return Demand(ucs, dict(sorted(comps.items())), edges)

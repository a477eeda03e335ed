"""What breaks at 10x and 100x: a sweep of the capacity model over load multipliers.

Every resource's utilisation is linear in the load, so the multiplier at which a resource
fills (utilisation 1) or crosses the `max_utilisation` ceiling is closed form: 1 / u and
ceiling / u. A latency target breaks where the flow's percentile reaches it, found by root
search (Brent's method) between no load and the flow's saturation point. What breaks first
is the smallest of those multipliers. At each multiplier asked for, each component over the
ceiling gets what it needs to come back under it (replicas, shards, nodes, a cache, async
writes), with the arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.latency import GRID, FlowLatency, flow_latency, request_flows
from tradeoff.capacity.model import CapacityModel, ComponentModel, Resource
from tradeoff.model import quantity as q
from tradeoff.model.design import CacheLayer, ComponentKind, Flow

DEFAULT_AT = (1.0, 10.0, 100.0)
PCT_NAMES = {0.5: "p50", 0.99: "p99", 0.999: "p999"}


def _r(x: float) -> str:
    """A ratio with two decimals, more when two would show a whole number that is not one."""
    for digits in (2, 3, 4, 6):
        text = f"{x:.{digits}f}"
        if float(text) != round(float(text)) or abs(x - round(x)) < 1e-9:
            return text
    return text


def fmt_x(m: float) -> str:
    if math.isinf(m):
        return "never"
    if m >= 1 and abs(m - round(m)) < 1e-9:
        return f"{m:,.0f}x"
    if m >= 100:
        return f"{m:,.0f}x"
    if m >= 10:
        return f"{m:.1f}x"
    return f"{m:.2f}x"


@dataclass
class Break:
    """One limit and the load multiplier at which it is reached."""

    multiplier: float
    kind: str  # "saturation" (a resource full), "slo" (a latency target missed)
    component: str | None
    resource: str | None  # compute, storage, network, connections; or p50/p99/p999 for slo
    flow: str | None
    detail: str

    @property
    def what(self) -> str:
        if self.kind == "slo":
            return f"{self.flow} {self.resource} target"
        return f"{self.component} {self.resource}"


@dataclass
class Need:
    component: str
    resource: str
    have: int
    need: int
    unit: str  # replicas, shards, nodes
    arithmetic: str
    alternatives: list[str] = field(default_factory=list)


@dataclass
class ComponentPoint:
    component: str
    utilisation: float
    limiting: str | None
    by_resource: dict[str, float]
    mean_time: float | None  # seconds in the station (wait + service), reads
    status: str  # ok, hot, saturated, unmodelled


@dataclass
class FlowPoint:
    latency: FlowLatency
    targets: dict[float, float]  # percentile -> target seconds
    missed: list[float]

    @property
    def flow(self) -> Flow:
        return self.latency.flow


@dataclass
class Point:
    multiplier: float
    components: list[ComponentPoint]
    flows: list[FlowPoint]
    needs: list[Need]
    broken: list[Break]  # limits reached at or below this multiplier


@dataclass
class ScaleReport:
    model: CapacityModel
    points: list[Point]
    breaks: list[Break]  # every limit, the soonest first
    ceilings: list[Break]  # where each component crosses max_utilisation
    single_points: list = field(default_factory=list)  # spof.SinglePoint
    choke_points: list = field(default_factory=list)  # spof.ChokePoint
    failures: object = None  # failure.FailureReport at today's peak

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    def first_beyond(self, m: float) -> Break | None:
        """What breaks first once the load passes m (the next limit to go)."""
        return next((b for b in self.breaks if b.multiplier > m), None)


def targets_of(model: CapacityModel, use_case: str | None) -> dict[float, float]:
    nf = model.design.requirements.non_functional if model.design.requirements else None
    out: dict[float, float] = {}
    for t in (nf.latency if nf else []):
        if use_case is None or t.use_case != use_case:
            continue
        for p, name in PCT_NAMES.items():
            v = getattr(t, name)
            if v is not None:
                s = v.seconds()
                out[p] = min(out.get(p, s), s)
    return out


def _saturation_breaks(model: CapacityModel) -> tuple[list[Break], list[Break]]:
    ceiling = model.ceiling()
    full, hot = [], []
    for cm in model.components.values():
        for r in cm.resources:
            u = r.utilisation
            if u <= 0:
                continue
            full.append(Break(1 / u, "saturation", cm.id, r.name, None,
                              f"{cm.id} {r.name} is {u:.1%} of its limit at 1x ({r.detail}); full at 1 / {u:.4g} = {fmt_x(1 / u)}"))
            hot.append(Break(ceiling / u, "ceiling", cm.id, r.name, None,
                             f"{cm.id} {r.name} passes {ceiling:.0%} at {ceiling:.0%} / {u:.4g} = {fmt_x(ceiling / u)}"))
    return full, hot


def _flow_saturation(model: CapacityModel, lat: FlowLatency) -> float:
    """The multiplier at which some station on the flow saturates (compute only)."""
    worst = 0.0
    for cid, _ in lat.terms:
        cm = model.components.get(cid)
        if cm is None or cm.station is None:
            continue
        worst = max(worst, cm.station.queue(lat.write, 1.0).utilisation)
    return 1 / worst if worst > 0 else math.inf


#: bins per mean for the root search: the multiplier it finds moves by about 0.05% from the
#: report's finer grid, well inside the 0.1% the search is asked for
SEARCH_GRID = 64


def _slo_breaks(model: CapacityModel, grid: int) -> list[Break]:
    from scipy.optimize import brentq

    out = []
    for f, branches in request_flows(model):
        targets = targets_of(model, f.use_case)
        if not targets:
            continue
        seen: dict[float, FlowLatency] = {}  # every evaluation serves every target of the flow

        def at(m: float) -> FlowLatency:
            if m not in seen:
                seen[m] = flow_latency(model, f, branches, m, SEARCH_GRID)
            return seen[m]

        base = flow_latency(model, f, branches, 1.0, grid)
        m_sat = _flow_saturation(model, base)
        lo = 1e-6
        for p, target in sorted(targets.items()):
            name = PCT_NAMES[p]
            if at(lo).p(p) > target:
                out.append(Break(0.0, "slo", None, name, f.id,
                                 f"{f.id}: {name} is {q.fmt_seconds(at(lo).p(p))} with no load at all, above "
                                 f"the {q.fmt_seconds(target)} target: the path itself is too long"))
                continue
            if math.isinf(m_sat):
                continue
            hi = m_sat * (1 - 1e-9)
            if at(hi).p(p) <= target:
                m = m_sat
            else:
                # the tightest bracket the evaluations so far give (p(m) grows with m)
                below = max(x for x, lat in seen.items() if lat.p(p) <= target)
                above = min(x for x, lat in seen.items() if lat.p(p) > target)
                m = brentq(lambda x: at(x).p(p) - target, below, above, xtol=1e-6, rtol=1e-3)
            out.append(Break(m, "slo", None, name, f.id,
                             f"{f.id}: {name} reaches its {q.fmt_seconds(target)} target at {fmt_x(m)} "
                             f"({q.fmt_seconds(base.p(p))} at 1x)"))
    return out


def _need(model: CapacityModel, cm: ComponentModel, r: Resource, m: float) -> Need | None:
    ceiling = model.ceiling()
    u = r.at(m)
    if u <= ceiling:
        return None
    c = cm.component
    R = c.replicas
    if r.name == "compute" and cm.station is not None:
        st = cm.station
        reads, writes = m * st.reads, m * st.writes
        if st.single_leader and writes > 0:
            k = max(1, R // st.primaries)  # copies per shard
            work = reads / (k * st.read_rate()) + writes / st.write_rate()
            shards = math.ceil(work / ceiling - 1e-6)
            arith = (f"at {fmt_x(m)}: {q.fmt_count(reads)} reads/s / ({k} copies x {q.fmt_count(st.read_rate())}/s) + "
                     f"{q.fmt_count(writes)} writes/s / {q.fmt_count(st.write_rate())}/s per primary = "
                     f"{_r(work)} primaries of work / {ceiling:.0%} = {_r(work / ceiling)} -> {shards} shards "
                     f"x {k} copies = {shards * k} nodes")
            alts = []
            if reads > writes:
                alts.append(_cache_alt(model, cm, m))
            else:
                alts.append("move the writes off the request path through a queue so the store takes them "
                            "at the consumers' pace (the latency of the write is then the queue's)")
            return Need(c.id, "compute", st.primaries, shards, "shards", arith, [a for a in alts if a])
        work = reads / st.read_rate() + writes / st.write_rate()
        need = math.ceil(work / ceiling - 1e-6)
        rate = st.read_rate() if st.read_rate() == st.write_rate() else None
        per = f"{q.fmt_count(rate)}/s per replica" if rate else "per-replica read and write rates"
        arith = (f"at {fmt_x(m)}: {q.fmt_count(reads + writes)} req/s / {per} = {_r(work)} replicas of work / "
                 f"{ceiling:.0%} = {_r(work / ceiling)} -> {need} replicas")
        alts = []
        if c.kind is ComponentKind.data_store and reads > writes:
            alts.append(_cache_alt(model, cm, m))
        return Need(c.id, "compute", R, need, "replicas", arith, [a for a in alts if a])
    used = m * r.used * R
    each = r.limit * ceiling
    need = math.ceil(used / each - 1e-6)
    unit = "nodes" if r.name == "storage" else "replicas"
    fmt = {"storage": q.fmt_bytes, "network": q.fmt_data_rate, "connections": q.fmt_count}.get(r.name, str)
    arith = (f"at {fmt_x(m)}: {fmt(used)} / ({fmt(r.limit)} per node x {ceiling:.0%}) = {_r(used / each)} -> "
             f"{need} {unit}")
    alts = []
    if r.name == "storage":
        alts.append("or shorten the retention, or move cold data to an object store")
    if r.name == "network" and c.kind in (ComponentKind.load_balancer, ComponentKind.service, ComponentKind.api_gateway):
        alts.append("or shrink responses (compression, pagination) or serve cacheable bytes from a CDN")
    return Need(c.id, r.name, R, need, unit, arith, alts)


def _cache_alt(model: CapacityModel, cm: ComponentModel, m: float) -> str:
    """A cache in front of a read-heavy store: the hit ratio that brings it under the ceiling."""
    st = cm.station
    ceiling = model.ceiling()
    R = cm.component.replicas
    write_part = (m * st.writes / (st.primaries * st.write_rate()) if st.single_leader
                  else m * st.writes / (R * st.write_rate()))
    room = (ceiling - write_part) * R * st.read_rate()
    reads = m * st.reads
    if room <= 0 or reads <= 0:
        return ""
    hit = 1 - room / reads
    if hit <= 0:
        return ""
    cached = any(c.kind is ComponentKind.cache and c.cache_layer is not CacheLayer.local
                 for c in model.design.components if c.id in _upstream(model, cm.id))
    verb = "raise the cache's hit ratio to" if cached else "put a cache in front with a hit ratio of at least"
    return (f"or {verb} {hit:.0%}: 1 - {q.fmt_count(room)}/s of room / {q.fmt_count(reads)} reads/s "
            f"= {hit:.1%}")


def _upstream(model: CapacityModel, cid: str) -> set[str]:
    return {e.caller for e in model.demand.edges if e.callee == cid}


def _component_point(model: CapacityModel, cm: ComponentModel, m: float) -> ComponentPoint:
    if not cm.resources:
        return ComponentPoint(cm.id, 0.0, None, {}, None, "unmodelled" if cm.station is None else "idle")
    by = {r.name: r.at(m) for r in cm.resources}
    u = max(by.values())
    lim = max(by, key=by.get)
    mean = None
    if cm.station is not None and cm.load.peak > 0:
        st = cm.station.queue(False, m)
        mean = st.mean_sojourn if st.stable else math.inf
    status = "saturated" if u >= 1 else "hot" if u >= model.ceiling() else "ok"
    return ComponentPoint(cm.id, u, lim, by, mean, status)


def sweep(model: CapacityModel, at: tuple[float, ...] = DEFAULT_AT, grid: int = GRID) -> ScaleReport:
    """The capacity model at each multiplier, every limit's breaking multiplier, and the needs."""
    full, hot = _saturation_breaks(model)
    breaks = sorted(full + _slo_breaks(model, grid), key=lambda b: (b.multiplier, b.kind, b.what))
    flows = request_flows(model)
    points = []
    for m in at:
        comps = [_component_point(model, cm, m) for cm in model.components.values()]
        fps = []
        for f, br in flows:
            lat = flow_latency(model, f, br, m, grid)
            targets = targets_of(model, f.use_case)
            missed = [p for p, t in sorted(targets.items()) if lat.p(p) > t]
            fps.append(FlowPoint(lat, targets, missed))
        needs = []
        for cm in model.components.values():
            for r in cm.resources:
                n = _need(model, cm, r, m)
                if n is not None:
                    needs.append(n)
        points.append(Point(m, comps, fps, needs, [b for b in breaks if b.multiplier <= m]))
    from tradeoff.capacity.failure import failure_cases
    from tradeoff.capacity.spof import choke_points, single_points

    return ScaleReport(model, points, breaks, sorted(hot, key=lambda b: (b.multiplier, b.what)),
                       single_points(model), choke_points(model), failure_cases(model, 1.0))


def parse_at(text: str) -> tuple[float, ...]:
    """'1x,10x,100x' -> (1.0, 10.0, 100.0)."""
    from tradeoff.errors import UsageError

    out = []
    for part in text.split(","):
        p = part.strip().lower().removesuffix("x")
        try:
            v = float(p)
        except ValueError:
            raise UsageError(f"--at: {part.strip()!r} is not a multiplier",
                             "write multipliers like 1x,10x,100x or 2.5x") from None
        if not math.isfinite(v) or v <= 0:
            raise UsageError(f"--at: {part.strip()!r} must be a positive multiplier", "e.g. --at 1x,10x,100x")
        out.append(v)
    if not out:
        raise UsageError("--at: no multipliers given", "e.g. --at 1x,10x,100x")
    return tuple(out)

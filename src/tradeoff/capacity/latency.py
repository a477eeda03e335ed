"""End-to-end latency of each request flow: its mean exactly, its percentiles numerically.

A request flow starts at the client (or any component that is not an async consumer); flows
of the same use case that start part-way along it are its branches (a service's second
dependency). The time of a request is the sum of its stations' sojourn times (queueing.py)
plus one network round trip (the `hop_latency` threshold) per hop after the first server-side
one; the client, DNS and third parties are off our clock, and an in-process cache is no
network hop.

* The mean is exact for a network of M/M/c stations with Poisson arrivals and probabilistic
  routing (a Jackson network): mean sojourn = sum over stations of visits x mean time there
  (Jackson 1957; Little's law).
* Percentiles treat the stations' sojourn times as independent (exact for tandem M/M/1 by
  Reich's theorem, the usual approximation otherwise). Along a chain, a cache hit or a hop
  share below 1 ends the request there (a mixture over where it stops); a hop called n > 1
  times is n sequential sojourns; a branch is an independent addition taken with its
  anchor's probability. The distributions are put on a grid and combined as products of
  their Fourier transforms, so a flow of 20 hops costs 20 FFTs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.load import ASYNC_START, THINNING_KINDS, flows_of
from tradeoff.capacity.model import CapacityModel
from tradeoff.capacity.queueing import INF, MMc
from tradeoff.model.design import CacheLayer, ComponentKind, Flow

OFF_CLOCK = frozenset({ComponentKind.client, ComponentKind.dns, ComponentKind.external})
PERCENTILES = (0.5, 0.99, 0.999)
GRID = 256  # bins per mean end-to-end time
MAX_BINS = 1 << 18


@dataclass
class Step:
    component: str
    station: MMc | None  # None: no time of ours (off the clock, or no figures)
    shift: float  # network seconds added when the hop is reached
    factor: float  # expected visits of this hop per visit of the one before
    visits: float  # expected visits per request of the flow


@dataclass
class Branch:
    flow: Flow
    anchor_p: float  # probability the anchor is reached
    steps: list[Step]


@dataclass
class FlowLatency:
    flow: Flow
    use_case: str | None
    write: bool
    mean: float
    percentiles: dict[float, float]
    terms: list[tuple[str, float]]  # (what, mean seconds per request)
    saturated: list[str] = field(default_factory=list)  # stations at or past utilisation 1

    def p(self, q: float) -> float:
        return self.percentiles[q]


def request_flows(model: CapacityModel) -> list[tuple[Flow, list[Flow]]]:
    """Each flow a request waits on, with the flows of its use case that branch off it."""
    return [(f, branches) for _, f, branches in root_flows(model.design)]


def root_flows(design) -> list[tuple[str, Flow, list[Flow]]]:
    """(read or write, flow, its branches) for each flow a request waits on: not started by an
    async component, not anchored in another flow of its use case."""
    kinds = flows_of(design)
    flows = [f for _, f in kinds]
    arch = design.architecture
    out = []
    for kind, f in kinds:
        first = arch.component(f.hops[0].component)
        if first is not None and first.kind in ASYNC_START:
            continue
        if _anchored_in(f, flows) is not None:
            continue
        branches = [g for g in flows if g is not f and g.use_case == f.use_case and g.use_case is not None
                    and any(h.component == g.hops[0].component for h in f.hops[1:])]
        out.append((kind, f, branches))
    return out


def _anchored_in(f: Flow, flows: list[Flow]) -> Flow | None:
    """The flow of the same use case that f branches off, if any."""
    if f.use_case is None:
        return None
    for g in flows:
        if g is not f and g.use_case == f.use_case and any(h.component == f.hops[0].component for h in g.hops[1:]):
            return g
    return None


def _steps(model: CapacityModel, hops, write: bool, m: float, started: bool) -> list[Step]:
    arch = model.design.architecture
    hop_s = model.hop_latency()
    steps, prev_thin, visits = [], 1.0, 1.0
    for h in hops:
        c = arch.component(h.component)
        factor = h.calls * prev_thin
        visits *= factor
        prev_thin = 1.0
        if c is None or c.kind in OFF_CLOCK:
            steps.append(Step(h.component, None, 0.0, factor, visits))
            continue
        in_process = c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local
        shift = hop_s if started and not in_process else 0.0
        started = True
        cm = model.components.get(c.id)
        station = cm.station.queue(write, m) if cm is not None and cm.station is not None else None
        steps.append(Step(c.id, station, shift, factor, visits))
        if c.kind in THINNING_KINDS and c.hit_ratio is not None:
            prev_thin = 1 - c.hit_ratio
    return steps


def _mean(steps: list[Step], scale: float = 1.0) -> tuple[float, list[tuple[str, float]]]:
    total, terms = 0.0, []
    net = 0.0
    for s in steps:
        t = s.station.mean_sojourn if s.station is not None else 0.0
        if t:
            terms.append((s.component, scale * s.visits * t))
        net += scale * s.visits * s.shift
        total += scale * s.visits * (t + s.shift)
    if net:
        terms.append(("network", net))
    return total, terms


def _moments(steps: list[Step]) -> tuple[float, float, float]:
    """(mean, variance, longest single tail) of a chain's time, counting each hop at its
    expected visits (at least once); the tail is the time past which one hop's sojourn has
    probability below 1e-8."""
    mean = var = tail = 0.0
    for s in steps:
        n = max(s.factor, 1.0)
        mean += n * s.shift
        st = s.station
        if st is None:
            continue
        pw, th, mu = st.p_wait, st.drain, st.mu
        mean += n * st.mean_sojourn
        var += n * (1 / mu ** 2 + pw * (2 - pw) / th ** 2)
        tail = max(tail, st.sojourn_tail_bound(1e-8))
    return mean, var, tail


def _horizon(chains: list[list[Step]]) -> float:
    """How far the grid must reach: past the sum's mean by six standard deviations and by the
    longest single hop's tail, so the mass beyond it (which would wrap around) is negligible."""
    mean = var = tail = 0.0
    for steps in chains:
        m, v, t = _moments(steps)
        mean, var, tail = mean + m, var + v, max(tail, t)
    return mean + 6 * math.sqrt(var) + tail


def _spectrum(step: Step, dt: float, size: int):
    """The transform of a hop's time on the grid: its station's sojourn (mass per bin from the
    closed-form CDF) delayed by its network time, split between the two nearest bins so that a
    fraction of a bin is not rounded away."""
    import numpy as np

    pmf = np.zeros(size)
    bins = step.shift / dt
    k, frac = int(bins), bins - int(bins)
    if step.station is None:
        pmf[min(k, size - 1)] += 1 - frac
        pmf[min(k + 1, size - 1)] += frac
    else:
        top = min(size - k - 2, math.ceil(step.station.sojourn_tail_bound(1e-10) / dt) + 2)
        edges = (np.arange(top + 1) + 0.5) * dt
        mass = np.diff(step.station.sojourn_cdf(edges), prepend=0.0)
        pmf[k:k + top + 1] += (1 - frac) * mass
        pmf[k + 1:k + top + 2] += frac * mass
    return np.fft.rfft(pmf)


def _chain(steps: list[Step], dt: float, size: int):
    """The spectrum of a chain's time: a mixture over where the request stops."""
    import numpy as np

    acc = np.ones(size // 2 + 1, dtype=complex)
    result = np.zeros_like(acc)
    for s in steps:
        if s.station is None and s.shift == 0:
            if s.factor < 1:
                result += (1 - s.factor) * acc
                acc = s.factor * acc
            continue
        spec = _spectrum(s, dt, size)
        if s.factor < 1:
            result += (1 - s.factor) * acc
            acc = s.factor * acc * spec
        else:
            whole, frac = int(s.factor), s.factor - int(s.factor)
            acc = acc * spec ** whole * (frac * spec + (1 - frac))
    return result + acc


def flow_latency(model: CapacityModel, flow: Flow, branches: list[Flow], m: float = 1.0,
                 grid: int = GRID) -> FlowLatency:
    """The latency of one request flow at load multiplier m."""
    import numpy as np

    write = any(f is flow for f in model.design.architecture.write_paths)
    steps = _steps(model, flow.hops, write, m, False)
    mean, terms = _mean(steps)
    parts: list[Branch] = []
    for g in branches:
        anchor = g.hops[0].component
        p = max((s.visits for s in steps if s.component == anchor), default=0.0)
        bsteps = _steps(model, g.hops[1:], write, m, True)
        # the branch's first hop is the anchor itself: its later hops scale by the anchor's calls
        first_calls = g.hops[0].calls
        for s in bsteps:
            s.visits *= first_calls
        if bsteps:
            bsteps[0].factor *= first_calls
        bmean, bterms = _mean(bsteps, p)
        mean += bmean
        terms.extend(bterms)
        parts.append(Branch(g, min(p, 1.0), bsteps))
    every = steps + [s for b in parts for s in b.steps]
    saturated = sorted({s.component for s in every if s.station is not None and s.visits > 0
                        and not s.station.stable})
    if saturated:
        return FlowLatency(flow, flow.use_case, write, INF, {p: INF for p in PERCENTILES}, _merge(terms), saturated)
    horizon = _horizon([steps] + [b.steps for b in parts])
    if horizon <= 0 or mean <= 0:
        return FlowLatency(flow, flow.use_case, write, mean, {p: 0.0 for p in PERCENTILES}, _merge(terms))
    # bins of mean/grid resolve the median to a fraction of a percent; the transform reaches
    # past the sum's far tail, so what wraps around is negligible
    dt = max(mean / grid, horizon / MAX_BINS)
    size = 1 << max(4, math.ceil(math.log2(horizon / dt + 2)))
    spec = _chain(steps, dt, size)
    for b in parts:
        spec = spec * (b.anchor_p * _chain(b.steps, dt, size) + (1 - b.anchor_p))
    pmf = np.clip(np.fft.irfft(spec, size), 0.0, None)
    cdf = np.cumsum(pmf)
    cdf /= max(cdf[-1], 1.0)
    return FlowLatency(flow, flow.use_case, write, mean, {p: _quantile(cdf, dt, p) for p in PERCENTILES},
                       _merge(terms))


def _quantile(cdf, dt: float, p: float) -> float:
    import numpy as np

    i = int(np.searchsorted(cdf, p))
    if i >= len(cdf):
        return float(len(cdf) * dt)
    lo = cdf[i - 1] if i > 0 else 0.0
    left = (i - 0.5) * dt if i > 0 else 0.0
    frac = (p - lo) / (cdf[i] - lo) if cdf[i] > lo else 0.0
    return float(max(0.0, left + frac * ((i + 0.5) * dt - left)))


def _merge(terms: list[tuple[str, float]]) -> list[tuple[str, float]]:
    out: dict[str, float] = {}
    for k, v in terms:
        out[k] = out.get(k, 0.0) + v
    return list(out.items())


def latencies(model: CapacityModel, m: float = 1.0, grid: int = GRID) -> list[FlowLatency]:
    return [flow_latency(model, f, br, m, grid) for f, br in request_flows(model)]

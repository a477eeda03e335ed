"""What a simulation says, as plain data: golden signals per flow and per component (overall
and per window), what saturated first, the latency targets missed, and how that compares
with the capacity model's answer.

"Breaks first" in a simulation: the station with the highest *offered* utilisation, measured
as arrivals x mean service time over its live servers. Measured busy time cannot tell two
saturated stations apart (both read 100%), and a station behind a saturated one sees less
than it is offered; the arrivals that reached the first bottleneck do not have that problem,
which is why this is the number to compare with the capacity model's first compute limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.scale import PCT_NAMES, targets_of
from tradeoff.sim import core
from tradeoff.sim.run import PERCENTILES, SATURATED, SimResult, percentile

ERROR_NAMES = {core.ERR_TIMEOUT: "timeout", core.ERR_REJECTED: "queue full", core.ERR_SHED: "shed",
               core.ERR_DOWN: "down", core.ERR_BREAKER: "breaker open", core.ERR_FAILED: "failed"}


@dataclass
class FlowRow:
    name: str
    use_case: str
    consumer: bool
    throughput: float
    error_rate: float
    degraded: float  # share of completed requests that were served degraded
    latency: dict[float, float]
    mean: float
    errors: dict[str, int]  # by kind, whole run
    targets: dict[float, float]  # percentile -> target seconds (the design's)
    missed: list[str] = field(default_factory=list)


@dataclass
class StationRow:
    name: str
    component: str
    servers: int
    throughput: float
    saturation: float | None  # measured busy share
    offered: float | None  # arrivals x mean service / servers
    latency: dict[float, float]
    mean_wait: float
    queue_max: int
    rejected: int
    shed: int
    refused: int
    lost: int
    errors: int
    amplification: float | None


@dataclass
class Golden:
    """The golden signals of one flow or component over one window."""

    throughput: float  # completed per second
    error_rate: float  # failed / (completed + failed)
    latency: dict[float, float]  # percentile -> seconds (NaN: nothing completed)
    busy: float | None = None  # components: busy share of the live servers


@dataclass
class WindowRow:
    t: float  # window start, seconds
    flows: list[Golden]  # per class
    components: list[Golden]  # per station

    @property
    def stations(self) -> list[float]:
        """Busy share per station (inf: work with no live server)."""
        return [g.busy for g in self.components]


@dataclass
class SimReport:
    result: SimResult
    flows: list[FlowRow]
    stations: list[StationRow]
    windows: list[WindowRow]
    first: StationRow | None  # the station with the highest offered utilisation over the ceiling
    ceiling: float
    breaks: dict[str, float] = field(default_factory=dict)  # ramp only: station -> multiplier it saturated at


def _offered(res: SimResult, i: int) -> float | None:
    st, spec = res.stations[i], res.model.stations[i]
    if spec.servers == 0:
        return None
    alive = float(st.alive.mean())
    if alive <= 0:
        return math.inf if st.counts[core.S_ARRIVALS] else 0.0
    # mean service of the work the station started (its read/write mix), else the design's mean
    mean = float(st.busy.sum()) / st.wait_n if st.wait_n else spec.mean_read
    return float(st.counts[core.S_ARRIVALS]) / res.duration * mean / alive


def report(res: SimResult) -> SimReport:
    """Rows for the renderers; every number is computed here, none in the renderers."""
    cap = res.model.capacity
    flows: list[FlowRow] = []
    for c in res.classes:
        sig = res.flow_signals(c)
        out = c.outcomes.sum(axis=0)
        done = int(out[core.OK] + out[core.DEGRADED])
        targets = {} if c.consumer else targets_of(cap, c.use_case)
        row = FlowRow(c.name, c.use_case, c.consumer, sig.throughput, sig.error_rate,
                      float(out[core.DEGRADED]) / done if done else 0.0, sig.latency, sig.mean,
                      {name: int(out[k]) for k, name in ERROR_NAMES.items() if out[k]}, targets)
        whole = c.hist.sum(axis=0)
        for p, target in sorted(targets.items()):
            got = percentile(whole, p)
            if not math.isnan(got) and got > target:
                row.missed.append(f"{PCT_NAMES.get(p, p)} {got * 1000:.3g} ms > target {target * 1000:.3g} ms")
        flows.append(row)
    stations: list[StationRow] = []
    for i, st in enumerate(res.stations):
        sig = res.station_signals(st)
        cnt = st.counts
        stations.append(StationRow(
            st.name, st.component, st.servers, sig.throughput, sig.saturation, _offered(res, i), sig.latency,
            st.wait_sum / st.wait_n if st.wait_n else 0.0, int(cnt[core.S_QMAX]), int(cnt[core.S_REJECTED]),
            int(cnt[core.S_SHED]), int(cnt[core.S_REFUSED]), int(cnt[core.S_LOST]), int(cnt[core.S_ERRORS]),
            res.amplification(st.component)))
    windows: list[WindowRow] = []
    spans = res.spans()
    for w in range(res.windows):
        span = float(spans[w])
        fl = []
        for c in res.classes:
            out = c.outcomes[w]
            done = int(out[core.OK] + out[core.DEGRADED])
            failed = int(out[core.ERR_TIMEOUT:].sum())
            fl.append(Golden(done / span, failed / (done + failed) if done + failed else 0.0,
                             {p: percentile(c.hist[w], p) for p in PERCENTILES}))
        comps = []
        for st in res.stations:
            done, failed = int(st.hist[w].sum()), int(st.failed[w])
            busy = (float(st.busy[w] / (st.alive[w] * span)) if st.alive[w] > 0 else
                    (math.inf if st.busy[w] > 0 else 0.0))
            comps.append(Golden(done / span, failed / (done + failed) if done + failed else 0.0,
                                {p: percentile(st.hist[w], p) for p in PERCENTILES}, busy))
        windows.append(WindowRow(w * res.window, fl, comps))
    ceiling = cap.ceiling()
    breaks = ramp_breaks(res, windows) if res.profile.name == "ramp" else {}
    if breaks:
        name = min(breaks, key=lambda k: (breaks[k], k))
        first = next(s for s in stations if s.name == name)
    else:
        loaded = [s for s in stations if s.offered is not None and s.offered >= ceiling]
        first = max(loaded, key=lambda s: (s.offered, s.name), default=None)
    return SimReport(res, flows, stations, windows, first, ceiling, breaks)


def ramp_breaks(res: SimResult, windows: list[WindowRow]) -> dict[str, float]:
    """Under a ramp, the load multiplier at which each station first stays saturated (busy at or
    over SATURATED for two windows running), read at the middle of the first of them. The ramp
    reaches `load` at its planned end, which a run that stopped early did not reach."""
    out: dict[str, float] = {}
    spans = res.spans()
    planned = res.profile.times[-1]
    for i, st in enumerate(res.stations):
        if st.servers == 0:
            continue
        for w in range(len(windows) - 1):
            if windows[w].stations[i] >= SATURATED and windows[w + 1].stations[i] >= SATURATED:
                out[st.name] = res.load * (windows[w].t + spans[w] / 2) / planned
                break
    return out


@dataclass
class Agreement:
    """The simulation's first saturated component against the capacity model's first compute limit."""

    scale_first: str | None  # component
    scale_multiplier: float | None
    sim_first: str | None
    agrees: bool
    text: str


def agreement(rep: SimReport, scale_report) -> Agreement:
    """Compares with `capacity.scale.sweep`'s first compute limit (storage and network are the
    capacity model's alone: a request simulator does not fill disks)."""
    from tradeoff.capacity.scale import fmt_x

    compute = [b for b in scale_report.breaks if b.kind == "saturation" and b.resource == "compute"]
    first = min(compute, key=lambda b: (b.multiplier, b.what), default=None)
    sim_first = rep.first.component if rep.first else None
    load = rep.result.load
    if rep.breaks:
        at = min(rep.breaks.values())
        if first is None or first.multiplier > load:
            return Agreement(first.component if first else None, first.multiplier if first else None, sim_first,
                             False, f"the ramp saturates {sim_first} at {fmt_x(at)}, but the capacity model has "
                                    f"no compute limit below {fmt_x(load)}")
        agrees = sim_first == first.component
        return Agreement(first.component, first.multiplier, sim_first, agrees,
                         f"capacity model: {first.component} compute saturates first, at {fmt_x(first.multiplier)}; "
                         f"the ramp to {fmt_x(load)} saturates {sim_first} first, at {fmt_x(at)}")
    if first is None:
        return Agreement(None, None, sim_first, sim_first is None,
                         "the capacity model has no compute limit" + (
                             f"; the simulation saturates {sim_first}" if sim_first else ""))
    if first.multiplier > load:
        agrees = sim_first is None or (rep.first is not None and rep.first.offered is not None
                                       and rep.first.offered < 1)
        return Agreement(first.component, first.multiplier, sim_first, agrees,
                         f"the capacity model's first compute limit, {first.component}, is at "
                         f"{fmt_x(first.multiplier)}, beyond {fmt_x(load)}")
    agrees = sim_first == first.component
    text = (f"capacity model: {first.component} compute saturates first, at {fmt_x(first.multiplier)}; "
            f"simulation at {fmt_x(load)}: "
            + (f"{sim_first} is offered the most ({rep.first.offered:.0%} of its servers)" if rep.first
               else "nothing is offered more than its ceiling"))
    return Agreement(first.component, first.multiplier, sim_first, agrees, text)

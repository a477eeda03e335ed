"""The simulator's Python API: faults and load profiles in, golden signals over time out.

`simulate(design, load=10, duration=60, faults=[...])` builds the capacity model (#6), lays it
out as arrays (build.py), runs the compiled core (core.py) in slices of simulated time (so a
progress callback can follow it, and pools can grow between slices) and reads the counters
back as per-window series. The same seed gives the same result, byte for byte.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from tradeoff.errors import UsageError
from tradeoff.model import quantity as q
from tradeoff.sim import core
from tradeoff.sim.build import DISTRIBUTIONS, SimModel

PERCENTILES = (0.5, 0.95, 0.99)
SLICES = 100  # progress updates per run
DRAWS = 1 << 20  # random draws per batch (each batch is a return to Python and a thread started: ~0.5 ms)
SATURATED = 0.97  # busy share at which a station counts as saturated (two windows running)
RAMP_WINDOWS = 200  # windows of a ramp: the multiplier is read to 1/200 of the load
MAX_LIVE = 2_000_000  # requests in flight at most (~0.7 GB of state); arrivals past it are rejected


# --- faults ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    """Something that goes wrong from `start` to `end` (seconds of simulated time).

    kind: "down" (every replica), "replicas" (`value` replicas), "zone" (zone number `value`,
    counted from 1, on every component), "latency" (service times x `value`), "errors" (a share
    `value` of calls fail after their service)."""

    kind: str
    component: str | None
    value: float
    start: float
    end: float

    def describe(self) -> str:
        what = {"down": "down", "replicas": f"{self.value:g} replica(s) down", "zone": f"zone {self.value:g} down",
                "latency": f"latency x{self.value:g}", "errors": f"{self.value:.0%} errors"}[self.kind]
        who = f"{self.component}: " if self.component else ""
        return f"{who}{what} {q.fmt_seconds(self.start)}-{q.fmt_seconds(self.end)}" if math.isfinite(self.end) \
            else f"{who}{what} from {q.fmt_seconds(self.start)}"


_FAULT_RE = re.compile(r"^\s*(?:(?P<comp>[A-Za-z0-9_.\-]+)\s*:\s*)?(?P<what>[a-z]+)\s*(?:=\s*(?P<val>[^@]+?))?\s*"
                       r"(?:@\s*(?P<t0>[^-]+?)\s*(?:-\s*(?P<t1>.+?))?)?\s*$")
FAULT_HINT = ("write COMPONENT:down, COMPONENT:replicas=2, COMPONENT:latency=x10, COMPONENT:errors=30% or "
              "zone=1, optionally @START-END such as @10s-30s")


def parse_fault(text: str, duration: float) -> Fault:
    """`db:down@10s-30s`, `api:replicas=2@20s`, `zone=1@10s-40s`, `search:latency=x10`,
    `threat-check:errors=50%`. With no window the fault lasts the whole run."""
    m = _FAULT_RE.match(text)
    if m is None:
        raise UsageError(f"cannot read fault {text!r}", hint=FAULT_HINT)
    comp, what, val = m.group("comp"), m.group("what"), m.group("val")
    try:
        t0 = q.parse_duration(m.group("t0")).seconds() if m.group("t0") else 0.0
        t1 = q.parse_duration(m.group("t1")).seconds() if m.group("t1") else math.inf
    except q.QuantityError as exc:
        raise UsageError(f"fault {text!r}: {exc}", hint=FAULT_HINT) from None
    if t1 <= t0:
        raise UsageError(f"fault {text!r} ends before it starts", hint=FAULT_HINT)
    try:
        if what == "zone" and comp is None:
            fault = Fault("zone", None, float(int(val)), t0, t1)
        elif comp is None:
            raise UsageError(f"fault {text!r} names no component", hint=FAULT_HINT)
        elif what == "down" and val is None:
            fault = Fault("down", comp, 0.0, t0, t1)
        elif what in ("replica", "replicas"):
            fault = Fault("replicas", comp, float(int(val or 1)), t0, t1)
        elif what == "latency" and val:
            fault = Fault("latency", comp, float(val.lstrip("x×")), t0, t1)
        elif what == "errors" and val:
            fault = Fault("errors", comp, q.parse_fraction(val), t0, t1)
        else:
            raise UsageError(f"unknown fault {text!r}", hint=FAULT_HINT)
    except (ValueError, q.QuantityError):
        raise UsageError(f"cannot read the value of fault {text!r}", hint=FAULT_HINT) from None
    ok = {"zone": fault.value >= 1, "replicas": fault.value >= 1, "down": True,
          "latency": math.isfinite(fault.value) and fault.value > 0, "errors": 0 <= fault.value <= 1}[fault.kind]
    if not ok:
        raise UsageError(f"fault {text!r}: {fault.value:g} is out of range",
                         hint="zones and replicas count from 1; a latency factor is above 0; errors are 0-100%")
    return fault


# --- load profiles --------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """Load over time as a piecewise-linear factor on the peak rate."""

    name: str
    times: tuple[float, ...]
    factors: tuple[float, ...]


def profile(name: str, duration: float, trough: float = 0.5) -> Profile:
    """steady (the peak throughout); ramp (from nothing up to the peak at the end, linearly: the
    load multiplier at time t is load x t / duration, so what saturates first, and when, says
    what breaks first and at which multiplier); diurnal (a day pressed into the run: from the
    trough up to the peak at mid-run and back, a raised cosine); burst (the peak, x3 for the
    middle tenth); or `burst=x4@20s-30s`."""
    if name == "steady":
        return Profile(name, (0.0,), (1.0,))
    if name == "ramp":
        return Profile(name, (0.0, duration), (0.0, 1.0))
    if name == "diurnal":
        ts = np.linspace(0.0, duration, 49)
        fs = trough + (1 - trough) * (1 - np.cos(2 * np.pi * ts / duration)) / 2
        return Profile(name, tuple(float(t) for t in ts), tuple(float(f) for f in fs))
    m = re.match(r"^burst(?:\s*=\s*x?(?P<k>[\d.]+))?(?:\s*@\s*(?P<t0>[^-]+?)\s*-\s*(?P<t1>.+))?$", name.strip())
    if m:
        try:
            k = float(m.group("k") or 3)
            t0 = q.parse_duration(m.group("t0")).seconds() if m.group("t0") else 0.45 * duration
            t1 = q.parse_duration(m.group("t1")).seconds() if m.group("t1") else 0.55 * duration
        except (ValueError, q.QuantityError):
            t0 = t1 = -1.0
            k = 0.0
        if k > 0 and 0 <= t0 < t1:
            eps = min(1e-3, (t1 - t0) / 10)
            return Profile(name, (0.0, t0, t0 + eps, t1, t1 + eps), (1.0, 1.0, k, k, 1.0))
    raise UsageError(f"unknown load profile {name!r}", hint="steady, diurnal, burst or burst=x4@20s-30s")


# --- results --------------------------------------------------------------------------------

def _bin_value(b: int) -> float:
    """The middle of histogram bin b (bin 0 is zero)."""
    if b <= 0:
        return 0.0
    lo, hi = core.bin_edges(b)
    return (lo + hi) / 2


_MIDS = np.array([_bin_value(b) for b in range(core.NBINS)])


def percentile(hist: np.ndarray, p: float) -> float:
    """The p-quantile of a histogram, read at its bin's middle (within 0.39%)."""
    total = int(hist.sum())
    if total == 0:
        return math.nan
    cum = np.cumsum(hist)
    b = int(np.searchsorted(cum, p * total, side="left"))
    return _bin_value(b)


@dataclass
class Signals:
    """Golden signals of one flow or component over an interval."""

    throughput: float  # completed per second
    errors: float  # failed per second
    error_rate: float  # failed / (completed + failed)
    latency: dict[float, float]  # percentile -> seconds
    mean: float
    saturation: float | None = None  # utilisation of the servers (components only)


@dataclass
class ClassResult:
    name: str
    use_case: str
    consumer: bool
    outcomes: np.ndarray  # [window, outcome]
    hist: np.ndarray  # [window, bin]
    lat_sum: float


@dataclass
class StationResult:
    name: str
    component: str
    servers: int
    counts: np.ndarray  # [counter]
    busy: np.ndarray  # [window] server-seconds started in the window
    alive: np.ndarray  # [window] live servers, time-weighted over the window
    hist: np.ndarray  # [window, bin] sojourn (wait + service)
    wait_sum: float
    wait_n: int
    failed: np.ndarray  # [window] calls it failed: rejected, shed, refused, lost, errors

@dataclass
class SimResult:
    model: SimModel
    load: float
    duration: float
    window: float
    warmup: float
    seed: int
    faults: list[Fault]
    profile: Profile
    distribution: str
    classes: list[ClassResult]
    stations: list[StationResult]
    step_counts: np.ndarray  # [step, counter]
    requests: int  # arrivals simulated (all classes)
    wall: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def windows(self) -> int:
        return self.classes[0].outcomes.shape[0] if self.classes else 0

    def _steady(self) -> slice:
        return slice(min(int(round(self.warmup / self.window)), self.windows - 1), self.windows)

    def spans(self) -> np.ndarray:
        """Each window's length in seconds (the last one is shorter when the run does not divide)."""
        starts = np.arange(self.windows) * self.window
        return np.minimum(self.window, self.duration - starts)

    def flow_signals(self, c: ClassResult, windows: slice | None = None) -> Signals:
        ws = windows or self._steady()
        span = float(self.spans()[ws].sum())
        out = c.outcomes[ws].sum(axis=0)
        done = int(out[core.OK] + out[core.DEGRADED])
        failed = int(out[core.ERR_TIMEOUT:].sum())
        hist = c.hist[ws].sum(axis=0)
        lat = {p: percentile(hist, p) for p in PERCENTILES}
        mean = _hist_mean(hist)
        return Signals(done / span, failed / span, failed / (done + failed) if done + failed else 0.0, lat, mean)

    def station_signals(self, s: StationResult, windows: slice | None = None) -> Signals:
        ws = windows or self._steady()
        spans = self.spans()
        span = float(spans[ws].sum())
        hist = s.hist[ws].sum(axis=0)
        done = int(hist.sum())
        lat = {p: percentile(hist, p) for p in PERCENTILES}
        cap = float((s.alive[ws] * spans[ws]).sum())
        sat = float(s.busy[ws].sum() / cap) if cap > 0 else (math.inf if s.busy[ws].sum() > 0 else 0.0)
        # failures are counted over the whole run, so the error rate is too
        fails = int(s.counts[core.S_REJECTED] + s.counts[core.S_SHED] + s.counts[core.S_REFUSED]
                    + s.counts[core.S_LOST] + s.counts[core.S_ERRORS])
        done_all = int(s.counts[core.S_DONE])
        return Signals(done / span, fails / self.duration, fails / (done_all + fails) if done_all + fails else 0.0,
                       lat, _hist_mean(hist), None if s.servers == 0 else sat)

    def amplification(self, component: str) -> float | None:
        """Attempts per first call on the calls into a component (retries included)."""
        idx = [i for i, sp in enumerate(self.model.steps) if sp.component == component and sp.station >= 0]
        calls = self.step_counts[idx, core.C_CALLS].sum()
        return float(self.step_counts[idx, core.C_ATTEMPTS].sum() / calls) if calls else None


def _hist_mean(hist: np.ndarray) -> float:
    total = hist.sum()
    if total == 0:
        return math.nan
    return float((hist * _MIDS).sum() / total)


# --- running --------------------------------------------------------------------------------

@contextmanager
def _front_indexing():
    """The core only ever indexes from the front of its arrays, so it is compiled without numba's
    negative-index wraparound, which numba has no switch for: every array access in the loop
    otherwise loads the array's length and adds it when the index is negative (measured: W1 runs
    about 17% faster without). numba's index fix-up is replaced only while the core compiles, and
    put back at once; when the core is already compiled (or loaded from numba's cache) nothing is
    touched, and with a numba that lacks the hook the core compiles as usual."""
    try:
        from numba.core import types
        from numba.np import arrayobj
    except ImportError:  # pragma: no cover - numba is a dependency
        yield
        return
    original = getattr(arrayobj, "fix_integer_index", None)
    if original is None or core.run.signatures:
        yield
        return

    def front_only(context, builder, idxty, idx, size):
        return context.cast(builder, idx, idxty, types.intp)

    arrayobj.fix_integer_index = front_only
    try:
        yield
    finally:
        arrayobj.fix_integer_index = original


def fault_events(model: SimModel, faults: list[Fault], duration: float) -> tuple[np.ndarray, ...]:
    ev: list[tuple[float, int, int, int, int, float]] = []  # (t, order, kind, station, replica, x)
    n = 0

    def add(t: float, kind: int, s: int, r: int, x: float) -> None:
        nonlocal n
        if t < duration:
            ev.append((t, n, kind, s, r, x))
            n += 1

    known = {s.component for s in model.stations}
    zones = max((s.zones for s in model.stations), default=1)
    for f in faults:
        if f.kind == "zone" and f.value > zones:
            raise UsageError(f"fault zone={f.value:g}: the design's components span at most {zones} zone(s)",
                             hint="zones count from 1; give components `zones:` to spread their replicas")
        if f.kind == "replicas":
            have = sum(s.replicas for s in model.stations if s.component == f.component)
            if have and f.value > have:
                raise UsageError(f"fault {f.component}:replicas={f.value:g}: {f.component} has {have} replica(s)",
                                 hint=f"at most {have}; {f.component}:down takes them all")
        if f.component is not None and f.component not in known:
            comps = [c.id for c in model.capacity.design.components]
            if f.component not in comps:
                raise UsageError(f"fault names {f.component!r}, which is no component of the design",
                                 hint="components: " + ", ".join(comps))
            raise UsageError(f"fault on {f.component!r}: it takes no time in the simulation",
                             hint="give it capacity figures (service_time, concurrency)")
        for i, st in enumerate(model.stations):
            if f.kind == "zone":
                lost = [r for r in range(st.replica_lo, st.replica_lo + st.replicas)
                        if r % st.zones == int(f.value) - 1]
            elif st.component != f.component:
                continue
            elif f.kind == "down":
                lost = list(range(st.replica_lo, st.replica_lo + st.replicas))
            elif f.kind == "replicas":
                lost = list(range(st.replica_lo, min(st.replica_lo + st.replicas, int(f.value))))
            else:
                lost = []
            if f.kind == "latency":
                add(f.start, core.F_LATENCY, i, 0, f.value)
                add(f.end, core.F_LATENCY, i, 0, 1.0)
                continue
            if f.kind == "errors" or (lost and st.servers == 0):
                p = f.value if f.kind == "errors" else 1.0
                add(f.start, core.F_ERRORS, i, 0, p)
                add(f.end, core.F_ERRORS, i, 0, 0.0)
                continue
            for r in lost:
                add(f.start, core.F_REPLICA_DOWN, i, r - st.replica_lo, 0.0)
                add(f.end, core.F_REPLICA_UP, i, r - st.replica_lo, 0.0)
    ev.sort()
    return (np.array([e[0] for e in ev], np.float64), np.array([e[2] for e in ev], np.int64),
            np.array([e[3] for e in ev], np.int64), np.array([e[4] for e in ev], np.int64),
            np.array([e[5] for e in ev], np.float64))


def _alive_per_window(model: SimModel, events: tuple[np.ndarray, ...], duration: float, window: float,
                      n_win: int) -> np.ndarray:
    """Live servers per station and window, time-weighted, replayed from the fault timeline
    (the core applies the same events at the same times)."""
    t_ev, kind, station, replica = events[0], events[1], events[2], events[3]
    out = np.zeros((len(model.stations), n_win))
    spans = np.minimum(window, duration - np.arange(n_win) * window)
    for i, st in enumerate(model.stations):
        if st.servers == 0:
            continue
        down: set[int] = set()
        level, last = float(st.servers), 0.0
        marks = [(float(t_ev[k]), int(kind[k]), int(replica[k])) for k in range(len(t_ev))
                 if station[k] == i and kind[k] <= core.F_REPLICA_UP] + [(duration, -1, -1)]
        for t, k, r in marks:
            a = last  # `level` servers were live over [last, t): spread it over the windows it covers
            while a < t:
                w = min(int(a / window + 1e-12), n_win - 1)
                b = min(t, (w + 1) * window) if w < n_win - 1 else t
                out[i, w] += level * (b - a)
                a = b
            last = t
            if k == core.F_REPLICA_DOWN:
                down.add(r)
            elif k == core.F_REPLICA_UP:
                down.discard(r)
            level = float(st.servers - len(down) * st.concurrency)
        out[i] /= spans
    return out


def _unroll(ring: np.ndarray, head: np.ndarray, length: np.ndarray, n: int) -> np.ndarray:
    """Ring buffers (one per row) copied in order into wider rows starting at 0."""
    out = np.zeros((ring.shape[0], n), ring.dtype)
    cap = ring.shape[1]
    for k in range(ring.shape[0]):
        idx = (head[k] + np.arange(length[k])) % cap
        out[k, : length[k]] = ring[k, idx]
    return out


class _Prefetch:
    """fill(buf) run on a thread of its own; wait() joins it (and re-raises what it raised)."""

    def __init__(self, fill: Callable[[np.ndarray], None], buf: np.ndarray) -> None:
        import threading

        self.error: BaseException | None = None

        def work() -> None:
            try:
                fill(buf)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller in wait()
                self.error = exc

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def _grow(a: np.ndarray, n: int, fill=0) -> np.ndarray:
    """`a` with room for n rows, the new ones set to `fill`. Zeros come from np.zeros, whose fresh
    pages the OS maps only when first written: a pool that doubles touches only the rows it uses
    (np.full writes every page at once, and a page fault is the cost that counts under overload)."""
    shape = (n, *a.shape[1:])
    b = np.zeros(shape, a.dtype) if fill == 0 else np.full(shape, fill, a.dtype)
    b[: a.shape[0]] = a
    return b


def run_model(model: SimModel, load: float = 1.0, duration: float = 60.0, seed: int = 0,
              faults: list[Fault] | None = None, load_profile: Profile | None = None,
              distribution: str = "exponential", cv: float = 1.0, window: float | None = None,
              warmup: float | None = None, progress: Callable[[float], None] | None = None,
              windows: int | None = None, max_live: int | None = None) -> SimResult:
    """Simulates `duration` seconds of a laid-out model at `load` x the peak. Under a ramp the run
    stops once a station has stayed saturated for two windows: what broke first is known."""
    import time

    if not duration > 0:
        raise UsageError("the duration must be positive", hint="e.g. --duration 60s")
    if distribution not in DISTRIBUTIONS:
        raise UsageError(f"unknown service-time distribution {distribution!r}", hint=", ".join(DISTRIBUTIONS))
    faults = list(faults or [])
    load_profile = load_profile or profile("steady", duration)
    ramp = load_profile.name == "ramp"
    # floats, always: an int here would make numba compile a second copy of the loop
    duration = float(duration)
    window = float(window or duration / (windows or (RAMP_WINDOWS if ramp else 60)))
    load = float(load)
    n_win = max(1, int(math.ceil(duration / window - 1e-9)))
    warmup = min(duration * 0.1, 5.0) if warmup is None else warmup
    arr = model.arrays()
    n_st, n_cls, n_steps = len(model.stations), len(model.classes), len(model.steps)
    total_slots = int(arr["st_servers"].sum())
    rng = np.random.default_rng(seed)
    f8, i8 = np.float64, np.int64
    # random draws come from the seeded generator in batches (numpy's ziggurat in C), which the
    # compiled loop consumes: exponentials, uniforms, and normals when service is log-normal
    # each station's own distribution and cv where the design gives them, else the run's
    st_dist = np.array([DISTRIBUTIONS[s.distribution or distribution] for s in model.stations], i8)
    st_sigma = np.array([math.sqrt(math.log1p((s.cv if s.cv is not None else cv) ** 2)) for s in model.stations], f8)
    dr = np.zeros((3, DRAWS), f8)
    di = np.zeros(3, i8)
    lognormal = bool((st_dist == core.D_LOGNORMAL).any())

    def fill(buf: np.ndarray) -> None:
        rng.standard_exponential(out=buf[0])
        rng.random(out=buf[1])
        if lognormal:
            rng.standard_normal(out=buf[2])

    # the next batch is drawn on a second thread while the core consumes this one (the core and
    # numpy's fills both run without the GIL); batches come from the one generator in the same
    # order as drawing them in turn would, so the result is the same, byte for byte
    t_fill = time.perf_counter()
    fill(dr)
    first_fill = time.perf_counter() - t_fill  # the run's own work: counted in its wall time below
    spare = np.zeros_like(dr)
    pending = _Prefetch(fill, spare)

    def refill() -> None:
        nonlocal dr, spare, pending
        pending.wait()
        dr, spare = spare, dr
        di[:] = 0
        pending = _Prefetch(fill, spare)

    # the load profile: one piecewise-linear table shared by every class
    prof_t = np.array(load_profile.times, f8)
    prof_f = np.array(load_profile.factors, f8)
    cls_rate = np.array([c.rate * load for c in model.classes], f8)
    cls_prof_lo = np.zeros(n_cls, i8)
    cls_prof_hi = np.full(n_cls, len(prof_t), i8)
    cls_fmax = np.full(n_cls, float(prof_f.max()), f8)
    # the mean gap between arrivals at the profile's peak (0: the class has no arrivals)
    peak = cls_rate * cls_fmax
    cls_gap = np.divide(1.0, peak, out=np.zeros(n_cls, f8), where=peak > 0)
    cls_root = np.array([c.root for c in model.classes], i8)

    fault_arrays = fault_events(model, faults, duration)
    st_alive_w = _alive_per_window(model, fault_arrays, duration, window, n_win)
    spans = np.minimum(window, duration - np.arange(n_win) * window)

    # dynamic state
    free_slots = np.zeros(max(total_slots, 1), i8)
    for s in range(n_st):
        lo, n = arr["st_off"][s], arr["st_servers"][s]
        free_slots[lo: lo + n] = np.arange(lo, lo + n)[::-1]
    st_free_top = arr["st_servers"].copy()
    slot_alive = np.ones(max(total_slots, 1), i8)
    slot_busy = np.zeros(max(total_slots, 1), i8)
    slot_epoch = np.zeros(max(total_slots, 1), i8)
    st_alive = np.where(arr["st_servers"] == 0, 1, arr["st_servers"]).astype(i8)
    st_lat = np.ones(n_st, f8)
    st_err = np.zeros(n_st, f8)
    st_tokens = arr["st_rl_burst"].copy()
    st_tok_t = np.zeros(n_st, f8)
    st_qhead = np.full(n_st, -1, i8)
    st_qtail = np.full(n_st, -1, i8)
    st_qlen = np.zeros(n_st, i8)
    st_inf = np.zeros(n_st, i8)
    # stations a replica fault touches keep one slot per server; the rest just count busy servers
    st_slotted = np.zeros(n_st, i8)
    st_slotted[fault_arrays[2][fault_arrays[1] <= core.F_REPLICA_UP]] = 1
    st_nbusy = np.zeros(n_st, i8)
    n_br = len(model.breakers)
    br_state = np.zeros(max(n_br, 1), i8)
    br_until = np.zeros(max(n_br, 1), f8)
    br_ring = np.zeros(max(n_br, 1), i8)
    br_n = np.zeros(max(n_br, 1), i8)

    # timer queues: one FIFO per distinct timeout value (deadlines of one value come in order)
    values = sorted({float(t) for t in arr["step_timeout"] if t > 0})
    step_tq = np.array([values.index(float(t)) if t > 0 else -1 for t in arr["step_timeout"]], i8)
    n_tq = max(len(values), 1)
    TQ = 1 << 15  # room for core.TQ_ROOM deadlines, twice
    tq_t = np.zeros((n_tq, TQ), f8)
    tq_rid = np.zeros((n_tq, TQ), i8)
    tq_tok = np.zeros((n_tq, TQ), i8)
    tq_head = np.zeros(n_tq, i8)
    tq_len = np.zeros(n_tq, i8)
    tq_armed = np.zeros(n_tq, i8)

    R = J = 1 << 12
    H = 1 << 16  # room for core.HEAP_ROOM events, twice
    req_i = np.zeros((R, core.N_RI), i8)
    req_t0 = np.zeros(R, f8)
    depth = max((sp.depth for sp in model.steps), default=0) + 2  # the call tree's depth, and a spare
    stack_i = np.zeros((R, depth * core.N_KI), i8)  # row rid: its calls' columns, depth after depth
    free_r = np.arange(R, dtype=i8)[::-1].copy()
    job_i = np.zeros((J, core.N_JI), i8)
    job_f = np.zeros(J, f8)  # when each job reached its station
    free_j = np.arange(J, dtype=i8)[::-1].copy()
    h_t = np.zeros(H, f8)
    h_i = np.zeros((H, 2), i8)
    next_arr = np.full(n_cls, -1.0, f8)
    si = np.zeros(core.N_II, i8)
    si[core.I_FREE_R] = R
    si[core.I_FREE_J] = J
    max_live = max_live or MAX_LIVE
    si[core.I_MAX_LIVE] = max_live
    sf = np.zeros(1, f8)

    cls_out = np.zeros((n_cls, n_win, core.N_OUTCOMES), i8)
    cls_hist = np.zeros((n_cls, n_win, core.NBINS), np.int32)
    cls_lat_sum = np.zeros(n_cls, f8)
    st_cnt = np.zeros((n_st, core.N_SCOUNT), i8)
    st_busy = np.zeros((n_st, n_win), f8)
    st_hist = np.zeros((n_st, n_win, core.NBINS), np.int32)
    st_wait_sum = np.zeros(n_st, f8)
    st_wait_n = np.zeros(n_st, i8)
    st_fail_w = np.zeros((n_st, n_win), i8)
    step_cnt = np.zeros((max(n_steps, 1), core.N_CCOUNT), i8)

    t0 = time.perf_counter()
    # slices are for following progress and for stopping a ramp early; with neither, one call
    # runs it all (where a slice ends changes nothing: the core picks up where it stopped)
    slices = SLICES if progress is not None or ramp else 1
    for k in range(1, slices + 1):
        t_slice = duration * k / slices
        while True:
            with _front_indexing():
                code = core.run(
                    dr, di, t_slice, duration, window,
                    arr["st_servers"], arr["st_conc"], arr["st_off"], arr["st_qlimit"], st_dist, arr["st_mean_r"],
                    arr["st_mean_w"], st_sigma, arr["st_rl_rate"], arr["st_rl_burst"],
                    arr["step_station"], arr["step_calls_n"], arr["step_calls_p"], arr["step_end"], arr["step_hit"],
                    arr["step_shift"], arr["step_write"], arr["step_timeout"], arr["step_retries"], arr["step_backoff"],
                    arr["step_backoff_base"], arr["step_breaker"], arr["step_fallback"], arr["step_alt"],
                    arr["step_alt_p"], step_tq,
                    cls_gap, cls_root, cls_prof_lo, cls_prof_hi, cls_fmax, prof_t, prof_f,
                    *fault_arrays,
                    st_free_top, free_slots, slot_alive, slot_busy, slot_epoch, st_alive, st_lat, st_err,
                    st_tokens, st_tok_t, st_qhead, st_qtail, st_qlen, st_inf, st_slotted, st_nbusy,
                    br_state, br_until, br_ring, br_n,
                    tq_t, tq_rid, tq_tok, tq_head, tq_len, tq_armed,
                    req_i.reshape(-1), req_t0, stack_i, free_r, job_i.reshape(-1), job_f, free_j,
                    h_t, h_i.reshape(-1), next_arr, si, sf,
                    cls_out, cls_hist, cls_lat_sum, st_cnt, st_busy, st_hist, st_wait_sum, st_wait_n, step_cnt,
                    st_fail_w)
            if code == core.DONE:
                break
            if code == core.REFILL:
                refill()
                continue
            # a pool ran short: double what is short and go on where it stopped
            if si[core.I_FREE_R] < core.R_ROOM:
                n = req_i.shape[0]
                req_i, req_t0 = _grow(req_i, 2 * n), _grow(req_t0, 2 * n)
                stack_i = _grow(stack_i, 2 * n)
                free_r = _grow(free_r, 2 * n)
                nf = si[core.I_FREE_R]
                free_r[nf: nf + n] = np.arange(2 * n - 1, n - 1, -1)
                si[core.I_FREE_R] = nf + n
            if si[core.I_FREE_J] < core.J_ROOM:
                n = job_i.shape[0]
                job_i, job_f = _grow(job_i, 2 * n), _grow(job_f, 2 * n)
                free_j = _grow(free_j, 2 * n)
                nf = si[core.I_FREE_J]
                free_j[nf: nf + n] = np.arange(2 * n - 1, n - 1, -1)
                si[core.I_FREE_J] = nf + n
            if (tq_len + core.TQ_ROOM > tq_t.shape[1]).any():
                n = max(2 * tq_t.shape[1], int(tq_len.max()) + 2 * core.TQ_ROOM)
                tq_t, tq_rid, tq_tok = (_unroll(a, tq_head, tq_len, n) for a in (tq_t, tq_rid, tq_tok))
                tq_head[:] = 0
            if si[core.I_HEAP] + core.HEAP_ROOM + int(st_qlen.max(initial=0)) > h_t.shape[0]:
                n = max(2 * h_t.shape[0], si[core.I_HEAP] + 2 * core.HEAP_ROOM + int(st_qlen.max(initial=0)))
                h_t, h_i = _grow(h_t, n), _grow(h_i, n)
        if progress is not None:
            progress(k / slices)
        if ramp and k < slices:
            done = int(t_slice / window + 1e-9)  # windows wholly simulated
            with np.errstate(divide="ignore", invalid="ignore"):
                busy = st_busy[:, :done] / (st_alive_w[:, :done] * spans[:done])
            hot = (busy[:, 1:] >= SATURATED) & (busy[:, :-1] >= SATURATED)
            if hot.any():
                n_win, duration = done, done * window
                cls_out, cls_hist = cls_out[:, :done], cls_hist[:, :done]
                st_busy, st_hist, st_alive_w = st_busy[:, :done], st_hist[:, :done], st_alive_w[:, :done]
                st_fail_w = st_fail_w[:, :done]
                if progress is not None:
                    progress(1.0)
                break
    pending.wait()  # the batch drawn ahead is not needed: let its thread finish (counted in the wall time)
    wall = time.perf_counter() - t0 + first_fill
    classes = [ClassResult(c.name, c.use_case, c.consumer, cls_out[i], cls_hist[i], float(cls_lat_sum[i]))
               for i, c in enumerate(model.classes)]
    stations = [StationResult(s.name, s.component, s.servers, st_cnt[i], st_busy[i], st_alive_w[i], st_hist[i],
                              float(st_wait_sum[i]), int(st_wait_n[i]), st_fail_w[i])
                for i, s in enumerate(model.stations)]
    requests = int(cls_out.sum()) + int(si[core.I_LIVE])
    notes = list(model.notes)
    if si[core.I_OVERFLOW]:
        notes.append(f"{int(si[core.I_OVERFLOW]):,} arrivals were turned away because {max_live:,} requests were "
                     "already in flight: the design is overloaded beyond recovery at this load (they count as "
                     "rejected)")
    return SimResult(model, load, duration, window, warmup, seed, faults, load_profile, distribution,
                     classes, stations, step_cnt[:n_steps], requests, wall, notes)


def simulate(design, load: float = 1.0, duration: float = 60.0, seed: int = 0, faults: list[Fault] | None = None,
             load_profile: Profile | None = None, distribution: str = "exponential", cv: float = 1.0,
             window: float | None = None, warmup: float | None = None,
             progress: Callable[[float], None] | None = None, table=None, capacity=None,
             model=None) -> SimResult:
    """Simulates a design (or a prebuilt capacity model) at `load` x its peak for `duration` s."""
    from tradeoff.capacity.model import build as build_capacity
    from tradeoff.sim.build import build

    cap = model or build_capacity(design, table=table, capacity=capacity)
    sim = build(cap)
    if not sim.classes:
        raise UsageError("nothing to simulate: no use case has both a rate and a flow",
                         hint="give estimates.traffic rates and architecture read_paths/write_paths")
    return run_model(sim, load, duration, seed, faults, load_profile, distribution, cv, window, warmup, progress)

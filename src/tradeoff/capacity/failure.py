"""Analytic failure cases at a load multiplier: a replica lost, a zone lost, a dependency that
stops answering. Each figure carries the arithmetic that produced it.

* Replica lost. Load spreads over the survivors: a resource at utilisation u on R replicas
  runs at u x R/(R-1). In a sharded component a shard's load stays on that shard's copies
  (k = replicas / shards), so the worst node runs at u x k/(k-1), and a shard on one copy is
  lost with its node. A single-leader store's reads spread the same way, while its writes
  stay on one primary per shard (losing a primary is a failover to a replica).
* Zone lost. The worst zone holds ceil(R/zones) replicas (ceil(k/zones) copies of a shard);
  the rest carry the load. One zone, or one replica with zones unstated, is an outage.
* Dependency stops answering. Every call waits for the caller's timeout, and retries
  multiply down a path: each retrying layer above the callee multiplies the attempts that
  reach it (Google SRE book, ch. 22 "Addressing Cascading Failures": 3 layers x 3 attempts =
  27x). The caller holds a server for every attempt and backoff wait, so by Little's law its
  busy servers are (calls per second) x (hold per call). A circuit breaker, once open, fails
  calls fast: nothing reaches the callee and nothing is held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.load import Edge
from tradeoff.capacity.model import CapacityModel, ComponentModel, Resource
from tradeoff.capacity.spof import NOT_OURS, reach
from tradeoff.knowledge.capacity import CapacityTable, default_capacity, node_figures
from tradeoff.model import quantity as q
from tradeoff.model.design import Backoff, CacheLayer, CachePolicy, Component, ComponentKind, Design, Flow

# AWS Builders' Library, "Timeouts, retries and backoff with jitter" (Marc Brooker): the
# wait before retry n is base x 2^(n-1); with "full jitter" it is uniform on [0, that], so
# half of it on average.
BACKOFF_BASE = 0.1  # seconds before the first retry, doubling per retry
FULL_JITTER_MEAN = 0.5  # full jitter waits half the exponential delay on average
#: with no timeout a call waits until the client gives up; 30 s is a common client default
NO_TIMEOUT_WAIT = 30.0

# verdicts
ABSORBS, HOT, SATURATES, OUTAGE = "absorbs", "hot", "saturates", "outage"
UNKNOWN, NO_FIGURES = "unknown", "no figures"
HOLDS, CASCADE = "holds", "cascade"  # HOT is shared with the caller's verdict
SURVIVES, OVERLOADED, LOST = "survives", "overloaded", "lost"
DEGRADES, DELAYED, FAILS = "degrades", "delayed", "fails"


@dataclass(frozen=True)
class ReplicaLoss:
    """One replica of a component lost at multiplier m."""

    component: str
    replicas: int
    before: float  # busiest resource's utilisation
    after: float | None  # None: outage
    resource: str  # the resource `after` is for
    verdict: str  # absorbs, hot, saturates, outage
    arithmetic: str
    note: str = ""


@dataclass(frozen=True)
class ZoneLoss:
    """The zone holding most of a component's replicas lost at multiplier m."""

    component: str
    replicas: int
    zones: int | None
    lost: int  # replicas in the lost zone (0 when unknown)
    before: float | None
    after: float | None
    resource: str
    verdict: str  # absorbs, hot, saturates, outage, unknown, no figures
    arithmetic: str
    note: str = ""


@dataclass(frozen=True)
class UseCaseOutcome:
    """Whether a use case keeps serving when one zone is lost."""

    use_case: str
    verdict: str  # survives, overloaded, lost, unknown
    because: list[str]  # the components on its synchronous path that decide it
    delayed: list[str] = field(default_factory=list)  # behind a queue: lost only for a while


@dataclass(frozen=True)
class Leg:
    """The caller's calls to the callee for one use case, and the retrying layers above it."""

    use_case: str
    rate: float  # calls per second from the caller at multiplier m, first attempts only
    above: list[tuple[str, int]]  # (component, attempts) of every retrying layer above the caller
    via: str

    @property
    def upstream(self) -> int:
        """Attempts per request the layers above the caller multiply into."""
        return math.prod(a for _, a in self.above)


@dataclass(frozen=True)
class PolicyRow:
    """One resilience policy for the caller, and what it makes of the callee's outage."""

    policy: str  # "design: ...", "no backoff, no breaker", "backoff, no breaker", "breaker"
    attempts: int  # per call by the caller (1 + retries); 0 reach the callee once a breaker opens
    amplification: float  # attempts reaching the callee per first call, all retrying layers
    offered: float  # calls per second reaching the callee
    hold: float  # seconds a server of the caller is held per call
    held: float  # servers of the caller held (Little's law)
    utilisation: float  # held / (replicas x concurrency)
    total: float  # with the caller's own work at m
    verdict: str  # holds, hot, cascade
    arithmetic: str


@dataclass
class DependencyTimeout:
    """The callee stops answering; every call from the caller waits for its timeout."""

    caller: str
    callee: str
    legs: list[Leg]
    timeout: float  # seconds
    timeout_from: str
    retries: int
    backoff: Backoff
    breaker: bool
    retry_layers: list[str]  # components on the path that retry, the caller included
    servers: int  # what the caller holds per waiting call: replicas x concurrency (connections for a balancer)
    rows: list[PolicyRow]  # the design's policy first, then the counterfactuals
    outcome: dict[str, str]  # use case -> degrades (a fallback), delayed (behind a queue) or fails
    fallback: str | None
    notes: list[str] = field(default_factory=list)
    unit: str = "servers"  # or "connections"

    @property
    def design(self) -> PolicyRow:
        return self.rows[0]


@dataclass
class FailureReport:
    m: float
    ceiling: float
    replica_lost: list[ReplicaLoss]
    zone_lost: list[ZoneLoss]
    zone_outcomes: list[UseCaseOutcome]
    dependency_timeout: list[DependencyTimeout]


def pct(u: float) -> str:
    """0.6364 -> '64%'; 0.0763 -> '7.6%'; 0.0012 -> '0.12%'."""
    x = 100 * u
    if x >= 10_000:
        return f"{q.fmt_count(x)}%"
    if x >= 10 or x == 0:
        return f"{x:.0f}%"
    if x >= 1:
        return f"{x:.1f}%"
    return f"{x:.2g}%"


def _verdict(after: float | None, ceiling: float) -> str:
    if after is None:
        return OUTAGE
    return ABSORBS if after < ceiling else HOT if after < 1 else SATURATES


def _copies(c: Component) -> int:
    """Copies of each shard (every replica when unsharded)."""
    s = c.shards or 1
    return max(1, c.replicas // s)


def _after(cm: ComponentModel, m: float, lost: int, lost_copies: int) -> tuple[float, Resource, str] | None:
    """The busiest resource once `lost` replicas (`lost_copies` of the worst shard) are gone;
    None when nothing is left to carry it."""
    c, st = cm.component, cm.station
    r, k = c.replicas, _copies(c)
    if r - lost <= 0 or k - lost_copies <= 0:
        return None
    best: tuple[float, Resource, str] | None = None
    for res in cm.resources:
        u = res.at(m)
        if res.name == "compute" and st is not None and st.single_leader and st.writes > 0:
            # reads spread over the survivors; writes stay on one primary per shard (after failover)
            rp = m * st.reads / (st.replicas * st.read_rate())
            wp = m * st.writes / (st.primaries * st.write_rate())
            after = rp * k / (k - lost_copies) + wp
            text = (f"compute: reads {pct(rp)} x {k}/{k - lost_copies} + writes {pct(wp)} on "
                    f"{st.primaries} primar{'y' if st.primaries == 1 else 'ies'} = {pct(after)}")
        elif res.name in ("compute", "network"):
            # a shard's traffic stays on its copies
            after = u * k / (k - lost_copies)
            text = f"{res.name}: {pct(u)} x {k}/{k - lost_copies} = {pct(after)}"
        else:
            # storage (after re-replication) and connections spread over every survivor
            after = u * r / (r - lost)
            text = f"{res.name}: {pct(u)} x {r}/{r - lost} = {pct(after)}"
        if best is None or after > best[0]:
            best = (after, res, text)
    return best


def _ours_with_load(model: CapacityModel) -> list[ComponentModel]:
    return [cm for cm in model.components.values()
            if cm.component.kind not in NOT_OURS and cm.load.peak > 0]


def replica_lost(model: CapacityModel, m: float = 1.0) -> list[ReplicaLoss]:
    """Each modelled component carrying load, with one replica fewer."""
    ceiling = model.ceiling()
    out: list[ReplicaLoss] = []
    for cm in _ours_with_load(model):
        if cm.station is None:
            continue
        c, before = cm.component, cm.utilisation(m)
        r, k, s = c.replicas, _copies(c), c.shards or 1
        head = f"{r} replica{'s' if r > 1 else ''} -> {r - 1}"
        if s > 1:
            head += f" ({s} shards x {k} cop{'y' if k == 1 else 'ies'}: one shard on {k - 1})"
        note = ""
        if cm.station.single_leader and cm.station.writes > 0:
            note = ("losing the primary is a failover: writes pause while a replica is promoted; "
                    "reads spread over the survivors")
        got = _after(cm, m, 1, 1)
        if got is None:
            what = (f"one of {s} shards lost with its only copy" if s > 1 and r > 1
                    else f"the only replica of {c.id} lost")
            out.append(ReplicaLoss(c.id, r, before, None, "", OUTAGE, f"{head}: {what}", note))
            continue
        after, res, text = got
        out.append(ReplicaLoss(c.id, r, before, after, res.name, _verdict(after, ceiling),
                               f"{head}: {text}", note))
    return out


def zone_lost(model: CapacityModel, m: float = 1.0) -> list[ZoneLoss]:
    """Each component of ours carrying load, with the zone that holds most of its replicas lost."""
    ceiling = model.ceiling()
    out: list[ZoneLoss] = []
    for cm in _ours_with_load(model):
        c = cm.component
        r, z, k, s = c.replicas, c.zones, _copies(c), c.shards or 1
        before = cm.utilisation(m) if cm.resources else None
        if z is None and r > 1:
            out.append(ZoneLoss(c.id, r, None, 0, before, None, "", UNKNOWN,
                                f"{r} replicas, zones not stated"))
            continue
        if z is None or z == 1:
            where = "one replica, zones not stated" if z is None else f"all {r} replica(s) in one zone"
            out.append(ZoneLoss(c.id, r, z, r, before, None, "", OUTAGE, f"{where}: the zone takes them all"))
            continue
        lost = math.ceil(r / z)
        lost_copies = math.ceil(k / z) if s > 1 else lost
        head = f"{r} replicas over {z} zones -> {r - lost} ({lost} in the lost zone)"
        if s > 1:
            head += (f"; {s} shards x {k} cop{'y' if k == 1 else 'ies'}: {lost_copies} of a shard's "
                     f"cop{'y' if k == 1 else 'ies'} in it")
        note = ""
        if cm.station is not None and cm.station.single_leader and cm.station.writes > 0:
            note = "primaries in the lost zone fail over to replicas in the others; writes pause meanwhile"
        got = _after(cm, m, lost, lost_copies)
        if got is None:
            what = "a shard's every copy is in the lost zone" if s > 1 else "no replica left"
            out.append(ZoneLoss(c.id, r, z, lost, before, None, "", OUTAGE, f"{head}: {what}", note))
            continue
        if not cm.resources:
            out.append(ZoneLoss(c.id, r, z, lost, None, None, "", NO_FIGURES,
                                f"{head}: no capacity figures to judge the survivors", note))
            continue
        after, res, text = got
        out.append(ZoneLoss(c.id, r, z, lost, before, after, res.name, _verdict(after, ceiling),
                            f"{head}: {text}", note))
    return out


def zone_outcomes(model: CapacityModel, zones: list[ZoneLoss]) -> list[UseCaseOutcome]:
    """Per use case with a rate: does it keep serving through the loss of one zone."""
    by_id = {z.component: z for z in zones}
    out: list[UseCaseOutcome] = []
    for uc, rc in reach(model).items():
        if model.demand.use_cases[uc].peak is None:
            continue
        path = [by_id[c.id] for c in model.design.components if c.id in rc.sync and c.id in by_id]
        delayed = [by_id[c.id].component for c in model.design.components
                   if c.id in rc.delayed and c.id in by_id and by_id[c.id].verdict == OUTAGE]
        for verdicts, verdict in (({OUTAGE}, LOST), ({SATURATES}, OVERLOADED), ({UNKNOWN}, UNKNOWN)):
            hit = [z.component for z in path if z.verdict in verdicts]
            if hit:
                out.append(UseCaseOutcome(uc, verdict, hit, delayed))
                break
        else:
            out.append(UseCaseOutcome(uc, SURVIVES, [z.component for z in path if z.verdict == HOT], delayed))
    return out


# --- a dependency stops answering -----------------------------------------------------------

def _flows(design: Design) -> dict[str, Flow]:
    arch = design.architecture
    return {f.id: f for f in ([*arch.read_paths, *arch.write_paths] if arch else [])}


def _chain(design: Design, flow: Flow, seen: frozenset[str] = frozenset()) -> list[str]:
    """The flow's hops, preceded by the hops that lead to its first one when it starts part-way
    along another flow of the same use case (a service's second dependency)."""
    hops = [h.component for h in flow.hops]
    seen = seen | {flow.id}
    for other in _flows(design).values():
        if other.id in seen or other.use_case != flow.use_case:
            continue
        chain = _chain(design, other, seen)
        if hops[0] in chain:
            return chain[: chain.index(hops[0])] + hops
    return hops


def _waiting_caller(design: Design, edge: Edge) -> tuple[str, list[str]] | None:
    """Who waits on this leg, and the chain of components above it. A cache-aside cache does
    not call the store behind it: the service before it does, after a miss."""
    kind, _, ident = edge.via.partition(":")
    arch = design.architecture
    through = bool(design.deep_dives and design.deep_dives.caching
                   and design.deep_dives.caching.policy is CachePolicy.through)
    if kind == "external":
        call = next((e for e in arch.external_calls if e.id == ident), None)
        caller = call.caller if call else edge.caller
        for f in _flows(design).values():
            chain = _chain(design, f) if f.use_case == edge.use_case else []
            if caller in chain:
                return caller, chain[: chain.index(caller)]
        return caller, []
    if kind != "flow":
        return None
    flow = _flows(design).get(ident)
    if flow is None:
        return None
    chain = _chain(design, flow)
    i = next((j for j in range(len(chain) - 1)
              if chain[j] == edge.caller and chain[j + 1] == edge.callee), None)
    if i is None:
        return None
    while not through and i > 0 and (c := arch.component(chain[i])) is not None \
            and c.kind is ComponentKind.cache:
        i -= 1
    return chain[i], chain[:i]


def _attempts(c: Component | None) -> int:
    res = c.resilience if c else None
    return 1 + (res.retries or 0) if res else 1


def _waits(retries: int, backoff: Backoff) -> list[float]:
    """Mean backoff wait before each retry."""
    if backoff is Backoff.fixed:
        return [BACKOFF_BASE] * retries
    if backoff in (Backoff.exponential, Backoff.exponential_jitter):
        scale = FULL_JITTER_MEAN if backoff is Backoff.exponential_jitter else 1.0
        return [scale * BACKOFF_BASE * 2 ** n for n in range(retries)]
    return []


def _row(policy: str, dep: DependencyTimeout, retries: int, backoff: Backoff, breaker: bool,
         work: float, ceiling: float) -> PolicyRow:
    first = sum(leg.rate for leg in dep.legs)
    arriving = sum(leg.rate * leg.upstream for leg in dep.legs)  # upstream retries arrive too
    callee, caller = dep.callee, dep.caller
    if breaker:
        total = work
        verdict = HOLDS if total < ceiling else HOT if total < 1 else CASCADE
        own = f"; {caller} stays at its own {pct(work)}" if dep.unit == "servers" else ""
        text = (f"breaker open: calls fail fast, ~0 of {q.fmt_count(arriving)}/s reach {callee} and no "
                f"{dep.unit[:-1]} is held{own} (until it opens, the first calls wait as without it)")
        return PolicyRow(policy, 0, 0.0, 0.0, 0.0, 0.0, 0.0, total, verdict, text)
    attempts = 1 + retries
    waits = _waits(retries, backoff)
    hold = attempts * dep.timeout + sum(waits)
    offered = arriving * attempts
    amplification = offered / first if first else float(attempts)
    held = arriving * hold
    util = held / dep.servers
    total = util + work
    verdict = HOLDS if total < ceiling else HOT if total < 1 else CASCADE
    amp = " + ".join(f"{q.fmt_count(leg.rate)}/s ({leg.use_case}) x "
                     + " x ".join([*(str(a) for _, a in leg.above), str(attempts)]) for leg in dep.legs)
    wait_text = ""
    if backoff is Backoff.exponential_jitter and waits:
        delays = " + ".join(q.fmt_seconds(w / FULL_JITTER_MEAN) for w in waits)
        wait_text = f" + backoff full jitter, half of {delays} = {q.fmt_seconds(sum(waits))}"
    elif waits:
        wait_text = " + backoff " + " + ".join(q.fmt_seconds(w) for w in waits)
    text = (f"offered on {callee}: {amp} = {q.fmt_count(offered)}/s ({amplification:.3g}x); "
            f"hold: {attempts} x {q.fmt_seconds(dep.timeout)}{wait_text} = {q.fmt_seconds(hold)}; "
            f"Little's law: {q.fmt_count(arriving)}/s x {q.fmt_seconds(hold)} = {q.fmt_count(held)} busy; "
            f"{q.fmt_count(held)} / {q.fmt_count(dep.servers)} {dep.unit} = {pct(util)}"
            + (f" + {pct(work)} own work = {pct(total)}" if dep.unit == "servers" else ""))
    return PolicyRow(policy, attempts, amplification, offered, hold, held, util, total, verdict, text)


def _policy_name(retries: int, backoff: Backoff, breaker: bool) -> str:
    parts = [f"{retries} retr{'y' if retries == 1 else 'ies'}"]
    if retries and backoff is not Backoff.none:
        parts.append(f"{backoff.value} backoff")
    parts.append("breaker" if breaker else "no breaker")
    return "design: " + ", ".join(parts)


def _held_by(cm: ComponentModel, m: float, caps: CapacityTable) -> tuple[int, str, float, str]:
    """What a waiting call holds at the caller: (how many it has, unit, in use at m, note).
    A worker slot (replicas x concurrency) for most; a load balancer proxies, so it holds a
    connection, of which it has many more."""
    c = cm.component
    if c.kind is ComponentKind.load_balancer:
        per = c.capacity.connections_per_node if c.capacity and c.capacity.connections_per_node else None
        if per is None and (got := node_figures(caps, c)) is not None and got[1].connections:
            per = got[1].connections
        if per:
            return (int(c.replicas * per), "connections", 0.0,
                    f"a load balancer holds a connection per waiting call: {c.replicas} x "
                    f"{q.fmt_count(per)} connections")
    return c.replicas * cm.station.concurrency, "servers", cm.station.busy(m), ""


def dependency_timeout(model: CapacityModel, m: float = 1.0,
                       capacity: CapacityTable | None = None) -> list[DependencyTimeout]:
    """For each synchronous leg from a modelled caller: the callee stops answering."""
    design, ceiling = model.design, model.ceiling()
    caps = capacity or default_capacity()
    reaches = reach(model)
    arch = design.architecture
    retry_limit = int(model.table.thresholds["retry_layers"].value)
    # (caller, callee) -> use case -> (rate, above, via): within a use case the largest leg
    grouped: dict[tuple[str, str], dict[str, tuple[float, list[tuple[str, int]], str]]] = {}
    for e in model.demand.edges:
        if not e.sync:
            continue
        callee = arch.component(e.callee)
        if callee is None or callee.kind is ComponentKind.client:
            continue
        if callee.kind is ComponentKind.cache and callee.cache_layer is CacheLayer.local:
            continue  # in-process: it fails with its caller, it cannot stop answering alone
        got = _waiting_caller(design, e)
        if got is None:
            continue
        caller_id, above_ids = got
        cm = model.components.get(caller_id)
        peak = model.demand.use_cases[e.use_case].peak
        if cm is None or cm.station is None or peak is None or caller_id == e.callee:
            continue
        above = [(a, n) for a in above_ids if (n := _attempts(arch.component(a))) > 1]
        rate = m * peak * e.visits
        legs = grouped.setdefault((caller_id, e.callee), {})
        if e.use_case not in legs or rate > legs[e.use_case][0]:
            legs[e.use_case] = (rate, above, e.via)
    out: list[DependencyTimeout] = []
    for (caller_id, callee_id), legs in grouped.items():
        cm = model.components[caller_id]
        c = cm.component
        res = c.resilience
        externals = [x for x in arch.external_calls if x.caller == caller_id and x.external == callee_id]
        notes: list[str] = []
        # the external call's own timeout is specific to this leg, so it wins over the caller's
        timed = next((x for x in externals if x.timeout is not None), None)
        if timed is not None:
            timeout, source = timed.timeout.seconds(), f"external call {timed.id}'s timeout"
        elif res and res.timeout is not None:
            timeout, source = res.timeout.seconds(), f"{caller_id}'s timeout"
        else:
            timeout, source = NO_TIMEOUT_WAIT, "none"
            notes.append(f"no timeout: {caller_id}'s threads held until the client gives up "
                         f"(taken as {q.fmt_seconds(NO_TIMEOUT_WAIT)})")
        retries = (res.retries or 0) if res else 0
        backoff = (res.backoff or Backoff.none) if res else Backoff.none
        breaker = bool(res and res.circuit_breaker)
        leg_list = [Leg(uc, rate, above, via) for uc, (rate, above, via) in legs.items()]
        layers = list(dict.fromkeys([a for leg in leg_list for a, _ in leg.above]
                                    + ([caller_id] if retries else [])))
        if len(layers) >= retry_limit:
            notes.append(f"{len(layers)} layers retry on this path ({', '.join(layers)}): at or above "
                         f"{retry_limit}, retries multiply")
        if retries and backoff in (Backoff.exponential, Backoff.exponential_jitter, Backoff.fixed):
            notes.append("backoff spreads the retries in time but over a sustained outage every one "
                         "still arrives: the amplification is the same, and the waits lengthen the hold")
        fallback = (res.fallback if res and res.fallback else
                    next((x.fallback for x in externals if x.fallback), None))
        # a fallback degrades the use case; a caller behind a queue only delays it (the queue holds the work)
        outcome = {leg.use_case: DEGRADES if fallback else
                   FAILS if caller_id in reaches[leg.use_case].sync else DELAYED for leg in leg_list}
        servers, unit, work, held_note = _held_by(cm, m, caps)
        if held_note:
            notes.append(held_note)
        dep = DependencyTimeout(caller_id, callee_id, leg_list, timeout, source, retries, backoff, breaker,
                                layers, servers, [], outcome, fallback, notes, unit)
        with_backoff = backoff if backoff is not Backoff.none else Backoff.exponential_jitter
        dep.rows = [
            _row(_policy_name(retries, backoff, breaker), dep, retries, backoff, breaker, work, ceiling),
            _row("no backoff, no breaker", dep, retries, Backoff.none, False, work, ceiling),
            _row(f"backoff ({with_backoff.value}), no breaker", dep, retries, with_backoff, False,
                 work, ceiling),
            _row("breaker", dep, retries, backoff, True, work, ceiling),
        ]
        out.append(dep)
    return out


def failure_cases(model: CapacityModel, m: float = 1.0,
                  capacity: CapacityTable | None = None) -> FailureReport:
    """Replica loss, zone loss and dependency timeouts for a design at load multiplier m.
    `capacity` is the per-node table the model was built with (a balancer's connections)."""
    zones = zone_lost(model, m)
    return FailureReport(m, model.ceiling(), replica_lost(model, m), zones, zone_outcomes(model, zones),
                         dependency_timeout(model, m, capacity or model.capacity))

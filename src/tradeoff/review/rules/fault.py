"""FAULT: deep dive on fault tolerance. What happens when a node, a zone or a downstream fails;
circuit breakers, bulkheads and retries with backoff; graceful degradation. And the structure
that decides it: single points of failure, zones and regions against the availability target,
timeouts, fallbacks and breakers on calls to third parties, retries that amplify."""

from __future__ import annotations

from tradeoff.model.design import Backoff, CacheLayer, ComponentKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_NODE = "Deep dive, fault tolerance: single node failure, what happens?"
P_AZ = "Deep dive, fault tolerance: AZ failure, what happens?"
P_TIMEOUT = "Deep dive, fault tolerance: downstream timeout, what happens?"
P_PATTERNS = "Deep dive, fault tolerance: circuit breakers, bulkheads, retries with backoff"
P_DEGRADE = "Deep dive, fault tolerance: graceful degradation"
P_EXTERNAL = "Phase 3: show external dependencies (third-party APIs, CDNs, DNS)"

#: kinds that are not ours to replicate (the client, managed DNS and CDN networks, third parties)
NOT_OURS = frozenset({ComponentKind.client, ComponentKind.dns, ComponentKind.cdn, ComponentKind.external})
#: a retry at this many layers of one path multiplies into a storm
GOOD_BACKOFF = (Backoff.exponential, Backoff.exponential_jitter)


def _dive(ctx):
    return ctx.dd.fault_tolerance if ctx.dd else None


def _text(value) -> bool:
    return bool(value and str(value).strip())


def _res(c):
    return c.resilience if c is not None else None


def _ours(c) -> bool:
    """A serving or stateful component the design runs itself (an in-process or client cache lives
    and dies with its host)."""
    if c.kind in NOT_OURS:
        return False
    return not (c.kind is ComponentKind.cache and c.cache_layer in (CacheLayer.local, CacheLayer.client))


def _must_of(ctx, c) -> list[str]:
    must = {u.id for u in ctx.must}
    return sorted(ctx.use_cases_of(c.id) & must)


def _any_res(ctx, pred) -> bool:
    return any(c.resilience is not None and pred(c.resilience) for c in ctx.components)


def _availability(ctx):
    return ctx.facts.get("availability")


# --- presence: the five sub-items of the dive ---------------------------------------------

presence("FAULT-001", "Node failure not addressed", section=_dive, field="node_failure",
         label="node failure handling", severity="warning", playbook=P_NODE,
         why="Nodes die every day at scale; the answer (replicas, failover time, what clients see meanwhile) "
             "is the first thing that shows whether the design has single points of failure.",
         fix="State fault_tolerance.node_failure per tier: stateless replacement, replica failover and its "
             "duration, what requests see during it.",
         bad="fault_tolerance: {az_failure: ...}",
         good="fault_tolerance:\n  node_failure: pods replaced in < 1 min; a Redis primary fails over in ~15 s")

presence("FAULT-002", "Zone failure not addressed", section=_dive, field="az_failure",
         label="zone (AZ) failure handling", severity="warning", playbook=P_AZ,
         why="Losing a zone removes a third (or half) of every tier at once; surviving it needs placement "
             "across zones and enough headroom in the rest to carry peak.",
         fix="State fault_tolerance.az_failure: how replicas are spread, and the utilisation of the surviving "
             "zones at peak.",
         bad="fault_tolerance: {node_failure: ...}",
         good="fault_tolerance:\n  az_failure: 3 AZs, sized so 2 carry peak (36% -> 54%)")

presence("FAULT-003", "Downstream timeout not addressed", section=_dive, field="downstream_timeout",
         label="downstream timeout handling", severity="warning", playbook=P_TIMEOUT,
         why="A slow dependency is worse than a dead one: without timeouts its latency fills every thread "
             "upstream and one slow store takes the whole path down.",
         fix="State fault_tolerance.downstream_timeout: the timeout per dependency and what the caller does "
             "when it fires (fall back, fail fast, serve stale).",
         bad="fault_tolerance: {node_failure: ...}",
         good="fault_tolerance:\n  downstream_timeout: Redis 5 ms then the store; store 30 ms, one retry")

presence("FAULT-004", "Circuit breakers not addressed", section=_dive, field="circuit_breakers",
         label="circuit breakers", severity="warning", playbook=P_PATTERNS,
         satisfied=lambda ctx, sec: _text(sec.circuit_breakers) or _any_res(ctx, lambda r: r.circuit_breaker is True),
         why="A breaker stops calling a failing dependency so that callers fail fast and the dependency can "
             "recover instead of drowning in retries.",
         fix="State fault_tolerance.circuit_breakers (per dependency: when they open, what callers do meanwhile), "
             "or set resilience.circuit_breaker on the callers.",
         bad="fault_tolerance: {node_failure: ...}",
         good="fault_tolerance:\n  circuit_breakers: per dependency, open at 50% errors over 10 s")

presence("FAULT-005", "Bulkheads not addressed", section=_dive, field="bulkheads", label="bulkheads",
         severity="info", playbook=P_PATTERNS,
         satisfied=lambda ctx, sec: _text(sec.bulkheads) or _any_res(ctx, lambda r: r.bulkhead is True),
         why="Separate pools per dependency (or per workload) keep one slow dependency or one noisy tenant "
             "from exhausting the threads everything else needs.",
         fix="State fault_tolerance.bulkheads (separate pools, deployments or cells), or set resilience.bulkhead.",
         bad="fault_tolerance: {circuit_breakers: ...}",
         good="fault_tolerance:\n  bulkheads: one connection pool per dependency; redirects deployed apart from the API")

presence("FAULT-006", "Retries with backoff not addressed", section=_dive, field="retries_with_backoff",
         label="retries with backoff", severity="warning", playbook=P_PATTERNS,
         satisfied=lambda ctx, sec: _text(sec.retries_with_backoff) or _any_res(
             ctx, lambda r: bool(r.retries) and r.backoff in GOOD_BACKOFF),
         why="Retries turn transient errors into successes, and immediate retries turn an overload into a "
             "storm; how many, with what backoff and under what budget is the difference.",
         fix="State fault_tolerance.retries_with_backoff: attempts, exponential backoff with jitter, a retry "
             "budget; which operations are safe to retry.",
         bad="fault_tolerance: {node_failure: ...}",
         good="fault_tolerance:\n  retries_with_backoff: at most 2, exponential with full jitter, 10% budget")

presence("FAULT-007", "Graceful degradation not addressed", section=_dive, field="graceful_degradation",
         label="graceful degradation", severity="warning", playbook=P_DEGRADE,
         satisfied=lambda ctx, sec: _text(sec.graceful_degradation) or _any_res(ctx, lambda r: _text(r.fallback)),
         why="Under partial failure a system should shed its least important features first and keep the "
             "core working; deciding the order in advance is what makes it graceful.",
         fix="State fault_tolerance.graceful_degradation: the order of sacrifice, and what each fallback serves.",
         bad="fault_tolerance: {node_failure: ...}",
         good="fault_tolerance:\n  graceful_degradation: drop stats, then click capture; redirects last")


# --- structure ----------------------------------------------------------------------------

@rule("FAULT-008", "Single point of failure", severity="error", playbook=P_NODE,
      why="One node on the path of a must-have use case means one crash, deploy or host failure takes the "
          "use case down; no retry or breaker upstream can route around it.",
      fix="Run at least two replicas (three for a quorum) behind a balancer or with failover, and set replicas.",
      bad="- {id: db, kind: data_store, replicas: 1}  # on the checkout path",
      good="- {id: db, kind: data_store, replicas: 3, zones: 3}",
      false_positives="A managed service whose copies the provider runs: state them in replicas (e.g. 3). "
                      "Replicas left unstated are reported as a warning once deep dives start (info before).")
def single_point_of_failure(ctx):
    for c in ctx.components:
        if not _ours(c) or c.replicas != 1:
            continue
        must = _must_of(ctx, c)
        if not must:
            continue
        if "replicas" in c.model_fields_set:
            yield Hit(c, f"{c.id} has one replica on the path of must-have {', '.join(must)}: losing that node "
                         "takes it down")
        else:  # unstated: a sketch may leave replicas for later; once deep dives start it is a gap
            yield Hit(c, f"{c.id} states no replicas (one node assumed) on the path of must-have "
                         f"{', '.join(must)}", severity="warning" if ctx.deep_dives_started else "info")


@rule("FAULT-009", "All replicas in one zone under a multi-zone availability target", severity="error",
      playbook=P_AZ,
      why="A zone has outages of hours a year; at or above the multi-zone availability target a tier in one "
          "zone cannot meet the target however many replicas it runs.",
      fix="Spread the tier over at least two zones (three for quorum stores) and set zones.",
      bad="availability: {target: 99.95%}\n- {id: api, kind: service, replicas: 6, zones: 1}",
      good="- {id: api, kind: service, replicas: 6, zones: 3}")
def single_zone(ctx):
    avail = _availability(ctx)
    th = ctx.threshold("availability_multi_zone")
    if avail is None or avail < th:
        return
    target = f"the {ctx.fmt('availability_multi_zone', avail)} target (at or above {ctx.fmt('availability_multi_zone')})"
    for c in ctx.components:
        if not _ours(c) or c.replicas < 2 or not _must_of(ctx, c):
            continue
        if c.zones == 1:
            yield Hit(c, f"{c.id}: all {c.replicas} replicas in one zone, under {target}")
        elif c.zones is None:
            yield Hit(c, f"{c.id}: zones not stated for {c.replicas} replicas, under {target}",
                      severity="warning" if ctx.deep_dives_started else "info")


@rule("FAULT-010", "One region above the multi-region availability target", severity="warning", playbook=P_AZ,
      why="Multi-zone deployments in one region are sold at the multi-region threshold; a target above it "
          "must survive a regional outage, which one region cannot.",
      fix="Serve from a second region (active-active or warm standby with DNS failover) and set regions, or "
          "lower the target.",
      bad="availability: {target: 99.999%}  # every component in one region",
      good="components: [{id: api, kind: service, regions: 2}, ...]")
def single_region(ctx):
    avail = _availability(ctx)
    th = ctx.threshold("availability_multi_region")
    if avail is None or avail <= th or not ctx.components:
        return
    if any(c.regions and c.regions > 1 for c in ctx.components):
        return
    yield Hit(ctx.nf.availability, f"availability target {ctx.fmt('availability_multi_region', avail)} is above "
                                   f"{ctx.fmt('availability_multi_region')} but no component spans more than one region")


def _sync_external(ctx):
    for x in (ctx.arch.external_calls if ctx.arch else []):
        if x.sync:
            yield x, _res(ctx.component(x.caller))


@rule("FAULT-011", "Synchronous external call without a timeout", severity="warning", playbook=P_TIMEOUT,
      why="A third party's latency is outside our control; without a timeout its slow day holds every "
          "caller thread and the outage becomes ours.",
      fix="Give the call a timeout (or the caller a resilience.timeout) within the path's latency budget.",
      bad="- {id: pay, caller: checkout, external: psp, sync: true}",
      good="- {id: pay, caller: checkout, external: psp, sync: true, timeout: 2 s}")
def external_no_timeout(ctx):
    for x, r in _sync_external(ctx):
        if x.timeout is None and (r is None or r.timeout is None):
            yield Hit(x, f"{x.caller} calls {x.external} synchronously ('{x.id}') with no timeout")


@rule("FAULT-012", "Synchronous external call without a fallback", severity="warning", playbook=P_DEGRADE,
      why="When the third party is down the caller needs an answer other than an error: a cached value, a "
          "degraded response, or deferring the work.",
      fix="State the call's fallback (or the caller's resilience.fallback): what the user gets while the "
          "dependency is down.",
      bad="- {id: geo, caller: api, external: maps, sync: true}",
      good="- {id: geo, caller: api, external: maps, sync: true, fallback: last known location}")
def external_no_fallback(ctx):
    for x, r in _sync_external(ctx):
        if not _text(x.fallback) and (r is None or not _text(r.fallback)):
            yield Hit(x, f"{x.caller} calls {x.external} synchronously ('{x.id}') with no fallback when it fails")


@rule("FAULT-013", "Synchronous external call without a circuit breaker", severity="warning", playbook=P_PATTERNS,
      why="Without a breaker every request keeps paying the timeout of a dependency that is already down, "
          "and the retries slow its recovery.",
      fix="Set resilience.circuit_breaker: true on the caller (and say when it opens and what it serves).",
      bad="- {id: shortener, kind: service}  # calls an external API synchronously",
      good="- {id: shortener, kind: service, resilience: {timeout: 150 ms, circuit_breaker: true}}")
def external_no_breaker(ctx):
    for x, r in _sync_external(ctx):
        if r is None or r.circuit_breaker is not True:
            yield Hit(x, f"{x.caller} calls {x.external} synchronously ('{x.id}') with no circuit breaker")


def _retrying(ctx):
    for c in ctx.components:
        r = c.resilience
        if r is not None and r.retries:
            yield c, r


@rule("FAULT-014", "Retries without backoff", severity="warning", playbook=P_PATTERNS,
      why="Immediate or fixed-interval retries from many clients arrive in lockstep: a dependency that "
          "slowed down gets its load multiplied just when it can least take it (a retry storm).",
      fix="Use exponential backoff with jitter (backoff: exponential_jitter) and a retry budget.",
      bad="resilience: {retries: 3}", good="resilience: {retries: 3, backoff: exponential_jitter, timeout: 100 ms}")
def retries_without_backoff(ctx):
    for c, r in _retrying(ctx):
        if r.backoff not in GOOD_BACKOFF:
            how = "no backoff" if r.backoff in (None, Backoff.none) else "a fixed backoff"
            yield Hit(r, f"{c.id} retries {r.retries} time(s) with {how}: retries arrive in lockstep (retry storm)")


@rule("FAULT-015", "Retries without a timeout", severity="warning", playbook=P_TIMEOUT,
      why="A retry fires when an attempt fails; without a timeout a hung attempt never fails, so the retry "
          "never happens and the caller waits on it forever.",
      fix="Set resilience.timeout so each attempt is bounded, and the retries fit the latency budget.",
      bad="resilience: {retries: 2, backoff: exponential_jitter}",
      good="resilience: {retries: 2, backoff: exponential_jitter, timeout: 100 ms}")
def retries_without_timeout(ctx):
    for c, r in _retrying(ctx):
        if r.timeout is None:
            yield Hit(r, f"{c.id} retries {r.retries} time(s) but has no timeout: a hung call is never retried")


@rule("FAULT-016", "Retries at every layer of a path", severity="warning", playbook=P_PATTERNS,
      why="Retries multiply down a call chain: three layers retrying twice each turn one failure at the "
          "bottom into 27 attempts, so a brief blip becomes an overload.",
      fix="Retry at one layer (usually the one nearest the failure) and make the others fail fast, or cap "
          "them with a shared retry budget.",
      bad="hops: [gw, api, svc, db]  # gw, api and svc each retry 2 times",
      good="hops: [gw, api, svc, db]  # only svc retries; gw and api have retries: 0")
def retry_amplification(ctx):
    for _, f in ctx.flows():
        layers, seen = [], set()
        for h in f.hops:
            c = ctx.component(h.component)
            r = _res(c)
            if r is not None and r.retries and c.id not in seen:
                seen.add(c.id)
                layers.append((c.id, r.retries))
        if len(layers) >= ctx.threshold("retry_layers"):
            attempts = 1
            for _, n in layers:
                attempts *= n + 1
            yield Hit(f, f"flow '{f.id}': {', '.join(f'{cid} ({n})' for cid, n in layers)} all retry; one failure "
                         f"at the bottom can become {attempts} attempts")


@rule("FAULT-017", "More zones than replicas", severity="error", playbook=P_AZ,
      why="Each zone needs at least one replica to be 'in' it; more zones than replicas is a miscount, and "
          "the zone-failure story built on it does not hold.",
      fix="Raise replicas to at least the number of zones (usually a multiple of it), or correct zones.",
      bad="- {id: api, kind: service, replicas: 2, zones: 3}", good="- {id: api, kind: service, replicas: 3, zones: 3}")
def zones_above_replicas(ctx):
    for c in ctx.components:
        if c.zones is not None and c.zones > c.replicas:
            yield Hit(c, f"{c.id} spans {c.zones} zones with only {c.replicas} replica(s)")


@rule("FAULT-018", "No fault-tolerance deep dive", severity="warning", playbook=P_NODE,
      why="At or above the multi-zone availability target, surviving node, zone and dependency failures is "
          "what the target is about; below it the dive may simply not have come up yet.",
      fix="Add deep_dives.fault_tolerance: node failure, AZ failure, downstream timeouts, breakers/bulkheads/"
          "retries, graceful degradation.",
      bad="availability: {target: 99.99%}\ndeep_dives: {caching: {...}}",
      good="deep_dives:\n  fault_tolerance: {node_failure: ..., az_failure: ..., ...}")
def no_fault_dive(ctx):
    if not ctx.deep_dives_started or _dive(ctx) is not None:
        return
    avail = _availability(ctx)
    th = ctx.threshold("availability_multi_zone")
    if avail is not None and avail >= th:
        yield Hit(ctx.dd, f"availability target {ctx.fmt('availability_multi_zone', avail)} (at or above "
                          f"{ctx.fmt('availability_multi_zone')}) and no fault-tolerance deep dive")
    else:
        yield Hit(ctx.dd, "no fault-tolerance deep dive", severity="info")


# --- from the capacity model's failure cases (#6) ------------------------------------------------

@rule("FAULT-019", "A dependency outage exhausts its caller", severity="warning", playbook=P_TIMEOUT,
      why="When a dependency stops answering, every call to it holds a worker (or a balancer's connection) "
          "for the whole timeout, once per attempt, plus the backoff waits. By Little's law the caller then "
          "needs rate x hold time servers; past its capacity it stops answering too, and the outage climbs the "
          "path. Short timeouts, few retries and a circuit breaker keep the hold time near zero.",
      fix="Give the caller a timeout near the dependency's p99, retry at one layer only, and put a circuit "
          "breaker on the call (resilience: {timeout, retries, circuit_breaker: true}); add a fallback.",
      bad="- {id: lb, kind: load_balancer}  # no timeout: a hung service holds 30 s per request",
      good="- {id: lb, kind: load_balancer, resilience: {timeout: 1 s}}",
      false_positives="A call with no timeout is taken to wait 30 s, a common client-side default; state the "
                      "real timeout. Behind a queue the outcome is a growing backlog, reported as info.")
def dependency_outage_cascades(ctx):
    fr = ctx.scale.failures
    for d in (fr.dependency_timeout if fr else []):
        row = d.design
        if row.verdict != "cascade":
            continue
        failing = sorted(uc for uc, how in d.outcome.items() if how == "fails")
        c = ctx.component(d.caller)
        msg = (f"if {d.callee} stops answering, {d.caller} is {row.total:.0%} busy holding calls "
               f"({row.policy}): {row.arithmetic}")
        if failing:
            yield Hit(c, msg + f"; {', '.join(failing)} fail")
        else:
            yield Hit(c, msg + "; only work behind a queue is delayed", severity="info")


@rule("FAULT-020", "Losing one replica at peak overloads the rest", severity="warning", playbook=P_NODE,
      why="Nodes fail, and deploys take one out at a time: the survivors take the lost node's share. If that "
          "pushes them past their capacity at today's peak, a routine restart becomes an outage (N+1 sizing).",
      fix="Add a replica (size for peak with one node out), or shed load when a node is lost.",
      bad="- {id: api, kind: service, replicas: 2}  # 60% busy each: 120% on the survivor",
      good="- {id: api, kind: service, replicas: 3}  # 40% each: 60% with one lost")
def replica_loss_overloads(ctx):
    fr = ctx.scale.failures
    for x in (fr.replica_lost if fr else []):
        if x.verdict == "saturates":
            yield Hit(ctx.component(x.component), f"{x.component}: one replica lost at today's peak - {x.arithmetic}")


@rule("FAULT-021", "Losing a zone at peak overloads the rest", severity="warning", playbook=P_AZ,
      why="A zone outage removes every replica in it at once; the other zones must carry the whole peak. "
          "Spread over n zones, each needs n/(n-1) of its share of headroom, or the zone failure the design "
          "claims to survive overloads what is left.",
      fix="Add replicas so that peak load over the surviving zones stays under capacity, or spread over more zones.",
      bad="- {id: db, replicas: 4, zones: 2}  # 60% busy: 120% with a zone lost",
      good="- {id: db, replicas: 6, zones: 3}  # 40%: 60% with a zone lost")
def zone_loss_overloads(ctx):
    fr = ctx.scale.failures
    for x in (fr.zone_lost if fr else []):
        if x.verdict == "saturates":
            yield Hit(ctx.component(x.component), f"{x.component}: one zone lost at today's peak - {x.arithmetic}")

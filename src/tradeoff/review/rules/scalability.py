"""SCALE: Phase 4, scalability bottlenecks. What breaks at 10x and 100x, each component walked
for compute, storage and network, the hardest thing to scale; and the first-order capacity
model that says what is already saturated at today's peak.

The capacity model (documented once here, quoted in the rules' why):

* per-replica throughput: the component's `capacity.max_qps_per_replica`; else its stated
  `capacity.concurrency / capacity.service_time` (either may come from the knowledge base
  when the other is stated); else the knowledge base's per-node reads, writes or operations
  per second (knowledge/capacity.yaml);
* reads spread over all replicas; writes to a single-leader store (relational, document,
  graph) go to one primary per shard (`shards`, default 1); every other component spreads
  writes over all replicas too;
* utilisation = reads / read capacity + writes / write capacity, at today's peak, with the
  load of the capacity model (tradeoff.capacity), which the rules read through
  `ctx.capacity_model` and `ctx.scale`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tradeoff.model import quantity as q
from tradeoff.model.design import (
    STATEFUL_KINDS, CacheLayer, Component, ComponentKind, Flow, StorageKind,
)
from tradeoff.review.context import EDGE_CACHE_KINDS
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_BREAKS = "Scalability bottlenecks: what breaks at 10x? At 100x?"
P_WALK = "Scalability bottlenecks: walk each component - compute, storage, network"
P_HARDEST = "Scalability bottlenecks: the hardest thing to scale?"

MODEL = ("Capacity model: per-replica throughput is capacity.max_qps_per_replica, else the stated "
         "concurrency / service_time, else the knowledge base's per-node figures; reads spread over all "
         "replicas, while a single-leader store (relational, document, graph) takes its writes on one primary "
         "per shard; utilisation = reads / read capacity + writes / write capacity at today's peak.")

#: kinds whose time is not server time on a path (the client's own network, name resolution, third parties)
_OFF_CLOCK = frozenset({ComponentKind.client, ComponentKind.dns, ComponentKind.external})
#: kinds that start an asynchronous leg rather than a request someone waits for
_ASYNC_START = frozenset({ComponentKind.worker, ComponentKind.scheduler, ComponentKind.queue,
                          ComponentKind.event_stream})
#: kinds that carry a use case's whole response (the entry tier and the services)
_CARRIERS = frozenset({ComponentKind.load_balancer, ComponentKind.api_gateway, ComponentKind.service_mesh,
                       ComponentKind.realtime_gateway, ComponentKind.service})


def _dive(ctx):
    return ctx.dd.scalability if ctx.dd else None


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _ms(seconds: float) -> str:
    return q.fmt_seconds(seconds)


# --- the capacity model ---------------------------------------------------------------------

@dataclass
class Utilisation:
    value: float
    detail: str


def utilisation(ctx, c: Component) -> Utilisation | None:
    """How busy a component's busiest node is at today's peak (the capacity model's compute
    resource), or None if its load or capacity is unknown."""
    cm = ctx.capacity_model.components.get(c.id)
    compute = next((r for r in cm.resources if r.name == "compute"), None) if cm else None
    if compute is None:
        return None
    return Utilisation(compute.utilisation, compute.detail)


# --- paths and latency -------------------------------------------------------------------------

def hop_fractions(ctx, f: Flow) -> Iterator[tuple[Component, float]]:
    """Each known component on a flow with the share of the flow's requests that reach it:
    hop `calls` multiply, a cache or CDN with a hit ratio passes on only its misses."""
    m = 1.0
    for h in f.hops:
        c = ctx.component(h.component)
        m *= h.calls
        if c is None:
            continue
        yield c, m
        if c.kind in EDGE_CACHE_KINDS and c.hit_ratio is not None:
            m *= 1 - c.hit_ratio


def service_time(ctx, c: Component) -> float | None:
    st = c.capacity.service_time if c.capacity and c.capacity.service_time else None
    if st is None:
        node = ctx.node_capacity(c)
        st = node.service_time if node else None
    return st.seconds() if st is not None else None


def request_flows(ctx, use_case: str) -> list[Flow]:
    """The flows of a use case that someone waits on: not the asynchronous legs that start
    at a worker, scheduler, queue or stream."""
    out = []
    for _, f in ctx.flows():
        if f.use_case != use_case:
            continue
        first = ctx.component(f.hops[0].component)
        if first is not None and first.kind in _ASYNC_START:
            continue
        out.append(f)
    return out


def path_mean(ctx, f: Flow, share: float) -> tuple[float, list[str], int]:
    """The mean server time of the hops that more than `share` of requests reach: the sum of
    mean service times plus one hop_latency per network hop after the first server-side hop
    (an in-process cache is no network hop). Returns (seconds, terms, network hops)."""
    hop = ctx.threshold("hop_latency") / 1000
    total, terms, net, started = 0.0, [], 0, False
    for c, frac in hop_fractions(ctx, f):
        if frac <= share + 1e-9:
            break
        if c.kind in _OFF_CLOCK:
            continue
        in_process = c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local
        if started and not in_process:
            net += 1
        started = True
        st = service_time(ctx, c)
        if st:
            total += st
            terms.append(f"{c.id} {_ms(st)}")
    total += net * hop
    if net:
        terms.append(f"{net} network hop(s) x {_ms(hop)}")
    return total, terms, net


def _latency_hits(ctx, pct: str, share: float) -> Iterator[Hit]:
    for t in (ctx.nf.latency if ctx.nf else []):
        target = getattr(t, pct)
        if target is None or t.use_case is None:
            continue
        worst = None
        for f in request_flows(ctx, t.use_case):
            mean, terms, _ = path_mean(ctx, f, share)
            if worst is None or mean > worst[0]:
                worst = (mean, terms, f)
        if worst is None or worst[0] <= target.seconds():
            continue
        mean, terms, f = worst
        name = t.id or t.use_case
        yield Hit(t, f"{name}: the {pct} target ({_ms(target.seconds())}) is below the mean server time of "
                     f"path '{f.id}' alone, {_ms(mean)} ({' + '.join(terms)})")


# --- topic and sub-items ------------------------------------------------------------------------

@rule("SCALE-001", "No scalability deep dive", severity="info", playbook=P_BREAKS,
      why="The scalability dive is where a design shows it knows its own limits: which component gives first "
          "as traffic grows, and what it costs to push that limit out.",
      fix="Add deep_dives.scalability: what breaks at 10x and 100x, a walk of the busiest components "
          "(compute, storage, network) and the hardest thing to scale.",
      bad="deep_dives:\n  caching: {policy: aside}",
      good="deep_dives:\n  scalability:\n    at_10x: the primary's writes\n    hardest: hot keys")
def no_dive(ctx):
    if ctx.arch is not None and _dive(ctx) is None:
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch, "no scalability deep dive (deep_dives.scalability)")


presence("SCALE-002", "What breaks at 10x not stated", section=_dive, field="at_10x", label="what breaks at 10x",
         severity="warning", playbook=P_BREAKS,
         why="10x is a few years of growth: naming what breaks first shows which limit the design will hit and "
             "whether the fix is adding nodes or redesigning.",
         fix="State scalability.at_10x: the first component to saturate at ten times today's peak and the fix.",
         bad="scalability: {hardest: hot keys}",
         good="scalability: {at_10x: 'the single Postgres primary: 35K writes/s; shard by user_id'}")

presence("SCALE-003", "What breaks at 100x not stated", section=_dive, field="at_100x", label="what breaks at 100x",
         severity="warning", playbook=P_BREAKS,
         why="At 100x the shape of the design usually changes (regions, cells, a different store); saying so "
             "separates a design that scales by adding nodes from one that must be rebuilt.",
         fix="State scalability.at_100x: what the architecture becomes at a hundred times today's peak.",
         bad="scalability: {at_10x: more shards}",
         good="scalability: {at_10x: more shards, at_100x: per-region cells with their own stores}")

presence("SCALE-004", "Components not walked", section=_dive, field="walk",
         label="the walk of each component (compute, storage, network)", severity="warning", playbook=P_WALK,
         why="Walking the components one by one is how a bottleneck is found rather than guessed: each one runs "
             "out of CPU, disk or network at a different multiple of today's load.",
         fix="Add scalability.walk entries for the busiest components, each with compute, storage and network.",
         bad="scalability: {at_10x: more shards}",
         good="scalability:\n  walk:\n    - {component: db, compute: 40% CPU, storage: 2 TB of 10, network: 1 Gbps}")

presence("SCALE-005", "Hardest thing to scale not named", section=_dive, field="hardest",
         label="the hardest thing to scale", severity="warning", playbook=P_HARDEST,
         why="Naming the hardest thing to scale shows judgement: it is where the next design review, and the "
             "next incident, will be.",
         fix="State scalability.hardest: the one limit that does not go away by adding nodes, and why.",
         bad="scalability: {at_10x: more pods}",
         good="scalability: {hardest: 'hot keys: one viral code concentrates on one cache shard'}")


@rule("SCALE-006", "Walk entry without compute, storage or network", severity="info", playbook=P_WALK,
      why="Each resource runs out at a different point: a cache is memory-bound, a gateway network-bound, a "
          "store disk-bound. A walk entry that skips one can miss the resource that gives first.",
      fix="Give each walk entry compute, storage and network (say 'stateless' or 'managed' where that is the answer).",
      bad="walk: [{component: cache, compute: 40K ops/s}]",
      good="walk: [{component: cache, compute: 40K ops/s, storage: 60 GB of 64, network: 2 Gbps}]")
def walk_entry_incomplete(ctx):
    dive = _dive(ctx)
    for w in (dive.walk if dive else []):
        missing = [n for n in ("compute", "storage", "network") if not (getattr(w, n) or "").strip()]
        if missing:
            yield Hit(w, f"walk of {w.component}: {', '.join(missing)} not stated")


# --- numbers ----------------------------------------------------------------------------------------

@rule("SCALE-007", "Component saturated at today's peak", severity="error", playbook=P_WALK,
      why="A component asked for more than its replicas can serve queues without bound: latency climbs until "
          "timeouts turn into errors, at today's peak, before any growth. " + MODEL,
      fix="Add replicas (or shards for a single-leader store's writes), put a cache in front of the reads, or "
          "state the real per-replica capacity (capacity.max_qps_per_replica) if the default is wrong.",
      bad="components: [{id: api, kind: service, replicas: 2}]  # 10K req/s at peak, 1.6K/s per replica",
      good="components: [{id: api, kind: service, replicas: 10, capacity: {max_qps_per_replica: 2K}}]",
      false_positives="Managed services whose replicas are not nodes (DynamoDB, S3, SQS): state their "
                      "capacity.max_qps_per_replica for the unit you count.")
def saturated(ctx):
    for c in ctx.components:
        u = utilisation(ctx, c)
        if u is not None and u.value >= 1:
            yield Hit(c, f"{c.id}: {_pct(u.value)} busy at today's peak - {u.detail}")


@rule("SCALE-008", "Component above the utilisation ceiling", severity="warning", playbook=P_WALK,
      why="Queueing delay grows as 1/(1 - utilisation): past the ceiling a burst or the loss of one replica "
          "pushes the rest into saturation. " + MODEL,
      fix="Size the component for its peak at or below the max_utilisation threshold: more replicas, shards "
          "for writes, or a cache in front.",
      bad="components: [{id: api, kind: service, replicas: 4}]  # 5K req/s at peak over 4 x 1.6K/s = 78%",
      good="components: [{id: api, kind: service, replicas: 6}]  # 52%")
def above_ceiling(ctx):
    ceiling = ctx.threshold("max_utilisation")
    for c in ctx.components:
        u = utilisation(ctx, c)
        if u is not None and ceiling <= u.value < 1:
            yield Hit(c, f"{c.id}: {_pct(u.value)} busy at today's peak, above the {ctx.fmt('max_utilisation')} "
                         f"ceiling - {u.detail}")


@rule("SCALE-009", "p99 latency target unreachable", severity="error", playbook=P_WALK,
      why="The mean service times of the hops a request crosses, plus a network round trip per hop, are a floor "
          "under every percentile: if the mean alone is above the p99 target, no tuning meets it. A cache or CDN "
          "with a hit ratio of 99% or more ends the path the 99th percentile request takes.",
      fix="Shorten the path (drop a hop, serve from a cache closer to the client), cut the slowest hop's service "
          "time, or revisit the target with the interviewer.",
      bad="latency: [{use_case: feed, p99: 10 ms}]  # path lb -> feed-svc (25 ms) -> db",
      good="latency: [{use_case: feed, p99: 300 ms}]")
def p99_unreachable(ctx):
    yield from _latency_hits(ctx, "p99", 0.01)


@rule("SCALE-010", "p50 latency target unreachable", severity="warning", playbook=P_WALK,
      why="The median request crosses every hop that at least half of the requests reach (a cache with a hit "
          "ratio of 50% or more ends it); when the sum of their mean service times and network hops is above the "
          "p50 target, the typical request misses it.",
      fix="Cut the slowest hop on the median path (often a cache hit ratio too low to end it), or revisit the target.",
      bad="latency: [{use_case: feed, p50: 5 ms}]  # feed-svc alone is 25 ms",
      good="latency: [{use_case: feed, p50: 60 ms}]")
def p50_unreachable(ctx):
    yield from _latency_hits(ctx, "p50", 0.5)


def _stateful_loaded(ctx) -> list[tuple[Component, Utilisation]]:
    out = []
    for c in ctx.components:
        if c.kind in STATEFUL_KINDS:
            u = utilisation(ctx, c)
            if u is not None:
                out.append((c, u))
    return out


@rule("SCALE-011", "Walk skips the busiest stateful component", severity="warning", playbook=P_HARDEST,
      why="Stateless tiers scale by adding pods; state does not. The busiest store, cache, queue or stream is the "
          "likeliest answer to 'what breaks at 10x', and a walk that leaves it out has not looked there. " + MODEL,
      fix="Add the component to scalability.walk with its compute, storage and network at today's peak and at 10x.",
      bad="walk: [{component: api}]  # while db is 30% busy today",
      good="walk: [{component: api}, {component: db, compute: 30% busy, storage: 2 TB, network: low}]")
def walk_skips_busiest(ctx):
    dive = _dive(ctx)
    if dive is None or not dive.walk:
        return
    loaded = _stateful_loaded(ctx)
    if not loaded:
        return
    c, u = max(loaded, key=lambda x: x[1].value)
    walked = {w.component for w in dive.walk}
    if c.id not in walked and u.value * 10 >= 1:
        yield Hit(dive, f"the walk skips {c.id}, the busiest stateful component ({_pct(u.value)} busy at today's "
                        f"peak, so {_pct(10 * u.value)} at 10x)")


@rule("SCALE-012", "Walk leaves out stateful components", severity="info", playbook=P_WALK,
      why="Every component that keeps state (stores, caches, queues, streams) has a storage and a network "
          "limit as well as a compute one; the walk is where each is checked.",
      fix="Add a walk entry for each stateful component on the paths, or say in one line why it cannot matter.",
      bad="walk: [{component: api}]  # db, cache and queue carry load",
      good="walk: [{component: db}, {component: cache}, {component: queue}]")
def walk_leaves_out_state(ctx):
    dive = _dive(ctx)
    if dive is None or not dive.walk:
        return
    walked = {w.component for w in dive.walk}
    missing = [c.id for c in ctx.components
               if c.kind in STATEFUL_KINDS and c.id not in walked and c.id in ctx.load
               and ctx.load[c.id].total > 0 and not (c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local)]
    if missing:
        yield Hit(dive, f"the walk leaves out stateful components that carry load: {', '.join(missing)}")


def _nic(ctx, c: Component) -> float:
    if c.capacity and c.capacity.network_per_node:
        return c.capacity.network_per_node
    node = ctx.node_capacity(c)
    return node.network if node and node.network else ctx.threshold("node_nic")


@rule("SCALE-013", "Per-replica egress above one NIC", severity="error", playbook=P_WALK,
      why="Every byte of a response leaves through the balancer, the gateway and the service that builds it; "
          "divided over the replicas, that egress has to fit one network interface each, or responses queue "
          "in the kernel whatever the CPU says.",
      fix="Add replicas, shrink responses (pagination, compression), or move cacheable bytes to a CDN.",
      bad="traffic: [{use_case: feed, response_size: 2 MB}]  # 20K/s through 3 lb replicas",
      good="a CDN serves the media, the API returns 12 KB pages",
      false_positives="Egress is estimated from each use case's response_size at every balancer, gateway and "
                      "service on its path; a service deep in a chain returns less than the whole response.")
def egress_above_nic(ctx):
    for c in ctx.components:
        if c.kind not in _CARRIERS:
            continue
        per_uc: dict[str, float] = {}
        for _, f in ctx.flows():
            t = _traffic(ctx, f.use_case)
            rate = ctx.peak_qps(f.use_case)
            if t is None or t.response_size is None or rate is None:
                continue
            for comp, frac in hop_fractions(ctx, f):
                if comp.id == c.id:
                    per_uc[f.use_case] = max(per_uc.get(f.use_case, 0.0), rate * frac * t.response_size)
        egress = sum(per_uc.values())
        if not egress:
            continue
        each, nic = egress / c.replicas, _nic(ctx, c)
        if each > nic:
            yield Hit(c, f"{c.id}: {q.fmt_data_rate(each)} of egress per replica at peak "
                         f"({q.fmt_data_rate(egress)} over {c.replicas}), above one NIC ({q.fmt_data_rate(nic)})")


def _traffic(ctx, use_case: str | None):
    est = ctx.design.estimates
    return next((t for t in (est.traffic if est else []) if t.use_case == use_case), None) if use_case else None


def _connections(ctx) -> Iterator[tuple[Component, float, float]]:
    peak = ctx.est.value("users.peak_concurrent")
    gateways = [c for c in ctx.components if c.kind is ComponentKind.realtime_gateway]
    if not peak or not gateways:
        return
    each = peak / sum(g.replicas for g in gateways)
    for g in gateways:
        limit = g.capacity.connections_per_node if g.capacity and g.capacity.connections_per_node else None
        if limit is None:
            node = ctx.node_capacity(g)
            limit = node.connections if node else None
        if limit:
            yield g, each, limit


@rule("SCALE-014", "More connections per gateway than it holds", severity="error", playbook=P_WALK,
      why="A realtime gateway holds one socket per connected device, with memory and file descriptors for each; "
          "past its connection ceiling new devices cannot connect at all.",
      fix="Add gateway replicas so that peak concurrent connections / replicas stays under the per-node figure "
          "(capacity.connections_per_node), with headroom for a lost zone's reconnects.",
      bad="users: {peak_concurrent: 10M}\n...: [{id: ws, kind: realtime_gateway, replicas: 4}]",
      good="users: {peak_concurrent: 10M}\n...: [{id: ws, kind: realtime_gateway, replicas: 40}]")
def connections_over(ctx):
    for g, each, limit in _connections(ctx):
        if each > limit:
            yield Hit(g, f"{g.id}: {q.fmt_count(each)} connections per replica at peak "
                         f"({q.fmt_count(ctx.est.value('users.peak_concurrent'))} concurrent users), "
                         f"above its {q.fmt_count(limit)}")


@rule("SCALE-015", "Gateway connections above the utilisation ceiling", severity="warning", playbook=P_WALK,
      why="When a zone or a gateway is lost, its devices reconnect to the rest at once: gateways running near "
          "their connection ceiling turn one failure into a cascade.",
      fix="Keep peak connections per gateway replica at or below the max_utilisation threshold of its capacity.",
      bad="125M connections over 300 gateways of 500K (83%)", good="125M connections over 600 gateways of 500K (42%)")
def connections_high(ctx):
    ceiling = ctx.threshold("max_utilisation")
    for g, each, limit in _connections(ctx):
        if ceiling * limit <= each <= limit:
            yield Hit(g, f"{g.id}: {q.fmt_count(each)} connections per replica at peak is {_pct(each / limit)} of "
                         f"its {q.fmt_count(limit)}, above the {ctx.fmt('max_utilisation')} ceiling")


@rule("SCALE-016", "Data per node above the node's storage", severity="error", playbook=P_WALK,
      why="The data a store keeps over its retention, times its copies, has to fit on its nodes; past a node's "
          "disk the store cannot take the next write, and rebuilding a full node takes longest of all.",
      fix="Add nodes or shards, shorten the retention, or move cold data to an object store.",
      bad="storage: [{id: event, size: 1 KB, new_per_day: 1B, replication_factor: 3, store: db}]  # db replicas: 3",
      good="the same data over 150 nodes, or a 30-day retention",
      false_positives="Uses capacity.storage_per_node, else the knowledge base's per-node disk; a managed "
                      "key-value store (whose per-partition figure is not a machine) is skipped unless stated.")
def storage_per_node(ctx):
    for c in ctx.components:
        if c.kind is not ComponentKind.data_store:
            continue
        total = ctx.stored(c, "total_replicated")
        if not total:
            continue
        limit = c.capacity.storage_per_node if c.capacity and c.capacity.storage_per_node else None
        if limit is None and c.storage is not StorageKind.key_value:
            node = ctx.node_capacity(c)
            limit = node.storage if node else None
        if limit and total / c.replicas > limit:
            yield Hit(c, f"{c.id}: {q.fmt_bytes(total / c.replicas)} per node ({q.fmt_bytes(total)} with copies over "
                         f"{c.replicas} node(s)), above {q.fmt_bytes(limit)} per node")


# --- from the capacity sweep (#6) -------------------------------------------------------------------

_VENDOR = frozenset({"apache", "amazon", "aws", "google", "azure", "cloud", "managed", "open", "source"})


def _names(c: Component) -> list[str]:
    """How a text may refer to a component: its id, its name, its product (first real word of
    the technology, vendor prefixes dropped)."""
    import re

    out = [c.id.lower()]
    if c.name:
        out.append(c.name.lower())
    if c.technology:
        words = [w for w in re.findall(r"[a-z][a-z0-9]+", c.technology.lower()) if w not in _VENDOR and len(w) >= 4]
        if words:
            out.append(words[0])
    return out


def _mentions(text: str, c: Component) -> bool:
    low = text.lower()
    return any(n in low for n in _names(c))


@rule("SCALE-017", "What breaks at 10x leaves out the state that fills first", severity="warning",
      playbook=P_BREAKS,
      why="Stateless tiers grow by adding pods; stores, caches, queues and streams grow by re-sharding, "
          "rebalancing and migrating data, which takes weeks. The capacity model walks every component's compute, "
          "storage, network and connections at 10x; a 10x answer that names none of the stateful ones it finds "
          "full has missed the part of the growth that needs planning.",
      fix="Name in scalability.at_10x the stateful components `tradeoff scale` reports full by 10x, and what "
          "each needs (shards, nodes, a shorter retention).",
      bad="at_10x: add redirect pods  # while the rollup store's disks fill at 1.8x",
      good="at_10x: 'redirect pods 12 -> 63; the Cassandra rollup store fills its disks at 1.8x: 6 -> 47 nodes'",
      false_positives="Load and data are assumed to grow together; a store whose data does not grow with "
                      "traffic can state its real storage_per_node or be named anyway with that reason.")
def at_10x_misses_state(ctx):
    dive = _dive(ctx)
    text = dive.at_10x if dive else None
    if not text:
        return
    full = []
    for b in ctx.scale.breaks:
        if b.kind != "saturation" or b.multiplier > 10:
            continue
        c = ctx.component(b.component)
        if c is not None and c.kind in STATEFUL_KINDS and c not in [x for x, _ in full]:
            full.append((c, b))
    if full and not any(_mentions(text, c) for c, _ in full):
        from tradeoff.capacity.scale import fmt_x

        said = ", ".join(f"{c.id} ({b.resource} at {fmt_x(b.multiplier)})" for c, b in full[:4])
        yield Hit(dive, f"at_10x names none of the stateful components the capacity model finds full by 10x: {said}")


@rule("SCALE-018", "Latency target missed at today's peak", severity="error", playbook=P_WALK,
      why="Queueing adds to every hop: at today's utilisation each station's wait, and the network round trips, "
          "stack up along the path. The capacity model works out the flow's percentiles from its M/M/c stations "
          "(Erlang C waits, the service-time spread); a target below them is missed on an ordinary busy day.",
      fix="Cut the slowest hop's utilisation (more replicas shorten its queue), shorten the path, serve the "
          "read from a cache, or revisit the target.",
      bad="latency: [{use_case: feed, p99: 40 ms}]  # feed path p99 is 122 ms at today's peak",
      good="latency: [{use_case: feed, p99: 300 ms}]")
def target_missed_at_peak(ctx):
    from tradeoff.capacity.scale import PCT_NAMES

    point = next((p for p in ctx.scale.points if p.multiplier == 1), None)
    if point is None:
        return
    nf = ctx.nf
    for fp in point.flows:
        if fp.latency.saturated or not fp.missed:
            continue  # a saturated station is SCALE-007's finding
        target = next((t for t in (nf.latency if nf else []) if t.use_case == fp.latency.use_case), None)
        for p in fp.missed:
            yield Hit(target or fp.flow, f"{fp.flow.id}: {PCT_NAMES[p]} at today's peak is "
                                         f"{_ms(fp.latency.p(p))} against a {_ms(fp.targets[p])} target "
                                         f"(mean {_ms(fp.latency.mean)})")

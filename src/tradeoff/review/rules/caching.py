"""CACHE: deep dive, caching strategy. Which layers benefit, the policy (aside, through, behind),
invalidation (TTL, event, version) and thundering herds; and the numbers that make a cache
necessary (reads at peak, the 80/20 working set, egress)."""

from __future__ import annotations

from tradeoff.model.design import CacheLayer, ComponentKind
from tradeoff.review.context import EDGE_CACHE_KINDS
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_LAYERS = "Deep dive, caching strategy: which layer(s) benefit?"
P_POLICY = "Deep dive, caching strategy: policy - aside / through / behind"
P_INVALIDATION = "Deep dive, caching strategy: invalidation - TTL / event / version"
P_HERD = "Deep dive, caching strategy: thundering herd mitigation"
P_READS = "Phase 2: highlight the numbers that drive decisions ('At 50K reads/sec, we need a cache')"
P_MEMORY = "Phase 2: memory (caching) - 80/20 rule: cache 20% of daily data"
P_CDN = "Caching table, CDN: static content, media, geo-distributed users"


def _caching(ctx):
    return ctx.dd.caching if ctx.dd else None


def _caches(ctx):
    return [c for c in ctx.components if c.kind is ComponentKind.cache]


def _read_flows(ctx):
    return [f for k, f in ctx.flows() if k == "read"]


def _is_edge_cache(ctx, cid: str) -> bool:
    c = ctx.component(cid)
    return c is not None and c.kind in EDGE_CACHE_KINDS


presence("CACHE-001", "Cache layers not named", section=_caching, field="layers",
         label="which layers cache", severity="warning", playbook=P_LAYERS,
         why="Client, CDN, application and in-process caches differ in what they can hold, how close they sit "
             "to the user and how they are invalidated; 'add a cache' without a layer is not a design.",
         fix="List deep_dives.caching.layers (client, cdn, app, local) and what each holds.",
         bad="caching: {policy: aside}", good="caching: {layers: [cdn, app], policy: aside}")

presence("CACHE-002", "Cache policy not stated", section=_caching, field="policy",
         label="the cache policy (aside, through or behind)", severity="warning", playbook=P_POLICY,
         why="Cache-aside, write-through and write-behind trade freshness, write latency and durability "
             "differently; write-behind can lose acknowledged writes.",
         fix="State deep_dives.caching.policy: aside, through or behind, and why.",
         bad="caching: {layers: [app]}", good="caching: {layers: [app], policy: aside}")

presence("CACHE-003", "Cache invalidation not stated", section=_caching, field="invalidation",
         label="invalidation (TTL, event or version)", severity="warning", playbook=P_INVALIDATION,
         why="Invalidation decides how stale a read can be; it must match the consistency each use case asked "
             "for (a TTL bounds staleness, an event removes it on change, a version makes late writes harmless).",
         fix="List deep_dives.caching.invalidation: ttl, event and/or version, with the TTL values.",
         bad="caching: {layers: [app], policy: aside}",
         good="caching: {layers: [app], policy: aside, invalidation: [ttl, event]}")

presence("CACHE-004", "Thundering herd not addressed", section=_caching, field="thundering_herd",
         label="thundering herd mitigation", severity="warning", playbook=P_HERD,
         why="When a hot key expires or a cache node restarts, every request misses at once and the database "
             "behind takes the full read rate; that is how caches cause outages.",
         fix="State the mitigation: request coalescing (single-flight), locks or leases on fill, early "
             "probabilistic refresh, TTL jitter.",
         bad="caching: {layers: [app], policy: aside, invalidation: [ttl]}",
         good="caching:\n  thundering_herd: single-flight per key in each pod; TTLs jittered +-10%")


@rule("CACHE-005", "High read rate with no cache on any read path", severity="error", playbook=P_READS,
      why="One database node serves on the order of 10K indexed reads a second; above that, reads need a "
          "cache (or a CDN) in front of the store, or the store is sized for the peak read rate alone.",
      fix="Put an application cache (cache-aside) or a CDN on the hot read path, with its hit ratio, and size "
          "the store for the misses.",
      bad="read_paths:\n  - {id: read, use_case: redirect, hops: [client, lb, svc, db]}  # 35K reads/s at peak",
      good="read_paths:\n  - {id: read, use_case: redirect, hops: [client, lb, svc, cache, db]}",
      false_positives="A read path served entirely by an in-memory store (a key-value data store such as Redis "
                      "as the source of derived data) needs no cache in front; record that choice in a decision.")
def reads_without_cache(ctx):
    reads = ctx.est.value("qps.read.peak")
    limit = ctx.threshold("cache_read_qps")
    if reads is None or reads < limit or ctx.arch is None or not ctx.components:
        return
    if any(_is_edge_cache(ctx, h.component) for f in _read_flows(ctx) for h in f.hops):
        return
    numbers = f"{ctx.fmt('cache_read_qps', reads)} reads/s at peak (at or above {ctx.fmt('cache_read_qps')})"
    caches = [c.id for c in ctx.components if c.kind in EDGE_CACHE_KINDS]
    if caches and not _read_flows(ctx):
        return  # there is a cache, and no read path drawn to place it on (an architecture finding)
    if caches:
        yield Hit(ctx.arch, f"{numbers}, but no read path goes through a cache or CDN ({', '.join(caches)} sit on none)")
    else:
        yield Hit(ctx.arch, f"{numbers}, and no cache or CDN in the design")


@rule("CACHE-006", "Cache on a read path without a hit ratio", severity="warning", playbook=P_READS,
      why="The load that reaches the store is the misses: reads x (1 - hit ratio). Without a hit ratio the "
          "load behind the cache cannot be computed, so the store's sizing is unsupported.",
      fix="State the cache's hit_ratio (e.g. 90%), from the key popularity skew or a measurement.",
      bad="components: [{id: cache, kind: cache, ttl: 1 h}]",
      good="components: [{id: cache, kind: cache, ttl: 1 h, hit_ratio: 90%}]")
def cache_without_hit_ratio(ctx):
    for f in _read_flows(ctx):
        for i, h in enumerate(f.hops[:-1]):
            c = ctx.component(h.component)
            if c is not None and c.kind in EDGE_CACHE_KINDS and c.hit_ratio is None:
                behind = f.hops[i + 1].component
                yield Hit(c, f"{c.id} has no hit_ratio, so the load it passes on to {behind} is unknown")


@rule("CACHE-007", "Cache with no TTL and no invalidation", severity="warning", playbook=P_INVALIDATION,
      why="A cached copy with neither an expiry nor an invalidation lives until eviction: a change to the "
          "source may never reach readers.",
      fix="Give the cache a ttl, or list the invalidation (event, version) in deep_dives.caching.invalidation.",
      bad="components: [{id: cache, kind: cache, hit_ratio: 90%}]",
      good="components: [{id: cache, kind: cache, hit_ratio: 90%, ttl: 10 min}]")
def cache_never_invalidated(ctx):
    dive = _caching(ctx)
    if dive is not None and dive.invalidation:
        return
    for c in ctx.components:
        if c.kind in EDGE_CACHE_KINDS and c.ttl is None:
            yield Hit(c, f"{c.id} has no ttl and the design states no invalidation")


def _node_memory(ctx, c) -> float | None:
    if c.capacity is not None and c.capacity.memory_per_node:
        return c.capacity.memory_per_node
    nc = ctx.node_capacity(c)
    return nc.memory if nc is not None else None


def _distinct_nodes(c) -> int:
    """Nodes holding different data: the shards, or every node of a keyed cluster; copies and
    per-process caches hold the same keys."""
    if c.cache_layer is CacheLayer.local:
        return 1
    if c.shards and c.shards > 1:
        return c.shards
    return c.replicas if c.partition_key else 1


def _spread(c) -> bool:
    return _distinct_nodes(c) > 1


def _single_node_too_small(ctx, need: float) -> bool:
    """The working set exceeds one cache node and no cache spreads keys over nodes (CACHE-009)."""
    caches = _caches(ctx)
    if not caches or need <= ctx.threshold("cache_node_memory") or any(_spread(c) for c in caches):
        return False
    return not any(c.capacity is not None and c.capacity.memory_per_node and c.capacity.memory_per_node >= need
                   for c in caches)


@rule("CACHE-008", "Cache smaller than its working set", severity="warning", playbook=P_MEMORY,
      why="By the 80/20 rule the cache should hold about 20% of a day's reads; a smaller cache evicts hot keys, "
          "its hit ratio falls and the store behind it takes the difference.",
      fix="Add cache shards (or memory per node) until they hold the working set, or lower the stated cache "
          "sizing with a reason (a smaller hot set, a shorter TTL).",
      bad="estimates: {cache: {fraction_of_daily_reads: 20%}}  # 500 GB\n"
          "components: [{id: cache, kind: cache, shards: 4, replicas: 8, capacity: {memory_per_node: 52 GB}}]",
      good="components: [{id: cache, kind: cache, shards: 12, replicas: 24, capacity: {memory_per_node: 52 GB}}]")
def cache_too_small(ctx):
    need = ctx.est.value("cache.memory")
    caches = _caches(ctx)
    if need is None or not caches or _single_node_too_small(ctx, need):
        return
    parts, held = [], 0.0
    for c in caches:
        mem = _node_memory(ctx, c)
        if mem is None:
            return  # a cache of unknown size: nothing to compare
        n = _distinct_nodes(c)
        held += mem * n
        parts.append(f"{c.id} {n} x {ctx.fmt('cache_node_memory', mem)}")
    if held < need:
        big = max(caches, key=lambda c: (_node_memory(ctx, c) or 0) * _distinct_nodes(c))
        yield Hit(big, f"the cache needs {ctx.fmt('cache_node_memory', need)} (80/20 rule) but the caches hold "
                       f"{ctx.fmt('cache_node_memory', held)} ({'; '.join(parts)})")


@rule("CACHE-009", "Working set above one cache node, cache not sharded", severity="warning", playbook=P_MEMORY,
      why="A cache node has some tens of GB of memory; a working set larger than that is spread over a "
          "cluster by key (consistent hashing, hash slots), or the hit ratio collapses.",
      fix="Shard the cache: set shards (and partition_key, e.g. the cache key's hash slot) so that each shard "
          "holds its share of the working set.",
      bad="components: [{id: cache, kind: cache, replicas: 2}]  # 300 GB working set",
      good="components: [{id: cache, kind: cache, replicas: 12, shards: 6, partition_key: key hash slot}]")
def cache_not_sharded(ctx):
    need = ctx.est.value("cache.memory")
    if need is None or not _single_node_too_small(ctx, need):
        return
    c = next((c for c in _caches(ctx) if c.cache_layer is not CacheLayer.local), _caches(ctx)[0])
    yield Hit(c, f"the cache needs {ctx.fmt('cache_node_memory', need)} (80/20 rule), more than one node holds "
                 f"(about {ctx.fmt('cache_node_memory')}), and no cache is sharded")


@rule("CACHE-010", "Cache with nothing behind it", severity="error", playbook=P_POLICY,
      why="A cache is a copy, not a source of truth: it evicts, expires and restarts empty. A read path that "
          "ends at a cache has nowhere to send its misses, and data kept only there is lost on a restart.",
      fix="Continue the read path to the store that holds the data (or draw the miss path as a second flow "
          "of the same use case), and hold the entity in a data store.",
      bad="read_paths:\n  - {id: read, use_case: get, hops: [client, svc, cache]}",
      good="read_paths:\n  - {id: read, use_case: get, hops: [client, svc, cache, db]}",
      false_positives="Derived data kept only in memory and rebuilt from elsewhere is a data store in this model "
                      "(kind data_store, storage key_value), not a cache.")
def cache_last_hop(ctx):
    flows = _read_flows(ctx)
    for f in flows:
        c = ctx.component(f.hops[-1].component)
        if c is None or c.kind is not ComponentKind.cache:
            continue
        others = [g for g in flows if g is not f and f.use_case is not None and g.use_case == f.use_case]
        if any(ctx.component(h.component) is not None and ctx.component(h.component).kind is ComponentKind.data_store
               for g in others for h in g.hops):
            continue  # the miss path is drawn as another flow of the use case
        if any(e in ctx.held_entities(s) for e in ctx.held_entities(c) for s in ctx.components
               if s.kind is ComponentKind.data_store):
            continue  # what it caches lives in a store
        yield Hit(f, f"read path '{f.id}' ends at cache {c.id}: its misses have nowhere to go")


def _is_cdn(c) -> bool:
    return c.kind is ComponentKind.cdn or c.cache_layer is CacheLayer.cdn


def _serves_blobs(c) -> bool:
    if c.kind is not ComponentKind.data_store:
        return False
    return (c.storage is not None and c.storage.value == "object_store") or any(q.value == "blob" for q in c.queries)


@rule("CACHE-011", "Media egress from origin without a CDN", severity="warning", playbook=P_CDN,
      why="Blobs (images, video, files) are the bulk of egress; above about 1 Gbps serving them from origin "
          "costs more and is slower for distant users than serving them from a CDN's edge caches.",
      fix="Put a CDN in front of the object store on the media read path, with its hit ratio and TTL "
          "(content-addressed keys make purging unnecessary).",
      bad="read_paths:\n  - {id: media, use_case: view, hops: [client, lb, svc, media-store]}",
      good="read_paths:\n  - {id: media, use_case: view, hops: [client, cdn, media-store]}")
def media_without_cdn(ctx):
    def comp(h):
        return ctx.component(h.component)

    flows = [f for f in _read_flows(ctx) if any(comp(h) is not None and _serves_blobs(comp(h)) for h in f.hops)]
    if not flows or any(comp(h) is not None and _is_cdn(comp(h)) for f in flows for h in f.hops):
        return
    use_cases = sorted({f.use_case for f in flows if f.use_case})
    egress = sum(ctx.est.value(f"{u}.bandwidth.out.peak") or 0.0 for u in use_cases)
    if egress >= ctx.threshold("cdn_egress"):
        stores = sorted({h.component for f in flows for h in f.hops if comp(h) is not None and _serves_blobs(comp(h))})
        yield Hit(flows[0], f"{ctx.fmt('cdn_egress', egress)} of peak egress for {', '.join(use_cases)} (at or above "
                            f"{ctx.fmt('cdn_egress')}) is read from {', '.join(stores)} with no CDN on the path")


def _implements(ctx, layer: CacheLayer) -> bool:
    for c in ctx.components:
        if c.kind is ComponentKind.cache and (c.cache_layer or CacheLayer.app) is layer:
            return True
        if layer is CacheLayer.cdn and (c.kind is ComponentKind.cdn or c.cache_layer is CacheLayer.cdn):
            return True
        if layer is CacheLayer.client and c.kind is ComponentKind.client:
            return True
    return False


@rule("CACHE-012", "Cache layer with no component", severity="warning", playbook=P_LAYERS,
      why="The deep dive names a cache layer the architecture does not draw, so its hit ratio, memory and "
          "invalidation exist only in prose and no read path accounts for it.",
      fix="Add the component (a cdn, or a cache with cache_layer app or local) and put it on its read path, or "
          "drop the layer from deep_dives.caching.layers.",
      bad="caching: {layers: [cdn, app]}\ncomponents: [{id: redis, kind: cache, cache_layer: app}]",
      good="components:\n  - {id: cdn, kind: cdn}\n  - {id: redis, kind: cache, cache_layer: app}")
def layer_without_component(ctx):
    dive = _caching(ctx)
    if dive is None or ctx.arch is None or not ctx.components:
        return
    for layer in dict.fromkeys(dive.layers):
        if not _implements(ctx, layer):
            yield Hit(dive, f"caching layer '{layer.value}' is named, but no component implements it")


@rule("CACHE-013", "Hit ratio on a component that is not a cache", severity="info", playbook=P_LAYERS,
      why="Only caches and CDNs pass on just their misses; a hit ratio elsewhere is ignored by the load model, "
          "so the load behind the component is not thinned as the design may expect.",
      fix="Model the caching part as its own cache component on the path, or drop the hit_ratio.",
      bad="components: [{id: svc, kind: service, hit_ratio: 80%}]",
      good="components:\n  - {id: svc, kind: service}\n  - {id: svc-cache, kind: cache, cache_layer: local, hit_ratio: 80%}")
def hit_ratio_on_non_cache(ctx):
    for c in ctx.components:
        if c.hit_ratio is not None and c.kind not in EDGE_CACHE_KINDS:
            yield Hit(c, f"{c.id} is a {c.kind.value} with a hit_ratio ({c.hit_ratio:.0%}); only caches and CDNs "
                         "thin the load behind them")


@rule("CACHE-014", "No caching deep dive while reads demand a cache", severity="warning", playbook=P_READS,
      why="The read rate is past what one store node serves, so the cache carries the design: its layers, "
          "policy, invalidation and herd behaviour are the questions an interviewer asks next.",
      fix="Add deep_dives.caching with layers, policy, invalidation and thundering herd mitigation.",
      bad="estimates: ...  # 35K reads/s at peak\ndeep_dives: {data_model: ...}  # no caching",
      good="deep_dives:\n  caching: {layers: [app], policy: aside, invalidation: [ttl, event], thundering_herd: single-flight}")
def no_caching_dive(ctx):
    reads = ctx.est.value("qps.read.peak")
    if reads is None or reads < ctx.threshold("cache_read_qps") or _caching(ctx) is not None:
        return
    yield Hit(ctx.dd if ctx.dd is not None else (),
              f"{ctx.fmt('cache_read_qps', reads)} reads/s at peak (at or above {ctx.fmt('cache_read_qps')}) "
              "but no caching deep dive")


@rule("CACHE-015", "Cache missing from the caching deep dive's layers", severity="info", playbook=P_LAYERS,
      why="The architecture has a cache at a layer the deep dive does not list, so that cache's policy and "
          "invalidation are never discussed.",
      fix="Add the layer to deep_dives.caching.layers and say how it is filled and invalidated.",
      bad="caching: {layers: [app]}\ncomponents: [{id: lru, kind: cache, cache_layer: local}]",
      good="caching: {layers: [local, app]}")
def cache_layer_not_in_dive(ctx):
    dive = _caching(ctx)
    if dive is None or not dive.layers:
        return
    for c in ctx.components:
        if c.kind is ComponentKind.cache:
            layer = c.cache_layer or CacheLayer.app
        elif c.kind is ComponentKind.cdn:
            layer = CacheLayer.cdn
        else:
            continue
        if layer not in dive.layers:
            yield Hit(c, f"{c.id} caches at the {layer.value} layer, which deep_dives.caching.layers leaves out")

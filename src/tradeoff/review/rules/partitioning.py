"""PART: deep dive, partitioning and sharding. The partition key and why, hot partitions,
re-partitioning, and how the key meets the access patterns; and the numbers (new data a day,
data per node) that make partitioning necessary. Entries are keyed by component
(deep_dives.partitioning[].component)."""

from __future__ import annotations

import re

from tradeoff.model.design import STATEFUL_KINDS, ComponentKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import filled, presence

P_KEY = "Deep dive, partitioning & sharding: partition key choice & rationale"
P_HOT = "Deep dive, partitioning & sharding: hot partition mitigation"
P_REPART = "Deep dive, partitioning & sharding: re-partitioning strategy"
P_INTERACT = "Deep dive, partitioning & sharding: interaction with access patterns"
P_NUMBERS = "Phase 2: highlight the numbers that drive decisions ('At 2TB/day, we need partitioning early')"


def _entries(ctx) -> list:
    return list(ctx.dd.partitioning) if ctx.dd else []


def _first_lacking(ok):
    """The first partitioning entry lacking an item, else the first entry (the item is then covered)."""

    def section(ctx):
        es = _entries(ctx)
        return next((p for p in es if not ok(ctx, p)), es[0] if es else None)

    return section


def _has_key(ctx, p) -> bool:
    c = ctx.component(p.component)
    return filled(p.key) or bool(c is not None and filled(c.partition_key))


def _sharded(c) -> bool:
    return bool(c.shards and c.shards > 1)


def _partitioned(c) -> bool:
    return _sharded(c) or filled(c.partition_key)


def _self_scaling(ctx, c) -> bool:
    """A store with no per-node size at all (object storage): it spreads data without nodes to plan."""
    if c.capacity is not None and (c.capacity.storage_per_node or c.capacity.memory_per_node):
        return False
    nc = ctx.node_capacity(c)
    return nc is not None and nc.storage is None and nc.memory is None


def _stores(ctx):
    return [c for c in ctx.components if c.kind is ComponentKind.data_store]


presence("PART-001", "Partition key not stated", section=_first_lacking(_has_key), field="key",
         label="the partition key", severity="warning", playbook=P_KEY,
         satisfied=_has_key,
         why="The partition key decides which queries stay on one node, how evenly load spreads and what a "
             "hot key does; an entry without it says nothing.",
         fix="State the key on the entry (or as the component's partition_key).",
         bad="partitioning:\n  - {component: feed-store, rationale: spread evenly}",
         good="partitioning:\n  - {component: feed-store, key: user_id, rationale: every read is one user's feed}")

presence("PART-002", "Partition key without a rationale", section=_first_lacking(lambda ctx, p: filled(p.rationale)),
         field="rationale", label="why this partition key", severity="warning", playbook=P_KEY,
         why="A key is right because the hot queries carry it and it spreads evenly; without the reason the "
             "interviewer cannot tell a choice from a default.",
         fix="State the rationale: which queries carry the key, and why it spreads load evenly.",
         bad="partitioning:\n  - {component: orders, key: customer_id}",
         good="partitioning:\n  - {component: orders, key: customer_id, rationale: every hot query is per customer}")

presence("PART-003", "Hot partitions not addressed",
         section=_first_lacking(lambda ctx, p: filled(p.hot_partition_mitigation)), field="hot_partition_mitigation",
         label="hot partition mitigation", severity="warning", playbook=P_HOT,
         why="Real keys are skewed (a celebrity, a viral link, a big tenant); one hot partition caps the whole "
             "store at one node's throughput however many nodes there are.",
         fix="Say what happens to the hottest key: caching in front, key salting/splitting, a special path, "
             "or why skew is bounded.",
         bad="partitioning:\n  - {component: posts, key: author_id, rationale: co-locate}",
         good="partitioning:\n  - {component: posts, key: author_id, hot_partition_mitigation: celebrity reads "
              "come from the cache; writes are a few a day}")

presence("PART-004", "No re-partitioning strategy", section=_first_lacking(lambda ctx, p: filled(p.repartitioning)),
         field="repartitioning", label="the re-partitioning strategy", severity="warning", playbook=P_REPART,
         why="Data and traffic grow; a scheme with no way to add partitions (consistent hashing, logical shards, "
             "online splits) turns growth into a migration project with downtime.",
         fix="State how partitions are added or split online (logical shards mapped to nodes, hash-slot "
             "migration, automatic splits).",
         bad="partitioning:\n  - {component: db, key: user_id}",
         good="partitioning:\n  - {component: db, key: user_id, repartitioning: 4,096 logical shards moved online}")

presence("PART-005", "Key not related to the access patterns",
         section=_first_lacking(lambda ctx, p: filled(p.access_pattern_interaction)),
         field="access_pattern_interaction", label="how the key interacts with the access patterns",
         severity="warning", playbook=P_INTERACT,
         why="A query that does not carry the partition key scatters to every partition and gathers; the key is "
             "only good if the hot queries stay single-partition.",
         fix="For each hot query, say whether it is single-partition or scatter-gather, and how the rest is served "
             "(secondary index, second copy keyed differently).",
         bad="partitioning:\n  - {component: graph, key: follower_id}",
         good="partitioning:\n  - {component: graph, key: follower_id, access_pattern_interaction: followers are "
              "a second table keyed by followee_id}")


@rule("PART-006", "Large daily ingest into an unpartitioned store", severity="error", playbook=P_NUMBERS,
      why="At this rate of new data one node's disk fills in days to weeks and backups, restores and index "
          "rebuilds stop fitting their windows; partitioning has to be designed in from the start.",
      fix="Partition the store: choose a partition key (partition_key) carried by the hot queries and spread "
          "it over shards (shards), and add a partitioning deep dive entry.",
      bad="storage: [{id: msg, size: 200 B, new_per_day: 10B, store: msgs}]\n"
          "components: [{id: msgs, kind: data_store, storage: relational}]",
      good="components: [{id: msgs, kind: data_store, storage: wide_column, partition_key: (conversation_id, bucket)}]",
      false_positives="Object stores (no per-node size) spread data by themselves and are not checked.")
def ingest_without_partitioning(ctx):
    limit = ctx.threshold("partition_daily_ingest")
    for c in _stores(ctx):
        per_day = ctx.stored(c, "per_day")
        if per_day is None or per_day < limit or _partitioned(c) or _self_scaling(ctx, c):
            continue
        yield Hit(c, f"{c.id}: {ctx.fmt('partition_daily_ingest', per_day)}/day of new data (at or above "
                     f"{ctx.fmt('partition_daily_ingest')}/day) with no partition key and no shards")


def _per_node(ctx, c) -> tuple[float, str] | None:
    """Data on one node of a store, and how it was worked out."""
    total, replicated = ctx.stored(c, "total"), ctx.stored(c, "total_replicated")
    if total is None:
        return None
    fmt = lambda v: ctx.fmt("node_storage", v)  # noqa: E731
    if _sharded(c):
        return total / c.shards, f"{fmt(total)} over {c.shards} shards"
    if not filled(c.partition_key):
        where = f"on each of its {c.replicas} nodes" if c.replicas > 1 else "on its one node"
        return total, f"{fmt(total)} {where}, with no shards"
    est = ctx.design.estimates
    copies = max((e.replication_factor for e in (est.storage if est else []) if e.id in ctx.held_entities(c)),
                 default=1)
    if replicated is not None and c.replicas > copies:
        return replicated / c.replicas, f"{fmt(replicated)} with copies over {c.replicas} nodes"
    return None  # keyed, but how the store splits it over nodes is not stated


@rule("PART-007", "More data per node than a node holds", severity="warning", playbook=P_NUMBERS,
      why="A node carries a few to about 10 TB before rebalancing, compaction and recovery become painful; "
          "past that a lost node takes hours to rebuild and every maintenance operation is slow.",
      fix="Add shards (or nodes to a partitioned store) until each node's share fits, or state the per-node "
          "storage the design relies on (capacity.storage_per_node).",
      bad="components: [{id: db, kind: data_store, storage: relational, replicas: 3}]  # 50 TB of data",
      good="components: [{id: db, kind: data_store, storage: relational, replicas: 24, shards: 8, partition_key: user_id}]",
      false_positives="A store keyed by partition_key without shards, with no more nodes than copies (a managed "
                      "store that splits itself, such as DynamoDB), is not checked: its nodes are not in the design.")
def data_per_node(ctx):
    for c in _stores(ctx):
        if _self_scaling(ctx, c):
            continue
        got = _per_node(ctx, c)
        if got is None:
            continue
        per, how = got
        stated = c.capacity.storage_per_node if c.capacity else None
        limit = stated or ctx.threshold("node_storage")
        if per > limit:
            what = "its stated storage per node" if stated else "what one node holds"
            yield Hit(c, f"{c.id}: {ctx.fmt('node_storage', per)} per node ({how}), above {what} "
                         f"({ctx.fmt('node_storage', limit)})")


@rule("PART-008", "Shards without a partition key", severity="warning", playbook=P_KEY,
      why="Shards are only as good as the key that routes to them: without it nobody can say which queries "
          "are single-shard, where a hot key lands or how data moves when shards are added.",
      fix="State the component's partition_key (and argue it in the partitioning deep dive).",
      bad="components: [{id: db, kind: data_store, shards: 16, replicas: 48}]",
      good="components: [{id: db, kind: data_store, shards: 16, replicas: 48, partition_key: tenant_id}]")
def shards_without_key(ctx):
    for c in ctx.components:
        if _sharded(c) and not filled(c.partition_key):
            entry = ctx.partitioning_for(c)
            if entry is not None and filled(entry.key):
                continue
            yield Hit(c, f"{c.id}: {c.shards} shards but no partition key")


@rule("PART-009", "Partitioned store missing from the partitioning deep dive", severity="info", playbook=P_KEY,
      why="The store is partitioned, but the deep dive that argues keys, hot partitions and re-partitioning "
          "skips it; its key stands without a rationale.",
      fix="Add a deep_dives.partitioning entry for the component (key, rationale, hot partitions, "
          "re-partitioning, access patterns).",
      bad="components: [{id: stats, kind: data_store, partition_key: (code, month)}]\n"
          "partitioning: [{component: links, key: code}]",
      good="partitioning:\n  - {component: links, key: code}\n  - {component: stats, key: (code, month), rationale: ...}")
def partitioned_not_argued(ctx):
    if not _entries(ctx):
        return  # no deep dive at all: PART-012
    limit = ctx.threshold("partition_daily_ingest")
    for c in ctx.components:
        if c.kind not in (ComponentKind.data_store, ComponentKind.cache) or not _partitioned(c):
            continue
        if ctx.partitioning_for(c) is not None:
            continue
        how = f"partition key {c.partition_key}" if filled(c.partition_key) else f"{c.shards} shards"
        per_day = ctx.stored(c, "per_day")
        if per_day is not None and per_day >= limit:
            yield Hit(c, f"{c.id} ({how}) takes {ctx.fmt('partition_daily_ingest', per_day)}/day but has no "
                         "partitioning deep dive entry", severity="warning")
        else:
            yield Hit(c, f"{c.id} ({how}) has no partitioning deep dive entry")


_TIME = re.compile(r"^(ts|time|timestamp|datetime|date|day|hour|minute|week|month|year|created|updated"
                   r"|\w+_(at|ts|time|timestamp|date|day|hour|minute|week|month|year))$")


def partition_columns(key: str) -> list[str]:
    """The partition-key columns of a stated key: '(a, b)' -> [a, b]; '((a, b), c)' -> [a, b] (CQL:
    the inner tuple is the partition key); 'user_id (hash)' -> [user_id]."""
    k = key.strip().lower()
    if k.startswith("("):
        depth = 0
        for i, ch in enumerate(k):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                inner = k[1:i].strip()
                break
        else:
            return []
        if inner.startswith("("):
            return partition_columns(inner)
        return [x.strip() for x in inner.split(",") if x.strip()]
    m = re.match(r"[a-z_][a-z0-9_]*", k)
    return [m.group(0)] if m else []


def time_only(key: str | None) -> bool:
    cols = partition_columns(key or "")
    return bool(cols) and all(_TIME.match(x) for x in cols)


@rule("PART-010", "Time-only partition key", severity="warning", playbook=P_HOT,
      why="A key made only of time sends every new write to the newest partition: one node takes all the "
          "ingest while the rest sit idle, and reads of recent data hit the same node.",
      fix="Lead the key with an entity id (user, device, conversation) and bucket time inside it, e.g. "
          "(device_id, day); or salt the time bucket with a hash prefix.",
      bad="components: [{id: events, kind: data_store, storage: wide_column, partition_key: created_at}]",
      good="components: [{id: events, kind: data_store, storage: wide_column, partition_key: (device_id, day)}]",
      false_positives="Only keys whose every partition column is a time word (created_at, ts, day, hour, ...) are "
                      "flagged; time-series and object stores, built for time-bucketed data, are not checked. A "
                      "low-rate archive written in time order may accept the hot newest partition deliberately.")
def time_only_key(ctx):
    for c in ctx.components:
        if c.kind not in STATEFUL_KINDS:
            continue
        opt = ctx.option(c)
        if opt is not None and opt.id in ("time_series", "object_store"):
            continue
        entry = ctx.partitioning_for(c)
        if entry is not None and filled(entry.key):
            at, key = entry, entry.key
        else:
            at, key = c, c.partition_key
        if time_only(key):
            yield Hit(at, f"{c.id}: partition key '{key}' is only time, so every new write lands on the newest partition")


@rule("PART-011", "Partitioning entry not about a stateful component", severity="warning", playbook=P_KEY,
      why="Partitioning spreads data (or a log) across nodes; an entry that names no component, or a "
          "stateless one, argues a key for nothing that holds data.",
      fix="Point the entry's component at the store, cache or stream being partitioned.",
      bad="partitioning:\n  - {component: feed-service, key: user_id}",
      good="partitioning:\n  - {component: feed-store, key: user_id}")
def entry_not_stateful(ctx):
    for p in _entries(ctx):
        if p.component is None:
            yield Hit(p, "a partitioning entry names no component")
            continue
        c = ctx.component(p.component)
        if c is not None and c.kind not in STATEFUL_KINDS:
            yield Hit(p, f"partitioning entry for '{c.id}', a {c.kind.value}, which holds no data to partition")


def _demand(ctx) -> tuple[float, float]:
    """New data a day and data kept, over entities not held only by self-scaling (object) stores."""
    est = ctx.design.estimates
    per_day = total = 0.0
    for e in (est.storage if est else []):
        holders = [c for c in ctx.components if e.id in ctx.held_entities(c)]
        if holders and all(_self_scaling(ctx, c) for c in holders):
            continue
        per_day += ctx.est.value(f"storage.{e.id}.per_day") or 0.0
        total += ctx.est.value(f"storage.{e.id}.total") or 0.0
    return per_day, total


@rule("PART-012", "No partitioning deep dive while the numbers demand it", severity="warning", playbook=P_NUMBERS,
      why="The estimates cross the point where one node cannot hold the data or absorb its growth; the partition "
          "key, hot partitions and re-partitioning are then the central questions of the deep dives.",
      fix="Add deep_dives.partitioning: one entry per partitioned store with key, rationale, hot partition "
          "mitigation, re-partitioning and access pattern interaction.",
      bad="estimates:\n  storage: [{id: msg, size: 200 B, new_per_day: 10B}]  # 2 TB/day\n# no deep_dives.partitioning",
      good="deep_dives:\n  partitioning:\n    - {component: msgs, key: (conversation_id, bucket), rationale: ...}",
      false_positives="Data held only by object stores (which spread it themselves) is left out of the numbers.")
def no_partitioning_dive(ctx):
    if _entries(ctx):
        return
    per_day, total = _demand(ctx)
    why = []
    if per_day >= ctx.threshold("partition_daily_ingest"):
        why.append(f"{ctx.fmt('partition_daily_ingest', per_day)}/day of new data (at or above "
                   f"{ctx.fmt('partition_daily_ingest')}/day)")
    if total >= ctx.threshold("node_storage"):
        why.append(f"{ctx.fmt('node_storage', total)} kept (above one node's {ctx.fmt('node_storage')})")
    if why:
        yield Hit(ctx.dd if ctx.dd is not None else (), f"{' and '.join(why)}, but no partitioning deep dive")

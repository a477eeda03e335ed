"""STORE: deep dive, storage technology. Why this technology over the alternatives, framed as
gain X / lose Y, matched to the access pattern, naming what was considered and rejected. One
storage choice per data store (deep_dives.storage_technology.choices, keyed by component)."""

from __future__ import annotations

from tradeoff.knowledge.options import rank
from tradeoff.model.design import STATEFUL_KINDS, ComponentKind, QueryKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import filled, presence

P_WHY = "Deep dive, storage technology: why this tech over alternatives?"
P_TRADEOFF = "Deep dive, storage technology: frame as tradeoff - gain X, lose Y"
P_MATCH = "Deep dive, storage technology: match to access pattern"
P_REJECTED = "Deep dive, storage technology: name what you considered & rejected"
P_TABLE = "Data Storage table: reach for each option when its strengths match the access pattern"


def _choices(ctx) -> list:
    st = ctx.dd.storage_technology if ctx.dd else None
    return list(st.choices) if st else []


def _first_lacking(ok):
    """The first storage choice lacking an item, else the first choice (the item is then covered)."""

    def section(ctx):
        chs = _choices(ctx)
        return next((c for c in chs if not ok(c)), chs[0] if chs else None)

    return section


def _stores(ctx):
    return [c for c in ctx.components if c.kind is ComponentKind.data_store]


def _storage_option(ctx, c):
    o = ctx.option(c)
    return o if o is not None and o.table == "data_storage" else None


presence("STORE-001", "Storage choice without a why", section=_first_lacking(lambda ch: filled(ch.why)),
         field="why", label="why this technology over the alternatives", severity="warning", playbook=P_WHY,
         why="A technology named without its reason reads as habit; the interviewer wants the requirement and "
             "the access pattern that make this store the right one.",
         fix="Give the choice a why: the requirement and the numbers that make this store fit.",
         bad="choices:\n  - {component: url-store, gain: elastic scale}",
         good="choices:\n  - component: url-store\n    why: point reads and conditional writes by a random key at 3.5K/s")

presence("STORE-002", "Storage choice without gain and loss", section=_first_lacking(lambda ch: bool(ch.gain and ch.lose)),
         field="gain", label="the tradeoff (what it gains and what it loses)", severity="warning", playbook=P_TRADEOFF,
         satisfied=lambda ctx, sec: bool(sec.gain and sec.lose),
         why="Every store gives something up (joins, write scaling, query flexibility, latency). Naming both "
             "sides is the principal-level sentence: we gain X, we lose Y, and Y is acceptable here.",
         fix="State both gain and lose on the storage choice.",
         bad="choices:\n  - {component: feed-db, why: ..., gain: fast appends}",
         good="choices:\n  - {component: feed-db, gain: fast appends, lose: no ad-hoc queries or joins}")

presence("STORE-003", "Storage choice not matched to the access pattern",
         section=_first_lacking(lambda ch: filled(ch.access_pattern_match)), field="access_pattern_match",
         label="how the store matches the access pattern", severity="warning", playbook=P_MATCH,
         why="A store is good or bad only relative to its queries: a wide-column store is right for partition "
             "slices and wrong for ad-hoc filters. The match is the argument.",
         fix="State access_pattern_match: which hot query maps to which key, index or scan of this store.",
         bad="choices:\n  - {component: message-store, why: write-heavy}",
         good="choices:\n  - {component: message-store, access_pattern_match: a page is one partition slice by seq}")

presence("STORE-004", "No alternative considered", section=_first_lacking(lambda ch: bool(ch.rejected)),
         field="rejected", label="the alternatives considered and rejected", severity="warning", playbook=P_REJECTED,
         why="Naming the runner-up and why it lost shows the choice was made, not defaulted to; it is also "
             "the fallback if a constraint changes.",
         fix="List rejected options with a why each ('PostgreSQL + replicas: 91 TB forces manual sharding').",
         bad="choices:\n  - {component: url-store, why: key lookups}",
         good="choices:\n  - component: url-store\n    rejected: [{option: relational, why: manual sharding at 91 TB}]")


def _verdict(ctx, c) -> str | None:
    """How the knowledge base judges the store's option against its own facts: 'fits' when it meets a fit,
    no other option scores higher and none of its risks fires."""
    opt = _storage_option(ctx, c)
    if opt is None:
        return None
    ranked = rank(opt.table, ctx.component_facts(c), role=opt.role)
    chosen = next((r for r in ranked if r.option.id == opt.id), None)
    if chosen is None:
        return None
    if any(r.score > chosen.score for r in ranked) or any(h for _, h in chosen.risks if h):
        return "contested"
    return "fits" if any(r for _, r in chosen.fits) else None


@rule("STORE-005", "Data store chosen without a reason", severity="warning", playbook=P_WHY,
      why="The storage technology is among the most expensive decisions to reverse. A store with neither a "
          "storage choice in the deep dive nor a decision is an unjustified choice: nobody said why this "
          "technology, what it costs, or what else was considered.",
      fix="Add a deep_dives.storage_technology.choices entry for the store (why, gain, lose, access pattern "
          "match, rejected), or a decision whose choice names the component.",
      bad="components: [{id: media-store, kind: data_store, storage: object_store}]\n"
          "deep_dives:\n  storage_technology:\n    choices: [{component: post-store, why: ...}]",
      good="deep_dives:\n  storage_technology:\n    choices:\n      - {component: post-store, why: ...}\n"
           "      - {component: media-store, why: immutable blobs served through the CDN, ...}",
      false_positives="When the knowledge base finds the store's option the best fit for its stated queries, "
                      "with no risk triggered, the finding is lowered to info: the choice is self-evident but "
                      "still deserves one line.")
def unjustified_store(ctx):
    if not _choices(ctx):
        return  # no storage deep dive at all: STORE-010
    chosen = {ch.component for ch in _choices(ctx)}
    for c in _stores(ctx):
        if c.id in chosen or ctx.decisions_for(c):
            continue
        tech = c.technology or (c.storage.value if c.storage else None) or "its technology"
        if _verdict(ctx, c) == "fits":
            yield Hit(c, f"data store '{c.id}' ({tech}) has no storage choice or decision; it fits its stated "
                         "queries, so one line of why is enough", severity="info")
        else:
            yield Hit(c, f"data store '{c.id}' ({tech}) has no storage choice or decision: why this technology?")


@rule("STORE-006", "Storage choice not about a data store", severity="warning", playbook=P_WHY,
      why="The storage deep dive argues where data lives. A choice that names no component, or a component "
          "that keeps no data, leaves the actual store unargued and the entry unattributable.",
      fix="Point the choice's component at the data store it argues for; move arguments about caches, queues "
          "and streams into the caching or async deep dives or a decision.",
      bad="choices:\n  - {component: feed-service, why: ...}",
      good="choices:\n  - {component: feed-store, why: ...}")
def choice_not_for_a_store(ctx):
    for ch in _choices(ctx):
        if ch.component is None:
            yield Hit(ch, "a storage choice names no component")
            continue
        c = ctx.component(ch.component)
        if c is None or c.kind is ComponentKind.data_store:
            continue
        if c.kind in STATEFUL_KINDS:
            yield Hit(ch, f"storage choice for '{c.id}', a {c.kind.value}, not a data store", severity="info")
        else:
            yield Hit(ch, f"storage choice for '{c.id}', a {c.kind.value}, which keeps no data")


#: queries an option cannot answer natively and that the knowledge base's risks do not already flag
#: (those: STORE-KV-001, STORE-WC-001/002, STORE-DOC-001, STORE-TS-001, STORE-OBJ-001, STORE-SEARCH-001)
CANNOT_SERVE: dict[str, frozenset[QueryKind]] = {
    "key_value": frozenset({QueryKind.full_text, QueryKind.graph_traversal}),
    "wide_column": frozenset({QueryKind.full_text, QueryKind.graph_traversal}),
    "object_store": frozenset({QueryKind.full_text, QueryKind.graph_traversal, QueryKind.joins,
                               QueryKind.faceted_filter}),
    "search": frozenset({QueryKind.graph_traversal, QueryKind.joins}),
}


@rule("STORE-007", "Store asked for queries it cannot answer", severity="warning", playbook=P_TABLE,
      why="A store's strengths are its access patterns: a key-value or wide-column store has no inverted "
          "index, an object store answers only by key and prefix, a search index has no joins or traversals. "
          "Listing such a query on it means the query has no home.",
      fix="Serve the query from a store built for it (search for full text, a graph or adjacency lists for "
          "traversals, relational for joins), fed from this one, or drop the query from the store's list.",
      bad="components:\n  - {id: msgs, kind: data_store, storage: wide_column, queries: [range_scan, full_text]}",
      good="components:\n  - {id: msgs, kind: data_store, storage: wide_column, queries: [range_scan]}\n"
           "  - {id: msg-search, kind: data_store, storage: search, queries: [full_text]}")
def unserved_queries(ctx):
    for c in _stores(ctx):
        opt = _storage_option(ctx, c)
        bad = [q for q in c.queries if opt is not None and q in CANNOT_SERVE.get(opt.id, ())]
        if bad:
            yield Hit(c, f"data store '{c.id}' ({opt.name}) lists {', '.join(q.value for q in bad)}, "
                         f"which a {opt.name.lower()} store cannot answer")


@rule("STORE-008", "Search index as the only home of data", severity="error",
      playbook="Data Storage table, Search: not a primary store - always pair with source of truth",
      why="A search index is an eventually consistent copy: refreshes lag, acknowledged writes can be lost "
          "in a failover, and reindexing needs the data from somewhere. Data that lives only there can be lost.",
      fix="Keep the entity in a primary store (relational, document, wide-column, key-value) and index it into "
          "search from there (change data capture or an outbox).",
      bad="components:\n  - {id: search, kind: data_store, storage: search, entities: [listing]}",
      good="components:\n  - {id: db, kind: data_store, storage: relational, entities: [listing]}\n"
           "  - {id: search, kind: data_store, storage: search, entities: [listing]}")
def search_only(ctx):
    stores = _stores(ctx)
    holders: dict[str, list] = {}
    for c in stores:
        for e in ctx.held_entities(c):
            holders.setdefault(e, []).append(c)
    for e, cs in sorted(holders.items()):
        opts = [_storage_option(ctx, c) for c in cs]
        if all(o is not None and o.id == "search" for o in opts):
            ids = ", ".join(c.id for c in cs)
            yield Hit(cs[0], f"entity '{e}' is held only by search ({ids}), with no source of truth behind it")


@rule("STORE-009", "Store chosen twice", severity="warning", playbook=P_WHY,
      why="Two storage choices for the same store either repeat each other or disagree; the reader cannot "
          "tell which argument stands.",
      fix="Merge the entries into one choice per data store.",
      bad="choices:\n  - {component: db, why: joins}\n  - {component: db, why: scale}",
      good="choices:\n  - {component: db, why: joins and transactions at 2K writes/s}")
def duplicate_choice(ctx):
    seen: set[str] = set()
    for ch in _choices(ctx):
        if ch.component is None:
            continue
        if ch.component in seen:
            yield Hit(ch, f"a second storage choice for '{ch.component}'")
        seen.add(ch.component)


@rule("STORE-010", "No storage technology deep dive", severity="info", playbook=P_WHY,
      why="The design keeps data in stores but never argues the technology of any of them; 'why this store' "
          "is one of the first questions of the deep dives.",
      fix="Add deep_dives.storage_technology.choices: one per data store, with why, gain, lose, access pattern "
          "match and rejected alternatives.",
      bad="architecture:\n  components: [{id: db, kind: data_store, storage: relational}]\n# no storage_technology",
      good="deep_dives:\n  storage_technology:\n    choices: [{component: db, why: ..., gain: ..., lose: ...}]")
def no_storage_dive(ctx):
    stores = _stores(ctx)
    if not stores or _choices(ctx):
        return
    argued = [c for c in stores if ctx.decisions_for(c)]
    if len(argued) == len(stores):
        return  # every store is argued in a decision
    names = ", ".join(c.id for c in stores if c not in argued)
    at = (ctx.dd.storage_technology or ctx.dd) if ctx.dd is not None else ctx.arch
    yield Hit(at, f"no storage technology deep dive; not argued: {names}")

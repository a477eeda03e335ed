"""HLD: Phase 3, the high-level design. Start at the client and work inward; read and write
paths drawn separately and narrated; services labelled with their responsibility; data stores
with what they hold and a rough tech choice; async pathways and external dependencies shown;
then check in and name the interesting challenges."""

from __future__ import annotations

from tradeoff.model.design import CacheLayer, ComponentKind, Operation, Priority, StorageKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_START = "Phase 3: start at the client, work inward (Client -> CDN/LB -> API Gateway -> Services -> Data Stores)"
P_PATHS = "Phase 3: draw the read path and the write path separately; narrate each as you draw"
P_LABEL = "Phase 3: label each service with its responsibility (e.g. 'User Service', 'Feed Service')"
P_STORES = "Phase 3: show data stores with what they hold and a rough tech choice; don't over-commit yet"
P_ASYNC = "Phase 3: show async pathways - queues, event buses, consumers"
P_EXTERNAL = "Phase 3: show external dependencies - third-party APIs, CDNs, DNS"
P_CHECK_IN = "Phase 3: 'Does this high-level flow make sense before I go deeper?'"
P_CHALLENGES = "Phase 3: 'I think the most interesting challenges are X and Y - shall I start there?'"
P_GROUNDED = "Stay grounded in requirements: every decision traces to Phase 1; catch yourself gold-plating"

#: position of each tier from the outside in; a hop to a lower rank goes back outward
RANK = {"client": 0, "edge": 1, "gateway": 2, "service": 3, "data": 4, "async": 4, "external": 4}
#: kinds a path may begin at: the outside world, and a scheduler that starts its own work
ORIGIN_TIERS = frozenset({"client", "edge", "external"})
ORIGIN_KINDS = frozenset({ComponentKind.scheduler})
#: edge and gateway kinds that only pass a request on (a CDN and a realtime gateway answer themselves)
PASS_THROUGH = frozenset({ComponentKind.dns, ComponentKind.load_balancer, ComponentKind.api_gateway,
                          ComponentKind.service_mesh})
COMPUTE_KINDS = frozenset({ComponentKind.service, ComponentKind.worker, ComponentKind.scheduler})
QUEUE_KINDS = frozenset({ComponentKind.queue, ComponentKind.event_stream})
#: kinds that can consume from a queue or stream: compute, and a gateway that pushes to clients
CONSUMER_KINDS = COMPUTE_KINDS | {ComponentKind.realtime_gateway}


def _arch(ctx):
    return ctx.arch


def _comp(ctx, cid):
    return ctx.component(cid)


def _paths_of(ctx, uc: str) -> list:
    """Flows and async edges drawn for a use case."""
    out = [f for _, f in ctx.flows() if f.use_case == uc]
    return out + [a for a in (ctx.arch.async_edges if ctx.arch else []) if a.use_case == uc]


def _has_paths(ctx) -> bool:
    arch = ctx.arch
    return arch is not None and bool(arch.read_paths or arch.write_paths or arch.async_edges)


def _rank(ctx, cid: str, first: bool) -> int:
    c = _comp(ctx, cid)
    if c is None:
        return RANK["service"]
    if c.kind is ComponentKind.external and first:
        return 0  # a third party calling in (a webhook) is an outside caller
    return RANK[c.tier]


def _is_origin(ctx, cid: str) -> bool:
    c = _comp(ctx, cid)
    return c is not None and (c.tier in ORIGIN_TIERS or c.kind in ORIGIN_KINDS)


def _unanchored(ctx) -> list:
    """Flows whose first hop is neither an origin (client, edge, external caller, scheduler) nor a
    component reached from one by another flow or async edge of the same use case."""
    flows = [f for _, f in ctx.flows()]
    reached: dict[str | None, set[str]] = {}
    for a in (ctx.arch.async_edges if ctx.arch else []):
        reached.setdefault(a.use_case, set()).update((a.via, *a.consumers))
    anchored: set[int] = set()
    changed = True
    while changed:
        changed = False
        everywhere = set().union(*reached.values()) if reached else set()
        for i, f in enumerate(flows):
            if i in anchored:
                continue
            first = f.hops[0].component
            known = reached.get(f.use_case, set()) if f.use_case is not None else everywhere
            if _is_origin(ctx, first) or first in known:
                anchored.add(i)
                reached.setdefault(f.use_case, set()).update(h.component for h in f.hops)
                changed = True
    return [f for i, f in enumerate(flows) if i not in anchored]


# --- the section and its shape -----------------------------------------------------------------

@rule("HLD-001", "No high-level design", severity="info", playbook=P_START,
      why="The high-level design is where the numbers become boxes and arrows; the deep dives have nothing "
          "to hang on until it exists.",
      fix="Add an architecture section: the components from the client inward, then the read and write paths.",
      bad="name: x\nestimates: {...}",
      good="architecture:\n  components:\n    - {id: client, kind: client}\n"
           "    - {id: api, kind: service, responsibility: shorten and resolve links}")
def no_architecture(ctx):
    arch = ctx.arch
    if arch is None:
        yield Hit((), "the design has no high-level design (architecture section)")
    elif not arch.components:
        yield Hit(arch, "the architecture section has no components", severity="warning")


@rule("HLD-002", "No client", severity="warning", playbook=P_START,
      why="Starting at the client fixes who calls what and over which protocol; a diagram that begins at a "
          "service hides the edge (DNS, CDN, balancer, gateway) where latency and abuse are handled.",
      fix="Add a component of kind client (browsers, mobile apps, API clients) and start the paths at it.",
      bad="components: [{id: api, kind: service}, {id: db, kind: data_store}]",
      good="components: [{id: client, kind: client}, {id: api, kind: service}, {id: db, kind: data_store}]")
def no_client(ctx):
    arch = ctx.arch
    if arch is not None and arch.components and not any(c.kind is ComponentKind.client for c in arch.components):
        yield Hit(arch.source_path + ("components",), f"none of the {len(arch.components)} components is a client")


@rule("HLD-003", "No paths drawn", severity="warning", playbook=P_PATHS,
      why="Boxes without arrows say what exists, not how a request is served; the paths are what the "
          "interviewer follows, and what latency, load and failure are judged on.",
      fix="Add architecture.read_paths and write_paths: the hops each use case takes from the client inward.",
      bad="architecture:\n  components: [...]",
      good="architecture:\n  read_paths:\n"
           "    - {id: read-feed, use_case: view-feed, hops: [client, lb, feed-svc, feed-db]}")
def no_paths(ctx):
    arch = ctx.arch
    if arch is not None and arch.components and not arch.read_paths and not arch.write_paths:
        yield Hit(arch, f"{len(arch.components)} components but no read or write path connecting them")


def _uses_of(ctx, op: Operation) -> list[str]:
    return [uc for uc, o in ctx.operation.items() if o is op and ctx.use_cases.get(uc) is not None
            and ctx.use_cases[uc].priority is not Priority.out_of_scope]


@rule("HLD-004", "No read path", severity="warning", playbook=P_PATHS,
      why="Reads and writes usually take different routes (caches and replicas on one side, queues and "
          "leaders on the other); drawing only one hides half the design.",
      fix="Add architecture.read_paths for the read use cases.",
      bad="write_paths: [...]  # read_paths empty, but view-feed is a read",
      good="read_paths:\n  - {id: read-feed, use_case: view-feed, hops: [client, lb, feed-svc, timeline-cache]}")
def no_read_path(ctx):
    arch = ctx.arch
    if arch is None or not arch.write_paths or arch.read_paths:
        return  # no paths at all is HLD-003
    reads = _uses_of(ctx, Operation.read)
    if reads:
        what = "is a read" if len(reads) == 1 else "are reads"
        yield Hit(arch, f"no read path, though {', '.join(reads)} {what}")


@rule("HLD-005", "No write path", severity="warning", playbook=P_PATHS,
      why="The write path is where durability, ordering and consistency are decided; without it the design "
          "never says how data gets in.",
      fix="Add architecture.write_paths for the write use cases.",
      bad="read_paths: [...]  # write_paths empty, but publish is a write",
      good="write_paths:\n  - {id: write-post, use_case: publish, hops: [client, lb, post-svc, post-db]}")
def no_write_path(ctx):
    arch = ctx.arch
    if arch is None or not arch.read_paths or arch.write_paths:
        return
    writes = _uses_of(ctx, Operation.write)
    if writes:
        what = "is a write" if len(writes) == 1 else "are writes"
        yield Hit(arch, f"no write path, though {', '.join(writes)} {what}")


# --- flows ---------------------------------------------------------------------------------------

@rule("HLD-006", "Path that does not start at the client", severity="warning", playbook=P_START,
      why="A path is a request's journey; one that begins inside the system, at a component no other path of "
          "its use case reaches, leaves out who calls it and through what.",
      fix="Start the path at the client (or an edge component), or at a component another path of the same "
          "use case reaches (a service's second dependency, an async consumer).",
      bad="read_paths:\n  - {id: r, use_case: view, hops: [feed-svc, feed-db]}  # nothing reaches feed-svc",
      good="read_paths:\n  - {id: r, use_case: view, hops: [client, lb, feed-svc, feed-db]}",
      false_positives="A branch that starts at a component reached by a different use case's path: give it its "
                      "own use case's entry path, or an async edge of its use case.")
def flow_not_from_client(ctx):
    for f in _unanchored(ctx):
        first = f.hops[0].component
        whose = f"use case '{f.use_case}'" if f.use_case else "any use case"
        yield Hit(f, f"path '{f.id}' starts at {first}, which no client-side path or async edge of {whose} reaches")


def _is_push(ctx, f) -> bool:
    """A delivery back to the client: it only ever moves outward and ends at a client."""
    last = _comp(ctx, f.hops[-1].component)
    if last is None or last.kind is not ComponentKind.client:
        return False
    ranks = [_rank(ctx, h.component, i == 0) for i, h in enumerate(f.hops)]
    return all(b <= a for a, b in zip(ranks, ranks[1:]))


@rule("HLD-007", "Path that goes back outward", severity="warning", playbook=P_START,
      why="A request path runs client -> edge -> gateway -> services -> data; a hop from a store back to a "
          "service (or a service back to the gateway) is two calls drawn as one chain, and hides who calls whom.",
      fix="Split the path: a service that calls several dependencies gets one path per dependency, starting "
          "at the service.",
      bad="hops: [client, lb, feed-svc, feed-db, post-svc]",
      good="hops: [client, lb, feed-svc, feed-db]\n# and a second path: [feed-svc, post-svc]",
      false_positives="A service that really does call back out through a gateway (e.g. to reach another "
                      "region): draw it as a second path starting at the service. Pushes to the client, "
                      "consumers reading a queue and chains of caches and stores are not flagged.")
def flow_goes_outward(ctx):
    for _, f in ctx.flows():
        if _is_push(ctx, f):
            continue
        for i, (a, b) in enumerate(zip(f.hops, f.hops[1:])):
            ca, cb = _comp(ctx, a.component), _comp(ctx, b.component)
            if ca is None or cb is None:
                continue
            if ca.tier == "async" and cb.kind in CONSUMER_KINDS:
                continue  # a consumer reading from a queue or stream
            if _rank(ctx, b.component, False) < _rank(ctx, a.component, i == 0):
                yield Hit(f, f"path '{f.id}' goes back outward: {a.component} ({ca.tier}) -> "
                             f"{b.component} ({cb.tier})")
                break


@rule("HLD-008", "Path ends at an edge or gateway", severity="warning", playbook=P_PATHS,
      why="A DNS name, a load balancer or a gateway only passes requests on; a path that stops there does "
          "not say what serves the request.",
      fix="Continue the path to the service (and the store) that answers it.",
      bad="hops: [client, dns, lb]", good="hops: [client, dns, lb, redirect-svc, url-cache]",
      false_positives="A balancer or gateway configured to answer by itself (fixed redirects, a mock): "
                      "disable the rule. CDNs and realtime gateways are not flagged.")
def flow_ends_at_edge(ctx):
    for _, f in ctx.flows():
        last = _comp(ctx, f.hops[-1].component)
        if last is not None and last.kind in PASS_THROUGH:
            yield Hit(f, f"path '{f.id}' ends at {last.id}, a {last.kind.value}, which serves nothing itself")


def _direct_ok(c) -> bool:
    """Stores a client may reach without a service: object stores (presigned URLs), client caches."""
    return (c.storage is StorageKind.object_store or c.option == "object_store"
            or (c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.client))


@rule("HLD-009", "Client reaches a store directly", severity="warning", playbook=P_START,
      why="A client that talks to a database or cache bypasses the service tier: no authorisation, "
          "validation or rate limit stands between the internet and the data, and the schema becomes a public API.",
      fix="Route the path through a service (behind the balancer or gateway); for blobs, have a service hand "
          "out presigned URLs to an object store.",
      bad="hops: [client, user-db]", good="hops: [client, lb, user-svc, user-db]",
      false_positives="A backend-as-a-service store with its own per-user security rules, reached on purpose: "
                      "disable the rule. Presigned object-store access and client-side caches are not flagged.")
def client_to_store(ctx):
    for _, f in ctx.flows():
        for a, b in zip(f.hops, f.hops[1:]):
            ca, cb = _comp(ctx, a.component), _comp(ctx, b.component)
            if ca is None or cb is None or ca.kind is not ComponentKind.client:
                continue
            if cb.kind in (ComponentKind.data_store, ComponentKind.cache) and not _direct_ok(cb):
                yield Hit(f, f"path '{f.id}' goes from the client straight to {cb.id}, a {cb.kind.value}")
                break


@rule("HLD-010", "Path without narration", severity="info", playbook=P_PATHS,
      why="Narrating each path as you draw it is how the interviewer hears the reasoning (why this cache, why "
          "no gateway here); a silent arrow earns no credit.",
      fix="Add a narration: what happens at each hop and why, in two or three sentences.",
      bad="- {id: read-feed, hops: [client, lb, feed-svc]}",
      good="- {id: read-feed, hops: [client, lb, feed-svc], narration: GET /feed reads the precomputed timeline}")
def flow_without_narration(ctx):
    for kind, f in ctx.flows():
        if not (f.narration and f.narration.strip()):
            yield Hit(f, f"{kind} path '{f.id}' is not narrated")


@rule("HLD-011", "Path tied to no use case", severity="warning", playbook=P_GROUNDED,
      why="A path exists to serve a use case; without one its load cannot be computed from the traffic and "
          "it cannot be traced to the requirements.",
      fix="Set the path's (or async edge's) use_case.",
      bad="- {id: read-feed, hops: [client, lb, feed-svc]}",
      good="- {id: read-feed, use_case: view-feed, hops: [client, lb, feed-svc]}")
def path_without_use_case(ctx):
    for kind, f in ctx.flows():
        if f.use_case is None:
            yield Hit(f, f"{kind} path '{f.id}' names no use case")
    for a in (ctx.arch.async_edges if ctx.arch else []):
        if a.use_case is None:
            yield Hit(a, f"async edge '{a.id}' names no use case")


@rule("HLD-012", "Use case drawn only on the other kind of path", severity="warning", playbook=P_PATHS,
      why="The traffic says whether a use case reads or writes; when all its paths are of the other kind, "
          "either the path list or the operation is wrong, and load is counted on the wrong side.",
      fix="Move the path to read_paths or write_paths to match the use case's operation, or fix the operation "
          "in its traffic entry.",
      bad="traffic: [{use_case: post, operation: write, ...}]\nread_paths: [{id: p, use_case: post, ...}]",
      good="write_paths: [{id: p, use_case: post, ...}]",
      false_positives="A use case that is genuinely both (read-modify-write): give it one path of each kind. "
                      "Extra paths of the other kind beside one of its own are not flagged.")
def paths_of_other_kind(ctx):
    by_uc: dict[str, list] = {}
    for kind, f in ctx.flows():
        if f.use_case is not None:
            by_uc.setdefault(f.use_case, []).append((kind, f))
    for uc, flows in by_uc.items():
        op = ctx.operation.get(uc)
        if op is None or any(kind == op.value for kind, _ in flows):
            continue
        kind, f = flows[0]
        yield Hit(f, f"use case '{uc}' is a {op.value} (traffic), but all its {len(flows)} path(s) are {kind} paths")


# --- components -----------------------------------------------------------------------------------

@rule("HLD-013", "Service without a responsibility", severity="warning", playbook=P_LABEL,
      why="A box labelled with what it does ('Feed Service: builds the timeline') is a boundary the "
          "interviewer can question; an unlabelled one is not a design.",
      fix="Give the service (or worker) a responsibility: what it does, in one line.",
      bad="- {id: svc2, kind: service}",
      good="- {id: feed-svc, kind: service, name: Feed Service, responsibility: build and page the home timeline}")
def service_without_responsibility(ctx):
    for c in ctx.components:
        if c.kind in COMPUTE_KINDS and not (c.responsibility and c.responsibility.strip()):
            if c.name:
                yield Hit(c, f"{c.id} ('{c.name}') has a name but no responsibility", severity="info")
            else:
                yield Hit(c, f"{c.id}, a {c.kind.value}, has neither a name nor a responsibility")


@rule("HLD-014", "Store without what it holds", severity="warning", playbook=P_STORES,
      why="A data store or cache is defined by its data; without it no one can check the access pattern, "
          "the size or the consistency it needs.",
      fix="Say what it holds (holds: in words) or list the stored entities it keeps (entities: [...]).",
      bad="- {id: db, kind: data_store, technology: PostgreSQL}",
      good="- {id: db, kind: data_store, technology: PostgreSQL, holds: users and their follow edges}")
def store_without_contents(ctx):
    for c in ctx.components:
        if c.kind in (ComponentKind.data_store, ComponentKind.cache) and not c.holds and not ctx.held_entities(c):
            yield Hit(c, f"{c.id}, a {c.kind.value}, does not say what it holds")


def _storage_kind_known(ctx, c) -> bool:
    if c.storage is not None:
        return True
    opt = ctx.option(c)
    return opt is not None and opt.table == "data_storage"


@rule("HLD-015", "Data store without a storage kind", severity="warning", playbook=P_STORES,
      why="Relational, key-value, wide-column, document, object and the rest fit different access patterns; "
          "until the kind is named the store's fit cannot be judged at all.",
      fix="Set storage (one of the eight kinds), or a technology that implies it (e.g. DynamoDB -> key_value).",
      bad="- {id: db, kind: data_store, holds: posts}",
      good="- {id: db, kind: data_store, holds: posts, storage: relational, technology: PostgreSQL}")
def store_without_kind(ctx):
    for c in ctx.components:
        if c.kind is ComponentKind.data_store and not _storage_kind_known(ctx, c):
            yield Hit(c, f"data store {c.id} names no storage kind (relational, key_value, wide_column, ...)")


@rule("HLD-016", "Data store without a technology", severity="info", playbook=P_STORES,
      why="A rough tech choice ('PostgreSQL', 'DynamoDB') makes the capacity and the failure behaviour "
          "concrete; the playbook asks for it without over-committing.",
      fix="Add a rough technology, e.g. PostgreSQL, Cassandra, S3.",
      bad="- {id: db, kind: data_store, storage: relational}",
      good="- {id: db, kind: data_store, storage: relational, technology: PostgreSQL}")
def store_without_technology(ctx):
    for c in ctx.components:
        if c.kind is ComponentKind.data_store and not c.technology and _storage_kind_known(ctx, c):
            kind = c.storage.value if c.storage else ctx.option(c).id
            yield Hit(c, f"data store {c.id} ({kind}) names no technology")


@rule("HLD-017", "Load balancer without L4 or L7", severity="info", playbook=P_START,
      why="L4 is fastest and suits long-lived connections; L7 routes by path, terminates TLS and rate-limits. "
          "Naming the layer says what the balancer is for.",
      fix="Set layer: L4 or L7 on the load balancer.",
      bad="- {id: lb, kind: load_balancer}", good="- {id: lb, kind: load_balancer, layer: L7}")
def lb_without_layer(ctx):
    for c in ctx.components:
        if c.kind is ComponentKind.load_balancer and c.layer is None and c.option not in ("l4", "l7"):
            yield Hit(c, f"load balancer {c.id} does not say L4 or L7")


@rule("HLD-018", "Queue or stream on no async edge", severity="warning", playbook=P_ASYNC,
      why="A queue is only half a pathway until its consumers are drawn; who reads it, and what happens to "
          "what they fail on, is where async designs go wrong.",
      fix="Add an async edge: producer -> this queue or stream -> consumers (and its dead-letter queue).",
      bad="components: [{id: jobs, kind: queue}]  # no async_edges use it",
      good="async_edges:\n  - {id: e, use_case: post, producer: post-svc, via: jobs, consumers: [fanout-worker]}")
def queue_unused(ctx):
    arch = ctx.arch
    if arch is None:
        return
    used = {a.via for a in arch.async_edges} | {a.dead_letter for a in arch.async_edges}
    for c in arch.components:
        if c.kind in QUEUE_KINDS and c.id not in used:
            yield Hit(c, f"{c.kind.value} {c.id} is on no async edge: no producer or consumer is drawn for it")


@rule("HLD-019", "Async consumer that does no work", severity="warning", playbook=P_ASYNC,
      why="Messages are consumed by code: a service, a worker, or a gateway pushing to clients. A store, "
          "balancer or client listed as a consumer hides the worker that actually reads, retries and writes.",
      fix="Put the consuming worker in consumers, and draw its write to the store as a path.",
      bad="- {id: e, producer: svc, via: events, consumers: [search-index]}",
      good="- {id: e, producer: svc, via: events, consumers: [indexer]}\n# write path: [indexer, search-index]",
      false_positives="A store with built-in ingestion from the stream (e.g. a database's Kafka engine): model "
                      "the ingestion as a worker, or disable the rule.")
def consumer_does_no_work(ctx):
    for a in (ctx.arch.async_edges if ctx.arch else []):
        for cid in a.consumers:
            c = _comp(ctx, cid)
            if c is not None and c.kind not in CONSUMER_KINDS:
                yield Hit(a, f"async edge '{a.id}': consumer {cid} is a {c.kind.value}, which runs no consumer code")


@rule("HLD-020", "External dependency not connected", severity="warning", playbook=P_EXTERNAL,
      why="A third-party API is a dependency with its own latency and failures; drawing it without saying "
          "who calls it and when leaves its timeout and fallback unplanned.",
      fix="Add an external call (caller, purpose, sync or not, timeout, fallback) or put it on a path.",
      bad="components: [{id: stripe, kind: external}]  # no external_calls",
      good="external_calls:\n  - {id: charge, caller: payment-svc, external: stripe, sync: true, timeout: 2 s}")
def external_unused(ctx):
    arch = ctx.arch
    if arch is None:
        return
    for c in arch.components:
        if c.kind is ComponentKind.external and not ctx.on_external_call(c.id) and not ctx.flows_through(c.id):
            yield Hit(c, f"external {c.id} is called by no external call or path")


@rule("HLD-021", "Component that serves no use case", severity="warning", playbook=P_GROUNDED,
      why="Every box should trace to a use case in scope; one that no path, async edge or external call of "
          "an in-scope use case touches is gold-plating, or a path that was never drawn.",
      fix="Draw the path that uses it (or list the use cases it serves in use_cases), or remove it.",
      bad="components: [..., {id: search, kind: data_store}]  # on no path",
      good="read_paths: [{id: r-search, use_case: search, hops: [client, lb, search-svc, search]}]",
      false_positives="Infrastructure off the request path (a config store, a metrics pipeline): list the use "
                      "cases it supports in its use_cases.")
def component_without_use_case(ctx):
    arch = ctx.arch
    if arch is None or not any(f.use_case for _, f in ctx.flows()) and not any(
            a.use_case for a in arch.async_edges):
        return  # nothing is tied to use cases yet; HLD-003 and HLD-011 say so
    for c in arch.components:
        ucs = ctx.use_cases_of(c.id)
        live = {u for u in ucs if u in ctx.use_cases and ctx.use_cases[u].priority is not Priority.out_of_scope}
        if not ucs:
            if c.kind in QUEUE_KINDS or c.kind is ComponentKind.external:
                continue  # HLD-018 and HLD-020 say it more precisely
            yield Hit(c, f"{c.id} serves no use case: it is on no path, async edge or external call")
        elif not live:
            yield Hit(c, f"{c.id} serves only out-of-scope use cases ({', '.join(sorted(ucs))})")


@rule("HLD-022", "Must-have use case with no path", severity="error", playbook=P_PATHS,
      why="A must-have use case is what the system must absolutely do; if no path serves it, the design does "
          "not do it, whatever else it does well.",
      fix="Draw its read or write path from the client inward (and its async edges, if any).",
      bad="use_cases: [{id: redirect, priority: must}]\nread_paths: []  # nothing for redirect",
      good="read_paths:\n  - {id: r, use_case: redirect, hops: [client, lb, redirect-svc, url-cache]}")
def must_without_path(ctx):
    if not _has_paths(ctx):
        return  # no paths at all is HLD-003
    for u in ctx.must:
        if not _paths_of(ctx, u.id):
            yield Hit(u, f"must-have use case '{u.id}' has no path through the architecture")


@rule("HLD-023", "Should-have use case with no path", severity="info", playbook=P_PATHS,
      why="An in-scope use case without a path is scope agreed and not designed; either draw it or move it out "
          "of scope with a why.",
      fix="Draw its path, or set its priority to out_of_scope with a why.",
      bad="use_cases: [{id: stats, priority: should}]  # no path for stats",
      good="read_paths: [{id: r-stats, use_case: stats, hops: [client, lb, stats-svc, stats-db]}]")
def should_without_path(ctx):
    if not _has_paths(ctx):
        return
    for u in ctx.design.use_cases:
        if u.priority is Priority.should and not _paths_of(ctx, u.id):
            yield Hit(u, f"should-have use case '{u.id}' has no path through the architecture")


presence("HLD-024", "No check-in", section=_arch, field="check_in", label="the check-in with the interviewer",
         severity="info", playbook=P_CHECK_IN,
         applies=lambda ctx: bool(ctx.arch.components),
         why="Checking in before the deep dives catches a misunderstanding while it is cheap, and hands the "
             "interviewer the choice of where to go deeper.",
         fix="Add architecture.check_in: a two-sentence summary of the flow and 'does this make sense before I "
             "go deeper?'.",
         bad="architecture:\n  components: [...]",
         good="architecture:\n  check_in: Reads come from the timeline cache, writes fan out async. Makes sense?")

presence("HLD-025", "Interesting challenges not named", section=_arch, field="interesting_challenges",
         label="the interesting challenges", severity="info", playbook=P_CHALLENGES,
         applies=lambda ctx: bool(ctx.arch.components),
         why="Naming the hardest problems is how a principal drives the conversation into the deep dives that "
             "matter, rather than waiting to be asked.",
         fix="List two or three architecture.interesting_challenges, each tied to a number or a requirement.",
         bad="architecture:\n  check_in: ...",
         good="architecture:\n"
              "  interesting_challenges: [hot keys on viral links at 50K clicks/s, unique code generation]")

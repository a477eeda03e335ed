"""API: deep dive on API design. Key endpoints and methods, pagination (cursor vs offset),
rate limiting and auth, versioning; and whether the API serves the requirements (every
must-have use case reachable, real-time pushed, nothing out of scope gold-plated)."""

from __future__ import annotations

from tradeoff.model.design import ComponentKind, Operation, Pagination, Priority, Protocol, Realtime
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_ENDPOINTS = "Deep dive, API design: key endpoints and methods"
P_PAGINATION = "Deep dive, API design: pagination (cursor vs. offset)"
P_LIMITS = "Deep dive, API design: rate limiting and auth"
P_VERSIONING = "Deep dive, API design: versioning approach"
P_GROUNDED = "Stay grounded in requirements: every decision traces to Phase 1; catch yourself gold-plating"
P_PUSH = "Communication table: WebSocket (real-time bidirectional) and SSE (server-to-client push)"

PUSH_PROTOCOLS = (Protocol.websocket, Protocol.sse)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE", "WS", "RPC")


def _api(ctx):
    return ctx.dd.api_design if ctx.dd else None


def _sec(ctx):
    return ctx.dd.security if ctx.dd else None


def _text(value) -> bool:
    return bool(value and str(value).strip())


def _is_collection(path: str) -> bool:
    """A path whose last segment is a name, not a parameter: /v1/links, not /v1/links/{code}."""
    p = path.split("?")[0].strip().rstrip("/")
    last = p.rsplit("/", 1)[-1].split(" ")[0] if p else ""
    return bool(last) and not (last.startswith("{") or last.startswith(":") or last.startswith("<"))


def _get_collections(api) -> list:
    return [e for e in api.endpoints if e.method == "GET" and _is_collection(e.path)]


def _rate_limit_stated(ctx) -> bool:
    api, sec = _api(ctx), _sec(ctx)
    return (api is not None and _text(api.rate_limiting)) or (sec is not None and _text(sec.rate_limiting))


# --- presence: the four sub-items of the dive ---------------------------------------------

presence("API-001", "No endpoints", section=_api, field="endpoints", label="the key endpoints and methods",
         severity="warning", playbook=P_ENDPOINTS,
         why="The endpoints are the contract with clients; sketching them checks that every use case has a "
             "way in and that methods and resources are chosen deliberately.",
         fix="List api_design.endpoints: method, path and use case for each key operation.",
         bad="api_design: {style: rest}",
         good="api_design:\n  endpoints:\n    - {method: POST, path: /v1/links, use_case: shorten}")

presence("API-002", "Pagination not chosen", section=_api, field="pagination",
         label="pagination (cursor vs offset)", severity="warning", playbook=P_PAGINATION,
         satisfied=lambda ctx, sec: sec.pagination is not None or _text(sec.pagination_note) or (
             bool(sec.endpoints) and not _get_collections(sec)),
         why="Listing endpoints without a paging contract return unbounded responses; cursor and offset "
             "paging behave differently when new items arrive and at depth.",
         fix="Set api_design.pagination (cursor for feeds and large or changing lists) and say why in "
             "pagination_note.",
         bad="api_design:\n  endpoints: [{method: GET, path: /v1/feed}]",
         good="api_design:\n  endpoints: [{method: GET, path: /v1/feed}]\n  pagination: cursor")

presence("API-003", "Rate limiting not stated", section=_api, field="rate_limiting", label="rate limiting",
         severity="warning", playbook=P_LIMITS,
         satisfied=lambda ctx, sec: _rate_limit_stated(ctx),
         why="Without limits one client (or one bug, or one scraper) can take the service down for everyone; "
             "per-key and per-IP quotas are how a public API protects its capacity.",
         fix="State api_design.rate_limiting: the key (user, API key, IP), the limits, the algorithm "
             "(token bucket) and where it is enforced.",
         bad="api_design: {endpoints: [...]}",
         good="api_design:\n  rate_limiting: token bucket per API key at the gateway, 100 req/s burst")

presence("API-004", "Authentication not stated", section=_api, field="auth", label="authentication",
         severity="warning", playbook=P_LIMITS,
         satisfied=lambda ctx, sec: _text(sec.auth) or (_sec(ctx) is not None and _text(_sec(ctx).authn)),
         why="Who may call which endpoint decides the gateway's work, the token format and what an attacker "
             "can reach; an API without it is open to anyone.",
         fix="State api_design.auth (or security.authn): OAuth/OIDC tokens, API keys, which endpoints are public.",
         bad="api_design: {endpoints: [...]}",
         good="api_design:\n  auth: OAuth 2.0 access tokens (JWT, 15 min); redirects are public")

presence("API-005", "Versioning not stated", section=_api, field="versioning", label="the versioning approach",
         severity="warning", playbook=P_VERSIONING,
         why="Mobile clients and API customers upgrade on their own schedule; without a versioning rule every "
             "change to a response is a breaking change for someone.",
         fix="State api_design.versioning: URI or header versions, what counts as additive, the deprecation window.",
         bad="api_design: {endpoints: [...]}",
         good="api_design:\n  versioning: /v1 in the path; additive changes only; 6-month deprecation")


# --- structure ----------------------------------------------------------------------------

@rule("API-006", "Must-have use case with no endpoint", severity="warning", playbook=P_ENDPOINTS,
      why="A must-have use case that no endpoint serves has no way in: the API does not yet do what the "
          "system must absolutely do.",
      fix="Add an endpoint whose use_case is the must-have use case (or tag the existing one that serves it).",
      bad="use_cases: [{id: redirect}]\napi_design: {endpoints: [{method: POST, path: /v1/links, use_case: shorten}]}",
      good="api_design:\n  endpoints:\n    - {method: GET, path: '/{code}', use_case: redirect}",
      false_positives="A must-have use case with no client request (a scheduled job): give the use case a "
                      "should priority or note it in the endpoint list.")
def must_without_endpoint(ctx):
    api = _api(ctx)
    if api is None or not api.endpoints:
        return
    served = {e.use_case for e in api.endpoints}
    for u in ctx.must:
        if u.id not in served:
            yield Hit(api, f"must-have use case '{u.id}' has no endpoint")


@rule("API-007", "Collection endpoint without pagination", severity="warning", playbook=P_PAGINATION,
      why="A GET on a collection with pagination 'none' returns the whole list: response size, latency and "
          "memory grow with the data, and one large account times out.",
      fix="Page the collection (cursor for lists that change while being read) and set api_design.pagination.",
      bad="api_design:\n  endpoints: [{method: GET, path: /v1/links}]\n  pagination: none",
      good="api_design:\n  endpoints: [{method: GET, path: /v1/links}]\n  pagination: cursor",
      false_positives="A path ending in a name that is a single resource (/v1/me, /health) reads as a "
                      "collection; give it a parameterised path or ignore the finding.")
def collection_unpaged(ctx):
    api = _api(ctx)
    if api is None or api.pagination is not Pagination.none:
        return
    for e in _get_collections(api):
        yield Hit(e, f"GET {e.path} lists a collection and pagination is 'none': the whole list in one response")


@rule("API-008", "Offset pagination on a large or time-ordered dataset", severity="info", playbook=P_PAGINATION,
      why="Offset paging rescans the skipped rows on every page (O(offset)), and skips or repeats items when "
          "new ones arrive at the head of a time-ordered list; a cursor (keyset) stays cheap and stable.",
      fix="Use cursor (keyset) pagination over the sort key, e.g. 'created_at < cursor'.",
      bad="queries: [time_range]\napi_design: {pagination: offset}",
      good="queries: [time_range]\napi_design: {pagination: cursor}",
      false_positives="Offset is fine for small, rarely changing lists (admin tables, search results a user "
                      "rarely pages past the first few).")
def offset_pagination(ctx):
    api = _api(ctx)
    if api is None or api.pagination is not Pagination.offset:
        return
    why = []
    queries = ctx.facts.get("queries") or set()
    ordered = sorted(q for q in queries if q in ("time_range", "range_scan"))
    if ordered:
        why.append(f"the access patterns include {' and '.join(ordered)}")
    total = ctx.est.value("storage.total")
    if total is not None and total >= ctx.threshold("node_storage"):
        why.append(f"{ctx.fmt('node_storage', total)} of data (at or above one node's {ctx.fmt('node_storage')})")
    if why:
        yield Hit(api, f"offset pagination while {'; '.join(why)}: deep pages rescan, and new items shift pages")


def _pushes(ctx) -> bool:
    for _, f in ctx.flows():
        if f.protocol in PUSH_PROTOCOLS or any(h.protocol in PUSH_PROTOCOLS for h in f.hops):
            return True
    for c in ctx.components:
        o = ctx.option(c)
        if c.kind is ComponentKind.realtime_gateway or (o is not None and o.id in ("websocket", "sse")):
            return True
    api = _api(ctx)
    if api is not None and (api.style in PUSH_PROTOCOLS or any(e.method in ("WS", "SSE") for e in api.endpoints)):
        return True
    return False


@rule("API-009", "Real-time requirement with no push channel", severity="error", playbook=P_PUSH,
      why="The requirements ask the server to push to clients; with only request/response the client must "
          "poll, which is chatty, slow to deliver and costly at scale. The requirement is not met.",
      fix="Add a push channel: WebSocket (bidirectional) or SSE (server push) through a realtime gateway, on "
          "the delivery flow and in the API's endpoints.",
      bad="access_patterns: {realtime: server_push}\nread_paths: [{protocol: rest, hops: [client, api]}]",
      good="components: [{id: push-gw, kind: realtime_gateway}]\nendpoints: [{method: SSE, path: /v1/events}]")
def realtime_without_push(ctx):
    rt = ctx.facts.get("realtime")
    if rt not in (Realtime.server_push.value, Realtime.bidirectional.value):
        return
    at = ctx.arch if ctx.arch is not None else _api(ctx)
    if at is None or _pushes(ctx):
        return
    yield Hit(at, f"the requirements ask for real-time {rt.replace('_', ' ')}, but no flow, endpoint or component "
                  "uses WebSocket or SSE (and there is no realtime gateway)")


def _entry(ctx):
    """The first component a client's request reaches (for a finding's line), else the architecture."""
    for _, f in ctx.flows():
        first = ctx.component(f.hops[0].component)
        if first is not None and first.kind is ComponentKind.client:
            for h in f.hops[1:]:
                c = ctx.component(h.component)
                if c is not None and c.kind is not ComponentKind.dns:
                    return c
    return ctx.arch


@rule("API-010", "No rate limiting anywhere", severity="warning", playbook=P_LIMITS,
      why="Nothing stands between a client and the service's capacity: a retry loop, a scraper or an abusive "
          "tenant can exhaust it for every other user.",
      fix="Add rate limits: an API gateway with per-key quotas, api_design.rate_limiting or "
          "security.rate_limiting, or a component resilience.rate_limit at the entry.",
      bad="components: [{id: client, kind: client}, {id: lb, kind: load_balancer}, {id: api, kind: service}]",
      good="components: [..., {id: gw, kind: api_gateway, responsibility: auth and per-key quotas}]")
def no_rate_limiting(ctx):
    # with an API or security dive, its own rate-limiting item (API-003, SEC-008) speaks instead
    if ctx.arch is None or not ctx.deep_dives_started or _api(ctx) is not None or _sec(ctx) is not None:
        return
    if not any(c.kind is ComponentKind.client for c in ctx.components):
        return
    for c in ctx.components:
        if c.kind is ComponentKind.api_gateway or (c.resilience is not None and c.resilience.rate_limit is not None):
            return
    yield Hit(_entry(ctx), "clients reach the system and no gateway, component or deep dive limits their rate")


@rule("API-011", "Endpoint for an out-of-scope use case", severity="warning", playbook=P_GROUNDED,
      why="The scope says this use case is not being designed; an endpoint for it is gold-plating that spends "
          "interview time and API surface on what was agreed to leave out.",
      fix="Drop the endpoint, or bring the use case back into scope (priority should or must) with a why.",
      bad="use_cases: [{id: analytics, priority: out_of_scope}]\nendpoints: [{method: GET, path: /v1/analytics, "
          "use_case: analytics}]",
      good="endpoints: []  # analytics stays out of scope")
def out_of_scope_endpoint(ctx):
    api = _api(ctx)
    for e in (api.endpoints if api else []):
        u = ctx.use_cases.get(e.use_case) if e.use_case else None
        if u is not None and u.priority is Priority.out_of_scope:
            yield Hit(e, f"{e.method} {e.path} serves '{u.id}', which the requirements put out of scope")


@rule("API-012", "Write use case reachable only through GET", severity="warning", playbook=P_ENDPOINTS,
      why="GET must be safe and idempotent: crawlers, link previews, prefetchers and caches replay GETs "
          "freely, so a write behind a GET happens when nobody asked for it.",
      fix="Serve the write with POST (create), PUT/PATCH (update) or DELETE; keep GET for reads.",
      bad="traffic: [{use_case: follow, operation: write}]\nendpoints: [{method: GET, path: /v1/follow, use_case: follow}]",
      good="endpoints: [{method: PUT, path: '/v1/follows/{user_id}', use_case: follow}]")
def write_via_get(ctx):
    api = _api(ctx)
    if api is None:
        return
    by_uc: dict[str, list] = {}
    for e in api.endpoints:
        if e.use_case:
            by_uc.setdefault(e.use_case, []).append(e)
    for uc, eps in by_uc.items():
        if ctx.operation.get(uc) is Operation.write and not any(e.method in WRITE_METHODS for e in eps):
            yield Hit(eps[0], f"write use case '{uc}' is served only by GET ({', '.join(e.path for e in eps)})")


@rule("API-013", "No API design deep dive", severity="info", playbook=P_ENDPOINTS,
      why="Clients call the system, and the endpoints, paging, limits, auth and versioning are its contract; "
          "the dive may simply not have come up yet.",
      fix="Add deep_dives.api_design: endpoints, pagination, rate limiting and auth, versioning.",
      bad="deep_dives: {caching: {...}}", good="deep_dives:\n  api_design: {style: rest, endpoints: [...]}")
def no_api_dive(ctx):
    if not ctx.deep_dives_started or _api(ctx) is not None:
        return
    if any(c.kind is ComponentKind.client for c in ctx.components):
        yield Hit(ctx.dd, "clients call the system but there is no API design deep dive")

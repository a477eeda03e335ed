"""The Design: one typed model, one section per phase of the playbook.

Every section is optional (a candidate ten minutes in has only Phase 1 and 2); every key is
checked (`extra="forbid"`), so a typo is an error with a "did you mean", never ignored.
Each element remembers where it came from (see `Element.source_path` and `Design.locate`).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from tradeoff.model.types import (
    Bytes, Count, DataRate, Duration, Fraction, Id, Multiplier, Rate, Ratio, Ref, Text,
)


class Element(BaseModel):
    """Base of every model node: strict keys, and a path back into the YAML source."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_assignment=False)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def source_path(self) -> tuple[str | int, ...]:
        """Where this element sits in the design file, e.g. ('architecture', 'components', 3)."""
        return self._path


def _hop_shorthand(value: Any) -> Any:
    return {"component": value} if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------
# Phase 1: requirements
# ---------------------------------------------------------------------------------------

class Priority(str, Enum):
    must = "must"
    should = "should"
    out_of_scope = "out_of_scope"


class UseCase(Element):
    """A core use case: what the system must absolutely do."""

    id: Id
    name: Text
    description: Text | None = None
    priority: Priority = Priority.must
    why: Text | None = Field(None, description="why this priority; required in spirit for out_of_scope")
    actors: list[Text] = Field(default_factory=list)


class Users(Element):
    """Who the users are and how many: DAU, MAU, growth trajectory."""

    description: Text | None = None
    dau: Count | None = None
    mau: Count | None = None
    daily_active_fraction: Fraction | None = Field(None, description="DAU/MAU; with mau, derives dau")
    growth: Text | None = Field(None, description="the growth trajectory in words")
    growth_per_year: Multiplier | None = Field(None, description="yearly growth factor, e.g. 2x")
    peak_concurrent: Count | None = Field(None, description="peak concurrent users (open connections, sessions)")
    regions: list[Text] = Field(default_factory=list)


class TrafficShape(str, Enum):
    steady = "steady"
    bursty = "bursty"
    diurnal = "diurnal"


class Processing(str, Enum):
    real_time = "real_time"
    batch = "batch"
    mixed = "mixed"


class QueryKind(str, Enum):
    """The shapes of query a system must answer; they decide which storage options fit."""

    key_lookup = "key_lookup"
    range_scan = "range_scan"
    time_range = "time_range"
    full_text = "full_text"
    faceted_filter = "faceted_filter"
    graph_traversal = "graph_traversal"
    joins = "joins"
    transactions = "transactions"
    ad_hoc = "ad_hoc"
    aggregation = "aggregation"
    blob = "blob"


class Realtime(str, Enum):
    none = "none"
    server_push = "server_push"
    bidirectional = "bidirectional"


class AccessPatterns(Element):
    """Read-heavy or write-heavy? Bursty or steady? Real-time or batch?"""

    read_write_ratio: Ratio | None = Field(None, description="reads per write, e.g. 100:1")
    shape: TrafficShape | None = None
    processing: Processing | None = None
    queries: list[QueryKind] = Field(default_factory=list, description="the kinds of query the system answers")
    realtime: Realtime | None = Field(None, description="does the server push to clients, one way or both ways")
    notes: Text | None = None


class Stage(str, Enum):
    early = "early"
    growth = "growth"
    mature = "mature"


class Context(Element):
    """Team and stage: they decide monolith vs microservices as much as traffic does."""

    stage: Stage | None = None
    teams: int | None = Field(None, strict=True, ge=1, description="independent teams working on the system")
    engineers: int | None = Field(None, strict=True, ge=1)
    ops_maturity: Literal["low", "medium", "high"] | None = None


class LatencyTarget(Element):
    id: Id | None = None
    use_case: Ref | None = None
    p50: Duration | None = None
    p99: Duration | None = None
    p999: Duration | None = None
    note: Text | None = None


class ConsistencyModel(str, Enum):
    strong = "strong"
    eventual = "eventual"
    read_your_writes = "read_your_writes"
    causal = "causal"
    monotonic_reads = "monotonic_reads"


class ConsistencyTarget(Element):
    id: Id | None = None
    use_case: Ref | None = None
    scope: Text | None = Field(None, description="which data or operation, in words")
    model: ConsistencyModel
    why: Text | None = None


class Availability(Element):
    id: Id = "availability"
    target: Fraction
    use_cases: list[Ref] = Field(default_factory=list, description=(
        "the use cases the target is for (default: every must-have use case)"))
    note: Text | None = None


class Durability(Element):
    id: Id = "durability"
    target: Fraction | None = None
    note: Text | None = None


class ComplianceItem(Element):
    id: Id
    regime: Text | None = Field(None, description="e.g. GDPR, HIPAA, PCI DSS, SOC 2")
    requirement: Text


class NonFunctional(Element):
    """Latency (p50/p99), availability, consistency per use case, durability, compliance."""

    latency: list[LatencyTarget] = Field(default_factory=list)
    availability: Availability | None = None
    consistency: list[ConsistencyTarget] = Field(default_factory=list)
    durability: Durability | None = None
    compliance: list[ComplianceItem] = Field(default_factory=list)


class OutOfScope(Element):
    item: Text
    why: Text | None = None


class Scope(Element):
    """'I'll focus on X and Y, treating Z as out of scope; sound good?'"""

    in_scope: list[Text] = Field(default_factory=list)
    out_of_scope: list[OutOfScope] = Field(default_factory=list)
    confirmed: bool | None = Field(None, description="the interviewer agreed to the scope")


class Requirements(Element):
    restatement: Text | None = Field(None, description="the problem in your own words")
    use_cases: list[UseCase] = Field(default_factory=list)
    users: Users | None = None
    access_patterns: AccessPatterns | None = None
    non_functional: NonFunctional | None = None
    scope: Scope | None = None
    context: Context | None = None
    assumptions: list[Text] = Field(default_factory=list)
    clarifying_questions: list[Text] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Phase 2: back-of-the-envelope inputs
# ---------------------------------------------------------------------------------------

class Operation(str, Enum):
    read = "read"
    write = "write"


class Traffic(Element):
    """How often one use case happens, and how big its requests and responses are.

    Give exactly one of `requests_per_user_per_day` (times DAU), `rate` (e.g. 100M/day), or
    `relative_to` with `ratio` (e.g. 10 reads per shorten)."""

    use_case: Ref
    operation: Operation
    requests_per_user_per_day: Count | None = None
    rate: Rate | None = None
    relative_to: Ref | None = None
    ratio: Multiplier | None = None
    request_size: Bytes | None = None
    response_size: Bytes | None = None
    fanout: Count | None = Field(None, description="deliveries per request, e.g. followers per post")
    peak_multiplier: Multiplier | None = Field(None, description="overrides the design's peak multiplier")

    @model_validator(mode="after")
    def _one_source(self) -> "Traffic":
        given = [n for n in ("requests_per_user_per_day", "rate", "relative_to") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give only one of {', '.join(given)}")
        if self.relative_to is not None and self.ratio is None:
            raise ValueError("relative_to needs a ratio (e.g. ratio: 10 for ten per request of the other use case)")
        if self.ratio is not None and self.relative_to is None:
            raise ValueError("ratio needs relative_to (the use case it is relative to)")
        return self


class StoredEntity(Element):
    """Something the system keeps: its size, how many arrive a day, how long it stays."""

    id: Id
    holds: Text | None = Field(None, description="what it is, in words")
    size: Bytes
    new_per_day: Count | None = None
    from_use_case: Ref | None = Field(None, description="one new entity per request of this use case")
    per_request: float = Field(1.0, strict=True, ge=0, description="entities per request of from_use_case")
    retention: Duration | None = Field(None, description="how long it is kept; absent = kept forever")
    hot_window: Duration | None = Field(None, description="how long it stays hot (recent, frequently read)")
    replication_factor: int = Field(1, strict=True, ge=1, description="copies kept; multiplies raw storage")
    store: Ref | None = Field(None, description="the component that holds it")

    @model_validator(mode="after")
    def _one_source(self) -> "StoredEntity":
        if self.new_per_day is not None and self.from_use_case is not None:
            raise ValueError("give new_per_day or from_use_case, not both")
        return self


class CacheSizing(Element):
    """The 80/20 rule: cache a fraction of the daily read volume."""

    fraction_of_daily_reads: Fraction = 0.2
    use_cases: list[Ref] = Field(default_factory=list, description="read use cases to cache; default all")
    object_size: Bytes | None = Field(None, description="default: each read use case's response size")


class Convention(str, Enum):
    exact = "exact"
    shortcut = "shortcut"


class Estimates(Element):
    convention: Convention = Convention.exact
    peak_multiplier: Multiplier | None = Field(None, description="peak over average, typically 2-5x")
    traffic: list[Traffic] = Field(default_factory=list)
    storage: list[StoredEntity] = Field(default_factory=list)
    cache: CacheSizing | None = None
    horizon: Duration | None = Field(None, description="storage horizon for data kept forever; default 5 years")
    stated: dict[str, Any] = Field(default_factory=dict, description="numbers the candidate stated, by metric")
    thresholds: dict[str, Any] = Field(default_factory=dict, description="overrides of the thresholds table")
    prices: dict[str, Any] = Field(default_factory=dict, description=(
        "overrides of the price catalog, the same shape as a prices file (e.g. {node_hour: {service: 0.2}})"))


# ---------------------------------------------------------------------------------------
# Phase 3: high-level design
# ---------------------------------------------------------------------------------------

class ComponentKind(str, Enum):
    client = "client"
    dns = "dns"
    cdn = "cdn"
    load_balancer = "load_balancer"
    api_gateway = "api_gateway"
    service_mesh = "service_mesh"
    service = "service"
    realtime_gateway = "realtime_gateway"
    worker = "worker"
    scheduler = "scheduler"
    cache = "cache"
    data_store = "data_store"
    queue = "queue"
    event_stream = "event_stream"
    coordination = "coordination"
    external = "external"


#: the tier of the canvas each kind sits in, client -> edge -> gateway -> services -> data
KIND_TIER: dict[ComponentKind, str] = {
    ComponentKind.client: "client",
    ComponentKind.dns: "edge",
    ComponentKind.cdn: "edge",
    ComponentKind.load_balancer: "edge",
    ComponentKind.api_gateway: "gateway",
    ComponentKind.service_mesh: "gateway",
    ComponentKind.realtime_gateway: "gateway",
    ComponentKind.service: "service",
    ComponentKind.worker: "service",
    ComponentKind.scheduler: "service",
    ComponentKind.cache: "data",
    ComponentKind.data_store: "data",
    ComponentKind.queue: "async",
    ComponentKind.event_stream: "async",
    ComponentKind.coordination: "data",
    ComponentKind.external: "external",
}

STATEFUL_KINDS = frozenset({
    ComponentKind.cache, ComponentKind.data_store, ComponentKind.queue,
    ComponentKind.event_stream, ComponentKind.coordination,
})


class StorageKind(str, Enum):
    """The eight kinds of the playbook's data storage table."""

    relational = "relational"
    document = "document"
    wide_column = "wide_column"
    key_value = "key_value"
    graph = "graph"
    search = "search"
    time_series = "time_series"
    object_store = "object_store"


class CacheLayer(str, Enum):
    client = "client"
    cdn = "cdn"
    app = "app"
    local = "local"


class LBLayer(str, Enum):
    L4 = "L4"
    L7 = "L7"


class Protocol(str, Enum):
    rest = "rest"
    graphql = "graphql"
    grpc = "grpc"
    websocket = "websocket"
    sse = "sse"
    tcp = "tcp"


class Backoff(str, Enum):
    none = "none"
    fixed = "fixed"
    exponential = "exponential"
    exponential_jitter = "exponential_jitter"


class ServiceDistribution(str, Enum):
    exponential = "exponential"
    lognormal = "lognormal"
    deterministic = "deterministic"


class Capacity(Element):
    """Capacity hints for one replica (else the knowledge base's per-node figures apply)."""

    max_qps_per_replica: Count | None = None
    service_time: Duration | None = Field(None, description="mean time to serve one request")
    concurrency: int | None = Field(None, strict=True, ge=1, description="requests one replica serves at once")
    queue_limit: int | None = Field(None, strict=True, ge=0, description="waiting requests before rejection")
    distribution: ServiceDistribution | None = Field(None, description=(
        "shape of the service time for the simulator (default exponential, as the capacity model assumes)"))
    cv: float | None = Field(None, strict=False, gt=0, le=20, description=(
        "coefficient of variation (standard deviation / mean) of a log-normal service time; default 1"))
    storage_per_node: Bytes | None = None
    memory_per_node: Bytes | None = None
    network_per_node: DataRate | None = None
    connections_per_node: Count | None = None


class Resilience(Element):
    """How calls made by (or to) this component behave under trouble."""

    timeout: Duration | None = None
    retries: int | None = Field(None, strict=True, ge=0)
    backoff: Backoff | None = None
    circuit_breaker: bool | None = None
    bulkhead: bool | None = None
    fallback: Text | None = Field(None, description="graceful degradation, e.g. serve stale")
    rate_limit: Rate | None = None


class ComponentCost(Element):
    """Prices for one component where the catalog has none (a third party's API) or the design
    knows better; each replaces the catalog's figure for this component, in the catalog's currency."""

    node_hour: float | None = Field(None, ge=0, description="price of one node (replica) per hour")
    per_million_requests: float | None = Field(None, ge=0, description="price per million requests it serves")
    per_month: float | None = Field(None, ge=0, description="a flat monthly fee (a plan, a support contract)")


class Component(Element):
    id: Id
    kind: ComponentKind
    name: Text | None = Field(None, description="label on the canvas, e.g. Feed Service")
    responsibility: Text | None = None
    technology: Text | None = Field(None, description="rough tech choice, e.g. PostgreSQL")
    option: Text | None = Field(None, description="the reference-table option, e.g. key_value, event_stream")
    storage: StorageKind | None = Field(None, description="for data stores: one of the eight kinds")
    cache_layer: CacheLayer | None = None
    layer: LBLayer | None = Field(None, description="for load balancers: L4 or L7")
    holds: Text | None = Field(None, description="what a data store or cache holds, in words")
    entities: list[Ref] = Field(default_factory=list, description="stored entities it holds")
    replicas: int = Field(1, strict=True, ge=1, description="instances (nodes) in total, across all shards; each serves requests")
    zones: int | None = Field(None, strict=True, ge=1, description="availability zones the replicas span")
    regions: int | None = Field(None, strict=True, ge=1)
    shards: int | None = Field(None, strict=True, ge=1, description="partitions spread over the replicas; copies per shard = replicas / shards")
    partition_key: Text | None = None
    queries: list[QueryKind] = Field(default_factory=list, description="the kinds of query this store serves")
    hit_ratio: Fraction | None = Field(None, description="for caches and CDNs")
    ttl: Duration | None = None
    capacity: Capacity | None = None
    resilience: Resilience | None = None
    availability: Fraction | None = Field(None, description=(
        "availability of one replica (a node); replicas back each other up within the zones they span"))
    sla: Fraction | None = Field(None, description=(
        "published availability of a managed service or a third party as a whole; its replicas and "
        "zones are then the provider's"))
    cost: ComponentCost | None = None
    use_cases: list[Ref] = Field(default_factory=list, description="use cases it serves, beyond its flows")
    notes: Text | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def tier(self) -> str:
        return KIND_TIER[self.kind]


class Hop(Element):
    component: Ref
    calls: float = Field(1.0, strict=True, gt=0, description=(
        "calls per call of the previous hop (fan-out); multiplies along the path. After a cache or CDN "
        "with a hit_ratio, only its misses continue to the next hop"))
    protocol: Protocol | None = None
    note: Text | None = None


def _hops_schema(schema: dict[str, Any]) -> None:
    schema["items"] = {"anyOf": [schema["items"], {"type": "string", "description": "a component id"}]}


class Flow(Element):
    """A read path or a write path: ordered hops from the client inward."""

    id: Id
    use_case: Ref | None = None
    # A hop may be written as a bare component id; _hops turns it into a Hop before validation,
    # and the JSON Schema says so (validating as a union would report both branches' errors).
    hops: list[Hop] = Field(min_length=1, json_schema_extra=_hops_schema)
    protocol: Protocol | None = None
    narration: Text | None = Field(None, description="what you say as you draw it")

    @model_validator(mode="before")
    @classmethod
    def _hops(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("hops"), list):
            data = {**data, "hops": [_hop_shorthand(h) for h in data["hops"]]}
        return data


class DeliveryGuarantee(str, Enum):
    at_most_once = "at_most_once"
    at_least_once = "at_least_once"
    exactly_once = "exactly_once"


class EventPattern(str, Enum):
    """The playbook's event-driven patterns."""

    notification = "notification"
    state_transfer = "state_transfer"
    event_sourcing = "event_sourcing"
    cqrs = "cqrs"
    saga = "saga"


class AsyncEdge(Element):
    """Producer -> queue or stream -> consumers."""

    id: Id
    use_case: Ref | None = None
    producer: Ref
    via: Ref
    consumers: list[Ref] = Field(min_length=1)
    event: Text | None = Field(None, description="what is sent")
    why: Text | None = Field(None, description="why this is async")
    pattern: EventPattern | None = None
    delivery: DeliveryGuarantee | None = None
    dead_letter: Ref | None = Field(None, description="the dead-letter queue component")
    idempotent_consumers: bool | None = None
    ratio: float = Field(1.0, strict=True, gt=0, description="messages per request of the use case")


class ExternalCall(Element):
    id: Id
    use_case: Ref | None = None
    caller: Ref
    external: Ref
    purpose: Text | None = None
    sync: bool = True
    calls: float = Field(1.0, strict=True, gt=0, description="calls per visit of the caller, e.g. 0.005 "
                                                          "when only cache misses are checked")
    timeout: Duration | None = None
    fallback: Text | None = None


class ComputeStyle(str, Enum):
    """The playbook's compute and deployment table."""

    monolith = "monolith"
    microservices = "microservices"
    serverless = "serverless"
    containers_k8s = "containers_k8s"


class Architecture(Element):
    compute: ComputeStyle | None = None
    zone_availability: Fraction | None = Field(None, description=(
        "availability of one availability zone (default from the knowledge base)"))
    components: list[Component] = Field(default_factory=list)
    read_paths: list[Flow] = Field(default_factory=list)
    write_paths: list[Flow] = Field(default_factory=list)
    async_edges: list[AsyncEdge] = Field(default_factory=list)
    external_calls: list[ExternalCall] = Field(default_factory=list)
    check_in: Text | None = Field(None, description="'Does this high-level flow make sense before I go deeper?'")
    interesting_challenges: list[Text] = Field(default_factory=list)

    def component(self, cid: str) -> Component | None:
        return next((c for c in self.components if c.id == cid), None)


# ---------------------------------------------------------------------------------------
# Phase 4: deep dives (the twelve topics, each sub-item a field)
# ---------------------------------------------------------------------------------------

class EntitySketch(Element):
    name: Text
    key: Text | None = None
    fields: list[Text] = Field(default_factory=list)
    relationships: list[Text] = Field(default_factory=list)


class DataModel(Element):
    entities: list[EntitySketch] = Field(default_factory=list, description="core entities and relationships")
    access_patterns: list[Text] = Field(default_factory=list, description="primary access patterns")
    schema_evolution: Text | None = None
    tables: list[Text] = Field(default_factory=list, description="key tables/collections sketched")


class RejectedOption(Element):
    option: Text
    why: Text | None = None


class StorageChoice(Element):
    component: Ref | None = None
    why: Text | None = Field(None, description="why this tech over alternatives")
    gain: Text | None = None
    lose: Text | None = None
    access_pattern_match: Text | None = None
    rejected: list[RejectedOption] = Field(default_factory=list)


class StorageTechnology(Element):
    choices: list[StorageChoice] = Field(default_factory=list)


class Partitioning(Element):
    component: Ref | None = None
    key: Text | None = Field(None, description="partition key")
    rationale: Text | None = None
    hot_partition_mitigation: Text | None = None
    repartitioning: Text | None = None
    access_pattern_interaction: Text | None = None


class CachePolicy(str, Enum):
    aside = "aside"
    through = "through"
    behind = "behind"


class Invalidation(str, Enum):
    ttl = "ttl"
    event = "event"
    version = "version"


class Caching(Element):
    layers: list[CacheLayer] = Field(default_factory=list, description="which layers benefit")
    policy: CachePolicy | None = None
    invalidation: list[Invalidation] = Field(default_factory=list)
    thundering_herd: Text | None = None
    notes: Text | None = None


class AsyncProcessing(Element):
    what_and_why: Text | None = None
    delivery: DeliveryGuarantee | None = None
    failures_and_retries: Text | None = None
    dead_letter: Text | None = None
    idempotency: Text | None = None


class Endpoint(Element):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "WS", "SSE", "RPC"]
    path: Text
    use_case: Ref | None = None
    description: Text | None = None


class Pagination(str, Enum):
    cursor = "cursor"
    offset = "offset"
    none = "none"


class ApiDesign(Element):
    style: Protocol | None = None
    endpoints: list[Endpoint] = Field(default_factory=list)
    pagination: Pagination | None = None
    pagination_note: Text | None = None
    rate_limiting: Text | None = None
    auth: Text | None = None
    versioning: Text | None = None


class FaultTolerance(Element):
    node_failure: Text | None = None
    az_failure: Text | None = None
    downstream_timeout: Text | None = None
    circuit_breakers: Text | None = None
    bulkheads: Text | None = None
    retries_with_backoff: Text | None = None
    graceful_degradation: Text | None = None


class ConsistencyChoice(Element):
    scope: Text
    model: ConsistencyModel
    why: Text | None = None


class ConsistencyDive(Element):
    choices: list[ConsistencyChoice] = Field(default_factory=list, description="where eventual, where strong, why")
    conflict_resolution: Text | None = None
    stale_reads: Text | None = Field(None, description="stale reads: cache vs DB")


class ComponentWalk(Element):
    component: Ref
    compute: Text | None = None
    storage: Text | None = None
    network: Text | None = None


class Scalability(Element):
    at_10x: Text | None = None
    at_100x: Text | None = None
    walk: list[ComponentWalk] = Field(default_factory=list)
    hardest: Text | None = Field(None, description="the hardest thing to scale")


class Security(Element):
    authn: Text | None = None
    authz: Text | None = None
    encryption_at_rest: Text | None = None
    encryption_in_transit: Text | None = None
    input_validation: Text | None = None
    rate_limiting: Text | None = None
    pii: Text | None = None


class GoldenSignals(Element):
    latency: Text | None = None
    traffic: Text | None = None
    errors: Text | None = None
    saturation: Text | None = None


class Observability(Element):
    golden_signals: GoldenSignals | None = None
    structured_logging: Text | None = None
    tracing: Text | None = None
    alerting: Text | None = Field(None, description="alerting without fatigue")


class DeploymentStrategy(str, Enum):
    blue_green = "blue_green"
    canary = "canary"
    rolling = "rolling"


class OperationalReadiness(Element):
    deployment: DeploymentStrategy | None = None
    deployment_note: Text | None = None
    runbooks: Text | None = None
    on_call: Text | None = None
    capacity_planning: Text | None = None
    chaos_engineering: Text | None = None


class DeepDives(Element):
    data_model: DataModel | None = None
    storage_technology: StorageTechnology | None = None
    partitioning: list[Partitioning] = Field(default_factory=list)
    caching: Caching | None = None
    async_processing: AsyncProcessing | None = None
    api_design: ApiDesign | None = None
    fault_tolerance: FaultTolerance | None = None
    consistency: ConsistencyDive | None = None
    scalability: Scalability | None = None
    security: Security | None = None
    observability: Observability | None = None
    operational_readiness: OperationalReadiness | None = None


DEEP_DIVE_TOPICS = tuple(DeepDives.model_fields)


# ---------------------------------------------------------------------------------------
# Decisions (the five steps)
# ---------------------------------------------------------------------------------------

class Choice(Element):
    option: Text | None = Field(None, description="the reference-table option, e.g. key_value")
    technology: Text | None = Field(None, description="e.g. DynamoDB")
    component: Ref | None = None


class TradeoffStatement(Element):
    """'We gain X, give up Y, acceptable because Z.'"""

    gain: Text | None = None
    give_up: Text | None = None
    acceptable_because: Text | None = None


class Decision(Element):
    id: Id
    title: Text | None = None
    requirement: Text | None = Field(None, description="1. state the requirement")
    traces_to: list[Ref] = Field(default_factory=list, description="requirement or use-case ids")
    criteria: list[Text] = Field(default_factory=list, description="2. name the decision criteria")
    choice: Choice | None = Field(None, description="3. make the choice")
    tradeoff: TradeoffStatement | None = Field(None, description="4. name the tradeoff")
    rejected: list[RejectedOption] = Field(default_factory=list, description="5. what you rejected and why")
    depends_on: Text | None = Field(None, description="'it depends' - on what")
    uncertainty: Text | None = None


# ---------------------------------------------------------------------------------------
# Phase 5: wrap-up, and constraint changes
# ---------------------------------------------------------------------------------------

class Deferred(Element):
    kept_simple: Text
    in_production: Text | None = None


class TechDebt(Element):
    debt: Text
    migration: Text | None = None


class Evolution(Element):
    at_10x: Text | None = None
    at_100x: Text | None = None


class WrapUp(Element):
    summary: Text | None = Field(None, description="2-3 sentences: architecture, key decisions, why they fit")
    deferred: list[Deferred] = Field(default_factory=list)
    evolution: Evolution | None = None
    v1: list[Text] = Field(default_factory=list)
    v2: list[Text] = Field(default_factory=list)
    operational_investments: list[Text] = Field(default_factory=list)
    tech_debt: list[TechDebt] = Field(default_factory=list)


class Replacement(Element):
    old: Text
    new: Text
    component: Ref | None = None


class Change(Element):
    """A constraint change absorbed during the interview, recorded as a revision."""

    id: Id
    constraint: Text
    set: dict[str, Any] = Field(default_factory=dict, description="PATH: VALUE edits it implies")
    impact: Text | None = None
    affected: list[Ref] = Field(default_factory=list)
    unaffected: list[Ref] = Field(default_factory=list)
    replaced: list[Replacement] = Field(default_factory=list)
    uncertainty: Text | None = None


class ReviewSettings(Element):
    """Which review rules run on this design, and at which severity (codes or families)."""

    disable: list[Text] = Field(default_factory=list, description="rule codes or families, e.g. OPS-004, WRAP")
    enable: list[Text] = Field(default_factory=list, description="rules that are off by default")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# The design
# ---------------------------------------------------------------------------------------

class Design(Element):
    name: Text
    title: Text | None = None
    problem: Text | None = Field(None, description="the prompt as given")
    requirements: Requirements | None = None
    estimates: Estimates | None = None
    architecture: Architecture | None = None
    deep_dives: DeepDives | None = None
    decisions: list[Decision] = Field(default_factory=list)
    wrap_up: WrapUp | None = None
    changes: list[Change] = Field(default_factory=list)
    review: ReviewSettings | None = Field(None, description="review rules to disable, enable or re-grade")

    _source: Any = PrivateAttr(default=None)

    def locate(self, element_or_path: Element | tuple) -> Any:
        """The source position (file, line, column) of an element or a path, if known."""
        path = element_or_path.source_path if isinstance(element_or_path, Element) else tuple(element_or_path)
        return self._source.find(path) if self._source is not None else None

    def walk(self) -> Iterator[Element]:
        yield from _walk(self)

    @property
    def use_cases(self) -> list[UseCase]:
        return self.requirements.use_cases if self.requirements else []

    @property
    def components(self) -> list[Component]:
        return self.architecture.components if self.architecture else []


def _walk(node: Any) -> Iterator[Element]:
    if isinstance(node, Element):
        yield node
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def assign_paths(node: Any, path: tuple = ()) -> None:
    """Record on every element its path in the source document."""
    if isinstance(node, Element):
        node._path = path
        for name in type(node).model_fields:
            assign_paths(getattr(node, name), path + (name,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            assign_paths(item, path + (i,))

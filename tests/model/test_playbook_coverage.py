"""The model holds every phase item and every deep-dive sub-item of the playbook.

The lists below are written from the playbook (shared/seed), item by item; each maps to the
model field that holds it. A field renamed or dropped makes this fail."""

import pytest

from tradeoff.model import design as m

# Phase 1: requirements (playbook bullets, in order) -> model path
PHASE1 = {
    "restate the problem": (m.Requirements, "restatement"),
    "2-3 core use cases": (m.Requirements, "use_cases"),
    "prioritize ruthlessly": (m.UseCase, "priority"),
    "users & scale: DAU": (m.Users, "dau"),
    "users & scale: MAU": (m.Users, "mau"),
    "growth trajectory": (m.Users, "growth"),
    "read-heavy or write-heavy": (m.AccessPatterns, "read_write_ratio"),
    "bursty or steady": (m.AccessPatterns, "shape"),
    "real-time or batch": (m.AccessPatterns, "processing"),
    "latency p50": (m.LatencyTarget, "p50"),
    "latency p99": (m.LatencyTarget, "p99"),
    "consistency vs availability (consistency)": (m.NonFunctional, "consistency"),
    "consistency vs availability (availability)": (m.NonFunctional, "availability"),
    "durability": (m.NonFunctional, "durability"),
    "compliance": (m.NonFunctional, "compliance"),
    "define scope explicitly (in)": (m.Scope, "in_scope"),
    "define scope explicitly (out)": (m.Scope, "out_of_scope"),
}

# Phase 2 inputs
PHASE2 = {
    "requests per user per day": (m.Traffic, "requests_per_user_per_day"),
    "separate reads & writes": (m.Traffic, "operation"),
    "peak multiplier": (m.Estimates, "peak_multiplier"),
    "avg object size": (m.StoredEntity, "size"),
    "new records per day": (m.StoredEntity, "new_per_day"),
    "retention": (m.StoredEntity, "retention"),
    "hot vs cold": (m.StoredEntity, "hot_window"),
    "payload size (in)": (m.Traffic, "request_size"),
    "response size (out)": (m.Traffic, "response_size"),
    "cache 20% of daily data": (m.CacheSizing, "fraction_of_daily_reads"),
    "numbers that drive decisions (thresholds)": (m.Estimates, "thresholds"),
}

# Phase 3: high-level design
PHASE3 = {
    "client inward: components": (m.Architecture, "components"),
    "read path": (m.Architecture, "read_paths"),
    "write path": (m.Architecture, "write_paths"),
    "narrate each as you draw": (m.Flow, "narration"),
    "label each service with its responsibility": (m.Component, "responsibility"),
    "data stores: what they hold": (m.Component, "holds"),
    "data stores: rough tech choice": (m.Component, "technology"),
    "async pathways": (m.Architecture, "async_edges"),
    "external dependencies": (m.Architecture, "external_calls"),
    "does this flow make sense?": (m.Architecture, "check_in"),
    "most interesting challenges": (m.Architecture, "interesting_challenges"),
}

# Phase 4: the twelve topics and their sub-items
DEEP_DIVES = {
    "data_model": (m.DataModel, ["entities", "access_patterns", "schema_evolution", "tables"]),
    "storage_technology": (m.StorageChoice, ["why", "gain", "lose", "access_pattern_match", "rejected"]),
    "partitioning": (m.Partitioning, ["key", "rationale", "hot_partition_mitigation", "repartitioning",
                                      "access_pattern_interaction"]),
    "caching": (m.Caching, ["layers", "policy", "invalidation", "thundering_herd"]),
    "async_processing": (m.AsyncProcessing, ["what_and_why", "delivery", "failures_and_retries", "dead_letter",
                                             "idempotency"]),
    "api_design": (m.ApiDesign, ["endpoints", "pagination", "rate_limiting", "auth", "versioning"]),
    "fault_tolerance": (m.FaultTolerance, ["node_failure", "az_failure", "downstream_timeout", "circuit_breakers",
                                           "bulkheads", "retries_with_backoff", "graceful_degradation"]),
    "consistency": (m.ConsistencyDive, ["choices", "conflict_resolution", "stale_reads"]),
    "scalability": (m.Scalability, ["at_10x", "at_100x", "walk", "hardest"]),
    "security": (m.Security, ["authn", "authz", "encryption_at_rest", "encryption_in_transit", "input_validation",
                              "rate_limiting", "pii"]),
    "observability": (m.Observability, ["golden_signals", "structured_logging", "tracing", "alerting"]),
    "operational_readiness": (m.OperationalReadiness, ["deployment", "runbooks", "on_call", "capacity_planning",
                                                       "chaos_engineering"]),
}

# The five-step decision framework
DECISION_STEPS = ["requirement", "criteria", "choice", "tradeoff", "rejected"]

# Phase 5: wrap-up
PHASE5 = {
    "summarize in 2-3 sentences": (m.WrapUp, "summary"),
    "acknowledge deferred work": (m.WrapUp, "deferred"),
    "system evolution 10x/100x": (m.WrapUp, "evolution"),
    "v1 vs v2 (v1)": (m.WrapUp, "v1"),
    "v1 vs v2 (v2)": (m.WrapUp, "v2"),
    "operational investments": (m.WrapUp, "operational_investments"),
    "tech debt & migration paths": (m.WrapUp, "tech_debt"),
}

# Handling a changed constraint
CHANGES = ["constraint", "impact", "affected", "unaffected", "replaced", "uncertainty"]


@pytest.mark.parametrize("item", sorted({**PHASE1, **PHASE2, **PHASE3, **PHASE5}))
def test_phase_item_has_a_field(item):
    cls, field = {**PHASE1, **PHASE2, **PHASE3, **PHASE5}[item]
    assert field in cls.model_fields, f"{item}: {cls.__name__}.{field} missing"


def test_twelve_deep_dive_topics():
    assert len(DEEP_DIVES) == 12
    assert set(m.DeepDives.model_fields) == set(DEEP_DIVES)


@pytest.mark.parametrize("topic", sorted(DEEP_DIVES))
def test_deep_dive_sub_items(topic):
    cls, fields = DEEP_DIVES[topic]
    missing = [f for f in fields if f not in cls.model_fields]
    assert not missing, f"{topic}: {missing}"


def test_five_steps_and_tradeoff_sentence():
    assert all(s in m.Decision.model_fields for s in DECISION_STEPS)
    # "We gain X, give up Y, acceptable because Z."
    assert list(m.TradeoffStatement.model_fields) == ["gain", "give_up", "acceptable_because"]


def test_changes_hold_the_playbook_steps():
    assert all(f in m.Change.model_fields for f in CHANGES)


def test_eight_storage_kinds_and_the_other_tables_as_vocabulary():
    assert {k.value for k in m.StorageKind} == {
        "relational", "document", "wide_column", "key_value", "graph", "search", "time_series", "object_store"}
    assert {k.value for k in m.CacheLayer} == {"client", "cdn", "app", "local"}
    assert {k.value for k in m.EventPattern} == {"notification", "state_transfer", "event_sourcing", "cqrs", "saga"}
    assert {k.value for k in m.ComputeStyle} == {"monolith", "microservices", "serverless", "containers_k8s"}
    assert {k.value for k in m.LBLayer} == {"L4", "L7"}
    assert {"rest", "graphql", "grpc", "websocket", "sse"} <= {k.value for k in m.Protocol}
    assert {"queue", "event_stream", "api_gateway", "service_mesh"} <= {k.value for k in m.ComponentKind}

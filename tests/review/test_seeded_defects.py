"""Seeded defects: each bundled example with ONE mistake a candidate makes, put in by a small edit
of its YAML text, must be caught by the rule that owns that mistake, at the element edited.

A case is (example, edits, code, at, line_at):
- edits: (old, new) replacements of the example's text; each `old` occurs exactly once when it is
  replaced. Most cases are one replacement; a few need two, where the example states the same
  thing in two places and the defect is removing it from both (e.g. rate limiting in the API dive
  and in the security dive).
- code: the rule that must report it, at severity warning or error.
- at: the element's id, or its pointer in the design ("architecture.components[9]").
- line_at: a snippet of the edited text that starts on the line the finding must point at (the
  first line of the element: a list item's "- " line, or a section's first key). The expected line
  is worked out from the edited text, never from the loader.

Each case also checks that the unedited example has no warning or error of that code: the
examples are principal-level designs that review clean.

Each design gets a full review (every rule that runs by default), as `tradeoff review` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pytest

from tradeoff.examples import example_path
from tradeoff.io.load import load_design_text
from tradeoff.review import load_rules, review

US, NF, CHAT = "url-shortener", "news-feed", "chat"


@dataclass(frozen=True)
class Case:
    example: str
    slug: str
    edits: tuple[tuple[str, str], ...]
    code: str
    at: str
    line_at: str

    @property
    def id(self) -> str:
        return f"{self.example}/{self.slug}"


def case(example: str, slug: str, edits, code: str, at: str, line_at: str) -> Case:
    if isinstance(edits[0], str):
        edits = (edits,)
    return Case(example, slug, tuple(edits), code, at, line_at)


def lines(*ls: str) -> str:
    """A block of YAML lines, each ending in a newline."""
    return "".join(f"{x}\n" for x in ls)


CASES = [
    # ------------------------------------------------------------------ availability (any example)
    # AVAIL: feed images with no placeholder: the CDN's 99.9% SLA fails the feed under a 99.99% target
    case(NF, "feed-images-no-fallback",
         ("      resilience:\n        fallback: an image that does not load shows a placeholder and is retried on "
          "scroll; the feed still renders\n", ""),
         "AVAIL-001", "cdn", "    - id: cdn\n"),
    # AVAIL: the websocket gateways in one zone, under a 99.99% target that one 99.95% zone cannot meet
    case(CHAT, "ws-gateway-one-zone",
         ("      replicas: 600\n      zones: 3\n      capacity:", "      replicas: 600\n      zones: 1\n      capacity:"),
         "AVAIL-002", "ws-gateway", "    - id: ws-gateway\n"),
    # ------------------------------------------------------------------ url-shortener
    # FAULT: the link store (on both must-have paths) shrunk to one node in one zone
    case(US, "link-store-single-replica",
         (lines("      replicas: 3", "      zones: 3", "      partition_key: short_code"),
          lines("      replicas: 1", "      zones: 1", "      partition_key: short_code")),
         "FAULT-008", "url-store", "    - id: url-store\n"),
    # FAULT: the redirect tier squeezed into one AZ under a 99.99% target
    case(US, "redirect-service-one-zone",
         ("      replicas: 12\n      zones: 3\n      capacity:\n        service_time: 2 ms",
          "      replicas: 12\n      zones: 1\n      capacity:\n        service_time: 2 ms"),
         "FAULT-009", "redirect-service", "    - id: redirect-service\n"),
    # SCALE: 3 redirect pods for 35K redirects/s (3 x 16 / 2 ms = 24K/s)
    case(US, "redirect-service-saturated",
         ("      replicas: 12\n      zones: 3\n      capacity:\n        service_time: 2 ms",
          "      replicas: 3\n      zones: 3\n      capacity:\n        service_time: 2 ms"),
         "SCALE-007", "redirect-service", "    - id: redirect-service\n"),
    # REQ: redirect p50 written as 100 ms against a 60 ms p99
    case(US, "redirect-p50-above-p99", ("        p50: 10 ms\n", "        p50: 100 ms\n"),
         "REQ-018", "lat-redirect", "      - id: lat-redirect\n"),
    # REQ: 2B daily users against 800M monthly
    case(US, "dau-above-mau", ("    dau: 200M\n", "    dau: 2B\n"),
         "REQ-019", "requirements.users", "    description: >-\n      Two populations"),
    # EST: peak reads stated 10x too high (the inputs give ~35K/s)
    case(US, "stated-read-qps-10x", ("    qps.read.peak: 35K\n", "    qps.read.peak: 350K\n"),
         "EST-014", "estimates.stated.qps.read.peak", "    qps.read.peak: 350K\n"),
    # EST: the read:write ratio written the wrong way round
    case(US, "read-write-ratio-inverted", ('    read_write_ratio: "10:1"\n', '    read_write_ratio: "1:10"\n'),
         "EST-016", "requirements.access_patterns.read_write_ratio", '    read_write_ratio: "1:10"\n'),
    # EST: a peak multiplier below 1
    case(US, "peak-multiplier-below-one", ("  peak_multiplier: 3x\n", "  peak_multiplier: 0.5x\n"),
         "EST-007", "estimates.peak_multiplier", "  peak_multiplier: 0.5x\n"),
    # EST: click events hot for 90 days but kept 30
    case(US, "click-hot-window-beyond-retention", ("      hot_window: 1 day\n", "      hot_window: 90 days\n"),
         "EST-012", "click_event", "    - id: click_event\n"),
    # STORE: the link store built on a graph database (no traversals; 91 TB)
    case(US, "link-store-as-graph",
         ("      option: key_value\n      storage: key_value\n      holds: every short link",
          "      option: graph\n      storage: graph\n      holds: every short link"),
         "STORE-GRAPH-001", "url-store", "    - id: url-store\n"),
    # STORE: the link store's storage choice loses its rejected alternatives
    case(US, "link-store-choice-no-alternatives",
         (lines("        access_pattern_match: 100% of hot traffic is get/put by short_code; owner listing is "
                "served by one GSI",
                "        rejected:",
                "          - option: relational (PostgreSQL with read replicas)",
                "            why: >-",
                "              Works at 3.5K writes/s, but 91 TB over 5 years forces manual sharding by year two",
                "              and we would use none of its joins or transactions.",
                "          - option: wide_column (Cassandra)",
                "            why: would fit the access pattern, but we would run a 60+ node cluster ourselves "
                "for a pure key-value workload"),
          lines("        access_pattern_match: 100% of hot traffic is get/put by short_code; owner listing is "
                "served by one GSI")),
         "STORE-004", "deep_dives.storage_technology.choices[0]",
         "      - component: url-store\n        why: >-\n          The only hot access"),
    # HLD: the shorten path drawn backwards, from the store out to the client
    case(US, "shorten-path-reversed",
         ("      hops: [client, dns, lb, api-gateway, shortener-service, url-store]",
          "      hops: [url-store, shortener-service, api-gateway, lb, dns, client]"),
         "HLD-006", "write-shorten", "    - id: write-shorten\n"),
    # HLD (the cache defect): the redirect path goes service -> store, skipping both cache tiers; the
    # Redis cluster is left on no path (CACHE-005 stays quiet: the web app's CDN path counts as cached)
    case(US, "redirect-path-skips-caches",
         (lines("        - redirect-service", "        - redirect-local-cache", "        - url-cache",
                "        - url-store"),
          lines("        - redirect-service", "        - url-store")),
         "HLD-021", "url-cache", "    - id: url-cache\n"),
    # API: server push required, and nothing pushes
    case(US, "server-push-without-channel", ("    realtime: none\n", "    realtime: server_push\n"),
         "API-009", "architecture", "  compute: containers_k8s\n"),
    # API: pagination dropped, so GET /v1/links returns every link of the caller
    case(US, "listing-unpaginated", ("    pagination: cursor\n", "    pagination: none\n"),
         "API-007", "deep_dives.api_design.endpoints[2]", "      - method: GET\n        path: /v1/links\n"),
    # FAULT: the synchronous threat-API call loses its circuit breaker
    case(US, "threat-check-no-breaker",
         ("        circuit_breaker: true\n        bulkhead: true\n        fallback: >-\n          if the threat API",
          "        circuit_breaker: false\n        bulkhead: true\n        fallback: >-\n          if the threat API"),
         "FAULT-013", "threat-check", "    - id: threat-check\n"),
    # FAULT: the synchronous threat-API call has no timeout (neither on the call nor on its caller)
    case(US, "threat-check-no-timeout",
         [("      sync: true\n      timeout: 150 ms\n", "      sync: true\n"),
          ("        timeout: 100 ms\n        retries: 2\n", "        retries: 2\n")],
         "FAULT-011", "threat-check", "    - id: threat-check\n"),
    # FAULT: the click aggregator retries 5 times with no backoff
    case(US, "aggregator-retries-without-backoff",
         ("        retries: 5\n        backoff: exponential_jitter\n", "        retries: 5\n"),
         "FAULT-014", "architecture.components[11].resilience", "        timeout: 200 ms\n        retries: 5\n"),
    # ASYNC: click events dead-letter into the stream they came from
    case(US, "click-events-dead-letter-into-own-stream",
         ("      pattern: state_transfer\n      delivery: at_least_once\n      dead_letter: click-dlq\n",
          "      pattern: state_transfer\n      delivery: at_least_once\n      dead_letter: click-stream\n"),
         "ASYNC-011", "click-events", "    - id: click-events\n"),
    # ASYNC: the click edge has no dead-letter queue, and the async dive no dead-letter handling
    case(US, "click-events-no-dead-letter",
         [("      pattern: state_transfer\n      delivery: at_least_once\n      dead_letter: click-dlq\n",
           "      pattern: state_transfer\n      delivery: at_least_once\n"),
          (lines("    dead_letter: >-",
                 "      Poison events (unparseable, unknown schema) go to the SQS DLQ after 5 attempts with the",
                 "      error and offset attached; an alert fires above 100 messages/min and a redrive tool",
                 "      replays them after a fix."), "")],
         "ASYNC-007", "click-events", "    - id: click-events\n"),
    # COMPUTE: serverless under a 60 ms redirect p99
    case(US, "serverless-under-tight-p99", ("  compute: containers_k8s\n", "  compute: serverless\n"),
         "COMPUTE-SLS-001", "architecture", "  compute: serverless\n"),
    # CONS: the dive makes code claiming eventual; cons-shorten asks for strong
    case(US, "code-claim-eventual",
         ("      - scope: claiming a short code\n        model: strong\n",
          "      - scope: claiming a short code\n        model: eventual\n"),
         "CONS-006", "deep_dives.consistency", "    choices:\n      - scope: claiming a short code\n"),
    # DEC: the code-generation decision names no rejected alternative
    case(US, "code-generation-no-rejected",
         (lines("    rejected:",
                "      - option: consensus (ZooKeeper/etcd counter ranges + base62)",
                "        why: another quorum system to run, and sequential codes are guessable unless permuted",
                "      - option: hash of the URL, truncated",
                "        why: collisions need the same retry anyway, and identical URLs from different owners "
                "must get different codes"), ""),
         "DEC-011", "dec-code-generation", "  - id: dec-code-generation\n"),
    # DEC: the cache decision's tradeoff loses what it gives up
    case(US, "redirect-cache-no-give-up",
         ("      give_up: up to 60 s of staleness after delete/block, and 8 Redis nodes to run\n", ""),
         "DEC-009", "decisions[2].tradeoff", "      gain: ~90% of redirects never touch DynamoDB"),
    # OPS: 99.99% and no game days
    case(US, "no-failure-rehearsal",
         (lines("    chaos_engineering: >-",
                "      Monthly game days - kill a Redis primary, black-hole one AZ, throttle DynamoDB, inject",
                "      300 ms into the threat API - each with a hypothesis about redirect p99 and error rate."), ""),
         "OPS-007", "deep_dives.operational_readiness", "    deployment: canary\n"),
    # SEC: GDPR stated, and the security dive drops PII handling
    case(US, "no-pii-under-gdpr",
         (lines("    pii: >-",
                "      Long URLs can contain personal data in query strings: they are encrypted at rest and never",
                "      logged in full (hashed in logs). Click events keep only a truncated IP and coarse",
                "      attributes; GDPR erasure deletes links, rollups and archived events by owner."), ""),
         "SEC-010", "deep_dives.security", "    authn: OIDC tokens for users"),
    # CACHE: the 100 GB Redis working set on one unsharded cache
    case(US, "url-cache-unsharded",
         ("      shards: 4\n      partition_key: short_code (CRC16 hash slots)\n", ""),
         "CACHE-009", "url-cache", "    - id: url-cache\n"),

    # API: authentication removed (from the API dive and the security dive)
    case(US, "no-authentication",
         [("    authn: OIDC tokens for users, hashed API keys (with per-key scopes) for platforms\n", ""),
          (lines("    auth: >-",
                 "      OAuth 2.0 / OIDC access tokens (JWT, 15-minute expiry) for the web app; hashed API keys",
                 "      for platforms; redirects are unauthenticated by design."), "")],
         "API-004", "deep_dives.api_design", "    style: rest\n"),

    # ------------------------------------------------------------------ news-feed
    # HLD: the ML ranking use case promoted to must-have, with nothing designed for it
    case(NF, "ml-ranking-must-without-path",
         ("      priority: out_of_scope\n      why: >-\n        A separate ML platform",
          "      priority: must\n      why: >-\n        A separate ML platform"),
         "HLD-022", "ml-ranking", "    - id: ml-ranking\n"),
    # FAULT: one graph-service pod on the publish path
    case(NF, "graph-service-single-replica",
         ("      replicas: 6\n      zones: 3\n      capacity:\n        service_time: 10 ms",
          "      replicas: 1\n      zones: 1\n      capacity:\n        service_time: 10 ms"),
         "FAULT-008", "graph-service", "    - id: graph-service\n"),
    # ASYNC: push jobs at least once to consumers declared not idempotent (and no idempotency story)
    case(NF, "push-consumers-not-idempotent",
         [("      idempotent_consumers: true\n      ratio: 3\n", "      idempotent_consumers: false\n      ratio: 3\n"),
          (lines("    idempotency: >-",
                 "      Replayed fan-out could push a post id twice: the Feed Service de-duplicates ids when reading",
                 "      (cheap, 300 ids), and a fanout:{post_id} marker (SETNX, 1-day TTL) skips completed batches.",
                 "      Push jobs use the post id as the APNs collapse id and FCM collapse key, so a duplicate "
                 "replaces",
                 "      rather than repeats."), "")],
         "ASYNC-009", "push-jobs", "    - id: push-jobs\n"),
    # ASYNC: a second consumer on the push queue (each job reaches only one of them)
    case(NF, "push-queue-shared",
         ("      consumers: [push-worker]\n", "      consumers: [push-worker, fanout-worker]\n"),
         "ASYNC-015", "push-queue", "    - id: push-queue\n"),
    # EST: the fan-out rate stated 10x too high (the inputs give ~651K/s)
    case(NF, "stated-fanout-10x", ("    fanout.peak: 651K\n", "    fanout.peak: 6.5M\n"),
         "EST-014", "estimates.stated.fanout.peak", "    fanout.peak: 6.5M\n"),
    # STORE: the follow graph kept only in a search index
    case(NF, "graph-store-as-search",
         ("      option: relational\n      storage: relational\n      holds: following",
          "      option: search\n      storage: search\n      holds: following"),
         "STORE-008", "graph-store", "    - id: graph-store\n"),
    # STORE: timelines in a time-series store, with no time-range query
    case(NF, "timeline-store-as-time-series",
         ("      option: key_value\n      storage: key_value\n      holds: >-\n        each active user's",
          "      option: time_series\n      storage: time_series\n      holds: >-\n        each active user's"),
         "STORE-TS-002", "timeline-store", "    - id: timeline-store\n"),
    # SEC: the security dive drops authentication
    case(NF, "no-authn",
         ("    authn: OAuth 2.0/OIDC login, short-lived JWTs validated at the gateway, device-bound refresh tokens\n",
          ""),
         "SEC-003", "deep_dives.security", "    authz: >-\n      Visibility checks"),
    # API: rate limiting removed (from the API dive and the security dive)
    case(NF, "no-rate-limiting",
         [(lines("    rate_limiting: >-",
                 "      Token buckets per user and per app at the gateway: 300 posts/day and 10 posts/min per",
                 "      user, 400 follows/day, 60 feed requests/min; tighter limits for new accounts (spam)."), ""),
          ("    rate_limiting: per-user and per-app buckets at the gateway; spam scoring on publish and follow "
           "bursts\n",
           "")],
         "API-003", "deep_dives.api_design", "    style: rest\n"),
    # COMPUTE: eight teams in one monolith
    case(NF, "monolith-for-eight-teams", ("  compute: microservices\n", "  compute: monolith\n"),
         "COMPUTE-MONO-001", "architecture", "  compute: monolith\n"),
    # LB: a service mesh for three services
    case(NF, "mesh-for-three-services",
         ("      option: api_gateway\n      responsibility: validate JWTs",
          "      option: service_mesh\n      responsibility: validate JWTs"),
         "LB-MESH-001", "api-gateway", "    - id: api-gateway\n"),
    # HLD: two hops of the follow path swapped, so it goes back out to the gateway
    case(NF, "follow-path-back-to-gateway",
         ("      hops: [client, dns, lb, api-gateway, graph-service, graph-store]",
          "      hops: [client, dns, lb, graph-service, api-gateway, graph-store]"),
         "HLD-007", "write-follow", "    - id: write-follow\n"),
    # DATA: the Post entity sketched without its key
    case(NF, "post-entity-no-key",
         ("      - name: Post\n"
          "        key: post_id (64-bit - 41-bit ms timestamp, 13-bit logical shard, 10-bit sequence)\n",
          "      - name: Post\n"),
         "DATA-006", "deep_dives.data_model.entities[1]", "      - name: Post\n"),
    # CONS: the dive makes follows eventual; cons-follow asks for strong
    case(NF, "follow-dive-eventual",
         ("      - scope: follow edge\n        model: strong\n",
          "      - scope: follow-user\n        model: eventual\n"),
         "CONS-005", "deep_dives.consistency.choices[3]", "      - scope: follow-user\n"),
    # OBS: three services, microservices, and no tracing
    case(NF, "no-tracing",
         (lines("    tracing: >-",
                "      OpenTelemetry across gateway, services and Kafka (trace context in headers), so one",
                "      post can be followed from publish to every timeline write; 1% head sampling plus tail",
                "      sampling of slow and failed requests."), ""),
         "OBS-008", "deep_dives.observability", "    golden_signals:\n      latency: feed p50/p99"),
    # WRAP: tech debt named without its migration
    case(NF, "tech-debt-no-migration",
         ("      migration: expose the replication lag as a metric and gate fan-out on it; longer term, emit follow "
          "events via CDC as the single source\n", ""),
         "WRAP-012", "wrap_up.tech_debt[0]", "    - debt: the followers table is a VReplication"),
    # DEC: the post-store decision rejects the option it chose
    case(NF, "post-store-rejects-its-choice",
         ("      - option: document (MongoDB)\n        why: flexible schema buys nothing",
          "      - option: relational\n        why: flexible schema buys nothing"),
         "DEC-016", "decisions[1].rejected[1]", "      - option: relational\n        why: flexible schema"),
    # PART: the post store loses its shards (228 TB on every node)
    case(NF, "post-store-unsharded",
         ("      shards: 64\n      partition_key: author_id (the shard is embedded in the post id)\n", ""),
         "PART-007", "post-store", "    - id: post-store\n"),

    # CACHE: the caching dive drops its thundering-herd mitigation
    case(NF, "no-thundering-herd",
         (lines("    thundering_herd: >-",
                "      New posts are written through to the post cache, so the first wave of readers hits; misses",
                "      use request coalescing (single-flight per post_id in each pod) and a short lock key in Redis",
                "      so one pod fills a key; TTLs are jittered +-10%. A celebrity's author-recent list is",
                "      written through on every post and never expires while they are active."), ""),
         "CACHE-004", "deep_dives.caching", "    layers: [client, cdn, app]\n"),

    # ------------------------------------------------------------------ chat
    # SCALE: 200 gateways for 125M connections (625K each, above 500K)
    case(CHAT, "too-few-gateways",
         ("      replicas: 600\n      zones: 3\n      capacity:\n        service_time: 0.5 ms",
          "      replicas: 200\n      zones: 3\n      capacity:\n        service_time: 0.5 ms"),
         "SCALE-014", "ws-gateway", "    - id: ws-gateway\n"),
    # SCALE: 2.3 PB of messages on 60 Cassandra nodes of 7.5 TB
    case(CHAT, "message-store-too-few-nodes",
         ("      replicas: 600\n      zones: 3\n      partition_key: (conversation_id, seq_bucket)",
          "      replicas: 60\n      zones: 3\n      partition_key: (conversation_id, seq_bucket)"),
         "SCALE-016", "message-store", "    - id: message-store\n"),
    # REQ: history p50 500 ms against a 300 ms p99
    case(CHAT, "history-p50-above-p99",
         ("        p50: 50 ms\n        p99: 300 ms\n", "        p50: 500 ms\n        p99: 300 ms\n"),
         "REQ-018", "lat-history", "      - id: lat-history\n"),
    # STORE: 1.7M message writes/s into a relational store
    case(CHAT, "message-store-relational",
         ("      option: wide_column\n      storage: wide_column\n      holds: messages",
          "      option: relational\n      storage: relational\n      holds: messages"),
         "STORE-REL-001", "message-store", "    - id: message-store\n"),
    # COMM: SSE for bidirectional chat
    case(CHAT, "sse-for-bidirectional", ("    style: websocket\n", "    style: sse\n"),
         "COMM-SSE-001", "deep_dives.api_design", "    style: sse\n"),
    # FAULT: every persister in one zone under 99.99%
    case(CHAT, "persister-one-zone",
         ("      replicas: 96\n      zones: 3\n      capacity:\n        service_time: 4 ms",
          "      replicas: 96\n      zones: 1\n      capacity:\n        service_time: 4 ms"),
         "FAULT-009", "message-persister", "    - id: message-persister\n"),
    # FAULT: the session registry (on the delivery path) on one Redis node
    case(CHAT, "session-registry-single-node",
         ("      replicas: 64\n      zones: 3\n      shards: 32\n      partition_key: user_id\n",
          "      replicas: 1\n      zones: 1\n      partition_key: user_id\n"),
         "FAULT-008", "session-registry", "    - id: session-registry\n"),
    # FAULT: the connection balancer in 3 zones with 2 replicas
    case(CHAT, "ws-lb-more-zones-than-replicas",
         ("      option: l4\n      layer: L4\n      replicas: 3\n",
          "      option: l4\n      layer: L4\n      replicas: 2\n"),
         "FAULT-017", "ws-lb", "    - id: ws-lb\n"),
    # FAULT: the connection balancer also retries, so three layers of the send path retry
    case(CHAT, "retries-at-every-layer",
         ("      responsibility: spread long-lived TCP connections over gateways; no per-frame processing\n",
          "      responsibility: spread long-lived TCP connections over gateways; no per-frame processing\n"
          "      resilience: {timeout: 1 s, retries: 2, backoff: exponential_jitter}\n"),
         "FAULT-016", "write-send", "    - id: write-send\n"),
    # COMPUTE: microservices for one team
    case(CHAT, "microservices-for-one-team",
         ("  context: {stage: mature, teams: 6, ops_maturity: high}",
          "  context: {stage: mature, teams: 1, ops_maturity: high}"),
         "COMPUTE-MICRO-001", "architecture", "  compute: microservices\n"),
    # SEC: GDPR and ePrivacy stated, and no encryption at rest
    case(CHAT, "no-encryption-at-rest",
         ("    encryption_at_rest: Cassandra, Kafka and PostgreSQL volumes encrypted with KMS keys; per-tenant keys "
          "are not needed for consumers\n", ""),
         "SEC-011", "deep_dives.security", "    authn: phone-number verification"),
    # HLD: the message store named as the log's consumer (the worker that writes it is hidden)
    case(CHAT, "store-as-consumer", ("      consumers: [message-persister]\n", "      consumers: [message-store]\n"),
         "HLD-019", "message-sent", "    - id: message-sent\n"),
    # EST: inbox pointers kept by the stateless chat service
    case(CHAT, "inbox-on-stateless-service",
         ("      hot_window: 2 days\n      replication_factor: 3\n      store: message-store\n",
          "      hot_window: 2 days\n      replication_factor: 3\n      store: chat-service\n"),
         "EST-021", "inbox_entry", "    - id: inbox_entry\n"),
    # CACHE: membership reads for history go straight to PostgreSQL; no read path is cached
    case(CHAT, "authz-read-skips-cache",
         ("      hops: [history-service, membership-cache, membership-store]",
          "      hops: [history-service, membership-store]"),
         "CACHE-005", "architecture", "  compute: microservices\n"),
    # PART: ~6 TB/day of messages into a store with no partition key
    case(CHAT, "message-store-no-partition-key",
         ("      partition_key: (conversation_id, seq_bucket) for messages; (user_id, day) for inbox\n", ""),
         "PART-006", "message-store", "    - id: message-store\n"),
    # PART: 16 membership shards and no key routing to them
    case(CHAT, "membership-shards-without-key",
         ("      partition_key: conversation_id (members), user_id (user_conversations)\n", ""),
         "PART-008", "membership-store", "    - id: membership-store\n"),
    # OPS: rolling deploys of 125M-connection gateways with no draining plan
    case(CHAT, "gateways-without-draining",
         (lines("    deployment_note: >-",
                '      Gateways roll one cell at a time with connection draining (send a "reconnect in N s" frame',
                "      with jittered N over 10 minutes) so that deploys never cause storms; stateless services use",
                "      canaries; persisters roll partition by partition with static membership to avoid "
                "rebalancing."), ""),
         "OPS-008", "deep_dives.operational_readiness", "    deployment: rolling\n"),
    # HLD: the push providers drawn, the call to them dropped
    case(CHAT, "push-provider-not-connected",
         (lines("  external_calls:",
                "    - id: send-push",
                "      use_case: deliver-message",
                "      caller: push-worker",
                "      external: push-provider",
                "      purpose: wake offline iOS (APNs) and Android (FCM) devices with a notification",
                "      sync: false",
                "      timeout: 2 s",
                "      fallback: retry with backoff for up to 10 minutes, then drop; the device catches up on its "
                "next connect"), ""),
         "HLD-020", "push-provider", "    - id: push-provider\n"),
    # SCALE: a 2 ms send p99 below the path's own server time (~7 ms)
    case(CHAT, "send-p99-unreachable",
         ("        p50: 30 ms\n        p99: 200 ms\n", "        p50: 1 ms\n        p99: 2 ms\n"),
         "SCALE-009", "lat-send", "      - id: lat-send\n"),
]


@lru_cache(maxsize=None)
def original(example: str) -> str:
    return example_path(example).read_text()


@lru_cache(maxsize=None)
def findings(text: str, example: str) -> tuple:
    """The warnings and errors of a full review of the design in `text`."""
    rep = review(load_design_text(text, f"{example}.design.yaml"))
    return tuple(f for f in rep.findings if f.severity in ("error", "warning"))


def edited(c: Case) -> str:
    text = original(c.example)
    for old, new in c.edits:
        assert text.count(old) == 1, f"{c.id}: edit snippet occurs {text.count(old)} times: {old!r}"
        text = text.replace(old, new)
    assert text != original(c.example)
    return text


def line_of(text: str, snippet: str) -> int:
    assert text.count(snippet) == 1, f"line anchor occurs {text.count(snippet)} times: {snippet!r}"
    return text[: text.index(snippet)].count("\n") + 1


def reported(text: str, example: str, code: str) -> list:
    return [f for f in findings(text, example) if f.code == code]


def test_cases_are_spread():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.example for c in CASES} == {US, NF, CHAT}
    assert len({c.code.split("-")[0] for c in CASES}) >= 10


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_seeded_defect_is_caught(c: Case):
    assert c.code in load_rules(), f"{c.code} is not a rule"
    # the unedited example reviews clean of this code
    clean = reported(original(c.example), c.example, c.code)
    assert not clean, [f"{f.where} {f.message}" for f in clean]

    text = edited(c)
    want_line = line_of(text, c.line_at)
    got = reported(text, c.example, c.code)
    assert got, f"{c.code} did not fire on {c.id}"
    at = [f for f in got if c.at in (f.element, f.pointer)]
    assert at, f"{c.code} fired elsewhere: {[(f.element, f.pointer, f.line, f.message) for f in got]}"
    f = at[0]
    assert f.file == f"{c.example}.design.yaml"
    assert f.line == want_line, (f.line, want_line, f.message)

"""ASYNC: deep dive on async processing. What is async and why, the delivery guarantee, what
happens to failures (retries, dead-letter queues), and whether consumers survive redelivery."""

from __future__ import annotations

from tradeoff.model.design import ComponentKind, DeliveryGuarantee, Operation, Priority
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_WHAT = "Deep dive, async processing: what's async and why?"
P_DELIVERY = "Deep dive, async processing: delivery, at-least-once or exactly-once"
P_FAILURES = "Deep dive, async processing: failures, retries, dead-letter queues"
P_IDEMPOTENCY = "Deep dive, async processing: consumer idempotency"
P_PATHWAYS = "Phase 3: show async pathways (queues, event buses, consumers)"
P_QUEUE = "Communication table, Queue: point-to-point async, task offloading, write buffering; consumed once"

ASYNC_KINDS = (ComponentKind.queue, ComponentKind.event_stream)


def _dive(ctx):
    return ctx.dd.async_processing if ctx.dd else None


def _edges(ctx):
    return ctx.arch.async_edges if ctx.arch else []


def _text(value) -> bool:
    return bool(value and str(value).strip())


def _dive_has(ctx, field: str) -> bool:
    d = _dive(ctx)
    return d is not None and _text(getattr(d, field))


def _delivery(ctx, edge) -> DeliveryGuarantee | None:
    """The edge's delivery guarantee, else the one the dive states for all async work."""
    if edge.delivery is not None:
        return edge.delivery
    d = _dive(ctx)
    return d.delivery if d is not None else None


def _idempotent(ctx, edge) -> bool:
    """The edge says its consumers are idempotent, or the dive explains it; an edge that says
    they are not (`idempotent_consumers: false`) is believed over the dive's general text."""
    if edge.idempotent_consumers is not None:
        return edge.idempotent_consumers
    return _dive_has(ctx, "idempotency")


def _all_edges(ctx, pred) -> bool:
    edges = _edges(ctx)
    return bool(edges) and all(pred(a) for a in edges)


# --- presence: the four sub-items of the dive ---------------------------------------------

presence("ASYNC-001", "What is async and why not stated", section=_dive, field="what_and_why",
         label="the async work and why it is async", severity="warning", playbook=P_WHAT,
         satisfied=lambda ctx, sec: _text(sec.what_and_why) or _all_edges(ctx, lambda a: _text(a.why)),
         why="Moving work off the request path buys latency and isolation and costs freshness and a second "
             "failure mode; the interviewer wants to hear which work pays that price and why.",
         fix="State async_processing.what_and_why: which work leaves the request path (fan-out, counting, "
             "notifications) and what the user no longer waits for.",
         bad="async_processing: {delivery: at_least_once}",
         good="async_processing:\n  what_and_why: fan-out to 150 timelines per post; the author must not wait for it")

presence("ASYNC-002", "Delivery guarantee not stated", section=_dive, field="delivery",
         label="the delivery guarantee (at-least-once / exactly-once)", severity="warning", playbook=P_DELIVERY,
         satisfied=lambda ctx, sec: sec.delivery is not None or _all_edges(ctx, lambda a: a.delivery is not None),
         why="At-most-once loses messages on a crash, at-least-once duplicates them, exactly-once costs "
             "transactions or dedup; each asks something different of producers and consumers.",
         fix="State async_processing.delivery (at_least_once is the usual answer, with idempotent consumers).",
         bad="async_processing: {what_and_why: click counting off the redirect path}",
         good="async_processing: {what_and_why: click counting off the redirect path, delivery: at_least_once}")

presence("ASYNC-003", "Failures and retries not stated", section=_dive, field="failures_and_retries",
         label="failure and retry handling", severity="warning", playbook=P_FAILURES,
         why="A consumer will fail mid-message; without a retry policy a message is either lost or retried "
             "forever, and a broker outage backs up into the producer.",
         fix="State async_processing.failures_and_retries: retry count and backoff, when offsets are committed, "
             "and what the producer does while the broker is down.",
         bad="async_processing: {delivery: at_least_once}",
         good="async_processing:\n  failures_and_retries: 5 attempts, exponential backoff with jitter; offsets "
              "committed after the write")

presence("ASYNC-004", "Dead-letter handling not stated", section=_dive, field="dead_letter",
         label="the dead-letter queue", severity="warning", playbook=P_FAILURES,
         satisfied=lambda ctx, sec: _text(sec.dead_letter) or _all_edges(ctx, lambda a: a.dead_letter is not None),
         why="A poison message that always fails blocks its partition or burns retries forever; a dead-letter "
             "queue sets it aside so that the rest keep flowing, and keeps it for a fix and a redrive.",
         fix="State async_processing.dead_letter: after how many attempts, where it goes, who is alerted, and "
             "how messages are replayed.",
         bad="async_processing: {failures_and_retries: retry 5 times}",
         good="async_processing:\n  dead_letter: to the SQS DLQ after 5 attempts; alert above 100/min; redrive tool")

presence("ASYNC-005", "Consumer idempotency not stated", section=_dive, field="idempotency",
         label="consumer idempotency", severity="warning", playbook=P_IDEMPOTENCY,
         satisfied=lambda ctx, sec: _text(sec.idempotency) or _all_edges(ctx, lambda a: a.idempotent_consumers is True),
         why="Any retry or rebalance redelivers messages; a consumer that is not idempotent double-counts, "
             "double-sends or double-charges.",
         fix="State async_processing.idempotency: the dedup key (event id), where it is remembered, or why "
             "the write is naturally idempotent (upsert of an absolute value).",
         bad="async_processing: {delivery: at_least_once}",
         good="async_processing:\n  idempotency: dedupe by event_id in keyed state; upsert absolute totals")


# --- structure ----------------------------------------------------------------------------

@rule("ASYNC-006", "Async pathways without an async deep dive", severity="info", playbook=P_WHAT,
      why="The architecture hands work to queues or streams; the deep dive is where delivery, retries and "
          "idempotency get decided. It may simply not have come up yet.",
      fix="Add deep_dives.async_processing: what is async and why, delivery, failures and dead letters, "
          "consumer idempotency.",
      bad="architecture: {async_edges: [...]}\ndeep_dives: {caching: {...}}",
      good="deep_dives:\n  async_processing: {what_and_why: ..., delivery: at_least_once, ...}")
def no_async_dive(ctx):
    edges = _edges(ctx)
    if ctx.deep_dives_started and ctx.dd.async_processing is None and edges:
        yield Hit(ctx.dd, f"{len(edges)} async edge(s) ({', '.join(a.id for a in edges)}) but no async "
                          "processing deep dive")


@rule("ASYNC-007", "Async edge without a dead-letter queue", severity="warning", playbook=P_FAILURES,
      why="Without a dead-letter queue a message that always fails is either dropped silently or retried "
          "forever, blocking the messages behind it on its partition.",
      fix="Give the edge a dead_letter queue component (or describe dead-letter handling in "
          "async_processing.dead_letter).",
      bad="- {id: clicks, producer: api, via: bus, consumers: [counter]}",
      good="- {id: clicks, producer: api, via: bus, consumers: [counter], dead_letter: dlq}")
def edge_without_dlq(ctx):
    if _dive_has(ctx, "dead_letter"):
        return
    for a in _edges(ctx):
        if a.dead_letter is None:
            yield Hit(a, f"async edge '{a.id}' ({a.producer} -> {a.via} -> {', '.join(a.consumers)}) has no "
                         "dead-letter queue: poison messages are lost or block the queue")


@rule("ASYNC-008", "Async edge without a delivery guarantee", severity="warning", playbook=P_DELIVERY,
      why="Whether a message can be lost or duplicated decides what the consumer must do; unstated, "
          "neither the producer's retries nor the consumer's dedup can be judged.",
      fix="Set the edge's delivery (at_least_once, exactly_once, at_most_once), or state one in "
          "async_processing.delivery.",
      bad="- {id: clicks, producer: api, via: bus, consumers: [counter]}",
      good="- {id: clicks, producer: api, via: bus, consumers: [counter], delivery: at_least_once}")
def edge_without_delivery(ctx):
    for a in _edges(ctx):
        if _delivery(ctx, a) is None:
            yield Hit(a, f"async edge '{a.id}' states no delivery guarantee (at-most-once, at-least-once or "
                         "exactly-once)")


@rule("ASYNC-009", "At-least-once delivery to consumers that are not idempotent", severity="warning",
      playbook=P_IDEMPOTENCY,
      why="At-least-once means every retry, timeout and consumer rebalance can deliver a message again; "
          "a consumer that is not idempotent applies it twice (a double count, a second email, a double charge).",
      fix="Make the consumers idempotent (dedup by event id, upserts of absolute values, conditional writes) "
          "and set idempotent_consumers: true, or explain it in async_processing.idempotency.",
      bad="- {id: pay, via: q, consumers: [ledger], delivery: at_least_once, idempotent_consumers: false}",
      good="- {id: pay, via: q, consumers: [ledger], delivery: at_least_once, idempotent_consumers: true}")
def at_least_once_not_idempotent(ctx):
    for a in _edges(ctx):
        if _delivery(ctx, a) is not DeliveryGuarantee.at_least_once or _idempotent(ctx, a):
            continue
        who = ", ".join(a.consumers)
        if a.idempotent_consumers is False:
            yield Hit(a, f"async edge '{a.id}' delivers at least once but its consumers ({who}) are declared "
                         "not idempotent: every redelivery is applied twice", severity="error")
        else:
            yield Hit(a, f"async edge '{a.id}' delivers at least once and nothing says its consumers ({who}) "
                         "are idempotent")


@rule("ASYNC-010", "Exactly-once claimed without idempotency", severity="warning", playbook=P_DELIVERY,
      why="Brokers give exactly-once only inside their own transactions; once a consumer writes to another "
          "system, a crash between the write and the offset commit redelivers. Effectively-once is "
          "at-least-once plus dedup or idempotent writes.",
      fix="Say how duplicates are absorbed: a dedup key, a transactional outbox/offset commit, or idempotent "
          "upserts; set idempotent_consumers: true.",
      bad="- {id: orders, via: log, consumers: [billing], delivery: exactly_once}",
      good="- {id: orders, via: log, consumers: [billing], delivery: exactly_once, idempotent_consumers: true}")
def exactly_once_without_idempotency(ctx):
    edges = _edges(ctx)
    for a in edges:
        if _delivery(ctx, a) is DeliveryGuarantee.exactly_once and not _idempotent(ctx, a):
            yield Hit(a, f"async edge '{a.id}' claims exactly-once delivery with no dedup or idempotent "
                         f"consumers ({', '.join(a.consumers)}): a crash after the side effect redelivers")
    d = _dive(ctx)
    if not edges and d is not None and d.delivery is DeliveryGuarantee.exactly_once and not _text(d.idempotency):
        yield Hit(d, "async_processing claims exactly-once delivery without saying how duplicates are absorbed")


@rule("ASYNC-011", "Dead-letter queue is the edge's own queue", severity="warning", playbook=P_FAILURES,
      why="A dead-letter queue exists to take poison messages away from the consumers; dead-lettering into "
          "the same queue hands them straight back, so they loop forever.",
      fix="Point dead_letter at a separate queue that no regular consumer reads.",
      bad="- {id: jobs, via: jobs-q, consumers: [w], dead_letter: jobs-q}",
      good="- {id: jobs, via: jobs-q, consumers: [w], dead_letter: jobs-dlq}")
def dlq_is_via(ctx):
    for a in _edges(ctx):
        if a.dead_letter is not None and a.dead_letter == a.via:
            yield Hit(a, f"async edge '{a.id}' dead-letters into its own queue '{a.via}': failed messages come back "
                         "to the same consumers")


@rule("ASYNC-012", "Async edge without a why", severity="info", playbook=P_WHAT,
      why="Every async hop trades freshness and a failure mode for latency or isolation; the reason is what "
          "makes the trade defensible.",
      fix="Give the edge a why: what the producer no longer waits for, or what the queue absorbs.",
      bad="- {id: clicks, producer: api, via: bus, consumers: [counter]}",
      good="- {id: clicks, producer: api, via: bus, consumers: [counter], why: keep the redirect one cache read}")
def edge_without_why(ctx):
    for a in _edges(ctx):
        if not _text(a.why):
            yield Hit(a, f"async edge '{a.id}' does not say why it is async")


def _buffered(ctx) -> bool:
    """A queue or log sits on a write path, or carries a write use case's work."""
    for kind, f in ctx.flows():
        if kind == "write":
            for h in f.hops:
                c = ctx.component(h.component)
                if c is not None and c.kind in ASYNC_KINDS:
                    return True
    writers = {cid for kind, f in ctx.flows() if kind == "write" for cid in (h.component for h in f.hops)}
    for a in _edges(ctx):
        if a.use_case is None or ctx.operation.get(a.use_case) is Operation.write or a.producer in writers:
            return True
    return False


@rule("ASYNC-013", "Peak writes call for buffering, with no queue or log on the write path", severity="warning",
      playbook=P_QUEUE,
      why="Above the write-buffering threshold bursts outrun the store: a queue or log in front absorbs the "
          "spike so the store is sized for the average, and a slow store no longer fails writes.",
      fix="Put a queue or event stream on the write path (producer -> log -> writer) and say how far behind "
          "the writer may fall.",
      bad="write_paths: [{hops: [client, api, db]}]  # at 50K writes/s",
      good="async_edges: [{id: ingest, producer: api, via: log, consumers: [writer], use_case: ingest}]")
def writes_unbuffered(ctx):
    peak = ctx.est.value("qps.write.peak")
    th = ctx.threshold("write_buffering_qps")
    if ctx.arch is None or peak is None or peak < th or _buffered(ctx):
        return
    yield Hit(ctx.arch, f"{ctx.fmt('write_buffering_qps', peak)} writes/s at peak (at or above "
                        f"{ctx.fmt('write_buffering_qps')}) and no queue or log buffers the writes")


@rule("ASYNC-014", "Large fan-out with no async pipeline", severity="warning", playbook=P_PATHWAYS,
      why="Fan-out above the threshold is a pipeline of its own: done inline it multiplies the request's "
          "latency and failure rate by the number of deliveries.",
      fix="Add an async edge for the use case: the request publishes one event, fan-out workers do the "
          "deliveries from a queue or stream.",
      bad="traffic: [{use_case: post, fanout: 200}]  # and no async edge for post",
      good="async_edges: [{id: fanout, use_case: post, producer: posts, via: bus, consumers: [fanout-worker]}]")
def fanout_inline(ctx):
    if ctx.arch is None or ctx.design.estimates is None:
        return
    th = ctx.threshold("fanout_deliveries")
    for t in ctx.design.estimates.traffic:
        qps = ctx.peak_qps(t.use_case)
        if t.fanout is None or qps is None or qps * t.fanout < th:
            continue
        v = qps * t.fanout
        if any(a.use_case == t.use_case or (a.use_case is None and t.use_case in ctx.use_cases_of(a.producer))
               for a in _edges(ctx)):
            continue
        yield Hit(t, f"'{t.use_case}' fans out {ctx.fmt('fanout_deliveries', v)} deliveries/s at peak (at or above "
                     f"{ctx.fmt('fanout_deliveries')}) and no async edge carries it")


@rule("ASYNC-015", "Queue shared by several consumers", severity="warning", playbook=P_QUEUE,
      why="A queue delivers each message to one consumer: distinct consumers on one queue compete for "
          "messages instead of each seeing all of them. Fan-out to several consumers is an event stream's "
          "job (or one queue per consumer).",
      fix="Use an event stream with one consumer group per consumer, or give each consumer its own queue.",
      bad="- {id: e, via: jobs-q, consumers: [indexer, notifier]}  # jobs-q is a queue",
      good="- {id: e, via: events, consumers: [indexer, notifier]}  # events is an event_stream")
def queue_fanout(ctx):
    by_queue: dict[str, list[str]] = {}
    for a in _edges(ctx):
        c = ctx.component(a.via)
        if c is not None and c.kind is ComponentKind.queue:
            seen = by_queue.setdefault(a.via, [])
            seen += [x for x in a.consumers if x not in seen]
    for qid, consumers in by_queue.items():
        if len(consumers) >= 2:
            yield Hit(ctx.component(qid), f"queue '{qid}' is consumed by {len(consumers)} different components "
                                          f"({', '.join(consumers)}): each message reaches only one of them")


@rule("ASYNC-016", "At-most-once delivery for a must-have use case", severity="info", playbook=P_DELIVERY,
      why="At-most-once drops whatever was in flight when a consumer crashes; for a must-have use case "
          "that loss should be a stated, accepted choice.",
      fix="Use at-least-once with idempotent consumers, or say in the edge's why that losing messages is acceptable.",
      bad="- {id: orders, use_case: checkout, delivery: at_most_once}",
      good="- {id: orders, use_case: checkout, delivery: at_least_once, idempotent_consumers: true}")
def at_most_once_must(ctx):
    for a in _edges(ctx):
        u = ctx.use_cases.get(a.use_case) if a.use_case else None
        if u is not None and u.priority is Priority.must and _delivery(ctx, a) is DeliveryGuarantee.at_most_once:
            yield Hit(a, f"async edge '{a.id}' of must-have use case '{u.id}' delivers at most once: messages "
                         "in flight are lost on a crash")

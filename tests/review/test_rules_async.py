"""ASYNC rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import findings, fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: post, name: Post, priority: must}
    - {id: read, name: Read, priority: should}
  users: {dau: 1M}
estimates:
  traffic:
    - TRAFFIC
    - {use_case: read, operation: read, requests_per_user_per_day: 10}
architecture:
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: 2}
    - {id: bus, kind: event_stream}
    - {id: jobs, kind: queue}
    - {id: worker, kind: worker}
    - {id: mailer, kind: worker}
    - {id: dlq, kind: queue}
    - {id: db, kind: data_store}
  write_paths:
    - {id: w, use_case: post, hops: [WRITE_HOPS]}
EDGES
DIVE"""

GOOD = ("{id: e, use_case: post, producer: api, via: bus, consumers: [worker], why: the author must not wait, "
        "delivery: at_least_once, dead_letter: dlq, idempotent_consumers: true}")
LOW_TRAFFIC = "{use_case: post, operation: write, requests_per_user_per_day: 1}"
FULL = """deep_dives:
  async_processing:
    what_and_why: fan-out off the request path
    delivery: at_least_once
    failures_and_retries: 5 attempts with exponential backoff
    dead_letter: to the DLQ after 5 attempts
    idempotency: dedupe by event id
"""


def d(*edges: str, dive: str = "", traffic: str = LOW_TRAFFIC, hops: str = "client, api, db") -> str:
    block = ("  async_edges:\n" + "".join(f"    - {e}\n" for e in edges)) if edges else ""
    return (BASE.replace("TRAFFIC", traffic).replace("WRITE_HOPS", hops).replace("EDGES\n", block)
            .replace("DIVE", dive))


def edge(drop: str = "", add: str = "") -> str:
    """GOOD without the `drop` clause (e.g. ', dead_letter: dlq') and with `add` appended."""
    e = GOOD.replace(drop, "") if drop else GOOD
    return e[:-1] + add + "}" if add else e


def test_async_001_to_005_presence():
    thin = "deep_dives:\n  async_processing: {failures_and_retries: retry}\n"
    bare = "{id: e, producer: api, via: bus, consumers: [worker]}"
    for code in ("ASYNC-001", "ASYNC-002", "ASYNC-004", "ASYNC-005"):
        f = fires(d(bare, dive=thin), code)
        assert f[0].pointer == "deep_dives.async_processing"
        silent(d(bare, dive=FULL), code)
        # every edge states it (why, delivery, dead_letter, idempotent_consumers): the item is covered
        silent(d(GOOD, dive=thin), code)
    fires(d(GOOD, dive="deep_dives:\n  async_processing: {what_and_why: x}\n"), "ASYNC-003")
    silent(d(GOOD, dive=FULL), "ASYNC-003")
    silent(d(GOOD), "ASYNC-001")  # no dive: left to ASYNC-006


def test_async_006_no_dive():
    f = fires(d(GOOD, dive="deep_dives:\n  caching: {policy: aside}\n"), "ASYNC-006")
    assert f[0].severity == "info" and "'e'" not in f[0].message and "(e)" in f[0].message
    silent(d(GOOD, dive=FULL), "ASYNC-006")
    silent(d(dive="deep_dives:\n  caching: {policy: aside}\n"), "ASYNC-006")  # no async edges
    silent(d(GOOD), "ASYNC-006")  # deep dives not started
    silent(d(GOOD, dive="deep_dives: {}\n"), "ASYNC-006")


def test_async_007_no_dlq():
    f = fires(d(edge(", dead_letter: dlq")), "ASYNC-007")
    assert f[0].element == "e" and f[0].line == 25
    silent(d(GOOD), "ASYNC-007")
    silent(d(edge(", dead_letter: dlq"), dive=FULL), "ASYNC-007")  # the dive describes dead-lettering


def test_async_008_no_delivery():
    fires(d(edge(", delivery: at_least_once")), "ASYNC-008")
    silent(d(GOOD), "ASYNC-008")
    silent(d(edge(", delivery: at_least_once"), dive=FULL), "ASYNC-008")


def test_async_009_at_least_once_not_idempotent():
    declared = d(GOOD.replace("idempotent_consumers: true", "idempotent_consumers: false"))
    f = fires(declared, "ASYNC-009")
    assert f[0].severity == "error" and "declared not idempotent" in f[0].message
    f = fires(d(edge(", idempotent_consumers: true")), "ASYNC-009")
    assert f[0].severity == "warning"
    silent(d(GOOD), "ASYNC-009")
    silent(d(edge(", idempotent_consumers: true"), dive=FULL), "ASYNC-009")  # dive says how
    # the delivery comes from the dive when the edge states none
    dive_only = FULL.replace("    idempotency: dedupe by event id\n", "")
    fires(d(edge(", delivery: at_least_once").replace(", idempotent_consumers: true", ""), dive=dive_only), "ASYNC-009")


def test_async_010_exactly_once():
    once = GOOD.replace("at_least_once", "exactly_once")
    fires(d(once.replace(", idempotent_consumers: true", "")), "ASYNC-010")
    silent(d(once), "ASYNC-010")
    silent(d(GOOD.replace(", idempotent_consumers: true", "")), "ASYNC-010")  # at-least-once: ASYNC-009's job
    dive = "deep_dives:\n  async_processing: {delivery: exactly_once}\n"
    f = fires(d(dive=dive), "ASYNC-010")
    assert f[0].pointer == "deep_dives.async_processing"
    silent(d(dive="deep_dives:\n  async_processing: {delivery: exactly_once, idempotency: upserts}\n"), "ASYNC-010")


def test_async_011_dlq_is_via():
    f = fires(d(GOOD.replace("dead_letter: dlq", "dead_letter: bus")), "ASYNC-011")
    assert "its own queue 'bus'" in f[0].message
    silent(d(GOOD), "ASYNC-011")


def test_async_012_no_why():
    f = fires(d(edge(", why: the author must not wait")), "ASYNC-012")
    assert f[0].severity == "info"
    silent(d(GOOD), "ASYNC-012")


def test_async_013_write_buffering():
    # 1B/day = 11,574 writes/s on average x 3 (default peak multiplier) = 34.7K/s >= 20K
    hot = "{use_case: post, operation: write, rate: 1B/day}"
    f = fires(d(traffic=hot), "ASYNC-013")
    assert f[0].pointer == "architecture" and "34.7K" in f[0].message
    silent(d(GOOD, traffic=hot), "ASYNC-013")  # the post edge carries the writes
    silent(d(traffic=hot, hops="client, api, bus"), "ASYNC-013")  # a log on the write path
    silent(d(), "ASYNC-013")  # 1M DAU x 1/day = 11.6/s avg, 35/s at peak


def test_async_014_fanout_inline():
    # 1B/day = 11,574/s avg x 10 deliveries x 3 = 347K deliveries/s >= 100K
    wide = "{use_case: post, operation: write, rate: 1B/day, fanout: 10}"
    f = fires(d(traffic=wide), "ASYNC-014")
    assert f[0].pointer == "estimates.traffic[0]" and "347K" in f[0].message
    other = GOOD.replace("use_case: post", "use_case: read").replace("producer: api", "producer: worker")
    fires(d(other, traffic=wide), "ASYNC-014")  # an async edge, but not for post
    silent(d(GOOD, traffic=wide), "ASYNC-014")
    # 11,574 x 2 x 3 = 69K < 100K
    silent(d(traffic="{use_case: post, operation: write, rate: 1B/day, fanout: 2}"), "ASYNC-014")


def test_async_015_queue_shared():
    a = GOOD.replace("via: bus", "via: jobs")
    b = a.replace("id: e,", "id: e2,").replace("consumers: [worker]", "consumers: [mailer]")
    f = fires(d(a, b), "ASYNC-015")
    assert f[0].element == "jobs" and "2 different components" in f[0].message
    fires(d(a.replace("consumers: [worker]", "consumers: [worker, mailer]")), "ASYNC-015")
    silent(d(a), "ASYNC-015")
    silent(d(GOOD.replace("consumers: [worker]", "consumers: [worker, mailer]")), "ASYNC-015")  # a stream


def test_async_016_at_most_once_must():
    lossy = GOOD.replace("at_least_once", "at_most_once")
    f = fires(d(lossy), "ASYNC-016")
    assert f[0].severity == "info"
    silent(d(lossy.replace("use_case: post", "use_case: read")), "ASYNC-016")  # a should-have
    silent(d(GOOD), "ASYNC-016")


def test_async_rules_silent_on_a_clean_design():
    clean = d(GOOD, dive=FULL)
    for n in range(1, 17):
        assert not findings(clean, f"ASYNC-{n:03d}"), n


def test_async_009_an_edge_declared_not_idempotent_beats_the_dives_general_text():
    # the dive says consumers dedup in general; this edge says its consumers do not
    text = """
name: t
requirements:
  use_cases: [{id: pay, name: Pay}]
architecture:
  components:
    - {id: api, kind: service}
    - {id: q, kind: queue}
    - {id: ledger, kind: worker}
  async_edges:
    - {id: pay, use_case: pay, producer: api, via: q, consumers: [ledger], delivery: at_least_once,
       idempotent_consumers: IDEMPOTENT}
deep_dives:
  async_processing: {idempotency: consumers dedup by event id}
"""
    f = fires(text.replace("IDEMPOTENT", "false"), "ASYNC-009")
    assert f[0].severity == "error" and f[0].element == "pay"
    silent(text.replace("IDEMPOTENT", "true"), "ASYNC-009")

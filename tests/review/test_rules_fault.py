"""FAULT rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import findings, fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: buy, name: Buy, priority: must}
    - {id: browse, name: Browse, priority: should}
  users: {dau: 1M}
  non_functional:
    availability: {target: 99.9%}
estimates:
  traffic:
    - {use_case: buy, operation: write, requests_per_user_per_day: 1}
architecture:
  components:
    - {id: client, kind: client}
    - {id: dns, kind: dns}
    - {id: api, kind: service, replicas: 3, zones: 3, resilience: RES}
    - {id: db, kind: data_store, replicas: 3, zones: 3}
    - {id: spare, kind: cache}
    - {id: psp, kind: external}
  write_paths:
    - {id: w, use_case: buy, hops: [client, dns, api, db]}
  external_calls:
    - {id: pay, use_case: buy, caller: api, external: psp, sync: true, timeout: 2 s, fallback: queue the charge}
DIVE"""

RES = "{timeout: 100 ms, retries: 2, backoff: exponential_jitter, circuit_breaker: true, fallback: serve cached}"
FULL = """deep_dives:
  fault_tolerance:
    node_failure: pods replaced; db fails over in 30 s
    az_failure: 3 AZs, sized so 2 carry peak
    downstream_timeout: 100 ms, then fall back
    circuit_breakers: per dependency
    bulkheads: one pool per dependency
    retries_with_backoff: 2 retries, exponential with jitter
    graceful_degradation: browse degrades before buy
"""
DB = "{id: db, kind: data_store, replicas: 3, zones: 3}"
DB_LINE = 18


def d(res: str = RES, dive: str = FULL) -> str:
    return BASE.replace("RES", res).replace("DIVE", dive)


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_fault_001_to_007_presence():
    thin = d(res="{timeout: 100 ms}", dive="deep_dives:\n  fault_tolerance: {az_failure: x}\n")
    for code in ("FAULT-001", "FAULT-003", "FAULT-004", "FAULT-005", "FAULT-006", "FAULT-007"):
        f = fires(thin, code)
        assert f[0].pointer == "deep_dives.fault_tolerance"
        silent(d(), code)
    fires(d(dive="deep_dives:\n  fault_tolerance: {node_failure: x}\n"), "FAULT-002")
    silent(d(), "FAULT-002")
    # breakers, retries with backoff and fallbacks set on components cover their items; bulkheads are not set
    annotated = d(dive="deep_dives:\n  fault_tolerance: {node_failure: x}\n")
    for code in ("FAULT-004", "FAULT-006", "FAULT-007"):
        silent(annotated, code)
    assert fires(annotated, "FAULT-005")[0].severity == "info"


def test_fault_008_single_point_of_failure():
    f = fires(sub(d(), DB, "{id: db, kind: data_store, replicas: 1}"), "FAULT-008")
    assert f[0].element == "db" and f[0].line == DB_LINE and f[0].severity == "error" and "buy" in f[0].message
    f = fires(sub(d(), DB, "{id: db, kind: data_store}"), "FAULT-008")
    assert f[0].severity == "warning" and "states no replicas" in f[0].message
    assert fires(sub(d(dive=""), DB, "{id: db, kind: data_store}"), "FAULT-008")[0].severity == "info"  # a sketch
    silent(d(), "FAULT-008")  # client, dns and the external psp have one "replica" but are not ours; spare is on no path
    # a single node serving only a should-have use case is not on a must-have path
    should = sub(d(), "use_case: buy, hops", "use_case: browse, hops").replace("use_case: buy, caller", "use_case: browse, caller")
    silent(sub(should, DB, "{id: db, kind: data_store, replicas: 1}"), "FAULT-008")


def test_fault_009_single_zone():
    f = fires(sub(d(), DB, "{id: db, kind: data_store, replicas: 3, zones: 1}"), "FAULT-009")
    assert f[0].element == "db" and f[0].severity == "error" and "99.9%" in f[0].message
    f = fires(sub(d(), DB, "{id: db, kind: data_store, replicas: 3}"), "FAULT-009")
    assert f[0].severity == "warning"
    assert fires(sub(d(dive=""), DB, "{id: db, kind: data_store, replicas: 3}"), "FAULT-009")[0].severity == "info"
    silent(d(), "FAULT-009")
    low = sub(d(), "target: 99.9%", "target: 99.5%")  # below the 99.9% multi-zone threshold
    silent(sub(low, DB, "{id: db, kind: data_store, replicas: 3, zones: 1}"), "FAULT-009")


def test_fault_010_single_region():
    five_nines = sub(d(), "target: 99.9%", "target: 99.999%")
    f = fires(five_nines, "FAULT-010")
    assert f[0].pointer == "requirements.non_functional.availability" and "99.999%" in f[0].message
    silent(sub(five_nines, DB, "{id: db, kind: data_store, replicas: 6, zones: 3, regions: 2}"), "FAULT-010")
    silent(sub(d(), "target: 99.9%", "target: 99.99%"), "FAULT-010")  # at, not above, 99.99%


def test_fault_011_to_013_external_calls():
    bare_call = sub(d(res="{retries: 0}"), ", timeout: 2 s, fallback: queue the charge", "")
    for code in ("FAULT-011", "FAULT-012", "FAULT-013"):
        f = fires(bare_call, code)
        assert f[0].element == "pay"
    # the caller's own timeout, fallback and breaker count
    covered = sub(d(), ", timeout: 2 s, fallback: queue the charge", "")
    for code in ("FAULT-011", "FAULT-012", "FAULT-013"):
        silent(covered, code)
    silent(sub(bare_call, "sync: true", "sync: false"), "FAULT-011")
    fires(d(res="{timeout: 100 ms, circuit_breaker: false}"), "FAULT-013")


def test_fault_014_retries_without_backoff():
    f = fires(d(res="{timeout: 100 ms, retries: 3}"), "FAULT-014")
    assert "no backoff" in f[0].message and f[0].pointer == "architecture.components[2].resilience"
    assert "fixed" in fires(d(res="{timeout: 100 ms, retries: 3, backoff: fixed}"), "FAULT-014")[0].message
    silent(d(), "FAULT-014")
    silent(d(res="{timeout: 100 ms, retries: 0}"), "FAULT-014")


def test_fault_015_retries_without_timeout():
    fires(d(res="{retries: 2, backoff: exponential}"), "FAULT-015")
    silent(d(), "FAULT-015")


def test_fault_016_retry_amplification():
    layered = sub(d(), "    - {id: client, kind: client}\n",
                  "    - {id: client, kind: client}\n"
                  "    - {id: gw, kind: api_gateway, replicas: 2, zones: 2, resilience: {timeout: 1 s, retries: 1}}\n"
                  "    - {id: svc, kind: service, replicas: 2, zones: 2, resilience: {timeout: 50 ms, retries: 1}}\n")
    layered = sub(layered, "hops: [client, dns, api, db]", "hops: [client, dns, gw, api, svc, db]")
    f = fires(layered, "FAULT-016")
    # (1+1) x (2+1) x (1+1) = 12 attempts
    assert f[0].element == "w" and "12 attempts" in f[0].message
    silent(sub(layered, "resilience: {timeout: 1 s, retries: 1}", "resilience: {timeout: 1 s, retries: 0}"), "FAULT-016")


def test_fault_017_zones_above_replicas():
    f = fires(sub(d(), DB, "{id: db, kind: data_store, replicas: 2, zones: 3}"), "FAULT-017")
    assert f[0].element == "db" and f[0].severity == "error"
    silent(d(), "FAULT-017")


def test_fault_018_no_fault_dive():
    other = "deep_dives:\n  caching: {policy: aside}\n"
    f = fires(d(dive=other), "FAULT-018")
    assert f[0].severity == "warning" and f[0].pointer == "deep_dives"
    f = fires(sub(d(dive=other), "target: 99.9%", "target: 99%"), "FAULT-018")
    assert f[0].severity == "info"
    silent(d(), "FAULT-018")
    silent(d(dive=""), "FAULT-018")  # deep dives not started
    silent(d(dive="deep_dives: {}\n"), "FAULT-018")


def test_fault_rules_silent_on_a_clean_design():
    for n in range(1, 19):
        assert not findings(d(), f"FAULT-{n:03d}"), n


# --- rules that read the capacity model's failure cases (#6) ------------------------------

CAP = """
name: t
requirements:
  use_cases: [{id: get, name: Get, priority: must}]
estimates:
  peak_multiplier: 1
  traffic:
    - {use_case: get, operation: read, rate: 1000/s}
architecture:
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: API_R, zones: API_Z, capacity: {service_time: 10 ms, concurrency: 4},
       resilience: RES}
    - {id: db, kind: data_store, storage: key_value, replicas: 3, zones: 3,
       capacity: {service_time: 1 ms, concurrency: 100}}
  read_paths:
    - {id: r, use_case: get, hops: [client, api, db]}
"""


def cap(replicas=6, zones=3, res="{timeout: 50 ms, retries: 1, backoff: exponential_jitter, circuit_breaker: true}"):
    return CAP.replace("API_R", str(replicas)).replace("API_Z", str(zones)).replace("RES", res)


def test_fault_019_dependency_outage_exhausts_caller():
    # 1000/s x 10 ms = 10 busy servers of 6 x 4 = 24 (42%). If db hangs with a 2 s timeout and
    # 2 retries, no breaker: Little's law 1000/s x 3 x 2 s (+ 0 backoff) = 6,000 held >> 24
    got = fires(cap(res="{timeout: 2 s, retries: 2, backoff: none}"), "FAULT-019")
    assert "api" in got[0].message and "get fail" in got[0].message
    # a breaker fails fast: nothing is held
    silent(cap(res="{timeout: 2 s, retries: 2, backoff: none, circuit_breaker: true}"), "FAULT-019")


def test_fault_020_one_replica_lost_overloads():
    # 10 servers of work over 3 replicas x 4 = 83% busy; with one lost: 10/8 = 125%
    fires(cap(replicas=3, zones=3), "FAULT-020")
    # 6 replicas: 42% -> 50%
    silent(cap(replicas=6, zones=3), "FAULT-020")


def test_fault_021_one_zone_lost_overloads():
    # 4 replicas over 2 zones: 10/16 = 62.5% busy; a zone lost leaves 2 x 4: 125%
    got = fires(cap(replicas=4, zones=2), "FAULT-021")
    assert "125%" in got[0].message
    # 6 over 3 zones: 42% -> 62.5%
    silent(cap(replicas=6, zones=3), "FAULT-021")

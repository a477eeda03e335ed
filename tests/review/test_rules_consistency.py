"""CONS rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import findings, fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: pay, name: Pay, priority: must}
    - {id: feed, name: Feed, priority: must}
  users: {dau: 1M}
  non_functional:
    consistency:
      - {id: cons-pay, use_case: pay, model: strong, why: double spend}
      - {id: cons-feed, use_case: feed, model: eventual}
estimates:
  traffic:
    - {use_case: pay, operation: write, requests_per_user_per_day: 1}
    - {use_case: feed, operation: read, requests_per_user_per_day: 10}
architecture:
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: 2}
    - {id: cache, kind: cache, replicas: 2}
    - {id: replica, kind: data_store, option: read_replicas, replicas: 2}
    - {id: db, kind: data_store, replicas: 2}
  read_paths:
    - {id: r-feed, use_case: feed, hops: [client, api, cache, db]}
  write_paths:
    - {id: w-pay, use_case: pay, hops: [client, api, db]}
deep_dives:
  consistency:
    choices:
      - {scope: payments, model: strong, why: one leader per account}
      - {scope: feed, model: eventual, why: a minute of lag is invisible}
    conflict_resolution: a single leader per account serialises writes
    stale_reads: the feed cache has a 60 s TTL; payments never read from it
"""

STALE = "    stale_reads: the feed cache has a 60 s TTL; payments never read from it\n"
CONFLICT = "    conflict_resolution: a single leader per account serialises writes\n"
PAY_READ = "    - {id: r-pay, use_case: pay, hops: [client, api, cache, db]}\n"
NO_DIVE = BASE.split("  consistency:\n    choices")[0] + "  caching: {policy: aside}\n"
REGIONS = "  users: {dau: 1M, regions: [NA, EU]}\n"


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_cons_001_choices():
    f = fires(sub(BASE, BASE[BASE.index("    choices:"):BASE.index(CONFLICT)], ""), "CONS-001")
    assert f[0].pointer == "deep_dives.consistency"
    silent(BASE, "CONS-001")


def test_cons_002_conflict_resolution():
    f = fires(sub(BASE, CONFLICT, ""), "CONS-002")
    assert f[0].severity == "info"
    silent(BASE, "CONS-002")
    # users in two regions and writes: CONS-007's warning speaks instead
    silent(sub(sub(BASE, CONFLICT, ""), "  users: {dau: 1M}\n", REGIONS), "CONS-002")


def test_cons_003_stale_reads():
    fires(sub(BASE, STALE, ""), "CONS-003")
    silent(BASE, "CONS-003")


def test_cons_004_strong_through_cache():
    strong_cached = sub(sub(BASE, STALE, ""), "  write_paths:", PAY_READ + "  write_paths:")
    f = fires(strong_cached, "CONS-004")
    assert f[0].element == "r-pay" and "cache" in f[0].message and "cons-pay" in f[0].message
    silent(sub(BASE, "  write_paths:", PAY_READ + "  write_paths:"), "CONS-004")  # stale reads explained
    silent(sub(BASE, STALE, ""), "CONS-004")  # only the eventual feed reads through the cache
    via_replica = sub(sub(BASE, STALE, ""), "  write_paths:",
                      "    - {id: r-pay, use_case: pay, hops: [client, api, replica]}\n  write_paths:")
    assert "replica" in fires(via_replica, "CONS-004")[0].message


def test_cons_005_choice_contradicts_requirement():
    weak = sub(BASE, "{scope: payments, model: strong", "{scope: Pay, model: eventual")  # the use case's name
    f = fires(weak, "CONS-005")
    assert f[0].severity == "error" and "cons-pay asks for strong" in f[0].message and f[0].line == 30
    fires(sub(BASE, "{scope: payments, model: strong", "{scope: cons-pay, model: read_your_writes"), "CONS-005")
    silent(sub(BASE, "{scope: payments, model: strong", "{scope: pay, model: strong"), "CONS-005")
    silent(sub(BASE, "{scope: feed, model: eventual", "{scope: feed, model: strong"), "CONS-005")  # stronger is fine
    # read-your-writes is not monotonic reads: neither meets the other
    ryw = sub(BASE, "model: eventual}\n", "model: read_your_writes}\n")
    fires(sub(ryw, "{scope: feed, model: eventual", "{scope: feed, model: monotonic_reads"), "CONS-005")
    silent(sub(ryw, "{scope: feed, model: eventual", "{scope: feed, model: causal"), "CONS-005")


def test_cons_006_required_model_chosen_nowhere():
    f = fires(sub(BASE, "{scope: payments, model: strong", "{scope: payments, model: eventual"), "CONS-006")
    assert "cons-pay asks for strong" in f[0].message
    silent(BASE, "CONS-006")
    # a matched (contradicting) choice is CONS-005's finding, not this one
    silent(sub(BASE, "{scope: payments, model: strong", "{scope: pay, model: eventual"), "CONS-006")


def test_cons_007_multi_region_conflicts():
    multi = sub(sub(BASE, CONFLICT, ""), "  users: {dau: 1M}\n", REGIONS)
    f = fires(multi, "CONS-007")
    assert "users are in 2 regions" in f[0].message and f[0].pointer == "deep_dives.consistency"
    silent(sub(BASE, "  users: {dau: 1M}\n", REGIONS), "CONS-007")
    silent(sub(BASE, CONFLICT, ""), "CONS-007")  # one region
    # stores that state their regions decide over where the users are
    one = sub(multi, "{id: db, kind: data_store, replicas: 2}", "{id: db, kind: data_store, replicas: 2, regions: 1}")
    silent(one, "CONS-007")
    two = sub(one, "regions: 1}", "regions: 2}")
    assert "db spans 2 regions" in fires(two, "CONS-007")[0].message


def test_cons_008_cache_without_stale_reads():
    f = fires(NO_DIVE, "CONS-008")
    assert f[0].element == "cache" and "r-feed" in f[0].message
    silent(BASE, "CONS-008")
    # the only cached reads belong to the strong use case: CONS-004 names them
    strong_only = sub(NO_DIVE, "{id: r-feed, use_case: feed,", "{id: r-feed, use_case: pay,")
    fires(strong_only, "CONS-004")
    silent(strong_only, "CONS-008")


def test_cons_009_choice_without_why():
    f = fires(sub(BASE, ", why: a minute of lag is invisible", ""), "CONS-009")
    assert "'feed'" in f[0].message
    silent(BASE, "CONS-009")


def test_cons_010_no_consistency_dive():
    f = fires(NO_DIVE, "CONS-010")
    assert f[0].severity == "warning" and "cons-pay" in f[0].message
    no_strong = sub(NO_DIVE, "model: strong, why: double spend", "model: eventual")
    assert fires(no_strong, "CONS-010")[0].severity == "info"
    silent(BASE, "CONS-010")
    silent(sub(NO_DIVE, "deep_dives:\n  caching: {policy: aside}\n", "deep_dives: {}\n"), "CONS-010")  # not started


def test_cons_rules_silent_on_a_clean_design():
    for n in range(1, 11):
        assert not findings(BASE, f"CONS-{n:03d}"), n

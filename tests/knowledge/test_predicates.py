"""The predicate language of the knowledge base: three-valued, unit-aware, threshold-aware."""

import pytest

from tradeoff.estimate.engine import estimate
from tradeoff.io.load import load_design_text
from tradeoff.knowledge.facts import FACTS, PredicateError, check_predicate, describe, design_facts, evaluate


def test_comparisons_parse_quantities():
    facts = {"qps.read.peak": 60_000.0, "storage.per_day": 2e12, "p99_ms": 40.0}
    assert evaluate({"fact": "qps.read.peak", "gte": "50K"}, facts) is True
    assert evaluate({"fact": "qps.read.peak", "lt": "50K"}, facts) is False
    assert evaluate({"fact": "storage.per_day", "gte": "2 TB"}, facts) is True
    assert evaluate({"fact": "storage.per_day", "gt": "2 TB"}, facts) is False
    assert evaluate({"fact": "p99_ms", "lte": "50 ms"}, facts) is True
    assert evaluate({"fact": "p99_ms", "lte": "0.03 s"}, facts) is False  # 30 ms


def test_threshold_values_come_from_the_table():
    # cache_read_qps is 10K in thresholds.yaml
    assert evaluate({"fact": "qps.read.peak", "gte": {"threshold": "cache_read_qps"}}, {"qps.read.peak": 10_000.0})
    assert not evaluate({"fact": "qps.read.peak", "gte": {"threshold": "cache_read_qps"}}, {"qps.read.peak": 9_999.0})


def test_sets_and_enums():
    facts = {"queries": {"key_lookup", "range_scan"}, "shape": "bursty"}
    assert evaluate({"fact": "queries", "contains": "key_lookup"}, facts) is True
    assert evaluate({"fact": "queries", "contains": "joins"}, facts) is False
    assert evaluate({"fact": "shape", "eq": "bursty"}, facts) is True
    assert evaluate({"fact": "shape", "in": ["steady", "diurnal"]}, facts) is False


def test_three_valued_logic():
    facts = {"shape": "bursty"}  # queries unknown
    unknown = {"fact": "queries", "contains": "joins"}
    yes = {"fact": "shape", "eq": "bursty"}
    no = {"fact": "shape", "eq": "steady"}
    assert evaluate(unknown, facts) is None
    assert evaluate({"all": [yes, unknown]}, facts) is None
    assert evaluate({"all": [no, unknown]}, facts) is False
    assert evaluate({"any": [yes, unknown]}, facts) is True
    assert evaluate({"any": [no, unknown]}, facts) is None
    assert evaluate({"not": unknown}, facts) is None
    assert evaluate({"not": no}, facts) is True


@pytest.mark.parametrize("bad", [
    {"fact": "no_such_fact", "gte": 1},
    {"fact": "qps.read.peak", "approx": 1},
    {"fact": "qps.read.peak", "gte": 1, "lte": 2},
    {"fact": "qps.read.peak", "gte": "lots"},
    {"fact": "qps.read.peak", "gte": {"threshold": "no_such_threshold"}},
    {"all": []},
    {"not": {"fact": "shape", "eq": "x"}, "extra": 1},
    ["not", "a", "mapping"],
])
def test_malformed_predicates_are_rejected(bad):
    with pytest.raises(PredicateError):
        check_predicate(bad)


def test_describe_reads_like_a_condition():
    text = describe({"all": [{"fact": "queries", "contains": "key_lookup"},
                             {"fact": "qps.read.peak", "gte": {"threshold": "cache_read_qps"}}]})
    assert text == "queries includes key_lookup and qps.read.peak >= cache_read_qps"


DESIGN = """\
name: facts
requirements:
  use_cases: [{id: w, name: write}, {id: r, name: read}]
  users: {dau: 10M, regions: [EU, US]}
  access_patterns: {shape: bursty, queries: [key_lookup, range_scan], realtime: server_push}
  non_functional:
    latency: [{use_case: r, p99: 80 ms}, {use_case: w, p99: 200 ms}]
    availability: {target: 99.95%}
    consistency: [{use_case: r, model: eventual}]
  context: {stage: early, teams: 2}
estimates:
  peak_multiplier: 2
  traffic:
    - {use_case: w, operation: write, rate: 8.64M/day}
    - {use_case: r, operation: read, relative_to: w, ratio: 50}
architecture:
  components:
    - {id: web, kind: client}
    - {id: app, kind: client}
    - {id: api, kind: service}
"""


def test_facts_from_a_design():
    d = load_design_text(DESIGN, "f.yaml")
    f = design_facts(d, estimate(d))
    # 8.64M/day / 86,400 = 100 writes/s; x2 peak = 200; reads 50x: 5,000/s avg, 10,000 peak
    assert f["qps.write.peak"] == pytest.approx(200.0)
    assert f["qps.read.peak"] == pytest.approx(10_000.0)
    assert f["read_write_ratio"] == pytest.approx(50.0)
    assert f["p99_ms"] == pytest.approx(80.0)
    assert f["availability"] == pytest.approx(0.9995)
    assert f["consistency"] == {"eventual"}
    assert f["queries"] == {"key_lookup", "range_scan"}
    assert f["realtime"] == "server_push" and f["shape"] == "bursty" and f["stage"] == "early"
    assert f["teams"] == 2 and f["clients"] == 2 and f["services"] == 1
    assert f["multi_region"] is True
    assert f["storage.total"] is None  # no storage given: unknown, not zero
    assert set(f) == set(FACTS)

"""WRAP rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent
from tradeoff.review.rules.wrap_up import sentences

BASE = """
name: t
architecture:
  components: [{id: api, kind: service}]
"""
FULL = """wrap_up:
  summary: Reads hit Redis before Postgres. We chose Postgres for transactions, which the orders need.
  deferred: [{kept_simple: one region, in_production: two regions}]
  evolution: {at_10x: shard orders, at_100x: regional cells}
  v1: [orders]
  v2: [search]
  operational_investments: [SLO dashboards]
  tech_debt: [{debt: counters in the orders table, migration: a counter service via dual writes}]
"""


def wrap(**fields):
    return BASE + "wrap_up:\n" + "".join(f"  {k}: {v}\n" for k, v in fields.items())


def test_sentences():
    assert len(sentences("We use e.g. Redis. It is 99.99% available. At 87K pages/s. Done.")) == 4
    assert len(sentences("One sentence, with 2.5x growth and a vs. b")) == 1


def test_wrap_001_no_wrap_up():
    f = fires(BASE, "WRAP-001")
    assert f[0].pointer == "(design)"
    silent(BASE + FULL, "WRAP-001")
    silent("name: t\n", "WRAP-001")


def test_wrap_002_summary():
    fires(wrap(v2="[search]"), "WRAP-002")
    silent(BASE + FULL, "WRAP-002")


def test_wrap_003_004_summary_length():
    f = fires(wrap(summary="'A is here. B is there. C follows. D ends it.'"), "WRAP-003")
    assert "4 sentences" in f[0].message
    silent(BASE + FULL, "WRAP-003")
    fires(wrap(summary="Redis, Postgres and Kafka."), "WRAP-004")
    silent(BASE + FULL, "WRAP-004")


def test_wrap_005_006_deferred():
    fires(wrap(summary="x"), "WRAP-005")
    silent(BASE + FULL, "WRAP-005")
    f = fires(wrap(deferred="[{kept_simple: one region}]"), "WRAP-006")
    assert "one region" in f[0].message
    silent(BASE + FULL, "WRAP-006")


def test_wrap_007_008_evolution():
    fires(wrap(summary="x"), "WRAP-007")
    silent(wrap(evolution="{at_100x: cells}"), "WRAP-007")
    f = fires(wrap(evolution="{at_10x: shards}"), "WRAP-008")
    assert "at 100x" in f[0].message
    silent(BASE + FULL, "WRAP-008")
    silent(wrap(summary="x"), "WRAP-008")


def test_wrap_009_to_011_presence():
    thin = wrap(summary="x")
    for code in ("WRAP-009", "WRAP-010", "WRAP-011"):
        fires(thin, code)
        silent(BASE + FULL, code)


def test_wrap_012_debt_migration():
    f = fires(wrap(tech_debt="[{debt: counters in the orders table}]"), "WRAP-012")
    assert "counters" in f[0].message
    silent(BASE + FULL, "WRAP-012")

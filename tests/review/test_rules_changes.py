"""CHG rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases: [{id: get, name: Get}]
  non_functional:
    latency: [{id: lat-get, use_case: get, p99: 100 ms}]
architecture:
  components: [{id: cdn, kind: cdn}, {id: api, kind: service}, {id: db, kind: data_store}, {id: db.v2, kind: data_store}]
changes:
"""
GOOD = """  - id: c1
    constraint: p99 under 50 ms worldwide
    set:
      requirements.non_functional.latency.lat-get.p99: 50 ms
      architecture.components.db.regions: 3
    impact: one origin cannot meet it; serve from the edge
    affected: [cdn, db]
    unaffected: [api]
    replaced: [{old: origin-only reads, new: edge-cached reads, component: cdn}]
"""
OK = BASE + GOOD


def edit(old, new):
    assert old in GOOD, old
    return BASE + GOOD.replace(old, new)


def test_chg_001_impact():
    f = fires(edit("    impact: one origin cannot meet it; serve from the edge\n", ""), "CHG-001")
    assert f[0].element == "c1"
    silent(OK, "CHG-001")


def test_chg_002_003_trace():
    fires(edit("    affected: [cdn, db]\n", ""), "CHG-002")
    silent(OK, "CHG-002")
    fires(edit("    unaffected: [api]\n", ""), "CHG-003")
    silent(OK, "CHG-003")


def test_chg_004_replacement_component():
    f = fires(edit(", component: cdn}", "}"), "CHG-004")
    assert "origin-only reads" in f[0].message
    silent(OK, "CHG-004")


def test_chg_005_set_path():
    f = fires(edit("architecture.components.db.regions", "architecture.components.dbx.regions"), "CHG-005")
    assert "no item 'dbx'" in f[0].message and f[0].line == 14  # the set key's line
    fires(edit("architecture.components.db.regions", "architecture.components.db.regionz"), "CHG-005")
    fires(edit("requirements.non_functional.latency.lat-get.p99", "requirements.nonfunctional.latency"), "CHG-005")
    silent(OK, "CHG-005")
    # ids with dots, fields empty today, free-form dicts
    silent(edit("architecture.components.db.regions", "architecture.components.db.v2.shards"), "CHG-005")
    silent(edit("architecture.components.db.regions", "estimates.stated.qps.read.peak"), "CHG-005")


def test_chg_006_both_lists():
    f = fires(edit("unaffected: [api]", "unaffected: [api, db]"), "CHG-006")
    assert "db" in f[0].message
    silent(OK, "CHG-006")


def test_chg_007_008_edits_vs_trace():
    f = fires(edit("affected: [cdn, db]", "affected: [cdn]"), "CHG-007")
    assert "edits db" in f[0].message
    silent(OK, "CHG-007")
    fires(edit("affected: [cdn, db]\n    unaffected: [api]", "affected: [cdn]\n    unaffected: [api, db]"), "CHG-008")
    silent(edit("affected: [cdn, db]\n    unaffected: [api]", "affected: [cdn]\n    unaffected: [api, db]"), "CHG-007")
    silent(OK, "CHG-008")


def test_chg_009_revision():
    bare = edit("""    set:
      requirements.non_functional.latency.lat-get.p99: 50 ms
      architecture.components.db.regions: 3
""", "").replace("    replaced: [{old: origin-only reads, new: edge-cached reads, component: cdn}]\n", "")
    fires(bare, "CHG-009")
    silent(OK, "CHG-009")

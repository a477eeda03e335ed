"""REQ rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  restatement: Shorten links.
  use_cases:
    - {id: shorten, name: Shorten, priority: must}
    - {id: redirect, name: Redirect, priority: must}
"""


def test_req_001_no_requirements():
    f = fires("name: t\n", "REQ-001")
    assert f[0].line == 1
    silent(BASE, "REQ-001")


def test_req_002_restatement():
    f = fires("name: t\nrequirements:\n  use_cases: [{id: a, name: A}]\n", "REQ-002")
    assert f[0].line == 3 and f[0].pointer == "requirements"
    silent(BASE, "REQ-002")


def test_req_003_use_cases():
    fires("name: t\nrequirements:\n  restatement: x\n", "REQ-003")
    silent(BASE, "REQ-003")


def test_req_004_too_many_musts():
    many = BASE + "    - {id: c, name: C}\n    - {id: d, name: D}\n"
    f = fires(many, "REQ-004")
    assert "4 use cases" in f[0].message
    silent(BASE + "    - {id: c, name: C}\n    - {id: d, name: D, priority: should}\n", "REQ-004")


def test_req_005_out_of_scope_why():
    f = fires(BASE + "    - {id: stats, name: Stats, priority: out_of_scope}\n", "REQ-005")
    assert f[0].element == "stats" and f[0].line == 8
    silent(BASE + "    - {id: stats, name: Stats, priority: out_of_scope, why: batch later}\n", "REQ-005")


def test_req_006_users():
    fires(BASE + "  users: {description: people}\n", "REQ-006")
    fires(BASE, "REQ-006")
    silent(BASE + "  users: {mau: 10M, daily_active_fraction: 50%}\n", "REQ-006")


def test_req_007_growth():
    fires(BASE + "  users: {dau: 1M}\n", "REQ-007")
    silent(BASE + "  users: {dau: 1M, growth_per_year: 2x}\n", "REQ-007")
    silent(BASE + "  users: {dau: 1M, growth: doubling yearly}\n", "REQ-007")


def test_req_008_read_write_ratio():
    fires(BASE + "  access_patterns: {shape: bursty}\n", "REQ-008")
    silent(BASE + "  access_patterns: {read_write_ratio: '100:1'}\n", "REQ-008")
    computed = BASE + """  access_patterns: {shape: bursty}
  users: {dau: 1M}
estimates:
  traffic:
    - {use_case: shorten, operation: write, requests_per_user_per_day: 1}
    - {use_case: redirect, operation: read, requests_per_user_per_day: 10}
"""
    silent(computed, "REQ-008")


def test_req_009_010_shape_and_processing():
    fires(BASE + "  access_patterns: {read_write_ratio: '10:1'}\n", "REQ-009")
    fires(BASE + "  access_patterns: {read_write_ratio: '10:1'}\n", "REQ-010")
    ok = BASE + "  access_patterns: {read_write_ratio: '10:1', shape: steady, processing: batch}\n"
    silent(ok, "REQ-009")
    silent(ok, "REQ-010")


def test_req_011_to_013_nfr():
    nf = BASE + "  non_functional: {durability: {target: 99.9999%}}\n"
    for code in ("REQ-011", "REQ-012", "REQ-013"):
        fires(nf, code)
    full = BASE + """  non_functional:
    latency: [{use_case: redirect, p50: 5 ms, p99: 50 ms}]
    availability: {target: 99.9%}
    consistency: [{use_case: shorten, model: strong}]
"""
    for code in ("REQ-011", "REQ-012", "REQ-013"):
        silent(full, code)


def test_req_014_durability_only_when_data_is_kept():
    keeps = BASE + "estimates:\n  storage: [{id: link, size: 500 B, new_per_day: 1M}]\n"
    fires(keeps, "REQ-014")
    silent(BASE, "REQ-014")
    silent(keeps.replace("  restatement", "  non_functional: {durability: {target: 99.99%}}\n  restatement"), "REQ-014")


def test_req_015_compliance():
    fires(BASE, "REQ-015")
    silent(BASE + "  non_functional:\n    compliance: [{id: gdpr, regime: GDPR, requirement: erase on request}]\n", "REQ-015")
    silent(BASE + "  assumptions: [No compliance regime applies (no personal data kept)]\n", "REQ-015")


def test_req_016_017_scope():
    fires(BASE, "REQ-016")
    scoped = BASE + "  scope: {in_scope: [shorten, redirect]}\n"
    silent(scoped, "REQ-016")
    fires(scoped, "REQ-017")
    silent(BASE + "  scope: {in_scope: [shorten], confirmed: true}\n", "REQ-017")


def test_req_018_percentile_order():
    f = fires(BASE + "  non_functional:\n    latency: [{p50: 200 ms, p99: 50 ms}]\n", "REQ-018")
    assert "p50" in f[0].message and f[0].severity == "error"
    silent(BASE + "  non_functional:\n    latency: [{p50: 20 ms, p99: 50 ms, p999: 50 ms}]\n", "REQ-018")


def test_req_019_dau_above_mau():
    fires(BASE + "  users: {dau: 100M, mau: 50M}\n", "REQ-019")
    silent(BASE + "  users: {dau: 50M, mau: 100M}\n", "REQ-019")


def test_req_020_latency_target_use_case():
    fires(BASE + "  non_functional:\n    latency: [{p99: 50 ms}]\n", "REQ-020")
    silent(BASE + "  non_functional:\n    latency: [{use_case: redirect, p99: 50 ms}]\n", "REQ-020")


def test_req_021_must_without_traffic():
    est = BASE + "  users: {dau: 1M}\nestimates:\n  traffic:\n    - {use_case: shorten, operation: write, requests_per_user_per_day: 1}\n"
    f = fires(est, "REQ-021")
    assert f[0].element == "redirect"
    silent(est + "    - {use_case: redirect, operation: read, requests_per_user_per_day: 5}\n", "REQ-021")

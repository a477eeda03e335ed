"""OPS rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases: [{id: send, name: Send}]
  non_functional: {availability: {target: AVAIL}}
architecture:
  components: [{id: app, kind: client}, {id: api, kind: service}]
"""
FULL = """deep_dives:
  operational_readiness:
    deployment: canary
    deployment_note: 1% then 10% then all
    runbooks: failover
    on_call: one rotation
    capacity_planning: quarterly forecast
    chaos_engineering: monthly game day
"""


def base(avail="99.9%"):
    return BASE.replace("AVAIL", avail)


def test_ops_001_no_dive():
    fires(base(), "OPS-001")
    silent(base() + FULL, "OPS-001")


def test_ops_002_to_005_presence():
    thin = base() + "deep_dives:\n  operational_readiness: {chaos_engineering: game days}\n"
    for code in ("OPS-002", "OPS-003", "OPS-004", "OPS-005"):
        f = fires(thin, code)
        assert f[0].pointer == "deep_dives.operational_readiness"
        silent(base() + FULL, code)
    silent(base() + "deep_dives:\n  operational_readiness: {deployment_note: blue/green per region}\n", "OPS-002")


def test_ops_006_007_chaos():
    thin = "deep_dives:\n  operational_readiness: {deployment: canary}\n"
    f = fires(base() + thin, "OPS-006")
    assert f[0].severity == "info"
    silent(base() + thin, "OPS-007")
    # 99.99%: at the multi-region threshold, rehearsal becomes a warning
    f = fires(base("99.99%") + thin, "OPS-007")
    assert "99.99%" in f[0].message and f[0].severity == "warning"
    silent(base("99.99%") + thin, "OPS-006")
    silent(base("99.99%") + FULL, "OPS-007")


def test_ops_008_gateway_draining():
    gw = base().replace("{id: api, kind: service}", "{id: ws, kind: realtime_gateway, replicas: 10}")
    f = fires(gw + "deep_dives:\n  operational_readiness: {deployment: blue_green}\n", "OPS-008")
    assert "ws" in f[0].message and "blue_green" in f[0].message
    silent(gw + FULL, "OPS-008")
    silent(base() + "deep_dives:\n  operational_readiness: {deployment: blue_green}\n", "OPS-008")

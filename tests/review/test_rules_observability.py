"""OBS rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
architecture:
  components: [{id: app, kind: client}, {id: api, kind: service}]
"""
FULL = """deep_dives:
  observability:
    golden_signals: {latency: p99 per route, traffic: req/s, errors: 5xx rate, saturation: CPU and lag}
    structured_logging: JSON with request ids
    tracing: OpenTelemetry
    alerting: page on SLO burn only
"""


def test_obs_001_no_dive():
    fires(BASE, "OBS-001")
    silent(BASE + FULL, "OBS-001")
    silent("name: t\n", "OBS-001")


def test_obs_002_to_005_golden_signals():
    partial = BASE + "deep_dives:\n  observability: {golden_signals: {latency: p99}}\n"
    silent(partial, "OBS-002")
    for code, name in (("OBS-003", "traffic"), ("OBS-004", "errors"), ("OBS-005", "saturation")):
        f = fires(partial, code)
        assert name in f[0].message
        silent(BASE + FULL, code)
    fires(BASE + "deep_dives:\n  observability: {alerting: SLO burn}\n", "OBS-002")


def test_obs_006_009_presence():
    thin = BASE + "deep_dives:\n  observability: {tracing: OTel}\n"
    fires(thin, "OBS-006")
    fires(thin, "OBS-009")
    silent(BASE + FULL, "OBS-006")
    silent(BASE + FULL, "OBS-009")


def test_obs_007_008_tracing():
    no_trace = "deep_dives:\n  observability: {alerting: SLO burn}\n"
    # one service: tracing is nice to have
    f = fires(BASE + no_trace, "OBS-007")
    assert f[0].severity == "info"
    silent(BASE + no_trace, "OBS-008")
    # three services: a warning, named
    three = BASE.replace("{id: api, kind: service}",
                         "{id: a, kind: service}, {id: b, kind: service}, {id: c, kind: service}")
    f = fires(three + no_trace, "OBS-008")
    assert "3 services (a, b, c)" in f[0].message and f[0].severity == "warning"
    silent(three + no_trace, "OBS-007")
    # microservices compute counts too
    fires(BASE.replace("architecture:\n", "architecture:\n  compute: microservices\n") + no_trace, "OBS-008")
    silent(three + FULL, "OBS-008")

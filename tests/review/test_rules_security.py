"""SEC rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases: [{id: post, name: Post}]
architecture:
  components: [{id: app, kind: client}, {id: api, kind: service}]
"""
GDPR = """
name: t
requirements:
  use_cases: [{id: post, name: Post}]
  non_functional:
    compliance: [{id: gdpr, regime: GDPR, requirement: erase on request}]
architecture:
  components: [{id: app, kind: client}, {id: api, kind: service}]
"""
FULL = """deep_dives:
  security:
    authn: OIDC tokens at the gateway
    authz: owner check
    encryption_at_rest: KMS on every volume
    encryption_in_transit: TLS 1.3, mTLS inside
    input_validation: JSON schema, 64 KB limit
    rate_limiting: token bucket per user
    pii: emails only in the identity service
"""


def test_sec_001_002_no_dive():
    fires(BASE, "SEC-001")
    silent(GDPR, "SEC-001")  # SEC-002's case
    silent(BASE + FULL, "SEC-001")
    f = fires(GDPR, "SEC-002")
    assert "GDPR" in f[0].message and f[0].severity == "warning"
    silent(BASE, "SEC-002")
    silent(GDPR + FULL, "SEC-002")


def test_sec_003_to_009_presence():
    empty = BASE + "deep_dives:\n  security: {authn: ''}\n"
    for code in ("SEC-003", "SEC-004", "SEC-005", "SEC-006", "SEC-007", "SEC-008", "SEC-009"):
        f = fires(empty, code)
        assert f[0].pointer == "deep_dives.security"
        silent(BASE + FULL, code)


def test_sec_008_rate_limit_elsewhere():
    sec = BASE + "deep_dives:\n  security: {authn: JWT}\n"
    fires(sec, "SEC-008")
    silent(sec + "  api_design: {rate_limiting: 100 req/min per key}\n", "SEC-008")
    silent(sec.replace("{id: api, kind: service}", "{id: api, kind: service, resilience: {rate_limit: 100/s}}"),
           "SEC-008")


def test_sec_010_011_compliance_escalation():
    thin = GDPR + "deep_dives:\n  security: {authn: JWT}\n"
    f = fires(thin, "SEC-010")
    assert f[0].severity == "error" and "GDPR" in f[0].message
    fires(thin, "SEC-011")
    silent(thin, "SEC-009")  # the compliance rule speaks instead
    silent(thin, "SEC-005")
    silent(GDPR + FULL, "SEC-010")
    silent(GDPR + FULL, "SEC-011")
    silent(BASE + "deep_dives:\n  security: {authn: JWT}\n", "SEC-010")


def test_sec_012_clients_without_auth():
    dd = BASE + "deep_dives:\n  caching: {policy: aside}\n"
    f = fires(dd, "SEC-012")
    assert "app" in f[0].message
    silent(dd + "  api_design: {auth: bearer tokens at the gateway}\n", "SEC-012")
    silent(BASE + FULL, "SEC-012")
    silent(dd.replace("{id: app, kind: client}, ", ""), "SEC-012")


RESIDENCY = """
name: t
requirements:
  use_cases: [{id: post, name: Post}]
  non_functional:
    compliance: [{id: eu-residency, regime: GDPR, requirement: EU users' data stays in the EU}]
architecture:
  components:
    - {id: app, kind: client}
    - {id: api, kind: service}
    - {id: db, kind: data_store, storage: relational, regions: 2}
    - {id: edge, kind: cdn}
    - {id: mailer, kind: external}
    - {id: memo, kind: cache, cache_layer: local}
"""


def test_sec_013_residency_names_every_holder_that_does_not_say_where():
    found = fires(RESIDENCY, "SEC-013")
    by = {f.element: f.message for f in found}
    assert set(by) == {"db", "edge", "mailer"}  # not the service, not the client, not an in-process cache
    assert "replicated across 2 regions" in by["db"]
    assert "edge locations worldwide" in by["edge"]
    assert "third party" in by["mailer"]
    assert all("eu-residency" in m for m in by.values())
    placed = RESIDENCY.replace("regions: 2}", "regions: 2, notes: eu-west-1 and eu-central-1 only}")
    assert {f.element for f in fires(placed, "SEC-013")} == {"edge", "mailer"}
    # "let us" is no place; a region is
    assert "db" in {f.element for f in fires(RESIDENCY.replace("regions: 2}", "regions: 2, notes: lets us scale}"),
                                               "SEC-013")}
    silent(RESIDENCY.replace("EU users' data stays in the EU", "erase on request"), "SEC-013")

"""API rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import findings, fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: shorten, name: Shorten, priority: must}
    - {id: redirect, name: Redirect, priority: must}
    - {id: stats, name: Stats, priority: out_of_scope, why: later}
  users: {dau: 1M}
  access_patterns: {queries: [key_lookup], realtime: none}
estimates:
  traffic:
    - {use_case: shorten, operation: write, requests_per_user_per_day: 1}
    - {use_case: redirect, operation: read, requests_per_user_per_day: 10}
architecture:
  components:
    - {id: client, kind: client}
    - {id: dns, kind: dns}
    - {id: lb, kind: load_balancer, replicas: 2}
    - {id: api, kind: service, replicas: 2}
  read_paths:
    - {id: r, use_case: redirect, hops: [client, dns, lb, api]}
deep_dives:
  api_design:
    style: rest
    endpoints:
      - {method: POST, path: /v1/links, use_case: shorten}
      - {method: GET, path: '/{code}', use_case: redirect}
      - {method: GET, path: /v1/links, use_case: shorten}
    pagination: cursor
    rate_limiting: token bucket per API key
    auth: OAuth access tokens
    versioning: /v1 in the path
"""

POST = "      - {method: POST, path: /v1/links, use_case: shorten}\n"
REDIRECT = "      - {method: GET, path: '/{code}', use_case: redirect}\n"
LIST = "      - {method: GET, path: /v1/links, use_case: shorten}\n"
NO_API = BASE.split("deep_dives:")[0]


def without(*lines: str, text: str = BASE) -> str:
    for line in lines:
        assert line in text, line
        text = text.replace(line, "")
    return text


def test_api_001_endpoints():
    f = fires(NO_API + "deep_dives:\n  api_design: {style: rest}\n", "API-001")
    assert f[0].pointer == "deep_dives.api_design"
    silent(BASE, "API-001")


def test_api_002_pagination():
    fires(without("    pagination: cursor\n"), "API-002")
    silent(BASE, "API-002")
    silent(without("    pagination: cursor\n", LIST), "API-002")  # no GET collection to page
    silent(BASE.replace("pagination: cursor", "pagination_note: keyset by created_at"), "API-002")


def test_api_003_004_rate_limiting_and_auth():
    fires(without("    rate_limiting: token bucket per API key\n"), "API-003")
    silent(BASE, "API-003")
    silent(without("    rate_limiting: token bucket per API key\n") + "  security: {rate_limiting: per IP at the WAF}\n",
           "API-003")
    fires(without("    auth: OAuth access tokens\n"), "API-004")
    silent(BASE, "API-004")
    silent(without("    auth: OAuth access tokens\n") + "  security: {authn: OIDC tokens}\n", "API-004")


def test_api_005_versioning():
    fires(without("    versioning: /v1 in the path\n"), "API-005")
    silent(BASE, "API-005")


def test_api_006_must_without_endpoint():
    f = fires(without(REDIRECT), "API-006")
    assert "'redirect'" in f[0].message and f[0].pointer == "deep_dives.api_design"
    silent(BASE, "API-006")


def test_api_007_collection_unpaged():
    f = fires(BASE.replace("pagination: cursor", "pagination: none"), "API-007")
    assert len(f) == 1 and "GET /v1/links" in f[0].message and f[0].line == 28  # GET /v1/links, not GET /{code}
    silent(BASE, "API-007")


def test_api_008_offset_pagination():
    offset = BASE.replace("pagination: cursor", "pagination: offset")
    f = fires(offset.replace("queries: [key_lookup]", "queries: [key_lookup, time_range]"), "API-008")
    assert f[0].severity == "info" and "time_range" in f[0].message
    # 1M x 1 link/day x 10 KB x 1,825 days (5-year default horizon) = 18.25 TB >= 10 TB on one node
    big = offset.replace("estimates:\n", "estimates:\n  storage: [{id: link, size: 10 KB, from_use_case: shorten}]\n")
    f = fires(big, "API-008")
    assert "18.2 TB" in f[0].message
    silent(offset, "API-008")  # key lookups over no stored data
    silent(BASE.replace("queries: [key_lookup]", "queries: [time_range]"), "API-008")  # cursor


def test_api_009_realtime_without_push():
    push = BASE.replace("realtime: none", "realtime: server_push")
    f = fires(push, "API-009")
    assert f[0].severity == "error" and f[0].pointer == "architecture"
    silent(BASE, "API-009")
    silent(push.replace(LIST, LIST + "      - {method: SSE, path: /v1/events, use_case: redirect}\n"), "API-009")
    silent(push.replace("  read_paths:", "    - {id: push-gw, kind: realtime_gateway, replicas: 2}\n  read_paths:"),
           "API-009")
    silent(push.replace("{id: r, use_case: redirect,", "{id: r, use_case: redirect, protocol: websocket,"), "API-009")


def test_api_010_no_rate_limiting_anywhere():
    started = NO_API + "deep_dives:\n  caching: {policy: aside}\n"
    f = fires(started, "API-010")
    assert f[0].element == "lb"  # the entry behind DNS
    silent(NO_API, "API-010")  # deep dives not started: too early to ask
    silent(NO_API + "deep_dives: {}\n", "API-010")
    silent(started.replace("{id: lb, kind: load_balancer, replicas: 2}", "{id: lb, kind: api_gateway, replicas: 2}"),
           "API-010")
    silent(started.replace("{id: api, kind: service, replicas: 2}",
                           "{id: api, kind: service, replicas: 2, resilience: {rate_limit: 100/s}}"), "API-010")
    silent(NO_API + "deep_dives:\n  security: {authn: JWT}\n", "API-010")  # SEC-008 asks there
    silent(without("    rate_limiting: token bucket per API key\n"), "API-010")  # the dive exists: API-003 says it


def test_api_011_out_of_scope_endpoint():
    oos = BASE.replace(LIST, LIST + "      - {method: GET, path: '/v1/links/{code}/stats', use_case: stats}\n")
    f = fires(oos, "API-011")
    assert "'stats'" in f[0].message and f[0].line == 29
    silent(BASE, "API-011")


def test_api_012_write_via_get():
    f = fires(without(POST), "API-012")
    assert "'shorten'" in f[0].message
    silent(BASE, "API-012")


def test_api_013_no_api_dive():
    f = fires(NO_API + "deep_dives:\n  caching: {policy: aside}\n", "API-013")
    assert f[0].severity == "info"
    silent(BASE, "API-013")
    silent(NO_API, "API-013")  # deep dives not started
    silent(NO_API + "deep_dives: {}\n", "API-013")


def test_api_rules_silent_on_a_clean_design():
    for n in range(1, 14):
        assert not findings(BASE, f"API-{n:03d}"), n

"""AVAIL and COST rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from __future__ import annotations

import pytest

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: buy, name: Buy, priority: must}
  non_functional:
    availability: {target: TARGET}
estimates:
  traffic:
    - {use_case: buy, operation: write, rate: 10/s}
architecture:
  zone_availability: 99.95%
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: 3, zones: ZONES, availability: 99.5%}
    - {id: psp, kind: external, sla: 99.5%}
  write_paths:
    - {id: w, use_case: buy, hops: [client, api]}
  external_calls:
    - {id: pay, use_case: buy, caller: api, external: psp, sync: true, timeout: 2 s FALLBACK}
"""


def base(target="99.9%", zones="3", fallback=""):
    return BASE.replace("TARGET", target).replace("ZONES", zones).replace("FALLBACK", fallback)


def test_avail_001_a_995_third_party_caps_a_999_target():
    f = fires(base(), "AVAIL-001")
    assert f[0].element == "psp" and "99.5%" in f[0].message and "99.9%" in f[0].message
    assert "fallback" in f[0].fix
    silent(base(fallback=", fallback: queue the charge"), "AVAIL-001")  # degrades instead
    silent(base(target="99.5%"), "AVAIL-001")  # at, not above, what it allows


def test_avail_002_one_zone_under_a_target_the_zone_cannot_meet():
    ok = ", fallback: queue the charge"
    f = fires(base(target="99.99%", zones="1", fallback=ok), "AVAIL-002")
    assert f[0].element == "api" and "one zone (99.95%)" in f[0].message
    silent(base(target="99.99%", zones="2", fallback=ok), "AVAIL-002")
    silent(base(target="99.9%", zones="1", fallback=ok), "AVAIL-002")  # one 99.95% zone meets 99.9%


def three(target: str) -> str:
    """Three services in series, each 3 copies of 99.5% over 3 zones of 99.95%: each alone is
    1 - (1 - 0.9995 x 0.995)^3 = 1 - 1.66e-7; the path about 1 - 5.0e-7."""
    return base(target=target, fallback=", fallback: queue the charge").replace(
        "    - {id: psp,", "    - {id: b, kind: service, replicas: 3, zones: 3, availability: 99.5%}\n"
        "    - {id: c, kind: service, replicas: 3, zones: 3, availability: 99.5%}\n    - {id: psp,").replace(
        "hops: [client, api]", "hops: [client, api, b, c]")


def test_avail_003_a_path_under_its_target_without_a_capping_hop():
    # target 99.99998%: a budget of 2e-7; each hop alone (1.66e-7) is inside it, the path (5e-7) is 2.5x
    f = fires(three("99.99998%"), "AVAIL-003")
    assert f[0].element == "w" and "99.99998%" in f[0].message and f[0].severity == "warning"
    silent(three("99.9999%"), "AVAIL-003")  # a 1e-6 budget holds 5e-7
    # a hop that alone allows less is AVAIL-001's, not repeated here
    silent(three("99.99999%"), "AVAIL-003")
    fires(three("99.99999%"), "AVAIL-001")


def test_avail_003_is_info_when_close():
    # target 99.99996%: a budget of 4e-7 against 5e-7, 1.25x: under the 2x overrun, a note
    f = fires(three("99.99996%"), "AVAIL-003")
    assert f[0].severity == "info"


SHOP = """
name: t
requirements:
  use_cases:
    - {id: browse, name: Browse, priority: must}
estimates:
  traffic:
    - {use_case: browse, operation: read, rate: 100/s, response_size: 10 KB}
architecture:
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: 2, capacity: {max_qps_per_replica: 50, concurrency: 1}}
  read_paths:
    - {id: r, use_case: browse, hops: [client, api]}
"""


def _rising(monkeypatch, factor: float):
    """The bill at 100x multiplied by `factor` over linear: a design whose cost per request rises."""
    import tradeoff.cost as cost
    from tradeoff.cost.bill import Bill, Line

    real = cost.bills

    def bills(design, at=(1.0, 10.0, 100.0), catalog=None, model=None):
        report = real(design, at, catalog, model)
        last = report.bills[-1]
        report.bills[-1] = Bill(last.multiplier, [Line(x.component, x.resource, x.monthly * factor, x.arithmetic)
                                                  for x in last.lines], last.requests)
        from tradeoff.cost.bill import Growth

        first, now = report.bills[0].by_component(), report.bills[-1].by_component()
        report.growth = [Growth(c, first[c], now[c], 100.0, report.slack) for c in first]
        return report

    monkeypatch.setattr(cost, "bills", bills)


def test_cost_001_and_002_fire_when_the_bill_outgrows_the_load(monkeypatch):
    _rising(monkeypatch, 3.0)
    f = fires(SHOP, "COST-001")
    assert "rises from" in f[0].message and "api" in f[0].message
    g = fires(SHOP, "COST-002")
    assert g[0].element == "api" and "x100 the load" in g[0].message


def test_cost_rules_silent_on_a_linear_bill():
    # 2 replicas at 1x (need 200/50/70% = 5.7 -> 6), 572 at 100x: sublinear, cost per request falls
    silent(SHOP, "COST-001")
    silent(SHOP, "COST-002")


@pytest.mark.parametrize("factor", [1.0, 1.04])
def test_cost_rules_allow_rounding(monkeypatch, factor):
    _rising(monkeypatch, factor)
    silent(SHOP, "COST-001")

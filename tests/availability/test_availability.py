"""Availability against values worked by hand (series, parallel, a shared zone, a third party),
and `tradeoff availability` on every bundled example."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tradeoff.availability import analyse
from tradeoff.availability.model import pct
from tradeoff.cli import app
from tradeoff.examples import list_examples
from tradeoff.io.load import load_design_text

runner = CliRunner()


def design(components: str, hops: str, extra: str = "", target: str = "", arch: str = "") -> str:
    nf = f"  non_functional:\n    availability: {{target: {target}}}\n" if target else ""
    return f"""\
name: t
requirements:
  use_cases:
    - {{id: get, name: read it, priority: must}}
{nf}architecture:
{arch}  components:
    - {{id: client, kind: client}}
{components}
  read_paths:
    - {{id: get-path, use_case: get, hops: {hops}}}
{extra}"""


def path(text: str):
    report = analyse(load_design_text(text, "<t>"))
    assert len(report.paths) == 1
    return report, report.paths[0]


def test_two_999_hops_in_series_give_998001():
    # 0.999 x 0.999 = 0.998001
    _, p = path(design("    - {id: a, kind: service, sla: 99.9%}\n    - {id: b, kind: data_store, storage: relational, "
                       "sla: 99.9%}", "[client, a, b]"))
    assert p.availability == pytest.approx(0.998001, abs=1e-12)
    assert pct(p.availability) == "99.8001%"


def test_two_99_replicas_in_parallel_give_9999():
    # 1 - (1 - 0.99)^2 = 0.9999, the zones never failing
    _, p = path(design("    - {id: a, kind: service, replicas: 2, zones: 2, availability: 99%}", "[client, a]",
                       arch="  zone_availability: 100%\n"))
    assert p.availability == pytest.approx(0.9999, abs=1e-12)


def test_two_replicas_in_one_zone_cannot_beat_the_zone():
    # 0.9995 x (1 - 0.001^2) = 0.9994990005 <= 0.9995
    _, p = path(design("    - {id: a, kind: service, replicas: 2, zones: 1, availability: 99.9%}", "[client, a]",
                       arch="  zone_availability: 99.95%\n"))
    assert p.availability == pytest.approx(0.9994990005, abs=1e-12)
    assert p.availability <= 0.9995
    assert p.weakest == "zone"  # the zone costs more than the replicas: 0.05% against 0.0001%
    # a second zone for both copies: 1 - (1 - 0.9995 x 0.999)^2 = 0.99999775...
    assert p.fix.availability == pytest.approx(1 - (1 - 0.9995 * 0.999) ** 2, abs=1e-12)


def test_a_shared_zone_is_paid_once():
    # two components with 2 replicas each, all in zone 1 (99.9%): 0.999 x (1 - 0.01^2)^2, not 0.999^2 x ...
    _, p = path(design("    - {id: a, kind: service, replicas: 2, availability: 99%}\n"
                       "    - {id: b, kind: service, replicas: 2, availability: 99%}", "[client, a, b]",
                       arch="  zone_availability: 99.9%\n"))
    assert p.availability == pytest.approx(0.999 * 0.9999 ** 2, abs=1e-12)  # 0.99880020999


def test_three_zones_of_one_copy_each():
    # one copy per zone, zone 0.999 and node 0.99: each copy is up with 0.999 x 0.99 = 0.98901,
    # independently: 1 - (1 - 0.98901)^3
    _, p = path(design("    - {id: a, kind: service, replicas: 3, zones: 3, availability: 99%}", "[client, a]",
                       arch="  zone_availability: 99.9%\n"))
    assert p.availability == pytest.approx(1 - (1 - 0.999 * 0.99) ** 3, abs=1e-12)


def test_a_use_case_through_an_external_995_api():
    # a perfect service calling a 99.5% third party on every request: 99.5%, 43.83 h down a year
    text = design("    - {id: svc, kind: service, sla: 100%}\n    - {id: pay, kind: external, sla: 99.5%}",
                  "[client, svc]", target="99.9%",
                  extra="  external_calls:\n    - {id: charge, use_case: get, caller: svc, external: pay}\n")
    _, p = path(text)
    assert p.availability == pytest.approx(0.995, abs=1e-12)
    assert p.downtime_year == pytest.approx(0.005 * 365.25 * 86400)  # 157,788 s = 43.83 h
    assert p.downtime_month == pytest.approx(0.005 * 365.25 * 86400 / 12)
    assert p.meets is False and p.weakest == "pay"
    assert "fallback" in p.fix.what and p.fix.availability == pytest.approx(1.0)


def test_the_external_default_is_three_nines():
    text = design("    - {id: svc, kind: service, sla: 100%}\n    - {id: pay, kind: external}", "[client, svc]",
                  extra="  external_calls:\n    - {id: charge, use_case: get, caller: svc, external: pay}\n")
    report, p = path(text)
    assert p.availability == pytest.approx(0.999, abs=1e-12)
    assert any(a.startswith("pay: a external's SLA, 99.9%") for a in report.assumptions)


def test_a_fallback_takes_a_third_party_off_the_path():
    text = design("    - {id: svc, kind: service, sla: 100%}\n    - {id: pay, kind: external, sla: 99.5%}",
                  "[client, svc]",
                  extra="  external_calls:\n    - {id: charge, use_case: get, caller: svc, external: pay, "
                        "fallback: accept and settle later}\n")
    _, p = path(text)
    assert p.availability == pytest.approx(1.0)
    assert [h.mode for h in p.hops if h.component == "pay"] == ["soft"]


def test_a_store_behind_a_cache_fails_only_the_misses():
    # a 90% hit cache (99.9%) and a 99% store reached by the 10% of misses:
    # 0.999 x (1 - 0.1 x 0.01) = 0.999 x 0.999 = 0.998001
    _, p = path(design("    - {id: c, kind: cache, hit_ratio: 90%, sla: 99.9%}\n"
                       "    - {id: db, kind: data_store, storage: relational, sla: 99%}", "[client, c, db]"))
    assert p.availability == pytest.approx(0.998001, abs=1e-12)


def test_a_fallback_never_softens_the_store_of_record():
    # the service's fallback covers the cache (read the store instead) but not the store
    comps = ("    - {id: svc, kind: service, sla: 100%, resilience: {fallback: serve stale}}\n"
             "    - {id: c, kind: cache, hit_ratio: 50%, sla: 99%}\n"
             "    - {id: db, kind: data_store, storage: relational, sla: 99.9%}")
    _, p = path(design(comps, "[client, svc, c, db]"))
    modes = {h.component: h.mode for h in p.hops}
    assert modes["c"] == "soft" and modes["db"] == "sla"
    assert p.availability == pytest.approx(1 - 0.5 * 0.001, abs=1e-12)


def test_a_sharded_store_counts_the_copies_of_one_shard():
    # 6 nodes in 3 shards: 2 copies of the key's shard, 1 - 0.05^2 = 0.9975 (zones perfect)
    _, p = path(design("    - {id: db, kind: data_store, storage: wide_column, replicas: 6, shards: 3, zones: 2, "
                       "availability: 95%}", "[client, db]", arch="  zone_availability: 100%\n"))
    assert p.availability == pytest.approx(0.9975, abs=1e-12)


def test_managed_service_recognised_by_its_technology():
    report, p = path(design("    - {id: db, kind: data_store, storage: key_value, technology: Amazon DynamoDB}",
                            "[client, db]"))
    assert p.availability == pytest.approx(0.9999, abs=1e-12)
    assert any("DynamoDB" in a and "99.99%" in a for a in report.assumptions)


def test_read_and_write_paths_apart():
    text = design("    - {id: svc, kind: service, sla: 99.9%}\n    - {id: db, kind: data_store, storage: relational, "
                  "sla: 99.5%}", "[client, svc]",
                  extra="  write_paths:\n    - {id: put-path, use_case: get, hops: [client, svc, db]}\n")
    report = analyse(load_design_text(text, "<t>"))
    got = {p.direction: p.availability for p in report.paths}
    assert got == {"read": pytest.approx(0.999), "write": pytest.approx(0.999 * 0.995)}


def test_target_defaults_to_must_use_cases_and_can_name_them():
    base = design("    - {id: svc, kind: service, sla: 99.9%}", "[client, svc]", target="99.95%")
    report, p = path(base)
    assert report.target_use_cases == ["get"] and p.meets is False
    named = base.replace("availability: {target: 99.95%}", "availability: {target: 99.95%, use_cases: []}")
    assert path(named)[1].target == pytest.approx(0.9995)


def test_an_unknown_use_case_in_the_target_is_an_error():
    from tradeoff.errors import DesignErrors

    base = design("    - {id: svc, kind: service}", "[client, svc]", target="99.9%")
    with pytest.raises(DesignErrors, match="unknown use case 'gett'"):
        load_design_text(base.replace("{target: 99.9%}", "{target: 99.9%, use_cases: [gett]}"), "<t>")


@pytest.mark.parametrize("name", list_examples())
def test_every_example_prints_its_paths_with_the_arithmetic(name):
    res = runner.invoke(app, ["availability", name, "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["paths"]
    for p in data["paths"]:
        assert 0.99 < p["availability"] <= 1
        # the sum worked out ends on the path's figure (or nothing on it can fail)
        assert any(line.endswith(f"= {pct(p['availability'])}") or line.endswith(": 100%") for line in p["arithmetic"])
    table = runner.invoke(app, ["availability", name])
    assert table.exit_code == 0 and "availability per synchronous path" in table.output


def test_byte_identical_json():
    a = runner.invoke(app, ["availability", "chat", "-f", "json"]).output
    assert a == runner.invoke(app, ["availability", "chat", "-f", "json"]).output


def test_a_partial_design_says_what_is_missing(tmp_path):
    path = tmp_path / "p.design.yaml"
    path.write_text("name: p\nrequirements:\n  use_cases:\n    - {id: a, name: A, priority: must}\n")
    res = runner.invoke(app, ["availability", str(path)])
    assert res.exit_code == 0 and "no read or write paths" in res.output
    res = runner.invoke(app, ["cost", str(path)])
    assert res.exit_code == 0 and "no components" in res.output

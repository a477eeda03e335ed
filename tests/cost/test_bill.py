"""The bill against figures worked by hand from the catalog's prices, at 1x and 100x, for a small
design; overrides (a file, the design, a component); malformed overrides; every bundled example."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tradeoff.capacity.model import build
from tradeoff.capacity.scale import sweep
from tradeoff.cli import app
from tradeoff.cost import bills
from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design, load_design_text

runner = CliRunner()
MONTH_S = 730 * 3600  # 2,628,000 s

SHOP = """\
name: shop
requirements:
  use_cases:
    - {id: browse, name: browse items, priority: must}
estimates:
  peak_multiplier: 2
  traffic:
    - {use_case: browse, operation: read, rate: 100/s, response_size: 10 KB}
  storage:
    - {id: item, size: 1 KB, new_per_day: 1M, retention: 30 days, hot_window: 10 days, store: db,
       replication_factor: 3}
architecture:
  components:
    - {id: client, kind: client}
    - {id: api, kind: service, replicas: 2, capacity: {max_qps_per_replica: 50, concurrency: 1}}
    - {id: db, kind: data_store, storage: relational, replicas: 3, capacity: {max_qps_per_replica: 1000, concurrency: 1}}
  read_paths:
    - {id: browse-path, use_case: browse, hops: [client, api, db]}
"""


def line_sum(bill, component, resource):
    return sum(x.monthly for x in bill.lines if x.component == component and x.resource == resource)


def test_small_design_by_hand_at_1x_and_100x():
    report = bills(load_design_text(SHOP, "<shop>"), (1.0, 100.0))
    one, hundred = report.bills
    # api: peak 200/s at 50/s a replica = 4 replicas of work / 70% = 5.71 -> 6 nodes; at 100x
    # 20,000/s / 50 = 400 / 70% = 571.4 -> 572 nodes; m6i.xlarge $0.192/hour x 730 h
    assert line_sum(one, "api", "compute") == pytest.approx(6 * 0.192 * 730)  # $840.96
    assert line_sum(hundred, "api", "compute") == pytest.approx(572 * 0.192 * 730)  # $80,171.52
    # db: reads only, 200/s against 1,000/s: the 3 designed replicas; at 100x 20 / 70% = 28.6 -> 29
    assert line_sum(one, "db", "compute") == pytest.approx(3 * 0.504 * 730)  # $1,103.76
    assert line_sum(hundred, "db", "compute") == pytest.approx(29 * 0.504 * 730)  # $10,669.68
    # item: 1M/day x 1 KB = 1 GB a day; 30 days kept, 10 hot: 10 GB hot x 3 copies on SSD at
    # $0.08, 20 GB cold at $0.0125
    assert line_sum(one, "db", "storage") == pytest.approx(30 * 0.08 + 20 * 0.0125)  # $2.65
    assert line_sum(hundred, "db", "storage") == pytest.approx(100 * (30 * 0.08 + 20 * 0.0125))
    # egress: 100/s x 10 KB = 1 MB/s x 2,628,000 s = 2,628 GB at $0.09, out through the api
    assert line_sum(one, "api", "egress") == pytest.approx(2628 * 0.09)  # $236.52
    total_1x = 840.96 + 1103.76 + 2.65 + 236.52
    assert one.total == pytest.approx(total_1x)  # $2,183.89
    assert one.requests == pytest.approx(100 * MONTH_S)  # 262.8M requests
    assert one.per_million == pytest.approx(total_1x / 262.8)  # $8.31
    total_100x = 572 * 0.192 * 730 + 29 * 0.504 * 730 + 265 + 23652
    assert hundred.total == pytest.approx(total_100x)  # $114,758.20
    assert hundred.per_million == pytest.approx(total_100x / 26280)  # $4.37
    assert [c for c, _ in one.top(3)] == ["db", "api"]
    assert one.by_resource()["compute"] == pytest.approx(840.96 + 1103.76)
    # nothing grows faster than the load here: the api's 6 -> 572 nodes is x95.3 for x100
    assert not report.faster and report.per_million_rises() is None
    growth = {g.component: g for g in report.growth}
    assert growth["api"].ratio == pytest.approx((572 * 0.192 * 730 + 23652) / (840.96 + 236.52))


def test_compute_nodes_match_the_capacity_sweep():
    design = load_design_text(SHOP, "<shop>")
    report = bills(design, (1.0, 100.0))
    nodes = {x.component: x.nodes for x in report.bills[1].lines if x.resource == "compute"}
    needs = {n.component: n.need for n in sweep(build(design), (100.0,)).points[0].needs if n.resource == "compute"}
    assert nodes == {"api": 572, "db": 29} == needs


def test_managed_store_by_its_own_units():
    text = SHOP.replace("storage: relational, replicas: 3, capacity: {max_qps_per_replica: 1000, concurrency: 1}",
                        "storage: key_value, technology: Amazon DynamoDB")
    one = bills(load_design_text(text, "<shop>"), (1.0,)).bills[0]
    # 100 reads/s x 2,628,000 s = 262.8M read units x $0.125/M; 30 GB at $0.25 (10 hot) + 20 cold at $0.0125
    assert line_sum(one, "db", "requests") == pytest.approx(262.8 * 0.125)  # $32.85
    assert line_sum(one, "db", "storage") == pytest.approx(10 * 0.25 + 20 * 0.0125)
    assert line_sum(one, "db", "compute") == 0


def test_design_prices_and_component_cost_win():
    text = SHOP.replace("  peak_multiplier: 2\n", "  peak_multiplier: 2\n  prices: {node_hour: {service: 0.1}}\n")
    one = bills(load_design_text(text, "<shop>"), (1.0,)).bills[0]
    assert line_sum(one, "api", "compute") == pytest.approx(6 * 0.1 * 730)  # $438
    own = text.replace("replicas: 2, capacity", "replicas: 2, cost: {node_hour: 0.3, per_month: 50}, capacity")
    one = bills(load_design_text(own, "<shop>"), (1.0,)).bills[0]
    assert line_sum(one, "api", "compute") == pytest.approx(6 * 0.3 * 730)
    assert line_sum(one, "api", "fixed") == pytest.approx(50)


def test_an_external_without_a_price_is_listed_unpriced():
    text = SHOP.replace("  read_paths:", "    - {id: pay, kind: external}\n  read_paths:")
    assert bills(load_design_text(text, "<shop>"), (1.0,)).unpriced == ["pay"]
    priced = text.replace("{id: pay, kind: external}", "{id: pay, kind: external, cost: {per_month: 99}}")
    assert bills(load_design_text(priced, "<shop>"), (1.0,)).unpriced == []


def test_malformed_prices_file_is_a_positioned_error(tmp_path):
    bad = tmp_path / "prices.yaml"
    bad.write_text("storage:\n  hot: 0.1\nnode_hour:\n  servce: 0.2\n")
    res = runner.invoke(app, ["cost", str(resolve("url-shortener")), "--prices", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:4:3: node_hour: no price for 'servce'" in res.output and "did you mean 'service'" in res.output
    bad.write_text("egress:\n  internet: -1\n")
    res = runner.invoke(app, ["cost", "url-shortener", "--prices", str(bad)])
    assert res.exit_code == 2 and f"{bad}:2:13" in res.output and "Traceback" not in res.output
    bad.write_text("node_hour: [1, 2\n")
    res = runner.invoke(app, ["cost", "url-shortener", "--prices", str(bad)])
    assert res.exit_code == 2 and str(bad) in res.output


def test_malformed_design_prices_point_into_the_design(tmp_path):
    path = tmp_path / "shop.design.yaml"
    path.write_text(SHOP.replace("  peak_multiplier: 2\n", "  peak_multiplier: 2\n  prices: {egress: {cdnn: 0.01}}\n"))
    res = runner.invoke(app, ["cost", str(path)])
    assert res.exit_code == 2 and f"{path}:7:27: egress.cdnn" in res.output and "Traceback" not in res.output


def test_prices_file_overrides(tmp_path):
    f = tmp_path / "prices.yaml"
    f.write_text("node_hour: {service: 0.1}\nhours_per_month: 720\n")
    res = runner.invoke(app, ["cost", "url-shortener", "--prices", str(f), "-f", "json", "--at", "1x"])
    data = json.loads(res.output)
    lines = [x for x in data["bills"][0]["lines"] if x["component"] == "shortener-service" and x["resource"] == "compute"]
    assert lines[0]["monthly"] == pytest.approx(6 * 0.1 * 720)  # 6 replicas x $0.10 x 720 h


def test_the_catalog_has_a_source_for_every_price():
    from tradeoff.knowledge.prices import default_prices

    cat = default_prices()
    assert all(p.source for p in cat.node_hour.values())
    assert all(m.source and m.kinds for m in cat.managed)
    from tradeoff.model.design import ComponentKind, StorageKind

    kinds = {k.value for k in ComponentKind} | {s.value for s in StorageKind}
    assert set(cat.node_hour) <= kinds


@pytest.mark.parametrize("name", list_examples())
def test_every_example_bill_agrees_with_the_capacity_model(name):
    design = load_design(resolve(name))
    report = bills(design)
    model = build(design)
    points = sweep(model, (1.0, 10.0, 100.0)).points
    for bill, point in zip(report.bills, points):
        assert bill.total > 0 and bill.per_million > 0 and len(bill.top(3)) == 3
        for x in bill.lines:
            if x.resource != "compute":
                continue
            cm = model.components[x.component]
            need = max([n.need * (max(1, cm.component.replicas // cm.station.primaries) if n.unit == "shards" else 1)
                        for n in point.needs if n.component == x.component] + [cm.component.replicas])
            # a shared cache may need more for its working set's memory than for its load
            assert x.nodes == need or (cm.component.kind.value == "cache" and x.nodes > need), (x, need)
    res = runner.invoke(app, ["cost", name])
    assert res.exit_code == 0 and "per million requests" in res.output and "the arithmetic" in res.output


def test_byte_identical_json():
    a = runner.invoke(app, ["cost", "news-feed", "-f", "json"]).output
    assert a == runner.invoke(app, ["cost", "news-feed", "-f", "json"]).output

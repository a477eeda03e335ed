"""The sweep: breaking multipliers against closed forms worked by hand, needs with their
arithmetic, and the `tradeoff scale` command on every bundled example."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradeoff.capacity.model import build
from tradeoff.capacity.scale import parse_at, sweep
from tradeoff.cli import app
from tradeoff.errors import UsageError
from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design

HERE = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _mm1():
    return build(load_design(HERE / "mm1.design.yaml"))


def test_mm1_saturation_and_ceiling_multipliers():
    # 50/s on a 100/s server: utilisation 0.5, so full at 2x and at the 70% ceiling at 1.4x
    report = sweep(_mm1(), (1.0,))
    sat = [b for b in report.breaks if b.kind == "saturation"]
    assert [b.component for b in sat] == ["api"]
    assert sat[0].multiplier == pytest.approx(2.0)
    assert report.ceilings[0].multiplier == pytest.approx(1.4)


def test_mm1_p99_target_breaks_where_the_closed_form_says():
    # M/M/1 sojourn ~ Exp(mu - lam m): p99 = ln(100) / (100 - 50 m) = 0.1 s
    # -> 100 - 50 m = 46.0517 -> m = 1.07897
    report = sweep(_mm1(), (1.0,))
    slo = [b for b in report.breaks if b.kind == "slo"]
    assert len(slo) == 1 and slo[0].resource == "p99"
    assert slo[0].multiplier == pytest.approx((100 - math.log(100) / 0.1) / 50, rel=5e-3)
    assert report.first is slo[0]


def test_mm1_needs_at_10x():
    # 500/s x 10 ms = 5 replicas of work; / 0.7 = 7.14 -> 8 replicas
    report = sweep(_mm1(), (10.0,))
    (need,) = [n for n in report.points[0].needs if n.resource == "compute"]
    assert (need.have, need.need, need.unit) == (1, 8, "replicas")
    assert "5.00 replicas of work" in need.arithmetic and "-> 8 replicas" in need.arithmetic


def test_single_primary_writes_need_shards_not_replicas():
    text = (HERE / "mm1.design.yaml").read_text().replace(
        "- {id: api, kind: service, replicas: 1, capacity: {service_time: 10 ms, concurrency: 1}}",
        "- {id: api, kind: service, replicas: 4, capacity: {service_time: 1 ms, concurrency: 8}}\n"
        "    - {id: db, kind: data_store, storage: relational, replicas: 2, "
        "capacity: {max_qps_per_replica: 1K, concurrency: 10}}").replace(
        "operation: read, rate: 50/s", "operation: write, rate: 500/s").replace(
        "read_paths:\n    - {id: get-path, use_case: get, hops: [client, api]}",
        "write_paths:\n    - {id: get-path, use_case: get, hops: [client, api, db]}")
    from tradeoff.io.load import load_design_text

    model = build(load_design_text(text, "w.design.yaml"))
    report = sweep(model, (10.0,))
    # 500 writes/s on one primary of 1K/s: 50% busy (a second replica does not help writes)
    assert model.components["db"].utilisation() == pytest.approx(0.5)
    (need,) = [n for n in report.points[0].needs if n.component == "db"]
    # 5,000 writes/s / 1K/s = 5 primaries of work / 0.7 = 7.14 -> 8 shards x 2 copies
    assert (need.unit, need.have, need.need) == ("shards", 1, 8)
    assert "16 nodes" in need.arithmetic


@pytest.mark.parametrize("bad", ["", "ten", "0x", "-2x", "1x,,10x", "infx"])
def test_parse_at_rejects(bad):
    with pytest.raises(UsageError):
        parse_at(bad)


def test_parse_at():
    assert parse_at("1x, 2.5x,100") == (1.0, 2.5, 100.0)


@pytest.mark.parametrize("name", list_examples())
def test_every_example_names_what_breaks_first_at_10x_and_100x(name):
    report = sweep(build(load_design(resolve(name))))
    assert report.first is not None
    ten, hundred = report.points[1], report.points[2]
    # the examples are sized for today's peak: nothing is broken at 1x, something is at 10x
    assert report.points[0].broken == []
    assert ten.broken and ten.needs
    assert set(b.what for b in ten.broken) <= set(b.what for b in hundred.broken)
    assert all(n.need > n.have for n in ten.needs)


@pytest.mark.parametrize("name", list_examples())
def test_cli_json_is_deterministic(name, tmp_path):
    out = []
    for i in range(2):
        r = runner.invoke(app, ["scale", name, "--format", "json", "-o", str(tmp_path / f"{i}.json")])
        assert r.exit_code == 0, r.output
        out.append((tmp_path / f"{i}.json").read_bytes())
    assert out[0] == out[1]
    data = json.loads(out[0])
    assert data["first_break"]["multiplier"] > 1
    assert [p["multiplier"] for p in data["points"]] == [1.0, 10.0, 100.0]


def test_cli_table_and_markdown():
    r = runner.invoke(app, ["scale", "url-shortener", "--at", "1x,10x"])
    assert r.exit_code == 0, r.output
    assert "What breaks first" in r.output and "every limit, soonest first" in r.output
    r = runner.invoke(app, ["scale", "url-shortener", "--format", "md"])
    assert r.exit_code == 0 and r.output.startswith("# url-shortener: what breaks at scale")


def test_cli_bad_at_is_one_line_exit_2():
    r = runner.invoke(app, ["scale", "url-shortener", "--at", "ten"])
    assert r.exit_code == 2
    assert "--at" in r.output and "Traceback" not in r.output


def test_cli_refuses_to_overwrite_the_design(tmp_path):
    design = tmp_path / "d.design.yaml"
    design.write_text((HERE / "mm1.design.yaml").read_text())
    before = design.read_bytes()
    r = runner.invoke(app, ["scale", str(design), "--format", "json", "-o", str(design)])
    assert r.exit_code == 2 and design.read_bytes() == before

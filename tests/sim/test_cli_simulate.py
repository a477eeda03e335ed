"""`tradeoff simulate`: output formats, determinism, bad input, scenario files, and agreement with
`tradeoff scale` on the bundled examples."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradeoff.capacity.model import build
from tradeoff.capacity.scale import sweep
from tradeoff.cli import app
from tradeoff.examples import example_path
from tradeoff.io.load import load_design
from tradeoff.sim.report import agreement, report
from tradeoff.sim.run import profile, simulate

runner = CliRunner()
JACKSON = str(Path(__file__).parents[1] / "capacity" / "fixtures" / "jackson.design.yaml")


def _invoke(*args: str):
    return runner.invoke(app, ["simulate", *args])


def test_json_is_byte_identical_across_runs_and_has_the_golden_signals():
    a = _invoke(JACKSON, "--duration", "20s", "--seed", "3", "-f", "json")
    b = _invoke(JACKSON, "--duration", "20s", "--seed", "3", "-f", "json")
    assert a.exit_code == 0, a.stderr
    assert a.stdout == b.stdout
    d = json.loads(a.stdout)
    flow = d["flows"][0]
    assert set(flow["latency_s"]) == {"p50", "p95", "p99"}
    assert flow["latency_s"]["p50"] < flow["latency_s"]["p95"] < flow["latency_s"]["p99"]
    # 1000/s for 20 s less the 2 s warm-up: throughput within 5 sigma of Poisson (sqrt(18000) = 134)
    assert abs(flow["throughput"] * 18 - 18000) < 5 * 134
    assert len(d["windows"]) == 60
    assert {c["name"] for c in d["components"]} == {"lb", "api", "cache", "db"}


def test_a_different_seed_gives_a_different_run():
    a = _invoke(JACKSON, "--duration", "5s", "--seed", "1", "-f", "json")
    b = _invoke(JACKSON, "--duration", "5s", "--seed", "2", "-f", "json")
    assert a.stdout != b.stdout


def test_table_and_markdown_name_the_flows_and_components():
    t = _invoke(JACKSON, "--duration", "5s")
    assert t.exit_code == 0, t.stderr
    assert "Flows" in t.stdout and "api" in t.stdout
    md = _invoke(JACKSON, "--duration", "5s", "-f", "md")
    assert md.stdout.startswith("# Simulation of jackson at 1x")
    assert "| component |" in md.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--fail", "db:melted"], "fault"),
    (["--fail", "nowhere:down"], "no component"),
    (["--fail", "db:down@30s-10s"], "ends before it starts"),
    (["--duration", "soon"], "--duration"),
    (["--load", "lots"], "multiplier"),
    (["--profile", "sideways"], "load profile"),
    (["--service", "gamma"], "distribution"),
    (["--fail", "zone=3"], "at most 1 zone"),
    (["--fail", "zone=0"], "out of range"),
    (["--fail", "api:replicas=9"], "api has 8 replica"),
    (["--fail", "db:latency=x0"], "out of range"),
    (["--fail", "db:latency=x-2"], "out of range"),
    (["--fail", "db:errors=150%"], "fault"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    r = _invoke(JACKSON, "--duration", "2s", *args) if "--duration" not in args else _invoke(JACKSON, *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert "hint:" in r.stderr


def test_output_never_overwrites_the_design(tmp_path):
    design = tmp_path / "j.design.yaml"
    design.write_text(Path(JACKSON).read_text())
    before = design.read_bytes()
    r = _invoke(str(design), "--duration", "2s", "-f", "json", "-o", str(design))
    assert r.exit_code == 2
    assert design.read_bytes() == before


def test_a_fault_shows_in_the_report():
    r = _invoke(JACKSON, "--duration", "20s", "--fail", "db:down@10s-15s", "-f", "json")
    d = json.loads(r.stdout)
    # 20% of requests call the db; it is down for 5 of the 18 steady seconds: 0.2 x 5 / 18 = 5.6%
    assert d["faults"] == ["db: down 10 s-15 s"]
    assert d["flows"][0]["error_rate"] == pytest.approx(0.2 * 5 / 18, abs=0.01)
    assert d["flows"][0]["errors"]["down"] > 0


def test_scenarios_run_every_case_and_match_a_single_run(tmp_path):
    spec = tmp_path / "cases.yaml"
    spec.write_text("duration: 10s\nseed: 4\nloads: [1x, 2x]\nfaults:\n  baseline: []\n  db down: ['db:down@2s-6s']\n")
    r = _invoke(JACKSON, "--scenarios", str(spec), "-f", "json", "--jobs", "2")
    assert r.exit_code == 0, r.stderr
    cases = json.loads(r.stdout)
    assert [(c["case"], c["load"]) for c in cases] == [("baseline", 1.0), ("db down", 1.0), ("baseline", 2.0),
                                                       ("db down", 2.0)]
    # a case is the same run as `simulate` with the same seed, whichever process ran it
    single = json.loads(_invoke(JACKSON, "--duration", "10s", "--seed", "4", "--load", "2x", "-f", "json").stdout)
    assert cases[2]["result"]["flows"] == single["flows"]
    # 2x puts the api at rho = 1.5: it saturates
    assert cases[2]["result"]["saturates_first"] == "api"


def test_a_bad_scenario_file_points_at_its_line(tmp_path):
    spec = tmp_path / "cases.yaml"
    spec.write_text("duration: 10s\nloads: [1x]\nfaultz: {}\n")
    r = _invoke(JACKSON, "--scenarios", str(spec))
    assert r.exit_code == 2
    assert "cases.yaml:3" in r.stderr


# --- agreement with the capacity model on the bundled examples ------------------------------

@pytest.mark.parametrize("name", ["url-shortener", "news-feed", "chat"])
def test_at_1x_every_station_is_as_busy_as_the_capacity_model_says(name):
    # two independent answers: the model's utilisation (arithmetic) and the simulator's measured
    # offered load (arrivals x mean service over the servers); within 3 points + 5% of the value
    model = build(load_design(example_path(name)))
    res = simulate(None, 1.0, 0.5 if name == "chat" else 2.0, 1, model=model)
    for s in report(res).stations:
        if s.name.endswith("(primary)"):
            continue  # the model's figure is the busiest node: the primary, checked below
        want = model.components[s.component].station.busy(1.0)
        got = s.offered
        if any(t.name == f"{s.component} (primary)" for t in res.model.stations):
            got = next(t.offered for t in report(res).stations if t.name == f"{s.component} (primary)")
        assert got == pytest.approx(want, abs=0.03, rel=0.05), s.name


@pytest.mark.parametrize("name", ["url-shortener", "news-feed", "chat"])
def test_a_ramp_to_10x_breaks_first_where_scale_says(name):
    model = build(load_design(example_path(name)))
    res = simulate(None, 10.0, 4.0, 1, load_profile=profile("ramp", 4.0), model=model)
    rep = report(res)
    agree = agreement(rep, sweep(model, (1.0, 10.0)))
    assert agree.agrees, agree.text
    # and at about the same multiplier: the ramp reads where busy first stays >= 97%
    assert min(rep.breaks.values()) == pytest.approx(agree.scale_multiplier, rel=0.06)


def test_golden_signals_per_component_over_time_show_the_fault():
    # db is down over [10 s, 15 s): in its 1 s windows 10..14 every call to it fails (error rate 1,
    # nothing completes) while the api goes on completing ~1000/s; outside the fault db completes
    # ~200/s (20% of 1000/s) with no errors
    d = json.loads(_invoke(JACKSON, "--duration", "20s", "--fail", "db:down@10s-15s", "-f", "json").stdout)
    windows = d["windows"]
    assert len(windows) == 60  # 1/3 s each
    during = [w for w in windows if 10.0 <= w["t"] < 15.0 - 1e-9]
    outside = [w for w in windows if w["t"] >= 16.0 or 3.0 <= w["t"] < 9.0]
    assert all(w["components"]["db"]["error_rate"] == 1.0 for w in during)
    assert all(w["components"]["db"]["throughput"] == 0.0 for w in during)
    assert all(w["components"]["db"]["latency_s"]["p99"] is None for w in during)
    assert all(w["components"]["db"]["error_rate"] == 0.0 for w in outside)
    # 200/s x 1/3 s ~ 67 completions a window: within 5 sigma of Poisson (sqrt 67 ~ 8.2)
    assert all(abs(w["components"]["db"]["throughput"] / 3 - 200 / 3) < 5 * 8.2 for w in outside)
    assert all(w["components"]["api"]["throughput"] > 600 for w in during)
    flow = windows[30]["flows"]["get"]["latency_s"]
    assert flow["p50"] < flow["p95"] < flow["p99"]


def test_a_scenario_with_an_impossible_fault_is_refused_before_running(tmp_path):
    spec = tmp_path / "cases.yaml"
    spec.write_text("duration: 5s\nloads: [1x]\nfaults:\n  far zone: ['zone=4']\n")
    r = _invoke(JACKSON, "--scenarios", str(spec))
    assert r.exit_code == 2
    assert "at most 1 zone" in r.stderr and "Traceback" not in r.stderr

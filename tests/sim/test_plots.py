"""Simulation plots: the six files, byte-identical across runs, valid PNG and SVG, never over a
foreign file, and the per-window series against a hand-made result and the Jackson network."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.plot_files import png_size, svg_texts
from tradeoff.errors import UsageError
from tradeoff.io.load import load_design
from tradeoff.sim import core
from tradeoff.sim.plots import DPI, SIZE_IN, flow_series, plot, series, station_series, window_spans
from tradeoff.sim.run import ClassResult, SimResult, StationResult, parse_fault, profile, simulate

JACKSON = Path(__file__).parents[1] / "capacity" / "fixtures" / "jackson.design.yaml"
NAMES = ["sim-latency.png", "sim-latency.svg", "sim-traffic.png", "sim-traffic.svg", "sim-saturation.png",
         "sim-saturation.svg"]
SVG = "{http://www.w3.org/2000/svg}"
DURATION = 20.0
FAULT = (8.0, 12.0)  # db down: the 20% of requests that call it fail


@pytest.fixture(scope="module")
def jackson():
    design = load_design(JACKSON)
    return simulate(design, duration=DURATION, seed=1, faults=[parse_fault("db:down@8s-12s", DURATION)])


def _bin_of(seconds: float) -> int:
    return next(b for b in range(1, core.NBINS) if core.bin_edges(b)[0] <= seconds < core.bin_edges(b)[1])


# --- files ----------------------------------------------------------------------------------

def test_writes_the_six_files(jackson, tmp_path):
    paths = plot(jackson, tmp_path / "plots")
    assert [p.name for p in paths] == NAMES
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == sorted(NAMES)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_same_result_gives_byte_identical_files(jackson, tmp_path):
    first = plot(jackson, tmp_path / "a")
    second = plot(jackson, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_png_is_valid_and_of_the_fixed_size(jackson, tmp_path):
    from PIL import Image  # matplotlib's own dependency

    paths = plot(jackson, tmp_path, formats=("png",))
    assert [p.name for p in paths] == ["sim-latency.png", "sim-traffic.png", "sim-saturation.png"]
    for path in paths:
        assert png_size(path.read_bytes()) == (round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI))
        with Image.open(path) as im:
            im.verify()


def test_svg_names_flows_stations_faults_and_the_ceiling(jackson, tmp_path):
    plot(jackson, tmp_path, formats=("svg",))
    fault = jackson.faults[0].describe()
    assert fault == "db: down 8 s-12 s"
    latency = svg_texts(tmp_path / "sim-latency.svg")
    assert "get" in latency and fault in latency and "p99" in latency
    assert fault in svg_texts(tmp_path / "sim-traffic.svg")
    sat = svg_texts(tmp_path / "sim-saturation.svg")
    for station in ("api", "db", "lb", "cache"):
        assert station in sat, station
    assert "max_utilisation ceiling (70%)" in sat and fault in sat


def test_rewrites_its_own_files_but_never_a_foreign_one(jackson, tmp_path):
    plot(jackson, tmp_path)
    plot(jackson, tmp_path)  # its own files: replaced
    (tmp_path / "sim-traffic.png").write_bytes(b"\x89PNG\r\n\x1a\nsomeone else's chart")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(UsageError, match="not a plot tradeoff wrote"):
        plot(jackson, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written at all


def test_only_the_named_files_are_written(jackson, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    plot(jackson, tmp_path, formats=("svg",))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt", "sim-latency.svg", "sim-saturation.svg", "sim-traffic.svg"]


@pytest.mark.parametrize("formats", [(), ("pdf",), ("png", "jpg")])
def test_unknown_formats_are_a_usage_error(jackson, tmp_path, formats):
    with pytest.raises(UsageError):
        plot(jackson, tmp_path, formats=formats)
    assert list(tmp_path.iterdir()) == []


# --- series on a hand-made result -----------------------------------------------------------

@pytest.fixture
def hand_made():
    """2.5 s in 1 s windows (the last one half a second), one class, a pool and a delay."""
    outcomes = np.zeros((3, core.N_OUTCOMES), np.int64)
    outcomes[0, [core.OK, core.DEGRADED, core.ERR_TIMEOUT]] = 80, 10, 10
    outcomes[2, [core.OK, core.ERR_REJECTED, core.ERR_DOWN]] = 40, 5, 5
    hist = np.zeros((3, core.NBINS), np.int32)
    hist[0, _bin_of(0.010)] = 50
    hist[0, _bin_of(0.100)] = 40
    hist[2, _bin_of(0.002)] = 40
    cls = ClassResult("get", "get", False, outcomes, hist, 0.0)
    pool = StationResult("api", "api", 4, np.zeros(core.N_SCOUNT, np.int64), np.array([3.0, 0.0, 0.5]),
                         np.array([4.0, 0.0, 2.0]), np.zeros((3, core.NBINS), np.int32), 0.0, 0, np.zeros(3, np.int64))
    delay = StationResult("psp", "psp", 0, np.zeros(core.N_SCOUNT, np.int64), np.zeros(3), np.zeros(3),
                          np.zeros((3, core.NBINS), np.int32), 0.0, 0, np.zeros(3, np.int64))
    return SimResult(None, 1.0, 2.5, 1.0, 0.0, 0, [], profile("steady", 2.5), "exponential", [cls], [pool, delay],
                     np.zeros((0, core.N_CCOUNT), np.int64), 110)


def test_windows_are_placed_at_their_middles(hand_made):
    t, span = window_spans(hand_made)
    assert t.tolist() == [0.5, 1.5, 2.25]
    assert span.tolist() == [1.0, 1.0, 0.5]


def test_flow_series_by_hand(hand_made):
    (f,) = flow_series(hand_made)
    assert f.name == "get"
    # window 0: 80 ok + 10 degraded in 1 s, 10 timeouts of 100; window 2: 40 ok in 0.5 s, 10 of 50 failed
    assert f.throughput.tolist() == [90.0, 0.0, 80.0]
    assert f.error_rate[[0, 2]].tolist() == pytest.approx([0.1, 0.2])
    assert math.isnan(f.error_rate[1])  # nothing ended: a gap, not 0%
    # window 0: 50 at 10 ms, 40 at 100 ms -> the 45th is 10 ms, the 89.1th 100 ms; bins are < 0.8% wide
    assert f.p50[0] == pytest.approx(0.010, rel=8e-3)
    assert f.p99[0] == pytest.approx(0.100, rel=8e-3)
    assert f.p50[2] == pytest.approx(0.002, rel=8e-3) and f.p99[2] == pytest.approx(0.002, rel=8e-3)
    assert math.isnan(f.p50[1]) and math.isnan(f.p99[1])


def test_station_series_by_hand(hand_made):
    (st,) = station_series(hand_made)  # the delay has no servers, so no saturation
    assert (st.name, st.servers) == ("api", 4)
    # 3 server-s of 4 x 1 s; no live server; 0.5 server-s of 2 x 0.5 s
    assert st.saturation[[0, 2]].tolist() == pytest.approx([0.75, 0.5])
    assert math.isnan(st.saturation[1])


# --- series on the simulated Jackson network ------------------------------------------------

def test_jackson_series(jackson):
    s = series(jackson)
    assert len(s.t) == 60 and s.t[0] == pytest.approx(DURATION / 120)
    start, end = s.t - s.span / 2, s.t + s.span / 2
    steady = start >= jackson.warmup
    clear = steady & ((end <= FAULT[0] - 0.2) | (start >= FAULT[1] + 0.2))
    inside = (start >= FAULT[0] + 0.2) & (end <= FAULT[1] - 0.2)
    assert clear.sum() > 35 and inside.sum() > 8
    (get,) = s.flows
    # every window has completions; a request's p50 lies below its p99
    assert np.isfinite(get.p50).all() and np.isfinite(get.p99).all()
    assert (get.p50 < get.p99).all()
    # Poisson 1000/s at 1x; with db down, the 20% of requests that call it fail
    assert get.throughput[clear].mean() == pytest.approx(1000, rel=0.03)
    assert (get.error_rate[clear] == 0).all()
    assert get.error_rate[inside].mean() == pytest.approx(0.2, abs=0.03)
    assert get.throughput[inside].mean() == pytest.approx(800, rel=0.05)
    # utilisation = rate x service time / servers (the fixture's header):
    # lb 1000 x 0.5 ms / 2, api 1000 x 6 ms / 8, cache 800 x 0.5 ms / 4, db 200 x 12 ms / 4
    by_name = {st.name: st for st in s.stations}
    expected = {"lb": 0.25, "api": 0.75, "cache": 0.10, "db": 0.60}
    assert set(by_name) == set(expected)
    for name, rho in expected.items():
        assert by_name[name].saturation[clear].mean() == pytest.approx(rho, abs=0.04), name
    assert np.isnan(by_name["db"].saturation[inside]).all()  # no live server: a gap
    assert by_name["api"].steady == pytest.approx(0.75, abs=0.03)

"""Faults and load profiles: parsing, and their effect window by window (replicas down, a
component down, a zone down, latency x10, a burst, a diurnal day)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from tests.sim.formulas import mmc_mean_wait
from tests.sim.util import K_SIGMA, MS, batch_se, design, design_with, window_means
from tradeoff.errors import UsageError
from tradeoff.sim import core
from tradeoff.sim.run import Fault, parse_fault, profile, simulate

# faults.design.yaml: api, 4 replicas x 1 server, exp 1 ms, 200/s at 1x
DURATION = 60.0


def run(faults=(), load=1.0, d=None, duration=DURATION, window=1.0, **kw):
    return simulate(d or design("faults.design.yaml"), load=load, duration=duration, window=window, seed=11,
                    faults=[parse_fault(f, duration) for f in faults], **kw)


# --- parsing --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "fault"), [
    ("db:down@10s-30s", Fault("down", "db", 0.0, 10.0, 30.0)),
    ("api:replicas=2@20s", Fault("replicas", "api", 2.0, 20.0, math.inf)),
    ("zone=1@10s-40s", Fault("zone", None, 1.0, 10.0, 40.0)),
    ("db:latency=x10", Fault("latency", "db", 10.0, 0.0, math.inf)),
    ("dep:errors=30%", Fault("errors", "dep", 0.3, 0.0, math.inf)),
    ("db:down@500ms-1.5s", Fault("down", "db", 0.0, 0.5, 1.5)),
])
def test_parse_fault(text, fault):
    got = parse_fault(text, 60.0)
    assert (got.kind, got.component, got.start, got.end) == (fault.kind, fault.component, fault.start, fault.end)
    assert got.value == pytest.approx(fault.value)


@pytest.mark.parametrize("text", ["db:down@30s-10s", "down@10s-20s", "db:explode", "db:errors=lots",
                                  "db:latency", "zone=one", ""])
def test_parse_fault_refuses(text):
    with pytest.raises(UsageError):
        parse_fault(text, 60.0)


@given(hs.integers(0, 10_000), hs.integers(1, 10_000))
def test_parse_fault_window_round_trips(start, length):
    f = parse_fault(f"api:down@{start}s-{start + length}s", 60.0)
    assert (f.start, f.end) == (start, start + length)


def test_fault_on_an_unknown_component_is_refused():
    with pytest.raises(UsageError, match="no component"):
        run(["nope:down"])


# --- replicas down --------------------------------------------------------------------------

def test_replicas_down_lower_alive_and_raise_utilisation():
    # 2 of 4 replicas down from 20.5 s to 40.5 s at 6x (1200/s). `alive` is time-weighted: windows
    # 21..39 lie inside the fault (2 live), windows 20 and 40 half inside (3), the rest outside (4).
    # Utilisation of the live servers: 1200 x 1 ms / 4 = 0.3 outside, / 2 = 0.6 inside; margins
    # from batch means over the windows of each kind.
    r = run(["api:replicas=2@20.5s-40.5s"], load=6.0)
    st = r.stations[0]
    assert st.alive.tolist() == [4.0] * 20 + [3.0] + [2.0] * 19 + [3.0] + [4.0] * 19
    util = st.busy / (st.alive * r.window)
    inside, outside = util[21:40], np.r_[util[1:20], util[42:]]  # whole windows only
    assert abs(inside.mean() - 0.6) <= K_SIGMA * batch_se(inside)
    assert abs(outside.mean() - 0.3) <= K_SIGMA * batch_se(outside)
    assert r.classes[0].outcomes[:, core.OK].sum() == r.classes[0].outcomes.sum() - st.counts[core.S_LOST]


def test_alive_is_time_weighted_over_each_window():
    # 2 of 4 down from 20.2 s to 40.2 s: window 20 has 4 live for 0.2 s and 2 for 0.8 s = 2.4;
    # window 40 has 2 for 0.2 s and 4 for 0.8 s = 3.6; window 19 ends before the fault (4)
    st = run(["api:replicas=2@20.2s-40.2s"]).stations[0]
    expected = [4.0] * 20 + [2.4] + [2.0] * 19 + [3.6] + [4.0] * 19
    assert st.alive.tolist() == pytest.approx(expected, abs=1e-9)


def test_zone_down_takes_its_replicas():
    # 4 replicas over 2 zones, dealt round-robin: zone 1 holds replicas 0 and 2, so 2 stay up
    d = design_with("faults.design.yaml", "replicas: 4,", "replicas: 4, zones: 2,")
    st = run(["zone=1@10.5s-30.5s"], d=d).stations[0]
    assert st.alive.tolist() == [4.0] * 10 + [3.0] + [2.0] * 19 + [3.0] + [4.0] * 29


# --- a component down -----------------------------------------------------------------------

def test_down_fails_requests_only_during_the_fault():
    r = run(["api:down@20s-40s"])
    out = r.classes[0].outcomes
    down = out[:, core.ERR_DOWN]
    assert (down[20:40] > 100).all()  # ~200/s, all refused (or lost in service at 20 s)
    assert down[:20].sum() == 0 and down[40:].sum() == 0
    assert out[20:40, core.OK].sum() == 0
    assert (out[:20, core.OK] > 100).all() and (out[40:, core.OK] > 100).all()
    assert out[:, core.ERR_DOWN + 1:].sum() == 0 and out[:, core.ERR_TIMEOUT:core.ERR_DOWN].sum() == 0
    st = r.stations[0]
    # alive is time-weighted over each window: none live over [20 s, 40 s) -> windows 20..39
    assert st.alive.tolist() == [4.0] * 20 + [0.0] * 20 + [4.0] * 20
    assert st.counts[core.S_REFUSED] + st.counts[core.S_LOST] == down.sum()


def test_requests_in_service_on_a_dying_replica_fail():
    # api down for 0.25 s once a second, at 15x (3000/s on 4 servers of 1 ms: a = 3, rho = 0.75).
    # Each outage takes the requests in service with it: on average a = 3 busy servers (0.75 s
    # after the last outage the station is back in equilibrium: its relaxation time is
    # ~1 / (mu (1 - sqrt(rho))^2) = 56 ms). 60 outages: 180 lost; a count in [0, 4] has a variance
    # of at most 4, so the standard error is at most sqrt(60 x 4) = 15.5.
    r = run([f"api:down@{t}.5s-{t}.75s" for t in range(60)], load=15.0)
    st, out = r.stations[0], r.classes[0].outcomes.sum(axis=0)
    assert abs(st.counts[core.S_LOST] - 180) <= K_SIGMA * math.sqrt(60 * 4)
    assert out[core.ERR_DOWN] == st.counts[core.S_LOST] + st.counts[core.S_REFUSED]


def test_station_error_rate_is_the_errors_share():
    # a service the fault fails is an error, not also a success: errors / (done + errors) = p
    duration = 100.0
    r = simulate(design("retry_errors.design.yaml"), duration=duration, seed=3,
                 faults=[parse_fault("dep:errors=30%", duration)])
    dep = next(s for s in r.stations if s.name == "dep")
    n = dep.counts[core.S_DONE] + dep.counts[core.S_ERRORS]
    assert abs(r.station_signals(dep).error_rate - 0.3) <= K_SIGMA * math.sqrt(0.3 * 0.7 / n)


# --- latency x10 ----------------------------------------------------------------------------

def test_latency_fault_is_the_mmc_sojourn_at_the_slower_rate():
    # api's service 1 ms -> 10 ms at 200/s on 4 servers: M/M/4 at a = 2 (rho 0.5),
    # C(4, 2) = 1.33333 / 7.66667 = 0.173913, T = C / (400 - 200) + 10 ms = 10.8696 ms; without the
    # fault a = 0.2 and T = 1.00002 ms. So x10 on the service is x10.87 on the sojourn, more than
    # x10 since the queue grows too. 300 s: ~60,000 requests; margin from batch means.
    slow = mmc_mean_wait(200.0, 100.0, 4) + 10 * MS
    assert slow == pytest.approx(10.8696 * MS, rel=1e-4)
    fast = mmc_mean_wait(200.0, 1000.0, 4) + 1 * MS
    for faults, expected in ((["api:latency=x10"], slow), ([], fast)):
        r = run(faults, duration=300.0, window=6.0)
        c = r.classes[0]
        got = c.lat_sum / c.outcomes[:, core.OK].sum()
        assert abs(got - expected) <= K_SIGMA * batch_se(window_means(c.hist)), (faults, got, expected)
        assert K_SIGMA * batch_se(window_means(c.hist)) < 0.05 * expected


def test_latency_fault_only_in_its_window():
    r = run(["api:latency=x10@20s-40s"])
    means = window_means(r.stations[0].hist)
    assert (means[1:20] < 2 * MS).all() and (means[41:] < 2 * MS).all()
    assert (means[21:40] > 8 * MS).all()


# --- load profiles --------------------------------------------------------------------------

def test_burst_profile_multiplies_throughput_in_its_window():
    # 200/s, x4 from 20 s to 30 s: completions per whole window are Poisson (the station is at
    # most 20% busy, so a completion trails its arrival by ~1 ms): 800 in windows 21..28, 200 in
    # windows 0..18 and 32..59; margins K_SIGMA sqrt(expected)
    r = run([], load_profile=profile("burst=x4@20s-30s", DURATION))
    done = r.classes[0].outcomes[:, core.OK]
    burst, calm = done[21:29].sum(), done[np.r_[0:19, 32:60]].sum()
    assert abs(burst - 800 * 8) <= K_SIGMA * math.sqrt(800 * 8)
    assert abs(calm - 200 * 47) <= K_SIGMA * math.sqrt(200 * 47)


def test_diurnal_profile_follows_a_raised_cosine():
    # the factor is f(t) = 0.5 + 0.25 (1 - cos(2 pi t / T)), from the trough 0.5 at the ends to the
    # peak 1 at mid-run; its mean over [a, b] is
    #   0.75 - 0.25 T (sin(2 pi b / T) - sin(2 pi a / T)) / (2 pi (b - a)),
    # 0.75 over the whole run. Arrivals over [a, b] are Poisson with mean 200/s x (b - a) x that.
    r = run([], load_profile=profile("diurnal", DURATION))
    done = r.classes[0].outcomes[:, core.OK]

    def expected(a, b):
        w = 2 * math.pi / DURATION
        return 200 * (b - a) * (0.75 - 0.25 * (math.sin(w * b) - math.sin(w * a)) / (w * (b - a)))

    assert expected(0, DURATION) == pytest.approx(9000)
    for a, b in ((0, 60), (0, 10), (25, 35), (50, 60)):
        assert abs(done[a:b].sum() - expected(a, b)) <= K_SIGMA * math.sqrt(expected(a, b)), (a, b)
    # and the peak is twice the trough: a flat profile would fail this
    assert done[25:35].sum() > 1.6 * done[np.r_[0:5, 55:60]].sum()


@pytest.mark.parametrize(("name", "times", "factors"), [
    ("steady", (0.0,), (1.0,)),
    ("burst=x4@20s-30s", (0.0, 20.0, 20.001, 30.0, 30.001), (1.0, 1.0, 4.0, 4.0, 1.0)),
    ("burst", (0.0, 27.0, 27.001, 33.0, 33.001), (1.0, 1.0, 3.0, 3.0, 1.0)),  # x3 for the middle tenth
])
def test_profile_shapes(name, times, factors):
    p = profile(name, DURATION)
    assert p.times == pytest.approx(times) and p.factors == pytest.approx(factors)


def test_unknown_profile_is_refused():
    with pytest.raises(UsageError):
        profile("tsunami", DURATION)

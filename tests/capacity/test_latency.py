"""End-to-end latency of request flows against hand-worked Jackson-network means, closed-form
percentiles (Exp, Erlang-k, hypoexponential mixtures) and a seeded Monte Carlo."""

import math
from pathlib import Path

import numpy as np
import pytest

from tradeoff.capacity.latency import latencies
from tradeoff.capacity.model import build
from tradeoff.io.load import load_design, load_design_text

FIXTURES = Path(__file__).parent / "fixtures"
MS = 1e-3


def flow_of(name: str):
    """The one request flow of a fixture design."""
    (lat,) = latencies(build(load_design(FIXTURES / name)))
    return lat


def flow_of_text(text: str):
    (lat,) = latencies(build(load_design_text(text, "x.yaml")))
    return lat


# --- the Jackson network of issue #6 --------------------------------------------------------
#
# Per station (Erlang C from the P0 form; a = lam/mu, theta = c mu - lam, T = C/theta + 1/mu):
#   lb    lam 1000, mu 2000, c 2: a = 0.5, C = a^2/(2+a) = 0.25/2.5 = 0.1; theta = 3000/s;
#         Wq = 0.1/3000 = 0.03333 ms; T = 0.53333 ms; visits 1
#   api   lam 1000, mu 166.67, c 8: a = 6, rho 0.75; sum_{k<8} 6^k/k! = 300.1429,
#         6^8/8! * 8/2 = 166.6286; C = 166.6286/466.7714 = 0.356981 (= 5832/16337);
#         theta = 333.33/s; Wq = 1.07094 ms; T = 7.07094 ms; visits 1
#   cache lam 800, mu 2000, c 4: a = 0.4, rho 0.1; sum_{k<4} = 1.490667, 0.4^4/24 * 4/3.6 = 0.00118519;
#         C = 0.00079444 (= 4/5035); theta = 7200/s; Wq = 0.00011 ms; T = 0.50011 ms; visits 0.8
#   db    lam 200, mu 83.33, c 4: a = 2.4, rho 0.6; sum_{k<4} = 8.584, 2.4^4/24 * 4/1.6 = 3.456;
#         C = 3.456/12.04 = 0.287043 (= 432/1505); theta = 133.33/s; Wq = 2.15282 ms;
#         T = 14.15282 ms; visits 0.2
# Mean sojourn = 0.53333 + 7.07094 + 0.8 * 0.50011 + 0.2 * 14.15282
#              = 0.53333 + 7.07094 + 0.40009 + 2.83056 = 10.83493 ms (issue #6: 10.835 ms).

JACKSON = {  # (lam, mu, c, C) per station, from the hand work above
    "lb": (1000.0, 2000.0, 2, 0.1),
    "api": (1000.0, 1000 / 6, 8, 5832 / 16337),
    "cache": (800.0, 2000.0, 4, 4 / 5035),
    "db": (200.0, 1000 / 12, 4, 432 / 1505),
}


def test_jackson_mean_sojourn():
    lat = flow_of("jackson.design.yaml")
    assert lat.mean / MS == pytest.approx(10.835, abs=1e-3)
    assert not lat.saturated


def test_jackson_mean_per_station():
    terms = dict(flow_of("jackson.design.yaml").terms)
    # visits x T per station, from the table above; no network time (hop_latency 0 ms)
    assert terms["lb"] / MS == pytest.approx(0.53333, abs=1e-5)
    assert terms["api"] / MS == pytest.approx(7.07094, abs=1e-5)
    assert terms["cache"] / MS == pytest.approx(0.40009, abs=1e-5)
    assert terms["db"] / MS == pytest.approx(2.83056, abs=1e-5)
    assert "network" not in terms


def test_jackson_percentiles_against_monte_carlo():
    # 200k requests drawn from the exact station sojourn distributions: wait 0 w.p. 1 - C else
    # Exp(theta); service Exp(mu); then 80% to the cache, 20% to the database.
    rng = np.random.default_rng(20240606)
    n = 200_000

    def sojourn(name):
        lam, mu, c, pw = JACKSON[name]
        wait = np.where(rng.random(n) < pw, rng.exponential(1 / (c * mu - lam), n), 0.0)
        return wait + rng.exponential(1 / mu, n)

    to_cache = rng.random(n) < 0.8
    total = sojourn("lb") + sojourn("api") + np.where(to_cache, sojourn("cache"), sojourn("db"))
    assert total.mean() / MS == pytest.approx(10.835, rel=0.01)  # the sample agrees with the hand mean
    lat = flow_of("jackson.design.yaml")
    assert lat.p(0.5) == pytest.approx(np.quantile(total, 0.5), rel=0.02)
    assert lat.p(0.99) == pytest.approx(np.quantile(total, 0.99), rel=0.02)


# --- percentiles with closed forms -----------------------------------------------------------

def test_single_mm1_flow():
    # q_mm1: sojourn ~ Exp(50/s); mean 20 ms; median ln 2/50 = 13.8629 ms;
    # p99 ln(100)/50 = 92.1034 ms; p99.9 ln(1000)/50 = 138.1551 ms. One server hop: no network.
    lat = flow_of("q_mm1.design.yaml")
    assert lat.mean / MS == pytest.approx(20.0, rel=1e-9)
    assert lat.p(0.5) / MS == pytest.approx(13.8629, rel=0.005)
    assert lat.p(0.99) / MS == pytest.approx(92.1034, rel=0.005)
    assert lat.p(0.999) / MS == pytest.approx(138.1551, rel=0.005)


def test_tandem_mm1_is_erlang_two():
    # q_tandem: Exp(50) + Exp(50) = Erlang-2 at rate 50/s; P(T <= x/50) = 1 - e^-x (1 + x).
    # Solved numerically for x: p50 x = 1.678347, p99 x = 6.638352, p99.9 x = 9.233413.
    lat = flow_of("q_tandem.design.yaml")
    assert lat.mean / MS == pytest.approx(40.0, rel=1e-9)
    assert lat.p(0.5) / MS == pytest.approx(1.678347 / 50 * 1000, rel=0.005)    # 33.567 ms
    assert lat.p(0.99) / MS == pytest.approx(6.638352 / 50 * 1000, rel=0.005)   # 132.767 ms
    assert lat.p(0.999) / MS == pytest.approx(9.233413 / 50 * 1000, rel=0.005)  # 184.668 ms


@pytest.mark.parametrize("x, p", [(1.678347, 0.5), (6.638352, 0.99), (9.233413, 0.999)])
def test_erlang_two_constants_solve_their_equation(x, p):
    # the literals above and below: 1 - e^-x (1 + x) = p
    assert 1 - math.exp(-x) * (1 + x) == pytest.approx(p, abs=1e-6)


@pytest.mark.parametrize("x, p", [(2.674060, 0.5), (8.405947, 0.99)])
def test_erlang_three_constants_solve_their_equation(x, p):
    assert 1 - math.exp(-x) * (1 + x + x * x / 2) == pytest.approx(p, abs=1e-6)


# Erlang-3 at rate 50/s: P(T <= x/50) = 1 - e^-x (1 + x + x^2/2);
# solved numerically for x: p50 x = 2.674060, p99 x = 8.405947.
ERLANG3_P50_MS = 2.674060 / 50 * 1000  # 53.4812 ms
ERLANG3_P99_MS = 8.405947 / 50 * 1000  # 168.1189 ms


def test_network_hops_add_half_a_millisecond_each():
    bare = flow_of("q_tandem3.design.yaml")
    net = flow_of("q_tandem3_net.design.yaml")
    # lb -> front -> back: two hops after the first server at the default 0.5 ms each
    assert bare.mean / MS == pytest.approx(60.0, rel=1e-9)
    assert net.mean / MS == pytest.approx(61.0, rel=1e-9)
    assert dict(net.terms)["network"] / MS == pytest.approx(1.0, rel=1e-9)
    assert bare.p(0.5) / MS == pytest.approx(ERLANG3_P50_MS, rel=0.005)
    assert bare.p(0.99) / MS == pytest.approx(ERLANG3_P99_MS, rel=0.005)
    # a constant 1 ms shift moves every percentile by 1 ms
    assert net.p(0.5) / MS == pytest.approx(ERLANG3_P50_MS + 1.0, rel=0.005)
    assert net.p(0.99) / MS == pytest.approx(ERLANG3_P99_MS + 1.0, rel=0.005)
    assert (net.p(0.5) - bare.p(0.5)) / MS == pytest.approx(1.0, abs=0.1)
    assert (net.p(0.99) - bare.p(0.99)) / MS == pytest.approx(1.0, abs=0.1)


def erlang4_plus_exp_cdf(t: float, a: float, b: float) -> float:
    """P(Erlang-4(a) + Exp(b) <= t) = F4_a(t) - e^{-bt} (a/(a-b))^4 F4_{a-b}(t), from convolving
    the Exp(b) CDF with the Erlang-4 density (F4_r(t) = 1 - e^{-rt}(1 + rt + (rt)^2/2 + (rt)^3/6))."""
    def erlang4(r: float) -> float:
        x = r * t
        return 1 - math.exp(-x) * (1 + x + x * x / 2 + x ** 3 / 6)

    return erlang4(a) - math.exp(-b * t) * (a / (a - b)) ** 4 * erlang4(a - b)


def test_many_network_hops_shift_percentiles_exactly():
    # q_hops_net: four Exp(950) stations and one Exp(92.857) plus 4 x 0.5 ms of network.
    # Mean: 4/950 + 1/92.857 + 2 ms = 4.21053 + 10.76923 + 2 = 16.97976 ms.
    # Without the network, the median and p99 solve erlang4_plus_exp_cdf(t, 950, 92.857) = p:
    # t50 = 11.88329 ms, t99 = 54.02492 ms (checked below); the network adds a constant 2 ms to both.
    b = 1000 / 7 - 50
    assert erlang4_plus_exp_cdf(11.88329 * MS, 950, b) == pytest.approx(0.5, abs=1e-6)
    assert erlang4_plus_exp_cdf(54.02492 * MS, 950, b) == pytest.approx(0.99, abs=1e-6)
    lat = flow_of("q_hops_net.design.yaml")
    assert lat.mean / MS == pytest.approx(16.97976, abs=1e-5)
    assert dict(lat.terms)["network"] / MS == pytest.approx(2.0, rel=1e-9)
    assert lat.p(0.99) / MS == pytest.approx(54.02492 + 2.0, rel=0.005)
    assert lat.p(0.5) / MS == pytest.approx(11.88329 + 2.0, rel=0.005)


def hypo_survival(t: float, rates: list[float]) -> float:
    """P(sum of independent Exp(r_i) > t) for distinct rates (the hypoexponential):
    sum_i e^{-r_i t} prod_{j != i} r_j / (r_j - r_i)."""
    total = 0.0
    for i, r in enumerate(rates):
        weight = math.prod(q / (q - r) for j, q in enumerate(rates) if j != i)
        total += weight * math.exp(-r * t)
    return total


def cache_mix_cdf(t: float) -> float:
    # q_cache_mix: svc Exp(150) + cache Exp(950), and + store Exp(40) on the 20% of misses
    return 1 - (0.8 * hypo_survival(t, [150, 950]) + 0.2 * hypo_survival(t, [150, 950, 40]))


def test_cache_hit_miss_mixture():
    # Mean: 1/150 + 1/950 + 0.2/40 = 6.66667 + 1.05263 + 5.00000 = 12.71930 ms.
    # Percentiles of the mixture, solved numerically from cache_mix_cdf (the asserts below check them):
    #   median 7.32698 ms, p99 83.7302 ms.
    lat = flow_of("q_cache_mix.design.yaml")
    assert lat.mean / MS == pytest.approx(12.71930, abs=1e-5)
    assert cache_mix_cdf(7.32698 * MS) == pytest.approx(0.5, abs=1e-6)
    assert cache_mix_cdf(83.7302 * MS) == pytest.approx(0.99, abs=1e-6)
    assert lat.p(0.5) / MS == pytest.approx(7.32698, rel=0.005)
    assert lat.p(0.99) / MS == pytest.approx(83.7302, rel=0.005)


# --- what is and is not on the clock ---------------------------------------------------------

OFF_CLOCK = """\
name: off-clock
requirements:
  use_cases:
    - {id: get, name: read an item}
estimates:
  peak_multiplier: 1
  traffic:
    - {use_case: get, operation: read, rate: 50/s}
architecture:
  components:
    - {id: client, kind: client}
    - {id: dns, kind: dns}
    - {id: svc, kind: service, replicas: 1, capacity: {service_time: 10 ms, concurrency: 1}}
    - {id: lru, kind: cache, cache_layer: local, hit_ratio: 30%, replicas: 1,
       capacity: {service_time: 0.01 ms, concurrency: 1}}
    - {id: store, kind: data_store, storage: key_value, replicas: 1,
       capacity: {service_time: 10 ms, concurrency: 1}}
  read_paths:
    - {id: get, use_case: get, hops: [client, dns, svc, lru, store]}
"""


def test_client_dns_and_local_cache_add_no_network():
    lat = flow_of_text(OFF_CLOCK)
    terms = dict(lat.terms)
    # client and dns are off the clock, svc is the first server hop, the in-process cache is
    # no hop: only svc -> store is a network hop, taken by the 70% that miss: 0.7 x 0.5 ms
    assert terms["network"] / MS == pytest.approx(0.35, rel=1e-9)
    # svc: Exp(100 - 50) mean 20 ms; lru: 50/s at mu 100,000/s -> 1/99,950 s = 0.0100050 ms;
    # store: 35/s at mu 100/s -> 0.7 / 65 = 10.76923 ms per request
    assert terms["svc"] / MS == pytest.approx(20.0, rel=1e-9)
    assert terms["lru"] / MS == pytest.approx(0.0100050, rel=1e-5)
    assert terms["store"] / MS == pytest.approx(10.76923, rel=1e-6)
    assert lat.mean / MS == pytest.approx(20.0 + 0.0100050 + 10.76923 + 0.35, rel=1e-6)


def test_saturated_station_makes_the_flow_infinite():
    # 150/s into one server at 100/s: rho = 1.5
    lat = flow_of_text(OFF_CLOCK.replace("rate: 50/s", "rate: 150/s").replace("hit_ratio: 30%", "hit_ratio: 90%"))
    assert lat.saturated == ["svc"]
    assert lat.mean == float("inf")
    assert all(v == float("inf") for v in lat.percentiles.values())

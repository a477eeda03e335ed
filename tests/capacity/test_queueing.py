"""Erlang B/C and the M/M/c station against published tables, hand-worked fractions and
independent methods (exact rational recursion, numerical quadrature).

Hand formulas used below (Gross & Harris, Fundamentals of Queueing Theory, sec. 2.3;
Kleinrock, Queueing Systems vol. 1, sec. 3.5-3.6), with offered load a = lam/mu, rho = a/c:
  B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!
  C(c, a) = (a^c / c! * c / (c - a)) / (sum_{k=0..c-1} a^k / k! + a^c / c! * c / (c - a))
  which for c = 1 is rho, and for c = 2 simplifies to a^2 / (2 + a).
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from tradeoff.capacity.queueing import MMc, erlang_b, erlang_c, servers_for

INF = float("inf")


def erlang_b_exact(c: int, a: Fraction) -> Fraction:
    """Erlang B by the textbook recursion 1/B(k) = 1 + (k/a) / B(k-1), B(0) = 1, in exact
    rationals: no rounding at all, and a different route from the Poisson-ratio code."""
    inv = Fraction(1)
    for k in range(1, c + 1):
        inv = 1 + k / a * inv
    return 1 / inv


def erlang_c_exact(c: int, a: Fraction) -> Fraction:
    b = erlang_b_exact(c, a)
    rho = a / c
    return b / (1 - rho * (1 - b))


# --- Erlang B ------------------------------------------------------------------------------

def test_erlang_b_table_value():
    # Erlang B table: 10 trunks offered 5 Erlangs block 1.838% of calls.
    # By hand: sum_{k=0..10} 5^k/k! = 146.9368..., 5^10/10! = 2.6911...; 2.6911/146.9368 = 0.018385
    assert erlang_b(10, 5.0) == pytest.approx(0.01838, abs=5e-6)


@pytest.mark.parametrize("c, a", [
    # Erlang B traffic table, 1% grade of service column (offered Erlangs rounded to 0.01):
    (10, 4.46),
    (20, 12.03),
    (100, 84.06),
])
def test_erlang_b_one_percent_grade_of_service(c, a):
    # the table's load is rounded to 0.01 Erlang, so the blocking is 1% to within 1% of itself
    assert erlang_b(c, a) == pytest.approx(0.01, rel=0.01)


@pytest.mark.parametrize("c, a, expected", [
    # by hand from B = (a^c/c!) / sum_{k<=c} a^k/k!
    (1, 1.0, 1 / 2),        # 1 / (1 + 1)
    (2, 1.0, 1 / 5),        # (1/2) / (1 + 1 + 1/2)
    (3, 2.0, 4 / 19),       # (8/6) / (1 + 2 + 2 + 8/6) = (4/3) / (19/3)
    (2, 0.5, 1 / 13),       # (1/8) / (1 + 1/2 + 1/8) = (1/8) / (13/8)
])
def test_erlang_b_by_hand(c, a, expected):
    assert erlang_b(c, a) == pytest.approx(expected, rel=1e-12)


def test_erlang_b_no_load_and_bad_servers():
    assert erlang_b(5, 0.0) == 0.0
    with pytest.raises(ValueError):
        erlang_b(0, 1.0)


# --- Erlang C ------------------------------------------------------------------------------

@pytest.mark.parametrize("c, a, expected", [
    # c = 1: C = rho
    (1, 0.5, Fraction(1, 2)),
    (1, 0.9, Fraction(9, 10)),
    # c = 2: C = a^2 / (2 + a)
    (2, 1.0, Fraction(1, 3)),      # 1 / 3 (the brief's C(2, 1))
    (2, 0.5, Fraction(1, 10)),     # (1/4) / (5/2)
    (2, 1.5, Fraction(9, 14)),     # (9/4) / (7/2)
    # c = 3: numerator a^3/6 * 3/(3-a), denominator 1 + a + a^2/2 + numerator
    (3, 2.0, Fraction(4, 9)),      # 4 / (1 + 2 + 2 + 4)
    (3, 1.0, Fraction(1, 11)),     # (1/4) / (1 + 1 + 1/2 + 1/4) = (1/4) / (11/4)
    (3, 1.5, Fraction(9, 38)),     # (9/8) / (1 + 3/2 + 9/8 + 9/8) = (9/8) / (38/8)
])
def test_erlang_c_by_hand(c, a, expected):
    assert erlang_c(c, a) == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize("a", [Fraction(900), Fraction(1799, 2), Fraction(990)])
def test_erlang_c_thousand_servers_against_exact_recursion(a):
    # c = 1000 near rho = 0.9 (and 0.99): the exact rational recursion above is the reference
    expected_b = erlang_b_exact(1000, a)
    expected_c = erlang_c_exact(1000, a)
    assert erlang_b(1000, float(a)) == pytest.approx(float(expected_b), rel=1e-9)
    assert erlang_c(1000, float(a)) == pytest.approx(float(expected_c), rel=1e-9)


def test_erlang_c_saturated_and_idle():
    assert erlang_c(4, 4.0) == 1.0  # rho = 1: every arrival waits
    assert erlang_c(4, 6.0) == 1.0
    assert erlang_c(4, 0.0) == 0.0


# --- M/M/1 closed forms ---------------------------------------------------------------------

# lam = 80/s, mu = 100/s: mu - lam = 20/s
MM1 = MMc(lam=80.0, mu=100.0, c=1)


def test_mm1_mean_sojourn():
    # 1 / (mu - lam) = 1/20 s = 50 ms; mean wait = rho / (mu - lam) = 0.8 / 20 = 40 ms
    assert MM1.mean_sojourn == pytest.approx(0.050, rel=1e-12)
    assert MM1.mean_wait == pytest.approx(0.040, rel=1e-12)
    # Lq = rho^2 / (1 - rho) = 0.64 / 0.2 = 3.2
    assert MM1.mean_queue == pytest.approx(3.2, rel=1e-12)
    assert MM1.utilisation == pytest.approx(0.8)


@pytest.mark.parametrize("t, survival", [
    # P(T > t) = exp(-(mu - lam) t) = exp(-20 t)
    (0.010, math.exp(-0.2)),   # 0.81873
    (0.050, math.exp(-1.0)),   # 0.36788
    (0.200, math.exp(-4.0)),   # 0.01832
])
def test_mm1_sojourn_is_exponential(t, survival):
    assert 1 - float(MM1.sojourn_cdf(t)) == pytest.approx(survival, rel=1e-9)


def test_mm1_sojourn_percentiles():
    # p99 = ln(100) / 20 = 4.605170 / 20 = 0.2302585 s; median = ln 2 / 20 = 0.6931472 / 20 = 34.65736 ms
    assert MM1.sojourn_quantile(0.99) == pytest.approx(0.2302585, rel=1e-6)
    assert MM1.sojourn_quantile(0.5) == pytest.approx(0.03465736, rel=1e-6)


def test_mm1_wait_distribution():
    # P(Wq > t) = rho exp(-(mu - lam) t): P(Wq > 0) = 0.8, P(Wq > 50 ms) = 0.8 e^-1 = 0.29430
    assert 1 - MM1.wait_cdf(0.0) == pytest.approx(0.8)
    assert 1 - MM1.wait_cdf(0.05) == pytest.approx(0.294304, rel=1e-5)


# --- M/M/c mean wait on textbook examples ---------------------------------------------------

def test_mmc_county_hospital_example():
    # Hillier & Lieberman, Introduction to Operations Research, ch. 17 (queueing theory),
    # the County Hospital emergency room: lam = 2 patients/h, mu = 3/h per doctor.
    # One doctor (M/M/1): Lq = 4/3, Wq = 2/3 h, W = 1 h.
    one = MMc(lam=2.0, mu=3.0, c=1)
    assert one.mean_queue == pytest.approx(4 / 3, rel=1e-12)
    assert one.mean_wait == pytest.approx(2 / 3, rel=1e-12)
    assert one.mean_sojourn == pytest.approx(1.0, rel=1e-12)
    # Two doctors (M/M/2, rho = 1/3): P0 = 1/2, Lq = 1/12, Wq = 1/24 h, W = 3/8 h.
    # The same from the M/M/2 closed form Wq = rho^2 / (mu (1 - rho^2)) = (1/9) / (3 * 8/9) = 1/24.
    two = MMc(lam=2.0, mu=3.0, c=2)
    assert two.mean_queue == pytest.approx(1 / 12, rel=1e-12)
    assert two.mean_wait == pytest.approx(1 / 24, rel=1e-12)
    assert two.mean_sojourn == pytest.approx(3 / 8, rel=1e-12)


def test_mmc_three_servers_gross_harris_p0_form():
    # Gross & Harris sec. 2.3: p0 = [sum_{n<c} r^n/n! + r^c / (c! (1 - rho))]^-1,
    # Lq = r^c rho p0 / (c! (1 - rho)^2), Wq = Lq / lam.
    # lam = 2/s, mu = 1/s, c = 3: r = 2, rho = 2/3; sum = 1 + 2 + 2 = 5, r^c/(c!(1-rho)) = (8/6)*3 = 4,
    # p0 = 1/9; Lq = 8 * (2/3) * (1/9) / (6 * 1/9) = 8/9; Wq = 4/9 s; P(wait) = 4 p0 = 4/9.
    st = MMc(lam=2.0, mu=1.0, c=3)
    assert st.p_wait == pytest.approx(4 / 9, rel=1e-12)
    assert st.mean_queue == pytest.approx(8 / 9, rel=1e-12)
    assert st.mean_wait == pytest.approx(4 / 9, rel=1e-12)
    assert st.mean_sojourn == pytest.approx(13 / 9, rel=1e-12)


# --- the sojourn distribution of M/M/c ------------------------------------------------------

def test_mmc_sojourn_cdf_against_quadrature():
    # 8 servers, lam = 1000/s, mu = 1000/6 per s: a = 6, C(8, 6) = 5832/16337 (hand, from the
    # formula in the module docstring: 166.63 / (300.14 + 166.63)); theta = 8 mu - lam = 1000/3.
    # T = S w.p. 1 - C, else Exp(theta) + S: its CDF by numerical convolution.
    from scipy.integrate import quad

    st = MMc(lam=1000.0, mu=1000 / 6, c=8)
    mu, theta, pw = 1000 / 6, 1000 / 3, 5832 / 16337
    for t in (0.001, 0.006, 0.02, 0.05):
        conv, _ = quad(lambda u: theta * math.exp(-theta * u) * (1 - math.exp(-mu * (t - u))), 0, t)
        expected = (1 - pw) * (1 - math.exp(-mu * t)) + pw * conv
        assert float(st.sojourn_cdf(t)) == pytest.approx(expected, rel=1e-9)


def test_mmc_sojourn_cdf_equal_rates_is_erlang_two():
    # c = 2, lam = 1, mu = 1: theta = 2 - 1 = 1 = mu, C(2, 1) = 1/3; the waiting branch is
    # Exp(1) + Exp(1) = Erlang-2: P(T <= t) = 2/3 (1 - e^-t) + 1/3 (1 - e^-t (1 + t)).
    st = MMc(lam=1.0, mu=1.0, c=2)
    # t = 1: 2/3 (1 - 0.367879) + 1/3 (1 - 0.735759) = 0.421414 + 0.088080 = 0.509494
    assert float(st.sojourn_cdf(1.0)) == pytest.approx(0.509494, abs=1e-6)
    # t = 2: 2/3 (0.864665) + 1/3 (1 - 3 * 0.135335) = 0.576443 + 0.197998 = 0.774441
    assert float(st.sojourn_cdf(2.0)) == pytest.approx(0.774441, abs=1e-6)


def test_sojourn_cdf_takes_arrays():
    t = np.array([-1.0, 0.0, 0.01, 0.05])
    got = MM1.sojourn_cdf(t)
    # P(T <= t) = 1 - exp(-20 t), and 0 for t <= 0
    assert got == pytest.approx([0.0, 0.0, 1 - math.exp(-0.2), 1 - math.exp(-1.0)], rel=1e-12)


@pytest.mark.parametrize("st", [
    MMc(lam=80.0, mu=100.0, c=1),
    MMc(lam=1000.0, mu=1000 / 6, c=8),
    MMc(lam=1.0, mu=1.0, c=2),            # the Erlang-2 branch
    MMc(lam=800.0, mu=2000.0, c=4),       # waiting phase much faster than service
    MMc(lam=9900.0, mu=10.0, c=1000),     # rho = 0.99: waiting phase much slower than service
])
@pytest.mark.parametrize("p", [0.5, 0.9, 0.99, 0.999])
def test_sojourn_quantile_inverts_cdf(st, p):
    t = st.sojourn_quantile(p)
    assert t > 0
    assert float(st.sojourn_cdf(t)) == pytest.approx(p, abs=1e-9)


def test_sojourn_quantile_rejects_bad_p():
    for p in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError):
            MM1.sojourn_quantile(p)


# --- unstable stations ----------------------------------------------------------------------

@pytest.mark.parametrize("st", [
    MMc(lam=100.0, mu=10.0, c=10),   # rho = 1 exactly
    MMc(lam=150.0, mu=10.0, c=10),   # rho = 1.5
    MMc(lam=120.0, mu=100.0, c=1),
])
def test_unstable_station_is_infinite(st):
    assert not st.stable
    assert st.p_wait == 1.0
    assert st.mean_wait == INF
    assert st.mean_sojourn == INF
    assert st.mean_queue == INF
    assert st.sojourn_quantile(0.5) == INF
    assert st.sojourn_quantile(0.99) == INF
    assert float(st.sojourn_cdf(10.0)) == 0.0
    assert st.wait_cdf(10.0) == 0.0


def test_idle_station_is_pure_service():
    st = MMc(lam=0.0, mu=100.0, c=4)
    assert st.p_wait == 0.0
    assert st.mean_wait == 0.0
    assert st.mean_sojourn == pytest.approx(0.01)
    # Exp(100): median ln 2 / 100 = 6.9315 ms
    assert st.sojourn_quantile(0.5) == pytest.approx(0.0069315, rel=1e-5)


# --- servers_for ----------------------------------------------------------------------------

@pytest.mark.parametrize("lam, mu, ceiling, expected", [
    (1000.0, 100.0, 0.7, 15),     # 1000 / 70 = 14.29 -> 15
    (700.0, 100.0, 0.7, 10),      # exactly 10: float noise in 700 / 70 must not round up to 11
    (1000.0, 100.0, 1.0, 10),     # exactly 10
    (1001.0, 100.0, 1.0, 11),
    (0.5, 100.0, 0.7, 1),         # a trickle still needs one server
    (0.0, 100.0, 0.7, 0),         # no load, no servers
    (36_000.0, 500.0, 0.6, 120),  # 36,000 / 300 = 120 exactly
])
def test_servers_for(lam, mu, ceiling, expected):
    assert servers_for(lam, mu, ceiling) == expected


@pytest.mark.parametrize("st", [
    MMc(lam=80.0, mu=100.0, c=1),
    MMc(lam=1000.0, mu=1000 / 6, c=8),
    MMc(lam=1.0, mu=1.0, c=2),
    MMc(lam=9900.0, mu=10.0, c=1000),
])
@pytest.mark.parametrize("eps", [1e-3, 1e-9])
def test_sojourn_tail_bound_holds(st, eps):
    # a bound, not an estimate: the survival there is at most eps, and it is not absurdly loose
    t = st.sojourn_tail_bound(eps)
    assert 1 - float(st.sojourn_cdf(t)) <= eps
    assert t <= 4 * st.sojourn_quantile(1 - eps)

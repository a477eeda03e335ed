"""Textbook queueing results the simulator is checked against, written out independently of
tradeoff.capacity (the tests compare with it only as a second opinion).

References: D. Gross, J. Shortle, J. Thompson, C. Harris, *Fundamentals of Queueing Theory*,
4th ed. (Wiley 2008), ch. 2 (M/M/1, M/M/c, M/M/c/K) and ch. 5 (M/G/1, Pollaczek-Khinchine);
L. Kleinrock, *Queueing Systems* vol. 1 (1975), sections 3.4 (M/M/m), 3.6 (M/M/m/K), 5.6 (M/G/1).
"""

from __future__ import annotations

import math


def erlang_c(c: int, a: float) -> float:
    """P(an arrival waits) in M/M/c with offered load a = lam/mu < c (Erlang's C formula):
    C = [a^c/c! * c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! * c/(c-a)]."""
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (head + tail)


def mmc_mean_wait(lam: float, mu: float, c: int) -> float:
    """Wq = C(c, a) / (c mu - lam)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_sojourn_tail(t: float, lam: float, mu: float, c: int) -> float:
    """P(T > t) of the FCFS M/M/c sojourn T = W + S. W is 0 with probability 1 - C and
    Exp(theta = c mu - lam) otherwise, independent of the own service S ~ Exp(mu), so
    P(T > t) = (1 - C) e^{-mu t} + C P(Exp(theta) + Exp(mu) > t), the second term the
    hypoexponential tail (theta e^{-mu t} - mu e^{-theta t}) / (theta - mu), or (1 + mu t) e^{-mu t}
    when theta = mu. For c = 1 (C = rho, theta = mu - lam) this is e^{-(mu - lam) t}."""
    pw = erlang_c(c, lam / mu)
    theta = c * mu - lam
    if math.isclose(theta, mu):
        hypo = (1 + mu * t) * math.exp(-mu * t)
    else:
        hypo = (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
    return (1 - pw) * math.exp(-mu * t) + pw * hypo


def mmc_sojourn_quantile(p: float, lam: float, mu: float, c: int) -> float:
    """The p-quantile of the M/M/c sojourn: the root of P(T > t) = 1 - p, by bisection (the tail
    is strictly decreasing from 1 at t = 0)."""
    lo, hi = 0.0, 1.0 / mu
    while mmc_sojourn_tail(hi, lam, mu, c) > 1 - p:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if mmc_sojourn_tail(mid, lam, mu, c) > 1 - p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mmck_blocking(lam: float, mu: float, c: int, k: int) -> float:
    """P(an arrival finds K in the system) in M/M/c/K, which by PASTA is the share rejected:
    p_n proportional to a^n/n! for n <= c and a^n/(c! c^(n-c)) for c < n <= K."""
    a = lam / mu
    weights = [a**n / math.factorial(n) if n <= c else a**n / (math.factorial(c) * c ** (n - c))
               for n in range(k + 1)]
    return weights[-1] / sum(weights)


def mg1_mean_wait(lam: float, mean_s: float, cv: float) -> float:
    """Pollaczek-Khinchine: Wq = lam E[S^2] / (2 (1 - rho)), E[S^2] = mean_s^2 (1 + cv^2);
    cv = 0 is M/D/1, cv = 1 gives M/M/1's rho / (mu - lam)."""
    rho = lam * mean_s
    return lam * mean_s**2 * (1 + cv**2) / (2 * (1 - rho))

"""Queueing results the capacity model is built on, each with its textbook source.

A component is a station of `c` identical servers (replicas x requests each serves at once),
fed by Poisson arrivals at rate `lam` with exponential service times of mean `1/mu`: the
M/M/c queue. Everything here is closed form:

* Erlang B and Erlang C (the probability that an arrival waits), from the Poisson
  distribution: B(c, a) = P(N = c) / P(N <= c) for N ~ Poisson(a), a = lam/mu (Kleinrock,
  Queueing Systems vol. 1, sec. 3.6; Gross & Harris, Fundamentals of Queueing Theory, 2.3);
  C(c, a) = B / (1 - rho (1 - B)), rho = a / c. Computed with scipy's regularised gamma
  functions, so c in the tens of thousands costs the same as c = 1.
* Waiting time: P(Wq > t) = C exp(-(c mu - lam) t); mean Wq = C / (c mu - lam).
* Sojourn (wait + service): T = Wq + S. With probability 1 - C it is S ~ Exp(mu); else the
  sum of Exp(c mu - lam) and Exp(mu), a hypoexponential with a closed-form CDF.
* M/M/1 is the case c = 1: mean sojourn 1 / (mu - lam), sojourn ~ Exp(mu - lam).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

INF = float("inf")


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load a = lam/mu (Erlang's loss formula)."""
    if c < 1:
        raise ValueError("c must be at least 1")
    if a <= 0:
        return 0.0
    from scipy.special import gammaln, pdtr

    pmf = math.exp(c * math.log(a) - a - float(gammaln(c + 1)))
    cdf = float(pdtr(c, a))
    return min(1.0, pmf / cdf) if cdf > 0 else 1.0


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c (Erlang's delay formula); 1 when rho >= 1."""
    if c < 1:
        raise ValueError("c must be at least 1")
    if a <= 0:
        return 0.0
    rho = a / c
    if rho >= 1:
        return 1.0
    b = erlang_b(c, a)
    return b / (1 - rho * (1 - b))


@dataclass(frozen=True)
class MMc:
    """An M/M/c station: arrival rate `lam` (per second), service rate `mu` per server, `c` servers."""

    lam: float
    mu: float
    c: int

    @property
    def offered(self) -> float:
        """Offered load a = lam / mu, in busy servers (Erlangs)."""
        return self.lam / self.mu

    @property
    def utilisation(self) -> float:
        return self.lam / (self.c * self.mu)

    @property
    def stable(self) -> bool:
        return self.utilisation < 1

    @cached_property
    def p_wait(self) -> float:
        return erlang_c(self.c, self.offered)

    @property
    def drain(self) -> float:
        """c mu - lam: the rate at which a queue empties; the waiting time's exponential rate."""
        return self.c * self.mu - self.lam

    @property
    def mean_wait(self) -> float:
        return self.p_wait / self.drain if self.stable else INF

    @property
    def mean_sojourn(self) -> float:
        return self.mean_wait + 1 / self.mu

    @property
    def mean_queue(self) -> float:
        """Lq = lam Wq (Little's law)."""
        return self.lam * self.mean_wait if self.stable else INF

    def wait_cdf(self, t: float) -> float:
        if not self.stable:
            return 0.0
        return 1 - self.p_wait * math.exp(-self.drain * t) if t >= 0 else 0.0

    def sojourn_cdf(self, t):
        """P(T <= t) for the time in the station (wait + service); t may be a NumPy array."""
        import numpy as np

        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        if not self.stable:
            return np.zeros_like(t)
        mu, th, pw = self.mu, self.drain, self.p_wait
        service = -np.expm1(-mu * t)
        if abs(th - mu) < 1e-9 * mu:
            both = 1 - np.exp(-mu * t) * (1 + mu * t)  # Erlang-2
        else:
            # hypoexponential(th, mu): 1 - (mu e^{-th t} - th e^{-mu t}) / (mu - th)
            both = 1 - (mu * np.exp(-th * t) - th * np.exp(-mu * t)) / (mu - th)
        return (1 - pw) * service + pw * both

    def sojourn_tail_bound(self, eps: float) -> float:
        """A time t with P(T > t) <= eps, in closed form: P(Wq + S > t) <= P(Wq > t/2) + P(S > t/2)
        = C e^{-(c mu - lam) t/2} + e^{-mu t/2}; each term set to eps/2."""
        if not self.stable:
            return INF
        t = 2 * math.log(2 / eps) / self.mu
        pw = self.p_wait
        if pw > 0:
            t = max(t, 2 * math.log(2 * pw / eps) / self.drain)
        return t

    def sojourn_quantile(self, p: float) -> float:
        """The p-quantile of the time in the station, solved from the closed-form CDF."""
        if not 0 < p < 1:
            raise ValueError("p must be in (0, 1)")
        if not self.stable:
            return INF
        from scipy.optimize import brentq

        # the slower of the two exponential phases bounds the tail: both phases at that rate
        slow = min(self.mu, self.drain)
        hi = 2 * (-math.log1p(-p) + 2) / slow
        while float(self.sojourn_cdf(hi)) < p:
            hi *= 2
        return brentq(lambda t: float(self.sojourn_cdf(t)) - p, 0.0, hi, xtol=1e-12 * hi, rtol=1e-12)


def servers_for(lam: float, mu: float, ceiling: float) -> int:
    """The fewest servers that keep utilisation lam / (c mu) at or below `ceiling`."""
    if lam <= 0:
        return 0
    return max(1, math.ceil(lam / (mu * ceiling) - 1e-9))

"""Callers' policies in the simulator against their analytic effect: retries (amplification and
the failure share, across nested layers), rate limits, timeouts and fallbacks, circuit breakers."""

import math

import pytest

from tests.sim.util import HALF_BIN, K_SIGMA, MS, design, design_with
from tradeoff.sim import core
from tradeoff.sim.run import parse_fault, percentile, simulate

# --- retries against a dependency that fails a share p of its calls ---------------------------
#
# Each attempt fails independently with probability p (after its service), and the caller
# retries at once up to r times, so the attempts per call A are truncated geometric:
#   P(A = k) = p^(k-1) (1 - p) for k <= r, P(A = r + 1) = p^r;
#   E[A] = sum_{k=0}^{r} p^k = (1 - p^(r+1)) / (1 - p);  P(call fails) = p^(r+1).
# With p = 0.3, r = 2: E[A] = 1 + 0.3 + 0.09 = 1.39; failures 0.027;
#   E[A^2] = 0.7 x 1 + 0.21 x 4 + 0.09 x 9 = 2.35, Var A = 2.35 - 1.39^2 = 0.4179.
# Calls are independent of one another, so the margins are K_SIGMA i.i.d. standard errors.
P, R = 0.3, 2


@pytest.fixture(scope="module")
def retried():
    duration = 100.0  # 2000/s: ~200,000 calls
    return simulate(design("retry_errors.design.yaml"), duration=duration, seed=3,
                    faults=[parse_fault("dep:errors=30%", duration)])


def test_retry_amplification_is_truncated_geometric(retried):
    expected = (1 - P ** (R + 1)) / (1 - P)
    assert expected == pytest.approx(1.39)
    calls = retried.step_counts[:, core.C_CALLS].max()
    se = math.sqrt(0.4179 / calls)
    assert abs(retried.amplification("dep") - expected) <= K_SIGMA * se
    assert retried.amplification("api") == 1.0  # nobody retries the calls into api
    # every attempt reaches dep: its arrivals are the attempts
    dep = next(s for s in retried.stations if s.name == "dep")
    (step,) = [i for i, sp in enumerate(retried.model.steps) if sp.component == "dep"]
    assert dep.counts[core.S_ARRIVALS] == retried.step_counts[step, core.C_ATTEMPTS]


def test_retry_failure_share_is_p_to_the_r_plus_1(retried):
    out = retried.classes[0].outcomes.sum(axis=0)
    n = out.sum()
    expected = P ** (R + 1)  # 0.027
    share = out[core.ERR_FAILED] / n
    assert abs(share - expected) <= K_SIGMA * math.sqrt(expected * (1 - expected) / n)
    assert out[core.OK] + out[core.ERR_FAILED] == n  # nothing else goes wrong


def test_errors_fault_fails_its_share_of_services(retried):
    # services the fault fails are counted as errors, the rest as done
    dep = next(s for s in retried.stations if s.name == "dep")
    n = dep.counts[core.S_DONE] + dep.counts[core.S_ERRORS]
    share = dep.counts[core.S_ERRORS] / n
    assert abs(share - P) <= K_SIGMA * math.sqrt(P * (1 - P) / n)


def test_without_retries_the_failure_share_is_p():
    # the control: the same fault with no retries fails p of the requests and makes no extra attempts
    duration = 50.0
    r = simulate(design_with("retry_errors.design.yaml", "retries: 2", "retries: 0"), duration=duration, seed=3,
                 faults=[parse_fault("dep:errors=30%", duration)])
    out = r.classes[0].outcomes.sum(axis=0)
    n = out.sum()
    assert abs(out[core.ERR_FAILED] / n - P) <= K_SIGMA * math.sqrt(P * (1 - P) / n)
    assert r.amplification("dep") == 1.0


# --- retries at two layers against a dead dependency -----------------------------------------
#
# outer retries its call to inner r1 = 2 times; inner retries its call to dep r2 = 3 times;
# dep is down, so every attempt fails at once: each request makes 1 + r1 = 3 calls to inner, and
# each of those 1 + r2 = 4 attempts on dep: (1 + r1)(1 + r2) = 12 attempts on dep per request.
# No randomness is involved in the failures, so the counts are exact.
R1, R2 = 2, 3


@pytest.fixture(scope="module")
def nested():
    duration = 20.0
    return simulate(design("nested_retries.design.yaml"), duration=duration, seed=4,
                    faults=[parse_fault("dep:down", duration)])


def _station(res, name):
    return next(s for s in res.stations if s.name == name)


def test_nested_retries_multiply(nested):
    out = nested.classes[0].outcomes.sum(axis=0)
    done, started = out.sum(), nested.requests  # a request or two is still in flight at the end
    assert done > 5000 and started - done <= 2
    assert out[core.ERR_DOWN] == done  # every request fails, for the dependency's being down
    assert _station(nested, "outer").counts[core.S_ARRIVALS] == started
    assert (1 + R1) * done <= _station(nested, "inner").counts[core.S_ARRIVALS] <= (1 + R1) * started
    dep = _station(nested, "dep")
    assert (1 + R1) * (1 + R2) * done <= dep.counts[core.S_ARRIVALS] <= (1 + R1) * (1 + R2) * started  # 12 each
    assert dep.counts[core.S_REFUSED] == dep.counts[core.S_ARRIVALS]
    # per step: the calls into dep are 3 per request, the attempts on it 12
    (step,) = [i for i, sp in enumerate(nested.model.steps) if sp.component == "dep"]
    assert (1 + R1) * done <= nested.step_counts[step, core.C_FAILED] <= (1 + R1) * started


def test_amplification_counts_every_retrying_layer(nested):
    # attempts per first-pass call: inner's calls are retried r1 times; every one of those makes
    # 1 + r2 attempts on dep, so dep sees (1 + r1)(1 + r2), the figure the capacity model's
    # dependency-timeout row gives for the same design (tradeoff.capacity.failure)
    assert nested.amplification("inner") == 1 + R1
    assert nested.amplification("dep") == (1 + R1) * (1 + R2)
    assert nested.amplification("outer") == 1


# --- backoff --------------------------------------------------------------------------------

@pytest.mark.parametrize(("backoff", "waits"), [
    # base b = 100 ms (the simulator's documented base, after the AWS Builders' Library): fixed
    # waits b before each retry, exponential b x 2^k before retry k + 1
    ("fixed", 0.1 + 0.1),
    ("exponential", 0.1 + 0.2),
])
def test_backoff_spaces_the_retries(backoff, waits):
    # dep down, api retries twice then serves its fallback: every request is degraded after api's
    # own 1 ms (deterministic service) and the two waits, exactly
    d = design_with("breaker.design.yaml", "resilience: {circuit_breaker: true}",
                    f"resilience: {{retries: 2, backoff: {backoff}, fallback: serve stale}}")
    r = simulate(d, duration=20.0, seed=8, distribution="deterministic", faults=[parse_fault("dep:down", 20.0)])
    c = r.classes[0]
    n = c.outcomes[:, core.DEGRADED].sum()
    assert n == c.outcomes.sum() > 3500
    assert c.lat_sum / n == pytest.approx(1 * MS + waits, rel=1e-9)
    # three attempts each (the requests still in their backoff at the end have made fewer)
    assert 3 * n <= _station(r, "dep").counts[core.S_ARRIVALS] <= 3 * r.requests


def test_full_jitter_backoff_halves_the_waits_on_average():
    # full jitter: retry k + 1 waits U(0, b 2^k); mean 0.05 + 0.1 s, variance (0.1^2 + 0.2^2) / 12,
    # so the mean latency is 1 ms + 150 ms within K_SIGMA sqrt(0.05 / 12 / n)
    d = design_with("breaker.design.yaml", "resilience: {circuit_breaker: true}",
                    "resilience: {retries: 2, backoff: exponential_jitter, fallback: serve stale}")
    r = simulate(d, duration=20.0, seed=8, distribution="deterministic", faults=[parse_fault("dep:down", 20.0)])
    c = r.classes[0]
    n = c.outcomes[:, core.DEGRADED].sum()
    assert n == c.outcomes.sum() > 3500
    assert abs(c.lat_sum / n - (1 * MS + 0.15)) <= K_SIGMA * math.sqrt(0.05 / 12 / n)
    assert percentile(c.hist.sum(axis=0), 1.0) <= (1 * MS + 0.3) * (1 + HALF_BIN)


# --- rate limit -----------------------------------------------------------------------------

def test_rate_limit_sheds_the_excess():
    # 1000/s arrive at a token bucket of 500/s (burst 500): once the initial burst is spent
    # (1 s), exactly 500 tokens a second are handed out, so over windows 2..59 (58 s) the
    # admitted are 29,000 give or take the bucket's level at the two ends (it never holds
    # 25 tokens: that needs a 50 ms gap between arrivals at 1000/s, probability e^-50), and the
    # shed share is 1 - 29000/N with N ~ Poisson(58,000): sd 0.5 x sqrt(58000)/58000 = 0.0021
    r = simulate(design("rate_limit.design.yaml"), duration=60.0, seed=5)
    out = r.classes[0].outcomes[2:]
    admitted = out[:, core.OK].sum()
    n = out.sum()
    assert abs(admitted - 29_000) <= 25
    assert abs(out[:, core.ERR_SHED].sum() / n - 0.5) <= K_SIGMA * 0.5 * math.sqrt(n) / n
    assert out[:, core.OK].sum() + out[:, core.ERR_SHED].sum() == n
    st = r.stations[0]
    assert st.counts[core.S_SHED] == r.classes[0].outcomes[:, core.ERR_SHED].sum()
    # the first second has the full bucket's 500 tokens on top of the 500/s: at most 1000 get
    # through, and nearly all of the ~Poisson(1000) arrivals do
    first = r.classes[0].outcomes[0, core.OK]
    assert 1000 - K_SIGMA * math.sqrt(1000) <= first <= 1000


def test_without_rate_limit_nothing_is_shed():
    r = simulate(design_with("rate_limit.design.yaml", "resilience: {rate_limit: 500/s}", ""),
                 duration=20.0, seed=5)
    out = r.classes[0].outcomes.sum(axis=0)
    assert out[core.ERR_SHED] == 0 and out[core.OK] == out.sum()


# --- timeouts and fallbacks -----------------------------------------------------------------

def test_timeout_shorter_than_service_fails_every_call():
    # dep takes exactly 10 ms, api waits 5 ms for it: every call times out, every request fails
    r = simulate(design("timeout.design.yaml"), duration=30.0, seed=6, distribution="deterministic")
    out = r.classes[0].outcomes.sum(axis=0)
    assert out.sum() > 2500
    assert out[core.ERR_TIMEOUT] == out.sum()
    (step,) = [i for i, sp in enumerate(r.model.steps) if sp.component == "dep"]
    assert r.step_counts[step, core.C_TIMEOUTS] == r.step_counts[step, core.C_CALLS] == out.sum()
    # the abandoned work is still done: dep completes it for nobody
    dep = _station(r, "dep")
    assert dep.counts[core.S_ORPHANS] == dep.counts[core.S_DONE] > 0


def test_timeout_with_fallback_degrades_instead():
    r = simulate(design_with("timeout.design.yaml", "resilience: {timeout: 5 ms}",
                             "resilience: {timeout: 5 ms, fallback: serve stale}"),
                 duration=30.0, seed=6, distribution="deterministic")
    out = r.classes[0].outcomes.sum(axis=0)
    assert out[core.DEGRADED] == out.sum() > 2500
    (step,) = [i for i, sp in enumerate(r.model.steps) if sp.component == "dep"]
    assert r.step_counts[step, core.C_FALLBACK] == out.sum()
    # a degraded request takes api's 1 ms and then the 5 ms it waited: 6 ms (api is 1.25% busy,
    # so at least half the requests do not wait at all and the median is exactly 6 ms)
    assert percentile(r.classes[0].hist.sum(axis=0), 0.5) == pytest.approx(6 * MS, rel=HALF_BIN)


def test_timeout_longer_than_service_never_fires():
    # the control: a 20 ms timeout on the 10 ms calls (dep 10% busy, its waits are rare and short)
    r = simulate(design_with("timeout.design.yaml", "timeout: 5 ms", "timeout: 20 ms"),
                 duration=30.0, seed=6, distribution="deterministic")
    out = r.classes[0].outcomes.sum(axis=0)
    assert out[core.OK] == out.sum() > 2500


# --- circuit breaker ------------------------------------------------------------------------

def test_breaker_stops_calls_to_a_dead_dependency():
    # dep down for the whole 60 s at 200 calls/s. The breaker (Hystrix defaults) opens when its
    # window of 20 calls is full with >= 50% failures: after the first 20 calls (~0.1 s). Then
    # every 5 s one probe goes through (the first call after the sleep, ~5 ms later), fails and
    # re-opens it: probes near 5.1, 10.1, ..., 55.1 s, 11 of them. 20 + 11 = 31 attempts reach
    # dep, every other call is refused by the breaker.
    duration = 60.0
    r = simulate(design("breaker.design.yaml"), duration=duration, seed=7,
                 faults=[parse_fault("dep:down", duration)])
    out = r.classes[0].outcomes.sum(axis=0)
    dep = _station(r, "dep")
    assert dep.counts[core.S_ARRIVALS] == 20 + 11
    assert out[core.ERR_DOWN] == 20 + 11
    assert out[core.ERR_BREAKER] == out.sum() - 31
    (step,) = [i for i, sp in enumerate(r.model.steps) if sp.component == "dep"]
    assert r.step_counts[step, core.C_BREAKER] == out[core.ERR_BREAKER]


def test_without_breaker_every_call_reaches_the_dead_dependency():
    duration = 60.0
    r = simulate(design_with("breaker.design.yaml", "circuit_breaker: true", "circuit_breaker: false"),
                 duration=duration, seed=7, faults=[parse_fault("dep:down", duration)])
    out = r.classes[0].outcomes.sum(axis=0)
    assert _station(r, "dep").counts[core.S_ARRIVALS] == out.sum() > 11_000
    assert out[core.ERR_DOWN] == out.sum()


def test_breaker_closes_again_after_the_dependency_recovers():
    # dep down 0-10 s: the breaker opens at ~0.1 s, probes fail at ~5.1 s, and the probe at
    # ~10.1 s finds dep up and closes it; from then on every call succeeds
    duration = 30.0
    r = simulate(design("breaker.design.yaml"), duration=duration, seed=7, window=1.0,
                 faults=[parse_fault("dep:down@0s-10s", duration)])
    out = r.classes[0].outcomes
    assert out[11:, core.OK].sum() == out[11:].sum() > 3500
    assert out[:10, core.OK].sum() == 0
    assert out[:, core.ERR_DOWN].sum() == 20 + 1  # the first 20 and the probe at ~5.1 s

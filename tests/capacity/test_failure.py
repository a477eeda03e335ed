"""Failure cases: replica loss, zone loss and a dependency that stops answering, worked by hand.

The fixtures' comments give the 1x figures; every expected number below is worked from them.
"""

from pathlib import Path

import pytest

from tradeoff.capacity.failure import (
    ABSORBS, BACKOFF_BASE, CASCADE, DEGRADES, DELAYED, FAILS, HOLDS, HOT, LOST, NO_TIMEOUT_WAIT,
    OUTAGE, SATURATES, SURVIVES, UNKNOWN, _waits, failure_cases,
)
from tradeoff.capacity.model import build
from tradeoff.examples import resolve
from tradeoff.io.load import load_design, load_design_text
from tradeoff.model.design import Backoff

FIXTURES = Path(__file__).parent / "fixtures"


def model_of(name: str):
    return build(load_design(FIXTURES / f"{name}.design.yaml"))


@pytest.fixture(scope="module")
def chain():
    return failure_cases(model_of("failure_chain"))


@pytest.fixture(scope="module")
def leader():
    return failure_cases(model_of("failure_leader"))


@pytest.fixture(scope="module")
def shortener():
    return failure_cases(build(load_design(resolve("url-shortener"))))


def by(items, key="component"):
    return {getattr(i, key): i for i in items}


def dep(report, caller, callee):
    return next(d for d in report.dependency_timeout if (d.caller, d.callee) == (caller, callee))


# --- replica lost ----------------------------------------------------------------------------

def test_three_replicas_at_60_percent_lose_one(chain):
    # c: 1000/s x 180 ms / (3 x 100) = 60%; two replicas carry it: 60% x 3/2 = 90%, above the 70% ceiling
    c = by(chain.replica_lost)["c"]
    assert c.before == pytest.approx(0.60) and c.after == pytest.approx(0.90)
    assert c.verdict == HOT
    assert c.arithmetic == "3 replicas -> 2: compute: 60% x 3/2 = 90%"


def test_six_replicas_at_50_percent_lose_one(chain):
    # b: 1000/s x 30 ms / (6 x 10) = 50%; 50% x 6/5 = 60%, under the ceiling
    b = by(chain.replica_lost)["b"]
    assert b.after == pytest.approx(0.60) and b.verdict == ABSORBS


def test_single_replica_is_an_outage(chain):
    d = by(chain.replica_lost)["d"]
    assert d.after is None and d.verdict == OUTAGE


def test_load_multiplier_scales_before_and_after():
    # at 2x, b runs at 100% before and 100% x 6/5 = 120% after
    b = by(failure_cases(model_of("failure_chain"), m=2.0).replica_lost)["b"]
    assert b.before == pytest.approx(1.0) and b.after == pytest.approx(1.2)
    assert b.verdict == SATURATES


def test_single_leader_reads_spread_writes_stay_on_the_primary(leader):
    # db: reads 900 / (3 x 1000) = 30%, writes 100 / 1000 = 10% (one primary): 40% busiest node.
    # Two replicas left: 30% x 3/2 + 10% = 55% (the primary's loss is a failover)
    db = by(leader.replica_lost)["db"]
    assert db.before == pytest.approx(0.40) and db.after == pytest.approx(0.55)
    assert "reads 30% x 3/2 + writes 10% on 1 primary = 55%" in db.arithmetic
    assert "failover" in db.note


def test_sharded_load_stays_on_the_shard(leader):
    # cache: 8 nodes, 4 shards x 2 copies at 9%; a shard down to one copy runs at 9% x 2/1 = 18%
    # (spread over all survivors it would have been 9% x 8/7 = 10.3%)
    cache = by(leader.replica_lost)["cache"]
    assert cache.before == pytest.approx(0.09) and cache.after == pytest.approx(0.18)
    # sessions: 2 shards on one copy each; losing a node loses a shard
    sessions = by(leader.replica_lost)["sessions"]
    assert sessions.verdict == OUTAGE and "one of 2 shards" in sessions.arithmetic


# --- zone lost -------------------------------------------------------------------------------

def test_six_replicas_in_three_zones_at_50_percent_lose_a_zone(chain):
    # the worst zone holds ceil(6/3) = 2 replicas; 50% x 6/4 = 75%
    b = by(chain.zone_lost)["b"]
    assert (b.lost, b.after, b.verdict) == (2, pytest.approx(0.75), HOT)
    assert b.arithmetic == "6 replicas over 3 zones -> 4 (2 in the lost zone): compute: 50% x 6/4 = 75%"


def test_zones_not_stated(chain):
    zl = by(chain.zone_lost)
    assert zl["a"].verdict == UNKNOWN and zl["a"].after is None  # 4 replicas, zones unset: not judged
    assert zl["d"].verdict == OUTAGE  # one replica, zones unset: its zone takes it


def test_zone_outcomes_per_use_case(chain, leader):
    assert [(o.use_case, o.verdict, o.because) for o in chain.zone_outcomes] == [("get", LOST, ["d"])]
    # leader: reads survive (db 55%, cache 18%); writes lose the sessions shard in the lost zone
    out = by(leader.zone_outcomes, "use_case")
    assert out["read"].verdict == SURVIVES
    assert (out["write"].verdict, out["write"].because) == (LOST, ["sessions"])


# --- a dependency stops answering ------------------------------------------------------------

def test_backoff_constants():
    # exponential: 100 ms then 200 ms; full jitter waits half of each on average
    assert BACKOFF_BASE == 0.1
    assert _waits(2, Backoff.exponential) == pytest.approx([0.1, 0.2])
    assert _waits(2, Backoff.exponential_jitter) == pytest.approx([0.05, 0.1])
    assert _waits(2, Backoff.none) == []


def test_three_retrying_layers_send_27_attempts(chain):
    # a, b and c each try 3 times (2 retries): 3 x 3 x 3 = 27 attempts reach d per request
    # (the SRE book's cascading-failures example); at 1000/s that is 27,000/s on d.
    cd = dep(chain, "c", "d")
    row = cd.rows[1]
    assert row.policy == "no backoff, no breaker"
    assert row.amplification == pytest.approx(27) and row.offered == pytest.approx(27_000)
    assert cd.retry_layers == ["a", "b", "c"]
    assert any("3 layers retry" in n for n in cd.notes)  # at the retry_layers threshold (3)
    # c receives 1000 x 3 x 3 = 9000/s and holds each for 3 x 50 ms = 150 ms:
    # Little's law 9000 x 0.15 = 1350 busy over 3 x 100 servers = 450%, + its own 60% = 510%
    assert row.hold == pytest.approx(0.15) and row.held == pytest.approx(1350)
    assert row.utilisation == pytest.approx(4.5) and row.total == pytest.approx(5.1)
    assert row.verdict == CASCADE


def test_breaker_fails_fast_and_fallback_degrades(chain):
    cd = dep(chain, "c", "d")
    design = cd.design
    assert design.policy == "design: 2 retries, breaker"
    assert (design.attempts, design.offered, design.hold, design.held) == (0, 0.0, 0.0, 0.0)
    assert design.total == pytest.approx(0.60) and design.verdict == HOLDS  # c keeps only its own work
    assert [r.policy for r in cd.rows][1:] == [
        "no backoff, no breaker", "backoff (exponential_jitter), no breaker", "breaker"]
    assert cd.outcome == {"get": DEGRADES} and cd.fallback == "serve a default"


def test_littles_law_with_exponential_backoff(chain):
    # a -> b: 1000/s x (3 x 100 ms + 0.1 + 0.2 s backoff) = 1000 x 0.6 s = 600 busy;
    # over 4 x 100 servers = 150% (+ a's own 0.25%): a cascades. Without backoff: 3 x 100 ms
    # = 0.3 s, 300 busy = 75% + 0.25%: hot but serving.
    ab = dep(chain, "a", "b")
    design, plain = ab.rows[0], ab.rows[1]
    assert design.policy == "design: 2 retries, exponential backoff, no breaker"
    assert design.hold == pytest.approx(0.6) and design.held == pytest.approx(600)
    assert design.total == pytest.approx(1.5025) and design.verdict == CASCADE
    assert plain.hold == pytest.approx(0.3) and plain.total == pytest.approx(0.7525) and plain.verdict == HOT
    # backoff spreads the retries, but every one still arrives
    assert design.amplification == plain.amplification == pytest.approx(3)
    assert "3 x 100 ms + backoff 100 ms + 200 ms = 600 ms" in design.arithmetic
    assert ab.outcome == {"get": FAILS}


def test_full_jitter_halves_the_wait(chain):
    # b -> c: 3 x 100 ms + (50 + 100 ms) = 450 ms; b receives 1000 x 3 (a's attempts) = 3000/s;
    # 3000 x 0.45 = 1350 busy over 6 x 10 servers
    bc = dep(chain, "b", "c")
    row = bc.design
    assert row.hold == pytest.approx(0.45) and row.held == pytest.approx(1350)
    assert row.amplification == pytest.approx(9)  # a x b: 3 x 3
    assert row.utilisation == pytest.approx(22.5)


def test_no_timeout_holds_connections_until_the_client_gives_up(chain):
    # lb has no timeout: 1000/s x 30 s = 30,000 connections held of 2 x 20K = 75%
    la = dep(chain, "lb", "a")
    assert la.timeout == NO_TIMEOUT_WAIT and la.timeout_from == "none"
    assert any(n.startswith("no timeout: lb's threads held until the client gives up") for n in la.notes)
    assert la.unit == "connections" and la.servers == 40_000
    assert la.design.held == pytest.approx(30_000) and la.design.utilisation == pytest.approx(0.75)


def test_cache_aside_the_service_waits_on_the_store(leader):
    # read-item is client -> svc -> cache -> db: after a miss svc calls db, not the cache
    pairs = [(d.caller, d.callee) for d in leader.dependency_timeout]
    assert pairs == [("svc", "cache"), ("svc", "db"), ("svc", "sessions")]
    sd = dep(leader, "svc", "db")
    # 1800/s x 50% misses = 900/s reads + 100/s writes, each held 20 ms: 1000 x 0.02 = 20 busy of 200
    rates = {leg.use_case: leg.rate for leg in sd.legs}
    assert rates == {"read": pytest.approx(900), "write": pytest.approx(100)}
    assert sd.design.held == pytest.approx(20) and sd.design.utilisation == pytest.approx(0.1)


def test_read_through_cache_calls_the_store_itself():
    text = (FIXTURES / "failure_leader.design.yaml").read_text()
    text += "deep_dives:\n  caching: {policy: through}\n"
    report = failure_cases(build(load_design_text(text, "through.yaml")))
    assert ("cache", "db") in [(d.caller, d.callee) for d in report.dependency_timeout]


# --- the bundled url shortener ---------------------------------------------------------------

def test_url_shortener_survives_a_zone(shortener):
    out = by(shortener.zone_outcomes, "use_case")
    assert {uc: o.verdict for uc, o in out.items()} == {"shorten": SURVIVES, "redirect": SURVIVES,
                                                        "view-stats": SURVIVES}
    # stats-store holds 55% of its disks; a third of its 6 nodes gone: 55% x 6/4 = 82%, hot
    assert out["view-stats"].because == ["stats-store"]
    assert by(shortener.zone_lost)["stats-store"].verdict == HOT


def test_url_shortener_threat_check(shortener):
    # the external call's own 150 ms timeout, 3 attempts (2 retries), and a fallback
    sb = dep(shortener, "shortener-service", "safe-browsing")
    assert sb.timeout == pytest.approx(0.150) and sb.timeout_from.startswith("external call threat-check")
    assert sb.rows[1].amplification == pytest.approx(3)
    assert sb.outcome == {"shorten": DEGRADES}


def test_url_shortener_redirect_store_outage(shortener):
    # redirects reaching the store: 100M/day x 10 / 86,400 s x 3 (peak) = 34,722/s, x 0.7 past the
    # local cache x 0.15 past Redis = 3,646/s. Without a breaker: 2 attempts x 30 ms + 50 ms jitter
    # = 110 ms; 3,646 x 0.11 = 401 busy of 12 x 16 = 192 servers: the redirect service cascades.
    rs = dep(shortener, "redirect-service", "url-store")
    assert sum(leg.rate for leg in rs.legs) == pytest.approx(3645.83, rel=1e-4)
    assert rs.design.verdict == HOLDS  # the design's breaker
    jitter = rs.rows[2]
    assert jitter.hold == pytest.approx(0.11) and jitter.held == pytest.approx(401.04, rel=1e-4)
    assert jitter.verdict == CASCADE
    # no leg has a cache as its caller: Redis does not call DynamoDB
    assert all(d.caller not in {"url-cache", "redirect-local-cache"} for d in shortener.dependency_timeout)


def test_url_shortener_archiver_without_breaker_is_behind_the_stream(shortener):
    # 11 attempts x 10 s plus 10 backoff waits: the archiver saturates, but only click archiving lags
    ar = dep(shortener, "click-archiver", "click-archive")
    assert ar.design.verdict == CASCADE and ar.design.amplification == pytest.approx(11)
    assert ar.outcome == {"redirect": DELAYED}


def test_every_figure_has_its_arithmetic(shortener):
    rows = [r for d in shortener.dependency_timeout for r in d.rows]
    assert rows and all(r.arithmetic for r in rows)
    assert all(z.arithmetic for z in shortener.zone_lost) and all(r.arithmetic for r in shortener.replica_lost)

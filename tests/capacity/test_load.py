"""Visit ratios and arrival rates per component, against rates worked out by hand."""

import textwrap
from importlib import resources

import pytest

from tradeoff.capacity.model import build
from tradeoff.io.load import load_design_text


def demand_of(text: str):
    return build(load_design_text(text, "x.yaml")).demand


def design(components: str, flows: str, traffic: str = "- {use_case: get, operation: read, rate: 1000/s}",
           extra: str = "", peak: str = "1", use_cases: str = "- {id: get, name: read an item}") -> str:
    """A tiny design: the given use cases, traffic, components and architecture lists."""
    def indent(block: str, n: int) -> str:
        return textwrap.indent(textwrap.dedent(block).strip(), " " * n)

    return f"""\
name: load
requirements:
  use_cases:
{indent(use_cases, 4)}
estimates:
  peak_multiplier: {peak}
  traffic:
{indent(traffic, 4)}
architecture:
  components:
    - {{id: client, kind: client}}
{indent(components, 4)}
{indent(flows, 2)}
{indent(extra, 2) if extra else ""}
"""


def peak(dem, cid: str) -> float:
    return dem.components[cid].peak


# --- caches thin the traffic behind them ----------------------------------------------------

def test_cache_thinning():
    dem = demand_of(design(
        """
        - {id: svc, kind: service}
        - {id: cache, kind: cache, hit_ratio: 90%}
        - {id: store, kind: data_store, storage: key_value}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, svc, cache, store]}
        """))
    # 1000/s reach the service and the cache; only the 10% of misses reach the store
    assert peak(dem, "svc") == pytest.approx(1000.0)
    assert peak(dem, "cache") == pytest.approx(1000.0)
    assert peak(dem, "store") == pytest.approx(100.0)
    assert dem.use_cases["get"].visits["store"] == pytest.approx(0.1)


def test_two_cache_tiers():
    dem = demand_of(design(
        """
        - {id: svc, kind: service}
        - {id: lru, kind: cache, cache_layer: local, hit_ratio: 30%}
        - {id: redis, kind: cache, cache_layer: app, hit_ratio: 85%}
        - {id: store, kind: data_store, storage: key_value}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, svc, lru, redis, store]}
        """))
    # 70% miss the local tier, 15% of those miss Redis: 0.7 x 0.15 = 0.105 -> 105/s
    assert peak(dem, "redis") == pytest.approx(700.0)
    assert dem.use_cases["get"].visits["store"] == pytest.approx(0.105)
    assert peak(dem, "store") == pytest.approx(105.0)


# --- fan-out and shares ---------------------------------------------------------------------

def test_fan_out_calls_multiply():
    dem = demand_of(design(
        """
        - {id: svc, kind: service}
        - {id: shard, kind: data_store, storage: key_value}
        - {id: blob, kind: data_store, storage: object_store}
        """,
        """
        read_paths:
          - id: get
            use_case: get
            hops: [client, svc, {component: shard, calls: 3}, {component: blob, calls: 2}]
        """))
    # 3 shard reads per request, each making 2 blob reads: 3000/s and 6000/s
    assert peak(dem, "shard") == pytest.approx(3000.0)
    assert peak(dem, "blob") == pytest.approx(6000.0)


def test_branch_flow_anchored_at_a_service():
    dem = demand_of(design(
        """
        - {id: gw, kind: api_gateway}
        - {id: api, kind: service}
        - {id: users, kind: data_store, storage: relational}
        - {id: search, kind: data_store, storage: search}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, gw, {component: api, calls: 2}, users]}
          - {id: get-search, use_case: get, hops: [api, {component: search, calls: 0.5}]}
        """))
    # the gateway calls the API twice per request (2000/s); the second flow starts at the API,
    # so it is anchored at the API's 2 visits: search gets 2 x 0.5 = 1 visit -> 1000/s
    assert peak(dem, "api") == pytest.approx(2000.0)  # the shared prefix counts once, not twice
    assert peak(dem, "users") == pytest.approx(2000.0)
    assert peak(dem, "search") == pytest.approx(1000.0)


# --- async legs and third parties -----------------------------------------------------------

ASYNC = design(
    """
    - {id: api, kind: service}
    - {id: events, kind: queue}
    - {id: indexer, kind: worker}
    - {id: index, kind: data_store, storage: search}
    """,
    """
    write_paths:
      - {id: post, use_case: post, hops: [client, api]}
      - {id: index-post, use_case: post, hops: [indexer, index]}
    """,
    traffic="- {use_case: post, operation: write, rate: 1000/s}",
    use_cases="- {id: post, name: post an item}",
    extra="""
    async_edges:
      - {id: notify, use_case: post, producer: api, via: events, consumers: [indexer], ratio: 0.01}
    """)


def test_async_edge_ratio_and_consumer_flow():
    dem = demand_of(ASYNC)
    # 1000/s at the API, 1 message per 100 requests: 10/s through the queue to the worker,
    # and the worker's own flow starts at its 10/s, not at the use case's 1000/s
    assert peak(dem, "api") == pytest.approx(1000.0)
    assert peak(dem, "events") == pytest.approx(10.0)
    assert peak(dem, "indexer") == pytest.approx(10.0)
    assert peak(dem, "index") == pytest.approx(10.0)
    legs = {(e.caller, e.callee): e for e in dem.edges}
    assert legs[("api", "events")].visits == pytest.approx(0.01)
    assert not legs[("api", "events")].sync
    assert legs[("indexer", "index")].visits == pytest.approx(0.01)


def test_external_call_share():
    dem = demand_of(design(
        """
        - {id: api, kind: service}
        - {id: threat, kind: external}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, api]}
        """,
        extra="""
        external_calls:
          - {id: check, use_case: get, caller: api, external: threat, calls: 0.005}
        """))
    # 1000/s at the API x 0.005 = 5 calls/s to the third party
    assert peak(dem, "threat") == pytest.approx(5.0)
    leg = next(e for e in dem.edges if e.callee == "threat")
    assert leg.sync and leg.visits == pytest.approx(0.005)


# --- average and peak; reads and writes -----------------------------------------------------

def test_average_and_peak():
    dem = demand_of(design(
        """
        - {id: svc, kind: service}
        - {id: cache, kind: cache, hit_ratio: 90%}
        - {id: store, kind: data_store, storage: key_value}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, svc, cache, store]}
        """, peak="3"))
    # 1000/s on average, 3x at peak; the store sees 10% of each: 100/s and 300/s
    svc, store = dem.components["svc"], dem.components["store"]
    assert svc.avg == pytest.approx(1000.0)
    assert svc.peak == pytest.approx(3000.0)
    assert store.avg == pytest.approx(100.0)
    assert store.peak == pytest.approx(300.0)
    assert dem.use_cases["get"].avg == pytest.approx(1000.0)
    assert dem.use_cases["get"].peak == pytest.approx(3000.0)


def test_reads_and_writes_split():
    dem = demand_of(design(
        """
        - {id: api, kind: service}
        - {id: db, kind: data_store, storage: relational}
        """,
        """
        read_paths:
          - {id: get, use_case: get, hops: [client, api, db]}
        write_paths:
          - {id: put, use_case: put, hops: [client, api, {component: db, calls: 2}]}
        """,
        traffic="""
        - {use_case: get, operation: read, rate: 900/s}
        - {use_case: put, operation: write, rate: 100/s}
        """,
        use_cases="""
        - {id: get, name: read an item}
        - {id: put, name: write an item}
        """))
    api, db = dem.components["api"], dem.components["db"]
    # reads 900/s; writes 100/s at the API and 2 x 100 = 200/s at the database
    assert api.reads_peak == pytest.approx(900.0)
    assert api.writes_peak == pytest.approx(100.0)
    assert db.reads_peak == pytest.approx(900.0)
    assert db.writes_peak == pytest.approx(200.0)
    assert db.by_use_case == pytest.approx({"get": 900.0, "put": 200.0})
    assert not dem.use_cases["get"].write and dem.use_cases["put"].write


# --- the bundled URL shortener --------------------------------------------------------------

def test_url_shortener_store_reads():
    text = resources.files("tradeoff.examples").joinpath("url-shortener.design.yaml").read_text()
    model = build(load_design_text(text, "url-shortener.design.yaml"))
    redirect_peak = model.est.value("redirect.qps.peak")
    # 100M shortens/day / 86,400 s = 1,157.41/s; 10 redirects each = 11,574.07/s; peak 3x = 34,722.2/s
    assert redirect_peak == pytest.approx(34_722.2, rel=1e-5)
    store = model.demand.components["url-store"]
    # redirects pass the in-process LRU (30% hit) and Redis (85% hit): 0.7 x 0.15 = 0.105 of them
    assert store.by_use_case["redirect"] == pytest.approx(redirect_peak * 0.7 * 0.15, rel=1e-9)
    assert store.reads_peak == pytest.approx(3_645.83, rel=1e-5)  # 34,722.2 x 0.105
    # every shorten is one conditional write: 1,157.41 x 3 = 3,472.2 writes/s
    assert store.writes_peak == pytest.approx(3_472.22, rel=1e-5)

"""Single points of failure and choke points: tiny fixtures worked by hand, and the bundled examples."""

from pathlib import Path

import pytest

from tradeoff.capacity.model import build
from tradeoff.capacity.spof import (
    ARTICULATION, ONE_REPLICA, ONE_ZONE, STATEFUL, choke_points, reach, single_points,
)
from tradeoff.examples import resolve
from tradeoff.io.load import load_design

FIXTURES = Path(__file__).parent / "fixtures"


def model_of(name: str):
    return build(load_design(FIXTURES / f"{name}.design.yaml"))


def example(name: str):
    return build(load_design(resolve(name)))


@pytest.fixture(scope="module")
def single_db():
    return model_of("spof_single_db")


def test_single_db_findings_in_design_order(single_db):
    # client -> dns -> lb -> api -> cache -> db, api -> jobs -> worker -> mailer:
    # api (1 replica) is a cut vertex; cache's 2 replicas share one zone; db holds state on 1 replica.
    spofs = single_points(single_db)
    assert [s.component for s in spofs] == ["api", "cache", "db"]
    by = {s.component: s for s in spofs}
    assert by["api"].kinds == [ARTICULATION]
    assert by["api"].reasons == ["every path through api, one replica"]
    assert by["cache"].kinds == [ONE_ZONE]
    assert by["db"].kinds == [STATEFUL]  # a leaf: no cut vertex, but one copy of the data
    assert all(s.impact == ["get"] for s in spofs)


def test_not_ours_is_never_a_finding(single_db):
    # dns is a single-replica cut vertex (client - dns - lb) and mailer a single-replica leaf
    ids = {s.component for s in single_points(single_db)} | {c.component for c in choke_points(single_db)}
    assert not ids & {"client", "dns", "mailer"}


def test_choke_points(single_db):
    # cut vertices with several replicas; cache is one too but its one zone makes it a SPOF instead
    chokes = choke_points(single_db)
    assert [c.component for c in chokes] == ["lb", "jobs", "worker"]
    by = {c.component: c for c in chokes}
    assert (by["lb"].replicas, by["lb"].zones, by["lb"].impact) == (2, 2, ["get"])
    assert by["worker"].zones is None and "zones not stated" in by["worker"].reason
    # the worker sits behind the queue: its loss delays `get` rather than stopping it
    assert by["worker"].impact == [] and by["worker"].delayed == ["get"]


def test_reach_splits_sync_from_behind_a_queue(single_db):
    r = reach(single_db)["get"]
    assert r.sync == {"client", "dns", "lb", "api", "cache", "db"}
    assert r.delayed == {"jobs", "worker", "mailer"}


def test_one_replica_off_the_cut_vertices():
    # solo and pair both join lb to store, so neither is a cut vertex; solo still has one replica
    # and every `post` waits on it. store's three replicas share one zone.
    m = model_of("spof_parallel")
    spofs = single_points(m)
    assert [(s.component, s.kinds, s.impact) for s in spofs] == [
        ("solo", [ONE_REPLICA], ["post"]),
        ("store", [ONE_ZONE], ["get", "post"]),
    ]
    assert [c.component for c in choke_points(m)] == ["lb"]


@pytest.mark.parametrize("name", ["url-shortener", "news-feed", "chat"])
def test_bundled_examples_have_no_spof_of_their_own(name):
    # every component of ours has several replicas over three zones
    assert single_points(example(name)) == []


def test_url_shortener_choke_points():
    chokes = {c.component: c for c in choke_points(example("url-shortener"))}
    # every request crosses the balancer; every shorten the shortener; every click event the stream
    assert {"lb", "shortener-service", "click-stream", "click-archiver"} <= set(chokes)
    assert chokes["lb"].impact == ["shorten", "redirect", "view-stats"] and chokes["lb"].zones == 3
    assert chokes["shortener-service"].impact == ["shorten"]
    assert chokes["click-stream"].impact == [] and "redirect" in chokes["click-stream"].delayed
    # redirect-service is bypassed in the graph by the shortener's path to the store
    assert "redirect-service" not in chokes


def test_url_shortener_with_one_link_store_replica():
    design = load_design(resolve("url-shortener"))
    design.architecture.component("url-store").replicas = 1
    spofs = {s.component: s for s in single_points(build(design))}
    assert list(spofs) == ["url-store"]
    assert spofs["url-store"].kinds == [STATEFUL]
    assert spofs["url-store"].impact == ["shorten", "redirect"]

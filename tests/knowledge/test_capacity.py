"""Per-node capacity figures: complete, sourced, self-consistent, and overridable with errors at file:line."""

import pytest

from tradeoff.errors import DesignErrors
from tradeoff.knowledge.capacity import default_capacity, parse_capacity, with_overrides
from tradeoff.knowledge.options import knowledge_base


def test_every_entry_has_a_source_and_a_rate():
    table = default_capacity()
    for key, node in table.capacity.items():
        assert node.rationale.strip() and node.source.strip(), key
        assert node.ops_per_second or node.reads_per_second or node.writes_per_second, key


def test_stateful_and_edge_options_have_figures():
    keys = set(default_capacity().capacity)
    needed = {"relational", "document", "wide_column", "key_value", "graph", "search", "time_series",
              "object_store", "app_cache", "local_cache", "queue", "event_stream", "l4", "l7",
              "api_gateway", "service_mesh", "consensus", "websocket", "service", "worker"}
    assert needed <= keys
    options = {o.id for o in knowledge_base().options}
    assert keys - {"service", "worker"} <= options  # keys are option ids or component kinds


def test_concurrency_over_service_time_is_the_top_rate():
    # Little's law at saturation: throughput = servers / service time
    for key, node in default_capacity().capacity.items():
        if node.service_time is None or node.concurrency is None:
            continue
        top = max(x for x in (node.ops_per_second, node.reads_per_second, node.writes_per_second) if x)
        assert node.concurrency / node.service_time.seconds() == pytest.approx(top, rel=0.01), key


def test_figures_match_their_cited_sources():
    t = default_capacity().capacity
    # Amazon DynamoDB: a partition serves 3,000 RCU and 1,000 WCU and holds 10 GB
    assert (t["key_value"].reads_per_second, t["key_value"].writes_per_second, t["key_value"].storage) == (3000, 1000, 10e9)
    # Amazon S3: 5,500 GET and 3,500 PUT per second per prefix
    assert (t["object_store"].reads_per_second, t["object_store"].writes_per_second) == (5500, 3500)
    # etcd: space quota recommended at most 8 GB
    assert t["consensus"].storage == 8e9


def test_user_override_applies_and_is_marked(tmp_path):
    f = tmp_path / "k.yaml"
    f.write_text("capacity:\n  relational: {writes_per_second: 8K}\n")
    t = with_overrides(default_capacity(), f)
    assert t.capacity["relational"].writes_per_second == 8000
    assert t.capacity["relational"].overridden
    assert t.capacity["relational"].reads_per_second == 10_000  # untouched figures stay
    assert not t.capacity["document"].overridden


@pytest.mark.parametrize("text, where, words", [
    ("capacity:\n  relationl: {writes_per_second: 8K}\n", (2, 3), "did you mean 'relational'"),
    ("capacity:\n  queue: {ops_per_second: lots}\n", (2, 27), "K, M, B"),
    ("capacity:\n  queue: {opz_per_second: 1}\n", (2, 11), ""),
    ("capacities:\n  queue: {}\n", (1, 1), "capacity: {KEY"),
    ("capacity: [1, 2\n", (1, 11), ""),
])
def test_malformed_override_points_at_file_line(tmp_path, text, where, words):
    f = tmp_path / "k.yaml"
    f.write_text(text)
    with pytest.raises(DesignErrors) as exc:
        with_overrides(default_capacity(), f)
    err = exc.value.errors[0]
    assert err.position[:] == (str(f), *where), err.render()
    assert words in err.render()


def test_malformed_shipped_table_is_rejected():
    with pytest.raises(DesignErrors):
        parse_capacity("capacity:\n  relational: {writes_per_second: 5K}\n", "c.yaml")  # no rationale/source

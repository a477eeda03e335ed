"""HLD rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import findings, fires, silent

HEAD = """
name: t
requirements:
  use_cases:
    - {id: post, name: Post}
    - {id: view, name: View}
  users: {dau: 1M}
estimates:
  traffic:
    - {use_case: post, operation: write, requests_per_user_per_day: 1, request_size: 1 KB}
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
"""
COMPONENTS = """architecture:
  components:
    - {id: client, kind: client}
    - {id: lb, kind: load_balancer, layer: L7}
    - {id: svc, kind: service, responsibility: posts and feeds}
    - {id: cache, kind: cache, holds: recent posts}
    - {id: db, kind: data_store, storage: relational, technology: PostgreSQL, holds: posts}
"""
READ = """  read_paths:
    - {id: r, use_case: view, hops: [client, lb, svc, cache, db], narration: read through the cache}
"""
WRITE = """  write_paths:
    - {id: w, use_case: post, hops: [client, lb, svc, db], narration: insert the post}
"""
TAIL = """  check_in: Reads go through the cache, writes to the primary. Makes sense?
  interesting_challenges: [hot keys]
"""
BASE = HEAD + COMPONENTS + READ + WRITE + TAIL

ALL = [f"HLD-{i:03d}" for i in range(1, 26)]


def with_component(text: str, line: str) -> str:
    return text.replace("  read_paths:", f"    - {line}\n  read_paths:", 1)


def test_base_is_clean():
    for code in ALL:
        silent(BASE, code)


def test_hld_001_no_architecture():
    f = fires(HEAD, "HLD-001")
    assert f[0].severity == "info" and f[0].line == 2  # the design root (line 1 is blank)
    f = fires(HEAD + "architecture:\n  check_in: ok?\n", "HLD-001")
    assert f[0].severity == "warning" and "no components" in f[0].message


def test_hld_002_no_client():
    no_client = HEAD + """architecture:
  components:
    - {id: svc, kind: service, responsibility: posts}
    - {id: db, kind: data_store, storage: relational, holds: posts}
"""
    f = fires(no_client, "HLD-002")
    assert "none of the 2 components" in f[0].message and f[0].pointer == "architecture.components"


def test_hld_003_no_paths():
    f = fires(HEAD + COMPONENTS, "HLD-003")
    assert "5 components" in f[0].message
    silent(HEAD + COMPONENTS + WRITE, "HLD-003")


def test_hld_004_005_read_and_write_paths():
    f = fires(HEAD + COMPONENTS + WRITE, "HLD-004")
    assert "view is a read" in f[0].message
    f = fires(HEAD + COMPONENTS + READ, "HLD-005")
    assert "post is a write" in f[0].message
    silent(HEAD + COMPONENTS, "HLD-004")  # no paths at all: HLD-003
    silent(HEAD + COMPONENTS, "HLD-005")
    # an out-of-scope write needs no write path
    oos = (HEAD + COMPONENTS + READ).replace("{id: post, name: Post}",
                                              "{id: post, name: Post, priority: out_of_scope, why: later}")
    silent(oos, "HLD-005")


def test_hld_006_flow_not_from_client():
    branch = "    - {id: r2, use_case: view, hops: [svc, db], narration: miss}\n"
    # svc is reached from the client by r (same use case): a branch may start there
    silent(BASE.replace("  write_paths:", branch + "  write_paths:"), "HLD-006")
    orphan = BASE.replace("hops: [client, lb, svc, cache, db]", "hops: [svc, cache, db]")
    f = fires(orphan, "HLD-006")
    assert f[0].element == "r" and "starts at svc" in f[0].message
    # an async consumer may start a path of the async edge's use case
    worker = with_component(BASE, "{id: wk, kind: worker, responsibility: index}")
    worker = with_component(worker, "{id: q, kind: queue, holds: jobs}")
    leg = worker.replace("  check_in:", "    - {id: w2, use_case: post, hops: [wk, db], narration: index}\n"
                                        "  async_edges: [{id: a, use_case: post, producer: svc, via: q, "
                                        "consumers: [wk]}]\n  check_in:")
    silent(leg, "HLD-006")
    f = fires(leg.replace("use_case: post, producer", "use_case: view, producer"), "HLD-006")
    assert [x.element for x in f] == ["w2"]


def test_hld_007_flow_goes_outward():
    f = fires(BASE.replace("hops: [client, lb, svc, db]", "hops: [client, lb, svc, db, svc]"), "HLD-007")
    assert "db (data) -> svc (service)" in f[0].message and f[0].element == "w"
    fires(BASE.replace("hops: [client, lb, svc, db]", "hops: [client, lb, svc, lb]"), "HLD-007")
    # a push back to the client moves only outward: allowed
    push = BASE.replace("  write_paths:\n", "  write_paths:\n    - {id: p, use_case: post, hops: [svc, lb, client], "
                                            "narration: push}\n")
    silent(push, "HLD-007")
    # a consumer reading a queue is not a hop outward
    q = with_component(BASE, "{id: q, kind: queue, holds: jobs}").replace(
        "hops: [client, lb, svc, db]", "hops: [client, lb, svc, q, svc, db]")
    silent(q, "HLD-007")


def test_hld_008_flow_ends_at_edge():
    f = fires(BASE.replace("hops: [client, lb, svc, db]", "hops: [client, lb]"), "HLD-008")
    assert "ends at lb, a load_balancer" in f[0].message
    cdn = with_component(BASE, "{id: cdn, kind: cdn}").replace("hops: [client, lb, svc, cache, db]",
                                                                "hops: [client, cdn]")
    silent(cdn, "HLD-008")  # a CDN answers itself


def test_hld_009_client_to_store():
    f = fires(BASE.replace("hops: [client, lb, svc, db]", "hops: [client, db]"), "HLD-009")
    assert "straight to db, a data_store" in f[0].message
    blobs = with_component(BASE, "{id: s3, kind: data_store, storage: object_store, holds: images}")
    blobs = blobs.replace("  write_paths:\n", "  write_paths:\n    - {id: up, use_case: post, hops: [client, s3], "
                                              "narration: presigned upload}\n")
    silent(blobs, "HLD-009")


def test_hld_010_flow_without_narration():
    f = fires(BASE.replace(", narration: insert the post", ""), "HLD-010")
    assert f[0].severity == "info" and "write path 'w'" in f[0].message


def test_hld_011_path_without_use_case():
    f = fires(BASE.replace("{id: w, use_case: post, ", "{id: w, "), "HLD-011")
    assert f[0].element == "w"
    q = with_component(BASE, "{id: q, kind: queue, holds: jobs}").replace(
        "  check_in:", "  async_edges: [{id: a, producer: svc, via: q, consumers: [svc]}]\n  check_in:")
    assert [x.element for x in fires(q, "HLD-011")] == ["a"]


def test_hld_012_paths_of_other_kind():
    swapped = HEAD + COMPONENTS + READ.replace("use_case: view", "use_case: post") + \
        WRITE.replace("use_case: post", "use_case: view") + TAIL
    f = fires(swapped, "HLD-012")
    assert {x.element for x in f} == {"r", "w"} and "'post' is a write" in f[0].message
    # a write with an extra read path (loading a form) is fine while it has a write path too
    form = BASE.replace("  write_paths:", "    - {id: form, use_case: post, hops: [client, lb, svc], "
                                         "narration: load the form}\n  write_paths:")
    silent(form, "HLD-012")


def test_hld_013_service_without_responsibility():
    f = fires(BASE.replace("{id: svc, kind: service, responsibility: posts and feeds}", "{id: svc, kind: service}"),
              "HLD-013")
    assert f[0].severity == "warning" and f[0].line == 16  # the svc component
    f = fires(BASE.replace("responsibility: posts and feeds", "name: Post Service"), "HLD-013")
    assert f[0].severity == "info"


def test_hld_014_store_without_contents():
    f = fires(BASE.replace("{id: cache, kind: cache, holds: recent posts}", "{id: cache, kind: cache}"), "HLD-014")
    assert f[0].element == "cache"
    # a stored entity pointing at the store counts as what it holds
    entity = BASE.replace(", holds: posts}", "}").replace(
        "response_size: 10 KB}\n",
        "response_size: 10 KB}\n  storage: [{id: p, size: 1 KB, new_per_day: 1M, store: db}]\n")
    silent(entity, "HLD-014")
    fires(BASE.replace(", holds: posts}", "}"), "HLD-014")


def test_hld_015_016_store_kind_and_technology():
    no_kind = BASE.replace("storage: relational, technology: PostgreSQL, ", "")
    f = fires(no_kind, "HLD-015")
    assert f[0].element == "db"
    silent(no_kind, "HLD-016")  # HLD-015 covers it
    silent(BASE.replace("storage: relational, ", ""), "HLD-015")  # PostgreSQL implies relational
    f = fires(BASE.replace("technology: PostgreSQL, ", ""), "HLD-016")
    assert f[0].severity == "info" and "(relational)" in f[0].message


def test_hld_017_lb_without_layer():
    f = fires(BASE.replace(", layer: L7}", "}"), "HLD-017")
    assert f[0].severity == "info"
    silent(BASE.replace(", layer: L7}", ", option: l4}"), "HLD-017")


def test_hld_018_queue_on_no_async_edge():
    q = with_component(BASE, "{id: q, kind: queue, holds: jobs}")
    f = fires(q, "HLD-018")
    assert f[0].element == "q"
    silent(q, "HLD-021")  # the disconnected queue is reported once, here
    edge = q.replace("  check_in:", "  async_edges: [{id: a, use_case: post, producer: svc, via: q, "
                                    "consumers: [svc]}]\n  check_in:")
    silent(edge, "HLD-018")


def test_hld_019_consumer_does_no_work():
    q = with_component(BASE, "{id: q, kind: queue, holds: jobs}")
    edge = q.replace("  check_in:", "  async_edges: [{id: a, use_case: post, producer: svc, via: q, "
                                    "consumers: [C]}]\n  check_in:")
    f = fires(edge.replace("[C]", "[db]"), "HLD-019")
    assert "db is a data_store" in f[0].message
    silent(edge.replace("[C]", "[svc]"), "HLD-019")


def test_hld_020_external_unused():
    ext = with_component(BASE, "{id: pay, kind: external, responsibility: card payments}")
    f = fires(ext, "HLD-020")
    assert f[0].element == "pay"
    called = ext.replace("  check_in:", "  external_calls: [{id: x, use_case: post, caller: svc, external: pay}]\n"
                                        "  check_in:")
    silent(called, "HLD-020")


def test_hld_021_component_without_use_case():
    extra = with_component(BASE, "{id: search, kind: data_store, storage: search, holds: post text}")
    f = fires(extra, "HLD-021")
    assert [x.element for x in f] == ["search"]
    silent(extra.replace("holds: post text}", "holds: post text, use_cases: [view]}"), "HLD-021")
    # serving only an out-of-scope use case is gold-plating too
    oos = extra.replace("holds: post text}", "holds: post text, use_cases: [stats]}").replace(
        "    - {id: view, name: View}\n",
        "    - {id: view, name: View}\n    - {id: stats, name: Stats, priority: out_of_scope, why: later}\n")
    assert "only out-of-scope" in fires(oos, "HLD-021")[0].message
    silent(HEAD + COMPONENTS, "HLD-021")  # nothing tied to use cases yet


def test_hld_022_must_without_path():
    f = fires(HEAD + COMPONENTS + WRITE, "HLD-022")
    assert f[0].severity == "error" and f[0].element == "view" and f[0].line == 6
    silent(HEAD + COMPONENTS, "HLD-022")  # no paths at all: HLD-003
    silent(BASE, "HLD-022")


def test_hld_023_should_without_path():
    should = (HEAD + COMPONENTS + WRITE).replace("{id: view, name: View}", "{id: view, name: View, priority: should}")
    assert fires(should, "HLD-023")[0].severity == "info"
    silent(should, "HLD-022")


def test_hld_024_025_check_in_and_challenges():
    bare = HEAD + COMPONENTS + READ + WRITE
    for code in ("HLD-024", "HLD-025"):
        f = fires(bare, code)
        assert f[0].severity == "info" and f[0].pointer == "architecture"
        silent(BASE, code)
    assert not findings(HEAD, "HLD-024")

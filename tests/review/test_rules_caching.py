"""CACHE rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

# get: 864M/day = 10K/s on average, x3 at peak = 30K reads/s (cache_read_qps is 10K).
# 80/20 cache memory: 20% x 864M reads/day x 1 KB = 172.8 GB (cache_node_memory is 64 GB).
BASE = """
name: t
requirements:
  use_cases:
    - {id: get, name: Get}
    - {id: put, name: Put}
estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: put, operation: write, rate: 86.4M/day}
    - {use_case: get, operation: read, rate: 864M/day, response_size: 1 KB}
  storage:
    - {id: item, size: 1 KB, new_per_day: 1M, store: db}
architecture:
  components:
    - {id: client, kind: client}
    - {id: svc, kind: service}
"""

CACHE = "    - {id: cache, kind: cache, cache_layer: app, hit_ratio: 90%, ttl: 10 min, shards: 4, replicas: 8, " \
        "partition_key: key hash slot, capacity: {memory_per_node: 52 GB}}\n"
DB = "    - {id: db, kind: data_store, storage: relational}\n"
CACHED_PATH = "  read_paths:\n    - {id: r, use_case: get, hops: [client, svc, cache, db]}\n"
DIRECT_PATH = "  read_paths:\n    - {id: r, use_case: get, hops: [client, svc, db]}\n"
DIVE = """deep_dives:
  caching:
    layers: [app]
    policy: aside
    invalidation: [ttl, event]
    thundering_herd: single-flight per key; TTLs jittered
"""

OK = BASE + CACHE + DB + CACHED_PATH + DIVE


def test_cache_001_to_004_presence():
    cases = {"CACHE-001": "    layers: [app]\n", "CACHE-002": "    policy: aside\n",
             "CACHE-003": "    invalidation: [ttl, event]\n",
             "CACHE-004": "    thundering_herd: single-flight per key; TTLs jittered\n"}
    for code, line in cases.items():
        f = fires(OK.replace(line, ""), code)
        assert f[0].pointer == "deep_dives.caching", code
        silent(OK, code)
        silent(BASE + CACHE + DB + CACHED_PATH, code)  # no dive: CACHE-014


def test_cache_005_reads_without_cache():
    f = fires(BASE + DB + DIRECT_PATH, "CACHE-005")
    # 30K reads/s at peak, at or above 10K
    assert f[0].severity == "error" and "30K reads/s" in f[0].message and "no cache or CDN in the design" in f[0].message
    f = fires(BASE + CACHE + DB + DIRECT_PATH, "CACHE-005")
    assert "cache sit on none" in f[0].message
    silent(OK, "CACHE-005")
    # 8.64M/day = 100/s, x3 = 300 reads/s: below 10K
    silent(BASE.replace("rate: 864M/day", "rate: 8.64M/day") + DB + DIRECT_PATH, "CACHE-005")


def test_cache_006_hit_ratio_missing():
    f = fires(OK.replace("hit_ratio: 90%, ", ""), "CACHE-006")
    assert f[0].element == "cache" and "db" in f[0].message
    silent(OK, "CACHE-006")


def test_cache_007_no_ttl_no_invalidation():
    no_ttl = BASE + CACHE.replace("ttl: 10 min, ", "") + DB + CACHED_PATH
    f = fires(no_ttl, "CACHE-007")
    assert f[0].element == "cache"
    silent(no_ttl + DIVE, "CACHE-007")  # event invalidation stated
    silent(BASE + CACHE + DB + CACHED_PATH, "CACHE-007")


def test_cache_008_cache_smaller_than_working_set():
    # 2 shards x 52 GB = 104 GB, below the 172.8 GB working set
    f = fires(OK.replace("shards: 4, replicas: 8", "shards: 2, replicas: 4"), "CACHE-008")
    assert "173 GB" in f[0].message  # 172.8 GB, shown to 3 figures
    assert "104 GB" in f[0].message
    # 4 shards x 52 GB = 208 GB holds it
    silent(OK, "CACHE-008")
    # an unsharded cache is CACHE-009's finding, not this one's
    silent(OK.replace("shards: 4, replicas: 8, partition_key: key hash slot, ", "replicas: 2, "), "CACHE-008")


def test_cache_009_working_set_above_one_node_unsharded():
    single = OK.replace("shards: 4, replicas: 8, partition_key: key hash slot, capacity: {memory_per_node: 52 GB}",
                        "replicas: 2")
    f = fires(single, "CACHE-009")
    # 172.8 GB needed, above the 64 GB of one node
    assert "173 GB" in f[0].message  # 172.8 GB, shown to 3 figures
    assert "64 GB" in f[0].message and f[0].element == "cache"
    silent(OK, "CACHE-009")
    # one big node with 256 GB stated holds 172.8 GB
    silent(single.replace("replicas: 2", "replicas: 2, capacity: {memory_per_node: 256 GB}"), "CACHE-009")
    # 86.4M reads/day: 20% x 86.4M x 1 KB = 17.28 GB fits one node
    silent(single.replace("rate: 864M/day", "rate: 86.4M/day"), "CACHE-009")


def test_cache_010_cache_as_last_hop():
    ends = BASE + CACHE + DB + "  read_paths:\n    - {id: r, use_case: get, hops: [client, svc, cache]}\n"
    f = fires(ends, "CACHE-010")
    assert f[0].severity == "error" and f[0].element == "r"
    silent(ends + "    - {id: r-miss, use_case: get, hops: [svc, db]}\n", "CACHE-010")
    silent(ends.replace("hit_ratio: 90%,", "entities: [item], hit_ratio: 90%,")
           .replace("storage: relational}", "storage: relational, entities: [item]}"), "CACHE-010")
    silent(OK, "CACHE-010")


def test_cache_011_media_without_cdn():
    media = BASE.replace("response_size: 1 KB", "response_size: 10 KB") + DB + \
        "    - {id: media, kind: data_store, storage: object_store, queries: [blob]}\n" + \
        "    - {id: cdn, kind: cdn, hit_ratio: 95%, ttl: 1 day}\n" + \
        "  read_paths:\n    - {id: img, use_case: get, hops: [client, svc, media]}\n"
    # 30K reads/s x 10 KB = 300 MB/s (2.4 Gbps), at or above 1 Gbps
    f = fires(media, "CACHE-011")
    assert "300 MB/s" in f[0].message and "media" in f[0].message and f[0].element == "img"
    silent(media.replace("hops: [client, svc, media]", "hops: [client, cdn, media]"), "CACHE-011")
    # 30K x 1 KB = 30 MB/s (240 Mbps), below 1 Gbps
    silent(media.replace("response_size: 10 KB", "response_size: 1 KB"), "CACHE-011")


def test_cache_012_layer_without_component():
    f = fires(OK.replace("layers: [app]", "layers: [client, cdn, app]"), "CACHE-012")
    assert len(f) == 1 and "'cdn'" in f[0].message  # client is the client component
    fires(OK.replace("layers: [app]", "layers: [app, local]"), "CACHE-012")
    with_cdn = OK.replace("layers: [app]", "layers: [cdn, app]").replace(
        "    - {id: db", "    - {id: cdn, kind: cdn, hit_ratio: 90%, ttl: 1 h}\n    - {id: db")
    silent(with_cdn, "CACHE-012")
    silent(OK, "CACHE-012")


def test_cache_013_hit_ratio_on_non_cache():
    f = fires(OK.replace("{id: svc, kind: service}", "{id: svc, kind: service, hit_ratio: 80%}"), "CACHE-013")
    assert f[0].severity == "info" and f[0].element == "svc" and "80%" in f[0].message
    silent(OK, "CACHE-013")


def test_cache_014_no_dive_while_reads_demand_it():
    f = fires(BASE + CACHE + DB + CACHED_PATH, "CACHE-014")
    assert "30K reads/s" in f[0].message
    silent(OK, "CACHE-014")
    silent(BASE.replace("rate: 864M/day", "rate: 8.64M/day") + CACHE + DB + CACHED_PATH, "CACHE-014")


def test_cache_015_cache_layer_not_in_dive():
    local = OK.replace("    - {id: db", "    - {id: lru, kind: cache, cache_layer: local, hit_ratio: 30%, ttl: 60 s}\n    - {id: db")
    f = fires(local, "CACHE-015")
    assert f[0].element == "lru" and f[0].severity == "info"
    silent(local.replace("layers: [app]", "layers: [local, app]"), "CACHE-015")
    silent(OK, "CACHE-015")

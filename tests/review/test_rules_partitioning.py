"""PART rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tradeoff.review.rules.partitioning import partition_columns, time_only

from tests.review.util import fires, silent

# 1B new items a day x 1 KB = 1 TB/day, exactly the partition_daily_ingest threshold (1 TB/day).
# Over 30 days: 30B x 1 KB = 30 TB; with 3 copies 90 TB.
BASE = """
name: t
requirements:
  use_cases:
    - {id: put, name: Put}
estimates:
  traffic:
    - {use_case: put, operation: write, rate: 86.4M/day}
  storage:
    - {id: item, size: 1 KB, new_per_day: 1B, retention: 30 days, replication_factor: 3, store: db}
architecture:
  components:
    - {id: svc, kind: service}
    - {id: log, kind: event_stream}
"""


def store(**kw) -> str:
    fields = ", ".join(f"{k}: {v}" for k, v in {"id": "db", "kind": "data_store", "storage": "relational", **kw}.items())
    return f"    - {{{fields}}}\n"


FULL = """      - component: db
        key: user_id
        rationale: every hot query is per user
        hot_partition_mitigation: big users are split by a salt suffix
        repartitioning: 4,096 logical shards moved online
        access_pattern_interaction: all hot queries are single-partition
"""


def dive(*entries: str) -> str:
    return "deep_dives:\n  partitioning:\n" + "".join(entries)


def test_part_001_to_005_presence_points_at_the_entry_lacking_it():
    base = BASE + store(shards=4, replicas=12)
    cases = {"PART-001": "        key: user_id\n", "PART-002": "        rationale: every hot query is per user\n",
             "PART-003": "        hot_partition_mitigation: big users are split by a salt suffix\n",
             "PART-004": "        repartitioning: 4,096 logical shards moved online\n",
             "PART-005": "        access_pattern_interaction: all hot queries are single-partition\n"}
    other = FULL.replace("component: db", "component: log")
    for code, line in cases.items():
        f = fires(base + dive(FULL, other.replace(line, "")), code)
        assert f[0].pointer == "deep_dives.partitioning[1]" and f[0].line == 24, code
        silent(base + dive(FULL, other), code)
        silent(base, code)  # no dive: left to PART-012
    # the key may be stated on the component instead of the entry
    keyed = BASE + store(shards=4, replicas=12, partition_key="user_id")
    silent(keyed + dive(FULL.replace("        key: user_id\n", "")), "PART-001")


def test_part_006_ingest_without_partitioning():
    f = fires(BASE + store(), "PART-006")
    # 1 TB/day is at the 1 TB/day threshold
    assert f[0].severity == "error" and f[0].element == "db" and "1 TB/day of new data" in f[0].message
    silent(BASE + store(partition_key="user_id"), "PART-006")
    silent(BASE + store(shards=4, replicas=12), "PART-006")
    silent(BASE + store(storage="object_store"), "PART-006")  # spreads data without nodes
    # 999M x 1 KB = 999 GB/day, below 1 TB/day
    silent(BASE.replace("new_per_day: 1B", "new_per_day: 999M") + store(), "PART-006")


def test_part_007_data_per_node():
    # no shards, no key: every one of 3 nodes holds all 30 TB, above 10 TB
    f = fires(BASE + store(replicas=3), "PART-007")
    assert "30 TB per node" in f[0].message and "10 TB" in f[0].message
    # 30 TB over 2 shards = 15 TB per node, above 10 TB; over 4 shards = 7.5 TB, fine
    fires(BASE + store(shards=2, replicas=6, partition_key="user_id"), "PART-007")
    silent(BASE + store(shards=4, replicas=12, partition_key="user_id"), "PART-007")
    # keyed, no shards: 90 TB with copies over 6 nodes = 15 TB; over 12 nodes = 7.5 TB
    fires(BASE + store(replicas=6, partition_key="user_id"), "PART-007")
    silent(BASE + store(replicas=12, partition_key="user_id"), "PART-007")
    # keyed, as many nodes as copies (a managed store splitting itself): not checked
    silent(BASE + store(replicas=3, partition_key="user_id"), "PART-007")
    # a stated 4 TB per node is below 7.5 TB per shard
    f = fires(BASE + store(shards=4, replicas=12, partition_key="user_id", capacity="{storage_per_node: 4 TB}"),
              "PART-007")
    assert "stated storage per node (4 TB)" in f[0].message
    silent(BASE + store(storage="object_store"), "PART-007")


def test_part_008_shards_without_key():
    f = fires(BASE + store(shards=4, replicas=12), "PART-008")
    assert "4 shards" in f[0].message
    silent(BASE + store(shards=4, replicas=12, partition_key="user_id"), "PART-008")
    silent(BASE + store(shards=4, replicas=12) + dive(FULL), "PART-008")  # key stated in the dive
    silent(BASE + store(), "PART-008")


def test_part_009_partitioned_store_not_in_dive():
    other = FULL.replace("component: db", "component: log")
    low = BASE.replace("new_per_day: 1B", "new_per_day: 1M")
    f = fires(low + store(partition_key="user_id") + dive(other), "PART-009")
    assert f[0].severity == "info" and f[0].element == "db"
    # at 1 TB/day (the partition_daily_ingest threshold) the missing entry is a warning
    f = fires(BASE + store(partition_key="user_id") + dive(other), "PART-009")
    assert f[0].severity == "warning" and "1 TB/day" in f[0].message
    silent(BASE + store(partition_key="user_id") + dive(other, FULL), "PART-009")
    silent(BASE + store(partition_key="user_id"), "PART-009")  # no dive: PART-012


def test_part_010_time_only_key():
    assert partition_columns("((sensor_id, day), ts)") == ["sensor_id", "day"]
    assert partition_columns("user_id (CRC16 hash slots)") == ["user_id"]
    assert partition_columns("(short_code, month)") == ["short_code", "month"]
    assert time_only("created_at") and time_only("(date, hour)") and time_only("sent_at (daily buckets)")
    assert not time_only("(device_id, day)") and not time_only("((sensor_id, day), ts)") and not time_only(None)
    f = fires(BASE + store(storage="wide_column", partition_key="created_at"), "PART-010")
    assert f[0].element == "db" and "created_at" in f[0].message
    silent(BASE + store(storage="wide_column", partition_key="'(device_id, day)'"), "PART-010")
    silent(BASE + store(storage="time_series", partition_key="day"), "PART-010")
    # the dive's key is the one judged when given
    f = fires(BASE + store(partition_key="user_id") + dive(FULL.replace("key: user_id", "key: (date, hour)")), "PART-010")
    assert f[0].pointer == "deep_dives.partitioning[0]"


def test_part_011_entry_not_stateful():
    f = fires(BASE + store() + dive(FULL.replace("component: db", "component: svc")), "PART-011")
    assert "a service" in f[0].message
    f = fires(BASE + store() + dive(FULL.replace("      - component: db\n        key", "      - key")), "PART-011")
    assert "names no component" in f[0].message
    silent(BASE + store() + dive(FULL, FULL.replace("component: db", "component: log")), "PART-011")


def test_part_012_no_dive_while_numbers_demand_it():
    f = fires(BASE + store(shards=4, replicas=12, partition_key="user_id"), "PART-012")
    # 1 TB/day (at the threshold) and 30 TB kept (above 10 TB)
    assert "1 TB/day of new data" in f[0].message and "30 TB kept" in f[0].message and f[0].pointer == "(design)"
    silent(BASE + store(shards=4, replicas=12, partition_key="user_id") + dive(FULL), "PART-012")
    # 1M x 100 KB = 100 GB/day, below 1 TB/day; over 365 days 36.5 TB, above 10 TB
    kept = BASE.replace("size: 1 KB, new_per_day: 1B, retention: 30 days", "size: 100 KB, new_per_day: 1M, retention: 365 days")
    f = fires(kept + store(), "PART-012")
    assert "36.5 TB kept" in f[0].message and "/day" not in f[0].message
    # 1M x 1 KB = 1 GB/day, 30 GB kept: no demand
    silent(BASE.replace("new_per_day: 1B", "new_per_day: 1M") + store(), "PART-012")
    # data held only by an object store spreads itself
    silent(BASE + store(storage="object_store"), "PART-012")

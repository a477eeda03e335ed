"""DATA rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: shorten, name: Shorten}
    - {id: redirect, name: Redirect}
"""

STORE = """architecture:
  components:
    - {id: svc, kind: service}
    - {id: db, kind: data_store, storage: key_value, entities: [short_link]}
estimates:
  storage:
    - {id: short_link, size: 500 B, new_per_day: 1M}
"""

FULL_DM = """deep_dives:
  data_model:
    entities:
      - {name: ShortLink, key: short_code, relationships: [belongs to one User]}
    access_patterns: [get long_url by short_code]
    schema_evolution: additive attributes; items carry schema_version
    tables: ["links (DynamoDB): PK short_code"]
"""


def test_data_001_to_004_presence():
    only_entities = BASE + "deep_dives:\n  data_model:\n    entities: [{name: ShortLink, key: short_code}]\n"
    for code in ("DATA-002", "DATA-003", "DATA-004"):
        f = fires(only_entities, code)
        assert f[0].pointer == "deep_dives.data_model" and f[0].line == 9
    fires(BASE + "deep_dives:\n  data_model:\n    access_patterns: [get by code]\n", "DATA-001")
    for code in ("DATA-001", "DATA-002", "DATA-003", "DATA-004"):
        silent(BASE + FULL_DM, code)
        silent(BASE, code)  # no data model at all: left to DATA-005


def test_data_005_no_data_model():
    f = fires(BASE + STORE, "DATA-005")
    assert "1 data store (db)" in f[0].message and f[0].pointer == "architecture"
    silent(BASE + STORE + FULL_DM, "DATA-005")
    silent(BASE + "architecture:\n  components: [{id: svc, kind: service}]\n", "DATA-005")


def test_data_006_entity_without_key():
    dm = BASE + "deep_dives:\n  data_model:\n    entities:\n      - {name: ShortLink, key: code}\n      - {name: Click}\n"
    f = fires(dm, "DATA-006")
    assert len(f) == 1 and "'Click'" in f[0].message and f[0].line == 11
    silent(BASE + FULL_DM, "DATA-006")


def test_data_007_sized_entity_not_sketched():
    est = BASE + """estimates:
  storage:
    - {id: short_link, size: 500 B, new_per_day: 1M}
    - {id: click_event, size: 50 B, new_per_day: 1B}
"""
    f = fires(est + FULL_DM, "DATA-007")
    assert len(f) == 1 and "click_event" in f[0].message and f[0].line == 10
    # ClickEvent ~ click_event (same letters), and a table line naming it, both count
    silent(est + FULL_DM.replace("    access_patterns", "      - {name: ClickEvent, key: event_id}\n    access_patterns"),
           "DATA-007")
    silent(est + FULL_DM.replace('tables: ["links', 'tables: ["click_event (S3): by hour", "links'), "DATA-007")
    # a sketch named by a prefix of the id (Timeline ~ timeline_entry)
    silent(BASE + "estimates:\n  storage: [{id: timeline_entry, size: 8 B, new_per_day: 1B}]\n"
           "deep_dives:\n  data_model:\n    entities: [{name: Timeline, key: user_id}]\n", "DATA-007")


def test_data_008_entity_without_store():
    no_home = BASE + """architecture:
  components:
    - {id: db, kind: data_store, storage: key_value}
estimates:
  storage:
    - {id: short_link, size: 500 B, new_per_day: 1M}
"""
    f = fires(no_home, "DATA-008")
    assert "short_link" in f[0].message and f[0].element == "short_link"
    silent(no_home.replace("new_per_day: 1M}", "new_per_day: 1M, store: db}"), "DATA-008")
    silent(BASE + STORE, "DATA-008")  # listed in the store's entities


def test_data_009_no_relationships():
    two = BASE + "deep_dives:\n  data_model:\n    entities:\n      - {name: User, key: user_id}\n      - {name: Post, key: post_id}\n"
    fires(two, "DATA-009")
    silent(two.replace("key: post_id}", "key: post_id, relationships: [belongs to one User]}"), "DATA-009")
    silent(BASE + "deep_dives:\n  data_model:\n    entities:\n      - {name: User, key: user_id}\n", "DATA-009")

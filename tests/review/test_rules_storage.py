"""STORE rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

from tests.review.util import fires, silent

BASE = """
name: t
requirements:
  use_cases:
    - {id: get, name: Get}
architecture:
  components:
    - {id: svc, kind: service}
    - {id: cache, kind: cache, cache_layer: app}
    - {id: db, kind: data_store, storage: key_value, queries: [key_lookup]}
    - {id: media, kind: data_store, storage: object_store, queries: [blob]}
"""

FULL = """      - component: db
        why: point reads by a random key
        gain: single-digit ms at any scale
        lose: no ad-hoc queries
        access_pattern_match: every hot read is get by key
        rejected: [{option: relational, why: manual sharding}]
"""


def dive(*entries: str) -> str:
    return "deep_dives:\n  storage_technology:\n    choices:\n" + "".join(entries)


MEDIA = FULL.replace("component: db", "component: media")


def test_store_001_to_004_presence_points_at_the_entry_lacking_it():
    cases = {"STORE-001": "        why: point reads by a random key\n",
             "STORE-002": "        lose: no ad-hoc queries\n",
             "STORE-003": "        access_pattern_match: every hot read is get by key\n",
             "STORE-004": "        rejected: [{option: relational, why: manual sharding}]\n"}
    for code, line in cases.items():
        f = fires(BASE + dive(FULL, MEDIA.replace(line.replace("db", "media"), "")), code)
        assert f[0].pointer == "deep_dives.storage_technology.choices[1]" and f[0].line == 21, code
        silent(BASE + dive(FULL, MEDIA), code)
        silent(BASE, code)  # no dive at all: left to STORE-010


def test_store_005_unjustified_store():
    # db (key_value, key_lookup) is argued; media has no entry, no decision
    text = BASE.replace("queries: [blob]", "queries: [key_lookup, joins]") + dive(FULL)
    f = fires(text, "STORE-005")
    assert f[0].severity == "warning" and f[0].element == "media" and "why this technology" in f[0].message
    # object storage for blobs is the knowledge base's best fit, no risk fires: info
    f = fires(BASE + dive(FULL), "STORE-005")
    assert f[0].severity == "info" and f[0].element == "media"
    silent(BASE + dive(FULL, MEDIA), "STORE-005")
    decided = BASE + dive(FULL) + "decisions:\n  - {id: d1, choice: {option: object_store, component: media}}\n"
    silent(decided, "STORE-005")


def test_store_006_choice_not_for_a_store():
    f = fires(BASE + dive(FULL, FULL.replace("component: db", "component: svc")), "STORE-006")
    assert f[0].severity == "warning" and "a service" in f[0].message
    f = fires(BASE + dive(FULL, FULL.replace("component: db", "component: cache")), "STORE-006")
    assert f[0].severity == "info" and "a cache" in f[0].message
    f = fires(BASE + dive(FULL.replace("      - component: db\n        why", "      - why")), "STORE-006")
    assert "names no component" in f[0].message
    silent(BASE + dive(FULL, MEDIA), "STORE-006")


def test_store_007_unserved_queries():
    wc = BASE.replace("storage: key_value, queries: [key_lookup]", "storage: wide_column, queries: [range_scan, full_text]")
    f = fires(wc, "STORE-007")
    assert f[0].element == "db" and "full_text" in f[0].message and "range_scan" not in f[0].message
    silent(BASE, "STORE-007")
    # key_value with ad_hoc is STORE-KV-001's finding, not this rule's
    silent(BASE.replace("queries: [key_lookup]", "queries: [key_lookup, ad_hoc]"), "STORE-007")


def test_store_008_search_only():
    text = BASE + "    - {id: index, kind: data_store, storage: search, queries: [full_text], entities: [listing]}\n" \
                  "estimates:\n  storage: [{id: listing, size: 2 KB, new_per_day: 1M}]\n"
    f = fires(text, "STORE-008")
    assert f[0].severity == "error" and f[0].element == "index" and "'listing'" in f[0].message
    silent(text.replace("queries: [key_lookup]}", "queries: [key_lookup], entities: [listing]}"), "STORE-008")


def test_store_009_duplicate_choice():
    f = fires(BASE + dive(FULL, MEDIA, FULL), "STORE-009")
    assert len(f) == 1 and f[0].pointer == "deep_dives.storage_technology.choices[2]"
    silent(BASE + dive(FULL, MEDIA), "STORE-009")


def test_store_010_no_storage_dive():
    f = fires(BASE, "STORE-010")
    assert f[0].severity == "info" and "db, media" in f[0].message
    silent(BASE + dive(FULL), "STORE-010")
    both = BASE + "decisions:\n  - {id: d1, choice: {component: db}}\n  - {id: d2, choice: {component: media}}\n"
    silent(both, "STORE-010")
    f = fires(BASE + "decisions:\n  - {id: d1, choice: {component: db}}\n", "STORE-010")
    assert "not argued: media" in f[0].message
    silent("name: t\narchitecture:\n  components: [{id: svc, kind: service}]\n", "STORE-010")

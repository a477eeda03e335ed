"""DEC rules: each fires on a tiny design with the defect and stays silent on the fixed one."""

import textwrap

import yaml

from tests.review.util import fires, silent
from tradeoff.model.design import Design, assign_paths
from tradeoff.review import review

HEAD = """
name: t
requirements:
  use_cases:
    - {id: get, name: Get}
    - {id: stats, name: Stats, priority: out_of_scope, why: later}
  non_functional:
    latency: [{id: lat-get, use_case: get, p99: 50 ms}]
architecture:
  components:
    - {id: db, kind: data_store, storage: key_value}
decisions:
"""
GOOD = """  - id: d1
    requirement: point reads by key at 30K/s
    traces_to: [get, lat-get]
    criteria: [read latency, horizontal scale]
    choice: {option: key_value, technology: DynamoDB, component: db}
    tradeoff: {gain: fast key reads, give_up: ad-hoc queries, acceptable_because: every read is by key}
    rejected: [{option: relational (Postgres), why: manual sharding at this size}]
"""
OK = HEAD + GOOD


def edit(old, new):
    assert old in GOOD, old
    return HEAD + GOOD.replace(old, new)


def test_dec_001_requirement():
    f = fires(edit("    requirement: point reads by key at 30K/s\n", ""), "DEC-001")
    assert f[0].element == "d1" and f[0].line == 13  # the "- id: d1" line
    silent(OK, "DEC-001")


def test_dec_002_traces_to():
    fires(edit("[get, lat-get]", "[]"), "DEC-002")
    silent(OK, "DEC-002")


def test_dec_003_unknown_trace():
    # a loaded file refuses unknown ids; a design built in code does not
    data = yaml.safe_load(textwrap.dedent(edit("[get, lat-get]", "[get, fast-reads]")))
    d = Design.model_validate(data)
    assign_paths(d)
    got = [f for f in review(d, only={"DEC-003"}).findings]
    assert got and "fast-reads" in got[0].message
    silent(OK, "DEC-003")


def test_dec_004_criteria():
    fires(edit("    criteria: [read latency, horizontal scale]\n", ""), "DEC-004")
    silent(OK, "DEC-004")


def test_dec_005_choice():
    fires(edit("    choice: {option: key_value, technology: DynamoDB, component: db}\n", ""), "DEC-005")
    fires(edit("{option: key_value, technology: DynamoDB, component: db}", "{component: db}"), "DEC-005")
    silent(OK, "DEC-005")


def test_dec_006_unknown_option():
    f = fires(edit("option: key_value,", "option: dynamo,"), "DEC-006")
    assert "'dynamo'" in f[0].message
    silent(OK, "DEC-006")


def test_dec_007_unmapped_technology():
    fires(edit("option: key_value, technology: DynamoDB", "technology: FooDB"), "DEC-007")
    silent(edit("option: key_value, technology: DynamoDB", "technology: DynamoDB"), "DEC-007")
    silent(edit("option: key_value, technology: DynamoDB", "option: key_value, technology: FooDB"), "DEC-007")


def test_dec_008_to_010_tradeoff():
    for code, part in (("DEC-008", "gain: fast key reads, "), ("DEC-009", "give_up: ad-hoc queries, "),
                       ("DEC-010", ", acceptable_because: every read is by key")):
        fires(edit(part, ""), code)
        silent(OK, code)
    no_tradeoff = edit("    tradeoff: {gain: fast key reads, give_up: ad-hoc queries, acceptable_because: every read is by key}\n", "")
    for code in ("DEC-008", "DEC-009", "DEC-010"):
        fires(no_tradeoff, code)


def test_dec_011_012_rejected():
    fires(edit("    rejected: [{option: relational (Postgres), why: manual sharding at this size}]\n", ""), "DEC-011")
    silent(OK, "DEC-011")
    f = fires(edit("{option: relational (Postgres), why: manual sharding at this size}", "{option: relational}"), "DEC-012")
    assert "relational" in f[0].message
    silent(OK, "DEC-012")


def test_dec_013_contradicts_component():
    f = fires(edit("option: key_value, technology: DynamoDB", "option: relational, technology: PostgreSQL"), "DEC-013")
    assert "relational" in f[0].message and "key_value" in f[0].message
    silent(OK, "DEC-013")
    # a different role (a consistency model for the same store) is no contradiction
    silent(edit("option: key_value, technology: DynamoDB", "option: strong_single_leader"), "DEC-013")
    # a service's compute option comes from its technology: not judged
    svc = (HEAD.replace("{id: db, kind: data_store, storage: key_value}", "{id: db, kind: service, technology: Go on Kubernetes}")
           + GOOD.replace("option: key_value, technology: DynamoDB", "option: microservices"))
    silent(svc, "DEC-013")


def test_dec_014_gold_plating():
    f = fires(edit("[get, lat-get]", "[stats]"), "DEC-014")
    assert "stats" in f[0].message
    silent(OK, "DEC-014")


def test_dec_015_no_decisions():
    fires(HEAD.replace("decisions:\n", ""), "DEC-015")
    silent(OK, "DEC-015")
    silent(HEAD.replace("decisions:\n", "").replace("kind: data_store, storage: key_value", "kind: service"), "DEC-015")


def test_dec_016_rejects_its_choice():
    f = fires(edit("{option: relational (Postgres), why", "{option: key_value, why"), "DEC-016")
    assert "key_value" in f[0].message
    fires(edit("{option: relational (Postgres), why", "{option: DynamoDB, why"), "DEC-016")
    silent(OK, "DEC-016")
    # another technology of the same option is a real alternative
    silent(edit("{option: relational (Postgres), why", "{option: key_value (Redis as the primary store), why"), "DEC-016")


def test_dec_017_conflicting_decisions():
    other = GOOD.replace("id: d1", "id: d2").replace("option: key_value, technology: DynamoDB", "option: document")
    f = fires(OK + other, "DEC-017")
    assert "'d1' and 'd2'" in f[0].message
    silent(OK + GOOD.replace("id: d1", "id: d2").replace("option: key_value, technology: DynamoDB",
                                                         "option: strong_single_leader"), "DEC-017")


def test_dec_018_must_untraced():
    f = fires(edit("[get, lat-get]", "[lat-get]"), "DEC-018")
    assert f[0].element == "get"
    silent(OK, "DEC-018")

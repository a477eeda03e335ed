"""The knowledge base holds exactly the playbook's seven reference tables, row for row.

The row lists below are written from the playbook (its table and row names as printed), not
read from options.yaml, so that a row dropped, renamed, duplicated or moved to another table
in the data file fails here.
"""

import math
import re
from collections import Counter

import pytest

from tradeoff.errors import DesignErrors
from tradeoff.estimate.engine import estimate
from tradeoff.examples import example_path
from tradeoff.io.load import load_design_text
from tradeoff.knowledge.facts import FACTS, design_facts
from tradeoff.knowledge.options import TABLES, knowledge_base, parse_knowledge, rank
from tradeoff.model.design import ConsistencyModel, Processing, QueryKind, Realtime, Stage, TrafficShape

# table id -> [(row name as the playbook prints it, option id)]
PLAYBOOK_ROWS = {
    "data_storage": [  # Data Storage
        ("Relational", "relational"),
        ("Document", "document"),
        ("Wide-Column", "wide_column"),
        ("Key-Value", "key_value"),
        ("Graph", "graph"),
        ("Search", "search"),
        ("Time-Series", "time_series"),
        ("Object Store", "object_store"),
    ],
    "communication": [  # Communication Patterns
        ("REST", "rest"),
        ("GraphQL", "graphql"),
        ("gRPC", "grpc"),
        ("Queue", "queue"),
        ("Event Stream", "event_stream"),
        ("WebSocket", "websocket"),
        ("SSE", "sse"),
    ],
    "compute": [  # Compute & Deployment
        ("Monolith", "monolith"),
        ("Microservices", "microservices"),
        ("Serverless", "serverless"),
        ("Containers + K8s", "containers_k8s"),
    ],
    "caching": [  # Caching (layers)
        ("Client / Browser", "client_cache"),
        ("CDN", "cdn"),
        ("App (Redis)", "app_cache"),
        ("Local / In-proc", "local_cache"),
    ],
    "event_driven": [  # Event-Driven Patterns
        ("Notification", "notification"),
        ("State Transfer", "state_transfer"),
        ("Event Sourcing", "event_sourcing"),
        ("CQRS", "cqrs"),
        ("Saga", "saga"),
    ],
    "consistency": [  # Consistency & Coordination
        ("Strong (single leader)", "strong_single_leader"),
        ("Eventual", "eventual"),
        ("Read Replicas", "read_replicas"),
        ("Multi-Leader", "multi_leader"),
        ("Consensus", "consensus"),
    ],
    "load_balancing": [  # Load Balancing & API Gateway
        ("L4 (TCP)", "l4"),
        ("L7 (HTTP)", "l7"),
        ("API Gateway", "api_gateway"),
        ("Service Mesh", "service_mesh"),
    ],
}
EXPECTED_COUNTS = {"data_storage": 8, "communication": 7, "compute": 4, "caching": 4,
                   "event_driven": 5, "consistency": 5, "load_balancing": 4}
ROWS = [(table, name, oid) for table, rows in PLAYBOOK_ROWS.items() for name, oid in rows]
RISK_FAMILY = {"data_storage": "STORE", "communication": "COMM", "compute": "COMPUTE", "caching": "CACHE",
               "event_driven": "EVENT", "consistency": "CONS", "load_balancing": "LB"}


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def test_the_row_list_itself_is_the_playbook_s_37():
    assert len(ROWS) == 37
    assert {t: len(r) for t, r in PLAYBOOK_ROWS.items()} == EXPECTED_COUNTS
    assert set(PLAYBOOK_ROWS) == set(TABLES)


def test_tables_are_the_seven_in_order(kb):
    assert [t.id for t in kb.tables] == list(TABLES)
    assert all(t.title and t.question for t in kb.tables)


@pytest.mark.parametrize("table,name,oid", ROWS, ids=[r[2] for r in ROWS])
def test_every_row_is_present_exactly_once_in_its_table(kb, table, name, oid):
    matches = [o for o in kb.options if o.id == oid]
    assert len(matches) == 1, f"{oid} appears {len(matches)} times"
    opt = matches[0]
    assert opt.table == table
    assert opt.name == name
    assert [o.name for o in kb.table(table)].count(name) == 1


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_the_playbook_s_rows_and_nothing_else(kb, table):
    assert len(kb.table(table)) == EXPECTED_COUNTS[table]
    assert [o.id for o in kb.table(table)] == [oid for _, oid in PLAYBOOK_ROWS[table]]


def test_no_option_outside_the_playbook(kb):
    assert len(kb.options) == 37
    assert {o.id for o in kb.options} == {oid for _, _, oid in ROWS}


@pytest.mark.parametrize("oid", [r[2] for r in ROWS])
def test_every_option_is_complete(kb, oid):
    opt = kb.option(oid)
    assert opt.reach_for_it_when.strip() and opt.watch_out_for.strip()
    assert 2 <= len(opt.gives) <= 4 and all(g.strip() for g in opt.gives)
    assert 2 <= len(opt.costs) <= 4 and all(c.strip() for c in opt.costs)
    assert 1 <= len(opt.fits) <= 3 and all(f.because.strip() for f in opt.fits)
    assert 1 <= len(opt.risks) <= 3
    assert opt.technologies
    for risk in opt.risks:
        assert re.fullmatch(r"[A-Z]+-[A-Z0-9]+-\d{3}", risk.id)
        assert risk.id.startswith(RISK_FAMILY[opt.table] + "-"), risk.id
        assert risk.message.strip() and risk.fix.strip()


def test_risk_ids_are_unique(kb):
    ids = Counter(r.id for o in kb.options for r in o.risks)
    assert not [i for i, n in ids.items() if n > 1]


@pytest.mark.parametrize("tech,oid", [
    ("DynamoDB", "key_value"),
    ("Kafka", "event_stream"),
    ("PostgreSQL", "relational"),
    ("Cassandra", "wide_column"),
    ("S3", "object_store"),
    ("Elasticsearch", "search"),
])
def test_for_technology(kb, tech, oid):
    assert [o.id for o in kb.for_technology(tech)] == [oid]


def test_for_technology_ignores_case_and_punctuation(kb):
    assert [o.id for o in kb.for_technology("dynamo-db")] == ["key_value"]
    assert kb.for_technology("No Such Product") == []


def test_a_technology_is_shared_only_where_it_genuinely_is_both(kb):
    owners: dict[str, set[str]] = {}
    for o in kb.options:
        for t in o.technologies:
            owners.setdefault(re.sub(r"[^a-z0-9]", "", t.lower()), set()).add(o.id)
    shared = {t: ids for t, ids in owners.items() if len(ids) > 1}
    assert shared == {
        "redis": {"key_value", "app_cache"},
        "memcached": {"key_value", "app_cache"},
        "haproxy": {"l4", "l7"},
    }


# --- predicates use real values, not just real facts ---------------------------------------

_VALUES = {
    "queries": {q.value for q in QueryKind},
    "consistency": {c.value for c in ConsistencyModel},
    "shape": {s.value for s in TrafficShape},
    "processing": {p.value for p in Processing},
    "realtime": {r.value for r in Realtime},
    "stage": {s.value for s in Stage},
    "ops_maturity": {"low", "medium", "high"},
}


def _leaves(pred):
    if "all" in pred or "any" in pred:
        for p in pred.get("all") or pred.get("any"):
            yield from _leaves(p)
    elif "not" in pred:
        yield from _leaves(pred["not"])
    else:
        yield pred


def test_enum_and_set_values_in_predicates_are_known(kb):
    # the loader checks facts, operators and quantities; a misspelt enum value (`eq: burst`)
    # would validate and silently never match, so check those here
    bad = []
    for o in kb.options:
        for where, pred in [("fit", f.when) for f in o.fits] + [(r.id, r.when) for r in o.risks]:
            for leaf in _leaves(pred):
                fact = leaf["fact"]
                (op, value), = ((k, v) for k, v in leaf.items() if k != "fact")
                kind = FACTS[fact][0].kind
                if kind == "set":
                    assert op == "contains", (o.id, where, leaf)
                if kind == "enum":
                    assert op in ("eq", "ne", "in"), (o.id, where, leaf)
                if kind == "bool":
                    assert op == "is" and isinstance(value, bool), (o.id, where, leaf)
                if fact in _VALUES:
                    for v in value if isinstance(value, list) else [value]:
                        if v not in _VALUES[fact]:
                            bad.append((o.id, where, fact, v))
    assert not bad


# --- malformed knowledge files report file:line ---------------------------------------------

VALID = """\
tables:
  - id: data_storage
    title: Data Storage
    question: Where does the data live?
options:
  - id: relational
    table: data_storage
    role: store
    name: Relational
    reach_for_it_when: transactions and joins
    watch_out_for: write scaling
    gives: [transactions, joins]
    costs: [one primary, sharding]
    technologies: [PostgreSQL]
    fits:
      - when: {fact: queries, contains: transactions}
        because: transactions are needed
    risks:
      - id: STORE-REL-001
        when: {fact: qps.write.peak, gte: 5K}
        severity: warning
        message: one primary
        fix: shard
"""


def _line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} must occur once"
    return lines[0]


def test_the_valid_template_parses():
    kb = parse_knowledge(VALID, "ok.yaml")
    assert [o.id for o in kb.options] == ["relational"]


@pytest.mark.parametrize("old,new,needle,words", [
    # unknown fact in a fit
    ("when: {fact: queries, contains: transactions}", "when: {fact: no_such_fact, contains: transactions}",
     "no_such_fact", "unknown fact"),
    # bad operator in a risk
    ("when: {fact: qps.write.peak, gte: 5K}", "when: {fact: qps.write.peak, approx: 5K}",
     "approx", "give exactly one of"),
    # unknown key on an option
    ("    technologies: [PostgreSQL]\n", "    technologies: [PostgreSQL]\n    popularity: high\n",
     "popularity", "popularity"),
    # a quantity that does not parse
    ("when: {fact: qps.write.peak, gte: 5K}", "when: {fact: qps.write.peak, gte: lots}",
     "lots", "lots"),
    # an unknown threshold
    ("when: {fact: qps.write.peak, gte: 5K}", "when: {fact: qps.write.peak, gte: {threshold: nope}}",
     "nope", "threshold"),
])
def test_malformed_knowledge_points_at_the_line(old, new, needle, words):
    assert old in VALID
    text = VALID.replace(old, new)
    with pytest.raises(DesignErrors) as info:
        parse_knowledge(text, "bad.yaml")
    first = info.value.errors[0]
    assert first.position is not None
    assert first.position.file == "bad.yaml"
    assert first.position.line >= 1
    assert first.position.line == _line_of(text, needle)
    assert words in first.message


def test_yaml_syntax_errors_are_design_errors_too():
    with pytest.raises(DesignErrors) as info:
        parse_knowledge(VALID.replace("gives: [transactions, joins]", "gives: [transactions, joins"), "bad.yaml")
    assert info.value.errors[0].position.line >= 1


# --- the advisor broadly agrees with the bundled examples ----------------------------------

# What each example says in prose (access-pattern notes, decisions) but does not yet state as
# facts; without it, query-driven options cannot fit and the ranking is mostly "unknown".
STATED_IN_PROSE = {
    "url-shortener": {"queries": {"key_lookup"}, "realtime": "none"},
    "news-feed": {"queries": {"key_lookup", "range_scan", "transactions", "blob"}, "realtime": "none"},
    "chat": {"queries": {"key_lookup", "range_scan", "transactions"}, "realtime": "bidirectional"},
}


def _choices(design):
    out = [(d.id, d.choice.option) for d in design.decisions or []]
    if design.architecture and design.architecture.compute:
        out.append(("architecture.compute", str(getattr(design.architecture.compute, "value",
                                                        design.architecture.compute))))
    return out


@pytest.mark.parametrize("name", sorted(STATED_IN_PROSE))
def test_examples_choices_rank_in_the_top_half(kb, name):
    design = load_design_text(example_path(name).read_text(), f"{name}.design.yaml")
    facts = design_facts(design, estimate(design))
    facts.update(STATED_IN_PROSE[name])
    table_of = {o.id: o.table for o in kb.options}
    checked = 0
    for where, oid in _choices(design):
        if oid not in table_of:
            continue
        ranked = rank(table_of[oid], facts)
        ids = [r.option.id for r in ranked]
        pos = ids.index(oid)
        score = ranked[pos].score
        assert score >= 0, f"{name} {where}: {oid} scores {score}"
        assert pos < math.ceil(len(ids) / 2), f"{name} {where}: {oid} ranks {pos + 1} of {len(ids)}: {ids}"
        checked += 1
    assert checked >= 4

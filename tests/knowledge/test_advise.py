"""The advisor: each component's option judged against the numbers that pass through it."""

import yaml
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.io.load import load_design_text
from tradeoff.knowledge.advise import advise, check_decision, option_of

# 5K writes/s is the relational primary's ceiling in thresholds.yaml.
EVENTS = """\
name: events
requirements:
  use_cases: [{{id: ingest, name: Ingest events}}, {{id: lookup, name: Look one up}}]
  access_patterns: {{queries: [{queries}]}}
estimates:
  peak_multiplier: 2
  traffic:
    - {{use_case: ingest, operation: write, rate: {rate}}}
    - {{use_case: lookup, operation: read, rate: 100/s}}
architecture:
  components:
    - {{id: api, kind: service}}
    - {{id: db, kind: data_store, storage: relational, technology: PostgreSQL}}
    - {{id: archive, kind: data_store, storage: object_store, queries: [blob]}}
  write_paths: [{{id: w, use_case: ingest, hops: [api, db]}}]
  read_paths: [{{id: r, use_case: lookup, hops: [api, db]}}]
"""


def _advice(design, cid):
    return next(a for a in advise(design).advice if a.component.id == cid)


def test_relational_under_heavy_writes_has_a_better_fit():
    # 432M/day / 86,400 = 5,000 writes/s average, 10,000 at peak (2x): past 5K
    d = load_design_text(EVENTS.format(rate="432M/day", queries="time_range, key_lookup"), "e.yaml")
    a = _advice(d, "db")
    assert a.option.id == "relational"
    assert "STORE-REL-001" in {r.id for r, hit in a.chosen.risks if hit}
    assert a.verdict == "better fit exists"
    assert "wide_column" in {r.option.id for r in a.better}


def test_relational_under_light_transactional_writes_fits():
    # 8.64M/day / 86,400 = 100 writes/s, 200 at peak: far below 5K; and the design needs joins
    d = load_design_text(EVENTS.format(rate="8.64M/day", queries="transactions, joins"), "e.yaml")
    a = _advice(d, "db")
    assert "STORE-REL-001" not in {r.id for r, hit in a.chosen.risks if hit}
    assert a.verdict == "fits"
    assert a.better == []


def test_light_writes_without_relational_needs_point_elsewhere():
    # same 200 writes/s, but only time ranges and key lookups: nothing calls for relational
    d = load_design_text(EVENTS.format(rate="8.64M/day", queries="time_range, key_lookup"), "e.yaml")
    a = _advice(d, "db")
    assert a.verdict == "better fit exists"
    assert {"wide_column", "time_series"} <= {r.option.id for r in a.better}


def test_component_facts_are_narrowed_to_what_passes_through():
    # the archive is on no path: the 10K writes/s of the system are not its load
    d = load_design_text(EVENTS.format(rate="432M/day", queries="time_range, key_lookup"), "e.yaml")
    a = _advice(d, "archive")
    assert "STORE-REL-001" not in {r.id for r, _ in a.chosen.risks}
    assert all(r.option.table == "data_storage" for r in a.ranked)


def test_only_alternatives_of_the_same_role_are_compared():
    d = load_design_text(EVENTS.format(rate="432M/day", queries="time_range, key_lookup"), "e.yaml")
    for a in advise(d).advice:
        assert {r.option.role for r in a.ranked} == {a.option.role}


def test_option_of_maps_kinds_layers_and_technologies():
    d = load_design_text("""\
name: m
architecture:
  components:
    - {id: l4, kind: load_balancer, layer: L4}
    - {id: l7, kind: load_balancer}
    - {id: c, kind: cache, cache_layer: local}
    - {id: q, kind: queue}
    - {id: zk, kind: coordination}
    - {id: s, kind: data_store, technology: Amazon DynamoDB}
    - {id: k, kind: data_store, technology: Kafka, option: event_stream}
    - {id: svc, kind: service}
""", "m.yaml")
    got = {c.id: (option_of(c).id if option_of(c) else None) for c in d.components}
    assert got == {"l4": "l4", "l7": "l7", "c": "local_cache", "q": "queue", "zk": "consensus",
                   "s": "key_value", "k": "event_stream", "svc": None}


COMPLETE = """\
name: dec
requirements:
  use_cases: [{id: read, name: Read}]
decisions:
  - id: d
    requirement: low-latency reads at 100K QPS by key
    traces_to: [read]
    criteria: [read latency, horizontal scale]
    choice: {option: key_value, technology: DynamoDB}
    tradeoff: {gain: single-digit ms reads, give_up: ad-hoc queries, acceptable_because: access is by key}
    rejected: [{option: relational, why: a primary and replicas at this QPS cost more}]
  - id: thin
    choice: {technology: FoobarDB}
"""


def test_check_decision_five_steps():
    d = load_design_text(COMPLETE, "d.yaml")
    assert check_decision(d.decisions[0]) == []
    problems = " | ".join(check_decision(d.decisions[1]))
    for step in ("step 1", "step 2", "step 3", "step 4", "step 5"):
        assert step in problems
    assert "FoobarDB" in problems


def test_drafted_decisions_paste_into_the_design_and_pass_the_check():
    d = load_design_text(EVENTS.format(rate="432M/day", queries="time_range, key_lookup"), "e.yaml")
    adv = advise(d)
    from tradeoff.render.advise import drafts_yaml

    drafts = yaml.safe_load(drafts_yaml(adv))
    assert len(drafts) == len(adv.advice)
    text = EVENTS.format(rate="432M/day", queries="time_range, key_lookup") + "decisions:\n" + yaml.safe_dump(drafts, sort_keys=False)
    pasted = load_design_text(text, "p.yaml")
    for dec in pasted.decisions:
        problems = [p for p in check_decision(dec) if "traces to no requirement" not in p]
        assert problems == [], (dec.id, problems)


def test_advise_cli_on_examples_and_errors():
    runner = CliRunner()
    for name in ("url-shortener", "news-feed", "chat"):
        r = runner.invoke(app, ["advise", name, "--format", "json"])
        assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["advise", "url-shortener", "--component", "url-stor"])
    assert r.exit_code == 2 and "did you mean 'url-store'" in r.stderr


def test_examples_written_decisions_have_all_five_steps():
    import json

    for name in ("url-shortener", "news-feed", "chat"):
        r = CliRunner().invoke(app, ["advise", name, "--format", "json"])
        data = json.loads(r.stdout)
        assert data["decisions"] and all(not d["problems"] for d in data["decisions"]), name


def test_better_fit_is_explained_with_numbers():
    # 432M/day = 5,000 writes/s average, 10,000 at peak with 2x: the evidence shows the 10K
    d = load_design_text(EVENTS.format(rate="432M/day", queries="time_range, key_lookup"), "e.yaml")
    a = _advice(d, "db")
    wide = next(r for r in a.better if r.option.id == "wide_column")
    assert "qps.write.peak = 10K" in a.evidence(wide)
    assert "qps.write.peak = 10K" in a.evidence(a.chosen)  # the risk STORE-REL-001 rests on it

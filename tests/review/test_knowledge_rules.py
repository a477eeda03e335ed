"""The knowledge base's risks as review rules (review/rules/knowledge.py), through `review`.

For each of the 71 risks of knowledge/options.yaml (the rule's code is the risk's id) and each
outcome of its condition, a tiny design (tests/review/knowledge_designs.py) USES the option -
a component embodying it with every flow through it, the compute style, the API style, an async
edge's pattern, or a decision's choice - with the condition made true or false by
`assignments`/`design_for` of tests/knowledge/test_option_predicates.py:

- true: the rule fires once, at the using element (its path and line), at the risk's severity,
  and stays silent on the same design without the option;
- false: the option is used at that element, and the rule is silent.

Then: a warning the design accepted (a decision about that component, or about the option
where no component embodies it, naming what it gives up and why that is acceptable) is
reported as info; an error-severity risk is never downgraded.
"""

from __future__ import annotations

import pytest
import yaml

from tests.knowledge.test_option_predicates import _same, assignments, design_for
from tests.review.knowledge_designs import ACCEPTED, TRADEOFF, USER, probe, route
from tests.review.util import design, findings, silent

from tradeoff.estimate.engine import estimate
from tradeoff.estimate.thresholds import default_table
from tradeoff.knowledge.capacity import default_capacity
from tradeoff.knowledge.facts import design_facts, evaluate
from tradeoff.knowledge.options import knowledge_base
from tradeoff.review import review
from tradeoff.review.context import Context
from tradeoff.review.engine import RULES, Rule
from tradeoff.review.rules.knowledge import _check, uses

KB = knowledge_base()
RISKS = {risk.id: (opt, risk) for opt in KB.options for risk in opt.risks}

#: (risk id, want) -> why narrowing the facts to the using component makes that outcome
#: impossible. Each is marked xfail(strict=True), so that a fix shows up as an XPASS.
IMPOSSIBLE: dict[tuple[str, bool], str] = {}


def _cases():
    out = []
    for rid in RISKS:
        for want in (True, False):
            marks = [pytest.mark.xfail(strict=True, reason=IMPOSSIBLE[rid, want])] if (rid, want) in IMPOSSIBLE else []
            out.append(pytest.param(rid, want, id=f"{rid}-{'fires' if want else 'silent'}", marks=marks))
    return out


def _who(p) -> str:
    return f"{p.component} ({p.opt.name})" if p.component else p.opt.name


def _made(p, pred, targets, want) -> None:
    """The design really gives the facts it was written for, and the condition its outcome."""
    wrong = {k: (p.facts.get(k), v) for k, v in targets.items() if not _same(p.facts.get(k), v)}
    assert not wrong, f"facts the rule judges by (got, target): {wrong}\n{p.text}"
    assert evaluate(pred, p.facts) is want, f"condition is not {want} on\n{p.text}"


def _used_at(text: str, opt) -> list[tuple]:
    d = design(text)
    est = estimate(d)
    ctx = Context(d, est, design_facts(d, est), default_table(), default_capacity())
    return [el.source_path for el, _, _ in uses(ctx, opt)]


def test_every_risk_is_a_rule_with_its_severity():
    assert len(RISKS) == 71
    for rid, (opt, risk) in RISKS.items():
        r = RULES[rid]
        assert (r.severity, r.fix) == (risk.severity, risk.fix), rid
        assert r.title.startswith(f"{opt.name}: "), rid
    assert {route(o) for o in KB.options} == {"component", "compute", "api", "async", "decision"}


@pytest.mark.parametrize("rid, want", _cases())
def test_risk_rule(rid, want):
    opt, risk = RISKS[rid]
    targets = assignments(risk.when, want)
    p = probe(opt, targets)
    _made(p, risk.when, targets, want)
    assert _used_at(p.text, opt) == [p.path], f"{opt.id} should be used once, at {p.path}"
    got = findings(p.text, rid)
    if not want:
        assert not got, f"{rid} fired with its condition false: {[f.message for f in got]}\n{p.text}"
        return
    assert len(got) == 1, f"{rid}: expected one finding, got {[f.message for f in got]}\n{p.text}"
    f = got[0]
    assert f.code == rid
    assert f.severity == risk.severity
    assert f.path == p.path
    assert f.line == p.line, f"{rid} points at line {f.line}, the {p.route} using {opt.id} is at {p.line}\n{p.text}"
    assert f.element == p.element
    assert f.message == f"{_who(p)}: {risk.message}"
    # the same facts with nothing using the option: nothing to warn about
    silent(design_for(targets), rid)


@pytest.mark.parametrize("rid", [pytest.param(rid, id=rid) for rid in RISKS])
def test_accepted_risk_is_info(rid):
    """Accepted in a decision: a warning becomes info and says where it was accepted; an info stays as it is."""
    opt, risk = RISKS[rid]
    p = probe(opt, assignments(risk.when, True), accept=True)
    got = findings(p.text, rid)
    at = [f for f in got if f.path == p.path]
    assert len(at) == 1, f"{rid}: {[(f.pointer, f.message) for f in got]}\n{p.text}"
    f = at[0]
    assert (f.code, f.line, f.severity) == (rid, p.line, "info")
    accepted = ACCEPTED if p.route != "decision" else p.element
    note = f" (accepted in decision '{accepted}')" if risk.severity == "warning" else ""
    assert f.message == f"{_who(p)}: {risk.message}{note}"
    # where no component embodies the option, the accepting decision names the option and is
    # itself counted as a use of it (see test_a_decision_recording_a_drawn_choice_adds_no_finding):
    # whatever it reports is accepted alike
    assert {g.severity for g in got} == {"info"}


# --- acceptance needs the whole tradeoff, about this component -----------------------------------

def _relational_over_the_write_limit(decision: dict | None, extra: list | None = None) -> str:
    opt, risk = RISKS["STORE-REL-001"]
    d = yaml.safe_load(probe(opt, assignments(risk.when, True)).text)
    d["architecture"]["components"] += extra or []
    if decision:
        d["decisions"] = [{"id": "d", **decision}]
    return yaml.safe_dump(d, sort_keys=False)


@pytest.mark.parametrize("decision, extra, severity", [
    pytest.param({"choice": {"component": USER}, "tradeoff": TRADEOFF}, None, "info", id="accepted"),
    pytest.param({"choice": {"component": USER}, "tradeoff": {**TRADEOFF, "acceptable_because": None}}, None,
                 "warning", id="no-acceptable-because"),
    pytest.param({"choice": {"component": USER}, "tradeoff": {**TRADEOFF, "give_up": None}}, None,
                 "warning", id="no-give-up"),
    pytest.param({"choice": {"component": USER}}, None, "warning", id="no-tradeoff"),
    pytest.param({"choice": {"component": "other-db"}, "tradeoff": TRADEOFF},
                 [{"id": "other-db", "kind": "data_store", "storage": "key_value"}], "warning", id="other-component"),
    pytest.param(None, None, "warning", id="no-decision"),
])
def test_acceptance_needs_give_up_and_why_about_this_component(decision, extra, severity):
    got = findings(_relational_over_the_write_limit(decision, extra), "STORE-REL-001")
    assert [(f.pointer, f.severity) for f in got] == [("architecture.components[0]", severity)]


def test_an_error_risk_is_never_downgraded(monkeypatch):
    """No risk of options.yaml is an error today; one made so keeps its severity when accepted."""
    assert {risk.severity for _, risk in RISKS.values()} <= {"warning", "info"}
    opt, risk = RISKS["STORE-REL-001"]
    severe = risk.model_copy(update={"severity": "error"})
    code = "STORE-REL-999"
    monkeypatch.setitem(RULES, code, Rule(code, "test", "error", "p", "w", "f", _check(opt, severe)))
    for accept in (False, True):
        p = probe(opt, assignments(risk.when, True), accept=accept)
        got = [f for f in review(design(p.text), only={code}).findings]
        assert [(f.code, f.pointer, f.line, f.severity) for f in got] == [
            (code, "architecture.components[0]", p.line, "error")]
        assert "accepted" not in got[0].message
    # and an accepted warning of the same rule is info
    warn = Rule(code, "test", "warning", "p", "w", "f", _check(opt, risk))
    monkeypatch.setitem(RULES, code, warn)
    got = review(design(probe(opt, assignments(risk.when, True), accept=True).text), only={code}).findings
    assert [f.severity for f in got] == ["info"]


# --- the facts are the component's: its flows, its data, its queries -----------------------------

STORE_ON_PATHS = """
name: t
requirements:
  use_cases:
    - {id: post, name: Post}
    - {id: view, name: View}
estimates:
  traffic:
    - {use_case: post, operation: write, rate: 20K/s, peak_multiplier: 1}
    - {use_case: view, operation: read, rate: 1K/s, peak_multiplier: 1}
architecture:
  components:
    - {id: api, kind: service}
    - {id: db, kind: data_store, storage: relational}
    - {id: log, kind: data_store, storage: wide_column}
  read_paths:
    - {id: view-path, use_case: view, hops: [api, db]}
  write_paths:
    - {id: post-path, use_case: post, hops: [api, log]}
"""


def test_a_store_off_the_write_path_does_not_carry_the_writes():
    # 20K writes/s reach the design (above the 5K/s relational_primary_write_qps), but the
    # relational store db serves only the 1K/s reads: its own write rate is 0/s, silent
    silent(STORE_ON_PATHS, "STORE-REL-001")
    # put it on the write path and it takes the 20K/s: fires, at db (line 14: line 1 is blank)
    f, = findings(STORE_ON_PATHS.replace("hops: [api, log]", "hops: [api, db, log]"), "STORE-REL-001")
    assert (f.element, f.line, f.severity) == ("db", 14, "warning")


def test_a_store_on_no_flow_is_judged_by_the_whole_design():
    # db on no flow at all: nothing narrows its facts, so the design's 20K writes/s count
    # (options.yaml: "a design that uses an option for one small part will see that option's
    # risks evaluated against the whole")
    text = STORE_ON_PATHS.replace("hops: [api, db]", "hops: [api]")
    f, = findings(text, "STORE-REL-001")
    assert f.element == "db"


def test_a_store_serves_its_own_queries():
    # the design joins, but this document store is stated to serve key lookups only: silent;
    # stated to serve the joins: fires
    opt, risk = RISKS["STORE-DOC-001"]
    d = yaml.safe_load(probe(opt, assignments(risk.when, True)).text)
    assert d["requirements"]["access_patterns"]["queries"] == ["joins"]
    d["architecture"]["components"][0]["queries"] = ["key_lookup"]
    silent(yaml.safe_dump(d, sort_keys=False), "STORE-DOC-001")
    d["architecture"]["components"][0]["queries"] = ["key_lookup", "joins"]
    assert findings(yaml.safe_dump(d, sort_keys=False), "STORE-DOC-001")[0].element == USER


def test_a_store_holding_nothing_stated_has_unknown_size():
    # the design keeps 10 TB (solver: 10 x the 1 TB node_storage) but the graph store holds no
    # stated entity: its size is unknown, not the system's, so STORE-GRAPH-002 cannot judge it
    opt, risk = RISKS["STORE-GRAPH-002"]
    d = yaml.safe_load(probe(opt, assignments(risk.when, True)).text)
    del d["architecture"]["components"][0]["entities"]
    silent(yaml.safe_dump(d, sort_keys=False), "STORE-GRAPH-002")


# --- the other ways a design uses an option ------------------------------------------------------

def test_a_flow_protocol_uses_a_push_option():
    # no API style stated; a read path over WebSocket with realtime: none (COMM-WS-003)
    text = """
name: t
requirements:
  access_patterns: {realtime: none}
architecture:
  components:
    - {id: gw, kind: realtime_gateway}
  read_paths:
    - id: live
      hops: [gw]
      protocol: websocket
"""
    f, = findings(text, "COMM-WS-003")  # the text opens with a blank line: `- id: live` is line 9
    assert (f.pointer, f.line, f.element, f.severity) == ("architecture.read_paths[0]", 9, "live", "warning")
    silent(text.replace("protocol: websocket", "protocol: rest"), "COMM-WS-003")


def test_an_api_style_names_the_option_instead_of_flows():
    # the API style is REST: a WebSocket flow is still a use of WebSocket, the style is not
    text = """
name: t
requirements:
  access_patterns: {realtime: none}
architecture:
  components:
    - {id: gw, kind: realtime_gateway}
  read_paths:
    - {id: live, hops: [gw], protocol: websocket}
deep_dives:
  api_design: {style: rest}
"""
    assert [f.pointer for f in findings(text, "COMM-WS-003")] == ["architecture.read_paths[0]"]
    assert [f.pointer for f in findings(text.replace("style: rest", "style: websocket"), "COMM-WS-003")] == [
        "deep_dives.api_design"]


def test_a_stated_option_overrides_the_kind():
    # a data store stated as read replicas, with read-your-writes asked for (CONS-RR-001)
    text = """
name: t
requirements:
  non_functional:
    consistency: [{scope: profile, model: read_your_writes}]
architecture:
  components:
    - {id: db, kind: data_store, storage: relational, option: read_replicas}
"""
    f, = findings(text, "CONS-RR-001")  # line 1 is blank: db is line 8
    assert (f.pointer, f.line, f.element) == ("architecture.components[0]", 8, "db")
    assert f.message.startswith("db (Read Replicas): ")
    silent(text.replace(", option: read_replicas", ""), "CONS-RR-001")


def test_a_decision_choosing_a_component_option_with_no_component():
    # relational chosen in a decision, not drawn: judged by the design's facts (joins are fine,
    # 50K writes/s are not)
    opt, risk = RISKS["STORE-REL-001"]
    d = yaml.safe_load(design_for(assignments(risk.when, True)))
    d["decisions"] = [{"id": "db", "choice": {"option": "relational", "technology": "PostgreSQL"}}]
    f, = findings(yaml.safe_dump(d, sort_keys=False), "STORE-REL-001")
    assert (f.pointer, f.element, f.severity) == ("decisions[0]", "db", "warning")
    assert f.message.startswith("Relational: ")


# --- misbehaviour found while writing these tests, now fixed -----------------------------------

def test_a_decision_recording_a_drawn_choice_adds_no_finding():
    # 6 teams on a monolith (COMPUTE-MONO-001: teams >= 4), recorded in a decision too
    text = """
name: t
requirements:
  context: {teams: 6}
architecture:
  compute: monolith
decisions:
  - id: mono
    choice: {option: monolith}
"""
    assert [f.pointer for f in findings(text, "COMPUTE-MONO-001")] == ["architecture"]


def test_a_decision_recording_a_drawn_store_is_judged_by_the_store():
    text = STORE_ON_PATHS + """decisions:
  - id: db-choice
    choice: {option: relational, technology: PostgreSQL}
"""
    silent(text, "STORE-REL-001")


def test_a_risk_graded_error_by_the_design_is_not_downgraded():
    text = STORE_ON_PATHS.replace("hops: [api, log]", "hops: [api, db, log]") + """decisions:
  - id: d
    choice: {component: db}
    tradeoff: {give_up: one write primary, acceptable_because: we shard later}
review:
  severity: {STORE-REL-001: error}
"""
    assert [f.severity for f in findings(text, "STORE-REL-001")] == ["error"]

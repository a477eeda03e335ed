"""Tiny designs that USE a knowledge-base option, with a risk's condition made true or false.

tests/knowledge/test_option_predicates.py solves a risk's predicate into fact targets
(`assignments`) and writes a design producing exactly those facts (`design_for`). Here that
design is extended so that the option is actually used, the way review/rules/knowledge.py
looks for it:

- `component`: a component that embodies the option (a data store of that storage kind, a cache
  of that layer, a load balancer of that layer, a queue, stream, CDN, gateway, mesh or
  coordination service), with every use case's flow passing through it and every stored entity
  held by it, so that its narrowed facts (advise.component_facts) equal the design's;
- `compute`: architecture.compute;
- `api`: deep_dives.api_design.style (REST, GraphQL, gRPC, WebSocket, SSE);
- `async`: an async edge with that event `pattern:`;
- `decision`: a decision whose choice names the option and no component (the consistency
  options no component kind embodies).

`probe(opt, targets)` returns the YAML, where the using element sits (its path, and its line
worked out from the text, independently of the loader's source map) and the facts the rule will
judge by, so a test can check that the design really makes the condition what it meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from tests.knowledge.test_option_predicates import design_for

from tradeoff.estimate.engine import estimate
from tradeoff.io.load import load_design_text
from tradeoff.knowledge.advise import component_facts, option_of
from tradeoff.knowledge.facts import design_facts
from tradeoff.knowledge.options import Option

#: options a component embodies by its kind (and storage kind, cache layer, LB layer): the fields
#: of that component, as advise.option_of reads them
EMBODIED: dict[str, dict[str, Any]] = {
    **{s: {"kind": "data_store", "storage": s} for s in (
        "relational", "document", "wide_column", "key_value", "graph", "search", "time_series", "object_store")},
    "client_cache": {"kind": "cache", "cache_layer": "client"},
    "app_cache": {"kind": "cache", "cache_layer": "app"},
    "local_cache": {"kind": "cache", "cache_layer": "local"},
    "cdn": {"kind": "cdn"},
    "l4": {"kind": "load_balancer", "layer": "L4"},
    "l7": {"kind": "load_balancer", "layer": "L7"},
    "queue": {"kind": "queue"},
    "event_stream": {"kind": "event_stream"},
    "api_gateway": {"kind": "api_gateway"},
    "service_mesh": {"kind": "service_mesh"},
    "consensus": {"kind": "coordination"},
}

#: the id of the component that embodies the option, and of the other using elements
USER = "the-option"
EDGE = "the-edge"
CHOICE = "the-choice"
ACCEPTED = "accepted"

TRADEOFF = {"gain": "what the option gives", "give_up": "what its risk costs us",
            "acceptable_because": "the risk is known and bounded for this design"}


def route(opt: Option) -> str:
    """How a design uses this option: component, compute, api, async or decision."""
    if opt.id in EMBODIED:
        return "component"
    if opt.table == "compute":
        return "compute"
    if opt.table == "communication" and opt.role in ("request_response", "push"):
        return "api"
    if opt.table == "event_driven":
        return "async"
    if opt.table == "consistency":
        return "decision"
    raise AssertionError(f"no way to use option {opt.id} ({opt.table}/{opt.role})")


@dataclass
class Probe:
    opt: Option
    route: str
    text: str
    path: tuple  # where the using element sits in the design
    line: int  # its first line in `text` (a mapping starts at its first key)
    element: str | None  # the using element's id (component, async edge, decision), if any
    component: str | None  # the embodying component's id, for the component route
    facts: dict[str, Any]  # the facts the rule judges by: the component's, else the design's


def _line_of(text: str, marker: str) -> int:
    hits = [i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip() == marker]
    assert len(hits) == 1, f"marker {marker!r} found {len(hits)} times in\n{text}"
    return hits[0]


def probe(opt: Option, targets: dict[str, Any], accept: bool = False) -> Probe:
    """The design of `design_for(targets)`, using `opt`; with `accept`, plus a decision that names
    what the choice gives up and why that is acceptable (about the component, else the option)."""
    d: dict[str, Any] = yaml.safe_load(design_for(targets))
    req = d.get("requirements", {})
    est = d.get("estimates", {})
    how = route(opt)
    decisions: list[dict[str, Any]] = []
    component = None
    if how == "component":
        component = USER
        c: dict[str, Any] = {"id": USER, **EMBODIED[opt.id]}
        stored = [e["id"] for e in est.get("storage", [])]
        if stored:
            c["entities"] = stored
        queries = req.get("access_patterns", {}).get("queries")
        if queries:
            c["queries"] = list(queries)  # the component serves what the design asks
        arch = d.setdefault("architecture", {"components": []})
        arch["components"].append(c)
        for t in est.get("traffic", []):
            kind = "read_paths" if t["operation"] == "read" else "write_paths"
            arch.setdefault(kind, []).append({"id": f"{t['use_case']}-path", "use_case": t["use_case"], "hops": [USER]})
        path = ("architecture", "components", len(arch["components"]) - 1)
        marker, element = f"- id: {USER}", USER
        if accept:
            decisions.append({"id": ACCEPTED, "choice": {"component": USER}, "tradeoff": TRADEOFF})
    elif how == "compute":
        d["architecture"] = {"compute": opt.id, **d.get("architecture", {})}
        path, marker, element = ("architecture",), f"compute: {opt.id}", None
    elif how == "api":
        d["deep_dives"] = {"api_design": {"style": opt.id}}
        path, marker, element = ("deep_dives", "api_design"), f"style: {opt.id}", None
    elif how == "async":
        # workers and a queue: kinds no fact counts (services, clients), so the facts stay as targeted
        arch = d.setdefault("architecture", {"components": []})
        arch["components"] += [{"id": "producer", "kind": "worker"}, {"id": "bus", "kind": "queue"},
                               {"id": "consumer", "kind": "worker"}]
        arch["async_edges"] = [{"id": EDGE, "producer": "producer", "via": "bus", "consumers": ["consumer"],
                                "pattern": opt.id}]
        path, marker, element = ("architecture", "async_edges", 0), f"- id: {EDGE}", EDGE
    else:  # decision
        decisions.append({"id": CHOICE, "choice": {"option": opt.id}, **({"tradeoff": TRADEOFF} if accept else {})})
        path, marker, element = ("decisions", 0), f"- id: {CHOICE}", CHOICE
    if accept and how in ("compute", "api", "async"):
        decisions.append({"id": ACCEPTED, "choice": {"option": opt.id}, "tradeoff": TRADEOFF})
    if decisions:
        d["decisions"] = decisions
    text = yaml.safe_dump(d, sort_keys=False)
    design = load_design_text(text, "t.design.yaml")
    e = estimate(design)
    facts = design_facts(design, e)
    if component is not None:
        c_model = next(x for x in design.components if x.id == component)
        got = option_of(c_model)
        assert got is not None and got.id == opt.id, f"{component} embodies {got and got.id}, not {opt.id}"
        facts = component_facts(design, e, facts, c_model)
    return Probe(opt, how, text, path, _line_of(text, marker), element, component, facts)

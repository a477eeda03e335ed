"""Facts about a design that the knowledge base reasons over, and the predicate language.

A fact is a named value computed from the design and its estimate (read QPS at peak, the
strongest consistency asked for, the kinds of query, the team's stage, ...). A predicate in
the knowledge files is data:

    {fact: qps.read.peak, gte: {threshold: cache_read_qps}}
    {fact: queries, contains: full_text}
    {all: [...]}, {any: [...]}, {not: {...}}

and evaluates to True, False, or None when the design does not say (a partial design).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from tradeoff.estimate.engine import Estimate
from tradeoff.estimate.thresholds import Table, default_table
from tradeoff.model import quantity as q
from tradeoff.model.design import ComponentKind, Design


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str  # count | bytes | data_rate | fraction | ms | bool | enum | set
    description: str


def _figure(key: str) -> Callable[[Design, Estimate], Any]:
    return lambda d, e: e.value(key)


def _req(d: Design):
    return d.requirements


def _ap(d: Design):
    return d.requirements.access_patterns if d.requirements else None


def _nf(d: Design):
    return d.requirements.non_functional if d.requirements else None


def _ctx(d: Design):
    return d.requirements.context if d.requirements else None


def _consistency(d: Design) -> set[str] | None:
    nf = _nf(d)
    if nf is None or not nf.consistency:
        return None
    return {c.model.value for c in nf.consistency}


def _min_p99(d: Design) -> float | None:
    nf = _nf(d)
    vals = [t.p99.seconds() * 1000 for t in (nf.latency if nf else []) if t.p99 is not None]
    return min(vals) if vals else None


def _multi_region(d: Design) -> bool | None:
    users = d.requirements.users if d.requirements else None
    regions = [c.regions for c in d.components if c.regions]
    if users is None and not regions:
        return None
    return bool((users and len(users.regions) > 1) or any(r > 1 for r in regions))


def _ratio(d: Design, e: Estimate) -> float | None:
    computed = e.value("read_write_ratio")
    if computed is not None:
        return computed
    if e.value("qps.read.avg") and not e.value("qps.write.avg"):
        return math.inf
    ap = _ap(d)
    return ap.read_write_ratio if ap else None


def _push_channel(d: Design) -> bool | None:
    """Does the design already push to clients (a WebSocket/SSE flow or endpoint, a real-time gateway)?"""
    api = d.deep_dives.api_design if d.deep_dives else None
    if d.architecture is None and api is None:
        return None
    push = {"websocket", "sse"}
    if any(c.kind is ComponentKind.realtime_gateway for c in d.components):
        return True
    arch = d.architecture
    for f in [*(arch.read_paths if arch else []), *(arch.write_paths if arch else [])]:
        if (f.protocol and f.protocol.value in push) or any(h.protocol and h.protocol.value in push for h in f.hops):
            return True
    return bool(api and ((api.style and api.style.value in push) or any(e.method in ("WS", "SSE") for e in api.endpoints)))


def _count_kind(kind: ComponentKind) -> Callable[[Design, Estimate], Any]:
    return lambda d, e: (sum(1 for c in d.components if c.kind is kind) if d.architecture else None)


FACTS: dict[str, tuple[FactSpec, Callable[[Design, Estimate], Any]]] = {}


def _fact(name: str, kind: str, description: str, fn: Callable[[Design, Estimate], Any]) -> None:
    FACTS[name] = (FactSpec(name, kind, description), fn)


_fact("qps.read.peak", "count", "reads per second at peak", _figure("qps.read.peak"))
_fact("qps.write.peak", "count", "writes per second at peak", _figure("qps.write.peak"))
_fact("qps.total.peak", "count", "requests per second at peak", _figure("qps.total.peak"))
_fact("read_write_ratio", "count", "reads per write (computed, else as stated)", _ratio)
_fact("storage.per_day", "bytes", "new data per day", _figure("storage.per_day"))
_fact("storage.total", "bytes", "data kept over the retention", _figure("storage.total"))
_fact("cache.memory", "bytes", "cache memory by the 80/20 rule", _figure("cache.memory"))
_fact("bandwidth.out.peak", "data_rate", "egress at peak", _figure("bandwidth.out.peak"))
_fact("fanout.peak", "count", "fan-out deliveries per second at peak", _figure("fanout.peak"))
_fact("users.peak_concurrent", "count", "peak concurrent users or connections",
      lambda d, e: d.requirements.users.peak_concurrent if d.requirements and d.requirements.users else None)
_fact("consistency", "set", "consistency models asked for (strong, eventual, ...)", lambda d, e: _consistency(d))
_fact("p99_ms", "ms", "the tightest p99 latency target, in ms", lambda d, e: _min_p99(d))
_fact("availability", "fraction", "the availability target",
      lambda d, e: _nf(d).availability.target if _nf(d) and _nf(d).availability else None)
_fact("shape", "enum", "traffic shape: steady, bursty, diurnal",
      lambda d, e: _ap(d).shape.value if _ap(d) and _ap(d).shape else None)
_fact("processing", "enum", "real_time, batch or mixed",
      lambda d, e: _ap(d).processing.value if _ap(d) and _ap(d).processing else None)
_fact("queries", "set", "kinds of query the system answers",
      lambda d, e: {x.value for x in _ap(d).queries} if _ap(d) and _ap(d).queries else None)
_fact("realtime", "enum", "none, server_push or bidirectional",
      lambda d, e: _ap(d).realtime.value if _ap(d) and _ap(d).realtime else None)
_fact("push_channel", "bool", "the design pushes to clients (WebSocket/SSE flow or endpoint, real-time gateway)",
      lambda d, e: _push_channel(d))
_fact("multi_region", "bool", "users or components span more than one region", lambda d, e: _multi_region(d))
_fact("stage", "enum", "early, growth or mature", lambda d, e: _ctx(d).stage.value if _ctx(d) and _ctx(d).stage else None)
_fact("teams", "count", "independent teams", lambda d, e: _ctx(d).teams if _ctx(d) else None)
_fact("ops_maturity", "enum", "low, medium or high", lambda d, e: _ctx(d).ops_maturity if _ctx(d) else None)
_fact("services", "count", "service components in the architecture", _count_kind(ComponentKind.service))
_fact("clients", "count", "client components (distinct frontends)", _count_kind(ComponentKind.client))
_fact("compliance", "bool", "any compliance requirement",
      lambda d, e: bool(_nf(d).compliance) if _nf(d) else None)


def design_facts(design: Design, est: Estimate) -> dict[str, Any]:
    return {name: fn(design, est) for name, (_, fn) in FACTS.items()}


# --- predicates ---------------------------------------------------------------------------

COMPARISONS = ("gte", "gt", "lte", "lt", "eq", "ne", "in", "contains", "is")

_PARSE = {"count": q.parse_count, "bytes": q.parse_bytes, "data_rate": q.parse_data_rate,
          "fraction": q.parse_fraction, "ms": lambda v: q.parse_duration(v).seconds() * 1000}


class PredicateError(ValueError):
    pass


def check_predicate(pred: Any, where: str = "predicate") -> None:
    """Raise PredicateError if a predicate is malformed (unknown fact, operator or value)."""
    if not isinstance(pred, dict) or not pred:
        raise PredicateError(f"{where}: a predicate is a mapping")
    if "all" in pred or "any" in pred:
        key = "all" if "all" in pred else "any"
        if set(pred) != {key} or not isinstance(pred[key], list) or not pred[key]:
            raise PredicateError(f"{where}: '{key}' takes a non-empty list and nothing else")
        for i, p in enumerate(pred[key]):
            check_predicate(p, f"{where}.{key}[{i}]")
        return
    if "not" in pred:
        if set(pred) != {"not"}:
            raise PredicateError(f"{where}: 'not' takes one predicate and nothing else")
        check_predicate(pred["not"], f"{where}.not")
        return
    fact = pred.get("fact")
    if fact not in FACTS:
        raise PredicateError(f"{where}: unknown fact {fact!r}; known: {', '.join(sorted(FACTS))}")
    ops = [k for k in pred if k != "fact"]
    if len(ops) != 1 or ops[0] not in COMPARISONS:
        raise PredicateError(f"{where}: give exactly one of {', '.join(COMPARISONS)}")
    value = pred[ops[0]]
    if isinstance(value, dict):
        if set(value) != {"threshold"} or value["threshold"] not in default_table().thresholds:
            raise PredicateError(f"{where}: a mapping value must be {{threshold: NAME}} of a known threshold")
        return
    kind = FACTS[fact][0].kind
    if kind in _PARSE and ops[0] in ("gte", "gt", "lte", "lt", "eq", "ne"):
        try:
            _PARSE[kind](value)
        except q.QuantityError as exc:
            raise PredicateError(f"{where}: {exc}") from None


def _value(raw: Any, kind: str, table: Table) -> Any:
    if isinstance(raw, dict) and "threshold" in raw:
        return table.thresholds[raw["threshold"]].value
    if kind in _PARSE and isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return _PARSE[kind](raw)
    return raw


def evaluate(pred: dict[str, Any], facts: dict[str, Any], table: Table | None = None) -> bool | None:
    """Three-valued: True, False, or None when a fact it needs is unknown."""
    table = table or default_table()
    if "all" in pred:
        results = [evaluate(p, facts, table) for p in pred["all"]]
        return False if False in results else (None if None in results else True)
    if "any" in pred:
        results = [evaluate(p, facts, table) for p in pred["any"]]
        return True if True in results else (None if None in results else False)
    if "not" in pred:
        r = evaluate(pred["not"], facts, table)
        return None if r is None else not r
    name = pred["fact"]
    actual = facts.get(name)
    if actual is None:
        return None
    (op, raw), = ((k, v) for k, v in pred.items() if k != "fact")
    value = _value(raw, FACTS[name][0].kind, table)
    if op == "gte":
        return actual >= value
    if op == "gt":
        return actual > value
    if op == "lte":
        return actual <= value
    if op == "lt":
        return actual < value
    if op == "eq" or op == "is":
        return actual == value
    if op == "ne":
        return actual != value
    if op == "in":
        return actual in value
    if op == "contains":
        return value in actual
    raise PredicateError(f"unknown comparison {op!r}")


def describe(pred: dict[str, Any]) -> str:
    """A predicate in words, for 'why' lines: 'qps.read.peak >= cache_read_qps'."""
    if "all" in pred:
        return " and ".join(describe(p) for p in pred["all"])
    if "any" in pred:
        return "(" + " or ".join(describe(p) for p in pred["any"]) + ")"
    if "not" in pred:
        return f"not {describe(pred['not'])}"
    (op, raw), = ((k, v) for k, v in pred.items() if k != "fact")
    shown = raw["threshold"] if isinstance(raw, dict) else raw
    symbol = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "eq": "=", "ne": "!=", "is": "is",
              "in": "in", "contains": "includes"}[op]
    return f"{pred['fact']} {symbol} {shown}"


def parse_needs(needs: list[str]) -> dict[str, Any]:
    """`--need queries=key_lookup,joins --need qps.read.peak=100K` -> facts."""
    from tradeoff.errors import UsageError

    out: dict[str, Any] = {}
    for need in needs:
        name, sep, raw = need.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or name not in FACTS:
            import difflib

            close = difflib.get_close_matches(name, list(FACTS), n=1)
            raise UsageError(f"--need {need!r}: expected FACT=VALUE with a known fact",
                             f"did you mean '{close[0]}'?" if close else f"facts: {', '.join(sorted(FACTS))}")
        kind = FACTS[name][0].kind
        try:
            if kind == "set":
                out[name] = {x.strip() for x in raw.split(",") if x.strip()}
            elif kind == "bool":
                if raw.lower() not in ("true", "false", "yes", "no"):
                    raise q.QuantityError(f"{raw!r} is not true or false", "write true or false")
                out[name] = raw.lower() in ("true", "yes")
            elif kind == "enum":
                out[name] = raw
            else:
                out[name] = _PARSE[kind](raw)
        except q.QuantityError as exc:
            raise UsageError(f"--need {need!r}: {exc}", exc.hint) from None
    return out

"""Every fit and risk of the knowledge base, made true and made false by a tiny design.

The bar: "every predicate and risk is exercised by a test with a tiny design that makes it
true and one that makes it false". For each `when` in options.yaml (cases named
`relational:fit:0`, `STORE-REL-001`, ...) and each outcome:

1. `assignments(pred, want)` solves for target values of the facts the predicate reads;
2. `design_for(targets)` writes the YAML of a tiny design meant to produce exactly those facts;
3. the YAML is loaded and estimated, its facts are computed (`design_facts`), the targets are
   checked against them, and `evaluate(pred, facts)` must be `want`.

No facts dict is made by hand: the design, through the loader and the estimate engine,
decides the outcome. A predicate no design can make true (or false) is a data bug; such a
case is listed in DATA_BUGS and marked xfail(strict=True).
"""

from __future__ import annotations

import math
import typing
from typing import Any

import pytest
import yaml

from tradeoff.estimate.engine import estimate
from tradeoff.estimate.thresholds import default_table
from tradeoff.io.load import load_design_text
from tradeoff.knowledge.facts import FACTS, design_facts, evaluate
from tradeoff.knowledge.options import knowledge_base
from tradeoff.model import quantity as q
from tradeoff.model.design import (
    ConsistencyModel, Context, Processing, QueryKind, Realtime, Stage, TrafficShape,
)


class Contradiction(Exception):
    """The constraints a predicate puts on one fact cannot all hold."""


# --- fact domains ---------------------------------------------------------------------------------

def _literal_values(annotation: Any) -> list[str]:
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Literal:
            return list(typing.get_args(arg))
    raise AssertionError(f"no Literal in {annotation!r}")


#: the values an enum, bool or set fact can take, in the model's own order
DOMAINS: dict[str, list[Any]] = {
    "shape": [x.value for x in TrafficShape],
    "processing": [x.value for x in Processing],
    "realtime": [x.value for x in Realtime],
    "stage": [x.value for x in Stage],
    "ops_maturity": _literal_values(Context.model_fields["ops_maturity"].annotation),
    "queries": [x.value for x in QueryKind],
    "consistency": [x.value for x in ConsistencyModel],
    "multi_region": [True, False],
    "compliance": [True, False],
    "push_channel": [True, False],
}

#: facts that count things in the design (components, teams): integers, with their minimum
INTEGER_MIN = {"services": 0, "clients": 0, "teams": 1}

_PARSERS = {
    "count": q.parse_count,
    "bytes": q.parse_bytes,
    "data_rate": q.parse_data_rate,
    "fraction": q.parse_fraction,
    "ms": lambda v: q.parse_duration(v).seconds() * 1000,
}


def _kind(fact: str) -> str:
    return FACTS[fact][0].kind


# --- the solver -----------------------------------------------------------------------------------

NEGATE = {"gte": "lt", "gt": "lte", "lte": "gt", "lt": "gte", "eq": "ne", "ne": "eq",
          "in": "not_in", "not_in": "in", "contains": "excludes", "excludes": "contains",
          "is": "is_not", "is_not": "is"}


def _bound(fact: str, raw: Any) -> Any:
    """The value a leaf compares against: a threshold's value, a parsed quantity, or as written."""
    if isinstance(raw, dict):
        return default_table().thresholds[raw["threshold"]].value
    kind = _kind(fact)
    if kind in _PARSERS and not isinstance(raw, (list, bool)):
        return _PARSERS[kind](raw)
    return raw


def _holds(op: str, bound: Any, x: Any) -> bool:
    return {
        "gte": lambda: x >= bound, "gt": lambda: x > bound, "lte": lambda: x <= bound, "lt": lambda: x < bound,
        "eq": lambda: x == bound, "ne": lambda: x != bound, "is": lambda: x == bound, "is_not": lambda: x != bound,
        "in": lambda: x in bound, "not_in": lambda: x not in bound,
        "contains": lambda: bound in x, "excludes": lambda: bound not in x,
    }[op]()


def _collect(pred: dict[str, Any], want: bool, out: dict[str, list[tuple[str, Any]]]) -> None:
    if "all" in pred:
        if want:  # every child true
            for p in pred["all"]:
                _collect(p, True, out)
        else:  # the first child false; the others are left unconstrained
            _collect(pred["all"][0], False, out)
    elif "any" in pred:
        if want:  # the first child true; the others are left unconstrained
            _collect(pred["any"][0], True, out)
        else:  # every child false
            for p in pred["any"]:
                _collect(p, False, out)
    elif "not" in pred:
        _collect(pred["not"], not want, out)
    else:
        (op, raw), = ((k, v) for k, v in pred.items() if k != "fact")
        out.setdefault(pred["fact"], []).append((op if want else NEGATE[op], _bound(pred["fact"], raw)))


def _above(fact: str, b: float) -> float:
    if fact in INTEGER_MIN:
        return math.floor(b) + 1
    if _kind(fact) == "fraction":
        return 1 - (1 - b) / 10  # 99.99% -> 99.999%
    return b * 10 if b > 0 else 1.0


def _below(fact: str, b: float) -> float:
    if fact in INTEGER_MIN:
        return math.ceil(b) - 1
    if _kind(fact) == "fraction":
        return 1 - (1 - b) * 10 if b > 0.9 else b / 2  # 99.99% -> 99.9%
    return b / 10


def _in_domain(fact: str, x: float) -> bool:
    if fact in INTEGER_MIN:
        return float(x).is_integer() and x >= INTEGER_MIN[fact]
    if _kind(fact) == "fraction":
        return 0 <= x <= 1
    return x >= 0


def _pick_number(fact: str, cons: list[tuple[str, Any]]) -> float:
    lo = [b for op, b in cons if op in ("gte", "gt")]
    hi = [b for op, b in cons if op in ("lte", "lt")]
    cands: list[float] = [b for op, b in cons if op == "eq"]
    if lo and hi:
        mid = (max(lo) + min(hi)) / 2
        cands += [mid, math.floor(mid), math.ceil(mid)]
    if lo:
        cands.append(_above(fact, max(lo)))  # clearly above the bound
    if hi:
        cands.append(_below(fact, min(hi)))  # clearly below the bound
    cands += lo + hi  # the bounds themselves, for gte/lte when nothing clearer fits
    cands += [_above(fact, b) for op, b in cons if op == "ne"] + [1.0]
    for x in cands:
        if _in_domain(fact, x) and all(_holds(op, b, x) for op, b in cons):
            return int(x) if fact in INTEGER_MIN else float(x)
    raise Contradiction(f"{fact}: no value satisfies {cons}")


def _pick(fact: str, cons: list[tuple[str, Any]]) -> Any:
    kind = _kind(fact)
    if kind == "set":
        domain = DOMAINS[fact]
        include = [b for op, b in cons if op == "contains"]
        exclude = {b for op, b in cons if op == "excludes"}
        if any(op not in ("contains", "excludes") for op, _ in cons):
            raise NotImplementedError(f"{fact}: only contains is solved for set facts: {cons}")
        if unknown := [b for b in [*include, *exclude] if b not in domain]:
            raise Contradiction(f"{fact}: {unknown} is no value a design can have ({domain})")
        if clash := set(include) & exclude:
            raise Contradiction(f"{fact}: must both contain and exclude {sorted(clash)}")
        # an empty list reads as 'not said' (None), so a set that only excludes gets a filler
        value = set(include) or {next(x for x in domain if x not in exclude)}
        return value
    if kind in ("enum", "bool"):
        for x in DOMAINS[fact]:
            if all(_holds(op, b, x) for op, b in cons):
                return x
        raise Contradiction(f"{fact}: no value of {DOMAINS[fact]} satisfies {cons}")
    return _pick_number(fact, cons)


def assignments(pred: dict[str, Any], want: bool) -> dict[str, Any]:
    """Target fact values under which `pred` evaluates to `want`.

    Comparisons get a value clearly past the bound; contains includes or excludes the item;
    eq/ne/in/is pick from the fact's domain. all/any/not follow the rules in `_collect`.
    Raises Contradiction when the constraints on one fact cannot all hold."""
    cons: dict[str, list[tuple[str, Any]]] = {}
    _collect(pred, want, cons)
    return {fact: _pick(fact, c) for fact, c in cons.items()}


# --- the design builder ---------------------------------------------------------------------------

#: facts whose value follows from the traffic entries (rates, sizes, fan-out)
TRAFFIC_FACTS = {"qps.read.peak", "qps.write.peak", "qps.total.peak", "read_write_ratio",
                 "bandwidth.out.peak", "cache.memory", "fanout.peak"}
#: every fact design_for can realise; test_every_fact_has_a_realisation keeps it equal to FACTS
REALISED = TRAFFIC_FACTS | {
    "storage.per_day", "storage.total", "users.peak_concurrent", "multi_region", "consistency",
    "p99_ms", "availability", "compliance", "shape", "processing", "queries", "realtime",
    "stage", "teams", "ops_maturity", "services", "clients", "push_channel",
}

DEFAULT_RATE = 100.0  # req/s, for a read or write use case whose rate no target fixes


def _num(x: float) -> str:
    """A number as text the quantity parsers read back exactly."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _rates(f: dict[str, Any]) -> tuple[float, float]:
    """Read and write rates (req/s, with peak = average) giving the targeted traffic facts.

    The write rate is settled first where the ratio needs it, and the reads derived from it."""
    reads, writes = f.get("qps.read.peak"), f.get("qps.write.peak")
    total, ratio = f.get("qps.total.peak"), f.get("read_write_ratio")
    if ratio is not None:
        if reads is None and writes is None:
            writes = total / (1 + ratio) if total is not None else 10.0
            reads = ratio * writes
        elif reads is None:
            reads = ratio * writes
        elif writes is None:
            if ratio == 0:
                raise Contradiction(f"a read:write ratio of 0 with {reads} reads/s")
            writes = reads / ratio
    if total is not None:
        if reads is None and writes is None:
            reads = writes = total / 2
        elif reads is None:
            reads = total - writes
        elif writes is None:
            writes = total - reads
    if reads is None and {"bandwidth.out.peak", "cache.memory"} & set(f):
        reads = DEFAULT_RATE  # egress and cache size hang off a read use case
    if "fanout.peak" in f and not (reads or writes):
        writes = DEFAULT_RATE  # fan-out hangs off some use case
    reads, writes = reads or 0.0, writes or 0.0
    if reads < 0 or writes < 0:
        raise Contradiction(f"traffic targets {f} need a negative rate")
    return reads, writes


def design_for(facts: dict[str, Any]) -> str:
    """The YAML of a tiny design whose computed facts equal `facts` (facts not named are
    left unsaid wherever they are independent of the named ones)."""
    if unknown := set(facts) - REALISED:
        raise NotImplementedError(f"no realisation for facts {sorted(unknown)}")
    f = facts
    req: dict[str, Any] = {}
    est: dict[str, Any] = {}
    arch: dict[str, Any] | None = None

    # traffic: one read and one write use case, `rate: N/s` at a peak multiplier of 1, so that
    # qps.*.peak are the rates, read_write_ratio their quotient, egress rate x response size,
    # fan-out rate x deliveries per request, and cache memory 20% x daily reads x object size
    if TRAFFIC_FACTS & set(f):
        reads, writes = _rates(f)
        use_cases, traffic = [], []
        read_entry = write_entry = None
        if reads > 0:
            read_entry = {"use_case": "read", "operation": "read", "rate": f"{_num(reads)}/s", "peak_multiplier": 1}
            use_cases.append({"id": "read", "name": "read something"})
            traffic.append(read_entry)
        if writes > 0:
            write_entry = {"use_case": "write", "operation": "write", "rate": f"{_num(writes)}/s", "peak_multiplier": 1}
            use_cases.append({"id": "write", "name": "write something"})
            traffic.append(write_entry)
        if "bandwidth.out.peak" in f:
            read_entry["response_size"] = f"{_num(f['bandwidth.out.peak'] / reads)} B"
        if "fanout.peak" in f:
            entry = write_entry or read_entry
            entry["fanout"] = float(_num(f["fanout.peak"] / (writes or reads)))
        if "cache.memory" in f:
            fraction = 0.2
            est["cache"] = {"fraction_of_daily_reads": "20%", "use_cases": ["read"],
                            "object_size": f"{_num(f['cache.memory'] / (fraction * reads * 86_400))} B"}
        req["use_cases"] = use_cases
        est["traffic"] = traffic

    # storage: one entity, 1000 new a day of `size` bytes, kept `retention` days
    if {"storage.per_day", "storage.total"} & set(f):
        per_day = f.get("storage.per_day")
        total = f.get("storage.total")
        if per_day is None:
            days = 100.0
            per_day = total / days
        else:
            days = total / per_day if total is not None else 30.0
        est["storage"] = [{"id": "record", "size": f"{_num(per_day / 1000)} B", "new_per_day": 1000,
                           "retention": f"{_num(days)} days"}]

    users: dict[str, Any] = {}
    if "users.peak_concurrent" in f:
        users["peak_concurrent"] = _num(f["users.peak_concurrent"])
    if "multi_region" in f:
        users["regions"] = ["us-east", "eu-west"] if f["multi_region"] else ["us-east"]
    if users:
        req["users"] = users

    ap = {k: f[k] for k in ("shape", "processing", "realtime") if k in f}
    if "queries" in f:
        ap["queries"] = [x for x in DOMAINS["queries"] if x in f["queries"]]
    if ap:
        req["access_patterns"] = ap

    nf: dict[str, Any] = {}
    if "consistency" in f:
        nf["consistency"] = [{"scope": f"data {i}", "model": m}
                             for i, m in enumerate(x for x in DOMAINS["consistency"] if x in f["consistency"])]
    if "p99_ms" in f:
        nf["latency"] = [{"p99": f"{_num(f['p99_ms'])} ms"}]
    if "availability" in f:
        nf["availability"] = {"target": f"{f['availability'] * 100:.10g}%"}
    if "compliance" in f:
        nf["compliance"] = ([{"id": "gdpr", "regime": "GDPR", "requirement": "erase a user's data on request"}]
                            if f["compliance"] else [])
    if nf:
        req["non_functional"] = nf

    ctx = {k: f[k] for k in ("stage", "teams", "ops_maturity") if k in f}
    if ctx:
        req["context"] = ctx

    if "services" in f or "clients" in f:
        components = [{"id": f"client-{i}", "kind": "client"} for i in range(f.get("clients", 0))]
        components += [{"id": f"service-{i}", "kind": "service"} for i in range(f.get("services", 0))]
        arch = {"components": components}
    if "push_channel" in f:
        # a real-time gateway is a push channel; an architecture without one pushes nothing
        arch = arch or {"components": []}
        if f["push_channel"]:
            arch["components"].append({"id": "push-gateway", "kind": "realtime_gateway"})

    design: dict[str, Any] = {"name": "probe"}
    if req:
        design["requirements"] = req
    if est:
        design["estimates"] = est
    if arch is not None:
        design["architecture"] = arch
    return yaml.safe_dump(design, sort_keys=False)


def computed_facts(text: str) -> dict[str, Any]:
    design = load_design_text(text, "x.yaml")
    return design_facts(design, estimate(design))


# --- the cases ------------------------------------------------------------------------------------

def _predicates() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for opt in knowledge_base().options:
        out += [(f"{opt.id}:fit:{i}", fit.when) for i, fit in enumerate(opt.fits)]
        out += [(risk.id, risk.when) for risk in opt.risks]
    return out


PREDICATES = _predicates()

#: (case id, want) -> why no design can give that outcome. Each is a bug in options.yaml.
DATA_BUGS: dict[tuple[str, bool], str] = {}


def _cases() -> list[Any]:
    cases = []
    for cid, pred in PREDICATES:
        for want in (True, False):
            marks = []
            if (cid, want) in DATA_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=f"DATA: {DATA_BUGS[cid, want]}"))
            cases.append(pytest.param(cid, pred, want, id=f"{cid}-{'true' if want else 'false'}", marks=marks))
    return cases


CASES = _cases()


def _same(actual: Any, target: Any) -> bool:
    if isinstance(target, (bool, str, set)) or actual is None:
        return actual == target
    return actual == pytest.approx(target, rel=1e-9)


@pytest.mark.parametrize("cid, pred, want", CASES)
def test_a_tiny_design_makes_it(cid, pred, want):
    targets = assignments(pred, want)
    text = design_for(targets)
    facts = computed_facts(text)
    wrong = {k: (facts[k], v) for k, v in targets.items() if not _same(facts[k], v)}
    assert not wrong, f"{cid}: the design did not produce its target facts (computed, target): {wrong}\n{text}"
    assert evaluate(pred, facts) is want, f"{cid}: expected {want} from\n{text}\nfacts: {targets}"


def test_the_cases_cover_every_fit_and_risk_both_ways():
    kb = knowledge_base()
    n_preds = sum(len(o.fits) + len(o.risks) for o in kb.options)
    assert len(kb.options) == 37
    assert len(PREDICATES) == n_preds
    assert len(CASES) == 2 * n_preds
    assert len(CASES) >= 2 * 37 * 2  # at least one fit and one risk per option, each both ways
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(o.fits and o.risks for o in kb.options)


def test_every_fact_has_a_realisation():
    assert REALISED == set(FACTS)


# --- the machinery itself, on small inputs --------------------------------------------------------

def test_solver_rules():
    joins = {"fact": "queries", "contains": "joins"}
    lookup = {"fact": "queries", "contains": "key_lookup"}
    writes = {"fact": "qps.write.peak", "gte": {"threshold": "relational_primary_write_qps"}}  # 5K
    assert assignments(joins, True) == {"queries": {"joins"}}
    assert assignments(joins, False) == {"queries": {"key_lookup"}}  # excluded, with a filler
    assert assignments({"all": [lookup, {"not": joins}]}, True) == {"queries": {"key_lookup"}}
    assert assignments({"all": [writes, joins]}, False) == {"qps.write.peak": 500.0}
    assert assignments({"any": [writes, joins]}, True) == {"qps.write.peak": 50_000.0}
    assert assignments({"any": [writes, joins]}, False) == {"qps.write.peak": 500.0, "queries": {"key_lookup"}}
    assert assignments({"fact": "p99_ms", "lte": "20 ms"}, False) == {"p99_ms": 200.0}
    assert assignments({"fact": "availability", "gte": "99.99%"}, True)["availability"] == pytest.approx(0.99999)
    assert assignments({"fact": "teams", "lte": 1}, True) == {"teams": 1}  # 0 teams is no design
    assert assignments({"fact": "realtime", "in": ["server_push", "bidirectional"]}, False) == {"realtime": "none"}
    assert assignments({"fact": "multi_region", "is": True}, False) == {"multi_region": False}
    with pytest.raises(Contradiction):
        assignments({"all": [joins, {"not": joins}]}, True)
    with pytest.raises(Contradiction):
        assignments({"fact": "teams", "lt": 1}, True)
    with pytest.raises(Contradiction):
        assignments({"fact": "queries", "contains": "telepathy"}, True)


def test_builder_derives_reads_from_writes_for_the_ratio():
    facts = computed_facts(design_for({"read_write_ratio": 100.0, "qps.write.peak": 500.0}))
    assert facts["qps.write.peak"] == pytest.approx(500.0)
    assert facts["qps.read.peak"] == pytest.approx(50_000.0)
    assert facts["read_write_ratio"] == pytest.approx(100.0)
    facts = computed_facts(design_for({"qps.total.peak": 1000.0, "fanout.peak": 10_000.0,
                                       "bandwidth.out.peak": 1e6, "cache.memory": 1e8}))
    assert facts["qps.total.peak"] == pytest.approx(1000.0)
    assert facts["fanout.peak"] == pytest.approx(10_000.0)
    assert facts["bandwidth.out.peak"] == pytest.approx(1e6)
    assert facts["cache.memory"] == pytest.approx(1e8)


def test_builder_leaves_unnamed_facts_unsaid():
    facts = computed_facts(design_for({"shape": "bursty"}))
    assert facts["shape"] == "bursty"
    assert {k for k, v in facts.items() if v is not None} == {"shape"}

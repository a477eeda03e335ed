"""The "watch out for" column of the seven reference tables, as rules.

Every risk of knowledge/options.yaml becomes a rule with the risk's id (STORE-REL-001,
CACHE-APP-002, ...): it fires where the design uses the option (a component that embodies it,
the compute style, an API style or flow protocol, an async edge's event pattern, a decision's
choice) and the risk's condition holds for that part of the design. A warning the design has
already accepted, in a decision about that component or option that names what it gives up
and why that is acceptable, is reported as info: the tradeoff was named.
"""

from __future__ import annotations

from typing import Any, Iterator

from tradeoff.knowledge.facts import describe, evaluate
from tradeoff.knowledge.options import Option, Risk, knowledge_base
from tradeoff.review.engine import Hit, Rule, register

_TABLE_ITEM = {
    "data_storage": "Data Storage", "communication": "Communication Patterns", "compute": "Compute & Deployment",
    "caching": "Caching", "event_driven": "Event-Driven Patterns", "consistency": "Consistency & Coordination",
    "load_balancing": "Load Balancing & API Gateway",
}


def _dead_letter_only(ctx, cid: str) -> bool:
    """A dead-letter queue: parked failures for an operator, not a channel with consumers."""
    edges = ctx.arch.async_edges if ctx.arch else []
    return (any(a.dead_letter == cid for a in edges)
            and not any(cid in (a.producer, a.via, *a.consumers) for a in edges) and not ctx.flows_through(cid))


def _edge_facts(ctx, edge) -> dict[str, Any]:
    """The design's facts narrowed to one async edge: its use case's event rate and fan-out."""
    facts = dict(ctx.facts)
    if edge.use_case is None:
        return facts
    peak, avg = ctx.est.value(f"{edge.use_case}.qps.peak"), ctx.est.value(f"{edge.use_case}.qps.avg")
    if peak is not None:
        facts["qps.write.peak"] = peak * edge.ratio
        fan = ctx.est.value(f"{edge.use_case}.fanout.avg")
        facts["fanout.peak"] = fan * peak / avg if fan is not None and avg else 0.0
    return facts


def uses(ctx, opt: Option) -> Iterator[tuple[Any, dict[str, Any], str | None]]:
    """Where a design uses an option: (element, the facts to judge it by, component id). A
    decision that names the option without a component counts only when nothing drawn uses it
    (else the drawn use is judged, by its own numbers, and the decision is its justification)."""
    found = list(_drawn_uses(ctx, opt))
    yield from found
    if found:
        return
    for d in ctx.design.decisions:
        if d.choice is not None and d.choice.option == opt.id and d.choice.component is None:
            yield d, ctx.facts, None


def _drawn_uses(ctx, opt: Option) -> Iterator[tuple[Any, dict[str, Any], str | None]]:
    for c in ctx.components:
        o = ctx.option(c)
        if o is not None and o.id == opt.id and not (opt.table == "communication" and _dead_letter_only(ctx, c.id)):
            yield c, ctx.component_facts(c), c.id
    arch, dd = ctx.arch, ctx.dd
    if opt.table == "compute" and arch is not None and arch.compute is not None and arch.compute.value == opt.id:
        yield arch, ctx.facts, None
    if opt.table == "communication" and opt.role in ("request_response", "push"):
        api = dd.api_design if dd else None
        if api is not None and api.style is not None and api.style.value == opt.id:
            yield api, ctx.facts, None
        else:
            for _, f in ctx.flows():
                if f.protocol is not None and f.protocol.value == opt.id:
                    yield f, ctx.facts, None
                    break
    if opt.table == "event_driven" and arch is not None:
        for a in arch.async_edges:
            if a.pattern is not None and a.pattern.value == opt.id:
                yield a, _edge_facts(ctx, a), None


def _accepted(ctx, opt: Option, component: str | None) -> str | None:
    for d in ctx.design.decisions:
        ch, t = d.choice, d.tradeoff
        if ch is None or t is None or not (t.give_up and t.acceptable_because):
            continue
        if component is not None and ch.component == component and ch.option in (None, opt.id):
            return d.id
        if component is None and ch.option == opt.id:
            return d.id
    return None


def _check(opt: Option, risk: Risk):
    def check(ctx) -> Iterator[Hit]:
        for element, facts, component in uses(ctx, opt):
            if evaluate(risk.when, facts, ctx.table) is not True:
                continue
            who = f"{component} ({opt.name})" if component else opt.name
            accepted = _accepted(ctx, opt, component) if risk.severity == "warning" else None
            if accepted:
                yield Hit(element, f"{who}: {risk.message} (accepted in decision '{accepted}')", severity="info")
            else:
                yield Hit(element, f"{who}: {risk.message}")

    return check


def _register_all() -> None:
    for opt in knowledge_base().options:
        for risk in opt.risks:
            register(Rule(
                code=risk.id,
                title=f"{opt.name}: {risk.message.split(':')[0]}",
                severity=risk.severity,
                playbook=f"{_TABLE_ITEM[opt.table]} table, {opt.name}: watch out for {opt.watch_out_for}",
                why=f"{risk.message}. Fires when {describe(risk.when)}.",
                fix=risk.fix,
                check=_check(opt, risk),
                bad=f"a component that is {opt.name} ({opt.id}) where {describe(risk.when)}",
                good=f"the same need met by an option whose fits hold, or {opt.name} with the risk's condition false",
            ))


_register_all()

"""AVAIL and COST: the nines a design really has, and what it costs as it grows. Both read the
computed models (tradeoff.availability, tradeoff.cost), so a finding carries the arithmetic."""

from __future__ import annotations

from tradeoff.capacity.load import flows_of
from tradeoff.review.engine import Hit, rule

P_NINES = "Phase 1: availability target (non-functional requirements), and the AZ and node failures of the fault tolerance dive"
P_COST = "Wrap-up: evolution at 10x and 100x; scalability bottlenecks"


def _paths(ctx):
    """The synchronous paths a target applies to."""
    return [p for p in ctx.availability.paths if p.target is not None]


def _pct(x: float) -> str:
    from tradeoff.availability.model import pct

    return pct(x)


def _capping(ctx, p):
    """Hard hops that alone allow less than the target."""
    return [h for h in p.hops if h.hard and p.caps.get(h.component, 1.0) < p.target - 1e-12]


@rule("AVAIL-001", "A hop caps the path below the availability target", severity="warning", playbook=P_NINES,
      why="A path is never more available than its least available hop; a hop that alone allows less than the "
          "target makes the target unreachable whatever else is done.",
      fix="Give that hop redundancy it lacks (a replica in another zone, a second provider or region), or a "
          "fallback so its failure degrades the request instead of failing it; or lower the target.",
      bad="hops: [client, lb, api, pay]  # pay: a third party at 99.5% under a 99.9% target",
      good="external_calls: [{id: charge, caller: api, external: pay, fallback: accept and settle later}]")
def hop_caps_path(ctx):
    seen: set[str] = set()
    for p in _paths(ctx):
        for h in _capping(ctx, p):
            if h.component in seen:
                continue
            seen.add(h.component)
            fix = p.fix.what if p.fix and p.weakest == h.component else None
            yield Hit(ctx.component(h.component),
                      f"{h.component} ({h.describe()}) allows at most {_pct(p.caps[h.component])} on {p.flow} "
                      f"({p.use_case}), under the {_pct(p.target)} availability target",
                      fix=f"{fix} -> {_pct(p.fix.availability)}" if fix else None)


@rule("AVAIL-002", "A single zone under a multi-nine target", severity="warning", playbook=P_NINES,
      why="Replicas in one zone share its power, network and failure: the path cannot be more available than "
          "the zone, and a zone's outage takes every copy at once.",
      fix="Spread the replicas over at least two zones (set zones), so one zone's outage leaves copies serving.",
      bad="- {id: api, kind: service, replicas: 4, zones: 1}  # target 99.99%",
      good="- {id: api, kind: service, replicas: 4, zones: 2}")
def single_zone_under_target(ctx):
    seen: set[str] = set()
    for p in _paths(ctx):
        if ctx.availability.zone >= p.target:
            continue  # one zone alone meets the target
        for h in p.hops:
            if h.mode == "replicas" and h.visit >= 1 and len(h.per_zone()) == 1 and h.component not in seen:
                seen.add(h.component)
                yield Hit(ctx.component(h.component),
                          f"{h.component}: its {h.copies} cop{'y' if h.copies == 1 else 'ies'} sit in one zone "
                          f"({_pct(ctx.availability.zone)}), so {p.flow} ({p.use_case}) cannot reach the "
                          f"{_pct(p.target)} target")


@rule("AVAIL-003", "A path misses its availability target", severity="info", playbook=P_NINES,
      why="On published SLAs and per-node figures the path's expected downtime is over its budget; the hop "
          "that costs the most nines is where the next nine comes from.",
      fix="Apply the fix named for the weakest hop, or state why the target is met in practice (SLAs are floors).",
      bad="read path: 99.989% against a 99.99% target",
      good="read path: 99.999% with the load balancer's region backed by a second behind DNS failover")
def path_misses_target(ctx):
    over = ctx.threshold("availability_overrun")
    for p in _paths(ctx):
        if p.meets or _capping(ctx, p):
            continue  # AVAIL-001 already names the hop that makes it unreachable
        ratio = (1 - p.availability) / (1 - p.target) if p.target < 1 else float("inf")
        flow = next((f for _, f in flows_of(ctx.design) if f.id == p.flow), None)
        fix = f"{p.fix.what} -> {_pct(p.fix.availability)}" if p.fix else None
        from tradeoff.render.availability import downtime

        yield Hit(flow if flow is not None else ("architecture",),
                  f"{p.flow} ({p.use_case}, {p.direction}) reads {_pct(p.availability)} against the {_pct(p.target)} "
                  f"target: down {downtime(p.downtime_year)} a year against a budget of "
                  f"{downtime((1 - p.target) * 365.25 * 86400)}; the weakest hop is {p.weakest}",
                  fix=fix, severity="warning" if ratio >= over else None)


@rule("COST-001", "Cost per request rises with load", severity="warning", playbook=P_COST,
      why="A design whose cost per request grows with traffic gets more expensive to serve each user as it "
          "succeeds; something in it scales superlinearly (fan-out, scatter-gather, a tier that must be "
          "overprovisioned).",
      fix="Find the component that grows faster than the load in `tradeoff cost` and change how it scales.",
      bad="$0.40 per million requests at 1x, $0.90 at 100x",
      good="$0.40 per million requests at 1x, $0.35 at 100x (fixed costs amortised)")
def cost_per_request_rises(ctx):
    rises = ctx.cost.per_million_rises()
    if rises is None:
        return
    from tradeoff.capacity.scale import fmt_x
    from tradeoff.cost.bill import money

    lo, hi = rises
    faster = ", ".join(g.component for g in ctx.cost.faster) or "no single component"
    yield Hit(("architecture",), f"cost per million requests rises from {money(lo.per_million)} at "
                                 f"{fmt_x(lo.multiplier)} to {money(hi.per_million)} at {fmt_x(hi.multiplier)}; "
                                 f"growing faster than the load: {faster}")


@rule("COST-002", "A component's cost grows faster than the load", severity="info", playbook=P_COST,
      why="A component whose bill grows faster than the traffic it serves will dominate the bill at scale.",
      fix="Check what it needs at 100x in `tradeoff scale` and whether its resource (memory, storage, "
          "connections) can grow with the load instead of ahead of it.",
      bad="cache: x140 its cost for x100 the load", good="cache: x100 for x100 the load")
def component_cost_superlinear(ctx):
    for g in ctx.cost.faster:
        yield Hit(ctx.component(g.component) or ("architecture",),
                  f"{g.component}: x{g.ratio:,.3g} its monthly cost for x{g.load_ratio:g} the load")

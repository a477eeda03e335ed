"""OPS: Phase 4, operational readiness. Deployment strategy, runbooks and on-call, capacity
planning, chaos engineering; and what stateful parts of the design demand of each."""

from __future__ import annotations

from tradeoff.model.design import ComponentKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_DEPLOY = "Operational readiness: deployment strategy (blue/green, canary)"
P_RUNBOOKS = "Operational readiness: runbooks and on-call"
P_CAPACITY = "Operational readiness: capacity planning"
P_CHAOS = "Operational readiness: chaos engineering"


def _dive(ctx):
    return ctx.dd.operational_readiness if ctx.dd else None


def _availability(ctx) -> float | None:
    return ctx.nf.availability.target if ctx.nf and ctx.nf.availability else None


def _high_availability(ctx) -> bool:
    a = _availability(ctx)
    return a is not None and a >= ctx.threshold("availability_multi_region")


@rule("OPS-001", "No operational readiness deep dive", severity="info", playbook=P_DEPLOY,
      why="How the system is deployed, watched over and rehearsed for failure decides its real availability more "
          "than its diagram does.",
      fix="Add deep_dives.operational_readiness: deployment strategy, runbooks, on-call, capacity planning, chaos "
          "engineering.",
      bad="deep_dives:\n  caching: {policy: aside}",
      good="deep_dives:\n  operational_readiness: {deployment: canary, runbooks: cache failover, on_call: one rotation}")
def no_dive(ctx):
    if ctx.arch is not None and _dive(ctx) is None:
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch,
                  "no operational readiness deep dive (deep_dives.operational_readiness)")


presence("OPS-002", "Deployment strategy not stated", section=_dive, field="deployment", label="the deployment strategy",
         severity="warning", playbook=P_DEPLOY,
         satisfied=lambda ctx, sec: bool(sec.deployment or (sec.deployment_note or "").strip()),
         why="Most outages start with a change; canary or blue/green releases limit a bad deploy to a slice of "
             "traffic and make rollback a switch instead of a rebuild.",
         fix="State operational_readiness.deployment (blue_green, canary or rolling) and how rollback is triggered.",
         bad="operational_readiness: {runbooks: ...}",
         good="operational_readiness: {deployment: canary, deployment_note: 1% -> 10% -> 100%, auto-rollback on SLO}")

presence("OPS-003", "Runbooks not stated", section=_dive, field="runbooks", label="runbooks",
         severity="warning", playbook=P_RUNBOOKS,
         why="A runbook turns the failure modes found in the design (failover, lag, hot keys) into steps someone "
             "can follow at 3 a.m.; without one each incident is improvised.",
         fix="List operational_readiness.runbooks: one per failure mode the design names.",
         bad="operational_readiness: {deployment: canary}",
         good="operational_readiness: {runbooks: cache shard failover; consumer lag; primary failover}")

presence("OPS-004", "On-call not stated", section=_dive, field="on_call", label="on-call",
         severity="warning", playbook=P_RUNBOOKS,
         why="Someone has to own each component when it breaks; rotations aligned with ownership keep pages with "
             "the people who can fix them.",
         fix="State operational_readiness.on_call: the rotations, what each owns, and the escalation path.",
         bad="operational_readiness: {deployment: canary}",
         good="operational_readiness: {on_call: primary/secondary rotation per team; incident commander for sev-1}")

presence("OPS-005", "Capacity planning not stated", section=_dive, field="capacity_planning",
         label="capacity planning", severity="warning", playbook=P_CAPACITY,
         why="Growth and peaks are known in advance; planning from the growth curve and headroom targets adds "
             "capacity before the peak rather than during it.",
         fix="State operational_readiness.capacity_planning: the forecast, the headroom kept, the long-lead items.",
         bad="operational_readiness: {deployment: canary}",
         good="operational_readiness: {capacity_planning: quarterly forecast from 1.4x/year growth; keep peak under 60%}")

presence("OPS-006", "Chaos engineering not stated", section=_dive, field="chaos_engineering",
         label="chaos engineering", severity="info", playbook=P_CHAOS,
         applies=lambda ctx: not _high_availability(ctx),
         why="Failover paths that are never exercised fail when needed; game days test them on purpose.",
         fix="State operational_readiness.chaos_engineering: the failures injected, how often, and what is checked.",
         bad="operational_readiness: {deployment: canary}",
         good="operational_readiness: {chaos_engineering: monthly game day - kill a cache primary, lose an AZ}")


@rule("OPS-007", "No failure rehearsal for a four-nines target", severity="warning", playbook=P_CHAOS,
      why="At 99.99% the yearly error budget is under an hour: a failover that has never been rehearsed will spend "
          "it in one incident. High targets are met by practising failure, not by drawing redundancy.",
      fix="State operational_readiness.chaos_engineering: regular game days that kill nodes, zones and "
          "dependencies, each with a hypothesis about the SLO.",
      bad="availability: {target: 99.99%}\noperational_readiness: {deployment: canary}",
      good="operational_readiness: {chaos_engineering: monthly - lose an AZ, fail over the primary, verify p99}")
def no_chaos_high_availability(ctx):
    dive = _dive(ctx)
    if dive is not None and _high_availability(ctx) and not (dive.chaos_engineering or "").strip():
        yield Hit(dive, f"the availability target is {ctx.fmt('availability_multi_region', _availability(ctx))} "
                        "and no failure is rehearsed (chaos_engineering)")


@rule("OPS-008", "Stateful gateways deployed without a draining plan", severity="warning", playbook=P_DEPLOY,
      why="A realtime gateway holds live connections: replacing it drops every socket at once, and the clients "
          "reconnect together, a storm that also hits auth and catch-up. The deployment has to say how "
          "connections are drained and spread out.",
      fix="Add operational_readiness.deployment_note: how gateways are drained (a reconnect hint with jittered "
          "delay, one cell or zone at a time).",
      bad="components: [{id: ws, kind: realtime_gateway}]\noperational_readiness: {deployment: blue_green}",
      good="operational_readiness:\n  deployment: rolling\n  deployment_note: drain one cell at a time; clients "
           "reconnect with jitter over 10 min")
def gateways_without_draining(ctx):
    dive = _dive(ctx)
    gateways = [c.id for c in ctx.components if c.kind is ComponentKind.realtime_gateway]
    if dive is None or not gateways or dive.deployment is None or (dive.deployment_note or "").strip():
        return
    yield Hit(dive, f"{dive.deployment.value} deployment of realtime gateways ({', '.join(gateways)}) "
                    "without saying how their connections are drained")

"""REQ: Phase 1, requirements. The contract every later decision traces back to."""

from __future__ import annotations

from tradeoff.model.design import Priority
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_RESTATE = "Phase 1: restate the problem in your own words"
P_USE_CASES = "Phase 1: identify 2-3 core use cases; prioritise ruthlessly"
P_USERS = "Phase 1: users and scale (DAU/MAU, growth trajectory)"
P_ACCESS = "Phase 1: access patterns (read- or write-heavy, bursty or steady, real-time or batch)"
P_NFR = "Phase 1: non-functional requirements (latency p50/p99, consistency vs availability, durability, compliance)"
P_SCOPE = "Phase 1: define scope explicitly ('I'll focus on X and Y, treating Z as out of scope')"


def _req(ctx):
    return ctx.req


def _users(ctx):
    return ctx.req.users if ctx.req else None


def _ap(ctx):
    return ctx.req.access_patterns if ctx.req else None


def _nf(ctx):
    return ctx.nf


@rule("REQ-001", "No requirements", severity="warning", playbook=P_RESTATE,
      why="Without requirements nothing that follows can be judged: every decision traces back to Phase 1, "
          "and a design that skips it optimises for a problem nobody stated.",
      fix="Add a requirements section: restatement, 2-3 use cases, users and scale, access patterns, "
          "non-functional requirements and scope.",
      bad="name: x\narchitecture: {components: [{id: api, kind: service}]}",
      good="name: x\nrequirements:\n  restatement: A link shortener for a social network.")
def no_requirements(ctx):
    if ctx.req is None:
        yield Hit((), "the design has no requirements section")


presence("REQ-002", "Problem not restated", section=_req, field="restatement", label="the restatement",
         severity="warning", playbook=P_RESTATE,
         why="Restating the prompt confirms you are solving the interviewer's problem; a misread prompt costs the "
             "whole interview.",
         fix="Add requirements.restatement: the problem in your own words, in one or two sentences.",
         bad="requirements:\n  use_cases: [{id: shorten, name: Shorten a URL}]",
         good="requirements:\n  restatement: Turn long URLs into short ones and redirect fast.\n"
              "  use_cases: [{id: shorten, name: Shorten a URL}]")

presence("REQ-003", "No use cases", section=_req, field="use_cases", label="the core use cases",
         severity="error", playbook=P_USE_CASES,
         why="Use cases are what the system must absolutely do; without them there is no traffic to estimate "
             "and no path to draw.",
         fix="List 2-3 core use cases under requirements.use_cases, each with an id and a priority.",
         bad="requirements:\n  restatement: A chat system.",
         good="requirements:\n  use_cases:\n    - {id: send, name: Send a message, priority: must}")


@rule("REQ-004", "Too many must-have use cases", severity="warning", playbook=P_USE_CASES,
      why="Prioritising ruthlessly is the point of the step: with more than three must-haves the design spreads "
          "thin and no path gets a deep dive.",
      fix="Keep two or three use cases at priority must; mark the rest should or out_of_scope with a why.",
      bad="use_cases: [a, b, c, d] all priority must", good="use_cases: [a, b] must, [c, d] should")
def too_many_musts(ctx):
    musts = ctx.must
    if len(musts) > 3:
        yield Hit(ctx.req, f"{len(musts)} use cases are must-haves ({', '.join(u.id for u in musts)}); "
                           "the playbook asks for 2-3")


@rule("REQ-005", "Out-of-scope use case without a why", severity="warning", playbook=P_SCOPE,
      why="Scoping out is a decision like any other: the interviewer wants to hear why it can wait.",
      fix="Give the use case a why: what makes it safe to leave out of this design.",
      bad="- {id: analytics, name: Click analytics, priority: out_of_scope}",
      good="- {id: analytics, name: Click analytics, priority: out_of_scope, why: batch job on the click log later}")
def out_of_scope_without_why(ctx):
    for u in ctx.design.use_cases:
        if u.priority is Priority.out_of_scope and not u.why:
            yield Hit(u, f"use case '{u.id}' is out of scope without saying why")


presence("REQ-006", "No users and scale", section=_req, field="users", label="users and scale (DAU or MAU)",
         severity="warning", playbook=P_USERS,
         satisfied=lambda ctx, sec: sec.users is not None and (sec.users.dau is not None or sec.users.mau is not None),
         why="DAU is the first factor of every QPS estimate; without it the numbers that drive decisions are guesses.",
         fix="State requirements.users.dau (or mau with daily_active_fraction).",
         bad="requirements:\n  users: {description: consumers}",
         good="requirements:\n  users: {dau: 100M, growth_per_year: 2x}")

presence("REQ-007", "No growth trajectory", section=_users, field="growth", label="the growth trajectory",
         severity="info", playbook=P_USERS,
         satisfied=lambda ctx, sec: bool(sec.growth or sec.growth_per_year),
         why="Growth decides how far ahead to build: 2x a year means today's 10x is three years out.",
         fix="State users.growth_per_year (e.g. 2x) or describe the trajectory in users.growth.",
         bad="users: {dau: 10M}", good="users: {dau: 10M, growth_per_year: 2x}")

presence("REQ-008", "No read:write ratio", section=_ap, field="read_write_ratio", label="the read:write ratio",
         severity="warning", playbook=P_ACCESS,
         satisfied=lambda ctx, sec: sec.read_write_ratio is not None or ctx.est.value("read_write_ratio") is not None,
         why="Read-heavy and write-heavy systems are built differently (caches and replicas vs. partitioned, "
             "buffered writes); the ratio picks the side.",
         fix="State access_patterns.read_write_ratio (e.g. 100:1), or give traffic for both reads and writes.",
         bad="access_patterns: {shape: bursty}", good="access_patterns: {read_write_ratio: '100:1', shape: bursty}")

presence("REQ-009", "Traffic shape not stated", section=_ap, field="shape", label="bursty or steady",
         severity="warning", playbook=P_ACCESS,
         why="Bursty traffic needs headroom, buffering or autoscaling that a steady load does not.",
         fix="State access_patterns.shape: steady, bursty or diurnal.",
         bad="access_patterns: {read_write_ratio: '10:1'}", good="access_patterns: {read_write_ratio: '10:1', shape: diurnal}")

presence("REQ-010", "Real-time or batch not stated", section=_ap, field="processing", label="real-time or batch",
         severity="warning", playbook=P_ACCESS,
         why="Real-time work sits on the request path with a latency budget; batch work goes through queues and jobs.",
         fix="State access_patterns.processing: real_time, batch or mixed.",
         bad="access_patterns: {shape: steady}", good="access_patterns: {shape: steady, processing: real_time}")

presence("REQ-011", "No latency target", section=_req, field="non_functional.latency",
         label="a latency target (p50/p99)", severity="warning", playbook=P_NFR,
         satisfied=lambda ctx, sec: bool(sec.non_functional and any(t.p99 or t.p50 for t in sec.non_functional.latency)),
         why="A p99 target is the budget every hop on the path spends; without it no latency claim can be checked.",
         fix="Add non_functional.latency entries with p50 and p99 for the latency-sensitive use cases.",
         bad="non_functional: {availability: {target: 99.9%}}",
         good="non_functional:\n  latency: [{use_case: redirect, p50: 10 ms, p99: 50 ms}]")

presence("REQ-012", "No availability target", section=_req, field="non_functional.availability",
         label="an availability target", severity="warning", playbook=P_NFR,
         satisfied=lambda ctx, sec: bool(sec.non_functional and sec.non_functional.availability),
         why="The availability target decides replicas, zones and regions; 99.9% and 99.99% are different designs.",
         fix="Add non_functional.availability.target, e.g. 99.9%.",
         bad="non_functional: {latency: [...]}", good="non_functional: {availability: {target: 99.95%}}")

presence("REQ-013", "Consistency not stated", section=_req, field="non_functional.consistency",
         label="consistency vs availability per use case", severity="warning", playbook=P_NFR,
         satisfied=lambda ctx, sec: bool(sec.non_functional and sec.non_functional.consistency),
         why="Where stale reads are harmless the design can scale with eventual consistency; where they cause harm "
             "it needs a single leader and pays in latency.",
         fix="Add non_functional.consistency: the model (strong, eventual, read_your_writes, ...) per use case and why.",
         bad="non_functional: {availability: {target: 99.9%}}",
         good="non_functional:\n  consistency: [{use_case: pay, model: strong, why: double spend}]")

presence("REQ-014", "Durability not stated", section=_req, field="non_functional.durability",
         label="durability", severity="info", playbook=P_NFR,
         satisfied=lambda ctx, sec: bool(sec.non_functional and sec.non_functional.durability),
         applies=lambda ctx: bool(ctx.design.estimates and ctx.design.estimates.storage),
         why="Data the system keeps has a loss budget; it decides replication factor, backups and fsync policy.",
         fix="Add non_functional.durability (e.g. target 99.999999999%, or 'no acknowledged write is lost').",
         bad="non_functional: {availability: {target: 99.9%}}",
         good="non_functional: {durability: {target: 99.999999999%}}")

presence("REQ-015", "Compliance not addressed", section=_req, field="non_functional.compliance",
         label="compliance (or none)", severity="info", playbook=P_NFR,
         satisfied=lambda ctx, sec: bool((sec.non_functional and sec.non_functional.compliance) or any(
             "complian" in a.lower() or "gdpr" in a.lower() for a in sec.assumptions)),
         why="Regulated data (GDPR, HIPAA, PCI) dictates where data lives, how it is erased and who may read it; "
             "finding out late means a redesign.",
         fix="List non_functional.compliance items, or record in requirements.assumptions that none apply.",
         bad="non_functional: {availability: {target: 99.9%}}",
         good="non_functional:\n  compliance: [{id: gdpr, regime: GDPR, requirement: erase a user's data on request}]")

presence("REQ-016", "Scope not defined", section=_req, field="scope", label="the explicit scope",
         severity="warning", playbook=P_SCOPE,
         satisfied=lambda ctx, sec: bool(sec.scope and (sec.scope.in_scope or sec.scope.out_of_scope)),
         why="Saying what is out of scope is how a principal keeps 45 minutes on what matters, and it makes "
             "the interviewer agree to it.",
         fix="Add requirements.scope with in_scope and out_of_scope (each with a why).",
         bad="requirements: {restatement: ...}",
         good="requirements:\n  scope: {in_scope: [shorten, redirect], out_of_scope: [{item: analytics, why: later}]}")


@rule("REQ-017", "Scope not confirmed", severity="info", playbook=P_SCOPE,
      why="'Sound good?' turns the scope into an agreement; an unconfirmed scope can be reopened at minute 40.",
      fix="Confirm the scope with the interviewer and set scope.confirmed: true.",
      bad="scope: {in_scope: [a]}", good="scope: {in_scope: [a], confirmed: true}")
def scope_unconfirmed(ctx):
    sc = ctx.req.scope if ctx.req else None
    if sc is not None and (sc.in_scope or sc.out_of_scope) and sc.confirmed is not True:
        yield Hit(sc, "the scope was not confirmed with the interviewer")


@rule("REQ-018", "p50 above p99", severity="error", playbook=P_NFR,
      why="A median cannot exceed the 99th percentile; one of the two targets is a typo, and the latency budget "
          "built on it is wrong.",
      fix="Check the two targets: p50 <= p99 <= p999.",
      bad="latency: [{p50: 200 ms, p99: 50 ms}]", good="latency: [{p50: 20 ms, p99: 50 ms}]")
def percentiles_out_of_order(ctx):
    for t in (ctx.nf.latency if ctx.nf else []):
        vals = [(n, getattr(t, n).seconds()) for n in ("p50", "p99", "p999") if getattr(t, n) is not None]
        for (a, x), (b, y) in zip(vals, vals[1:]):
            if x > y:
                yield Hit(t, f"{a} ({getattr(t, a)}) is above {b} ({getattr(t, b)})")


@rule("REQ-019", "More daily than monthly users", severity="error", playbook=P_USERS,
      why="Every daily active user is a monthly active user, so DAU <= MAU; a reversed pair inflates or "
          "deflates every estimate built on it.",
      fix="Swap or correct users.dau and users.mau (DAU/MAU is typically 10-60%).",
      bad="users: {dau: 100M, mau: 50M}", good="users: {dau: 50M, mau: 100M}")
def dau_above_mau(ctx):
    u = ctx.req.users if ctx.req else None
    if u is not None and u.dau is not None and u.mau is not None and u.dau > u.mau:
        yield Hit(u, f"DAU ({u.dau:,.0f}) exceeds MAU ({u.mau:,.0f})")


@rule("REQ-020", "Latency target without a use case", severity="info", playbook=P_NFR,
      why="A p99 belongs to a path: the redirect and the analytics query have different budgets. A target "
          "tied to no use case cannot be checked against the hops of any path.",
      fix="Give the latency entry a use_case (or an id that decisions can trace to).",
      bad="latency: [{p99: 100 ms}]", good="latency: [{use_case: redirect, p99: 100 ms}]")
def latency_without_use_case(ctx):
    for t in (ctx.nf.latency if ctx.nf else []):
        if t.use_case is None and t.id is None:
            yield Hit(t, "a latency target names neither a use case nor an id")


@rule("REQ-021", "Must-have use case with no traffic", severity="warning", playbook=P_USE_CASES,
      why="A must-have use case without a rate is invisible to the numbers: its load, storage and bandwidth "
          "are zero in every estimate.",
      fix="Add an estimates.traffic entry for the use case (requests per user per day, a rate, or relative_to).",
      bad="use_cases: [{id: send}]  # and no traffic for send",
      good="traffic: [{use_case: send, operation: write, requests_per_user_per_day: 40}]")
def must_without_traffic(ctx):
    if ctx.design.estimates is None:
        return
    for u in ctx.must:
        if u.id not in ctx.operation:
            yield Hit(u, f"must-have use case '{u.id}' has no traffic estimate")

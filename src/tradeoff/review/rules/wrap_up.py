"""WRAP: Phase 5, wrap-up. Summary in 2-3 sentences, deferred work with its production follow-up,
evolution at 10x and 100x, v1 vs v2, operational investments, tech debt with migration paths."""

from __future__ import annotations

import re

from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_SUMMARY = "Phase 5: summarize in 2-3 sentences - the architecture, key decisions, and why they fit the requirements"
P_DEFERRED = "Phase 5: acknowledge deferred work ('I intentionally kept X simple - in production I'd add Y')"
P_EVOLUTION = "Phase 5: system evolution - what changes at 10x or 100x? What's in v2 vs v1?"
P_OPS = "Phase 5: operational investments - better observability, chaos engineering, automated scaling"
P_DEBT = "Phase 5: tech debt and migration paths"

_ABBREV = re.compile(r"(?:\b(?:[Ee]\.g|[Ii]\.e|vs|etc|cf|approx|incl)\.|(?:^|\s)[A-Z]\.)$")


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph: split after . ! ? before a capital, digit or quote; abbreviations
    (e.g., i.e., vs.) and decimals do not end one."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])", " ".join(text.split()))
    out: list[str] = []
    for p in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + p
        elif p.strip():
            out.append(p.strip())
    return out


def _wrap(ctx):
    return ctx.design.wrap_up


@rule("WRAP-001", "No wrap-up", severity="info", playbook=P_SUMMARY,
      why="The last minutes decide what the interviewer remembers: a summary, what was deferred and how the "
          "system evolves show the design is understood as a whole.",
      fix="Add wrap_up: summary (2-3 sentences), deferred work, evolution at 10x/100x, v1 vs v2, operational "
          "investments, tech debt.",
      bad="name: x\narchitecture: {...}", good="wrap_up:\n  summary: ...\n  deferred: [{kept_simple: ..., in_production: ...}]")
def no_wrap_up(ctx):
    if ctx.arch is not None and ctx.design.wrap_up is None:
        yield Hit((), "the design has no wrap-up (wrap_up)")


presence("WRAP-002", "No summary", section=_wrap, field="summary", label="the 2-3 sentence summary",
         severity="warning", playbook=P_SUMMARY,
         why="The summary is the design in the interviewer's notes: the architecture, the key decisions and why "
             "they fit the requirements, in the time it takes to read it.",
         fix="Write wrap_up.summary: two or three sentences - architecture, key decisions, why they fit.",
         bad="wrap_up: {v2: [search]}", good="wrap_up: {summary: Reads hit Redis in front of DynamoDB ... }")


@rule("WRAP-003", "Summary longer than three sentences", severity="info", playbook=P_SUMMARY,
      why="A summary that needs more than three sentences is a retelling; the discipline of three forces the "
          "choice of what mattered.",
      fix="Cut the summary to the architecture, the key decisions and why they fit, in at most three sentences.",
      bad="summary: 'A. B. C. D. E.'", good="summary: 'Architecture. Key decisions. Why they fit.'")
def summary_too_long(ctx):
    w = ctx.design.wrap_up
    if w is not None and w.summary:
        n = len(sentences(w.summary))
        if n > 3:
            yield Hit(w, f"the summary runs to {n} sentences; the playbook asks for 2-3")


@rule("WRAP-004", "One-sentence summary", severity="info", playbook=P_SUMMARY,
      why="One sentence rarely carries the architecture, the key decisions and why they fit; the 'why' is "
          "usually what is dropped.",
      fix="Give the summary a second sentence: the key decisions and why they fit the requirements.",
      bad="summary: Kafka, Redis and Cassandra.",
      good="summary: Sends append to Kafka, which orders and persists them. Cassandra keeps history because writes dominate.")
def summary_too_short(ctx):
    w = ctx.design.wrap_up
    if w is not None and w.summary and len(sentences(w.summary)) < 2:
        yield Hit(w, "the summary is one sentence; the playbook asks for 2-3 (architecture, key decisions, why)")


presence("WRAP-005", "No deferred work", section=_wrap, field="deferred", label="deferred work",
         severity="warning", playbook=P_DEFERRED,
         why="Every interview design is simplified; saying where and what production needs shows the "
             "simplifications were chosen, not missed.",
         fix="Add wrap_up.deferred entries: kept_simple and in_production.",
         bad="wrap_up: {summary: ...}",
         good="wrap_up:\n  deferred: [{kept_simple: single region, in_production: active-active in 3 regions}]")


@rule("WRAP-006", "Deferred item without its production follow-up", severity="warning", playbook=P_DEFERRED,
      why="'I kept X simple' is half the sentence; 'in production I'd add Y' is the half that shows you know "
          "what the simplification costs.",
      fix="Give each deferred item in_production: what you would add, and when it becomes necessary.",
      bad="deferred: [{kept_simple: single region}]",
      good="deferred: [{kept_simple: single region, in_production: a second region with async replication}]")
def deferred_without_production(ctx):
    w = ctx.design.wrap_up
    for item in (w.deferred if w else []):
        if not (item.in_production or "").strip():
            yield Hit(item, f"kept simple: '{item.kept_simple}' - but not what production would add")


presence("WRAP-007", "Evolution not stated", section=_wrap, field="evolution", label="evolution at 10x / 100x",
         severity="warning", playbook=P_EVOLUTION,
         satisfied=lambda ctx, sec: bool(sec.evolution and ((sec.evolution.at_10x or "").strip()
                                                           or (sec.evolution.at_100x or "").strip())),
         why="What changes at 10x and 100x shows which parts of the design are load-bearing and which will be "
             "replaced; it is the difference between a snapshot and a plan.",
         fix="State wrap_up.evolution.at_10x and at_100x.",
         bad="wrap_up: {summary: ...}", good="wrap_up:\n  evolution: {at_10x: more shards, at_100x: regional cells}")


@rule("WRAP-008", "Evolution at only one scale", severity="info", playbook=P_EVOLUTION,
      why="10x usually means more of the same (nodes, shards); 100x usually means a different shape. Stating "
          "one leaves the other question open.",
      fix="State both wrap_up.evolution.at_10x and at_100x.",
      bad="evolution: {at_10x: more shards}", good="evolution: {at_10x: more shards, at_100x: per-region cells}")
def evolution_one_scale(ctx):
    w = ctx.design.wrap_up
    ev = w.evolution if w else None
    if ev is None:
        return
    have = {n: bool((getattr(ev, n) or "").strip()) for n in ("at_10x", "at_100x")}
    if any(have.values()) and not all(have.values()):
        missing = next(n for n, ok in have.items() if not ok)
        yield Hit(ev, f"evolution {missing.replace('at_', 'at ')} is not stated")


presence("WRAP-009", "No v1 vs v2", section=_wrap, field="v2", label="what is in v2 vs v1",
         severity="warning", playbook=P_EVOLUTION,
         why="Splitting v1 from v2 shows what ships first and what waits, and that the v1 is complete on its own.",
         fix="List wrap_up.v1 (what ships) and wrap_up.v2 (what follows).",
         bad="wrap_up: {summary: ...}", good="wrap_up: {v1: [send, deliver], v2: [attachments, E2E encryption]}")

presence("WRAP-010", "No operational investments", section=_wrap, field="operational_investments",
         label="operational investments", severity="warning", playbook=P_OPS,
         why="The investments that keep the system healthy (observability, chaos engineering, automated scaling) "
             "are what a principal plans for after launch.",
         fix="List wrap_up.operational_investments.",
         bad="wrap_up: {summary: ...}", good="wrap_up: {operational_investments: [SLO dashboards, monthly game days]}")

presence("WRAP-011", "No tech debt named", section=_wrap, field="tech_debt", label="tech debt and migration paths",
         severity="warning", playbook=P_DEBT,
         why="Every shortcut taken to ship is debt; naming it with its migration path ('we'd need CDC for "
             "analytics later') shows it was taken on purpose.",
         fix="Add wrap_up.tech_debt entries: debt and migration.",
         bad="wrap_up: {summary: ...}",
         good="wrap_up:\n  tech_debt: [{debt: denormalised schema, migration: CDC into an analytics store}]")


@rule("WRAP-012", "Tech debt without a migration path", severity="warning", playbook=P_DEBT,
      why="Debt without a way out is a trap; the migration path (dual writes, backfill, CDC) is what makes the "
          "shortcut safe to take.",
      fix="Give each tech_debt entry a migration: how you would pay it down without downtime.",
      bad="tech_debt: [{debt: counters in the main table}]",
      good="tech_debt: [{debt: counters in the main table, migration: move to a counter service via dual writes}]")
def debt_without_migration(ctx):
    w = ctx.design.wrap_up
    for item in (w.tech_debt if w else []):
        if not (item.migration or "").strip():
            yield Hit(item, f"tech debt '{item.debt}' has no migration path")

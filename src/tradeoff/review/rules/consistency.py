"""CONS: deep dive on the consistency model. Where eventual, where strong, and why; conflict
resolution; stale reads (cache vs DB). And whether the design keeps the consistency the
requirements asked for: strong data read through a cache, multi-region writes, a dive that
chooses weaker than Phase 1 promised."""

from __future__ import annotations

from tradeoff.model.design import ComponentKind, ConsistencyModel, Operation
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_WHERE = "Deep dive, consistency model: where eventual? where strong? why?"
P_CONFLICT = "Deep dive, consistency model: conflict resolution strategy"
P_STALE = "Deep dive, consistency model: stale reads, cache vs DB"
P_TABLE = "Consistency table: strong (single leader) where stale reads cause harm; multi-leader: conflict resolution is hard"

#: the guarantees each model gives; a model meets a requirement when it gives all of the required ones
GUARANTEES: dict[ConsistencyModel, frozenset[str]] = {
    ConsistencyModel.strong: frozenset({"linearizable", "causal", "read_your_writes", "monotonic_reads"}),
    ConsistencyModel.causal: frozenset({"causal", "read_your_writes", "monotonic_reads"}),
    ConsistencyModel.read_your_writes: frozenset({"read_your_writes"}),
    ConsistencyModel.monotonic_reads: frozenset({"monotonic_reads"}),
    ConsistencyModel.eventual: frozenset(),
}
CACHING_KINDS = (ComponentKind.cache, ComponentKind.cdn)


def _dive(ctx):
    return ctx.dd.consistency if ctx.dd else None


def _text(value) -> bool:
    return bool(value and str(value).strip())


def _targets(ctx):
    return ctx.nf.consistency if ctx.nf else []


def _meets(given: ConsistencyModel, required: ConsistencyModel) -> bool:
    return GUARANTEES[required] <= GUARANTEES[given]


def _norm(s) -> str:
    return " ".join(str(s).lower().split()) if s else ""


def _matches(ctx, choice, target) -> bool:
    """A dive choice is about a requirement when its scope names the requirement's id, its use
    case (by id or name) or repeats its scope."""
    names = {target.id, target.use_case, target.scope}
    u = ctx.use_cases.get(target.use_case) if target.use_case else None
    if u is not None:
        names.add(u.name)
    return _norm(choice.scope) in {_norm(n) for n in names if n}


def _stale_stated(ctx) -> bool:
    d = _dive(ctx)
    return d is not None and _text(d.stale_reads)


def _stale_sources(ctx, f) -> list:
    """Components on a flow that can serve a stale copy: caches, CDNs and read replicas."""
    out = []
    for h in f.hops:
        c = ctx.component(h.component)
        if c is None or any(x.id == c.id for x in out):
            continue
        o = ctx.option(c)
        if c.kind in CACHING_KINDS or (o is not None and o.id == "read_replicas"):
            out.append(c)
    return out


def _strong_cached(ctx) -> list[tuple]:
    """(flow, target, stale components) for each read path of a strongly consistent use case that
    goes through a cache or a read replica."""
    strong = {t.use_case: t for t in _targets(ctx) if t.use_case and t.model is ConsistencyModel.strong}
    out = []
    for kind, f in ctx.flows():
        if kind != "read" or f.use_case not in strong:
            continue
        stale = _stale_sources(ctx, f)
        if stale:
            out.append((f, strong[f.use_case], stale))
    return out


def _multi_region_writes(ctx) -> str | None:
    """Evidence that writes land in more than one region, or None. Components that state regions
    decide (a data store in several regions); else users in several regions (the design fact)
    with any write use case."""
    writes = any(op is Operation.write for op in ctx.operation.values()) or bool(ctx.arch and ctx.arch.write_paths)
    if not writes:
        return None
    stated = [c for c in ctx.components if c.regions is not None]
    if stated:
        multi = [c for c in stated if c.regions > 1 and c.kind is ComponentKind.data_store]
        return f"{multi[0].id} spans {multi[0].regions} regions" if multi else None
    if ctx.facts.get("multi_region"):
        users = ctx.req.users if ctx.req else None
        n = len(users.regions) if users else 0
        return f"users are in {n} regions" if n > 1 else "the design spans several regions"
    return None


# --- presence: the three sub-items of the dive --------------------------------------------

presence("CONS-001", "Where eventual, where strong: not stated", section=_dive, field="choices",
         label="the consistency choices (where eventual, where strong, why)", severity="warning", playbook=P_WHERE,
         why="Strong consistency costs latency and a write bottleneck; eventual scales but serves stale data. "
             "The dive shows which data pays which price, and why that is right for it.",
         fix="List consistency.choices: a scope (the data or operation), the model, and why.",
         bad="consistency: {stale_reads: ...}",
         good="consistency:\n  choices:\n    - {scope: claiming a code, model: strong, why: one URL per code}")

presence("CONS-002", "Conflict resolution not stated", section=_dive, field="conflict_resolution",
         label="the conflict resolution strategy", severity="info", playbook=P_CONFLICT,
         applies=lambda ctx: _multi_region_writes(ctx) is None,
         why="Concurrent writers to one record (two devices, a retry racing its original) need a rule for who "
             "wins; with a single leader per record the answer can be short, but it should be said.",
         fix="State consistency.conflict_resolution: single writer, conditional writes, last-writer-wins by "
             "version, or merge (CRDTs).",
         bad="consistency: {choices: [...]}",
         good="consistency:\n  conflict_resolution: one writer per code; a conditional put makes the second fail")

presence("CONS-003", "Stale reads not addressed", section=_dive, field="stale_reads",
         label="stale reads (cache vs DB)", severity="warning", playbook=P_STALE,
         why="Every cache and replica serves an older copy for a while; how stale, for which data, and what "
             "bounds it (TTL, invalidation on write, reading the primary) is the answer the interviewer wants.",
         fix="State consistency.stale_reads: which reads can be stale, by how much, and what bounds it.",
         bad="consistency: {choices: [...]}",
         good="consistency:\n  stale_reads: Redis keys deleted on write; local caches expire in 60 s")


# --- structure ----------------------------------------------------------------------------

@rule("CONS-004", "Strongly consistent use case read through a cache or replica", severity="warning",
      playbook=P_STALE,
      why="The requirements say a stale read of this data causes harm, but its read path goes through a copy "
          "(a cache, a CDN or a read replica) that lags the source; unless invalidation or the read path is "
          "explained, the design does not keep the promise.",
      fix="Read this use case from the leader (bypass the cache), or invalidate/write through synchronously, "
          "and say how in consistency.stale_reads.",
      bad="consistency: [{use_case: balance, model: strong}]\nread_paths: [{use_case: balance, hops: [api, cache, db]}]",
      good="consistency:\n  stale_reads: balances are read from the primary; the cache holds only profiles",
      false_positives="A read path of a strong use case that only fetches static assets (a web app from a CDN): "
                      "say so in consistency.stale_reads.")
def strong_through_cache(ctx):
    if _stale_stated(ctx):
        return
    for f, t, stale in _strong_cached(ctx):
        names = ", ".join(c.id for c in stale)
        yield Hit(f, f"read path '{f.id}' of '{f.use_case}' goes through {names}, but "
                     f"{t.id or 'its consistency target'} asks for strong consistency, and stale reads are not addressed")


@rule("CONS-005", "Consistency choice weaker than the requirement", severity="error", playbook=P_WHERE,
      why="Phase 1 is the contract: the dive choosing a weaker model for the same data silently breaks "
          "what the requirements promised (a strong balance read eventually can double-spend).",
      fix="Choose a model that gives what the requirement asks (or revise the requirement, with its why).",
      bad="nf consistency: [{id: cons-pay, use_case: pay, model: strong}]\ndive: [{scope: pay, model: eventual}]",
      good="dive: [{scope: pay, model: strong, why: single leader per account}]")
def choice_contradicts(ctx):
    d = _dive(ctx)
    for ch in (d.choices if d else []):
        for t in _targets(ctx):
            if _matches(ctx, ch, t) and not _meets(ch.model, t.model):
                who = t.id or t.use_case or "the requirement"
                yield Hit(ch, f"'{ch.scope}' is {ch.model.value} in the deep dive, but {who} asks for {t.model.value}")


@rule("CONS-006", "Required consistency model chosen nowhere", severity="warning", playbook=P_WHERE,
      why="The requirements ask for a guarantee (strong, read-your-writes, ...) that no choice in the dive "
          "provides; either the dive forgot the data that needs it or the design does not provide it.",
      fix="Add a consistency choice for the requirement's data with a model at least as strong, and why.",
      bad="nf consistency: [{id: cons-order, model: strong}]\ndive choices: [{scope: feeds, model: eventual}]",
      good="dive choices: [{scope: feeds, model: eventual}, {scope: message order, model: strong}]")
def required_model_missing(ctx):
    d = _dive(ctx)
    if d is None or not d.choices:
        return
    for t in _targets(ctx):
        if not GUARANTEES[t.model] or any(_matches(ctx, ch, t) for ch in d.choices):
            continue
        if not any(_meets(ch.model, t.model) for ch in d.choices):
            yield Hit(d, f"{t.id or t.use_case or 'a requirement'} asks for {t.model.value}, and no choice in the "
                         "deep dive gives it")


@rule("CONS-007", "Multi-region writes without conflict resolution", severity="warning", playbook=P_TABLE,
      why="When two regions accept writes, the same record can change in both at once; without a stated rule "
          "(home region per record, conditional writes, CRDT merges) last-writer-wins silently drops writes.",
      fix="State consistency.conflict_resolution: who owns each record, or how concurrent versions merge.",
      bad="users: {regions: [NA, EU]}\ntraffic: [{use_case: post, operation: write}]\nconsistency: {choices: [...]}",
      good="consistency:\n  conflict_resolution: each user's data has a home region; other regions forward writes",
      false_positives="Users in several regions served from one region have no multi-region writes: set "
                      "regions: 1 on the stores to say so.")
def multi_region_conflicts(ctx):
    if not ctx.deep_dives_started:
        return
    d = _dive(ctx)
    if d is not None and _text(d.conflict_resolution):
        return
    evidence = _multi_region_writes(ctx)
    if evidence:
        yield Hit(d if d is not None else ctx.dd, f"{evidence} and the design writes, but no conflict resolution "
                                                  "strategy is stated")


@rule("CONS-008", "Cache on a read path with no word on stale reads", severity="warning", playbook=P_STALE,
      why="A cache serves what it copied; without a consistency dive nothing says how stale it may be or what "
          "bounds it, and the caching choice cannot be judged against the requirements.",
      fix="Add deep_dives.consistency with stale_reads: what each cache may serve stale, and for how long.",
      bad="read_paths: [{hops: [api, cache, db]}]\ndeep_dives: {caching: {...}}",
      good="deep_dives:\n  consistency: {stale_reads: cache-aside with 60 s TTL; deletes invalidate on write}")
def cache_without_stale_reads(ctx):
    if not ctx.deep_dives_started or _dive(ctx) is not None:
        return
    flagged = {c.id for _, _, stale in _strong_cached(ctx) for c in stale}  # CONS-004 names these
    seen: set[str] = set()
    for kind, f in ctx.flows():
        if kind != "read":
            continue
        for h in f.hops:
            c = ctx.component(h.component)
            if c is not None and c.kind is ComponentKind.cache and c.id not in seen | flagged:
                seen.add(c.id)
                yield Hit(c, f"{c.id} serves reads on '{f.id}' and no consistency deep dive says how stale they may be")


@rule("CONS-009", "Consistency choice without a why", severity="warning", playbook=P_WHERE,
      why="The model is the easy half; why this data tolerates staleness (or cannot) is the tradeoff the "
          "interviewer is listening for.",
      fix="Give the choice a why: the harm a stale read would cause, or why staleness is invisible.",
      bad="- {scope: feeds, model: eventual}",
      good="- {scope: feeds, model: eventual, why: a few seconds of lag is invisible to readers}")
def choice_without_why(ctx):
    d = _dive(ctx)
    for ch in (d.choices if d else []):
        if not _text(ch.why):
            yield Hit(ch, f"consistency choice '{ch.scope}' ({ch.model.value}) does not say why")


@rule("CONS-010", "No consistency deep dive", severity="warning", playbook=P_WHERE,
      why="Where the requirements ask for strong consistency, the design has to show how it is kept (single "
          "leader, quorum, no stale copies); elsewhere the dive may simply not have come up yet.",
      fix="Add deep_dives.consistency: choices per data (model and why), conflict resolution, stale reads.",
      bad="consistency targets: [{use_case: pay, model: strong}]\ndeep_dives: {caching: {...}}",
      good="deep_dives:\n  consistency: {choices: [{scope: payments, model: strong, why: ...}]}")
def no_consistency_dive(ctx):
    if not ctx.deep_dives_started or _dive(ctx) is not None:
        return
    strong = [t for t in _targets(ctx) if t.model is ConsistencyModel.strong]
    if strong:
        ids = ", ".join(x for x in (t.id or t.use_case or t.scope for t in strong) if x)
        asked = f"strong consistency ({ids})" if ids else "strong consistency"
        yield Hit(ctx.dd, f"the requirements ask for {asked} and there is no consistency deep dive")
    else:
        yield Hit(ctx.dd, "no consistency deep dive", severity="info")

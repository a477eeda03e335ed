"""EST: Phase 2, the back-of-the-envelope numbers. Traffic split into reads and writes with a
peak multiplier, storage with retention and a hot window, bandwidth from payload sizes, cache
memory by the 80/20 rule, and the numbers that drive decisions called out."""

from __future__ import annotations

import difflib

from tradeoff.model import quantity as q
from tradeoff.model.design import STATEFUL_KINDS, ComponentKind, Operation
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_TRAFFIC = "Phase 2: traffic - DAU x requests/user / 86,400 = QPS; separate reads and writes"
P_PEAK = "Phase 2: traffic - apply a peak multiplier (2-5x)"
P_STORAGE = "Phase 2: storage - object size x new records/day x retention"
P_HOT = "Phase 2: storage - distinguish hot vs cold data"
P_BANDWIDTH = "Phase 2: bandwidth - write QPS x payload size (in), read QPS x response size (out)"
P_CACHE = "Phase 2: memory - the 80/20 rule: cache size = 0.2 x daily reads x average size"
P_HIGHLIGHT = "Phase 2: highlight the numbers that drive decisions ('At 50K reads/sec, we need a cache')"

#: a figure the engine could not compute because of a gap another EST rule already reports
_COVERED = ("estimates.traffic: no use case has traffic",)


def _est(ctx):
    return ctx.design.estimates


def _fmt_x(x: float) -> str:
    return f"{q.fmt_count(x)}x"


def _off_by(a: float, b: float) -> float:
    """The factor between two positive numbers (>= 1)."""
    return max(a / b, b / a)


def _multipliers(ctx):
    """Every peak multiplier the design states: (element or path, value, where)."""
    est = _est(ctx)
    if est is None:
        return
    if est.peak_multiplier is not None:
        yield est.source_path + ("peak_multiplier",), est.peak_multiplier, "estimates.peak_multiplier"
    for t in est.traffic:
        if t.peak_multiplier is not None:
            yield t.source_path + ("peak_multiplier",), t.peak_multiplier, f"traffic of '{t.use_case}'"


# --- presence of the section and its items ---------------------------------------------------

@rule("EST-001", "No estimates", severity="info", playbook=P_TRAFFIC,
      why="The numbers are what turn 'we might need a cache' into 'at 35K reads/s we need a cache'; without "
          "them every later choice is taste rather than arithmetic.",
      fix="Add an estimates section: traffic per use case (reads and writes), a peak multiplier, stored "
          "entities with size and retention, and payload sizes.",
      bad="name: x\nrequirements: {users: {dau: 10M}}",
      good="name: x\nestimates:\n  peak_multiplier: 3x\n  traffic:\n"
           "    - {use_case: redirect, operation: read, requests_per_user_per_day: 5}")
def no_estimates(ctx):
    if _est(ctx) is None:
        yield Hit((), "the design has no back-of-the-envelope estimates")


presence("EST-002", "No traffic estimate", section=_est, field="traffic", label="traffic per use case",
         severity="warning", playbook=P_TRAFFIC,
         why="Traffic is the first number of Phase 2: QPS sizes every tier, and storage, bandwidth and cache "
             "memory are all derived from it.",
         fix="Add estimates.traffic: one entry per use case with its operation (read or write) and a rate "
             "(requests_per_user_per_day, rate, or relative_to another use case).",
         bad="estimates:\n  peak_multiplier: 3x",
         good="estimates:\n  traffic:\n    - {use_case: post, operation: write, requests_per_user_per_day: 2}")


@rule("EST-003", "Reads and writes not separated", severity="warning", playbook=P_TRAFFIC,
      why="Reads and writes scale with different tools (caches and replicas vs. partitioned or buffered "
          "writes); a traffic estimate with only one side cannot give the read:write ratio that picks them.",
      fix="Give both the read and the write use cases a traffic entry, each with its operation.",
      bad="traffic:\n  - {use_case: redirect, operation: read, rate: 1B/day}",
      good="traffic:\n  - {use_case: shorten, operation: write, rate: 100M/day}\n"
           "  - {use_case: redirect, operation: read, relative_to: shorten, ratio: 10}",
      false_positives="A genuinely read-only or write-only system (a pure ingest pipeline whose readers are "
                      "out of scope); disable the rule for it.")
def reads_writes_not_separated(ctx):
    est = _est(ctx)
    if est is None or not est.traffic:
        return
    ops = {t.operation for t in est.traffic}
    if len(ops) == 1:
        op = next(iter(ops))
        other = "write" if op is Operation.read else "read"
        yield Hit(est.source_path + ("traffic",),
                  f"all {len(est.traffic)} traffic entries are {op.value}s: no {other} QPS, so reads and writes "
                  "are not separated and there is no read:write ratio")


presence("EST-004", "Peak multiplier not stated", section=_est, field="peak_multiplier",
         label="the peak multiplier", severity="info", playbook=P_PEAK,
         satisfied=lambda ctx, sec: sec.peak_multiplier is not None or all(
             t.peak_multiplier is not None for t in sec.traffic),
         applies=lambda ctx: bool(ctx.design.estimates.traffic),
         why="Systems are sized for the peak, not the daily average; stating the multiplier shows you know "
             "the difference and lets the interviewer push on it.",
         fix="State estimates.peak_multiplier (2-5x; 3x for diurnal consumer traffic, more for launches).",
         bad="estimates:\n  traffic: [...]", good="estimates:\n  peak_multiplier: 3x\n  traffic: [...]")


@rule("EST-005", "Peak multiplier below the usual range", severity="warning", playbook=P_PEAK,
      why="Peak traffic is typically 2-5x the daily average; a smaller multiplier sizes the system for an "
          "ordinary hour and it saturates at the daily peak.",
      fix="Use at least 2x (3x is a sound default), or say why the traffic really is that flat.",
      bad="peak_multiplier: 1.2x", good="peak_multiplier: 3x",
      false_positives="Traffic that really is flat (machine-to-machine telemetry at a fixed rate).")
def peak_below_min(ctx):
    lo = ctx.threshold("peak_multiplier_min")
    for at, m, where in _multipliers(ctx):
        if 1 <= m < lo:
            yield Hit(at, f"{where}: a peak multiplier of {_fmt_x(m)} is below {_fmt_x(lo)}; the design is sized "
                          "for an average hour, not the peak")


@rule("EST-006", "Peak multiplier above the usual range", severity="info", playbook=P_PEAK,
      why="Above about 5x a peak is an event (a launch, a sale, a match), and sizing every tier for it all "
          "year is expensive; it deserves its own scenario (autoscaling, a queue, shedding).",
      fix="Keep 2-5x for the daily peak and treat the event as a separate scenario, or say why the spike "
          "is routine.",
      bad="peak_multiplier: 20x", good="peak_multiplier: 4x  # plus a note on the launch-day spike")
def peak_above_max(ctx):
    hi = ctx.threshold("peak_multiplier_max")
    for at, m, where in _multipliers(ctx):
        if m > hi:
            yield Hit(at, f"{where}: a peak multiplier of {_fmt_x(m)} is above the usual {_fmt_x(hi)}")


@rule("EST-007", "Peak below the average", severity="error", playbook=P_PEAK,
      why="A peak is at least the average by definition; a multiplier under 1 makes every peak figure smaller "
          "than the mean and undersizes everything built on it.",
      fix="Write the multiplier as peak over average, e.g. 3x, not its inverse.",
      bad="peak_multiplier: 0.3x", good="peak_multiplier: 3x")
def peak_below_one(ctx):
    for at, m, where in _multipliers(ctx):
        if m < 1:
            yield Hit(at, f"{where}: a peak multiplier of {_fmt_x(m)} puts the peak below the average")


# --- storage ------------------------------------------------------------------------------------

def _stores_data(ctx) -> bool:
    est = _est(ctx)
    return any(c.kind is ComponentKind.data_store for c in ctx.components) or any(
        t.operation is Operation.write for t in (est.traffic if est else []))


presence("EST-008", "Storage not estimated", section=_est, field="storage", label="storage (what is kept, how big)",
         severity="warning", playbook=P_STORAGE, applies=_stores_data,
         why="Storage decides the store and whether it must be sharded: 500 B x 100M a day is 18 TB a year, "
             "well past one node; without the number that decision is a guess.",
         fix="Add estimates.storage: each entity with its size, how many arrive a day (or from_use_case), "
             "retention, hot window and replication factor.",
         bad="estimates:\n  traffic: [{use_case: post, operation: write, rate: 10M/day}]",
         good="estimates:\n  storage:\n    - {id: post, size: 1 KB, from_use_case: post, retention: 5 years, "
              "hot_window: 7 days}")


@rule("EST-009", "Stored entity kept forever", severity="info", playbook=P_STORAGE,
      why="Retention is the third factor of storage; 'forever' is a choice (and sometimes a compliance "
          "problem) that should be said, not defaulted.",
      fix="Give the entity a retention (e.g. 5 years, 30 days), or note that it is kept forever on purpose.",
      bad="- {id: post, size: 1 KB, from_use_case: publish}",
      good="- {id: post, size: 1 KB, from_use_case: publish, retention: 5 years}")
def entity_without_retention(ctx):
    est = _est(ctx)
    if est is None:
        return
    horizon = est.horizon or ctx.table.defaults["storage_horizon"].value
    for e in est.storage:
        if e.retention is None:
            yield Hit(e, f"'{e.id}' has no retention: it is kept forever and sized over a horizon of {horizon}")


@rule("EST-010", "Hot and cold data not distinguished", severity="warning", playbook=P_HOT,
      why="Most reads hit recent data; knowing how much is hot decides what lives on fast storage or in "
          "memory and what can move to cheap, slow tiers.",
      fix="Give the entities a hot_window (how long an item stays frequently read, e.g. 7 days).",
      bad="storage:\n  - {id: post, size: 1 KB, new_per_day: 10M, retention: 5 years}",
      good="storage:\n  - {id: post, size: 1 KB, new_per_day: 10M, retention: 5 years, hot_window: 7 days}")
def hot_cold_not_distinguished(ctx):
    est = _est(ctx)
    if est is None or not est.storage:
        return
    if all(e.hot_window is None for e in est.storage):
        total = ctx.est.value("storage.total")
        size = f" all {q.fmt_bytes(total)}" if total is not None else ""
        yield Hit(est.source_path + ("storage",),
                  f"no stored entity has a hot window: hot and cold data are not distinguished, so{size} counts as hot")


@rule("EST-011", "Stored entity without a hot window", severity="info", playbook=P_HOT,
      why="An entity without a hot window counts as hot for its whole retention, which overstates fast "
          "storage (or says, unstated, that it is all read equally).",
      fix="Give the entity a hot_window, or set it equal to the retention if it really is all hot.",
      bad="- {id: follow_edge, size: 64 B, new_per_day: 50M}",
      good="- {id: follow_edge, size: 64 B, new_per_day: 50M, hot_window: 5 years}")
def entity_without_hot_window(ctx):
    est = _est(ctx)
    if est is None or all(e.hot_window is None for e in est.storage):
        return  # EST-010 covers a design that never distinguishes hot from cold
    for e in est.storage:
        if e.hot_window is None:
            yield Hit(e, f"'{e.id}' has no hot window: all of it counts as hot")


@rule("EST-012", "Hot window longer than retention", severity="warning", playbook=P_HOT,
      why="Data cannot stay hot longer than it is kept; one of the two durations is wrong, and the hot-tier "
          "size built on it is too.",
      fix="Make the hot window at most the retention.",
      bad="- {id: event, size: 50 B, new_per_day: 1B, retention: 7 days, hot_window: 30 days}",
      good="- {id: event, size: 50 B, new_per_day: 1B, retention: 30 days, hot_window: 7 days}")
def hot_window_beyond_retention(ctx):
    est = _est(ctx)
    for e in (est.storage if est else []):
        if e.hot_window is not None and e.retention is not None and e.hot_window.seconds() > e.retention.seconds():
            yield Hit(e, f"'{e.id}' stays hot for {e.hot_window} but is kept only {e.retention}")


@rule("EST-013", "Payload size missing", severity="warning", playbook=P_BANDWIDTH,
      why="Bandwidth is QPS times payload: without the request size of a write or the response size of a read, "
          "ingress or egress is counted as zero and the NIC and CDN thresholds cannot be judged.",
      fix="Give the traffic entry a request_size (writes) or response_size (reads).",
      bad="- {use_case: view-feed, operation: read, requests_per_user_per_day: 10}",
      good="- {use_case: view-feed, operation: read, requests_per_user_per_day: 10, response_size: 12 KB}")
def payload_size_missing(ctx):
    est = _est(ctx)
    for t in (est.traffic if est else []):
        if t.operation is Operation.write and t.request_size is None:
            yield Hit(t, f"write '{t.use_case}' has no request_size: its ingress counts as 0")
        elif t.operation is Operation.read and t.response_size is None:
            yield Hit(t, f"read '{t.use_case}' has no response_size: its egress counts as 0")


# --- stated numbers ----------------------------------------------------------------------------

@rule("EST-014", "Stated number off the computed one", severity="warning", playbook=P_HIGHLIGHT,
      why="A number stated in the interview that the design's own inputs contradict is an arithmetic slip "
          "or a forgotten input; a decision taken on it is taken on the wrong number.",
      fix="Redo the arithmetic from the inputs (tradeoff estimate shows each derivation), or fix the input "
          "that differs.",
      bad="stated: {qps.read.peak: 350K}  # the inputs give 35K",
      good="stated: {qps.read.peak: 35K}",
      false_positives="A number stated for a different scope under the same name (one region's peak as "
                      "qps.read.peak). Within stated_number_tolerance (2x) nothing fires; beyond its square it is "
                      "an error.")
def stated_number_off(ctx):
    est = _est(ctx)
    if est is None:
        return
    tol = ctx.threshold("stated_number_tolerance")
    for entry in ctx.est.stated:
        if "value" not in entry:
            continue
        key, v, computed = entry["metric"], entry["value"], entry["computed"]
        fig = ctx.est.figures[key]
        at = est.source_path + ("stated", key)
        if not computed:
            if v:
                yield Hit(at, f"stated {key} {entry['stated']}, but the inputs give {fig.text}", severity="error")
            continue
        if not v:
            yield Hit(at, f"stated {key} {entry['stated']}, but the inputs give {fig.text}", severity="error")
            continue
        factor = _off_by(v, computed)
        if factor > tol:
            yield Hit(at, f"stated {key} {entry['stated']} is {q.fmt_count(factor)}x off the computed {fig.text} "
                          f"(more than {ctx.fmt('stated_number_tolerance')}x)",
                      severity="error" if factor > tol * tol else None)


@rule("EST-015", "Stated number that cannot be checked", severity="warning", playbook=P_HIGHLIGHT,
      why="A stated number is only worth writing down if it can be checked against the inputs; an unknown "
          "metric name or an unreadable value hides a possible slip.",
      fix="Name the stated number by a figure key of `tradeoff estimate` (qps.read.peak, storage.per_day, "
          "cache.memory, ...) and write it as a quantity (35K, 2 TB).",
      bad="stated: {peak_reads: 35K}", good="stated: {qps.read.peak: 35K}")
def stated_unchecked(ctx):
    est = _est(ctx)
    if est is None:
        return
    for entry in ctx.est.stated:
        problem = entry.get("problem")
        if problem is None:
            continue
        key = entry["metric"]
        at = est.source_path + ("stated", key)
        if problem == "no such computed figure":
            close = difflib.get_close_matches(key, list(ctx.est.figures), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else " (the inputs do not yield it)"
            yield Hit(at, f"stated {key}: no such computed figure{hint}")
        else:
            yield Hit(at, f"stated {key} {entry['stated']!r}: {problem}")


@rule("EST-016", "Read:write ratio contradicts the traffic", severity="warning", playbook=P_TRAFFIC,
      why="The read:write ratio of the requirements and the one the traffic estimate gives must agree; when "
          "they do not, either the access pattern or the rates are wrong, and the read/write tradeoffs follow "
          "the wrong one.",
      fix="Reconcile requirements.access_patterns.read_write_ratio with the traffic rates.",
      bad="access_patterns: {read_write_ratio: '100:1'}  # traffic gives 10:1",
      good="access_patterns: {read_write_ratio: '10:1'}")
def ratio_contradicts_traffic(ctx):
    ap = ctx.req.access_patterns if ctx.req else None
    stated = ap.read_write_ratio if ap else None
    computed = ctx.est.value("read_write_ratio")
    if not stated or not computed:
        return
    tol = ctx.threshold("stated_number_tolerance")
    factor = _off_by(stated, computed)
    if factor > tol:
        yield Hit(ap.source_path + ("read_write_ratio",),
                  f"read:write ratio stated {q.fmt_count(stated)}:1, but the traffic gives {q.fmt_count(computed)}:1 "
                  f"({q.fmt_count(factor)}x apart, more than {ctx.fmt('stated_number_tolerance')}x)",
                  severity="error" if factor > tol * tol else None)


@rule("EST-017", "Decision-driving numbers not highlighted", severity="warning", playbook=P_HIGHLIGHT,
      why="The point of the estimate is the few numbers that force a design choice; crossing a threshold "
          "without saying so leaves the interviewer to connect the numbers to the design.",
      fix="Name the numbers and what they force in architecture.interesting_challenges (or in a decision's "
          "requirement): 'at 87K reads/s we need a cache; at 15 TB/day we partition early'.",
      bad="# estimates cross 50K reads/s; architecture has no interesting_challenges and no decisions",
      good="architecture:\n  interesting_challenges: ['Hydration at 87K pages/s: cache design and stampedes']")
def numbers_not_highlighted(ctx):
    arch = ctx.arch
    if arch is None or not ctx.est.callouts or arch.interesting_challenges or ctx.design.decisions:
        return
    est = _est(ctx)
    crossed = "; ".join(c.message.rstrip(".") for c in ctx.est.callouts[:2])
    more = f" (and {len(ctx.est.callouts) - 2} more)" if len(ctx.est.callouts) > 2 else ""
    yield Hit(est if est is not None else (),
              f"{len(ctx.est.callouts)} decision thresholds are crossed but neither interesting_challenges nor a "
              f"decision names them: {crossed}{more}")


@rule("EST-018", "Figure that could not be computed", severity="info", playbook=P_TRAFFIC,
      why="A figure missing for lack of an input (DAU, a rate, a size) is a hole in the estimate that the "
          "later phases silently treat as zero.",
      fix="Supply the input the message names.",
      bad="users: {}\ntraffic: [{use_case: post, operation: write, requests_per_user_per_day: 2}]",
      good="users: {dau: 10M}\ntraffic: [{use_case: post, operation: write, requests_per_user_per_day: 2}]")
def figure_not_computed(ctx):
    est = _est(ctx)
    if est is None:
        return
    traffic = {t.use_case: t for t in est.traffic}
    entities = {e.id: e for e in est.storage}
    for m in ctx.est.missing:
        if m.startswith(_COVERED) or "_size not given" in m:  # EST-002 and EST-013 say these
            continue
        head = m.split(":", 1)[0]
        kind, _, name = head.partition(".")
        at = (traffic.get(name) if kind == "traffic" else entities.get(name) if kind == "storage"
              else est.cache if kind == "cache" and est.cache is not None else None) or est
        yield Hit(at, m)


@rule("EST-019", "Cache memory not sized", severity="warning", playbook=P_CACHE,
      why="Past one store's read capacity a cache is needed, and its memory (20% of the daily reads times the "
          "object size) decides whether it fits one node or needs a sharded cluster.",
      fix="Add estimates.cache: the fraction of daily reads to cache (20%), the use cases it serves and the "
          "object size.",
      bad="# 50K reads/s at peak, no estimates.cache",
      good="estimates:\n  cache: {fraction_of_daily_reads: 20%, use_cases: [redirect], object_size: 500 B}")
def cache_not_sized(ctx):
    est = _est(ctx)
    if est is None or est.cache is not None:
        return
    reads = ctx.est.value("qps.read.peak")
    default = ctx.est.value("cache.memory")
    gives = f"; the 80/20 default gives {q.fmt_bytes(default)}" if default is not None else ""
    limit = ctx.threshold("cache_read_qps")
    if reads is not None and reads >= limit:
        yield Hit(est, f"{q.fmt_count(reads)} reads/s at peak (at or above {ctx.fmt('cache_read_qps')}) need a "
                       f"cache, but its memory is not sized{gives}")
    elif any(c.kind is ComponentKind.cache for c in ctx.components):
        yield Hit(est, f"the architecture has a cache but the estimate does not size its memory{gives}",
                  severity="info")


@rule("EST-020", "Stored entity kept by no store", severity="warning", playbook=P_STORAGE,
      why="Each entity the estimate sizes has to live somewhere; an entity no store holds is data the "
          "architecture forgot, and its bytes are missing from every store's sizing.",
      fix="Set the entity's store, or list it in the entities of the data store (or cache) that keeps it.",
      bad="storage: [{id: post, size: 1 KB, new_per_day: 10M}]  # no store, no component lists it",
      good="storage: [{id: post, size: 1 KB, new_per_day: 10M, store: post-db}]")
def entity_without_store(ctx):
    est = _est(ctx)
    if est is None or not ctx.components:
        return
    listed = {e for c in ctx.components for e in c.entities}
    for e in est.storage:
        if e.store is None and e.id not in listed:
            yield Hit(e, f"no component keeps '{e.id}' (no store, and no component lists it in its entities)")


#: kinds that can keep an entity besides the stateful ones (a client's local store, CDN-cached objects,
#: a third-party store)
_KEEPERS = STATEFUL_KINDS | {ComponentKind.client, ComponentKind.cdn, ComponentKind.external}


@rule("EST-021", "Stored entity kept by a stateless component", severity="warning", playbook=P_STORAGE,
      why="Services, workers, gateways and balancers are stateless so that they can be replaced and scaled "
          "freely; data placed on one is lost with the instance and breaks that assumption.",
      fix="Point the entity at the data store (or cache) that keeps it, and draw that store if it is missing.",
      bad="storage: [{id: post, size: 1 KB, new_per_day: 10M, store: post-service}]",
      good="storage: [{id: post, size: 1 KB, new_per_day: 10M, store: post-db}]")
def entity_on_stateless(ctx):
    est = _est(ctx)
    if est is None:
        return
    for e in est.storage:
        keepers = [c for c in ctx.components if e.id in c.entities or c.id == e.store]
        for c in keepers:
            if c.kind not in _KEEPERS:
                yield Hit(e, f"'{e.id}' is kept by {c.id}, a {c.kind.value}, which holds no state")

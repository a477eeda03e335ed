"""Tracing a constraint change the way the playbook asks: which numbers move, which components
are affected and which are not, which decisions to re-examine, which findings appear or go
away, and what breaks now. Everything is the difference of two runs of the same analyses
(estimate, capacity model and sweep, review) on the design before and after the change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.scale import Break, ScaleReport
from tradeoff.model.design import Design
from tradeoff.review.rules.changes import set_component
from tradeoff.whatif.apply import Edit

MOVED = 1e-6  # relative change below which a number has not moved (float noise)
LOAD_MOVED = 0.005  # a component's load or utilisation changed by more than 0.5%: it is affected
AT = (1.0, 10.0, 100.0)


@dataclass
class NumberMove:
    key: str
    label: str
    unit: str
    before: float | None
    after: float | None

    @property
    def ratio(self) -> float | None:
        if self.before in (None, 0) or self.after is None:
            return None
        return self.after / self.before


@dataclass
class ComponentImpact:
    id: str
    affected: bool
    reasons: list[str]
    busy_before: float | None  # busiest resource's utilisation at 1x
    busy_after: float | None
    limit_before: float = math.inf  # load multiplier at its first limit
    limit_after: float = math.inf


@dataclass
class FindingChange:
    code: str
    severity: str
    element: str | None
    message: str


@dataclass
class Impact:
    edits: list[Edit]
    design: str
    numbers: list[NumberMove]
    components: list[ComponentImpact]
    decisions: list[tuple[str, str]]  # (decision id, why to re-examine it)
    findings_new: list[FindingChange]
    findings_gone: list[FindingChange]
    first_before: Break | None
    first_after: Break | None
    broken_before: dict[float, list[str]] = field(default_factory=dict)  # multiplier -> components past a limit
    broken_after: dict[float, list[str]] = field(default_factory=dict)
    recorded: object | None = None  # the design's recorded Change this replays, if any

    def against_record(self) -> tuple[list[str], list[str], list[str]] | None:
        """For a replayed change: (traced but not recorded as affected, recorded as affected but not
        traced, recorded as unaffected but traced)."""
        if self.recorded is None:
            return None
        rec_a, rec_u, got = set(self.recorded.affected), set(self.recorded.unaffected), set(self.affected)
        return sorted(got - rec_a), sorted(rec_a - got), sorted(rec_u & got)

    @property
    def affected(self) -> list[str]:
        return [c.id for c in self.components if c.affected]

    @property
    def unaffected(self) -> list[str]:
        return [c.id for c in self.components if not c.affected]


def _edited_ids(edits: list[Edit], design: Design) -> set[str]:
    """Ids of the elements the edits touch (any path segment, or dotted run, naming an element)."""
    ids = {e.id for e in design.walk() if getattr(e, "id", None)}
    out = set()
    for ed in edits:
        parts = ed.path.split(".")
        for i in range(len(parts)):
            for j in range(i + 1, len(parts) + 1):
                key = ".".join(parts[i:j])
                if key in ids:
                    out.add(key)
    return out


def _use_cases_touched(design: Design, touched: set[str]) -> list[tuple[str, str]]:
    """(what changed, use case) for each edited use case or latency target."""
    from tradeoff.model.design import LatencyTarget, UseCase

    out = []
    for e in design.walk():
        eid = getattr(e, "id", None)
        if eid not in touched:
            continue
        if isinstance(e, UseCase):
            out.append(("definition", e.id))
        elif isinstance(e, LatencyTarget) and e.use_case:
            out.append((f"latency target {e.id}", e.use_case))
    return out


def _first_breaks(report: ScaleReport) -> dict[str, Break]:
    """Each component's first limit (the lowest multiplier)."""
    out: dict[str, Break] = {}
    for b in sorted(report.breaks, key=lambda b: (b.multiplier, b.what)):
        if b.component and b.component not in out:
            out[b.component] = b
    return out


def _broken(report: ScaleReport) -> dict[float, list[str]]:
    return {p.multiplier: sorted({b.component for b in p.broken if b.component}) for p in report.points}


def _findings(report) -> dict[tuple, FindingChange]:
    return {(f.code, f.element or ".".join(map(str, f.path))): FindingChange(f.code, str(getattr(f.severity, "value", f.severity)), f.element,
                                                                            f.message)
            for f in report.findings}


def _nines_and_bill(before: Design, after: Design, models) -> list[NumberMove]:
    """Each path's availability and the monthly bill at each multiplier, where they move."""
    from tradeoff.availability import analyse
    from tradeoff.cost import bills

    out = []
    paths = [{p.flow: p for p in analyse(d).paths} for d in (before, after)]
    for flow in list(paths[0]) + [f for f in paths[1] if f not in paths[0]]:
        pb, pa = paths[0].get(flow), paths[1].get(flow)
        vb, va = (pb.availability if pb else None), (pa.availability if pa else None)
        if vb != va and (vb is None or va is None or abs((1 - va) - (1 - vb)) > MOVED * max(1 - va, 1 - vb)):
            p = pa or pb
            out.append(NumberMove(f"availability.{flow}", f"{flow} ({p.use_case}, {p.direction}): availability",
                                  "availability", vb, va))
    costs = [bills(d, AT, model=m) for d, m in zip((before, after), models)]
    for bb, ba in zip(costs[0].bills, costs[1].bills):
        if abs(ba.total - bb.total) > MOVED * max(bb.total, ba.total):
            out.append(NumberMove(f"cost.{bb.multiplier:g}x", f"monthly cost at {bb.multiplier:g}x",
                                  f"{costs[1].catalog.currency}/month", bb.total, ba.total))
    return out


def trace(before: Design, after: Design, edits: list[Edit], table=None, capacity=None) -> Impact:
    """The impact of `edits`, which turned `before` into `after`."""
    from tradeoff.capacity.model import build
    from tradeoff.capacity.scale import sweep
    from tradeoff.review.run import review

    models = [build(d, table=table, capacity=capacity) for d in (before, after)]
    sweeps = [sweep(m, AT) for m in models]
    reviews = [review(d, table=table, est=m.est, scale=s) for d, m, s in zip((before, after), models, sweeps)]
    est_b, est_a = models[0].est, models[1].est

    numbers = []
    for key in list(est_b.figures) + [k for k in est_a.figures if k not in est_b.figures]:
        fb, fa = est_b.figures.get(key), est_a.figures.get(key)
        vb, va = (fb.value if fb else None), (fa.value if fa else None)
        if vb is None and va is None:
            continue
        if vb is not None and va is not None and (vb == va or abs(va - vb) <= MOVED * max(abs(vb), abs(va))):
            continue
        f = fa or fb
        numbers.append(NumberMove(key, f.label, f.unit, vb, va))
    numbers += _nines_and_bill(before, after, models)

    ids_b = {c.id for c in before.components}
    ids_a = {c.id for c in after.components}
    edited_components: dict[str, list[str]] = {}
    for e in edits:
        cid = set_component(e.path, ids_b | ids_a)
        if cid:
            edited_components.setdefault(cid, []).append(f"edited: {e}")
    first_break_b, first_break_a = _first_breaks(sweeps[0]), _first_breaks(sweeps[1])
    # a use case, or a latency target, that the change edits: the components on its paths are affected
    touched = _edited_ids(edits, before) | _edited_ids(edits, after)
    on_path: dict[str, list[str]] = {}
    from tradeoff.capacity.latency import OFF_CLOCK
    from tradeoff.capacity.load import ASYNC_START, flows_of

    arch = after.architecture

    def kind(cid: str):
        c = arch.component(cid) if arch else None
        return c.kind if c is not None else None

    for what, uc in _use_cases_touched(after, touched):
        for _, f in flows_of(after):
            # the request's own path: not the async legs it starts, not the client's side
            if f.use_case == uc and kind(f.hops[0].component) not in ASYNC_START:
                for h in (h for h in f.hops if kind(h.component) not in OFF_CLOCK):
                    why = f"on {uc}'s path, whose {what} changed"
                    if why not in on_path.setdefault(h.component, []):
                        on_path[h.component].append(why)
    fb, fa = _findings(reviews[0]), _findings(reviews[1])
    new = [v for k, v in fa.items() if k not in fb]
    gone = [v for k, v in fb.items() if k not in fa]
    flagged: dict[str, list[str]] = {}
    for f in new:
        if f.element in ids_a:
            flagged.setdefault(f.element, []).append(f"new finding {f.code}")
    components = []
    for cid in [c.id for c in after.components] + sorted(ids_b - ids_a):
        reasons = list(edited_components.get(cid, [])) + on_path.get(cid, []) + flagged.get(cid, [])
        cm_b, cm_a = models[0].components.get(cid), models[1].components.get(cid)
        if cm_b is None:
            reasons.append("new component")
        elif cm_a is None:
            reasons.append("removed")
        ub = cm_b.utilisation(1.0) if cm_b and cm_b.resources else None
        ua = cm_a.utilisation(1.0) if cm_a and cm_a.resources else None
        bb, ba = first_break_b.get(cid), first_break_a.get(cid)
        mb = bb.multiplier if bb else math.inf
        ma = ba.multiplier if ba else math.inf
        if cm_b is not None and cm_a is not None:
            lb, la = cm_b.load.peak, cm_a.load.peak
            if (lb or la) and abs(la - lb) > LOAD_MOVED * max(lb, la):
                reasons.append(f"load x{la / lb:.3g}" if lb else "now carries load")
            elif ub is not None and ua is not None and abs(ua - ub) > LOAD_MOVED * max(ub, ua, 1e-12):
                reasons.append(f"utilisation {ub:.0%} -> {ua:.0%}")
            if mb != ma and not (math.isinf(mb) and math.isinf(ma)) and abs(ma - mb) > LOAD_MOVED * min(ma, mb):
                reasons.append(f"first limit {_x(mb)} -> {_x(ma)}")
        components.append(ComponentImpact(cid, bool(reasons), reasons, ub, ua, mb, ma))
    components.sort(key=lambda c: (not c.affected, c.id))

    affected = {c.id for c in components if c.affected}
    req_edit = any(e.path.startswith(("requirements.", "estimates.")) for e in edits)
    decisions = []
    for d in after.decisions:
        why = []
        hit = sorted(set(d.traces_to) & touched)
        if hit:
            why.append("it traces to " + ", ".join(hit) + ", which the change edits")
        if d.choice and d.choice.component in affected:
            why.append(f"its choice's component {d.choice.component} is affected")
        if req_edit and not hit and d.traces_to == [] and d.choice is None:
            why.append("the requirements changed and it traces to none")
        if why:
            decisions.append((d.id, "; ".join(why)))

    return Impact(edits, after.name, numbers, components, decisions, new, gone, sweeps[0].first, sweeps[1].first,
                  _broken(sweeps[0]), _broken(sweeps[1]))


def _x(m: float) -> str:
    from tradeoff.capacity.scale import fmt_x

    return "never" if math.isinf(m) else fmt_x(m)

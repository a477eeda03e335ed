"""Ids are unique per namespace; every reference resolves to an element of the right kind."""

from __future__ import annotations

import difflib
from typing import Iterable

from tradeoff.model.design import ComponentKind, Design, Element

Problem = tuple[tuple, str, str]  # (path, message, hint)


def _unique(items: Iterable[Element], what: str, out: list[Problem]) -> dict[str, Element]:
    seen: dict[str, Element] = {}
    for item in items:
        iid = getattr(item, "id", None)
        if iid is None:
            continue
        if iid in seen:
            out.append((item.source_path + ("id",), f"duplicate {what} id '{iid}'",
                        f"ids are unique among {what}s; the first '{iid}' is at path {_dotted(seen[iid].source_path)}"))
        else:
            seen[iid] = item
    return seen


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def requirement_ids(design: Design) -> dict[str, Element]:
    """Everything a decision may trace to: use cases and non-functional requirement items."""
    req = design.requirements
    items: list[Element] = []
    if req:
        items += req.use_cases
        nf = req.non_functional
        if nf:
            items += [x for x in nf.latency if x.id] + [x for x in nf.consistency if x.id] + list(nf.compliance)
            items += [x for x in (nf.availability, nf.durability) if x is not None]
    return {x.id: x for x in items}  # type: ignore[attr-defined]


def check_references(design: Design) -> list[Problem]:
    out: list[Problem] = []
    req = design.requirements
    est = design.estimates
    arch = design.architecture
    use_cases = _unique(design.use_cases, "use case", out)
    nf = req.non_functional if req else None
    if nf:
        _unique([*nf.latency, *nf.consistency, *nf.compliance,
                 *[x for x in (nf.availability, nf.durability) if x]], "requirement", out)
    components = _unique(design.components, "component", out)
    entities = _unique(est.storage if est else [], "stored entity", out)
    flows: list[Element] = []
    if arch:
        flows = [*arch.read_paths, *arch.write_paths, *arch.async_edges, *arch.external_calls]
    _unique(flows, "flow", out)
    _unique(design.decisions, "decision", out)
    _unique(design.changes, "change", out)
    requirements = requirement_ids(design)

    def ref(owner: Element, field: str, value: str | None, table: dict, what: str, index: int | None = None,
            kinds: tuple[ComponentKind, ...] = ()) -> None:
        if value is None:
            return
        path = owner.source_path + (field,) + ((index,) if index is not None else ())
        if value not in table:
            close = difflib.get_close_matches(value, list(table), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else (
                f"known {what}s: {', '.join(sorted(table)[:12])}" if table else f"no {what} is defined yet")
            out.append((path, f"{field} refers to unknown {what} '{value}'", hint))
        elif kinds and table[value].kind not in kinds:  # type: ignore[attr-defined]
            want = " or ".join(k.value for k in kinds)
            out.append((path, f"{field} '{value}' is a {table[value].kind.value}, expected a {want}",  # type: ignore
                        f"point {field} at a component of kind {want}"))

    for uc_ref in (nf.latency + nf.consistency if nf else []):
        ref(uc_ref, "use_case", uc_ref.use_case, use_cases, "use case")
    if nf and nf.availability:
        for i, uc in enumerate(nf.availability.use_cases):
            ref(nf.availability, "use_cases", uc, use_cases, "use case", i)
    if est:
        traffic_of = {t.use_case for t in est.traffic}
        seen_traffic: set[str] = set()
        for t in est.traffic:
            ref(t, "use_case", t.use_case, use_cases, "use case")
            if t.use_case in seen_traffic:
                out.append((t.source_path + ("use_case",), f"traffic for use case '{t.use_case}' given twice",
                            "give each use case one traffic entry"))
            seen_traffic.add(t.use_case)
            if t.relative_to is not None:
                if t.relative_to not in traffic_of:
                    out.append((t.source_path + ("relative_to",), f"relative_to '{t.relative_to}' has no traffic entry",
                                "relative_to names a use case whose traffic is given in estimates.traffic"))
        out += _relative_cycles(est.traffic)
        for e in est.storage:
            ref(e, "from_use_case", e.from_use_case, use_cases, "use case")
            ref(e, "store", e.store, components, "component")
        if est.cache:
            for i, u in enumerate(est.cache.use_cases):
                ref(est.cache, "use_cases", u, use_cases, "use case", i)
    if arch:
        for c in arch.components:
            for i, e in enumerate(c.entities):
                ref(c, "entities", e, entities, "stored entity", i)
            for i, u in enumerate(c.use_cases):
                ref(c, "use_cases", u, use_cases, "use case", i)
        for f in [*arch.read_paths, *arch.write_paths]:
            ref(f, "use_case", f.use_case, use_cases, "use case")
            for h in f.hops:
                ref(h, "component", h.component, components, "component")
        queues = (ComponentKind.queue, ComponentKind.event_stream)
        for a in arch.async_edges:
            ref(a, "use_case", a.use_case, use_cases, "use case")
            ref(a, "producer", a.producer, components, "component")
            ref(a, "via", a.via, components, "component", kinds=queues)
            for i, c in enumerate(a.consumers):
                ref(a, "consumers", c, components, "component", i)
            ref(a, "dead_letter", a.dead_letter, components, "component", kinds=queues)
        for x in arch.external_calls:
            ref(x, "use_case", x.use_case, use_cases, "use case")
            ref(x, "caller", x.caller, components, "component")
            ref(x, "external", x.external, components, "component", kinds=(ComponentKind.external,))
    dd = design.deep_dives
    if dd:
        if dd.storage_technology:
            for ch in dd.storage_technology.choices:
                ref(ch, "component", ch.component, components, "component")
        for p in dd.partitioning:
            ref(p, "component", p.component, components, "component")
        if dd.api_design:
            for ep in dd.api_design.endpoints:
                ref(ep, "use_case", ep.use_case, use_cases, "use case")
        if dd.scalability:
            for w in dd.scalability.walk:
                ref(w, "component", w.component, components, "component")
    for d in design.decisions:
        for i, t in enumerate(d.traces_to):
            ref(d, "traces_to", t, requirements, "requirement or use case", i)
        if d.choice:
            ref(d.choice, "component", d.choice.component, components, "component")
    for ch in design.changes:
        for field in ("affected", "unaffected"):
            for i, c in enumerate(getattr(ch, field)):
                ref(ch, field, c, components, "component", i)
        for r in ch.replaced:
            ref(r, "component", r.component, components, "component")
    return out


def _relative_cycles(traffic: list) -> list[Problem]:
    by_uc = {t.use_case: t for t in traffic}
    out: list[Problem] = []
    for t in traffic:
        seen = [t.use_case]
        cur = t
        while cur is not None and cur.relative_to is not None:
            if cur.relative_to in seen:
                out.append((t.source_path + ("relative_to",), f"relative_to forms a cycle: {' -> '.join(seen + [cur.relative_to])}",
                            "anchor one use case of the chain with requests_per_user_per_day or rate"))
                break
            seen.append(cur.relative_to)
            cur = by_uc.get(cur.relative_to)
    return out[:1]

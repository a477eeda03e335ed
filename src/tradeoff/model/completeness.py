"""Which phases a (possibly partial) design has, and what each still lacks."""

from __future__ import annotations

from dataclasses import dataclass, field

from tradeoff.model.design import DEEP_DIVE_TOPICS, Design


@dataclass(frozen=True)
class PhaseStatus:
    phase: str
    present: bool
    missing: list[str] = field(default_factory=list)


def phases(design: Design) -> list[PhaseStatus]:
    out: list[PhaseStatus] = []
    req = design.requirements
    miss = []
    if req is None:
        out.append(PhaseStatus("1 requirements", False, ["requirements"]))
    else:
        if not req.restatement:
            miss.append("restatement")
        if not req.use_cases:
            miss.append("use_cases")
        if req.users is None:
            miss.append("users")
        if req.access_patterns is None:
            miss.append("access_patterns")
        nf = req.non_functional
        if nf is None:
            miss.append("non_functional")
        else:
            miss += [f"non_functional.{k}" for k in ("latency", "availability", "consistency", "durability")
                     if not getattr(nf, k)]
        if req.scope is None:
            miss.append("scope")
        out.append(PhaseStatus("1 requirements", True, miss))
    est = design.estimates
    if est is None:
        out.append(PhaseStatus("2 estimates", False, ["estimates"]))
    else:
        traffic_of = {t.use_case for t in est.traffic}
        miss = [f"traffic for use case '{u.id}'" for u in design.use_cases
                if u.priority.value != "out_of_scope" and u.id not in traffic_of]
        if not est.storage:
            miss.append("storage")
        out.append(PhaseStatus("2 estimates", True, miss))
    arch = design.architecture
    if arch is None:
        out.append(PhaseStatus("3 high-level design", False, ["architecture"]))
    else:
        miss = [k for k in ("components", "read_paths", "write_paths") if not getattr(arch, k)]
        out.append(PhaseStatus("3 high-level design", True, miss))
    dd = design.deep_dives
    topics = [t for t in DEEP_DIVE_TOPICS if dd is not None and getattr(dd, t)]
    out.append(PhaseStatus("4 deep dives", bool(topics), [t for t in DEEP_DIVE_TOPICS if t not in topics]))
    out.append(PhaseStatus("decisions", bool(design.decisions), [] if design.decisions else ["decisions"]))
    wu = design.wrap_up
    if wu is None or not wu.model_dump(exclude_defaults=True):
        out.append(PhaseStatus("5 wrap-up", False, ["wrap_up"]))
    else:
        miss = [k for k in ("summary", "deferred", "evolution", "v1", "v2", "operational_investments", "tech_debt")
                if not getattr(wu, k)]
        out.append(PhaseStatus("5 wrap-up", True, miss))
    return out

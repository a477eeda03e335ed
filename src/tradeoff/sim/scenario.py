"""Scenario files: load multipliers x named fault sets, each case simulated in its own process.

    duration: 30s
    seed: 1
    loads: [1x, 10x]
    faults:
      baseline: []
      db down: ["db:down@10s-20s"]
      slow search: ["search:latency=x10"]

Every case uses the same seed, so a case's result does not depend on which process ran it or
when: the table is the same however many cores there are.
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradeoff.capacity.scale import fmt_x
from tradeoff.errors import UsageError
from tradeoff.model import quantity as q

HINT = "a scenario file has duration, seed, loads (e.g. [1x, 10x]) and faults: {name: [fault, ...]}"


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duration: str = "30s"
    seed: int = 0
    loads: list[str] = Field(default_factory=lambda: ["1x"], min_length=1)
    faults: dict[str, list[str]] = Field(default_factory=lambda: {"baseline": []}, min_length=1)
    profile: str = "steady"
    service: str = "exponential"

    @field_validator("duration")
    @classmethod
    def _duration(cls, v: str) -> str:
        q.parse_duration(v)
        return v


@dataclass(frozen=True)
class Case:
    name: str
    load: float
    faults: tuple[str, ...]
    duration: float
    seed: int
    profile: str
    service: str


def load_scenarios(path: Path) -> list[Case]:
    from tradeoff.capacity.scale import parse_at
    from tradeoff.io.load import parse_model
    from tradeoff.sim.run import parse_fault

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read scenario file {path}: {exc.strerror}", HINT) from None
    spec = parse_model(ScenarioFile, text, str(path), HINT)
    duration = q.parse_duration(spec.duration).seconds()
    loads = [m for text in spec.loads for m in parse_at(text)]
    for name, faults in spec.faults.items():
        for f in faults:
            parse_fault(f, duration)  # refuse a bad fault before any process starts
    return [Case(name, m, tuple(faults), duration, spec.seed, spec.profile, spec.service)
            for m in loads for name, faults in spec.faults.items()]


def _run_case(args: tuple[str, str | None, str | None, Case]) -> dict[str, Any]:
    design, thresholds, knowledge, case = args
    from tradeoff.capacity.model import build
    from tradeoff.estimate.thresholds import default_table, table_with_file
    from tradeoff.examples import resolve
    from tradeoff.io.load import load_design
    from tradeoff.render.simulate import to_dict
    from tradeoff.sim.report import report
    from tradeoff.sim.run import parse_fault, profile, simulate

    caps = None
    if knowledge:
        from tradeoff.knowledge.capacity import default_capacity, with_overrides

        caps = with_overrides(default_capacity(), Path(knowledge))
    table = table_with_file(default_table(), Path(thresholds)) if thresholds else None
    model = build(load_design(resolve(design)), table=table, capacity=caps)
    res = simulate(None, case.load, case.duration, case.seed, [parse_fault(f, case.duration) for f in case.faults],
                   profile(case.profile, case.duration), case.service, model=model)
    d = to_dict(report(res))
    d.pop("windows")
    return {"case": case.name, "load": case.load, "faults": list(case.faults), "result": d}


def run_scenarios(model, cases: list[Case], jobs: int | None = None, *, design: str,
                  thresholds: Path | None = None, knowledge: Path | None = None) -> list[dict[str, Any]]:
    """Runs every case, in parallel over `jobs` processes (default: one per core)."""
    import multiprocessing
    import os

    from tradeoff.sim.build import build
    from tradeoff.sim.run import fault_events, parse_fault

    sim = build(model)
    for c in cases:  # a fault the design cannot have is refused here, before any process starts
        fault_events(sim, [parse_fault(f, c.duration) for f in c.faults], c.duration)
    args = [(design, str(thresholds) if thresholds else None, str(knowledge) if knowledge else None, c)
            for c in cases]
    workers = min(len(cases), jobs or os.cpu_count() or 1)
    if workers <= 1:
        return [_run_case(a) for a in args]
    # spawn, not fork: a forked child would inherit the parent's BLAS and numba threads mid-state
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_run_case, args))


def to_json(results: list[dict[str, Any]]) -> str:
    return json.dumps(results, indent=2) + "\n"


def to_rich(results: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    t = Table(title="Scenarios", title_justify="left")
    for h in ("case", "load", "flow", "done/s", "errors", "degraded", "p50", "p99", "saturates first"):
        t.add_column(h, justify="left" if h in ("case", "flow", "saturates first") else "right")
    for r in results:
        first = r["result"]["saturates_first"] or "-"
        flows = [f for f in r["result"]["flows"] if not f["consumer"]]  # consumers' streams: in the JSON
        for i, f in enumerate(flows):
            lat = f["latency_s"]
            t.add_row(r["case"] if i == 0 else "", fmt_x(r["load"]) if i == 0 else "", f["name"],
                      f"{f['throughput']:,.1f}", f"{f['error_rate']:.2%}", f"{f['degraded']:.2%}",
                      q.fmt_seconds(lat["p50"]) if lat["p50"] is not None else "-",
                      q.fmt_seconds(lat["p99"]) if lat["p99"] is not None else "-", first if i == 0 else "")
    return t

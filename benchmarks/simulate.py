"""Benchmark: the simulator (`tradeoff.sim`) on W1, the Jackson network of issue #6, side by side
with Ciw and SimPy, the discrete-event libraries a Python user would otherwise reach for.

W1: Poisson arrivals at 1000/s into a load balancer (2 servers, exponential, mean 0.5 ms), an
API (8 servers, 6 ms), then 80% of requests to a cache (4 servers, 0.5 ms) and 20% to a database
(4 servers, 12 ms); the exact mean sojourn is 10.835 ms. Each tool runs three cases:

- w1: as above;
- overload: arrivals at 1500/s, so the API has rho = 1.125 and its queue grows without bound;
- replicas: every station's servers x100 and arrivals x100 (100,000/s).

The machine's speed drifts by 10-20% over minutes (other tenants), so the tools take turns: each
round runs every tool once, one after another, each in a process of its own (this script started
again with `--worker TOOL CASE`, which prints one JSON line), and a tool's figure is the median of
its `--repeat` rounds. A worker makes one small warm-up run first (for tradeoff, the numba compile or
the load of its cache), then times the simulation loop alone. Customers/s = customers that arrived /
wall seconds of the loop, the same for every tool (under overload fewer complete); the mean sojourn
is over the customers that completed. The ratios to tradeoff are also given per round (a round's
tools ran within seconds of each other), as a median and a range.

Prints a plain table and writes the `simulate` section of benchmarks/RESULTS.md.

    python benchmarks/simulate.py [--repeat 5] [--scale 1] [--no-write] [--profile]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
sys.path.insert(0, str(HERE))

import results_file  # noqa: E402

TOOLS = ("tradeoff", "ciw", "simpy")
W1 = {"rate": 1000.0, "servers": {"lb": 2, "api": 8, "cache": 4, "db": 4},
      "mean": {"lb": 0.0005, "api": 0.006, "cache": 0.0005, "db": 0.012}, "p_cache": 0.8}
W1_SOJOURN = 0.010835  # exact mean sojourn of W1 (tests/capacity/test_latency.py)
SOJOURN_TOL = 0.05  # a run of 40,000 customers estimates it to about 1-2% (one standard error)
# case -> (arrival rate, servers multiplier)
CASES = {"w1": (1000.0, 1), "overload": (1500.0, 1), "replicas": (100_000.0, 100)}
# simulated seconds per tool and case, so that one run takes about 1-10 s of wall time here
DURATION = {
    "tradeoff": {"w1": 5000.0, "overload": 3000.0, "replicas": 50.0},
    "ciw": {"w1": 40.0, "overload": 15.0, "replicas": 0.25},
    "simpy": {"w1": 100.0, "overload": 60.0, "replicas": 1.0},
}
WARMUP = 0.01  # the warm-up run's share of the timed run's simulated time
SEED = 1
TARGET_CIW, TARGET_SIMPY, FLAT = 300.0, 100.0, 2.0


def case_spec(case: str, duration: float) -> dict:
    rate, k = CASES[case]
    return dict(W1, rate=rate, servers={s: c * k for s, c in W1["servers"].items()}, duration=duration, seed=SEED)


def design_text(spec: dict) -> str:
    """W1 as a tradeoff design (tests/capacity/fixtures/jackson.design.yaml at 1x); the API calls
    the cache on 80% of requests and the database on 20%, independently (the same mean)."""
    kinds = {"lb": "load_balancer", "api": "service", "cache": "cache", "db": "data_store, storage: relational"}
    comps = "\n".join(f"    - {{id: {s}, kind: {k}, replicas: {spec['servers'][s]}, capacity: "
                      f"{{service_time: {spec['mean'][s] * 1e3:g} ms, concurrency: 1}}}}" for s, k in kinds.items())
    p = spec["p_cache"]
    return f"""\
name: w1
requirements:
  use_cases:
    - {{id: get, name: read an item}}
estimates:
  peak_multiplier: 1
  thresholds: {{hop_latency: 0 ms}}
  traffic:
    - {{use_case: get, operation: read, rate: {spec['rate']:g}/s}}
architecture:
  components:
    - {{id: client, kind: client}}
{comps}
  read_paths:
    - id: get-cache
      use_case: get
      hops: [client, lb, api, {{component: cache, calls: {p:g}}}]
    - id: get-db
      use_case: get
      hops: [api, {{component: db, calls: {1 - p:g}}}]
"""


# --- the workers: one tool, one case, in a process of its own ----------------------------------

def simulate_tradeoff(spec: dict) -> dict:
    from tradeoff.io.load import load_design_text
    from tradeoff.sim import core
    from tradeoff.sim.run import simulate

    design = load_design_text(design_text(spec), "<w1>")
    # a float duration: an int one would compile core.run a second time, for an int t_final
    r = simulate(design, duration=float(spec["duration"]), seed=spec["seed"])
    done = sum(int(c.outcomes[:, core.OK].sum() + c.outcomes[:, core.DEGRADED].sum()) for c in r.classes)
    return {"arrived": r.requests, "completed": done, "sojourn_sum": sum(c.lat_sum for c in r.classes),
            "wall": r.wall}


def _simulator(tool: str):
    if tool == "tradeoff":
        return simulate_tradeoff
    sys.path.insert(0, str(HERE))
    if tool == "ciw":
        from w1_ciw import simulate
    else:
        from w1_simpy import simulate
    return simulate


def worker(tool: str, case: str, duration: float) -> dict:
    """One round of one tool: a small warm-up run, then the timed run (combine() takes the median
    over rounds)."""
    run = _simulator(tool)
    run(case_spec(case, duration * WARMUP))
    out = run(case_spec(case, duration))
    out.update(tool=tool, case=case, duration=duration)
    return out


def profile_tradeoff(duration: float, top: int = 8) -> str:
    """Where one W1 run's time goes: the phases of simulate() and cProfile's top entries by own
    time (the compiled loop is one entry, `core.run`; the random draws are numpy's)."""
    import cProfile
    import io
    import pstats

    from tradeoff.capacity.model import build as build_capacity
    from tradeoff.io.load import load_design_text
    from tradeoff.sim.build import build
    from tradeoff.sim.run import run_model, simulate

    text = design_text(case_spec("w1", duration))
    simulate(load_design_text(text), duration=duration * WARMUP, seed=SEED)
    t0 = time.perf_counter()
    design = load_design_text(text)
    t1 = time.perf_counter()
    cap = build_capacity(design)
    t2 = time.perf_counter()
    sim = build(cap)
    t3 = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    r = run_model(sim, 1.0, duration, SEED)
    prof.disable()
    t4 = time.perf_counter()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    phases = (f"load {t1 - t0:.3f} s, capacity model {t2 - t1:.3f} s, sim build {t3 - t2:.3f} s, "
              f"run_model {t4 - t3:.3f} s (of which the loop, result.wall: {r.wall:.3f} s; under cProfile)")
    return phases + "\n" + buf.getvalue()


# --- the main script: start the workers, gather, print ------------------------------------------

def combine(runs: list[dict], base: list[dict] | None) -> dict:
    """One tool's rounds as one result: the median round (same seed, same counts), every round's wall,
    and tradeoff's customers/s over this tool's in each round where both ran."""
    bad = [r for r in runs if "error" in r]
    if bad:
        return bad[0]
    out = dict(sorted(runs, key=lambda r: r["wall"])[len(runs) // 2])
    out["walls"] = [r["wall"] for r in runs]
    if base:
        out["round_ratios"] = [_rate(b) / _rate(r) for b, r in zip(base, runs) if "error" not in b]
    return out


def run_worker(tool: str, case: str, duration: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, case, "--duration", repr(duration)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    total = time.perf_counter() - t
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"tool": tool, "case": case, "error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    out = json.loads(lines[-1])
    out["process_s"] = total
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("numpy", "numba", "ciw", "simpy"))
    return (f"{cpu}, nproc {len(os.sched_getaffinity(0))}, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, {libs}")


def _rate(r: dict) -> float:
    return r["arrived"] / r["wall"]


def _ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:,.0f}x"


def _table(head: list[str], rows: list[list[str]], md: bool) -> str:
    return results_file.table(head, rows, md)


def verdicts(res: dict) -> list[tuple[str, bool | None]]:
    """The tools' agreement on W1 and the issue's targets, each with whether it holds (None: a
    figure is missing)."""
    def rate(tool, case):
        r = res.get((tool, case))
        return _rate(r) if r and "error" not in r else None

    out = []
    for tool in TOOLS:
        r = res.get((tool, "w1"))
        if r and "error" not in r:
            m = r["sojourn_sum"] / r["completed"] if r["completed"] else float("nan")
            out.append((f"{tool}'s W1 mean sojourn {m * 1e3:.3f} ms within {SOJOURN_TOL:.0%} of the exact "
                        f"{W1_SOJOURN * 1e3:.3f} ms", abs(m / W1_SOJOURN - 1) <= SOJOURN_TOL))
    t = rate("tradeoff", "w1")
    for tool, target in (("ciw", TARGET_CIW), ("simpy", TARGET_SIMPY)):
        o = rate(tool, "w1")
        ok = None if t is None or o is None else t / o >= target
        got = "-" if ok is None else _ratio(t / o)
        per = res[(tool, "w1")].get("round_ratios") if ok is not None else None
        if per:
            per = sorted(per)
            got += (f" (per round: median {_ratio(per[len(per) // 2])}, {_ratio(per[0])} to {_ratio(per[-1])} "
                    f"over {len(per)} rounds)")
        out.append((f"tradeoff >= {target:g}x {tool} on W1: {got}", ok))
    for case in ("overload", "replicas"):
        c = rate("tradeoff", case)
        ok = None if t is None or c is None else 1 / FLAT <= c / t <= FLAT
        got = "-" if ok is None else f"{c / t:.2f}x W1's customers/s"
        out.append((f"tradeoff flat ({case} within {FLAT:g}x of W1): {got}", ok))
    return out


def render(res: dict, md: bool) -> str:
    rows = []
    for case in CASES:
        base = res.get(("tradeoff", case))
        for tool in TOOLS:
            r = res.get((tool, case))
            if r is None:
                continue
            if "error" in r:
                rows.append([tool, case] + ["-"] * 7 + [f"fails: {r['error']}"])
                continue
            ratio = _ratio(_rate(base) / _rate(r)) if base and "error" not in base else "-"
            sojourn = r["sojourn_sum"] / r["completed"] * 1e3 if r["completed"] else float("nan")
            rows.append([tool, case, f"{r['duration']:g}", f"{r['arrived']:,}", f"{r['completed']:,}",
                         f"{r['wall']:.2f}", f"{min(r['walls']):.2f}-{max(r['walls']):.2f}", f"{_rate(r):,.0f}",
                         f"{sojourn:.3f}", ratio])
    head = ["tool", "case", "simulated s", "customers (arrived)", "completed", "wall s", "runs' range s", "customers/s",
            "mean sojourn ms", "tradeoff / tool"]
    parts = [_table(head, rows, md)]
    flat = []
    for tool in TOOLS:
        w = res.get((tool, "w1"))
        if not w or "error" in w:
            continue
        figs = [f"{case} {_rate(res[(tool, case)]) / _rate(w):.2f}x" for case in ("overload", "replicas")
                if (tool, case) in res and "error" not in res[(tool, case)]]
        if figs:
            flat.append(f"{tool}: " + ", ".join(figs))
    if flat:
        parts.append("Customers/s relative to the same tool on W1 (1.00x is flat): " + "; ".join(flat) + ".")
    ticks = [f"- {'yes' if ok else 'NO' if ok is False else 'unknown'}: {what}" for what, ok in verdicts(res)]
    parts.append("Checks and targets:\n\n" + "\n".join(ticks))
    parts.append(f"W1's exact mean sojourn is {W1_SOJOURN * 1e3:.3f} ms. Under overload the API's queue grows "
                 "by 167 customers a second, so the mean (over the customers that got through) grows with the run, "
                 "and so does the memory a tool holds for the queue: its customers/s depends on how long it runs. "
                 "With 100x the servers the waits "
                 "vanish and the mean tends to the sum of the mean services, 0.5 + 6 + 0.8 x 0.5 + 0.2 x 12 = "
                 "9.3 ms; short runs read it low, since the customers still inside at the end (the slow ones) "
                 "are not counted.")
    return "\n\n".join(parts)


def write_section(body: str, stamp: str) -> None:
    results_file.write_section("simulate", "Simulator: W1 against Ciw and SimPy (benchmarks/simulate.py)", stamp, body, RESULTS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds: timed runs per tool and case (median); default 5")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every simulated duration; default 1")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated; default all")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated; default all")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    ap.add_argument("--profile", action="store_true", help="also profile one tradeoff W1 run")
    ap.add_argument("--worker", nargs=2, metavar=("TOOL", "CASE"), help=argparse.SUPPRESS)
    ap.add_argument("--duration", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        tool, case = args.worker
        if case == "profile":
            print(profile_tradeoff(args.duration))
            return 0
        print(json.dumps(worker(tool, case, args.duration)))
        return 0

    tools = [t for t in args.tools.split(",") if t]
    cases = [c for c in args.cases.split(",") if c]
    unknown = [x for x in tools if x not in TOOLS] + [x for x in cases if x not in CASES]
    if unknown:
        ap.error(f"unknown tool or case: {', '.join(unknown)}")
    stamp = (f"Run on {datetime.date.today().isoformat()}: {machine()}. Wall seconds of the simulation loop "
             f"only (no imports, no numba compile), median of {args.repeat} rounds; in each round every tool "
             f"runs once, in a process of its own, one after another; seed {SEED}.")
    print(stamp, flush=True)
    res = {}
    for case in cases:
        rounds = {tool: [] for tool in tools}
        for k in range(args.repeat):
            for tool in tools:
                r = run_worker(tool, case, DURATION[tool][case] * args.scale)
                rounds[tool].append(r)
                what = r.get("error") or f"{_rate(r):,.0f} customers/s ({r['process_s']:.1f} s in all)"
                print(f"  round {k + 1}: {tool} {case}: {what}", flush=True)
        for tool, runs in rounds.items():
            res[(tool, case)] = combine(runs, rounds.get("tradeoff"))
    print()
    print(render(res, md=False))
    if args.profile:
        print("\nProfile of one tradeoff W1 run:")
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "tradeoff", "profile", "--duration",
               repr(DURATION["tradeoff"]["w1"] * args.scale)]
        print(subprocess.run(cmd, capture_output=True, text=True).stdout)
    if not args.no_write:
        write_section(render(res, md=True), stamp)
        print(f"\nwrote the simulate section of {RESULTS}")
    agree = [ok for what, ok in verdicts(res) if "sojourn" in what]
    return 1 if any("error" in r for r in res.values()) or not all(agree) else 0


if __name__ == "__main__":
    raise SystemExit(main())

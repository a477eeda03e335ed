"""Benchmark: `tradeoff scale` on a generated 200-component design, side by side with what a
user would otherwise write.

1. The sweep: build the capacity model and sweep it at 1x, 10x, 100x (every breaking
   multiplier, closed form and Brent's search for the latency targets), median of 5 runs;
   build alone, sweep alone, and peak memory (tracemalloc).
2. Erlang C at c = 8, 128, 2048 servers and rho = 0.8: tradeoff's (Poisson CDF through scipy)
   against the textbook sum over k < c of a^k / k! in plain Python, and against the Erlang C
   packages from PyPI that are installed (pyworkforce, erlanglib); each checked against a
   60-digit reference.
3. The breaking multiplier: tradeoff's closed form + Brent against a brute-force scan that
   evaluates the model at 1.00x, 1.01x, ... until something breaks.

Prints a plain table and writes the `scale_sweep` section of benchmarks/RESULTS.md.

    python benchmarks/scale_sweep.py [--runs 5] [--scan-runs 1] [--no-write] [--profile]
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import math
import os
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generated_capacity import generated_capacity_text  # noqa: E402
import results_file  # noqa: E402

from tradeoff.capacity.latency import flow_latency, request_flows  # noqa: E402
from tradeoff.capacity.model import build  # noqa: E402
from tradeoff.capacity.queueing import erlang_c  # noqa: E402
from tradeoff.capacity.scale import PCT_NAMES, sweep, targets_of  # noqa: E402
from tradeoff.io.load import load_design_text  # noqa: E402

RESULTS = HERE / "RESULTS.md"
AT = (1.0, 10.0, 100.0)
SERVERS = (8, 128, 2048)
RHO = 0.8
AGREE = 1e-9
SCAN_STEP = 0.01


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


# --- Erlang C, four ways --------------------------------------------------------------------

def erlang_c_textbook(c: int, a: float) -> float:
    """As in spreadsheets and most blog posts: P(wait) = (a^c/c! c/(c-a)) / (sum_{k<c} a^k/k! + that)."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def erlang_c_reference(c: int, a: float) -> float:
    """Erlang B's recursion B_k = a B_{k-1} / (k + a B_{k-1}) in 60-digit decimals, from the exact
    binary value of a; C = B / (1 - rho (1 - B))."""
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        A = decimal.Decimal(a)
        b = decimal.Decimal(1)
        for k in range(1, c + 1):
            b = A * b / (k + A * b)
        return float(b / (1 - A / c * (1 - b)))


def _contenders() -> tuple[dict[str, object], dict[str, str]]:
    """name -> f(c, a), for the packages that import; and why the others are absent."""
    out: dict[str, object] = {"tradeoff": erlang_c, "textbook (plain Python)": erlang_c_textbook}
    missing = {}
    try:
        from pyworkforce.queuing import ErlangC

        def pyworkforce(c: int, a: float) -> float:
            # intensity = transactions / interval x aht = a
            return ErlangC(transactions=a, aht=1.0, asa=1.0, interval=1).waiting_probability(c)

        out["pyworkforce 0.5 (ErlangC)"] = pyworkforce
    except ImportError as exc:
        missing["pyworkforce"] = str(exc)
    prec = decimal.getcontext().prec
    try:
        import erlanglib  # sets the global decimal precision to 1000 at import

        decimal.getcontext().prec = prec

        def erlanglib_c(c: int, a: float) -> float:
            with decimal.localcontext() as ctx:
                ctx.prec = 1000  # the precision the package sets for itself
                return erlanglib.erlang_c(c, a)

        out["erlanglib 1.2 (erlang_c)"] = erlanglib_c
    except ImportError as exc:
        missing["erlanglib"] = str(exc)
    return out, missing


def _per_call(fn, c: int, a: float) -> float:
    """Microseconds per call: the median of 5 repeats of as many calls as fill 0.2 s."""
    timer = timeit.Timer(lambda: fn(c, a))
    number, total = timer.autorange()
    if total > 2.0:  # slow enough that one timing is the measurement
        return 1e6 * total / number
    return 1e6 * statistics.median(timer.repeat(5, number)) / number


def bench_erlang() -> list[dict]:
    funcs, missing = _contenders()
    rows = []
    for c in SERVERS:
        a = RHO * c
        ref = erlang_c_reference(c, a)
        for name, fn in funcs.items():
            row = {"c": c, "a": a, "name": name, "reference": ref}
            try:
                value = fn(c, a)
            except (OverflowError, ZeroDivisionError) as exc:
                row.update(value=None, us=None, error=f"fails: {type(exc).__name__} {exc}")
                rows.append(row)
                continue
            rel = abs(value - ref) / ref
            row.update(value=value, rel=rel, agrees=rel <= AGREE, us=_per_call(fn, c, a), error=None)
            rows.append(row)
    for name, why in missing.items():
        rows.append({"c": None, "name": name, "error": f"not installed ({why})"})
    return rows


def textbook_limit(rho: float = RHO) -> tuple[int, str]:
    """The fewest servers at which the textbook formula fails in floats, and how."""
    c = 1
    while True:
        try:
            erlang_c_textbook(c, rho * c)
        except (OverflowError, ZeroDivisionError) as exc:
            return c, type(exc).__name__
        c += 1


# --- the breaking multiplier: closed form + Brent vs a scan ------------------------------------

def scan_first_break(model, step: float = SCAN_STEP, start: float = 1.0, stop: float = 1000.0):
    """What a user writes without closed forms: evaluate every resource and every flow's latency
    at 1.00x, 1.01x, ... and stop at the first multiplier where something breaks; returns that
    multiplier, every limit broken there, and the number of multipliers evaluated."""
    flows = [(f, br, targets_of(model, f.use_case)) for f, br in request_flows(model)]
    flows = [(f, br, t) for f, br, t in flows if t]
    resources = [(cm.id, r) for cm in model.components.values() for r in cm.resources]
    n = 0
    while True:
        m = round(start + n * step, 10)
        if m > stop:
            return None, [], n
        broken = [f"{cid} {r.name}" for cid, r in resources if r.at(m) >= 1]
        for f, br, targets in flows:
            lat = flow_latency(model, f, br, m)
            broken += [f"{f.id} {PCT_NAMES[p]} target" for p, t in sorted(targets.items()) if lat.p(p) >= t]
        n += 1
        if broken:
            return m, sorted(broken), n


def bench_breaks(model, runs: int, scan_runs: int) -> dict:
    t_closed, report = _median_time(lambda: sweep(model, ()), runs)
    first = report.first
    t_scan, (m_scan, scan_found, steps) = _median_time(lambda: scan_first_break(model), scan_runs)
    # the limits tradeoff puts at or below the scan's multiplier must be exactly those the scan saw
    # break there, each within one step of it
    mine = [b for b in report.breaks if m_scan is not None and b.multiplier <= m_scan + 1e-9]
    agrees = (m_scan is not None and sorted(b.what for b in mine) == scan_found
              and all(b.multiplier > m_scan - SCAN_STEP - 1e-9 for b in mine))
    return {"closed_s": t_closed, "limits": len(report.breaks), "first": first.multiplier if first else None,
            "first_what": first.what if first else None, "scan_s": t_scan, "scan_m": m_scan,
            "scan_found": scan_found, "mine": [(b.what, b.multiplier) for b in mine], "scan_steps": steps,
            "agrees": agrees, "scan_flows": sum(1 for f, _ in request_flows(model) if targets_of(model, f.use_case))}


# --- the sweep --------------------------------------------------------------------------------

def bench_sweep(text: str, runs: int) -> dict:
    t_load, design = _median_time(lambda: load_design_text(text, "<generated-capacity-200>"), runs)
    t_build, model = _median_time(lambda: build(design), runs)
    t_sweep, report = _median_time(lambda: sweep(model, AT), runs)
    t_full, _ = _median_time(lambda: sweep(build(design), AT), runs)
    tracemalloc.start()
    sweep(build(design), AT)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    flows = request_flows(model)
    return {"design": design, "model": model, "load_s": t_load, "build_s": t_build, "sweep_s": t_sweep,
            "full_s": t_full, "peak_mb": peak / 2 ** 20, "components": len(design.architecture.components),
            "use_cases": len(design.use_cases), "flows": len(flows),
            "targets": sum(len(targets_of(model, f.use_case)) for f, _ in flows),
            "limits": len(report.breaks), "first": report.first}


def profile_sweep(model, top: int = 5) -> str:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    sweep(model, AT)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


# --- output -----------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    import scipy

    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}")


def _us(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _ratio(x: float | None, base: float | None) -> str:
    if x is None or not base:
        return "-"
    r = x / base
    return f"{r:.2f}x" if r < 10 else f"{r:,.0f}x"


def _table(head: list[str], rows: list[list[str]], md: bool) -> str:
    return results_file.table(head, rows, md)


def render(s: dict, erl: list[dict], brk: dict, md: bool) -> str:
    from tradeoff.capacity.scale import fmt_x

    parts = []
    title = (lambda t: f"### {t}") if md else (lambda t: f"\n{t}")
    parts.append(title(f"Sweep: {s['components']} components, {s['use_cases']} use cases, {s['flows']} request "
                       f"flows, {s['targets']} latency targets, {s['limits']} limits"))
    parts.append("The design is `generated_capacity.py`'s (200 components, seed 11). The sweep is "
                 "`sweep(model, (1, 10, 100))` as `tradeoff scale` runs it: every breaking multiplier (closed "
                 "form for resources, Brent's search for latency targets) and the points at 1x, 10x, 100x.")
    rows = [["load (YAML -> Design)", f"{s['load_s']:.3f}"],
            ["build (estimate + capacity model)", f"{s['build_s']:.3f}"],
            ["sweep at 1x, 10x, 100x", f"{s['sweep_s']:.3f}"], ["build + sweep", f"{s['full_s']:.3f}"],
            ["peak memory, build + sweep (tracemalloc)", f"{s['peak_mb']:.1f} MiB"]]
    parts.append(_table(["step", "seconds, median of runs"], rows, md))
    if s["first"] is not None:
        parts.append(f"First limit: {s['first'].what} at {fmt_x(s['first'].multiplier)}.")
    parts.append(title(f"Erlang C at rho = {RHO}: microseconds per call, and the ratio to tradeoff"))
    base = {r["c"]: r["us"] for r in erl if r["name"] == "tradeoff"}
    rows = []
    for r in erl:
        if r["c"] is None:
            rows.append([r["name"], "-", "-", "-", "-", r["error"]])
        elif r["error"]:
            rows.append([r["name"], str(r["c"]), "-", "-", "-", r["error"]])
        else:
            rows.append([r["name"], str(r["c"]), _us(r["us"]), _ratio(r["us"], base.get(r["c"])),
                         f"{r['rel']:.1e}", "agrees to 1e-9" if r["agrees"] else "DISAGREES"])
    parts.append(_table(["implementation", "c", "us per call", "vs tradeoff", "rel. error", "check"], rows, md))
    c_fail, how = textbook_limit()
    parts.append(f"The textbook formula in floats fails ({how}) from c = {c_fail} at rho = {RHO}: a^c passes "
                 f"1e308. Every value computed is checked against Erlang B's recursion in 60-digit decimals.")
    parts.append(title("Breaking multiplier: closed form + Brent vs a brute-force scan"))
    first_mine = "; ".join(f"{w} at {m:.4f}x" for w, m in brk["mine"])
    rows = [["tradeoff: every limit (`sweep(model, ())`)", f"{brk['closed_s']:.3f}",
             f"all {brk['limits']} limits; the first: {first_mine}"],
            [f"scan: 1.00x, 1.01x, ... over every resource and {brk['scan_flows']} flows with targets",
             f"{brk['scan_s']:.3f}",
             f"{'; '.join(brk['scan_found'])} at {brk['scan_m']:.2f}x ({brk['scan_steps']} multipliers)"]]
    parts.append(_table(["method", "seconds", "found"], rows, md))
    verdict = ("agree: the same limits, within the scan's 0.01x step" if brk["agrees"] else "DISAGREE")
    parts.append(f"The two {verdict}. The scan takes {_ratio(brk['scan_s'], brk['closed_s'])} the time of "
                 f"tradeoff's search for all {brk['limits']} limits to find the first one; it would take "
                 f"about {brk['scan_s'] / brk['scan_steps'] * (100 - 1) / SCAN_STEP:,.0f} s to scan to 100x.")
    return "\n\n".join(parts)


def write_section(body: str, stamp: str) -> None:
    results_file.write_section("scale_sweep", "Capacity model: `tradeoff scale` (benchmarks/scale_sweep.py)", stamp, body, RESULTS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per timing (median); default 5")
    ap.add_argument("--scan-runs", type=int, default=1, help="runs of the brute-force scan; default 1")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    ap.add_argument("--profile", action="store_true", help="also print cProfile's top cumulative entries")
    args = ap.parse_args(argv)

    text = generated_capacity_text(200)
    s = bench_sweep(text, args.runs)
    erl = bench_erlang()
    brk = bench_breaks(s["model"], args.runs, args.scan_runs)
    stamp = (f"Run on {datetime.date.today().isoformat()}: {machine()}. Times are wall-clock seconds, median of "
             f"{args.runs} runs (the scan: {args.scan_runs}).")
    print(stamp)
    print(render(s, erl, brk, md=False))
    if args.profile:
        print("\ncProfile of one sweep at 1x, 10x, 100x (top cumulative):")
        print(profile_sweep(s["model"]))
    if not args.no_write:
        write_section(render(s, erl, brk, md=True), stamp)
        print(f"\nwrote the scale_sweep section of {RESULTS}")
    ok = brk["agrees"] and all(r.get("agrees", True) for r in erl if r.get("error") is None and r["c"] is not None)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

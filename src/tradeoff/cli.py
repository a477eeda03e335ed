"""tradeoff: the principal-level system design playbook as software.

The command line is a thin shell: parse options, call one library function, print.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error.
"""

from __future__ import annotations

import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Callable, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, rich_markup_mode=None,
                  pretty_exceptions_enable=False)


class Format(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class ConventionOpt(str, Enum):
    exact = "exact"
    shortcut = "shortcut"


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def handles_errors(fn: Callable) -> Callable:
    """Turn tradeoff's own errors into `file:line:col: message` + hint on stderr, exit 2."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from tradeoff.errors import TradeoffError

        try:
            return fn(*args, **kwargs)
        except TradeoffError as exc:
            sys.stderr.write(exc.render() + "\n")
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return wrapper


def _load(design: str):
    from tradeoff.examples import resolve
    from tradeoff.io.load import load_design

    return load_design(resolve(design))


def _table(thresholds: Optional[Path]):
    if thresholds is None:
        return None
    from tradeoff.estimate.thresholds import default_table, table_with_file

    return table_with_file(default_table(), thresholds)


DESIGN_ARG = typer.Argument(..., help="a *.design.yaml file, or the name of a bundled example")


@app.command()
@handles_errors
def check(design: str = DESIGN_ARG) -> None:
    """Validate a design: every error with file:line:col and a hint; then what each phase lacks."""
    from tradeoff.model.completeness import phases

    d = _load(design)
    n = sum(1 for _ in d.walk())
    typer.echo(f"{design}: ok ({len(d.use_cases)} use cases, {len(d.components)} components, {n} elements)")
    for p in phases(d):
        state = "missing" if not p.present else ("complete" if not p.missing else "partial")
        line = f"  {p.phase:<20} {state}"
        if p.present and p.missing:
            shown = ", ".join(p.missing[:6]) + (f" (+{len(p.missing) - 6} more)" if len(p.missing) > 6 else "")
            line += f": no {shown}"
        typer.echo(line)


@app.command()
@handles_errors
def estimate(
    design: str = DESIGN_ARG,
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    convention: Optional[ConventionOpt] = typer.Option(None, help="exact calendar or interview shortcuts; "
                                                       "default: the design's own"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
    derivations: bool = typer.Option(True, help="show how each number was computed"),
) -> None:
    """Phase 2: QPS, storage, bandwidth and cache, with the numbers that drive decisions."""
    from tradeoff.estimate.engine import estimate as run
    from tradeoff.render import estimate as render

    est = run(_load(design), convention.value if convention else None, _table(thresholds))
    if format is Format.json:
        sys.stdout.write(render.to_json(est))
    elif format is Format.md:
        sys.stdout.write(render.to_markdown(est))
    else:
        _console().print(render.to_rich(est, derivations))


@app.command()
@handles_errors
def new(
    name: str = typer.Argument(..., help="the design's name; writes NAME.design.yaml"),
    from_: Optional[str] = typer.Option(None, "--from", help="seed from a bundled problem (see `tradeoff problems`)"),
    directory: Path = typer.Option(Path("."), "--dir", help="where to write it"),
) -> None:
    """Write a commented design skeleton with every phase (never overwrites)."""
    from tradeoff.io.skeleton import new_design

    path = new_design(name, directory, from_)
    typer.echo(f"wrote {path}")


@app.command()
@handles_errors
def schema(output: Optional[Path] = typer.Option(None, "-o", "--output", help="write to a file instead")) -> None:
    """JSON Schema of the design file, for editor completion."""
    from tradeoff.io.schema import design_schema_json

    text = design_schema_json()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@app.command()
@handles_errors
def problems() -> None:
    """The problem bank: bundled example designs."""
    from tradeoff.examples import example_path, list_examples
    from tradeoff.io.load import load_design

    for name in list_examples():
        d = load_design(example_path(name))
        typer.echo(f"{name:<16} {d.title or d.name}")


@app.command()
@handles_errors
def analyze(
    design: str = DESIGN_ARG,
    out: Path = typer.Option(Path("tradeoff-out"), "-o", "--out", help="folder for the reports"),
    convention: Optional[ConventionOpt] = typer.Option(None, help="exact or shortcut"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds"),
) -> None:
    """The main job: check, estimate, advise, review, scale, draw and doc into one folder with an
    index page, and a one-screen summary here."""
    from tradeoff.analyze import analyze as run
    from tradeoff.examples import resolve
    from tradeoff.model import quantity as q

    result = run(resolve(design), out, convention.value if convention else None, _table(thresholds))
    d, est, rev, sc = result.design, result.estimate, result.review, result.scale
    lines = [f"{d.title or d.name}"]
    peak, stored = est.value("qps.total.peak"), est.value("storage.total")
    if peak:
        lines.append(f"  peak: {q.fmt_count(peak)} requests/s"
                     + (f"; storage over the retention: {q.fmt_bytes(stored)}" if stored else ""))
    lines.append(f"  review: {rev.count('error')} errors, {rev.count('warning')} warnings, {rev.count('info')} info "
                 f"({len(rev.rules)} rules); {rev.verdict}")
    if sc.first is not None:
        lines.append(f"  breaks first: {sc.first.what} at {sc.first.multiplier:.3g}x of today's peak")
    if result.availability is not None and result.availability.paths:
        from tradeoff.render.availability import headline as nines

        lines.append(f"  availability: {nines(result.availability)[0]}")
    if result.cost is not None and result.cost.bills:
        from tradeoff.cost.bill import money

        b = result.cost.bills[0]
        lines.append(f"  cost: {money(b.total)} a month at today's load"
                     + "".join(f", {money(x.total)} at {x.multiplier:g}x" for x in result.cost.bills[1:]))
    lines.append(f"  decisions: {len(d.decisions)}; components: {len(d.components)}; "
                 f"recorded changes: {len(d.changes)}")
    lines.append(f"wrote {len(result.written)} files into {out}; open {out / 'index.html'}")
    sys.stdout.write("\n".join(lines) + "\n")


@app.command()
@handles_errors
def options(
    table: str = typer.Argument(..., help="data_storage, communication, compute, caching, event_driven, "
                                           "consistency or load_balancing"),
    need: list[str] = typer.Option([], "--need", help="a need as FACT=VALUE, e.g. queries=key_lookup "
                                                     "or qps.read.peak=100K; repeatable"),
    design: Optional[str] = typer.Option(None, "--design", help="take the needs from a design's facts"),
) -> None:
    """The options of one reference table, ranked for the stated needs, each with why."""
    from rich.table import Table

    from tradeoff.knowledge.facts import design_facts, parse_needs
    from tradeoff.knowledge.options import rank

    facts: dict = {}
    if design is not None:
        from tradeoff.estimate.engine import estimate as run

        d = _load(design)
        facts = design_facts(d, run(d))
    facts.update(parse_needs(need))
    ranked = rank(table, facts)
    out = Table(title=f"{table}: options ranked for the stated needs")
    for col in ("#", "option", "score", "why", "technologies"):
        out.add_column(col, overflow="fold")
    for i, r in enumerate(ranked, 1):
        out.add_row(str(i), r.option.name, f"{r.score:+d}", r.why, ", ".join(r.option.technologies[:4]))
    _console().print(out)


@app.command()
@handles_errors
def advise(
    design: str = DESIGN_ARG,
    component: Optional[str] = typer.Option(None, "--component", help="advise on one component only"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json"),
    draft: bool = typer.Option(False, "--draft", help="print drafted five-step decisions as YAML to paste"),
) -> None:
    """Does each component's option fit the requirements and numbers? What fits better?"""
    from tradeoff.knowledge.advise import advise as run
    from tradeoff.render import advise as render

    adv = run(_load(design), component)
    if draft:
        sys.stdout.write(render.drafts_yaml(adv))
    elif format is Format.json:
        sys.stdout.write(render.to_json(adv))
    else:
        _console().print(render.to_rich(adv))


class ReviewFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    md = "md"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    none = "none"


def _write_or_print(text: str, output: Optional[Path], protect: Optional[Path] = None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from tradeoff.errors import UsageError

    if protect is not None and output.resolve() == protect.resolve():
        raise UsageError(f"refusing to overwrite the design itself ({output})", "choose another --output file")
    output.write_text(text, encoding="utf-8")


@app.command()
@handles_errors
def review(
    design: str = DESIGN_ARG,
    format: ReviewFormat = typer.Option(ReviewFormat.text, "--format", "-f", help="text, json, sarif or md"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="exit 1 on findings at or above this "
                                                                  "severity (error, warning, info, none)"),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML file: review: {disable, enable, severity}"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
    info: bool = typer.Option(True, "--info/--no-info", help="show info findings in the terminal"),
) -> None:
    """The principal-level review: findings with rule, severity, file:line, why and fix; coverage; verdict."""
    from tradeoff import __version__
    from tradeoff.examples import resolve
    from tradeoff.render import review as render
    from tradeoff.review import config_file, review as run

    path = resolve(design)
    cfg = config_file(config) if config is not None else None
    report = run(_load(design), table=_table(thresholds), config=cfg)
    if format is ReviewFormat.json:
        _write_or_print(render.to_json(report), output, Path(path))
    elif format is ReviewFormat.sarif:
        _write_or_print(render.to_sarif(report, __version__), output, Path(path))
    elif format is ReviewFormat.md:
        _write_or_print(render.to_markdown(report), output, Path(path))
    else:
        if output is not None:
            from rich.console import Console

            _write_or_print("", output, Path(path))
            with output.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=120, no_color=True, highlight=False).print(render.to_rich(report, info))
        else:
            _console().print(render.to_rich(report, info))
    if report.fails(fail_on.value):
        raise typer.Exit(1)


@app.command()
@handles_errors
def scale(
    design: str = DESIGN_ARG,
    at: str = typer.Option("1x,10x,100x", "--at", help="load multipliers over today's peak, e.g. 1x,10x,100x"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
    knowledge: Optional[Path] = typer.Option(None, "--knowledge", help="YAML file overriding per-node capacities"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
    plots: Optional[Path] = typer.Option(None, "--plots", help="also write latency and utilisation plots "
                                                              "(PNG and SVG) into this folder"),
) -> None:
    """What breaks at 10x and 100x: utilisation and latency per component and flow, the multiplier
    where each limit is reached, and what each component needs, with the arithmetic."""
    from tradeoff.capacity.model import build
    from tradeoff.capacity.scale import parse_at, sweep
    from tradeoff.render import scale as render

    multipliers = parse_at(at)
    caps = None
    if knowledge is not None:
        from tradeoff.knowledge.capacity import default_capacity, with_overrides

        caps = with_overrides(default_capacity(), knowledge)
    report = sweep(build(_load(design), table=_table(thresholds), capacity=caps), multipliers)
    _report_out(render, report, format, output, design)
    if plots is not None:
        from tradeoff.capacity.plots import plot

        for path in plot(report, plots):
            sys.stderr.write(f"wrote {path}\n")


def _report_out(render, report, format: "Format", output: Optional[Path], design: str) -> None:
    """Print or write `report` through a renderer module (to_rich, to_json, to_markdown) in the
    format asked for; the design file is never overwritten."""
    from tradeoff.examples import resolve

    if format is Format.json:
        _write_or_print(render.to_json(report), output, Path(resolve(design)))
    elif format is Format.md:
        _write_or_print(render.to_markdown(report), output, Path(resolve(design)))
    elif output is not None:
        from rich.console import Console

        _write_or_print("", output, Path(resolve(design)))
        with output.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=140, no_color=True, highlight=False).print(render.to_rich(report))
    else:
        _console().print(render.to_rich(report))


@app.command()
@handles_errors
def availability(
    design: str = DESIGN_ARG,
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
) -> None:
    """The nines each use case's read and write path really has: hops in series, replicas in
    parallel, zones shared; downtime a year and a month against the target, the hop that costs
    the most and what would fix it, with the arithmetic."""
    from tradeoff.availability import analyse
    from tradeoff.render import availability as render

    _report_out(render, analyse(_load(design)), format, output, design)


@app.command()
@handles_errors
def cost(
    design: str = DESIGN_ARG,
    at: str = typer.Option("1x,10x,100x", "--at", help="load multipliers over today's peak, e.g. 1x,10x,100x"),
    prices: Optional[Path] = typer.Option(None, "--prices", help="YAML file overriding the price catalog"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
) -> None:
    """The monthly bill at each load: by component and by resource, cost per million requests,
    the top three drivers and how each grows with load, from the price catalog and what the
    capacity model says each component needs, with the arithmetic."""
    from tradeoff.capacity.scale import parse_at
    from tradeoff.cost import bills
    from tradeoff.knowledge.prices import default_prices, with_file
    from tradeoff.render import cost as render

    multipliers = parse_at(at)
    catalog = with_file(default_prices(), prices) if prices is not None else None
    _report_out(render, bills(_load(design), multipliers, catalog), format, output, design)


@app.command()
@handles_errors
def simulate(
    design: str = DESIGN_ARG,
    load: str = typer.Option("1x", "--load", help="multiplier on today's peak, e.g. 10x"),
    fail: list[str] = typer.Option([], "--fail", help="a fault, repeatable: db:down@10s-30s, api:replicas=2@20s, "
                                                      "zone=1@10s-40s, search:latency=x10, dep:errors=30%"),
    duration: str = typer.Option("60s", "--duration", help="simulated time, e.g. 60s or 5 min"),
    seed: int = typer.Option(0, "--seed", help="the same seed gives the same result"),
    profile: str = typer.Option("steady", "--profile", help="steady, ramp (0 to the load: what breaks first), diurnal, burst or burst=x4@20s-30s"),
    service: str = typer.Option("exponential", "--service", help="service times: exponential, lognormal, "
                                                                 "deterministic"),
    cv: float = typer.Option(1.0, "--cv", min=0.0, help="coefficient of variation of log-normal service times"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
    plots: Optional[Path] = typer.Option(None, "--plots", help="also write golden-signal plots (PNG and SVG) "
                                                              "into this folder"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="YAML file of load multipliers x faults, "
                                                                      "run in parallel"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="parallel processes for --scenarios (0: one per core)"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
    knowledge: Optional[Path] = typer.Option(None, "--knowledge", help="YAML file overriding per-node capacities"),
) -> None:
    """Request-level simulation: each request through the components, with timeouts, retries,
    breakers, queue limits and faults over time; golden signals per flow and per component."""
    from tradeoff.capacity.model import build
    from tradeoff.capacity.scale import parse_at
    from tradeoff.errors import UsageError
    from tradeoff.examples import resolve
    from tradeoff.model import quantity as qty

    caps = None
    if knowledge is not None:
        from tradeoff.knowledge.capacity import default_capacity, with_overrides

        caps = with_overrides(default_capacity(), knowledge)
    try:
        seconds = qty.parse_duration(duration).seconds()
    except qty.QuantityError as exc:
        raise UsageError(f"--duration: {exc}", "e.g. --duration 60s") from None
    if not 0 < seconds <= 86400:
        raise UsageError("--duration must be more than 0 and at most a day", "e.g. --duration 60s")
    model = build(_load(design), table=_table(thresholds), capacity=caps)
    if scenarios is not None:
        from tradeoff.sim.scenario import load_scenarios, run_scenarios, to_rich as scenario_table, to_json

        cases = load_scenarios(scenarios)
        results = run_scenarios(model, cases, jobs or None, design=design, thresholds=thresholds, knowledge=knowledge)
        if format is Format.json:
            _write_or_print(to_json(results), output, Path(resolve(design)))
        else:
            _console().print(scenario_table(results))
        return
    from tradeoff.render import simulate as render
    from tradeoff.sim.report import agreement, report
    from tradeoff.sim.run import parse_fault, profile as load_profile, simulate as run

    try:
        loads = parse_at(load)
    except UsageError:
        loads = ()
    if len(loads) != 1:
        raise UsageError(f"--load: {load!r} is not one multiplier", "e.g. --load 10x; for several, use --scenarios")
    m = loads[0]
    faults = [parse_fault(f, seconds) for f in fail]
    prof = load_profile(profile, seconds)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    err = Console(stderr=True)
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("sim", total=1.0)
        res = run(None, m, seconds, seed, faults, prof, service, cv, model=model,
                  progress=lambda f: bar.update(task, completed=f))
    rep = report(res)
    from tradeoff.capacity.scale import sweep

    agree = agreement(rep, sweep(model, (1.0, m)))
    sys.stderr.write(f"{res.requests:,} requests in {res.wall:.2f} s ({res.requests / max(res.wall, 1e-9):,.0f}/s)\n")
    protect = Path(resolve(design))
    if format is Format.json:
        _write_or_print(render.to_json(rep, agree), output, protect)
    elif format is Format.md:
        _write_or_print(render.to_markdown(rep, agree), output, protect)
    elif output is not None:
        _write_or_print("", output, protect)
        with output.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=160, no_color=True, highlight=False).print(render.to_rich(rep, agree))
    else:
        _console().print(render.to_rich(rep, agree))
    if plots is not None:
        from tradeoff.sim.plots import plot

        for path in plot(res, plots):
            sys.stderr.write(f"wrote {path}\n")


@app.command()
@handles_errors
def whatif(
    design: str = DESIGN_ARG,
    set_: list[str] = typer.Option([], "--set", help="PATH=VALUE, repeatable, e.g. requirements.users.dau=1B"),
    change: Optional[Path] = typer.Option(None, "--change", help="YAML file of a named change: "
                                                                 "{name: ..., set: {PATH: VALUE, ...}}"),
    replay: Optional[str] = typer.Option(None, "--replay", help="the id of a change recorded in the design's "
                                                                "changes section: apply its set, compare with "
                                                                "what it records as affected"),
    record: Optional[str] = typer.Option(None, "--record", help="add the change to the design's changes "
                                                                "section as a revision with this id (nothing "
                                                                "already in the file is touched)"),
    diff: Optional[str] = typer.Option(None, "--diff", help="A..B: the impact of going from revision A to B "
                                                            "(base, or a recorded change's id)"),
    canvas: Optional[Path] = typer.Option(None, "--canvas", help="also write the revised canvas (STEM.excalidraw, "
                                                                ".svg, .png, .mmd) with the old approach "
                                                                "crossed out beside the new"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write the report to a file"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
) -> None:
    """A changed constraint: apply PATH=VALUE edits, then trace the impact: the numbers that move,
    the components affected and not, the decisions to re-examine, the findings that appear or go
    away, and what breaks now."""
    from tradeoff.errors import UsageError
    from tradeoff.examples import resolve
    from tradeoff.render import whatif as render
    from tradeoff.whatif.apply import apply, load_change, parse_edit, recorded
    from tradeoff.whatif.trace import trace

    path = Path(resolve(design))
    if diff is not None:
        from tradeoff.whatif.record import diff as diff_revisions

        a, sep, b = diff.partition("..")
        if not sep or not a or not b:
            raise UsageError(f"--diff {diff!r}: not A..B", "e.g. --diff base..eu-data-residency")
        impact = diff_revisions(path, a, b, table=_table(thresholds))
        text = {Format.json: render.to_json, Format.md: render.to_markdown}.get(format, render.to_text)(impact)
        _write_or_print(text, output, path)
        return
    edits = [parse_edit(t) for t in set_]
    constraint = "; ".join(set_)
    if change is not None:
        constraint, from_file = load_change(change)
        edits = from_file + edits
    replayed_change = None
    if replay is not None:
        replayed_change, replayed = recorded(_load(design), replay)
        edits = replayed + edits
    if not edits:
        raise UsageError("no change given", "add --set PATH=VALUE, --change FILE or --replay CHANGE_ID")
    before, after = apply(path, edits)
    impact = trace(before, after, edits, table=_table(thresholds))
    impact.recorded = replayed_change
    if canvas is not None:
        from tradeoff.render.draw import draw as draw_canvas, write as write_canvas
        from tradeoff.whatif.record import revision_of

        title = replayed_change.constraint if replayed_change is not None and not set_ and change is None \
            else constraint
        drawing = draw_canvas(after, revision=revision_of(path, impact, title))
        for written in write_canvas(drawing, canvas, protect=path):
            sys.stderr.write(f"wrote {written}\n")
    if record is not None:
        from tradeoff.whatif.record import change_item, record as record_change

        record_change(path, change_item(record, constraint, impact))
        sys.stderr.write(f"recorded change {record} in {path}\n")
    text = {Format.json: render.to_json, Format.md: render.to_markdown}.get(format, render.to_text)(impact)
    _write_or_print(text, output, path)


@app.command()
@handles_errors
def doc(
    design: str = DESIGN_ARG,
    format: str = typer.Option("md,html", "--format", "-f", help="comma-separated: md, html"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="a folder (default: NAME.doc/ beside "
                                                                       "the design, or ./NAME.doc for an example)"),
    thresholds: Optional[Path] = typer.Option(None, help="YAML file overriding thresholds (name: value)"),
) -> None:
    """The design document: summary, each phase, the numbers with their derivations, the canvas,
    decisions in five steps, deep dives, what changes at 10x and 100x, the wrap-up (drafted where
    the design has none, and marked so), recorded changes and the open findings."""
    from tradeoff.errors import UsageError
    from tradeoff.examples import is_bundled, resolve
    from tradeoff.io.load import write_output
    from tradeoff.render.doc import write_doc

    wanted = [f.strip().lower() for f in format.split(",") if f.strip()]
    bad = [f for f in wanted if f not in ("md", "html")]
    if bad or not wanted:
        raise UsageError(f"unknown format {', '.join(bad) or '(none)'}", "choose from md,html")
    path = Path(resolve(design))
    d = _load(design)
    out = output or (Path(d.name + ".doc") if is_bundled(path) else path.with_name(d.name + ".doc"))
    for name, content in write_doc(d, wanted, _table(thresholds)).items():
        sys.stderr.write(f"wrote {write_output(out / name, content, path, 'choose another -o folder')}\n")


@app.command()
@handles_errors
def draw(
    design: str = DESIGN_ARG,
    format: str = typer.Option("excalidraw,svg,png,mermaid", "--format", "-f",
                               help="comma-separated: excalidraw, svg, png, mermaid"),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="a folder, or a file stem (NAME gives NAME.excalidraw, NAME.svg...); "
                                               "'-' prints one text format"),
    scale: float = typer.Option(1.0, "--scale", min=0.1, max=8, help="PNG scale"),
) -> None:
    """The canvas: requirements, numbers, decisions, the read path and write path apart, async dashed,
    external dependencies set apart, failure zones in red. Excalidraw scene, SVG, PNG and Mermaid."""
    from tradeoff.errors import UsageError
    from tradeoff.examples import resolve
    from tradeoff.render import draw as drawing

    path = Path(resolve(design))
    formats = drawing.parse_formats(format)
    loaded = _load(design)
    result = drawing.draw(loaded, formats, png_scale=scale)
    if output is not None and str(output) == "-":
        if len(formats) != 1 or formats[0] == "png":
            raise UsageError("'-o -' prints one text format", "add --format excalidraw, svg or mermaid")
        sys.stdout.write(result.outputs[formats[0]])
        return
    stem = drawing.default_stem(path)
    if output is not None:
        stem = output / stem.name if output.is_dir() else output
    for written in drawing.write(result, stem, protect=path):
        _console().print(f"wrote {written}")


@app.command("import")
@handles_errors
def import_(
    canvas: Path = typer.Argument(..., help="an .excalidraw scene (hand-drawn, or made by tradeoff draw)"),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="the design file to write (default NAME.design.yaml here); '-' prints it"),
    notes: bool = typer.Option(False, "--notes", help="also list how each shape, arrow and text was read"),
) -> None:
    """A drawn canvas read back into a design skeleton: shapes become components (kind guessed from
    their labels), arrows become flow hops and async edges, headed text becomes notes; what could not
    be interpreted is listed. Never overwrites a file."""
    from tradeoff.errors import UsageError
    from tradeoff.io.canvas import import_canvas

    result = import_canvas(canvas)
    err = _console(stderr=True)
    if output is not None and str(output) == "-":
        sys.stdout.write(result.yaml)
    else:
        target = output or Path(f"{result.design.get('name', canvas.stem)}.design.yaml")
        if target.exists():
            raise UsageError(f"{target} already exists; tradeoff import never overwrites a file",
                             "choose another file with -o, or '-o -' to print the design")
        target.write_text(result.yaml, encoding="utf-8")
        arch = result.design.get("architecture", {})
        flows = len(arch.get("read_paths", [])) + len(arch.get("write_paths", []))
        err.print(f"wrote {target} ({len(arch.get('components', []))} components, {flows} flows, "
                  f"{len(arch.get('async_edges', []))} async edges)")
    if notes:
        for line in result.notes:
            sys.stderr.write(f"  read: {line}\n")
    for line in result.problems:
        sys.stderr.write(f"  not interpreted: {line}\n")


@app.command()
@handles_errors
def rules(
    code: Optional[str] = typer.Argument(None, help="a rule code (CACHE-001) to explain, or a family (CACHE) to list"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json"),
) -> None:
    """The review rules: list them, or explain one with why, fix, and a bad and a good example."""
    import difflib
    import json

    from tradeoff.errors import UsageError
    from tradeoff.render import review as render
    from tradeoff.review import load_rules
    from tradeoff.review.engine import FAMILIES

    all_rules = load_rules()
    if code is not None and code.upper() in all_rules:
        r = all_rules[code.upper()]
        if format is Format.json:
            sys.stdout.write(json.dumps({k: v for k, v in vars(r).items() if k != "check"}
                                        | {"phase": r.phase, "topic": r.topic}, indent=2) + "\n")
        else:
            sys.stdout.write(render.explain(r))
        return
    if code is not None and code.upper() not in FAMILIES:
        close = difflib.get_close_matches(code.upper(), list(all_rules) + list(FAMILIES), n=1)
        raise UsageError(f"no rule or family '{code}'",
                         f"did you mean '{close[0]}'?" if close else "run `tradeoff rules` to list them")
    chosen = [all_rules[k] for k in sorted(all_rules) if code is None or all_rules[k].family == code.upper()]
    if format is Format.json:
        sys.stdout.write(json.dumps([{"code": r.code, "title": r.title, "severity": r.severity, "phase": r.phase,
                                      "topic": r.topic, "enabled": r.enabled} for r in chosen], indent=2) + "\n")
    else:
        _console().print(render.rules_table(chosen))


@app.command()
def version() -> None:
    """Print the version."""
    from tradeoff import __version__

    typer.echo(__version__)


def main() -> None:
    app()

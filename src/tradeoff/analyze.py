"""`tradeoff analyze`: the main job. Check, estimate, advise, review, scale, draw and doc into one
folder, with an index page (index.html) that says what each file is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradeoff.errors import UsageError
from tradeoff.estimate.engine import Estimate, estimate
from tradeoff.estimate.thresholds import Table
from tradeoff.io.load import load_design, write_output
from tradeoff.model.design import Design


@dataclass
class Analysis:
    design: Design
    estimate: Estimate
    advisory: Any = None
    review: Any = None
    scale: Any = None
    availability: Any = None
    cost: Any = None
    written: list[Path] = field(default_factory=list)


def analyze(design_path: str | Path, out_dir: str | Path, convention: str | None = None,
            table: Table | None = None) -> Analysis:
    """Load, estimate, and write every report into `out_dir` (only files tradeoff owns)."""
    from tradeoff.knowledge.advise import advise
    from tradeoff.render import advise as advice_render
    from tradeoff import __version__
    from tradeoff.render import review as review_render
    from tradeoff.render.estimate import to_json, to_markdown
    from tradeoff.review import review

    design_path = Path(design_path)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder", "name a folder for the reports with -o")
    design = load_design(design_path)
    est = estimate(design, convention, table)
    out.mkdir(parents=True, exist_ok=True)
    adv = advise(design, est=est)
    from tradeoff.capacity.model import build
    from tradeoff.capacity.scale import sweep
    from tradeoff.render import scale as scale_render
    from tradeoff.render.draw import SUFFIX, draw

    report = sweep(build(design, est, table))
    rev = review(design, table=table, est=est, scale=report)
    from tradeoff.availability import analyse
    from tradeoff.cost import bills
    from tradeoff.render import availability as availability_render
    from tradeoff.render import cost as cost_render

    nines = analyse(design)
    bill = bills(design, model=report.model)
    canvas = draw(design, est=est, findings=rev.findings, scale=report)
    files: dict[str, str | bytes] = {"estimate.json": to_json(est), "estimate.md": to_markdown(est),
             "advice.json": advice_render.to_json(adv), "decisions.draft.yaml": advice_render.drafts_yaml(adv),
             "review.json": review_render.to_json(rev), "review.md": review_render.to_markdown(rev),
             "review.sarif": review_render.to_sarif(rev, __version__),
             "scale.json": scale_render.to_json(report), "scale.md": scale_render.to_markdown(report),
             "availability.json": availability_render.to_json(nines),
             "availability.md": availability_render.to_markdown(nines),
             "cost.json": cost_render.to_json(bill), "cost.md": cost_render.to_markdown(bill),
             **{f"canvas{SUFFIX[fmt]}": content for fmt, content in canvas.outputs.items()}}
    from tradeoff.render.doc import write_doc

    files.update(write_doc(design, ["md", "html"], table, est, report, rev, canvas.outputs.get("svg"), nines, bill))
    files["index.html"] = index_page(design, sorted([*files, *PLOT_FILES]), rev, report, nines, bill)
    written = [write_output(out / name, content, design_path, "choose another -o folder")
               for name, content in sorted(files.items())]
    from tradeoff.capacity.plots import plot

    written += plot(report, out)
    return Analysis(design, est, adv, rev, report, nines, bill, written)


PLOT_FILES = ("scale-latency.png", "scale-latency.svg", "scale-utilisation.png", "scale-utilisation.svg")
WHAT = {
    "design.html": "the design document (standalone page)", "design.md": "the design document (Markdown)",
    "canvas.svg": "the canvas (SVG)", "canvas.png": "the canvas (PNG)",
    "canvas.excalidraw": "the canvas, to open and edit in Excalidraw", "canvas.mmd": "the canvas as Mermaid",
    "estimate.md": "the numbers with their derivations", "estimate.json": "the numbers (JSON)",
    "review.md": "the principal-level review", "review.json": "the review (JSON)",
    "review.sarif": "the review for code-scanning viewers (SARIF 2.1.0)",
    "advice.json": "options judged against the traffic and data", "decisions.draft.yaml": "drafted five-step decisions",
    "scale.md": "what breaks at 10x and 100x, with the arithmetic", "scale.json": "the capacity model (JSON)",
    "availability.md": "the nines of each read and write path, with the arithmetic",
    "availability.json": "availability per path (JSON)",
    "cost.md": "the monthly bill at 1x, 10x and 100x, with the arithmetic", "cost.json": "the bill (JSON)",
    "scale-latency.png": "latency against load (PNG)", "scale-latency.svg": "latency against load (SVG)",
    "scale-utilisation.png": "utilisation against load (PNG)", "scale-utilisation.svg": "utilisation against load (SVG)",
}


def index_page(design: Design, names: list[str], review, scale, availability=None, cost=None) -> str:
    """The folder's front page: the design, the headline, and a link to every file with what it is."""
    from html import escape

    title = escape(design.title or design.name)
    first = scale.first
    head = [f"{review.count('error')} errors, {review.count('warning')} warnings, {review.count('info')} info "
            f"from the review",
            f"what breaks first: {first.what} at {first.multiplier:.3g}x of today's peak" if first
            else "nothing in the model has a limit"]
    if availability is not None:
        from tradeoff.render.availability import headline as nines

        head.append(nines(availability)[0])
    if cost is not None and cost.bills:
        from tradeoff.render.cost import headline as bill

        head.append(bill(cost)[0])
    rows = "".join(f'<li><a href="{escape(n)}">{escape(n)}</a>: {escape(WHAT.get(n, ""))}</li>\n' for n in names)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}: tradeoff analysis</title>\n"
            "<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}</style>\n"
            f"</head>\n<body>\n<h1>{title}</h1>\n<ul>\n"
            + "".join(f"<li>{escape(h)}</li>\n" for h in head)
            + "</ul>\n<h2>Files</h2>\n<ul>\n" + rows + "</ul>\n</body>\n</html>\n")

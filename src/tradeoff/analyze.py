"""`tradeoff analyze`: the main job. Today check + estimate + advise + review + scale + draw; later issues add the rest."""

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
    canvas = draw(design, est=est, findings=rev.findings, scale=report)
    files: dict[str, str | bytes] = {"estimate.json": to_json(est), "estimate.md": to_markdown(est),
             "advice.json": advice_render.to_json(adv), "decisions.draft.yaml": advice_render.drafts_yaml(adv),
             "review.json": review_render.to_json(rev), "review.md": review_render.to_markdown(rev),
             "review.sarif": review_render.to_sarif(rev, __version__),
             "scale.json": scale_render.to_json(report), "scale.md": scale_render.to_markdown(report),
             **{f"canvas{SUFFIX[fmt]}": content for fmt, content in canvas.outputs.items()}}
    written = [write_output(out / name, content, design_path, "choose another -o folder")
               for name, content in files.items()]
    from tradeoff.capacity.plots import plot

    written += plot(report, out)
    return Analysis(design, est, adv, rev, report, written)

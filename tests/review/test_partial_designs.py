"""A design may be partial: the review runs on whatever is there and never crashes."""

from __future__ import annotations

import pytest
import yaml

from tradeoff.errors import DesignErrors

from tradeoff.examples import example_path, list_examples
from tradeoff.io.load import load_design_text
from tradeoff.model.design import DEEP_DIVE_TOPICS
from tradeoff.review import review

SECTIONS = ("requirements", "estimates", "architecture", "deep_dives", "decisions", "wrap_up", "changes")


def _variants(name: str):
    data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    yield "name only", {"name": data["name"]}
    for keep in range(1, len(SECTIONS) + 1):  # a candidate n phases in
        yield f"first {keep} sections", {k: v for k, v in data.items() if k not in SECTIONS[keep:]}
    for s in SECTIONS:
        yield f"without {s}", {k: v for k, v in data.items() if k != s}
    for t in DEEP_DIVE_TOPICS:
        yield f"without deep_dives.{t}", {**data, "deep_dives": {k: v for k, v in data["deep_dives"].items() if k != t}}


@pytest.mark.parametrize("name", list_examples())
def test_review_runs_on_every_partial_design(name):
    reviewed = 0
    for label, data in _variants(name):
        try:
            d = load_design_text(yaml.safe_dump(data, sort_keys=False), f"{name}.design.yaml")
        except DesignErrors:
            continue  # e.g. estimates naming stores of an architecture that was cut away
        rep = review(d)
        reviewed += 1
        for f in rep.findings:
            assert f.line is not None and f.why and f.fix, (label, f.code)
        assert rep.verdict, label
    assert reviewed >= 15


def test_the_skeleton_reviews_with_findings_but_no_crash():
    from tradeoff.io.skeleton import skeleton_text

    rep = review(load_design_text(skeleton_text("probe"), "probe.design.yaml"))
    assert rep.findings

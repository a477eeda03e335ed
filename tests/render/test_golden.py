"""Golden files for the canvas of each bundled example.

A change to the drawing shows up here as a diff to review. To accept it on purpose:
    TRADEOFF_UPDATE_GOLDEN=1 python -m pytest tests/render/test_golden.py
then look at the new files (and the PNGs `tradeoff draw` makes) before committing them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tradeoff.examples import list_examples, resolve
from tradeoff.io.load import load_design
from tradeoff.render.draw import SUFFIX, draw

GOLDEN = Path(__file__).parent.parent / "golden" / "canvas"
UPDATE = os.environ.get("TRADEOFF_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", ["excalidraw", "svg", "mermaid"])
@pytest.mark.parametrize("name", list_examples())
def test_canvas_matches_golden(name, fmt):
    text = draw(load_design(resolve(name)), [fmt]).outputs[fmt]
    golden = GOLDEN / f"{name}{SUFFIX[fmt]}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with TRADEOFF_UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name} {fmt} differs from {golden}; if the change is intended, refresh with TRADEOFF_UPDATE_GOLDEN=1")

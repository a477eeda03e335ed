"""`tradeoff draw`: writes each format, prints one text format with -o -, rejects unknown
formats with exit 2 and a hint, and never writes over the design."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import resolve

runner = CliRunner()


def test_draw_writes_all_formats(tmp_path):
    result = runner.invoke(app, ["draw", "url-shortener", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["url-shortener.canvas.excalidraw", "url-shortener.canvas.mmd", "url-shortener.canvas.png",
                     "url-shortener.canvas.svg"]
    assert (tmp_path / "url-shortener.canvas.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "url-shortener.canvas.excalidraw").read_text())["type"] == "excalidraw"
    assert (tmp_path / "url-shortener.canvas.svg").read_text().startswith("<svg")


def test_draw_prints_mermaid_to_stdout():
    result = runner.invoke(app, ["draw", "chat", "-f", "mermaid", "-o", "-"])
    assert result.exit_code == 0
    assert "flowchart LR" in result.output and 'subgraph read["Read path"]' in result.output


def test_unknown_format_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["draw", "chat", "-f", "visio", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "visio" in result.output and "hint" in result.output
    assert list(tmp_path.iterdir()) == []


def test_png_cannot_go_to_stdout():
    result = runner.invoke(app, ["draw", "chat", "-f", "png", "-o", "-"])
    assert result.exit_code == 2


def test_draw_never_overwrites_the_design(tmp_path):
    design = tmp_path / "x.svg"
    shutil.copy(resolve("url-shortener"), design)
    before = design.read_bytes()
    result = runner.invoke(app, ["draw", str(design), "-f", "svg", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert design.read_bytes() == before

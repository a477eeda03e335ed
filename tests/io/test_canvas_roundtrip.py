"""draw -> import -> draw keeps every component and every edge; `tradeoff import` writes a
skeleton that loads, lists what it could not read, and never overwrites a file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import list_examples, resolve
from tradeoff.io.canvas import import_canvas_text
from tradeoff.io.load import load_design, load_design_text
from tradeoff.render.draw import canvas_of, draw

runner = CliRunner()
FIXTURES = __import__("pathlib").Path(__file__).parent.parent / "fixtures" / "canvas"


def _drawn(design) -> tuple[set[str], set[tuple[str, str, str]]]:
    canvas = canvas_of(design)
    components = {b.component for f in canvas.frames for b in f.boxes if b.component}
    edges = {(a.data["from"], a.data["to"], f.id) for f in canvas.frames for a in f.arrows}
    return components, edges


@pytest.mark.parametrize("name", list_examples())
def test_draw_import_draw_keeps_every_component_and_edge(name):
    original = load_design(resolve(name))
    scene = draw(original, ["excalidraw"]).outputs["excalidraw"]
    imported = import_canvas_text(scene, f"{name}.excalidraw")
    assert imported.problems == []
    again = load_design_text(imported.yaml, f"{name}.design.yaml")
    assert _drawn(again) == _drawn(original)
    kinds = {c.id: c.kind for c in original.architecture.components}
    assert {c.id: c.kind for c in again.architecture.components} == kinds


def test_import_cli_writes_a_loadable_skeleton_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["import", str(FIXTURES / "current.excalidraw")])
    assert r.exit_code == 0, r.output
    written = tmp_path / "current.design.yaml"
    design = load_design(written)
    assert {c.id for c in design.architecture.components} >= {"client", "redis", "postgres"}
    before = written.read_bytes()
    r = runner.invoke(app, ["import", str(FIXTURES / "current.excalidraw")])
    assert r.exit_code == 2 and "never overwrites" in r.output
    assert written.read_bytes() == before


def test_import_cli_lists_what_it_could_not_read(tmp_path):
    r = runner.invoke(app, ["import", str(FIXTURES / "junk.excalidraw"), "-o", str(tmp_path / "j.design.yaml")])
    assert r.exit_code == 0
    assert "not interpreted:" in r.output


def test_import_cli_bad_json_is_one_line_with_position(tmp_path):
    bad = tmp_path / "bad.excalidraw"
    bad.write_text('{"type": "excalidraw",\n "elements": [\n')
    r = runner.invoke(app, ["import", str(bad), "-o", "-"])
    assert r.exit_code == 2
    first = r.output.strip().splitlines()[0]
    assert first.startswith(f"{bad}:") and "Traceback" not in r.output


def test_import_prints_yaml_with_dash(tmp_path):
    scene = draw(load_design(resolve("url-shortener")), ["excalidraw"]).outputs["excalidraw"]
    path = tmp_path / "u.excalidraw"
    path.write_text(scene)
    r = runner.invoke(app, ["import", str(path), "-o", "-"])
    assert r.exit_code == 0
    assert "redirect-service" in r.stdout and json.loads(scene)["type"] == "excalidraw"

"""Recording a change into the design file (additions only) and diffing revisions."""

import difflib
import json
from pathlib import Path

from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import example_path
from tradeoff.io.load import load_design
from tradeoff.review.run import review

runner = CliRunner()
TEN_X = "estimates.traffic.0.rate=1B/day"


def _copy(tmp_path: Path, name: str = "url-shortener") -> Path:
    p = tmp_path / f"{name}.design.yaml"
    p.write_bytes(example_path(name).read_bytes())
    return p


def _only_added(before: str, after: str) -> list[str]:
    """The lines `after` adds; fails if it removed or changed any line of `before`."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "a line the user wrote was changed or removed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_recording_adds_a_revision_and_touches_nothing_else(tmp_path):
    p = _copy(tmp_path)
    before = p.read_text()
    r = runner.invoke(app, ["whatif", str(p), "--set", TEN_X, "--record", "ten-x-creates", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    added = _only_added(before, p.read_text())
    assert "  - id: ten-x-creates" in added
    design = load_design(p)
    (rec,) = [c for c in design.changes if c.id == "ten-x-creates"]
    traced = json.loads(r.stdout)
    assert rec.set == {"estimates.traffic.0.rate": "1B/day"}
    assert rec.affected == list(traced["affected"]) and rec.unaffected == traced["unaffected"]
    # the review's change rules are satisfied by what was recorded (impact, affected, unaffected)
    codes = {(f.code, f.element) for f in review(design).findings}
    assert not {c for c, e in codes if e == "ten-x-creates" and c.startswith("CHG-")}
    # replaying the recorded revision traces the same impact, and agrees with its own record
    again = json.loads(runner.invoke(app, ["whatif", str(p), "--replay", "ten-x-creates", "-f", "json"]).stdout)
    assert again["affected"] == traced["affected"]
    assert again["against_record"] == {"affected_not_recorded": [], "recorded_not_traced": [],
                                       "recorded_unaffected_but_affected": []}


def test_a_design_without_changes_gets_a_new_section_at_the_end(tmp_path):
    p = _copy(tmp_path)
    text = p.read_text()
    cut = text[: text.index("\nchanges:")] + "\n"
    p.write_text(cut)
    assert runner.invoke(app, ["whatif", str(p), "--set", TEN_X, "--record", "ten-x"]).exit_code == 0
    added = _only_added(cut, p.read_text())
    assert "changes:" in added
    assert [c.id for c in load_design(p).changes] == ["ten-x"]


def test_refusals_leave_the_file_as_it_was(tmp_path):
    p = _copy(tmp_path)
    runner.invoke(app, ["whatif", str(p), "--set", TEN_X, "--record", "once"])
    before = p.read_bytes()
    dup = runner.invoke(app, ["whatif", str(p), "--set", TEN_X, "--record", "once"])
    assert dup.exit_code == 2 and "already records" in dup.stderr
    assert p.read_bytes() == before
    inline = tmp_path / "inline.design.yaml"
    text = example_path("url-shortener").read_text()
    inline.write_text(text[: text.index("\nchanges:")] + "\nchanges: []\n")
    kept = inline.read_bytes()
    r = runner.invoke(app, ["whatif", str(inline), "--set", TEN_X, "--record", "x"])
    assert r.exit_code == 2 and "inline" in r.stderr
    assert inline.read_bytes() == kept
    bundled = runner.invoke(app, ["whatif", "url-shortener", "--set", TEN_X, "--record", "x"])
    assert bundled.exit_code == 2 and "read-only" in bundled.stderr


def test_diffing_two_revisions_traces_the_edits_between_them(tmp_path):
    p = _copy(tmp_path)
    runner.invoke(app, ["whatif", str(p), "--set", TEN_X, "--record", "ten-x-creates"])
    first = load_design(p).changes[0].id  # the example's own recorded change comes first
    d = json.loads(runner.invoke(app, ["whatif", str(p), "--diff", f"{first}..ten-x-creates", "-f", "json"]).stdout)
    assert d["edits"] == [TEN_X]  # only what the later revision adds
    base = json.loads(runner.invoke(app, ["whatif", str(p), "--diff", "base..ten-x-creates", "-f", "json"]).stdout)
    assert len(base["edits"]) == len(load_design(p).changes[0].set) + 1  # cumulative from the design as written
    bad = runner.invoke(app, ["whatif", str(p), "--diff", "base..nope"])
    assert bad.exit_code == 2 and "ten-x-creates" in bad.stderr

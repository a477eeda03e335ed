"""The CLI surface: each command's behaviour, exit codes, and that output is deterministic."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import example_path, list_examples

runner = CliRunner()

TINY = """\
name: tiny
requirements:
  users: {dau: 100M}
  use_cases:
    - {id: shorten, name: Shorten a URL}
    - {id: redirect, name: Follow a short URL}
estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: shorten, operation: write, rate: 100M/day, request_size: 500 B}
    - {use_case: redirect, operation: read, relative_to: shorten, ratio: 10, response_size: 500 B}
  storage:
    - {id: url, size: 100 B, from_use_case: shorten, retention: 10 years}
"""


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "tradeoff", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for cmd in ("analyze", "new", "check", "estimate", "schema", "problems"):
        assert cmd in out.stdout


def test_new_writes_a_skeleton_that_checks_clean(tmp_path):
    r = runner.invoke(app, ["new", "my-design", "--dir", str(tmp_path)])
    assert r.exit_code == 0, r.stderr
    path = tmp_path / "my-design.design.yaml"
    text = path.read_text()
    for section in ("requirements:", "estimates:", "architecture:", "deep_dives:", "decisions:", "wrap_up:", "changes:"):
        assert section in text
    r = runner.invoke(app, ["check", str(path)])
    assert r.exit_code == 0, r.stderr
    assert "ok" in r.stdout


def test_new_never_overwrites(tmp_path):
    path = tmp_path / "mine.design.yaml"
    path.write_text("name: mine  # my own work\n")
    r = runner.invoke(app, ["new", "mine", "--dir", str(tmp_path)])
    assert r.exit_code == 2
    assert "already exists" in r.stderr
    assert path.read_text() == "name: mine  # my own work\n"


def test_new_from_a_problem(tmp_path):
    name = list_examples()[0]
    r = runner.invoke(app, ["new", "copy", "--from", name, "--dir", str(tmp_path)])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["check", str(tmp_path / "copy.design.yaml")])
    assert r.exit_code == 0, r.stderr


def test_new_from_unknown_problem(tmp_path):
    r = runner.invoke(app, ["new", "x", "--from", "no-such-problem", "--dir", str(tmp_path)])
    assert r.exit_code == 2 and "unknown problem" in r.stderr


def test_problems_lists_the_bundled_examples():
    r = runner.invoke(app, ["problems"])
    assert r.exit_code == 0
    for name in ("url-shortener", "news-feed", "chat"):
        assert name in r.stdout


def test_check_names_an_example():
    r = runner.invoke(app, ["check", "url-shortener"])
    assert r.exit_code == 0, r.stderr


def test_estimate_json_is_deterministic_and_correct(tmp_path):
    d = tmp_path / "tiny.design.yaml"
    d.write_text(TINY)
    a = runner.invoke(app, ["estimate", str(d), "--format", "json"])
    b = runner.invoke(app, ["estimate", str(d), "--format", "json"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    data = json.loads(a.stdout)
    # 100M/day / 86,400 s = 1,157.41 writes/s; x 3 peak = 3,472.2
    assert abs(data["figures"]["qps.write.avg"]["value"] - 1157.407) < 0.01
    assert abs(data["figures"]["qps.write.peak"]["value"] - 3472.222) < 0.01
    # 100M/day x 365 x 10 years = 365B records x 100 B = 36.5 TB
    assert abs(data["figures"]["storage.total"]["value"] - 36.5e12) < 1e6


def test_estimate_shortcut_convention_flag(tmp_path):
    d = tmp_path / "tiny.design.yaml"
    d.write_text(TINY)
    r = runner.invoke(app, ["estimate", str(d), "--format", "json", "--convention", "shortcut"])
    data = json.loads(r.stdout)
    assert data["convention"] == "shortcut"
    assert data["figures"]["qps.write.avg"]["value"] == 1000.0  # 100M / 10^5 s


def test_estimate_table_shows_derivations_and_callouts(tmp_path):
    d = tmp_path / "tiny.design.yaml"
    d.write_text(TINY)
    r = runner.invoke(app, ["estimate", str(d)], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "86,400 s/day" in r.stdout
    assert "we need a cache" in r.stdout


def test_estimate_markdown(tmp_path):
    d = tmp_path / "tiny.design.yaml"
    d.write_text(TINY)
    r = runner.invoke(app, ["estimate", str(d), "--format", "md"])
    assert r.exit_code == 0 and r.stdout.startswith("# tiny")


@pytest.mark.parametrize("name", ["url-shortener", "news-feed", "chat"])
def test_analyze_writes_the_folder_byte_identically(tmp_path, name):
    for run in ("a", "b"):
        r = runner.invoke(app, ["analyze", name, "-o", str(tmp_path / run)])
        assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["advice.json", "availability.json", "availability.md", "canvas.excalidraw", "canvas.mmd",
                     "canvas.png", "canvas.svg", "cost.json", "cost.md",
                     "decisions.draft.yaml", "design.html", "design.md", "estimate.json", "estimate.md",
                     "index.html", "review.json", "review.md", "review.sarif", "scale-latency.png",
                     "scale-latency.svg", "scale-utilisation.png", "scale-utilisation.svg", "scale.json", "scale.md"]
    index = (tmp_path / "a" / "index.html").read_text()
    assert all(f'href="{n}"' in index for n in names if n != "index.html")  # every file linked
    assert len(r.stdout.splitlines()) <= 24  # one screen
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes()


def test_analyze_refuses_a_file_as_output(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("mine")
    r = runner.invoke(app, ["analyze", "url-shortener", "-o", str(f)])
    assert r.exit_code == 2 and f.read_text() == "mine"


def test_bundled_examples_exist():
    assert {"url-shortener", "news-feed", "chat"} <= set(list_examples())
    for name in list_examples():
        assert example_path(name).is_file()

"""The thresholds table: complete, sourced, overridable, and strict about overrides."""

import pytest
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.errors import UsageError
from tradeoff.estimate.thresholds import default_table, load_overrides


def test_every_threshold_has_rationale_source_and_callout():
    table = default_table()
    assert len(table.thresholds) >= 8
    for th in table.thresholds.values():
        assert th.rationale.strip() and th.source.strip()
        assert "{actual}" in th.callout and "{threshold}" in th.callout
        assert th.value > 0


def test_playbook_examples_cross_their_thresholds():
    # Playbook: "At 50K reads/sec, we need a cache. At 2TB/day, we need partitioning early."
    table = default_table()
    assert 50_000 >= table.thresholds["cache_read_qps"].value
    assert 2e12 >= table.thresholds["partition_daily_ingest"].value


def test_override_parses_units_and_marks_overridden():
    table = default_table().with_overrides({"partition_daily_ingest": "2 TB", "cache_read_qps": "50K"})
    assert table.thresholds["partition_daily_ingest"].value == 2e12
    assert table.thresholds["cache_read_qps"].value == 50_000
    assert table.thresholds["cache_read_qps"].overridden
    assert not table.thresholds["node_nic"].overridden


def test_unknown_override_suggests_a_name():
    with pytest.raises(UsageError) as exc:
        default_table().with_overrides({"cache_read_qsp": "50K"})
    assert "did you mean 'cache_read_qps'" in exc.value.hint


def test_bad_override_value_is_a_usage_error():
    with pytest.raises(UsageError):
        default_table().with_overrides({"node_storage": "lots"})


def test_override_file_errors_exit_2(tmp_path):
    bad = tmp_path / "th.yaml"
    bad.write_text("cache_read_qps: [1, 2\n")
    design = tmp_path / "d.design.yaml"
    design.write_text("name: d\n")
    result = CliRunner().invoke(app, ["estimate", str(design), "--thresholds", str(bad)])
    assert result.exit_code == 2
    assert "th.yaml:2:1" in result.stderr or "th.yaml:1:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_override_file_changes_callouts(tmp_path):
    design = tmp_path / "d.design.yaml"
    design.write_text(
        "name: d\n"
        "estimates:\n"
        "  peak_multiplier: 2\n"
        "  traffic:\n"
        "    - {use_case: r, operation: read, rate: 1B/day}\n"
        "requirements:\n"
        "  use_cases: [{id: r, name: read}]\n"
    )
    # 1e9 / 86,400 = 11,574/s average; x2 = 23,148/s peak: above 10K, below 50K
    runner = CliRunner()
    base = runner.invoke(app, ["estimate", str(design), "--format", "json"])
    assert base.exit_code == 0 and "cache_read_qps" in base.stdout
    th = tmp_path / "th.yaml"
    th.write_text("cache_read_qps: 50K\n")
    raised = runner.invoke(app, ["estimate", str(design), "--format", "json", "--thresholds", str(th)])
    assert raised.exit_code == 0 and "cache_read_qps" not in raised.stdout


def test_load_overrides_accepts_a_thresholds_section(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("thresholds:\n  node_nic: 25 Gbps\n")
    assert load_overrides(f) == {"node_nic": "25 Gbps"}


def test_override_file_mistakes_point_at_file_line(tmp_path):
    th = tmp_path / "th.yaml"
    th.write_text("cache_read_qps: 20K\ncache_read_qsp: 50K\nnode_nic: fast\n")
    r = CliRunner().invoke(app, ["estimate", "url-shortener", "--thresholds", str(th)])
    assert r.exit_code == 2
    assert f"{th}:2:1: unknown threshold 'cache_read_qsp'" in r.stderr
    assert "did you mean 'cache_read_qps'" in r.stderr
    assert f"{th}:3:11:" in r.stderr and "fast" in r.stderr
    assert "Traceback" not in r.stderr

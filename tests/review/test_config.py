"""Rules are configurable: disabled, enabled, re-graded, from a config file or the design."""

from __future__ import annotations

import textwrap

import pytest

from tradeoff.errors import DesignErrors
from tradeoff.review import config_file, review
from tests.review.util import design

BASE = """
name: t
requirements:
  use_cases: [{id: a, name: A}]
  scope: {in_scope: [a]}
"""


def codes(rep) -> dict[str, str]:
    return {f.code: f.severity for f in rep.findings}


def test_defaults_fire_restatement_and_scope():
    got = codes(review(design(BASE)))
    assert got["REQ-002"] == "warning" and got["REQ-017"] == "info"


def test_design_section_disables_a_rule_and_a_family_and_regrades():
    d = design(BASE + "review:\n  disable: [REQ-017]\n  severity: {REQ-002: error}\n")
    got = codes(review(d))
    assert "REQ-017" not in got and got["REQ-002"] == "error"
    got = codes(review(design(BASE + "review: {disable: [REQ]}\n")))
    assert not any(c.startswith("REQ-") for c in got)


def test_config_file_and_enable_overrides_disable(tmp_path):
    p = tmp_path / "tradeoff.yaml"
    p.write_text("review:\n  disable: [REQ]\n  enable: [REQ-002]\n", encoding="utf-8")
    got = codes(review(design(BASE), config=config_file(p)))
    assert "REQ-002" in got and "REQ-017" not in got


def test_unknown_code_in_the_design_is_reported_at_its_line():
    with pytest.raises(DesignErrors) as exc:
        review(design(BASE + "review:\n  disable: [REQ-0002]\n"))
    err = exc.value.errors[0] if hasattr(exc.value, "errors") else exc.value.args[0][0]
    assert "REQ-0002" in str(err) and err.position.line == 7
    assert "did you mean" in err.hint


def test_bad_severity_in_a_config_file_points_at_it(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(textwrap.dedent("""\
        disable: []
        severity:
          REQ-002: fatal
        """), encoding="utf-8")
    with pytest.raises(DesignErrors) as exc:
        config_file(p)
    err = exc.value.errors[0] if hasattr(exc.value, "errors") else exc.value.args[0][0]
    assert err.position.line == 3 and "fatal" in str(err)

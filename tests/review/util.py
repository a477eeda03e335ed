"""Helpers for rule tests: review a tiny YAML design with one rule (or all) and read the findings."""

from __future__ import annotations

import textwrap

from tradeoff.io.load import load_design_text
from tradeoff.review import review
from tradeoff.review.engine import Finding


def design(text: str):
    return load_design_text(textwrap.dedent(text), "t.design.yaml")


def findings(text: str, code: str) -> list[Finding]:
    """The findings of rule `code` alone on this design."""
    return [f for f in review(design(text), only={code}).findings if f.code == code]


def fires(text: str, code: str) -> list[Finding]:
    got = findings(text, code)
    assert got, f"{code} should fire on:\n{textwrap.dedent(text)}"
    return got


def silent(text: str, code: str) -> None:
    got = findings(text, code)
    assert not got, f"{code} should not fire, but: {[f.message for f in got]}"

"""The bundled examples are principal-level designs: they review clean of errors and warnings."""

import pytest

from tradeoff.examples import example_path, list_examples
from tradeoff.io.load import load_design
from tradeoff.review import review


@pytest.mark.parametrize("name", list_examples())
def test_example_reviews_clean(name):
    rep = review(load_design(example_path(name)))
    bad = [f"{f.code} {f.where}: {f.message}" for f in rep.findings if f.severity in ("error", "warning")]
    assert not bad, "\n".join(bad)
    # every phase of a complete design is covered
    assert all(c.percent >= 90 for c in rep.phases.values()), {k: c.missing for k, c in rep.phases.items()}
    assert rep.verdict.startswith("The most interesting challenges are")


@pytest.mark.parametrize("name", list_examples())
def test_review_is_deterministic(name):
    a = review(load_design(example_path(name)))
    b = review(load_design(example_path(name)))
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    assert a.verdict == b.verdict

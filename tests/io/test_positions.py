"""Every element keeps its source position, so later findings can point at file:line."""

from tradeoff.errors import Position
from tradeoff.io.load import load_design_text

TEXT = """\
name: pos
requirements:
  use_cases:
    - id: a
      name: first
    - id: b
      name: second
architecture:
  components:
    - id: lb
      kind: load_balancer
    - {id: db, kind: data_store, storage: relational}
  read_paths:
    - id: r
      use_case: b
      hops: [lb, db]
"""


def test_locate_elements():
    d = load_design_text(TEXT, "pos.yaml")
    uc_b = d.requirements.use_cases[1]
    assert uc_b.source_path == ("requirements", "use_cases", 1)
    assert d.locate(uc_b) == Position("pos.yaml", 6, 7)  # "- id: b" starts its mapping at column 7
    lb, db = d.architecture.components
    assert d.locate(lb) == Position("pos.yaml", 10, 7)
    assert d.locate(db) == Position("pos.yaml", 12, 7)  # the flow mapping's "{"
    hop = d.architecture.read_paths[0].hops[1]
    assert d.locate(hop) == Position("pos.yaml", 16, 18)  # "db" inside [lb, db]


def test_locate_a_field_path():
    d = load_design_text(TEXT, "pos.yaml")
    assert d.locate(("architecture", "components", 1, "storage")) == Position("pos.yaml", 12, 43)


def test_walk_visits_every_element():
    d = load_design_text(TEXT, "pos.yaml")
    kinds = [type(e).__name__ for e in d.walk()]
    assert kinds.count("UseCase") == 2 and kinds.count("Component") == 2 and kinds.count("Hop") == 2


def test_yaml_booleans_are_not_numbers_or_words():
    import pytest

    from tradeoff.errors import DesignErrors

    with pytest.raises(DesignErrors) as exc:
        load_design_text("name: b\narchitecture:\n  components: [{id: x, kind: service, replicas: true}]\n", "b.yaml")
    err = exc.value.errors[0]
    assert err.position == Position("b.yaml", 3, 49) and "boolean" in err.message
    with pytest.raises(DesignErrors) as exc:
        load_design_text("name: b\nrequirements:\n  use_cases: [{id: a, name: A, priority: no}]\n", "b.yaml")
    err = exc.value.errors[0]
    assert err.position == Position("b.yaml", 3, 42) and "quote the word" in err.hint

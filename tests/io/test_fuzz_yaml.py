"""Property tests: whatever text or data arrives, loading fails only with DesignErrors.

(a) YAML-ish text rich in YAML punctuation, (b) random nested data dumped as YAML with
keys drawn from the real model (and one to three random edits of a valid design), (c) the
same through the CLI. Every error must carry a position inside the file (1-based), a
one-line message and a non-empty hint.

The last section pins the crashers and bad positions found while writing these tests (bugs
at 1487e76, fixed in ecda3c1) as plain regression tests.
"""

from __future__ import annotations

import copy
import os
import tempfile

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.errors import DesignError, DesignErrors, TradeoffError
from tradeoff.estimate.engine import estimate
from tradeoff.io.load import load_design_text
from tradeoff.model.design import Design
from tradeoff.render import estimate as render

FILE = "fuzz.design.yaml"

YAMLISH = st.text(
    alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@,._?~<\\ \t\n\n\n  ") + list("abcnoxyzAEKMB0123456789")),
    max_size=160,
)

MODEL_KEYS = [
    "name", "title", "requirements", "use_cases", "id", "kind", "estimates", "traffic", "storage",
    "architecture", "components", "hops", "read_paths", "write_paths", "async_edges", "use_case",
    "operation", "rate", "relative_to", "ratio", "size", "from_use_case", "retention", "replicas",
    "non_functional", "availability", "target", "decisions", "traces_to", "via", "producer", "consumers",
    "component", "priority", "users", "dau", "peak_multiplier", "deep_dives", "wrap_up", "changes",
]
VALUES = ["100M", "1.5 KB", "5 years", "10/day", "99.99%", "3x", "100:1", "service", "data_store", "queue",
          "must", "read", "write", "a", "b", "db", "lb", "fast", "12 parsecs", "-1", "", "0", "1e400",
          # valid but extreme quantities, to push the estimate engine
          "0/day", "-100M/day", "1e300/s", "0 B", "-1 KB", "1e300 PB", "0 s", "-5 years", "0%", "0.0001x",
          "1e-300", "shorten", "redirect", "url", "q", "api"]

#: any character but surrogates and the line breaks other than "\n": libyaml counts CR, NEL, LS
#: and PS as line breaks, the loader's positions (and editors) count "\n"; keeping to "\n" lets
#: _check_errors hold every position to the file's real lines and columns
chars = st.characters(exclude_categories=("Cs",), exclude_characters="\r\x85\u2028\u2029")
scalars = (
    st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(VALUES) | st.sampled_from(MODEL_KEYS) | st.text(chars, max_size=12)
)
key_text = st.text(chars, min_size=1, max_size=10)
keys = st.sampled_from(MODEL_KEYS) | key_text | st.integers(-3, 3) | st.booleans()
data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)
#: mostly mappings at the root, often with `name`, so validation gets past the first check
designish = st.dictionaries(st.sampled_from(MODEL_KEYS), data, max_size=6).map(
    lambda d: {"name": "fuzz", **d}) | data

#: a small valid design touching every section the references check; mutated below
BASE = """\
name: fuzz-base
requirements:
  restatement: shorten URLs
  users: {dau: 100M, growth_per_year: 2x}
  access_patterns: {read_write_ratio: "100:1", shape: bursty}
  use_cases:
    - {id: shorten, name: Shorten a URL}
    - {id: redirect, name: Follow a short URL}
  non_functional:
    latency: [{use_case: redirect, p99: 50 ms}]
    availability: {target: 99.99%}
estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: shorten, operation: write, rate: 100M/day, request_size: 500 B}
    - {use_case: redirect, operation: read, relative_to: shorten, ratio: 10, response_size: 500 B}
  storage:
    - {id: url, size: 100 B, from_use_case: shorten, retention: 10 years, store: db}
  cache: {fraction_of_daily_reads: 20%, use_cases: [redirect]}
architecture:
  components:
    - {id: lb, kind: load_balancer, layer: L7}
    - {id: api, kind: service, replicas: 3, capacity: {max_qps_per_replica: 5K}}
    - {id: cache, kind: cache, hit_ratio: 80%, ttl: 1 day}
    - {id: db, kind: data_store, storage: key_value, entities: [url], shards: 4}
    - {id: q, kind: queue}
    - {id: worker, kind: worker}
  read_paths:
    - {id: read, use_case: redirect, hops: [lb, api, cache, db]}
  write_paths:
    - {id: write, use_case: shorten, hops: [lb, api, {component: db, calls: 1}]}
  async_edges:
    - {id: analytics, use_case: redirect, producer: api, via: q, consumers: [worker]}
decisions:
  - id: kv
    traces_to: [redirect]
    choice: {option: key_value, component: db}
"""
BASE_DATA = yaml.safe_load(BASE)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


BASE_PATHS = list(_paths(BASE_DATA))[1:]


def _has(node, part) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _parent(doc, path):
    """The container holding `path`, or None when an earlier edit removed or replaced it."""
    node = doc
    for part in path[:-1]:
        if not _has(node, part):
            return None
        node = node[part]
    return node if _has(node, path[-1]) else None


@st.composite
def mutated_designs(draw):
    """The valid BASE with one to three edits: a value replaced, a key or item deleted, a key renamed."""
    doc = copy.deepcopy(BASE_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(BASE_PATHS))
        parent = _parent(doc, path)
        if parent is None:
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "rename"]))
        if action == "replace":
            parent[path[-1]] = draw(scalars | data)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(path[-1])
    return doc


def fuzz(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_errors(exc: DesignErrors, text: str) -> None:
    assert exc.errors, "DesignErrors without any error"
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    for err in exc.errors:
        assert isinstance(err, DesignError)
        assert err.message and len(err.message.splitlines()) == 1, f"not a one-line message: {err.message!r}"
        assert err.hint and err.hint.strip(), f"no hint for {err.message!r}"
        if err.position is not None:
            line, col = err.position.line, err.position.column
            assert err.position.file == FILE
            assert 1 <= line <= len(lines), f"{err}: line {line} outside a {len(lines)}-line file"
            assert 1 <= col <= len(lines[line - 1]) + 1, f"{err}: column {col} past the end of line {line}"


def _load(text: str) -> None:
    try:
        design = load_design_text(text, FILE)
    except DesignErrors as exc:
        _check_errors(exc, text)
    else:
        assert isinstance(design, Design)


# --- (a) text -----------------------------------------------------------------------------


@fuzz(300)
@given(YAMLISH)
@example("")
@example("name: x\n\tfoo: 1\n")
@example("name: 'unclosed\n")
@example("a: &a [*a]\n")
@example("name: x\n---\nname: y\n")
@example("!x\n")
@example("? [a]\n: b\n")
def test_yamlish_text_raises_only_design_errors(text):
    _load(text)


@fuzz(200)
@given(YAMLISH)
def test_yamlish_text_under_a_real_design(text):
    """The same noise after a valid head, so errors land on later lines and deeper paths."""
    _load("name: fuzz\nrequirements:\n  use_cases:\n    - {id: a, name: A}\n" + text)


# --- (b) data -----------------------------------------------------------------------------


@fuzz(300)
@given(designish)
def test_random_data_raises_only_design_errors(value):
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True)
    _load(text)


@fuzz(150)
@given(designish, st.sampled_from(["block", "flow"]))
def test_random_data_in_either_yaml_style(value, style):
    text = yaml.safe_dump(value, default_flow_style=(style == "flow"), sort_keys=False, width=60)
    _load(text)


def test_base_design_is_valid():
    design = load_design_text(BASE, FILE)
    assert len(design.components) == 6
    assert render.to_json(estimate(design))


@fuzz(250)
@given(mutated_designs())
def test_mutated_design_raises_only_design_errors(doc):
    """One to three random edits of a valid design: DesignErrors, or a design the engine can estimate."""
    text = yaml.safe_dump(doc, sort_keys=False)
    try:
        design = load_design_text(text, FILE)
    except DesignErrors as exc:
        _check_errors(exc, text)
        return
    try:
        for convention in ("exact", "shortcut"):
            render.to_json(estimate(design, convention))
    except TradeoffError:
        pass


# --- (c) through the CLI ------------------------------------------------------------------

runner = CliRunner()


def _cli(command: str, text: str) -> None:
    fd, path = tempfile.mkstemp(suffix=".design.yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        result = runner.invoke(app, [command, path] + (["--format", "json"] if command == "estimate" else []))
    finally:
        os.unlink(path)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{command} crashed: {result.exception!r}"
    assert result.exit_code in (0, 2), result.exit_code
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines and lines[0].startswith(f"{path}:"), lines[:1]
        assert len(lines) >= 2 and lines[1].startswith("  hint: "), lines[:2]


@fuzz(60)
@given(YAMLISH)
def test_cli_check_on_yamlish_text(text):
    _cli("check", text)


@fuzz(60)
@given(designish, st.sampled_from(["check", "estimate"]))
def test_cli_on_random_data(value, command):
    _cli(command, yaml.safe_dump(value, sort_keys=False))


@fuzz(60)
@given(mutated_designs(), st.sampled_from(["check", "estimate"]))
def test_cli_on_mutated_designs(doc, command):
    _cli(command, yaml.safe_dump(doc, sort_keys=False))


# --- regressions: found while writing these tests (bugs at 1487e76, fixed in ecda3c1) -----


@pytest.mark.parametrize("text", ["name: 0x_\n", "name: 0b_\n", "name: -0b_\n", "0b_: x\n"])
def test_plain_scalars_that_crashed_the_constructor(text):
    """Was: `0x_`, `0b_` resolve to !!int, PyYAML's constructor did int('', 16) -> ValueError escaped."""
    with pytest.raises(DesignErrors) as info:
        load_design_text(text, FILE)
    _check_errors(info.value, text)


@pytest.mark.parametrize("text", ["name: !!int three\n", "name: !!float abc\n", "name: x\nproblem: !!bool maybe\n"])
def test_tagged_scalars_that_crashed_the_constructor(text):
    """Was: a bad value under an explicit core tag crashed with ValueError / KeyError."""
    with pytest.raises(DesignErrors) as info:
        load_design_text(text, FILE)
    _check_errors(info.value, text)


@pytest.mark.parametrize("text, line, col", [("name: x\nproblem: a\x00b\n", 2, 11),
                                             ("name: x\ntitle: ok\nproblem: a\x07b\n", 3, 11)])
def test_control_characters_give_a_one_line_error_at_their_place(text, line, col):
    """Was: PyYAML's ReaderError went to the generic branch: 1:1 and a two-line message."""
    with pytest.raises(DesignErrors) as info:
        load_design_text(text, FILE)
    _check_errors(info.value, text)
    assert info.value.errors[0].position[1:] == (line, col)


@pytest.mark.parametrize("text", ["[", "{a: 1", "name: x\nrequirements: [a, b\n", "name: x\nproblem: \"open\n",
                                  "name: x\nfoo"])
def test_end_of_stream_errors_point_inside_the_file(text):
    """Was: reported at libyaml's end-of-stream mark, a line past the end ('[' -> 2:1 in a 1-line file)."""
    with pytest.raises(DesignErrors) as info:
        load_design_text(text, FILE)
    _check_errors(info.value, text)


@pytest.mark.parametrize("text", ['name: x\n"bad\\nkey": 1\n', 'name: x\n"bad\\u2028key": 1\n'])
def test_unknown_key_with_a_line_break_gives_a_one_line_message(text):
    """Was: the unknown key was formatted with f"'{key}'" rather than repr: a multi-line message."""
    with pytest.raises(DesignErrors) as info:
        load_design_text(text, FILE)
    _check_errors(info.value, text)

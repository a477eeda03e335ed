"""Malformed designs: one defect per fixture, one clear error, never a traceback.

The standard (see tradeoff.errors / tradeoff.cli): bad input prints, on stderr,

    FILE:LINE:COL: message
      hint: what to do about it

and exits 2. Each case below names the fixture, the position of its defect (1-based, worked
out by reading the fixture, not copied from the tool), a regex the message must match and a
regex the hint must match.

Cases with a ``was`` / ``was_pos`` note are regressions: at commit 1487e76 the tool got them
wrong in the way described (they ran as ``xfail(strict=True)`` there) and ecda3c1 fixed them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.io.load import MAX_BYTES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path("tests/fixtures/malformed")  # relative to REPO: the path the user typed

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    name: str
    line: int
    col: int
    message: str  # regex searched in the message (the text after "FILE:LINE:COL: ")
    hint: str  # regex searched in the hint text
    #: regression: how the message/hint/exit code was wrong at 1487e76
    was: str = ""
    #: regression: how the position was wrong at 1487e76
    was_pos: str = ""


CASES = [
    # --- YAML syntax -------------------------------------------------------------------
    Case("bad_indentation", 4, 2, r"YAML syntax: .*expected key", r"indentation"),
    Case("unclosed_quote", 2, 8, r"YAML syntax: .*quoted scalar", r"quot",
         was_pos="points at 5:1, one line past the end of the 4-line file (libyaml's problem_mark = "
                 "end of stream); the defect is the opening quote at 2:8 (the error's context_mark)"),
    Case("unclosed_bracket", 5, 13, r"YAML syntax: .*','.*']'", r"indentation|quot|bracket|\]",
         was_pos="points at 6:10 (where the parser gave up, on the next line) instead of the "
                 "unclosed '[' at 5:13 (the error's context_mark)"),
    Case("tab_indentation", 3, 1, r"YAML syntax", r"\btabs?\b",
         was="the error never mentions the tab: libyaml's message is 'found character that cannot start "
             "any token', and _syntax_hint's 'tab' branch never fires (neither the C nor the pure loader says "
             "'tab'), so the hint is the generic 'check indentation and quoting' instead of 'indent with "
             "spaces, not tabs'"),
    Case("undefined_alias", 3, 16, r"undefined alias", r"anchor"),
    Case("duplicate_anchor", 5, 7,
         # says "duplicate anchor", and is not the garbled "second occurrence (...; first occurrence)"
         r"duplicate anchor(?!.*first occurrence\)$)", r"anchor",
         was="message is the garbled 'YAML syntax: second occurrence (found duplicate anchor; first "
             "occurrence)' - problem and context of libyaml's ComposerError are glued in the wrong order and "
             "'first occurrence' has no position (nor does the C loader name the anchor); the hint is the "
             "generic 'check indentation and quoting'"),
    Case("two_documents", 3, 1, r"more than one YAML document", r"one design per file"),
    Case("too_deep", 2, 74, r"nesting deeper than 64 levels", r"flatten"),
    # --- unknown keys --------------------------------------------------------------------
    Case("unknown_key_replicaz", 6, 7, r"unknown key 'replicaz' in architecture\.components\.0$",
         r"did you mean 'replicas'\?"),
    Case("unknown_section", 2, 1, r"unknown key 'monitoring' in the design",
         r"allowed keys here: name, title, problem, requirements, estimates, architecture"),
    Case("misspelled_section", 2, 1, r"unknown key 'estimate' in the design", r"did you mean 'estimates'\?"),
    Case("hop_unknown_key", 10, 27, r"unknown key 'callz' in architecture\.read_paths\.0\.hops\.1$",
         r"did you mean 'calls'\?",
         was="a hop is `Hop | Id`, so pydantic reports both union branches: 'unknown key 'callz' in "
             "architecture.read_paths.0.hops.1.Hop' (internal class name in the path, hint 'remove this key' "
             "instead of did-you-mean 'calls', at the mapping 10:11 instead of the key 10:27) plus a second, "
             "misleading error 'architecture.read_paths.0.hops.1.function-plain[_id()]: {...} is not a valid "
             "id'",
         was_pos="an unknown key in a hop points at the hop's mapping (10:11), not at the key 'callz' "
                 "(10:27): SourceMap.find_key gets the pydantic loc with the union branch 'Hop' in it"),
    # --- wrong types ---------------------------------------------------------------------
    Case("string_for_list", 3, 14, r"requirements\.use_cases: expected a list, got text 'shorten'", r"'- '"),
    Case("list_for_mapping", 3, 3, r"requirements: expected a mapping of keys, got a list", r"key: value"),
    Case("text_for_int", 6, 17, r"architecture\.components\.0\.replicas: expected a whole number, got text 'three'",
         r"whole number"),
    Case("boolean_key", 2, 1, r"key True is not a string", r"quote the key"),
    Case("explicit_int_tag", 6, 17, r"replicas.*'three'|'three'.*int", r"\S",
         was="`replicas: !!int three` crashes: _scalar() calls SafeConstructor.construct_object on an "
             "explicitly tagged core scalar, int('three') raises ValueError, which escapes as a traceback "
             "(exit 1). Same for `!!float abc` (ValueError) and `!!bool maybe` (KeyError)"),
    Case("plain_hex_int", 6, 17, r"'0x_'", r"\S",
         was="the plain scalar `0x_` resolves to tag:yaml.org,2002:int but PyYAML's constructor does "
             "int('', 16) -> ValueError, which escapes as a traceback (exit 1); same for 0b_ and -0b_"),
    # --- enums ---------------------------------------------------------------------------
    Case("bad_enum_kind", 5, 13, r"architecture\.components\.0\.kind: 'databse' is not one of", r"did you mean 'data_store'\?"),
    Case("bad_enum_priority", 6, 17, r"requirements\.use_cases\.0\.priority: 'mandatory' is not one of",
         r"must, should, out_of_scope"),
    # --- units ---------------------------------------------------------------------------
    Case("bad_unit_size", 5, 13, r"estimates\.storage\.0\.size: .*'12 parsecs'.*(cannot read|not a (byte )?unit)",
         r"KB",
         was="message says \"'12 parsecs' has no byte unit\" although a unit is given: parse_bytes tests "
             "_COUNT_RE, whose suffix group [A-Za-z]* matches any word; should say it cannot read "
             "'12 parsecs' as a size (parsecs is not a byte unit)"),
    Case("bad_unit_retention", 6, 18, r"estimates\.storage\.0\.retention: cannot read '5 GB' as a duration", r"ms, s, min"),
    Case("bad_unit_rate", 9, 13, r"estimates\.traffic\.0\.rate: cannot read 'fast' as a rate", r"10/day"),
    Case("bad_availability", 5, 15, r"availability\.target: '150%' is outside 0-100%", r"between 0 and 1"),
    Case("negative_rate", 9, 13, r"estimates\.traffic\.0\.rate: .*'-5K/s'", r"\S",
         was="exit 0 - negative quantities are accepted: parse_count/parse_rate/parse_bytes/parse_duration "
             "take a leading '-', so `rate: -5K/s` (and `dau: -100M`, `size: -1 KB`, `retention: -5 years`) "
             "loads and `estimate` prints 'average read QPS -5K req/s'"),
    Case("traffic_rate_and_relative_to", 9, 7, r"estimates\.traffic\.1: give only one of rate, relative_to", r"\S"),
    # --- references ----------------------------------------------------------------------
    Case("dangling_hop", 12, 18, r"unknown component 'dbb'", r"did you mean 'db'\?"),
    Case("dangling_traces_to", 7, 26, r"traces_to refers to unknown requirement or use case 'fast-reads'", r"shorten"),
    Case("dangling_from_use_case", 9, 22, r"from_use_case refers to unknown use case 'shortn'", r"did you mean 'shorten'\?"),
    Case("async_via_service", 10, 12, r"via 'fanout' is a service, expected a queue or event_stream",
         r"queue or event_stream"),
    Case("relative_to_cycle", 8, 58, r"relative_to forms a cycle: shorten -> redirect -> shorten", r"anchor one use case"),
    Case("duplicate_component_id", 8, 11, r"duplicate component id 'db'", r"architecture\.components\.0"),
    Case("duplicate_use_case_id", 6, 11, r"duplicate use case id 'shorten'", r"requirements\.use_cases\.0"),
    Case("duplicate_yaml_key", 4, 3, r"duplicate key 'restatement'", r"once in a mapping"),
    # --- missing keys, wrong shape of the document -----------------------------------------
    Case("missing_use_case_name", 4, 7, r"missing required key 'name' in requirements\.use_cases\.0", r"add `name:`"),
    Case("missing_entity_size", 4, 7, r"missing required key 'size' in estimates\.storage\.0", r"add `size:`"),
    Case("root_is_list", 1, 1, r"a design is a mapping of sections", r"tradeoff new"),
    Case("empty", 1, 1, r"the design is empty", r"tradeoff new"),
    Case("only_comments", 1, 1, r"the design is empty", r"tradeoff new"),
    # --- unsafe or unsupported YAML features ---------------------------------------------------
    Case("python_object_tag", 3, 16, r"YAML tag .*python/object/apply:os\.system.* is not allowed", r"remove the tag",
         was="exit 0 - the design is accepted and `assumptions` silently becomes ['echo pwned']. The tag "
             "check tests node.tag.rsplit(':', 1)[1] in ('python', ...), but for "
             "'tag:yaml.org,2002:python/object/apply:os.system' that is 'os.system'; every !!python/... tag "
             "(and the verbatim form !<tag:yaml.org,2002:python/object:...>) slips through and is ignored"),
    Case("tag_directive", 5, 16, r"YAML tag .*secret.* is not allowed", r"remove the tag",
         was="exit 0 - a custom tag declared with %TAG (`!v!secret` expands to "
             "'tag:vault.example.com,2024:secret') starts neither with '!' nor with tag:yaml.org, so the tag "
             "check misses it and the value is silently accepted"),
    Case("custom_tag", 3, 16, r"YAML tag '!secret' is not allowed", r"remove the tag"),
    Case("merge_key", 5, 7, r"merge keys \(<<\) are not supported", r"write the keys out"),
    Case("alias_bomb", 6, 8, r"document expands to more than 200,000 values", r"alias",
         was_pos="points at 1:14, an innocent 'x' inside anchor &a on line 1 (the node being built when the "
                 "count ran out); the runaway expansion is the first *e alias on line 6 (6:8), where the "
                 "count passes MAX_NODES (~133k values before line 6, +111k for one *e)"),
    Case("recursive_alias", 5, 7, r"recursive alias", r"alias",
         was_pos="points at the anchor `&loop` (3:16) instead of the alias `*loop` (5:7) that refers to "
                 "its own container - the hint tells the user to look for the alias"),
]

#: defects that cannot live in a static text fixture: written from bytes at test time
BYTE_CASES = {
    # 0xE9 is 'é' in Latin-1; in UTF-8 it starts a sequence that never completes
    "non_utf8": (b"name: latin1\nproblem: caf\xe9 au lait\n",
                 Case("non_utf8", 2, 13, r"not UTF-8", r"UTF-8",
                      was_pos="the line is right but the column is always 1; the undecodable byte 0xE9 "
                              "is at column 13 of line 2")),
    "control_character": (b"name: control\ntitle: ok\nproblem: a\x07b\n",
                          Case("control_character", 3, 11, r"(control|special) character|#x0007|U\+0007", r"\S",
                               was="PyYAML's ReaderError is not a MarkedYAMLError, so it lands in the generic "
                                   "branch: position 1:1 instead of 3:11, the message is two lines ('...\\n  in "
                                   "\"<unicode string>\", position 28' - names a pseudo-file and a character offset "
                                   "instead of the design file) and the hint 'check the file is YAML' does not say "
                                   "to remove the control character",
                               was_pos="a control character is reported at 1:1 whatever its place; the "
                                       "BEL (0x07) is at 3:11")),
    "oversize": (b"name: big\n" + b"#" * MAX_BYTES + b"\n",
                 Case("oversize", 1, 1, r"the limit is 2,097,152", r"split")),
}

ALL = CASES + [case for _, case in BYTE_CASES.values()]
assert len({c.name for c in ALL}) == len(ALL)


def _params(cases=ALL) -> list:
    return [pytest.param(c, id=c.name) for c in cases]


@pytest.fixture
def design_path(tmp_path, monkeypatch):
    """The path to pass on the command line, relative to the repo as a user would type it."""
    monkeypatch.chdir(REPO)

    def path_for(case: Case) -> str:
        if case.name in BYTE_CASES:
            path = tmp_path / f"{case.name}.design.yaml"
            path.write_bytes(BYTE_CASES[case.name][0])
            return str(path)
        path = FIXTURES / f"{case.name}.design.yaml"
        assert (REPO / path).is_file(), f"missing fixture {path}"
        return str(path)

    return path_for


def _invoke(*args: str):
    result = runner.invoke(app, list(args))
    # CliRunner swallows exceptions into result.exception; only a SystemExit is a clean exit
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"crashed with {result.exception!r}"
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result


def _split(stderr: str, path: str) -> tuple[int, int, str, list[str]]:
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    m = re.match(rf"^{re.escape(path)}:(\d+):(\d+): (.+)$", lines[0])
    assert m, f"first line is not `{path}:LINE:COL: message`: {lines[0]!r}"
    return int(m.group(1)), int(m.group(2)), m.group(3), lines[1:]


# ---------------------------------------------------------------------------------------


def test_fixture_table_is_complete():
    on_disk = {p.name[: -len(".design.yaml")] for p in (REPO / FIXTURES).glob("*.design.yaml")}
    assert on_disk == {c.name for c in CASES}
    assert len(on_disk) >= 24


@pytest.mark.parametrize("case", _params())
def test_reports_one_clear_error(case: Case, design_path):
    """exit 2, nothing on stdout, `FILE:L:C: message` then `  hint: ...` on stderr, no traceback."""
    path = design_path(case)
    result = _invoke("check", path)
    assert result.exit_code == 2, f"exit {result.exit_code}; stdout={result.stdout!r}"
    assert result.stdout == ""
    _, _, message, rest = _split(result.stderr, path)
    assert re.search(case.message, message), f"message {message!r} does not match {case.message!r}"
    assert rest and rest[0].startswith("  hint: "), f"no hint line after the error: {rest!r}"
    hint = rest[0][len("  hint: "):]
    assert hint.strip(), "empty hint"
    assert re.search(case.hint, hint), f"hint {hint!r} does not match {case.hint!r}"
    # one defect, one error: nothing else on stderr (no second error, no continuation lines)
    assert rest[1:] == [], f"expected exactly one error and its hint, got more: {rest[1:]!r}"


@pytest.mark.parametrize("case", _params())
def test_points_at_the_defect(case: Case, design_path):
    """The first line is exactly FILE:LINE:COL of the defect."""
    path = design_path(case)
    result = _invoke("check", path)
    first = result.stderr.splitlines()[0] if result.stderr else ""
    assert first.startswith(f"{path}:{case.line}:{case.col}: "), (
        f"expected {path}:{case.line}:{case.col}: ..., got {first!r}")


# --- the same errors through `estimate`, and through the installed entry point ------------

ESTIMATE_CASES = ["unknown_key_replicaz", "bad_unit_rate", "relative_to_cycle", "missing_entity_size",
                  "unclosed_quote", "alias_bomb", "python_object_tag", "explicit_int_tag"]


@pytest.mark.parametrize("case", _params(cases=[c for c in CASES if c.name in ESTIMATE_CASES]))
def test_estimate_reports_the_same_error(case: Case, design_path):
    path = design_path(case)
    check = _invoke("check", path)
    result = _invoke("estimate", path, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == check.stderr
    assert re.search(case.message, result.stderr.splitlines()[0])


SUBPROCESS_CASES = ["unknown_key_replicaz", "bad_enum_kind", "dangling_hop", "tab_indentation", "alias_bomb",
                    "python_object_tag", "explicit_int_tag"]


@pytest.mark.parametrize("case", _params(cases=[c for c in CASES if c.name in SUBPROCESS_CASES]))
def test_installed_entry_point(case: Case):
    """`python -m tradeoff check FILE` in a real process: exit 2, the exact first line, no traceback."""
    path = str(FIXTURES / f"{case.name}.design.yaml")
    out = subprocess.run([sys.executable, "-m", "tradeoff", "check", path], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert "Traceback" not in out.stdout and "Traceback" not in out.stderr, out.stderr[-2000:]
    assert out.returncode == 2, f"exit {out.returncode}: {out.stdout[:500]}"
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert lines[0].startswith(f"{path}:{case.line}:{case.col}: ")
    assert re.search(case.message, lines[0])
    assert lines[1].startswith("  hint: ") and re.search(case.hint, lines[1])


def test_missing_file_and_folder_are_clean_errors(tmp_path):
    for target in (tmp_path / "nope.design.yaml", tmp_path):
        result = _invoke("check", str(target))
        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert str(target) in lines[0]
        assert lines[1].startswith("  hint: ")


def test_a_trailing_document_marker_is_reported_inside_the_file():
    # found by the fuzz tests: an empty second document after the design's last line, and a
    # file that is only '---', were both reported one line past the end of the file
    import pytest as _pytest

    from tradeoff.errors import DesignErrors
    from tradeoff.io.load import load_design_text

    for text in ("name: x\n---", "---"):
        with _pytest.raises(DesignErrors) as info:
            load_design_text(text, "f.design.yaml")
        lines = len(text.split("\n"))
        assert all(1 <= e.position.line <= lines for e in info.value.errors), str(info.value)

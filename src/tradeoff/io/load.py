"""Load a design file: YAML with source positions, then the typed model, then references.

Safe by construction: the YAML is only composed into nodes (no object construction, no
tags honoured beyond the core schema), the file size is capped, and alias expansion is
counted so a "billion laughs" document fails fast instead of eating memory.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tradeoff.errors import (
    DesignError, DesignErrors, Position, ReferenceError_, SchemaError, SyntaxError_, UnitError, UsageError,
)
from tradeoff.model.design import Design, assign_paths
from tradeoff.model.quantity import QuantityError

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # values after alias expansion
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalars = yaml.constructor.SafeConstructor()


class SourceMap:
    """Where each path of the document sits in the file: the key's and the value's position."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[tuple, Position] = {}
        self.keys: dict[tuple, Position] = {}

    def find(self, path: tuple) -> Position | None:
        """The value at `path`, else the nearest ancestor that has a position."""
        path = tuple(path)
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def find_key(self, path: tuple) -> Position | None:
        return self.keys.get(tuple(path)) or self.find(path)


def _pos(file: str, mark: Any) -> Position:
    return Position(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed YAML nodes into plain Python data, recording positions."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source

    def build(self, node: yaml.Node, path: tuple, depth: int = 0) -> Any:
        file = self.source.file
        if depth > MAX_DEPTH:
            raise SyntaxError_(f"nesting deeper than {MAX_DEPTH} levels", _pos(file, node.start_mark),
                               "flatten the structure")
        self.source.values.setdefault(path, _pos(file, node.start_mark))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    raise SyntaxError_("merge keys (<<) are not supported", _pos(file, key_node.start_mark),
                                       "write the keys out, or repeat the block")
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, str):
                    raise SchemaError(f"key {key!r} is not a string", _pos(file, key_node.start_mark),
                                      "quote the key, e.g. 'yes': or '1':")
                if key in out:
                    raise SchemaError(f"duplicate key {key!r}", _pos(file, key_node.start_mark),
                                      "each key may appear once in a mapping; remove or merge the repeated one")
                self.source.keys[path + (key,)] = _pos(file, key_node.start_mark)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(node, file)


_TAG = "tag:yaml.org,2002:"
#: the only tags a design may carry: YAML's core schema (implicit or written as !!str etc.)
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")}


def _scalar(node: yaml.ScalarNode, file: str) -> Any:
    tag = node.tag
    if tag in (_TAG + "timestamp", _TAG + "value", _TAG + "str"):
        return node.value  # a date in a prose field is prose
    try:
        return _scalars.construct_object(node)
    except Exception:  # PyYAML's constructors raise ValueError/KeyError on e.g. `!!int three`, `0x_`
        raise SyntaxError_(f"cannot read {node.value!r} as {tag.removeprefix(_TAG)}", _pos(file, node.start_mark),
                           "quote the value to keep it as text, or write a valid number or true/false") from None


def _check_events(text: str, file: str) -> None:
    """One pass over the parse events: count alias expansion, refuse recursive aliases and
    foreign tags, each at the place the user wrote it."""
    sizes: dict[str, int] = {}
    stack: list[list] = []  # [anchor, running size]
    open_anchors: list[str] = []
    total = 0
    for ev in yaml.parse(text, Loader=_Loader):
        size = 0
        if isinstance(ev, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            tag = getattr(ev, "tag", None)
            if tag is not None and tag not in ("!", ) and _expand_tag(tag) not in _ALLOWED_TAGS:
                raise SyntaxError_(f"YAML tag {tag!r} is not allowed", _pos(file, ev.start_mark),
                                   "a design uses plain mappings, lists and scalars; remove the tag")
        if isinstance(ev, yaml.ScalarEvent):
            size = 1
            if ev.anchor:
                sizes[ev.anchor] = 1
        elif isinstance(ev, yaml.AliasEvent):
            if ev.anchor in open_anchors:
                raise SyntaxError_(f"recursive alias *{ev.anchor}", _pos(file, ev.start_mark),
                                   f"an alias may not refer to the node that contains it (&{ev.anchor})")
            size = sizes.get(ev.anchor, 1)
        elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([ev.anchor, 1])
            if ev.anchor:
                open_anchors.append(ev.anchor)
            total += 1
            continue
        elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
                open_anchors.remove(anchor)
            if stack:
                stack[-1][1] += size
            continue
        else:
            continue
        if stack:
            stack[-1][1] += size
        total += size
        if total > MAX_NODES:
            raise SyntaxError_(f"document expands to more than {MAX_NODES:,} values", _pos(file, ev.start_mark),
                               "a design is a few hundred values; this alias (*name) makes it explode: write it out")


def _expand_tag(tag: str) -> str:
    return _TAG + tag[2:] if tag.startswith("!!") else tag


def _clamp(pos: Position, text: str) -> Position:
    """libyaml reports end-of-stream problems one line past the end; keep positions in the file."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    if not lines:
        return Position(pos.file, 1, 1)
    if pos.line > len(lines):
        return Position(pos.file, len(lines), len(lines[-1]) + 1)
    return pos


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> SyntaxError_:
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    mark, ctx_mark = exc.problem_mark, exc.context_mark
    if "duplicate anchor" in context and ctx_mark is not None and mark is not None:
        first = _pos(file, ctx_mark)
        return SyntaxError_(f"YAML syntax: duplicate anchor (first defined at {first.line}:{first.column})",
                            _pos(file, mark), "give each anchor (&name) a unique name")
    opened = any(w in context for w in ("flow sequence", "flow mapping", "quoted scalar"))
    if opened and ctx_mark is not None:
        # an unclosed bracket or quote: point at where it opened, not where the parser gave up
        where = _pos(file, ctx_mark)
        what = "quote" if "quoted" in context else ("'['" if "sequence" in context else "'{'")
        return SyntaxError_(f"YAML syntax: unclosed {what} ({context}: {problem})", where,
                            "close it on the same line, or check for a missing comma, bracket or quote")
    where = _clamp(_pos(file, mark), text) if mark is not None else Position(file, 1, 1)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    hint = _syntax_hint(problem)
    lines = text.split("\n")
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        hint = "indent with spaces, not tabs"
    return SyntaxError_(message, where, hint)


def parse_yaml(text: str, file: str = "<design>") -> tuple[Any, SourceMap]:
    """YAML text -> plain data and its source map. Raises DesignError on any problem."""
    source = SourceMap(file)
    try:
        _check_events(text, file)
        nodes = [n for n in yaml.compose_all(text, Loader=_Loader) if n is not None]
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position] if isinstance(exc.position, int) else ""
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character or 0)
        raise SyntaxError_(f"control character {ord(char):#04x} is not allowed in YAML", Position(file, line, col),
                           "remove it; in a double-quoted string write it as an escape, e.g. \\x07") from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise SyntaxError_(f"YAML syntax: {str(exc).splitlines()[0]}", Position(file, 1, 1),
                           "check the file is YAML") from None
    if not nodes:
        raise SchemaError("the design is empty", Position(file, 1, 1), "start from `tradeoff new NAME`")
    if len(nodes) > 1:
        raise SyntaxError_("more than one YAML document (---) in a design file",
                           _clamp(_pos(file, nodes[1].start_mark), text), "keep one design per file")
    data = _Builder(source).build(nodes[0], ())
    return data, source


def _syntax_hint(problem: str) -> str:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. note: \"ratio: 10:1\""
    if "could not find expected ':'" in problem:
        return "each line of a mapping is `key: value`; check the line above"
    if "found undefined alias" in problem:
        return "define the anchor (&name) before using the alias (*name)"
    return "check indentation and quoting near this position"


def parse_model(model: type[BaseModel], text: str, file: str, hint: str) -> Any:
    """YAML text validated into a pydantic model (a knowledge or word table); every error
    carries file:line:col like design errors do, with the hint."""
    try:
        data, source = parse_yaml(text, file)
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DesignErrors([
            DesignError(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}",
                        source.find(tuple(e["loc"])), hint)
            for e in exc.errors(include_url=False)]) from None


def write_output(target: Path, content: str | bytes, protect: Path | None, hint: str) -> Path:
    """Writes a generated file, refusing to write over the design it came from."""
    if protect is not None and target.resolve() == Path(protect).resolve():
        raise UsageError(f"refusing to overwrite the design itself ({target})", hint)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}", hint) from None
    return target


def load_design(path: str | Path) -> Design:
    """Read and validate a design file. Raises DesignErrors (every problem found)."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DesignErrors([DesignError(f"cannot read {file}: {exc.strerror}", None,
                                        "check the path; `tradeoff problems` lists the bundled examples")]) from None
    if path.is_dir():
        raise DesignErrors([DesignError(f"{file} is a folder, not a design file", None, "name a .design.yaml file")])
    if size > MAX_BYTES:
        raise DesignErrors([SchemaError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", Position(file, 1, 1),
                                        "a design file is a few hundred lines; split out generated content")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start: exc.start].decode("utf-8", errors="replace")) + 1
        raise DesignErrors([SyntaxError_("the file is not UTF-8 text", Position(file, line, col),
                                         "save the file as UTF-8")]) from None
    return load_design_text(text, file)


def load_design_text(text: str, file: str = "<design>") -> Design:
    try:
        data, source = parse_yaml(text, file)
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    return design_from_data(data, source, text, file)


def design_from_data(data: Any, source: SourceMap, text: str, file: str) -> Design:
    """Validate parsed YAML data (perhaps edited since, as `whatif` does) into a Design; errors
    point into `source`, the positions of the text it was parsed from."""
    if not isinstance(data, dict):
        raise DesignErrors([SchemaError("a design is a mapping of sections (name, requirements, estimates, ...)",
                                        _clamp(source.find(()) or Position(file, 1, 1), text),
                                        "start from `tradeoff new NAME` for a skeleton")])
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise DesignErrors(_schema_errors(exc, source, data)) from None
    assign_paths(design)
    design._source = source
    from tradeoff.model.refs import check_references

    problems = check_references(design)
    if problems:
        raise DesignErrors([ReferenceError_(msg, source.find(p), hint) for p, msg, hint in problems])
    return design


# --- pydantic errors -> positioned messages ----------------------------------------------

def _schema_errors(exc: ValidationError, source: SourceMap, data: Any) -> list[DesignError]:
    out: list[DesignError] = []
    seen: set[tuple] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc in seen:
            continue
        seen.add(loc)
        out.append(_one_error(err, loc, source, data))
    return out


def _one_error(err: dict, loc: tuple, source: SourceMap, data: Any) -> DesignError:
    kind = err["type"]
    where = ".".join(str(p) for p in loc) or "design"
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else (
            f"allowed keys here: {', '.join(allowed)}" if allowed else "remove this key")
        parent = ".".join(str(p) for p in loc[:-1]) or "the design"
        return SchemaError(f"unknown key {str(key)!r} in {parent}", source.find_key(loc), hint)
    if kind == "missing":
        parent = ".".join(str(p) for p in loc[:-1]) or "the design"
        return SchemaError(f"missing required key '{loc[-1]}' in {parent}", source.find(loc[:-1]),
                           f"add `{loc[-1]}:` here")
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, QuantityError):
        return UnitError(f"{where}: {cause}", source.find(loc), cause.hint)
    if kind in ("enum", "literal_error", "string_type") and isinstance(err.get("input"), bool):
        return SchemaError(f"{where}: YAML read this value as {str(err['input']).lower()}", source.find(loc),
                           "YAML turns yes/no/on/off/true/false into booleans: quote the word, e.g. \"yes\"")
    if kind == "enum":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        close = difflib.get_close_matches(str(err.get("input")), choices, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(choices)}"
        return SchemaError(f"{where}: {err.get('input')!r} is not one of {expected}", source.find(loc), hint)
    if kind == "literal_error":
        return SchemaError(f"{where}: {err.get('input')!r} is not allowed", source.find(loc),
                           f"expected {ctx.get('expected', 'one of the listed values')}")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return SchemaError(f"{where}: expected a mapping of keys, got {_describe(err.get('input'))}",
                           source.find(loc), "write `key: value` lines indented under this key")
    if kind == "list_type":
        return SchemaError(f"{where}: expected a list, got {_describe(err.get('input'))}", source.find(loc),
                           "write the items as lines starting with '- '")
    if kind in ("string_type", "bool_type", "bool_parsing", "int_type", "int_parsing", "float_type",
                "float_parsing", "int_from_float"):
        want = {"string_type": "text", "bool_type": "true or false", "bool_parsing": "true or false",
                "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
                "float_type": "a number", "float_parsing": "a number"}[kind]
        return SchemaError(f"{where}: expected {want}, got {_describe(err.get('input'))}", source.find(loc),
                           f"write {want} here")
    if kind == "too_short":
        return SchemaError(f"{where}: {err['msg'].lower()}", source.find(loc), "add at least one item")
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = getattr(cause, "hint", "") or "see `tradeoff schema` for what this key takes"
    return SchemaError(f"{where}: {message}", source.find(loc), hint)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _fields_at(loc: tuple) -> list[str]:
    """Field names of the model found at `loc` (list indices skipped)."""
    model: Any = Design
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _model_in(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None

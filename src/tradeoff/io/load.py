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
    DesignError, DesignErrors, Position, ReferenceError_, SchemaError, SyntaxError_, UnitError,
)
from tradeoff.model.design import Design, assign_paths
from tradeoff.model.quantity import QuantityError

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
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
        self.count = 0

    def build(self, node: yaml.Node, path: tuple, stack: tuple = ()) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SyntaxError_(
                f"document expands to more than {MAX_NODES:,} values",
                _pos(self.source.file, node.start_mark),
                "a design is a few hundred values; check anchors and aliases (*name) for runaway expansion",
            )
        if len(stack) > MAX_DEPTH:
            raise SyntaxError_(f"nesting deeper than {MAX_DEPTH} levels", _pos(self.source.file, node.start_mark),
                               "flatten the structure")
        if id(node) in stack:
            raise SyntaxError_("recursive alias", _pos(self.source.file, node.start_mark),
                               "an alias (*name) may not refer to a node that contains it")
        self.source.values.setdefault(path, _pos(self.source.file, node.start_mark))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise SyntaxError_("merge keys (<<) are not supported", _pos(self.source.file, key_node.start_mark),
                                       "write the keys out, or repeat the block")
                key = self.build(key_node, path + ("<key>",), stack + (id(node),))
                if not isinstance(key, str):
                    raise SchemaError(f"key {key!r} is not a string", _pos(self.source.file, key_node.start_mark),
                                      "quote the key, e.g. 'yes': or '1':")
                if key in out:
                    raise SchemaError(f"duplicate key {key!r}", _pos(self.source.file, key_node.start_mark),
                                      "each key may appear once in a mapping; remove or merge the repeated one")
                self.source.keys[path + (key,)] = _pos(self.source.file, key_node.start_mark)
                out[key] = self.build(value_node, path + (key,), stack + (id(node),))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), stack + (id(node),)) for i, item in enumerate(node.value)]
        return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:timestamp" or tag == "tag:yaml.org,2002:binary":
        return node.value  # a date in a prose field is prose
    if tag.startswith("tag:yaml.org,2002:") and tag.rsplit(":", 1)[1] in ("str", "int", "float", "bool", "null"):
        return _scalars.construct_object(node)
    return node.value


def parse_yaml(text: str, file: str = "<design>") -> tuple[Any, SourceMap]:
    """YAML text -> plain data and its source map. Raises DesignError on any problem."""
    source = SourceMap(file)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _pos(file, mark) if mark else Position(file, 1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise SyntaxError_(f"YAML syntax: {problem}", where, _syntax_hint(problem)) from None
    except yaml.YAMLError as exc:
        raise SyntaxError_(f"YAML syntax: {exc}", Position(file, 1, 1), "check the file is YAML") from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise SchemaError("the design is empty", Position(file, 1, 1), "start from `tradeoff new NAME`")
    if len(nodes) > 1:
        raise SyntaxError_("more than one YAML document (---) in a design file", _pos(file, nodes[1].start_mark),
                           "keep one design per file")
    for node in _iter_nodes(nodes[0]):
        if node.tag.startswith("!") or (node.tag.startswith("tag:yaml.org,2002:")
                                        and node.tag.rsplit(":", 1)[1] in ("python", "set", "omap", "pairs")):
            raise SyntaxError_(f"YAML tag {node.tag!r} is not allowed", _pos(file, node.start_mark),
                               "a design uses plain mappings, lists and scalars; remove the tag")
    data = _Builder(source).build(nodes[0], ())
    return data, source


def _iter_nodes(root: yaml.Node):
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                todo += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            todo += node.value


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
        raise DesignErrors([SyntaxError_("the file is not UTF-8 text", Position(file, line, 1),
                                         "save the file as UTF-8")]) from None
    return load_design_text(text, file)


def load_design_text(text: str, file: str = "<design>") -> Design:
    try:
        data, source = parse_yaml(text, file)
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    if not isinstance(data, dict):
        raise DesignErrors([SchemaError("a design is a mapping of sections (name, requirements, estimates, ...)",
                                        source.find(()) or Position(file, 1, 1),
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
        return SchemaError(f"unknown key '{key}' in {parent}", source.find_key(loc), hint)
    if kind == "missing":
        parent = ".".join(str(p) for p in loc[:-1]) or "the design"
        return SchemaError(f"missing required key '{loc[-1]}' in {parent}", source.find(loc[:-1]),
                           f"add `{loc[-1]}:` here")
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, QuantityError):
        return UnitError(f"{where}: {cause}", source.find(loc), cause.hint)
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

"""Applying a constraint change to a design: `PATH=VALUE` edits on the design's own data.

A path walks the design file's sections: mapping keys by name, list items by their `id` (ids
may contain dots: the longest id that matches wins) or by index. A value is read as YAML, so
`replicas=6` is a number, `dau=1B` a quantity as people write it, and `zones=[a, b]` a list.
The edited data is validated exactly as a design file is (every error with the file's
position of the key it edits), so a change can never produce a design `check` would refuse.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tradeoff.errors import UsageError
from tradeoff.model.design import Design

HINT = ("write PATH=VALUE, e.g. requirements.users.dau=1B or architecture.components.db.replicas=6, "
        "or PATH+=VALUE to add to a list")


@dataclass(frozen=True)
class Edit:
    path: str
    value: Any
    append: bool = False  # PATH+=VALUE: add VALUE to the list at PATH

    def __str__(self) -> str:
        shown = yaml.safe_dump(self.value, default_flow_style=True, width=1 << 16).strip().removesuffix("...").strip()
        return f"{self.path}{'+=' if self.append else '='}{shown}"


def parse_edit(text: str) -> Edit:
    path, eq, value = text.partition("=")
    append = path.endswith("+")
    path = path.removesuffix("+").strip()
    if not eq or not path or any(not p for p in path.split(".")):
        raise UsageError(f"--set {text!r}: not PATH=VALUE", HINT)
    try:
        parsed = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        parsed = value.strip()  # not YAML: take it as text
    return Edit(path, parsed, append)


def _locate(data: dict, path: str, create: bool) -> tuple[Any, Any] | None:
    """The container and key (or index) a path ends at. Missing mappings on the way are made when
    `create`, else the answer is None; a list item that is not there is an error either way."""
    parts = path.split(".")
    node: Any = data
    walked: list[str] = []
    i = 0
    while True:
        if isinstance(node, dict):
            key = parts[i]
            if i == len(parts) - 1:
                return node, key
            if node.get(key) is None:
                if not create:
                    return None
                node[key] = {}
            node = node[key]
            walked.append(key)
            i += 1
        elif isinstance(node, list):
            hit = None
            for j in range(len(parts), i, -1):
                key = ".".join(parts[i:j])
                hit = next((k for k, x in enumerate(node) if isinstance(x, dict) and x.get("id") == key), None)
                if hit is None and key.isdigit() and int(key) < len(node):
                    hit = int(key)
                if hit is not None:
                    walked.append(key)
                    break
            if hit is None:
                ids = [str(x.get("id")) for x in node if isinstance(x, dict) and x.get("id") is not None]
                raise UsageError(f"--set {path}: {'.'.join(walked) or 'the design'} has no item '{parts[i]}'",
                                 "items: " + ", ".join(ids) if ids else HINT)
            if j == len(parts):
                return node, hit
            node = node[hit]
            i = j
        else:
            raise UsageError(f"--set {path}: '{'.'.join(walked)}' is a value; it has no '{parts[i]}'", HINT)


def _apply(data: dict, edit: Edit) -> None:
    container, key = _locate(data, edit.path, create=True)
    if edit.append:
        if isinstance(container, dict) and container.get(key) is None:
            container[key] = []
        if not isinstance(container[key], list):
            raise UsageError(f"--set {edit.path}+=: '{edit.path}' is not a list", "use = to replace a value")
        container[key].append(copy.deepcopy(edit.value))
    else:
        container[key] = copy.deepcopy(edit.value)


def value_at(data: dict, path: str) -> Any:
    """The value a path holds in parsed design data (None when it is not set)."""
    found = _locate(data, path, create=False)
    if found is None:
        return None
    container, key = found
    return container.get(key) if isinstance(container, dict) else container[key]


def apply(path: str | Path, edits: list[Edit]) -> tuple[Design, Design]:
    """The design as it is and as the edits make it (validated like a design file)."""
    from tradeoff.io.load import design_from_data, load_design, parse_yaml

    path = Path(path)
    before = load_design(path)
    text = path.read_text(encoding="utf-8-sig")
    data, source = parse_yaml(text, str(path))
    for e in edits:
        _apply(data, e)
    return before, design_from_data(data, source, text, str(path))


class ChangeFile(BaseModel):
    """A named change, e.g. `name: 10x traffic` with `set: {estimates.traffic.0.rate: 1B/day}`."""

    model_config = ConfigDict(extra="forbid")

    name: str
    constraint: str | None = None
    set: dict[str, Any] = Field(min_length=1)


def load_change(path: Path) -> tuple[str, list[Edit]]:
    """The constraint (else the name) and the edits of a change file (errors with file:line like a
    design file's)."""
    from tradeoff.io.load import parse_model

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read change file {path}: {exc.strerror}", "give a YAML file with name and set") from None
    spec = parse_model(ChangeFile, text, str(path), "a change file has name, constraint and set: {PATH: VALUE}")
    return spec.constraint or spec.name, [Edit(k, v) for k, v in spec.set.items()]


def recorded(design: Design, change_id: str):
    """A change recorded in the design's `changes` section, and its edits."""
    ch = next((c for c in design.changes if c.id == change_id), None)
    if ch is None:
        have = ", ".join(c.id for c in design.changes) or "none"
        raise UsageError(f"--replay {change_id}: the design records no such change", f"recorded changes: {have}")
    if not ch.set:
        raise UsageError(f"--replay {change_id}: the change records no `set` edits", "add set: {PATH: VALUE} to it")
    return ch, [Edit(k, v) for k, v in ch.set.items()]

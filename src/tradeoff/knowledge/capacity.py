"""Per-node capacity figures (knowledge/capacity.yaml), overridable by a user file.

The capacity model (#6) reads these when a component has no capacity block of its own, and
states them as assumptions. A user file (`--knowledge FILE`) may override any figure:

    capacity:
      relational: {writes_per_second: 8K}
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tradeoff.errors import DesignError, DesignErrors
from tradeoff.model.types import Bytes, Count, DataRate, Duration


class NodeCapacity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ops_per_second: Count | None = None
    reads_per_second: Count | None = None
    writes_per_second: Count | None = None
    service_time: Duration | None = None
    concurrency: int | None = Field(None, ge=1, strict=True)
    storage: Bytes | None = None
    memory: Bytes | None = None
    connections: Count | None = None
    network: DataRate | None = None
    rationale: str
    source: str
    overridden: bool = False


class CapacityTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    capacity: dict[str, NodeCapacity]

    def get(self, key: str) -> NodeCapacity | None:
        return self.capacity.get(key)


class _Override(BaseModel):
    """A user's override file: only figures, no rationale required (the file is the source)."""

    model_config = ConfigDict(extra="forbid")

    capacity: dict[str, dict[str, Any]] = Field(default_factory=dict)


def _error(err: dict, loc: tuple, source: Any, hint: str) -> DesignError:
    """One pydantic error as a positioned DesignError; an unknown key points at the key."""
    if err["type"] == "extra_forbidden":
        return DesignError(f"unknown key {str(loc[-1])!r} in {'.'.join(map(str, loc[:-1])) or 'the file'}",
                           source.find_key(loc), hint)
    cause = (err.get("ctx") or {}).get("error")
    return DesignError(f"{'.'.join(map(str, loc))}: {err['msg'].removeprefix('Value error, ')}",
                       source.find(loc), getattr(cause, "hint", "") or hint)


def _errors(exc: ValidationError, source: Any, hint: str) -> DesignErrors:
    return DesignErrors([_error(err, tuple(err["loc"]), source, hint) for err in exc.errors(include_url=False)])


def parse_knowledge(model: type[BaseModel], text: str, file: str, hint: str) -> Any:
    """A knowledge file's text validated as `model`; every mistake with its file:line:col."""
    from tradeoff.io.load import parse_yaml

    try:
        data, source = parse_yaml(text, file)
        return model.model_validate(data)
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    except ValidationError as exc:
        raise _errors(exc, source, hint) from None


def read_user_file(path: str | Path) -> tuple[Any, Any]:
    """A user's override file as (data, positions); a file that cannot be read or parsed is an error."""
    from tradeoff.io.load import parse_yaml

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DesignErrors([DesignError(f"cannot read {file}: {exc.strerror}", None, "check the path")]) from None
    try:
        return parse_yaml(text, file)
    except DesignError as exc:
        raise DesignErrors([exc]) from None


def packaged(name: str) -> str:
    """The text of one of the knowledge base's own data files."""
    return resources.files("tradeoff.knowledge").joinpath(name).read_text(encoding="utf-8")


def parse_capacity(text: str, file: str) -> CapacityTable:
    return parse_knowledge(CapacityTable, text, file, "each entry needs figures plus rationale and source")


@lru_cache(maxsize=1)
def default_capacity() -> CapacityTable:
    return parse_capacity(packaged("capacity.yaml"), "capacity.yaml")


def with_overrides(base: CapacityTable, path: str | Path) -> CapacityTable:
    """Apply a user's knowledge file; every mistake is reported with file:line:col."""
    data, source = read_user_file(path)
    try:
        override = _Override.model_validate(data)
    except ValidationError as exc:
        raise _errors(exc, source, "a knowledge file holds `capacity: {KEY: {FIGURE: VALUE}}`") from None
    merged = dict(base.capacity)
    problems = []
    for key, figures in override.capacity.items():
        if key not in merged:
            import difflib

            close = difflib.get_close_matches(key, list(merged), n=1)
            problems.append(DesignError(f"capacity: unknown option or kind '{key}'", source.find_key(("capacity", key)),
                                        f"did you mean '{close[0]}'?" if close else f"known: {', '.join(merged)}"))
            continue
        try:
            merged[key] = NodeCapacity.model_validate({**merged[key].model_dump(exclude={"overridden"}),
                                                       **figures, "overridden": True})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                problems.append(_error(err, ("capacity", key, *err["loc"]), source,
                                       "see knowledge/capacity.yaml for the figures"))
    if problems:
        raise DesignErrors(problems)
    return CapacityTable(capacity=merged)


def node_figures(table: CapacityTable, component) -> tuple[str, NodeCapacity] | None:
    """The per-node figures for a component: its option's entry, else its kind's, with the key used."""
    from tradeoff.knowledge.advise import option_of
    from tradeoff.model.design import ComponentKind

    opt = option_of(component)
    keys = ([opt.id] if opt else []) + [component.kind.value]
    if component.kind is ComponentKind.realtime_gateway:
        keys.append("websocket")
    for key in keys:
        got = table.get(key)
        if got is not None:
            return key, got
    return None

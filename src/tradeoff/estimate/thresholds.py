"""The thresholds table: loaded from knowledge/thresholds.yaml, overridable per design or run."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from tradeoff.errors import UsageError
from tradeoff.model import quantity as q

_PARSERS = {"count": q.parse_count, "bytes": q.parse_bytes, "data_rate": q.parse_data_rate,
            "fraction": q.parse_fraction, "ms": lambda v: q.parse_duration(v).seconds() * 1000}


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    metric: str
    kind: Literal["count", "bytes", "data_rate", "fraction", "ms"]
    value: float
    text: str  # the value as written in the table
    unit: str
    rationale: str
    source: str
    callout: str
    overridden: bool = False

    def format(self, x: float) -> str:
        return q.fmt_kind(x, self.kind)


class Default(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any
    rationale: str
    source: str


class Table(BaseModel):
    model_config = ConfigDict(frozen=True)

    defaults: dict[str, Default]
    thresholds: dict[str, Threshold]

    def with_overrides(self, overrides: dict[str, Any], origin: str = "override") -> "Table":
        """A copy with some values replaced; unknown names and unreadable values are errors."""
        if not overrides:
            return self
        th = dict(self.thresholds)
        for name, value in overrides.items():
            if name not in th:
                import difflib

                close = difflib.get_close_matches(name, list(th), n=1)
                raise UsageError(f"{origin}: unknown threshold '{name}'",
                                 f"did you mean '{close[0]}'?" if close else f"known: {', '.join(th)}")
            old = th[name]
            if isinstance(value, dict):
                value = value.get("value")
            try:
                parsed = _PARSERS[old.kind](value)
            except q.QuantityError as exc:
                raise UsageError(f"{origin}: threshold '{name}': {exc}", exc.hint) from None
            th[name] = old.model_copy(update={"value": parsed, "text": str(value), "overridden": True})
        return Table(defaults=self.defaults, thresholds=th)


@lru_cache(maxsize=1)
def default_table() -> Table:
    text = resources.files("tradeoff.knowledge").joinpath("thresholds.yaml").read_text(encoding="utf-8")
    return parse_table(yaml.safe_load(text), "thresholds.yaml")


def parse_table(raw: Any, origin: str) -> Table:
    try:
        thresholds = {}
        for name, entry in (raw.get("thresholds") or {}).items():
            parsed = _PARSERS[entry["kind"]](entry["value"])
            thresholds[name] = Threshold(name=name, text=str(entry["value"]),
                                         **{**entry, "value": parsed})
        return Table(defaults={k: Default(**v) for k, v in (raw.get("defaults") or {}).items()},
                     thresholds=thresholds)
    except (ValidationError, KeyError, TypeError, AttributeError, q.QuantityError) as exc:
        raise UsageError(f"{origin}: malformed thresholds table: {exc}".splitlines()[0],
                         "each threshold needs metric, kind, value, unit, rationale, source, callout") from None


def load_overrides(path: str | Path) -> dict[str, Any]:
    """A user's override file: a YAML mapping of threshold name to value (or a `thresholds:`
    section). Returns the raw values; see `table_with_file` for positioned checking."""
    data, _ = _read_overrides(path)
    return data


def _read_overrides(path: str | Path) -> tuple[dict[str, Any], Any]:
    from tradeoff.errors import DesignError, DesignErrors
    from tradeoff.io.load import parse_yaml

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    try:
        raw, source = parse_yaml(text, file)
    except DesignError as exc:
        raise DesignErrors([exc]) from None
    prefix: tuple = ()
    if isinstance(raw, dict) and isinstance(raw.get("thresholds"), dict):
        raw, prefix = raw["thresholds"], ("thresholds",)
    if not isinstance(raw, dict):
        raise DesignErrors([DesignError("expected a mapping of threshold name to value", source.find(()),
                                        "e.g. cache_read_qps: 20K")])
    return raw, (source, prefix)


def table_with_file(base: Table, path: str | Path) -> Table:
    """Apply an override file; every unknown name or unreadable value is reported at file:line:col."""
    import difflib

    from tradeoff.errors import DesignError, DesignErrors

    raw, (source, prefix) = _read_overrides(path)
    problems = []
    for name, value in raw.items():
        if name not in base.thresholds:
            close = difflib.get_close_matches(name, list(base.thresholds), n=1)
            problems.append(DesignError(f"unknown threshold {name!r}", source.find_key(prefix + (name,)),
                                        f"did you mean '{close[0]}'?" if close else f"known: {', '.join(base.thresholds)}"))
            continue
        try:
            base.with_overrides({name: value})
        except UsageError as exc:
            problems.append(DesignError(str(exc).split(": ", 1)[-1], source.find(prefix + (name,)), exc.hint))
    if problems:
        raise DesignErrors(problems)
    return base.with_overrides(raw, str(path))

"""The price catalog (knowledge/prices.yaml): node-hours by kind, GB-months by storage tier, GB of
egress, and managed services' per-request, per-GB and hourly prices, each with its source.

A user overrides any figure with a file (`--prices FILE`) or with `estimates.prices` in the
design, both in the catalog's shape with bare numbers:

    node_hour: {service: 0.17, relational: 0.45}
    storage: {hot: 0.10}
    egress: {internet: 0.05}
    managed: {"Amazon DynamoDB (on-demand)": {read_per_million: 0.10}}

Every mistake is reported with file:line:col (exit 2), never ignored.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tradeoff.errors import DesignError, DesignErrors

Price = float  # in the catalog's currency


class NodePrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    price: Price = Field(ge=0, description="per node-hour")
    instance: str
    source: str
    overridden: bool = False


class TierPrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    price_gb_month: Price = Field(ge=0)
    what: str
    source: str
    overridden: bool = False


class EgressPrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    price_gb: Price = Field(ge=0)
    what: str
    source: str
    overridden: bool = False


class ManagedPrice(BaseModel):
    """A managed service: whatever units its bill uses (all optional, all per month in the end)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: list[str] = Field(min_length=1)
    kinds: list[str] = Field(min_length=1)
    read_per_million: Price | None = Field(None, ge=0)
    write_per_million: Price | None = Field(None, ge=0)
    per_million_requests: Price | None = Field(None, ge=0)
    per_gb_processed: Price | None = Field(None, ge=0)
    storage_gb_month: Price | None = Field(None, ge=0)
    per_hour: Price | None = Field(None, ge=0)
    per_month: Price | None = Field(None, ge=0)
    queries_per_request: float | None = Field(None, gt=0, le=1, description="DNS: queries that reach it per request")
    source: str
    overridden: bool = False


class PriceCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str
    as_of: str
    hours_per_month: float = Field(gt=0)
    node_hour: dict[str, NodePrice]
    storage: dict[Literal["hot", "cold"], TierPrice]
    egress: dict[Literal["internet", "cdn"], EgressPrice]
    managed: list[ManagedPrice]

    def managed_for(self, component) -> ManagedPrice | None:
        from tradeoff.knowledge.availability import matching

        return matching(self.managed, component)


# --- overrides: bare numbers in the catalog's shape ---------------------------------------------

_Number = Annotated[float, Field(ge=0)]


class _ManagedOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")

    read_per_million: _Number | None = Field(None, ge=0)
    write_per_million: _Number | None = Field(None, ge=0)
    per_million_requests: _Number | None = Field(None, ge=0)
    per_gb_processed: _Number | None = Field(None, ge=0)
    storage_gb_month: _Number | None = Field(None, ge=0)
    per_hour: _Number | None = Field(None, ge=0)
    per_month: _Number | None = Field(None, ge=0)
    queries_per_request: float | None = Field(None, gt=0, le=1)


class PriceOverride(BaseModel):
    """The shape of a prices file and of `estimates.prices`."""

    model_config = ConfigDict(extra="forbid")

    currency: str | None = None
    hours_per_month: float | None = Field(None, gt=0)
    node_hour: dict[str, _Number] = Field(default_factory=dict)
    storage: dict[Literal["hot", "cold"], _Number] = Field(default_factory=dict)
    egress: dict[Literal["internet", "cdn"], _Number] = Field(default_factory=dict)
    managed: dict[str, _ManagedOverride] = Field(default_factory=dict)


class _At:
    """A YAML source seen from a sub-tree (a design's `estimates.prices`)."""

    def __init__(self, source: Any, prefix: tuple) -> None:
        self.source, self.prefix = source, prefix

    def find(self, path: tuple):
        return self.source.find(self.prefix + tuple(path)) if self.source is not None else None

    def find_key(self, path: tuple):
        return self.source.find_key(self.prefix + tuple(path)) if self.source is not None else None


HINT = "a prices override holds node_hour, storage, egress and managed prices as numbers (see prices.yaml)"


def parse_prices(text: str, file: str) -> PriceCatalog:
    from tradeoff.knowledge.capacity import parse_knowledge

    return parse_knowledge(PriceCatalog, text, file, "see the comment at the top of prices.yaml")


@lru_cache(maxsize=1)
def default_prices() -> PriceCatalog:
    from tradeoff.knowledge.capacity import packaged

    return parse_prices(packaged("prices.yaml"), "prices.yaml")


def apply_override(base: PriceCatalog, data: Any, source: Any, prefix: tuple = ()) -> PriceCatalog:
    """The catalog with an override's figures in place; every problem raised with its position."""
    from tradeoff.knowledge.capacity import _errors

    at = _At(source, prefix)
    if not data:
        return base
    try:
        o = PriceOverride.model_validate(data)
    except ValidationError as exc:
        raise _errors(exc, at, HINT) from None
    problems: list[DesignError] = []

    def unknown(section: str, key: str, known: list[str]) -> None:
        close = difflib.get_close_matches(key, known, n=1)
        problems.append(DesignError(f"{section}: no price for '{key}' in the catalog", at.find_key((section, key)),
                                    f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"))

    nodes = dict(base.node_hour)
    for key, price in o.node_hour.items():
        if key not in nodes:
            unknown("node_hour", key, list(nodes))
            continue
        nodes[key] = nodes[key].model_copy(update={"price": price, "overridden": True})
    storage = {k: v.model_copy(update={"price_gb_month": o.storage[k], "overridden": True}) if k in o.storage else v
               for k, v in base.storage.items()}
    egress = {k: v.model_copy(update={"price_gb": o.egress[k], "overridden": True}) if k in o.egress else v
              for k, v in base.egress.items()}
    by_name = {m.name: m for m in base.managed}
    for name, figures in o.managed.items():
        if name not in by_name:
            unknown("managed", name, list(by_name))
            continue
        by_name[name] = by_name[name].model_copy(update={**figures.model_dump(exclude_none=True), "overridden": True})
    if problems:
        raise DesignErrors(problems)
    update: dict[str, Any] = {"node_hour": nodes, "storage": storage, "egress": egress,
                              "managed": [by_name[m.name] for m in base.managed]}
    if o.currency:
        update["currency"] = o.currency
    if o.hours_per_month:
        update["hours_per_month"] = o.hours_per_month
    return base.model_copy(update=update)


def with_file(base: PriceCatalog, path: str | Path) -> PriceCatalog:
    """A user's prices file over the catalog."""
    from tradeoff.knowledge.capacity import read_user_file

    data, source = read_user_file(path)
    if data is not None and not isinstance(data, dict):
        raise DesignErrors([DesignError("a prices file is a mapping", source.find(()), HINT)])
    return apply_override(base, data, source)


def for_design(base: PriceCatalog, design: Any) -> PriceCatalog:
    """The catalog with the design's own `estimates.prices` applied."""
    ests = design.estimates
    if ests is None or not ests.prices:
        return base
    return apply_override(base, ests.prices, getattr(design, "_source", None), ("estimates", "prices"))

"""Availability defaults (knowledge/availability.yaml): one zone, one node we run, the kinds that
are someone else's service, and managed services recognised by the technology a component names.

`tradeoff availability` reads these when a component states neither `availability` (one
replica) nor `sla` (the whole service), and lists each use with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from tradeoff.model.types import Fraction


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    availability: Fraction | None = None  # of one node or zone
    sla: Fraction | None = None  # of a whole service
    rationale: str = ""
    source: str


class ManagedSLA(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: list[str] = Field(min_length=1)
    kinds: list[str] = Field(min_length=1)
    sla: Fraction
    source: str


class AvailabilityTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: str
    zone: Figure
    node: Figure
    kinds: dict[str, Figure]
    managed: list[ManagedSLA]

    def managed_for(self, component) -> ManagedSLA | None:
        """The first managed service of the component's kind whose match words appear in its technology."""
        return matching(self.managed, component)


def matching(entries: list, component):
    """The first entry for the component's kind whose `match` words appear in its technology as
    whole words, case-insensitively (a worker that writes to S3 is not S3)."""
    technology = component.technology
    if not technology:
        return None
    text = technology.lower()
    for entry in entries:
        if component.kind.value not in entry.kinds:
            continue
        if any(re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text) for word in entry.match):
            return entry
    return None


@dataclass(frozen=True)
class Source:
    """Where one availability figure came from, for the arithmetic a report shows."""

    what: str  # "design", "managed", "kind", "node", "zone"
    text: str


def parse_availability(text: str, file: str) -> AvailabilityTable:
    from tradeoff.knowledge.capacity import parse_knowledge

    return parse_knowledge(AvailabilityTable, text, file, "see the comment at the top of availability.yaml")


@lru_cache(maxsize=1)
def default_availability() -> AvailabilityTable:
    from tradeoff.knowledge.capacity import packaged

    return parse_availability(packaged("availability.yaml"), "availability.yaml")

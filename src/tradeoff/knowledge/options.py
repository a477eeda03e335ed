"""The playbook's seven reference tables as data: options, when they fit, what they risk.

knowledge/options.yaml holds the 37 options. Each has the conditions it fits (predicates over
design facts, see facts.py) and the risks it carries (predicates that trigger them). Code here
loads, validates and queries that file; it restates none of it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from tradeoff.errors import UsageError
from tradeoff.knowledge.facts import PredicateError, check_predicate, describe, evaluate

TABLES = ("data_storage", "communication", "compute", "caching", "event_driven", "consistency", "load_balancing")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Table(_Strict):
    id: str
    title: str
    question: str = Field(description="what choosing from this table decides")


def _predicate(v: dict[str, Any]) -> dict[str, Any]:
    try:
        check_predicate(v, "when")
    except PredicateError as exc:
        raise ValueError(str(exc)) from None
    return v


Predicate = Annotated[dict[str, Any], AfterValidator(_predicate)]


class Fit(_Strict):
    when: Predicate
    because: str


class Risk(_Strict):
    id: str = Field(pattern=r"^[A-Z]+-[A-Z0-9]+-\d{3}$")
    when: Predicate
    severity: Literal["error", "warning", "info"]
    message: str
    fix: str


class Option(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    table: str
    role: str = Field(description="options of one role are alternatives to each other (a CDN is not "
                                  "an alternative to Redis; REST is not one to Kafka)")
    name: str
    reach_for_it_when: str
    watch_out_for: str
    gives: list[str] = Field(min_length=1)
    costs: list[str] = Field(min_length=1)
    technologies: list[str] = Field(default_factory=list)
    fits: list[Fit] = Field(min_length=1)
    risks: list[Risk] = Field(min_length=1)

    @field_validator("table")
    @classmethod
    def _table(cls, v: str) -> str:
        if v not in TABLES:
            raise ValueError(f"unknown table {v!r}; known: {', '.join(TABLES)}")
        return v


class KnowledgeBase(_Strict):
    tables: list[Table]
    options: list[Option]

    @model_validator(mode="after")
    def _unique(self) -> "KnowledgeBase":
        ids = [o.id for o in self.options]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate option ids: {sorted(dup)}")
        risk_ids = [r.id for o in self.options for r in o.risks]
        dup = {i for i in risk_ids if risk_ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate risk ids: {sorted(dup)}")
        return self

    def table(self, table_id: str) -> list[Option]:
        return [o for o in self.options if o.table == table_id]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def for_technology(self, technology: str) -> list[Option]:
        """Options whose typical technologies are named in this one ('Amazon DynamoDB
        (on-demand)' -> key_value); the longest name matched wins, ties in table order."""
        if self is knowledge_base():
            return list(_for_technology(technology))
        return list(self._match_technology(technology))

    def _match_technology(self, technology: str) -> tuple[Option, ...]:
        text = f" {technology.lower()} "
        hits: list[tuple[int, int, Option]] = []
        for i, o in enumerate(self.options):
            lengths = [len(t) for t in o.technologies
                       if _norm(t) == _norm(technology)
                       or re.search(rf"(?<![a-z0-9]){re.escape(t.lower())}(?![a-z0-9])", text)]
            if lengths:
                hits.append((-max(lengths), i, o))
        return tuple(o for _, _, o in sorted(hits, key=lambda h: (h[0], h[1])))


@lru_cache(maxsize=4096)
def _for_technology(technology: str) -> tuple[Option, ...]:
    """Matches against the bundled knowledge base, memoised (reviews ask for each component often)."""
    return knowledge_base()._match_technology(technology)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:

    text = resources.files("tradeoff.knowledge").joinpath("options.yaml").read_text(encoding="utf-8")
    return parse_knowledge(text, "options.yaml")


def parse_knowledge(text: str, file: str) -> KnowledgeBase:
    """Validate a knowledge file; errors carry file:line:col like design errors do."""
    from tradeoff.io.load import parse_model

    return parse_model(KnowledgeBase, text, file, "see src/tradeoff/knowledge/options.py for the knowledge file's schema")


@dataclass(frozen=True)
class Ranked:
    option: Option
    score: int
    fits: list[tuple[Fit, bool | None]]
    risks: list[tuple[Risk, bool | None]]

    @property
    def why(self) -> str:
        yes = [f.because for f, r in self.fits if r]
        bad = [r.message for r, hit in self.risks if hit]
        unknown = [describe(f.when) for f, r in self.fits if r is None]
        if yes and bad:
            return f"{yes[0]}; but risk: {bad[0]}"
        if yes:
            return yes[0]
        if bad:
            return f"risk: {bad[0]}"
        if unknown:
            return f"would fit if {unknown[0]}"
        return f"no stated need calls for it ({self.option.reach_for_it_when})"


_RISK_WEIGHT = {"error": 2, "warning": 1, "info": 0}


def rank(table_id: str, facts: dict[str, Any], role: str | None = None) -> list[Ranked]:
    """The options of one table (or of one role in it) ordered by how well they fit these
    facts: fits met, minus risks triggered (weighted by severity)."""
    kb = knowledge_base()
    if table_id not in TABLES:
        close = difflib.get_close_matches(table_id, TABLES, n=1)
        raise UsageError(f"unknown table '{table_id}'",
                         f"did you mean '{close[0]}'?" if close else f"tables: {', '.join(TABLES)}")
    out = []
    for opt in kb.table(table_id):
        if role is not None and opt.role != role:
            continue
        fits = [(f, evaluate(f.when, facts)) for f in opt.fits]
        risks = [(r, evaluate(r.when, facts)) for r in opt.risks]
        # an info risk is worth knowing but does not count against the option
        score = sum(1 for _, r in fits if r) - sum(_RISK_WEIGHT[k.severity] for k, r in risks if r)
        out.append(Ranked(opt, score, fits, risks))
    return sorted(out, key=lambda r: (-r.score, TABLES.index(table_id), kb.options.index(r.option)))

"""DATA: deep dive, data model and schema. Core entities and their relationships, the primary
access patterns, how the schema evolves, and the key tables sketched."""

from __future__ import annotations

import re

from tradeoff.model.design import ComponentKind
from tradeoff.review.engine import Hit, rule
from tradeoff.review.presence import presence

P_ENTITIES = "Deep dive, data model & schema: core entities & relationships"
P_ACCESS = "Deep dive, data model & schema: primary access patterns"
P_EVOLUTION = "Deep dive, data model & schema: schema evolution over time"
P_TABLES = "Deep dive, data model & schema: sketch key tables/collections"


def _dm(ctx):
    return ctx.dd.data_model if ctx.dd else None


def _stores(ctx):
    return [c for c in ctx.components if c.kind is ComponentKind.data_store]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


presence("DATA-001", "No core entities", section=_dm, field="entities", label="the core entities",
         severity="warning", playbook=P_ENTITIES,
         why="The entities and how they relate decide the keys, the tables and which store can serve them; "
             "a data model without them is a list of tables with no reason behind it.",
         fix="List deep_dives.data_model.entities: each with a name, its key, its fields and relationships.",
         bad="data_model:\n  access_patterns: [get link by code]",
         good="data_model:\n  entities:\n    - {name: ShortLink, key: short_code, relationships: [belongs to a User]}")

presence("DATA-002", "No primary access patterns", section=_dm, field="access_patterns",
         label="the primary access patterns", severity="warning", playbook=P_ACCESS,
         why="Keys, indexes and the store are chosen for the queries that run hottest; without the access "
             "patterns a schema cannot be judged good or bad.",
         fix="List deep_dives.data_model.access_patterns: each hot query with its key and rate "
             "('get URL by short_code, 35K/s peak').",
         bad="data_model:\n  entities: [{name: ShortLink, key: short_code}]",
         good="data_model:\n  access_patterns: [get long_url by short_code (35K/s peak)]")

presence("DATA-003", "Schema evolution not addressed", section=_dm, field="schema_evolution",
         label="schema evolution", severity="warning", playbook=P_EVOLUTION,
         why="Data outlives code: new fields, renamed ones and new versions of events must be rolled out "
             "while old readers and old rows still exist. Without a plan, every change is a migration outage.",
         fix="State deep_dives.data_model.schema_evolution: additive changes, versioned records or a schema "
             "registry, expand/migrate/contract for breaking changes.",
         bad="data_model:\n  entities: [{name: Post, key: post_id}]",
         good="data_model:\n  schema_evolution: additive columns only; records carry schema_version; "
              "readers accept N and N-1")

presence("DATA-004", "Key tables not sketched", section=_dm, field="tables",
         label="the key tables or collections", severity="warning", playbook=P_TABLES,
         why="A sketched table shows the primary key, the clustering order and the secondary indexes, which is "
             "where the access patterns are actually served (or not).",
         fix="Add deep_dives.data_model.tables: one line per key table with its store, primary key and indexes.",
         bad="data_model:\n  entities: [{name: Message, key: (conversation_id, seq)}]",
         good="data_model:\n  tables: [\"messages (Cassandra): PRIMARY KEY ((conversation_id, bucket), seq)\"]")


@rule("DATA-005", "No data model deep dive", severity="info", playbook=P_ENTITIES,
      why="The design keeps data in stores, but never says what the entities are, how they relate or "
          "which queries they serve; the interviewer will ask before any storage choice is credible.",
      fix="Add deep_dives.data_model with entities, access patterns, schema evolution and key tables.",
      bad="architecture:\n  components: [{id: db, kind: data_store}]\n# no deep_dives.data_model",
      good="deep_dives:\n  data_model:\n    entities: [{name: Link, key: code}]\n    access_patterns: [get by code]")
def no_data_model(ctx):
    stores = _stores(ctx)
    if stores and _dm(ctx) is None:
        names = ", ".join(c.id for c in stores)
        yield Hit(ctx.dd if ctx.dd is not None else ctx.arch,
                  f"{len(stores)} data store{'s' if len(stores) > 1 else ''} ({names}) but no data model deep dive")


@rule("DATA-006", "Entity without a key", severity="warning", playbook=P_ENTITIES,
      why="The key is the most consequential line of a data model: it decides how rows are found, how they "
          "are partitioned and which queries are cheap. An entity without one has not been designed yet.",
      fix="Give the entity its key (and for composite keys, the partition and clustering parts).",
      bad="entities:\n  - {name: Message, fields: [body, sent_at]}",
      good="entities:\n  - {name: Message, key: ((conversation_id, bucket), seq), fields: [body, sent_at]}")
def entity_without_key(ctx):
    dm = _dm(ctx)
    for e in (dm.entities if dm else []):
        if not (e.key and e.key.strip()):
            yield Hit(e, f"entity '{e.name}' has no key")


def _sketched(dm, entity_id: str) -> bool:
    """A stored entity appears in the data model: a sketch of the same name (ShortLink ~ short_link),
    one name a prefix of the other (Timeline ~ timeline_entry, at least four letters), or a table line naming it."""
    want = _norm(entity_id)
    if not want:
        return True
    for s in dm.entities:
        have = _norm(s.name)
        if have == want or (min(len(have), len(want)) >= 4 and (have.startswith(want) or want.startswith(have))):
            return True
    return any(want in _norm(t) for t in dm.tables)


@rule("DATA-007", "Sized entity missing from the data model", severity="warning", playbook=P_ENTITIES,
      why="The estimate sizes this entity, so it is part of the system's data, yet the data model does not "
          "sketch it: its key, relationships and access pattern are undesigned.",
      fix="Add an entity sketch (name, key, fields, relationships) for it to deep_dives.data_model.entities.",
      bad="estimates:\n  storage: [{id: click_event, size: 50 B, new_per_day: 1B}]\n"
          "deep_dives:\n  data_model:\n    entities: [{name: ShortLink, key: code}]",
      good="deep_dives:\n  data_model:\n    entities:\n      - {name: ShortLink, key: code}\n"
           "      - {name: ClickEvent, key: event_id}",
      false_positives="Names are matched loosely (ShortLink ~ short_link, Timeline ~ timeline_entry, or the id "
                      "appearing in a table line); an entity sketched under an unrelated name is not recognised.")
def stored_entity_not_sketched(ctx):
    dm = _dm(ctx)
    est = ctx.design.estimates
    if dm is None or not dm.entities or est is None:
        return
    for e in est.storage:
        if not _sketched(dm, e.id):
            yield Hit(e, f"stored entity '{e.id}' is sized in the estimates but not sketched in the data model")


@rule("DATA-008", "Entity with no store", severity="warning", playbook=P_ENTITIES,
      why="Every entity the system keeps lives somewhere; one that no store holds has no key, no "
          "replication and no backup, and its reads and writes have no path.",
      fix="Set the entity's store (estimates.storage[].store) or list it in a data store's entities.",
      bad="estimates:\n  storage: [{id: post, size: 1 KB, new_per_day: 100M}]\n"
          "architecture:\n  components: [{id: db, kind: data_store}]",
      good="estimates:\n  storage: [{id: post, size: 1 KB, new_per_day: 100M, store: db}]")
def entity_without_store(ctx):
    est = ctx.design.estimates
    if est is None or not _stores(ctx):
        return
    held = {e for c in ctx.components for e in c.entities}
    for e in est.storage:
        if e.store is None and e.id not in held:
            yield Hit(e, f"stored entity '{e.id}' is held by no component")


@rule("DATA-009", "Entities without relationships", severity="info", playbook=P_ENTITIES,
      why="Relationships (one-to-many, many-to-many, derived-from) decide what is embedded, what is "
          "denormalised and which joins or fan-outs the design must pay for.",
      fix="Add relationships to the entity sketches ('many Messages per Conversation').",
      bad="entities:\n  - {name: User, key: user_id}\n  - {name: Post, key: post_id}",
      good="entities:\n  - {name: User, key: user_id, relationships: [authors many Posts]}\n"
           "  - {name: Post, key: post_id, relationships: [belongs to one User]}")
def no_relationships(ctx):
    dm = _dm(ctx)
    if dm is not None and len(dm.entities) >= 2 and not any(e.relationships for e in dm.entities):
        yield Hit(dm, f"{len(dm.entities)} entities are sketched but no relationship between them is stated")

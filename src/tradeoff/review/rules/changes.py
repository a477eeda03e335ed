"""CHG: constraint changes absorbed during the interview. Trace the impact (which components are
affected and which are not), revise the diagram (what replaced what, the edits it implies), and
keep the recorded revision consistent with the design."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from tradeoff.review.engine import Hit, rule

P_TRACE = "Constraint changes: trace the impact - walk through which components are affected and which aren't"
P_REVISE = "Constraint changes: revise the diagram live - cross out the old approach, draw the new one"
P_CALM = "Constraint changes: 'Great constraint. Let me think about how that changes the design.'"


def _element_class(annotation: Any) -> type | None:
    """The Element subclass a field holds (directly, optionally, or as list items), if any."""
    args = typing.get_args(annotation)
    candidates = [annotation, *args] + [a for arg in args for a in typing.get_args(arg)]
    for a in candidates:
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
    return None


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(typing.get_origin(a) is list for a in typing.get_args(annotation))


def _is_dict(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict or any(typing.get_origin(a) is dict for a in typing.get_args(annotation))


def resolve(design, path: str) -> str | None:
    """Why a `set` path names nothing in the design, or None if it does. Fields are checked
    against the model (a field that is empty today may be set); list items are named by id
    (ids may contain dots, so the longest id that matches wins) or by index; dict fields
    (estimates.stated, estimates.thresholds) take any key."""
    parts = path.split(".")
    node: Any = design
    cls: type = type(design)
    i, walked = 0, []
    while i < len(parts):
        name = parts[i]
        fields = getattr(cls, "model_fields", {})
        if name not in fields:
            where = ".".join(walked) or "the design"
            return f"'{name}' is not a field of {where}"
        ann = fields[name].annotation
        walked.append(name)
        value = getattr(node, name, None) if node is not None else None
        i += 1
        if i == len(parts) or _is_dict(ann):
            return None
        sub = _element_class(ann)
        if sub is None:
            return f"'{'.'.join(walked)}' is a value; it has no '{parts[i]}'"
        if _is_list(ann):
            items = value or []
            hit = None
            for j in range(len(parts), i, -1):
                key = ".".join(parts[i:j])
                hit = next((x for x in items if getattr(x, "id", None) == key), None)
                if hit is None and key.isdigit() and int(key) < len(items):
                    hit = items[int(key)]
                if hit is not None:
                    walked.append(key)
                    i = j
                    break
            if hit is None:
                return f"'{'.'.join(walked)}' has no item '{parts[i]}'"
            node, cls = hit, type(hit)
            if i == len(parts):
                return None
        else:
            node, cls = value, sub
    return None


def set_component(path: str, ids: set[str]) -> str | None:
    """The component a `set` path edits (architecture.components.ID...), if any."""
    prefix = "architecture.components."
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix):]
    best = None
    for cid in ids:
        if (rest == cid or rest.startswith(cid + ".")) and (best is None or len(cid) > len(best)):
            best = cid
    return best


@rule("CHG-001", "Constraint change without its impact", severity="warning", playbook=P_CALM,
      why="The interviewer introduces a constraint to see the reasoning: what it breaks, what it forces, what it "
          "leaves alone. A change recorded without its impact records the answer without the thinking.",
      fix="State change.impact: what the new constraint breaks in the current design and what has to change.",
      bad="- {id: c1, constraint: p99 under 50 ms worldwide}",
      good="- {id: c1, constraint: p99 under 50 ms worldwide, impact: one origin cannot meet it; serve from the edge}")
def no_impact(ctx):
    for ch in ctx.design.changes:
        if not (ch.impact or "").strip():
            yield Hit(ch, f"change '{ch.id}' states no impact")


@rule("CHG-002", "Constraint change names no affected component", severity="warning", playbook=P_TRACE,
      why="Tracing the impact means walking the components: naming the affected ones shows the change was "
          "followed through the design rather than bolted on.",
      fix="List change.affected: the components the new constraint changes.",
      bad="- {id: c1, constraint: ..., impact: ...}",
      good="- {id: c1, constraint: ..., impact: ..., affected: [cdn, url-store]}")
def no_affected(ctx):
    for ch in ctx.design.changes:
        if not ch.affected:
            yield Hit(ch, f"change '{ch.id}' names no affected component")


@rule("CHG-003", "Constraint change names no unaffected component", severity="warning", playbook=P_TRACE,
      why="Saying which components do not change is half of tracing the impact: it bounds the blast radius and "
          "shows the rest of the design was checked, not forgotten.",
      fix="List change.unaffected: the components you checked that stay as they are.",
      bad="- {id: c1, affected: [cdn]}", good="- {id: c1, affected: [cdn], unaffected: [api-gateway, stats-store]}")
def no_unaffected(ctx):
    for ch in ctx.design.changes:
        if not ch.unaffected:
            yield Hit(ch, f"change '{ch.id}' names no unaffected component")


@rule("CHG-004", "Replacement names no component", severity="warning", playbook=P_REVISE,
      why="A replacement belongs on the diagram: naming the component crossed out ties the new approach to the "
          "part of the design it changes.",
      fix="Give each replaced entry its component.",
      bad="replaced: [{old: one Kafka cluster, new: a cluster per region}]",
      good="replaced: [{old: one Kafka cluster, new: a cluster per region, component: event-bus}]")
def replacement_without_component(ctx):
    for ch in ctx.design.changes:
        for r in ch.replaced:
            if r.component is None:
                yield Hit(r, f"change '{ch.id}': the replacement of '{r.old}' names no component")


@rule("CHG-005", "Change edits a path that is not in the design", severity="error", playbook=P_REVISE,
      why="A `set` edit names a field of the design; one that names nothing (a typo, a renamed component) cannot "
          "be applied, so the revised design silently differs from the one described.",
      fix="Point the set path at an existing field: sections and fields as in the model, list items by id "
          "(architecture.components.ID.FIELD).",
      bad="set: {architecture.components.url-stor.regions: 3}",
      good="set: {architecture.components.url-store.regions: 3}")
def set_path_unknown(ctx):
    for ch in ctx.design.changes:
        for path in ch.set:
            problem = resolve(ctx.design, path)
            if problem:
                yield Hit(ch.source_path + ("set", path), f"change '{ch.id}': set {path}: {problem}")


@rule("CHG-006", "Component both affected and unaffected", severity="error", playbook=P_TRACE,
      why="A component cannot both change and stay the same under one constraint; the trace contradicts itself.",
      fix="Keep the component in one list: affected if the change reaches it, else unaffected.",
      bad="affected: [cdn, api]\nunaffected: [api]", good="affected: [cdn, api]\nunaffected: [stats]")
def both_lists(ctx):
    for ch in ctx.design.changes:
        both = sorted(set(ch.affected) & set(ch.unaffected))
        if both:
            yield Hit(ch, f"change '{ch.id}' lists {', '.join(both)} as both affected and unaffected")


@rule("CHG-007", "Edited component missing from the affected list", severity="warning", playbook=P_TRACE,
      why="The change's own edits (set, replaced) touch a component its trace does not name: the walk-through "
          "missed a component the revision changes.",
      fix="Add the component to change.affected.",
      bad="set: {architecture.components.db.regions: 3}\naffected: [cdn]",
      good="set: {architecture.components.db.regions: 3}\naffected: [cdn, db]")
def edited_not_affected(ctx):
    ids = {c.id for c in ctx.components}
    for ch in ctx.design.changes:
        named = set(ch.affected) | set(ch.unaffected)
        edited = {set_component(p, ids) for p in ch.set} | {r.component for r in ch.replaced}
        missing = sorted(c for c in edited if c and c not in named)
        if missing and ch.affected:
            yield Hit(ch, f"change '{ch.id}' edits {', '.join(missing)} but does not list it as affected")


@rule("CHG-008", "Edited component listed as unaffected", severity="error", playbook=P_TRACE,
      why="The change edits (set, replaced) a component it also calls unaffected: the trace and the revision "
          "disagree about what the constraint touches.",
      fix="Move the component from unaffected to affected, or drop the edit.",
      bad="set: {architecture.components.db.regions: 3}\nunaffected: [db]",
      good="set: {architecture.components.db.regions: 3}\naffected: [db]")
def edited_but_unaffected(ctx):
    ids = {c.id for c in ctx.components}
    for ch in ctx.design.changes:
        edited = {set_component(p, ids) for p in ch.set} | {r.component for r in ch.replaced}
        wrong = sorted(c for c in edited if c and c in ch.unaffected)
        if wrong:
            yield Hit(ch, f"change '{ch.id}' edits {', '.join(wrong)} yet lists it as unaffected")


@rule("CHG-009", "Constraint change without a revision", severity="warning", playbook=P_REVISE,
      why="A constraint that changes the design should change the diagram: cross out the old approach and draw "
          "the new one. A change with neither edits nor replacements leaves the design as it was.",
      fix="Record what changed: change.set (field edits) or change.replaced (old -> new, per component).",
      bad="- {id: c1, constraint: ..., impact: ..., affected: [db]}",
      good="- {id: c1, ..., replaced: [{old: one region, new: three regions, component: db}]}")
def no_revision(ctx):
    for ch in ctx.design.changes:
        if not ch.set and not ch.replaced:
            yield Hit(ch, f"change '{ch.id}' records no revision (no set edits, nothing replaced)")

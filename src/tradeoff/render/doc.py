"""`tradeoff doc`: the design document a principal hands over, as Markdown and as HTML.

One Markdown text, built from the design and the analyses (estimate, capacity sweep, review);
the HTML is that Markdown through a CommonMark renderer (markdown-it-py), standalone with the
canvas inlined. Sections follow the playbook's phases. Requirements and deep dives are written
from the model's own fields, so every sub-item the design fills appears; wrap-up parts the
design leaves out are drafted from the model and marked as drafted.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from pydantic import BaseModel

from tradeoff.model.design import Design

DRAFTED = "*(drafted by tradeoff from the model: the design does not state it)*"
CANVAS = "canvas.svg"


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if hasattr(v, "value") and not isinstance(v, BaseModel):  # enums
        return str(v.value)
    return " ".join(str(v).split())


def _item(item: BaseModel, pad: str, depth: int) -> list[str]:
    """A list item: headed by its id, name or component, else by its first plain field (a bare
    '-' line would read as a heading underline in CommonMark)."""
    for key in ("id", "name", "component"):
        head = getattr(item, key, None)
        if head:
            return [f"{pad}- {head}"] + _element(item, depth + 1, skip=(key,))
    for key in type(item).model_fields:
        v = getattr(item, key)
        if v not in (None, "", [], {}) and not isinstance(v, (BaseModel, list, dict)):
            return [f"{pad}- {_value(v)}"] + _element(item, depth + 1, skip=(key,))
    return [f"{pad}- (empty)"]


def _element(obj: BaseModel, depth: int = 0, skip: tuple[str, ...] = ()) -> list[str]:
    """A model element as nested bullets: each set field by its name, lists item by item."""
    out: list[str] = []
    pad = "  " * depth
    for name in type(obj).model_fields:
        if name in skip:
            continue
        v = getattr(obj, name)
        if v is None or v == [] or v == {} or v == "":
            continue
        if isinstance(v, BaseModel):
            inner = _element(v, depth + 1)
            if inner:
                out.append(f"{pad}- **{_title(name)}**")
                out += inner
        elif isinstance(v, list):
            out.append(f"{pad}- **{_title(name)}**")
            for item in v:
                if isinstance(item, BaseModel):
                    out += _item(item, pad + "  ", depth + 1)
                else:
                    out.append(f"{pad}  - {_value(item)}")
        elif isinstance(v, dict):
            out.append(f"{pad}- **{_title(name)}**: " + "; ".join(f"{k}: {_value(x)}" for k, x in v.items()))
        else:
            out.append(f"{pad}- **{_title(name)}**: {_value(v)}")
    return out


def _any(v: Any) -> list[str]:
    """An element, a list of them, or a plain value, as bullets."""
    if isinstance(v, BaseModel):
        return _element(v)
    if isinstance(v, list):
        out: list[str] = []
        for item in v:
            if isinstance(item, BaseModel):
                out += _item(item, "", 0)
            else:
                out.append(f"- {_value(item)}")
        return out
    return [_value(v)]


def _demote(md: str, levels: int = 2) -> str:
    """Headings pushed down `levels` (an embedded report under a section of its own)."""
    return re.sub(r"^(#{1,6}) ", lambda m: "#" * min(6, len(m.group(1)) + levels) + " ", md, flags=re.M)


def _summary(design: Design, est, scale) -> tuple[str, bool]:
    wu = design.wrap_up
    if wu and wu.summary:
        return " ".join(wu.summary.split()), False
    comps = design.components
    stores = [c for c in comps if c.kind.value == "data_store"]
    parts = [f"{design.title or design.name} is {len(comps)} components"]
    if stores:
        parts[-1] += " around " + ", ".join(f"{c.label} ({c.technology or c.storage.value if c.storage else c.kind.value})"
                                            for c in stores[:3])
    chosen = [d.title or d.id for d in design.decisions][:3]
    text = parts[0] + "."
    if chosen:
        text += " Key decisions: " + "; ".join(chosen) + "."
    peak = est.value("qps.total.peak") if est else None
    if peak:
        text += f" They are sized for a peak of {peak:,.0f} requests per second"
        if scale is not None and scale.first is not None:
            text += f"; the first limit is {scale.first.what} at {scale.first.multiplier:.3g}x that load"
        text += "."
    return text, True


def _flows(design: Design) -> list[str]:
    arch = design.architecture
    if arch is None:
        return []
    out = []
    for kind, flows in (("Read path", arch.read_paths), ("Write path", arch.write_paths)):
        for f in flows:
            hops = " -> ".join(h.component + (f" (x{h.calls:g})" if h.calls != 1 else "") for h in f.hops)
            out.append(f"- {kind} **{f.id}**" + (f" ({f.use_case})" if f.use_case else "") + f": {hops}")
    for a in arch.async_edges:
        out.append(f"- Async **{a.id}**: {a.producer} -> {a.via} -> {', '.join(a.consumers)}"
                   + (f": {a.event}" if a.event else ""))
    for e in arch.external_calls:
        out.append(f"- External **{e.id}**: {e.caller} -> {e.external}" + ("" if e.sync else " (async)")
                   + (f": {e.purpose}" if e.purpose else ""))
    return out


def _decision(d) -> list[str]:
    out = [f"### {d.title or d.id}", ""]
    if d.requirement:
        out.append(f"1. **Requirement**: {_value(d.requirement)}" + (f" (traces to {', '.join(d.traces_to)})"
                                                                    if d.traces_to else ""))
    if d.criteria:
        out.append("2. **Criteria**: " + "; ".join(_value(c) for c in d.criteria))
    if d.choice:
        bits = [x for x in (d.choice.option, d.choice.technology) if x]
        out.append("3. **Choice**: " + " / ".join(bits) + (f" for {d.choice.component}" if d.choice.component else ""))
    if d.tradeoff:
        t = d.tradeoff
        out.append(f"4. **Tradeoff**: we gain {_value(t.gain) or '?'}, give up {_value(t.give_up) or '?'}; "
                   f"acceptable because {_value(t.acceptable_because) or '?'}")
    if d.rejected:
        out.append("5. **Rejected**: " + "; ".join(f"{_value(r.option)} ({_value(r.why)})" if getattr(r, "why", None)
                                                   else _value(r.option) for r in d.rejected))
    if d.depends_on:
        out.append(f"\nIt depends on: {_value(d.depends_on)}")
    out.append("")
    return out


def _scalability(design: Design, scale) -> tuple[list[str], bool]:
    ev = design.wrap_up.evolution if design.wrap_up else None
    out: list[str] = []
    if ev and (ev.at_10x or ev.at_100x):
        if ev.at_10x:
            out.append(f"- **At 10x**: {_value(ev.at_10x)}")
        if ev.at_100x:
            out.append(f"- **At 100x**: {_value(ev.at_100x)}")
        drafted = False
    else:
        drafted = True
    if scale is not None:
        from tradeoff.render.scale import headline

        out.append("")
        out.append("From the capacity model:")
        out.append("")
        out += [f"- {line}" for line in headline(scale)]
    return out, drafted


def _drafted_wrap_up(design: Design, scale) -> list[str]:
    """Deferred work and v1/v2 drawn from the model when the design states none: what was kept
    simple (single points of failure the design accepts, what the capacity model says each
    component needs at 10x), and the use cases by priority."""
    out: list[str] = []
    deferred = []
    if scale is not None:
        for sp in scale.single_points:
            deferred.append(f"- Kept {sp.component} as a single point ({'; '.join(sp.reasons)}); in production, "
                            "add a replica in another zone")
        p10 = next((p for p in scale.points if p.multiplier == 10.0), None)
        for n in (p10.needs if p10 else [])[:8]:
            deferred.append(f"- Kept {n.component} at {n.have} {n.unit}; at 10x it needs {n.need} ({n.resource})")
    if deferred:
        out += ["### Deferred work", ""] + deferred + [""]
    must = [u.id for u in design.use_cases if getattr(u.priority, "value", u.priority) == "must"]
    later = [u.id for u in design.use_cases if getattr(u.priority, "value", u.priority) != "must"]
    if must or later:
        out += ["### v1 and v2", ""] + [f"- v1: {u}" for u in must] + [f"- v2: {u}" for u in later] + [""]
    return out


def _availability_and_cost(availability, cost) -> list[str]:
    from tradeoff.render import availability as nines
    from tradeoff.render import cost as bill
    from tradeoff.render.scale import _md_table

    out: list[str] = ["### Availability", ""]
    if availability is None or not availability.paths:
        out += ["*(no synchronous paths)*", ""]
    else:
        out += [f"- {h}" for h in nines.headline(availability)] + ["", _md_table(nines.HEAD, nines._rows(availability)), ""]
        out += ["Where each figure comes from: " + "; ".join(availability.assumptions) + ".", ""] \
            if availability.assumptions else []
    out += ["### Cost", ""]
    if cost is None or not cost.bills:
        out += ["*(nothing to price)*", ""]
    else:
        head, rows = bill._component_rows(cost)
        out += [f"- {h}" for h in bill.headline(cost)] + ["", _md_table(head, rows), ""]
    return out


def to_markdown(design: Design, est, scale, review, canvas: str | None = CANVAS, availability=None,
                cost=None) -> str:
    """The whole document. `canvas` is the image path the Markdown points at (None: no image)."""
    from tradeoff.render.estimate import to_markdown as estimate_md

    title = design.title or design.name
    summary, drafted = _summary(design, est, scale)
    md: list[str] = [f"# {title}: design document", "", f"> {summary}", ""]
    if drafted:
        md += [DRAFTED, ""]
    req = design.requirements
    md += ["## 1. Requirements", ""]
    md += (_element(req) if req else ["*(no requirements section)*"]) + [""]
    md += ["## 2. The numbers", ""]
    md += [_demote(estimate_md(est), 1).split("\n", 1)[1].strip() if est else "*(no estimates)*", ""]
    md += ["## 3. High-level design", ""]
    if canvas:
        md += [f"![The canvas: read and write paths, decisions, failure zones]({canvas})", ""]
    if design.components:
        md += ["| component | kind | technology | replicas | responsibility |", "|---|---|---|---:|---|"]
        md += [f"| {c.label} | {c.kind.value} | {_value(c.technology)} | {c.replicas} | {_value(c.responsibility)} |"
               for c in design.components]
        md.append("")
    md += _flows(design) + [""]
    md += ["## 4. Decisions", ""]
    for d in design.decisions:
        md += _decision(d)
    if not design.decisions:
        md += ["*(no decisions recorded)*", ""]
    md += ["## 5. Deep dives", ""]
    dd = design.deep_dives
    if dd is not None:
        for name in type(dd).model_fields:
            topic = getattr(dd, name)
            if topic is None:
                continue
            md += [f"### {_title(name)}", ""] + _any(topic) + [""]
    else:
        md += ["*(no deep dives)*", ""]
    md += ["## 6. Scalability: what changes at 10x and 100x", ""]
    lines, drafted_ev = _scalability(design, scale)
    if drafted_ev:
        md += [DRAFTED, ""]
    md += lines + [""]
    md += ["## 7. Availability and cost", ""] + _availability_and_cost(availability, cost)
    md += ["## 8. Wrap-up", ""]
    wu = design.wrap_up
    if wu is None:
        md += [DRAFTED, "", f"- **Summary**: {summary}", ""] + _drafted_wrap_up(design, scale)
    else:
        if wu.deferred:
            md += ["### Deferred work", ""]
            md += [f"- Kept {_value(x.kept_simple)} simple" + (f"; in production, {_value(x.in_production)}"
                                                               if x.in_production else "") for x in wu.deferred]
            md.append("")
        if wu.v1 or wu.v2:
            md += ["### v1 and v2", ""] + [f"- v1: {_value(x)}" for x in wu.v1] + [f"- v2: {_value(x)}" for x in wu.v2]
            md.append("")
        if wu.operational_investments:
            md += ["### Operational investments", ""] + [f"- {_value(x)}" for x in wu.operational_investments] + [""]
        if wu.tech_debt:
            md += ["### Tech debt and migration paths", ""]
            md += [f"- {_value(t.debt)}" + (f"; migration: {_value(t.migration)}" if t.migration else "")
                   for t in wu.tech_debt]
            md.append("")
    if design.changes:
        md += ["## 9. Constraint changes", ""]
        for ch in design.changes:
            md += [f"### {ch.id}: {_value(ch.constraint)}", ""] + _element(ch, skip=("id", "constraint")) + [""]
    findings = [f for f in (review.findings if review else []) if str(getattr(f.severity, "value", f.severity))
                in ("error", "warning")]
    md += ["## Open findings", ""]
    if findings:
        md += ["| code | severity | where | finding |", "|---|---|---|---|"]
        md += [f"| {f.code} | {getattr(f.severity, 'value', f.severity)} | {f.element or ''} | "
               f"{_value(f.message).replace('|', '/')} |" for f in findings]
    else:
        md.append("No errors or warnings from the review.")
    md.append("")
    return "\n".join(md)


def to_html(markdown: str, title: str, canvas_svg: str | None) -> str:
    """The Markdown as a standalone HTML page (CommonMark + tables), the canvas inlined."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown)
    if canvas_svg is not None:
        uri = "data:image/svg+xml;base64," + base64.b64encode(canvas_svg.encode()).decode()
        body = body.replace(f'src="{CANVAS}"', f'src="{uri}"')
    from html import escape

    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>\n"
            "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;"
            "color:#1e1e1e}\nimg{max-width:100%;border:1px solid #ddd}\ntable{border-collapse:collapse;"
            "margin:1rem 0}\nth,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}\n"
            "blockquote{border-left:4px solid #a5d8ff;margin:0;padding:.25rem 1rem;background:#f1f8ff}\n"
            "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n")


def write_doc(design: Design, formats: list[str], table=None, est=None, scale=None, review=None,
              canvas_svg: str | None = None, availability=None, cost=None) -> dict[str, str]:
    """File name -> content: design.md (with canvas.svg beside it) and/or design.html. The
    analyses run here when the caller has not made them already."""
    from tradeoff.capacity.model import build
    from tradeoff.capacity.scale import sweep
    from tradeoff.estimate.engine import estimate
    from tradeoff.review import review as run_review

    est = est or estimate(design, table=table)
    scale = scale or sweep(build(design, est, table))
    review = review or run_review(design, table=table, est=est, scale=scale)
    if canvas_svg is None:
        from tradeoff.render.draw import draw

        canvas_svg = draw(design, ["svg"], est=est, findings=review.findings, scale=scale).outputs["svg"]
    if availability is None:
        from tradeoff.availability import analyse

        availability = analyse(design)
    if cost is None:
        from tradeoff.cost import bills

        cost = bills(design, model=scale.model)
    md = to_markdown(design, est, scale, review, availability=availability, cost=cost)
    out: dict[str, str] = {}
    if "md" in formats:
        out["design.md"] = md
        out[CANVAS] = canvas_svg
    if "html" in formats:
        out["design.html"] = to_html(md, f"{design.title or design.name}: design document", canvas_svg)
    return out

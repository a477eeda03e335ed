"""Recording a traced change into the design's `changes` section, and diffing two revisions.

Recording adds text and changes none: the new item goes after the last item of a block-style
`changes:` list (or a new `changes:` section goes at the end of the file), so every line the
user wrote, comments included, stays as it was. The new text is checked by loading the whole
file before it replaces the old one, and the replacement is atomic.

Revisions are cumulative: revision 0 is the design as written, revision k the design with its
first k recorded changes applied (their `set` edits, in order). Diffing two revisions traces
the impact of going from one to the other.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from tradeoff.errors import UsageError
from tradeoff.model.design import Design
from tradeoff.whatif.apply import Edit
from tradeoff.whatif.trace import Impact

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_ITEM = re.compile(r"^(\s*)-\s")


def change_item(change_id: str, constraint: str, impact: Impact) -> dict:
    """The recorded revision: what was asked, the edits, and the traced impact in words."""
    moved = ", ".join(f"{n.label or n.key} x{n.ratio:.3g}" for n in impact.numbers[:5] if n.ratio) or "no estimate"
    first = (f"{impact.first_before.what} at {impact.first_before.multiplier:.3g}x" if impact.first_before
             else "nothing")
    after = (f"{impact.first_after.what} at {impact.first_after.multiplier:.3g}x" if impact.first_after
             else "nothing")
    item: dict = {"id": change_id, "constraint": constraint}
    plain = [e for e in impact.edits if not e.append]
    if plain:
        item["set"] = {e.path: e.value for e in plain}
    item["impact"] = (f"Traced by tradeoff whatif: {len(impact.numbers)} number(s) move ({moved}); "
                      f"{len(impact.affected)} component(s) affected; breaks first: {first} -> {after}; "
                      f"{len(impact.findings_new)} finding(s) appear, {len(impact.findings_gone)} go away.")
    item["affected"] = impact.affected
    item["unaffected"] = impact.unaffected
    return item


def _insertion(text: str) -> tuple[int, str, bool]:
    """(offset to insert at, indent of a list item, whether a `changes:` key must be written)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if re.match(r"^changes\s*:", ln)), None)
    if start is None:
        return len(text), "  ", True
    head = lines[start].split(":", 1)[1].split("#", 1)[0].strip()
    if head not in ("",):
        raise UsageError("the design's changes section is written inline (changes: [...])",
                         "write it as a block list (one '- id: ...' item per change) so a revision can be added")
    end, indent = len(lines), None
    for i in range(start + 1, len(lines)):
        ln = lines[i]
        if ln.strip() == "" or ln.lstrip().startswith("#"):
            continue
        if _TOP_KEY.match(ln):
            end = i
            break
        m = _ITEM.match(ln)
        if m and indent is None:
            indent = m.group(1)
    # insert after the last non-blank line of the section, before trailing blanks and comments
    last = end
    while last > start + 1 and (lines[last - 1].strip() == "" or lines[last - 1].lstrip().startswith("#")):
        last -= 1
    return sum(len(ln) for ln in lines[:last]), indent if indent is not None else "  ", False


def record(path: Path, item: dict) -> None:
    """Adds `item` to the design file's changes section, refusing an id already recorded and the
    bundled examples (tradeoff never writes into them)."""
    from tradeoff.examples import is_bundled
    from tradeoff.io.load import load_design_text

    if is_bundled(path):
        raise UsageError("--record writes into the design file; the bundled examples are read-only",
                         "copy it first: tradeoff new or cp, then record into your copy")
    text = path.read_text(encoding="utf-8-sig")
    design = load_design_text(text, str(path))
    if any(c.id == item["id"] for c in design.changes):
        raise UsageError(f"--record {item['id']}: the design already records a change with that id",
                         "choose another id")
    offset, indent, new_section = _insertion(text)
    body = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    block = "".join(indent + ln if ln.strip() else ln for ln in body.splitlines(keepends=True))
    sep = "" if offset == 0 or text[offset - 1] == "\n" else "\n"
    addition = sep + ("\nchanges:\n" if new_section else "") + block
    new_text = text[:offset] + addition + text[offset:]
    load_design_text(new_text, str(path))  # the result must load, or nothing is written
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(new_text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def revision(design: Design, name: str) -> list[Edit]:
    """The cumulative edits of revision `name`: "0" or "base" is the design as written; a recorded
    change's id is the design with every change up to and including it."""
    if name in ("0", "base"):
        return []
    ids = [c.id for c in design.changes]
    if name not in ids:
        raise UsageError(f"no revision {name!r}", "revisions: base, " + ", ".join(ids) if ids else "base")
    k = ids.index(name) + 1
    return [Edit(p, v) for c in design.changes[:k] for p, v in c.set.items()]


def diff(path: Path, a: str, b: str, table=None) -> Impact:
    """The impact of going from revision `a` to revision `b`."""
    from tradeoff.io.load import load_design
    from tradeoff.whatif.apply import apply
    from tradeoff.whatif.trace import trace

    design = load_design(path)
    ea, eb = revision(design, a), revision(design, b)
    before = apply(path, ea)[1] if ea else design
    after = apply(path, eb)[1] if eb else design
    shared = len(ea) if eb[: len(ea)] == ea else 0
    return trace(before, after, eb[shared:] if shared else eb, table=table)


def _shown(value) -> str:
    if value is None:
        return "(not set)"
    return yaml.safe_dump(value, default_flow_style=True, width=1 << 16).strip().removesuffix("...").strip()


def revision_of(path: Path, impact: Impact, title: str):
    """The canvas's Revision frame for a traced change: each edited value, old crossed out above
    new, then a replayed change's own `replaced` entries, and the affected set."""
    from tradeoff.io.load import parse_yaml
    from tradeoff.render.canvas import Revision
    from tradeoff.whatif.apply import value_at

    data, _ = parse_yaml(path.read_text(encoding="utf-8-sig"), str(path))
    replaced: list[tuple[str, str]] = []
    for e in impact.edits:
        old = value_at(data, e.path)
        where = e.path.removeprefix("architecture.components.")  # a component's field reads as id.field
        if e.append:
            n = len(old) if isinstance(old, list) else 0
            replaced.append((f"{where}: {n} item(s)", f"{where}: + {_shown(e.value)}"))
        else:
            replaced.append((f"{where}: {_shown(old)}", f"{where}: {_shown(e.value)}"))
    rec = impact.recorded
    if rec is not None:
        replaced += [(r.old + (f" ({r.component})" if r.component else ""), r.new) for r in rec.replaced]
    return Revision(title, replaced, impact.affected, impact.unaffected)

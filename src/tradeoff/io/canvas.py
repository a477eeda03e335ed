"""`tradeoff import`: an Excalidraw canvas read back into a design skeleton.

Two kinds of scene come in. A scene drawn by `tradeoff draw` carries
`customData.tradeoff` on its elements (a component's id and kind on each of its shapes, an
edge's path, flows and ends on each arrow); those are read exactly, whatever the drawing
looks like. A hand-drawn scene is interpreted: a labelled box is a component whose kind is
guessed from its words (knowledge/canvas_words.yaml), arrows are calls joined by binding or
by proximity, flows are the paths from each client, dashed or solid arrows at a queue are
async edges, arrows into an external dependency are external calls, and free text under a
phase heading is kept on that phase. Everything interpreted is said in `notes`; everything
that could not be is said in `problems`; the result is a dict the loader accepts.

Old scenes (version 1, excalidraw.com 2020-2022) are read too: no frames, `boundElementIds`
instead of `boundElements`, labels as free text placed on a shape, arrows not bound.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tradeoff.errors import DesignError, DesignErrors, Position, SchemaError, SyntaxError_
from tradeoff.io.load import load_design_text, parse_model
from tradeoff.knowledge.options import knowledge_base
from tradeoff.model.design import KIND_TIER, CacheLayer, ComponentKind, LBLayer, StorageKind

#: a canvas with embedded images runs to megabytes; past this it is not a drawing
MAX_BYTES = 64 * 1024 * 1024
#: an arrow's end touches a box when it lies within this many canvas pixels of the box's
#: bounding box. Excalidraw binds within 15-30 px (binding.ts, maxBindingDistance_simple);
#: an end the editor did not bind was usually dropped a little further off than that.
NEAR_PX = 40.0
#: free text is an arrow's label when its centre lies this close to the arrow's line
LABEL_NEAR_PX = 40.0
#: free text continues the note of a heading above it when it starts this close below it
NOTE_GAP_PX = 60.0
#: flows built from one canvas; past this the drawing is a mesh, not paths
MAX_FLOWS = 200

SHAPES = ("rectangle", "ellipse", "diamond")
LINEAR = ("arrow", "line")
QUEUES = (ComponentKind.queue, ComponentKind.event_stream)
TIERS = ("client", "edge", "gateway", "service", "async", "data", "external")


@dataclass(frozen=True)
class CanvasImport:
    """A design skeleton read from a canvas, and the account of how it was read."""

    design: dict[str, Any]
    yaml: str
    notes: list[str]
    problems: list[str]


# =======================================================================================
# The word table (knowledge/canvas_words.yaml)
# =======================================================================================

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindWords(_Strict):
    words: list[str] = Field(min_length=1)
    kind: ComponentKind
    technology: str | None = None
    storage: StorageKind | None = None
    layer: LBLayer | None = None
    cache_layer: CacheLayer | None = None
    weak: bool = False
    dead_letter: bool = False


class OptionComponent(_Strict):
    kind: ComponentKind
    storage: StorageKind | None = None
    layer: LBLayer | None = None
    cache_layer: CacheLayer | None = None


Target = Literal[
    "requirements.restatement", "requirements.scope.in_scope", "requirements.scope.out_of_scope",
    "requirements.access_patterns.notes", "requirements.assumptions", "requirements.clarifying_questions",
    "architecture.interesting_challenges", "decisions", "wrap_up.summary", "notes",
]


class Heading(_Strict):
    phase: str
    words: list[str] = Field(min_length=1)
    to: Target
    prose_to: Target | None = Field(None, description="where unbulleted prose under this heading goes instead")


class PathWords(_Strict):
    read: list[str]
    write: list[str]


class CanvasWords(_Strict):
    kinds: list[KindWords]
    options: dict[str, OptionComponent]
    headings: list[Heading]
    paths: PathWords


@lru_cache(maxsize=1)
def canvas_words() -> CanvasWords:
    """The bundled word table, validated (errors point at canvas_words.yaml:line:col)."""
    file = "canvas_words.yaml"
    text = resources.files("tradeoff.knowledge").joinpath(file).read_text(encoding="utf-8")
    return parse_model(CanvasWords, text, file, "see src/tradeoff/io/canvas.py (CanvasWords) for the schema")


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", text)


def _same(token: str, word: str) -> bool:
    return token == word or token == word + "s" or token == word + "es"


def _phrase_at(tokens: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return i + len(phrase) <= len(tokens) and all(_same(tokens[i + k], w) for k, w in enumerate(phrase))


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[tuple[str, ...], int, KindWords], ...]:
    return tuple((tuple(_tokens(w)), i, e) for i, e in enumerate(canvas_words().kinds) for w in e.words if _tokens(w))


@lru_cache(maxsize=1)
def _heading_phrases() -> tuple[tuple[tuple[str, ...], Heading], ...]:
    return tuple((tuple(_tokens(w)), h) for h in canvas_words().headings for w in h.words)


# =======================================================================================
# What a label says a box is
# =======================================================================================

@dataclass(frozen=True)
class _Match:
    entry: KindWords
    order: int  # the entry's place in the table
    line: int
    start: int
    end: int
    paren: bool
    words: str


@dataclass(frozen=True)
class KindGuess:
    """What a box's label says it is, and how that was decided."""

    kind: ComponentKind
    technology: str | None = None
    storage: StorageKind | None = None
    layer: LBLayer | None = None
    cache_layer: CacheLayer | None = None
    dead_letter: bool = False
    how: Literal["words", "knowledge", "guess", "customData"] = "words"
    remarks: tuple[str, ...] = ()

    def fields(self) -> dict[str, str]:
        """The component keys this guess fills, as the design file writes them."""
        out = {"technology": self.technology, "storage": self.storage and self.storage.value,
               "cache_layer": self.cache_layer and self.cache_layer.value, "layer": self.layer and self.layer.value}
        return {k: v for k, v in out.items() if v}

    def details(self) -> list[str]:
        """How it was decided, for the import's notes."""
        out = [f"{k.replace('_', ' ')} {v}" for k, v in self.fields().items()]
        out += {"customData": ["from customData"], "knowledge": ["the knowledge base knows the technology"],
                "guess": ["a guess: no word of the label says what it is"]}.get(self.how, [])
        return out + list(self.remarks)


def _segments(line: str) -> list[tuple[str, bool]]:
    """A line cut into (text, inside parentheses or brackets)."""
    out: list[tuple[str, bool]] = []
    depth, buf = 0, ""
    for ch in line:
        if ch in "([{":
            if buf:
                out.append((buf, depth > 0))
            buf, depth = "", depth + 1
        elif ch in ")]}" and depth:
            if buf:
                out.append((buf, True))
            buf, depth = "", depth - 1
        else:
            buf += ch
    if buf:
        out.append((buf, depth > 0))
    return out


def _matches(label: str) -> list[_Match]:
    found: list[_Match] = []
    lines = [ln for ln in label.splitlines() if _tokens(ln)]
    for li, line in enumerate(lines):
        offset = 0
        for text, paren in _segments(line):
            toks = _tokens(text)
            for i in range(len(toks)):
                for phrase, order, entry in _phrases():
                    if _phrase_at(toks, i, phrase):
                        found.append(_Match(entry, order, li, offset + i, offset + i + len(phrase), paren,
                                            " ".join(toks[i:i + len(phrase)])))
            offset += len(toks)
    return found


def _head(ms: list[_Match]) -> _Match | None:
    """The head word: on the first line that names anything outside parentheses, the match
    that ends rightmost (English puts the head noun last), the longer phrase on a tie."""
    for pool in ([m for m in ms if not m.paren], ms):
        if pool:
            line = min(m.line for m in pool)
            return max((m for m in pool if m.line == line), key=lambda m: (m.end, m.end - m.start, -m.order))
    return None


def _compatible(kind: ComponentKind, other: ComponentKind) -> bool:
    return kind == other or {kind, other} == {ComponentKind.cache, ComponentKind.data_store}


def _technology_in(label: str, technologies: list[str]) -> str | None:
    """The longest of an option's technologies named in the label, matched as
    KnowledgeBase.for_technology matches them (which says which option, not which name)."""
    text = f" {label.lower()} "
    hits = [t for t in technologies if re.search(rf"(?<![a-z0-9]){re.escape(t.lower())}(?![a-z0-9])", text)]
    return max(hits, key=len) if hits else None


def _storage_of(technology: str) -> StorageKind | None:
    for o in knowledge_base().for_technology(technology):
        if o.table == "data_storage":
            return StorageKind(o.id)
    return None


def guess_kind(label: str) -> KindGuess:
    """What a box's label says it is: the word table first, then the knowledge base's
    technologies, else a service (a guess). See canvas_words.yaml for the rules."""
    ms = _matches(label)
    remarks: list[str] = []
    head = _head([m for m in ms if m.entry.kind is ComponentKind.external]) or _head(ms)
    if head is not None and head.entry.weak:
        strong = _head([m for m in ms if not m.entry.weak])
        if strong is not None:
            remarks.append(f"'{strong.words}' outweighs '{head.words}'")
            head = strong
    attrs: dict[str, Any] = {}
    how = "words"
    if head is not None:
        kind = head.entry.kind
        for m in [head] + sorted((m for m in ms if m is not head), key=lambda m: (m.line, m.start)):
            e = m.entry
            if not _compatible(kind, e.kind):
                if e.technology:
                    remarks.append(f"also names {e.technology} ({e.kind.value}), not used for a {kind.value}")
                continue
            if e.technology:
                attrs.setdefault("technology", e.technology)
            if e.storage and kind is ComponentKind.data_store:
                attrs.setdefault("storage", e.storage)
            if e.layer and kind is ComponentKind.load_balancer:
                attrs.setdefault("layer", e.layer)
            if e.cache_layer and kind is ComponentKind.cache:
                attrs.setdefault("cache_layer", e.cache_layer)
            if e.dead_letter and kind is ComponentKind.queue:
                attrs["dead_letter"] = True
    else:
        kind = None  # type: ignore[assignment]
    if "technology" not in attrs:
        mapping = canvas_words().options
        for opt in knowledge_base().for_technology(label):
            comp = mapping.get(opt.id)
            if comp is None or (kind is not None and not _compatible(kind, comp.kind)):
                continue
            tech = _technology_in(label, opt.technologies)
            if tech is None:
                continue
            if kind is None:
                kind, how = comp.kind, "knowledge"
            attrs["technology"] = tech
            if comp.storage and kind is ComponentKind.data_store:
                attrs.setdefault("storage", comp.storage)
            if comp.layer and kind is ComponentKind.load_balancer:
                attrs.setdefault("layer", comp.layer)
            if comp.cache_layer and kind is ComponentKind.cache:
                attrs.setdefault("cache_layer", comp.cache_layer)
            break
    if kind is None:
        return KindGuess(ComponentKind.service, how="guess")
    if kind is ComponentKind.data_store and "storage" not in attrs and attrs.get("technology"):
        storage = _storage_of(attrs["technology"])
        if storage is not None:
            attrs["storage"] = storage
    return KindGuess(kind, how=how, remarks=tuple(remarks), **attrs)  # type: ignore[arg-type]


def _heading_of(line: str) -> tuple[Heading | None, str]:
    """A phase heading at the start of a line ('Requirements', '## Non-functional:',
    'Estimates: 10K QPS'), and what follows it on the line."""
    text = re.sub(r"^[\s#*_>\-]+|[\s*_]+$", "", line)
    text = re.sub(r"^(?:(?:phase|step|part)\s*)?\d+\s*(?:[.):\-]\s*|\s+)", "", text, flags=re.I)
    candidates = [(text, "")]
    if ":" in text:
        left, rest = text.split(":", 1)
        candidates.insert(0, (left, rest.strip()))
    for cand, rest in candidates:
        toks = tuple(_tokens(re.sub(r"\([^)]*\)", " ", cand)))
        if not toks:
            continue
        for phrase, heading in _heading_phrases():
            if len(phrase) == len(toks) and _phrase_at(list(toks), 0, phrase):
                return heading, rest
    return None, ""


_BULLET = re.compile(r"^\s*(?:(?:[-*+\u2022\u00b7\u2013\u2014\u25aa\u25cf>]|\d+[.)])\s+|\[[ xX]?\]\s*)")


def _line(raw: str) -> tuple[str, bool]:
    """A line without its bullet, and whether it had one."""
    text = _BULLET.sub("", raw)
    return text.strip(), text != raw


def _is_prose(lines: list[str]) -> bool:
    """Wrapped sentences rather than a list: it ends a sentence and every line but the last
    runs long (a list of short items that happens to end with a full stop stays a list)."""
    return bool(lines) and lines[-1].endswith((".", "!", "?")) and all(len(ln) >= 30 for ln in lines[:-1])


def _items(lines: list[tuple[str, bool]]) -> list[str]:
    """The items of a note: a bulleted line starts one and the unbulleted lines after it
    continue it (text wrapped to a width); wrapped prose is one item; else one per line."""
    if any(b for _, b in lines):
        items: list[str] = []
        for text, bulleted in lines:
            if bulleted or not items:
                items.append(text)
            else:
                items[-1] += " " + text
        return items
    plain = [t for t, _ in lines]
    return [" ".join(plain)] if _is_prose(plain) else plain


@lru_cache(maxsize=1)
def _path_phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    paths = canvas_words().paths
    return tuple((p, tuple(_tokens(w))) for p, ws in (("read", paths.read), ("write", paths.write)) for w in ws)


def _path_of_words(text: str) -> str | None:
    """read or write when the words say one of them (and not both)."""
    toks = _tokens(text)
    said = {p for p, phrase in _path_phrases() for i in range(len(toks)) if _phrase_at(toks, i, phrase)}
    return said.pop() if len(said) == 1 else None


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", value) is not None


class _Ids:
    """Unique ids in one namespace: the slug, then slug-2, slug-3, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, base: str, fallback: str) -> str:
        base = base or fallback
        if not base[0].isalpha():
            base = f"{fallback}-{base}"
        out, n = base, 2
        while out in self.used:
            out, n = f"{base}-{n}", n + 1
        self.used.add(out)
        return out


# =======================================================================================
# The scene
# =======================================================================================

def _num(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return float(value)


@dataclass(eq=False)
class _El:
    id: str
    type: str
    index: int
    x: float
    y: float
    w: float
    h: float
    raw: dict[str, Any]
    custom: dict[str, Any] | None = None
    frame: str | None = None
    # text
    text: str = ""
    container: str | None = None
    # arrows and lines
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def holds(self, px: float, py: float, pad: float = 0.0) -> bool:
        return self.x - pad <= px <= self.x + self.w + pad and self.y - pad <= py <= self.y + self.h + pad

    def encloses(self, other: "_El") -> bool:
        return (other is not self and self.area > other.area and self.x <= other.x and self.y <= other.y
                and other.x + other.w <= self.x + self.w and other.y + other.h <= self.y + self.h)

    def distance(self, px: float, py: float) -> float:
        dx = max(self.x - px, 0.0, px - (self.x + self.w))
        dy = max(self.y - py, 0.0, py - (self.y + self.h))
        return math.hypot(dx, dy)

    @property
    def at(self) -> str:
        return f"({round(self.x)}, {round(self.y)})"


def _element(raw: dict[str, Any], index: int) -> _El | None:
    eid, etype = raw.get("id"), raw.get("type")
    if not isinstance(eid, str) or not isinstance(etype, str):
        return None
    x, y, w, h = (_num(raw.get(k)) for k in ("x", "y", "width", "height"))
    if w < 0:  # Excalidraw normalises negative sizes the same way (getNormalizedDimensions)
        x, w = x + w, -w
    if h < 0:
        y, h = y + h, -h
    custom = raw.get("customData")
    tradeoff = custom.get("tradeoff") if isinstance(custom, dict) else None
    el = _El(eid, "line" if etype == "draw" else etype, index, x, y, w, h, raw,
             custom=tradeoff if isinstance(tradeoff, dict) else None,
             frame=raw.get("frameId") if isinstance(raw.get("frameId"), str) else None)
    if etype == "text":
        text = raw.get("originalText") or raw.get("text")
        el.text = text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else ""
        el.container = raw.get("containerId") if isinstance(raw.get("containerId"), str) else None
    if el.type in LINEAR:
        pts = [(_num(p[0]), _num(p[1])) for p in raw.get("points") or []
               if isinstance(p, (list, tuple)) and len(p) >= 2
               and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in p[:2])]
        if len(pts) < 2:  # as restore.ts: a line without points runs from (0, 0) to (width, height)
            pts = [(0.0, 0.0), (_num(raw.get("width")), _num(raw.get("height")))]
        el.points = [(_num(raw.get("x")) + px, _num(raw.get("y")) + py) for px, py in pts]
        xs, ys = [p[0] for p in el.points], [p[1] for p in el.points]
        el.x, el.y, el.w, el.h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    return el


def _bound_ids(raw: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for b in raw.get("boundElements") or []:
        if isinstance(b, dict) and isinstance(b.get("id"), str):
            out.append(b["id"])
    for b in raw.get("boundElementIds") or []:  # the name before 2021
        if isinstance(b, str):
            out.append(b)
    return out


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _line_distance(el: _El, px: float, py: float) -> float:
    return min(_segment_distance(px, py, a, b) for a, b in zip(el.points, el.points[1:]))


def _quote(text: str, limit: int = 40) -> str:
    one = " ".join(text.split())
    return f"'{one if len(one) <= limit else one[:limit - 1] + '…'}'"


# =======================================================================================
# Reading: scene -> components, edges, notes
# =======================================================================================

@dataclass(eq=False)
class _Component:
    key: tuple
    shapes: list[_El]
    label: str
    custom: dict[str, Any] | None
    id: str = ""
    guess: KindGuess = field(default_factory=lambda: KindGuess(ComponentKind.service, how="guess"))
    name: str = ""
    holds: str | None = None
    notes: str | None = None

    @property
    def kind(self) -> ComponentKind:
        return self.guess.kind

    @property
    def dead_letter(self) -> bool:
        return self.guess.dead_letter

    @property
    def first(self) -> _El:
        return self.shapes[0]

    def read_caption(self) -> None:
        """The name is the label's first line; the lines after it are notes. On a box drawn by
        `tradeoff draw` they are its caption (technology, holds, replicas, decisions, failure
        zone): the name runs to the first of those, and 'holds ...' is what it holds."""
        lines = [ln.strip() for ln in self.label.splitlines() if ln.strip()]
        if not lines:
            return
        if self.custom is None:
            self.name, rest = lines[0], lines[1:]
            self.notes = "\n".join(rest) or None
            return
        tech = self.guess.technology or ""

        def marker(line: str) -> bool:
            return bool((tech and tech.startswith(line)) or line.startswith(("holds ", "decided in ", "! "))
                        or re.match(r"^x\d+(?: \u00b7 |$)", line))

        end = next((i for i in range(1, len(lines)) if marker(lines[i])), len(lines))
        self.name = " ".join(lines[:end])
        start = next((i for i in range(end, len(lines)) if lines[i].startswith("holds ")), None)
        if start is not None:
            stop = next((i for i in range(start + 1, len(lines)) if marker(lines[i])), len(lines))
            self.holds = " ".join(lines[start:stop]).removeprefix("holds ")


@dataclass(eq=False)
class _Edge:
    el: _El
    src: _Component
    dst: _Component
    label: str
    dashed: bool
    hint: str | None  # read | write
    strong: bool  # the hint came from customData or a frame (not from label words)
    hint_from: str
    custom: dict[str, Any] | None
    merged: list["_Edge"] = field(default_factory=list)  # the arrows one graph edge stands for

    @property
    def what(self) -> str:
        return f"arrow '{self.src.id}' -> '{self.dst.id}'"


@dataclass
class _Note:
    heading: Heading
    lines: list[tuple[str, bool]]  # each line without its bullet, and whether it had one
    where: str
    y: float
    x: float
    index: int

    @property
    def items(self) -> list[str]:
        return _items(self.lines)

    @property
    def to(self) -> str:
        """Where it goes: prose (no bullets, wrapped sentences) may go elsewhere than a list."""
        prose = not any(b for _, b in self.lines) and _is_prose([t for t, _ in self.lines])
        return self.heading.prose_to if prose and self.heading.prose_to else self.heading.to


class _Reader:
    def __init__(self, scene: dict[str, Any], file: str, name: str) -> None:
        self.scene, self.file, self.name = scene, file, name
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.unplaced: list[tuple[str, list[str]]] = []

    # --- elements ---------------------------------------------------------------------

    def read(self) -> CanvasImport:
        raw_elements = self.scene.get("elements")
        if raw_elements is None:
            raw_elements = []
        version = self.scene.get("version")
        source = self.scene.get("source")
        deleted = 0
        els: list[_El] = []
        for i, raw in enumerate(raw_elements):
            if not isinstance(raw, dict):
                self.problems.append(f"element {i} is not an object: skipped")
                continue
            if raw.get("isDeleted") is True:
                deleted += 1
                continue
            el = _element(raw, i)
            if el is None:
                self.problems.append(f"element {i} has no id or type: skipped")
                continue
            cd = raw.get("customData")
            if isinstance(cd, dict) and "tradeoff" in cd and el.custom is None:
                self.problems.append(f"{el.type} at {el.at}: customData.tradeoff is not an object: ignored")
            els.append(el)
        head = f"scene: Excalidraw {self.scene.get('type')} version {version if version is not None else '?'}"
        if isinstance(source, str) and source:
            head += f" from {source}"
        head += f", {len(els)} elements" + (f" ({deleted} deleted ones skipped)" if deleted else "")
        self.notes.append(head)
        if not els:
            self.problems.append("the scene has no elements: the skeleton is empty")
        self.by_id = {e.id: e for e in els}
        self.frames = [e for e in els if e.type in ("frame", "magicframe")]
        self.shapes = [e for e in els if e.type in SHAPES]
        self.texts = [e for e in els if e.type == "text" and e.text.strip()]
        self.linears = [e for e in els if e.type in LINEAR]
        for e in els:
            if e.type in ("frame", "magicframe", "text", "selection") + SHAPES + LINEAR:
                continue
            what = {"image": "images are not read", "freedraw": "hand-drawn strokes are not read",
                    "embeddable": "embedded pages are not read", "iframe": "embedded pages are not read"}
            self.problems.append(f"{e.type} at {e.at}: {what.get(e.type, 'an element type tradeoff does not read')}")
        self._frames()
        self._labels()
        self._components()
        self._arrows()
        self._free_texts()
        design = self._design()
        return self._finish(design)

    # --- frames -------------------------------------------------------------------------

    def _frames(self) -> None:
        """A frame named like a phase holds that phase's notes; one named with read or write
        holds arrows of that path."""
        self.frame_info: dict[str, tuple[str, Heading | None, str | None]] = {}  # name, phase, path
        for f in self.frames:
            name = f.raw.get("name") if isinstance(f.raw.get("name"), str) else ""
            heading, _ = _heading_of(name) if name else (None, "")
            path = _path_of_words(name) if name and heading is None else None
            self.frame_info[f.id] = (name, heading, path)
            if heading:
                self.notes.append(f"frame '{name}': the text in it is {heading.phase} notes")
            elif path:
                self.notes.append(f"frame '{name}': arrows in it are on the {path} path")
        for e in self.shapes + self.texts + self.linears:
            if e.frame not in self.frame_info:  # no frameId (old scenes) or a stale one: where it lies
                inside = [f for f in self.frames if f.holds(e.cx, e.cy)]
                e.frame = min(inside, key=lambda f: (f.area, f.index)).id if inside else None

    def _frame_name(self, e: _El) -> str:
        return self.frame_info[e.frame][0] if e.frame else ""

    def _frame_heading(self, e: _El) -> Heading | None:
        return self.frame_info[e.frame][1] if e.frame else None

    def _frame_path(self, e: _El) -> str | None:
        return self.frame_info[e.frame][2] if e.frame else None

    # --- labels -------------------------------------------------------------------------

    def _labels(self) -> None:
        """Bound text goes to its container; free text whose centre lies on a box labels it."""
        self.shape_texts: dict[str, list[_El]] = {s.id: [] for s in self.shapes}
        self.arrow_texts: dict[str, list[_El]] = {a.id: [] for a in self.linears}
        bound_by: dict[str, str] = {}
        for c in self.shapes + self.linears:
            for b in _bound_ids(c.raw):
                bound_by.setdefault(b, c.id)
        self.free: list[_El] = []
        for t in self.texts:
            container = t.container if t.container in self.by_id else bound_by.get(t.id)
            if container in self.shape_texts:
                self.shape_texts[container].append(t)
            elif container in self.arrow_texts:
                self.arrow_texts[container].append(t)
            else:
                self.free.append(t)
        rest = []
        for t in self.free:
            on = [s for s in self.shapes if s.holds(t.cx, t.cy)]
            if on:
                self.shape_texts[min(on, key=lambda s: (s.area, s.index)).id].append(t)
            else:
                rest.append(t)
        self.free = rest
        self.label: dict[str, str] = {}
        for sid, texts in self.shape_texts.items():
            bound = [t for t in texts if t.container == sid or bound_by.get(t.id) == sid]
            loose = sorted((t for t in texts if t not in bound), key=lambda t: (t.y, t.x, t.index))
            self.label[sid] = "\n".join(t.text.strip() for t in bound + loose if t.text.strip())

    # --- components ---------------------------------------------------------------------

    def _components(self) -> None:
        self.comp_of: dict[str, _Component] = {}  # shape id -> component
        self.note_shapes: list[tuple[_El, Heading | None]] = []
        labelled = [s for s in self.shapes if self.label[s.id] or (s.custom and s.custom.get("component"))]
        groups: dict[tuple, _Component] = {}
        seen_in_frame: dict[tuple, int] = {}
        for s in sorted(self.shapes, key=lambda s: (s.y, s.x, s.index)):
            label = self.label[s.id]
            custom = s.custom if s.custom and s.custom.get("component") is not None else None
            if custom is None:
                heading, _ = _heading_of(label.splitlines()[0]) if label else (None, "")
                if label and (heading or self._frame_heading(s)):
                    self.note_shapes.append((s, heading or self._frame_heading(s)))
                    continue
                inner = [o for o in labelled if s.encloses(o)]
                if inner:
                    what = f"{s.type} {_quote(label)}" if label else f"{s.type} at {s.at}"
                    self.notes.append(f"{what} encloses {len(inner)} other labelled shape(s): read as a boundary, "
                                      "not a component")
                    continue
                if not label:
                    if self._frame_heading(s):
                        continue
                    self.problems.append(f"{s.type} at {s.at} has no label: not a component")
                    continue
                norm = " ".join(_tokens(label)) or label
                k = seen_in_frame.get((norm, s.frame), 0)
                seen_in_frame[(norm, s.frame)] = k + 1
                key: tuple = ("label", norm, k)
            else:
                cid = custom.get("component")
                key = ("custom", cid if isinstance(cid, str) else json.dumps(cid))
            comp = groups.get(key)
            if comp is None:
                comp = groups[key] = _Component(key, [], label, custom)
            comp.shapes.append(s)
            if not comp.label and label:
                comp.label = label
            self.comp_of[s.id] = comp
        for comp in groups.values():
            self._kind(comp)
            comp.read_caption()
        order = sorted(groups.values(), key=lambda c: (TIERS.index(KIND_TIER[c.kind]), c.first.y, c.first.x,
                                                        c.first.index))
        ids = _Ids()
        for comp in order:  # customData ids first: they must stay as drawn
            cid = comp.custom.get("component") if comp.custom else None
            if _valid_id(cid) and cid not in ids.used:
                comp.id = ids.take(cid, "component")
        for comp in order:
            if not comp.id:
                cid = comp.custom.get("component") if comp.custom else None
                if comp.custom is not None:
                    self.problems.append(f"{comp.first.type} at {comp.first.at}: customData component {cid!r} "
                                         "is not a usable id; the label's slug is used")
                first_line = comp.label.splitlines()[0] if comp.label else ""
                comp.id = ids.take(_slug(re.sub(r"\([^)]*\)", " ", first_line)) or _slug(first_line),
                                   comp.kind.value.replace("_", "-"))
        self.components = order
        for comp in order:
            self._say_component(comp)

    def _kind(self, comp: _Component) -> None:
        """customData says what a shape is when it says it; else its label's words."""
        custom = comp.custom or {}
        where = f"{comp.first.type} at {comp.first.at}"
        try:
            kind = ComponentKind(custom["kind"]) if custom.get("kind") is not None else None
        except (ValueError, TypeError):
            self.problems.append(f"{where}: customData kind {custom['kind']!r} is not a component kind; "
                                 "guessed from the label instead")
            kind = None
        if kind is None:
            comp.guess = guess_kind(comp.label) if comp.label else KindGuess(ComponentKind.service, how="guess")
            return
        fields: dict[str, Any] = {}
        if isinstance(custom.get("technology"), str) and custom["technology"]:
            fields["technology"] = custom["technology"]
        for key, enum in (("storage", StorageKind), ("layer", LBLayer), ("cache_layer", CacheLayer)):
            if custom.get(key) is None:
                continue
            try:
                fields[key] = enum(custom[key])
            except (ValueError, TypeError):
                self.problems.append(f"{where}: customData {key} {custom[key]!r} is not one of "
                                     + ", ".join(m.value for m in enum) + ": left out")
        dead = kind is ComponentKind.queue and any(
            _same(t, w) for t in _tokens(f"{comp.label} {custom.get('component')}") for w in ("dlq", "dead"))
        comp.guess = KindGuess(kind, dead_letter=dead, how="customData", **fields)

    def _say_component(self, comp: _Component) -> None:
        details = comp.guess.details()
        label = _quote(comp.name) if comp.name else f"at {comp.first.at}"
        text = f"{comp.first.type} {label} -> {comp.kind.value}" + (f" ({'; '.join(details)})" if details else "")
        if comp.id != _slug(comp.name):
            text += f", id '{comp.id}'"
        self.notes.append(text)
        if len(comp.shapes) > 1:
            frames = sorted({f"frame '{self._frame_name(s)}'" if s.frame else "outside frames" for s in comp.shapes})
            self.notes.append(f"{label} is drawn {len(comp.shapes)} times ({', '.join(frames)}): "
                              f"one component '{comp.id}'")
        if comp.key[0] == "label" and comp.key[2] > 0:
            self.notes.append(f"{label} is drawn again in the same frame: a second component '{comp.id}'")

    # --- arrows -------------------------------------------------------------------------

    def _end(self, a: _El, which: str) -> tuple[_Component | None, str]:
        """The component an arrow's end touches: its binding, else the box its end lies in or
        near. The second value says how, or why none."""
        binding = a.raw.get(f"{which}Binding")
        target = binding.get("elementId") if isinstance(binding, dict) else None
        if isinstance(target, str) and target in self.by_id:
            el = self.by_id[target]
            if el.type == "text":  # bound to a label: the box it labels
                el = next((self.by_id[sid] for sid, ts in self.shape_texts.items() if any(t is el for t in ts)), el)
            if el.id in self.comp_of:
                return self.comp_of[el.id], "bound"
            if el.type in SHAPES:
                what = _quote(self.label[el.id]) if self.label.get(el.id) else f"at {el.at}"
                return None, f"is bound to {el.type} {what}, which is not a component"
        px, py = a.points[0] if which == "start" else a.points[-1]
        boxes = [s for s in self.shapes if s.id in self.comp_of]
        inside = [s for s in boxes if s.holds(px, py)]
        if inside:
            return self.comp_of[min(inside, key=lambda s: (s.area, s.index)).id], "near"
        near = sorted((s.distance(px, py), s.area, s.index, s) for s in boxes if s.distance(px, py) <= NEAR_PX)
        if near:
            return self.comp_of[near[0][3].id], "near"
        return None, f"reaches no box (none within {NEAR_PX:g} px)"

    def _arrows(self) -> None:
        self.edges: list[_Edge] = []
        comps = {c.id: c for c in self.components}
        near_used = False
        for a in self.linears:
            custom = a.custom
            ends: list[tuple[_Component | None, str]] = []
            for which, key in (("start", "from"), ("end", "to")):
                cid = custom.get(key) if custom else None
                ends.append((comps[cid], "customData") if isinstance(cid, str) and cid in comps else self._end(a, which))
            (src, how_s), (dst, how_e) = ends
            # restore.ts: an arrow without endArrowhead has one; a line has none unless drawn
            heads = (a.raw.get("startArrowhead"), a.raw.get("endArrowhead", "arrow" if a.type == "arrow" else None))
            if a.type == "line":
                if src is None or dst is None or src is dst:
                    self.notes.append(f"line at {a.at} joins no two boxes: read as decoration")
                    continue
                self.notes.append(f"line at {a.at} ('{src.id}' - '{dst.id}') read as an arrow "
                                  + ("in the direction it was drawn (it has no arrowhead)" if not any(heads) else
                                     "(it has an arrowhead)"))
            if heads[0] and not heads[1] and "customData" not in (how_s, how_e):
                src, dst, how_s, how_e = dst, src, how_e, how_s  # the head is at the start: it points back
            label = "\n".join(t.text.strip() for t in self.arrow_texts.get(a.id, []) if t.text.strip())
            where = f"{a.type} at {a.at}" + (f" ({_quote(label)})" if label else "")
            if src is None and dst is None:
                self.problems.append(f"{where} touches no component: its start {how_s}, its end {how_e}")
                continue
            if dst is None:
                self.problems.append(f"{where} from '{src.id}' has a loose end: it {how_e}")  # type: ignore[union-attr]
                continue
            if src is None:
                self.problems.append(f"{where} to '{dst.id}' has a loose start: it {how_s}")
                continue
            if src is dst:
                self.problems.append(f"{where} starts and ends at '{src.id}': left out")
                continue
            near_used = near_used or "near" in (how_s, how_e)
            dashed = a.raw.get("strokeStyle") in ("dashed", "dotted") or (custom or {}).get("path") == "async"
            self.edges.append(_Edge(a, src, dst, label, dashed, None, False, "", custom))
        if near_used:
            self.notes.append(f"arrows not bound to a box were joined to the box their end lies in or within "
                              f"{NEAR_PX:g} px of")

    def _hint(self, e: _Edge) -> None:
        path = (e.custom or {}).get("path")
        if path in ("read", "write"):
            e.hint, e.strong, e.hint_from = path, True, "customData"
            return
        role = self._frame_path(e.el)
        if role:
            e.hint, e.strong, e.hint_from = role, True, f"frame '{self._frame_name(e.el)}'"
            return
        said = _path_of_words(e.label) if e.label else None
        if said:
            e.hint, e.hint_from = said, f"label {_quote(e.label)}"

    # --- free text ------------------------------------------------------------------------

    def _free_texts(self) -> None:
        """Text that labels no box: a phase's notes (headed, just below a heading, or in a
        phase's frame), else an arrow's label when it sits on an arrow, else a problem."""
        self.phase_notes: list[_Note] = []
        for s, heading in self.note_shapes:
            self._note(self.label[s.id], heading, f"{s.type} {_quote(self.label[s.id].splitlines()[0])}", s)
        anchors: list[list[Any]] = []  # [heading, left, right, bottom] of each heading text
        for t in sorted(self.free, key=lambda t: (t.y, t.x, t.index)):
            first = t.text.strip().splitlines()[0]
            where = f"text {_quote(first)}" + (f" in frame '{self._frame_name(t)}'" if t.frame else "")
            heading, _ = _heading_of(first)
            if heading:
                self._note(t.text, None, where, t)
                anchors.append([self._last_heading(t.text) or heading, t.x, t.x + t.w, t.y + t.h])
                continue
            below = [an for an in anchors if an[1] - NEAR_PX <= t.x <= an[2] + NEAR_PX and -5 <= t.y - an[3] <= NOTE_GAP_PX]
            if below:
                an = min(below, key=lambda an: t.y - an[3])
                self._note(t.text, an[0], f"{where} (under the heading for {an[0].phase})", t)
                an[3] = max(an[3], t.y + t.h)
                continue
            if self._frame_heading(t):
                self._note(t.text, self._frame_heading(t), where, t)
                continue
            near = sorted((_line_distance(a, t.cx, t.cy), a.index, a) for a in self.linears
                          if _line_distance(a, t.cx, t.cy) <= max(LABEL_NEAR_PX, t.h))
            if near:
                arrow = near[0][2]
                self.arrow_texts[arrow.id].append(t)
                for e in self.edges:
                    if e.el is arrow:
                        e.label = "\n".join(x for x in (e.label, t.text.strip()) if x)
                continue
            lines = [ln for ln in t.text.splitlines() if ln.strip()]
            if all("->" in ln or "\u2192" in ln for ln in _items([_line(ln) for ln in lines])):
                self.notes.append(f"{where} narrates paths ({len(lines)} lines): not read, the arrows are the flows")
                continue
            self.problems.append(f"text {_quote(t.text)} at {t.at} is neither a box's label, an arrow's label "
                                 "nor under a phase heading: not read")
        for e in self.edges:
            self._hint(e)

    @staticmethod
    def _last_heading(text: str) -> Heading | None:
        last = None
        for line in text.splitlines():
            h, _ = _heading_of(line)
            last = h or last
        return last

    def _note(self, text: str, heading: Heading | None, where: str, el: _El) -> None:
        """A text's lines, cut where a line is a heading, as notes of those phases."""
        current, lines = heading, []
        for raw in text.splitlines():
            h, rest = _heading_of(raw)
            if h is not None:
                if current is not None and lines:
                    self.phase_notes.append(_Note(current, lines, where, el.y, el.x, el.index))
                current, lines = h, ([(rest, False)] if rest else [])
                continue
            line = _line(raw)
            if line[0]:
                lines.append(line)
        if current is not None and lines:
            self.phase_notes.append(_Note(current, lines, where, el.y, el.x, el.index))

    # --- the design -----------------------------------------------------------------------

    def _design(self) -> dict[str, Any]:
        self.flow_ids = _Ids()
        arch: dict[str, Any] = {"components": [self._component_dict(c) for c in self.components]}
        self.use_cases: list[str] = []
        reads, writes, asyncs, calls = self._exact()
        r2, w2, a2, c2 = self._guessed()
        for key, items in (("read_paths", reads + r2), ("write_paths", writes + w2), ("async_edges", asyncs + a2),
                           ("external_calls", calls + c2)):
            if items:
                arch[key] = items
        design: dict[str, Any] = {"name": self.name}
        req = self._requirements()
        if req:
            design["requirements"] = req
        design["architecture"] = arch
        self._place_notes(design)
        return design

    @staticmethod
    def _component_dict(c: _Component) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "kind": c.kind.value, **({"name": c.name} if c.name else {}),
                               **c.guess.fields()}
        for key in ("holds", "notes"):
            if getattr(c, key):
                out[key] = getattr(c, key)
        return out

    def _use_case(self, edges: list[_Edge]) -> str | None:
        sets = []
        for e in edges:
            ucs = (e.custom or {}).get("use_cases")
            sets.append({u for u in ucs if _valid_id(u)} if isinstance(ucs, list) else set())
        common = set.intersection(*sets) if sets else set()
        if len(common) != 1:
            return None
        uc = common.pop()
        if uc not in self.use_cases:
            self.use_cases.append(uc)
        return uc

    @staticmethod
    def _hops(chain: list[_Edge], captions: bool = True) -> list[Any]:
        """The components of a path; an arrow's label is the note of the hop it leads to."""
        hops: list[Any] = [chain[0].src.id]
        for e in chain:
            note = " ".join(e.label.split()) if captions else ""
            hops.append({"component": e.dst.id, "note": note} if note else e.dst.id)
        return hops

    # customData: the exact flows of a scene drawn by `tradeoff draw`

    def _exact(self) -> tuple[list, list, list, list]:
        groups: dict[str, dict[str, list[_Edge]]] = {}  # flow id -> path -> its arrows
        self.exact_edges: set[int] = set()
        for e in self.edges:
            c = e.custom or {}
            flows = [f for f in c.get("flows") or [] if isinstance(f, str) and f] if isinstance(c.get("flows"), list) else []
            if c.get("path") not in ("read", "write", "async", "dead_letter", "external") or not flows:
                continue  # read the hand-drawn way (a customData path still says read or write)
            self.exact_edges.add(id(e))
            for f in flows:
                groups.setdefault(f, {}).setdefault(c["path"], []).append(e)
        paths: dict[str, str] = {}
        for f, by_path in groups.items():
            # draw merges the arrows of one pair of boxes: an async edge's leg may carry a write
            # flow's path too, so an id with async arrows is an async edge
            rw = [p for p in by_path if p in ("read", "write")]
            if "async" in by_path or "dead_letter" in by_path:
                paths[f] = "async"
            elif rw:
                if len(rw) > 1:
                    self.problems.append(f"flow {f}: its arrows say both read and write; read as {rw[0]}")
                paths[f] = rw[0]
            else:
                paths[f] = next(iter(by_path))
        for f, p in paths.items():  # the drawn ids come first: generated ones must not take them
            if p in ("read", "write") and _valid_id(f):
                self.flow_ids.used.add(f)
        rw_flows = {f for f, p in paths.items() if p in ("read", "write")}
        flows_out: dict[str, list[dict]] = {"read": [], "write": []}
        for f in (f for f in groups if f in rw_flows):
            edges = groups[f][paths[f]]
            fid = f if _valid_id(f) else self.flow_ids.take(_slug(f), paths[f])
            if fid != f:
                self.problems.append(f"customData flow id {f!r} is not a usable id: '{fid}' instead")
            flow: dict[str, Any] = {"id": fid}
            uc = self._use_case(edges)
            if uc:
                flow["use_case"] = uc
            flow["hops"] = self._hops(self._chain(f, edges), captions=False)
            flows_out[paths[f]].append(flow)
            self.notes.append(f"flow {fid} ({paths[f]}, from customData): " + " -> ".join(
                h if isinstance(h, str) else h["component"] for h in flow["hops"]))
        exact = [e for e in self.edges if id(e) in self.exact_edges]
        named = {f: [e for es in by_path.values() for e in es] for f, by_path in groups.items() if paths[f] == "async"}
        asyncs = self._async([e for e in exact if e.custom.get("path") in ("async", "dead_letter")], named)
        if exact and any(e.label for e in exact):
            self.notes.append("labels on arrows that carry customData are the drawing's captions: not read back")
        calls = []
        for e in (e for e in exact if e.custom.get("path") == "external"):
            ids = [f for f in e.custom["flows"] if isinstance(f, str) and f and f not in rw_flows]
            call = self._call(e, ids[0] if len(ids) == 1 else None)
            if call:
                calls.append(call)
        return flows_out["read"], flows_out["write"], asyncs, calls

    def _chain(self, flow: str, edges: list[_Edge]) -> list[_Edge]:
        """The hops of one flow in order: start at the arrow whose 'from' is no other arrow's
        'to', then follow 'to' -> 'from'."""
        unique: list[_Edge] = []
        for e in edges:  # a flow drawn twice (two frames) is one flow
            if not any(u.src is e.src and u.dst is e.dst for u in unique):
                unique.append(e)
        tos = {e.dst.id for e in unique}
        starts = [e for e in unique if e.src.id not in tos]
        if len(starts) != 1:
            self.problems.append(f"flow {flow}: {'no' if not starts else len(starts)} arrows start it (an arrow whose "
                                 "'from' is no other arrow's 'to'); read from its first arrow")
        chain = [starts[0] if starts else unique[0]]
        left = [e for e in unique if e is not chain[0]]
        while left:
            nxt = next((e for e in left if e.src is chain[-1].dst), None)
            if nxt is None:
                break
            chain.append(nxt)
            left.remove(nxt)
        for e in left:
            self.problems.append(f"flow {flow}: {e.what} does not continue the path "
                                 f"{' -> '.join([chain[0].src.id] + [c.dst.id for c in chain])}: left out")
        return chain

    def _call(self, e: _Edge, fid: str | None) -> dict[str, Any] | None:
        if e.dst.kind is not ComponentKind.external:
            self.problems.append(f"{e.what} is marked external but '{e.dst.id}' is a {e.dst.kind.value}: left out")
            return None
        if fid and _valid_id(fid) and fid not in self.flow_ids.used:
            self.flow_ids.used.add(fid)
        else:
            fid = self.flow_ids.take(f"{e.src.id}-calls-{e.dst.id}", "call")
        call: dict[str, Any] = {"id": fid}
        uc = self._use_case([e])
        if uc:
            call["use_case"] = uc
        call.update({"caller": e.src.id, "external": e.dst.id})
        if e.label.strip() and not e.custom:
            call["purpose"] = " ".join(e.label.split())
        if e.dashed:
            call["sync"] = False
        self.notes.append(f"external call {fid}: {e.src.id} -> {e.dst.id}"
                          + (" (dashed: not synchronous)" if e.dashed else ""))
        return call

    def _async(self, legs: list[_Edge], named: dict[str, list[_Edge]]) -> list[dict[str, Any]]:
        """Producer -> queue or stream -> consumers: one async edge per customData flow id the
        arrows carry, else one per producer and queue (with every consumer of the queue)."""
        def into(e: _Edge) -> bool:  # a producer's leg; a queue's arrow to its dead-letter queue is not
            return e.dst.kind in QUEUES and not (e.src.kind in QUEUES and _dead(e))

        for e in legs:
            if e.src.kind not in QUEUES and e.dst.kind not in QUEUES:
                self.problems.append(f"{e.what} is marked async but touches no queue or stream: left out")
        out: list[dict[str, Any]] = []
        used: set[int] = set()
        for fid, es in named.items():
            ins = _unique_by([e for e in es if into(e)], lambda e: (e.src.id, e.dst.id))
            if len(ins) != 1 or not _valid_id(fid) or fid in self.flow_ids.used:
                continue
            outs = [e for e in es if e.src is ins[0].dst]
            edge = self._async_edge(fid, ins[0], outs)
            used |= {id(e) for e in es}
            if edge:
                out.append(edge)
        vias = [c for c in self.components if c.kind in QUEUES]
        for via in vias:
            ins = [e for e in legs if e.dst is via and into(e) and id(e) not in used]
            outs = [e for e in legs if e.src is via]
            fresh = [e for e in outs if id(e) not in used]
            if not ins:
                if fresh:
                    self.problems.append(f"'{via.id}' has consumers ({', '.join(_unique_ids(e.dst.id for e in fresh))}) "
                                         "but no producer arrow into it: no async edge")
                continue
            for prod in _unique_by(ins, lambda e: e.src.id):
                edge = self._async_edge(None, prod, outs)
                if edge:
                    out.append(edge)
        return out

    def _async_edge(self, fid: str | None, prod: _Edge, outs: list[_Edge]) -> dict[str, Any] | None:
        via = prod.dst
        consumers = [e for e in _unique_by(outs, lambda e: e.dst.id) if not _dead(e)]
        dead = [e for e in outs if _dead(e)]
        if not consumers:
            self.problems.append(f"{prod.what}: no arrow leaves '{via.id}' for a consumer, so there is no async "
                                 "edge (it needs one)")
            return None
        if fid is None:
            fid = self.flow_ids.take(f"{prod.src.id}-to-{via.id}", "async")
        else:
            self.flow_ids.used.add(fid)
        edge: dict[str, Any] = {"id": fid}
        uc = self._use_case([prod, *consumers])
        if uc:
            edge["use_case"] = uc
        edge.update({"producer": prod.src.id, "via": via.id, "consumers": [e.dst.id for e in consumers]})
        if prod.label.strip() and not prod.custom:  # on a drawn arrow it is draw's caption (the event, cut)
            edge["event"] = " ".join(prod.label.split())
        if dead:
            edge["dead_letter"] = dead[0].dst.id
        solid = [e for e in [prod, *consumers] if not e.dashed]
        how = ("from customData" if (prod.custom or {}).get("path") == "async" else
               "dashed arrows" if not solid else
               f"{len(solid)} solid arrow(s) at a queue or stream read as async too")
        self.notes.append(f"async edge {fid}: {prod.src.id} -> {via.id} -> {', '.join(edge['consumers'])}"
                          + (f", dead letters to {edge['dead_letter']}" if dead else "") + f" ({how})")
        return edge

    # hand-drawn: flows walked from the clients

    def _guessed(self) -> tuple[list, list, list, list]:
        edges = [e for e in self.edges if id(e) not in self.exact_edges]
        sync: list[_Edge] = []
        legs: list[_Edge] = []
        calls: list[dict] = []
        for e in edges:
            if e.dst.kind is ComponentKind.external:
                call = self._call(e, None)
                if call:
                    calls.append(call)
            elif e.src.kind in QUEUES or e.dst.kind in QUEUES:
                legs.append(e)
            else:
                if e.dashed:
                    self.notes.append(f"dashed {e.what} joins no queue or stream: read as a call on the flow")
                sync.append(e)
        asyncs = self._async(legs, {})
        reads, writes = self._walk(sync)
        return reads, writes, asyncs, calls

    def _walk(self, sync: list[_Edge]) -> tuple[list, list]:
        """One flow per path from a client to a box with no arrow onward, on the read or the
        write path; then from the first box of any arrow no client reaches."""
        comps = self.components
        rank = {c.id: i for i, c in enumerate(comps)}
        found: dict[str, list[list[_Edge]]] = {"read": [], "write": []}
        covered: set[int] = set()
        dropped: set[int] = set()
        roots = [c for c in comps if c.kind is ComponentKind.client]
        done: set[str] = set()
        full = False
        while not full:
            for root in roots:
                if root.id in done:
                    continue
                done.add(root.id)
                if root.kind is not ComponentKind.client:
                    self.notes.append(f"flows start at '{root.id}': " + (
                        "no client's path reaches its arrows" if any(c.kind is ComponentKind.client for c in comps)
                        else "the drawing has no client"))
                for kind in ("read", "write"):
                    graph = self._graph(sync, kind, rank)
                    self._break_cycles(graph, root, dropped)
                    for path in self._paths(graph, root, dropped):
                        if self._decide(path)[0] != kind:
                            continue
                        hops = [(e.src.id, e.dst.id) for e in path]
                        if any(hops == [(e.src.id, e.dst.id) for e in p] for p in found[kind]):
                            continue
                        if len(found["read"]) + len(found["write"]) >= MAX_FLOWS:
                            full = True
                            break
                        found[kind].append(path)
                        covered |= {id(x) for e in path for x in e.merged}
            left = [e for e in sync if id(e) not in covered and id(e) not in dropped]
            sources = [c for c in comps if c.id not in done and any(e.src is c for e in left)]
            targets = {e.dst.id for e in left}
            new = [c for c in sources if c.id not in targets] or sources[:1]
            if not new:
                break
            roots = roots + new
        if full:
            self.problems.append(f"more than {MAX_FLOWS} paths: only the first {MAX_FLOWS} became flows")
        for e in sync:
            if id(e) not in covered and id(e) not in dropped:
                self.problems.append(f"{e.what} is on no flow")
        out: dict[str, list[dict]] = {"read": [], "write": []}
        for kind in ("read", "write"):
            for path in found[kind]:
                root, sink = path[0].src, path[-1].dst
                base = f"{kind}-{sink.id}" if root.kind is ComponentKind.client else f"{kind}-{root.id}-{sink.id}"
                fid = self.flow_ids.take(base, kind)
                out[kind].append({"id": fid, "hops": self._hops(path)})
                self.notes.append(f"flow {fid}: {' -> '.join([root.id] + [e.dst.id for e in path])} "
                                  f"({self._decide(path)[1]})")
        return out["read"], out["write"]

    @staticmethod
    def _graph(sync: list[_Edge], kind: str, rank: dict[str, int]) -> dict[str, list[_Edge]]:
        """The arrows a `kind` path may take, parallel arrows merged (a frame's hint is strong,
        a label's weak; an arrow with no hint is on both paths)."""
        merged: dict[tuple[str, str], _Edge] = {}
        for e in sync:
            if e.strong and e.hint != kind:
                continue
            key = (e.src.id, e.dst.id)
            if key not in merged:
                merged[key] = _Edge(e.el, e.src, e.dst, e.label, e.dashed, e.hint, e.strong, e.hint_from, e.custom,
                                    merged=[e])
            else:
                m = merged[key]
                m.merged.append(e)
                if e.strong and not m.strong or (e.hint and not m.hint):
                    m.hint, m.strong, m.hint_from = e.hint, e.strong, e.hint_from
                if not m.label and e.label:
                    m.label = e.label
        graph: dict[str, list[_Edge]] = {}
        for (src, _), m in merged.items():
            graph.setdefault(src, []).append(m)
        for out in graph.values():
            out.sort(key=lambda m: (rank[m.dst.id], m.el.index))
        return graph

    def _break_cycles(self, graph: dict[str, list[_Edge]], root: _Component, dropped: set[int]) -> None:
        """Depth-first from the root; an arrow back to a box on the current path closes a
        cycle and is left out (and said)."""
        on_path: list[str] = [root.id]
        finished: set[str] = set()
        stack: list[tuple[str, int]] = [(root.id, 0)]
        while stack:
            node, i = stack[-1]
            out = _live(graph, node, dropped)
            if i >= len(out):
                stack.pop()
                on_path.pop()
                finished.add(node)
                continue
            stack[-1] = (node, i + 1)
            m = out[i]
            nxt = m.dst.id
            if nxt in on_path:
                loop = on_path[on_path.index(nxt):] + [nxt]
                for x in m.merged:
                    dropped.add(id(x))
                    self.problems.append(f"{x.what} closes a cycle ({' -> '.join(loop)}): left out of the flows")
            elif nxt not in finished:
                stack.append((nxt, 0))
                on_path.append(nxt)

    @staticmethod
    def _paths(graph: dict[str, list[_Edge]], root: _Component, dropped: set[int]) -> list[list[_Edge]]:
        """Every path from the root to a box with no arrow onward, in drawing order."""
        out: list[list[_Edge]] = []
        stack: list[list[_Edge]] = [[]]
        while stack and len(out) <= MAX_FLOWS:
            path = stack.pop()
            node = path[-1].dst.id if path else root.id
            seen = {root.id} | {e.dst.id for e in path}
            nexts = [m for m in _live(graph, node, dropped) if m.dst.id not in seen]
            if not nexts:
                if path:
                    out.append(path)
                continue
            stack += [path + [m] for m in reversed(nexts)]
        return out

    @staticmethod
    def _decide(path: list[_Edge]) -> tuple[str, str]:
        """Read or write, and why: customData or a frame, else the first label that says,
        else read."""
        for e in path:
            if e.strong:
                return e.hint or "read", f"{e.hint}: {e.hint_from}"
        said = [e for e in path if e.hint]
        if said:
            both = len({e.hint for e in said}) > 1
            return said[0].hint or "read", f"{said[0].hint}: {said[0].hint_from}" + (
                "; other labels on it say otherwise, the first decides" if both else "")
        return "read", "read by default: no customData, frame or label word says read or write"

    # notes on phases

    def _requirements(self) -> dict[str, Any]:
        req: dict[str, Any] = {}
        if self.use_cases:
            req["use_cases"] = [{"id": u, "name": u.replace("-", " ").replace("_", " ")} for u in self.use_cases]
            self.notes.append(f"use cases named by customData: {', '.join(self.use_cases)} (names are the ids; "
                              "write the real ones)")
        return req

    def _place_notes(self, design: dict[str, Any]) -> None:
        notes = sorted(self.phase_notes, key=lambda n: (n.y, n.x, n.index))
        for note in notes:
            to, items = note.to, note.items
            if to == "notes":
                self.unplaced.append((note.heading.phase, items))
                self.notes.append(f"{note.where}: {note.heading.phase} kept here and in the YAML header, the design "
                                  f"has no free-text field for them: " + "; ".join(items))
                continue
            if to == "decisions":  # read together below: a decision's steps may follow its title
                self.notes.append(f"{note.where} -> decisions")
                continue
            n = len(items)
            self.notes.append(f"{note.where} -> {to} ({n} item{'s' if n != 1 else ''})")
            section, *rest = to.split(".")
            node = design.setdefault(section, {})
            for part in rest[:-1]:
                node = node.setdefault(part, {})
            leaf = rest[-1]
            if to in ("requirements.restatement", "requirements.access_patterns.notes", "wrap_up.summary"):
                node[leaf] = "\n".join(([node[leaf]] if leaf in node else []) + items)
            elif to == "requirements.scope.out_of_scope":
                node.setdefault(leaf, []).extend({"item": item} for item in items)
            else:
                node.setdefault(leaf, []).extend(items)
        decisions = self._decisions([n for n in notes if n.to == "decisions"])
        if decisions:
            design["decisions"] = decisions
        order = ["name", "requirements", "architecture", "decisions", "wrap_up"]
        req = design.get("requirements")
        if req:
            keys = ["restatement", "use_cases", "access_patterns", "scope", "assumptions", "clarifying_questions"]
            design["requirements"] = {k: req[k] for k in keys if k in req}
        arch = design["architecture"]
        keys = ["components", "read_paths", "write_paths", "async_edges", "external_calls", "interesting_challenges"]
        design["architecture"] = {k: arch[k] for k in keys if k in arch}
        reordered = {k: design[k] for k in order if k in design}
        design.clear()
        design.update(reordered)

    def _decisions(self, notes: list[_Note]) -> list[dict[str, Any]]:
        """One decision per line, titled by it; lines that say 'chose ...', 'gain ...; give up
        ...' or 'rejected ...' (as `tradeoff draw` writes a decision) fill the one above."""
        found: list[dict[str, Any]] = []
        for note in notes:
            detail: list[str] | None = None
            title_open = False
            for text, bulleted in note.lines:
                numbered = re.match(r"^D\d+\s+(.+)$", text)
                key = next((k for k in _DETAILS if text.startswith(k)), None)
                if key and found and not bulleted:
                    detail = [key, text[len(key):].strip()]
                    found[-1]["details"].append(detail)
                    title_open = False
                elif detail is not None and not bulleted and not numbered:
                    detail[1] += " " + text
                elif title_open and not bulleted and not numbered:
                    found[-1]["title"] += " " + text
                else:
                    detail = None
                    found.append({"title": numbered.group(1) if numbered else text, "details": []})
                    title_open = bool(numbered)
        ids = _Ids()
        comps = {c.id for c in self.components}
        options = {o.id for o in knowledge_base().options}
        out = []
        for d in found:
            item: dict[str, Any] = {"id": ids.take("-".join(_slug(d["title"]).split("-")[:6]), "decision"),
                                    "title": d["title"]}
            for key, value in d["details"]:
                if key == "chose ":  # chose TECHNOLOGY (OPTION) for COMPONENT
                    m = re.match(r"^(?P<what>.*?)(?:\s+for\s+(?P<comp>[A-Za-z][\w.\-]*))?$", value)
                    what, comp = m.group("what"), m.group("comp")  # type: ignore[union-attr]
                    if comp and comp not in comps:
                        self.problems.append(f"decision {_quote(d['title'])}: '{comp}' is no component of the "
                                             "canvas: its choice names no component")
                        comp = None
                    opt = re.match(r"^(?P<tech>.*?)\s*\((?P<opt>[a-z][a-z0-9_]*)\)$", what)
                    choice = {"option": opt.group("opt"), "technology": opt.group("tech") or None} \
                        if opt and opt.group("opt") in options else {"technology": what or None}
                    item["choice"] = {k: v for k, v in {**choice, "component": comp}.items() if v}
                elif key in ("gain ", "give up "):
                    gain, _, give_up = (value if key == "gain " else "; give up " + value).partition("; give up ")
                    tradeoff = {k: v.strip() for k, v in (("gain", gain), ("give_up", give_up)) if v.strip() not in ("", "?")}
                    if tradeoff:
                        item["tradeoff"] = tradeoff
                elif key == "rejected ":
                    item["rejected"] = [{"option": x.strip()} for x in value.split(", ") if x.strip()]
            out.append(item)
        return out

    # --- output ---------------------------------------------------------------------------

    def _finish(self, design: dict[str, Any]) -> CanvasImport:
        text = _render(design, Path(self.file).name, self.unplaced, len(self.problems))
        try:
            load_design_text(text, f"{self.name}.design.yaml")
        except DesignErrors as exc:  # a bug of this module, said rather than hidden
            self.problems.append("the skeleton does not validate (a bug in tradeoff import; please report it): "
                                 + "; ".join(str(e) for e in exc.errors))
        return CanvasImport(design, text, self.notes, self.problems)


def _dead(e: _Edge) -> bool:
    """An arrow from a queue to its dead-letter queue (said by customData, or by the words)."""
    return e.src.kind in QUEUES and e.dst.kind in QUEUES and (
        (e.custom or {}).get("path") == "dead_letter" or e.dst.dead_letter)


#: how `tradeoff draw` writes the steps of a decision under its title
_DETAILS = ("chose ", "gain ", "give up ", "rejected ")


def _live(graph: dict[str, list[_Edge]], node: str, dropped: set[int]) -> list[_Edge]:
    return [m for m in graph.get(node, []) if not any(id(x) in dropped for x in m.merged)]


def _unique_ids(ids: Any) -> list[str]:
    return list(dict.fromkeys(ids))


def _unique_by(items: list[_Edge], key: Any) -> list[_Edge]:
    seen: set = set()
    out = []
    for e in items:
        k = key(e)
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


# =======================================================================================
# YAML
# =======================================================================================

class _Dumper(yaml.SafeDumper):
    pass


def _plain(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float)) or (isinstance(v, str) and "\n" not in v)


def _short(v: Any) -> bool:
    return len(json.dumps(v, ensure_ascii=False)) <= 96


def _repr_str(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


def _repr_dict(dumper: yaml.SafeDumper, d: dict) -> yaml.Node:
    flow = all(_plain(v) or (isinstance(v, list) and all(_plain(x) for x in v)) for v in d.values()) and _short(d)
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(d.items()), flow_style=flow)


def _repr_list(dumper: yaml.SafeDumper, items: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items,
                                     flow_style=all(_plain(x) for x in items) and _short(items))


_Dumper.add_representer(str, _repr_str)
_Dumper.add_representer(dict, _repr_dict)
_Dumper.add_representer(list, _repr_list)


def _render(design: dict[str, Any], source: str, unplaced: list[tuple[str, list[str]]], problems: int) -> str:
    name = design["name"]
    head = [
        f"# {name}: a design skeleton read from the Excalidraw canvas {source} by `tradeoff import`.",
        "# Kinds, flows and notes come from the drawing, some of them guessed (the import's notes say",
        "# which); check them, then add what a canvas does not say: use cases, numbers, deep dives.",
        f"#   tradeoff check {name}.design.yaml",
    ]
    if problems:
        head.append(f"# {problems} thing{'s' if problems != 1 else ''} on the canvas could not be read; "
                    "`tradeoff import` lists them.")
    if unplaced:
        head += ["#", "# Notes from the canvas that have no field in the design:"]
        phases: dict[str, list[str]] = {}
        for phase, lines in unplaced:
            phases.setdefault(phase, []).extend(lines)
        for phase, lines in phases.items():
            head.append(f"#   {phase}:")
            head += [f"#     - {' '.join(line.split())}" for line in lines]
    body = yaml.dump(design, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return "\n".join(head) + "\n\n" + body


# =======================================================================================
# Entry points
# =======================================================================================

def _start(text: str, file: str) -> Position:
    """Where the JSON document starts (its first non-blank character)."""
    before = text[: len(text) - len(text.lstrip())]
    return Position(file, before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


def _scene(text: str, file: str) -> dict[str, Any]:
    hint = "save the canvas from Excalidraw with Save to disk (or Export > .excalidraw): a JSON file"
    head = text.lstrip()[:200]
    if head.startswith("<svg") or head.startswith("<?xml"):
        raise SyntaxError_("this is an SVG, not an Excalidraw scene", Position(file, 1, 1),
                           "export the scene as .excalidraw (an SVG export keeps only a compressed copy)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SyntaxError_(f"JSON syntax: {exc.msg}", Position(file, exc.lineno, exc.colno),
                           "the file is not complete JSON; " + hint) from None
    except RecursionError:
        raise SyntaxError_("JSON nested too deeply", Position(file, 1, 1), hint) from None
    where = _start(text, file)
    if not isinstance(data, dict):
        raise SchemaError(f"not an Excalidraw scene: the JSON is {type(data).__name__ if data is not None else 'null'}, "
                          "not an object", where, hint)
    kind = data.get("type")
    if kind == "excalidrawlib":
        raise SchemaError("this is an Excalidraw library (.excalidrawlib), not a scene", where,
                          "open the library in Excalidraw, put the shapes on a canvas and save that")
    if kind not in ("excalidraw", "excalidraw/clipboard"):
        said = f"its type is {kind!r}" if "type" in data else "it has no \"type\": \"excalidraw\""
        raise SchemaError(f"not an Excalidraw scene: {said}", where, hint)
    if data.get("elements") is not None and not isinstance(data.get("elements"), list):
        raise SchemaError("not an Excalidraw scene: \"elements\" is not a list", where, hint)
    return data


def _design_name(file: str) -> str:
    stem = Path(file).name
    for suffix in (".json", ".excalidraw"):
        stem = stem.removesuffix(suffix)
    return _slug(stem) if _slug(stem) and _slug(stem)[0].isalpha() else f"imported-{_slug(stem)}".rstrip("-")


def import_canvas_text(text: str, file: str = "<canvas>", name: str | None = None) -> CanvasImport:
    """Read an Excalidraw scene given as text. Raises DesignError (SyntaxError_ or
    SchemaError) with file:line:col when the text is not a scene."""
    scene = _scene(text, file)
    return _Reader(scene, file, name or _design_name(file)).read()


def import_canvas(path: str | Path, name: str | None = None) -> CanvasImport:
    """Read an Excalidraw scene file (.excalidraw) into a design skeleton, with notes on how
    each element was read and problems for what could not be. `name` defaults to the file's
    stem. Raises DesignError with file:line:col and a hint when the file is not a scene."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DesignError(f"cannot read {file}: {exc.strerror}", None, "check the path") from None
    if path.is_dir():
        raise DesignError(f"{file} is a folder, not a canvas", None, "name an .excalidraw file")
    if size > MAX_BYTES:
        raise SchemaError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", Position(file, 1, 1),
                          "a canvas is rarely over a few MB; remove embedded images and save again")
    raw = path.read_bytes()
    if raw.startswith(b"\x89PNG"):
        raise SyntaxError_("this is a PNG image, not an Excalidraw scene", Position(file, 1, 1),
                           "save the canvas from Excalidraw with Save to disk (a .excalidraw file)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", errors="replace")) + 1
        raise SyntaxError_("the file is not UTF-8 text", Position(file, line, col),
                           "an Excalidraw scene is UTF-8 JSON; save it again from Excalidraw") from None
    return import_canvas_text(text, file, name)

"""The canvas as geometry: frames, boxes, arrows and text, laid out once from a Design.

The Excalidraw and SVG renderers only translate this into their formats; nothing here knows
either format. Frames, in interview order: the requirements (the contract), the numbers
(decision-driving ones highlighted), the decisions, then the read path and the write path
drawn apart, async pathways dashed through their queue or stream, external dependencies in
a column of their own, and failure zones (single points of failure from the review) in red."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tradeoff.model.design import ComponentKind, Design
from tradeoff.render import fonts
from tradeoff.render.layout import LEdge, LNode, layout

Point = tuple[float, float]

TIER_RANK = {"client": 0, "edge": 1, "gateway": 2, "service": 3, "async": 4, "data": 5, "external": 6}

# Excalidraw's own palette (open-color shades it offers in its colour picker)
STYLE = {
    "client": ("#e9ecef", "#495057"),
    "edge": ("#d0ebff", "#1971c2"),
    "gateway": ("#e5dbff", "#6741d9"),
    "service": ("#d3f9d8", "#2f9e44"),
    "async": ("#fff3bf", "#f08c00"),
    "cache": ("#c5f6fa", "#0c8599"),
    "data": ("#ffe8cc", "#e8590c"),
    "external": ("#f1f3f5", "#868e96"),
}
PATH_COLOUR = {"read": "#1971c2", "write": "#c2255c", "async": "#f08c00", "external": "#868e96",
               "dead_letter": "#e03131"}
FAILURE = "#e03131"
LIMIT = "#e8590c"  # what the capacity sweep says fills first
LIMIT_WORDS = ("breaks first", "first state to fill")
HIGHLIGHT = "#ffec99"
INK = "#1e1e1e"

LABEL_SIZE = 16
SMALL_SIZE = 14
TEXT_SIZE = 16
HEADING_SIZE = 20
BOX_PAD_X = 14
BOX_PAD_Y = 10
BOX_MIN_W = 150
BOX_MAX_TEXT = 230
FRAME_PAD = 40
NOTE_WIDTH = 430


@dataclass
class Text:
    """A free text block (top-left at x, y)."""
    id: str
    x: float
    y: float
    text: str
    size: float = TEXT_SIZE
    colour: str = INK
    struck: bool = False  # crossed out: an old approach beside the one that replaced it

    @property
    def width(self) -> float:
        return fonts.text_width(self.text, self.size)

    def strike_lines(self) -> list[tuple[float, float, float]]:
        """(x0, x1, y) of a line through the middle of each text line, for a crossed-out text."""
        line_h = fonts.text_height(1, self.size)
        return [(self.x, self.x + fonts.text_width(line, self.size), self.y + line_h * (i + 0.55))
                for i, line in enumerate(self.text.split("\n")) if line.strip()]

    @property
    def height(self) -> float:
        return fonts.text_height(self.text.count("\n") + 1, self.size)


@dataclass
class Box:
    """A rectangle with a centred label (a component, or a highlighted note)."""
    id: str
    x: float
    y: float
    w: float
    h: float
    label: str
    fill: str
    stroke: str
    size: float = LABEL_SIZE
    dashed: bool = False
    stroke_width: float = 2
    rounded: bool = True
    component: str | None = None
    kind: str | None = None
    data: dict = field(default_factory=dict)  # what the importer needs to read it back

    @property
    def label_width(self) -> float:
        return fonts.text_width(self.label, self.size)

    @property
    def label_height(self) -> float:
        return fonts.text_height(self.label.count("\n") + 1, self.size)


@dataclass
class Arrow:
    id: str
    start: str  # box ids
    end: str
    points: list[Point]  # absolute
    colour: str
    dashed: bool = False
    label: str | None = None
    label_pos: Point | None = None  # top-left of the label, where Excalidraw puts it
    data: dict = field(default_factory=dict)

    @property
    def label_width(self) -> float:
        return fonts.text_width(self.label or "", SMALL_SIZE)

    @property
    def label_height(self) -> float:
        return fonts.text_height((self.label or "").count("\n") + 1, SMALL_SIZE)


@dataclass
class Region:
    """A dashed outline around part of a frame (the external dependencies)."""
    id: str
    x: float
    y: float
    w: float
    h: float
    title: Text


@dataclass
class Frame:
    id: str
    name: str
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    def shift(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy
        self.shift_contents(dx, dy)

    def shift_contents(self, dx: float, dy: float) -> None:
        for b in self.boxes:
            b.x += dx
            b.y += dy
        for t in self.texts:
            t.x += dx
            t.y += dy
        for r in self.regions:
            r.x += dx
            r.y += dy
            r.title.x += dx
            r.title.y += dy
        for a in self.arrows:
            a.points = [(x + dx, y + dy) for x, y in a.points]
            if a.label_pos:
                a.label_pos = (a.label_pos[0] + dx, a.label_pos[1] + dy)


@dataclass
class Revision:
    """A constraint change, drawn beside the design it produced: the old approach crossed out."""
    title: str
    replaced: list[tuple[str, str]]  # (old approach, new approach)
    affected: list[str] = field(default_factory=list)
    unaffected: list[str] = field(default_factory=list)


@dataclass
class Canvas:
    title: str
    frames: list[Frame]
    width: float
    height: float


def seed_of(key: str) -> int:
    """A stable 31-bit number from an id (Excalidraw's seed and nonces)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") & 0x7FFFFFFF


PLAIN = str.maketrans({"→": "->", "←": "<-", "↔": "<->", "≈": "~", "≥": ">=", "≤": "<=", "✓": "ok",
                       "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "\t": " "})


def plain(text: str) -> str:
    """Text the canvas font can draw: arrows and maths signs spelled in ASCII."""
    return text.translate(PLAIN)


# --------------------------------------------------------------------------------------
# building the canvas
# --------------------------------------------------------------------------------------

def build(design: Design, est=None, findings=(), scale=None, revision: Revision | None = None) -> Canvas:
    """Design (+ its estimate, review findings and capacity sweep) -> laid-out canvas. With a
    revision, a frame beside the contract shows what changed, the old approach crossed out."""
    failures = _failure_zones(findings)
    limits = _limits(design, scale)
    for cid, why in limits.items():
        failures.setdefault(cid, []).extend(why)
    decisions = _decision_tags(design)
    frames: list[Frame] = []
    top = [f for f in (_requirements_frame(design), _numbers_frame(est, design, scale), _decisions_frame(design),
                       _revision_frame(revision) if revision else None) if f]
    paths = _path_frames(design, est, failures, decisions)
    # the contract, numbers and decisions side by side; the two paths below, full width
    x = 0.0
    for f in top:
        f.shift(x - f.x, 0 - f.y)
        x += f.w + FRAME_PAD
    y = max((f.h for f in top), default=-FRAME_PAD * 2) + FRAME_PAD * 2
    for f in paths:
        f.shift(0 - f.x, y - f.y)
        y += f.h + FRAME_PAD * 2
    frames = top + paths
    width = max((f.x + f.w for f in frames), default=0.0)
    height = max((f.y + f.h for f in frames), default=0.0)
    return Canvas(plain(design.title or design.name), frames, width, height)


def _failure_zones(findings) -> dict[str, list[str]]:
    """Component id -> why it is a failure zone (single point of failure, one zone)."""
    out: dict[str, list[str]] = {}
    reason = {"FAULT-008": "single point of failure", "FAULT-009": "one zone"}
    for f in findings:
        if f.code in reason and f.element and f.severity in ("error", "warning"):
            out.setdefault(f.element, []).append(reason[f.code])
    return out


def _first_limits(design: Design, scale):
    """(the first resource to fill, the first stateful one if another, the first latency target)."""
    from tradeoff.model.design import STATEFUL_KINDS

    sat = [b for b in scale.breaks if b.kind == "saturation"]
    kinds = {c.id: c.kind for c in design.components}
    first = sat[0] if sat else None
    state = next((b for b in sat if kinds.get(b.component) in STATEFUL_KINDS), None)
    slo = next((b for b in scale.breaks if b.kind == "slo"), None)
    return first, (state if state is not first else None), slo


def _limits(design: Design, scale) -> dict[str, list[str]]:
    """Component id -> what the capacity sweep says breaks there first (#6)."""
    out: dict[str, list[str]] = {}
    if scale is None:
        return out
    from tradeoff.capacity.scale import fmt_x

    first, state, _ = _first_limits(design, scale)
    if first is not None:
        out.setdefault(first.component, []).append(f"breaks first: {first.resource} at {fmt_x(first.multiplier)}")
    if state is not None:
        out.setdefault(state.component, []).append(f"first state to fill: {state.resource} at "
                                                   f"{fmt_x(state.multiplier)}")
    return out


def _scale_lines(design: Design, scale) -> list[str]:
    from tradeoff.capacity.scale import fmt_x

    first, state, slo = _first_limits(design, scale)
    if first is None:
        return []
    lines = [f"• first: {first.component} {first.resource} at {fmt_x(first.multiplier)}"]
    if state is not None:
        lines.append(f"• first state: {state.component} {state.resource} at {fmt_x(state.multiplier)}")
    if slo is not None:
        lines.append(f"• first latency target: {slo.flow} {slo.resource} at {fmt_x(slo.multiplier)}")
    for p in scale.points:
        if p.multiplier <= 1:
            continue
        n = len({b.component for b in p.broken if b.component})
        shards = [f"{x.component} ({x.have}->{x.need} shards)" for x in p.needs if x.unit == "shards"]
        lines.append(f"• at {fmt_x(p.multiplier)}: {n} component(s) full" +
                     (f"; shard {', '.join(shards)}" if shards else ""))
    return lines


def _decision_tags(design: Design) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i, d in enumerate(design.decisions, 1):
        if d.choice and d.choice.component:
            out.setdefault(d.choice.component, []).append(f"D{i}")
    return out


def _text_frame(fid: str, name: str, blocks: list[tuple[str, str]], width: float = NOTE_WIDTH) -> Frame:
    """A frame of headed text blocks; a block whose heading is '!' is a highlighted box."""
    frame = Frame(fid, name)
    y = FRAME_PAD
    for i, (heading, body) in enumerate(blocks):
        if heading == "!":
            lines = "\n".join(fonts.wrap(plain(body), TEXT_SIZE, width - 2 * BOX_PAD_X - 10))
            h = fonts.text_height(lines.count("\n") + 1, TEXT_SIZE) + 2 * BOX_PAD_Y
            frame.boxes.append(Box(f"{fid}:callout:{i}", FRAME_PAD, y, width, h, lines, HIGHLIGHT, "#f08c00",
                                   size=TEXT_SIZE, rounded=True, data={"note": fid}))
            y += h + 12
            continue
        if heading:
            t = Text(f"{fid}:h:{i}", FRAME_PAD, y, plain(heading), HEADING_SIZE)
            frame.texts.append(t)
            y += t.height + 4
        if body:
            lines = "\n".join(fonts.wrap(plain(body), TEXT_SIZE, width))
            t = Text(f"{fid}:t:{i}", FRAME_PAD, y, lines, TEXT_SIZE)
            frame.texts.append(t)
            y += t.height + 14
    frame.w = width + 2 * FRAME_PAD
    frame.h = y + FRAME_PAD - 14
    return frame


def _revision_frame(rev: Revision, width: float = NOTE_WIDTH) -> Frame:
    """The change: what was asked, each old approach crossed out above what replaced it, and the
    components it reaches and does not."""
    fid = "revision"
    frame = Frame(fid, "Revision")
    y = FRAME_PAD

    def text(key: str, body: str, size: float = TEXT_SIZE, colour: str = INK, struck: bool = False,
             gap: float = 6) -> None:
        nonlocal y
        lines = "\n".join(fonts.wrap(plain(body), size, width))
        t = Text(f"{fid}:{key}", FRAME_PAD, y, lines, size, colour, struck)
        frame.texts.append(t)
        y += t.height + gap

    text("h", "What changed", HEADING_SIZE)
    text("constraint", rev.title, gap=14)
    for i, (old, new) in enumerate(rev.replaced):
        text(f"old:{i}", old, colour="#868e96", struck=True, gap=2)
        text(f"new:{i}", f"-> {new}", gap=12)
    if rev.affected:
        text("affected", "Affected: " + ", ".join(rev.affected))
    if rev.unaffected:
        text("unaffected", "Unaffected: " + ", ".join(rev.unaffected))
    frame.w = width + 2 * FRAME_PAD
    frame.h = y + FRAME_PAD - 6
    return frame


def _requirements_frame(design: Design) -> Frame | None:
    req = design.requirements
    if req is None:
        return None
    blocks: list[tuple[str, str]] = []
    if req.restatement:
        blocks.append(("", req.restatement))
    if req.use_cases:
        blocks.append(("Use cases", "\n".join(f"• {u.name} ({u.priority.value})" for u in req.use_cases)))
    scale = []
    if req.users and req.users.dau:
        scale.append(f"• {_count(req.users.dau)} daily active users")
    if req.users and req.users.peak_concurrent:
        scale.append(f"• {_count(req.users.peak_concurrent)} concurrent at peak")
    if scale:
        blocks.append(("Scale", "\n".join(scale)))
    nf = req.non_functional
    nfl = []
    if nf:
        for t in nf.latency:
            parts = [f"{k} {_ms(getattr(t, k))}" for k in ("p50", "p99", "p999") if getattr(t, k) is not None]
            if parts:
                nfl.append(f"• latency {t.use_case or 'all'}: {', '.join(parts)}")
        if nf.availability:
            nfl.append(f"• availability {_pct(nf.availability.target)}")
        for c in nf.consistency:
            nfl.append(f"• {c.model.value.replace('_', ' ')}: {c.scope or c.use_case or 'all'}")
        if nf.durability and nf.durability.target is not None:
            nfl.append(f"• durability {_pct(nf.durability.target)}")
        for c in nf.compliance:
            nfl.append(f"• {c.regime + ': ' if c.regime else ''}{c.requirement}")
    if nfl:
        blocks.append(("Non-functional", "\n".join(nfl)))
    if req.scope and req.scope.out_of_scope:
        blocks.append(("Out of scope", "\n".join(f"• {o.item}" for o in req.scope.out_of_scope)))
    return _text_frame("requirements", "Requirements", blocks) if blocks else None


def _numbers_frame(est, design: Design | None = None, scale=None) -> Frame | None:
    if est is None or not est.figures:
        return None
    keys = ["users.dau", "qps.read.peak", "qps.write.peak", "read_write_ratio", "bandwidth.in.peak",
            "bandwidth.out.peak", "storage.per_day", "storage.total", "storage.total_replicated",
            "cache.memory"]
    rows = [f"• {est.figures[k].label}: {est.figures[k].text}" for k in keys if k in est.figures]
    per_uc = [f for k, f in est.figures.items() if k.endswith(".qps.peak") and k.count(".") == 2]
    blocks: list[tuple[str, str]] = [("Back of the envelope", "\n".join(rows))] if rows else []
    if per_uc:
        blocks.append(("Peak per use case", "\n".join(f"• {f.label.split(':')[0]}: {f.text}" for f in per_uc)))
    if est.callouts:
        blocks.append(("Numbers that drive decisions", ""))
        blocks.extend(("!", c.message) for c in est.callouts)
    lines = _scale_lines(design, scale) if scale is not None and design is not None else []
    if lines:
        blocks.append(("What breaks as load grows", "\n".join(lines)))
    return _text_frame("numbers", "Numbers", blocks) if blocks else None


def _decisions_frame(design: Design) -> Frame | None:
    blocks = []
    for i, d in enumerate(design.decisions, 1):
        head = f"D{i} {d.title or d.id}"
        body = []
        if d.choice:
            what = " ".join(x for x in (d.choice.technology, f"({d.choice.option})" if d.choice.option else None) if x)
            if what:
                body.append(f"chose {what}" + (f" for {d.choice.component}" if d.choice.component else ""))
        if d.tradeoff and (d.tradeoff.gain or d.tradeoff.give_up):
            body.append("gain " + (d.tradeoff.gain or "?") + "; give up " + (d.tradeoff.give_up or "?"))
        if d.rejected:
            body.append("rejected " + ", ".join(r.option for r in d.rejected if getattr(r, "option", None)))
        blocks.append((head, "\n".join(body)))
    return _text_frame("decisions", "Decisions", blocks, width=NOTE_WIDTH + 80) if blocks else None


def _count(n: float) -> str:
    from tradeoff.estimate.engine import format_value
    return format_value(float(n), "")


def _ms(d) -> str:
    secs = d.seconds()
    return f"{secs * 1000:g} ms" if secs < 1 else f"{secs:g} s"


def _pct(f) -> str:
    return f"{round(float(f) * 100, 9):.12g}%"


# --------------------------------------------------------------------------------------
# the path frames
# --------------------------------------------------------------------------------------

@dataclass
class _Edge:
    src: str
    dst: str
    path: str  # read | write | async | external | dead_letter
    flows: list[str] = field(default_factory=list)
    use_cases: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)


def _path_frames(design: Design, est, failures, decisions) -> list[Frame]:
    arch = design.architecture
    if arch is None or not arch.components:
        return []
    comps = {c.id: c for c in arch.components}
    uc_name = {u.id: u.name for u in (design.requirements.use_cases if design.requirements else [])}
    read: dict[tuple[str, str], _Edge] = {}
    write: dict[tuple[str, str], _Edge] = {}
    read_nodes: list[str] = []
    write_nodes: list[str] = []
    stories: dict[str, list[str]] = {"read": [], "write": []}

    def add(table, nodes, a, b, path, flow=None, uc=None, label=None):
        for n in (a, b):
            if n in comps and n not in nodes:
                nodes.append(n)
        if a not in comps or b not in comps or a == b:
            return
        e = table.setdefault((a, b), _Edge(a, b, path))
        if flow and flow not in e.flows:
            e.flows.append(flow)
        if uc and uc not in e.use_cases:
            e.use_cases.append(uc)
        if label and label not in e.label:
            e.label.append(label)

    for which, flows, table, nodes in (("read", arch.read_paths, read, read_nodes),
                                       ("write", arch.write_paths, write, write_nodes)):
        for f in flows:
            hops = [h.component for h in f.hops]
            rate = _peak(est, f.use_case)
            name = uc_name.get(f.use_case, f.use_case) if f.use_case else f.id
            for i, (a, b) in enumerate(zip(hops, hops[1:])):
                label = f"{f.use_case or f.id}{' ' + rate if rate else ''}" if i == 0 and \
                    comps.get(a) and comps[a].kind == ComponentKind.client else None
                add(table, nodes, a, b, which, f.id, f.use_case, label)
            if len(hops) == 1:
                add(table, nodes, hops[0], hops[0], which)
            stories[which].append(f"• {name}{' (' + rate + ' at peak)' if rate else ''}: " + " -> ".join(hops))
    for e in arch.async_edges:
        legs = [(e.producer, e.via, e.event)] + [(e.via, c, None) for c in e.consumers]
        for a, b, label in legs:
            add(write, write_nodes, a, b, "async", e.id, e.use_case, plain(label)[:28] if label else None)
        if e.dead_letter:
            add(write, write_nodes, e.via, e.dead_letter, "dead_letter", e.id, e.use_case, "dead letters")
        stories["write"].append(f"• async {e.event or e.id}: {e.producer} -> {e.via} -> {', '.join(e.consumers)}"
                                + (f" (DLQ {e.dead_letter})" if e.dead_letter else ""))
    read_ucs = {f.use_case for f in arch.read_paths}
    write_ucs = {f.use_case for f in arch.write_paths}
    for x in arch.external_calls:
        to_read = (x.use_case in read_ucs and x.use_case not in write_ucs) or \
            (x.caller in read_nodes and x.caller not in write_nodes)
        table, nodes = (read, read_nodes) if to_read else (write, write_nodes)
        add(table, nodes, x.caller, x.external, "external", x.id, x.use_case)
    placed = set(read_nodes) | set(write_nodes)
    rest = [c.id for c in arch.components if c.id not in placed]
    frames = []
    if read_nodes:
        frames.append(_path_frame("read", "Read path", read_nodes, read, comps, failures, decisions,
                                  stories["read"]))
    if write_nodes or rest:
        frames.append(_path_frame("write", "Write path" if write_nodes else "Components",
                                  write_nodes + rest, write, comps, failures, decisions,
                                  stories["write"] + ([f"• not on a path yet: {', '.join(rest)}"] if rest else [])))
    return frames


def _peak(est, use_case) -> str | None:
    if est is None or not use_case:
        return None
    fig = est.figures.get(f"{use_case}.qps.peak")
    return fig.text.replace(" req/s", "/s") if fig else None


def _component_label(c, failures, decisions) -> str:
    lines = [c.label]
    if c.technology:
        lines.append(c.technology)
    if c.kind in (ComponentKind.data_store, ComponentKind.cache) and c.holds:
        lines.append(f"holds {c.holds}")
    scale = []
    if c.kind not in (ComponentKind.client, ComponentKind.external):
        scale.append(f"x{c.replicas}")
        if c.shards:
            scale.append(f"{c.shards} shards")
        if c.zones:
            scale.append(f"{c.zones} AZ")
        if c.hit_ratio is not None:
            scale.append(f"hit {float(c.hit_ratio) * 100:g}%")
    if scale:
        lines.append(" · ".join(scale))
    if c.id in decisions:
        lines.append("decided in " + ", ".join(decisions[c.id]))
    if c.id in failures:
        lines.append("! " + ", ".join(sorted(set(failures[c.id]))))
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(fonts.wrap(plain(line), LABEL_SIZE, BOX_MAX_TEXT))
    return "\n".join(wrapped)


def _style_of(c) -> tuple[str, str]:
    if c.kind == ComponentKind.cache:
        return STYLE["cache"]
    if c.tier in ("data",):
        return STYLE["data"]
    return STYLE[c.tier]


def _path_frame(fid: str, name: str, node_ids: list[str], edges: dict[tuple[str, str], _Edge], comps,
                failures, decisions, story: list[str]) -> Frame:
    frame = Frame(fid, name)
    boxes: dict[str, Box] = {}
    lnodes: list[LNode] = []
    for cid in node_ids:
        c = comps[cid]
        label = _component_label(c, failures, decisions)
        w = max(BOX_MIN_W, fonts.text_width(label, LABEL_SIZE) + 2 * BOX_PAD_X)
        h = fonts.text_height(label.count("\n") + 1, LABEL_SIZE) + 2 * BOX_PAD_Y
        fill, stroke = _style_of(c)
        failing = cid in failures
        if failing:
            red = any(not why.startswith(LIMIT_WORDS) for why in failures[cid])
            stroke = FAILURE if red else LIMIT
        box = Box(f"{fid}:{cid}", 0, 0, round(w), round(h), label, fill, stroke,
                  dashed=c.kind == ComponentKind.external, stroke_width=4 if failing else 2,
                  component=cid, kind=c.kind.value,
                  data={"component": cid, "kind": c.kind.value,
                        **({"technology": c.technology} if c.technology else {}),
                        **({"storage": c.storage.value} if c.storage else {})})
        boxes[cid] = box
        lnodes.append(LNode(cid, box.w, box.h, TIER_RANK[c.tier]))
    ledges = [LEdge(f"{fid}:{a}->{b}", a, b) for (a, b) in edges]
    externals = frozenset(cid for cid in node_ids if comps[cid].kind == ComponentKind.external)
    label_w = max([fonts.text_width("\n".join(e.label), SMALL_SIZE) for e in edges.values()
                   if e.path in ("read", "write") and e.label] + [0])
    lay = layout(lnodes, ledges, last=externals, rank_gaps={0: max(80.0, label_w + 40)}, rank_gap=90.0)
    for cid, n in lay.nodes.items():
        boxes[cid].x, boxes[cid].y = FRAME_PAD + n.x, FRAME_PAD + n.y
    frame.boxes = [boxes[cid] for cid in node_ids]
    placed_labels: list[tuple[float, float, float, float]] = []
    routed = {le.id: le for le in lay.edges}
    for (a, b), e in edges.items():
        pts = [(FRAME_PAD + x, FRAME_PAD + y) for x, y in routed[f"{fid}:{a}->{b}"].points]
        arrow = Arrow(f"{fid}:{a}->{b}", boxes[a].id, boxes[b].id, pts, PATH_COLOUR[e.path],
                      dashed=e.path in ("async", "dead_letter"),
                      data={"edge": f"{a}->{b}", "path": e.path, "flows": e.flows, "use_cases": e.use_cases,
                            "from": a, "to": b})
        if e.label:
            arrow.label = "\n".join(e.label)
            pos = _label_position(pts, arrow.label_width, arrow.label_height)
            rect = (pos[0], pos[1], pos[0] + arrow.label_width, pos[1] + arrow.label_height)
            if not any(_overlap(rect, b.x, b.y, b.x + b.w, b.y + b.h) for b in boxes.values()) and \
                    not any(_overlap(rect, *r) for r in placed_labels):
                arrow.label_pos = pos
                placed_labels.append(rect)
            else:
                arrow.label = None  # no room: the story below names it
        frame.arrows.append(arrow)
    if externals:
        xs = [boxes[c] for c in externals]
        x0 = min(b.x for b in xs) - 16
        y0 = min(b.y for b in xs) - 40
        x1 = max(b.x + b.w for b in xs) + 16
        y1 = max(b.y + b.h for b in xs) + 16
        title = Text(f"{fid}:external:title", x0 + 10, y0 + 8, "External dependencies", SMALL_SIZE, "#868e96")
        frame.regions.append(Region(f"{fid}:external", x0, y0, x1 - x0, y1 - y0, title))
    bottom = max([b.y + b.h for b in frame.boxes] + [r.y + r.h for r in frame.regions] + [FRAME_PAD])
    right = max([b.x + b.w for b in frame.boxes] + [r.x + r.w for r in frame.regions] + [FRAME_PAD])
    width = max(right - FRAME_PAD, 600)
    if story:
        lines = []
        for s in story:
            lines.extend(fonts.wrap(plain(s), SMALL_SIZE, width))
        t = Text(f"{fid}:story", FRAME_PAD, bottom + 36, "\n".join(lines), SMALL_SIZE, "#495057")
        frame.texts.append(t)
        bottom = t.y + t.height
    frame.w = width + 2 * FRAME_PAD
    frame.h = bottom + FRAME_PAD
    # regions can start above the padding (their title): keep everything inside the frame
    top = min([r.y for r in frame.regions] + [FRAME_PAD])
    if top < 20:
        frame.shift_contents(0, 20 - top)
        frame.h += 20 - top
    return frame


def _label_position(points: list[Point], w: float, h: float) -> Point:
    """Where Excalidraw centres an arrow's label: the middle point of an odd number of points,
    else the middle of the middle segment (LinearElementEditor.getBoundTextElementPosition)."""
    n = len(points)
    if n % 2 == 1:
        cx, cy = points[n // 2]
    else:
        (x0, y0), (x1, y1) = points[n // 2 - 1], points[n // 2]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2


def _overlap(r, x0, y0, x1, y1) -> bool:
    return r[0] < x1 and x0 < r[2] and r[1] < y1 and y0 < r[3]

"""Layered (Sugiyama) layout of a path diagram, left to right, shared by every renderer.

Ranks are the tiers (client -> edge -> gateway -> services -> data stores, external last)
stretched by longest path, so a chain inside one tier (DNS -> CDN -> LB) still reads left to
right. grandalf's Sugiyama layout orders each rank to reduce crossings and places nodes with
Brandes-Koepf; long edges get a dummy slot in every rank they cross, so an arrow never passes
through a box. This module then turns ranks into columns, spreads ports and routes arrows as
polylines that only cross columns in their own slot."""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass
class LNode:
    id: str
    w: float
    h: float
    tier: int  # the lowest rank allowed (the tier's order)
    x: float = 0.0  # top-left, set by layout()
    y: float = 0.0
    rank: int = 0

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.x + self.w, self.y + self.h


@dataclass
class LEdge:
    id: str
    src: str
    dst: str
    points: list[Point] = field(default_factory=list)  # absolute, from src's side to dst's side
    reversed: bool = False  # drawn against the rank order (a feedback edge)


@dataclass
class Layout:
    nodes: dict[str, LNode]
    edges: list[LEdge]
    width: float
    height: float


EDGE_SLOT = 14.0  # vertical room a long edge takes in a column it crosses
ORDER_ROUNDS = 3.5  # grandalf's crossing-reduction sweeps (down and up count as one round)


def layout(nodes: list[LNode], edges: list[LEdge], *, last: frozenset[str] = frozenset(),
           node_gap: float = 26.0, rank_gap: float = 70.0, component_gap: float = 48.0,
           rank_gaps: dict[int, float] | None = None) -> Layout:
    """Places nodes (top-left x, y) and routes edges; deterministic for the same input order."""
    by_id = {n.id: n for n in nodes}
    edges = [e for e in edges if e.src in by_id and e.dst in by_id and e.src != e.dst]
    feedback = _feedback_edges(nodes, edges)
    _rank(nodes, edges, feedback, last)
    rank = {n.id: n.rank for n in nodes}
    flat = [e for e in edges if rank[e.src] == rank[e.dst]]  # only between `last` nodes
    ranked = [e for e in edges if rank[e.src] != rank[e.dst]]
    slots = _order_and_place(nodes, ranked, feedback, node_gap, component_gap)
    width, left, widths = _columns(nodes, slots, rank_gap, rank_gaps or {})
    _route(nodes, ranked, feedback, slots, left, widths)
    _route_flat(by_id, flat, left, widths)
    height = max((n.y + n.h for n in nodes), default=0.0)
    return Layout({n.id: n for n in nodes}, edges, width, height)


def _feedback_edges(nodes: list[LNode], edges: list[LEdge]) -> set[str]:
    """Edges closing a cycle, found by depth-first search in input order (tiers first)."""
    out: dict[str, list[LEdge]] = {n.id: [] for n in nodes}
    for e in edges:
        out[e.src].append(e)
    state: dict[str, int] = {}
    back: set[str] = set()
    for root in sorted(nodes, key=lambda n: n.tier):
        if root.id in state:
            continue
        stack = [(root.id, iter(out[root.id]))]
        state[root.id] = 1
        while stack:
            vid, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[vid] = 2
                stack.pop()
                continue
            s = state.get(nxt.dst)
            if s == 1:
                back.add(nxt.id)
            elif s is None:
                state[nxt.dst] = 1
                stack.append((nxt.dst, iter(out[nxt.dst])))
    return back


def _dag(edges: list[LEdge], feedback: set[str]) -> list[tuple[str, str, LEdge]]:
    return [((e.dst, e.src, e) if e.id in feedback else (e.src, e.dst, e)) for e in edges]


def _rank(nodes: list[LNode], edges: list[LEdge], feedback: set[str], last: frozenset[str]) -> None:
    """Longest-path ranks, each at least its tier; `last` nodes share the final column."""
    preds: dict[str, list[str]] = {n.id: [] for n in nodes}
    for a, b, _ in _dag(edges, feedback):
        preds[b].append(a)
    tier = {n.id: n.tier for n in nodes}
    rank: dict[str, int] = {}
    for n in nodes:  # longest path, iteratively (the DAG may be deeper than Python's stack)
        stack = [n.id]
        while stack:
            vid = stack[-1]
            todo = [p for p in preds[vid] if p not in rank]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            rank[vid] = max([tier[vid]] + [rank[p] + 1 for p in preds[vid]])
    used = sorted({rank[n.id] for n in nodes if n.id not in last})
    dense = {r: i for i, r in enumerate(used)}  # no empty columns
    final = len(used)
    for n in nodes:
        n.rank = final if n.id in last else dense[rank[n.id]]
    if last and all(n.id in last for n in nodes):
        for n in nodes:
            n.rank = 0


@dataclass
class _Slot:
    """A node's or a long edge's place in a rank: its centre on the cross axis."""
    rank: int
    size: float
    centre: float = 0.0


def _order_and_place(nodes: list[LNode], edges: list[LEdge], feedback: set[str], node_gap: float,
                     component_gap: float) -> dict[object, _Slot]:
    """Crossing reduction and in-rank placement by grandalf, one connected part at a time,
    stacked top to bottom. Returns a slot per node id and per (edge id, rank) dummy."""
    from grandalf.graphs import Edge, Graph, Vertex

    class _View:
        def __init__(self, w: float, h: float) -> None:
            self.w, self.h, self.xy = w, h, (0.0, 0.0)

    vertex = {}
    for n in nodes:
        v = Vertex(n.id)
        v.view = _View(n.h, 10.0)  # grandalf lays ranks top-down: its width is our height
        vertex[n.id] = v
    g_edges = []
    edge_of = {}
    for a, b, e in _dag(edges, feedback):
        ge = Edge(vertex[a], vertex[b])
        g_edges.append(ge)
        edge_of[id(ge)] = e
    graph = Graph(list(vertex.values()), g_edges)
    rank_of = {n.id: n.rank for n in nodes}

    slots: dict[object, _Slot] = {}
    top = 0.0
    for core in graph.C:
        sug = _tiered_sugiyama(core, rank_of)
        sug.xspace = node_gap
        sug.dw, sug.dh = EDGE_SLOT, 10.0
        sug.init_all(roots=[], inverted_edges=[])
        sug.draw(N=ORDER_ROUNDS)
        edge_of_ctrl = {id(ctrl): ge for ge, ctrl in sug.ctrls.items()}
        part: dict[object, _Slot] = {}
        for layer in sug.layers:
            for v in layer:
                if hasattr(v, "ctrl"):  # a dummy of a long edge
                    key = (edge_of[id(edge_of_ctrl[id(v.ctrl)])].id, sug.grx[v].rank + sug.base)
                    part[key] = _Slot(key[1], EDGE_SLOT, v.view.xy[0])
                else:
                    part[v.data] = _Slot(rank_of[v.data], v.view.w, v.view.xy[0])
        _separate(part, node_gap)
        lo = min(s.centre - s.size / 2 for s in part.values())
        hi = max(s.centre + s.size / 2 for s in part.values())
        for s in part.values():
            s.centre += top - lo
        slots.update(part)
        top += hi - lo + component_gap
    for n in nodes:
        n.y = slots[n.id].centre - n.h / 2
    return slots


def _separate(part: dict[object, _Slot], gap: float) -> None:
    """Pushes slots of one rank apart so no two overlap (keeps grandalf's order)."""
    ranks: dict[int, list[_Slot]] = {}
    for s in part.values():
        ranks.setdefault(s.rank, []).append(s)
    for column in ranks.values():
        column.sort(key=lambda s: s.centre)
        for a, b in zip(column, column[1:]):
            need = a.centre + a.size / 2 + gap + b.size / 2
            if b.centre < need:
                b.centre = need


def _tiered_sugiyama(core, rank_of: dict[str, int]):
    """grandalf's SugiyamaLayout with the ranks given (tiers), not computed."""
    from grandalf.layouts import Layer, SugiyamaLayout

    class Tiered(SugiyamaLayout):
        def rank_all(self, roots, optimize=False):
            ranks = {v: rank_of[v.data] for v in self.g.sV}
            self.base = min(ranks.values())
            self.layers = [Layer([]) for _ in range(max(ranks.values()) - self.base + 1)]
            for v in self.g.sV:
                self.grx[v].rank = ranks[v] - self.base
                self.layers[ranks[v] - self.base].append(v)

    return Tiered(core)


def _columns(nodes: list[LNode], slots: dict[object, _Slot], rank_gap: float,
             rank_gaps: dict[int, float]) -> tuple[float, dict[int, float], dict[int, float]]:
    """Column x per rank: as wide as its widest node; nodes centred in their column."""
    ranks = sorted({n.rank for n in nodes} | {s.rank for s in slots.values()})
    widths = {r: max([n.w for n in nodes if n.rank == r] + [0.0]) for r in ranks}
    left: dict[int, float] = {}
    x = 0.0
    for r in ranks:
        left[r] = x
        x += widths[r] + rank_gaps.get(r, rank_gap)
    for n in nodes:
        n.x = left[n.rank] + (widths[n.rank] - n.w) / 2
    return x - (rank_gaps.get(ranks[-1], rank_gap) if ranks else 0.0), left, widths


def _route(nodes: list[LNode], edges: list[LEdge], feedback: set[str], slots: dict[object, _Slot],
           left: dict[int, float], widths: dict[int, float]) -> None:
    """Polylines: a stub out of the source's side to its column edge, one straight run across
    each gap, and a level run through every column a long edge crosses (in its own slot)."""
    by_id = {n.id: n for n in nodes}
    routes: dict[str, list[tuple[int, float]]] = {}  # edge -> [(rank, y) of each dummy]
    for key, s in slots.items():
        if isinstance(key, tuple):
            routes.setdefault(key[0], []).append((key[1], s.centre))
    # ports: the edges leaving (entering) a side are spread in the order of where they go
    out_ports: dict[str, list[tuple[float, str]]] = {}
    in_ports: dict[str, list[tuple[float, str]]] = {}
    for a, b, e in _dag(edges, feedback):
        mids = sorted(routes.get(e.id, []))
        first_y = mids[0][1] if mids else _mid(by_id[b])
        last_y = mids[-1][1] if mids else _mid(by_id[a])
        out_ports.setdefault(a, []).append((first_y, e.id))
        in_ports.setdefault(b, []).append((last_y, e.id))
    port: dict[tuple[str, str], float] = {}
    for table, side in ((out_ports, "out"), (in_ports, "in")):
        for vid, items in table.items():
            n = by_id[vid]
            items.sort()
            span = n.h * 0.6
            for i, (_, eid) in enumerate(items):
                frac = 0.5 if len(items) == 1 else i / (len(items) - 1)
                port[(eid, side)] = n.y + n.h * 0.2 + span * frac if len(items) > 1 else _mid(n)
    for a, b, e in _dag(edges, feedback):
        na, nb = by_id[a], by_id[b]
        ya, yb = port[(e.id, "out")], port[(e.id, "in")]
        pts: list[Point] = [(na.x + na.w, ya)]
        col_right = left[na.rank] + widths[na.rank]
        if pts[-1][0] < col_right:
            pts.append((col_right, ya))
        for r, y in sorted(routes.get(e.id, [])):
            pts.append((left[r], y))
            pts.append((left[r] + widths[r], y))
        col_left = left[nb.rank]
        if col_left < nb.x:
            pts.append((col_left, yb))
        pts.append((nb.x, yb))
        e.points = _simplify(list(reversed(pts)) if e.id in feedback else pts)
        e.reversed = e.id in feedback


def _route_flat(by_id: dict[str, LNode], flat: list[LEdge], left: dict[int, float],
                widths: dict[int, float]) -> None:
    """An edge inside one column loops out to the right of the column and back in."""
    for i, e in enumerate(flat):
        a, b = by_id[e.src], by_id[e.dst]
        x = left[a.rank] + widths[a.rank] + 16 + 10 * i
        e.points = _simplify([(a.x + a.w, _mid(a)), (x, _mid(a)), (x, _mid(b)), (b.x + b.w, _mid(b))])


def _mid(n: LNode) -> float:
    return n.y + n.h / 2


def _simplify(points: list[Point]) -> list[Point]:
    """Drops repeated points and middle points of straight runs."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9:
            continue
        if len(out) >= 2:
            (x0, y0), (x1, y1) = out[-2], out[-1]
            if abs((x1 - x0) * (p[1] - y0) - (y1 - y0) * (p[0] - x0)) < 1e-6:
                out[-1] = p
                continue
        out.append(p)
    return out

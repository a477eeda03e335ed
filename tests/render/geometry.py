"""Independent geometry checks on a laid-out canvas: overlaps, arrows through boxes, containment."""

from __future__ import annotations

from tradeoff.render.canvas import Canvas

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def overlap(a: Rect, b: Rect, tol: float = 0.5) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def inside(inner: Rect, outer: Rect, tol: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def segment_hits_rect(p: tuple[float, float], q: tuple[float, float], r: Rect, shrink: float = 1.0) -> bool:
    """Liang-Barsky: does segment pq pass through the rectangle's interior (shrunk by `shrink`)?"""
    x0, y0, x1, y1 = r[0] + shrink, r[1] + shrink, r[2] - shrink, r[3] - shrink
    if x0 >= x1 or y0 >= y1:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t0 < t1


def problems(canvas: Canvas) -> list[str]:
    out: list[str] = []
    frames = [(f, (f.x, f.y, f.x + f.w, f.y + f.h)) for f in canvas.frames]
    for i, (f, fr) in enumerate(frames):
        for g, gr in frames[i + 1:]:
            if overlap(fr, gr):
                out.append(f"frames {f.id} and {g.id} overlap")
    for f, fr in frames:
        boxes = [(b.id, (b.x, b.y, b.x + b.w, b.y + b.h)) for b in f.boxes]
        labels = [(a.id, (a.label_pos[0], a.label_pos[1], a.label_pos[0] + a.label_width,
                          a.label_pos[1] + a.label_height)) for a in f.arrows if a.label and a.label_pos]
        texts = [(t.id, (t.x, t.y, t.x + t.width, t.y + t.height)) for t in f.texts]
        for name, r in boxes + labels + texts:
            if not inside(r, fr):
                out.append(f"{name} sticks out of frame {f.id}")
        for i, (a, ra) in enumerate(boxes):
            for b, rb in boxes[i + 1:]:
                if overlap(ra, rb):
                    out.append(f"boxes {a} and {b} overlap")
        for name, r in labels + texts:
            for b, rb in boxes:
                if overlap(r, rb):
                    out.append(f"text {name} overlaps box {b}")
        for i, (a, ra) in enumerate(labels + texts):
            for b, rb in (labels + texts)[i + 1:]:
                if overlap(ra, rb):
                    out.append(f"texts {a} and {b} overlap")
        for b in f.boxes:
            if b.label_width > b.w - 10 + 0.01 or b.label_height > b.h + 0.01:
                out.append(f"label of {b.id} does not fit its box")
        for a in f.arrows:
            if len(a.points) < 2:
                out.append(f"arrow {a.id} has fewer than two points")
            for p, q in zip(a.points, a.points[1:]):
                for b, rb in boxes:
                    if segment_hits_rect(p, q, rb):
                        out.append(f"arrow {a.id} passes through box {b}")
    return out


def crossings(canvas: Canvas) -> int:
    """Proper crossings between arrow segments of different arrows in each frame."""
    def cross(p1, p2, p3, p4) -> bool:
        def orient(a, b, c):
            v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
            return 0 if abs(v) < 1e-9 else (1 if v > 0 else -1)
        o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
        return o1 * o2 < 0 and o3 * o4 < 0
    n = 0
    for f in canvas.frames:
        segs = [(a.id, p, q) for a in f.arrows for p, q in zip(a.points, a.points[1:])]
        for i, (ida, p1, p2) in enumerate(segs):
            for idb, p3, p4 in segs[i + 1:]:
                if ida != idb and cross(p1, p2, p3, p4):
                    n += 1
    return n

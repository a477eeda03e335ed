"""The simulator's event heap (core._push / core._pop, a 4-ary min-heap): whatever the order of
pushes and pops, events come out in time order with their payload intact. Checked against
Python's sorted() and heapq, not against the heap's own arithmetic."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from tradeoff.sim import core


def _heap(capacity: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(capacity, np.float64), np.zeros(2 * capacity, np.int64)  # times; two payload words each


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 17, 64, 1000])
def test_pops_come_out_sorted_with_their_payloads(n):
    rng = np.random.default_rng(n)
    times = rng.exponential(1.0, n)
    times[: n // 3] = np.round(times[: n // 3], 1)  # some ties
    h_t, h_i = _heap(n + 4)
    size = 0
    for k, t in enumerate(times):
        size = core._push(h_t, h_i, size, float(t), k % 4, k, 3 * k)
    out = []
    while size:
        t, a, word = float(h_t[0]), int(h_i[0]), int(h_i[1])
        out.append((t, a, word & 3, word >> 2))
        size = core._pop(h_t, h_i, size)
    assert [o[0] for o in out] == sorted(float(t) for t in times)
    assert sorted(o[1] for o in out) == list(range(n))
    for t, a, kind, b in out:
        assert t == float(times[a]) and kind == a % 4 and b == 3 * a


def test_an_event_loop_of_pushes_and_pops_matches_heapq():
    """A simulation-shaped workload: pop the earliest, push 0-2 later ones (the heap size
    wanders between 0 and a few hundred), against heapq on the same sequence."""
    rng = np.random.default_rng(7)
    h_t, h_i = _heap(4096)
    size = 0
    ref: list[tuple[float, int]] = []
    seq = 0
    for _ in range(200):
        t = float(rng.exponential())
        size = core._push(h_t, h_i, size, t, 0, seq, 0)
        heapq.heappush(ref, (t, seq))
        seq += 1
    now = 0.0
    for step in range(20_000):
        if not size:
            break
        t, a = float(h_t[0]), int(h_i[0])
        rt, ra = heapq.heappop(ref)
        assert (t, a) == (rt, ra), step
        assert t >= now
        now = t
        size = core._pop(h_t, h_i, size)
        for _ in range(int(rng.integers(0, 3)) if step < 15_000 else 0):
            nt = now + float(rng.exponential())
            size = core._push(h_t, h_i, size, nt, 1, seq, 0)
            heapq.heappush(ref, (nt, seq))
            seq += 1
        assert size == len(ref)


def test_a_replace_of_the_read_root_matches_heapreplace():
    """core._put with the root held (read, not yet removed) is heapq.heapreplace: the root goes
    and the new event is in; without it, a push. Mixed at random against heapq."""
    rng = np.random.default_rng(11)
    h_t, h_i = _heap(4096)
    size = 0
    ref: list[tuple[float, int]] = []
    for seq in range(300):
        t = float(rng.exponential())
        size = core._put(h_t, h_i, size, False, t, 0, seq, 0)
        heapq.heappush(ref, (t, seq))
    now = 0.0
    for seq in range(300, 20_300):
        t, a = float(h_t[0]), int(h_i[0])
        assert (t, a) == ref[0]
        now = t
        new = now + float(rng.exponential())
        if rng.random() < 0.6:  # the event read adds one: a replace
            size = core._put(h_t, h_i, size, True, new, 0, seq, 0)
            heapq.heapreplace(ref, (new, seq))
        else:  # it adds none and is removed, then maybe one more is added
            size = core._pop(h_t, h_i, size)
            heapq.heappop(ref)
            if rng.random() < 0.5 or not size:
                size = core._put(h_t, h_i, size, False, new, 0, seq, 0)
                heapq.heappush(ref, (new, seq))
        assert size == len(ref)
    out = []
    while size:
        out.append((float(h_t[0]), int(h_i[0])))
        size = core._pop(h_t, h_i, size)
    assert out == sorted(ref)

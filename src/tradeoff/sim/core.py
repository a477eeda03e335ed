"""The compiled inner loop of the simulator: one event loop over arrays, no Python object per
request (STYLE.md, "Simulation and numerics"). Python (build.py) lays the design out as arrays;
this module only advances events and counts.

The world it simulates
----------------------
* A *station* is a component: `servers` = replicas x concurrency slots sharing one FCFS queue
  (the pooled queue of the capacity model), an optional `queue_limit` (a full queue rejects), an
  optional token-bucket rate limit (requests over it are shed), a service-time distribution
  (exponential, log-normal with a coefficient of variation, or deterministic), a latency factor
  and an error rate that faults change over time, and replicas that faults take down and bring
  back (a request on a replica that dies fails; a station with no live replica refuses).
* A *step* is one call in a request's call tree, laid out in depth-first order: `step_end[i]` is
  the index after i's subtree. A request walks its tree: it waits for and takes service at the
  step's station (workers are released after their own service, so with no faults this is a
  Jackson network and agrees with the capacity model), then, unless a cache hit ends the
  subtree, makes its child calls one after the other. A step with `calls` c runs floor(c) times
  plus once more with probability frac(c) (c = 0.2 is a 20% share).
* The caller's policy belongs to the step: a timeout on the whole call (its subtree included),
  retries with backoff (none, fixed, exponential, exponential with full jitter), a circuit
  breaker (Hystrix's defaults: open at >= 50% failures over the last 20 calls, for 5 s, then one
  probe), and a fallback (serve stale: a failed call degrades the request instead of failing it).
  A failed call that has no retries left and no fallback fails its caller's call in turn, whose
  own retries then apply: retries multiply across layers, as they do in production.
* A timed-out call is abandoned, not cancelled: the work already queued or in service is still
  done (the server does not know the client left), which is how retry storms overload a system.

Event kinds in the heap: a job's departure, a job's arrival after a network delay, a call's
deadline, a retry after backoff. External arrivals and faults are kept outside the heap (a
next-time per class, a sorted fault list), so W1 costs one heap event per station visit; a departure
that starts the request's next call replaces the root it was read from (one pass down the heap).
The heap is 4-ary (half the levels of a binary heap, a node's four children side by side, the
smallest picked with selects): with 100x the servers it holds ~1,000 events and a binary heap's
mispredicted child choices cost a third of the run.

The loop only ever indexes its arrays from the front; run.py has numba compile it without
negative-index wraparound (see run._front_indexing), which numba has no option for.

Results are counts per time window: per class the outcomes and a log-binned latency histogram,
per station arrivals, completions, busy time, rejections and a sojourn histogram. Percentiles
read from the histograms have a relative error under half a bin (BINS_PER_DECADE).
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# --- histogram: HDR-style bins read off the float's bits. Each power of two is cut into
# 2^SUB_BITS equal parts, so a bin is at most 1/128 = 0.78% of its value wide and a percentile read
# at its middle is within 0.39%; bin 0 holds everything under HIST_LO (zero waits included). ---
SUB_BITS = 7
HIST_LO = 2.0 ** -20  # 0.95 us
HIST_HI = 2.0 ** 14  # 4.5 h
_LO_BITS = int(np.float64(HIST_LO).view(np.int64)) >> (52 - SUB_BITS)
NBINS = (int(np.float64(HIST_HI).view(np.int64)) >> (52 - SUB_BITS)) - _LO_BITS + 2

# --- outcomes of a request (columns of cls_out) ---
OK, DEGRADED, ERR_TIMEOUT, ERR_REJECTED, ERR_SHED, ERR_DOWN, ERR_BREAKER, ERR_FAILED = range(8)
N_OUTCOMES = 8

# --- station counters (columns of st_cnt) ---
S_ARRIVALS, S_DONE, S_REJECTED, S_SHED, S_REFUSED, S_LOST, S_ERRORS, S_ORPHANS, S_QMAX = range(9)
N_SCOUNT = 9

# --- step counters (columns of step_cnt) ---
C_CALLS, C_ATTEMPTS, C_OK, C_FAILED, C_TIMEOUTS, C_BREAKER, C_FALLBACK = range(7)
N_CCOUNT = 7

# --- service-time distributions ---
D_EXP, D_LOGNORMAL, D_DET = 0, 1, 2

# --- backoff ---
B_NONE, B_FIXED, B_EXP, B_EXP_JITTER = 0, 1, 2, 3

# --- fault kinds (fault_kind) ---
F_REPLICA_DOWN, F_REPLICA_UP, F_LATENCY, F_ERRORS = 0, 1, 2, 3

# --- heap event kinds ---
E_DEPART, E_ARRIVE, E_TIMER, E_RETRY = 0, 1, 2, 3

# --- breaker ---
BREAKER_WINDOW = 20  # Hystrix circuitBreaker.requestVolumeThreshold
BREAKER_RATIO = 0.5  # Hystrix circuitBreaker.errorThresholdPercentage = 50
BREAKER_SLEEP = 5.0  # Hystrix circuitBreaker.sleepWindowInMilliseconds = 5000

# --- return codes of run() ---
DONE, GROW, REFILL = 0, 1, 2

MAX_DEPTH = 12  # call-tree depth a request can have
MAX_ATTEMPTS = 1000  # attempts that retries multiplied across layers may make within one event
HEAP_MARGIN = 2 * MAX_ATTEMPTS + 16  # heap room kept free: one event pushes at most this many
DRAW_MARGIN = 4 * MAX_ATTEMPTS + 64  # random draws kept in the buffers: one event takes at most this many
# the room checks (draws, heap, pools, timer queues) run once every ROOM_EVENTS events, for that
# many events' worth at a time; they run at fixed event counts, so where a slice ends changes nothing
ROOM_EVENTS = 16
HEAP_ROOM = ROOM_EVENTS * HEAP_MARGIN
DRAW_ROOM = ROOM_EVENTS * DRAW_MARGIN
TQ_ROOM = ROOM_EVENTS * MAX_ATTEMPTS
R_ROOM = ROOM_EVENTS + 1  # free request rows kept: an event takes at most one
J_ROOM = ROOM_EVENTS + 3  # free job rows kept: an event holds at most one more

# request int columns
R_CLS, R_DEPTH, R_GEN, R_SEQ, R_DEGRADED = range(5)
N_RI = 5
# job int columns
J_RID, J_GEN, J_STEP, J_NEXT, J_SLOT, J_EPOCH, J_STATION = range(7)
N_JI = 8  # one spare: a row is a power of two, its index a shift
# stack int columns (per request, per depth)
K_STEP, K_REPS, K_ATT, K_TOK, K_PROBE = range(5)
N_KI = 5
# K_ATT holds attempt + FIRST_PASS when no call above (nor this one) has been retried, so the
# first-pass calls can be counted: attempts / first-pass calls is the amplification across layers
FIRST_PASS = 1 << 40
# scalar int state
I_HEAP, I_FREE_R, I_FREE_J, I_NEXT_FAULT, I_LIVE, I_MAX_LIVE, I_OVERFLOW, I_EVENTS = range(8)
N_II = 8
# scalar float state
T_NOW, = range(1)


@intrinsic
def _prefetch(typingctx, arr, i, j):
    """Asks the CPU to bring arr[i, j, 0...] into cache (x86 prefetcht0) without waiting for it:
    a job that waited long in a queue finds its rows cold, and a miss costs ~100 ns."""
    sig = types.void(arr, i, j)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        idx = ([args[1], args[2]] + [zero] * (aryty.ndim - 2))[: aryty.ndim]
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx, wraparound=False)
        i8p = ir.PointerType(ir.IntType(8))
        i32 = ir.IntType(32)
        # the intrinsic's name carries its pointer type: p0 with opaque pointers (LLVM 15 on), p0i8 before
        name = "llvm.prefetch.p0i8" if str(i8p) == "i8*" else "llvm.prefetch.p0"
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), name)
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])  # read, keep in all levels, data
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, inline="always")
def _warm(job_i, job_f, req_i, req_t0, stack_i, jb):
    """Prefetches what a job dequeued now will touch when its service ends (its request's rows),
    and the row of the job queued behind it, dequeued next: under overload a queue holds
    hundreds of thousands of jobs, each cold by the time it reaches the head."""
    r = job_i[jb * N_JI + J_RID]
    _prefetch(req_i, r * N_RI, 0)
    _prefetch(req_t0, r, 0)
    for k in range(0, stack_i.shape[1], 8):  # a cache line holds 8 of its ints
        _prefetch(stack_i, r, k)
    nx = job_i[jb * N_JI + J_NEXT]
    if nx >= 0:
        _prefetch(job_i, nx * N_JI, 0)
        _prefetch(job_f, nx, 0)


@intrinsic
def _bits(typingctx, x):
    """The IEEE 754 bits of a float64 as an int64 (a register move, not a trip through memory)."""
    sig = types.int64(types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return sig, codegen


@njit(cache=True, inline="always")
def _bin(x):
    """The histogram bin of x >= 0: its exponent and top SUB_BITS mantissa bits."""
    if x < HIST_LO:
        return 0
    b = (_bits(x) >> (52 - SUB_BITS)) - _LO_BITS + 1
    return b if b < NBINS else NBINS - 1


def bin_edges(b: int) -> tuple[float, float]:
    """The [low, high) seconds of histogram bin b (Python side)."""
    if b <= 0:
        return 0.0, HIST_LO
    lo = np.array([(b - 1 + _LO_BITS) << (52 - SUB_BITS)], np.int64).view(np.float64)[0]
    hi = np.array([(b + _LO_BITS) << (52 - SUB_BITS)], np.int64).view(np.float64)[0]
    return float(lo), float(hi)


# The heap's push and pop are inlined by numba itself (inline="always"): left to LLVM, calls from a
# function as large as run() stay out-of-line calls that pass ~20 arguments on the stack (measured:
# W1 +10% inlined).
@njit(cache=True, inline="always")
def _push(h_t, h_i, n, t, kind, a, b):
    """Adds an event to the 4-ary min-heap on h_t (parent of i: (i - 1) // 4); event i's two payload
    words are h_i[2i] and h_i[2i + 1]."""
    i = n
    while i > 0:
        p = (i - 1) >> 2
        if h_t[p] <= t:
            break
        h_t[i] = h_t[p]
        h_i[2 * i] = h_i[2 * p]
        h_i[2 * i + 1] = h_i[2 * p + 1]
        i = p
    h_t[i] = t
    h_i[2 * i] = a
    h_i[2 * i + 1] = (b << 2) | kind
    return n + 1


@njit(cache=True, inline="always")
def _sift(h_t, h_i, n, t, k0, k1):
    """Places an event at the root of a heap of n events whose root slot is free, and lets it
    sink to its place. The smallest of four children is picked with selects, not branches: which
    child is smallest is a coin toss the branch predictor cannot learn."""
    i = 0
    while True:
        c = 4 * i + 1
        if c >= n:
            break
        if c + 3 < n:
            t0 = h_t[c]
            t1 = h_t[c + 1]
            t2 = h_t[c + 2]
            t3 = h_t[c + 3]
            a = c if t0 <= t1 else c + 1
            at = min(t0, t1)
            b = c + 2 if t2 <= t3 else c + 3
            bt = min(t2, t3)
            m = a if at <= bt else b
            mt = min(at, bt)
        else:
            m = c
            mt = h_t[c]
            for x in range(c + 1, n):
                if h_t[x] < mt:
                    mt = h_t[x]
                    m = x
        if mt >= t:
            break
        h_t[i] = mt
        h_i[2 * i] = h_i[2 * m]
        h_i[2 * i + 1] = h_i[2 * m + 1]
        i = m
    h_t[i] = t
    h_i[2 * i] = k0
    h_i[2 * i + 1] = k1


@njit(cache=True, inline="always")
def _pop(h_t, h_i, n):
    """Removes the root (the caller has read it); returns the new size. (run() writes this out:
    numba inlining it, with _sift inlined inside, keeps atomic reference counts around it.)"""
    n -= 1
    if n > 0:
        _sift(h_t, h_i, n, h_t[n], h_i[2 * n], h_i[2 * n + 1])
    return n


@njit(cache=True, inline="always")
def _put(h_t, h_i, n, held, t, kind, a, b):
    """Adds an event; returns the new size. With `held` the root has been read and is still to be
    removed: the new event takes its place and sinks (one pass down the heap instead of a pass down
    to remove the root and one up to add the event: a departure that starts the request's next call
    is a replace)."""
    if held:
        _sift(h_t, h_i, n, t, a, (b << 2) | kind)
        return n
    return _push(h_t, h_i, n, t, kind, a, b)


@njit(cache=True, inline="always")
def _service(dr, di, dist, mean, sigma):
    if dist == D_EXP:
        di[0] += 1
        return mean * dr[0, di[0] - 1]
    if dist == D_LOGNORMAL:
        # mean m and ln-sd sigma: mu = ln m - sigma^2 / 2
        di[2] += 1
        return math.exp(math.log(mean) - 0.5 * sigma * sigma + sigma * dr[2, di[2] - 1])
    return mean


@njit(cache=True, inline="always")
def _uniform(dr, di):
    di[1] += 1
    return dr[1, di[1] - 1]


@njit(cache=True, inline="always")
def _expo(dr, di):
    di[0] += 1
    return dr[0, di[0] - 1]


@njit(cache=True, inline="always")
def _earliest(next_arr):
    """The class whose next external arrival comes first, and its time."""
    c_arr = -1
    t_arr = np.inf
    for c in range(next_arr.shape[0]):
        if next_arr[c] < t_arr:
            t_arr = next_arr[c]
            c_arr = c
    return c_arr, t_arr


@njit(cache=True)
def _rate_factor(prof_t, prof_f, lo, hi, t):
    """Piecewise-linear load profile of one class at time t (held flat past its ends)."""
    if hi - lo == 1 or t <= prof_t[lo]:
        return prof_f[lo]
    if t >= prof_t[hi - 1]:
        return prof_f[hi - 1]
    j = lo
    while prof_t[j + 1] < t:
        j += 1
    t0, t1 = prof_t[j], prof_t[j + 1]
    return prof_f[j] + (prof_f[j + 1] - prof_f[j]) * (t - t0) / (t1 - t0)


@njit(cache=True, inline="always")
def _next_arrival(dr, di, gap, fmax, prof_t, prof_f, lo, hi, tn, t_end):
    """The next arrival after tn of a Poisson process whose rate is rate x the profile's factor:
    thinning (Lewis and Shedler 1979) against the profile's largest factor fmax. `gap` is the mean
    gap at that largest rate, 1 / (rate x fmax), or 0 for a class with no arrivals (a multiply:
    the next arrival's time is on the chain that picks the next event, and a divide is ~4x slower)."""
    if gap <= 0.0:
        return np.inf
    while True:
        tn += _expo(dr, di) * gap
        if tn >= t_end:
            return tn
        if hi - lo <= 1 or _uniform(dr, di) * fmax <= _rate_factor(prof_t, prof_f, lo, hi, tn):
            return tn


@njit(cache=True, error_model="numpy", nogil=True)
def run(  # noqa: PLR0913, PLR0915 - one loop over flat arrays is the point
        dr, di, t_end, t_final, window,
        # stations
        st_servers, st_conc, st_off, st_qlimit, st_dist, st_mean_r, st_mean_w, st_sigma,
        st_rl_rate, st_rl_burst,
        # steps
        step_station, step_calls_n, step_calls_p, step_end, step_hit, step_shift, step_write, step_timeout,
        step_retries, step_backoff, step_backoff_base, step_breaker, step_fallback, step_alt, step_alt_p, step_tq,
        # classes
        cls_gap, cls_root, cls_prof_lo, cls_prof_hi, cls_fmax, prof_t, prof_f,
        # faults (sorted by time)
        fault_t, fault_kind, fault_station, fault_a, fault_x,
        # dynamic state
        st_free_top, free_slots, slot_alive, slot_busy, slot_epoch, st_alive, st_lat, st_err,
        st_tokens, st_tok_t, st_qhead, st_qtail, st_qlen, st_inf, st_slotted, st_nbusy,
        br_state, br_until, br_ring, br_n,
        tq_t, tq_rid, tq_tok, tq_head, tq_len, tq_armed,
        req_i, req_t0, stack_i, free_r, job_i, job_f, free_j,
        h_t, h_i, next_arr, si, sf,
        # outputs
        cls_out, cls_hist, cls_lat_sum, st_cnt, st_busy, st_hist, st_wait_sum, st_wait_n, step_cnt, st_fail_w,
):
    n_cls = cls_gap.shape[0]
    n_win = cls_out.shape[1]
    nh = si[I_HEAP]
    nfr = si[I_FREE_R]
    nfj = si[I_FREE_J]
    nf = si[I_NEXT_FAULT]
    n_ev = si[I_EVENTS]
    now = sf[T_NOW]
    n_faults = fault_t.shape[0]
    H = h_t.shape[0]
    for c in range(n_cls):
        if next_arr[c] < 0.0:  # not primed yet
            next_arr[c] = _next_arrival(dr, di, cls_gap[c], cls_fmax[c], prof_t, prof_f,
                                        cls_prof_lo[c], cls_prof_hi[c], now, t_final)

    n_draws = dr.shape[1]
    inv_window = 1.0 / window
    # kept up to date as they change rather than looked up at every event: the earliest external
    # arrival, the next fault, and the window (w; the next one starts where now / window reaches w_next)
    c_arr, t_arr = _earliest(next_arr)
    t_fault = fault_t[nf] if nf < n_faults else np.inf
    w = 0
    w_next = 0.0

    code = DONE  # DONE, or what the caller must do before calling again (set just before a break)
    while True:
        if n_ev % ROOM_EVENTS == 0:
            if di[0] + DRAW_ROOM > n_draws or di[1] + DRAW_ROOM > n_draws or di[2] + DRAW_ROOM > n_draws:
                code = REFILL
            else:
                for k in range(tq_len.shape[0]):
                    if tq_len[k] + TQ_ROOM > tq_t.shape[1]:
                        code = GROW
                if nfr < R_ROOM or nfj < J_ROOM or nh + HEAP_ROOM > H:
                    code = GROW
            if code != DONE:
                break
        # the next thing to happen: a heap event, an external arrival or a fault
        t_heap = h_t[0] if nh > 0 else np.inf
        # (comparisons, not min(): in a function this large numba's min() stays an out-of-line call)
        t = t_heap if t_heap < t_arr else t_arr
        if t_fault < t:
            t = t_fault
        if t >= t_end:
            break
        if t_fault <= t_heap and t_fault <= t_arr and nh + HEAP_ROOM + st_qlen[fault_station[nf]] > H:
            code = GROW  # a fault may queue a station's whole queue as zero-delay departures
            break
        n_ev += 1
        now = t
        x = now * inv_window
        if x >= w_next:
            w = int(x)
            if w >= n_win - 1:
                w = n_win - 1
                w_next = np.inf
            else:
                w_next = w + 1.0

        # these are set by a handler that needs the request walker below
        act = 0  # see the walker below
        rid = -1
        d = 0  # the walker's depth and step (see the walker)
        i = 0
        end = 0
        reason = 0
        fb = False  # the completing call failed and its fallback served
        held = False  # the heap's root is read and not yet removed

        if t_fault <= t_heap and t_fault <= t_arr:
            # ---------------------------------------------------------------- a fault
            s = fault_station[nf]
            k = fault_kind[nf]
            if k == F_LATENCY:
                st_lat[s] = fault_x[nf]
            elif k == F_ERRORS:
                st_err[s] = fault_x[nf]
            else:
                r = fault_a[nf]
                lo = st_off[s] + r * st_conc[s]
                for sl in range(lo, lo + st_conc[s]):
                    if k == F_REPLICA_DOWN and slot_alive[sl] == 1:
                        slot_alive[sl] = 0
                        st_alive[s] -= 1
                        if slot_busy[sl] == 1:
                            slot_epoch[sl] += 1  # its request fails when the job would have ended
                        else:  # take it off the free stack
                            base = st_off[s]
                            for j in range(st_free_top[s]):
                                if free_slots[base + j] == sl:
                                    free_slots[base + j] = free_slots[base + st_free_top[s] - 1]
                                    st_free_top[s] -= 1
                                    break
                    elif k == F_REPLICA_UP and slot_alive[sl] == 0:
                        slot_alive[sl] = 1
                        st_alive[s] += 1
                        if slot_busy[sl] == 0:
                            free_slots[st_off[s] + st_free_top[s]] = sl
                            st_free_top[s] += 1
                # queued work starts on revived slots; with no live slot left the queue is refused
                while st_free_top[s] > 0 and st_qlen[s] > 0:
                    jb = st_qhead[s]
                    st_qhead[s] = job_i[jb * N_JI + J_NEXT]
                    st_qlen[s] -= 1
                    st_free_top[s] -= 1
                    sl = free_slots[st_off[s] + st_free_top[s]]
                    slot_busy[sl] = 1
                    job_i[jb * N_JI + J_SLOT] = sl
                    job_i[jb * N_JI + J_EPOCH] = slot_epoch[sl]
                    mean = st_mean_w[s] if step_write[job_i[jb * N_JI + J_STEP]] else st_mean_r[s]
                    ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                    st_wait_sum[s] += now - job_f[jb]
                    st_wait_n[s] += 1
                    st_busy[s, w] += ts
                    nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, jb, 0)
                    held = False
                if st_alive[s] == 0 and st_qlen[s] > 0:
                    # refuse everything queued: each live one fails its call (handled one per event)
                    while st_qlen[s] > 0:
                        jb = st_qhead[s]
                        st_qhead[s] = job_i[jb * N_JI + J_NEXT]
                        st_qlen[s] -= 1
                        st_cnt[s, S_REFUSED] += 1
                        st_fail_w[s, w] += 1
                        # a zero-delay departure with a dead epoch reports the failure in order
                        job_i[jb * N_JI + J_SLOT] = -1
                        nh = _put(h_t, h_i, nh, held, now, E_DEPART, jb, 1)
                        held = False
            nf += 1
            t_fault = fault_t[nf] if nf < n_faults else np.inf
            continue

        if t_arr < t_heap:
            # ---------------------------------------------------------------- a new request
            c = c_arr
            next_arr[c] = _next_arrival(dr, di, cls_gap[c], cls_fmax[c], prof_t, prof_f,
                                        cls_prof_lo[c], cls_prof_hi[c], now, t_final)
            c_arr, t_arr = _earliest(next_arr)
            if si[I_LIVE] >= si[I_MAX_LIVE]:
                # past the cap on requests in flight: the system is overloaded beyond recovery and
                # the arrival is turned away (memory stays bounded however long the run)
                cls_out[c, w, ERR_REJECTED] += 1
                si[I_OVERFLOW] += 1
                continue
            nfr -= 1
            rid = free_r[nfr]
            req_i[rid * N_RI + R_CLS] = c
            req_i[rid * N_RI + R_DEPTH] = 0
            req_i[rid * N_RI + R_GEN] += 1
            req_i[rid * N_RI + R_SEQ] += 1
            req_i[rid * N_RI + R_DEGRADED] = 0
            req_t0[rid] = now
            si[I_LIVE] += 1
            d = 0  # enter the class's root call, at depth 0
            i = cls_root[c]
            end = step_end[i]
            act = 6
        else:
            # ---------------------------------------------------------------- a heap event
            a = h_i[0]
            kind = h_i[1] & 3
            b = h_i[1] >> 2
            held = True  # removed when the event adds one (a replace) or at its end
            if kind == E_DEPART:
                jb = a
                s = job_i[jb * N_JI + J_STATION]
                sl = job_i[jb * N_JI + J_SLOT]
                if sl >= 0:
                    died = b == 1 or slot_epoch[sl] != job_i[jb * N_JI + J_EPOCH]
                else:
                    died = sl == -1  # -2: an infinite-server delay, -3: a pooled server; neither dies
                if sl == -3:
                    if st_qlen[s] > 0:  # the server goes straight to the head of the queue
                        nj = st_qhead[s]
                        _warm(job_i, job_f, req_i, req_t0, stack_i, nj)
                        st_qhead[s] = job_i[nj * N_JI + J_NEXT]
                        st_qlen[s] -= 1
                        job_i[nj * N_JI + J_SLOT] = -3
                        mean = st_mean_w[s] if step_write[job_i[nj * N_JI + J_STEP]] else st_mean_r[s]
                        ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                        st_wait_sum[s] += now - job_f[nj]
                        st_wait_n[s] += 1
                        st_busy[s, w] += ts
                        nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, nj, 0)
                        held = False
                    else:
                        st_nbusy[s] -= 1
                elif sl >= 0:
                    slot_busy[sl] = 0
                    if slot_alive[sl] == 1:
                        if st_qlen[s] > 0:  # the slot goes straight to the head of the queue
                            nj = st_qhead[s]
                            _warm(job_i, job_f, req_i, req_t0, stack_i, nj)
                            st_qhead[s] = job_i[nj * N_JI + J_NEXT]
                            st_qlen[s] -= 1
                            slot_busy[sl] = 1
                            job_i[nj * N_JI + J_SLOT] = sl
                            job_i[nj * N_JI + J_EPOCH] = slot_epoch[sl]
                            mean = st_mean_w[s] if step_write[job_i[nj * N_JI + J_STEP]] else st_mean_r[s]
                            ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                            st_wait_sum[s] += now - job_f[nj]
                            st_wait_n[s] += 1
                            st_busy[s, w] += ts
                            nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, nj, 0)
                            held = False
                        else:
                            free_slots[st_off[s] + st_free_top[s]] = sl
                            st_free_top[s] += 1
                rid = job_i[jb * N_JI + J_RID]
                live = job_i[jb * N_JI + J_GEN] == req_i[rid * N_RI + R_GEN]
                errored = False
                if not died:
                    if sl == -2:
                        st_inf[s] -= 1
                    if st_err[s] > 0.0 and _uniform(dr, di) < st_err[s]:
                        errored = True  # the work was done, and answered with an error
                        st_cnt[s, S_ERRORS] += 1
                        st_fail_w[s, w] += 1
                    else:
                        st_cnt[s, S_DONE] += 1
                        st_hist[s, w, _bin(now - job_f[jb])] += 1
                elif sl >= 0:
                    st_cnt[s, S_LOST] += 1
                    st_fail_w[s, w] += 1
                if not live:
                    st_cnt[s, S_ORPHANS] += 1
                # free the job
                free_j[nfj] = jb
                nfj += 1
                if live:
                    # a live job is the top call's current attempt: its step is the top's
                    d = req_i[rid * N_RI + R_DEPTH] - 1
                    i = job_i[jb * N_JI + J_STEP]
                    if died:
                        act = 2
                        reason = ERR_DOWN
                    elif errored:
                        act = 2
                        reason = ERR_FAILED
                    else:
                        act = 1
                else:
                    rid = -1
            elif kind == E_ARRIVE:
                jb = a
                rid = job_i[jb * N_JI + J_RID]
                if job_i[jb * N_JI + J_GEN] != req_i[rid * N_RI + R_GEN]:
                    free_j[nfj] = jb  # abandoned in flight
                    nfj += 1
                    rid = -1
                else:
                    act = 5  # arrive at the station (below), with its station and step
                    s = job_i[jb * N_JI + J_STATION]
                    i = job_i[jb * N_JI + J_STEP]
                    d = req_i[rid * N_RI + R_DEPTH] - 1
            elif kind == E_TIMER:
                # the head of timer queue `a` is due. Deadlines of one timeout value are issued in
                # order, so each queue is a FIFO: calls that ended long ago are dropped as they are
                # reached (no heap work), and the queue is re-armed at the first live deadline.
                tq = a
                tq_armed[tq] = 0
                cap = tq_t.shape[1]
                rid = -1
                while tq_len[tq] > 0:
                    hd = tq_head[tq]
                    r = tq_rid[tq, hd]
                    tk = tq_tok[tq, hd]
                    d = req_i[r * N_RI + R_DEPTH] - 1
                    while d >= 0 and stack_i[r, d * N_KI + K_TOK] != tk:
                        d -= 1
                    if d < 0:  # that call is over: drop it
                        tq_head[tq] = (hd + 1) % cap
                        tq_len[tq] -= 1
                        continue
                    if tq_t[tq, hd] > now:  # live and not yet due: wait for it
                        nh = _put(h_t, h_i, nh, held, tq_t[tq, hd], E_TIMER, tq, 0)
                        held = False
                        tq_armed[tq] = 1
                        break
                    tq_head[tq] = (hd + 1) % cap
                    tq_len[tq] -= 1
                    if tq_len[tq] > 0:  # the rest are handled as their own events
                        nh = _put(h_t, h_i, nh, held, max(now, tq_t[tq, tq_head[tq]]), E_TIMER, tq, 0)
                        held = False
                        tq_armed[tq] = 1
                    rid = r
                    req_i[rid * N_RI + R_DEPTH] = d + 1  # abandon everything below the timed-out call
                    req_i[rid * N_RI + R_GEN] += 1  # orphans its job, wherever it is
                    i = stack_i[rid, d * N_KI + K_STEP]
                    step_cnt[i, C_TIMEOUTS] += 1
                    act = 2
                    reason = ERR_TIMEOUT
                    break
            else:  # E_RETRY
                rid = a
                d = req_i[rid * N_RI + R_DEPTH] - 1
                if d >= 0 and stack_i[rid, d * N_KI + K_TOK] == b:
                    i = stack_i[rid, d * N_KI + K_STEP]
                    act = 3
                else:
                    rid = -1

        # -------------------------------------------------------------------- the request walker
        # act: 1 service done at the top call, 2 the top call failed (reason), 3 (re)issue the top
        # call, 5 a job reached its station after a network delay, 6 enter a call, 7 the top call is
        # complete, 8 the top call was refused by its open breaker. Acts 1, 2, 3, 7 and 8 start with
        # d = the top call's depth and i = its step; act 6 with d = the depth the call would take,
        # i = the step to try and `end` = where its parent's subtree ends; act 5 with s, i and jb.
        # They are handed on in locals, not read back from the rows just written: those loads sat
        # on the chain of dependent loads an event follows.
        while act != 0:
            # the blocks are in the order a request usually goes through them (1 -> 7, 6 -> 3 -> 5),
            # each falling through to the next check rather than back to the top: the next block is
            # a predictable branch away, not a jump through a table
            if act == 1:
                # the top call's own service is done: a cache hit ends its subtree, else its children
                if step_end[i] == i + 1 or (step_hit[i] > 0.0 and _uniform(dr, di) < step_hit[i]):
                    act = 7
                else:
                    end = step_end[i]  # its first child, one level down
                    i = i + 1
                    d = d + 1
                    act = 6

            if act == 7:
                # the call at the top completed successfully
                if not fb:
                    step_cnt[i, C_OK] += 1
                bk = step_breaker[i] if not fb else -1
                fb = False
                if bk >= 0:
                    if br_state[bk] == 2 and stack_i[rid, d * N_KI + K_PROBE] == 1:
                        br_state[bk] = 0
                        br_ring[bk] = 0
                        br_n[bk] = 0
                    elif br_state[bk] == 0:
                        br_ring[bk] = (br_ring[bk] << 1) & ((1 << BREAKER_WINDOW) - 1)
                        if br_n[bk] < BREAKER_WINDOW:
                            br_n[bk] += 1
                req_i[rid * N_RI + R_GEN] += 1  # its deadline (if any) is void
                stack_i[rid, d * N_KI + K_TOK] = -1
                stack_i[rid, d * N_KI + K_REPS] -= 1
                if stack_i[rid, d * N_KI + K_REPS] > 0:
                    # a new call: attempt 0, a first pass if every call above it is one
                    stack_i[rid, d * N_KI + K_ATT] = FIRST_PASS if d == 0 or stack_i[rid, (d - 1) * N_KI + K_ATT] == FIRST_PASS else 0
                    act = 3
                    continue
                req_i[rid * N_RI + R_DEPTH] = d
                if d == 0:
                    # the request is done
                    c = req_i[rid * N_RI + R_CLS]
                    lat = now - req_t0[rid]
                    out = DEGRADED if req_i[rid * N_RI + R_DEGRADED] == 1 else OK
                    cls_out[c, w, out] += 1
                    cls_hist[c, w, _bin(lat)] += 1
                    cls_lat_sum[c] += lat
                    req_i[rid * N_RI + R_GEN] += 1
                    free_r[nfr] = rid
                    nfr += 1
                    si[I_LIVE] -= 1
                    act = 0
                else:
                    i = step_end[i]  # the next sibling, under the (new) top: its subtree ends where the top's does
                    end = step_end[stack_i[rid, (d - 1) * N_KI + K_STEP]]
                    act = 6

            if act == 6:
                # enter step i, or skip to the next sibling while a step draws zero calls;
                # when the parent's subtree is exhausted the parent's call is complete
                entered = False
                while i < end:
                    n = step_calls_n[i]
                    if step_calls_p[i] > 0.0 and _uniform(dr, di) < step_calls_p[i]:
                        n += 1
                    if n > 0:
                        stack_i[rid, d * N_KI + K_STEP] = i
                        stack_i[rid, d * N_KI + K_REPS] = n
                        stack_i[rid, d * N_KI + K_ATT] = FIRST_PASS if d == 0 or stack_i[rid, (d - 1) * N_KI + K_ATT] == FIRST_PASS else 0
                        req_i[rid * N_RI + R_DEPTH] = d + 1
                        entered = True
                        break
                    i = step_end[i]
                if entered:
                    act = 3
                elif d == 0:  # a root that draws no call: nothing to do, done at once
                    c = req_i[rid * N_RI + R_CLS]
                    cls_out[c, w, OK] += 1
                    cls_hist[c, w, 0] += 1
                    req_i[rid * N_RI + R_GEN] += 1
                    free_r[nfr] = rid
                    nfr += 1
                    si[I_LIVE] -= 1
                    act = 0
                else:
                    d = d - 1  # the parent's call is complete
                    i = stack_i[rid, d * N_KI + K_STEP]
                    act = 7

            if act == 3:
                # issue (or re-issue) the call at the top of the stack
                req_i[rid * N_RI + R_SEQ] += 1
                tok = req_i[rid * N_RI + R_SEQ]
                stack_i[rid, d * N_KI + K_TOK] = tok
                stack_i[rid, d * N_KI + K_PROBE] = 0
                step_cnt[i, C_ATTEMPTS] += 1
                if stack_i[rid, d * N_KI + K_ATT] == FIRST_PASS:
                    step_cnt[i, C_CALLS] += 1
                s = step_station[i]
                if s < 0:  # no service of ours: straight on to its children
                    act = 1
                    continue
                if step_alt[i] >= 0 and _uniform(dr, di) < step_alt_p[i]:
                    s = step_alt[i]
                bk = step_breaker[i]
                if bk >= 0:
                    if br_state[bk] == 1:  # open
                        if now >= br_until[bk]:
                            br_state[bk] = 2  # half-open: this call is the probe
                            stack_i[rid, d * N_KI + K_PROBE] = 1
                        else:
                            step_cnt[i, C_BREAKER] += 1
                            act = 8  # fail without retrying: the breaker would refuse them too
                            reason = ERR_BREAKER
                            continue
                    elif br_state[bk] == 2:
                        step_cnt[i, C_BREAKER] += 1
                        act = 8
                        reason = ERR_BREAKER
                        continue
                tq = step_tq[i]
                if tq >= 0:
                    cap = tq_t.shape[1]
                    k = (tq_head[tq] + tq_len[tq]) % cap
                    tq_t[tq, k] = now + step_timeout[i]
                    tq_rid[tq, k] = rid
                    tq_tok[tq, k] = tok
                    tq_len[tq] += 1
                    if tq_armed[tq] == 0:
                        nh = _put(h_t, h_i, nh, held, now + step_timeout[i], E_TIMER, tq, 0)
                        held = False
                        tq_armed[tq] = 1
                nfj -= 1
                jb = free_j[nfj]
                job_i[jb * N_JI + J_RID] = rid
                job_i[jb * N_JI + J_GEN] = req_i[rid * N_RI + R_GEN]
                job_i[jb * N_JI + J_STEP] = i
                job_i[jb * N_JI + J_STATION] = s
                job_i[jb * N_JI + J_SLOT] = -1
                if step_shift[i] > 0.0:
                    nh = _put(h_t, h_i, nh, held, now + step_shift[i], E_ARRIVE, jb, 0)
                    held = False
                    act = 0
                else:
                    act = 5

            if act == 5:
                # arrive at the station: shed, refused, start, queue or reject
                # (s and i: the job's station and step, set by act 3 or the E_ARRIVE event)
                st_cnt[s, S_ARRIVALS] += 1
                if st_rl_rate[s] > 0.0:
                    st_tokens[s] = min(st_rl_burst[s], st_tokens[s] + (now - st_tok_t[s]) * st_rl_rate[s])
                    st_tok_t[s] = now
                if st_rl_rate[s] > 0.0 and st_tokens[s] < 1.0:
                    st_cnt[s, S_SHED] += 1
                    st_fail_w[s, w] += 1
                    free_j[nfj] = jb
                    nfj += 1
                    act = 2
                    reason = ERR_SHED
                    continue
                if st_rl_rate[s] > 0.0:
                    st_tokens[s] -= 1.0
                if st_alive[s] == 0:
                    st_cnt[s, S_REFUSED] += 1
                    st_fail_w[s, w] += 1
                    free_j[nfj] = jb
                    nfj += 1
                    act = 2
                    reason = ERR_DOWN
                    continue
                job_f[jb] = now
                if st_servers[s] == 0:  # an infinite-server delay: no slot, no wait
                    job_i[jb * N_JI + J_SLOT] = -2
                    mean = st_mean_w[s] if step_write[i] else st_mean_r[s]
                    ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                    st_wait_n[s] += 1
                    st_inf[s] += 1
                    nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, jb, 0)
                    held = False
                    act = 0
                elif st_slotted[s] == 0 and st_nbusy[s] < st_servers[s]:
                    # no replica fault touches this station: servers are a count, not slots
                    st_nbusy[s] += 1
                    job_i[jb * N_JI + J_SLOT] = -3
                    mean = st_mean_w[s] if step_write[i] else st_mean_r[s]
                    ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                    st_wait_n[s] += 1
                    st_busy[s, w] += ts
                    nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, jb, 0)
                    held = False
                    act = 0
                elif st_slotted[s] == 1 and st_free_top[s] > 0:
                    st_free_top[s] -= 1
                    sl = free_slots[st_off[s] + st_free_top[s]]
                    slot_busy[sl] = 1
                    job_i[jb * N_JI + J_SLOT] = sl
                    job_i[jb * N_JI + J_EPOCH] = slot_epoch[sl]
                    mean = st_mean_w[s] if step_write[i] else st_mean_r[s]
                    ts = st_lat[s] * _service(dr, di, st_dist[s], mean, st_sigma[s])
                    st_wait_n[s] += 1
                    st_busy[s, w] += ts
                    nh = _put(h_t, h_i, nh, held, now + ts, E_DEPART, jb, 0)
                    held = False
                    act = 0
                elif st_qlimit[s] >= 0 and st_qlen[s] >= st_qlimit[s]:
                    st_cnt[s, S_REJECTED] += 1
                    st_fail_w[s, w] += 1
                    free_j[nfj] = jb
                    nfj += 1
                    act = 2
                    reason = ERR_REJECTED
                else:
                    job_i[jb * N_JI + J_NEXT] = -1
                    if st_qlen[s] == 0:
                        st_qhead[s] = jb
                    else:
                        job_i[st_qtail[s] * N_JI + J_NEXT] = jb
                    st_qtail[s] = jb
                    st_qlen[s] += 1
                    if st_qlen[s] > st_cnt[s, S_QMAX]:
                        st_cnt[s, S_QMAX] = st_qlen[s]
                    act = 0

            if act == 2 or act == 8:
                # the top call failed (act 8: refused by an open breaker, no retry)
                req_i[rid * N_RI + R_GEN] += 1  # orphan whatever of this attempt is still out there
                stack_i[rid, d * N_KI + K_TOK] = -1
                bk = step_breaker[i]
                if bk >= 0 and act == 2:
                    if br_state[bk] == 2 and stack_i[rid, d * N_KI + K_PROBE] == 1:
                        br_state[bk] = 1
                        br_until[bk] = now + BREAKER_SLEEP
                    elif br_state[bk] == 0:
                        br_ring[bk] = ((br_ring[bk] << 1) | 1) & ((1 << BREAKER_WINDOW) - 1)
                        if br_n[bk] < BREAKER_WINDOW:
                            br_n[bk] += 1
                        fails = 0
                        x = br_ring[bk]
                        while x:
                            fails += x & 1
                            x >>= 1
                        if br_n[bk] >= BREAKER_WINDOW and fails >= BREAKER_RATIO * BREAKER_WINDOW:
                            br_state[bk] = 1
                            br_until[bk] = now + BREAKER_SLEEP
                att = stack_i[rid, d * N_KI + K_ATT] & (FIRST_PASS - 1)
                if act == 2 and att < step_retries[i]:
                    stack_i[rid, d * N_KI + K_ATT] = att + 1  # a retry: no longer a first pass
                    bo = step_backoff[i]
                    wait = 0.0
                    if bo == B_FIXED:
                        wait = step_backoff_base[i]
                    elif bo == B_EXP:
                        wait = step_backoff_base[i] * 2.0 ** att
                    elif bo == B_EXP_JITTER:  # full jitter: uniform on [0, base x 2^att]
                        wait = _uniform(dr, di) * step_backoff_base[i] * 2.0 ** att
                    req_i[rid * N_RI + R_SEQ] += 1
                    stack_i[rid, d * N_KI + K_TOK] = req_i[rid * N_RI + R_SEQ]
                    if wait > 0.0:
                        nh = _put(h_t, h_i, nh, held, now + wait, E_RETRY, rid, req_i[rid * N_RI + R_SEQ])
                        held = False
                        act = 0
                    else:
                        act = 3
                    continue
                step_cnt[i, C_FAILED] += 1
                if step_fallback[i] == 1:
                    # graceful degradation: the caller serves its fallback and goes on
                    step_cnt[i, C_FALLBACK] += 1
                    req_i[rid * N_RI + R_DEGRADED] = 1
                    stack_i[rid, d * N_KI + K_REPS] = 1
                    fb = True
                    act = 7
                    continue
                if d == 0:
                    c = req_i[rid * N_RI + R_CLS]
                    cls_out[c, w, reason] += 1
                    req_i[rid * N_RI + R_GEN] += 1
                    req_i[rid * N_RI + R_DEPTH] = 0
                    free_r[nfr] = rid
                    nfr += 1
                    si[I_LIVE] -= 1
                    act = 0
                else:
                    req_i[rid * N_RI + R_DEPTH] = d  # the caller's own call fails in turn
                    d = d - 1
                    i = stack_i[rid, d * N_KI + K_STEP]
                    act = 2
                continue
        if held:  # the event read off the heap added none: remove it now
            # (_pop written out: numba inlining _pop, which inlines _sift in turn, keeps an atomic
            # incref and decref of h_t and h_i around it, four locked instructions per pop that
            # wait for every pending store; one level of inlining, as in _put, has none)
            nh -= 1
            if nh > 0:
                _sift(h_t, h_i, nh, h_t[nh], h_i[2 * nh], h_i[2 * nh + 1])

    si[I_HEAP] = nh
    si[I_FREE_R] = nfr
    si[I_FREE_J] = nfj
    si[I_NEXT_FAULT] = nf
    si[I_EVENTS] = n_ev
    sf[T_NOW] = now
    return code

"""The inspection model's job pools, compiled (Numba): the same rules as
:mod:`anjian.sim.inspection_loop` and :mod:`anjian.sim.dispatch`, on arrays.

A Chongqing year is about 890,000 jobs; in CPython each costs about 13 µs however it is written
(a heap pop, the visit's outcome, the next job, a heap push). Here the pools' whole state lives
in numpy arrays (:class:`State`, built and refilled by :mod:`anjian.sim.engine`) and the event
loop, the visit's outcome (self-fixing firms, detection, penalties, referrals, deterrence,
re-inspections, blacklisting, the next routine job), dispatch (priority classes, release days,
idle inspectors, vacancies and hiring) run compiled. The Python model keeps everything else
(SimPy processes, hazard years, accident closes, KPIs) and reaches the pools through
:class:`anjian.sim.engine.CompiledPool`, which has :class:`~anjian.sim.dispatch.JobPool`'s
methods.

Heaps are skew heaps over slots of two stores (jobs, events): a heap is a root slot, each slot
its children, so no heap ever needs resizing; keys are ``(time, seq)`` as in the Python heaps,
with ``seq`` unique, so jobs and events come out in exactly the Python order. Every draw is the
Python model's draw (the sites' counter-based uniforms, the same duration blocks, the posts'
own streams pre-drawn in order): the compiled and the Python model give the same numbers, a
test (tests/test_inspection_model.py) and the golden runs check it.

Stores and buffers are grown and refilled by Python between events: the loop stops (returns
``NEEDS_REFILL``) at the start of an event whenever a buffer is below its low-water mark, and
one event can never use more than the margin left above it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, objmode, types
from numba.experimental import structref

INF = math.inf
DAY = 1440.0

# job kinds (as sim.dispatch) and queue classes
COMPLAINT, REINSPECTION, MAJOR, ROUTINE, SPOT, CAMPAIGN, INVESTIGATION, REFERRAL = range(8)
N_CLASSES = 5
PLANNED = 4
SHARED_FROM = 3

# event types
FINISH, TIMER, HIRED, REFPEN = 0, 1, 2, 3

# job store columns: float (jf) and int (ji)
JF_DUE, JF_REL, JF_X = 0, 1, 2
JI_SEQ, JI_SITE, JI_KIND, JI_VER, JI_CLS, JI_FLAG, JI_L, JI_R = range(8)
# event store columns
EF_T, EF_X = 0, 1
EI_SEQ, EI_TYPE, EI_INS, EI_I, EI_L, EI_R = range(6)

# the 2-D counters (district × category), in State.ct
CT_NAMES = ("routine_on_time", "routine_overdue_min", "detected", "arisen", "rectified",
            "latent_min", "open_min", "orders", "reinspections", "closures", "referrals",
            "referral_penalties", "penalised_findings", "penalty_delay_min", "deterred",
            "blacklisted", "complaint_hits", "referral_cases", "self_fixed")  # fmt: skip
(C_ONTIME, C_OVERDUE, C_DETECTED, C_ARISEN, C_RECTIFIED, C_LATENT, C_OPEN, C_ORDERS, C_REINSP,
 C_CLOSURES, C_REFERRALS, C_REFPEN, C_PENFIND, C_PENDELAY, C_DETERRED, C_BLACK, C_HITS,
 C_REFCASES, C_SELFFIX) = range(len(CT_NAMES))  # fmt: skip

# parameters (State.P), keys (State.K), mutable scalars (State.S)
(P_HORIZON, P_RELEASE, P_RDET, P_RDUR, P_BLF, P_BLMIN, P_CASE, P_DSHARE, P_DMIN, P_REFMIN,
 P_REFACT, P_REFSTAND, P_CPEN, P_CNOPEN, P_DURLOW, P_NC, P_NDEP, P_BLOCK,
 P_FIXLOW) = range(19)  # fmt: skip
N_PARAMS = 19
K_DET, K_COMP, K_REF, K_SF = range(4)
(S_SEQ, S_FLAG, S_FIXN, S_JTOP, S_ETOP, S_ND, S_JLOW, S_ELOW, S_C_ITER, S_C_I,
 S_C_UPOS) = range(11)  # fmt: skip

NEEDS_REFILL = 1

_I1, _F1, _U1, _B1 = types.int64[::1], types.float64[::1], types.uint64[::1], types.uint8[::1]
_I2, _F2, _F3 = types.int64[:, ::1], types.float64[:, ::1], types.float64[:, :, ::1]
#: the state's fields and their array types (C-contiguous)
SPEC = [
    # per site
    ("cat", _I1),
    ("dist", _I1),
    ("flood", _I1),
    ("latent", _I1),
    ("ordered", _I1),
    ("version", _I1),
    ("reinsp", _I1),
    ("penaliser", _I1),
    ("ptr", _I1),
    ("ptr_end", _I1),
    ("gone_ahead", _I1),
    ("major", _I1),
    ("spool", _I1),
    ("dctr", _I1),
    ("cctr", _I1),
    ("rctr", _I1),
    ("sfctr", _I1),
    ("interval", _F1),
    ("flood_interval", _F1),
    ("next_due", _F1),
    ("listed", _F1),
    ("last_catch", _F1),
    ("sf_rate", _F1),
    ("deter_until", _F1),
    # the sites' pre-drawn uniforms (detection, compliance, referral)
    ("ud_base", _I1),
    ("ud_pre", _F1),
    ("uc_base", _I1),
    ("uc_pre", _F1),
    ("ur_base", _I1),
    ("ur_pre", _F1),
    # this hazard year's arrivals: times, avoided by deterrence, their deterrence uniforms
    ("h_times", _F1),
    ("h_gone", _B1),
    ("h_deter_u", _F1),
    # per category; per district × department
    ("rect_min", _F1),
    ("cat_dept", _I1),
    ("dept_staffed", _I2),
    # visit durations (district × category) and investigation durations (district): blocks,
    # read position, end, low-water mark
    ("dur", _F2),
    ("dur_pos", _I1),
    ("dur_end", _I1),
    ("dur_low", _I1),
    ("inv", _F2),
    ("inv_pos", _I1),
    ("inv_end", _I1),
    # counters
    ("ct", _F3),
    ("done", _F3),
    ("wait_sum", _F2),
    ("wait_n", _F2),
    ("pen", _F2),
    # this period's fixes (rectifications and self-fixes): time, site, hazards
    ("fix_t", _F1),
    ("fix_site", _I1),
    ("fix_n", _I1),
    # posts
    ("i_pool", _I1),
    ("i_kind", _I1),
    ("i_dist", _I1),
    ("i_canpen", _I1),
    ("i_p", _F1),
    ("i_nov", _F1),
    ("i_comp", _F1),
    ("i_leave", _F1),
    ("i_busy", _F1),
    ("i_travel", _F1),
    ("i_vwork", _F1),
    ("i_vsince", _F1),
    ("i_insp", _I1),
    ("i_pens", _I1),
    ("i_s0", _F1),
    ("i_shift", _F1),
    ("i_fshift", _F1),
    ("i_cur", _I1),
    ("i_next", _I1),
    ("rt", _F2),
    ("pd", _F2),
    ("pd_pos", _I1),
    ("pd_end", _I1),
    ("kind_rate", _F1),
    # pools
    ("q_now", _F1),
    ("q_wake", _F1),
    ("q_ev", _I1),
    ("q_pend", _I1),
    ("q_nbkt", _I1),
    ("q_nday", _I1),
    ("b_head", _I2),
    ("b_tail", _I2),
    ("q_root", _I2),
    ("q_ihead", _I1),
    ("q_itail", _I1),
    ("q_in", _I1),
    # job and event stores
    ("jf", _F2),
    ("ji", _I2),
    ("jfree", _I1),
    ("ef", _F2),
    ("ei", _I2),
    ("efree", _I1),
    # flood-season windows, parameters, keys, scalars, deferred vacancies
    ("flood_a", _F1),
    ("flood_b", _F1),
    ("P", _F1),
    ("K", _U1),
    ("S", _I1),
    ("defer", _I1),
]
FIELDS = tuple(name for name, _ in SPEC)


@structref.register
class StateType(types.StructRef):
    """The kernel's state: one mutable record of arrays, passed by reference."""

    def preprocess_fields(self, fields: Any) -> Any:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class State(structref.StructRefProxy):
    """The state as Python holds it (made by :func:`new_state`; Python reads and writes the
    arrays themselves)."""


structref.define_boxing(StateType, State)
STATE_TYPE = StateType(SPEC)


@njit(cache=True)
def new_state(a: Any) -> Any:
    """The state from the arrays ``a`` (a tuple in the order of ``FIELDS``); a cached
    constructor (the proxy's own is compiled anew in every process)."""
    st: Any = structref.new(STATE_TYPE)  # type: ignore[call-arg]
    st.cat = a[0]
    st.dist = a[1]
    st.flood = a[2]
    st.latent = a[3]
    st.ordered = a[4]
    st.version = a[5]
    st.reinsp = a[6]
    st.penaliser = a[7]
    st.ptr = a[8]
    st.ptr_end = a[9]
    st.gone_ahead = a[10]
    st.major = a[11]
    st.spool = a[12]
    st.dctr = a[13]
    st.cctr = a[14]
    st.rctr = a[15]
    st.sfctr = a[16]
    st.interval = a[17]
    st.flood_interval = a[18]
    st.next_due = a[19]
    st.listed = a[20]
    st.last_catch = a[21]
    st.sf_rate = a[22]
    st.deter_until = a[23]
    st.ud_base = a[24]
    st.ud_pre = a[25]
    st.uc_base = a[26]
    st.uc_pre = a[27]
    st.ur_base = a[28]
    st.ur_pre = a[29]
    st.h_times = a[30]
    st.h_gone = a[31]
    st.h_deter_u = a[32]
    st.rect_min = a[33]
    st.cat_dept = a[34]
    st.dept_staffed = a[35]
    st.dur = a[36]
    st.dur_pos = a[37]
    st.dur_end = a[38]
    st.dur_low = a[39]
    st.inv = a[40]
    st.inv_pos = a[41]
    st.inv_end = a[42]
    st.ct = a[43]
    st.done = a[44]
    st.wait_sum = a[45]
    st.wait_n = a[46]
    st.pen = a[47]
    st.fix_t = a[48]
    st.fix_site = a[49]
    st.fix_n = a[50]
    st.i_pool = a[51]
    st.i_kind = a[52]
    st.i_dist = a[53]
    st.i_canpen = a[54]
    st.i_p = a[55]
    st.i_nov = a[56]
    st.i_comp = a[57]
    st.i_leave = a[58]
    st.i_busy = a[59]
    st.i_travel = a[60]
    st.i_vwork = a[61]
    st.i_vsince = a[62]
    st.i_insp = a[63]
    st.i_pens = a[64]
    st.i_s0 = a[65]
    st.i_shift = a[66]
    st.i_fshift = a[67]
    st.i_cur = a[68]
    st.i_next = a[69]
    st.rt = a[70]
    st.pd = a[71]
    st.pd_pos = a[72]
    st.pd_end = a[73]
    st.kind_rate = a[74]
    st.q_now = a[75]
    st.q_wake = a[76]
    st.q_ev = a[77]
    st.q_pend = a[78]
    st.q_nbkt = a[79]
    st.q_nday = a[80]
    st.b_head = a[81]
    st.b_tail = a[82]
    st.q_root = a[83]
    st.q_ihead = a[84]
    st.q_itail = a[85]
    st.q_in = a[86]
    st.jf = a[87]
    st.ji = a[88]
    st.jfree = a[89]
    st.ef = a[90]
    st.ei = a[91]
    st.efree = a[92]
    st.flood_a = a[93]
    st.flood_b = a[94]
    st.P = a[95]
    st.K = a[96]
    st.S = a[97]
    st.defer = a[98]
    return st


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SITE = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO_53 = 1.0 / (1 << 53)


# -- random numbers (sim.crn) ------------------------------------------------------------------
@njit(cache=True, inline="always")
def site_uniform(key: Any, entity: int, counter: int) -> float:
    z = key + np.uint64(entity) * _SITE + np.uint64(counter + 1) * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * _TWO_53


@njit(cache=True, inline="always")
def site_draw(base: Any, pre: Any, block: int, key: Any, i: int, counter: int) -> float:
    j = counter - base[i]
    if 0 <= j < block:
        return pre[i * block + j]
    return site_uniform(key, i, counter)


def _py_binomial(n: int, p: float, u: float) -> int:
    from .crn import binomial_from_uniform

    return binomial_from_uniform(n, p, u)


@njit(cache=True)
def binomial(n: int, p: float, u: float) -> int:
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    term = math.pow(q, float(n))
    if term == 0.0:  # underflow: the Python fallback (hundreds of hazards at one site)
        with objmode(k="int64"):
            k = _py_binomial(n, p, u)
        return k
    cdf = term
    k = 0
    ratio = p / q
    while u >= cdf and k < n:
        term *= (n - k) / (k + 1) * ratio
        k += 1
        cdf += term
    return k


# -- the calendar (sim.calendar.WorkCalendar) --------------------------------------------------
@njit(cache=True)
def _length(shift: float, fshift: float, fa: Any, fb: Any, start: float) -> float:
    """The length of the shift starting at ``start`` (shorter on flood-season duty days)."""
    if fshift >= 0:
        for k in range(len(fa)):
            if fa[k] <= start < fb[k]:
                return fshift
    return shift


@njit(cache=True)
def _bounds(s0: float, shift: float, fshift: float, fa: Any, fb: Any,
            t: float) -> tuple[float, float]:  # fmt: skip
    start = math.floor((t - s0) / DAY) * DAY + s0
    if fshift >= 0 and len(fa):
        end = start + _length(shift, fshift, fa, fb, start)
        while t >= end:
            start += DAY
            end = start + _length(shift, fshift, fa, fb, start)
        return start, end
    end = start + shift
    if t >= end:
        start += DAY
        end += DAY
    return start, end


@njit(cache=True)
def cal_finish(s0: float, shift: float, fshift: float, fa: Any, fb: Any, t: float,
               work: float) -> float:  # fmt: skip
    if shift >= DAY:
        return t + work
    start, end = _bounds(s0, shift, fshift, fa, fb, t)
    dutied = fshift >= 0 and len(fa) > 0
    now = t if t >= start else start
    left = work
    while left > end - now:
        left -= end - now
        start += DAY
        if dutied:
            end = start + _length(shift, fshift, fa, fb, start)
        else:
            end += DAY
        now = start
    return now + left


@njit(cache=True, inline="always")
def cal_span(s0: float, shift: float, fshift: float, fa: Any, fb: Any, t: float,
             work: float) -> tuple[float, float]:  # fmt: skip
    if shift >= DAY:
        return t, t + work
    start, end = _bounds(s0, shift, fshift, fa, fb, t)
    begin = t if t > start else start
    if work <= end - begin:
        return begin, begin + work
    return begin, cal_finish(s0, shift, fshift, fa, fb, begin, work)


@njit(cache=True)
def _worked_before(s0: float, shift: float, fshift: float, fa: Any, fb: Any,
                   days: float) -> float:  # fmt: skip
    whole = math.floor(days)
    frac = (days - whole) * DAY
    if not (fshift >= 0 and len(fa) > 0):
        return whole * shift + (frac if frac < shift else shift)
    flood_days = 0.0
    for k in range(len(fa)):
        lo = fa[k] / DAY
        hi = fb[k] / DAY
        w = whole if whole > lo else lo
        flood_days += (w if w < hi else hi) - lo
    today = _length(shift, fshift, fa, fb, whole * DAY + s0)
    return whole * shift - (shift - fshift) * flood_days + (frac if frac < today else today)


@njit(cache=True)
def cal_work_between(s0: float, shift: float, fshift: float, fa: Any, fb: Any, t0: float,
                     t1: float) -> float:  # fmt: skip
    if t1 <= t0:
        return 0.0
    if shift >= DAY:
        return t1 - t0
    d0 = (t0 - s0) / DAY
    d1 = (t1 - s0) / DAY
    return _worked_before(s0, shift, fshift, fa, fb, d1) - _worked_before(
        s0, shift, fshift, fa, fb, d0
    )


# -- skew heaps over the stores ----------------------------------------------------------------
@njit(cache=True, inline="always")
def _less(f: Any, i: Any, a: int, b: int, col: int) -> bool:
    """Slot ``a`` before slot ``b``: by ``f[:, col]``, then by seq (column 0 of ``i``)."""
    ka = f[a, col]
    kb = f[b, col]
    return ka < kb or (ka == kb and i[a, 0] < i[b, 0])


@njit(cache=True)
def meld(f: Any, i: Any, a: int, b: int, col: int, lc: int, rc: int) -> int:
    """Meld two skew heaps of a store (float columns ``f``, int columns ``i`` with the seq in
    column 0 and the children in ``lc``, ``rc``), keyed by ``(f[:, col], seq)``; returns the
    root (top-down, without recursion)."""
    if a < 0:
        return b
    if b < 0:
        return a
    if _less(f, i, b, a, col):
        a, b = b, a
    root = a
    parent = a
    while True:
        r = i[parent, rc]
        i[parent, rc] = i[parent, lc]
        if r < 0:
            i[parent, lc] = b
            break
        if _less(f, i, b, r, col):
            r, b = b, r
        i[parent, lc] = r
        parent = r
    return root


@njit(cache=True, inline="always")
def j_meld(jf: Any, ji: Any, a: int, b: int, col: int) -> int:
    """Meld two job heaps keyed by ``(jf[:, col], seq)``."""
    return meld(jf, ji, a, b, col, JI_L, JI_R)


@njit(cache=True, inline="always")
def e_meld(ef: Any, ei: Any, a: int, b: int) -> int:
    """Meld two event heaps keyed by ``(time, seq)``."""
    return meld(ef, ei, a, b, EF_T, EI_L, EI_R)


@njit(cache=True)
def next_seq(st: Any) -> int:
    s = st.S[S_SEQ]
    st.S[S_SEQ] = s + 1
    return s


@njit(cache=True)
def j_alloc(st: Any, due: float, seq: int, rel: float, site: int, kind: int, ver: int,
            cls: int, x: float, flag: int) -> int:  # fmt: skip
    top = st.S[S_JTOP] - 1
    st.S[S_JTOP] = top
    if top < st.S[S_JLOW]:
        st.S[S_FLAG] = 1
    j = st.jfree[top]
    st.jf[j, JF_DUE] = due
    st.jf[j, JF_REL] = rel
    st.jf[j, JF_X] = x
    st.ji[j, JI_SEQ] = seq
    st.ji[j, JI_SITE] = site
    st.ji[j, JI_KIND] = kind
    st.ji[j, JI_VER] = ver
    st.ji[j, JI_CLS] = cls
    st.ji[j, JI_FLAG] = flag
    st.ji[j, JI_L] = -1
    st.ji[j, JI_R] = -1
    return j


@njit(cache=True, inline="always")
def j_release_slot(st: Any, j: int) -> None:
    st.jfree[st.S[S_JTOP]] = j
    st.S[S_JTOP] += 1


@njit(cache=True)
def j_pop(st: Any, root: int) -> int:
    """The heap left when ``root`` is removed."""
    return j_meld(st.jf, st.ji, st.ji[root, JI_L], st.ji[root, JI_R], JF_DUE)


@njit(cache=True)
def e_at(st: Any, q: int, t: float, typ: int, ins: int, i: int, x: float) -> None:
    """An event of pool ``q`` at ``t`` (JobPool.at)."""
    top = st.S[S_ETOP] - 1
    st.S[S_ETOP] = top
    if top < st.S[S_ELOW]:
        st.S[S_FLAG] = 1
    e = st.efree[top]
    st.ef[e, EF_T] = t
    st.ef[e, EF_X] = x
    st.ei[e, EI_SEQ] = next_seq(st)
    st.ei[e, EI_TYPE] = typ
    st.ei[e, EI_INS] = ins
    st.ei[e, EI_I] = i
    st.ei[e, EI_L] = -1
    st.ei[e, EI_R] = -1
    st.q_ev[q] = e_meld(st.ef, st.ei, st.q_ev[q], e)


# -- the pool (sim.dispatch.JobPool) -----------------------------------------------------------
@njit(cache=True)
def wake(st: Any, q: int, t: float) -> None:
    if t < INF:
        st.q_wake[q] = t
        now = st.q_now[q]
        e_at(st, q, t if t > now else now, TIMER, -1, -1, 0.0)


@njit(cache=True)
def pend_insert(st: Any, q: int, j: int) -> None:
    """A job not yet released: into its release day's bucket (planned work is released at day
    starts), or the pool's overflow heap for a release off the day grid or past the buckets."""
    rel = st.jf[j, JF_REL]
    d = int(rel // DAY)
    st.ji[j, JI_L] = -1
    st.ji[j, JI_R] = -1
    if 0 <= d < st.b_head.shape[1] and d * DAY == rel:
        tail = st.b_tail[q, d]
        if tail < 0:
            st.b_head[q, d] = j
        else:
            st.ji[tail, JI_R] = j
        st.b_tail[q, d] = j
        st.q_nbkt[q] += 1
        if d < st.q_nday[q]:
            st.q_nday[q] = d
        return
    st.q_pend[q] = j_meld(st.jf, st.ji, st.q_pend[q], j, JF_REL)


@njit(cache=True)
def next_release(st: Any, q: int) -> float:
    """The earliest release time of a job not yet released (INF if none)."""
    r = INF
    if st.q_nbkt[q] > 0:
        d = st.q_nday[q]
        while st.b_head[q, d] < 0:  # empty days before the first bucket in use
            d += 1
        st.q_nday[q] = d
        r = d * DAY
    p = st.q_pend[q]
    if p >= 0 and st.jf[p, JF_REL] < r:
        r = st.jf[p, JF_REL]
    return r


@njit(cache=True)
def release(st: Any, q: int) -> None:
    """Move every job released by now into its class heap."""
    now = st.q_now[q]
    jf, ji = st.jf, st.ji
    while st.q_nbkt[q] > 0:
        next_release(st, q)  # q_nday: the first day whose bucket is in use
        d = st.q_nday[q]
        if d * DAY > now:
            break
        j = st.b_head[q, d]
        st.b_head[q, d] = -1
        st.b_tail[q, d] = -1
        while j >= 0:
            nxt = ji[j, JI_R]
            ji[j, JI_R] = -1
            cls = ji[j, JI_CLS]
            st.q_root[q, cls] = j_meld(jf, ji, st.q_root[q, cls], j, JF_DUE)
            st.q_nbkt[q] -= 1
            j = nxt
    while True:
        p = st.q_pend[q]
        if p < 0 or jf[p, JF_REL] > now:
            return
        st.q_pend[q] = j_meld(jf, ji, ji[p, JI_L], ji[p, JI_R], JF_REL)
        ji[p, JI_L] = -1
        ji[p, JI_R] = -1
        cls = ji[p, JI_CLS]
        st.q_root[q, cls] = j_meld(jf, ji, st.q_root[q, cls], p, JF_DUE)


@njit(cache=True, inline="always")
def _live(st: Any, j: int) -> bool:
    v = st.ji[j, JI_VER]
    return v < 0 or v == st.version[st.ji[j, JI_SITE]]


@njit(cache=True)
def take(st: Any, q: int) -> int:
    """The best released job's slot, removed from the pool (-1 if none)."""
    if next_release(st, q) <= st.q_now[q]:
        release(st, q)
    for cls in range(SHARED_FROM):
        while st.q_root[q, cls] >= 0:
            j = st.q_root[q, cls]
            st.q_root[q, cls] = j_pop(st, j)
            if _live(st, j):
                return j
            j_release_slot(st, j)
    best = -1
    best_cls = -1
    for cls in range(SHARED_FROM, N_CLASSES):
        while st.q_root[q, cls] >= 0 and not _live(st, st.q_root[q, cls]):
            j = st.q_root[q, cls]
            st.q_root[q, cls] = j_pop(st, j)  # superseded job
            j_release_slot(st, j)
        j = st.q_root[q, cls]
        if j >= 0 and (best < 0 or st.jf[j, JF_DUE] < st.jf[best, JF_DUE]):
            best = j
            best_cls = cls
    if best < 0:
        return -1
    st.q_root[q, best_cls] = j_pop(st, best)
    return best


@njit(cache=True, inline="always")
def _any_released(st: Any, q: int, t: float) -> bool:
    for cls in range(N_CLASSES):
        if st.q_root[q, cls] >= 0:
            return True
    return next_release(st, q) <= t


@njit(cache=True)
def idle_append(st: Any, q: int, ins: int) -> None:
    st.i_next[ins] = -1
    if st.q_in[q] == 0:
        st.q_ihead[q] = ins
    else:
        st.i_next[st.q_itail[q]] = ins
    st.q_itail[q] = ins
    st.q_in[q] += 1


@njit(cache=True)
def idle_popleft(st: Any, q: int) -> int:
    ins = st.q_ihead[q]
    st.q_ihead[q] = st.i_next[ins]
    st.q_in[q] -= 1
    return ins


@njit(cache=True)
def heap_insert(st: Any, q: int, j: int) -> None:
    cls = st.ji[j, JI_CLS]
    st.ji[j, JI_L] = -1
    st.ji[j, JI_R] = -1
    st.q_root[q, cls] = j_meld(st.jf, st.ji, st.q_root[q, cls], j, JF_DUE)


@njit(cache=True)
def push(st: Any, q: int, j: int) -> None:
    """JobPool.push: a free inspector takes the job now, or when it is released."""
    rel = st.jf[j, JF_REL]
    if rel <= st.q_now[q]:
        heap_insert(st, q, j)
        if st.q_in[q] > 0:
            assign(st, q)
        return
    pend_insert(st, q, j)
    if st.q_in[q] > 0 and rel < st.q_wake[q]:
        wake(st, q, rel)


@njit(cache=True)
def start(st: Any, q: int, ins: int, j: int, now: float) -> None:
    """``ins`` takes job ``j``: travel and inspect in working time (InspectionModel.start_job)."""
    i = st.ji[j, JI_SITE]
    sd = st.dist[i]
    travel = st.rt[st.i_dist[ins], sd]
    kind = st.ji[j, JI_KIND]
    if kind < INVESTIGATION:
        cell = sd * int(st.P[P_NC]) + st.cat[i]
        pos = st.dur_pos[cell]
        work = st.dur[cell, pos]
        st.dur_pos[cell] = pos + 1
        if st.dur_end[cell] - pos - 1 < st.dur_low[cell]:
            st.S[S_FLAG] = 1
        if kind == REINSPECTION:
            work *= st.P[P_RDUR]
        work += travel
    elif kind == INVESTIGATION:
        pos = st.inv_pos[sd]
        work = st.inv[sd, pos] + travel
        st.inv_pos[sd] = pos + 1
        if st.inv_end[sd] - pos - 1 < st.P[P_DURLOW]:
            st.S[S_FLAG] = 1
    else:  # a referred case: office work
        work = st.P[P_CASE]
        travel = 0.0
    begin, end = cal_span(st.i_s0[ins], st.i_shift[ins], st.i_fshift[ins], st.flood_a, st.flood_b,
                          now, work)  # fmt: skip
    st.wait_sum[sd, kind] += begin - st.jf[j, JF_REL]
    st.wait_n[sd, kind] += 1
    st.i_busy[ins] += work
    st.i_travel[ins] += travel
    st.i_cur[ins] = j
    e_at(st, q, end, FINISH, ins, -1, 0.0)


@njit(cache=True)
def _post_draw(st: Any, ins: int) -> float:
    pos = st.pd_pos[ins]
    st.pd_pos[ins] = pos + 1
    return st.pd[ins, pos]


@njit(cache=True)
def vacancy(st: Any, ins: int, t0: float) -> None:
    q = st.i_pool[ins]
    hire = _post_draw(st, ins)
    st.i_vsince[ins] = t0
    end = t0 + hire
    now = st.q_now[q]
    e_at(st, q, end if end > now else now, HIRED, ins, -1, t0)


@njit(cache=True)
def assign(st: Any, q: int) -> None:
    """Hand released jobs to idle inspectors while both exist (JobPool.assign). A post found
    vacant hands its job back; its vacancy starts once the inspectors left have been served
    (the order of the Python model's nested calls)."""
    base = st.S[S_ND]
    while st.q_in[q] > 0:
        j = take(st, q)
        if j < 0:
            nxt = next_release(st, q)
            if nxt < st.q_wake[q]:
                wake(st, q, nxt)
            break
        ins = idle_popleft(st, q)
        now = st.q_now[q]
        if now >= st.i_leave[ins]:
            heap_insert(st, q, j)
            st.defer[st.S[S_ND]] = ins
            st.S[S_ND] += 1
        else:
            start(st, q, ins, j, now)
    while st.S[S_ND] > base:
        st.S[S_ND] -= 1
        ins = st.defer[st.S[S_ND]]
        vacancy(st, ins, st.i_leave[ins])


@njit(cache=True)
def vacate(st: Any, q: int, ins: int, j: int) -> None:
    """The post fell vacant: the job goes back, the others are served, the vacancy starts."""
    heap_insert(st, q, j)
    if st.q_in[q] > 0:
        assign(st, q)
    vacancy(st, ins, st.i_leave[ins])


@njit(cache=True)
def free(st: Any, q: int, ins: int) -> None:
    j = take(st, q)
    if j >= 0:
        if st.q_now[q] >= st.i_leave[ins]:
            vacate(st, q, ins, j)
        else:
            start(st, q, ins, j, st.q_now[q])
        return
    idle_append(st, q, ins)
    nxt = next_release(st, q)
    if nxt < st.q_wake[q]:
        wake(st, q, nxt)


@njit(cache=True)
def hired(st: Any, q: int, ins: int, t0: float) -> None:
    end = st.q_now[q]
    st.i_vsince[ins] = INF
    horizon = st.P[P_HORIZON]
    st.i_vwork[ins] += cal_work_between(st.i_s0[ins], st.i_shift[ins], st.i_fshift[ins],
                                        st.flood_a, st.flood_b, t0,
                                        end if end < horizon else horizon)  # fmt: skip
    st.i_comp[ins] = end + _post_draw(st, ins)
    if st.kind_rate[st.i_kind[ins]] > 0:
        st.i_leave[ins] = end + _post_draw(st, ins)
        if st.i_leave[ins] < horizon and st.pd_end[ins] - st.pd_pos[ins] < 3:
            st.S[S_FLAG] = 1
    else:
        st.i_leave[ins] = INF
    free(st, q, ins)


# -- a site's hazards (InspectionModel) ---------------------------------------------------------
@njit(cache=True)
def _bisect_right(a: Any, x: float, lo: int, hi: int) -> int:
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def fix_append(st: Any, t: float, i: int, n: int) -> None:
    k = st.S[S_FIXN]
    st.fix_t[k] = t
    st.fix_site[k] = i
    st.fix_n[k] = n
    st.S[S_FIXN] = k + 1
    if k + 1 >= len(st.fix_t) - st.P[P_FIXLOW]:
        st.S[S_FLAG] = 1


@njit(cache=True)
def catch_up_self_fixing(st: Any, i: int, t: float) -> None:
    s = st.last_catch[i]
    if t <= s:
        return
    st.last_catch[i] = t
    rate = st.sf_rate[i]
    key = st.K[K_SF]
    ctr = st.sfctr[i]
    nfix = 0
    left = 0
    k0 = st.S[S_FIXN]
    for _ in range(st.latent[i]):
        v = site_uniform(key, i, ctr)
        ctr += 1
        f = s - math.log1p(-v) / rate
        if f < t:
            fix_append(st, f, i, 1)
            nfix += 1
        else:
            left += 1
    p = st.ptr[i]
    end = st.ptr_end[i]
    times = st.h_times
    if p < end and times[p] <= t:
        qq = _bisect_right(times, t, p, end)
        for a in range(p, qq):
            if st.h_gone[a]:
                st.gone_ahead[i] -= 1
                continue
            v = site_uniform(key, i, ctr)
            ctr += 1
            f = times[a] - math.log1p(-v) / rate
            if f < t:
                fix_append(st, f, i, 1)
                nfix += 1
            else:
                left += 1
        st.ptr[i] = qq
    st.sfctr[i] = ctr
    st.latent[i] = left
    if nfix:
        # the Python model sums the list of fix times in order: the same sum
        fsum = 0.0
        for k in range(k0, k0 + nfix):
            fsum += st.fix_t[k]
        d = st.dist[i]
        c = st.cat[i]
        back = nfix * st.P[P_HORIZON] - fsum
        st.ct[C_LATENT, d, c] -= back
        st.ct[C_OPEN, d, c] -= back
        st.ct[C_SELFFIX, d, c] += nfix


@njit(cache=True)
def catch_up(st: Any, i: int, t: float) -> None:
    """Bring site ``i``'s hazards up to ``t`` (InspectionModel._catch_up)."""
    if st.sf_rate[i] > 0:
        catch_up_self_fixing(st, i, t)
        return
    p = st.ptr[i]
    end = st.ptr_end[i]
    if p < end and st.h_times[p] <= t:
        qq = _bisect_right(st.h_times, t, p, end)
        gone = 0
        if st.gone_ahead[i]:
            for a in range(p, qq):
                gone += st.h_gone[a]
            st.gone_ahead[i] -= gone
        st.latent[i] += qq - p - gone
        st.ptr[i] = qq


@njit(cache=True)
def deter(st: Any, i: int, t: float) -> None:
    until = t + st.P[P_DMIN]
    if until > st.deter_until[i]:
        st.deter_until[i] = until
    share = st.P[P_DSHARE]
    horizon = st.P[P_HORIZON]
    taken = 0
    back = 0.0
    for a in range(st.ptr[i], st.ptr_end[i]):
        at = st.h_times[a]
        if at >= until:
            break
        if at > t and not st.h_gone[a] and st.h_deter_u[a] < share:
            st.h_gone[a] = 1
            taken += 1
            back += horizon - at
    if taken:
        d = st.dist[i]
        c = st.cat[i]
        st.gone_ahead[i] += taken
        st.ct[C_LATENT, d, c] -= back
        st.ct[C_OPEN, d, c] -= back
        st.ct[C_ARISEN, d, c] -= taken
        st.ct[C_DETERRED, d, c] += taken


@njit(cache=True)
def add(st: Any, cls: int, rel: float, due: float, site: int, kind: int) -> None:
    """InspectionModel._add: queue a job of kind ``kind`` in class ``cls`` at the site's pool."""
    if cls != COMPLAINT:
        rel = rel - rel % DAY
    ver = st.version[site] if cls in (ROUTINE, MAJOR) else -1
    seq = next_seq(st)
    j = j_alloc(st, due, seq, rel, site, kind, ver, cls, 0.0, 0)
    push(st, st.spool[site], j)


@njit(cache=True)
def schedule_routine(st: Any, site: int, due: float, now: float) -> None:
    version = st.version[site] + 1
    st.version[site] = version
    st.next_due[site] = due
    kind = MAJOR if (st.major[site] or st.listed[site] > now) else ROUTINE
    rel = due - st.P[P_RELEASE]
    rel = 0.0 if rel < 0 else rel - rel % DAY
    seq = next_seq(st)
    j = j_alloc(st, due, seq, rel, site, kind, version, kind, 0.0, 0)
    push(st, st.spool[site], j)


@njit(cache=True)
def referral_penalty(st: Any, i: int, found_at: float, now: float) -> None:
    if st.ordered[i] <= 0:
        return
    d = st.dist[i]
    c = st.cat[i]
    st.penaliser[i] = 1
    if st.P[P_DSHARE]:
        deter(st, i, now)
    st.ct[C_REFPEN, d, c] += 1
    st.ct[C_PENFIND, d, c] += 1
    st.ct[C_PENDELAY, d, c] += now - found_at


@njit(cache=True)
def refer_case(st: Any, i: int, t: float, stands: bool) -> None:
    d = st.dist[i]
    c = st.cat[i]
    q = d * int(st.P[P_NDEP]) + st.cat_dept[c]
    seq = next_seq(st)
    st.ct[C_REFCASES, d, c] += 1
    rel = t + st.P[P_REFMIN]
    rel -= rel % DAY
    j = j_alloc(st, rel + 30 * DAY, seq, rel, i, REFERRAL, -1, PLANNED, t, 1 if stands else 0)
    push(st, q, j)


@njit(cache=True)
def detect(st: Any, i: int, ins: int, t: float, factor: float) -> int:
    n = st.latent[i]
    if n == 0:
        return 0
    p = st.i_p[ins] * factor * (st.i_nov[ins] if t < st.i_comp[ins] else 1.0)
    ctr = st.dctr[i]
    st.dctr[i] = ctr + 1
    block = int(st.P[P_BLOCK])
    k = binomial(n, p, site_draw(st.ud_base, st.ud_pre, block, st.K[K_DET], i, ctr))
    if k:
        d = st.dist[i]
        c = st.cat[i]
        st.latent[i] -= k
        st.ordered[i] += k
        st.ct[C_LATENT, d, c] -= k * (st.P[P_HORIZON] - t)
        st.ct[C_DETECTED, d, c] += k
        st.ct[C_ORDERS, d, c] += 1
        if st.i_canpen[ins]:
            st.pen[d, st.i_kind[ins]] += 1
            st.i_pens[ins] += 1
            st.ct[C_PENFIND, d, c] += 1
            st.penaliser[i] = 1
            if st.P[P_DSHARE]:
                deter(st, i, t)
        else:
            st.ct[C_REFERRALS, d, c] += 1
            rc = st.rctr[i]
            st.rctr[i] = rc + 1
            u = site_draw(st.ur_base, st.ur_pre, block, st.K[K_REF], i, rc)
            if st.P[P_CASE] > 0 and st.dept_staffed[d, st.cat_dept[c]]:
                if u < st.P[P_REFACT]:
                    refer_case(st, i, t, u < st.P[P_REFSTAND])
            elif u < st.P[P_REFSTAND]:
                e_at(st, st.i_pool[ins], t + st.P[P_REFMIN], REFPEN, -1, i, t)
        if not st.reinsp[i]:
            st.reinsp[i] = 1
            deadline = t + st.rect_min[c]
            add(st, REINSPECTION, deadline, deadline, i, REINSPECTION)
    return k


@njit(cache=True)
def blacklist(st: Any, i: int, t: float) -> None:
    st.listed[i] = t + st.P[P_BLMIN]
    d = st.dist[i]
    c = st.cat[i]
    st.ct[C_BLACK, d, c] += 1
    step = st.interval[i] * st.P[P_BLF]
    nd = st.next_due[i]
    schedule_routine(st, i, nd if nd < t + step else t + step, t)


@njit(cache=True)
def reinspect(st: Any, i: int, ins: int, t: float) -> None:
    d = st.dist[i]
    c = st.cat[i]
    st.ct[C_REINSP, d, c] += 1
    st.reinsp[i] = 0
    was = st.penaliser[i]
    p = st.P[P_CPEN] if was else st.P[P_CNOPEN]
    ctr = st.cctr[i]
    st.cctr[i] = ctr + 1
    block = int(st.P[P_BLOCK])
    fixed = binomial(
        st.ordered[i], p, site_draw(st.uc_base, st.uc_pre, block, st.K[K_COMP], i, ctr)
    )
    if fixed:
        st.ordered[i] -= fixed
        st.ct[C_RECTIFIED, d, c] += fixed
        st.ct[C_OPEN, d, c] -= fixed * (st.P[P_HORIZON] - t)
        fix_append(st, t, i, fixed)
    if st.ordered[i] > 0:
        if st.i_canpen[ins]:
            st.pen[d, st.i_kind[ins]] += 1
            st.i_pens[ins] += 1
            st.penaliser[i] = 1
            if st.P[P_DSHARE]:
                deter(st, i, t)
            if was and st.P[P_BLMIN] > 0:
                blacklist(st, i, t)
        st.reinsp[i] = 1
        deadline = t + st.rect_min[c]
        add(st, REINSPECTION, deadline, deadline, i, REINSPECTION)
    else:
        st.ct[C_CLOSURES, d, c] += 1
        st.penaliser[i] = 0


@njit(cache=True)
def in_flood(st: Any, t: float) -> bool:
    k = _bisect_right(st.flood_a, t, 0, len(st.flood_a)) - 1
    return k >= 0 and t < st.flood_b[k]


# -- the event loop (sim.inspection_loop.advance_pool) ----------------------------------------
@njit(cache=True)
def finish(st: Any, q: int, ins: int, t: float) -> None:
    """The outcome of ``ins``'s visit ending now."""
    j = st.i_cur[ins]
    due = st.jf[j, JF_DUE]
    i = st.ji[j, JI_SITE]
    kind = st.ji[j, JI_KIND]
    ver = st.ji[j, JI_VER]
    if kind == REFERRAL:  # a referred case closed: office work, no visit
        if st.ji[j, JI_FLAG]:
            referral_penalty(st, i, st.jf[j, JF_X], t)
        j_release_slot(st, j)
        return
    j_release_slot(st, j)
    catch_up(st, i, t)
    d = st.dist[i]
    c = st.cat[i]
    st.done[d, c, kind] += 1
    st.i_insp[ins] += 1
    if kind == REINSPECTION:
        reinspect(st, i, ins, t)
        found = detect(st, i, ins, t, st.P[P_RDET]) if st.latent[i] else 0
    else:
        found = detect(st, i, ins, t, 1.0) if st.latent[i] else 0
        if found and kind == COMPLAINT:
            st.ct[C_HITS, d, c] += 1
    if ver >= 0 and ver == st.version[i]:  # a routine job, not superseded
        if t <= due:
            st.ct[C_ONTIME, d, c] += 1
        else:
            st.ct[C_OVERDUE, d, c] += t - due
        step = st.flood_interval[i] if st.flood[i] and in_flood(st, t) else st.interval[i]
        if st.listed[i] > t:  # a repeat offender: more often, first
            step *= st.P[P_BLF]
            kind = MAJOR
        elif kind == MAJOR and not st.major[i]:
            kind = ROUTINE
        new_due = (t if t > due else due) + step
        ver += 1
        st.version[i] = ver
        st.next_due[i] = new_due
        rel = new_due - st.P[P_RELEASE]
        rel = 0.0 if rel < 0 else rel - rel % DAY
        seq = next_seq(st)
        jn = j_alloc(st, new_due, seq, rel, i, kind, ver, kind, 0.0, 0)
        push(st, q, jn)


@njit(cache=True)
def advance(st: Any, q: int, until: float, inclusive: bool) -> int:
    """Run pool ``q``'s events up to ``until``; returns NEEDS_REFILL if a buffer ran low (call
    again after refilling: the pool resumes where it stopped)."""
    while True:
        e = st.q_ev[q]
        if e < 0:
            break
        t = st.ef[e, EF_T]
        if t > until or (t == until and not inclusive):
            break
        if st.S[S_FLAG]:
            return NEEDS_REFILL
        st.q_ev[q] = e_meld(st.ef, st.ei, st.ei[e, EI_L], st.ei[e, EI_R])
        typ = st.ei[e, EI_TYPE]
        ins = st.ei[e, EI_INS]
        ii = st.ei[e, EI_I]
        x = st.ef[e, EF_X]
        st.efree[st.S[S_ETOP]] = e
        st.S[S_ETOP] += 1
        st.q_now[q] = t
        if typ == FINISH:
            finish(st, q, ins, t)
            worker = ins
        elif typ == TIMER:
            if t >= st.q_wake[q]:
                st.q_wake[q] = INF
            if st.q_in[q] == 0:
                continue
            worker = -1
        elif typ == HIRED:
            hired(st, q, ins, x)
            continue
        else:  # REFPEN: a referred finding's penalty lands
            referral_penalty(st, ii, x, st.q_now[st.spool[ii]])
            continue
        # give work: to ``worker`` (after a finish), or to idle inspectors (on the timer)
        while True:
            j = take(st, q) if _any_released(st, q, t) else -1
            if j < 0:
                if worker >= 0:
                    idle_append(st, q, worker)
                nxt = next_release(st, q)
                if nxt < st.q_wake[q]:
                    wake(st, q, nxt)
                break
            w = worker if worker >= 0 else idle_popleft(st, q)
            if t >= st.i_leave[w]:
                vacate(st, q, w, j)
            else:
                start(st, q, w, j, t)
            if worker >= 0 or st.q_in[q] == 0:
                break
    if until > st.q_now[q]:
        st.q_now[q] = until
    return 0


@njit(cache=True)
def advance_all(st: Any, until: float, inclusive: bool) -> int:
    for q in range(len(st.q_now)):
        if advance(st, q, until, inclusive):
            return NEEDS_REFILL
    return 0


@njit(cache=True)
def push_many(st: Any, first: int, pools: Any, cls: Any, due: Any, rel: Any, site: Any,
              kind: Any, ver: Any, x: Any, flag: Any) -> int:  # fmt: skip
    """Push jobs one after another (seq drawn at each, as the Python calls would); returns
    how many were pushed before a buffer ran low (all: ``len(pools)``)."""
    for k in range(first, len(pools)):
        if st.S[S_FLAG]:
            return k
        v = ver[k]
        if v == -2:  # a routine job scheduled now: InspectionModel._schedule_routine
            schedule_routine(st, site[k], due[k], rel[k])
            continue
        seq = next_seq(st)
        j = j_alloc(st, due[k], seq, rel[k], site[k], kind[k], v, cls[k], x[k], flag[k])
        push(st, pools[k], j)
    return len(pools)


@njit(cache=True)
def extend(st: Any, q: int, cls: int, due: Any, seq: Any, rel: Any, site: Any, kind: Any,
           ver: Any) -> None:  # fmt: skip
    """JobPool.extend: many jobs of class ``cls`` at once, handed out by a timer event now."""
    now = st.q_now[q]
    for k in range(len(due)):
        j = j_alloc(st, due[k], seq[k], rel[k], site[k], kind[k], ver[k], cls, 0.0, 0)
        if rel[k] <= now:
            st.q_root[q, cls] = j_meld(st.jf, st.ji, st.q_root[q, cls], j, JF_DUE)
        else:
            pend_insert(st, q, j)
    if st.q_in[q] > 0 and st.q_root[q, cls] >= 0 and now < st.q_wake[q]:
        wake(st, q, now)
    elif st.q_in[q] > 0:
        nxt = next_release(st, q)
        if nxt < st.q_wake[q]:
            wake(st, q, nxt)


@njit(cache=True)
def count_waiting(st: Any, q: int, before: float) -> int:
    """Released jobs waiting (due before ``before``), after releasing what is due now."""
    release(st, q)
    n = 0
    stack = np.empty(64, dtype=np.int64)
    for cls in range(N_CLASSES):
        r = st.q_root[q, cls]
        if r < 0:
            continue
        top = 0
        stack[0] = r
        top = 1
        while top:
            top -= 1
            j = stack[top]
            if st.jf[j, JF_DUE] < before and _live(st, j):
                n += 1
            for ch in (st.ji[j, JI_L], st.ji[j, JI_R]):
                if ch >= 0:
                    if top == len(stack):
                        bigger = np.empty(2 * len(stack), dtype=np.int64)
                        bigger[:top] = stack
                        stack = bigger
                    stack[top] = ch
                    top += 1
    return n


@njit(cache=True)
def complaint_site(st: Any, sites: Any, w: float, t: float, u: Any) -> int:
    """InspectionModel._informative_site, resumable: the candidate and the draws used so far
    are in ``S`` (a pool's advance may stop for a refill). Returns the site, or -1 to be called
    again after a refill."""
    top = 1.0 + w * 10.0
    while st.S[S_C_ITER] < 1000:
        if st.S[S_FLAG]:  # a buffer ran low (each candidate's update may record fixes)
            return -1
        i = st.S[S_C_I]
        if advance(st, st.spool[i], t, True):
            return -1
        catch_up(st, i, t)
        o = st.latent[i] + st.ordered[i]
        weight = 1.0 + w * (o if o < 10 else 10)
        pos = st.S[S_C_UPOS]
        if u[pos] * top < weight:
            st.S[S_C_UPOS] = pos + 1
            st.S[S_C_ITER] = -1
            return i
        st.S[S_C_I] = sites[int(u[pos + 1] * len(sites))]
        st.S[S_C_UPOS] = pos + 2
        st.S[S_C_ITER] += 1
    st.S[S_C_ITER] = -1
    return st.S[S_C_I]


@njit(cache=True)
def complaint(st: Any, sites: Any, w: float, t: float, u: Any) -> int:
    """A complaint at ``t`` in a district (its ``sites``): the site (drawn towards open hazards
    when ``w`` > 0, from the first candidate ``S[S_C_I]``), its pool brought up to ``t``, the job
    queued. Returns the site, or -1 to be called again after a refill (it resumes)."""
    if st.S[S_C_ITER] >= 0 and w > 0 and complaint_site(st, sites, w, t, u) < 0:
        return -1
    i = st.S[S_C_I]
    if advance(st, st.spool[i], t, True):
        return -1
    add(st, COMPLAINT, t, t, i, COMPLAINT)
    return i


@njit(cache=True)
def push_entry(st: Any, q: int, cls: int, due: float, seq: int, rel: float, site: int,
               kind: int, ver: int) -> None:  # fmt: skip
    """JobPool.push of the entry ``(due, seq, rel, site, kind, ver)`` in class ``cls``."""
    push(st, q, j_alloc(st, due, seq, rel, site, kind, ver, cls, 0.0, 0))


@njit(cache=True)
def at_event(st: Any, q: int, t: float, typ: int, ins: int, i: int, x: float) -> None:
    e_at(st, q, t, typ, ins, i, x)


@njit(cache=True)
def catch_up_site(st: Any, i: int, t: float) -> None:
    catch_up(st, i, t)

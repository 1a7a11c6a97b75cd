"""The compiled job pools of one inspection run: builds the kernel's state from the model,
refills its buffers, and gives the model pools with :class:`~anjian.sim.dispatch.JobPool`'s
methods (:class:`CompiledPool`).

The state's per-site arrays are numpy views of the model's own typed arrays (one memory, so
the Python parts of the model — hazard years, accident closes, KPIs — see every change); the
pools, jobs, events and posts live in arrays of their own, copied back to the model's
:class:`~anjian.sim.dispatch.Inspector` objects at the end (:meth:`Engine.store_posts`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import kernel as K
from .dispatch import INF, N_CLASSES, Entry, Inspector

_CHUNK = 512  # durations drawn per refill of a cell
_POST_DRAWS = 6  # a post's pre-drawn hiring, competence and leaving numbers


def _np(values: Any) -> np.ndarray:
    """A numpy view (no copy) of a typed array, bytearray or numpy array."""
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, bytearray):
        return np.frombuffer(values, dtype=np.uint8)
    return np.frombuffer(values, dtype=np.float64 if values.typecode == "d" else np.int64)


class Seq:
    """The model's sequence numbers (tie-breakers of jobs and events), shared with the
    kernel: ``next()`` reads and bumps the kernel's counter."""

    def __init__(self, cell: np.ndarray) -> None:
        self.cell = cell

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        v = int(self.cell[K.S_SEQ])
        self.cell[K.S_SEQ] = v + 1
        return v

    def take(self, n: int) -> np.ndarray:
        """The next ``n`` numbers at once."""
        v = int(self.cell[K.S_SEQ])
        self.cell[K.S_SEQ] = v + n
        return np.arange(v, v + n, dtype=np.int64)


class _Idle:
    """A pool's idle inspectors, as the model sees them at the start (append only)."""

    def __init__(self, pool: CompiledPool) -> None:
        self.pool = pool

    def append(self, ins: Inspector) -> None:
        self.pool.engine.check()
        K.idle_append(self.pool.engine.st, self.pool.q, self.pool.engine.slot[id(ins)])

    def __len__(self) -> int:
        return int(self.pool.engine.a.q_in[self.pool.q])


class CompiledPool:
    """One job pool in the compiled state, with the methods the model calls on a
    :class:`~anjian.sim.dispatch.JobPool`."""

    def __init__(self, engine: Engine, q: int) -> None:
        self.engine = engine
        self.q = q
        self.idle = _Idle(self)

    @property
    def now(self) -> float:
        return float(self.engine.a.q_now[self.q])

    def push(self, cls: int, entry: Entry) -> None:
        due, seq, rel, site, kind, ver = entry
        self.engine.check()
        K.push_entry(self.engine.st, self.q, cls, due, seq, rel, site, kind, ver)

    def extend(self, cls: int, entries: list[Entry]) -> None:
        if not entries:
            return
        cols = list(zip(*entries, strict=True))
        self.engine.extend_arrays(self.q, cls, *cols)

    def at(self, t: float, callback: Callable[..., None], a: Any, b: Any) -> None:
        """A hiring (``InspectionModel._hired``) at ``t``: the only event the model schedules
        from outside the kernel."""
        e = self.engine
        if getattr(callback, "__name__", "") != "_hired":
            raise NotImplementedError(f"the compiled pools do not schedule {callback!r}")
        e.check()
        K.at_event(e.st, self.q, t, K.HIRED, e.slot[id(a)], -1, float(b))

    def assign(self) -> None:
        self.engine.check()
        K.assign(self.engine.st, self.q)
        self.engine.settle()

    def advance(self, until: float, inclusive: bool = True) -> None:
        self.engine.advance(self, until, inclusive)

    def backlog(self) -> int:
        self.engine.check()
        return int(K.count_waiting(self.engine.st, self.q, INF))

    def overdue(self, t: float) -> int:
        self.engine.check()
        return int(K.count_waiting(self.engine.st, self.q, t))


class Engine:
    """The compiled state of one run's pools (see the module docstring)."""

    #: first sizes of the job, event and fix stores (they grow between events as needed)
    JOB_SLOTS_PER_SITE = 3
    JOB_SLOTS = 65_536
    EVENT_SLOTS_PER_POST = 4
    EVENT_SLOTS = 4_096
    FIX_SLOTS = 65_536

    def __init__(self, m: Any) -> None:
        self.m = m
        self.n_pools = 0
        self.S = np.zeros(16, dtype=np.int64)
        self.S[K.S_SEQ] = 1
        self.S[K.S_JLOW] = 256
        self.seq = Seq(self.S)
        self.st: Any = None
        self.a = SimpleNamespace()
        self.slot: dict[int, int] = {}

    # -- building --------------------------------------------------------------------------
    def new_pool(self) -> CompiledPool:
        """The next pool (pools are numbered in the order they are made)."""
        self.n_pools += 1
        return CompiledPool(self, self.n_pools - 1)

    def build(self) -> None:
        """Make the state (after the model has made its sites, pools and posts)."""
        m = self.m
        n = len(m.sites)
        nd, nc = len(m.districts), len(m.cats)
        inspectors = m.inspectors
        self.slot = {id(ins): k for k, ins in enumerate(inspectors)}
        n_ins = len(inspectors)
        pool_of = np.array([m.pool_index[id(ins.queue)] for ins in inspectors], dtype=np.int64)
        size = np.bincount(pool_of, minlength=self.n_pools) if n_ins else np.zeros(self.n_pools)
        biggest = int(size.max()) if len(size) else 0
        margin = 2 * biggest + 8  # starts one event can make (its pool and one other)
        self.S[K.S_ELOW] = margin + 64
        # visit durations: a block per district × category, refilled below its pool's size
        cell_pool = np.asarray(m.cell_pool, dtype=np.int64).reshape(-1)
        self.dur_low = np.where(cell_pool >= 0, size[np.maximum(cell_pool, 0)], 0) + 2
        self.dur_low = self.dur_low.astype(np.int64)
        self.dur_iters = [iter(m.durations[d][c].next, None) for d in range(nd)
                          for c in range(nc)]  # fmt: skip
        dur = np.zeros((nd * nc, 2 * int(self.dur_low.max()) + _CHUNK))
        self.inv_iters = [iter(b.next, None) for b in m.inv_durations]
        inv_cap = 2 * (margin + 2) + _CHUNK if m.inv_durations else 1
        inv = np.zeros((nd, inv_cap))
        # inspectors
        f = np.zeros((11, n_ins))
        (p, nov, comp, leave, busy, travel, vwork, vsince, s0, shift, fshift) = f
        for k, ins in enumerate(inspectors):
            p[k], nov[k], comp[k], leave[k] = (
                ins.p_detect,
                ins.novice,
                ins.competent_at,
                ins.leave_at,
            )
            busy[k], travel[k] = ins.busy_min, ins.travel_min
            vwork[k], vsince[k] = ins.vacant_work, ins.vacant_since
            s0[k], shift[k] = ins.calendar.shift_start_min, ins.calendar.shift_min
            # flood-season duty days (the kernel reads the model's flood windows)
            fshift[k] = ins.calendar.flood_shift_min if ins.calendar.dutied else -1.0
            if ins.calendar.dutied and list(ins.calendar.flood) != list(m.flood):
                raise ValueError("a post's duty windows must be the model's flood windows")
        kind_rate = np.asarray(m.leave_rates, dtype=np.float64)  # leaving rate per minute
        rt = np.asarray(
            [[2.0 * (m.inter[a][b] + m.intra[b]) for b in range(nd)] for a in range(nd)],
            dtype=np.float64,
        ).reshape(nd, nd)
        P = np.zeros(K.N_PARAMS)
        P[K.P_HORIZON] = m.horizon
        P[K.P_RELEASE] = m.release_min
        P[K.P_RDET] = m.reinsp_detect
        P[K.P_RDUR] = m.reinsp_duration
        P[K.P_BLF] = m.bl_factor
        P[K.P_BLMIN] = m.bl_min
        P[K.P_CASE] = m.case_min
        P[K.P_DSHARE] = m.deter_share
        P[K.P_DMIN] = m.deter_min
        P[K.P_REFMIN] = m.referral_min
        P[K.P_REFACT] = m.referral_acted
        P[K.P_REFSTAND] = m.referral_stands
        P[K.P_CPEN] = m.comply_penalty
        P[K.P_CNOPEN] = m.comply_no_penalty
        P[K.P_DURLOW] = margin + 2
        P[K.P_NC] = nc
        P[K.P_NDEP] = len(m.depts)
        P[K.P_BLOCK] = m.u_detect.block
        keys = np.array([m.key_detect, m.key_comply, m.key_referral, m.key_sf], dtype=np.uint64)
        # day buckets of jobs not yet released: to the horizon and the longest lead beyond it
        # (a later release goes to the pool's overflow heap)
        lead = max(float(np.max(_np(m.site_interval), initial=0.0)),
                   float(np.max(_np(m.site_flood_interval), initial=0.0)),
                   max(m.rect_min, default=0.0), m.referral_min) + 2 * 1440.0  # fmt: skip
        n_days = math.ceil((m.horizon + min(lead, 20 * 365 * 1440.0)) / 1440.0) + 2
        n_jobs = self.JOB_SLOTS_PER_SITE * n + self.JOB_SLOTS
        n_ev = self.EVENT_SLOTS_PER_POST * n_ins + 4 * margin + self.EVENT_SLOTS
        jf = np.zeros((n_jobs, 3))
        ji = np.full((n_jobs, 8), -1, dtype=np.int64)
        ef = np.zeros((n_ev, 2))
        ei = np.full((n_ev, 6), -1, dtype=np.int64)
        self.S[K.S_JTOP] = n_jobs
        self.S[K.S_ETOP] = n_ev
        ints = np.zeros((8, n_ins), dtype=np.int64)
        ints[0] = pool_of
        ints[1] = [ins.kind for ins in inspectors]
        ints[2] = [ins.district for ins in inspectors]
        ints[3] = [ins.can_penalise for ins in inspectors]
        ints[4] = [ins.inspections for ins in inspectors]
        ints[5] = [ins.penalties for ins in inspectors]
        ints[6] = -1  # current job
        ints[7] = -1  # next idle
        self.a = SimpleNamespace(
            cat=_np(m.site_cat), dist=_np(m.site_dist), flood=_np(m.site_flood),
            latent=_np(m.latent), ordered=_np(m.ordered), version=_np(m.version),
            reinsp=_np(m.reinsp_pending), penaliser=_np(m.order_penaliser), ptr=_np(m.ptr),
            ptr_end=_np(m.ptr_end), gone_ahead=_np(m.gone_ahead), major=_np(m.site_major),
            spool=_np(m.site_pool), dctr=_np(m.detect_ctr), cctr=_np(m.comply_ctr),
            rctr=_np(m.referral_ctr), sfctr=_np(m.sf_ctr),
            interval=_np(m.site_interval), flood_interval=_np(m.site_flood_interval),
            next_due=_np(m.next_due), listed=_np(m.listed_until), last_catch=_np(m.last_catch),
            sf_rate=_np(m.sf_rate), deter_until=m.deter_until,
            ud_base=_np(m.u_detect.base), ud_pre=_np(m.u_detect.pre),
            uc_base=_np(m.u_comply.base), uc_pre=_np(m.u_comply.pre),
            ur_base=_np(m.u_referral.base), ur_pre=_np(m.u_referral.pre),
            h_times=_np(m.h_times), h_gone=_np(m.h_gone), h_deter_u=_np(m.h_deter_u),
            rect_min=np.asarray(m.rect_min, dtype=np.float64),
            cat_dept=np.asarray(m.cat_dept, dtype=np.int64),
            dept_staffed=np.asarray(m.dept_staffed, dtype=np.int64).reshape(nd, len(m.depts)),
            dur=dur, dur_pos=np.zeros(nd * nc, dtype=np.int64),
            dur_end=np.zeros(nd * nc, dtype=np.int64), dur_low=self.dur_low,
            inv=inv, inv_pos=np.zeros(nd, dtype=np.int64), inv_end=np.zeros(nd, dtype=np.int64),
            ct=m.ct, done=m.done, wait_sum=m.wait_sum, wait_n=m.wait_n, pen=m.penalties,
            fix_t=np.zeros(self.FIX_SLOTS), fix_site=np.zeros(self.FIX_SLOTS, dtype=np.int64),
            fix_n=np.zeros(self.FIX_SLOTS, dtype=np.int64),
            i_pool=ints[0], i_kind=ints[1], i_dist=ints[2], i_canpen=ints[3],
            i_p=p, i_nov=nov, i_comp=comp, i_leave=leave, i_busy=busy, i_travel=travel,
            i_vwork=vwork, i_vsince=vsince, i_insp=ints[4], i_pens=ints[5], i_s0=s0,
            i_shift=shift, i_fshift=fshift, i_cur=ints[6], i_next=ints[7], rt=rt,
            pd=np.zeros((n_ins, _POST_DRAWS)), pd_pos=np.zeros(n_ins, dtype=np.int64),
            pd_end=np.zeros(n_ins, dtype=np.int64), kind_rate=kind_rate,
            q_now=np.zeros(self.n_pools), q_wake=np.full(self.n_pools, INF),
            q_ev=np.full(self.n_pools, -1, dtype=np.int64),
            q_pend=np.full(self.n_pools, -1, dtype=np.int64),
            q_nbkt=np.zeros(self.n_pools, dtype=np.int64),
            q_nday=np.full(self.n_pools, n_days, dtype=np.int64),
            b_head=np.full((self.n_pools, n_days), -1, dtype=np.int64),
            b_tail=np.full((self.n_pools, n_days), -1, dtype=np.int64),
            q_root=np.full((self.n_pools, N_CLASSES), -1, dtype=np.int64),
            q_ihead=np.full(self.n_pools, -1, dtype=np.int64),
            q_itail=np.full(self.n_pools, -1, dtype=np.int64),
            q_in=np.zeros(self.n_pools, dtype=np.int64),
            jf=jf, ji=ji, jfree=np.arange(n_jobs, dtype=np.int64)[::-1].copy(),
            ef=ef, ei=ei, efree=np.arange(n_ev, dtype=np.int64)[::-1].copy(),
            flood_a=np.asarray([a for a, _ in m.flood], dtype=np.float64),
            flood_b=np.asarray([b for _, b in m.flood], dtype=np.float64),
            P=P, K=keys, S=self.S, defer=np.zeros(n_ins + 1, dtype=np.int64),
        )  # fmt: skip
        self._rebuild()
        self.post_phase = np.zeros(
            n_ins, dtype=np.int64
        )  # 0: hiring next, 1: competence, 2: leaving
        self._refill_durations(np.arange(nd * nc))
        if m.inv_durations:
            self._refill_investigations(np.arange(nd))
        self.bind_year()

    def _rebuild(self) -> None:
        """The compiled record of the arrays in ``self.a`` (after any was replaced)."""
        self.st = K.new_state(tuple(getattr(self.a, name) for name in K.FIELDS))

    def _replace(self, **arrays: np.ndarray) -> None:
        for name, value in arrays.items():
            setattr(self.a, name, value)
        self._rebuild()

    def bind_year(self) -> None:
        """Point the state at the model's arrays of the new hazard year."""
        if self.st is None:
            return
        m = self.m
        self._replace(
            ptr=_np(m.ptr), ptr_end=_np(m.ptr_end), h_times=_np(m.h_times),
            h_gone=_np(m.h_gone), h_deter_u=_np(m.h_deter_u),
            ud_base=_np(m.u_detect.base), ud_pre=_np(m.u_detect.pre),
            uc_base=_np(m.u_comply.base), uc_pre=_np(m.u_comply.pre),
            ur_base=_np(m.u_referral.base), ur_pre=_np(m.u_referral.pre),
        )  # fmt: skip
        # a site's fixes in one event are at most its latent hazards and this year's arrivals
        first = np.asarray(m.h_first)
        most = int((np.diff(first) + _np(m.latent)).max()) if len(first) > 1 else 0
        self.a.P[K.P_FIXLOW] = most + 64
        self._reserve_fixes()

    def load_posts(self) -> None:
        """Copy the posts' state after the steady start (vacancies, novices) and pre-draw the
        numbers of the posts that can fall vacant within the run."""
        st = self.a
        for k, ins in enumerate(self.m.inspectors):
            st.i_comp[k] = ins.competent_at
            st.i_leave[k] = ins.leave_at
            st.i_vsince[k] = ins.vacant_since
            self.post_phase[k] = 1 if ins.vacant_since < INF else 0
        self._refill_posts()

    def store_posts(self) -> None:
        """Copy the posts' state back to the model's Inspector objects."""
        st = self.a
        for k, ins in enumerate(self.m.inspectors):
            ins.busy_min = float(st.i_busy[k])
            ins.travel_min = float(st.i_travel[k])
            ins.vacant_work = float(st.i_vwork[k])
            ins.vacant_since = float(st.i_vsince[k])
            ins.inspections = int(st.i_insp[k])
            ins.penalties = int(st.i_pens[k])
            ins.leave_at = float(st.i_leave[k])
            ins.competent_at = float(st.i_comp[k])

    # -- refills ---------------------------------------------------------------------------
    def check(self) -> None:
        """Refill whatever ran low (call before any kernel entry)."""
        if self.S[K.S_FLAG]:
            self.refill()

    def settle(self) -> None:
        """After a kernel call: refill now if it left something low."""
        self.check()

    def refill(self) -> None:
        st = self.a
        low = np.flatnonzero(st.dur_end - st.dur_pos < 2 * st.dur_low)
        if len(low):
            self._refill_durations(low)
        if self.m.inv_durations:
            low = np.flatnonzero(st.inv_end - st.inv_pos < 2 * st.P[K.P_DURLOW])
            if len(low):
                self._refill_investigations(low)
        self._refill_posts()
        self._reserve_fixes()
        if self.S[K.S_JTOP] < 4 * self.S[K.S_JLOW]:
            self.reserve_jobs(0)
        if self.S[K.S_ETOP] < 4 * self.S[K.S_ELOW]:
            self._grow_events()
        self.S[K.S_FLAG] = 0

    def _refill_durations(self, cells: np.ndarray) -> None:
        a = self.a
        _refill_rows(a.dur, a.dur_pos, a.dur_end, self.dur_iters, cells)

    def _refill_investigations(self, districts: np.ndarray) -> None:
        a = self.a
        _refill_rows(a.inv, a.inv_pos, a.inv_end, self.inv_iters, districts)

    def _refill_posts(self) -> None:
        """Posts that can still fall vacant (or are vacant) keep a full cycle of numbers
        ahead: hiring time, competence time, leaving time, drawn from the post's own stream in
        the order the Python model draws them."""
        st = self.a
        m = self.m
        horizon = m.horizon
        need = (st.pd_end - st.pd_pos < 3) & ((st.i_leave < horizon) | (st.i_vsince < INF))
        for k in np.flatnonzero(need).tolist():
            ins = m.inspectors[k]
            pos, end = int(st.pd_pos[k]), int(st.pd_end[k])
            left = end - pos
            st.pd[k, :left] = st.pd[k, pos:end]
            rng = m._post_rng(ins)
            rate = float(st.kind_rate[ins.kind])
            phase = int(self.post_phase[k])
            for j in range(left, _POST_DRAWS):
                if phase == 0:
                    st.pd[k, j] = float(m.hiring[ins.kind].sampler(rng)(1)[0])
                    phase = 1
                elif phase == 1:
                    st.pd[k, j] = float(m.competence[ins.kind].sampler(rng)(1)[0])
                    phase = 2 if rate > 0 else 0
                else:
                    st.pd[k, j] = rng.exponential(1.0 / rate)
                    phase = 0
            self.post_phase[k] = phase
            st.pd_pos[k] = 0
            st.pd_end[k] = _POST_DRAWS

    def _reserve_fixes(self) -> None:
        st = self.a
        need = int(self.S[K.S_FIXN]) + int(st.P[K.P_FIXLOW]) + 1024
        if need > len(st.fix_t):
            cap = max(need, 2 * len(st.fix_t))
            self._replace(
                fix_t=_grown(st.fix_t, cap), fix_site=_grown(st.fix_site, cap),
                fix_n=_grown(st.fix_n, cap),
            )  # fmt: skip

    def reserve_jobs(self, extra: int) -> None:
        """Room for ``extra`` more jobs above the low-water mark."""
        free = int(self.S[K.S_JTOP])
        need = extra + 8 * int(self.S[K.S_JLOW])
        if free < need:
            old = len(self.a.jf)
            jf, ji, jfree, top = _grown_store(self.a.jf, self.a.ji, self.a.jfree, free,
                                              max(2 * old, old + need))  # fmt: skip
            self.S[K.S_JTOP] = top
            self._replace(jf=jf, ji=ji, jfree=jfree)

    def _grow_events(self) -> None:
        free = int(self.S[K.S_ETOP])
        ef, ei, efree, top = _grown_store(self.a.ef, self.a.ei, self.a.efree, free,
                                          2 * len(self.a.ef))  # fmt: skip
        self.S[K.S_ETOP] = top
        self._replace(ef=ef, ei=ei, efree=efree)

    # -- running ---------------------------------------------------------------------------
    def advance(self, pool: Any, until: float, inclusive: bool = True) -> None:
        """Bring one pool up to ``until``."""
        self.check()
        while K.advance(self.st, pool.q, until, inclusive):
            self.refill()

    def advance_all(self, until: float, inclusive: bool = True) -> None:
        self.check()
        while K.advance_all(self.st, until, inclusive):
            self.refill()

    def complaint(self, sites: np.ndarray, first: int, t: float, w: float,
                  draws: ComplaintDraws) -> int:  # fmt: skip
        """A complaint at ``t`` among ``sites`` (see :func:`anjian.sim.kernel.complaint`)."""
        self.check()
        u = draws.ensure(2002)
        self.S[K.S_C_ITER] = 0
        self.S[K.S_C_I] = first
        self.S[K.S_C_UPOS] = draws.pos
        while True:
            i = int(K.complaint(self.st, sites, w, t, u))
            if i >= 0:
                break
            self.refill()
        draws.pos = int(self.S[K.S_C_UPOS])
        self.settle()
        return i

    def extend_arrays(self, q: int, cls: int, due: Any, seq: Any, rel: Any, site: Any,
                      kind: Any, ver: Any) -> None:  # fmt: skip
        """JobPool.extend of pool ``q`` with jobs given as columns."""
        self.reserve_jobs(len(due))
        self.check()
        K.extend(self.st, q, cls, np.asarray(due, dtype=np.float64),
                 np.asarray(seq, dtype=np.int64), np.asarray(rel, dtype=np.float64),
                 np.asarray(site, dtype=np.int64), np.asarray(kind, dtype=np.int64),
                 np.asarray(ver, dtype=np.int64))  # fmt: skip
        self.settle()

    def push_many(self, pools: np.ndarray, cls: np.ndarray, due: np.ndarray,
                  rel: np.ndarray, site: np.ndarray, kind: np.ndarray,
                  ver: np.ndarray) -> None:  # fmt: skip
        """Jobs pushed one after another, as that many ``JobPool.push`` calls (``ver = -2``:
        ``InspectionModel._schedule_routine(site, due, now=rel)``)."""
        n = len(pools)
        x = np.zeros(n)
        flag = np.zeros(n, dtype=np.int64)
        done = 0
        while done < n:
            self.reserve_jobs(min(n - done, 4096))
            self.check()
            done = int(K.push_many(self.st, done, pools, cls, due, rel, site, kind, ver, x, flag))
        self.settle()

    def drain_fixes(self, t: list[float], site: list[int], count: list[int]) -> None:
        """Move the fixes recorded in the kernel to the model's lists (in their order)."""
        k = int(self.S[K.S_FIXN])
        if k:
            st = self.a
            t.extend(st.fix_t[:k].tolist())
            site.extend(st.fix_site[:k].tolist())
            count.extend(st.fix_n[:k].tolist())
            self.S[K.S_FIXN] = 0


class ComplaintDraws:
    """A district's complaint-site uniforms, drawn from its stream in blocks (the same numbers
    as one ``rng.random()`` at a time)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.u = np.zeros(0)
        self.pos = 0

    def ensure(self, n: int) -> np.ndarray:
        if len(self.u) - self.pos < n:
            self.u = np.concatenate([self.u[self.pos :], self.rng.random(max(n, 4096))])
            self.pos = 0
        return self.u


def _refill_rows(buf: np.ndarray, pos: np.ndarray, end: np.ndarray, draws: list[Iterator[float]],
                 rows: np.ndarray) -> None:  # fmt: skip
    """Refill rows ``rows`` of a block of pre-drawn numbers: what is left moves to the front,
    the rest of the row is the row's stream's next numbers."""
    cap = buf.shape[1]
    for r in rows.tolist():
        p, e = int(pos[r]), int(end[r])
        left = e - p
        buf[r, :left] = buf[r, p:e]
        buf[r, left:] = np.fromiter(draws[r], np.float64, cap - left)
        pos[r] = 0
        end[r] = cap


def _grown_store(f: np.ndarray, i: np.ndarray, free_slots: np.ndarray, free: int,
                 cap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:  # fmt: skip
    """A store (float and int columns, a stack of ``free`` free slots) grown to ``cap`` slots:
    the new slots join the free stack. Returns the arrays and the new stack height."""
    old = len(f)
    f2 = np.zeros((cap, f.shape[1]))
    f2[:old] = f
    i2 = np.full((cap, i.shape[1]), -1, dtype=np.int64)
    i2[:old] = i
    stack = np.zeros(cap, dtype=np.int64)
    stack[:free] = free_slots[:free]
    stack[free : free + cap - old] = np.arange(cap - 1, old - 1, -1)
    return f2, i2, stack, free + cap - old


def _grown(a: np.ndarray, cap: int) -> np.ndarray:
    out = np.zeros(cap, dtype=a.dtype)
    out[: len(a)] = a
    return out

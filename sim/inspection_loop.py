"""The inner loop of the inspection model: one job pool's event list, run up to a time.

A year of the built-in Chongqing scenario is about 620,000 inspections. Each one is a pool
event (the job ends), its outcome at the site, and the inspector's next job. Written as calls
between small methods (the visit's outcome, :meth:`JobPool.free`,
:meth:`InspectionModel.start_job`, ...) this costs about 11 µs per inspection in CPython; here the
common steps are written out in one loop over local names, and the rare ones (a hazard found,
a re-inspection, a post falling vacant, a job released at once) still go through the methods,
so the model's rules live in one place. :func:`advance_pool` must do exactly what
``JobPool.advance`` does with the visit written as a callback — tests/test_inspection_model.py
keeps that slow reference (the test oracle) and runs both on the same scenario, comparing
every KPI.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from typing import Any, Protocol

from anjian.scenarios.timebase import MIN_PER_DAY

from .dispatch import (
    COMPLAINT,
    INF,
    INVESTIGATION,
    MAJOR,
    REFERRAL,
    REINSPECTION,
    ROUTINE,
    Inspector,
    JobPool,
)


class PoolHost(Protocol):
    """What the loop reads and calls on the inspection model: its per-site arrays and
    counters (plain lists and typed arrays, written in place) and the rules a visit can
    trigger (:class:`~anjian.sim.inspection.InspectionModel` provides them)."""

    finish_cb: Any
    trace: list[tuple[Any, ...]]
    tracing: bool
    job_names: dict[int, str]
    latent: Any
    version: Any
    next_due: Any
    ptr: Any
    ptr_end: Any
    h_times: Any
    site_dist: Any
    site_cat: Any
    site_flood: Any
    site_flood_interval: Any
    site_interval: Any
    done: Any
    routine_on_time: Any
    routine_overdue_min: Any
    wait_sum: Any
    wait_n: Any
    durations: Any
    release_min: float
    reinsp_detect: float
    reinsp_duration: float
    gone_ahead: Any
    h_gone: Any
    inv_durations: Any
    listed_until: Any
    bl_factor: float
    site_major: Any
    complaint_hits: Any
    case_min: float
    sf_rate: Any
    seq: Any
    pools: list[JobPool]

    def detect(self, i: int, ins: Inspector, t: float, factor: float = 1.0) -> int: ...
    def reinspect(self, i: int, ins: Inspector, t: float) -> None: ...
    def close_case(self, i: int, ins: Inspector, t: float, entry: Any) -> None: ...
    def _catch_up_self_fixing(self, i: int, t: float) -> None: ...
    def in_flood(self, t: float) -> bool: ...
    def start_job(self, ins: Inspector, cls: int, entry: Any) -> None: ...


def advance_pool(m: PoolHost, pool: JobPool, until: float, inclusive: bool = True) -> None:
    """Run ``pool``'s events up to ``until`` (and at it, if ``inclusive``) for model ``m``."""
    events = pool.events
    if not events or events[0][0] > until or (not inclusive and events[0][0] >= until):
        if until > pool.now:
            pool.now = until
        return
    heappop = heapq.heappop
    heappush = heapq.heappush
    finish_cb = m.finish_cb
    timer_cb = pool.on_timer
    trace = m.trace if m.tracing else None
    names = m.job_names
    latent, version, next_due = m.latent, m.version, m.next_due
    ptr, ptr_end, h_times = m.ptr, m.ptr_end, m.h_times  # this hazard year's arrivals
    site_dist, site_cat = m.site_dist, m.site_cat
    site_flood, flood_interval, interval_of = m.site_flood, m.site_flood_interval, m.site_interval
    done, on_time, overdue_min = m.done, m.routine_on_time, m.routine_overdue_min
    wait_sum, wait_n, durations = m.wait_sum, m.wait_n, m.durations
    detect, reinspect, in_flood, start_job = m.detect, m.reinspect, m.in_flood, m.start_job
    release_min = m.release_min
    reinsp_detect, reinsp_duration = m.reinsp_detect, m.reinsp_duration
    gone_ahead, h_gone = m.gone_ahead, m.h_gone
    inv_durations = m.inv_durations
    listed_until, bl_factor, site_major = m.listed_until, m.bl_factor, m.site_major
    complaint_hits = m.complaint_hits
    close_case, case_min = m.close_case, m.case_min
    sf_rate, catch_up = m.sf_rate, m._catch_up_self_fixing
    seq = m.seq
    heaps, release_times, idle, take = pool.heaps, pool.release_times, pool.idle, pool.take

    while events:
        t = events[0][0]
        if t > until or (t == until and not inclusive):
            break
        _, _, callback, ins, entry = heappop(events)
        pool.now = t
        if callback is finish_cb:
            # -- the outcome of the visit (the oracle in tests/test_inspection_model.py) --
            due, _, _, i, kind, ver = entry
            if kind == REFERRAL:  # a referred case closed: office work, no visit
                close_case(i, ins, t, entry)
            else:
                p = ptr[i]  # InspectionModel._catch_up, written out
                if sf_rate[i]:  # the firm fixes undetected hazards itself: the method
                    catch_up(i, t)
                elif p < ptr_end[i] and h_times[p] <= t:
                    q = bisect_right(h_times, t, p, ptr_end[i])
                    if gone_ahead[i]:  # arrivals avoided by deterrence are not brought in
                        g = sum(h_gone[p:q])
                        gone_ahead[i] -= g
                        latent[i] -= g
                    latent[i] += q - p
                    ptr[i] = q
                d = site_dist[i]
                c = site_cat[i]
                done[d][c][kind] += 1
                ins.inspections += 1
                if kind == REINSPECTION:
                    reinspect(i, ins, t)
                    found = detect(i, ins, t, reinsp_detect) if latent[i] else 0
                else:
                    found = detect(i, ins, t) if latent[i] else 0
                    if found and kind == COMPLAINT:
                        complaint_hits[d][c] += 1
                if trace is not None:
                    trace.append((t, "finish", ins.name, i, names.get(kind, "spot_check"), found))
                if ver >= 0 and ver == version[i]:  # a routine job, not superseded
                    if t <= due:
                        on_time[d][c] += 1
                    else:
                        overdue_min[d][c] += t - due
                    step = flood_interval[i] if site_flood[i] and in_flood(t) else interval_of[i]
                    if listed_until[i] > t:  # a repeat offender: more often, first
                        step *= bl_factor
                        kind = MAJOR
                    elif kind == MAJOR and not site_major[i]:
                        kind = ROUTINE  # no longer listed
                    new_due = (t if t > due else due) + step
                    ver += 1
                    version[i] = ver
                    next_due[i] = new_due
                    release = new_due - release_min
                    release = 0.0 if release < 0 else release - release % MIN_PER_DAY
                    job = (new_due, next(seq), release, i, kind, ver)
                    if release <= t:
                        pool.push(kind, job)
                    else:  # JobPool.push, written out for the common case
                        bucket = pool.pending.get(release)
                        if bucket is None:
                            pool.push(kind, job)
                        else:
                            bucket[kind].append(job)
            worker = ins  # the inspector is free: its next job, or idle
        elif callback is timer_cb:
            if t >= pool.wake_at:
                pool.wake_at = INF
            if not idle:
                continue
            worker = None  # hand released jobs to the idle inspectors (JobPool.assign)
        else:
            callback(ins, entry)
            continue

        # -- give work: to ``worker`` (after a finish), or to idle inspectors (on the timer) --
        while True:
            # nothing released and waiting: skip the look (the common case after a visit)
            got = take() if any(heaps) or (release_times and release_times[0] <= t) else None
            if got is None:
                if worker is not None:
                    idle.append(worker)
                nxt = release_times[0] if release_times else INF
                if nxt < pool.wake_at:
                    pool.wake(nxt)
                break
            cls, job = got
            ins = worker if worker is not None else idle.popleft()
            if t >= ins.leave_at:
                start_job(ins, cls, job)  # the post fell vacant: the job goes back
            else:  # InspectionModel._start, written out
                i = job[3]
                sd = site_dist[i]
                travel = ins.round_trip[sd]
                kind = job[4]
                if kind < INVESTIGATION:  # a visit: travel and inspect
                    work = durations[sd][site_cat[i]].next()
                    if kind == REINSPECTION:
                        work *= reinsp_duration
                    work += travel
                elif kind == INVESTIGATION:
                    work = inv_durations[sd].next() + travel
                else:  # a referred case: office work
                    work = case_min
                    travel = 0.0
                begin, end = ins.calendar.span(t, work)
                wait_sum[sd][kind] += begin - job[2]
                wait_n[sd][kind] += 1
                if trace is not None:
                    trace.append((begin, "start", ins.name, i, names.get(kind, "spot_check")))
                ins.busy_min += work
                ins.travel_min += travel
                heappush(events, (end, next(seq), finish_cb, ins, job))
            if worker is not None or not idle:
                break
    if until > pool.now:
        pool.now = until


def advance_all(m: PoolHost, until: float, inclusive: bool = True) -> None:
    """Bring every pool of ``m`` up to ``until``."""
    for pool in m.pools:
        advance_pool(m, pool, until, inclusive)

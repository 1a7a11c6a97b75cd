"""The job pool of a group of inspectors: priority classes, release times, idle inspectors, and
the pool's own event list.

Each pool (a district's, or the city's) keeps the jobs not yet released in buckets by release
time, and the released ones in one heap per priority class, ordered by due time. Classes 0–2 are
served strictly in order; classes 3 and 4 (routine inspections and flood-season spot checks)
share a level, earliest due first.

Inspectors are not SimPy processes, and the end of a job is not a SimPy event either: jobs of a
pool's sites are only ever done by the pool's inspectors, and what happens inside a pool
(finishing a job, taking the next, reopening a post) touches nothing outside it. So each pool
runs its own small event list (a heap of ``(time, seq, callback, a, b)``) and the SimPy model
brings a pool up to the present (:meth:`JobPool.advance`, or its written-out twin for the
inspection model, :func:`anjian.sim.inspection_loop.advance_pool`) before anything from outside (a
complaint, the flood-season regime, a snapshot, the year's end) touches it. This is the same
non-preemptive priority multi-server queue as inspector processes pulling from a
``PriorityStore``, at a heap push and pop per job instead of about four SimPy events.

Entries are flat tuples ``(due, seq, release, site, kind, version)``. An entry with a version
``>= 0`` is superseded (dropped when met) once ``versions[site]`` has moved past it — a routine
inspection rescheduled; entries with version ``-1`` never are.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterator, MutableSequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .calendar import WorkCalendar

INF = float("inf")

# job classes (priority order) and kinds: a job is (due, seq, release, site, kind, version)
COMPLAINT, REINSPECTION, MAJOR, ROUTINE = 0, 1, 2, 3
SPOT = 4  # kind code for spot checks (flood-season township checks)
CAMPAIGN = 5  # kind code for campaign inspections (专项整治)
INVESTIGATION = 6  # kind code for accident investigations (事故调查)
REFERRAL = 7  # kind code for referred cases processed by district staff (office work)
JOB_NAMES = {COMPLAINT: "complaint", REINSPECTION: "reinspection", MAJOR: "major_hazard",
             ROUTINE: "routine", SPOT: "spot_check", CAMPAIGN: "campaign",
             INVESTIGATION: "investigation", REFERRAL: "referral_case"}  # fmt: skip
SHARED_FROM = 3  # classes >= 3 share one priority level: earliest due first
PLANNED = 4  # the queue class of spot checks, campaigns, investigations and referred cases
N_CLASSES = 5  # queue classes: complaint, re-inspection, major, routine, other planned work
N_KINDS = 8  # job kinds (the entry's kind: what the job is, for its duration and counters)
Entry = tuple[float, int, float, int, int, int]  # due, seq, release, site, kind, version
Event = tuple[float, int, Callable[[Any, Any], None], Any, Any]


class JobPool:
    """Jobs waiting for one pool of inspectors, the inspectors free to take them, and the
    pool's pending events (jobs finishing, posts reopening, the next release)."""

    __slots__ = ("events", "heaps", "idle", "now", "on_timer", "pending", "release_times", "seq",
                 "start", "versions", "wake_at")  # fmt: skip

    def __init__(
        self,
        versions: MutableSequence[int],
        start: Callable[[Any, int, Entry], None],
        seq: Iterator[int],
    ) -> None:
        self.heaps: list[list[Entry]] = [[] for _ in range(N_CLASSES)]  # released jobs
        self.pending: dict[float, list[list[Entry]]] = {}  # release time -> jobs by class
        self.release_times: list[float] = []  # heap of the pending keys
        self.idle: deque[Any] = deque()  # first idle, first to work (as a FIFO Store)
        self.wake_at = INF
        self.versions = versions
        self.start = start
        self.events: list[Event] = []
        self.now = 0.0
        self.seq = seq  # tie-breaker of same-time events (may be shared with the jobs' seq)
        self.on_timer = self._on_timer  # one bound method: callers recognise timer events

    # -- the pool's clock ------------------------------------------------------------------
    def at(self, t: float, callback: Callable[[Any, Any], None], a: Any, b: Any) -> None:
        """Call ``callback(a, b)`` at time ``t`` (>= now); same-time events run in order."""
        heapq.heappush(self.events, (t, next(self.seq), callback, a, b))

    def advance(self, until: float, inclusive: bool = True) -> None:
        """Run the pool's events up to time ``until`` (and at it, if ``inclusive``); the clock
        ends at ``until``."""
        events = self.events
        pop = heapq.heappop
        while events and (events[0][0] <= until if inclusive else events[0][0] < until):
            t, _, callback, a, b = pop(events)
            self.now = t
            callback(a, b)
        if until > self.now:
            self.now = until

    # -- jobs ------------------------------------------------------------------------------
    def push(self, cls: int, entry: Entry) -> None:
        """Add a job; a free inspector takes it now, or when it is released.

        Jobs released in the future wait in a bucket per release time (planned work is released
        at day starts, so there are few distinct times); the class heaps hold released jobs
        only, which keeps them small.
        """
        release = entry[2]
        if release <= self.now:
            heapq.heappush(self.heaps[cls], entry)
            if self.idle:
                self.assign()
            return
        bucket = self.pending.get(release)
        if bucket is None:
            bucket = self.pending[release] = [[] for _ in range(N_CLASSES)]
            heapq.heappush(self.release_times, release)
            if self.idle and release < self.wake_at:
                self.wake(release)
        bucket[cls].append(entry)

    def extend(self, cls: int, entries: list[Entry]) -> None:
        """Add many jobs of class ``cls`` at once (fastest when ``entries`` come sorted by
        release time). Jobs released now are handed out in priority order by a timer event at
        the present time, in the pool's own event loop."""
        now = self.now
        heap = self.heaps[cls]
        pending = self.pending
        times = self.release_times
        for release, run in groupby(entries, key=itemgetter(2)):  # runs of one release time
            if release <= now:
                heap.extend(run)
                continue
            bucket = pending.get(release)
            if bucket is None:
                bucket = pending[release] = [[] for _ in range(N_CLASSES)]
                heapq.heappush(times, release)
            bucket[cls].extend(run)
        heapq.heapify(heap)
        if self.idle and heap and self.now < self.wake_at:
            self.wake(self.now)
        elif self.idle and self.next_release() < self.wake_at:
            # idle inspectors are woken at the earliest release, as by push (then whether a
            # release time already had jobs never matters; sim/kernel.py relies on it)
            self.wake(self.next_release())

    def _release(self) -> None:
        """Move every bucket released by now into the class heaps (superseded jobs included:
        :meth:`take` drops them when it meets them)."""
        now = self.now
        times = self.release_times
        heaps = self.heaps
        while times and times[0] <= now:
            for cls, jobs in enumerate(self.pending.pop(heapq.heappop(times))):
                if not jobs:
                    continue
                heap = heaps[cls]
                if len(jobs) * 8 >= len(heap):  # many at once: re-heapify in one C call
                    heap.extend(jobs)
                    heapq.heapify(heap)
                else:
                    for entry in jobs:
                        heapq.heappush(heap, entry)

    def free(self, inspector: Any) -> None:
        """An inspector has finished (or returned): give it work, or let it wait."""
        got = self.take()
        if got is not None:
            self.start(inspector, *got)
            return
        self.idle.append(inspector)
        nxt = self.next_release()
        if nxt < self.wake_at:
            self.wake(nxt)

    def assign(self) -> None:
        """Hand released jobs to free inspectors while both exist."""
        idle = self.idle
        while idle:
            got = self.take()
            if got is None:
                nxt = self.next_release()
                if nxt < self.wake_at:
                    self.wake(nxt)
                return
            self.start(idle.popleft(), *got)

    def wake(self, t: float) -> None:
        """Assign released jobs to idle inspectors at ``t`` (call when ``t < wake_at``)."""
        if t < INF:
            self.wake_at = t
            self.at(t if t > self.now else self.now, self.on_timer, None, None)

    def _on_timer(self, _a: Any, _b: Any) -> None:
        if self.now >= self.wake_at:
            self.wake_at = INF
        self.assign()

    def take(self) -> tuple[int, Entry] | None:
        """The best released job (class, entry), removed from the pool; None if none."""
        times = self.release_times
        if times and times[0] <= self.now:
            self._release()
        heaps = self.heaps
        versions = self.versions
        pop = heapq.heappop
        for cls in range(SHARED_FROM):
            heap = heaps[cls]
            while heap:
                entry = pop(heap)
                if entry[5] < 0 or entry[5] == versions[entry[3]]:
                    return cls, entry
        best_cls = -1
        best: Entry | None = None
        for cls in range(SHARED_FROM, N_CLASSES):
            heap = heaps[cls]
            while heap and 0 <= heap[0][5] != versions[heap[0][3]]:
                pop(heap)  # superseded job
            if heap and (best is None or heap[0][0] < best[0]):
                best, best_cls = heap[0], cls
        if best is None:
            return None
        return best_cls, pop(heaps[best_cls])

    def next_release(self) -> float:
        """The earliest release time of a job not yet released (INF if none)."""
        return self.release_times[0] if self.release_times else INF

    def backlog(self) -> int:
        """Released jobs waiting now."""
        self._release()
        versions = self.versions
        return sum(1 for h in self.heaps for e in h if e[5] < 0 or e[5] == versions[e[3]])

    def overdue(self, t: float) -> int:
        """Released jobs waiting whose due time is before ``t``."""
        self._release()
        versions = self.versions
        return sum(
            1 for h in self.heaps for e in h if e[0] < t and (e[5] < 0 or e[5] == versions[e[3]])
        )


@dataclass(slots=True, eq=False)
class Inspector:
    """One post: who holds it, when they leave, what they have done (times in minutes)."""

    kind: int
    district: int
    queue: JobPool
    calendar: WorkCalendar
    can_penalise: bool
    p_detect: float
    novice: float
    competent_at: float
    leave_at: float
    name: str
    busy_min: float = 0.0
    travel_min: float = 0.0
    vacant_work: float = 0.0
    vacant_since: float = INF
    inspections: int = 0
    penalties: int = 0
    round_trip: list[float] = field(default_factory=list)  # minutes to each district and back
    post: int = 0  # the post's id for its own random numbers (district, kind, number)
    rng: Any = None  # the post's own stream for hiring, competence and leaving (made lazily)

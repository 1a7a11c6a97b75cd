"""The job pool of a group of inspectors: priority classes, release times, idle inspectors, and
the pool's own event list.

Each pool (a district's, or the city's) keeps one heap per priority class, ordered by due time;
every entry's release time is its due time minus a constant of that class, so if a heap's top is
not yet released, nothing in that heap is. Classes 0–2 are served strictly in order; classes 3
and 4 (routine inspections and flood-season spot checks) share a level, earliest due first.

Inspectors are not SimPy processes, and the end of a job is not a SimPy event either: jobs of a
pool's sites are only ever done by the pool's inspectors, and what happens inside a pool
(finishing a job, taking the next, reopening a post) touches nothing outside it. So each pool
runs its own small event list (a heap of ``(time, seq, callback, a, b)``) and the SimPy model
calls :meth:`JobPool.advance` to bring a pool up to the present before anything from outside
(a complaint, the flood-season regime, a snapshot, the year's end) touches it. This is the same
non-preemptive priority multi-server queue as inspector processes pulling from a
``PriorityStore``, at a heap push and pop per job instead of about four SimPy events.

Entries are flat tuples ``(due, seq, release, site, kind, version)``.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

INF = float("inf")
SHARED_FROM = 3  # classes >= 3 share one priority level
N_CLASSES = 5
Entry = tuple[float, int, float, int, int, int]  # due, seq, release, site, kind, version
Event = tuple[float, int, Callable[[Any, Any], None], Any, Any]


class JobPool:
    """Jobs waiting for one pool of inspectors, the inspectors free to take them, and the
    pool's pending events (jobs finishing, posts reopening, the next release)."""

    __slots__ = ("_seq", "current", "events", "heaps", "idle", "now", "start", "wake_at")

    def __init__(
        self,
        current: Callable[[Entry], bool],
        start: Callable[[Any, int, Entry], None],
    ) -> None:
        self.heaps: list[list[Entry]] = [[] for _ in range(N_CLASSES)]
        self.idle: deque[Any] = deque()  # first idle, first to work (as a FIFO Store)
        self.wake_at = INF
        self.current = current
        self.start = start
        self.events: list[Event] = []
        self.now = 0.0
        self._seq = 0

    # -- the pool's clock ------------------------------------------------------------------
    def at(self, t: float, callback: Callable[[Any, Any], None], a: Any, b: Any) -> None:
        """Call ``callback(a, b)`` at time ``t`` (>= now); same-time events run in order."""
        self._seq += 1
        heapq.heappush(self.events, (t, self._seq, callback, a, b))

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
        """Add a job; a free inspector takes it now, or when it is released."""
        heapq.heappush(self.heaps[cls], entry)
        if self.idle:
            if entry[2] <= self.now:
                self.assign()
            elif entry[2] < self.wake_at:
                self._wake(entry[2])

    def free(self, inspector: Any) -> None:
        """An inspector has finished (or returned): give it work, or let it wait."""
        got = self.take()
        if got is not None:
            self.start(inspector, *got)
            return
        self.idle.append(inspector)
        nxt = self.next_release()
        if nxt < self.wake_at:
            self._wake(nxt)

    def assign(self) -> None:
        """Hand released jobs to free inspectors while both exist."""
        idle = self.idle
        while idle:
            got = self.take()
            if got is None:
                nxt = self.next_release()
                if nxt < self.wake_at:
                    self._wake(nxt)
                return
            self.start(idle.popleft(), *got)

    def _wake(self, t: float) -> None:
        if t < INF:
            self.wake_at = t
            self.at(t if t > self.now else self.now, self._on_timer, None, None)

    def _on_timer(self, _a: Any, _b: Any) -> None:
        if self.now >= self.wake_at:
            self.wake_at = INF
        self.assign()

    def take(self) -> tuple[int, Entry] | None:
        """The best released job (class, entry), removed from the pool; None if none."""
        now = self.now
        heaps = self.heaps
        current = self.current
        best_cls = -1
        best: Entry | None = None
        for cls in range(N_CLASSES):
            heap = heaps[cls]
            while heap:
                entry = heap[0]
                if entry[2] > now:
                    break
                if not current(entry):
                    heapq.heappop(heap)  # superseded job
                    continue
                if best is None or entry[0] < best[0]:
                    best, best_cls = entry, cls
                break
            if best is not None and cls < SHARED_FROM:
                break
        if best is None:
            return None
        heapq.heappop(heaps[best_cls])
        return best_cls, best

    def next_release(self) -> float:
        """The earliest release time among the heaps' tops (INF if empty)."""
        best = INF
        for h in self.heaps:
            if h and h[0][2] < best:
                best = h[0][2]
        return best

    def backlog(self) -> int:
        """Released jobs waiting now."""
        now = self.now
        current = self.current
        return sum(1 for h in self.heaps for e in h if e[2] <= now and current(e))

    def overdue(self, t: float) -> int:
        """Released jobs waiting whose due time is before ``t``."""
        now = self.now
        current = self.current
        return sum(1 for h in self.heaps for e in h if e[2] <= now and e[0] < t and current(e))

"""The job pool of a group of inspectors: priority classes, release times and idle inspectors.

Each pool (a district's, or the city's) keeps one heap per priority class, ordered by due time;
every entry's release time is its due time minus a constant of that class, so if a heap's top is
not yet released, nothing in that heap is. Classes 0–2 are served strictly in order; classes 3
and 4 (routine inspections and flood-season spot checks) share a level, earliest due first.

Inspectors are not SimPy processes: a free inspector is handed the best released job at once,
and the job's end is one SimPy timeout with a callback. Jobs released in the future set a single
timer per pool. This is the same queueing discipline as inspector processes pulling from a
``PriorityStore`` (a non-preemptive priority multi-server queue), at one event per job instead
of four — the batching that keeps a city-wide year in seconds.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

INF = float("inf")
SHARED_FROM = 3  # classes >= 3 share one priority level
N_CLASSES = 5
Entry = tuple[float, int, float, Any]  # due, seq, release, job


class JobPool:
    """Jobs waiting for one pool of inspectors, and the inspectors free to take them."""

    __slots__ = ("current", "env", "heaps", "idle", "start", "wake_at")

    def __init__(
        self,
        env: simpy.Environment,
        current: Callable[[Any], bool],
        start: Callable[[Any, int, Entry], None],
    ) -> None:
        self.env = env
        self.heaps: list[list[Entry]] = [[] for _ in range(N_CLASSES)]
        self.idle: deque[Any] = deque()  # first idle, first to work (as a FIFO Store)
        self.wake_at = INF
        self.current = current
        self.start = start

    def push(self, cls: int, entry: Entry) -> None:
        """Add a job; a free inspector takes it now, or when it is released."""
        heapq.heappush(self.heaps[cls], entry)
        if self.idle:
            if entry[2] <= self.env.now:
                self.assign()
            else:
                self.wake_no_later_than(entry[2])

    def free(self, inspector: Any) -> None:
        """An inspector has finished (or returned): give it work, or let it wait."""
        got = self.take()
        if got is not None:
            self.start(inspector, *got)
            return
        self.idle.append(inspector)
        nxt = self.next_release()
        if nxt < INF:
            self.wake_no_later_than(nxt)

    def assign(self) -> None:
        """Hand released jobs to free inspectors while both exist."""
        while self.idle:
            got = self.take()
            if got is None:
                break
            self.start(self.idle.popleft(), *got)
        if self.idle:
            nxt = self.next_release()
            if nxt < INF:
                self.wake_no_later_than(nxt)

    def wake_no_later_than(self, t: float) -> None:
        if t < self.wake_at:
            self.wake_at = t
            timer = self.env.timeout(max(0.0, t - self.env.now))
            timer.callbacks.append(self._on_timer)

    def _on_timer(self, event: simpy.Event) -> None:
        if self.env.now >= self.wake_at:
            self.wake_at = INF
        self.assign()

    def take(self) -> tuple[int, Entry] | None:
        """The best released job (class, entry), removed from the pool; None if none."""
        now = self.env.now
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
                if not current(entry[3]):
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
        now = self.env.now
        return sum(1 for h in self.heaps for e in h if e[2] <= now and self.current(e[3]))

    def overdue(self, t: float) -> int:
        """Released jobs waiting whose due time is before ``t``."""
        now = self.env.now
        return sum(
            1 for h in self.heaps for e in h if e[2] <= now and e[0] < t and self.current(e[3])
        )

"""Long computations the app runs while its page keeps showing progress: a :class:`Job` runs
``work(job)`` in a thread of this process, ``job.report(done, total)`` counts finished steps
(``job.say(message)`` names the current one), and the page polls :meth:`Job.status` twice
a second for an estimate of how far it has come.

Jobs are kept by key (e.g. a sweep's definition hash), so a page rerun, a second browser tab
or a return to the page attaches to the job already running instead of starting it twice, and
the finished result stays until it is taken. The app's simulations run on one local Dask
cluster kept for the process (:func:`shared_client`, ``ANJIAN_APP_WORKERS`` processes, default
one per core; ``1`` runs them in the app's own process).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sim.size import estimate

#: How many of the finished jobs are kept for their pages to pick up (oldest dropped first).
KEEP_FINISHED = 32

#: Seconds per simulated event on this kind of machine (one 2-core machine measured: a
#: Chongqing inspection year, ~1.05 M events, takes 2.4–3.0 s alone and ~3.5 s with both
#: cores busy; a response year 0.4–0.5 s for 1,840 incidents and their relief), used only to
#: move the bar before the first runs end.
SECONDS_PER_EVENT = {"inspections": 3.4e-6, "response": 2.8e-4}
WORKERS_VARIABLE = "ANJIAN_APP_WORKERS"


@dataclass
class Status:
    """What a page shows of a running job."""

    done: int
    total: int
    elapsed_s: float
    fraction: float  #: estimated share of the work done, 0–1 (never below done/total)
    left_s: float | None  #: estimated seconds left (None until it can be estimated)
    finished: bool


@dataclass
class Job:
    """One computation in a thread: its progress, then its result or its error."""

    key: str
    expected_s: float | None = None  #: a prior guess of the whole job's seconds
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    total: int = 0
    last_step: float | None = None
    result: Any = None
    error: BaseException | None = None
    thread: threading.Thread | None = None
    ended: float | None = None
    message: str = ""
    #: whether the steps are alike enough to time the rest by (replications are; the stages
    #: of a search, some instant and some minutes long, are not: then the bar shows the
    #: stages done and the time so far, no estimate)
    paced: bool = True

    def say(self, message: str) -> None:
        """The step under way (any thread)."""
        self.message = message

    steps: list[tuple[float, int]] = field(default_factory=list)  #: (time, done) at each step

    def report(self, done: int, total: int) -> None:
        """The work's progress callback (any thread)."""
        if done > self.done:
            self.last_step = time.monotonic()
            self.steps.append((self.last_step, done))
        self.done, self.total = done, total

    @property
    def finished(self) -> bool:
        return self.ended is not None

    def status(self, now: float | None = None) -> Status:
        """Progress so far. The fraction follows the pace of the finished steps (or, before
        the first, the prior guess), stays between the steps done and the next ones, and
        never reaches 1 before the work has ended."""
        now = time.monotonic() if now is None else now
        elapsed = (self.ended or now) - self.started
        if self.finished:
            return Status(self.done, self.total, elapsed, 1.0, 0.0, True)
        floor = min(self.done / self.total, 0.99) if self.total else 0.0
        expected = self._expected() if self.paced else None
        if not expected or expected <= 0:
            return Status(self.done, self.total, elapsed, floor, None, False)
        fraction = min(max(elapsed / expected, floor), 0.99)
        # past the estimate: no "0 s left" while the work goes on, only the time so far
        left = expected - elapsed if expected - elapsed >= 1.0 else None
        return Status(self.done, self.total, elapsed, fraction, left, False)

    def _expected(self) -> float | None:
        """The whole job's expected seconds: from the pace of the steps after the first (the
        first also carries the start-up, and parallel workers finish steps in bursts) once
        three are done, else the prior guess, else the pace of the steps so far."""
        if len(self.steps) >= 3 and self.total:
            (t1, d1), (tk, dk) = self.steps[0], self.steps[-1]
            if tk > t1 and dk > d1:
                rate = (dk - d1) / (tk - t1)
                return tk - self.started + (self.total - dk) / rate
        if self.expected_s:
            return self.expected_s
        if self.done and self.last_step is not None and self.total:
            return (self.last_step - self.started) / self.done * self.total
        return None

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start(
    key: str,
    work: Callable[[Job], Any],
    *,
    expected_s: float | None = None,
    total: int = 0,
    wrap: Callable[[threading.Thread], None] | None = None,
) -> Job:
    """The job under ``key``: the one running or finished and not yet taken, else a new one
    running ``work(job)``. ``wrap`` sees the thread before it starts (the app attaches its
    script context so cached functions work inside)."""
    with _lock:
        job = _jobs.get(key)
        if job is not None:
            return job
        job = Job(key, expected_s=expected_s, total=total)

        def run() -> None:
            try:
                job.result = work(job)
            except BaseException as err:  # handed to the page that shows the job
                job.error = err
            finally:
                job.ended = time.monotonic()

        job.thread = threading.Thread(target=run, name=f"anjian-job-{key[:12]}", daemon=True)
        if wrap is not None:
            wrap(job.thread)
        _jobs[key] = job
        _forget_old()
        job.thread.start()
        return job


def running(key: str) -> Job | None:
    """The job under ``key`` if there is one (running or finished, not yet taken)."""
    with _lock:
        return _jobs.get(key)


def take(key: str) -> Job | None:
    """Remove a finished job and return it (its page has shown the result); a running job
    stays."""
    with _lock:
        job = _jobs.get(key)
        if job is None or not job.finished:
            return None
        return _jobs.pop(key)


def _forget_old() -> None:
    done = [k for k, j in _jobs.items() if j.finished]
    for k in done[: max(0, len(done) - KEEP_FINISHED)]:
        del _jobs[k]


def expected_seconds(s: Any, years: float, model: str, runs: int, workers: int) -> float:
    """A prior guess of ``runs`` replications' wall seconds on ``workers`` processes (from
    the runs' expected event counts), for the bar before the first replication ends."""
    size = estimate(s, years, "inspection" if model == "inspections" else "response")
    per_run = size.total_events * SECONDS_PER_EVENT.get(model, 0.0) + 0.2
    rounds = -(-runs // max(1, workers))
    return per_run * rounds


def app_workers() -> int:
    """``ANJIAN_APP_WORKERS`` (default: one per core)."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not text:
        return max(1, os.cpu_count() or 1)
    try:
        n = int(text)
    except ValueError:
        raise ValueError(f"{WORKERS_VARIABLE}={text!r} is not a whole number; set e.g. 2") from None
    return max(1, n)


_client: Any = None
_cluster: Any = None
#: Why the shared cluster could not start (then every run stays in the app's process).
failure: str | None = None
_client_lock = threading.Lock()


def shared_client(ref: str | None = None) -> Any:
    """The process's Dask client on a local cluster of :func:`app_workers` processes, started
    on first use and closed at exit; ``None`` with one worker (runs stay in this process).
    ``ref`` names a scenario the workers load at once."""
    global _client, _cluster, failure
    n = app_workers()
    if n <= 1:
        return None
    with _client_lock:
        if _client is None:
            if failure is not None:  # tried once: the runs stay in this process
                return None
            from . import parallel
            from .sweep import _open_dask

            try:
                _client, _cluster = _open_dask(ref or "toy", n, None)
            except Exception as err:  # no workers (a sandbox, no processes): run here
                failure = f"{type(err).__name__}: {err}"
                logging.getLogger("anjian").warning(
                    "the app's %d worker processes could not start (%s); its simulations run "
                    "in its own process", n, failure)  # fmt: skip
                return None
            atexit.register(_close)
            # a first short run of each model on every worker: the compiled kernels load and
            # the models import before anyone waits for a what-if (~1.5 s a worker)
            with contextlib.suppress(Exception):  # a scenario that cannot run: runs will say
                _client.run(_warm_models, ref or "toy")
            if parallel._active is None:  # the optimizers' simulations use it too
                parallel._active = _client
        return _client


def _warm_models(ref: str) -> None:
    from .sweep import run_task

    for model in ("inspections", "response"):
        run_task(ref, "{}", model, 0.01, 0, 0, {})


def warm_up(ref: str) -> None:
    """Start the shared cluster in the background (the app calls this on its first page, so
    the first what-if finds its workers ready)."""
    if app_workers() > 1 and _client is None:
        threading.Thread(target=shared_client, args=(ref,), daemon=True,
                         name="anjian-cluster").start()  # fmt: skip


def _close() -> None:
    global _client, _cluster
    from . import parallel

    with _client_lock:
        if parallel._active is not None and parallel._active is _client:
            parallel._active = None
        for thing in (_client, _cluster):
            if thing is not None:
                with contextlib.suppress(Exception):  # at exit: nothing left to tell
                    thing.close()
        _client = _cluster = None

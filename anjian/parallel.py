"""Many independent simulations of one scenario, serially or on a local Dask cluster, and a
cache of their results by content (scenario hash and settings).

:func:`map_tasks` sends the shared input (a scenario) to every worker once and runs
``fn(shared, item)`` for each item; results come back in the items' order whatever the backend
and the number of workers (each task is a pure function of its inputs); inside a
:func:`one_cluster` block all maps share one cluster, started once. :func:`cached_frame`
keeps a table computed from a scenario under a key made of its content hash and the settings, in
``<run store>/cache`` (``$ANJIAN_STORE``, see :func:`anjian.store.default_store_path`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from anjian.scenarios.derive import scenario_hash
from anjian.scenarios.scenario import Scenario

from .store import default_store_path
from .sweep import LOCAL_CLUSTER_CONFIG

#: ``pool(fn, items) -> [fn(i) for i in items]`` (see :func:`worker_pool`).
Pool = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_calls = 0


def collect_now_and_then() -> None:
    """A full garbage collection every 8 calls: each simulation's model is a large graph of
    reference cycles that outlives the run in the oldest generation; thousands of short runs
    in one process otherwise grow memory by ~14 MB each."""
    global _calls
    _calls += 1
    if _calls % 8 == 0:
        gc.collect()


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def map_tasks(
    fn: Callable[[S, T], R],
    shared: S,
    items: Sequence[T],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[fn(shared, item) for item in items]``, on ``workers`` processes (default: one per
    core; 1 runs here, serially). ``fn`` must be a module-level function."""
    n = workers or default_workers()
    total = len(items)
    if _active is not None and n > 1 and total > 1:
        return _run_on(_active, fn, shared, items, progress)
    if n <= 1 or total <= 1:
        out = []
        for i, item in enumerate(items):
            out.append(fn(shared, item))
            if progress is not None:
                progress(i + 1, total)
        return out
    from distributed import Client

    cluster = _local_cluster(min(n, total))
    try:
        with Client(cluster) as client:
            results = _run_on(client, fn, shared, items, progress)
            client.run(_quiet_teardown)
            return results
    finally:
        cluster.close()


def _local_cluster(n: int) -> Any:
    """A local Dask cluster of ``n`` single-threaded worker processes, no dashboard."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                            dashboard_address=None)  # fmt: skip


def _run_on(
    client: Any,
    fn: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    progress: Callable[[int, int], None] | None,
) -> list[Any]:
    """``[fn(shared, item) for item in items]`` on ``client``'s workers, in the items' order."""
    from distributed import as_completed

    total = len(items)
    [big] = client.scatter([shared], broadcast=True)
    futures = [client.submit(fn, big, item, pure=False) for item in items]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * total
    for done, fut in enumerate(as_completed(futures), start=1):
        results[index[fut.key]] = fut.result()
        if progress is not None:
            progress(done, total)
    return results


_active: Any = None  # the Client of an open :func:`one_cluster` block


@contextmanager
def one_cluster(workers: int | None = None) -> Iterator[None]:
    """Inside the block every :func:`map_tasks` call (with more than one worker and item)
    runs on one local Dask cluster of ``workers`` processes (default one per core), started
    once: a cluster takes seconds to start and its workers to import the models, which a job
    of many small maps (``anjian run``'s rounds, the fresh comparison, KN's replications)
    otherwise pays each time. Nested blocks use the outer cluster; one worker does nothing."""
    global _active
    n = workers or default_workers()
    if n <= 1 or _active is not None:
        yield
        return
    from distributed import Client

    cluster = _local_cluster(n)
    try:
        with Client(cluster) as client:
            _active = client
            try:
                yield
            finally:
                _active = None
                client.run(_quiet_teardown)
    finally:
        cluster.close()


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Pool]:
    """A map on a local Dask cluster kept for the ``with`` block: ``pool(fn, items)`` is
    ``[fn(i) for i in items]`` computed on the workers, in the items' order — for loops that
    map many times (the L-shaped method's scenario LPs each iteration) without a cluster
    start each time. ``fn`` must be a module-level function; one worker maps here, serially."""
    n = workers or default_workers()
    if n <= 1:
        yield lambda fn, items: [fn(i) for i in items]
        return
    from distributed import Client

    cluster = _local_cluster(n)
    try:
        with Client(cluster) as client:

            def pool(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
                futures = client.map(fn, list(items), pure=False)
                return list(client.gather(futures))

            yield pool
            client.run(_quiet_teardown)
    finally:
        cluster.close()


def _quiet_teardown() -> None:
    """Runs on every worker once its tasks are done: the scheduler may close before a worker's
    last heartbeat, which the worker logs as an error with a traceback on the user's terminal
    (seen under load); nothing it could say then matters — task errors reach the client."""
    import logging

    for name in ("distributed.worker", "distributed.nanny", "distributed.core",
                 "distributed.comm", "distributed.utils_comm"):  # fmt: skip
        logging.getLogger(name).setLevel(logging.CRITICAL)


def cache_dir() -> Path:
    """``<run store>/cache``."""
    return default_store_path() / "cache"


def cache_key(kind: str, s: Scenario, settings: dict[str, Any]) -> str:
    """A key for a table computed from ``s`` with ``settings`` (JSON-serialisable)."""
    text = json.dumps({"kind": kind, "scenario": scenario_hash(s), **settings}, sort_keys=True,
                      default=str)  # fmt: skip
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def cached_frame(
    key: str, compute: Callable[[], pd.DataFrame], *, use_cache: bool = True
) -> tuple[pd.DataFrame, bool]:
    """The table stored under ``key``, or ``compute()`` stored there (written to a temporary
    file and renamed, so a crash never leaves half a table). Returns the table and whether it
    came from the cache."""
    path = cache_dir() / f"{key}.parquet"
    if use_cache and path.exists():
        try:
            return pd.read_parquet(path), True
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a damaged cache entry is recomputed
    frame = compute()
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    return frame, False

"""Sweep benchmark: a 40-replication sweep serially vs on a 2-worker LocalCluster, Dask's
per-task overhead, and the run store's cost per recorded run.

Run by hand on an otherwise idle machine (it uses both cores)::

    python bench/bench_sweep.py [--reps 40] [--years 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from anjian.store import RunStore
from anjian.sweep import LOCAL_CLUSTER_CONFIG, Sweep, run_sweep

ROOT = Path(__file__).resolve().parent.parent


def _noop(x: int) -> int:
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--years", type=float, default=2.0)
    args = ap.parse_args()
    sweep = Sweep(
        name="bench",
        scenario="chongqing_flood2020",
        model="response",
        years=args.years,
        reps=args.reps,
        seed=1,
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "s")
        t0 = time.perf_counter()
        serial = run_sweep(sweep, store, backend="serial")
        t_serial = time.perf_counter() - t0
        t0 = time.perf_counter()
        dask = run_sweep(sweep, store, backend="dask", workers=2)
        t_dask = time.perf_counter() - t0
        task_s = store.runs(serial.sweep_id)["seconds"]
        task_dask = store.runs(dask.sweep_id)["seconds"]
        a = store.kpis(serial.sweep_id).sort_values(["rep", "level", "key", "kpi"])
        b = store.kpis(dask.sweep_id).sort_values(["rep", "level", "key", "kpi"])
        identical = a.reset_index(drop=True).equals(b.reset_index(drop=True))
        # the store's cost per run
        kpis = pd.read_parquet(next((Path(tmp) / "s" / "kpis").glob("*.parquet")))
        sid = store.create_sweep("w", {}, "w", 200)
        t0 = time.perf_counter()
        for rep in range(200):
            store.record_run(
                sid,
                "c",
                rep,
                seed=0,
                model="response",
                overrides={},
                scenario_hash="h",
                config={},
                seconds=0.0,
                kpis=kpis,
            )
        t_write = (time.perf_counter() - t0) / 200
    import dask
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the settings a sweep's own cluster uses
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(cluster)
    t_start = time.perf_counter() - t0
    n = 2000
    t0 = time.perf_counter()
    client.gather(client.map(_noop, range(n), pure=False))
    t_task = (time.perf_counter() - t0) / n
    client.close()
    cluster.close()
    print(
        json.dumps(
            {
                "tasks": args.reps,
                "task_mean_s": round(float(task_s.mean()), 3),
                "task_mean_s_on_2_workers": round(float(task_dask.mean()), 3),
                "serial_s": round(t_serial, 2),
                "dask2_s": round(t_dask, 2),
                "speedup": round(t_serial / t_dask, 2),
                "speedup_excluding_cluster_start": round(t_serial / (t_dask - t_start), 2),
                "cluster_start_s": round(t_start, 2),
                "per_task_overhead_ms": round(1000 * t_task, 2),
                "store_write_ms_per_run": round(1000 * t_write, 2),
                "identical_tables": identical,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()

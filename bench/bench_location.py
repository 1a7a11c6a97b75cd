"""Location benchmark: OR-Library pmed1–40, anjian's p-median vs spopt (PuLP + CBC).

Run by hand (needs '.[bench]')::

    python bench/bench_location.py [--instances pmed1 pmed6 ...] [--peer-limit 600]

Both solvers run one after the other on the same instance in this process's machine; spopt
runs in a child process with CBC's own time limit (and a hard kill 60 s later), so one slow
instance cannot stall the run. Each finished instance is appended to the CSV at once
(default ``bench/results/location_pmed.csv``), so a stopped run keeps what it measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import time
from pathlib import Path

from anjian.optimize.median import p_median
from anjian.optimize.orlib import read_pmed

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT / "data" / "benchmarks" / "pmed"


def _peer(path: str, limit: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from bench.peers import spopt_pmedian

    inst, p = read_pmed(path)
    out.put(spopt_pmedian(inst.cost, inst.weight, p, limit))


def run_peer(path: Path, limit: float) -> dict[str, object]:
    q: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    proc = mp.Process(target=_peer, args=(str(path), limit, q))
    t0 = time.perf_counter()
    proc.start()
    proc.join(limit + 60)
    if proc.is_alive():
        proc.kill()
        return {"seconds": time.perf_counter() - t0, "objective": None, "status": "killed"}
    if not q.empty():
        result: dict[str, object] = q.get()
        return result
    # spopt raises when CBC stops at its time limit without a proven solution
    return {"seconds": time.perf_counter() - t0, "objective": None, "status": "not solved"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", nargs="*", default=[f"pmed{i}" for i in range(1, 41)])
    ap.add_argument("--peer-limit", type=float, default=600.0)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-ours", action="store_true", help="run only the peer")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "location_pmed.csv")
    args = ap.parse_args()
    optimum = {
        r["instance"]: float(r["optimal"]) for r in csv.DictReader((DATA / "optimal.csv").open())
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    new = not args.out.exists()
    with args.out.open("a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(
                [
                    "instance",
                    "n",
                    "p",
                    "optimal",
                    "anjian_objective",
                    "anjian_status",
                    "anjian_s",
                    "spopt_objective",
                    "spopt_status",
                    "spopt_s",
                    "ratio",
                ]
            )
        for name in args.instances:
            path = DATA / f"{name}.txt"
            inst, p = read_pmed(path)
            t0 = time.perf_counter()
            plan = None if args.no_ours else p_median(inst, p, time_limit_s=600)
            ours = time.perf_counter() - t0
            peer = {"seconds": None, "objective": None, "status": "skipped"}
            if not args.no_peer:
                peer = run_peer(path, args.peer_limit)
            ps = peer["seconds"]
            ratio = (
                float(ps) / ours if isinstance(ps, float) and plan is not None else None  # type: ignore[arg-type]
            )
            row = [
                name,
                inst.n_demand,
                p,
                optimum[name],
                plan.objective if plan is not None else None,
                plan.status if plan is not None else "skipped",
                round(ours, 3) if plan is not None else None,
                peer["objective"],
                peer["status"],
                round(float(ps), 3) if isinstance(ps, float) else None,  # type: ignore[arg-type]
                round(ratio, 1) if ratio else None,
            ]
            w.writerow(row)
            f.flush()
            print(
                json.dumps(
                    dict(
                        zip(
                            [
                                "instance",
                                "n",
                                "p",
                                "optimal",
                                "ours",
                                "status",
                                "s",
                                "spopt",
                                "spopt_status",
                                "spopt_s",
                                "ratio",
                            ],
                            row,
                            strict=True,
                        )
                    )
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Location benchmark at township scale: the built-in Chongqing scenario with ~1,000 grid
cells as demand points and every cell plus every depot as a candidate, two vehicle kinds
(dedicated, contracted) per place (≈ 2,040 candidate sites).

Run by hand::

    python bench/bench_location_city.py [--vehicles 40 100] [--time-limit 60]

Prints one JSON line per (model, vehicles) with status, objective, bound, gap and wall time
(instance build included separately), and also the CFLP (cap41–cap134) and Swain MCLP totals.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np

from anjian.optimize.capacitated import cflp
from anjian.optimize.covering import mclp, mexclp
from anjian.optimize.instance import make_instance
from anjian.optimize.median import p_median
from anjian.optimize.orlib import read_cap
from anjian.optimize.vehicles import vehicle_instance
from anjian.scenarios import load_scenario

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT / "data" / "benchmarks"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vehicles", type=int, nargs="*", default=[40, 100])
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    s = load_scenario("chongqing")
    s = s.with_({"demand.resolution": "grid"})
    t0 = time.perf_counter()
    vi = vehicle_instance(s)
    build = time.perf_counter() - t0
    inst = vi.instance
    print(
        json.dumps(
            {
                "instance": "chongqing-grid",
                "demand_points": inst.n_demand,
                "candidate_sites": inst.n_sites,
                "build_s": round(build, 2),
            }
        ),
        flush=True,
    )
    for k in args.vehicles:
        for name, solve in (("mclp", mclp), ("pmedian", p_median)):
            t0 = time.perf_counter()
            plan = solve(inst, k, time_limit_s=args.time_limit)
            print(
                json.dumps(
                    {
                        "model": name,
                        "vehicles": k,
                        "status": plan.status,
                        "objective": round(plan.objective, 3),
                        "bound": round(plan.bound, 3),
                        "gap": round(plan.gap, 6),
                        "seconds": round(time.perf_counter() - t0, 2),
                    }
                ),
                flush=True,
            )
        t0 = time.perf_counter()
        plan = mexclp(inst, k, 0.3, time_limit_s=args.time_limit)
        print(
            json.dumps(
                {
                    "model": "mexclp(q=0.3)",
                    "vehicles": k,
                    "status": plan.status,
                    "gap": round(plan.gap, 6),
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            ),
            flush=True,
        )
    t0 = time.perf_counter()
    names = [r["instance"] for r in csv.DictReader((DATA / "cflp/optimal.csv").open())]
    for n in names:
        cflp(read_cap(DATA / "cflp" / f"{n}.txt"))
    print(
        json.dumps(
            {"cflp_instances": len(names), "seconds_total": round(time.perf_counter() - t0, 2)}
        ),
        flush=True,
    )
    rows = list(csv.DictReader((DATA / "mclp/swain55.csv").open()))
    xy = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    sw = make_instance(
        np.linalg.norm(xy[:, None] - xy[None, :], axis=2), [float(r["demand"]) for r in rows]
    )
    t0 = time.perf_counter()
    for radius, p in ((10, 5), (10, 7), (10, 8), (10, 9), (15, 3), (20, 2)):
        mclp(sw.with_radius(radius), p)
    print(
        json.dumps({"swain_mclp_solves": 6, "seconds_total": round(time.perf_counter() - t0, 3)}),
        flush=True,
    )


if __name__ == "__main__":
    main()

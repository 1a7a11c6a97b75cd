"""Relief reserves on the built-in scenario (issue 17): the extensive form against the L-shaped
method, serially and on 2 Dask workers, on one instance — chongqing_flood2020, every township
a candidate (1,071 reserve points × 5 commodities), 200 disaster episodes.

Run by hand: ``python bench/bench_reserves.py [episodes] [lshaped-iterations]``; figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def main() -> None:
    from anjian.optimize.reserves import program
    from anjian.optimize.stochastic import solve_extensive, solve_lshaped
    from anjian.parallel import worker_pool
    from anjian.scenarios import load_scenario
    from anjian.stock_plans import EpisodeSampler, reserve_instance, reserve_network

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    iters = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    s = load_scenario("chongqing_flood2020")
    net = reserve_network(s)
    eps = EpisodeSampler(net)(np.random.default_rng(0), n)
    prog = program(reserve_instance(net, eps))
    n2 = sum(len(sc.q) for sc in prog.scenarios)
    print(
        f"instance: {len(net.ids):,} points × {len(net.commodities)} commodities = "
        f"{prog.first.n:,} first-stage variables; {n} episodes, {n2:,} second-stage variables"
    )
    t0 = time.perf_counter()
    ef = solve_extensive(prog, time_limit_s=600)
    t_ef = time.perf_counter() - t0
    print(f"extensive form: {t_ef:.1f} s, optimum {ef.objective:,.0f} yuan a year")
    out = {}
    for label, workers in (("serial", 1), ("2 Dask workers", 2)):
        t0 = time.perf_counter()
        if workers > 1:
            with worker_pool(workers) as pool:
                ls = solve_lshaped(
                    prog,
                    tol=1e-3,
                    max_iterations=iters,
                    mapper=pool,
                    strict=False,
                    time_limit_s=600,
                )
        else:
            ls = solve_lshaped(prog, tol=1e-3, max_iterations=iters, strict=False, time_limit_s=600)
        dt = time.perf_counter() - t0
        lo, up = ls.history[-1]
        out[label] = dt
        print(
            f"L-shaped, {label}: {ls.iterations} iterations in {dt:.1f} s ({ls.status}); "
            f"bounds {lo:,.0f} … {up:,.0f} (gap {(up - lo) / abs(up):.1%}); optimum "
            f"{ef.objective:,.0f}"
        )
    print(f"L-shaped speed-up on 2 workers: {out['serial'] / out['2 Dask workers']:.2f}×")


if __name__ == "__main__":
    main()

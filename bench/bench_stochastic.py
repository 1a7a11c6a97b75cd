"""Benchmarks of the two-stage stochastic engine (run by hand: ``python -m bench.bench_stochastic``;
about a minute, nothing else running).

Birge & Louveaux's farmer with N yield scenarios (each crop's yield × a factor drawn uniformly
in [0.6, 1.4], equally likely): the extensive form solved whole against the L-shaped method
(one cut per scenario) serially and with the scenario LPs on 2 Dask workers kept for the loop
(``anjian.parallel.worker_pool``). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path


def main() -> None:
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_stochastic import farmer

    from anjian.optimize.stochastic import solve_extensive, solve_lshaped
    from anjian.parallel import worker_pool

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python "
          f"{platform.python_version()}\n")  # fmt: skip
    print("| scenarios | extensive form (s) | L-shaped serial (s, iterations) | L-shaped on 2 "
          "workers (s) | same optimum |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    rng = np.random.default_rng(0)
    with worker_pool(2) as pool:
        for n in (3, 30, 300, 1000):
            p = farmer(tuple(rng.uniform(0.6, 1.4, size=n)))
            t0 = time.perf_counter()
            ef = solve_extensive(p)
            t_ef = time.perf_counter() - t0
            t0 = time.perf_counter()
            ls = solve_lshaped(p)
            t_ls = time.perf_counter() - t0
            t0 = time.perf_counter()
            lp = solve_lshaped(p, mapper=pool)
            t_lp = time.perf_counter() - t0
            same = abs(ef.objective - ls.objective) <= 1e-6 * abs(ef.objective) and abs(
                lp.objective - ls.objective) <= 1e-9 * abs(ls.objective)  # fmt: skip
            print(f"| {n:,} | {t_ef:.2f} | {t_ls:.2f} ({ls.iterations}) | {t_lp:.2f} | "
                  f"{'yes' if same else 'NO'} |")  # fmt: skip


if __name__ == "__main__":
    main()

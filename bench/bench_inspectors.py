"""Benchmarks of the inspector plans on the built-in Chongqing (run by hand:
``python -m bench.bench_inspectors``; several minutes, nothing else running).

Against the targets of issue 16 (no peer tool plans inspection frequencies or staff from a
simulator, so the figures are wall times against those targets):

1. the interval curves from scratch (7 factors × 2 replications, one process per core);
2. the staff curves from scratch (every district × kind, the default 4 factors × 2 replications);
3. the cadence MIP from cached curves (problem built from the curves and one measured run,
   solved to optimality);
4. the headcount MIP from the cached staff curves (fits and MIP) and its verification round
   (today, the plan and three rules, 3 replications each, on the workers);
5. one cadence verification round (the plan simulated, 3 replications).

Prints a Markdown report for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from dataclasses import replace


def main() -> None:
    os.environ["ANJIAN_STORE"] = tempfile.mkdtemp(prefix="anjian-bench-")  # a cold cache
    from anjian.inspector_curves import staff_curves
    from anjian.inspector_frequencies import (
        _pool_kpis,
        _problem,
        interval_curves,
        pool_capacity,
    )
    from anjian.optimize.frequencies import solve_frequencies
    from anjian.parallel import default_workers
    from anjian.scenarios import load_scenario
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections

    s = load_scenario("chongqing")
    cfg = InspectionConfig(years=1.0, seed=0)
    rows: list[tuple[str, float, str]] = []

    t0 = time.perf_counter()
    curves, cached = interval_curves(s, reps=2, config=cfg)
    assert not cached
    rows.append(("interval curves from scratch (9 factors × 2 city years)",
                 time.perf_counter() - t0,
                 "≤ 300 s (curves ≤ 5 min)"))  # fmt: skip
    t0 = time.perf_counter()
    interval_curves(s, reps=2, config=cfg)
    rows.append(("interval curves from the cache", time.perf_counter() - t0, ""))

    t0 = time.perf_counter()
    from anjian.inspector_plans import staff_factors

    staff = staff_curves(s, factors=staff_factors(0.2), reps=2, config=cfg)
    rows.append((f"staff curves from scratch ({len(staff):,} district runs)",
                 time.perf_counter() - t0, "≤ 300 s"))  # fmt: skip

    from anjian.inspector_curves import fit_staff_curves
    from anjian.inspector_plans import RULES, _verify, proportional_staff
    from anjian.inspector_plans import _problem as staff_problem
    from anjian.optimize.allocation import solve_allocation

    t0 = time.perf_counter()
    fits = fit_staff_curves(staff, "on_time_rate")
    sp, units = staff_problem(s, fits, {}, 0.2, None, None, None, 0.0)
    alloc = solve_allocation(sp)
    rows.append((f"headcount MIP from cached curves (fits + MIP, {len(units):,} units, "
                 f"{alloc.status})", time.perf_counter() - t0, "≤ 10 s"))  # fmt: skip
    staff_plan = {a: dict(r) for a, r in s.staff.items()}
    for (a, k), x in zip(units, alloc.x, strict=True):
        staff_plan[a][k] = round(float(x))
    kinds = sorted({k for _, k in units})
    cases = {
        "today": s,
        "plan": s.with_(staff=staff_plan),
        **{f"by_{b}": s.with_(staff=proportional_staff(s, kinds, b)) for b in RULES},
    }
    t0 = time.perf_counter()
    _verify(cases, "ontime", cfg, 3, None)
    rows.append(("headcount verification (today, plan, 3 rules × 3 city years, on the workers)",
                 time.perf_counter() - t0, "≤ 120 s"))  # fmt: skip

    base = replicate_inspections(s, replace(cfg, replication=0), 3)
    t0 = time.perf_counter()
    cap, _ = pool_capacity(s, _pool_kpis(base), 0.85)
    problem, keys = _problem(s, curves, cap, (), None, (0.5, 2.0))
    plan = solve_frequencies(problem)
    rows.append((f"cadence MIP from cached curves ({len(keys):,} classes, {plan.status})",
                 time.perf_counter() - t0, "≤ 10 s"))  # fmt: skip

    from anjian.inspector_frequencies import _apply

    planned = _apply(s, problem, keys, plan.choice, (), plan.staff)
    t0 = time.perf_counter()
    replicate_inspections(planned, replace(cfg, replication=0), 3)
    rows.append(("one verification round (plan, 3 city years)", time.perf_counter() - t0,
                 "≤ 120 s"))  # fmt: skip

    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{default_workers()} workers; Python {platform.python_version()}\n")  # fmt: skip
    print("| step | seconds | target |")
    print("| --- | --- | --- |")
    for name, sec, target in rows:
        print(f"| {name} | {sec:,.1f} | {target} |")


if __name__ == "__main__":
    main()

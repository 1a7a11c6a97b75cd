"""Benchmarks of the inspection model (run by hand: ``python bench/bench_inspection.py``).

1. One simulated year of the built-in Chongqing scenario, seconds per replication, and where
   the time goes (cProfile, top functions by own time).
2. Throughput on the M/M/c-reducible configuration (Poisson complaints, exponential inspections,
   c identical inspectors, no travel, round-the-clock shifts) against Ciw on the same model,
   side by side in this one run. Ciw is installed with ``pip install '.[bench]'``.
3. Peak memory (max RSS) of 1-year and 5-year Chongqing runs, each in a fresh process.

Prints a Markdown report for docs/benchmarks.md.
"""

from __future__ import annotations

import cProfile
import io
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from anjian.scenarios import load_scenario
from anjian.scenarios.reference import queue_scenario
from anjian.sim.inspection import InspectionConfig, simulate_inspections
from bench import peers

ROOT = Path(__file__).resolve().parents[1]

LAM_PER_H, MU_PER_H, SERVERS, YEARS = 4.0, 1.0, 5, 3.0
REPEATS = 3


def chongqing_year() -> tuple[float, list[float], float, str]:
    """The first run in a fresh process (it loads the compiled code from Numba's cache), then
    :data:`REPEATS` runs, then one run of the Python engine, and a profile."""
    code = (
        "import time\n"
        "t0 = time.perf_counter()\n"
        "from anjian.scenarios import load_scenario\n"
        "from anjian.sim.inspection import InspectionConfig, simulate_inspections\n"
        "simulate_inspections(load_scenario('chongqing'), InspectionConfig(years=1, seed=1))\n"
        "print(time.perf_counter() - t0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first = float(out.stdout.strip().splitlines()[-1])
    s = load_scenario("chongqing")
    times = []
    for rep in range(REPEATS):
        t0 = time.perf_counter()
        simulate_inspections(s, InspectionConfig(years=1, seed=1, replication=rep))
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    simulate_inspections(s, InspectionConfig(years=1, seed=1, engine="python"))
    python = time.perf_counter() - t0
    prof = cProfile.Profile()
    prof.enable()
    simulate_inspections(s, InspectionConfig(years=1, seed=1))
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    return first, times, python, out.getvalue()


def chongqing_phases() -> dict[str, float]:
    """Seconds per phase of one Chongqing year, timed without a profiler (wrappers only)."""
    import anjian.sim.engine as se
    import anjian.sim.inspection as si
    import anjian.sim.inspection_kpi as kpi
    from anjian.sim.gcthreshold import fewer_collections

    s = load_scenario("chongqing")
    spent: dict[str, float] = {}
    in_run = [0.0]
    running = [False]

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
                if running[0]:
                    in_run[0] += time.perf_counter() - t0

        return wrapper

    patches = [
        (se.Engine, "advance", "job pools, compiled: the inspections"),
        (se.Engine, "advance_all", "job pools, compiled: the inspections"),
        (se.Engine, "complaint", "job pools, compiled: the inspections"),
        (si.InspectionModel, "_start_hazards_steady", "steady-state pre-run (compiled)"),
        (si.InspectionModel, "_schedule_all", "first routine job of every site"),
        (si.InspectionModel, "_load_hazard_year", "hazard arrivals: draw, exposure"),
        (
            si.InspectionModel,
            "_close_period",
            "accident closes: arrivals in, self-fixes, accidents",
        ),
        (kpi, "collect", "KPI tables"),
    ]
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in patches]
    try:
        for owner, attr, name in patches:
            setattr(owner, attr, timed(name, getattr(owner, attr)))
        with fewer_collections():
            t0 = time.perf_counter()
            model = si.InspectionModel(s, si.InspectionConfig(years=1, seed=1))
            t1 = time.perf_counter()
            running[0] = True
            model.run()
            t2 = time.perf_counter()
    finally:
        for owner, attr, fn in saved:
            setattr(owner, attr, fn)
    setup = (t1 - t0) - spent.get("hazard arrivals: draw, exposure", 0.0)
    spent["model set-up: sites, travel, staff"] = setup
    spent["the rest: SimPy processes (complaints, flood season, snapshots)"] = (t2 - t1) - in_run[0]
    spent["total"] = t2 - t0
    return spent


def ours_mmc() -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        s = queue_scenario(Path(tmp) / "q", LAM_PER_H, 60.0 / MU_PER_H, SERVERS)
    t0 = time.perf_counter()
    result = simulate_inspections(s, InspectionConfig(years=YEARS, seed=1))
    elapsed = time.perf_counter() - t0
    k = result.kpis
    served = int(k[(k.level == "city") & (k.kpi == "complaint_inspections")]["value"].iloc[0])
    return elapsed, served


def ciw_mmc() -> tuple[float, int]:
    return peers.ciw_mmc(LAM_PER_H, MU_PER_H, SERVERS, YEARS)


def max_rss_mb(years: float) -> float:
    """Peak resident memory of a fresh process running ``years`` of Chongqing.

    Read from ``VmHWM`` in /proc/self/status where there is one: Linux carries ``ru_maxrss``
    over from the parent across fork and exec, so a child started by this (large) benchmark
    process would report at least the parent's size.
    """
    code = (
        "import resource\n"
        "from anjian.scenarios import load_scenario\n"
        "from anjian.sim.inspection import InspectionConfig, simulate_inspections\n"
        f"simulate_inspections(load_scenario('chongqing'), InspectionConfig(years={years!r}))\n"
        "try:\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "    print(int(hwm[0].split()[1]) / 1024)\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import ciw
    import simpy

    cq_first, cq_times, cq_python, profile = chongqing_year()
    phases = chongqing_phases()
    ours = [ours_mmc() for _ in range(REPEATS)]
    theirs = [ciw_mmc() for _ in range(REPEATS)]
    ours_tp = statistics.median(n / t for t, n in ours)
    ciw_tp = statistics.median(n / t for t, n in theirs)
    rss1, rss5, rss10 = max_rss_mb(1), max_rss_mb(5), max_rss_mb(10)
    print(f"## Inspection model — {time.strftime('%Y-%m-%d')}")
    print()
    versions = f"SimPy {simpy.__version__}, Ciw {ciw.__version__}"
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, {versions}; "
          f"one core, medians of {REPEATS}.")  # fmt: skip
    print()
    print("| benchmark | result | target |")
    print("| --- | --- | --- |")
    print(f"| Chongqing, 1 simulated year, s per replication | "
          f"{statistics.median(cq_times):.1f} s (runs: {', '.join(f'{t:.1f}' for t in cq_times)}) "
          f"| ≤ 5 s (aim 2 s) |")  # fmt: skip
    print(f"| the same, first run in a fresh process (imports, cached machine code) | "
          f"{cq_first:.1f} s | |")  # fmt: skip
    print(f"| the same, Python engine (`engine=\"python\"`, the reference) | {cq_python:.1f} s "
          f"({cq_python / statistics.median(cq_times):.1f}× the compiled one) | |")  # fmt: skip
    print(f"| M/M/{SERVERS} (λ={LAM_PER_H:g}/h, μ={MU_PER_H:g}/h, {YEARS:g} years ≈ "
          f"{ours[0][1]:,} jobs): served jobs per second, anjian | {ours_tp:,.0f} | |")  # fmt: skip
    print(f"| same model, Ciw | {ciw_tp:,.0f} | |")
    print(f"| throughput ratio anjian / Ciw | {ours_tp / ciw_tp:.2f}× | ≥ 2× (aim 3×) |")
    print(f"| Chongqing max RSS, 1 / 5 / 10 years | {rss1:,.0f} / {rss5:,.0f} / {rss10:,.0f} MB "
          "| flat |")  # fmt: skip
    print()
    print("Where a Chongqing year's time goes (one run, phases timed without a profiler):")
    print()
    print("| phase | s | share |")
    print("| --- | --- | --- |")
    total = phases.pop("total")
    for name, sec in sorted(phases.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {sec:.2f} | {sec / total:.0%} |")
    print(f"| total | {total:.2f} | |")
    print()
    print("A run under cProfile (own time, top 12; compiled code shows as its entry points):")
    print()
    print("```")
    print("\n".join(profile.strip().splitlines()[:40]))
    print("```")


if __name__ == "__main__":
    main()

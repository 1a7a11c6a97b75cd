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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402

from scenarios import load_scenario  # noqa: E402
from sim.inspection import InspectionConfig, simulate_inspections  # noqa: E402
from sim.reference import queue_scenario  # noqa: E402

LAM_PER_H, MU_PER_H, SERVERS, YEARS = 4.0, 1.0, 5, 3.0
REPEATS = 3


def chongqing_year() -> tuple[list[float], str]:
    s = load_scenario("chongqing")
    times = []
    for rep in range(REPEATS):
        t0 = time.perf_counter()
        simulate_inspections(s, InspectionConfig(years=1, seed=1, replication=rep))
        times.append(time.perf_counter() - t0)
    prof = cProfile.Profile()
    prof.enable()
    simulate_inspections(s, InspectionConfig(years=1, seed=1))
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    return times, out.getvalue()


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
    code = (
        f"import resource, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from scenarios import load_scenario\n"
        "from sim.inspection import InspectionConfig, simulate_inspections\n"
        f"simulate_inspections(load_scenario('chongqing'), InspectionConfig(years={years!r}))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import ciw
    import simpy

    cq_times, profile = chongqing_year()
    ours = [ours_mmc() for _ in range(REPEATS)]
    theirs = [ciw_mmc() for _ in range(REPEATS)]
    ours_tp = statistics.median(n / t for t, n in ours)
    ciw_tp = statistics.median(n / t for t, n in theirs)
    rss1, rss5 = max_rss_mb(1), max_rss_mb(5)
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
          f"| ≤ 5 s |")  # fmt: skip
    print(f"| M/M/{SERVERS} (λ={LAM_PER_H:g}/h, μ={MU_PER_H:g}/h, {YEARS:g} years ≈ "
          f"{ours[0][1]:,} jobs): served jobs per second, anjian | {ours_tp:,.0f} | |")  # fmt: skip
    print(f"| same model, Ciw | {ciw_tp:,.0f} | |")
    print(f"| throughput ratio anjian / Ciw | {ours_tp / ciw_tp:.2f}× | ≥ 2× (aim 3×) |")
    print(f"| Chongqing max RSS, 1 year / 5 years | {rss1:,.0f} MB / {rss5:,.0f} MB | flat |")
    print()
    print("Where a Chongqing year's time goes (cProfile, own time, top 12):")
    print()
    print("```")
    print("\n".join(profile.strip().splitlines()[:40]))
    print("```")


if __name__ == "__main__":
    main()

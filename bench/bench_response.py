"""Benchmarks of the emergency-response model and the hypercube solver (run by hand:
``python bench/bench_response.py``). Prints a Markdown report for docs/benchmarks.md.

1. One simulated year of the built-in Chongqing scenario, and of the flood-surge scenario.
2. Throughput on the M/M/c configuration (one depot, c dedicated units, Poisson incidents,
   exponential on-scene times, no travel) against Ciw on the same model, side by side.
3. The exact hypercube solver with N = 12 units and 60 atoms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from anjian.scenarios import load_scenario
from anjian.scenarios.reference import response_scenario
from anjian.sim.hypercube import hypercube_exact
from anjian.sim.response import ResponseConfig, simulate_response
from bench import peers

ROOT = Path(__file__).resolve().parents[1]

LAM_PER_H, MU_PER_H, SERVERS, YEARS = 4.0, 1.0, 5, 3.0
REPEATS = 3


def year(name: str) -> list[float]:
    s = load_scenario(name)
    out = []
    for rep in range(REPEATS):
        t0 = time.perf_counter()
        simulate_response(s, ResponseConfig(years=1, seed=1, replication=rep))
        out.append(time.perf_counter() - t0)
    return out


def ours_mmc() -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        s = response_scenario(Path(tmp) / "q", {"900001": LAM_PER_H}, {"900001": SERVERS}, 60.0)
    t0 = time.perf_counter()
    r = simulate_response(s, ResponseConfig(years=YEARS, seed=1, policy="nearest"))
    return time.perf_counter() - t0, len(r.incidents)


def ciw_mmc() -> tuple[float, int]:
    return peers.ciw_mmc(LAM_PER_H, MU_PER_H, SERVERS, YEARS)


def hypercube_12() -> list[float]:
    rng = np.random.default_rng(0)
    lam = rng.random(60)
    lam *= 6.0 / lam.sum()
    pref = np.array([rng.permutation(12) for _ in range(60)])
    out = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        hypercube_exact(lam, pref, 1.0, "infinite")
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    cq, flood, hc = year("chongqing"), year("chongqing_flood2020"), hypercube_12()
    ours = [ours_mmc() for _ in range(REPEATS)]
    theirs = [ciw_mmc() for _ in range(REPEATS)]
    ours_tp = statistics.median(n / t for t, n in ours)
    ciw_tp = statistics.median(n / t for t, n in theirs)
    med = statistics.median
    print(f"## Response model and hypercube — {time.strftime('%Y-%m-%d')}")
    print()
    print("| benchmark | result | target |")
    print("| --- | --- | --- |")
    print(f"| Chongqing, 1 simulated year, s per replication | {med(cq):.2f} s | ≤ 2 s |")
    print(f"| Chongqing with the August-2020 flood surge, 1 year | {med(flood):.2f} s | ≤ 2 s |")
    model = f"M/M/{SERVERS} (λ={LAM_PER_H:g}/h, μ={MU_PER_H:g}/h, {YEARS:g} years"
    print(
        f"| {model} ≈ {ours[0][1]:,} incidents): incidents per second, anjian | {ours_tp:,.0f} | |"
    )
    print(f"| same model, Ciw | {ciw_tp:,.0f} | |")
    print(f"| throughput ratio anjian / Ciw | {ours_tp / ciw_tp:.2f}× | ≥ 3× |")
    print(f"| exact hypercube, N = 12 units, 60 atoms (4,096 states) | {med(hc):.2f} s | < 1 s |")


if __name__ == "__main__":
    main()

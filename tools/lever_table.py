"""The lever table of docs/model-inspection.md: each inspection lever's paired effect on the
built-in Chongqing at steady state (common random numbers, 95% CI over replications).

Run from the repository root (minutes: each case is ``--reps`` simulated years)::

    .venv/bin/python tools/lever_table.py --reps 4 --years 1 --seed 7 > /tmp/levers.md
"""

from __future__ import annotations

import argparse
import sys
import time

import anjian
from anjian.kpis import kpi
from anjian.levers import inspection_levers

KPIS = ("deaths_per_year", "expected_deaths_per_year", "accidents_per_year", "open_hazard_days",
        "hazards_detected", "on_time_rate", "utilisation")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="chongqing")
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--years", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--levers", nargs="*", help="only these levers (default: all)")
    args = ap.parse_args(argv)
    s = anjian.load_scenario(args.scenario)
    cfg = anjian.InspectionConfig(years=args.years, seed=args.seed)
    t0 = time.perf_counter()
    base = anjian.replicate_inspections(s, cfg, args.reps)
    city = base.summary[base.summary["level"] == "city"].set_index("kpi")
    head = " | ".join(kpi(k, "inspection").label("en") for k in KPIS)
    print(f"| lever | {head} |")
    print("|---" * (len(KPIS) + 1) + "|")
    row = " | ".join(kpi(k, "inspection").format(city.loc[k, "mean"]) for k in KPIS)
    print(f"| today (level) | {row} |")
    for name, change in inspection_levers(s).items():
        if args.levers and name not in args.levers:
            continue
        v = s.with_(change)
        runs = anjian.replicate_inspections(v, cfg, args.reps)
        d = anjian.paired_difference(base.kpis, runs.kpis)
        d = d[d["level"] == "city"].set_index("kpi")
        cells = []
        for k in KPIS:
            entry = kpi(k, "inspection")
            mean, half = d.loc[k, "mean"], d.loc[k, "half_width"]
            cells.append(f"{entry.format(mean, signed=True)} ± {entry.format(half)}")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
    print(
        f"\n{args.scenario}, {args.reps} replications × {args.years:g} year(s), seed "
        f"{args.seed}, steady-state start; {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

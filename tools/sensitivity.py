"""The sensitivity table of docs/model-inspection.md: each inspection lever's paired effect on
deaths (and open hazard-days) when one uncertain parameter of the built-in Chongqing moves
−20% or +20%. Each cell is a paired comparison (lever vs no lever) under the moved parameter.

Run from the repository root (about half an hour on two cores with the defaults)::

    .venv/bin/python tools/sensitivity.py --reps 2 --years 1 --seed 7 --jobs 2 > /tmp/sens.md
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import anjian
from anjian.levers import inspection_levers
from anjian.scenarios.scenario import Scenario

LEVERS = ("certified_plus_10pct", "township_penalty_powers", "township_full_equipment")


def _scaled(s: Scenario, f: float) -> dict[str, Callable[[], dict[str, Any]]]:
    """The uncertain parameters, each as the overrides that move it by factor ``f``."""
    cats, kinds, tiers = s.site_categories, s.inspector_kinds, s.risk_tiers
    return {
        "hazard rates": lambda: {
            f"site_categories.{c}.hazards_per_site_year": v.hazards_per_site_year * f
            for c, v in cats.items()
        },
        "risk inspection reaches (a1)": lambda: {
            f"site_categories.{c}.accidents_per_open_hazard_year":
            v.accidents_per_open_hazard_year * f for c, v in cats.items()
        },
        "self-fix times": lambda: {
            f"risk_tiers.{t}.self_fix_days": v.self_fix_days * f
            for t, v in tiers.items() if v.self_fix_days
        },
        "detection probabilities": lambda: {
            key: min(1.0, val * f)
            for k, v in kinds.items()
            for key, val in ((f"inspector_kinds.{k}.detection_probability",
                              v.detection_probability),
                             (f"inspector_kinds.{k}.detection_probability_without_equipment",
                              v.detection_probability_without_equipment))
        },
        "deterrence": lambda: {
            "inspection.deterrence.hazard_reduction":
            min(1.0, s.inspection.deterrence.hazard_reduction * f)
        },
        "flood-season duty": lambda: {
            "inspection.flood_season.township_duty_share":
            min(0.95, s.inspection.flood_season.township_duty_share * f)
        },
    }  # fmt: skip


def _cell(
    args: tuple[str, float, str, int, float, int],
) -> tuple[str, float, str, float, float, float, float]:
    param, f, lever, reps, years, seed = args
    s = anjian.load_scenario("chongqing")
    moved = s.with_(_scaled(s, f)[param]())
    cfg = anjian.InspectionConfig(years=years, seed=seed)
    base = anjian.replicate_inspections(moved, cfg, reps)
    plan = anjian.replicate_inspections(moved.with_(inspection_levers(moved)[lever]), cfg, reps)
    d = anjian.paired_difference(base.kpis, plan.kpis)
    d = d[d["level"] == "city"].set_index("kpi")
    return (param, f, lever, float(d.loc["deaths_per_year", "mean"]),
            float(d.loc["deaths_per_year", "half_width"]),
            float(d.loc["open_hazard_days", "mean"]),
            float(d.loc["open_hazard_days", "half_width"]))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--years", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    s = anjian.load_scenario("chongqing")
    params = list(_scaled(s, 1.0))
    tasks = [(p, f, lv, args.reps, args.years, args.seed)
             for p in params for f in (0.8, 1.2) for lv in LEVERS]  # fmt: skip
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        cells = list(pool.map(_cell, tasks))
    out = {(p, f, lv): (m, h, om, oh) for p, f, lv, m, h, om, oh in cells}
    print("| parameter | move | " + " | ".join(LEVERS) + " |")
    print("|---|---|" + "---|" * len(LEVERS))
    for p in params:
        for f in (0.8, 1.2):
            row = " | ".join(
                f"{out[p, f, lv][0]:+.1f} ± {out[p, f, lv][1]:.1f} deaths; "
                f"{out[p, f, lv][2] / 1e6:+.2f} ± {out[p, f, lv][3] / 1e6:.2f} M hazard-days"
                for lv in LEVERS
            )
            print(f"| {p} | {f - 1:+.0%} | {row} |", flush=True)
    print(
        f"\nchongqing, {args.reps} replications × {args.years:g} year(s), seed {args.seed}; "
        f"{time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The response tables of docs/model-response.md: the built-in scenarios' KPIs at district and at
township resolution, and each response lever's paired effect on the built-in Chongqing
(common random numbers, 95% CI over replications).

Run from the repository root (a few minutes)::

    .venv/bin/python tools/response_table.py --reps 10 --years 1 --seed 7 > /tmp/response.md
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import anjian
from anjian.kpis import kpi
from anjian.levers import contract_overrides, relief_overrides
from anjian.scenarios.scenario import Scenario
from anjian.sim.response import ResponseConfig
from anjian.sim.stats import paired_difference

KPIS = (
    "response_mean_min",
    "response_p90_min",
    "within_standard_share",
    "mutual_aid_share",
    "delay_deaths_per_year",
    "time_to_first_relief_mean_min",
    "people_without_relief_12h",
    "relief_fill_rate",
    "stockouts",
    "vehicle_cost_yuan_per_year",
)


def _city(summary: Any, level: str = "city", key: str = "all") -> Any:
    return summary[(summary["level"] == level) & (summary["key"] == key)].set_index("kpi")


def _cell(table: Any, k: str, signed: bool = False) -> str:
    if k not in table.index:
        return "–"
    c = kpi(k, "response")
    mean, half = table.loc[k, "mean"], table.loc[k, "half_width"]
    return f"{c.format(mean, signed=signed)} ± {c.format(half)}"


def _levers(s: Scenario) -> dict[str, Callable[[Scenario], tuple[Scenario, ResponseConfig | None]]]:
    def more_trucks(x: Scenario) -> dict[str, Any]:
        return {f"depots.{d}.vehicles.rented_truck": 2 * dep.vehicles.get("rented_truck", 0)
                for d, dep in x.depots.items()}  # fmt: skip

    def faster_approval(x: Scenario) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for level, dist in x.relief_logistics.approval.items():
            params = {f"{k}_min" if k == "mean" else k: v for k, v in dist.params.items()}
            params["mean_min"] = params["mean_min"] / 2
            out[f"relief_logistics.approval.{level}"] = {"kind": dist.kind, **params}
        return out

    def dedicated(x: Scenario) -> dict[str, Any]:
        return {f"depots.{d}.vehicles.dedicated_rescue": 2 for d in x.depots if d != "d_city"}

    return {
        "rented → contracted (政企合作)": lambda x: (x.with_(contract_overrides(x)), None),
        "+2 dedicated rescue vehicles per district": lambda x: (x.with_(dedicated(x)), None),
        "relief stocks × 2": lambda x: (x.with_(relief_overrides(x, 2.0)), None),
        "rented trucks × 2": lambda x: (x.with_(more_trucks(x)), None),
        "approval (调拨) twice as fast": lambda x: (x.with_(faster_approval(x)), None),
        "dispatch: nearest instead of district_first": lambda x: (
            x,
            ResponseConfig(policy="nearest"),
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--years", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    cfg = ResponseConfig(years=args.years, seed=args.seed)
    t0 = time.perf_counter()
    head = " | ".join(kpi(k, "response").label("en") for k in KPIS)
    print(f"| scenario | resolution | {head} |")
    print("|---" * (len(KPIS) + 2) + "|")
    base: Any = None
    for name in ("chongqing", "chongqing_flood2020"):
        for res in ("district", "township"):
            s = anjian.load_scenario(name).with_({"demand.resolution": res})
            runs = anjian.replicate_response(s, cfg, args.reps)
            row = " | ".join(_cell(_city(runs.summary), k) for k in KPIS)
            print(f"| {name} | {res} | {row} |")
            if name == "chongqing_flood2020" and res == "township":
                sg = _city(runs.summary, "surge", "aug2020")
                # over the surge window: delay deaths are a count (``delay_deaths``), not a rate
                row = " | ".join(
                    _cell(sg, "delay_deaths" if k == "delay_deaths_per_year" else k) for k in KPIS
                )
                print(f"| {name}, surge window and districts | {res} | {row} |")
            if name == "chongqing" and res == "township":
                base = runs
    print()
    print(f"| lever (township scale, paired) | {head} |")
    print("|---" * (len(KPIS) + 1) + "|")
    s = anjian.load_scenario("chongqing")
    for label, make in _levers(s).items():
        variant, other = make(s)
        c = cfg if other is None else ResponseConfig(years=args.years, seed=args.seed,
                                                      policy=other.policy)  # fmt: skip
        runs = anjian.replicate_response(variant, c, args.reps)
        diff = paired_difference(base.kpis, runs.kpis)
        row = " | ".join(_cell(_city(diff), k, signed=True) for k in KPIS)
        print(f"| {label} | {row} |")
    print(f"\n{args.reps} replications × {args.years:g} year, seed {args.seed}; "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

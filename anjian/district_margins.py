"""What one more vehicle buys, district by district (issue 18: marginal values by district).

At an allocation (today's, or the plan's overrides), one vehicle of the kind a purchase buys
(contracted 政企合作 if the scenario has a paid contracted kind, else the cheapest paid kind of
the role) is added at each district's depot in turn. Where rented vehicles serve today, a
contracted one can cost less than the rented per-use fees it saves: such a purchase saves
money and lives (``saves_money``), and comes first. The inspection model is simulated once:
vehicles do not change inspections, and its accidents feed every variant's response model
(the models coupled, the same accidents: common random numbers). Each variant's harm is
paired with the base's, per replication, and priced by the cost model (the cost sheets'
difference: the vehicle's yearly cost and the per-use fees it changes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from anjian.budget import Simulated, by_key, cost_sheet, harm_tidy, totals
from anjian.parallel import default_workers, map_tasks
from anjian.scenarios.scenario import Scenario

COLUMNS = [
    "adcode",
    "name_zh",
    "name_pinyin",
    "depot",
    "kind",
    "added_yuan_per_year",
    "harm_change",  # deaths a year, variant − base, paired
    "half_width",
    "deaths_averted_per_10k_yuan",  # NaN when the vehicle costs nothing net (see saves_money)
    "saves_money",  # the total cost falls: rented per-use fees saved exceed the vehicle's cost
    "significant",
]


def purchase_kind(s: Scenario, role: str = "rescue") -> str:
    """The kind one more vehicle of ``role`` is: the paid contracted kind if any, else the
    cheapest kind with a yearly cost."""
    paid = sorted(
        (v.mode != "contracted", v.cost_yuan_per_year, k)
        for k, v in s.vehicle_kinds.items()
        if v.role == role and v.cost_yuan_per_year > 0
    )
    if not paid:
        raise ValueError(f"no vehicle kind of role {role!r} has a yearly cost: nothing to buy")
    return paid[0][2]


def _depot_of(s: Scenario, adcode: str, role: str) -> str | None:
    """The district's depot holding most vehicles of ``role`` (ties: the first by id)."""
    best: tuple[int, str] | None = None
    for d_id, d in sorted(s.depots.items()):
        if d.adcode != adcode:
            continue
        n = sum(c for k, c in d.vehicles.items() if s.vehicle_kinds[k].role == role)
        if best is None or n > best[0]:
            best = (n, d_id)
    return None if best is None else best[1]


def _variant(shared: tuple[Scenario, Any, Any, int], over: dict[str, Any]) -> tuple[float, Any]:
    """One variant's response replications with the shared inspections (runs on a worker):
    its total cost and its harm per replication."""
    from anjian.sim.replicate import replicate_response

    s, insp, cfg, reps = shared
    v = s.with_(over)
    resp = replicate_response(v, cfg, reps, None, insp)
    total = totals(cost_sheet(v, Simulated.from_summaries(insp.summary, resp.summary))).total
    return total, harm_tidy(v, insp.kpis, resp.kpis, years=cfg.years)


def vehicle_margins_by_district(
    s: Scenario,
    *,
    role: str = "rescue",
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One more vehicle in each district of ``s`` (see the module docstring): the paired
    change in harm (95% CI), the yearly cost it adds and deaths averted per 10,000 yuan, one
    row per district with a depot (``COLUMNS``), the best first."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections
    from anjian.sim.response import ResponseConfig
    from anjian.sim.stats import paired_difference

    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    tick = progress or (lambda _m: None)
    kind = purchase_kind(s, role)
    todo: list[tuple[str, str, dict[str, Any]]] = []
    for a in s.districts:
        depot = _depot_of(s, a, role)
        if depot is None:
            continue
        have = s.depots[depot].vehicles.get(kind, 0)
        todo.append((a, depot, {f"depots.{depot}.vehicles.{kind}": have + 1}))
    if not todo:
        raise ValueError("no district has a depot: nowhere to add a vehicle")
    tick("监管检查模型 inspection model")
    insp = replicate_inspections(s, InspectionConfig(years=years, seed=seed), reps)
    cfg = ResponseConfig(years=years, seed=seed)
    shared = (s, insp, cfg, reps)
    tick("基准 base")
    base_total, base_harm = _variant(shared, {})
    done = map_tasks(
        _variant,
        shared,
        [t[2] for t in todo],
        workers=workers or default_workers(),
        progress=lambda i, n: tick(f"{i}/{n} 区县 districts"),
    )
    rows = []
    for (a, depot, _), (total, harm) in zip(todo, done, strict=True):
        diff = paired_difference(base_harm, harm)
        mean = by_key(diff, "kpi", "mean")["harm_deaths_per_year"]
        half = by_key(diff, "kpi", "half_width")["harm_deaths_per_year"]
        added = total - base_total
        d = s.districts[a]
        rows.append(
            {
                "adcode": a,
                "name_zh": d.name_zh,
                "name_pinyin": d.name_pinyin,
                "depot": depot,
                "kind": kind,
                "added_yuan_per_year": added,
                "harm_change": mean,
                "half_width": half,
                "deaths_averted_per_10k_yuan": (0.0 - mean / added * 10_000)
                if added > 0
                else math.nan,
                "saves_money": bool(added < 0),
                "significant": bool(np.isfinite(half) and abs(mean) > half),
            }
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    # first the purchases that save money and lives (most deaths first), then by value per yuan
    free = df["saves_money"] & (df["harm_change"] < 0)
    df["_key"] = np.where(free, 1e12 - df["harm_change"], df["deaths_averted_per_10k_yuan"])
    out = df.sort_values(["_key", "adcode"], ascending=[False, True], na_position="last")
    return out.drop(columns="_key").reset_index(drop=True)

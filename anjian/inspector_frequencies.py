"""Inspection frequencies from the inspection model's own behaviour (issue 16, item 2): the
interval of every category × risk tier (a cadence table), within the bounds the scenario
declares, to minimise expected deaths with the staff available — or with staff moved too.

1. **Interval curves** (:func:`interval_curves`). The scenario is split by tier
   (:func:`anjian.scenarios.derive.split_tiers`: one category per category × tier, so the
   simulator reports each class) and simulated with every interval × each factor and staff
   ample for it (×max(2, 2/factor): every visit on time, so classes do not compete), common
   random numbers across factors. A class's expected deaths a year at each interval is its
   curve; curves are made non-increasing in visits by pooling adjacent violators (fewer visits
   never prevent deaths in the model; what remains is replication noise).
2. **Routine hours** per class and job pool at any interval: sites × (mean inspection + round
   trip) × visits a year (the flood-season interval counts in the flood months), the pools laid
   out as the simulator lays them (:func:`anjian.sim.inspection.pool_keys`).
3. **Hours a pool has** (:func:`pool_capacity`), measured on a whole-city simulation: up to a
   target utilisation of its available hours, less the non-routine work it did (complaints,
   reinspections, referrals, investigations, campaigns), and never less than today's routine
   load (today's cadence always fits: a pool short of staff today keeps at least its load).
4. **The MIP** (:mod:`anjian.optimize.frequencies`, (F0)–(F4)), one class per category × tier
   × district (a district's own interval where its pools differ), then the plan simulated on
   the whole city against today and a uniform rule (every interval × one factor, the most
   frequent the city's routine hours allow in total), paired. The pools' hours are measured
   again on the plan's run (averaged over the rounds so far) and the MIP solved again until the
   cadence no longer changes, or its estimated deaths move by less than ``stable_tol`` (1%) of
   the deaths it averts (the rounds and classes changed each round are reported).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from anjian.optimize.allocation import change_bounds
from anjian.optimize.errors import InstanceError
from anjian.optimize.frequencies import (
    FrequencyClass,
    FrequencyProblem,
    StaffUnit,
    check_frequencies,
    solve_frequencies,
)
from anjian.scenarios.derive import (
    interval_bounds,
    interval_days,
    split_tiers,
    tier_sites,
    with_intervals,
)
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import DAYS_PER_YEAR, MIN_PER_DAY, MIN_PER_HOUR
from anjian.sim.calendar import flood_windows
from anjian.sim.inspection import InspectionConfig, district_travel, pool_keys, simulate_inspections
from anjian.sim.replicate import replicate_inspections
from anjian.sim.stats import paired_difference

from .parallel import cache_key, cached_frame, collect_now_and_then, map_tasks

#: × today's interval, each kept within its bounds: 0.1 and 10 reach every bound
DEFAULT_INTERVAL_FACTORS = (0.1, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 10.0)
DEFAULT_TARGET_UTILISATION = 0.85
VERIFY_KPIS = ("expected_deaths_per_year", "expected_accidents_per_year", "deaths_per_year",
               "on_time_rate", "routine_done", "open_hazard_days", "hazards_detected",
               "inspection_cost_yuan_per_year")  # fmt: skip


def ample_factor(interval_factor: float) -> float:
    """Staff multiplier under which every visit at ``interval_factor`` × today's intervals is
    made on time."""
    return max(2.0, 2.0 / interval_factor)


Clip = dict[str, tuple[float, float]]  # split category → (shortest, longest) days


def _clip(d: float, bounds: tuple[float, float]) -> float:
    return min(max(d, bounds[0]), bounds[1])


def _scaled(split: Scenario, factor: float, clip: Clip) -> Scenario:
    """Every interval × ``factor``, kept within its bounds, with staff ample for the visits."""
    shortest = 1.0  # the largest cut of an interval, as a factor
    cats = {}
    for k, c in split.site_categories.items():
        own = {t: _clip(d * factor, clip[k]) for t, d in interval_days(split, k).items()}
        by = {a: {t: _clip(d * factor, clip[k]) for t, d in v.items()}
              for a, v in c.inspection_interval_by_district_days.items()}  # fmt: skip
        for t, d in interval_days(split, k).items():
            shortest = min(shortest, own[t] / d)
        for a, v in c.inspection_interval_by_district_days.items():
            shortest = min(shortest, *(by[a][t] / d for t, d in v.items()))
        cats[k] = c.model_copy(update={"inspection_interval_days": own,
                                       "inspection_interval_by_district_days": by})  # fmt: skip
    m = ample_factor(shortest)
    staff = {a: {k: math.ceil(n * m) for k, n in row.items()} for a, row in split.staff.items()}
    return split.with_(site_categories=cats, staff=staff)


def _interval_run(
    shared: tuple[Scenario, Clip], job: tuple[float, int, dict[str, Any]]
) -> pd.DataFrame:
    split, clip = shared
    factor, rep, cfg = job
    collect_now_and_then()
    r = simulate_inspections(_scaled(split, factor, clip), InspectionConfig(**cfg, replication=rep))
    k = r.kpis[r.kpis["level"] == "category"]
    wide = k.pivot_table(index="key", columns="kpi", values="value", aggfunc="first")
    out = pd.DataFrame({
        "class": wide.index.astype(str),
        "expected_deaths_per_year": wide["expected_deaths_per_year"].to_numpy(float),
        "expected_accidents_per_year": wide["expected_accidents_per_year"].to_numpy(float),
        "on_time_rate": wide["on_time_rate"].to_numpy(float),
    })  # fmt: skip
    out["factor"] = factor
    out["rep"] = rep
    return out


def interval_curves(
    s: Scenario,
    *,
    factors: Sequence[float] = DEFAULT_INTERVAL_FACTORS,
    reps: int = 2,
    default_bounds: tuple[float, float] = (0.5, 2.0),
    config: InspectionConfig | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """One row per class (category × tier) × factor × replication: the interval simulated
    (today's × the factor, kept within the class's bounds, so the smallest and largest factors
    sample the bounds themselves) and the class's expected deaths and accidents a year with
    ample staff (see the module docstring); cached by scenario content and settings. Returns
    the table and whether it came from the cache.

    Raises
    ------
    ValueError
        For no factor, a non-positive factor or fewer than one replication.
    """
    if not factors or any(not f > 0 for f in factors):
        raise ValueError(f"interval factors must be positive numbers, got {list(factors)}")
    if reps < 1:
        raise ValueError(f"reps must be >= 1, got {reps}")
    cfg = config or InspectionConfig(years=1.0, seed=0)
    plain = {"years": cfg.years, "seed": cfg.seed, "engine": cfg.engine,
             "initial_state": cfg.initial_state, "initial_due": cfg.initial_due}  # fmt: skip
    split, parts = split_tiers(s)
    clip: Clip = {new: interval_bounds(s, c, default_bounds)[t][:2]
                  for new, (c, t) in parts.items()}  # fmt: skip
    key = cache_key("interval-curves", s, {"factors": sorted(map(float, factors)), "reps": reps,
                                           "bounds": default_bounds, **plain})  # fmt: skip

    def compute() -> pd.DataFrame:
        jobs = [(float(f), rep, plain) for f in factors for rep in range(reps)]
        frames = map_tasks(_interval_run, (split, clip), jobs, workers=workers,
                           progress=progress)  # fmt: skip
        out = pd.concat(frames, ignore_index=True)
        out["category"] = [parts[c][0] for c in out["class"]]
        out["tier"] = [parts[c][1] for c in out["class"]]
        today = {c: interval_days(s, cat)[t] for c, (cat, t) in parts.items()}
        out["interval_days"] = [_clip(today[c] * f, clip[c]) for c, f in
                                zip(out["class"], out["factor"], strict=True)]  # fmt: skip
        return out

    return cached_frame(key, compute, use_cache=use_cache)


def _non_increasing_in_visits(intervals: np.ndarray, deaths: np.ndarray) -> np.ndarray:
    """Pool-adjacent-violators: the closest (least squares) sequence of deaths that does not
    fall as the interval lengthens."""
    order = np.argsort(intervals)
    y = deaths[order].astype(float).tolist()
    blocks: list[list[float]] = []  # [mean, weight]
    for v in y:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    fitted = np.concatenate([[m] * int(w) for m, w in blocks])
    out = np.empty_like(fitted)
    out[order] = fitted
    return out


def _flood_days(s: Scenario) -> float:
    windows = flood_windows(s.inspection.flood_season.months, DAYS_PER_YEAR * MIN_PER_DAY)
    return sum(b - a for a, b in windows) / MIN_PER_DAY


def visits_per_year(s: Scenario, category: str, interval: float) -> float:
    """Routine visits a year to one site of ``category`` at ``interval`` days (the shorter
    flood-season interval in the flood months for flood-patrol sites)."""
    fs = s.inspection.flood_season
    if s.site_categories[category].flood_season_patrol:
        f = _flood_days(s)
        return (DAYS_PER_YEAR - f) / interval + f / min(interval, fs.district_inspection_every_days)
    return DAYS_PER_YEAR / interval


def visit_hours(s: Scenario) -> dict[tuple[str, str], tuple[str, float]]:
    """Each district × category cell's pool and the hours one routine visit there takes: the
    mean inspection plus the round trip from where the pool's staff are based."""
    cells, staff_pool = pool_keys(s)
    inter, intra = district_travel(s)
    index = {a: i for i, a in enumerate(s.districts)}
    bases: dict[str, dict[int, float]] = {}
    for (a, k), p in staff_pool.items():
        bases.setdefault(p, {})
        bases[p][index[a]] = bases[p].get(index[a], 0.0) + s.staff[a][k]
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for (a, c), p in cells.items():
        i = index[a]
        w = bases.get(p, {i: 1.0})
        total = sum(w.values())
        trip = sum(n * 2.0 * (inter[b][i] + intra[i]) for b, n in w.items()) / total
        minutes = s.site_categories[c].inspection_duration.mean + trip
        out[(a, c)] = (p, minutes / MIN_PER_HOUR)
    return out


Cell = tuple[str, str, str]  # (category, tier, district)


def class_sites(s: Scenario) -> dict[Cell, int]:
    """Sites of every (category, tier, district) with any, split by tier as the simulator
    splits them (:func:`anjian.scenarios.derive.tier_sites`)."""
    return {k: n for k, n in tier_sites(s).items() if n > 0}


def class_visit_hours(s: Scenario) -> dict[Cell, tuple[str, float]]:
    """Each (category, tier, district)'s pool and the hours one round of routine visits to all
    its sites takes (sites × hours a visit)."""
    hours = visit_hours(s)
    return {(c, t, a): (hours[(a, c)][0], n * hours[(a, c)][1])
            for (c, t, a), n in class_sites(s).items()}  # fmt: skip


def routine_hours(
    s: Scenario,
    intervals: dict[Cell, float],
    per_round: dict[Cell, tuple[str, float]] | None = None,
) -> dict[str, float]:
    """Routine hours a year of every pool at the given intervals (days) of each (category,
    tier, district)."""
    rounds = per_round if per_round is not None else class_visit_hours(s)
    out: dict[str, float] = {}
    for k, (pool, h) in rounds.items():
        out[pool] = out.get(pool, 0.0) + h * visits_per_year(s, k[0], intervals[k])
    return out


def today_intervals(s: Scenario) -> dict[Cell, float]:
    """Today's interval (days) of every (category, tier, district) with sites: the district's
    own where it has one."""
    out: dict[Cell, float] = {}
    for c, t, a in class_sites(s):
        own = s.site_categories[c].inspection_interval_by_district_days.get(a, {})
        out[(c, t, a)] = own.get(t, interval_days(s, c)[t])
    return out


def pool_capacity(
    s: Scenario, pool_kpis: pd.DataFrame, target_utilisation: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Hours a year each pool has for routine visits, and its available hours (see the module
    docstring, item 3), from the pool-level KPI rows (``level == "pool"``, means over
    replications) of a whole-city run of ``s``."""
    wide = pool_kpis.pivot_table(index="key", columns="kpi", values="value", aggfunc="mean")
    load_today = routine_hours(s, today_intervals(s))
    cap: dict[str, float] = {}
    avail: dict[str, float] = {}
    _, staff_pool = pool_keys(s)
    for p in set(staff_pool.values()) - set(load_today):
        load_today[p] = 0.0  # staff without premises to visit (their hours still count)
    table: dict[Any, dict[Any, Any]] = wide.to_dict(orient="index")
    for p, w0 in load_today.items():
        row = table.get(p, {})
        if np.isfinite(float(row.get("available_h_per_year", np.nan))):
            a = float(row["available_h_per_year"])
            b = float(row.get("busy_h_per_year", 0.0))
            dvr = float(row.get("done_vs_required", 1.0))
            dvr = dvr if np.isfinite(dvr) else 1.0
            non_routine = max(0.0, b - min(dvr, 1.0) * w0)
            cap[p] = max(target_utilisation * a - non_routine, w0)
            avail[p] = a
        else:  # no staff: nothing is visited, today's nominal load stands
            cap[p] = w0
            avail[p] = 0.0
    return cap, avail


@dataclass(frozen=True)
class FrequencyResult:
    """The recommended cadence (one row per category × tier), the targeting order, the pools'
    load, the staff moves (joint plans), the verification and how many rounds it took."""

    cadence: pd.DataFrame
    cadence_by_district: pd.DataFrame
    targeting: pd.DataFrame
    pools: pd.DataFrame
    staff: pd.DataFrame
    verification: pd.DataFrame | None
    rounds: int
    stable: bool
    estimate: float
    planned: Scenario
    uniform_factor: float  # every pool within its hours
    uniform_city_factor: float  # the city's hours in total
    curves_cached: bool
    history: pd.DataFrame
    margin: pd.DataFrame  # deaths averted per 10,000 yuan of one more head, by district
    #: pools busy all the time on the plan's run, whether their classes were set to their
    #: shortest intervals (the variant simulated fewer deaths), and that variant's expected
    #: deaths a year − the plan's (mean, 95% half-width; NaN when not tried)
    saturated: tuple[str, ...] = ()
    saturated_shortest: bool = False
    saturated_trial: tuple[float, float] = (float("nan"), float("nan"))


def _problem(
    s: Scenario,
    curves: pd.DataFrame,
    capacity: dict[str, float],
    staff_units: tuple[StaffUnit, ...],
    budget: float | None,
    default_factors: tuple[float, float],
) -> tuple[FrequencyProblem, list[Cell]]:
    """One class per (category, tier, district): its options are today's interval there ×
    the sampled factors within the bounds; its deaths the city curve × its share of the
    class's sites (the sites of a category × tier are alike in the model but for who visits
    them)."""
    mean = curves.groupby(["category", "tier", "factor"], as_index=False).agg(
        deaths=("expected_deaths_per_year", "mean")
    )
    sites = class_sites(s)
    total: dict[tuple[str, str], int] = {}
    for (c, t, _a), n in sites.items():
        total[(c, t)] = total.get((c, t), 0) + n
    today = today_intervals(s)
    per_round = class_visit_hours(s)
    curve: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for (cc, tt), g in mean.groupby(["category", "tier"], sort=True):
        g = g.sort_values("factor")
        f = g["factor"].to_numpy(float)
        curve[(str(cc), str(tt))] = (f, _non_increasing_in_visits(f, g["deaths"].to_numpy(float)))
    classes: list[FrequencyClass] = []
    keys: list[Cell] = []
    for k in sorted(sites):
        c, t, a = k
        if (c, t) not in curve:
            raise InstanceError(f"no interval curve for category {c!r}, tier {t!r}: sample "
                                "the curves on this scenario")  # fmt: skip
        f, d = curve[(c, t)]
        lo, hi, _src = interval_bounds(s, c, default_factors)[t]
        # the intervals sampled for this class (today's × f within the bounds, as the curve
        # runs kept them); factors that met the same bound are one option
        sampled = np.round(np.clip(today[k] * f, lo, hi), 9)
        ts, inverse = np.unique(sampled, return_inverse=True)
        deaths = np.bincount(inverse, weights=d) / np.bincount(inverse)
        pool, h = per_round[k]
        visits = np.array([visits_per_year(s, c, float(x)) for x in ts])
        share = sites[k] / total[(c, t)]
        classes.append(FrequencyClass(f"{c}/{t}/{a}", ts, deaths * share,
                                      {pool: h * visits}))  # fmt: skip
        keys.append(k)
    return FrequencyProblem(tuple(classes), capacity, staff_units, budget), keys


def pool_visit_hours(s: Scenario) -> dict[str, float]:
    """Mean hours of one routine visit (inspection and round trip) in every pool with
    premises, weighted by today's visits."""
    rounds = class_visit_hours(s)
    sites = class_sites(s)
    hours: dict[str, float] = {}
    visits: dict[str, float] = {}
    for k, d in today_intervals(s).items():
        pool, h = rounds[k]
        v = visits_per_year(s, k[0], d)
        hours[pool] = hours.get(pool, 0.0) + h * v
        visits[pool] = visits.get(pool, 0.0) + sites[k] * v
    return {q: hours[q] / visits[q] for q in hours if visits[q] > 0}


def _staff_units(
    s: Scenario, avail: dict[str, float], target_utilisation: float, max_change: float
) -> tuple[StaffUnit, ...]:
    """The staff a joint plan may change: every district- and township-scope kind with staff
    in a district, within the change limit; and inspections bought per visit (district-scope
    kinds with a fee per inspection, e.g. contracted third-party services) in every district
    where their department has a pool, from none up to the change limit × the pool's
    headcount. A head adds ``target_utilisation`` × its available hours to its pool and costs
    its yearly cost plus the fee for the visits those hours make at the pool's mean hours a
    visit."""
    _, staff_pool = pool_keys(s)
    per_visit = pool_visit_hours(s)
    heads: dict[str, float] = {}
    nominal: dict[tuple[str, str], float] = {}
    for (a, k), p in staff_pool.items():
        kind = s.inspector_kinds[k]
        nominal[(a, k)] = kind.hours_per_day * kind.days_per_year * kind.inspection_time_share
        heads[p] = heads.get(p, 0.0) + s.staff[a][k] * nominal[(a, k)]
    units = []

    def unit(a: str, k: str, p: str, nominal_h: float, lo: int, hi: int, today: int) -> None:
        kind = s.inspector_kinds[k]
        ratio = avail.get(p, 0.0) / heads[p]  # available over nominal hours in this pool
        h = target_utilisation * nominal_h * ratio
        fee = kind.cost_yuan_per_inspection * h / per_visit[p] if p in per_visit else 0.0
        units.append(StaffUnit(f"{a}/{k}", p, h, kind.head_cost_yuan_per_year + fee, lo, hi, today))

    for (a, k), p in sorted(staff_pool.items()):
        kind = s.inspector_kinds[k]
        if kind.scope == "city" or heads.get(p, 0.0) <= 0:
            continue
        today = s.staff[a][k]
        lo, hi = change_bounds(np.array([float(today)]), np.array([0.0]),
                               np.array([np.inf]), max_change)  # fmt: skip
        unit(a, k, p, nominal[(a, k)], int(lo[0]), int(hi[0]), today)
    headcount: dict[str, int] = {}
    for (a, k), p in staff_pool.items():
        headcount[p] = headcount.get(p, 0) + s.staff[a][k]
    bought = [k for k, v in s.inspector_kinds.items()
              if v.scope == "district" and v.cost_yuan_per_inspection > 0]  # fmt: skip
    for a in sorted(s.districts):
        for k in bought:
            kind = s.inspector_kinds[k]
            pools = sorted({q for (b, k2), q in staff_pool.items()
                            if b == a and s.inspector_kinds[k2].scope == "district"
                            and s.inspector_kinds[k2].department == kind.department})  # fmt: skip
            if (a, k) in staff_pool or not pools or heads.get(pools[0], 0.0) <= 0:
                continue
            nominal_h = kind.hours_per_day * kind.days_per_year * kind.inspection_time_share
            unit(a, k, pools[0], nominal_h, 0, math.ceil(max_change * headcount[pools[0]]), 0)
    return tuple(units)


def marginal_value(
    s: Scenario,
    p: FrequencyProblem,
    choice: np.ndarray,
    avail: dict[str, float],
    target_utilisation: float,
) -> pd.DataFrame:
    """Deaths averted a year per 10,000 yuan of one more head, by district: for each kind
    with staff there, its pool's marginal rate (0 while the pool has an hour of slack, else the
    best next step of its classes: the deaths one shorter interval averts per routine hour it
    takes — the rate the multiple-choice knapsack's LP relaxation prices the pool's hours at)
    × the head's planned hours ÷ its cost × 10,000. The best kind of each district is kept."""
    load = p.load(choice)
    rate: dict[str, float] = {}
    for pool, cap in p.capacity.items():
        best = 0.0
        if cap - load.get(pool, 0.0) < 1.0:  # binding: less than an hour to spare
            for c, j in zip(p.classes, choice, strict=True):
                if pool not in c.work:
                    continue
                w = c.work[pool]
                for i in range(len(c.intervals)):
                    extra = float(w[i] - w[j])
                    gain = float(c.deaths[j] - c.deaths[i])
                    if extra > 1e-9 and gain > 0:
                        best = max(best, gain / extra)
        rate[pool] = best
    units = {u.name: u for u in _staff_units(s, avail, target_utilisation, 0.0)}
    rows: dict[str, dict[str, Any]] = {}
    for name, u in units.items():
        a, k = name.split("/")
        cost = u.cost  # the post, its kit and, for bought inspections, their fees
        if cost <= 0:
            continue
        value = rate.get(u.pool, 0.0) * u.hours_per_head / cost * 10_000.0
        if a not in rows or value > rows[a]["deaths_per_10k_yuan"]:
            rows[a] = {"adcode": a, "district_zh": s.districts[a].name_zh,
                       "district_pinyin": s.districts[a].name_pinyin, "best_kind": k,
                       "kind_zh": s.inspector_kinds[k].name_zh, "pool": u.pool,
                       "deaths_per_10k_yuan": value}  # fmt: skip
    out = pd.DataFrame(list(rows.values()))
    return out.sort_values("deaths_per_10k_yuan", ascending=False).reset_index(drop=True)


def _pool_kpis(runs: Any) -> pd.DataFrame:
    k = runs.kpis
    return k[k["level"] == "pool"]


def optimize_frequencies(
    s: Scenario,
    *,
    factors: Sequence[float] = DEFAULT_INTERVAL_FACTORS,
    reps: int = 2,
    verify_reps: int = 3,
    target_utilisation: float = DEFAULT_TARGET_UTILISATION,
    move_staff: bool = False,
    max_change: float = 0.2,
    budget_yuan: float | None = None,
    default_bounds: tuple[float, float] = (0.5, 2.0),
    max_rounds: int = 4,
    stable_tol: float = 0.01,
    config: InspectionConfig | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> FrequencyResult:
    """The cadence table (and, with ``move_staff``, district and township staff moved within
    ``max_change`` at no more than today's cost or ``budget_yuan``), verified (see the module
    docstring).

    Raises
    ------
    InstanceError
        For settings out of range or a plan the constraints do not admit.
    """
    if not 0 < target_utilisation <= 1:
        raise InstanceError(f"target utilisation must be in (0, 1], got {target_utilisation}")
    if verify_reps < 2:
        raise InstanceError(f"verify_reps must be at least 2 (a paired CI), got {verify_reps}")
    if max_rounds < 1:
        raise InstanceError(f"max_rounds must be at least 1, got {max_rounds}")
    if move_staff and budget_yuan is not None:  # a budget no plan can meet: say so at once
        fixed = sum(s.inspector_kinds[k].head_cost_yuan_per_year * n
                    for row in s.staff.values() for k, n in row.items()
                    if s.inspector_kinds[k].scope == "city")  # fmt: skip
        least = fixed + sum(
            s.inspector_kinds[k].head_cost_yuan_per_year
            * float(change_bounds(np.array([float(n)]), np.array([0.0]), np.array([np.inf]),
                                  max_change)[0][0])
            for row in s.staff.values() for k, n in row.items()
            if s.inspector_kinds[k].scope != "city" and n > 0
        )  # fmt: skip
        if least > budget_yuan:
            raise InstanceError(
                f"the budget {budget_yuan:,.0f} yuan a year is below the least the change limit "
                f"allows ({least:,.0f} yuan: every district and township unit at its lowest "
                "headcount, the city's staff as they are); raise the budget or the change limit"
            )
    say = progress or (lambda _m: None)
    cfg = config or InspectionConfig(years=1.0, seed=0)
    say("interval curves / 间隔曲线")
    curves, cached = interval_curves(s, factors=factors, reps=reps, config=cfg, workers=workers,
                                     default_bounds=default_bounds,
                                     use_cache=use_cache)  # fmt: skip
    say("today / 现状")
    base = replicate_inspections(s, replace(cfg, replication=0), verify_reps)
    seen = [_pool_kpis(base)]  # pool KPIs of every round's run: their mean sets the hours
    planned = s
    choice_prev: np.ndarray | None = None
    plan = None
    problem = None
    keys: list[Cell] = []
    rounds = 0
    stable = False
    history: list[dict[str, float]] = []
    prev_deaths = float("nan")
    runs = base
    for rounds in range(1, max_rounds + 1):
        say(f"round {rounds} / 第{rounds}轮")
        cap, avail = pool_capacity(s, pd.concat(seen), target_utilisation)
        units = _staff_units(s, avail, target_utilisation, max_change) if move_staff else ()
        movable = float(sum(u.cost * u.today for u in units))
        names = {u.name for u in units}
        staying = sum(s.inspector_kinds[k].head_cost_yuan_per_year * n
                      for a, row in s.staff.items() for k, n in row.items()
                      if f"{a}/{k}" not in names)  # fmt: skip
        # (F3) bounds the staff that may move: the whole budget less the staff that stay
        budget = ((movable if budget_yuan is None else float(budget_yuan) - staying)
                  if move_staff else None)  # fmt: skip
        problem, keys = _problem(s, curves, cap, units, budget, default_bounds)
        plan = solve_frequencies(problem)
        broken = check_frequencies(problem, plan.choice, plan.staff)
        if broken:
            raise InstanceError("the frequency plan breaks its own constraints: "
                                + "; ".join(broken))  # fmt: skip
        planned = _apply(s, problem, keys, plan.choice, units, plan.staff)
        changed = (
            len(plan.choice) if choice_prev is None else int((choice_prev != plan.choice).sum())
        )
        history.append({"round": rounds, "classes_changed": changed, "estimate": plan.deaths})
        tc = _today_choice(problem, keys, s)
        gain = problem.deaths(tc) - plan.deaths if tc is not None else 1e-4 * plan.deaths
        if choice_prev is not None and (
            changed == 0 or abs(plan.deaths - prev_deaths) <= stable_tol * max(gain, 1e-9)
        ):
            stable = True
            if changed:  # settled in value, not in every class: simulate the final cadence
                runs = replicate_inspections(planned, replace(cfg, replication=0), verify_reps)
            break
        prev_deaths = plan.deaths
        runs = replicate_inspections(planned, replace(cfg, replication=0), verify_reps)
        seen.append(_pool_kpis(runs))
        choice_prev = plan.choice
    assert plan is not None and problem is not None
    if not stable:
        runs = replicate_inspections(planned, replace(cfg, replication=0), verify_reps)
    # saturated pools: (F2) holds their non-routine work fixed, but in the simulator a pool
    # that is always busy gives shorter intervals time taken from complaints, reinspections and
    # referrals; its classes are tried at their shortest intervals and the variant kept if it
    # simulates fewer expected deaths (paired with the plan)
    saturated = saturated_pools(_pool_kpis(runs), set(problem.capacity))
    trial = (float("nan"), float("nan"))
    kept = False
    if saturated:
        say("saturated pools / 饱和岗位池")
        alt = np.array([0 if any(q in saturated for q in c.work) else j
                        for c, j in zip(problem.classes, plan.choice, strict=True)])  # fmt: skip
        if (alt != plan.choice).any():
            variant = _apply(s, problem, keys, alt, units, plan.staff)
            vruns = replicate_inspections(variant, replace(cfg, replication=0), verify_reps)
            diff = paired_difference(runs.kpis, vruns.kpis)
            row = diff[(diff["level"] == "city") & (diff["kpi"] == "expected_deaths_per_year")]
            trial = (float(row["mean"].iloc[0]), float(row["half_width"].iloc[0]))
            if trial[0] < 0:
                kept = True
                planned, runs = variant, vruns
                plan = replace(plan, choice=alt, deaths=problem.deaths(alt), load=problem.load(alt))
    cap0, _ = pool_capacity(s, _pool_kpis(base), target_utilisation)
    rules: dict[str, tuple[float, Scenario]] = {}
    cases = {"plan": runs}
    for scope in ("pools", "city"):
        say(f"uniform rule ({scope}) / 统一比例规则")
        rules[scope] = uniform_rule(s, cap0, default_bounds, scope)
        f, variant = rules[scope]
        cases[f"uniform_{scope}"] = (
            base if f == 1.0 else replicate_inspections(variant, replace(cfg, replication=0),
                                                        verify_reps))  # fmt: skip
    verification = _verification(base, cases)
    today_choice = _today_choice(problem, keys, s)
    estimate = plan.deaths - (problem.deaths(today_choice) if today_choice is not None
                              else float("nan"))  # fmt: skip
    by_district = _cadence_by_district(s, problem, keys, plan.choice)
    cadence = _cadence(s, by_district, default_bounds)
    targeting = _targeting(s, curves, cadence)
    _, avail_last = pool_capacity(s, pd.concat(seen), target_utilisation)
    margin = marginal_value(s, problem, plan.choice, avail_last, target_utilisation)
    now = routine_hours(s, today_intervals(s))
    pools = pd.DataFrame([{"pool": p, "hours_available_routine": problem.capacity[p],
                           "hours_plan": plan.load.get(p, 0.0), "hours_today": now.get(p, 0.0),
                           "saturated": p in saturated}
                          for p in sorted(problem.capacity)])  # fmt: skip
    staff = pd.DataFrame([{"unit": u.name, "pool": u.pool, "today": u.today, "plan": int(x),
                           "change": int(x) - u.today, "cost_change_yuan": u.cost * (x - u.today)}
                          for u, x in zip(problem.staff, plan.staff, strict=False)])  # fmt: skip
    return FrequencyResult(cadence, by_district, targeting, pools, staff, verification, rounds,
                           stable,
                           float(estimate), planned, rules["pools"][0], rules["city"][0],
                           cached,
                           pd.DataFrame(history), margin, tuple(sorted(saturated)), kept,
                           trial)  # fmt: skip


#: busy at least this share of its available hours on the plan's run: a saturated pool
SATURATED = 0.98


def saturated_pools(pool_kpis: pd.DataFrame, pools: set[str]) -> set[str]:
    """Pools (among ``pools``) whose mean utilisation over the replications (``level ==
    "pool"`` rows) is at least :data:`SATURATED`."""
    u = pool_kpis[pool_kpis["kpi"] == "utilisation"].groupby("key")["value"].mean()
    return {str(q) for q, v in u.items() if q in pools and v >= SATURATED}


def _apply(
    s: Scenario,
    p: FrequencyProblem,
    keys: list[Cell],
    choice: np.ndarray,
    units: tuple[StaffUnit, ...],
    x: np.ndarray,
) -> Scenario:
    """The plan as a scenario: each category × tier's interval is the one most of its sites
    get; districts that differ get their own (``inspection_interval_by_district_days``)."""
    chosen = {k: float(c.intervals[j]) for k, c, j in zip(keys, p.classes, choice, strict=True)}
    sites = class_sites(s)
    weight: dict[tuple[str, str], dict[float, int]] = {}
    for (c, t, a), d in chosen.items():
        w = weight.setdefault((c, t), {})
        w[d] = w.get(d, 0) + sites[(c, t, a)]
    intervals: dict[Any, float] = {}
    for (c, t), w in weight.items():
        intervals[(c, t)] = max(w, key=lambda d: (w[d], -d))
    for (c, t, a), d in chosen.items():
        if not math.isclose(d, intervals[(c, t)]):
            intervals[(c, t, a)] = d
    out = _with_city_intervals(s, intervals)
    if units:
        staff = {a: dict(row) for a, row in out.staff.items()}
        for u, xu in zip(units, x, strict=True):
            a, k = u.name.split("/")
            staff[a][k] = int(xu)
        out = out.with_(staff=staff)
    return out


def _with_city_intervals(s: Scenario, intervals: dict[Any, float]) -> Scenario:
    """Intervals given per (category, tier) replace the district-specific ones of that tier
    unless given too."""
    cats = {}
    for key, cat in s.site_categories.items():
        tiers = {k[1] for k in intervals if k[0] == key and len(k) == 2}
        if tiers and cat.inspection_interval_by_district_days:
            by = {a: {t: d for t, d in v.items() if t not in tiers}
                  for a, v in cat.inspection_interval_by_district_days.items()}  # fmt: skip
            cat = cat.model_copy(update={"inspection_interval_by_district_days":
                                         {a: v for a, v in by.items() if v}})  # fmt: skip
        cats[key] = cat
    return with_intervals(s.with_(site_categories=cats), intervals)


def _today_choice(p: FrequencyProblem, keys: list[Cell], s: Scenario) -> list[int] | None:
    today = today_intervals(s)
    out = []
    for k, c in zip(keys, p.classes, strict=True):
        hit = np.flatnonzero(np.isclose(c.intervals, today[k]))
        if not len(hit):
            return None
        out.append(int(hit[0]))
    return out


def uniform_rule(
    s: Scenario,
    capacity: dict[str, float],
    default_bounds: tuple[float, float],
    scope: str = "pools",
) -> tuple[float, Scenario]:
    """The simple rules to beat: every interval × one factor (clipped to its bounds), the most
    frequent whose routine hours fit every pool's hours (``scope="pools"``), or only the city's
    routine hours in total (``"city"``: "we have x% spare time, visit everyone x% more often",
    ignoring which pools the spare time is in; the simulation shows what that costs). Factors
    from 1 down in steps of 0.01."""
    if scope not in ("pools", "city"):
        raise InstanceError(f"scope must be 'pools' or 'city', got {scope!r}")
    today = today_intervals(s)
    per_round = class_visit_hours(s)
    bounds = {k: interval_bounds(s, k[0], default_bounds)[k[1]] for k in today}
    total_cap = sum(capacity.values())
    now = routine_hours(s, today, per_round)

    def at(f: float) -> dict[Cell, float]:
        return {k: min(max(d * f, bounds[k][0]), bounds[k][1]) for k, d in today.items()}

    def fits(load: dict[str, float]) -> bool:
        if scope == "city":
            return sum(load.values()) <= total_cap * (1 + 1e-9)
        # a pool already past its hours today may keep (not grow) its load
        return all(h <= max(capacity.get(p, 0.0), now.get(p, 0.0)) * (1 + 1e-9) + 1e-9
                   for p, h in load.items())  # fmt: skip

    best = 1.0
    for f in np.round(np.arange(1.0, 0.099, -0.01), 2):
        if not fits(routine_hours(s, at(float(f)), per_round)):
            break
        best = float(f)
    return best, with_intervals(s, dict(at(best)))


def _verification(base: Any, cases: dict[str, Any]) -> pd.DataFrame:
    """Each case − today, paired (case names as given), then the plan − each rule, paired
    (``plan_vs_<rule>``), and today's values (``today``)."""
    rows = []
    pairs = [(name, base, runs) for name, runs in cases.items()]
    pairs += [(f"plan_vs_{name}", runs, cases["plan"]) for name, runs in cases.items()
              if name != "plan" and "plan" in cases]  # fmt: skip
    for name, ref, runs in pairs:
        diff = paired_difference(ref.kpis, runs.kpis)
        city = diff[(diff["level"] == "city") & diff["kpi"].isin(VERIFY_KPIS)]
        for r in city.itertuples():
            rows.append({"case": name, "kpi": r.kpi, "difference": r.mean,
                         "half_width": r.half_width})  # fmt: skip
    today = base.summary[(base.summary["level"] == "city") & base.summary["kpi"].isin(VERIFY_KPIS)]
    for r in today.itertuples():
        rows.append({"case": "today", "kpi": r.kpi, "difference": r.mean,
                     "half_width": r.half_width})  # fmt: skip
    return pd.DataFrame(rows)


def _cadence_by_district(
    s: Scenario, p: FrequencyProblem, keys: list[Cell], choice: np.ndarray
) -> pd.DataFrame:
    today = today_intervals(s)
    sites = class_sites(s)
    rows = []
    for k, cl, j in zip(keys, p.classes, choice, strict=True):
        c, t, a = k
        i0 = np.flatnonzero(np.isclose(cl.intervals, today[k]))
        rows.append({
            "category": c, "tier": t, "adcode": a,
            "district_zh": s.districts[a].name_zh, "district_pinyin": s.districts[a].name_pinyin,
            "sites": sites[k], "interval_today_days": today[k],
            "interval_plan_days": float(cl.intervals[j]),
            "expected_deaths_today": float(cl.deaths[i0[0]]) if len(i0) else float("nan"),
            "expected_deaths_plan": float(cl.deaths[j]),
            "routine_hours_plan": float(sum(w[j] for w in cl.work.values())),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _cadence(
    s: Scenario, by_district: pd.DataFrame, default_bounds: tuple[float, float]
) -> pd.DataFrame:
    """The cadence table: per category × tier, the interval most of its sites get, the range
    over districts and the visits a site gets a year (site-weighted), today and planned."""
    rows = []
    for (c, t), g in by_district.groupby(["category", "tier"], sort=True):
        c, t = str(c), str(t)
        lo, hi, src = interval_bounds(s, c, default_bounds)[t]
        n = g["sites"].to_numpy(float)
        plan = g["interval_plan_days"].to_numpy(float)
        by_interval = g.groupby("interval_plan_days")["sites"].sum()
        mode = float(by_interval.index.to_numpy(float)[int(np.argmax(by_interval.to_numpy()))])
        rows.append({
            "category": c, "tier": t,
            "category_zh": s.site_categories[c].name_zh,
            "category_en": s.site_categories[c].name_en,
            "tier_zh": s.risk_tiers[t].name_zh, "tier_en": s.risk_tiers[t].name_en,
            "sites": int(n.sum()),
            "interval_today_days": interval_days(s, c)[t],
            "interval_plan_days": float(mode),
            "interval_plan_min_days": float(plan.min()),
            "interval_plan_max_days": float(plan.max()),
            "districts_other_interval": int((~np.isclose(plan, mode)).sum()),
            "visits_per_site_year_today": float(
                (n * DAYS_PER_YEAR / g["interval_today_days"]).sum() / n.sum()),
            "visits_per_site_year_plan": float((n * DAYS_PER_YEAR / plan).sum() / n.sum()),
            "shortest_days": lo, "longest_days": hi, "bounds_from": src,
            "expected_deaths_today": float(g["expected_deaths_today"].sum()),
            "expected_deaths_plan": float(g["expected_deaths_plan"].sum()),
            "routine_hours_plan": float(g["routine_hours_plan"].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _targeting(s: Scenario, curves: pd.DataFrame, cadence: pd.DataFrame) -> pd.DataFrame:
    """Classes ranked by what their visits are worth at the plan: the deaths a year that
    visiting the whole class a step less often (the next longer sampled interval) would add,
    per 1,000 routine hours it would save — the visits to keep first when staff fall short.
    Within a class the simulator visits the longest-overdue site first."""
    mean = curves.groupby(["category", "tier", "factor"], as_index=False)[
        "expected_deaths_per_year"
    ].mean()
    per_round = class_visit_hours(s)
    rows = []
    for r in cadence.to_dict(orient="records"):
        cat, tier = str(r["category"]), str(r["tier"])
        g = mean[(mean["category"] == cat) & (mean["tier"] == tier)].sort_values("factor")
        f = g["factor"].to_numpy(float)
        d = _non_increasing_in_visits(f, g["expected_deaths_per_year"].to_numpy(float))
        today_days = float(r["interval_today_days"])
        lo, hi = float(r["shortest_days"]), float(r["longest_days"])
        ts, inverse = np.unique(np.round(np.clip(today_days * f, lo, hi), 9),
                                return_inverse=True)  # fmt: skip
        dd = np.bincount(inverse, weights=d) / np.bincount(inverse)
        pos = int(np.argmin(np.abs(ts - float(r["interval_plan_days"]))))
        nxt = min(pos + 1, len(ts) - 1)
        hours = [sum(h * visits_per_year(s, cat, float(x))
                     for k, (_p, h) in per_round.items() if k[:2] == (cat, tier))
                 for x in (ts[pos], ts[nxt])]  # fmt: skip
        saved = hours[0] - hours[1]
        worth = float(dd[nxt] - dd[pos]) / saved if saved > 0 else 0.0
        rows.append({"category": cat, "tier": tier, "category_zh": r["category_zh"],
                     "category_en": r["category_en"], "tier_zh": r["tier_zh"],
                     "tier_en": r["tier_en"],
                     "deaths_per_1000_routine_hours": 1000.0 * worth})  # fmt: skip
    out = pd.DataFrame(rows).sort_values("deaths_per_1000_routine_hours", ascending=False)
    out.insert(0, "priority", range(1, len(out) + 1))
    return out.reset_index(drop=True)

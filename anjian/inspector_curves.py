"""District response curves of the inspection model: what each district's outcomes do when one
kind of its staff changes (issue 16, the curves its allocation optimizer will solve on).

Each district is cut out of the scenario (:func:`anjian.scenarios.derive.district_subscenario`:
its own pools, the city corps by its share of city-level premises) and simulated with one kind's
headcount scaled by each factor, every factor with the same seed and replications (common random
numbers, so the points of a curve are paired). The outcome to optimise is
``expected_deaths_per_year`` (the accident intensity integrated over the simulated hazard path,
far less noisy than drawn deaths) and the on-time share of routine inspections.
:func:`fit_staff_curves` fits each curve as a concave piecewise-linear function of headcount
(:func:`anjian.optimize.allocation.fit_concave`) and reports how far the samples are from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from anjian.optimize.allocation import ConcaveFit, fit_concave
from anjian.scenarios.derive import district_subscenario
from anjian.scenarios.scenario import Scenario
from anjian.sim.inspection import InspectionConfig, simulate_inspections

from .parallel import cache_key, cached_frame, collect_now_and_then, map_tasks

KPIS = ("expected_deaths_per_year", "expected_accidents_per_year", "deaths_per_year",
        "on_time_rate", "routine_done", "routine_required")  # fmt: skip
DEFAULT_FACTORS = (0.5, 0.75, 1.0, 1.5, 2.0)


def staff_curves(
    s: Scenario,
    *,
    kinds: Sequence[str] | None = None,
    factors: Sequence[float] = DEFAULT_FACTORS,
    districts: Iterable[str] | None = None,
    reps: int = 3,
    config: InspectionConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    use_cache: bool = True,
) -> pd.DataFrame:
    """One row per district × kind × factor × replication: the headcount simulated and the
    district's KPIs (:data:`KPIS`). ``kinds`` default: every district- or township-scope kind
    with staff in the district; a factor leaves at least one head. Runs on ``workers``
    processes (default one per core; :func:`anjian.parallel.map_tasks`) and is cached by the
    scenario's content and the runs asked for (:func:`anjian.parallel.cached_frame`).

    Raises
    ------
    ValueError
        For no factor, a non-positive factor, fewer than one replication or an unknown kind.
    """
    if not factors or any(not f > 0 for f in factors):
        raise ValueError(f"factors must be positive numbers, got {list(factors)}")
    if reps < 1:
        raise ValueError(f"reps must be >= 1, got {reps}")
    unknown = sorted(set(kinds or ()) - set(s.inspector_kinds))
    if unknown:
        raise ValueError(f"unknown inspector kinds {unknown}; the scenario has "
                         f"{sorted(s.inspector_kinds)}")  # fmt: skip
    cfg = config or InspectionConfig(years=1.0, seed=0)
    chosen = list(districts) if districts is not None else list(s.districts)
    jobs: list[tuple[str, str, float, int, int]] = []
    for a in chosen:
        sub = district_subscenario(s, a)
        for k in kinds or sub.inspector_kinds:
            if sub.inspector_kinds[k].scope != "city" and sub.staff[a].get(k, 0) > 0:
                heads_today = sub.staff[a][k]
                for f in factors:
                    heads = max(1, round(heads_today * float(f)))
                    jobs.extend((a, k, float(f), heads, rep) for rep in range(reps))
    return _run_jobs("staff-curves", s, jobs, cfg, workers, progress, use_cache)


def staff_runs(
    s: Scenario,
    points: Iterable[tuple[str, str, int]],
    *,
    reps: int = 3,
    config: InspectionConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    use_cache: bool = True,
) -> pd.DataFrame:
    """The rows of :func:`staff_curves` at given headcounts: each ``(district, kind, heads)``
    simulated in the district cut out of the city, ``reps`` replications with the same seeds as
    the curves (so the new points are paired with theirs). For kinds with nobody today (bought
    inspections) and for the points an allocation plans between the curve's samples; ``factor``
    is heads ÷ today's (0 where nobody is there today).

    Raises
    ------
    ValueError
        For fewer than one replication, an unknown district or kind, or negative heads.
    """
    if reps < 1:
        raise ValueError(f"reps must be >= 1, got {reps}")
    cfg = config or InspectionConfig(years=1.0, seed=0)
    jobs: list[tuple[str, str, float, int, int]] = []
    for a, k, heads in points:
        if a not in s.districts or k not in s.inspector_kinds:
            raise ValueError(f"unknown district or inspector kind ({a!r}, {k!r})")
        if s.inspector_kinds[k].scope == "city":
            raise ValueError(f"{k!r} is a city-level kind: its staff are not a district's")
        if int(heads) < 0:
            raise ValueError(f"heads must be 0 or more, got {heads} for ({a}, {k})")
        today = s.staff[a].get(k, 0)
        f = float(heads) / today if today > 0 else 0.0
        jobs.extend((a, k, f, int(heads), rep) for rep in range(reps))
    return _run_jobs("staff-runs", s, jobs, cfg, workers, progress, use_cache)


def _run_jobs(
    name: str,
    s: Scenario,
    jobs: list[tuple[str, str, float, int, int]],
    cfg: InspectionConfig,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    use_cache: bool,
) -> pd.DataFrame:
    """The district runs ``jobs`` on the workers, cached by scenario content and the jobs."""
    plain = {"years": cfg.years, "seed": cfg.seed, "engine": cfg.engine,
             "initial_state": cfg.initial_state, "initial_due": cfg.initial_due}  # fmt: skip
    if not jobs:
        return pd.DataFrame(columns=["adcode", "kind", "factor", "today", "staff", "rep",
                                     *KPIS])  # fmt: skip
    key = cache_key(name, s, {"jobs": jobs, **plain})

    def compute() -> pd.DataFrame:
        rows = map_tasks(_staff_run, (s, plain), jobs, workers=workers, progress=progress)
        return pd.DataFrame(rows)

    frame, _cached = cached_frame(key, compute, use_cache=use_cache)
    return frame


_subs: dict[tuple[int, str], Scenario] = {}


def _staff_run(
    shared: tuple[Scenario, dict[str, Any]], job: tuple[str, str, float, int, int]
) -> dict[str, object]:
    """One district × kind × factor × replication (runs on any worker; each worker cuts each
    district out once)."""
    s, plain = shared
    a, k, f, heads, rep = job
    collect_now_and_then()
    sub = _subs.get((id(s), a))
    if sub is None:
        if len(_subs) > 64:
            _subs.clear()
        sub = _subs[(id(s), a)] = district_subscenario(s, a)
    today = sub.staff[a].get(k, 0)
    variant = sub if heads == today else sub.with_({f"staff.{a}.{k}": heads})
    r = simulate_inspections(variant, InspectionConfig(**plain, replication=rep))
    city = r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]
    values = {name: float(city.get(name, np.nan)) for name in KPIS}
    return {"adcode": a, "kind": k, "factor": f, "today": today, "staff": heads, "rep": rep,
            **values}  # fmt: skip


def fit_staff_curves(
    curves: pd.DataFrame, kpi: str = "expected_deaths_per_year"
) -> dict[tuple[str, str], ConcaveFit]:
    """Each (district, kind)'s benefit against headcount, fitted concave: deaths averted a year
    against the fewest heads sampled for ``expected_deaths_per_year`` / ``deaths_per_year`` /
    ``expected_accidents_per_year`` (lower is better), on-time routine inspections a year for
    ``on_time_rate`` (on-time share × routine inspections done)."""
    out: dict[tuple[str, str], ConcaveFit] = {}
    for (a, k), g in curves.groupby(["adcode", "kind"], sort=True):
        if kpi == "on_time_rate":
            y = (g["on_time_rate"] * g["routine_done"]).to_numpy(float)
        else:
            base = float(g.loc[g["staff"] == g["staff"].min(), kpi].mean())
            y = base - g[kpi].to_numpy(float)
        out[(str(a), str(k))] = fit_concave(g["staff"].to_numpy(float), y)
    return out

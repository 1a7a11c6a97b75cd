"""Harm against cost over budget levels (issue 18): ``anjian frontier``.

The walk starts from the best allocation for today's budget (``start="plan"``: the plan of
:func:`anjian.run.recommend`; or ``start="today"``: today's allocation as it is) and moves the
budget up and down in steps (``step_yuan``, the run's default step), the simulator judging
every step under common random numbers:

- **up** (more budget): every resource one step more is simulated; the purchase with the
  largest fall in harm per yuan is made (flagged when its paired 95% CI does not exclude
  zero); when no purchase lowers the mean harm the walk up stops — more money buys nothing
  the simulation can see, and the best allocation for a larger budget is the last one;
- **down** (less budget): every resource one step less is simulated; the cut with the least
  rise in harm per yuan saved is made (the budget binds, so a cut is made even if harm rises).

This is marginal analysis (Fox 1966): from an allocation that is best for its budget the
greedy walk stays best for separable convex harm; otherwise it is a heuristic. Because the
walk chose among noisy estimates, every point is then simulated afresh (the next seed, common
random numbers across points) and the table reports those: harm with its 95% CI, the paired
change against today, whether a point is dominated (another costs no more and harms less),
and the frontier proper — the least harm of any point costing no more than this one, so more
budget never worsens it (money need not be spent).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from anjian.budget import RESOURCES, Appraisal, appraise, appraise_many, by_key, step_margins
from anjian.parallel import default_workers, one_cluster
from anjian.run import TOLERANCE_SHARE, RunResult, default_step, recommend
from anjian.scenarios.scenario import Scenario

if TYPE_CHECKING:
    from anjian.placement import Place

COLUMNS = [
    "point",  # "today", "plan" (start="plan"), "+k" k steps up, "-k" k steps down
    "steps",  # signed steps from the start (today and plan: 0)
    "move",  # the step from the previous point towards the start, 中文 / English
    "significant",  # the walk's step changed harm with a paired 95% CI excluding zero
    "inspectors_yuan_per_year",
    "vehicles_yuan_per_year",
    "stocks_yuan_per_year",
    "total_yuan_per_year",
    "harm_deaths_per_year",
    "half_width",
    "accident_deaths_per_year",
    "response_deaths_per_year",
    "relief_deaths_per_year",
    "change_vs_today",
    "change_half_width",
    "non_dominated",
    "frontier_deaths_per_year",  # the least harm of any point costing no more than this one
    # between objectives: the operational KPIs of each point (fresh replications, means)
    "within_standard_share",  # response: incidents reached within the standard
    "on_time_rate",  # inspection: inspections done on time
    "relief_fill_rate",  # relief: demand met from stock
    "non_dominated_kpis",  # no point costs no more and is at least as good on all three
]
#: The objectives of the between-objectives view: (model, KPI), all higher is better.
OBJECTIVES = (
    ("response", "within_standard_share"),
    ("inspection", "on_time_rate"),
    ("response", "relief_fill_rate"),
)
PARTS = {
    "accident_deaths_per_year": "harm_accident_deaths_per_year",
    "response_deaths_per_year": "harm_response_deaths_per_year",
    "relief_deaths_per_year": "harm_relief_deaths_per_year",
}
STARTS = ("plan", "today")


@dataclass(frozen=True)
class Frontier:
    """The points (``COLUMNS``, ordered by cost from the deepest cut to the last purchase,
    today first among equals), each point's overrides of the scenario, the walk's notes, its
    settings and the seconds it took."""

    points: pd.DataFrame
    overrides: dict[str, dict[str, Any]]
    notes: list[str]
    settings: dict[str, Any]
    seconds: float


def _mean(a: Appraisal, kpi: str) -> tuple[float, float]:
    row = a.harm_summary[a.harm_summary["kpi"] == kpi]
    return float(row["mean"].iloc[0]), float(row["half_width"].iloc[0])


def dominance(cost: Any, harm: Any, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """For points (cost, harm): whether each is non-dominated — no other point costs at most
    ``tol`` more and harms less, nor costs more than ``tol`` less and harms no more — and the
    frontier value, the least harm among the points costing at most this one's cost + ``tol``
    (non-increasing in cost by construction)."""
    c = np.asarray(cost, dtype=float)
    h = np.asarray(harm, dtype=float)
    if c.ndim != 1 or c.shape != h.shape:
        raise ValueError("cost and harm must be 1-D and of the same length")
    if not (np.isfinite(c).all() and np.isfinite(h).all()):
        raise ValueError("cost and harm must be finite numbers")
    if tol < 0:
        raise ValueError(f"tol must be ≥ 0, got {tol}")
    no_dearer = c[None, :] <= c[:, None] + tol  # [i, j]: j costs no more than i (within tol)
    cheaper = c[None, :] < c[:, None] - tol  # [i, j]: j clearly costs less than i
    beats = no_dearer & ((h[None, :] < h[:, None]) | (cheaper & (h[None, :] <= h[:, None])))
    np.fill_diagonal(beats, False)
    best = np.where(no_dearer, h[None, :], np.inf).min(axis=1)
    keep = np.logical_not(beats.any(axis=1))
    return keep, best


def pareto(values: Any) -> np.ndarray:
    """Rows of ``values`` (points × objectives, all to be minimised) that no other row
    dominates: no other row is at most as large in every objective and smaller in one."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError("values must be a 2-D array: points × objectives")
    if not np.isfinite(v).all():
        raise ValueError("values must be finite numbers")
    le = (v[None, :, :] <= v[:, None, :]).all(axis=2)  # [i, j]: j no worse than i everywhere
    lt = (v[None, :, :] < v[:, None, :]).any(axis=2)  # [i, j]: j better than i somewhere
    beats: np.ndarray = np.asarray(le & lt)
    np.fill_diagonal(beats, False)
    return np.logical_not(beats.any(axis=1))


def _kpi_mean(a: Appraisal, model: str, kpi: str) -> float:
    if a.kpis is None:
        return float("nan")
    k = a.kpis
    rows = k[(k["model"] == model) & (k["level"] == "city") & (k["kpi"] == kpi)]
    return float(rows["value"].mean()) if len(rows) else float("nan")


def reps_note(a: Appraisal, en: bool = False) -> str:
    """The replications an appraisal rests on, in words."""
    if en:
        return f"{a.reps} replications × {a.years:g} year{'' if a.years == 1 else 's'}"
    return f"{a.reps} 次重复 × {a.years:g} 年"


def _walk(
    start: Scenario,
    base: Appraisal,
    step: float,
    n: int,
    sign: int,
    workers: int,
    tick: Callable[[str], None],
    notes: list[str],
    place: Place | None = None,
    caps: dict[str, float] | None = None,
) -> list[tuple[int, dict[str, Any], str, bool]]:
    """Up to ``n`` steps in direction ``sign`` from ``start`` (appraised as ``base``): for
    each step made (signed steps, overrides from ``start``, the move, significant). ``place``
    puts each step's money (:mod:`anjian.placement`); ``caps``: the budget's split — no
    purchase takes a resource above its cap."""
    cur, over = start, dict[str, Any]()
    out: list[tuple[int, dict[str, Any], str, bool]] = []
    for k in range(1, n + 1):
        steps = sign * k
        tick(f"{steps:+d}: {'买 buying' if sign > 0 else '减 cutting'}")
        margins, moves, skipped, appraised = step_margins(
            cur, base, step, steps, tick, workers, (sign,), place
        )
        if sign < 0:
            margins = margins[margins["yuan_per_year"] < 0]  # only cuts that save money
        elif caps:
            tol = TOLERANCE_SHARE * step
            capped = [
                r
                for r, y in zip(margins["resource"], margins["yuan_per_year"], strict=True)
                if r in caps and base.totals.by_resource[r] + float(y) > caps[r] + tol
            ]
            for r in capped:
                skipped.append((r, f"its cap in the budget's split ({caps[r]:,.0f} yuan)"))
                notes.append(
                    f"第 {steps:+d} 步：{RESOURCES[r][0]}已达预算分项上限 {caps[r]:,.0f} 元，"
                    f"不再购买。 / Step {steps:+d}: {RESOURCES[r][1].lower()} not bought, at "
                    f"its cap in the budget's split ({caps[r]:,.0f} yuan a year)."
                )
            margins = margins[~margins["resource"].isin(capped)]
        if margins.empty:
            why = "; ".join(f"{RESOURCES[r][1]}: {w}" for r, w in skipped) or "nothing to move"
            verb_zh, verb_en = ("买", "buy") if sign > 0 else ("减", "cut")
            notes.append(
                f"第 {steps:+d} 步：已无可{verb_zh}之项。 / Step {steps:+d}: nothing more to "
                f"{verb_en} ({why})."
            )
            break
        per = by_key(margins, "resource", "harm_per_10k_yuan")
        change = by_key(margins, "resource", "harm_change")
        half = by_key(margins, "resource", "half_width")
        what = dict(zip(margins["resource"], margins["what"], strict=True))
        # up: the largest fall per yuan added; down: the least rise per yuan saved
        r = min(per, key=lambda x: per[x])
        if sign > 0 and not change[r] < 0:
            notes.append(
                f"第 {steps:+d} 步：再买任何资源都不能降低预期伤害（{reps_note(base)}），"
                "更大预算的最优方案即上一点。 / Step "
                f"{steps:+d}: no purchase lowers the mean harm ({reps_note(base, en=True)}); "
                "the best allocation for a larger budget is the previous point."
            )
            break
        over = {**over, **moves[(r, sign)]}
        cur, base = cur.with_(moves[(r, sign)]), appraised[(r, sign)]
        zh, en = RESOURCES[r]
        significant = bool(math.isfinite(half[r]) and abs(change[r]) > half[r])
        out.append((steps, dict(over), f"{zh} / {en}: {what[r]}", significant))
    return out


def frontier(
    s: Scenario,
    *,
    up: int = 4,
    down: int = 4,
    step_yuan: float | None = None,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    start: str = "plan",
    rounds: int = 2,
    progress: Callable[[str], None] | None = None,
    run: RunResult | None = None,
    placement: str = "rules",
) -> Frontier:
    """Harm against cost from ``down`` steps below the start to ``up`` steps above it (see
    the module docstring). ``start``: "plan" (the best allocation for today's budget by
    :func:`anjian.run.recommend` with ``rounds``) or "today". Each allocation is simulated
    ``reps`` × ``years``; the walk on one seed, the table on the next, on ``workers``
    processes (default one per core, one cluster for the whole walk; the numbers do not
    depend on it). ``run``: a finished :func:`anjian.run.recommend` of ``s`` to start from
    instead of searching again (its settings then stand for ``years``, ``reps``, ``seed``,
    ``step_yuan`` and ``rounds``). ``placement``: where each step's money goes
    (:data:`anjian.placement.PLACEMENTS`). The budget's split (``[budget]`` caps by resource,
    :func:`anjian.run.split_caps`) holds on the walk up: no purchase takes a resource above
    its cap."""
    from anjian.placement import PLACEMENTS

    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {sorted(PLACEMENTS)}, got {placement!r}")
    with one_cluster(workers):
        return _frontier(
            s,
            up=up,
            down=down,
            step_yuan=step_yuan,
            years=years,
            reps=reps,
            seed=seed,
            workers=workers,
            start=start,
            rounds=rounds,
            progress=progress,
            run=run,
            placement=placement,
        )


def _frontier(
    s: Scenario,
    *,
    up: int = 4,
    down: int = 4,
    step_yuan: float | None = None,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    start: str = "plan",
    rounds: int = 2,
    progress: Callable[[str], None] | None = None,
    run: RunResult | None = None,
    placement: str = "rules",
) -> Frontier:
    """:func:`frontier` itself."""
    from anjian.placement import placement as make_placement
    from anjian.run import split_caps
    from anjian.sim.stats import paired_difference

    if start not in STARTS:
        raise ValueError(f"start must be one of {', '.join(STARTS)}, got {start!r}")
    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    if up < 0 or down < 0 or up + down == 0:
        raise ValueError(f"up ({up}) and down ({down}) must be ≥ 0 and not both 0")
    if step_yuan is not None and not (math.isfinite(step_yuan) and step_yuan > 0):
        raise ValueError(f"step_yuan must be a positive number of yuan, got {step_yuan}")
    t0 = time.perf_counter()
    tick = progress or (lambda _m: None)
    w = workers or default_workers()
    notes: list[str] = []
    seconds: dict[str, float] = {}
    place = make_placement(placement, s, progress=tick)
    caps = split_caps(s)
    if run is not None:
        if start != "plan":
            raise ValueError("a finished run is a start only with start='plan'")
        rs = run.settings
        if rs["scenario"] != s.meta.name:
            raise ValueError(f"the run is of {rs['scenario']!r}, not of {s.meta.name!r}")
        years, reps, seed, rounds = rs["years"], rs["reps"], rs["search_seed"], rs["rounds"]
        placement = rs.get("placement", "rules")
        place = make_placement(placement, s, progress=tick)
    if start == "plan":
        run = run or recommend(
            s,
            years=years,
            reps=reps,
            seed=seed,
            step_yuan=step_yuan,
            rounds=rounds,
            workers=w,
            progress=lambda m: tick(f"方案 plan · {m}"),
            placement=placement,
        )
        origin, base, base_over = run.plan_scenario, run.plan, dict(run.overrides)
        budget, step = run.settings["budget_yuan_per_year"], float(run.settings["step_yuan"])
        notes += [n for n in run.notes if "KN" in n]
    else:
        tick("现状 today")
        base = appraise(s, years=years, reps=reps, seed=seed)
        origin, base_over, budget = s, {}, base.budget
        step = default_step(s, budget) if step_yuan is None else float(step_yuan)
        if not step > 0:
            raise ValueError("the scenario has nothing with a cost: no step to walk by")
    if down * step >= base.totals.total:
        raise ValueError(
            f"{down} steps of {step:,.0f} yuan down would cut the whole cost of the start "
            f"({base.totals.total:,.0f} yuan a year): choose fewer --down steps or a "
            "smaller --step"
        )
    seconds["start"] = time.perf_counter() - t0
    walked: list[tuple[str, int, dict[str, Any], str, bool]] = []
    for steps, over, move, sig in _walk(origin, base, step, down, -1, w, tick, notes, place)[::-1]:
        walked.append((f"{steps:+d}", steps, {**base_over, **over}, move, sig))
    walked.append(("today", 0, {}, "现状 / today's allocation", True))
    if start == "plan":
        walked.append(
            ("plan", 0, base_over, "同预算的推荐方案 / the plan for today's budget", True)
        )
    seconds["walk_down"] = time.perf_counter() - t0 - seconds["start"]
    for steps, over, move, sig in _walk(origin, base, step, up, 1, w, tick, notes, place, caps):
        walked.append((f"{steps:+d}", steps, {**base_over, **over}, move, sig))
    seconds["walk_up"] = time.perf_counter() - t0 - sum(seconds.values())
    fresh = base.seed + 1
    tick(f"新一组模拟 fresh replications (seed {fresh}): {len(walked)} points")
    done = appraise_many(
        s,
        [p[2] for p in walked],
        years=years,
        reps=reps,
        seed=fresh,
        budget=budget,
        workers=w,
        progress=lambda i, n: tick(f"新一组模拟 fresh replications {i}/{n}"),
    )
    seconds["fresh_table"] = time.perf_counter() - t0 - sum(seconds.values())
    today = done[[p[0] for p in walked].index("today")]
    rows = []
    for (point, steps, _over, move, sig), a in zip(walked, done, strict=True):
        harm, half = _mean(a, "harm_deaths_per_year")
        diff = paired_difference(today.harm, a.harm)
        same = point == "today"
        rows.append(
            {
                "point": point,
                "steps": steps,
                "move": move,
                "significant": sig,
                **{f"{r}_yuan_per_year": a.totals.by_resource[r] for r in RESOURCES},
                "total_yuan_per_year": a.totals.total,
                "harm_deaths_per_year": harm,
                "half_width": half,
                **{col: _mean(a, kpi)[0] for col, kpi in PARTS.items()},
                "change_vs_today": 0.0
                if same
                else by_key(diff, "kpi", "mean")["harm_deaths_per_year"],
                "change_half_width": 0.0
                if same
                else by_key(diff, "kpi", "half_width")["harm_deaths_per_year"],
                **{kpi: _kpi_mean(a, model, kpi) for model, kpi in OBJECTIVES},
            }
        )
    df = pd.DataFrame(rows)
    keep, best = dominance(
        df["total_yuan_per_year"], df["harm_deaths_per_year"], TOLERANCE_SHARE * step
    )
    df["non_dominated"] = keep
    df["frontier_deaths_per_year"] = best
    # between objectives: cost (within the tolerance, rounded to it) against the three KPIs
    objectives = [kpi for _, kpi in OBJECTIVES]
    known = df[objectives].notna().all(axis=1)
    df["non_dominated_kpis"] = False
    if known.any():
        tol = TOLERANCE_SHARE * step
        cost = np.round(df.loc[known, "total_yuan_per_year"].to_numpy() / max(tol, 1e-9))
        both = np.column_stack([cost, -df.loc[known, objectives].to_numpy(dtype=float)])
        df.loc[known, "non_dominated_kpis"] = pareto(both)
    settings = {
        "scenario": s.meta.name,
        "start": start,
        "years": years,
        "reps": reps,
        "search_seed": seed,
        "walk_seed": base.seed,
        "comparison_seed": fresh,
        "step_yuan": step,
        "up": up,
        "down": down,
        "rounds": rounds if start == "plan" else None,
        "placement": placement,
        "split_caps_yuan": caps,
        "budget_yuan_per_year": budget,
        "cost_tolerance_yuan": TOLERANCE_SHARE * step,
        "seconds_by_stage": {k: round(v, 1) for k, v in seconds.items()},
    }
    return Frontier(
        df[COLUMNS].reset_index(drop=True),
        {p[0]: p[2] for p in walked},
        notes,
        settings,
        time.perf_counter() - t0,
    )

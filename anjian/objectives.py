"""The frontier between objectives at one budget (issue 18): ``anjian objectives``.

The main job minimises one harm measure. A planner also weighs the operational KPIs on their
own — response within the standard, inspections on time, relief demand met from stock — and
the same money cannot maximise all of them. For each objective of
:data:`anjian.budget.SEARCH_OBJECTIVES` the search of :func:`anjian.run.recommend` is run with
that objective alone (ε-constraint's anchor points: the best plan for each objective, within
the same budget; KN picks each objective's plan). Every distinct plan is then simulated afresh,
with today, on an independent seed (the search's ``seed + 2``: the runs searched on ``seed``
and selected on ``seed + 1``), common random numbers across the plans; the table has each
plan's cost, harm and KPIs with paired CIs against today, and which plans are Pareto-optimal
among them (no other plan is at least as good on harm and every KPI and better on one,
within the budget). What one objective costs another is read along a row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from anjian.budget import RESOURCES, SEARCH_OBJECTIVES, appraise_many, objective_tidy
from anjian.parallel import default_workers, one_cluster
from anjian.run import TOLERANCE_SHARE, recommend
from anjian.scenarios.scenario import Scenario

#: objective → (中文, English)
OBJECTIVE_NAMES = {
    "harm": ("综合伤害最低", "least harm"),
    "within_standard_share": ("响应达标率最高", "most responses within the standard"),
    "on_time_rate": ("按时检查率最高", "most inspections on time"),
    "relief_fill_rate": ("物资满足率最高", "most relief demand met from stock"),
}
KPI_COLUMNS = ("within_standard_share", "on_time_rate", "relief_fill_rate")
COLUMNS = [
    "point",  # "today" or the first objective whose plan this is
    "objectives",  # every objective whose search found this plan (";"-joined; on today's
    # row, the objectives whose search kept today's allocation)
    "moves",  # the plan's accepted moves, 中文 / English
    "inspectors_yuan_per_year",
    "vehicles_yuan_per_year",
    "stocks_yuan_per_year",
    "total_yuan_per_year",
    "within_budget",
    "harm_deaths_per_year",
    "harm_half_width",
    "harm_change",
    "harm_change_half_width",
    *[c for k in KPI_COLUMNS for c in (k, f"{k}_change", f"{k}_change_half_width")],
    "pareto",
]


@dataclass(frozen=True)
class ObjectiveFrontier:
    """One row per distinct plan and today (``COLUMNS``), each plan's overrides, the notes of
    each search, the settings and the seconds."""

    points: pd.DataFrame
    overrides: dict[str, dict[str, Any]]
    notes: list[str]
    settings: dict[str, Any]
    seconds: float


def _moves_text(moves: pd.DataFrame) -> str:
    kept = moves[moves["accepted"].astype(bool)] if not moves.empty else moves
    if kept.empty:
        return "不调整 / no move"
    parts = []
    for m in kept.to_dict("records"):
        src = RESOURCES[m["from"]][0] if m["from"] else "—"
        dst = RESOURCES[m["to"]][0] if m["to"] else "—"
        src_en = RESOURCES[m["from"]][1] if m["from"] else "—"
        dst_en = RESOURCES[m["to"]][1] if m["to"] else "—"
        parts.append(f"{src}→{dst} / {src_en}→{dst_en}")
    return "; ".join(parts)


def between_objectives(
    s: Scenario,
    *,
    objectives: Sequence[str] = tuple(SEARCH_OBJECTIVES),
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    step_yuan: float | None = None,
    rounds: int = 2,
    workers: int | None = None,
    placement: str = "rules",
    progress: Callable[[str], None] | None = None,
) -> ObjectiveFrontier:
    """The best plan for each of ``objectives`` at today's budget, and the table of them all
    simulated afresh (see the module docstring). The other settings are
    :func:`anjian.run.recommend`'s.

    Raises
    ------
    ValueError
        For no objective, an unknown or repeated one, or settings ``recommend`` refuses.
    """
    objs = list(objectives)
    if not objs:
        raise ValueError("give at least one objective")
    unknown = [o for o in objs if o not in SEARCH_OBJECTIVES]
    if unknown:
        raise ValueError(f"unknown objectives {unknown}: use {', '.join(SEARCH_OBJECTIVES)}")
    if len(set(objs)) != len(objs):
        raise ValueError(f"an objective is given twice: {objs}")
    with one_cluster(workers):
        return _between(s, objs, years, reps, seed, step_yuan, rounds, workers, placement,
                        progress)  # fmt: skip


def _between(
    s: Scenario,
    objs: list[str],
    years: float,
    reps: int,
    seed: int,
    step_yuan: float | None,
    rounds: int,
    workers: int | None,
    placement: str,
    progress: Callable[[str], None] | None,
) -> ObjectiveFrontier:
    from anjian.sim.stats import paired_difference

    t0 = time.perf_counter()
    tick = progress or (lambda _m: None)
    plans: list[tuple[list[str], dict[str, Any], str]] = []  # objectives, overrides, moves
    at_today: list[str] = []  # objectives whose search kept today's allocation
    notes: list[str] = []
    budget = step = None
    seconds: dict[str, float] = {}
    for o in objs:
        t1 = time.perf_counter()
        zh, en = OBJECTIVE_NAMES[o]
        run = recommend(
            s,
            years=years,
            reps=reps,
            seed=seed,
            step_yuan=step_yuan,
            rounds=rounds,
            workers=workers,
            progress=_prefixed(tick, zh),
            placement=placement,
            objective=o,
        )
        budget = run.settings["budget_yuan_per_year"]
        step = float(run.settings["step_yuan"])
        notes += [f"{zh} / {en}: {n}" for n in run.notes if "KN" in n or "round" in n.lower()]
        seconds[o] = time.perf_counter() - t1
        same = next((p for p in plans if p[1] == run.overrides), None)
        if not run.overrides:
            at_today.append(o)  # the search kept today's allocation
        elif same is not None:
            same[0].append(o)
        else:
            plans.append(([o], dict(run.overrides), _moves_text(run.moves)))
    assert budget is not None and step is not None
    fresh = seed + 2
    tick(f"新一组模拟 fresh replications (seed {fresh}): {len(plans) + 1} allocations")
    t1 = time.perf_counter()
    done = appraise_many(
        s,
        [{}] + [p[1] for p in plans],
        years=years,
        reps=reps,
        seed=fresh,
        budget=budget,
        workers=workers or default_workers(),
        progress=lambda i, n: tick(f"{i}/{n}"),
    )
    seconds["fresh_table"] = time.perf_counter() - t1
    today = done[0]
    tol = TOLERANCE_SHARE * step
    rows = []
    names = ["today"] + [p[0][0] for p in plans]
    for name, p, a in zip(names, [(at_today, {}, "现状 / today"), *plans], done, strict=True):
        harm = objective_tidy(a, "harm")
        hd = paired_difference(objective_tidy(today, "harm"), harm)
        hs = harm["value"].to_numpy(dtype=float)
        row: dict[str, Any] = {
            "point": name,
            "objectives": ";".join(p[0]),
            "moves": p[2],
            **{f"{r}_yuan_per_year": a.totals.by_resource[r] for r in RESOURCES},
            "total_yuan_per_year": a.totals.total,
            "within_budget": bool(a.totals.total <= budget + tol),
            "harm_deaths_per_year": float(hs.mean()),
            "harm_half_width": _half(hs),
            "harm_change": float(hd["mean"].iloc[0]),
            "harm_change_half_width": float(hd["half_width"].iloc[0]),
        }
        for k in KPI_COLUMNS:
            try:
                mine = objective_tidy(a, k)
                base = objective_tidy(today, k)
            except ValueError:
                row.update({k: np.nan, f"{k}_change": np.nan, f"{k}_change_half_width": np.nan})
                continue
            d = paired_difference(base, mine)
            row[k] = -float(mine["value"].mean())
            row[f"{k}_change"] = -float(d["mean"].iloc[0])
            row[f"{k}_change_half_width"] = float(d["half_width"].iloc[0])
        rows.append(row)
    df = pd.DataFrame(rows)
    df["pareto"] = False
    known = [k for k in KPI_COLUMNS if df[k].notna().all()]
    ok = df["within_budget"].to_numpy(dtype=bool)
    if ok.any():
        from anjian.frontier import pareto

        vals = np.column_stack(
            [df.loc[ok, "harm_deaths_per_year"].to_numpy(float)]
            + [-df.loc[ok, k].to_numpy(float) for k in known]
        )
        df.loc[ok, "pareto"] = pareto(vals)
    settings = {
        "scenario": s.meta.name,
        "objectives": objs,
        "years": years,
        "reps": reps,
        "search_seed": seed,
        "selection_seed": seed + 1,
        "table_seed": fresh,
        "step_yuan": step,
        "rounds": rounds,
        "placement": placement,
        "budget_yuan_per_year": budget,
        "cost_tolerance_yuan": tol,
        "seconds_by_stage": {k: round(v, 1) for k, v in seconds.items()},
    }
    return ObjectiveFrontier(
        df[COLUMNS].reset_index(drop=True),
        {n: p[1] for n, p in zip(names, [([], {}, ""), *plans], strict=True)},
        notes,
        settings,
        time.perf_counter() - t0,
    )


def _prefixed(tick: Callable[[str], None], prefix: str) -> Callable[[str], None]:
    def say(m: str) -> None:
        tick(f"{prefix} · {m}")

    return say


def _half(x: np.ndarray) -> float:
    from anjian.sim.stats import t_interval

    return float(t_interval(x)[1]) if len(x) > 1 else float("nan")


def write_objectives(f: ObjectiveFrontier, s: Scenario, out: Any) -> Any:
    """objectives.csv, objectives.json and objectives.html in folder ``out`` (created; each
    written to a temporary name and renamed); returns the HTML file's path."""
    import html
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from anjian.run_report import CSS, _table, write_page
    from anjian.store import code_version

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    tmp = out / ".objectives.csv.tmp"
    f.points.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(out / "objectives.csv")
    meta = {**f.settings, "code_version": code_version(), "created": created,
            "seconds": f.seconds, "notes": f.notes, "overrides": f.overrides}  # fmt: skip
    tmp = out / ".objectives.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(out / "objectives.json")
    table = f.points.assign(
        name=[point_label(str(p), str(o)) for p, o in zip(f.points["point"],
                                                          f.points["objectives"], strict=True)]
    )  # fmt: skip
    cols: dict[str, tuple[str, str]] = {
        "name": ("方案 plan", ""),
        "moves": ("调整 moves", ""),
        "total_yuan_per_year": ("合计 total (元/年 yuan a year)", ",.0f"),
        "harm_deaths_per_year": ("预期死亡 deaths a year", ",.2f"),
        "harm_change": ("较现状 vs today", "+,.2f"),
        "harm_change_half_width": ("± 95% CI", ",.2f"),
    }
    for k in KPI_COLUMNS:
        zh, en = KPI_NAMES[k]
        cols[k] = (f"{zh} {en}", ".1%")
        cols[f"{k}_change"] = ("较现状 vs today", "+.1%")
        cols[f"{k}_change_half_width"] = ("± 95% CI", ".1%")
    cols["pareto"] = ("帕累托最优 Pareto-optimal", "")
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>anjian objectives — {html.escape(s.meta.title_zh)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>目标之间的权衡 / Between objectives, at one budget</h1>",
        f"<p><b>{html.escape(s.meta.title_zh)} / {html.escape(s.meta.title_en)}</b>; 预算 "
        f"budget {f.settings['budget_yuan_per_year']:,.0f} 元/年 yuan a year; "
        f"{f.settings['years']:g} 年 years × {f.settings['reps']} 次 replications; seeds "
        f"{f.settings['search_seed']} / {f.settings['selection_seed']} / "
        f"{f.settings['table_seed']}; {html.escape(code_version())}; {created}</p>",
        "<p class='note'>每个目标各搜索一次（同一预算），所得方案在新一组模拟上与现状配对比较。"
        "帕累托最优：没有其他预算内方案在伤害和各项指标上都不差且至少一项更好。 / One search "
        "per objective (the same budget); the plans are compared, paired with today, on fresh "
        "replications. Pareto-optimal: no other plan within the budget is at least as good on "
        "harm and every KPI and better on one.</p>",
        _table(table, cols),
    ]
    return write_page(parts, f.notes, out, "objectives.html")


KPI_NAMES = {
    "within_standard_share": ("响应达标率", "within the standard"),
    "on_time_rate": ("按时检查率", "inspections on time"),
    "relief_fill_rate": ("物资满足率", "relief fill rate"),
}


def point_label(point: str, objectives: str = "") -> str:
    """现状 today, or the plan of its objectives (``;``-joined), in both languages; today's
    row names the objectives whose search kept it."""
    objs = [o for o in str(objectives).split(";") if o in OBJECTIVE_NAMES]
    if point != "today" and not objs:
        objs = [point]
    zh = "、".join(OBJECTIVE_NAMES[o][0] for o in objs)
    en = " and ".join(OBJECTIVE_NAMES[o][1] for o in objs)
    if point == "today":
        return f"现状 today（亦是{zh}的结果 / also the plan for {en}）" if objs else "现状 today"
    return f"{zh}的方案 plan for {en}"

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


def _moves_text(moves: pd.DataFrame, margins: pd.DataFrame) -> str:
    """The accepted moves, each with what it cut and bought (the margins' words)."""
    kept = moves[moves["accepted"].astype(bool)] if not moves.empty else moves
    if kept.empty:
        return "不调整 / no move"

    def what(rnd: int, r: str, direction: str) -> str:
        m = margins[(margins["round"] == rnd) & (margins["resource"] == r)
                    & (margins["direction"] == direction)]  # fmt: skip
        return f" ({m['what'].iloc[0]})" if len(m) else ""

    parts = []
    for m in kept.to_dict("records"):
        side = []
        for r, direction in ((m["from"], "less"), (m["to"], "more")):
            if r:
                zh, en = RESOURCES[r]
                side.append(f"{zh} {en}{what(int(m['round']), r, direction)}")
            else:
                side.append("—")
        parts.append(f"{side[0]} → {side[1]}")
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
    alpha: float = 0.05,
    delta: float | None = None,
    max_reps: int = 10,
) -> ObjectiveFrontier:
    """The best plan for each of ``objectives`` at today's budget, and the table of them all
    simulated afresh (see the module docstring). The other settings are
    :func:`anjian.run.recommend`'s (``delta`` in each objective's units: deaths a year for
    harm, a share for a KPI; default each objective's own).

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
                        progress, (alpha, delta, max_reps))  # fmt: skip


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
    kn: tuple[float, float | None, int] = (0.05, None, 10),
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
            alpha=kn[0],
            delta=kn[1],
            max_reps=kn[2],
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
            plans.append(([o], dict(run.overrides), _moves_text(run.moves, run.margins)))
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
            row[k] = 0.0 - float(mine["value"].mean())  # (0 − x: never a negative zero)
            row[f"{k}_change"] = 0.0 - float(d["mean"].iloc[0])
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
        "alpha": kn[0],
        "delta": kn[1],
        "max_reps": kn[2],
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
    rows = []
    for r in f.points.to_dict("records"):
        today = r["point"] == "today"
        row = {
            "name": point_label(str(r["point"]), str(r["objectives"])),
            "moves": r["moves"],
            "total": f"{r['total_yuan_per_year']:,.0f} 元",
            "harm": f"{r['harm_deaths_per_year']:,.2f}",
            "harm_change": "—"
            if today
            else f"{r['harm_change']:+,.2f} ± {r['harm_change_half_width']:,.2f}",
            "pareto": "是 yes" if r["pareto"] else "否 no",
        }
        for k in KPI_COLUMNS:
            v = float(r[k])
            row[k] = "—" if v != v else f"{v:.1%}"
            row[f"{k}_change"] = (
                "—"
                if today or v != v
                else f"{100 * r[k + '_change']:+,.1f} ± "
                f"{100 * r[k + '_change_half_width']:,.1f} 个百分点 pts"
            )
        rows.append(row)
    cols: dict[str, tuple[str, str]] = {
        "name": ("方案 plan", ""),
        "moves": ("调整 moves", ""),
        "total": ("合计 total (元/年 yuan a year)", ""),
        "harm": ("预期死亡 deaths a year", ""),
        "harm_change": ("较现状 vs today (± 95% CI)", ""),
    }
    for k in KPI_COLUMNS:
        zh, en = KPI_NAMES[k]
        cols[k] = (f"{zh} {en}", "")
        cols[f"{k}_change"] = ("较现状 vs today (± 95% CI)", "")
    cols["pareto"] = ("帕累托最优 Pareto-optimal", "")
    st = f.settings
    from anjian.placement import PLACEMENTS

    delta_text = (
        "各目标默认 each objective's default" if st["delta"] is None else f"{st['delta']:g}"
    )

    settings = pd.DataFrame(
        [
            {"k": "预算 / budget", "v": f"{st['budget_yuan_per_year']:,.0f} 元/年 yuan a year"},
            {"k": "步长 / step", "v": f"{st['step_yuan']:,.0f} 元/年 yuan a year"},
            {"k": "每次搜索的轮数上限 / rounds per search", "v": str(st["rounds"])},
            {"k": "每步资金的布置 / placement", "v": " / ".join(PLACEMENTS[st["placement"]])},
            {"k": "模拟 / simulation",
             "v": f"{st['years']:g} 年 years × {st['reps']} 次 replications"},
            {"k": "随机种子 / seeds",
             "v": f"搜索 search {st['search_seed']}, 选择 selection {st['selection_seed']}, "
                  f"比较表 table {st['table_seed']}"},
            {"k": "排序与选择 / ranking and selection (KN)",
             "v": f"α = {st['alpha']:g}, δ = {delta_text}, ≤ {st['max_reps']} 次 reps"},
            {"k": "代码版本 / code version", "v": code_version()},
            {"k": "生成时间 / created", "v": created},
            {"k": "用时 / took", "v": f"{f.seconds:,.0f} 秒 s"},
        ]
    )  # fmt: skip
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>anjian objectives — {html.escape(s.meta.title_zh)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>目标之间的权衡 / Between objectives, at one budget</h1>",
        f"<p><b>{html.escape(s.meta.title_zh)} / {html.escape(s.meta.title_en)}</b> "
        f"({html.escape(s.meta.name)})</p>",
        "<p class='note'>每个目标各搜索一次（同一预算），所得方案在新一组模拟上与现状配对比较。"
        "帕累托最优：没有其他预算内方案在伤害和各项指标上都不差且至少一项更好。 / One search "
        "per objective (the same budget); the plans are compared, paired with today, on fresh "
        "replications. Pareto-optimal: no other plan within the budget is at least as good on "
        "harm and every KPI and better on one.</p>",
        "<h2>设置 / Settings</h2>",
        _table(settings, {"k": ("项目 / item", ""), "v": ("值 / value", "")}),
        "<h2>方案 / The plans</h2>",
        _table(pd.DataFrame(rows), cols),
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

"""CLI of the cost model and the harm measure: ``anjian costs`` (through :mod:`anjian.budget`).
A thin layer: no model logic here."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from anjian.scenarios import ScenarioError
from anjian.scenarios.scenario import Scenario

from .cli_optimize import _error, with_spinner
from .cli_paths import writable_dir, writable_file

BASIS = {"fixed": "固定 fixed", "simulated": "模拟 simulated", "one_time": "一次性 one-time"}


def _yuan(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:,.2f} 元" if abs(v) < 100 and abs(v - round(v)) > 1e-9 else f"{v:,.0f} 元"


def _number(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 or abs(v) >= 100 else f"{v:,.1f}"


def _scenario(ref: str) -> Scenario:
    """The scenario, or exit 1 with its problems listed."""
    from anjian.scenarios import load_scenario

    try:
        return load_scenario(ref)
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {ref}")
        raise  # _error exits; never reached


def _check_out(out: Path | None) -> None:
    """Exit 2 before any work unless ``out`` is a folder that can be written (created)."""
    if out is not None:
        writable_dir(out)


def _margins_or_exit(*args: Any, **kwargs: Any) -> Any:
    """:func:`anjian.budget.marginal_values`, or exit 1 with its reason."""
    from anjian.budget import marginal_values

    try:
        return marginal_values(*args, **kwargs)
    except ValueError as exc:
        _error(exc, "No margins")


def _place_or_exit(place: str) -> None:
    """Exit with code 2 and the choices for an unknown ``--place``."""
    from anjian.placement import PLACEMENTS

    if place not in PLACEMENTS:
        Console(markup=False, emoji=False, stderr=True).print(
            f"--place must be one of {', '.join(PLACEMENTS)}, got {place!r}", highlight=False
        )
        raise typer.Exit(code=2)


def _per10k(v: float) -> str:
    return "—" if not math.isfinite(v) else ("0" if v == 0 else f"{v:+,.5f}")


def costs_cmd(
    scenario: str = typer.Argument(..., help="A built-in scenario name, folder or scenario.toml."),
    simulate: bool = typer.Option(
        True,
        "--simulate/--no-simulate",
        help="Simulate both models to price the work-dependent items and weigh the harm.",
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(3, "--reps", min=2, max=1000, help="Replications (≥ 2 for a CI)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    margins: float = typer.Option(
        0.0,
        "--margins",
        min=0.0,
        help="Also simulate what this many yuan a year more buys in each resource "
        "(e.g. 10000000), paired with today; 0: skip.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write the cost sheet and the harm table here (CSV files)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """What the scenario's allocation costs a year, item by item (salaries, kits, third-party
    fees, vehicles, fees per call, stock upkeep and replacement) against its budget, and the
    harm it leaves (expected deaths a year: accidents, response delay, late relief)."""
    from anjian.budget import (
        RESOURCES,
        appraise,
        budget_yuan_per_year,
        cost_sheet,
        totals,
    )

    err = Console(markup=False, emoji=False, stderr=True)
    s = _scenario(scenario)
    _check_out(out)
    harm = margin = None
    if margins > 0 and not simulate:
        err.print("--margins needs the simulation: drop --no-simulate")
        raise typer.Exit(code=2)
    if simulate:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("模拟 simulating", total=2 * reps)
            done = {"n": 0}

            def tick(_i: int, _total: int) -> None:
                done["n"] += 1
                bar.update(task, completed=done["n"])

            a = appraise(s, years=years, reps=reps, seed=seed, progress=tick)
            if margins > 0:
                bar.update(task, description="边际 margins", total=2 * reps * 4)
                margin = _margins_or_exit(
                    s,
                    step_yuan=margins,
                    base=a,
                    progress=lambda m: err.print(f"… {m}", style="dim", highlight=False),
                )
        sheet, tot, money, harm = a.sheet, a.totals, a.budget, a.harm_table()
    else:
        sheet = cost_sheet(s)
        tot = totals(sheet)
        money = budget_yuan_per_year(s, tot.total)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        sheet.to_csv(out / "cost_sheet.csv", index=False, encoding="utf-8-sig")
        if harm is not None:
            harm.to_csv(out / "harm.csv", index=False, encoding="utf-8-sig")
        if margin is not None:
            margin.to_csv(out / "margins.csv", index=False, encoding="utf-8-sig")
    if as_json:
        doc = {
            "scenario": s.meta.name,
            "budget_yuan_per_year": money,
            "total_yuan_per_year": tot.total,
            "complete": tot.complete,
            "by_resource_yuan_per_year": tot.by_resource,
            "one_time_yuan": tot.one_time,
            "items": json.loads(sheet.to_json(orient="records")),
            "harm": None if harm is None else json.loads(harm.to_json(orient="records")),
            "margins": None if margin is None else json.loads(margin.to_json(orient="records")),
            "settings": {"years": years, "reps": reps, "seed": seed} if simulate else None,
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"{s.meta.title_zh} / {s.meta.title_en}: 年度成本 / yearly cost")
    for col, right in (
        ("资源 / resource", False),
        ("项目 / item", False),
        ("类别 / kind", False),
        ("依据 / basis", False),
        ("数量 / quantity", True),
        ("单价 / unit cost", True),
        ("元/年 / yuan a year", True),
    ):
        table.add_column(col, justify="right" if right else "left")
    from anjian.budget import ITEMS

    for r in sheet.to_dict("records"):
        zh, en = RESOURCES[str(r["resource"])]
        iz, ie = ITEMS[str(r["item"])]
        kind = "" if r["key"] == "all" else f"{r['name_zh']} {r['name_en']}"
        table.add_row(
            f"{zh} {en}",
            f"{iz} {ie}",
            kind,
            BASIS[str(r["basis"])],
            _number(float(r["quantity"])),
            _yuan(float(r["unit_cost_yuan"])),
            _yuan(float(r["yuan_per_year"])),
        )
    console.print(table)
    summary = Table(title="合计 / totals")
    summary.add_column("")
    summary.add_column("元/年 / yuan a year", justify="right")
    for key, (zh, en) in RESOURCES.items():
        summary.add_row(f"{zh} / {en}", _yuan(tot.by_resource[key]))
    summary.add_row(
        "合计 / total"
        + ("" if tot.complete else " (不含未模拟项 / without the unsimulated items)"),
        _yuan(tot.total),
    )
    basis = (
        "场景设定 set by the scenario"
        if s.budget.total_yuan_per_year is not None
        else "= 现状成本 today's cost"
    )
    summary.add_row(f"预算 / budget ({basis})", _yuan(money))
    gap = money - tot.total
    summary.add_row(
        "预算余额 / budget left" if gap >= 0 else "超出预算 / over budget", _yuan(abs(gap))
    )
    console.print(summary)
    if harm is not None:
        h = Table(
            title=f"伤害 / harm ({years:g} 年 years × {reps} 次 replications, seed {seed}; "
            "均值 ± 95% 置信区间半宽 / mean ± 95% CI half-width)"
        )
        h.add_column("")
        h.add_column("预期死亡/年 / expected deaths a year", justify="right")
        h.add_column("± 95% CI", justify="right")
        for r in harm.to_dict("records"):
            mean, half = float(r["mean"]), float(r["half_width"])
            h.add_row(
                f"{r['name_zh']} / {r['name_en']}",
                "—" if not math.isfinite(mean) else f"{mean:,.2f}",
                "" if not math.isfinite(half) else f"{half:,.2f}",
            )
        console.print(h)
    if margin is not None:
        m = Table(
            title=f"每年多投入 {margins:,.0f} 元能买到什么 / what {margins:,.0f} yuan a year "
            "more buys (与现状配对 paired with today)"
        )
        for col in (
            "资源 / resource",
            "购买内容 / bought",
            "实际增加 / added (元/年 yuan a year)",
            "伤害变化 / harm change (死亡/年 deaths a year)",
            "每万元减少死亡 / deaths averted per 10,000 yuan",
            "显著 / significant",
        ):
            m.add_column(col)
        for r in margin.to_dict("records"):
            m.add_row(
                f"{r['name_zh']} / {r['name_en']}",
                str(r["bought"]),
                _yuan(float(r["added_yuan_per_year"])),
                f"{float(r['harm_change']):+,.2f} ± {float(r['harm_change_half_width']):,.2f}",
                _per10k(float(r["deaths_averted_per_10k_yuan"])),
                "是 yes" if r["significant"] else "否 no (CI 含 0 contains 0)",
            )
        console.print(m)


def run_cmd(
    scenario: str = typer.Argument(
        "chongqing", help="A built-in scenario name, folder or scenario.toml (default: Chongqing)."
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(
        3, "--reps", min=2, max=1000, help="Replications of every allocation."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the search (the comparison: +1)."),
    step: float | None = typer.Option(
        None, "--step", min=1.0, help="Yuan a year moved per step (default: 0.3% of the budget)."
    ),
    rounds: int = typer.Option(2, "--rounds", min=0, help="Moves tried at most."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for a round's variants (default: one per core)."
    ),
    alpha: float = typer.Option(
        0.05, "--alpha", help="1 − the probability of correct selection among the candidates."
    ),
    delta: float | None = typer.Option(
        None,
        "--delta",
        help="Indifference zone, deaths a year (default: 1% of today's harm).",
    ),
    max_reps: int = typer.Option(
        10, "--max-reps", min=2, help="Replications per candidate at most in the selection."
    ),
    place: str = typer.Option(
        "rules",
        "--place",
        help="Where a step's money goes: rules (in proportion to today's) or optimizers (heads "
        "by the headcount optimizer's district curves, vehicles by expected response time; "
        "minutes more the first time, the curves are cached).",
    ),
    out: Path = typer.Option(Path("results/run"), "--out", help="Folder for the report."),
) -> None:
    """The main job: simulate today's allocation, find a better one for the same budget
    (money moved between inspectors, vehicles and relief stocks, every step judged by the
    simulator), simulate it afresh, print the comparison and write an HTML report (中文 and
    English) with its tables into OUT."""

    from anjian.run import recommend
    from anjian.run_report import write_report

    _place_or_exit(place)
    _check_out(out)
    s = _scenario(scenario)
    try:
        result = with_spinner(
            "anjian run",
            lambda tick: recommend(
                s,
                years=years,
                reps=reps,
                seed=seed,
                step_yuan=step,
                rounds=rounds,
                workers=workers,
                progress=tick,
                alpha=alpha,
                delta=delta,
                max_reps=max_reps,
                placement=place,
            ),
        )
    except ValueError as exc:
        _error(exc, "No run")
        return
    path = write_report(result, out)
    console = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)
    head = f"{s.meta.title_zh} / {s.meta.title_en}"
    costs = Table(title=f"{head}: 年度成本 / yearly cost (元 yuan)")
    for col in ("资源 / resource", "现状 / today", "方案 / plan", "变化 / change"):
        costs.add_column(col, justify="left" if col.startswith("资源") else "right")
    for r in result.cost_table().to_dict("records"):
        costs.add_row(
            f"{r['name_zh']} / {r['name_en']}",
            _yuan(float(r["today"])),
            _yuan(float(r["plan"])),
            f"{float(r['change']):+,.0f} 元",
        )
    console.print(costs)
    harm = Table(
        title="伤害 / harm (预期死亡/年 expected deaths a year; 方案 − 现状 配对, "
        "新一组模拟 / plan − today, paired, on fresh replications)"
    )
    for col in ("", "现状 / today", "方案 / plan", "变化 / change", "± 95% CI"):
        harm.add_column(col, justify="right" if col else "left")
    for r in result.harm_diff().to_dict("records"):
        harm.add_row(
            f"{r['name_zh']} / {r['name_en']}",
            f"{float(r['today']):,.2f}",
            f"{float(r['plan']):,.2f}",
            f"{float(r['change']):+,.2f}",
            f"{float(r['half_width']):,.2f}",
        )
    console.print(harm)
    kp = Table(title="运行指标 / operational KPIs (方案 − 现状 配对 / plan − today, paired)")
    for col in ("", "现状 / today", "方案 / plan", "变化 ± 95% CI / change ± 95% CI"):
        kp.add_column(col, justify="right" if col else "left")
    for r in result.kpi_diff().to_dict("records"):
        kp.add_row(
            f"{r['name_zh']} / {r['name_en']}",
            str(r["today_text"]),
            str(r["plan_text"]),
            str(r["change_text"]),
        )
    console.print(kp)
    from anjian.budget import RESOURCES

    for m in result.moves.to_dict("records"):
        src = " / ".join(RESOURCES[m["from"]]) if m["from"] else "—"
        dst = " / ".join(RESOURCES[m["to"]]) if m["to"] else "—"
        verdict = "采纳 accepted" if m["accepted"] else "未采纳 rejected"
        console.print(
            f"第 {m['round']} 轮 round {m['round']}: {src} → {dst}, "
            f"{float(m['yuan_per_year']):+,.0f} 元/年 yuan a year, harm "
            f"{float(m['harm_change']):+,.2f} ± {float(m['half_width']):,.2f} — {verdict}",
            highlight=False,
        )
    for note in result.notes:
        console.print(note, highlight=False)
    console.print(f"报告 / report: {path} ({result.seconds:,.0f} 秒 s)", highlight=False)


def frontier_cmd(
    scenario: str = typer.Argument(
        "chongqing", help="A built-in scenario name, folder or scenario.toml (default: Chongqing)."
    ),
    up: int = typer.Option(4, "--up", min=0, help="Steps of more budget at most."),
    down: int = typer.Option(4, "--down", min=0, help="Steps of less budget at most."),
    start: str = typer.Option(
        "plan",
        "--from",
        help="Where the walk starts: plan (the best allocation for today's budget, as "
        "`anjian run` finds it) or today (today's allocation as it is).",
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(
        3, "--reps", min=2, max=1000, help="Replications of every allocation."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the search."),
    step: float | None = typer.Option(
        None, "--step", min=1.0, help="Yuan a year per step (default: 0.3% of the budget)."
    ),
    rounds: int = typer.Option(2, "--rounds", min=0, help="Moves tried for the plan at most."),
    place: str = typer.Option("rules", "--place", help="rules or optimizers (as anjian run)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for the variants (default: one per core)."
    ),
    out: Path = typer.Option(Path("results/frontier"), "--out", help="Folder for the files."),
) -> None:
    """Harm against cost over budget levels: from the best allocation for today's budget,
    the budget is walked up (best purchase per yuan) and down (least harmful cut per yuan),
    every point simulated afresh; prints the table and writes frontier.csv/.json/.png/.html
    into OUT (中文 and English)."""

    from anjian.frontier import STARTS, frontier
    from anjian.frontier_report import point_name, write_frontier

    err = Console(markup=False, emoji=False, stderr=True)
    if start not in STARTS:
        err.print(
            f"--from {start!r} is not a start: use one of {', '.join(STARTS)}", highlight=False
        )
        raise typer.Exit(code=2)
    if up + down == 0:
        err.print("--up and --down are both 0: ask for at least one step", highlight=False)
        raise typer.Exit(code=2)

    _place_or_exit(place)
    _check_out(out)
    s = _scenario(scenario)
    try:
        result = with_spinner(
            "anjian frontier",
            lambda tick: frontier(
                s,
                up=up,
                down=down,
                step_yuan=step,
                years=years,
                reps=reps,
                seed=seed,
                workers=workers,
                start=start,
                rounds=rounds,
                progress=tick,
                placement=place,
            ),
        )
    except ValueError as exc:
        _error(exc, "No frontier")
        return
    path = write_frontier(result, s, out)
    console = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 200)
    t = Table(
        title=f"{s.meta.title_zh} / {s.meta.title_en}: 预算前沿 / the frontier "
        "(预期死亡/年 expected deaths a year, 新一组模拟 on fresh replications)"
    )
    cols = (
        "点 / point",
        "这一步 / the step",
        "监察员 / inspectors",
        "车辆 / vehicles",
        "物资 / stocks",
        "合计 / total",
        "伤害 / harm ± 95% CI",
        "较现状 / vs today",
        "非支配 / non-dominated",
        "前沿 / frontier",
    )
    for c in cols:
        t.add_column(c, justify="left" if c.startswith(("点", "这一步")) else "right")
    for r in result.points.to_dict("records"):
        step_text = str(r["move"])
        if r["point"] not in ("today", "plan"):
            step_text += "" if r["significant"] else " (不显著 n.s.)"
        t.add_row(
            point_name(str(r["point"])),
            step_text,
            _yuan(float(r["inspectors_yuan_per_year"])),
            _yuan(float(r["vehicles_yuan_per_year"])),
            _yuan(float(r["stocks_yuan_per_year"])),
            _yuan(float(r["total_yuan_per_year"])),
            f"{float(r['harm_deaths_per_year']):,.2f} ± {float(r['half_width']):,.2f}",
            "—"
            if r["point"] == "today"
            else f"{float(r['change_vs_today']):+,.2f} ± {float(r['change_half_width']):,.2f}",
            "是 yes" if r["non_dominated"] else "否 no",
            f"{float(r['frontier_deaths_per_year']):,.2f}",
        )
    console.print(t)
    for note in result.notes:
        console.print(note, highlight=False)
    console.print(f"前沿 / frontier: {path} ({result.seconds:,.0f} 秒 s)", highlight=False)


def _plan_overrides(path: Path, scenario: Scenario) -> dict[str, Any]:
    """The overrides in a run's ``run.json`` (exit 2 with the reason if it is not one, or is
    of another scenario)."""
    err = Console(markup=False, emoji=False, stderr=True)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        err.print(
            f"--plan {path}: not a readable run.json ({type(exc).__name__})",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from None
    over = meta.get("overrides") if isinstance(meta, dict) else None
    if not isinstance(over, dict):
        err.print(
            f"--plan {path}: no 'overrides' object (write it with anjian run)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    if meta.get("scenario") not in (None, scenario.meta.name):
        err.print(
            f"--plan {path} is a run of {meta.get('scenario')!r}, not of {scenario.meta.name!r}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    return over


def margins_cmd(
    scenario: str = typer.Argument(
        "chongqing", help="A built-in scenario name, folder or scenario.toml (default: Chongqing)."
    ),
    plan: Path | None = typer.Option(
        None, "--plan", help="A run's run.json: the margins at its plan (default: today's)."
    ),
    resource: str = typer.Option(
        "vehicles",
        "--resource",
        help="What to add in each district: vehicles (one), inspectors (--heads of each paid "
        "kind) or stocks (--yuan a year).",
    ),
    role: str = typer.Option("rescue", "--role", help="Vehicle role to add one of."),
    heads: int = typer.Option(1, "--heads", min=1, help="Inspectors added per district and kind."),
    yuan: float = typer.Option(
        100_000.0, "--yuan", help="Yuan a year of stock added in each district's warehouses."
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(3, "--reps", min=2, max=1000, help="Replications (≥ 2 for a CI)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for the districts (default: one per core)."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the table as CSV here."),
) -> None:
    """What one more vehicle (or inspector, or stock) buys in each district, simulated with
    common random numbers against the allocation (today's, or a run's plan with --plan): the
    paired change in expected deaths a year and deaths averted per 10,000 yuan."""

    from anjian.district_margins import BY_RESOURCE, margins_by_district

    err = Console(markup=False, emoji=False, stderr=True)
    if resource not in BY_RESOURCE:
        err.print(
            f"--resource must be one of {', '.join(BY_RESOURCE)}, got {resource!r}",
            highlight=False,
        )
        raise typer.Exit(code=2)
    if resource == "stocks" and not (math.isfinite(yuan) and yuan > 0):
        err.print(
            f"--yuan must be a positive number of yuan a year (e.g. 100000), got {yuan}",
            highlight=False,
        )
        raise typer.Exit(code=2)
    by_resource: dict[str, dict[str, Any]] = {
        "vehicles": {"role": role},
        "inspectors": {"heads": heads},
        "stocks": {"yuan": yuan},
    }
    extra = by_resource[resource]
    if out is not None:
        writable_file(out)
    s = _scenario(scenario)
    if plan is not None:
        try:
            s = s.with_(_plan_overrides(plan, s))
        except ScenarioError as exc:
            _error(exc, f"The plan in {plan} does not apply to {scenario}")
            return
    try:
        df = with_spinner(
            "anjian margins",
            lambda tick: margins_by_district(
                s,
                resource,
                **extra,
                years=years,
                reps=reps,
                seed=seed,
                workers=workers,
                progress=tick,
            ),
        )
    except ValueError as exc:
        _error(exc, "No margins")
        return
    console = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)
    where = "方案 the plan" if plan is not None else "现状 today"
    added = {
        "vehicles": "每区县多一辆车 / one more vehicle per district",
        "inspectors": f"每区县每类多 {heads} 人 / {heads} more inspector(s) per district and kind",
        "stocks": f"每区县多 {yuan:,.0f} 元/年物资 / {yuan:,.0f} yuan a year more stock per "
        "district",
    }[resource]
    t = Table(
        title=f"{s.meta.title_zh} / {s.meta.title_en}: {added} "
        f"({where}; 预期死亡/年 expected deaths a year, 配对 paired)"
    )
    for col in (
        "区县 / district",
        "增加 / added",
        "年度成本 / yearly cost",
        "伤害变化 ± 95% CI / harm change",
        "每万元避免死亡 / deaths averted per 10,000 yuan",
    ):
        t.add_column(col, justify="left" if col.startswith(("区县", "增加")) else "right")
    for r in df.to_dict("records"):
        t.add_row(
            f"{r['name_zh']} {r['name_pinyin']}",
            str(r["what"]),
            _yuan(float(r["added_yuan_per_year"])),
            f"{float(r['harm_change']):+,.3f} ± {float(r['half_width']):,.3f}"
            + ("" if r["significant"] else " (不显著 n.s.)"),
            "省钱 saves money" + (" · 减伤 and lives" if float(r["harm_change"]) < 0 else "")
            if r["saves_money"]
            else _per10k(float(r["deaths_averted_per_10k_yuan"])),
        )
    console.print(t, markup=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out)
        console.print(f"表 / table: {out}", highlight=False)


def objectives_cmd(
    scenario: str = typer.Argument(
        "chongqing", help="A built-in scenario name, folder or scenario.toml (default: Chongqing)."
    ),
    objectives: str = typer.Option(
        "harm,within_standard_share,on_time_rate,relief_fill_rate",
        "--objectives",
        help="Comma-separated: harm, within_standard_share, on_time_rate, relief_fill_rate.",
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(
        3, "--reps", min=2, max=1000, help="Replications of every allocation."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the searches (the table: +2)."),
    step: float | None = typer.Option(
        None, "--step", min=1.0, help="Yuan a year per step (default: 0.3% of the budget)."
    ),
    rounds: int = typer.Option(2, "--rounds", min=0, help="Moves tried per search at most."),
    place: str = typer.Option("rules", "--place", help="rules or optimizers (as anjian run)."),
    alpha: float = typer.Option(
        0.05, "--alpha", help="1 − the probability of correct selection in each search."
    ),
    delta: float | None = typer.Option(
        None,
        "--delta",
        help="Indifference zone in the objective's units (deaths a year; a share for a KPI). "
        "Default: 1% of today's harm, half a percentage point of a KPI.",
    ),
    max_reps: int = typer.Option(
        10, "--max-reps", min=2, help="Replications per candidate at most in each selection."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for the variants (default: one per core)."
    ),
    out: Path = typer.Option(Path("results/objectives"), "--out", help="Folder for the files."),
) -> None:
    """Between objectives at one budget: the best plan for each objective (least harm, most
    responses within the standard, most inspections on time, most relief met from stock),
    all simulated afresh with today; prints which are Pareto-optimal and what each costs the
    others, and writes objectives.csv/.json/.html into OUT."""
    from anjian.budget import SEARCH_OBJECTIVES
    from anjian.objectives import (
        KPI_COLUMNS,
        KPI_NAMES,
        between_objectives,
        point_label,
        write_objectives,
    )

    err = Console(markup=False, emoji=False, stderr=True)
    objs = [o.strip() for o in objectives.split(",") if o.strip()]
    bad = [o for o in objs if o not in SEARCH_OBJECTIVES]
    twice = sorted({o for o in objs if objs.count(o) > 1})
    if not objs or bad or twice:
        if not objs:
            zh, en = "未给出目标", "no objective given"
        elif bad:
            zh, en = f"未知目标 {', '.join(bad)}", f"unknown {', '.join(bad)}"
        else:
            zh, en = f"目标重复 {', '.join(twice)}", f"given twice: {', '.join(twice)}"
        err.print(
            f"--objectives：{zh} / {en}。可选 / use some of: {', '.join(SEARCH_OBJECTIVES)}",
            highlight=False,
        )
        raise typer.Exit(code=2)
    _place_or_exit(place)
    _check_out(out)
    s = _scenario(scenario)
    try:
        result = with_spinner(
            "anjian objectives",
            lambda tick: between_objectives(
                s,
                objectives=objs,
                years=years,
                reps=reps,
                seed=seed,
                step_yuan=step,
                rounds=rounds,
                workers=workers,
                placement=place,
                progress=tick,
                alpha=alpha,
                delta=delta,
                max_reps=max_reps,
            ),
        )
    except ValueError as exc:
        _error(exc, "No comparison of objectives")
        return
    path = write_objectives(result, s, out)
    console = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    t = Table(
        title=f"{s.meta.title_zh} / {s.meta.title_en}: 目标之间 / between objectives "
        "(新一组模拟，较现状配对 / fresh replications, paired with today)"
    )
    t.add_column("方案 / plan")
    t.add_column("合计 / total", justify="right")
    t.add_column("伤害 / harm (较现状 vs today)", justify="right")
    for k in KPI_COLUMNS:
        zh, en = KPI_NAMES[k]
        t.add_column(f"{zh} / {en}", justify="right")
    t.add_column("帕累托 / Pareto", justify="right")
    for r in result.points.to_dict("records"):
        cells = [
            point_label(str(r["point"]), str(r["objectives"])),
            _yuan(float(r["total_yuan_per_year"])),
            f"{float(r['harm_deaths_per_year']):,.2f}"
            + (
                ""
                if r["point"] == "today"
                else f" ({float(r['harm_change']):+,.2f} ± "
                f"{float(r['harm_change_half_width']):,.2f})"
            ),
        ]
        for k in KPI_COLUMNS:
            v = float(r[k])
            cells.append(
                "—"
                if v != v
                else f"{v:.1%}"
                if r["point"] == "today"
                else f"{v:.1%} ({100 * float(r[k + '_change']):+,.1f} ± "
                f"{100 * float(r[k + '_change_half_width']):,.1f} pts)"
            )
        cells.append("是 yes" if r["pareto"] else "否 no")
        t.add_row(*cells)
    console.print(t)
    for note in result.notes:
        console.print(note, highlight=False)
    console.print(f"报告 / report: {path} ({result.seconds:,.0f} 秒 s)", highlight=False)

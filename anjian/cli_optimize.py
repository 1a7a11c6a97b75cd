"""CLI of the location optimizer: ``anjian optimize vehicles`` (on a scenario, through
:mod:`anjian.plans`) and ``anjian locate`` (on a researcher's matrix or an OR-Library file).
A thin layer: no model logic here."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from anjian.optimize import api
from anjian.optimize.errors import OptimizeError, SolverFailed
from anjian.optimize.plan import LocationPlan
from anjian.scenarios import ScenarioError

from .cli_paths import writable_dir, writable_file
from .kpis import kpi
from .plans import optimize_vehicles

R = TypeVar("R")

optimize_app = typer.Typer(
    help="Place vehicles and depots with the location models.", no_args_is_help=True
)


# Typer choices from the optimizer's one list of models (``mexclp_hypercube`` is spelled
# ``mexclp-hypercube`` on the command line)
Model = StrEnum("Model", {m: m.replace("_", "-") for m in api.MODELS})  # type: ignore[misc]
LocateModel = StrEnum("LocateModel", {m: m for m in api.LOCATE_MODELS})  # type: ignore[misc]


def _error(exc: Exception, what: str) -> None:
    err = Console(
        markup=False, emoji=False, stderr=True, width=None if sys.stderr.isatty() else 220
    )
    err.print(what, style="bold red", markup=False, highlight=False)
    problems = getattr(exc, "problems", None) or [str(exc)]
    for line in problems:
        err.print(f"  • {line}", markup=False, highlight=False)
    if isinstance(exc, SolverFailed) and "time limit" in str(exc):
        err.print(
            "  提示：用 --time-limit 给求解器更多秒数 / hint: give the solver more seconds with "
            "--time-limit",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(code=1)


def with_spinner(label: str, work: Callable[[Callable[[str], None]], R]) -> R:
    """``work(tick)`` under a transient spinner on stderr; ``tick(message)`` updates its text
    (the first 90 characters)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(markup=False, emoji=False, stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        return work(lambda m: bar.update(task, description=m[:90]))


#: Bilingual labels and units of the lines printed after a plan.
EXTRA_LABELS = {
    "scenario": ("情景 / scenario", ""),
    "spend_yuan_per_year": ("年度费用（固定+按次） / yearly cost (fixed + per use)", "元 yuan"),
    "fixed_cost_yuan_per_year": ("其中固定费用 / of which fixed", "元 yuan"),
    "use_fees_yuan_per_year": (
        "其中按次费用（预计） / of which per-use fees (expected)",
        "元 yuan",
    ),
}


def _print_plan(plan: LocationPlan, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    data = plan.to_dict()
    if extra:
        data.update(extra)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=_jsonable))
        return
    c = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    gap = plan.gap
    c.print(f"{plan.model}: {plan.status}", highlight=False)
    c.print(
        f"  目标值 / objective {plan.objective:,.6g}   界 / bound {plan.bound:,.6g}   "
        f"差距 / gap {gap:.4%}"
        if math.isfinite(gap)
        else "",
        highlight=False,
    )
    c.print(
        f"  {len(plan.open_sites)} sites, {sum(plan.counts.values())} vehicles/facilities, "
        f"{plan.solve_seconds:.2f} s, {plan.iterations} solve(s)",
        highlight=False,
    )
    shown = ", ".join(f"{s}×{n}" if n > 1 else s for s, n in list(plan.counts.items())[:30])
    c.print(f"  open: {shown}{' …' if len(plan.counts) > 30 else ''}", highlight=False)
    for note in plan.notes:
        c.print(f"  note: {note}", highlight=False)
    if extra:
        for k, v in extra.items():
            if k == "verification":
                continue
            zh_en, unit = EXTRA_LABELS.get(k, (k, ""))
            text = f"{v:,.0f} {unit}" if isinstance(v, float) else str(v)
            c.print(f"  {zh_en}: {text}", highlight=False)
        ver = extra.get("verification")
        if ver:
            t = Table(
                title="仿真验证：现状 vs 方案（配对，95% 置信区间） / simulated: today vs plan"
            )
            for col in ("指标 / KPI", "现状 today", "方案 plan", "差 difference", "± 95% CI"):
                t.add_column(col)
            for name, row in ver.items():
                entry = kpi(name, "response")
                t.add_row(
                    entry.bilingual(),
                    entry.format(row["baseline"]),
                    entry.format(row["plan"]),
                    entry.format(row["difference"], signed=True),
                    entry.format(row["half_width"]),
                )
            c.print(t)


def _jsonable(o: object) -> object:
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


@optimize_app.command("vehicles")
def vehicles_cmd(
    scenario: str = typer.Argument(..., help="A built-in scenario name, folder or scenario.toml."),
    model: Model = typer.Option(Model["mclp"], "--model", help="Location model."),
    vehicles: int | None = typer.Option(
        None, "--vehicles", "-k", help="Vehicles to place (all models but lscp)."
    ),
    standard_min: float | None = typer.Option(
        None, "--standard-min", help="One response standard (min) instead of the region targets."
    ),
    budget: float | None = typer.Option(
        None,
        "--budget",
        help="Yearly budget for the vehicles' fixed cost, yuan (per-use fees reported beside).",
    ),
    time_limit: float = typer.Option(
        60.0, "--time-limit", min=0.1, max=86_400.0, help="Solver time limit, seconds."
    ),
    resolution: str | None = typer.Option(
        None,
        "--resolution",
        help="Demand points: district, township (1,031 points) or grid (~1,000 cells).",
    ),
    role: str = typer.Option("rescue", "--role", help="Vehicle role to place."),
    kinds: str | None = typer.Option(None, "--kinds", help="Comma-separated vehicle kinds."),
    busy_fraction: float | None = typer.Option(
        None, "--busy-fraction", help="MEXCLP busy probability (default: estimated)."
    ),
    max_relocations: int | None = typer.Option(
        None, "--max-relocations", help="At most this many vehicle places outside today's."
    ),
    keep_existing: bool = typer.Option(
        False, "--keep-existing", help="Today's vehicle places stay open."
    ),
    min_coverage: float | None = typer.Option(
        None, "--min-coverage", help="Equity: least covered share (0–1) in every group."
    ),
    equity_by: str = typer.Option("district", "--equity-by", help="district or region."),
    verify: int = typer.Option(
        0, "--verify", min=0, max=1000, help="Simulate the plan with this many replications."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the plan as JSON here."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Place a scenario's vehicles (dedicated / contracted) with a location model."""
    if out is not None:
        writable_file(out)
    try:
        result = optimize_vehicles(
            scenario,
            model=model.value.replace("-", "_"),
            vehicles=vehicles,
            standard_min=standard_min,
            budget_yuan=budget,
            time_limit_s=time_limit,
            resolution=resolution,
            role=role,
            kinds=list(dict.fromkeys(k.strip() for k in kinds.split(","))) if kinds else None,
            busy_fraction=busy_fraction,
            max_relocations=max_relocations,
            keep_existing=keep_existing,
            min_coverage=min_coverage,
            equity_by=equity_by,
            verify_reps=verify,
        )
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
    except OptimizeError as exc:
        _error(exc, "No plan")
        return
    extra: dict[str, Any] = {
        "scenario": scenario,
        "spend_yuan_per_year": result.spend_yuan,
        "fixed_cost_yuan_per_year": result.fixed_yuan,
        "use_fees_yuan_per_year": result.spend_yuan - result.fixed_yuan,
    }
    if result.verification is not None:
        extra["verification"] = result.verification.table().round(4).to_dict(orient="index")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {**result.plan.to_dict(), **extra}, ensure_ascii=False, indent=1, default=_jsonable
            ),
            encoding="utf-8",
        )
    _print_plan(result.plan, as_json, extra)


@optimize_app.command("loop")
def loop_cmd(
    scenario: str = typer.Argument("chongqing", help="Built-in scenario name or folder."),
    vehicles: int | None = typer.Option(
        None, "--vehicles", min=1, help="Vehicles to place (default: today's number)."
    ),
    standard_min: float | None = typer.Option(
        None, "--standard", help="Response standard, minutes (default: the scenario's)."
    ),
    role: str = typer.Option("rescue", "--role", help="Vehicle role to place."),
    kinds: str | None = typer.Option(None, "--kinds", help="Comma-separated vehicle kinds."),
    busy_fraction: float | None = typer.Option(
        None, "--busy-fraction", help="The first q (default: the offered load per vehicle)."
    ),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(3, "--reps", min=2, max=1000, help="Replications per iteration."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (the same every iteration: CRN)."),
    max_iter: int = typer.Option(6, "--max-iter", min=1, help="Iterations at most."),
    tol: float = typer.Option(0.01, "--tol", help="Busy fractions this close count as equal."),
    time_limit: float = typer.Option(
        60.0, "--time-limit", min=0.1, max=86_400.0, help="Solver time limit, seconds."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the iterations as CSV here."),
) -> None:
    """MEXCLP and the simulator in a loop: solve with a busy fraction q, simulate the plan,
    set q to the planned vehicles' simulated busy fraction, re-solve, until the plan and q
    agree (a fixed point)."""

    from .simopt import vehicle_loop

    if out is not None:
        writable_file(out)
    try:
        r = with_spinner(
            "anjian optimize loop",
            lambda tick: vehicle_loop(
                scenario,
                vehicles=vehicles,
                years=years,
                reps=reps,
                seed=seed,
                max_iter=max_iter,
                tol=tol,
                busy_fraction_start=busy_fraction,
                time_limit_s=time_limit,
                role=role,
                kinds=list(dict.fromkeys(k.strip() for k in kinds.split(","))) if kinds else None,
                standard_min=standard_min,
                progress=tick,
            ),
        )
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
    except (OptimizeError, ValueError) as exc:
        _error(exc, "No loop")
        return
    c = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    st = r.settings
    t = Table(
        title=f"{st['scenario']}: 优化–模拟迭代 / the simulation–optimization loop "
        f"(MEXCLP, {st['vehicles']} 辆 vehicles, {st['years']:g} 年 years × {st['reps']} 次 reps)"
    )
    for col in (
        "迭代 / iteration",
        "假设 q / q assumed",
        "模拟 q ± CI / q simulated",
        "预测覆盖 / predicted coverage",
        "模拟达标 ± CI / simulated within standard",
        "差距 / gap",
        "调整车辆 / vehicles moved",
        "用时 / seconds",
    ):
        t.add_column(col, justify="right")
    for row in r.iterations.to_dict("records"):
        moved = row["sites_changed"]
        t.add_row(
            str(row["iteration"]),
            f"{row['busy_fraction_assumed']:.3f}",
            f"{row['busy_fraction_simulated']:.3f} ± {row['busy_fraction_half_width']:.3f}",
            f"{row['predicted_coverage_share']:.1%}",
            f"{row['simulated_within_standard_share']:.1%} ± "
            f"{row['simulated_within_standard_half_width']:.1%}",
            f"{row['gap']:+.1%}",
            "—" if not math.isfinite(moved) else f"{moved:,.0f}",
            f"{row['solve_seconds'] + row['simulate_seconds']:,.1f} 秒 s",
        )
    c.print(t)
    c.print(r.reason, highlight=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        r.iterations.to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out)
        c.print(f"迭代表 / iterations: {out}", highlight=False)
    _print_plan(r.solution.plan, False, {"scenario": scenario})


@optimize_app.command("inspectors")
def inspectors_cmd(
    scenario: str = typer.Argument(..., help="A built-in scenario name, folder or scenario.toml."),
    objective: str = typer.Option(
        "deaths", "--objective", help="deaths (expected deaths averted) or ontime."
    ),
    budget: float | None = typer.Option(
        None, "--budget", help="Yearly cost of the planned staff, yuan (default: today's)."
    ),
    max_change: float = typer.Option(
        0.2, "--max-change", min=0.0, help="Most a unit's headcount may move, share of today."
    ),
    headcount: int | None = typer.Option(
        None, "--headcount", min=0, help="Most planned heads in total (default: no limit)."
    ),
    min_staff: int | None = typer.Option(
        None,
        "--min-staff",
        min=0,
        help="Fewest planned heads in any district (default: the scenario's standard, if any).",
    ),
    certified_share: float | None = typer.Option(
        None,
        "--certified-share",
        min=0.0,
        max=1.0,
        help="Least share of a district's planned heads with penalty powers (default: the "
        "scenario's standard, if any).",
    ),
    districts: str | None = typer.Option(
        None, "--districts", help="Comma-separated adcodes (default: every district)."
    ),
    reps: int = typer.Option(2, "--reps", min=1, max=1000, help="Replications per curve point."),
    verify: int = typer.Option(
        0, "--verify", min=0, max=1000, help="Simulate the plan: replications."
    ),
    max_rounds: int = typer.Option(
        6, "--max-rounds", min=1, help="Headcounts: most rounds of sampling where the plan lands."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    frequencies: bool = typer.Option(
        False, "--frequencies", help="Plan inspection intervals (a cadence table) instead."
    ),
    move_staff: bool = typer.Option(
        False, "--move-staff", help="With --frequencies: move district and township staff too."
    ),
    target_utilisation: float = typer.Option(
        0.85,
        "--target-utilisation",
        min=0.05,
        max=1.0,
        help="With --frequencies: the busiest a pool may be planned (share of its hours).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for the curves (default: one per core)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Sample the curves again."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write the tables here: a folder (CSV files; the staff plan "
        "alone may also go to a .csv file).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Plan inspector headcounts by district and kind from the inspection model's own district
    curves (budget-neutral by default), or with --frequencies the inspection interval of every
    category × risk tier × district; verified by simulation. Minutes for a city; curves are
    cached by scenario content."""
    from anjian.inspector_plans import optimize_inspectors
    from anjian.scenarios import load_scenario
    from anjian.sim.inspection import InspectionConfig

    if out is not None:
        _check_table_out(out)
    if frequencies:
        _frequencies_cmd(scenario, verify or 3, reps, seed, move_staff,
                         max_change, budget, target_utilisation, workers, no_cache, out,
                         as_json)  # fmt: skip
        return
    try:
        s = load_scenario(scenario)
        plan = optimize_inspectors(
            s,
            objective=objective,  # type: ignore[arg-type]
            budget_yuan=budget,
            max_change=max_change,
            headcount=headcount,
            min_per_district=min_staff,
            certified_share=certified_share,
            reps=reps,
            districts=[d.strip() for d in districts.split(",")] if districts else None,
            verify_reps=verify,
            max_rounds=max_rounds,
            config=InspectionConfig(years=1.0, seed=seed),
            workers=workers,
            use_cache=not no_cache,
        )
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
    except (OptimizeError, ValueError) as exc:
        _error(exc, "No plan")
        return
    if out is not None:
        if out.suffix.lower() == ".csv":  # the plan alone
            out.parent.mkdir(parents=True, exist_ok=True)
            plan.table.to_csv(out, index=False, encoding="utf-8-sig")
        else:
            out.mkdir(parents=True, exist_ok=True)
            for name, frame in {"staff_plan": plan.table, "margin": plan.margin,
                                "versus_sites": plan.versus_sites,
                                "round_history": plan.history, "fit_error": plan.fit_error,
                                "verification": plan.verification}.items():  # fmt: skip
                if frame is not None:
                    frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    if as_json:
        data = {
            "objective": plan.objective,
            "estimate": plan.estimate,
            "simulated": None
            if plan.simulated is None
            else {"mean": plan.simulated[0], "half_width": plan.simulated[1]},
            "rounds": plan.rounds,
            "stable": plan.stable,
            "round_history": [] if plan.history is None else plan.history.to_dict(orient="records"),
            "cost_today_yuan": plan.cost_today_yuan,
            "cost_plan_yuan": plan.cost_plan_yuan,
            "plan": plan.table.to_dict(orient="records"),
            "margin": [] if plan.margin is None else plan.margin.to_dict(orient="records"),
            "versus_sites": []
            if plan.versus_sites is None
            else plan.versus_sites.to_dict(orient="records"),
            "verification": None
            if plan.verification is None
            else plan.verification.to_dict(orient="records"),
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=_jsonable))
        return
    c = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    t = Table(title="检查人员配置方案 / inspector plan (区县 × 类别 / district × kind)")
    for col in ("区县 / district", "人员类别 / kind", "现状 today", "方案 plan", "变化 change"):
        t.add_column(col, justify="right" if "today" in col or "plan" in col or "change" in col
                     else "left")  # fmt: skip
    for r in plan.table.itertuples():
        if r.change != 0 or len(plan.table) <= 40:
            spec = s.inspector_kinds[str(r.kind)]
            t.add_row(f"{r.district_zh} {r.district_pinyin}", f"{spec.name_zh} / {spec.name_en}",
                      f"{r.today:,}", f"{r.plan:,}", f"{r.change:+,}")  # fmt: skip
    c.print(t)
    unit = ("人/年 / deaths averted a year" if plan.objective == "deaths"
            else "次/年 / on-time inspections a year")  # fmt: skip
    c.print(f"  优化估计 / optimizer's estimate: {plan.estimate:+,.2f} {unit}", highlight=False)
    if plan.simulated is not None:
        c.print(f"  全市仿真 / simulated on the whole city: {plan.simulated[0]:+,.2f} ± "
                f"{plan.simulated[1]:,.2f} {unit}", highlight=False)  # fmt: skip
    steady = "稳定 stable" if plan.stable else "未稳定 not yet stable"
    c.print(f"  迭代 / rounds: {plan.rounds}（{steady}；每轮在方案落点补采样曲线 / each round "
            "samples the curves where the plan lands）", highlight=False)  # fmt: skip
    bought = plan.table[plan.table["bought"] & (plan.table["plan"] > 0)]
    if len(bought):
        c.print(f"  购买服务 / inspections bought: {int(bought['plan'].sum()):,} 人年 posts in "
                f"{len(bought):,} 个区县 districts, {float(bought['cost_change_yuan'].sum()):,.0f}"
                " 元/年 yuan a year", highlight=False)  # fmt: skip
    c.print(f"  年度人员费用 / staff cost a year: 现状 today {plan.cost_today_yuan:,.0f} 元 yuan, "
            f"方案 plan {plan.cost_plan_yuan:,.0f} 元 yuan", highlight=False)  # fmt: skip
    per = "人/年 deaths a year" if plan.objective == "deaths" else "次/年 on-time a year"
    if plan.versus_sites is not None and (plan.versus_sites["difference"] != 0).any():
        d = Table(title="与按场所数分配差别最大之处 / where the plan differs most from the "
                  "by-premises rule")  # fmt: skip
        for col in (
            "区县 / district",
            "人员类别 / kind",
            "按场所数 by premises",
            "方案 plan",
            "差 difference",
            f"规则处每万元增益 gain per 10,000 yuan at the rule ({per})",
        ):
            d.add_column(col, justify="left" if "/" in col[:6] else "right")
        for r in plan.versus_sites.head(10).itertuples():
            if r.difference == 0:
                break
            d.add_row(f"{r.district_zh} {r.district_pinyin}", f"{r.kind_zh} / {r.kind_en}",
                      f"{r.by_sites:,}", f"{r.plan:,}", f"{r.difference:+,}",
                      f"{r.per_10k_yuan_at_rule:,.4g}")  # fmt: skip
        c.print(d)
    if plan.margin is not None and len(plan.margin):
        g = Table(title=f"方案下每增加一万元的边际增益（{per}）/ gain of the next 10,000 yuan at "
                  "the plan, by district (best kind)")  # fmt: skip
        for col in ("区县 / district", "人员类别 / kind", "每万元 per 10,000 yuan"):
            g.add_column(col, justify="right" if "10,000" in col else "left")
        for r in plan.margin.head(10).itertuples():
            g.add_row(f"{r.district_zh} {r.district_pinyin}", f"{r.kind_zh} / {r.kind_en}",
                      f"{r.per_10k_yuan:,.4g}")  # fmt: skip
        c.print(g)
    if plan.verification is not None:
        rule_cols = {"plan": "方案−现状 plan − today",
                     "by_sites": "按场所数−现状 by sites − today",
                     "by_population": "按人口−现状 by population − today",
                     "by_risk": "按风险−现状 by risk − today",
                     "plan_vs_by_sites": "方案−按场所数 plan − by sites",
                     "plan_vs_by_population": "方案−按人口 plan − by population",
                     "plan_vs_by_risk": "方案−按风险 plan − by risk"}  # fmt: skip
        c.print(_paired_table(plan.verification, rule_cols))


def _paired_table(ver: pd.DataFrame, columns: dict[str, str]) -> Table:
    """The verification as a table: today's values, then each case − today ± its paired 95% CI
    (inspection KPIs, bilingual)."""
    v = Table(title="全市仿真验证（配对，95% 置信区间） / simulated on the whole city, paired")
    cases = [case for case in columns if case in set(ver["case"])]
    for col in ("指标 / KPI", "现状 today", *[columns[case] for case in cases]):
        v.add_column(col)
    table = ver.set_index(["case", "kpi"])
    for name in table.loc["today"].index:
        entry = kpi(name, "inspection")
        cells = [entry.format(table.loc[("today", name), "difference"])]
        for case in cases:
            row = table.loc[(case, name)]
            cells.append(f"{entry.format(row['difference'], signed=True)} ± "
                         f"{entry.format(row['half_width'])}")  # fmt: skip
        v.add_row(entry.bilingual(), *cells)
    return v


def s_kind_label(res: Any, kind: str) -> str:
    """An inspector kind as 中文 / English, from the planned scenario."""
    k = res.planned.inspector_kinds[kind]
    return f"{k.name_zh} / {k.name_en}"


def _check_table_out(out: Path) -> None:
    """``--out`` of a command writing tables: a .csv file (the plan alone) or a folder."""
    if out.suffix.lower() == ".csv":
        writable_file(out)
    else:
        writable_dir(out)


def _frequencies_cmd(
    scenario: str, verify: int, reps: int, seed: int, move_staff: bool, max_change: float,
    budget: float | None, target_utilisation: float, workers: int | None, no_cache: bool,
    out: Path | None, as_json: bool,
) -> None:  # fmt: skip
    from anjian.inspector_frequencies import optimize_frequencies
    from anjian.scenarios import load_scenario
    from anjian.sim.inspection import InspectionConfig

    err = Console(markup=False, emoji=False, stderr=True)
    try:
        s = load_scenario(scenario)
        res = optimize_frequencies(
            s, reps=reps, verify_reps=max(2, verify), target_utilisation=target_utilisation,
            move_staff=move_staff, max_change=max_change, budget_yuan=budget,
            config=InspectionConfig(years=1.0, seed=seed), workers=workers,
            use_cache=not no_cache,
            progress=None if as_json else (lambda m: err.print(f"… {m}", highlight=False)),
        )  # fmt: skip
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
    except (OptimizeError, ValueError) as exc:
        _error(exc, "No plan")
        return
    tables = {"cadence": res.cadence, "cadence_by_district": res.cadence_by_district,
              "targeting": res.targeting, "pools": res.pools, "staff": res.staff,
              "round_history": res.history, "margin": res.margin,
              "verification": res.verification if res.verification is not None
              else pd.DataFrame()}  # fmt: skip
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    if as_json:
        data = {"rounds": res.rounds, "stable": res.stable, "estimate": res.estimate,
                "uniform_factor": res.uniform_factor,
                "uniform_city_factor": res.uniform_city_factor,
                "curves_cached": res.curves_cached,
                "saturated_pools": list(res.saturated),
                "saturated_at_shortest": res.saturated_shortest,
                "saturated_trial_deaths": {"difference": res.saturated_trial[0],
                                           "half_width": res.saturated_trial[1]},
                **{k: v.to_dict(orient="records") for k, v in tables.items()}}  # fmt: skip
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=_jsonable))
        return
    c = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    t = Table(title="检查频次方案 / inspection cadence (类别 × 风险等级 / category × risk tier)")
    for col in ("类别 / category", "等级 / tier", "场所 sites", "现状间隔 today",
                "方案间隔 plan", "区县差异 districts differing", "每年次数 visits a year",
                "允许范围 bounds"):  # fmt: skip
        t.add_column(col, justify="left" if "/" in col[:6] else "right")
    for r in res.cadence.itertuples():
        span = (f"{r.interval_plan_min_days:,.0f}–{r.interval_plan_max_days:,.0f}"
                if r.districts_other_interval else "")  # fmt: skip
        t.add_row(f"{r.category_zh} / {r.category_en}", f"{r.tier_zh} / {r.tier_en}",
                  f"{r.sites:,}", f"{r.interval_today_days:,.0f} 天 days",
                  f"{r.interval_plan_days:,.1f} 天 days",
                  f"{r.districts_other_interval} {span}".strip(),
                  f"{r.visits_per_site_year_today:,.2f} → {r.visits_per_site_year_plan:,.2f}",
                  f"{r.shortest_days:,.0f}–{r.longest_days:,.0f} ({r.bounds_from})")  # fmt: skip
    c.print(t)
    state = "稳定 stable" if res.stable else "未完全稳定 not yet stable"
    c.print(f"  轮数 / rounds: {res.rounds}（{state}）; "
            f"优化估计 / optimizer's estimate: {res.estimate:+,.2f} 人/年 deaths a year; "
            f"统一比例规则 / uniform rules: 间隔 intervals × {res.uniform_factor:.2f} (各池 "
            f"pools), × {res.uniform_city_factor:.2f} (全市 city)",
            highlight=False)  # fmt: skip
    if res.saturated and not math.isnan(res.saturated_trial[0]):  # the variant was tried
        d, hw = res.saturated_trial
        verdict = "采用 kept" if res.saturated_shortest else "未采用 not kept"
        c.print(f"  饱和岗位池 / saturated pools: {len(res.saturated):,} 个 (≥ 98% 忙 busy); "
                f"其类别取最短间隔 / their classes at the shortest interval: "
                f"{d:+,.2f} ± {hw:,.2f} 人/年 expected deaths a year vs the plan — {verdict}",
                highlight=False)  # fmt: skip
    if len(res.staff):
        moved = res.staff[res.staff["change"] != 0]
        c.print(
            f"  人员调整 / staff moved: {len(moved):,} 个单元 units, "
            f"{moved['change'].abs().sum():,.0f} 人 heads, 年费用变化 cost change "
            f"{res.staff['cost_change_yuan'].sum():+,.0f} 元/年 yuan a year",
            highlight=False,
        )
    mg = Table(title="边际效益：每万元增员避免死亡（人/年） / deaths averted a year per "
                     "10,000 yuan of one more head, by district")  # fmt: skip
    for col in ("区县 / district", "人员类别 / kind", "人/年·万元 deaths per 10,000 yuan"):
        mg.add_column(col)
    for r in res.margin.head(10).itertuples():
        kind = s_kind_label(res, str(r.best_kind))
        mg.add_row(f"{r.district_zh} {r.district_pinyin}", kind,
                   f"{r.deaths_per_10k_yuan:,.5f}")  # fmt: skip
    c.print(mg)
    g = Table(title="优先顺序（人手不足时先保） / targeting order (keep these visits first)")
    for col in ("序 #", "类别 / category", "等级 / tier", "每千工时避免死亡 deaths per 1,000 h"):
        g.add_column(col)
    for r in res.targeting.head(10).itertuples():
        g.add_row(str(r.priority), f"{r.category_zh} / {r.category_en}",
                  f"{r.tier_zh} / {r.tier_en}",
                  f"{r.deaths_per_1000_routine_hours:,.3f}")  # fmt: skip
    c.print(g)
    if res.verification is not None:
        head = {"plan": "方案−现状 plan − today",
                "uniform_pools": "各池统一−现状 uniform (pools) − today",
                "uniform_city": "全市统一−现状 uniform (city) − today",
                "plan_vs_uniform_city": "方案−全市统一 plan − uniform (city)"}  # fmt: skip
        c.print(_paired_table(res.verification, head))


def locate_cmd(
    orlib: Path | None = typer.Option(None, "--orlib", help="OR-Library pmed or cap file."),
    costs: Path | None = typer.Option(
        None, "--costs", help="CSV: first column demand id, header row candidate ids."
    ),
    weights: Path | None = typer.Option(None, "--weights", help="CSV with columns id,weight."),
    model: LocateModel = typer.Option(LocateModel["pmedian"], "--model", help="Location model."),
    p: int | None = typer.Option(None, "--p", help="Number of facilities (vehicles for mexclp)."),
    radius: float | None = typer.Option(None, "--radius", help="Covered when cost ≤ radius."),
    busy_fraction: float = typer.Option(0.0, "--busy-fraction", help="MEXCLP busy probability."),
    time_limit: float = typer.Option(
        60.0, "--time-limit", min=0.1, max=86_400.0, help="Solver time limit, seconds."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Solve a location model on a cost matrix or an OR-Library benchmark file."""
    try:
        plan = api.locate(
            orlib=orlib,
            costs=costs,
            weights=weights,
            model=model.value,
            p=p,
            radius=radius,
            busy_fraction=busy_fraction,
            time_limit_s=time_limit,
        )
    except OptimizeError as exc:
        _error(exc, "No plan")
        return
    _print_plan(plan, as_json)

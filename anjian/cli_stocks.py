"""CLI of the relief-reserve planner: ``anjian optimize stocks`` (through
:mod:`anjian.stock_plans`). A thin layer: no model logic here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from anjian.optimize.errors import OptimizeError
from anjian.scenarios import ScenarioError

from .cli_optimize import _error, _jsonable, optimize_app
from .cli_paths import writable_dir
from .kpis import kpi

#: Case names (中文, English).
CASES = {
    "today": ("现状库存", "today's stocks"),
    "rule": ("按人口定额", "per-capita rule"),
    "plan": ("优化方案", "the plan"),
    "standard": ("乡镇储备标准", "the township standard"),
    "expected_value": ("期望值方案", "expected-value plan"),
}


def _yuan(v: float) -> str:
    return f"{v:,.0f} 元 yuan"


def _tables(plan: object) -> dict[str, pd.DataFrame]:
    from anjian.stock_plans import StockPlan

    assert isinstance(plan, StockPlan)
    ev = pd.DataFrame(
        [
            {
                "case": k,
                "case_zh": CASES[k][0],
                "case_en": CASES[k][1],
                "stock_cost_yuan_per_year": plan.costs().get(k, float("nan")),
                "expected_cost_yuan_per_year": e.mean,
                "half_width": e.half_width,
                "unmet_units_per_year": e.unmet_units,
                "late_units_per_year": e.late_units,
                "demand_units_per_year": e.demand_units,
            }
            for k, e in plan.evaluation.items()
        ]
    )
    out = {"stock_plan": plan.table(), "standard": plan.standard, "evaluation": ev}
    if plan.verification is not None:
        out["verification"] = plan.verification
    return out


@optimize_app.command("stocks")
def stocks_cmd(
    scenario: str = typer.Argument(..., help="A built-in scenario name, folder or scenario.toml."),
    budget: float | None = typer.Option(
        None,
        "--budget",
        min=0.0,
        help="Yearly cost of holding the stocks, yuan (default: what today's stocks cost).",
    ),
    scenarios: int = typer.Option(
        200, "--scenarios", min=2, help="Disaster episodes in each sample average program."
    ),
    batches: int = typer.Option(
        3, "--batches", min=2, help="Sample average programs (they bound the optimum)."
    ),
    n_eval: int = typer.Option(
        400, "--eval", min=2, help="Fresh episodes the plans are priced on."
    ),
    verify: int = typer.Option(
        3, "--verify", min=0, max=1000, help="Simulate every case: replications (0: skip)."
    ),
    no_townships: bool = typer.Option(
        False, "--no-townships", help="Only the scenario's warehouses (no township candidates)."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    out: Path | None = typer.Option(
        None, "--out", help="Write every table here (a folder of CSV files)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Plan relief stocks by reserve point and commodity (a two-stage stochastic program over
    disaster episodes from the response model's generator), derive a township reserve
    standard by class, and price and simulate today's stocks, the per-capita rule, the plan
    and the standard on the same disasters."""
    from anjian.scenarios import load_scenario
    from anjian.stock_plans import optimize_stocks

    err = Console(markup=False, emoji=False, stderr=True)
    if out is not None:
        writable_dir(out)
    try:
        s = load_scenario(scenario)
        plan = optimize_stocks(
            s,
            budget=budget,
            scenarios=scenarios,
            batches=batches,
            n_eval=n_eval,
            seed=seed,
            township_candidates=not no_townships,
            verify_reps=verify,
            progress=lambda m: err.print(f"… {m}", style="dim", highlight=False),
        )
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
    except (OptimizeError, ValueError) as exc:
        _error(exc, "No plan")
        return
    tables = _tables(plan)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    summary = {
        "scenario": s.meta.name,
        "budget_yuan_per_year": plan.budget,
        "objective_yuan_per_year": plan.solution.objective,
        "lower_bound": {"mean": plan.lower_bound[0], "half_width": plan.lower_bound[1]},
        "gap": plan.gap,
        "gap_bound_95": plan.gap_bound,
        "vss": plan.vss,
        "evpi": plan.evpi,
        "episodes": scenarios,
        "batches": batches,
        "eval_episodes": n_eval,
        "episodes_per_year": plan.instance.episodes_per_year,
        "seconds": plan.seconds,
        "checks": plan.checks,
        "costs_yuan_per_year": plan.costs(),
    }
    if as_json:
        data = {**summary, **{k: v.to_dict(orient="records") for k, v in tables.items()}}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=_jsonable))
        return
    c = Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 220)
    _print(c, plan, tables)


def _print(c: Console, plan: object, tables: dict[str, pd.DataFrame]) -> None:
    from anjian.stock_plans import StockPlan

    assert isinstance(plan, StockPlan)
    net = plan.network
    coms = net.commodities
    names = {k: f"{v.name_zh} {v.name_en}" for k, v in net.s.commodities.items()}
    # the standard
    if plan.standard.empty:
        c.print(
            "  无乡镇候选点（情景无乡镇表）/ no township candidates (the scenario lists no "
            "townships): the plan is the standard"
        )
    t = Table(
        title="乡镇救灾物资储备标准（每千人） / township standard (items per 1,000 residents)"
    )
    t.add_column("乡镇类别 / township class")
    t.add_column("乡镇数 townships", justify="right")
    t.add_column("储备乡镇占比 stocked", justify="right")
    for com in coms:
        t.add_column(names[com], justify="right")
    for r in plan.standard.to_dict(orient="records") if not plan.standard.empty else []:
        t.add_row(
            f"{r['class_zh']} / {r['class_en']}",
            f"{r['townships']:,}",
            f"{r['stocked_share']:.0%}",
            *[f"{r[com]:,.2f}" for com in coms],
        )
    if not plan.standard.empty:
        c.print(t)
    # where the stock goes, by level
    lv = Table(title="储备布局（按层级，件） / stocks by level (units)")
    lv.add_column("层级 / level")
    for com in coms:
        lv.add_column(names[com], justify="right")
    lv.add_column("年度费用 / yuan a year", justify="right")
    levels = {"city": "市级 city", "district": "区县 district", "township": "乡镇 township"}
    k = [net.s.commodities[x].yearly_cost_yuan for x in coms]
    for key, label in levels.items():
        m = net.level == key
        for case, x in (("today", plan.today), ("plan", plan.x)):
            tot = x[m].sum(axis=0)
            lv.add_row(
                f"{label} — {CASES[case][0]} {CASES[case][1]}",
                *[f"{v:,.0f}" for v in tot],
                f"{float(tot @ k):,.0f}",
            )
    c.print(lv)
    # evaluation
    ev = Table(
        title=f"新情景评估（{plan.n_eval:,} 个灾害情景，年度） / priced on "
        f"{plan.n_eval:,} fresh episodes (yuan a year, 95% CI)"
    )
    for col in (
        "方案 / case",
        "储备费用 stock cost",
        "期望总成本 expected cost",
        "缺口 unmet units",
        "超时 late units",
    ):
        ev.add_column(col, justify="left" if "case" in col else "right")
    for r in tables["evaluation"].to_dict(orient="records"):
        ev.add_row(
            f"{r['case_zh']} / {r['case_en']}",
            f"{r['stock_cost_yuan_per_year']:,.0f}",
            f"{r['expected_cost_yuan_per_year']:,.0f} ± {r['half_width']:,.0f}",
            f"{r['unmet_units_per_year']:,.0f}",
            f"{r['late_units_per_year']:,.0f}",
        )
    c.print(ev)
    c.print(
        f"  预算 / budget: {_yuan(plan.budget)} a year; 样本平均下界 / SAA lower bound "
        f"{plan.lower_bound[0]:,.0f} ± {plan.lower_bound[1]:,.0f}; 最优性差距 / optimality gap "
        f"{plan.gap:,.0f} (95% 上界 bound {plan.gap_bound:,.0f}) 元 yuan",
        highlight=False,
    )
    c.print(
        f"  随机解价值 VSS {plan.vss:,.0f} 元 yuan; 完全信息期望价值 EVPI {plan.evpi:,.0f} 元 yuan",
        highlight=False,
    )
    if plan.checks:
        c.print("  方案检查未通过 / plan check failed:", style="bold red")
        for line in plan.checks:
            c.print(f"   • {line}", markup=False)
    ver = plan.verification
    if ver is not None:
        for year in dict.fromkeys(ver["year"]):
            part = ver[ver["year"] == year]
            title = (
                "普通年份 / an ordinary year"
                if year == "ordinary"
                else f"{net.s.surges[year].name_zh} 年份 / a year with {net.s.surges[year].name_en}"
            )
            v = Table(title=f"响应仿真（配对，95% 置信区间）：{title}")
            v.add_column("指标 / KPI")
            cases = [x for x in ("today", "rule", "plan", "standard") if x in set(part["case"])]
            for case in cases:
                v.add_column(f"{CASES[case][0]} {CASES[case][1]}", justify="right")
            for name in dict.fromkeys(part["kpi"]):
                entry = kpi(name, "response")
                cells = []
                for case in cases:
                    own = part[(part["case"] == case) & (part["kpi"] == name)]
                    value = own[own["versus"] == ""]["value"]
                    cell = entry.format(float(value.iloc[0])) if len(value) else "—"
                    d = own[own["versus"] == "today"]
                    if len(d):
                        cell += (
                            f" ({entry.format(float(d['difference'].iloc[0]), signed=True)} ± "
                            f"{entry.format(float(d['half_width'].iloc[0]))})"
                        )
                    cells.append(cell)
                v.add_row(entry.bilingual(), *cells)
            c.print(v)
        c.print("  括号内为与现状的配对差 / in brackets: the paired difference from today")

"""CLI of the cost model and the harm measure: ``anjian costs`` (through :mod:`anjian.budget`).
A thin layer: no model logic here."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from anjian.scenarios import ScenarioError

from .cli_optimize import _error

BASIS = {"fixed": "固定 fixed", "simulated": "模拟 simulated", "one_time": "一次性 one-time"}


def _yuan(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:,.2f} 元" if abs(v) < 100 and abs(v - round(v)) > 1e-9 else f"{v:,.0f} 元"


def _number(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 or abs(v) >= 100 else f"{v:,.1f}"


def _per10k(v: float) -> str:
    return "—" if not math.isfinite(v) else ("0" if v == 0 else f"{v:+,.5f}")


def costs_cmd(
    scenario: str = typer.Argument(..., help="A built-in scenario name, folder or scenario.toml."),
    simulate: bool = typer.Option(
        True,
        "--simulate/--no-simulate",
        help="Simulate both models to price the work-dependent items and weigh the harm.",
    ),
    years: float = typer.Option(1.0, "--years", min=0.01, help="Simulated years per replication."),
    reps: int = typer.Option(3, "--reps", min=2, help="Replications (≥ 2 for a CI)."),
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
        marginal_values,
        totals,
    )
    from anjian.scenarios import load_scenario

    err = Console(stderr=True)
    try:
        s = load_scenario(scenario)
    except ScenarioError as exc:
        _error(exc, f"Invalid scenario {scenario}")
        return
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
                margin = marginal_values(s, step_yuan=margins, base=a,
                                         progress=lambda m: err.print(f"[dim]… {m}[/dim]",
                                                                      highlight=False))  # fmt: skip
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
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"{s.meta.title_zh} / {s.meta.title_en}: 年度成本 / yearly cost")
    for col, right in (("资源 / resource", False), ("项目 / item", False),
                       ("类别 / kind", False), ("依据 / basis", False), ("数量 / quantity", True),
                       ("单价 / unit cost", True), ("元/年 / yuan a year", True)):  # fmt: skip
        table.add_column(col, justify="right" if right else "left")
    from anjian.budget import ITEMS

    for r in sheet.to_dict("records"):
        zh, en = RESOURCES[str(r["resource"])]
        iz, ie = ITEMS[str(r["item"])]
        kind = "" if r["key"] == "all" else f"{r['name_zh']} {r['name_en']}"
        table.add_row(f"{zh} {en}", f"{iz} {ie}", kind, BASIS[str(r["basis"])],
                      _number(float(r["quantity"])), _yuan(float(r["unit_cost_yuan"])),
                      _yuan(float(r["yuan_per_year"])))  # fmt: skip
    console.print(table)
    summary = Table(title="合计 / totals")
    summary.add_column("")
    summary.add_column("元/年 / yuan a year", justify="right")
    for key, (zh, en) in RESOURCES.items():
        summary.add_row(f"{zh} / {en}", _yuan(tot.by_resource[key]))
    summary.add_row("合计 / total" + ("" if tot.complete else " (不含未模拟项 / without the "
                                     "unsimulated items)"), _yuan(tot.total))  # fmt: skip
    basis = ("场景设定 set by the scenario" if s.budget.total_yuan_per_year is not None
             else "= 现状成本 today's cost")  # fmt: skip
    summary.add_row(f"预算 / budget ({basis})", _yuan(money))
    gap = money - tot.total
    summary.add_row("预算余额 / budget left" if gap >= 0 else "超出预算 / over budget",
                    _yuan(abs(gap)))  # fmt: skip
    console.print(summary)
    if harm is not None:
        h = Table(title=f"伤害 / harm ({years:g} 年 years × {reps} 次 replications, seed {seed}; "
                        "均值 ± 95% 置信区间半宽 / mean ± 95% CI half-width)")  # fmt: skip
        h.add_column("")
        h.add_column("预期死亡/年 / expected deaths a year", justify="right")
        h.add_column("± 95% CI", justify="right")
        for r in harm.to_dict("records"):
            mean, half = float(r["mean"]), float(r["half_width"])
            h.add_row(f"{r['name_zh']} / {r['name_en']}",
                      "—" if not math.isfinite(mean) else f"{mean:,.2f}",
                      "" if not math.isfinite(half) else f"{half:,.2f}")  # fmt: skip
        console.print(h)
    if margin is not None:
        m = Table(title=f"每年多投入 {margins:,.0f} 元能买到什么 / what {margins:,.0f} yuan a year "
                        "more buys (与现状配对 paired with today)")  # fmt: skip
        for col in ("资源 / resource", "购买内容 / bought", "实际增加 / added (元/年 yuan a year)",
                    "伤害变化 / harm change (死亡/年 deaths a year)", "每万元减少死亡 / deaths "
                    "averted per 10,000 yuan", "显著 / significant"):  # fmt: skip
            m.add_column(col)
        for r in margin.to_dict("records"):
            m.add_row(f"{r['name_zh']} / {r['name_en']}", str(r["bought"]),
                      _yuan(float(r["added_yuan_per_year"])),
                      f"{float(r['harm_change']):+,.2f} ± "
                      f"{float(r['harm_change_half_width']):,.2f}",
                      _per10k(float(r["deaths_averted_per_10k_yuan"])),
                      "是 yes" if r["significant"] else "否 no (CI 含 0 contains 0)")  # fmt: skip
        console.print(m)

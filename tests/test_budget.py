"""The cost model and the harm measure (issue 18): itemised yearly costs against hand-computed
totals of the toy scenario, the harm parts against hand-computed cases, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from anjian.budget import (
    Simulated,
    appraise,
    budget_yuan_per_year,
    cost_sheet,
    harm_tidy,
    relief_person_days,
    stock_units,
    totals,
)
from anjian.cli import app
from anjian.scenarios import ScenarioError, load_scenario


@pytest.fixture(scope="module")
def toy():  # type: ignore[no-untyped-def]
    return load_scenario("toy")


def test_the_toy_cost_sheet_adds_up_to_the_hand_computed_totals(toy) -> None:  # type: ignore[no-untyped-def]
    sheet = cost_sheet(toy)
    t = totals(sheet)
    # 11 certified × 150,000 + 19 township × 90,000; 3 dedicated rescue vehicles × 200,000;
    # 550 tents × 1,200 × (5% upkeep + 1/8 years) + 2,200 quilts × 150 × (5% + 1/5 years)
    assert t.by_resource["inspectors"] == pytest.approx(11 * 150_000 + 19 * 90_000)
    assert t.by_resource["vehicles"] == pytest.approx(3 * 200_000)
    assert t.by_resource["stocks"] == pytest.approx(550 * 1200 * (0.05 + 1 / 8) + 2200 * 150 * 0.25)
    assert t.total == pytest.approx(4_158_000)
    assert not t.complete  # the fees per call are unknown without a simulation
    use = sheet[sheet["item"] == "use_fees"]
    assert use["basis"].tolist() == ["simulated"] and use["yuan_per_year"].isna().all()
    assert budget_yuan_per_year(toy, t.total) == 5_000_000  # the toy's [budget]


def test_simulated_items_and_a_one_time_purchase(toy) -> None:  # type: ignore[no-untyped-def]
    s = toy.with_({"inspector_kinds.district_certified.cost_yuan_per_inspection": 100.0})
    sheet = cost_sheet(s, Simulated({"district_certified": 5_000.0}, 1_234.0),
                       stock_before={"tent": 500.0, "quilt": 3_000.0})  # fmt: skip
    fee = sheet[sheet["item"] == "inspection_fees"].iloc[0]
    assert (fee["quantity"], fee["yuan_per_year"]) == (50.0, 5_000.0)
    t = totals(sheet)
    assert t.complete
    assert t.total == pytest.approx(4_158_000 + 5_000 + 1_234)
    buy = sheet[sheet["basis"] == "one_time"]
    assert buy["key"].tolist() == ["tent"]  # quilts are fewer than before: nothing bought
    assert t.one_time == pytest.approx(50 * 1200)
    assert stock_units(s) == {"tent": 550.0, "quilt": 2200.0}


def test_without_a_budget_the_budget_is_todays_cost(toy) -> None:  # type: ignore[no-untyped-def]
    s = toy.with_(budget={})
    assert s.budget.total_yuan_per_year is None
    assert budget_yuan_per_year(s, 4_158_000.0) == 4_158_000.0
    with pytest.raises(ScenarioError, match="needs total_yuan_per_year"):
        toy.with_(budget={"inspectors_yuan_per_year": 10.0})


def test_person_days_without_relief_are_the_trapezoid_after_the_first_batch() -> None:
    counts = {10.0: 999.0, 12.0: 100.0, 24.0: 50.0, 48.0: 10.0}
    # ½(100 + 50) × ½ day + ½(50 + 10) × 1 day + 10 × 1 more day; the 10-h count is not due
    assert relief_person_days(counts, 12.0, 1.0) == pytest.approx(37.5 + 30.0 + 10.0)
    assert relief_person_days(counts, 12.0, 0.0) == pytest.approx(67.5)
    assert relief_person_days(counts, 60.0, 1.0) == 0.0


def _tidy(kpis: dict[str, list[float]]) -> pd.DataFrame:
    rows = [(r, "city", "all", k, v) for k, vs in kpis.items() for r, v in enumerate(vs)]
    return pd.DataFrame(rows, columns=["rep", "level", "key", "kpi", "value"])


def test_the_harm_measure_weighs_its_three_parts(toy) -> None:  # type: ignore[no-untyped-def]
    s = toy.with_({"harm.response_weight": 0.5, "harm.relief_deaths_per_10000_person_days": 2.0,
                   "relief_planning.first_batch_hours": 12.0,
                   "relief_logistics.people_without_relief_hours": [12, 24, 48]})  # fmt: skip
    insp = _tidy({"expected_deaths_per_year": [3.0, 5.0]})
    resp = _tidy({"delay_deaths_per_year": [2.0, 4.0],
                  "people_without_relief_12h": [10_000.0, 0.0],
                  "people_without_relief_24h": [10_000.0, 0.0],
                  "people_without_relief_48h": [0.0, 0.0]})  # fmt: skip
    h = harm_tidy(s, insp, resp, years=2.0).pivot(index="rep", columns="kpi", values="value")
    # rep 0: 10,000 people half a day, then ½·10,000 for a day: 10,000 person-days over 2 years
    relief = 2.0 / 10_000 * (10_000 * 0.5 + 5_000 * 1.0) / 2.0
    assert h.loc[0, "harm_relief_deaths_per_year"] == pytest.approx(relief)
    assert h.loc[0, "harm_response_deaths_per_year"] == pytest.approx(1.0)
    assert h["harm_deaths_per_year"].to_numpy() == pytest.approx([3.0 + 1.0 + relief, 5.0 + 2.0])
    only = harm_tidy(s, insp, None, years=1.0)
    assert set(only["kpi"]) == {"harm_accident_deaths_per_year", "harm_deaths_per_year"}
    assert np.isfinite(only["value"]).all()


def test_the_costs_command_prints_and_exports_the_sheet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(app, ["costs", "toy", "--no-simulate", "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["total_yuan_per_year"] == pytest.approx(4_158_000)
    assert doc["budget_yuan_per_year"] == 5_000_000 and doc["complete"] is False
    assert (tmp_path / "cost_sheet.csv").exists()
    res = runner.invoke(app, ["costs", "toy", "--no-simulate"])
    assert res.exit_code == 0 and "4,158,000 元" in res.stdout and "场景设定" in res.stdout
    assert "Traceback" not in runner.invoke(app, ["costs", "no-such-scenario"]).output


@pytest.mark.parametrize("reps", [2])
def test_an_appraisal_simulates_the_toy_and_fills_every_item(toy, reps: int) -> None:  # type: ignore[no-untyped-def]
    from anjian.budget import appraise

    a = appraise(toy, years=0.25, reps=reps, seed=3)
    assert a.totals.complete
    use = a.sheet.loc[a.sheet["item"] == "use_fees", "yuan_per_year"].iloc[0]
    assert use >= 0
    table = a.harm_table()
    assert table["kpi"].iloc[-1] == "harm_deaths_per_year"
    parts = table.set_index("kpi")["mean"]
    assert parts["harm_deaths_per_year"] == pytest.approx(parts.drop("harm_deaths_per_year").sum())
    assert a.budget == 5_000_000


def test_spending_more_buys_whole_heads_vehicles_and_stock_by_the_stated_rules(toy) -> None:  # type: ignore[no-untyped-def]
    from anjian.levers import spend_overrides

    base = totals(cost_sheet(toy)).total
    # an average head costs (11 × 150,000 + 19 × 90,000) / 30 = 112,000: 336,000 buys 3 heads
    over, bought = spend_overrides(toy, "inspectors", 336_000)
    assert bought == "+3 人 heads"
    v = toy.with_(over)
    assert sum(sum(r.values()) for r in v.staff.values()) == 30 + 3
    assert totals(cost_sheet(v)).total - base == pytest.approx(336_000, abs=60_000)
    over, bought = spend_overrides(toy, "vehicles", 450_000)  # 2 × 200,000 (no contracted kind)
    assert bought.startswith("+2 辆 × ") and "Dedicated rescue vehicle" in bought
    assert totals(cost_sheet(toy.with_(over))).total - base == pytest.approx(400_000)
    over, _ = spend_overrides(toy, "stocks", 198_000)  # today's stock cost: stock × 2
    assert totals(cost_sheet(toy.with_(over))).by_resource["stocks"] == pytest.approx(396_000)
    with pytest.raises(ValueError, match="resource must be one of"):
        spend_overrides(toy, "drones", 1.0)
    # cuts: heads from every pool, never below zero; vehicles where they stand; stock to zero
    over, bought = spend_overrides(toy, "inspectors", -336_000)
    assert bought == "-3 人 heads"
    assert sum(sum(r.values()) for r in toy.with_(over).staff.values()) == 30 - 3
    over, _ = spend_overrides(toy, "inspectors", -1e12)
    assert sum(sum(r.values()) for r in toy.with_(over).staff.values()) == 0
    over, bought = spend_overrides(toy, "vehicles", -1e9)  # all 3 dedicated vehicles, no more
    assert bought.startswith("-3 辆")
    assert totals(cost_sheet(toy.with_(over))).by_resource["vehicles"] == 0
    over, bought = spend_overrides(toy, "stocks", -1e9)
    assert bought == "库存 stock × 0" and stock_units(toy.with_(over)) == {"tent": 0, "quilt": 0}


def test_marginal_values_price_what_each_resource_buys_with_paired_cis(toy) -> None:  # type: ignore[no-untyped-def]
    from anjian.budget import appraise, marginal_values

    a = appraise(toy, years=0.25, reps=3, seed=1)
    m = marginal_values(toy, step_yuan=400_000, base=a).set_index("resource")
    assert list(m.index) == ["inspectors", "vehicles", "stocks"]
    assert m.loc["vehicles", "added_yuan_per_year"] == pytest.approx(400_000, rel=0.05)
    assert (m["harm_change_half_width"] >= 0).all()
    sig = m["harm_change"].abs() > m["harm_change_half_width"]
    assert (m["significant"] == sig).all()
    with pytest.raises(ValueError, match="step_yuan must be positive"):
        marginal_values(toy, step_yuan=0, base=a)


def test_more_replications_of_the_same_seed_continue_the_stream(toy):
    """appraise(first=r) is replication r of the same seed: what ranking and selection adds."""
    whole = appraise(toy, years=0.25, reps=3, seed=2)
    third = appraise(toy, years=0.25, reps=1, seed=2, first=2)
    a = whole.harm[(whole.harm["rep"] == 2)].set_index("kpi")["value"]
    b = third.harm.set_index("kpi")["value"]
    assert set(third.harm["rep"]) == {2}
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())

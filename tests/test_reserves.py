"""The relief-reserve program (optimize/reserves.py) and its scenario pipeline
(anjian/stock_plans.py): a newsvendor against its critical fractile, the L-shaped method
against the extensive form on random reserve instances, the plan checker, and the built-in
scenarios end to end."""

from __future__ import annotations

import numpy as np
import pytest

from anjian.optimize.errors import InstanceError
from anjian.optimize.reserves import (
    TIE_BREAK_PER_HOUR,
    Episode,
    ReserveInstance,
    check_reserve_plan,
    episode_flows,
    program,
    solve_reserves,
)
from anjian.optimize.stochastic import solve_extensive, solve_lshaped


def _newsvendor(demand: np.ndarray, k: float, m: float) -> ReserveInstance:
    """One warehouse, one commodity, one disaster a year: N equally likely demands."""
    n = len(demand)
    eps = tuple(
        Episode(np.array([[d]]), np.array([0]), np.array([0]), np.array([0]), np.array([1.0]),
                np.array([1.0]), np.inf, 1.0 / n)
        for d in demand
    )  # fmt: skip
    return ReserveInstance(("w",), ("item",), np.array([k]), np.array([0.0]), 0.0,
                           np.array([m]), np.array([0.0]), 12.0, np.array([np.inf]),
                           np.zeros((1, 1)), np.full((1, 1), np.inf), np.inf, eps)  # fmt: skip


def test_newsvendor_stocks_the_critical_fractile() -> None:
    """min k·x + E[m·(D − x)⁺]: x* is the (1 − k/m) quantile of D. With 400 equally likely
    demands the optimum lies between the 300th and 301st smallest (fractile 0.75); against the
    continuous uniform(0, 1000) it is 750 within sampling error."""
    rng = np.random.default_rng(7)
    d = np.round(rng.uniform(0, 1000, 400), 3)
    sol = solve_reserves(_newsvendor(d, k=1.0, m=4.0))
    x = float(sol.x[0, 0])
    srt = np.sort(d)
    assert srt[299] - 1e-6 <= x <= srt[300] + 1e-6
    assert x == pytest.approx(750.0, abs=40.0)
    # the cost at the optimum by hand: k x + mean(m (D − x)⁺) + the tie-break on what ships
    # (TIE_BREAK_PER_HOUR per unit-hour, 1 hour here)
    by_hand = x + 4.0 * np.maximum(d - x, 0).mean() + TIE_BREAK_PER_HOUR * np.minimum(d, x).mean()
    assert sol.objective == pytest.approx(by_hand, rel=1e-5)


def test_newsvendor_budget_binds() -> None:
    """A budget below the fractile's cost caps the stock at budget / k."""
    d = np.linspace(0, 1000, 101)
    inst = _newsvendor(d, k=2.0, m=10.0)
    from dataclasses import replace

    sol = solve_reserves(replace(inst, budget=500.0))
    assert float(sol.x[0, 0]) == pytest.approx(250.0, abs=1e-6)
    assert sol.stock_cost == pytest.approx(500.0, abs=1e-6)


def _random_instance(rng: np.random.Generator, n_eps: int) -> ReserveInstance:
    p, c = 4, 2
    eps = []
    for _ in range(n_eps):
        nodes = int(rng.integers(1, 4))
        demand = rng.integers(0, 40, (nodes, c)).astype(float)
        src, node = [], []
        for n in range(nodes):
            for j in rng.choice(p, size=int(rng.integers(1, p + 1)), replace=False):
                src.append(int(j))
                node.append(n)
        hours = rng.uniform(2, 20, len(src))
        eps.append(Episode(demand, rng.integers(0, 2, nodes), np.array(src), np.array(node),
                           hours, rng.uniform(1, 5, len(src)), float(rng.uniform(5, 40)),
                           float(rng.uniform(0.5, 2.0)) / n_eps))  # fmt: skip
    return ReserveInstance(
        tuple(f"p{j}" for j in range(p)), ("a", "b"), np.array([3.0, 1.0]),
        np.array([0.1, 0.05]), 50.0, np.array([60.0, 20.0]), np.array([10.0, 4.0]), 12.0,
        np.array([np.inf, 6.0, 4.0, np.inf]), np.zeros((p, c)), np.full((p, c), np.inf),
        float(rng.uniform(50, 300)), tuple(eps),
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_lshaped_equals_the_extensive_form_on_random_reserve_instances(seed: int) -> None:
    inst = _random_instance(np.random.default_rng(seed), 6)
    prog = program(inst)
    ef = solve_extensive(prog)
    ls = solve_lshaped(prog, tol=1e-8)
    assert ls.objective == pytest.approx(ef.objective, rel=1e-6)


@pytest.mark.parametrize("seed", [1, 5])
def test_the_plan_checker_passes_optima_and_catches_broken_plans(seed: int) -> None:
    inst = _random_instance(np.random.default_rng(seed), 5)
    sol = solve_reserves(inst)
    flows = [episode_flows(inst, e, sol.x) for e in inst.episodes]
    assert check_reserve_plan(inst, sol.x, flows) == []
    # the optimum's parts add up: stock cost + Σ_s p_s × (N w_s Q_s)
    n = len(inst.episodes)
    assert sol.objective == pytest.approx(sol.stock_cost + sum(f.cost for f in flows) / n,
                                          rel=1e-6, abs=1e-6)  # fmt: skip
    over = sol.x + inst.budget  # far over budget
    assert any("budget" in p for p in check_reserve_plan(inst, over))
    bad = flows[0]
    from dataclasses import replace

    broken = replace(bad, u=bad.u + 1.0)
    assert any("add up" in p for p in check_reserve_plan(inst, sol.x, [broken]))
    # shipping more than the stock
    f0 = replace(bad, z=bad.z + 1000.0, late=bad.late)
    assert check_reserve_plan(inst, sol.x, [f0])  # late sums and stock both broken


def test_a_malformed_episode_is_refused_with_its_field() -> None:
    with pytest.raises(InstanceError, match="node_day"):
        Episode(np.zeros((2, 1)), np.array([0]), np.array([0]), np.array([0]), np.array([1.0]),
                np.array([1.0]), 1.0)  # fmt: skip
    with pytest.raises(InstanceError, match="demand"):
        Episode(np.array([[-1.0]]), np.array([0]), np.array([0]), np.array([0]),
                np.array([1.0]), np.array([1.0]), 1.0)  # fmt: skip


# -- the built-in scenario ------------------------------------------------------------------
@pytest.fixture(scope="module")
def chongqing_plan():  # type: ignore[no-untyped-def]
    from anjian.scenarios import load_scenario
    from anjian.stock_plans import optimize_stocks

    s = load_scenario("chongqing_flood2020")
    return optimize_stocks(s, scenarios=20, batches=2, n_eval=30, seed=3)


def test_chongqing_plan_holds_and_bounds_are_consistent(chongqing_plan) -> None:  # type: ignore[no-untyped-def]
    plan = chongqing_plan
    assert plan.checks == []
    costs = plan.costs()
    assert costs["plan"] <= plan.budget * (1 + 1e-9)
    # the budget defaults to today's stocks' yearly cost
    assert plan.budget == pytest.approx(costs["today"])
    assert plan.vss >= -1e-6 * abs(plan.solution.objective)
    assert plan.evpi >= -1e-6 * abs(plan.solution.objective)
    assert set(plan.standard["class"]) <= {"urban_high", "urban_low", "rural_high", "rural_low"}
    assert int(plan.standard["townships"].sum()) == len(plan.network.s.townships)
    # a surge stratum in every sample
    assert any(e.label == "aug2020" for e in plan.instance.episodes)
    # 26 windows of 14 days a year, scaled to 365 days, and the 1-in-40-years flood
    assert plan.instance.episodes_per_year == pytest.approx(365 / 14 + 1 / 40, rel=1e-9)


def test_today_stock_cost_by_hand() -> None:
    """Today's yearly stock cost: Σ units × price × (holding share + 1 / shelf life), from the
    scenario's CSV by hand."""
    import pandas as pd

    from anjian.scenarios import load_scenario
    from anjian.scenarios.builtin import folder
    from anjian.stock_plans import reserve_network, stock_cost_yuan_per_year, today_stocks

    s = load_scenario("chongqing")
    stocks = pd.read_csv(folder("chongqing") / "stocks.csv")
    life = {"tent": 8, "quilt": 5, "folding_bed": 10, "raincoat": 5, "emergency_lamp": 5}
    price = {"tent": 1500, "quilt": 150, "folding_bed": 200, "raincoat": 30, "emergency_lamp": 80}
    by_hand = sum(r.stock_units * price[r.commodity] * (0.05 + 1 / life[r.commodity])
                  for r in stocks.itertuples())  # fmt: skip
    net = reserve_network(s, township_candidates=False)
    assert stock_cost_yuan_per_year(net, today_stocks(net)) == pytest.approx(by_hand, rel=1e-12)


def test_no_yearly_holding_cost_is_a_clear_error() -> None:
    from anjian.scenarios import load_scenario
    from anjian.stock_plans import optimize_stocks

    s = load_scenario("toy")
    free = s.with_({"commodities.tent.shelf_life_years": None,
                    "commodities.tent.holding_share_per_year": 0.0})  # fmt: skip
    with pytest.raises(ValueError, match="holding_share_per_year"):
        optimize_stocks(free, scenarios=4, batches=2, n_eval=4)


def test_late_penalty_above_unmet_is_refused() -> None:
    from anjian.scenarios import ScenarioError, load_scenario

    s = load_scenario("toy")
    with pytest.raises(ScenarioError, match="late_penalty_factor"):
        s.with_({"relief_planning.late_penalty_factor": 50.0})


def test_cli_optimize_stocks_writes_tables_and_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from anjian.cli import app

    runner = CliRunner()
    out = tmp_path / "stocks"
    args = ["optimize", "stocks", "toy", "--scenarios", "8", "--batches", "2", "--eval", "10",
            "--verify", "1"]  # fmt: skip
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "物资满足率 / Relief fill rate" in res.output
    for name in ("stock_plan", "standard", "evaluation", "verification"):
        assert (out / f"{name}.csv").is_file()
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output[res.output.index("{") :])
    assert data["checks"] == []
    assert data["costs_yuan_per_year"]["plan"] <= data["budget_yuan_per_year"] * (1 + 1e-9)
    assert {r["case"] for r in data["evaluation"]} >= {"plan", "today", "rule"}


def test_cli_optimize_stocks_bad_input_is_a_clear_error() -> None:
    from typer.testing import CliRunner

    from anjian.cli import app

    res = CliRunner().invoke(app, ["optimize", "stocks", "no_such_scenario"])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    res = CliRunner().invoke(app, ["optimize", "stocks", "toy", "--budget", "-5"])
    assert res.exit_code != 0 and "Traceback" not in res.output

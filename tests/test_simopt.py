"""The simulation–optimization loop (issue 18): MEXCLP's busy fraction fed back from the
simulator converges to the hand-computed fixed point — ρ with queueing, ρ/(1+ρ) with lost
calls (Erlang B, one server) — and on the toy; bad settings and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.scenarios.reference import response_scenario
from anjian.sim.response import ResponseConfig
from anjian.simopt import COLUMNS, busy_fraction, equally_good, vehicle_loop


@pytest.mark.parametrize(("overflow", "expected"), [("queue", 0.5), ("rent", 0.5 / 1.5)])
def test_one_vehicle_converges_to_the_hand_computed_busy_fraction(
    tmp_path: Path, overflow: str, expected: float
) -> None:
    # λ = 0.5 calls an hour, 60 minutes on scene, no travel: ρ = 0.5. Queueing: the vehicle
    # is busy ρ of the time; calls lost to rented vehicles: ρ/(1+ρ) (Erlang B, one server)
    s = response_scenario(tmp_path / "one", {"900001": 0.5}, {"900001": 1}, 60.0)
    cfg = ResponseConfig(years=1.0, seed=3, overflow=overflow, policy="nearest")  # type: ignore[arg-type]
    r = vehicle_loop(s, vehicles=1, reps=4, config=cfg)
    it = r.iterations
    assert list(it.columns) == COLUMNS
    assert r.converged and len(it) == 2
    last = it.iloc[-1]
    assert abs(last["busy_fraction_simulated"] - expected) <= max(
        last["busy_fraction_half_width"], 0.02
    )
    # iteration 2 was solved with iteration 1's simulated busy fraction
    assert it.iloc[1]["busy_fraction_assumed"] == pytest.approx(
        it.iloc[0]["busy_fraction_simulated"]
    )
    # one vehicle, one call type, covered when free: MEXCLP predicts 1 − q
    assert last["predicted_coverage_share"] == pytest.approx(
        1 - last["busy_fraction_assumed"], abs=1e-6
    )
    assert "Converged" in r.reason and r.settings["vehicles"] == 1


def test_the_toy_converges_and_the_plan_is_applied() -> None:
    r = vehicle_loop("toy", vehicles=2, years=0.5, reps=3)
    assert r.converged and len(r.iterations) <= 3
    assert sum(r.solution.plan.counts.values()) == 2
    placed = sum(
        n for d in r.planned.depots.values() for k, n in d.vehicles.items()
        if k in r.solution.vehicles.kinds
    )  # fmt: skip
    assert placed == 2
    assert (r.iterations["sites_changed"].iloc[1:] >= 0).all()


def test_a_plan_is_as_good_as_itself_and_not_as_a_worse_one() -> None:
    r = vehicle_loop("toy", vehicles=2, years=0.25, reps=2, max_iter=1)
    sol = r.solution
    q = float(r.iterations.iloc[-1]["busy_fraction_assumed"])
    best = {str(k): int(v) for k, v in sol.plan.counts.items() if int(v) > 0}
    assert equally_good(sol, best, q)
    # both vehicles on the one site that covers least: strictly worse for MEXCLP
    from anjian.optimize.check import objective_of

    inst = sol.vehicles.instance
    values = []
    for j, site in enumerate(inst.site_ids):
        y = [0.0] * len(inst.site_ids)
        y[j] = 2.0
        values.append((objective_of("mexclp", inst, np.array(y), busy_fraction=q), site))
    worst_value, worst = min(values)
    assert worst_value < sol.plan.objective
    assert not equally_good(sol, {str(worst): 2}, q)
    assert not equally_good(sol, {"no_such_site": 2}, q)


def test_busy_fraction_weights_kinds_by_units() -> None:
    rows = []
    for rep, (u1, u2) in enumerate([(0.2, 0.5), (0.4, 0.5)]):
        rows += [
            (rep, "vehicle_kind", "a", "units", 1.0),
            (rep, "vehicle_kind", "a", "utilisation", u1),
            (rep, "vehicle_kind", "b", "units", 3.0),
            (rep, "vehicle_kind", "b", "utilisation", u2),
        ]
    kpis = pd.DataFrame(rows, columns=["rep", "level", "key", "kpi", "value"])
    mean, half = busy_fraction(kpis, ("a", "b"))
    assert mean == pytest.approx(((0.2 + 1.5) / 4 + (0.4 + 1.5) / 4) / 2)
    assert half > 0


def test_bad_settings_say_what_to_change() -> None:
    with pytest.raises(ValueError, match="reps must be at least 2"):
        vehicle_loop("toy", reps=1)
    with pytest.raises(ValueError, match="tol must be a share"):
        vehicle_loop("toy", tol=2)
    with pytest.raises(ValueError, match="busy_fraction_start"):
        vehicle_loop("toy", busy_fraction_start=1.5)
    with pytest.raises(ValueError, match="max_iter"):
        vehicle_loop("toy", max_iter=0)


def test_cli_prints_the_iterations_and_writes_them(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "loop.csv"
    res = runner.invoke(
        app,
        ["optimize", "loop", "toy", "--vehicles", "2", "--years", "0.3", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert "the simulation–optimization loop" in res.output and "Converged" in res.output
    assert list(pd.read_csv(out, encoding="utf-8-sig").columns) == COLUMNS
    bad = runner.invoke(app, ["optimize", "loop", "toy", "--tol", "3"])
    assert bad.exit_code == 1 and "tol must be a share" in bad.output
    assert "Traceback" not in bad.output


@pytest.mark.slow
def test_the_loop_converges_on_chongqing_with_the_plans_contracted_vehicles() -> None:
    # 166 contracted vehicles: what `anjian run` buys with 10 M yuan (docs/budget.md)
    r = vehicle_loop(
        "chongqing", vehicles=166, kinds=["contracted_rescue"], reps=3, time_limit_s=30
    )
    assert r.converged and len(r.iterations) <= 3
    last = r.iterations.iloc[-1]
    assert 0 < last["busy_fraction_simulated"] < 0.05  # contracted vehicles are mostly idle
    assert 0.5 < last["simulated_within_standard_share"] < 0.8

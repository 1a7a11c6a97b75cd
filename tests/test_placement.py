"""Where a budget step's money goes (anjian.placement): the greedy placements against hand
computations and brute force, and the main job with the optimizers placing its steps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.optimize.allocation import Curve
from anjian.placement import (
    OptimizerPlacement,
    expected_minutes,
    greedy_heads,
    greedy_vehicles,
    placement,
)


def test_expected_minutes_by_hand() -> None:
    # one point, sites 10 and 20 minutes away with one vehicle each, each busy half the time,
    # backup 100 minutes: 10 × ½ + 20 × ½ × ½ + 100 × ¼ = 35
    t = np.array([[20.0, 10.0]])
    e = expected_minutes(t, np.array([1.0, 1.0]), 0.5, np.array([100.0]))
    assert e[0] == pytest.approx(35.0)
    # two vehicles at the near site: 10 × (1 − ¼) + 100 × ¼ = 32.5
    e = expected_minutes(t, np.array([0.0, 2.0]), 0.5, np.array([100.0]))
    assert e[0] == pytest.approx(32.5)
    # never busy: the nearest held site
    e = expected_minutes(t, np.array([1.0, 0.0]), 0.0, np.array([100.0]))
    assert e[0] == pytest.approx(20.0)


def _brute_vehicles(t, w, c, q, backup, n):  # type: ignore[no-untyped-def]
    best, arg = np.inf, None
    for add in itertools.product(range(n + 1), repeat=len(c)):
        if sum(add) != n:
            continue
        v = float(w @ expected_minutes(t, c + np.array(add, float), q, backup))
        if v < best - 1e-12:
            best, arg = v, add
    return best, arg


def test_greedy_vehicles_near_brute_force_and_stops_without_gain() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        t = rng.uniform(5, 60, size=(6, 3))
        w = rng.uniform(0.1, 2.0, size=6)
        c = np.zeros(3)
        backup = np.full(6, 120.0)
        q = float(rng.uniform(0.05, 0.6))
        change = greedy_vehicles(t, w, c, np.zeros(3), q, backup, 3)
        assert change.sum() == 3
        got = float(w @ expected_minutes(t, c + change, q, backup))
        best, _ = _brute_vehicles(t, w, c, q, backup, 3)
        assert got <= best * 1.05  # greedy within 5% of the optimum on these small cases
        assert got >= best - 1e-9
    # never busy: a second vehicle at a site helps nobody, so only one per useful site is bought
    t = np.array([[10.0, 50.0], [50.0, 10.0]])
    change = greedy_vehicles(t, np.ones(2), np.zeros(2), np.zeros(2), 0.0, np.full(2, 90.0), 5)
    assert change.tolist() == [1, 1]


def test_greedy_vehicles_cuts_only_movable_where_least_lost() -> None:
    t = np.array([[10.0, 30.0, 12.0]])
    counts = np.array([1.0, 1.0, 1.0])
    movable = np.array([1.0, 1.0, 0.0])  # the third is another kind: not cut
    change = greedy_vehicles(t, np.ones(1), counts, movable, 0.3, np.array([200.0]), -1)
    # removing the 30-minute vehicle costs less than removing the 10-minute one
    assert change.tolist() == [0, -1, 0]
    change = greedy_vehicles(t, np.ones(1), counts, movable, 0.3, np.array([200.0]), -5)
    assert change.tolist() == [-1, -1, 0]  # only what may be cut is cut


def test_greedy_heads_matches_brute_force_on_concave_curves() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        units = [("a", "k1"), ("b", "k1"), ("b", "k2")]
        curves, heads, cost = {}, {}, {}
        for u in units:
            x = np.array([2.0, 4.0, 6.0, 10.0])
            slopes = np.sort(rng.uniform(0.0, 1.0, size=3))[::-1]
            v = np.concatenate([[0.0], np.cumsum(slopes * np.diff(x))])
            curves[u] = Curve(x, v)
            heads[u] = 4
            cost[u] = float(rng.choice([1.0, 2.0]))
        budget = 6.0
        change = greedy_heads(heads, curves, cost, budget)
        spent = sum(cost[u] * n for u, n in change.items())
        gain = sum(
            float(curves[u](heads[u] + change.get(u, 0)) - curves[u](heads[u])) for u in units
        )
        assert spent <= budget + 0.5 * max(cost.values())
        best = 0.0
        for add in itertools.product(range(7), repeat=3):
            if sum(cost[u] * a for u, a in zip(units, add, strict=True)) > spent + 1e-9:
                continue
            if any(heads[u] + a > 10 for u, a in zip(units, add, strict=True)):
                continue
            g = sum(float(curves[u](heads[u] + a) - curves[u](heads[u]))
                    for u, a in zip(units, add, strict=True))  # fmt: skip
            best = max(best, g)
        # greedy by value per yuan is optimal for equal costs and within one head's gain else
        assert gain >= best - max(float(c.slopes.max()) for c in curves.values()) * 2 - 1e-9
        if len(set(cost.values())) == 1:
            assert gain == pytest.approx(best)


def test_greedy_heads_stays_within_the_sampled_range() -> None:
    curve = Curve(np.array([5.0, 10.0, 15.0]), np.array([0.0, 5.0, 6.0]))
    up = greedy_heads({("a", "k"): 10}, {("a", "k"): curve}, {("a", "k"): 1.0}, 100.0)
    assert up == {("a", "k"): 5}  # to the last sample, not beyond
    down = greedy_heads({("a", "k"): 10}, {("a", "k"): curve}, {("a", "k"): 1.0}, -100.0)
    assert down == {("a", "k"): -5}  # to the first sample, not below
    flat = Curve(np.array([5.0, 10.0, 15.0]), np.array([0.0, 0.0, 0.0]))
    assert greedy_heads({("a", "k"): 10}, {("a", "k"): flat}, {("a", "k"): 1.0}, 100.0) == {}


def test_unknown_placement_is_refused() -> None:
    from anjian.scenarios import load_scenario

    with pytest.raises(ValueError, match="placement must be one of"):
        placement("clever", load_scenario("toy"))


def test_run_with_optimizer_placement_on_toy() -> None:
    from anjian.budget import appraise
    from anjian.run import recommend
    from anjian.scenarios import load_scenario

    s = load_scenario("toy")
    base = appraise(s, years=0.5, reps=2, seed=0)
    place = OptimizerPlacement(s)
    over, what = place(s, "inspectors", 200_000.0, base)
    assert what.startswith("+") and over
    # the heads go where the curves' slope per yuan is largest at today's staff
    curves = place.curves()
    kinds = s.inspector_kinds
    value = {u: (float(c(s.staff[u[0]][u[1]] + 1) - c(s.staff[u[0]][u[1]])))
             / kinds[u[1]].head_cost_yuan_per_year for u, c in curves.items()}  # fmt: skip
    best = max(value, key=lambda u: value[u])
    assert f"staff.{best[0]}.{best[1]}" in over
    cost = sum(
        (n - s.staff[p.split(".")[1]][p.split(".")[2]])
        * kinds[p.split(".")[2]].head_cost_yuan_per_year
        for p, n in over.items()
    )
    assert abs(cost - 200_000.0) <= 0.5 * max(k.head_cost_yuan_per_year for k in kinds.values())
    vo, vwhat = place(s, "vehicles", 200_000.0, base)
    assert "辆" in vwhat and vo
    r = recommend(s, years=0.5, reps=2, rounds=1, workers=1, placement="optimizers")
    assert r.settings["placement"] == "optimizers"
    assert not r.margins.empty
    with pytest.raises(ValueError, match="placement must be one of"):
        recommend(s, years=0.5, reps=2, rounds=1, workers=1, placement="magic")


def test_cli_refuses_unknown_placement() -> None:
    from anjian.cli import app

    res = CliRunner().invoke(app, ["run", "toy", "--place", "magic"])
    assert res.exit_code == 2
    assert "--place must be one of" in res.output


def test_a_vehicle_farther_than_the_backup_changes_nothing() -> None:
    t = np.array([[300.0, 20.0]])
    backup = np.array([100.0])
    far = expected_minutes(t, np.array([1.0, 0.0]), 0.0, backup)
    assert far[0] == pytest.approx(100.0)  # the backup is nearer: it is sent
    change = greedy_vehicles(t, np.ones(1), np.zeros(2), np.zeros(2), 0.1, backup, 1)
    assert change.tolist() == [0, 1]
    # only the far site to choose from: buying there helps nobody, so nothing is bought
    change = greedy_vehicles(t[:, :1], np.ones(1), np.zeros(1), np.zeros(1), 0.1, backup, 2)
    assert change.tolist() == [0]

"""Harm against budget (issue 18): ``anjian frontier`` — dominance by hand and as a property,
the walk on the toy scenario (more budget never worsens the frontier, every point reproduces
from its overrides), bad settings and the CLI's files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from anjian.budget import appraise
from anjian.cli import app
from anjian.frontier import COLUMNS, dominance, frontier, pareto
from anjian.scenarios import load_scenario


def test_dominance_by_hand() -> None:
    cost = [1, 2, 2, 3, 4]
    harm = [5, 4, 6, 4, 1]
    keep, best = dominance(cost, harm)
    # (2, 6) is beaten by (1, 5) and (2, 4); (3, 4) costs more than (2, 4) for the same harm
    assert keep.tolist() == [True, True, False, False, True]
    assert best.tolist() == [5, 4, 4, 4, 1]
    # within the tolerance a cost counts as no dearer: (2.01, 3.9) beats (2, 4)
    keep, best = dominance([2.0, 2.01], [4.0, 3.9], tol=0.02)
    assert keep.tolist() == [False, True]
    assert best.tolist() == [3.9, 3.9]
    keep, _ = dominance([2.0, 2.01], [4.0, 3.9], tol=0.0)
    assert keep.tolist() == [True, True]
    with pytest.raises(ValueError, match="same length"):
        dominance([1, 2], [1])
    with pytest.raises(ValueError, match="finite"):
        dominance([1, np.nan], [1, 2])
    with pytest.raises(ValueError, match="tol"):
        dominance([1], [1], tol=-1)


def test_pareto_by_hand() -> None:
    # minimise both: (1, 3) and (3, 1) trade off; (2, 2) too; (3, 3) is beaten by all three;
    # (1, 3) twice: neither beats the other
    v = [[1, 3], [3, 1], [2, 2], [3, 3], [1, 3]]
    assert pareto(v).tolist() == [True, True, True, False, True]
    assert pareto([[0, 0, 0], [0, 0, 1]]).tolist() == [True, False]
    with pytest.raises(ValueError, match="2-D"):
        pareto([1, 2])
    with pytest.raises(ValueError, match="finite"):
        pareto([[1, np.inf]])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=12))
def test_dominance_properties(points: list[tuple[int, int]]) -> None:
    c = np.array([p[0] for p in points], dtype=float)
    h = np.array([p[1] for p in points], dtype=float)
    keep, best = dominance(c, h)
    order = np.argsort(c, kind="stable")
    # more money never worsens the frontier
    assert np.all(np.diff(best[order]) <= 0)
    # the frontier is the least harm for no more money, and every kept point lies on it
    for i in range(len(c)):
        assert best[i] == h[c <= c[i]].min()
        if keep[i]:
            assert h[i] == best[i]
            # and no point beats it
            assert not np.any((c <= c[i]) & (h < h[i]))
    # the cheapest of the least harmful points is always kept
    low = np.flatnonzero(h == h.min())
    assert keep[low[np.argmin(c[low])]]


@pytest.fixture(scope="module")
def toy():  # type: ignore[no-untyped-def]
    return load_scenario("toy")


@pytest.fixture(scope="module")
def walk(toy):  # type: ignore[no-untyped-def]
    return frontier(toy, start="today", up=2, down=2, years=0.25, reps=3, workers=1)


def test_the_walk_spends_more_up_and_less_down_and_more_never_hurts(walk) -> None:  # type: ignore[no-untyped-def]
    df = walk.points
    assert list(df.columns) == COLUMNS
    assert df["point"].iloc[0] == "-2" and "today" in set(df["point"])
    steps = df["steps"].to_numpy()
    assert np.all(np.diff(steps) >= 0)  # ordered from the deepest cut to the last purchase
    cost = df["total_yuan_per_year"].to_numpy()
    # every cut saves money, every purchase costs money
    assert np.all(np.diff(cost) > 0)
    order = np.argsort(cost)
    assert np.all(np.diff(df["frontier_deaths_per_year"].to_numpy()[order]) <= 1e-12)
    today = df.set_index("point").loc["today"]
    assert today["change_vs_today"] == 0 and today["change_half_width"] == 0
    parts = df[["accident_deaths_per_year", "response_deaths_per_year", "relief_deaths_per_year"]]
    assert np.allclose(parts.sum(axis=1), df["harm_deaths_per_year"], atol=1e-9)
    assert bool(df["non_dominated"].any())
    # between objectives: each point's KPIs are shares, and some point is non-dominated
    for col in ("within_standard_share", "on_time_rate", "relief_fill_rate"):
        assert df[col].between(0, 1).all(), col
    assert bool(df["non_dominated_kpis"].any())
    # a point non-dominated on cost and harm need not be so on the KPIs, but the flag is
    # consistent: no flagged point is matched or beaten on all three KPIs by a cheaper one
    kp = df[["within_standard_share", "on_time_rate", "relief_fill_rate"]].to_numpy()
    for i in np.flatnonzero(df["non_dominated_kpis"].to_numpy()):
        cheaper = cost < cost[i] - 1e-6
        assert not np.any(cheaper & (kp >= kp[i]).all(axis=1) & (kp > kp[i]).any(axis=1))
    st = walk.settings
    assert (st["search_seed"], st["walk_seed"], st["comparison_seed"]) == (0, 0, 1)
    assert st["step_yuan"] == 200_000  # the run's default step on the toy


def test_every_point_reproduces_from_its_overrides(toy, walk) -> None:  # type: ignore[no-untyped-def]
    st = walk.settings
    df = walk.points.set_index("point")
    for point in ("-2", "+2"):
        if point not in df.index:
            continue
        a = appraise(
            toy.with_(walk.overrides[point]),
            years=st["years"],
            reps=st["reps"],
            seed=st["comparison_seed"],
            budget=st["budget_yuan_per_year"],
        )
        assert a.totals.total == pytest.approx(df.at[point, "total_yuan_per_year"], rel=1e-12)
        mean = float(a.harm_summary.set_index("kpi").at["harm_deaths_per_year", "mean"])
        assert mean == pytest.approx(df.at[point, "harm_deaths_per_year"], rel=1e-12)


def test_bad_settings_are_refused_before_any_work(toy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="start must be one of"):
        frontier(toy, start="tomorrow")
    with pytest.raises(ValueError, match="reps must be at least 2"):
        frontier(toy, reps=1)
    with pytest.raises(ValueError, match="not both 0"):
        frontier(toy, up=0, down=0)
    with pytest.raises(ValueError, match="step_yuan must be a positive"):
        frontier(toy, step_yuan=-5)
    with pytest.raises(ValueError, match="fewer --down steps"):
        frontier(toy, start="today", down=30, years=0.1, reps=2, workers=1)


def test_cli_writes_the_frontier_and_refuses_a_bad_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    bad = runner.invoke(app, ["frontier", "toy", "--from", "yesterday"])
    assert bad.exit_code == 2 and "--from 'yesterday'" in bad.output
    assert "Traceback" not in bad.output
    out = tmp_path / "fr"
    res = runner.invoke(
        app,
        ["frontier", "toy", "--from", "plan", "--rounds", "0", "--up", "1", "--down", "1",
         "--years", "0.2", "--reps", "2", "--workers", "1", "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert {"frontier.csv", "frontier.json", "frontier.png", "frontier.html"} <= {
        p.name for p in out.iterdir()
    }
    meta = json.loads((out / "frontier.json").read_text(encoding="utf-8"))
    assert meta["start"] == "plan" and meta["reps"] == 2 and "code_version" in meta
    # with no rounds the plan is today's allocation: same cost, same harm on the same seed
    import pandas as pd

    df = pd.read_csv(out / "frontier.csv", encoding="utf-8-sig").set_index("point")
    assert df.at["plan", "total_yuan_per_year"] == df.at["today", "total_yuan_per_year"]
    assert df.at["plan", "harm_deaths_per_year"] == df.at["today", "harm_deaths_per_year"]
    assert "预算前沿 / the frontier" in res.output
    html = (out / "frontier.html").read_text(encoding="utf-8")
    assert "前沿 / Harm against budget" in html and "data:image/png;base64," in html

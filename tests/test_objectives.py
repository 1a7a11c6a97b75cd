"""The frontier between objectives (anjian.objectives) and the search's objective
(anjian.budget.objective_tidy, recommend(objective=...)) on the toy scenario."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.budget import SEARCH_OBJECTIVES, appraise, objective_tidy
from anjian.frontier import pareto
from anjian.objectives import KPI_COLUMNS, ObjectiveFrontier, between_objectives
from anjian.scenarios import load_scenario


@pytest.fixture(scope="module")
def toy_appraisal():  # type: ignore[no-untyped-def]
    return appraise(load_scenario("toy"), years=0.5, reps=2, seed=0)


@pytest.fixture(scope="module")
def toy_between() -> ObjectiveFrontier:
    return between_objectives(load_scenario("toy"), years=0.5, reps=2, rounds=1, workers=1)


def test_objective_tidy_is_harm_or_the_negated_kpi(toy_appraisal) -> None:  # type: ignore[no-untyped-def]
    a = toy_appraisal
    harm = objective_tidy(a, "harm")
    want = a.harm[a.harm["kpi"] == "harm_deaths_per_year"]["value"].to_numpy(float)
    assert np.allclose(harm.sort_values("rep")["value"].to_numpy(float), want)
    k = a.kpis
    for name, (model, kpi) in ((n, m) for n, m in SEARCH_OBJECTIVES.items() if m):
        got = objective_tidy(a, name).sort_values("rep")["value"].to_numpy(float)
        rows = k[(k["model"] == model) & (k["level"] == "city") & (k["kpi"] == kpi)]
        assert np.allclose(got, -rows.sort_values("rep")["value"].to_numpy(float))
        assert (got <= 0).all() and (got >= -1).all()  # a share, negated
    with pytest.raises(ValueError, match="objective must be one of"):
        objective_tidy(a, "happiness")


def test_between_objectives_table(toy_between: ObjectiveFrontier) -> None:
    f = toy_between
    df = f.points
    assert df["point"].iloc[0] == "today"
    # every objective is someone's; plans found twice are one row
    found = [o for objs in df["objectives"] for o in str(objs).split(";") if o]
    assert sorted(found) == sorted(SEARCH_OBJECTIVES)
    assert len(df) == 1 + len({tuple(sorted(v.items())) for k, v in f.overrides.items()
                               if k != "today"})  # fmt: skip
    today = df.iloc[0]
    assert today["harm_change"] == 0.0
    assert all(v for k, v in f.overrides.items() if k != "today")  # a plan moves something
    for k in KPI_COLUMNS:
        assert today[f"{k}_change"] == pytest.approx(0.0, abs=1e-12)
        assert 0.0 <= today[k] <= 1.0
    budget = f.settings["budget_yuan_per_year"]
    assert (df.loc[df["within_budget"], "total_yuan_per_year"]
            <= budget + f.settings["cost_tolerance_yuan"]).all()  # fmt: skip
    # the Pareto flags recomputed by hand from the table
    ok = df["within_budget"].to_numpy(bool)
    vals = np.column_stack([df.loc[ok, "harm_deaths_per_year"]]
                           + [-df.loc[ok, k].to_numpy(float) for k in KPI_COLUMNS])  # fmt: skip
    assert df.loc[ok, "pareto"].tolist() == pareto(vals).tolist()
    assert df["pareto"].any()
    assert f.settings["table_seed"] == f.settings["search_seed"] + 2


def test_recommend_for_a_kpi_objective_records_it() -> None:
    from anjian.run import recommend

    s = load_scenario("toy")
    r = recommend(s, years=0.5, reps=2, rounds=1, workers=1, objective="on_time_rate")
    assert r.settings["objective"] == "on_time_rate"
    assert {"objective_change", "objective_half_width", "objective_per_10k_yuan"} <= set(
        r.margins.columns
    )
    # a KPI's change is the negated change of the share: in [-1, 1]
    assert r.margins["objective_change"].abs().max() <= 1.0
    with pytest.raises(ValueError, match="objective must be one of"):
        recommend(s, years=0.5, reps=2, rounds=1, workers=1, objective="joy")


def test_between_objectives_refuses_bad_lists() -> None:
    s = load_scenario("toy")
    with pytest.raises(ValueError, match="at least one"):
        between_objectives(s, objectives=[])
    with pytest.raises(ValueError, match="unknown objectives"):
        between_objectives(s, objectives=["harm", "speed"])
    with pytest.raises(ValueError, match="twice"):
        between_objectives(s, objectives=["harm", "harm"])


def test_cli_objectives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from anjian.cli import app

    bad = CliRunner().invoke(app, ["objectives", "toy", "--objectives", "harm,speed"])
    assert bad.exit_code == 2 and "unknown" in bad.output
    res = CliRunner().invoke(
        app,
        ["objectives", "toy", "--objectives", "harm,on_time_rate", "--years", "0.5",
         "--reps", "2", "--rounds", "1", "--workers", "1", "--out", str(tmp_path)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    for name in ("objectives.csv", "objectives.json", "objectives.html"):
        assert (tmp_path / name).stat().st_size > 0
    html = (tmp_path / "objectives.html").read_text(encoding="utf-8")
    assert "帕累托最优" in html and "Pareto-optimal" in html
    assert "现状" in res.output and "Pareto" in res.output

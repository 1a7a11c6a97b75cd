"""A planner's own edit of the plan (issue 18, the Budget page): priced and simulated on the
run's comparison replications, paired with today and with the plan."""

from __future__ import annotations

import pytest

from anjian.plan_edit import compare_edit, edit_overrides
from anjian.run import recommend
from anjian.scenarios import load_scenario


@pytest.fixture(scope="module")
def run():  # type: ignore[no-untyped-def]
    return recommend(load_scenario("toy"), years=0.25, reps=3, rounds=1, workers=1)


def test_an_edit_is_priced_and_paired_with_today_and_the_plan(run) -> None:  # type: ignore[no-untyped-def]
    e = compare_edit(run, {"inspectors": 1, "vehicles": 0, "stocks": -1})
    c = e.costs.set_index("resource")
    step = run.settings["step_yuan"]
    # one step of inspectors: whole heads, about one step's money; stocks scaled down
    assert c.at["inspectors", "edit"] - c.at["inspectors", "plan"] == pytest.approx(step, rel=0.3)
    assert c.at["stocks", "edit"] < c.at["stocks", "plan"]
    assert c.at["vehicles", "edit"] == pytest.approx(c.at["vehicles", "plan"], rel=0.05)
    assert c.at["total", "edit"] == pytest.approx(c.loc[list(c.index[:3]), "edit"].sum())
    h = e.harm.set_index("kpi")
    for k in h.index:  # paired on the same replications: the mean change is the means' change
        assert h.at[k, "vs_plan"] == pytest.approx(h.at[k, "edit"] - h.at[k, "plan"], abs=1e-9)
        assert h.at[k, "vs_today"] == pytest.approx(h.at[k, "edit"] - h.at[k, "today"], abs=1e-9)
    assert h.at["harm_deaths_per_year", "today"] == pytest.approx(
        float(run.today.harm_summary.set_index("kpi").at["harm_deaths_per_year", "mean"])
    )
    assert e.appraisal.seed == run.settings["comparison_seed"]
    assert len(e.what) == 2 and all(" / " in w for w in e.what)


def test_an_edit_over_the_budget_is_flagged(run) -> None:  # type: ignore[no-untyped-def]
    # the toy's budget is 5 M yuan; today costs about 4.2 M: ten steps (2 M) of heads is over
    e = compare_edit(run, {"inspectors": 10})
    assert not e.within_budget
    assert e.appraisal.totals.total > run.settings["budget_yuan_per_year"]


def test_bad_edits_say_what_is_wrong(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="changes nothing"):
        compare_edit(run, {"inspectors": 0})
    with pytest.raises(ValueError, match="unknown resource 'drones'"):
        compare_edit(run, {"drones": 1})
    with pytest.raises(ValueError, match="whole number"):
        compare_edit(run, {"vehicles": 0.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="whole number"):
        compare_edit(run, {"vehicles": 500})
    with pytest.raises(ValueError, match="positive"):
        edit_overrides(run.plan_scenario, {"vehicles": 1}, 0.0)

"""The main job (issue 18): ``anjian run`` on the toy scenario — the search keeps the budget,
accepts only moves the simulator confirms, compares afresh, and writes its report."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.run import TOLERANCE_SHARE, default_step, recommend
from anjian.run_report import write_report
from anjian.scenarios import load_scenario


@pytest.fixture(scope="module")
def toy():  # type: ignore[no-untyped-def]
    return load_scenario("toy")


@pytest.fixture(scope="module")
def run(toy):  # type: ignore[no-untyped-def]
    return recommend(toy, years=0.5, reps=3, rounds=2, workers=1)


def test_the_step_can_buy_one_of_each_resource(toy) -> None:  # type: ignore[no-untyped-def]
    # 0.3% of 5 M is 15,000 yuan: less than a head (112,000) or a vehicle (200,000)
    assert default_step(toy, 5_000_000) == 200_000
    assert default_step(toy, 3_320_789_327) == pytest.approx(10_000_000)


def test_the_plan_keeps_the_budget_and_every_accepted_move_was_confirmed(toy, run) -> None:  # type: ignore[no-untyped-def]
    step = run.settings["step_yuan"]
    assert run.plan.totals.total <= run.settings["budget_yuan_per_year"] + TOLERANCE_SHARE * step
    for m in run.moves.to_dict("records"):
        if m["accepted"]:
            assert m["harm_change"] + m["half_width"] < 0
    accepted = int(run.moves["accepted"].sum()) if not run.moves.empty else 0
    assert bool(run.overrides) == (accepted > 0)
    # the comparison is made afresh: on the seed after the search's
    assert run.today.seed == run.settings["search_seed"] + 1 == run.plan.seed
    # the plan is the scenario with the overrides, validated
    again = toy.with_(run.overrides)
    assert again.staff == run.plan_scenario.staff
    hd = run.harm_diff().set_index("kpi")
    assert hd.at["harm_deaths_per_year", "change"] == pytest.approx(
        hd.at["harm_deaths_per_year", "plan"] - hd.at["harm_deaths_per_year", "today"], abs=1e-9
    )
    kd = run.kpi_diff()
    assert {"on_time_rate", "response_mean_min", "relief_fill_rate"} <= set(kd["kpi"])


def test_with_no_rounds_the_plan_is_today(toy) -> None:  # type: ignore[no-untyped-def]
    r = recommend(toy, years=0.25, reps=2, rounds=0, workers=1)
    assert r.overrides == {} and r.moves.empty
    assert r.plan is r.today
    from anjian.run_report import district_map

    assert district_map(r, cjk=False) is None  # nothing moves: no map
    with pytest.raises(ValueError, match="reps must be at least 2"):
        recommend(toy, reps=1)


def test_over_budget_the_search_cuts_until_within_the_budget(toy) -> None:  # type: ignore[no-untyped-def]
    tight = toy.with_(budget={"total_yuan_per_year": 3_000_000})  # today costs ≈ 4.17 M
    r = recommend(tight, years=0.25, reps=2, rounds=1, workers=1)
    cuts = r.moves[r.moves["to"] == ""]
    assert len(cuts) >= 5 and (cuts["yuan_per_year"] < 0).all()  # rounds of cuts beyond --rounds
    last = r.moves.iloc[-1]
    assert last["within_budget"] and not r.moves.iloc[0]["within_budget"]
    assert not any("still" in n for n in r.notes)
    # the toy's incident types have no harm relation: the search is told it cannot see vehicles
    assert any("cannot see what vehicles are worth" in n for n in r.notes)
    with pytest.raises(ValueError, match="more than a quarter of the budget"):
        recommend(toy, years=0.25, reps=2, step_yuan=2_000_000, workers=1)


def test_the_report_is_bilingual_self_contained_and_records_its_settings(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_report(run, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "同一预算下的更优配置" in text and "A better allocation of the same budget" in text
    assert text.count("data:image/png;base64,") >= 3  # figures embedded, no external files
    assert "harm_deaths_per_year" not in text and "http" not in text.replace("http-equiv", "")
    meta = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert meta["scenario"] == "toy" and meta["reps"] == 3 and meta["search_seed"] == 0
    assert meta["code_version"]
    for name in ("cost_today", "cost_plan", "harm", "kpis", "moves", "margins"):
        assert (tmp_path / f"{name}.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_run_command_writes_the_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(app, ["run", "toy", "--years", "0.25", "--reps", "2", "--rounds", "1",
                                   "--workers", "1", "--out", str(tmp_path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.html").exists()
    assert "报告 / report" in res.stdout and "预期死亡" in res.stdout
    bad = CliRunner().invoke(app, ["run", "no-such-scenario", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    afile = tmp_path / "a-file"
    afile.write_text("")
    bad = CliRunner().invoke(app, ["run", "toy", "--out", str(afile)])
    assert bad.exit_code == 2 and "not a folder" in " ".join(bad.output.split())
    assert (tmp_path / "moves.csv").read_text(encoding="utf-8-sig").startswith("round,from,to")


def test_a_budget_must_be_positive_and_plausible(toy) -> None:  # type: ignore[no-untyped-def]
    from anjian.scenarios import ScenarioError

    for bad in (0.0, 1e15):
        with pytest.raises(ScenarioError, match="total_yuan_per_year"):
            toy.with_(budget={"total_yuan_per_year": bad})


def test_the_plan_is_the_candidate_that_ranking_and_selection_chose() -> None:
    # 万州 Wanzhou (500101) alone: round 1 moves money from inspectors to vehicles (confirmed), so
    # KN chooses between today and the allocation after round 1 on fresh replications
    from anjian.scenarios.derive import district_subscenario

    wanzhou = district_subscenario(load_scenario("chongqing"), "500101")
    assert wanzhou.districts["500101"].name_pinyin == "Wanzhou"
    r = recommend(wanzhou, years=0.5, reps=3, rounds=1, workers=1)
    assert bool(r.moves["accepted"].iloc[0])
    sel = r.settings["selection"]
    assert sel is not None, r.notes
    assert sel["procedure"].startswith("KN") and sel["candidates"] == [
        "现状 today",
        "第 1 轮后 after round 1",
    ]
    assert sel["alpha"] == 0.05 and 3 <= sel["replications"] <= 10
    # δ is 1% of today's harm on the fresh replications
    today_harm = r.harm_diff().set_index("kpi").at["harm_deaths_per_year", "today"]
    assert sel["delta_deaths_per_year"] == pytest.approx(0.01 * today_harm, rel=1e-9)
    assert any("Ranking and selection (KN)" in n for n in r.notes)
    # the search's gain (−1.6 ± 0.3 deaths a year) is far beyond δ: KN keeps the move
    assert sel["selected"] == "第 1 轮后 after round 1" and sel["guaranteed"]
    assert r.overrides and r.plan.seed == r.today.seed == 1
    assert r.plan.totals.total < r.today.totals.total
    # the district map: vehicles the plan adds in 万州, and the change in its mean response
    from anjian.run_report import district_map

    paid = {k for k, v in wanzhou.vehicle_kinds.items() if v.cost_yuan_per_year > 0}

    def fleet(s):  # type: ignore[no-untyped-def]
        return sum(n for d in s.depots.values() for k, n in d.vehicles.items() if k in paid)

    assert fleet(r.plan_scenario) > fleet(wanzhou)
    m = district_map(r, cjk=False)
    assert m is not None and len(m[0]) > 1000 and "By district" in m[2]


def test_selection_settings_are_checked_before_any_work(toy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for kw, match in (
        ({"alpha": 1.5}, "alpha must be between 0 and 1"),
        ({"delta": -1.0}, "delta must be a positive"),
        ({"max_reps": 2, "reps": 3}, r"max_reps \(2\) must be at least reps \(3\)"),
    ):
        with pytest.raises(ValueError, match=match):
            recommend(toy, **kw)  # type: ignore[arg-type]
    bad = CliRunner().invoke(app, ["run", "toy", "--alpha", "0", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "alpha" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "x").exists()


def test_a_split_cap_in_the_budget_holds_the_search() -> None:
    # 万州 Wanzhou alone buys vehicles in round 1 (the test above); with the budget's vehicle
    # split fixed at what its vehicles cost today, no purchase of vehicles is allowed
    from anjian.budget import appraise
    from anjian.run import split_caps
    from anjian.scenarios.derive import district_subscenario

    wanzhou = district_subscenario(load_scenario("chongqing"), "500101")
    assert split_caps(wanzhou) == {}
    today = appraise(wanzhou, years=0.5, reps=3, seed=0).totals
    capped = wanzhou.with_(
        budget={
            "total_yuan_per_year": today.total,
            "vehicles_yuan_per_year": today.by_resource["vehicles"],
        }
    )
    assert split_caps(capped) == {"vehicles": pytest.approx(today.by_resource["vehicles"])}
    r = recommend(capped, years=0.5, reps=3, rounds=1, workers=1)
    assert not (r.moves["to"] == "vehicles").any(), r.moves
    assert any("split caps" in n for n in r.notes)
    assert r.overrides == {} or not any(k.startswith("depots.") for k in r.overrides)


def test_the_frontier_walk_up_keeps_the_split() -> None:
    # 万州 Wanzhou's best purchase is vehicles; with its vehicle split fixed at today's vehicle
    # cost, the frontier's walk up buys something else (or stops), never vehicles
    from anjian.budget import appraise
    from anjian.frontier import frontier
    from anjian.scenarios.derive import district_subscenario

    wanzhou = district_subscenario(load_scenario("chongqing"), "500101")
    free = frontier(wanzhou, start="today", up=1, down=0, years=0.5, reps=3, workers=1)
    first = free.points[free.points["point"] == "+1"]
    assert len(first) == 1 and "车辆" in str(first["move"].iloc[0])  # vehicles, unconstrained
    today = appraise(wanzhou, years=0.5, reps=3, seed=0).totals
    capped = wanzhou.with_(
        budget={
            "total_yuan_per_year": today.total,
            "vehicles_yuan_per_year": today.by_resource["vehicles"],
        }
    )
    f = frontier(capped, start="today", up=1, down=0, years=0.5, reps=3, workers=1)
    assert f.settings["split_caps_yuan"] == {
        "vehicles": pytest.approx(today.by_resource["vehicles"])
    }
    up = f.points[f.points["point"] == "+1"]
    assert up.empty or "车辆" not in str(up["move"].iloc[0])
    # the note names the cap that held vehicles back
    assert any("cap in the budget's split" in n for n in f.notes), f.notes

"""Marginal values by district (issue 18): one more vehicle at each district's depot, more
inspectors of each paid kind (the district cut out), more stock in its warehouses — each
paired with the allocation under common random numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.budget import appraise, by_key
from anjian.cli import app
from anjian.district_margins import (
    COLUMNS,
    district_kinds,
    inspector_margins_by_district,
    margins_by_district,
    purchase_kind,
    stock_margins_by_district,
    vehicle_margins_by_district,
)
from anjian.scenarios import load_scenario
from anjian.sim.stats import paired_difference


def test_one_more_vehicle_per_district_on_the_toy() -> None:
    toy = load_scenario("toy")
    kind = purchase_kind(toy)
    assert toy.vehicle_kinds[kind].cost_yuan_per_year > 0
    df = vehicle_margins_by_district(toy, years=0.25, reps=2, workers=1)
    assert list(df.columns) == COLUMNS
    assert set(df["adcode"]) == set(toy.districts)  # every toy district has a depot
    # the cost added is the vehicle's yearly cost, give or take the per-use fees it changes
    cost = toy.vehicle_kinds[kind].cost_yuan_per_year
    assert ((df["added_yuan_per_year"] - cost).abs() <= 0.1 * cost).all()
    # the toy's incident types have no harm relation: a vehicle changes no deaths
    assert (df["harm_change"] == 0).all() and not df["significant"].any()
    assert not df["saves_money"].any()


def test_in_wanzhou_a_contracted_vehicle_saves_lives_where_rented_ones_serve() -> None:
    from anjian.scenarios.derive import district_subscenario

    wanzhou = district_subscenario(load_scenario("chongqing"), "500101")  # 万州区
    assert wanzhou.districts["500101"].name_pinyin == "Wanzhou"
    assert purchase_kind(wanzhou) == "contracted_rescue"
    df = vehicle_margins_by_district(wanzhou, years=1.0, reps=5, workers=1)
    assert len(df) == 1
    row = df.iloc[0]
    # today's rescue there is rented (≈ 90 min to mobilise): one contracted vehicle
    # (≈ 25 min) takes calls sooner, and harm falls with a paired CI below zero
    # (measured: −1.77 ± 0.30 deaths a year)
    assert row["harm_change"] < 0 and row["significant"]
    # and it costs less than the rented per-use fees it saves (measured: −14,400 yuan a year)
    assert row["added_yuan_per_year"] < 0 and row["saves_money"]
    assert np.isnan(row["deaths_averted_per_10k_yuan"])


def test_cli_margins_writes_the_table_and_checks_the_plan_file(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "m.csv"
    res = runner.invoke(
        app, ["margins", "toy", "--years", "0.2", "--workers", "1", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "one more vehicle per district" in res.output and "城中区 Chengzhong" in res.output
    assert out.exists()
    bad = tmp_path / "run.json"
    bad.write_text("{not json", encoding="utf-8")
    r = runner.invoke(app, ["margins", "toy", "--plan", str(bad)])
    assert r.exit_code == 2 and "not a readable run.json" in r.output
    bad.write_text(json.dumps({"scenario": "chongqing", "overrides": {}}), encoding="utf-8")
    r = runner.invoke(app, ["margins", "toy", "--plan", str(bad)])
    assert r.exit_code == 2 and "is a run of 'chongqing'" in r.output
    bad.write_text(json.dumps({"scenario": "toy"}), encoding="utf-8")
    r = runner.invoke(app, ["margins", "toy", "--plan", str(bad)])
    assert r.exit_code == 2 and "no 'overrides'" in r.output
    assert "Traceback" not in r.output


def test_reps_must_allow_a_ci() -> None:
    with pytest.raises(ValueError, match="reps must be at least 2"):
        vehicle_margins_by_district(load_scenario("toy"), reps=1)


def test_more_inspectors_per_district_and_kind_on_the_toy() -> None:
    toy = load_scenario("toy")
    df = inspector_margins_by_district(toy, heads=5, years=1.0, reps=4, workers=1)
    assert list(df.columns) == COLUMNS
    pairs = {(a, k) for a in toy.districts for k in district_kinds(toy, a)}
    assert set(zip(df["adcode"], df["kind"], strict=True)) == pairs and len(df) == len(pairs)
    assert (df["resource"] == "inspectors").all()
    row = df[(df["adcode"] == "900002") & (df["kind"] == "district_certified")].iloc[0]
    # five certified heads cost five salaries (no kits are added with them on the toy)
    head = toy.inspector_kinds["district_certified"].head_cost_yuan_per_year
    assert row["added_yuan_per_year"] == pytest.approx(5 * head)
    # the district cut out agrees with the whole city simulated with the same heads added
    # (paired, the accident part of harm), within the two intervals (measured: cut out
    # −0.020 ± 0.008, whole city −0.013 ± 0.021 deaths a year)
    over = {"staff.900002.district_certified": toy.staff["900002"]["district_certified"] + 5}
    base = appraise(toy, years=1.0, reps=4, seed=0)
    city = appraise(toy.with_(over), years=1.0, reps=4, seed=0)
    d = paired_difference(base.harm, city.harm)
    mean = by_key(d, "kpi", "mean")["harm_accident_deaths_per_year"]
    half = by_key(d, "kpi", "half_width")["harm_accident_deaths_per_year"]
    assert row["harm_change"] < 0 and row["significant"]
    assert abs(row["harm_change"] - mean) <= row["half_width"] + half
    assert city.totals.total - base.totals.total == pytest.approx(row["added_yuan_per_year"])
    with pytest.raises(ValueError, match="heads must be 1 or more"):
        inspector_margins_by_district(toy, heads=0)


def test_more_stock_per_district_on_the_toy() -> None:
    toy = load_scenario("toy")
    df = stock_margins_by_district(toy, yuan=50_000, years=0.25, reps=2, workers=1)
    stocked = {
        wh.adcode
        for wh in toy.warehouses.values()
        if wh.level != "city" and any(p.stock_units > 0 for p in wh.stocks.values())
    }
    assert set(df["adcode"]) == stocked and (df["resource"] == "stocks").all()
    # the stock added costs what was asked, give or take whole units
    assert ((df["added_yuan_per_year"] - 50_000).abs() <= 0.05 * 50_000).all()
    with pytest.raises(ValueError, match="positive number of yuan"):
        stock_margins_by_district(toy, yuan=0)
    with pytest.raises(ValueError, match="resource must be one of"):
        margins_by_district(toy, "drones")


def test_cli_margins_for_each_resource(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        app, ["margins", "toy", "--resource", "stocks", "--yuan", "20000", "--years", "0.2",
              "--workers", "1"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "20,000 yuan a year more stock per district" in res.output and "库存" in res.output
    res = runner.invoke(app, ["margins", "toy", "--resource", "drones"])
    assert res.exit_code == 2 and "--resource must be one of" in res.output
    res = runner.invoke(app, ["margins", "toy", "--resource", "stocks", "--yuan", "-1"])
    assert res.exit_code == 2 and "positive number of yuan" in res.output
    assert "Traceback" not in res.output

"""Marginal values by district (issue 18): one more vehicle at each district's depot, paired
with the allocation under common random numbers (the inspection model run once)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.district_margins import COLUMNS, purchase_kind, vehicle_margins_by_district
from anjian.scenarios import load_scenario


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


def test_in_yuzhong_a_contracted_vehicle_saves_lives_where_rented_ones_serve() -> None:
    from anjian.scenarios.derive import district_subscenario

    yuzhong = district_subscenario(load_scenario("chongqing"), "500101")
    assert purchase_kind(yuzhong) == "contracted_rescue"
    df = vehicle_margins_by_district(yuzhong, years=1.0, reps=5, workers=1)
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

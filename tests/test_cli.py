"""The CLI: validate, show and new on the built-in scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from anjian.cli import app

runner = CliRunner()


@pytest.mark.parametrize("name", ["chongqing", "toy"])
def test_validate_builtin_exits_zero(name: str) -> None:
    result = runner.invoke(app, ["scenario", "validate", name])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_validate_reports_counts() -> None:
    result = runner.invoke(app, ["scenario", "validate", "chongqing"], terminal_width=200)
    assert "38 districts" in result.output and "32,054,159" in result.output
    assert "30,000 staff" in result.output


def test_show_prints_districts_and_totals() -> None:
    result = runner.invoke(app, ["scenario", "show", "chongqing"], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "渝中区" in result.output and "Yuzhong" in result.output
    assert "population 32,054,159" in result.output
    assert "17,707" in result.output  # hazchem enterprises without major hazard sources


def test_unknown_scenario_is_an_error() -> None:
    result = runner.invoke(app, ["scenario", "validate", "atlantis"])
    assert result.exit_code == 1
    assert "no scenario file, folder or built-in scenario named 'atlantis'" in result.output


def test_new_then_validate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "new", "--from", "toy", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["scenario", "validate", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output


def test_new_into_non_empty_folder_fails(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    result = runner.invoke(app, ["scenario", "new", "--from", "toy", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_version() -> None:
    import anjian

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"anjian {anjian.__version__}"


def test_simulate_inspections_prints_kpis_and_writes_tables(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out"
    args = ["simulate", "inspections", "toy", "--years", "0.5", "--reps", "3", "--seed", "4",
            "--out", str(out), "--format", "csv"]  # fmt: skip
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "inspections_done" in result.output and "± 95% CI" in result.output
    summary = pd.read_csv(out / "summary.csv")
    kpis = pd.read_csv(out / "kpis.csv")
    assert set(kpis["rep"]) == {0, 1, 2}
    city = summary[(summary.level == "city") & (summary.kpi == "inspections_done")].iloc[0]
    assert city["reps"] == 3 and city["low"] <= city["mean"] <= city["high"]
    assert {"series.csv", "accidents.csv"} <= {p.name for p in out.iterdir()}
    # the same seed gives the same tables
    again = tmp_path / "again"
    runner.invoke(app, [*args[:-4], "--out", str(again), "--format", "csv"])
    pd.testing.assert_frame_equal(kpis, pd.read_csv(again / "kpis.csv"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--years", "0"], "--years"), (["--reps", "0"], "--reps"), (["--format", "xls"], "--format")],
)
def test_simulate_rejects_bad_settings(tmp_path: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["simulate", "inspections", "toy", "--out", str(tmp_path), *extra])
    assert result.exit_code == 2
    assert message in result.output


def test_simulate_reports_a_bad_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "inspections", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no scenario file" in result.output


def test_simulate_response_and_coupled(tmp_path: Path) -> None:
    import pandas as pd

    result = runner.invoke(app, ["simulate", "response", "toy", "--years", "0.5", "--reps", "2",
                                 "--policy", "nearest", "--out", str(tmp_path / "r"),
                                 "--format", "csv"], terminal_width=200)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "response_mean_min" in result.output
    assert (tmp_path / "r" / "stock.csv").exists()
    # `anjian simulate SCENARIO` runs both models, coupled
    result = runner.invoke(app, ["simulate", "toy", "--years", "0.5", "--reps", "2",
                                 "--out", str(tmp_path / "all"), "--format", "csv"],
                           terminal_width=200)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Inspections" in result.output and "Response (with accidents)" in result.output
    incidents = pd.read_csv(tmp_path / "all" / "response" / "incidents.csv")
    accidents = pd.read_csv(tmp_path / "all" / "inspections" / "accidents.csv")
    assert len(incidents) >= len(accidents)


def test_simulate_response_rejects_unknown_policy(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "response", "toy", "--policy", "fastest",
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 2
    assert "unknown policy" in result.output

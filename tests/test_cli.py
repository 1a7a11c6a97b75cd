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

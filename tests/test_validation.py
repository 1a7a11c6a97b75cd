"""``anjian validate``: its lines, its report and its exit code. The quick validation itself
runs in CI (.ci/run) on every submission; here, its parts and its plumbing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import anjian.validation as validation
from anjian.cli import app
from anjian.validation import Line, Validation, run_validation
from anjian.validation_report import write_report


def test_fast_groups_pass_against_their_references(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swain, the farmer and the checker, for real: every line passes, with the numbers."""
    keep = {k: validation.CHECKS[k] for k in ("swain", "farmer", "checker")}
    monkeypatch.setattr(validation, "CHECKS", keep)
    v = run_validation("quick")
    t = v.table().set_index("item")
    assert v.passed and len(v.lines) == 12
    assert t.loc["MCLP S = 10, p = 5", "ours"] == 609
    assert t.loc["VSS", "ours"] == pytest.approx(1150, abs=1)
    assert t.loc["5 plans", "ours"] == "100.0%"


def test_a_failing_line_fails_the_command_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(run: validation._Run) -> None:
        run.add(Line("farmer", "VSS", 1150, 1000.0, "±1", False, 0.1, "Birge & Louveaux"))
        run.add(Line("farmer", "EVPI", 7016, 7016.0, "±1", True, 0.1, "Birge & Louveaux"))

    monkeypatch.setattr(validation, "CHECKS", {"farmer": wrong})
    res = CliRunner().invoke(app, ["validate", "--out", str(tmp_path / "v")])
    assert res.exit_code == 1, res.output
    assert "FAIL farmer: VSS" in res.output
    md = (tmp_path / "v" / "validation.md").read_text(encoding="utf-8")
    assert "**未通过 FAIL**" in md and "1 of 2 lines pass; 1 FAIL" in md
    html = (tmp_path / "v" / "validation.html").read_text(encoding="utf-8")
    assert "验证报告 Validation report" in html and 'class="fail"' in html
    csv = pd.read_csv(tmp_path / "v" / "validation.csv")
    assert csv["passed"].tolist() == [False, True]


def test_passing_lines_exit_zero_and_the_report_has_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fine(run: validation._Run) -> None:
        run.add(Line("erlang_c", "λ = 2/h, c = 3", 0.444, 0.44, "CI", True, 1.0, "Erlang C", 0.01))
        run.out.figures["erlang_c"] = [(0.67, 3, 0.444, 0.44, 0.01)]
        run.out.figures["hypercube"] = [(0.5, 0.51), (0.3, 0.29)]
        run.out.figures["calibration"] = [840.0, 850.0]

    monkeypatch.setattr(validation, "CHECKS", {"queueing": fine})
    monkeypatch.setattr(validation, "_NEEDS_FOLDER", ())
    res = CliRunner().invoke(app, ["validate", "--out", str(tmp_path / "v")])
    assert res.exit_code == 0, res.output
    for name in ("erlang_c.png", "hypercube.png", "calibration.png", "validation.html"):
        assert (tmp_path / "v" / name).stat().st_size > 1000, name
    md = (tmp_path / "v" / "validation.md").read_text(encoding="utf-8")
    assert "![Erlang C" in md and "0.44 ± 0.01" in md


def test_bad_mode_and_out() -> None:
    with pytest.raises(ValueError, match="quick' or 'full"):
        run_validation("fast")
    res = CliRunner().invoke(app, ["validate", "--out", "/proc/x/y"])
    assert res.exit_code == 2 and "--out" in res.output


def test_report_of_an_empty_run(tmp_path: Path) -> None:
    """An empty run still carries the parameters calibrated and the recorded lever and
    sensitivity tables of the model docs."""
    paths = write_report(Validation(mode="quick"), tmp_path)
    md = paths["md"].read_text(encoding="utf-8")
    assert "0 of 0 lines pass" in md
    assert "Parameters calibrated" in md and "k = 0.277" in md
    assert "## Lever table (docs/model-inspection.md, as measured)" in md
    assert "| township_penalty_powers |" in md
    html = paths["html"].read_text(encoding="utf-8")
    assert "<td>township_penalty_powers</td>" in html and "<h2>Sensitivity" in html


def test_the_app_page_runs_the_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's button runs it (the fast groups here) and shows every group, both languages."""
    page = """
import streamlit as st
import anjian.validation as v
v.CHECKS = {k: v.CHECKS[k] for k in ("swain", "farmer", "checker")}
st.session_state.setdefault("lang", "{lang}")
from anjian.ui import validation_page
validation_page.render()
"""
    heads = (("zh", "两阶段随机规划 农夫问题"), ("en", "Maximal covering, Swain's 55 nodes"))
    for lang, head in heads:
        at = AppTest.from_string(page.replace("{lang}", lang), default_timeout=120)
        at.run()
        at.button(key="validation_run").click().run()
        assert not at.exception, at.exception
        assert head in [s.value for s in at.subheader]
        assert at.success and "12" in at.success[0].value


def test_a_check_that_crashes_is_a_failing_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(run: validation._Run) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(validation, "CHECKS", {"pmed": broken})
    res = CliRunner().invoke(app, ["validate", "--out", str(tmp_path / "v")])
    assert res.exit_code == 1 and "pmed: the check could not run" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)

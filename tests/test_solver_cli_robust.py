"""Solvers and the CLI under bad input: claims of optimality checked against brute force at
extreme cost scales, messages that say what happened (a budget that buys nothing, a radius no
site reaches, a time limit), output paths checked before any work, data printed as text, and
Ctrl-C keeping what finished.

Each case returns its outcome: ``correct`` (an exact answer equal to brute force), ``clear``
(a clear error or note naming the cause) or ``wrong`` / ``traceback``. The corpus test prints
the counts and requires 0 wrong and 0 tracebacks.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.optimize import make_instance, p_median
from anjian.optimize.errors import InfeasiblePlan, InstanceError, SolverFailed
from anjian.optimize.median import best_swap, p_center
from anjian.optimize.mip import Mip
from anjian.plans import optimize_vehicles

Outcome = tuple[str, str]


def _brute(c: np.ndarray, p: int) -> float:
    return min(float(c[:, list(s)].min(axis=1).sum())
               for s in itertools.combinations(range(c.shape[1]), p))  # fmt: skip


def pmedian_exact(kind: str, seed: int, p: int) -> Callable[[Path], Outcome]:
    """A 30 × 30 p-median at an extreme cost scale: optimal and equal to brute force."""

    def case(_tmp: Path) -> Outcome:
        rng = np.random.default_rng(seed)
        u = rng.uniform(1, 10, (30, 30))
        scales = {"mixed": np.where(rng.random((30, 30)) < 0.5, 1e-9, 1e9), "1e-6": 1e-6,
                  "1e-8": 1e-8, "1e20": 1e20, "1e-300": 1e-300, "1e15": 1e15,
                  "1e-300+1e300": np.where(rng.random((30, 30)) < 0.5, 1e-300, 1e300)}  # fmt: skip
        c = u * scales[kind]
        plan = p_median(make_instance(c), p, time_limit_s=30)
        want = _brute(c, p)
        ok = plan.status == "optimal" and math.isclose(plan.objective, want, rel_tol=1e-9)
        ok = ok and plan.bound <= plan.objective * (1 + 1e-9)
        return ("correct" if ok else "wrong"), f"{plan.status} {plan.objective} vs {want}"

    return case


def wide_and_large(_tmp: Path) -> Outcome:
    """Too many plans to enumerate, costs too spread to prove: feasible, bound 0, a note."""
    rng = np.random.default_rng(5)
    c = np.where(rng.random((60, 60)) < 0.5, 1e-9, 1e9) * rng.uniform(1, 10, (60, 60))
    plan = p_median(make_instance(c), 8, time_limit_s=20)
    ok = plan.status == "feasible" and plan.bound == 0.0 and "spread" in " ".join(plan.notes)
    return ("clear" if ok else "wrong"), f"{plan.status} {plan.bound} {plan.notes}"


def huge_objective_mip(_tmp: Path) -> Outcome:
    """A coefficient HiGHS reads as infinite is a status, not an exception."""
    mip = Mip()
    x = mip.add_vars(2, obj=np.array([1e21, 1.0]), integer=True, ub=np.ones(2))
    mip.add_row(x, 1.0, lb=1.0)
    res = mip.solve(time_limit_s=5)
    return ("clear" if res.status in ("error", "optimal") else "wrong"), res.status


def budget_zero(model: str) -> Callable[[Path], Outcome]:
    def case(_tmp: Path) -> Outcome:
        try:
            optimize_vehicles("toy", model=model, vehicles=2, budget_yuan=0, time_limit_s=10)
        except InfeasiblePlan as err:
            ok = "buys no" in str(err) and "raise the budget" in str(err)
            return ("clear" if ok else "wrong"), str(err)
        return "wrong", "a plan for a budget of 0"

    return case


def radius_unreachable(model: str) -> Callable[[Path], Outcome]:
    def case(_tmp: Path) -> Outcome:
        sol = optimize_vehicles("toy", model=model, vehicles=2, standard_min=0.0001)
        note = " ".join(sol.plan.notes)
        return ("clear" if "covers any demand point" in note else "wrong"), note

    return case


def pcenter_time_limit(_tmp: Path) -> Outcome:
    """A time limit too short to find any plan is a time-limit failure, not infeasibility."""
    rng = np.random.default_rng(0)
    inst = make_instance(rng.uniform(1, 100, (400, 400)))
    try:
        plan = p_center(inst, 10, time_limit_s=0.001)
    except SolverFailed as err:
        return ("clear" if "time limit" in str(err) else "wrong"), str(err)
    except InfeasiblePlan as err:
        return "wrong", f"claims infeasibility: {err}"
    return ("correct" if plan.status in ("optimal", "feasible") else "wrong"), plan.status


def time_limit_zero_api(_tmp: Path) -> Outcome:
    try:
        optimize_vehicles("toy", model="mclp", vehicles=2, time_limit_s=0)
    except InstanceError as err:
        return ("clear" if "time_limit_s" in str(err) else "wrong"), str(err)
    return "wrong", "accepted"


def cli(args: list[str], code: int, *fragments: str) -> Callable[[Path], Outcome]:
    """The CLI with ``args`` ({tmp} replaced by the case's folder; {file} is a file there)
    exits with ``code`` and prints every fragment."""

    def case(tmp: Path) -> Outcome:
        (tmp / "afile").write_text("x", encoding="utf-8")
        (tmp / "adir").mkdir(exist_ok=True)
        real = [a.replace("{tmp}", str(tmp)) for a in args]
        result = CliRunner().invoke(app, real)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return "traceback", f"{type(result.exception).__name__}: {result.exception}"
        text = result.output.replace("\n", " ")
        ok = result.exit_code == code and all(f in text for f in fragments)
        return ("clear" if ok else "wrong"), f"exit {result.exit_code}: {result.output[-400:]}"

    return case


def markup_title(tmp: Path) -> Outcome:
    d = tmp / "mk"
    d.mkdir()
    (d / "scenario.toml").write_text(
        '[scenario]\nname = "sc"\ntitle_zh = "镇 [/x]"\ntitle_en = "[bold]B[/bold] :x:"\n'
        'base = "toy"\n',
        encoding="utf-8",
    )
    commands = (["scenario", "validate"], ["scenario", "show"], ["costs", "--no-simulate"])
    outs = [CliRunner().invoke(app, [*cmd, str(d)]) for cmd in commands]
    for r in outs:
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            return "traceback", repr(r.exception)
    ok = all(r.exit_code == 0 and "[bold]B[/bold] :x:" in r.output for r in outs)
    return ("clear" if ok else "wrong"), outs[0].output


def utf16_costs(tmp: Path) -> Outcome:
    f = tmp / "c.csv"
    f.write_bytes("id,a,b\nx,1,2\ny,2,1\n".encode("utf-16"))
    return cli(["locate", "--costs", str(f), "--p", "1"], 1, "UTF-16")(tmp)


def latin1_costs(tmp: Path) -> Outcome:
    f = tmp / "c.csv"
    f.write_bytes("id,a,b\nx\xe9,1,2\ny,2,1\n".encode("latin-1"))
    return cli(["locate", "--costs", str(f), "--p", "1"], 1, "not UTF-8", "line 2")(tmp)


def costs_file(text: str, fragment: str, *extra: str) -> Callable[[Path], Outcome]:
    """``anjian locate --costs`` a file holding ``text`` (with ``extra`` options) exits 1
    naming ``fragment``."""

    def case(tmp: Path) -> Outcome:
        f = tmp / "c.csv"
        f.write_text(text, encoding="utf-8")
        args = ["locate", "--costs", str(f), *extra]
        if "lscp" in extra or "--p" not in extra:
            args += ["--p", "1"]
        return cli(args, 1, fragment)(tmp)

    return case


def orlib_file(text: str, fragment: str) -> Callable[[Path], Outcome]:
    def case(tmp: Path) -> Outcome:
        f = tmp / "pmed.txt"
        f.write_text(text, encoding="utf-8")
        return cli(["locate", "--orlib", str(f)], 1, fragment)(tmp)

    return case


TOY = ["--reps", "1", "--years", "0.05"]
CASES: list[tuple[str, Callable[[Path], Outcome]]] = [
    *((f"pmedian_{k}_seed{s}_p{p}", pmedian_exact(k, s, p)) for k, s, p in (
        ("mixed", 0, 3), ("mixed", 3, 3), ("mixed", 1, 2), ("1e-6", 0, 3), ("1e-6", 1, 3),
        ("1e-6", 2, 3), ("1e-8", 1, 3), ("1e20", 1, 3), ("1e-300", 1, 2), ("1e15", 4, 3),
    )),
    ("pmedian_wide_too_many_to_enumerate", wide_and_large),
    ("mip_coefficient_1e21", huge_objective_mip),
    *((f"budget_zero_{m}", budget_zero(m)) for m in
      ("pmedian", "pcenter", "mclp", "mexclp", "mexclp_hypercube")),
    ("radius_unreachable_mclp", radius_unreachable("mclp")),
    ("radius_unreachable_mexclp", radius_unreachable("mexclp")),
    ("pcenter_time_limit_too_short", pcenter_time_limit),
    ("time_limit_zero_api", time_limit_zero_api),
    ("cli_time_limit_zero", cli(["optimize", "vehicles", "toy", "-k", "2", "--time-limit", "0"],
                                2, "--time-limit")),
    ("cli_locate_time_limit_negative", cli(["locate", "--costs", "x.csv", "--p", "1",
                                            "--time-limit", "-1"], 2, "--time-limit")),
    ("cli_verify_negative", cli(["optimize", "vehicles", "toy", "-k", "2", "--verify", "-1"], 2,
                                "--verify")),
    ("cli_pcenter_short_limit_hint", cli(["optimize", "vehicles", "toy", "--model", "pcenter",
                                          "-k", "2", "--time-limit", "0.1"], 0)),
    # -- output paths, checked before any work -------------------------------------------
    ("out_simulate_inspections_file", cli(["simulate", "inspections", "toy", *TOY, "--out",
                                           "{tmp}/afile"], 2, "--out", "is a file")),
    ("out_simulate_response_unwritable", cli(["simulate", "response", "toy", *TOY, "--out",
                                              "/proc/x/y"], 2, "--out", "cannot write")),
    ("out_simulate_all_file", cli(["simulate", "all", "toy", *TOY, "--out", "{tmp}/afile"], 2,
                                  "is a file")),
    ("out_simulate_under_a_file", cli(["simulate", "response", "toy", *TOY, "--out",
                                       "{tmp}/afile/sub"], 2, "--out")),
    ("out_costs_unwritable", cli(["costs", "toy", "--no-simulate", "--out", "/proc/x/y"], 2,
                                 "cannot write")),
    ("out_run_file", cli(["run", "toy", "--out", "{tmp}/afile"], 2, "is a file")),
    ("out_run_unwritable", cli(["run", "toy", "--out", "/proc/x/y"], 2, "cannot write")),
    ("out_frontier_file", cli(["frontier", "toy", "--out", "{tmp}/afile"], 2, "is a file")),
    ("out_objectives_unwritable", cli(["objectives", "toy", "--out", "/proc/x"], 2, "--out")),
    ("out_margins_folder", cli(["margins", "toy", "--out", "{tmp}/adir"], 2, "is a folder")),
    ("out_margins_under_a_file", cli(["margins", "toy", "--out", "{tmp}/afile/m.csv"], 2,
                                     "--out")),
    ("out_vehicles_folder", cli(["optimize", "vehicles", "toy", "-k", "2", "--out",
                                 "{tmp}/adir"], 2, "is a folder")),
    ("out_vehicles_unwritable", cli(["optimize", "vehicles", "toy", "-k", "2", "--out",
                                     "/proc/x/plan.json"], 2, "cannot write")),
    ("out_loop_folder", cli(["optimize", "loop", "toy", "--out", "{tmp}/adir"], 2,
                            "is a folder")),
    ("out_inspectors_file", cli(["optimize", "inspectors", "toy", "--out", "{tmp}/afile"], 2,
                                "is a file")),
    ("out_stocks_file", cli(["optimize", "stocks", "toy", "--out", "{tmp}/afile"], 2,
                            "is a file")),
    # -- scenario new, markup, formats -----------------------------------------------------
    ("scenario_new_force_onto_file", cli(["scenario", "new", "{tmp}/afile", "--from", "toy",
                                          "--force"], 1, "is a file, not a folder")),
    ("scenario_new_unwritable", cli(["scenario", "new", "/proc/x/y", "--from", "toy"], 1,
                                    "cannot create the folder")),
    ("markup_in_titles_printed_as_text", markup_title),
    ("markup_in_scenario_ref", cli(["scenario", "validate", "[/x]"], 1, "[/x]")),
    ("markup_in_optimize_ref", cli(["optimize", "vehicles", "[/x]", "-k", "2"], 1)),
    ("markup_in_format", cli(["simulate", "response", "toy", "--format", "[/x]"], 2, "[/x]")),
    ("costs_csv_utf16", utf16_costs),
    ("costs_csv_latin1", latin1_costs),
    ("costs_csv_1e309", costs_file("id,a,b\nx,1e309,2\ny,2,1\n", "too large for a number")),
    ("costs_csv_empty_candidate_id", costs_file("id,,b\nx,1,2\ny,2,1\n",
                                                "candidate id in the header is empty")),
    ("costs_csv_empty_demand_id", costs_file("id,a,b\n,1,2\ny,2,1\n", "demand id")),
    ("locate_lscp_with_p", costs_file("id,a,b\nx,1,2\ny,2,1\n", "--p is not used by lscp",
                                      "--model", "lscp", "--radius", "5")),
    ("locate_pmedian_with_radius", costs_file("id,a,b\nx,1,2\ny,2,1\n",
                                              "--radius is not used by pmedian", "--radius", "5")),
    ("locate_pmedian_busy_fraction", costs_file("id,a,b\nx,1,2\ny,2,1\n",
                                                "--busy-fraction is used by mexclp only",
                                                "--busy-fraction", "0.3")),
    ("locate_radius_negative", costs_file("id,a,b\nx,1,2\ny,2,1\n",
                                          "--radius must be a finite number > 0",
                                          "--model", "mclp", "--radius", "-1")),
    ("orlib_empty_file", orlib_file("", "holds 0 numbers")),
    ("resolution_without_townships", cli(["optimize", "vehicles", "toy", "-k", "2",
                                          "--resolution", "township"], 1,
                                         "does not fit scenario toy")),
    ("kinds_repeated", cli(["optimize", "vehicles", "toy", "-k", "2", "--kinds",
                            "dedicated_rescue,dedicated_rescue"], 0)),
    ("pmedian_spread_beyond_1e300", pmedian_exact("1e-300+1e300", 2, 2)),
    ("costs_csv_is_a_folder", cli(["locate", "--costs", "{tmp}/adir", "--p", "1"], 1,
                                  "no such file")),
]  # fmt: skip


def test_corpus_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counts = {"correct": 0, "clear": 0, "wrong": 0, "traceback": 0}
    wrong = []
    for name, case in CASES:
        d = tmp_path / name
        d.mkdir()
        try:
            got, text = case(d)
        except Exception as err:  # the point is to catch what should not escape
            got, text = "traceback", f"{type(err).__name__}: {err}"
        counts[got] += 1
        if got in ("wrong", "traceback"):
            wrong.append(f"{name}: {got}: {text}")
    with capsys.disabled():
        print(f"\nsolver/CLI corpus: {len(CASES)} cases — " +
              ", ".join(f"{k} {v}" for k, v in counts.items()))  # fmt: skip
    assert not wrong, "\n".join(wrong)
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


def test_swap_test_refutes_a_plan_that_is_not_optimal() -> None:
    """The checker's swap test: positive on a poor plan, zero on the brute-force optimum."""
    rng = np.random.default_rng(2)
    c = rng.uniform(1, 10, (20, 12))
    inst = make_instance(c)
    lb, ub = np.zeros(12), np.ones(12)
    best = min(itertools.combinations(range(12), 2), key=lambda s: c[:, list(s)].min(1).sum())
    y = np.zeros(12)
    y[list(best)] = 1.0
    assert best_swap(inst, y, lb, ub) == pytest.approx(0.0, abs=1e-9)
    worst = max(itertools.combinations(range(12), 2), key=lambda s: c[:, list(s)].min(1).sum())
    y = np.zeros(12)
    y[list(worst)] = 1.0
    gain = best_swap(inst, y, lb, ub)
    single = [c[:, [j, k]].min(1).sum() for j in worst for k in range(12) if k not in worst]
    assert gain == pytest.approx(c[:, list(worst)].min(1).sum() - min(single), rel=1e-9)


def test_ctrl_c_keeps_finished_replications(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C on the third replication: the two finished are written, exit 130."""
    import anjian.sim.replicate as rep

    real = rep.simulate_inspections
    calls = {"n": 0}

    def interrupted(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rep, "simulate_inspections", interrupted)
    out = tmp_path / "out"
    args = ["simulate", "inspections", "toy", "--reps", "5", "--years", "0.05"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--format", "csv"])
    assert result.exit_code == 130, result.output
    assert "2 of 5 replications finished" in result.output
    import pandas as pd

    kpis = pd.read_csv(out / "kpis.csv")
    assert sorted(kpis["rep"].unique()) == [0, 1]

"""Sweeps and the run store under bad input and accidents (issue 19): a corpus of bad sweep
files, a fuzz test over sweep files, a damaged store repaired, a killed sweep resumed on a
changed scenario, concurrent resumes, and exports that run no formula and leave no folder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from anjian.cli import app
from anjian.store import RunStore, StoreError, no_formulas, safe_name
from anjian.sweep import SweepError, load_sweep, run_sweep

SMALL = """
[sweep]
name = "small"
scenario = "toy"
years = 0.2
reps = 2
seed = 3

[variants.baseline]
[variants.more]
"depots.d_mountain.vehicles.dedicated_rescue" = 2
"""

HEAD = "[sweep]\nname = 'x'\nscenario = 'toy'\n"
#: (sweep file text, what the message must say): every one refused with a clear message
BAD_SWEEPS = [
    ("variants = [1, 2]\n" + HEAD, "[variants] must be tables"),
    ("[sweep]\nname='x'\nscenario='toy'\n[variants]\na = 1\n", "[variants] must be tables"),
    (HEAD + "[grid]\n'a.b' = 3\n", "non-empty list"),
    ("grid = 3\n" + HEAD, "[grid] must be a table"),
    (HEAD + "[sweep.config]\npolicy = 5\n", "policy must be str"),
    (HEAD + "[sweep.config]\nextra_incidents = 'abc'\n", "not a setting"),
    (HEAD + "[sweep.config]\ntrace = true\n", "not a setting"),
    (HEAD + "[sweep.config]\nwarp = 9\n", "not a setting"),
    (HEAD + "[sweep.config]\nmutual_aid_threshold_min = 'soon'\n", "must be float"),
    (HEAD + "[sweep.config]\noverflow = true\n", "must be str"),
    (HEAD + "seed = -1\n", "seed must be between 0"),
    (HEAD + "seed = 1.5\n", "seed must be a whole number"),
    (HEAD + "seed = true\n", "seed must be a whole number"),
    (HEAD + "reps = 2.7\n", "reps must be a whole number"),
    (HEAD + "reps = 1000000000\n", "reps must be between 1"),
    (HEAD + "reps = 0\n", "reps must be between 1"),
    (HEAD + "reps = '3'\n", "reps must be a whole number"),
    (HEAD + "years = 0\n", "years must be between"),
    (HEAD + "years = 1e9\n", "years must be between"),
    (HEAD + "years = nan\n", "years must be between"),
    (HEAD + "years = 'one'\n", "years must be a number"),
    (HEAD + "model = 5\n", "model must be"),
    (HEAD + "model = 'weather'\n", "model must be"),
    ("[sweep]\nname = '../../X'\nscenario = 'toy'\n", "may use letters"),
    ("[sweep]\nname = '.hidden'\nscenario = 'toy'\n", "may use letters"),
    ("[sweep]\nname = 'a/b'\nscenario = 'toy'\n", "may use letters"),
    ("[sweep]\nname = '" + "n" * 65 + "'\nscenario = 'toy'\n", "may use letters"),
    ("[sweep]\nname = 5\nscenario = 'toy'\n", "'name' is required"),
    ("[sweep]\nscenario = 'toy'\n", "'name' is required"),
    ("[sweep]\nname = 'x'\n", "'scenario' is required"),
    ("name = 'x'\n", "unknown sections"),
    ("[variants.a]\n", "missing [sweep]"),
    ("[sweep]\nname='x'\nscenario='toy'\ncolour='red'\n", "unknown keys"),
    ("[sweeps]\nname='x'\n", "unknown sections"),
    ("[sweep\nname='x'\n", "not valid TOML"),
    (HEAD + "[grid]\n'a.b' = [" + ",".join(["1"] * 1001) + "]\n", "at most 1000 values"),
    (
        HEAD + "reps = 1000\n[grid]\n'a.b' = [" + ",".join(str(i) for i in range(200)) + "]\n",
        "more than a sweep may hold",
    ),
    (HEAD + "[variants.a]\n", None),  # valid: one empty variant (the corpus's control case)
]


def test_bad_sweep_file_corpus(tmp_path: Path) -> None:
    counts = {"clear": 0, "refused_unclearly": 0, "accepted": 0, "traceback": 0}
    for i, (text, want) in enumerate(BAD_SWEEPS):
        f = tmp_path / f"s{i}.toml"
        f.write_text(text, encoding="utf-8")
        try:
            load_sweep(f)
        except SweepError as err:
            ok = want is not None and want in str(err) and str(f) in str(err)
            counts["clear" if ok else "refused_unclearly"] += 1
            assert ok, (text, str(err))
            continue
        except Exception as err:
            counts["traceback"] += 1
            raise AssertionError(f"{text!r}: {type(err).__name__}: {err}") from err
        counts["accepted"] += 1
        assert want is None, f"accepted nonsense: {text!r}"
    print(f"sweep-file corpus: {counts}")
    assert counts["traceback"] == 0 and counts["accepted"] == 1


def test_sweep_files_that_are_not_text(tmp_path: Path) -> None:
    f = tmp_path / "latin1.toml"
    f.write_bytes("[sweep]\nname = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(SweepError, match="not UTF-8"):
        load_sweep(f)
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(SweepError, match=r"nested too deeply|not valid TOML"):
        load_sweep(deep)
    with pytest.raises(SweepError, match="cannot read"):
        load_sweep(tmp_path / "missing.toml")


_values = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.booleans(),
    st.lists(st.integers(-5, 5), max_size=4),
)


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return {float("inf"): "inf", float("-inf"): "-inf"}.get(v, "nan" if v != v else repr(v))
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return str(v)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(["name", "scenario", "model", "years", "reps", "seed", "other"]),
    value=_values,
    grid=st.one_of(st.none(), _values),
    junk=st.binary(max_size=30),
)
def test_fuzz_sweep_files(
    tmp_path: Path, key: str, value: object, grid: object, junk: bytes
) -> None:
    # a valid file with one field replaced, an optional [grid] entry and junk bytes appended:
    # it loads, or it is refused with a SweepError — never another exception
    fields = {"name": '"fz"', "scenario": '"toy"', "reps": "2"}
    fields[key] = _toml(value)
    text = "[sweep]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items())
    if grid is not None:
        text += f'[grid]\n"a.b" = {_toml(grid)}\n'
    f = tmp_path / "fz.toml"
    f.write_bytes(text.encode() + junk)
    try:
        sw = load_sweep(f)
    except SweepError:
        return
    assert 1 <= sw.reps <= 1000 and sw.years > 0 and sw.seed >= 0
    assert safe_name(sw.name) == sw.name


def _small(tmp_path: Path, text: str = SMALL) -> Path:
    f = tmp_path / "small.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_a_damaged_store_is_reported_and_repaired(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = RunStore(root)
    res = run_sweep(load_sweep(_small(tmp_path)), store, backend="serial")
    before = store.summary(res.sweep_id)
    # the database overwritten with garbage: a clear error, then repair rebuilds it
    (root / "runs.sqlite").write_bytes(b"this is not a database" * 100)
    for p in root.glob("runs.sqlite-*"):
        p.unlink()
    with pytest.raises(StoreError, match=r"damaged.*anjian runs repair"):
        RunStore(root)
    out = CliRunner().invoke(app, ["runs", "list", "--store", str(root)])
    assert out.exit_code == 1 and "anjian runs repair" in out.output
    assert "Traceback" not in out.output
    fixed = CliRunner().invoke(app, ["runs", "repair", "--store", str(root)])
    assert fixed.exit_code == 0, fixed.output
    assert "runs restored 4" in fixed.output and "sweeps restored 1" in fixed.output
    assert list(root.glob("runs.sqlite.damaged-*"))  # the damaged file is kept, not deleted
    again = RunStore(root).summary(res.sweep_id)
    pd.testing.assert_frame_equal(before, again)
    # a zero-byte database beside the KPI files: `runs list` says so, repair restores
    (root / "runs.sqlite").write_bytes(b"")
    for p in root.glob("runs.sqlite-*"):
        p.unlink()
    listed = CliRunner().invoke(app, ["runs", "list", "--store", str(root)])
    assert listed.exit_code == 0
    assert "belong to no recorded run" in " ".join(listed.output.split())
    assert RunStore(root).repair()["runs_restored"] == 4
    pd.testing.assert_frame_equal(before, RunStore(root).summary(res.sweep_id))


def test_a_damaged_kpi_file_is_named_repaired_and_recomputed(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = RunStore(root)
    f = _small(tmp_path)
    res = run_sweep(load_sweep(f), store, backend="serial")
    before = store.summary(res.sweep_id)
    files = sorted(store.runs(res.sweep_id)["kpi_file"])
    (root / "kpis" / files[0]).write_bytes(b"PAR1 truncated")
    (root / "kpis" / files[1]).unlink()
    for cmd in (["show", res.sweep_id], ["export", res.sweep_id, "--out", str(tmp_path / "x")]):
        out = CliRunner().invoke(app, ["runs", *cmd, "--store", str(root)])
        assert out.exit_code == 1, out.output
        assert "2 run(s) have a missing or damaged KPI file" in " ".join(out.output.split())
        assert "Traceback" not in out.output
    counts = store.repair()
    assert counts["runs_dropped"] == 2 and counts["files_quarantined"] == 1
    again = run_sweep(load_sweep(f), store, backend="serial", resume=True)
    assert again.sweep_id == res.sweep_id and again.ran == 2 and again.skipped == 2
    pd.testing.assert_frame_equal(before, store.summary(res.sweep_id))  # same seeds, same runs


def test_resume_refuses_a_changed_scenario(tmp_path: Path) -> None:
    # the scenario is a folder copy; a killed sweep's runs were made on its first version
    folder = tmp_path / "town"
    shutil.copytree(Path(__file__).resolve().parents[1] / "scenarios" / "toy", folder)
    text = SMALL.replace('scenario = "toy"', f'scenario = "{folder.as_posix()}"')
    f = _small(tmp_path, text)
    store = RunStore(tmp_path / "store")
    first = run_sweep(load_sweep(f), store, backend="serial")

    def kill_after(kept: int) -> None:  # as if killed: later runs lost, the process gone
        with sqlite3.connect(store.db) as con:
            con.execute("DELETE FROM runs WHERE rowid NOT IN "
                        f"(SELECT rowid FROM runs ORDER BY rowid LIMIT {kept})")  # fmt: skip
            con.execute("UPDATE sweeps SET status = 'running', pid = 999999999")

    kill_after(2)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same content
    same = run_sweep(load_sweep(f), store, backend="serial", resume=True)
    assert same.sweep_id == first.sweep_id and same.ran == 2
    kill_after(3)
    body = toml.read_text(encoding="utf-8")
    assert body.count("availability = 0.8") == 1
    toml.write_text(body.replace("availability = 0.8", "availability = 0.7"), encoding="utf-8")
    with pytest.raises(SweepError, match="has changed since its runs were made"):
        run_sweep(load_sweep(f), store, backend="serial", resume=True)
    out = CliRunner().invoke(
        app, ["sweep", str(f), "--serial", "--resume", "--store", str(store.root)]
    )
    assert out.exit_code == 1 and "without --resume" in " ".join(out.output.split())
    assert len(store.runs(first.sweep_id)) == 3  # nothing mixed in


def test_a_killed_sweep_is_interrupted_and_a_live_one_cannot_be_resumed_twice(
    tmp_path: Path,
) -> None:
    store = RunStore(tmp_path / "store")
    f = _small(tmp_path)
    res = run_sweep(load_sweep(f), store, backend="serial")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    with sqlite3.connect(store.db) as con:
        con.execute("UPDATE sweeps SET status = 'running', host = ?, pid = ?",
                    (socket.gethostname(), int(dead.stdout)))  # fmt: skip
    assert store.sweeps()["status"].tolist() == ["interrupted"]
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with sqlite3.connect(store.db) as con:
            con.execute("UPDATE sweeps SET pid = ?", (live.pid,))
        assert store.sweeps()["status"].tolist() == ["running"]
        with pytest.raises(StoreError, match="is being run by process"):
            run_sweep(load_sweep(f), store, backend="serial", resume=True)
    finally:
        live.kill()
        live.wait()
    again = run_sweep(load_sweep(f), store, backend="serial", resume=True)
    assert again.sweep_id == res.sweep_id and again.ran == 0
    assert store.sweeps()["status"].tolist() == ["done"]
    assert os.getpid() != live.pid


def test_exports_run_no_formula_and_stay_in_their_folder(tmp_path: Path) -> None:
    text = SMALL.replace("[variants.more]", '[variants."=HYPERLINK(\\"http://x\\",\\"y\\")"]')
    store = RunStore(tmp_path / "store")
    res = run_sweep(load_sweep(_small(tmp_path, text)), store, backend="serial")
    out = tmp_path / "out"
    (path,) = store.export(res.sweep_id, out, "xlsx")
    assert path.parent == out
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in cells)
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    # an old sweep whose name points outside: its files stay in the folder
    with sqlite3.connect(store.db) as con:
        con.execute("UPDATE sweeps SET sweep_id = '../../evil'")
        con.execute("UPDATE runs SET sweep_id = '../../evil'")
    paths = store.export("../../evil", out, "csv")
    assert all(p.parent == out for p in paths)
    assert no_formulas(pd.DataFrame({"a": ["+1", "-x", "@y", "ok", 3]}))["a"].tolist() == [
        "'+1", "'-x", "'@y", "ok", 3,
    ]  # fmt: skip


def test_markup_in_case_names_is_printed_as_text(tmp_path: Path) -> None:
    text = SMALL.replace("[variants.more]", '[variants."[bold]x:x:"]')
    store = RunStore(tmp_path / "store")
    res = run_sweep(load_sweep(_small(tmp_path, text)), store, backend="serial")
    out = CliRunner().invoke(app, ["runs", "show", res.sweep_id, "--store", str(store.root)])
    assert out.exit_code == 0 and "[bold]x:x:" in out.output


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "not a scheduler::"])
def test_an_unreachable_or_malformed_scheduler_is_a_clear_error(
    tmp_path: Path, address: str
) -> None:
    out = CliRunner().invoke(
        app,
        ["sweep", str(_small(tmp_path)), "--scheduler", address, "--store", str(tmp_path / "s")],
    )
    assert out.exit_code == 1, out.output
    assert "cannot reach the Dask scheduler" in " ".join(out.output.split())
    assert "Traceback" not in out.output


def test_ctrl_c_keeps_the_finished_runs_and_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import anjian.sweep as sweep_mod

    real, calls = sweep_mod.run_task, {"n": 0}

    def stop_on_third(*a: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*a)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep_mod, "run_task", stop_on_third)
    store = RunStore(tmp_path / "store")
    f = _small(tmp_path)
    with pytest.raises(sweep_mod.SweepInterrupted, match="2 of 4 runs are recorded"):
        run_sweep(load_sweep(f), store, backend="serial")
    assert store.sweeps()["status"].tolist() == ["interrupted"]
    monkeypatch.setattr(sweep_mod, "run_task", real)
    again = run_sweep(load_sweep(f), store, backend="serial", resume=True)
    assert again.ran == 2 and again.skipped == 2

"""Sweeps, the run store and output analysis: backends agree, a killed sweep resumes, two
writers share a store, exports round-trip, warm-up and replication-count formulas hold."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from anjian.scenarios import ScenarioError, load_scenario
from anjian.sim.stats import mser5, replications_needed
from anjian.store import RunStore, StoreError
from anjian.sweep import Sweep, SweepError, load_sweep, run_sweep

TOY_SWEEP = """
[sweep]
name = "toy"
scenario = "toy"
model = "response"
years = 1
reps = 3
seed = 5

[variants.baseline]
[variants.more]
"depots.d_mountain.vehicles.dedicated_rescue" = 2

[grid]
"vehicle_kinds.rented_rescue.availability" = [0.5, 0.9]
"""


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["case", "rep", "level", "key", "kpi"]).reset_index(drop=True)


def test_sweep_file_and_cases(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(TOY_SWEEP)
    sw = load_sweep(f)
    names = [c.name for c in sw.cases()]
    assert len(names) == 4
    assert names[0] == "baseline[vehicle_kinds.rented_rescue.availability=0.5]"
    assert sw.cases()[3].overrides == {
        "depots.d_mountain.vehicles.dedicated_rescue": 2,
        "vehicle_kinds.rented_rescue.availability": 0.9,
    }


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[sweep]\nscenario='toy'\n", "'name' is required"),
        ("[sweep]\nname='x'\nscenario='toy'\nreps=0\n", "reps must be between 1"),
        ("[sweep]\nname='x'\nscenario='toy'\nmodel='queue'\n", "model must be"),
        ("[sweep]\nname='x'\nscenario='toy'\nrep=3\n", r"unknown keys \['rep'\]"),
        ("[sweep]\nname='x'\nscenario='toy'\n[grid]\n'a.b'=[]\n", "non-empty list"),
        ("[sweep]\nname='x'\nscenario='toy'\n[sweep.config]\npolicy_x=1\n", "sweep.config"),
        ("[sweeps]\n", "unknown sections"),
        ("[sweep\n", "not valid TOML"),
    ],
)
def test_bad_sweep_files(tmp_path: Path, text: str, match: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(SweepError, match=match):
        load_sweep(f)


def test_bad_override_is_caught_before_running(tmp_path: Path) -> None:
    sw = Sweep(name="x", scenario="toy", variants={"v": {"depots.nowhere.lon": 1.0}})
    store = RunStore(tmp_path / "st")
    with pytest.raises(ScenarioError, match=r"case 'v'.*names nothing"):
        run_sweep(sw, store, backend="serial")
    assert store.sweeps().empty


def test_serial_and_local_cluster_give_identical_tables(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(TOY_SWEEP)
    sw = load_sweep(f)
    store = RunStore(tmp_path / "st")
    a = run_sweep(sw, store, backend="serial")
    b = run_sweep(sw, store, backend="dask", workers=2)
    assert a.ran == b.ran == 12
    ka, kb = _sorted(store.kpis(a.sweep_id)), _sorted(store.kpis(b.sweep_id))
    pd.testing.assert_frame_equal(ka, kb)
    # common random numbers: same incidents in every case of a replication
    inc = ka[(ka["kpi"] == "incidents") & (ka["level"] == "city")]
    assert inc.groupby("rep")["value"].nunique().max() == 1


def _worker_settings() -> tuple[bool, str]:
    import dask

    return (
        bool(dask.config.get("distributed.worker.profile.enabled")),
        str(dask.config.get("distributed.admin.tick.interval")),
    )


def test_local_cluster_workers_run_without_the_profiler() -> None:
    """The settings that keep Dask's sampling profiler off the sweep's tasks reach the workers."""
    from anjian.sweep import LOCAL_CLUSTER_CONFIG, _open_dask

    client, cluster = _open_dask("toy", 1, None)
    try:
        got = set(client.run(_worker_settings).values())
    finally:
        client.close()
        cluster.close()
    assert got == {(False, LOCAL_CLUSTER_CONFIG["distributed.admin.tick.interval"])}


def _cq_sweep(tmp_path: Path) -> Path:
    f = tmp_path / "cq.toml"
    f.write_text(
        "[sweep]\nname='cq'\nscenario='chongqing'\nmodel='response'\nyears=1\nreps=12\n"
        "seed=2\n[variants.baseline]\n[variants.slow_rent]\n"
        "'vehicle_kinds.rented_rescue.availability' = 0.5\n"
    )
    return f


def test_killed_sweep_resumes_without_duplicates_or_losses(tmp_path: Path) -> None:
    f = _cq_sweep(tmp_path)
    st_dir = tmp_path / "store"
    cmd = [sys.executable, "-m", "anjian", "sweep", str(f), "--serial", "--store", str(st_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = st_dir / "runs.sqlite"
    deadline = time.time() + 120
    n = 0
    while time.time() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    n = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if n >= 4:
                break
    proc.kill()
    proc.wait()
    store = RunStore(st_dir)
    partial = store.sweeps()
    assert len(partial) == 1
    assert 4 <= int(partial["runs"].iloc[0]) < 24, "the sweep must be killed mid-way"
    r = run_sweep(load_sweep(f), store, backend="serial", resume=True)
    assert r.skipped >= 4
    assert r.ran + r.skipped == 24
    runs = store.runs(r.sweep_id)
    assert len(runs) == 24
    assert not runs.duplicated(["case_name", "rep"]).any()
    # resumed results are those of an uninterrupted run
    fresh = run_sweep(load_sweep(f), RunStore(tmp_path / "fresh"), backend="serial")
    pd.testing.assert_frame_equal(
        _sorted(store.kpis(r.sweep_id)), _sorted(RunStore(tmp_path / "fresh").kpis(fresh.sweep_id))
    )


def _writer(root: str, name: str, n: int) -> None:
    store = RunStore(root)
    sid = store.create_sweep(name, {"name": name}, name, n)
    kpis = pd.DataFrame(
        {"rep": [0], "level": ["city"], "key": ["all"], "kpi": ["x"], "value": [1.0]}
    )
    for rep in range(n):
        store.record_run(
            sid,
            "c",
            rep,
            seed=0,
            model="response",
            overrides={},
            scenario_hash="h",
            config={},
            seconds=0.0,
            kpis=kpis.assign(rep=rep),
        )
    store.finish_sweep(sid)


def test_two_concurrent_writers(tmp_path: Path) -> None:
    root = str(tmp_path / "shared")
    RunStore(root)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(root, f"w{i}", 40)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = RunStore(root)
    sw = store.sweeps()
    assert sorted(sw["runs"].tolist()) == [40, 40]
    with sqlite3.connect(Path(root) / "runs.sqlite") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for sid in sw["sweep_id"]:
        assert len(store.kpis(sid)) == 40


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_round_trips(tmp_path: Path, fmt: str) -> None:
    f = tmp_path / "s.toml"
    f.write_text(TOY_SWEEP)
    store = RunStore(tmp_path / "st")
    sid = run_sweep(load_sweep(f), store, backend="serial").sweep_id
    paths = store.export(sid, tmp_path / "out", fmt)
    want = store.kpis(sid)
    if fmt == "xlsx":
        got = pd.read_excel(paths[0], sheet_name="kpis")
    else:
        kp = next(p for p in paths if p.name.endswith(f"-kpis.{fmt}"))
        got = pd.read_csv(kp) if fmt == "csv" else pd.read_parquet(kp)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_store_errors_and_scenario_copy(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(TOY_SWEEP)
    store = RunStore(tmp_path / "st")
    sid = run_sweep(load_sweep(f), store, backend="serial").sweep_id
    runs = store.runs(sid)
    copy = store.scenario(runs["scenario_hash"].iloc[0])
    assert copy.meta.name == load_scenario("toy").meta.name
    assert copy.vehicle_kinds["rented_rescue"].availability == 0.5
    with pytest.raises(StoreError, match="no sweep 'nope'"):
        store.runs("nope")
    with pytest.raises(StoreError, match="no case 'zzz'"):
        store.compare(sid, "zzz", runs["case_name"].iloc[0])
    assert store.delete(sid) == 12
    assert store.sweeps().empty
    assert not list((tmp_path / "st" / "kpis").glob("*.parquet"))


def test_mser5_finds_the_transient() -> None:
    rng = np.random.default_rng(0)
    warm = 100
    x = np.concatenate([np.linspace(30, 10, warm), 10 + rng.normal(0, 1, 900)])
    d = mser5(x)
    assert 80 <= d <= 130
    assert mser5(10 + rng.normal(0, 1, 1000)) <= 50
    assert mser5([1.0, 2.0]) == 0


def test_replications_needed_formula() -> None:
    rng = np.random.default_rng(1)
    pilot = rng.normal(100, 10, 10)
    s = pilot.std(ddof=1)
    n = replications_needed(pilot, 2.0)
    assert stats.t.ppf(0.975, n - 1) * s / np.sqrt(n) <= 2.0
    assert stats.t.ppf(0.975, n - 2) * s / np.sqrt(n - 1) > 2.0
    with pytest.raises(ValueError, match="at least 2"):
        replications_needed([1.0], 1.0)


def test_scenario_with_overrides() -> None:
    s = load_scenario("toy")
    before = s.staff["900001"]["township"]
    v = s.with_({"staff.900001.township": before + 7})
    assert v.staff["900001"]["township"] == before + 7
    assert s.staff["900001"]["township"] == before  # the original is untouched
    with pytest.raises(ScenarioError, match="did you mean 'staff'"):
        s.with_({"staf.900001.township": 7})

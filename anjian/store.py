"""The run store: every sweep and run recorded in an embedded SQLite database (WAL mode), with
each run's KPI table in a Parquet file beside it.

Layout of a store folder::

    runs.sqlite            sweeps, runs, scenarios (content hash → full JSON copy, zlib)
    kpis/<run_id>.parquet  one run's tidy KPIs (rep, level, key, kpi, value)

Safety: a run's Parquet file is written to a temporary name and renamed into place before its
row is inserted, so a killed sweep leaves no half-recorded run (a stray temporary file at most);
``UNIQUE(sweep_id, case_name, rep)`` forbids duplicates; WAL mode and a busy timeout let the app
and a CLI sweep write at the same time.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from anjian.scenarios.scenario import Scenario
from anjian.sim.stats import paired_difference, summarize

from ._version import __version__
from .kpis import model_of, with_labels

SCHEMA = """
CREATE TABLE IF NOT EXISTS sweeps (
    sweep_id TEXT PRIMARY KEY, name TEXT NOT NULL, spec_hash TEXT NOT NULL,
    spec_json TEXT NOT NULL, created REAL NOT NULL, finished REAL, status TEXT NOT NULL,
    code_version TEXT NOT NULL, tasks INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, sweep_id TEXT NOT NULL, case_name TEXT NOT NULL,
    rep INTEGER NOT NULL, seed INTEGER NOT NULL, model TEXT NOT NULL,
    overrides_json TEXT NOT NULL, scenario_hash TEXT NOT NULL, config_json TEXT NOT NULL,
    code_version TEXT NOT NULL, finished REAL NOT NULL, seconds REAL NOT NULL,
    kpi_file TEXT NOT NULL, UNIQUE (sweep_id, case_name, rep));
CREATE TABLE IF NOT EXISTS scenarios (hash TEXT PRIMARY KEY, content BLOB NOT NULL);
"""


@functools.cache
def code_version() -> str:
    """The package version plus the git commit when run from a checkout (asked of git once
    per process: every run a sweep records carries it)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"{__version__}+{rev}" if rev else __version__


class StoreError(ValueError):
    """A sweep or run that the store does not hold, or a store that cannot be opened."""


def default_store_path() -> Path:
    """Where runs are stored unless told otherwise: ``$ANJIAN_STORE`` if set, else the user's
    data directory (``$XDG_DATA_HOME/anjian/runs``, by default ``~/.local/share/anjian/runs``;
    ``%LOCALAPPDATA%\\anjian\\runs`` on Windows) — never inside the source tree, so running
    from a checkout leaves the repository clean."""
    env = os.environ.get("ANJIAN_STORE")
    if env:
        return Path(env).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "anjian" / "runs"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "anjian" / "runs"


class RunStore:
    """A folder holding ``runs.sqlite`` and ``kpis/`` (see the module docstring); by default
    :func:`default_store_path`."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_store_path()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "kpis").mkdir(exist_ok=True)
        self.db = self.root / "runs.sqlite"
        with self._connect() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(self.db, timeout=60.0)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the run store {self.db}: {err}") from err
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=60000")
            con.execute("PRAGMA synchronous=NORMAL")
            with con:
                yield con
        finally:
            con.close()

    # -- writing --------------------------------------------------------------------------
    def create_sweep(self, name: str, spec: dict[str, Any], spec_hash: str, tasks: int) -> str:
        """Record a new sweep; returns its id (``name-YYYYmmdd-HHMMSS-xxxx``)."""
        sweep_id = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
        with self._connect() as con:
            con.execute(
                "INSERT INTO sweeps VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    sweep_id,
                    name,
                    spec_hash,
                    json.dumps(spec, default=str),
                    time.time(),
                    None,
                    "running",
                    code_version(),
                    tasks,
                ),
            )
        return sweep_id

    def resumable(self, spec_hash: str) -> str | None:
        """The newest sweep with this specification, or ``None``."""
        with self._connect() as con:
            row = con.execute(
                "SELECT sweep_id FROM sweeps WHERE spec_hash = ? ORDER BY created DESC LIMIT 1",
                (spec_hash,),
            ).fetchone()
        return None if row is None else str(row[0])

    def done(self, sweep_id: str) -> set[tuple[str, int]]:
        """(case, rep) pairs already recorded for a sweep."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT case_name, rep FROM runs WHERE sweep_id = ?", (sweep_id,)
            ).fetchall()
        return {(str(c), int(r)) for c, r in rows}

    def save_scenario(self, digest: str, s: Scenario) -> None:
        """Keep a full copy of a scenario under its content hash (once)."""
        blob = zlib.compress(s.model_dump_json().encode(), 6)
        with self._connect() as con:
            con.execute("INSERT OR IGNORE INTO scenarios VALUES (?, ?)", (digest, blob))

    def record_run(
        self,
        sweep_id: str,
        case: str,
        rep: int,
        *,
        seed: int,
        model: str,
        overrides: dict[str, Any],
        scenario_hash: str,
        config: dict[str, Any],
        seconds: float,
        kpis: pd.DataFrame,
    ) -> str:
        """Write a run's KPIs (atomically) and its row; returns the run id."""
        run_id = uuid.uuid4().hex
        final = self.root / "kpis" / f"{run_id}.parquet"
        tmp = final.with_suffix(".parquet.tmp")
        kpis.to_parquet(tmp, index=False)
        os.replace(tmp, final)
        with self._connect() as con:
            cur = con.execute(
                "INSERT OR IGNORE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    sweep_id,
                    case,
                    rep,
                    seed,
                    model,
                    json.dumps(overrides, default=str),
                    scenario_hash,
                    json.dumps(config, default=str),
                    code_version(),
                    time.time(),
                    seconds,
                    final.name,
                ),
            )
            inserted = cur.rowcount == 1
        if not inserted:  # already recorded by an earlier attempt: keep that one
            final.unlink(missing_ok=True)
        return run_id

    def save_cases(
        self,
        sweep_name: str,
        cases: dict[str, tuple[Scenario, pd.DataFrame]],
        *,
        seed: int,
        model: str = "response",
    ) -> str:
        """Record already simulated cases (name → scenario, per-replication KPIs) under the
        sweep ``sweep_name`` (created on first use, e.g. one per scenario for saved plans), so
        they can be compared with each other like sweep cases. Returns the sweep id."""
        from anjian.scenarios.derive import scenario_hash

        spec = {"name": sweep_name, "saved_cases": True}
        sweep_id = self.resumable(sweep_name)
        if sweep_id is None:
            sweep_id = self.create_sweep(sweep_name, spec, sweep_name, 0)
        done = self.done(sweep_id)
        for case, (scenario, kpis) in cases.items():
            digest = scenario_hash(scenario)
            self.save_scenario(digest, scenario)
            for rep in sorted({int(r) for r in kpis["rep"]}):
                df = kpis[kpis["rep"] == rep]
                if (case, rep) in done:
                    continue
                self.record_run(
                    sweep_id,
                    case,
                    rep,
                    seed=seed,
                    model=model,
                    overrides={},
                    scenario_hash=digest,
                    config={},
                    seconds=0.0,
                    kpis=df,
                )
        with self._connect() as con:
            con.execute(
                "UPDATE sweeps SET tasks = (SELECT COUNT(*) FROM runs WHERE sweep_id = ?),"
                " status = 'done' WHERE sweep_id = ?",
                (sweep_id, sweep_id),
            )
        return sweep_id

    def finish_sweep(self, sweep_id: str, status: str = "done") -> None:
        with self._connect() as con:
            con.execute(
                "UPDATE sweeps SET status = ?, finished = ? WHERE sweep_id = ?",
                (status, time.time(), sweep_id),
            )

    def delete(self, sweep_id: str) -> int:
        """Delete a sweep, its runs and their KPI files; returns the number of runs deleted."""
        self._require(sweep_id)
        with self._connect() as con:
            files = [
                r[0]
                for r in con.execute("SELECT kpi_file FROM runs WHERE sweep_id = ?", (sweep_id,))
            ]
            con.execute("DELETE FROM runs WHERE sweep_id = ?", (sweep_id,))
            con.execute("DELETE FROM sweeps WHERE sweep_id = ?", (sweep_id,))
        for f in files:
            (self.root / "kpis" / f).unlink(missing_ok=True)
        return len(files)

    # -- reading --------------------------------------------------------------------------
    def _require(self, sweep_id: str) -> None:
        with self._connect() as con:
            ok = con.execute("SELECT 1 FROM sweeps WHERE sweep_id = ?", (sweep_id,)).fetchone()
        if ok is None:
            known = self.sweeps()["sweep_id"].tolist()
            raise StoreError(f"no sweep {sweep_id!r} in {self.root}; the store has {known[-10:]}")

    def sweeps(self) -> pd.DataFrame:
        """One row per sweep with its progress (runs recorded / tasks)."""
        with self._connect() as con:
            df = pd.read_sql_query(
                "SELECT s.sweep_id, s.name, s.status, s.tasks, COUNT(r.run_id) AS runs, "
                "s.created, s.finished, s.code_version FROM sweeps s LEFT JOIN runs r "
                "ON r.sweep_id = s.sweep_id GROUP BY s.sweep_id ORDER BY s.created",
                con,
            )
        for col in ("created", "finished"):
            df[col] = pd.to_datetime(df[col], unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")
        return df

    def runs(self, sweep_id: str) -> pd.DataFrame:
        """The runs of a sweep (one row each)."""
        self._require(sweep_id)
        with self._connect() as con:
            return pd.read_sql_query(
                "SELECT * FROM runs WHERE sweep_id = ? ORDER BY case_name, rep",
                con,
                params=(sweep_id,),
            )

    def spec(self, sweep_id: str) -> dict[str, Any]:
        self._require(sweep_id)
        with self._connect() as con:
            row = con.execute(
                "SELECT spec_json FROM sweeps WHERE sweep_id = ?", (sweep_id,)
            ).fetchone()
        out: dict[str, Any] = json.loads(row[0])
        return out

    def kpis(self, sweep_id: str) -> pd.DataFrame:
        """All KPIs of a sweep: columns case, rep, level, key, kpi, value."""
        runs = self.runs(sweep_id)
        frames = []
        for case, rep, f in runs[["case_name", "rep", "kpi_file"]].itertuples(index=False):
            df = pd.read_parquet(self.root / "kpis" / f)
            df["rep"] = rep
            frames.append(df.assign(case=case))
        if not frames:
            return pd.DataFrame(columns=["case", "rep", "level", "key", "kpi", "value"])
        out = pd.concat(frames, ignore_index=True)
        return out[["case", "rep", "level", "key", "kpi", "value"]]

    def summary(self, sweep_id: str, confidence: float = 0.95) -> pd.DataFrame:
        """Mean and CI of every KPI per case."""
        k = self.kpis(sweep_id)
        parts = [
            summarize(g.drop(columns="case"), confidence).assign(case=c)
            for c, g in k.groupby("case", sort=True)
        ]
        if not parts:
            return pd.DataFrame()
        out = pd.concat(parts, ignore_index=True)
        return out[["case", *[c for c in out.columns if c != "case"]]]

    def compare(self, sweep_id: str, case_a: str, case_b: str) -> pd.DataFrame:
        """Paired differences ``b − a`` per KPI (common random numbers: same seeds)."""
        k = self.kpis(sweep_id)
        cases = sorted(k["case"].unique())
        for c in (case_a, case_b):
            if c not in cases:
                raise StoreError(f"sweep {sweep_id} has no case {c!r}; cases are {cases}")
        a = k[k["case"] == case_a].drop(columns="case")
        b = k[k["case"] == case_b].drop(columns="case")
        return paired_difference(a, b)

    def scenario(self, digest: str) -> Scenario:
        """The stored copy of a scenario by content hash."""
        with self._connect() as con:
            row = con.execute("SELECT content FROM scenarios WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            raise StoreError(f"no scenario with hash {digest[:12]}… in {self.root}")
        return Scenario.model_validate_json(zlib.decompress(row[0]))

    def labelled_summary(self, sweep_id: str) -> pd.DataFrame:
        """:meth:`summary` with each KPI's 中文 and English label and unit (the catalogue's)."""
        runs = self.runs(sweep_id)
        model = model_of(str(runs["model"].iloc[0])) if len(runs) else "response"
        return with_labels(self.summary(sweep_id), model)

    def export(self, sweep_id: str, out: str | Path, fmt: str = "csv") -> list[Path]:
        """Write the sweep's runs, KPIs and summary as CSV files, Parquet files or one Excel
        workbook; returns the files written."""
        tables = {
            "runs": self.runs(sweep_id),
            "kpis": self.kpis(sweep_id),
            "summary": self.labelled_summary(sweep_id),
        }
        out = Path(out)
        if fmt == "xlsx":
            path = out if out.suffix == ".xlsx" else out / f"{sweep_id}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            with pd.ExcelWriter(path) as xl:
                for name, df in tables.items():
                    df.to_excel(xl, sheet_name=name, index=False)
            return [path]
        if fmt not in ("csv", "parquet"):
            raise StoreError(f"unknown export format {fmt!r}; use csv, parquet or xlsx")
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in tables.items():
            p = out / f"{sweep_id}-{name}.{fmt}"
            if fmt == "csv":
                df.to_csv(p, index=False)
            else:
                df.to_parquet(p, index=False)
            paths.append(p)
        return paths

"""The run store: every sweep and run recorded in an embedded SQLite database (WAL mode), with
each run's KPI table in a Parquet file beside it.

Layout of a store folder::

    runs.sqlite            sweeps, runs, scenarios (content hash → full JSON copy, zlib)
    kpis/<run_id>.parquet  one run's tidy KPIs (rep, level, key, kpi, value)

    sweeps/<sweep_id>.json the sweep's row (a copy, for repair)

Safety: a run's Parquet file is written to a temporary name and renamed into place before its
row is inserted, so a killed sweep leaves no half-recorded run (a stray temporary file at most);
``UNIQUE(sweep_id, case_name, rep)`` forbids duplicates; WAL mode and a busy timeout let the app
and a CLI sweep write at the same time. Each Parquet file carries its run's row in its metadata
and each sweep's row has a JSON copy, so :meth:`RunStore.repair` can rebuild a damaged or lost
database from the files; a run whose KPI file is missing or damaged is reported by name and
repair removes its row, so ``--resume`` computes it again. A sweep records the process running
it (host and pid): one whose process is gone is shown ``interrupted``, and a second process
cannot resume a sweep another live process is running.
"""

from __future__ import annotations

import functools
import json
import os
import socket
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


RUN_COLUMNS = ("run_id", "sweep_id", "case_name", "rep", "seed", "model", "overrides_json",
               "scenario_hash", "config_json", "code_version", "finished", "seconds",
               "kpi_file")  # fmt: skip
SWEEP_COLUMNS = ("sweep_id", "name", "spec_hash", "spec_json", "created", "finished",
                 "status", "code_version", "tasks", "host", "pid")  # fmt: skip
META_KEY = b"anjian.run"  # a KPI file's metadata key: its run's row (JSON)


def _alive(host: str | None, pid: int | None) -> bool | None:
    """Whether process ``pid`` on ``host`` runs (None: another host, cannot tell)."""
    if not pid or host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / "kpis").mkdir(exist_ok=True)
            (self.root / "sweeps").mkdir(exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot use {self.root} as a run store ({err.strerror}): "
                             "give another folder with --store") from err  # fmt: skip
        self.db = self.root / "runs.sqlite"
        try:
            with self._connect() as con:
                con.executescript(SCHEMA)
                cols = {r[1] for r in con.execute("PRAGMA table_info(sweeps)")}
                for col, kind in (("host", "TEXT"), ("pid", "INTEGER")):
                    if col not in cols:  # stores made before these columns
                        con.execute(f"ALTER TABLE sweeps ADD COLUMN {col} {kind}")
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"the run store's database {self.db} is damaged ({err}): run `anjian runs "
                f"repair --store {self.root}` (it keeps the damaged file aside and rebuilds "
                "the database from the KPI files)"
            ) from None

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
        sweep_id = f"{safe_name(name)}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
        row = (sweep_id, name, spec_hash, json.dumps(spec, default=str), time.time(), None,
               "running", code_version(), tasks, socket.gethostname(), os.getpid())  # fmt: skip
        with self._connect() as con:
            con.execute(
                f"INSERT INTO sweeps ({', '.join(SWEEP_COLUMNS)}) VALUES "
                f"({','.join('?' * len(SWEEP_COLUMNS))})",
                row,
            )
        self._write_sweep_copy(sweep_id)
        return sweep_id

    def _write_sweep_copy(self, sweep_id: str) -> None:
        with self._connect() as con:
            row = con.execute(
                f"SELECT {', '.join(SWEEP_COLUMNS)} FROM sweeps WHERE sweep_id = ?", (sweep_id,)
            ).fetchone()
        if row is None:
            return
        path = self.root / "sweeps" / f"{safe_name(sweep_id)}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(dict(zip(SWEEP_COLUMNS, row, strict=True))), encoding="utf-8")
        os.replace(tmp, path)

    def claim(self, sweep_id: str) -> None:
        """Mark a sweep as run by this process (a resume), refusing one that another live
        process is running.

        Raises
        ------
        StoreError
            If another process on this host is running the sweep now.
        """
        with self._connect() as con:
            row = con.execute(
                "SELECT status, host, pid FROM sweeps WHERE sweep_id = ?", (sweep_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no sweep {sweep_id!r} in {self.root}")
            status, host, pid = row
            if status == "running" and pid != os.getpid() and _alive(host, pid):
                raise StoreError(
                    f"sweep {sweep_id} is being run by process {pid} on {host}: wait for it "
                    "to finish (or stop it) before resuming"
                )
            con.execute(
                "UPDATE sweeps SET status = 'running', host = ?, pid = ? WHERE sweep_id = ?",
                (socket.gethostname(), os.getpid(), sweep_id),
            )
        self._write_sweep_copy(sweep_id)

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
        import pyarrow as pa
        import pyarrow.parquet as pq

        run_id = uuid.uuid4().hex
        final = self.root / "kpis" / f"{run_id}.parquet"
        tmp = final.with_suffix(".parquet.tmp")
        row = (run_id, sweep_id, case, rep, seed, model, json.dumps(overrides, default=str),
               scenario_hash, json.dumps(config, default=str), code_version(), time.time(),
               seconds, final.name)  # fmt: skip
        table = pa.Table.from_pandas(kpis, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[META_KEY] = json.dumps(dict(zip(RUN_COLUMNS, row, strict=True))).encode()
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        os.replace(tmp, final)
        with self._connect() as con:
            cur = con.execute("INSERT OR IGNORE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
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
        self._write_sweep_copy(sweep_id)

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
        (self.root / "sweeps" / f"{safe_name(sweep_id)}.json").unlink(missing_ok=True)
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
                "s.created, s.finished, s.code_version, s.host, s.pid FROM sweeps s LEFT JOIN "
                "runs r ON r.sweep_id = s.sweep_id GROUP BY s.sweep_id ORDER BY s.created",
                con,
            )
        gone = [
            st == "running" and _alive(h, p) is False
            for st, h, p in zip(df["status"], df["host"], df["pid"], strict=True)
        ]
        df.loc[gone, "status"] = "interrupted"  # its process has ended: resume it
        df = df.drop(columns=["host", "pid"])
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
        frames, broken = [], []
        for case, rep, f in runs[["case_name", "rep", "kpi_file"]].itertuples(index=False):
            try:
                df = pd.read_parquet(self.root / "kpis" / f)
            except (OSError, ValueError) as err:  # missing, truncated or not Parquet
                broken.append(f"{case} rep {rep} ({f}: {type(err).__name__})")
                continue
            df["rep"] = rep
            frames.append(df.assign(case=case))
        if broken:
            raise StoreError(
                f"sweep {sweep_id}: {len(broken)} run(s) have a missing or damaged KPI file — "
                + "; ".join(broken[:5])
                + (" …" if len(broken) > 5 else "")
                + f". Run `anjian runs repair --store {self.root}` (it removes those runs), "
                "then the sweep again with --resume to compute them anew."
            )
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
        workbook; returns the files written. A path that cannot be written is a
        :class:`StoreError` naming it."""
        try:
            return self._export(sweep_id, out, fmt)
        except OSError as err:
            raise StoreError(
                f"cannot write the export to {out}: {err.strerror or err}; give a folder (or an "
                ".xlsx file) you can write to"
            ) from None

    def _export(self, sweep_id: str, out: str | Path, fmt: str) -> list[Path]:
        tables = {
            "runs": self.runs(sweep_id),
            "kpis": self.kpis(sweep_id),
            "summary": self.labelled_summary(sweep_id),
        }
        out = Path(out)
        stem = safe_name(sweep_id)  # a file name inside ``out``, whatever the sweep is called
        if fmt == "xlsx":
            path = out if out.suffix == ".xlsx" else out / f"{stem}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            with pd.ExcelWriter(path) as xl:
                for name, df in tables.items():
                    no_formulas(df).to_excel(xl, sheet_name=name, index=False)
            return [path]
        if fmt not in ("csv", "parquet"):
            raise StoreError(f"unknown export format {fmt!r}; use csv, parquet or xlsx")
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in tables.items():
            p = out / f"{stem}-{name}.{fmt}"
            if fmt == "csv":
                df.to_csv(p, index=False)
            else:
                df.to_parquet(p, index=False)
            paths.append(p)
        return paths

    # -- repair ---------------------------------------------------------------------------
    def repair(self) -> dict[str, int]:
        """Bring the database back in line with the files (see the module docstring).

        A database SQLite cannot read is moved aside (``runs.sqlite.damaged-<time>``) and a
        new one is built; sweeps come back from their JSON copies, runs from their KPI files'
        metadata. Runs whose KPI file is missing or unreadable lose their row (a resume
        computes them again); unreadable KPI files are moved to ``kpis/damaged/``. Returns
        counts: ``moved_aside`` (0/1), ``sweeps_restored``, ``runs_restored``,
        ``runs_dropped``, ``files_quarantined``."""
        return repair_store(self.root)

    def orphans(self) -> int:
        """KPI files the database does not know (e.g. after a lost database): repair restores
        them."""
        with self._connect() as con:
            known = {r[0] for r in con.execute("SELECT kpi_file FROM runs")}
        return sum(1 for p in (self.root / "kpis").glob("*.parquet") if p.name not in known)


def safe_name(name: str) -> str:
    """``name`` as a file name (letters, digits, CJK, ``-``, ``_``, ``.``; nothing else, no
    leading dot), so no sweep name can point outside a folder."""
    import re

    cleaned = re.sub(r"[^0-9A-Za-z_\-.\u4e00-\u9fff]", "_", str(name)).lstrip(".")
    return cleaned[:120] or "sweep"


def no_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
    carriage return first) kept as text, by a leading apostrophe (OWASP's CSV-injection rule)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_object_dtype(out[c]) or pd.api.types.is_string_dtype(out[c]):
            out[c] = [
                "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                for v in out[c]
            ]
    return out


def repair_store(root: str | Path) -> dict[str, int]:
    """:meth:`RunStore.repair` for the store folder ``root``."""
    import pyarrow.parquet as pq

    root = Path(root)
    db = root / "runs.sqlite"
    counts = {"moved_aside": 0, "sweeps_restored": 0, "runs_restored": 0, "runs_dropped": 0,
              "files_quarantined": 0}  # fmt: skip
    try:
        store = RunStore(root)
    except StoreError:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(db) + suffix)
            if p.exists():
                p.replace(Path(f"{db}{suffix}.damaged-{stamp}"))
        counts["moved_aside"] = 1
        store = RunStore(root)
    kdir = root / "kpis"
    with store._connect() as con:
        have_sweeps = {r[0] for r in con.execute("SELECT sweep_id FROM sweeps")}
        for f in sorted((root / "sweeps").glob("*.json")):
            try:
                row = json.loads(f.read_text(encoding="utf-8"))
                if row["sweep_id"] in have_sweeps:
                    continue
                con.execute(
                    f"INSERT OR IGNORE INTO sweeps ({', '.join(SWEEP_COLUMNS)}) VALUES "
                    f"({','.join('?' * len(SWEEP_COLUMNS))})",
                    tuple(row.get(c) for c in SWEEP_COLUMNS),
                )
                have_sweeps.add(row["sweep_id"])
                counts["sweeps_restored"] += 1
            except (OSError, ValueError, KeyError, TypeError):
                continue
        rows = con.execute("SELECT run_id, kpi_file FROM runs").fetchall()
        known = {f for _, f in rows}
        for run_id, f in rows:  # rows whose file is gone or unreadable
            path = kdir / f
            try:
                pq.read_metadata(path)
                continue
            except (OSError, ValueError):
                pass
            con.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
            counts["runs_dropped"] += 1
        for path in sorted(kdir.glob("*.parquet")):  # files the database does not know
            if path.name in known:
                try:
                    pq.read_metadata(path)
                    continue
                except (OSError, ValueError):
                    pass
            try:
                meta = pq.read_schema(path).metadata or {}
                row = json.loads(meta[META_KEY])
                if row["sweep_id"] not in have_sweeps:
                    raise KeyError(row["sweep_id"])
                if path.name in known:
                    continue
                cur = con.execute(
                    "INSERT OR IGNORE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    tuple(row[c] for c in RUN_COLUMNS),
                )
                counts["runs_restored"] += cur.rowcount
            except (OSError, ValueError, KeyError, TypeError):
                bad = kdir / "damaged"
                bad.mkdir(exist_ok=True)
                path.replace(bad / path.name)
                counts["files_quarantined"] += 1
    return counts

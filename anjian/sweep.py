"""Sweeps: named variants and a parameter grid of a scenario × replications, run serially or
on a Dask cluster, every finished run recorded in the run store.

A sweep file (TOML)::

    [sweep]
    name = "contracted-vs-rented"
    scenario = "chongqing_flood2020"   # built-in name, folder or scenario.toml
    model = "response"                 # or "inspections"
    years = 1
    reps = 10
    seed = 1
    [sweep.config]                     # extra run settings (response: policy, overflow, …)
    overflow = "rent"

    [variants.baseline]                # a variant = overrides by dotted path (may be empty)
    [variants.contracted]
    "depots.d500101.vehicles.contracted_rescue" = 5

    [grid]                             # crossed with every variant
    "surges.aug2020.incidents" = [100, 200, 400]

Cases are variant × grid point, named ``variant`` or ``variant[path=value,…]``. Replication r of
every case uses seed ``(seed, r)``: common random numbers across cases, and the same numbers
whatever the backend or the number of workers (each task is a pure function of its inputs).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from anjian.scenarios.derive import scenario_hash, with_overrides
from anjian.scenarios.errors import ScenarioError
from anjian.scenarios.loader import load_scenario
from anjian.scenarios.scenario import Scenario
from anjian.sim.inspection import InspectionConfig, simulate_inspections
from anjian.sim.response import ResponseConfig, simulate_response

from .store import RunStore

Model = Literal["response", "inspections"]
Progress = Callable[[int, int], None]


class SweepError(ValueError):
    """A sweep definition that cannot run; the message names the field and the fix."""


#: Limits on a sweep file (docs/experiments.md): what one sweep may ask of a machine.
MAX_REPS = 1000
MAX_YEARS = 50.0
MAX_TASKS = 100_000  # cases × replications
MAX_GRID_VALUES = 1000  # values of one grid path
NAME_PATTERN = r"[0-9A-Za-z_\-.\u4e00-\u9fff]{1,64}"
#: config fields a sweep file may not set (the sweep sets them, or TOML cannot express them)
NOT_IN_CONFIG = {"years", "seed", "replication", "extra_incidents", "trace"}


def _number(where: str, v: Any, *, integer: bool, lo: float, hi: float) -> Any:
    """``v`` checked as a number (an integer if asked; never a boolean) within [lo, hi]."""
    ok = isinstance(v, int) and not isinstance(v, bool)
    if not integer:
        ok = ok or isinstance(v, float)
    if not ok:
        kind = "a whole number" if integer else "a number"
        raise SweepError(f"{where} must be {kind}, got {v!r}")
    if not (lo <= v <= hi):  # NaN fails too
        raise SweepError(f"{where} must be between {lo:g} and {hi:g}, got {v!r}")
    return v


def check_config(model: str, config: Any) -> dict[str, Any]:
    """A sweep's ``[sweep.config]``: a table whose keys are the model's run settings, each of
    its setting's type (a string for a choice, a number for a number, true/false for a flag).

    Raises
    ------
    SweepError
        Naming the key and what it may be.
    """
    import dataclasses

    if not isinstance(config, dict):
        raise SweepError(f"[sweep.config] must be a table of settings, got {config!r}")
    cls = InspectionConfig if model == "inspections" else ResponseConfig
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in NOT_IN_CONFIG}
    for k, v in config.items():
        if k not in fields:
            raise SweepError(
                f"[sweep.config] {k!r} is not a setting of the {model} model; settings are "
                f"{sorted(fields)}"
            )
        default = fields[k].default
        if isinstance(default, bool):
            ok = isinstance(v, bool)
        elif isinstance(default, int | float):
            ok = isinstance(v, int | float) and not isinstance(v, bool)
        elif isinstance(default, str):
            ok = isinstance(v, str)
        else:
            ok = True
        if not ok:
            raise SweepError(
                f"[sweep.config] {k} must be {type(default).__name__} like {default!r}, got {v!r}"
            )
    return dict(config)


class SweepInterrupted(SweepError):
    """A sweep stopped by the user (Ctrl-C); the message says how much is kept."""


@dataclass(frozen=True)
class Case:
    name: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Sweep:
    """A sweep definition (see the module docstring)."""

    name: str
    scenario: str
    model: Model = "response"
    years: float = 1.0
    reps: int = 5
    seed: int = 0
    config: dict[str, Any] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=lambda: {"baseline": {}})
    grid: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.model not in ("response", "inspections"):
            raise SweepError(f"sweep.model must be 'response' or 'inspections', got {self.model!r}")
        if not self.reps >= 1:
            raise SweepError(f"sweep.reps must be ≥ 1, got {self.reps}")
        if not self.years > 0:
            raise SweepError(f"sweep.years must be > 0, got {self.years}")
        if not self.variants:
            raise SweepError("a sweep needs at least one variant ([variants.NAME], may be empty)")
        for path, values in self.grid.items():
            if not isinstance(values, list) or not values:
                raise SweepError(f"grid {path!r}: give a non-empty list of values")
        try:
            _config(self.model, self.years, self.seed, 0, self.config)
        except (TypeError, ValueError) as err:
            raise SweepError(f"sweep.config: {err}") from err

    def cases(self) -> list[Case]:
        """Variant × grid point, in a fixed order."""
        paths = list(self.grid)
        points = list(itertools.product(*(self.grid[p] for p in paths))) if paths else [()]
        out = []
        for vname, ov in self.variants.items():
            for point in points:
                extra = dict(zip(paths, point, strict=True))
                label = (
                    vname
                    if not extra
                    else (vname + "[" + ",".join(f"{p}={v}" for p, v in extra.items()) + "]")
                )
                out.append(Case(label, {**ov, **extra}))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scenario": self.scenario,
            "model": self.model,
            "years": self.years,
            "reps": self.reps,
            "seed": self.seed,
            "config": self.config,
            "variants": self.variants,
            "grid": self.grid,
        }

    def spec_hash(self) -> str:
        return hashlib.sha256(
            json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        ).hexdigest()


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep TOML file. Raises :class:`SweepError` naming the file and field."""
    import re

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SweepError(f"{path}: cannot read ({err.strerror})") from err
    except UnicodeDecodeError:
        raise SweepError(f"{path}: not UTF-8 text: save the sweep file as UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise SweepError(f"{path}: not valid TOML: {err}") from err
    except RecursionError:
        raise SweepError(f"{path}: nested too deeply to be a sweep file") from None
    unknown = set(data) - {"sweep", "variants", "grid"}
    if unknown:
        raise SweepError(
            f"{path}: unknown sections {sorted(unknown)}; use [sweep], [variants.NAME] and [grid]"
        )
    head = data.get("sweep")
    if not isinstance(head, dict):
        raise SweepError(f"{path}: missing [sweep] with at least name and scenario")
    allowed = {"name", "scenario", "model", "years", "reps", "seed", "config"}
    bad = set(head) - allowed
    if bad:
        raise SweepError(f"{path} [sweep]: unknown keys {sorted(bad)}; allowed {sorted(allowed)}")
    for key in ("name", "scenario"):
        if not isinstance(head.get(key), str) or not head[key]:
            raise SweepError(f"{path} [sweep]: '{key}' is required (a string)")
    if not re.fullmatch(NAME_PATTERN, head["name"]) or head["name"].startswith("."):
        raise SweepError(
            f"{path} [sweep]: name {head['name'][:80]!r} may use letters, digits, Chinese "
            "characters, '-', '_' and '.' (1–64 of them, not starting with '.'): it names "
            "the sweep's files"
        )
    variants = data.get("variants", {"baseline": {}})
    grid = data.get("grid", {})
    try:
        if not isinstance(variants, dict) or not all(
            isinstance(v, dict) for v in variants.values()
        ):
            raise SweepError(
                "[variants] must be tables of overrides: [variants.NAME] then "
                '"dotted.path" = value lines (an empty table is today\'s scenario)'
            )
        if not isinstance(grid, dict):
            raise SweepError('[grid] must be a table of lists: "dotted.path" = [v1, v2, …]')
        for p, values in grid.items():
            if isinstance(values, list) and len(values) > MAX_GRID_VALUES:
                raise SweepError(f"grid {p!r}: at most {MAX_GRID_VALUES} values, got {len(values)}")
        model = head.get("model", "response")
        if not isinstance(model, str):
            raise SweepError(f"[sweep] model must be 'response' or 'inspections', got {model!r}")
        sweep = Sweep(
            name=head["name"],
            scenario=head["scenario"],
            model=model,  # type: ignore[arg-type]
            years=float(
                _number(
                    "[sweep] years", head.get("years", 1.0), integer=False, lo=1e-6, hi=MAX_YEARS
                )
            ),
            reps=_number("[sweep] reps", head.get("reps", 5), integer=True, lo=1, hi=MAX_REPS),
            seed=_number("[sweep] seed", head.get("seed", 0), integer=True, lo=0, hi=2**63 - 1),
            config=check_config(model, head.get("config", {})),
            variants={str(k): dict(v) for k, v in variants.items()},
            grid=dict(grid),
        )
        tasks = len(sweep.cases()) * sweep.reps
        if tasks > MAX_TASKS:
            raise SweepError(
                f"{tasks:,} runs (cases × reps) is more than a sweep may hold ({MAX_TASKS:,}): "
                "fewer grid values, variants or reps, or split it into several sweeps"
            )
        return sweep
    except SweepError as err:
        raise SweepError(f"{path}: {err}") from None
    except (TypeError, ValueError) as err:
        raise SweepError(f"{path} [sweep]: {err}") from err


def _config(
    model: str, years: float, seed: int, rep: int, extra: dict[str, Any]
) -> InspectionConfig | ResponseConfig:
    if model == "inspections":
        return InspectionConfig(years=years, seed=seed, replication=rep, **extra)
    return ResponseConfig(years=years, seed=seed, replication=rep, **extra)


@lru_cache(maxsize=8)
def _base(ref: str) -> Scenario:
    return load_scenario(ref)


@lru_cache(maxsize=64)
def _variant(ref: str, overrides_json: str) -> Scenario:
    return with_overrides(_base(ref), json.loads(overrides_json))


def run_task(
    ref: str,
    overrides_json: str,
    model: str,
    years: float,
    seed: int,
    rep: int,
    config: dict[str, Any],
    detail: bool = False,
) -> tuple[Any, ...]:
    """One replication of one case: its tidy KPIs and wall seconds (runs on any worker), and
    with ``detail`` its :func:`detail_of` table too."""
    t0 = time.perf_counter()
    s = _variant(ref, overrides_json)
    cfg = _config(model, years, seed, rep, config)
    res: Any = (
        simulate_inspections(s, cfg)
        if isinstance(cfg, InspectionConfig)
        else simulate_response(s, cfg)
    )
    if detail:
        return res.kpis, time.perf_counter() - t0, detail_of(model, res)
    return res.kpis, time.perf_counter() - t0


def detail_of(model: str, res: Any) -> pd.DataFrame:
    """A replication's detail for charts: every incident's response time and region group
    (response model), or the backlog of jobs by day (inspection model)."""
    if model == "response":
        return res.incidents[["response_min", "region_group"]].dropna().reset_index(drop=True)
    backlog = res.series.groupby("day")["backlog"].sum()
    return pd.DataFrame({"day": backlog.index, "backlog": backlog.to_numpy()})


#: Replication details kept by :func:`replication_detail` (the app's what-if charts).
_details: dict[tuple[Any, ...], pd.DataFrame] = {}
DETAILS_KEPT = 16


def detail_of_run(
    ref: str, overrides_json: str, model: str, years: float, seed: int
) -> pd.DataFrame:
    """Replication 0's :func:`detail_of` table (runs on any worker)."""
    return run_task(ref, overrides_json, model, years, seed, 0, {}, True)[2]


def replication_detail(
    ref: str, overrides_json: str, model: str, years: float, seed: int
) -> pd.DataFrame:
    """:func:`detail_of_run`, kept for the last :data:`DETAILS_KEPT` settings (also those
    :func:`remember_detail` was given, computed elsewhere)."""
    key = (ref, overrides_json, model, float(years), int(seed))
    if key not in _details:
        remember_detail(key, detail_of_run(*key))
    return _details[key]


def remember_detail(key: tuple[Any, ...], frame: pd.DataFrame) -> None:
    _details[key] = frame
    while len(_details) > DETAILS_KEPT:
        del _details[next(iter(_details))]


def run_sweep_with_details(
    sweep: Sweep,
    store: RunStore,
    *,
    client: Any = None,
    progress: Progress | None = None,
) -> SweepRun:
    """:func:`run_sweep` (resuming a stored sweep of the same definition) that also keeps
    each case's replication-0 detail for :func:`replication_detail` (taken from the run
    itself; computed afresh only for a replication a resumed sweep had already recorded)."""
    if sweep.config:
        raise SweepError("replication details are kept for sweeps without [sweep] config")

    def key(case: Case) -> tuple[Any, ...]:
        return (sweep.scenario, json.dumps(case.overrides, sort_keys=True), sweep.model,
                float(sweep.years), int(sweep.seed))  # fmt: skip

    def keep(case: Case, frame: pd.DataFrame) -> None:
        remember_detail(key(case), frame)

    res = run_sweep(sweep, store, resume=True, progress=progress, client=client, details=keep)
    for case in sweep.cases():
        if key(case) not in _details:
            keep(case, detail_of_run(*key(case)))
    return res


@dataclass(frozen=True)
class SweepRun:
    """What a sweep execution did."""

    sweep_id: str
    ran: int
    skipped: int
    seconds: float


def run_sweep(
    sweep: Sweep,
    store: RunStore,
    *,
    backend: Literal["serial", "dask"] = "dask",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    client: Any = None,
    details: Callable[[Case, pd.DataFrame], None] | None = None,
) -> SweepRun:
    """Run every (case, replication) not yet recorded and record each as it finishes.

    ``client``: a Dask client to run on (kept open; the app's shared cluster), instead of
    ``backend``, ``workers`` and ``scheduler``. ``details(case, table)`` receives the
    :func:`detail_of` table of each case's replication 0 run now.

    ``backend="dask"`` uses the cluster at ``scheduler`` (``tcp://host:8786``) or a
    ``LocalCluster`` with ``workers`` processes (default: one per core); ``"serial"`` runs in
    this process. With ``resume`` the newest sweep of the same definition continues.

    Raises
    ------
    ScenarioError
        If the scenario or a case's overrides are invalid (checked before anything runs).
    """
    if backend not in ("serial", "dask"):
        raise SweepError(f"backend must be 'serial' or 'dask', got {backend!r}")
    if client is not None:
        return _run(sweep, store, client, resume, progress, details)
    try:
        client, cluster = (
            _open_dask(sweep.scenario, workers, scheduler) if backend == "dask" else (None, None)
        )
    except (OSError, ValueError, TypeError) as err:  # unreachable or malformed address
        where = f"the Dask scheduler at {scheduler!r}" if scheduler else "a local Dask cluster"
        raise SweepError(
            f"cannot reach {where} ({type(err).__name__}: {err}): check the address "
            "(e.g. tcp://host:8786) and that the scheduler runs, or leave out --scheduler"
        ) from None
    try:
        return _run(sweep, store, client, resume, progress, details)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


#: Dask settings for the LocalCluster a sweep starts. Sweep tasks are long CPU-bound Python
#: calls: the worker's statistical profiler (a stack sample every 10 ms) and the 20 ms event-loop
#: ticks take the GIL from the running task and cost 5-10 % of its speed (bench/bench_sweep.py).
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "2s",
}


def _open_dask(ref: str, workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """A client on the given scheduler or a new LocalCluster, its workers already loading the
    base scenario while the coordinator validates the cases."""
    import dask
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        # the nannies hand this configuration to the worker processes they start
        with dask.config.set(LOCAL_CLUSTER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
    # one warm-up task pinned to each worker; the futures are kept on the client so the tasks
    # run (they finish before that worker's first real task)
    client._anjian_warm = [  # type: ignore[attr-defined]
        client.submit(_warm, ref, pure=False, workers=[w], allow_other_workers=False)
        for w in client.scheduler_info()["workers"]
    ]
    return client, cluster


SCHEDULER_TIMEOUT_S = 10  # how long to try to reach a --scheduler before giving up


def _warm(ref: str) -> None:
    """Import the models and load the base scenario on a worker (runs once per worker)."""
    _base(ref)


def _run(
    sweep: Sweep,
    store: RunStore,
    client: Any,
    resume: bool,
    progress: Progress | None,
    details: Callable[[Case, pd.DataFrame], None] | None = None,
) -> SweepRun:
    cases = sweep.cases()
    hashes: dict[str, str] = {}
    base = load_scenario(sweep.scenario)
    for c in cases:  # validate every case up front and keep its scenario
        try:
            s = with_overrides(base, c.overrides)
        except ScenarioError as err:
            raise ScenarioError(
                f"case {c.name!r}: {err}", problems=[f"case {c.name!r}: {p}" for p in err.problems]
            ) from None
        hashes[c.name] = scenario_hash(s)
        store.save_scenario(hashes[c.name], s)
    total = len(cases) * sweep.reps
    sweep_id = store.resumable(sweep.spec_hash()) if resume else None
    if sweep_id is not None:
        _same_scenarios(store, sweep_id, hashes)
        store.claim(sweep_id)
    else:
        sweep_id = store.create_sweep(sweep.name, sweep.to_dict(), sweep.spec_hash(), total)
    done = store.done(sweep_id)
    todo = [(c, r) for c in cases for r in range(sweep.reps) if (c.name, r) not in done]
    t0 = time.perf_counter()
    finished = len(done)
    if progress is not None:
        progress(finished, total)

    def record(case: Case, rep: int, kpis: pd.DataFrame, seconds: float) -> None:
        nonlocal finished
        store.record_run(
            sweep_id,
            case.name,
            rep,
            seed=sweep.seed,
            model=sweep.model,
            overrides=case.overrides,
            scenario_hash=hashes[case.name],
            config=sweep.config,
            seconds=seconds,
            kpis=kpis,
        )
        finished += 1
        if progress is not None:
            progress(finished, total)

    args = [
        (
            sweep.scenario,
            json.dumps(c.overrides, sort_keys=True),
            sweep.model,
            sweep.years,
            sweep.seed,
            r,
            sweep.config,
            details is not None and r == 0,
        )
        for c, r in todo
    ]

    def finish(case: Case, rep: int, out: tuple[Any, ...]) -> None:
        if len(out) == 3 and details is not None:
            details(case, out[2])
        record(case, rep, out[0], out[1])

    try:
        if client is None:
            for (c, r), a in zip(todo, args, strict=True):
                finish(c, r, run_task(*a))
        else:
            _run_dask(client, todo, args, finish)
    except KeyboardInterrupt:  # every finished run is already recorded
        store.finish_sweep(sweep_id, "interrupted")
        raise SweepInterrupted(
            f"sweep {sweep_id} stopped: {finished} of {total} runs are recorded; continue "
            "with the same command and --resume"
        ) from None
    store.finish_sweep(sweep_id, "done")
    return SweepRun(sweep_id, len(todo), len(done), time.perf_counter() - t0)


def _same_scenarios(store: RunStore, sweep_id: str, hashes: dict[str, str]) -> None:
    """Refuse to resume a sweep whose cases were run on other scenario content (the scenario
    file or a built-in changed since): a case's replications must all come from one world.

    Raises
    ------
    SweepError
        Naming the first changed case and the way out.
    """
    runs = store.runs(sweep_id)
    for case, digest in zip(runs["case_name"], runs["scenario_hash"], strict=True):
        now = hashes.get(str(case))
        if now is not None and now != digest:
            raise SweepError(
                f"cannot resume sweep {sweep_id}: the scenario of case {case!r} has changed "
                f"since its runs were made (content {str(digest)[:12]}… then, {now[:12]}… now), "
                "and one case would mix two scenarios. Run the sweep without --resume (a new "
                "sweep), or restore the scenario as it was."
            )


def _run_dask(
    client: Any,
    todo: list[tuple[Case, int]],
    args: list[tuple[Any, ...]],
    finish: Callable[[Case, int, tuple[Any, ...]], None],
) -> None:
    from distributed import as_completed

    futures = {client.submit(run_task, *a, pure=False): t for t, a in zip(todo, args, strict=True)}
    for fut in as_completed(futures):
        case, rep = futures[fut]
        finish(case, rep, fut.result())

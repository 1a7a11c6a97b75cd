"""CLI of experiments: ``anjian sweep FILE`` and ``anjian runs list|show|compare|export|delete``.
Thin over :mod:`anjian.sweep` and :mod:`anjian.store`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from anjian.scenarios import ScenarioError

from .store import RunStore, StoreError
from .sweep import SweepError, SweepInterrupted, load_sweep, run_sweep

STORE_HELP = (
    "Run store folder (default: $ANJIAN_STORE, else ~/.local/share/anjian/runs or "
    "$XDG_DATA_HOME/anjian/runs)."
)

runs_app = typer.Typer(
    help="Browse, compare, export and delete recorded sweeps.", no_args_is_help=True
)


def _store(path: Path | None) -> RunStore:
    try:
        return RunStore(path)
    except StoreError as err:
        _fail(str(err))
        raise


def _fail(msg: str) -> None:
    from rich.text import Text

    Console(
        markup=False, emoji=False, stderr=True, width=None if sys.stderr.isatty() else 220
    ).print(Text.assemble(("Error ", "bold red"), str(msg)), highlight=False)
    raise typer.Exit(code=1)


def sweep_cmd(
    file: Path = typer.Argument(..., help="Sweep definition (TOML)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="LocalCluster workers (default: one per core)."
    ),
    serial: bool = typer.Option(False, "--serial", help="Run in this process (debugging)."),
    resume: bool = typer.Option(
        False, "--resume", help="Continue the newest sweep of this definition."
    ),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Run a sweep (variants × grid × replications) and record every run."""
    if scheduler and (workers or serial):
        _fail("--scheduler cannot be combined with --workers or --serial")
    if workers is not None and workers < 1:
        _fail(f"--workers must be ≥ 1, got {workers}")
    try:
        sweep = load_sweep(file)
    except SweepError as err:
        _fail(str(err))
        return
    st = _store(store)
    console = Console(markup=False, emoji=False, stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(f"sweep {sweep.name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = run_sweep(
                sweep,
                st,
                backend="serial" if serial else "dask",
                workers=workers,
                scheduler=scheduler,
                resume=resume,
                progress=progress,
            )
    except ScenarioError as err:
        _fail("invalid scenario or overrides:\n  • " + "\n  • ".join(err.problems))
        return
    except SweepInterrupted as err:
        Console(markup=False, emoji=False, stderr=True).print(
            str(err), highlight=False, markup=False
        )
        raise typer.Exit(code=130) from None
    except (SweepError, StoreError) as err:
        _fail(str(err))
        return
    typer.echo(
        f"sweep {result.sweep_id}: {result.ran} runs done, {result.skipped} already "
        f"recorded, {result.seconds:.1f} s; store {st.root}"
    )


def _table(title: str, df) -> Table:  # type: ignore[no-untyped-def]
    """Data printed as text: case names like ``v[surges.x=100]`` or ``:x:`` are not markup."""
    from rich.text import Text

    t = Table(title=Text(title))
    for c in df.columns:
        t.add_column(Text(str(c)))
    for row in df.itertuples(index=False):
        t.add_row(*[Text(f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row])
    return t


def _console() -> Console:
    return Console(markup=False, emoji=False, width=None if sys.stdout.isatty() else 200)


@runs_app.command("list")
def list_cmd(store: Path | None = typer.Option(None, "--store", help=STORE_HELP)) -> None:
    """The recorded sweeps with their progress (``interrupted``: its process has ended —
    continue it with ``anjian sweep FILE --resume``)."""
    st = _store(store)
    _console().print(_table("sweeps", st.sweeps()))
    lost = st.orphans()
    if lost:
        Console(markup=False, emoji=False, stderr=True).print(
            f"{lost} KPI file(s) in {st.root / 'kpis'} belong to no recorded run (a lost or "
            f"replaced database?): `anjian runs repair --store {st.root}` restores them.",
            highlight=False,
            markup=False,
        )


@runs_app.command("repair")
def repair_cmd(store: Path | None = typer.Option(None, "--store", help=STORE_HELP)) -> None:
    """Bring the run store's database back in line with its files: a damaged database is
    kept aside and rebuilt from the KPI files, runs whose KPI file is missing or damaged are
    removed (resume the sweep to compute them again), lost runs are restored."""
    from .store import repair_store

    root = store if store is not None else None
    from .store import default_store_path

    counts = repair_store(root or default_store_path())
    typer.echo(
        "repair: database kept aside and rebuilt: "
        f"{'yes' if counts['moved_aside'] else 'no'}; sweeps restored {counts['sweeps_restored']}; "
        f"runs restored {counts['runs_restored']}; runs removed (missing or damaged KPI file) "
        f"{counts['runs_dropped']}; damaged files moved to kpis/damaged "
        f"{counts['files_quarantined']}"
    )


@runs_app.command("show")
def show_cmd(
    sweep_id: str = typer.Argument(..., help="A sweep id from `anjian runs list`."),
    level: str = typer.Option("city", "--level", help="KPI level to show (city, district, …)."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Mean and 95% CI of every KPI per case."""
    try:
        s = _store(store).summary(sweep_id)
    except StoreError as err:
        _fail(str(err))
        return
    if s.empty:
        _fail(f"sweep {sweep_id} has no finished runs yet")
    s = s[s["level"] == level][["case", "key", "kpi", "mean", "half_width", "reps"]]
    _console().print(_table(f"{sweep_id} ({level})", s))


@runs_app.command("compare")
def compare_cmd(
    sweep_id: str = typer.Argument(...),
    case_a: str = typer.Argument(..., help="Reference case."),
    case_b: str = typer.Argument(..., help="Case compared with it (b − a)."),
    level: str = typer.Option("city", "--level"),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Paired differences b − a with CIs (same seeds: common random numbers)."""
    try:
        d = _store(store).compare(sweep_id, case_a, case_b)
    except StoreError as err:
        _fail(str(err))
        return
    d = d[d["level"] == level][["key", "kpi", "mean", "half_width", "low", "high", "reps"]]
    _console().print(_table(f"{case_b} − {case_a}", d))


@runs_app.command("export")
def export_cmd(
    sweep_id: str = typer.Argument(...),
    out: Path = typer.Option(Path("export"), "--out", help="Folder (or .xlsx file)."),
    fmt: str = typer.Option("csv", "--format", help="csv, parquet or xlsx."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Write a sweep's runs, KPIs and summary."""
    try:
        paths = _store(store).export(sweep_id, out, fmt)
    except StoreError as err:
        _fail(str(err))
        return
    typer.echo("Wrote " + ", ".join(str(p) for p in paths))


@runs_app.command("delete")
def delete_cmd(
    sweep_id: str = typer.Argument(...),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Delete a sweep and its runs."""
    try:
        n = _store(store).delete(sweep_id)
    except StoreError as err:
        _fail(str(err))
        return
    typer.echo(f"Deleted sweep {sweep_id} ({n} runs)")

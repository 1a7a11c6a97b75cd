"""Command-line interface (Typer). A thin layer over the Python API: no model logic here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.bundle import new_scenario
from anjian.scenarios.summary import (
    category_table,
    department_table,
    district_table,
    staff_table,
)

from .cli_budget import costs_cmd, frontier_cmd, margins_cmd, objectives_cmd, run_cmd
from .cli_optimize import locate_cmd, optimize_app
from .cli_paths import writable_dir
from .cli_runs import runs_app, sweep_cmd
from .cli_stocks import stocks_cmd  # noqa: F401  (registers `optimize stocks`)
from .kpis import Model, kpi, of_model

R = TypeVar("R")

app = typer.Typer(
    help="anjian (安监): plan inspectors, emergency vehicles and relief stocks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from ._version import __version__

        typer.echo(f"anjian {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """anjian (安监): plan inspectors, emergency vehicles and relief stocks."""


app.add_typer(optimize_app, name="optimize")
app.command("locate")(locate_cmd)
app.command("costs")(costs_cmd)
app.command("run")(run_cmd)
app.command("frontier")(frontier_cmd)
app.command("objectives")(objectives_cmd)
app.command("margins")(margins_cmd)
app.command("sweep")(sweep_cmd)
app.add_typer(runs_app, name="runs")

scenario_app = typer.Typer(help="Validate, show and copy planning scenarios.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


class _SimulateGroup(TyperGroup):
    """``anjian simulate SCENARIO`` (no model named) runs both models coupled."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["all", *args]
        return super().resolve_command(ctx, args)


simulate_app = typer.Typer(
    help="Run the simulation models: `anjian simulate SCENARIO` runs both, coupled.",
    no_args_is_help=True,
    cls=_SimulateGroup,
)
app.add_typer(simulate_app, name="simulate")


def _console(stderr: bool = False) -> Console:
    """A console; when output is not a terminal (a pipe, a file, a test) lines are not cut."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 220
    return Console(markup=False, emoji=False, stderr=stderr, width=width)


REF_HELP = "A built-in scenario name (chongqing, toy), a scenario folder or a scenario.toml."


def _print_problems(error: ScenarioError, ref: object) -> None:
    err = _console(stderr=True)
    err.print("Invalid scenario ", end="", style="bold red")
    err.print(str(ref), markup=False, highlight=False)
    for line in error.problems:
        err.print(f"  • {line}", markup=False, highlight=False)


def _fail(error: ScenarioError, ref: object) -> None:
    _print_problems(error, ref)
    raise typer.Exit(code=1)


@scenario_app.command("validate")
def validate(ref: str = typer.Argument(..., help=REF_HELP)) -> None:
    """Check a scenario; exit 0 if valid, 1 with one line per problem if not."""
    try:
        s = load_scenario(ref)
    except ScenarioError as e:
        _fail(e, ref)
        return
    t = s.totals()
    out = _console()
    out.print(
        f"OK {s.meta.name}: {s.meta.title_zh} / {s.meta.title_en} — "
        f"{t['districts']} districts, population {t['population']:,}, "
        f"{t['sites']:,} sites, {t['staff']:,} staff, {t['vehicles']:,} vehicles",
        highlight=False,
    )


def _rich_table(title: str, df, number_format: dict[str, str] | None = None) -> Table:  # type: ignore[no-untyped-def]
    table = Table(title=title, show_lines=False)
    fmt = number_format or {}
    for col in df.columns:
        numeric = df[col].dtype.kind in "if"
        table.add_column(col, justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, row, strict=True):
            if col in fmt:
                cells.append(format(value, fmt[col]))
            elif isinstance(value, float):
                cells.append(f"{value:,.1f}")
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f"{value:,}")
            else:
                cells.append(str(value))
        table.add_row(*cells)
    return table


@scenario_app.command("show")
def show(ref: str = typer.Argument(..., help=REF_HELP)) -> None:
    """Print a summary: districts, site categories and staff, with city-wide totals."""
    try:
        s = load_scenario(ref)
    except ScenarioError as e:
        _fail(e, ref)
        return
    out = _console()
    out.print(f"{s.meta.title_zh}\n{s.meta.title_en}\n{s.meta.description}", highlight=False)
    districts = district_table(s)
    out.print(_rich_table("Districts 区县", districts, {"adcode": "s"}))
    t = s.totals()
    out.print(
        f"Total: {t['districts']} districts · population {t['population']:,} · "
        f"area {t['area_km2']:,.0f} km² · {t['townships']:,} townships · {t['sites']:,} sites · "
        f"{t['staff']:,} staff · {t['incidents_per_year']:,.0f} incidents/year · "
        f"{t['vehicles']:,} vehicles in {t['depots']} depots · {t['warehouses']} warehouses",
        highlight=False,
    )
    if s.departments:
        out.print(
            _rich_table(
                "Departments 监管部门", department_table(s), {"sites": ",.0f", "staff": ",.0f"}
            )
        )
    out.print(_rich_table("Site categories 监管对象", category_table(s), {"sites": ",.0f"}))
    out.print(
        _rich_table(
            "Staff 监管人员", staff_table(s), {"headcount": ",.0f", "cost_yuan_per_year": ",.0f"}
        )
    )


@scenario_app.command("new")
def new(
    dest: Path = typer.Argument(..., help="Folder to create."),
    source: str = typer.Option("chongqing", "--from", help=REF_HELP),
    derive: bool = typer.Option(
        False,
        "--derive",
        help="Write a small manifest that names the source as its base, instead of a full copy.",
    ),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder."),
) -> None:
    """Copy a scenario to DEST to edit (or, with --derive, start base + overrides)."""
    try:
        manifest = new_scenario(source, dest, derive=derive, force=force)
    except ScenarioError as e:
        _fail(e, dest)
        return
    _console().print(
        f"Created {manifest} — edit it, then: anjian scenario validate {dest}", highlight=False
    )


def _write_tables(out_dir: Path, tables: dict[str, Any], fmt: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            df.to_parquet(path, index=False)
        else:
            df.to_csv(path, index=False)
        written.append(path)
    return written


def _load(ref: str) -> Any:
    """The scenario, or exit 1 with its problems listed."""
    try:
        return load_scenario(ref)
    except ScenarioError as e:
        _fail(e, ref)


@contextmanager
def _progress(console: Console, label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar; yields the callback the replication loops call."""
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done, _total: progress.update(task, completed=done)


def _replicate(
    console: Console,
    label: str,
    reps: int,
    run: Callable[[Callable[[int, int], None]], R],
    ref: str,
    keep: Callable[[Any], bool],
) -> R:
    """``run(tick)`` under a progress bar. A scenario too large to run exits 1 with the
    reason; Ctrl-C keeps what finished (``keep(partial)`` writes it, ``partial`` None when no
    replication of this model finished, and says whether it wrote anything) and exits 130."""
    from anjian.sim.replicate import Interrupted

    try:
        with _progress(console, label, reps) as tick:
            return run(tick)
    except Interrupted as stop:
        err = _console(stderr=True)
        wrote = keep(stop.partial)
        done = (
            f"已中断：{stop.total} 次重复中完成 {stop.done} 次 / Interrupted: {stop.done} of "
            f"{stop.total} replications finished"
        )
        tail = "；已写出完成的结果 / ; what finished is written" if wrote else (
            "；未写出任何文件 / ; nothing was written")  # fmt: skip
        err.print(done + tail, markup=False, highlight=False)
        raise typer.Exit(code=130) from None
    except ScenarioError as e:
        _fail(e, ref)
        raise  # unreachable: _fail exits


def _keeper(console: Console, out: Path, fmt: str) -> Callable[[Any], bool]:
    """What Ctrl-C keeps of one model's replications: their tables, if any finished."""

    def keep(part: Any) -> bool:
        if part is None:
            return False
        _report(console, out, fmt, part.tables())
        return True

    return keep


def _report(console: Console, out: Path, fmt: str, tables: dict[str, Any]) -> None:
    written = _write_tables(out, tables, fmt)
    console.print("Wrote " + ", ".join(str(p) for p in written), highlight=False)


@simulate_app.command("inspections")
def simulate_inspections_cmd(
    ref: str = typer.Argument(..., help=REF_HELP),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(5, "--reps", min=1, max=1000, help="Replications."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    out: Path = typer.Option(Path("results/inspections"), "--out", help="Folder for the tables."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
) -> None:
    """Simulate inspection workloads; print city KPIs with 95% CIs; write tidy tables."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections

    _check_format(fmt)
    writable_dir(out)
    s = _load(ref)
    console = _console()
    cfg = InspectionConfig(years=years, seed=seed)
    result = _replicate(console, "replications", reps,
                        lambda tick: replicate_inspections(s, cfg, reps, tick), ref,
                        _keeper(console, out, fmt))  # fmt: skip
    head = f"{s.meta.name}: inspections, {years:g} year(s) × {reps} replications, seed {seed}"
    _print_summary(console, result.summary, "inspection", head)
    _report(console, out, fmt, result.tables())


SURGE_KPIS = ("delay_deaths", "people_affected", "people_evacuated", "people_at_home",
              "people_with_relatives", "people_collective")  # fmt: skip


def _print_summary(
    console: Console,
    summary: Any,
    model: Model,
    title: str,
    level: str = "city",
    key: str = "all",
    extra: tuple[str, ...] = (),
) -> None:
    """The model's headline KPIs of one group (the city by default; from the KPI catalogue)
    with their 95% CIs, then ``extra`` KPIs."""
    city = summary[(summary["level"] == level) & (summary["key"] == key)].set_index("kpi")
    table = Table(title=f"{title} (均值 ± 95% 置信区间半宽 / mean ± 95% CI half-width)")
    table.add_column("指标 / KPI")
    table.add_column("代码 / name")
    table.add_column("均值 / mean", justify="right")
    table.add_column("± 95% CI", justify="right")
    for k in [*of_model(model, headline_only=True), *(kpi(n, model) for n in extra)]:
        if k.name in city.index:
            row = city.loc[k.name]
            half = "" if row["half_width"] != row["half_width"] else k.format(row["half_width"])
            table.add_row(k.bilingual(), k.name, k.format(row["mean"]), half)
    console.print(table)


def _check_format(fmt: str) -> None:
    if fmt not in ("parquet", "csv"):
        _console(stderr=True).print(f"--format must be parquet or csv, got {fmt!r}")
        raise typer.Exit(code=2)


@simulate_app.command("response")
def simulate_response_cmd(
    ref: str = typer.Argument(..., help=REF_HELP),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(5, "--reps", min=1, max=1000, help="Replications."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    policy: str = typer.Option("district_first", "--policy", help="nearest or district_first."),
    threshold: float = typer.Option(
        30.0,
        "--mutual-aid-threshold-min",
        min=0.0,
        help="district_first: call another district when its unit would arrive this many "
        "minutes sooner than the own district's best.",
    ),
    out: Path = typer.Option(Path("results/response"), "--out", help="Folder for the tables."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
) -> None:
    """Simulate incidents, vehicles and relief stocks; print city KPIs with 95% CIs."""
    from anjian.sim.replicate import replicate_response
    from anjian.sim.response import ResponseConfig

    _check_format(fmt)
    writable_dir(out)
    s = _load(ref)
    try:
        cfg = ResponseConfig(years=years, seed=seed, policy=policy,
                             mutual_aid_threshold_min=threshold)  # fmt: skip
    except ValueError as e:
        _console(stderr=True).print(str(e), markup=False)
        raise typer.Exit(code=2) from None
    console = _console()
    result = _replicate(console, "replications", reps,
                        lambda tick: replicate_response(s, cfg, reps, tick), ref,
                        _keeper(console, out, fmt))  # fmt: skip
    head = f"{s.meta.name}: response, {years:g} year(s) × {reps} replications, seed {seed}"
    _print_summary(console, result.summary, "response", head)
    for sid, surge in s.surges.items():
        where = "窗口期与受灾区县 / window and districts"
        title = f"{surge.name_zh} / {surge.name_en} ({sid}): {where}"
        _print_summary(console, result.summary, "response", title, "surge", sid, SURGE_KPIS)
    _report(console, out, fmt, result.tables())


@simulate_app.command("all")
def simulate_all_cmd(
    ref: str = typer.Argument(..., help=REF_HELP),
    years: float = typer.Option(
        1.0, "--years", min=0.01, max=50.0, help="Simulated years per replication."
    ),
    reps: int = typer.Option(3, "--reps", min=1, max=1000, help="Replications."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed (same seed, same numbers)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for the tables."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
) -> None:
    """Both models coupled: the inspection model's accidents become incidents to respond to."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections, replicate_response
    from anjian.sim.response import ResponseConfig

    _check_format(fmt)
    writable_dir(out)
    s = _load(ref)
    console = _console()
    icfg, rcfg = InspectionConfig(years=years, seed=seed), ResponseConfig(years=years, seed=seed)
    insp = _replicate(
        console,
        "inspections",
        reps,
        lambda tick: replicate_inspections(s, icfg, reps, tick),
        ref,
        _keeper(console, out / "inspections", fmt),
    )

    def keep_both(part: Any) -> bool:  # the inspections all finished; the response may not
        _report(console, out / "inspections", fmt, insp.tables())
        _keeper(console, out / "response", fmt)(part)
        return True

    resp = _replicate(
        console,
        "response",
        reps,
        lambda tick: replicate_response(s, rcfg, reps, tick, insp),
        ref,
        keep_both,
    )
    head = f"{s.meta.name}: {years:g} year(s) × {reps} replications, seed {seed}"
    _print_summary(console, insp.summary, "inspection", f"监管检查 Inspections — {head}")
    _print_summary(
        console, resp.summary, "response", f"应急响应（含事故） Response (with accidents) — {head}"
    )
    _report(console, out / "inspections", fmt, insp.tables())
    _report(console, out / "response", fmt, resp.tables())


@app.command("validate")
def validate_all_cmd(
    full: bool = typer.Option(
        False,
        "--full/--quick",
        help="--quick (default, about a minute): a subset of every check; --full: all of them "
        "(pmed1–40 and cap41–cap134 included; about 18 minutes on 2 cores).",
    ),
    out: Path = typer.Option(
        Path("results/validation"), "--out", help="Folder for the report (created)."
    ),
) -> None:
    """Run every exact reference and calibration target; write the report (Markdown, HTML,
    CSV, figures). Exit 1 if any line fails."""
    from .cli_optimize import with_spinner
    from .validation import GROUPS, iter_groups, run_validation
    from .validation_report import write_report

    writable_dir(out)
    mode = "full" if full else "quick"
    v = with_spinner(f"anjian validate --{mode}", lambda tick: run_validation(mode, tick))
    paths = write_report(v, out)
    console = _console()
    table = Table(title=f"验证 Validation ({mode}): {v.seconds:,.0f} 秒 s")
    for head in ("组 group", "项 lines", "通过 passed", "未通过 failed"):
        table.add_column(head, justify="left" if head.startswith("组") else "right")
    for key, lines in iter_groups(v):
        bad = [line for line in lines if not line.passed]
        table.add_row(f"{GROUPS[key][0]} / {GROUPS[key][1]}", str(len(lines)),
                      str(len(lines) - len(bad)), str(len(bad)))  # fmt: skip
    console.print(table)
    for line in v.lines:
        if not line.passed:
            console.print(f"未通过 FAIL {line.group}: {line.item}: reference {line.reference}, "
                          f"ours {line.ours} ({line.tolerance})", style="bold red")  # fmt: skip
    console.print(f"报告 / report: {paths['html']}  {paths['md']}", highlight=False)
    if not v.passed:
        raise typer.Exit(code=1)


def main() -> None:
    """Console-script entry point. A bad or too large scenario that reaches here (from a
    command without its own handler) is reported as such, never as a traceback."""
    try:
        app()
    except ScenarioError as e:
        _print_problems(e, "")
        sys.exit(1)

"""Command-line interface (Typer). A thin layer over the Python API: no model logic here."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from scenarios import ScenarioError, load_scenario
from scenarios.bundle import new_scenario
from scenarios.summary import category_table, district_table, staff_table

app = typer.Typer(
    help="anjian (安监): plan inspectors, emergency vehicles and relief stocks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from anjian import __version__

        typer.echo(f"anjian {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """anjian (安监): plan inspectors, emergency vehicles and relief stocks."""


scenario_app = typer.Typer(help="Validate, show and copy planning scenarios.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


def _console(stderr: bool = False) -> Console:
    """A console; when output is not a terminal (a pipe, a file, a test) lines are not cut."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 220
    return Console(stderr=stderr, width=width)


REF_HELP = "A built-in scenario name (chongqing, toy), a scenario folder or a scenario.toml."


def _fail(error: ScenarioError, ref: object) -> None:
    err = _console(stderr=True)
    err.print(f"[bold red]Invalid scenario[/bold red] {ref}", highlight=False)
    for line in error.problems:
        err.print(f"  • {line}", markup=False, highlight=False)
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
        f"[green]OK[/green] {s.meta.name}: {s.meta.title_zh} / {s.meta.title_en} — "
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
    out.print(
        f"[bold]{s.meta.title_zh}[/bold]\n{s.meta.title_en}\n{s.meta.description}", highlight=False
    )
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


def main() -> None:
    """Console-script entry point."""
    app()

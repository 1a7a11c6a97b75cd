"""Golden runs: fixed-seed short runs of each model, stored as CSV and compared exactly.

A change that is *not* meant to move results (a refactoring, a speed-up that keeps the random
numbers) must leave every table here bit for bit the same; ``tests/test_golden.py`` checks it.
When a change *is* meant to move results, regenerate the tables and commit them with the change,
saying why in the commit::

    .venv/bin/python tests/golden.py --write        # rewrites tests/golden/*.csv

Each table is a tidy DataFrame; floats are written with ``repr`` precision, so reading a table
back gives the very same numbers.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import anjian

GOLDEN_DIR = Path(__file__).with_name("golden")


def _inspection_toy() -> dict[str, pd.DataFrame]:
    s = anjian.load_scenario("toy")
    r = anjian.replicate_inspections(s, anjian.InspectionConfig(years=2.0, seed=3), reps=2)
    return {"kpis": r.kpis, "accidents": r.accidents, "series": r.series, "years": r.years}


def _inspection_chongqing() -> dict[str, pd.DataFrame]:
    s = anjian.load_scenario("chongqing")
    r = anjian.replicate_inspections(s, anjian.InspectionConfig(years=0.05, seed=11), reps=1)
    return {"kpis": r.kpis}


def _response_toy() -> dict[str, pd.DataFrame]:
    s = anjian.load_scenario("toy")
    r = anjian.replicate_response(s, anjian.ResponseConfig(years=1.0, seed=5), reps=2)
    return {"kpis": r.kpis, "incidents": r.incidents, "stock": r.stock}


def _response_flood() -> dict[str, pd.DataFrame]:
    s = anjian.load_scenario("chongqing_flood2020")
    r = anjian.replicate_response(s, anjian.ResponseConfig(years=1.0, seed=2), reps=1)
    return {"kpis": r.kpis, "stock": r.stock}


def _coupled_toy() -> dict[str, pd.DataFrame]:
    s = anjian.load_scenario("toy")
    insp = anjian.replicate_inspections(s, anjian.InspectionConfig(years=1.0, seed=9), reps=2)
    resp = anjian.replicate_response(s, anjian.ResponseConfig(years=1.0, seed=9), 2, None, insp)
    return {"inspection_kpis": insp.kpis, "response_kpis": resp.kpis}


def _location_chongqing() -> dict[str, pd.DataFrame]:
    res = anjian.optimize_vehicles(
        "chongqing", model="mclp", vehicles=12, verify_reps=2, verify_years=0.5
    )
    plan = res.plan
    counts = pd.DataFrame(
        {"site": list(plan.counts), "vehicles": [int(n) for n in plan.counts.values()]}
    ).sort_values("site", ignore_index=True)
    head = pd.DataFrame(
        {"field": ["model", "status", "objective", "spend_yuan"],
         "value": [plan.model, plan.status, repr(plan.objective), repr(res.spend_yuan)]}
    )  # fmt: skip
    assert res.verification is not None
    return {"plan": head, "counts": counts, "verification": res.verification.table().reset_index()}


RUNS: dict[str, Callable[[], dict[str, pd.DataFrame]]] = {
    "inspection_toy": _inspection_toy,
    "inspection_chongqing": _inspection_chongqing,
    "response_toy": _response_toy,
    "response_flood": _response_flood,
    "coupled_toy": _coupled_toy,
    "location_chongqing": _location_chongqing,
}


def to_csv(df: pd.DataFrame) -> str:
    """The table as CSV text, floats at full (round-trip) precision."""
    return df.to_csv(index=False, lineterminator="\n")


def canonical(df: pd.DataFrame) -> str:
    """A table written to CSV and read back, written again: what comparing files compares."""
    return to_csv(pd.read_csv(io.StringIO(to_csv(df))))


def path(run: str, table: str) -> Path:
    """Where a golden table lives."""
    return GOLDEN_DIR / f"{run}__{table}.csv"


#: Floats may differ in the last bits between CPUs' vector instructions (``exp``, sums).
RTOL = 1e-12


def same_table(expected: str, got: str) -> bool:
    """The same table: equal text, or equal but for floats within :data:`RTOL`."""
    if got == expected:
        return True
    a, b = pd.read_csv(io.StringIO(expected)), pd.read_csv(io.StringIO(got))
    if list(a.columns) != list(b.columns) or a.shape != b.shape:
        return False
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y):
            if not np.allclose(x.to_numpy(), y.to_numpy(), rtol=RTOL, atol=0.0, equal_nan=True):
                return False
        elif not x.equals(y):
            return False
    return True


def differences(run: str) -> list[str]:
    """The tables of ``run`` that differ from (or are missing in) the stored ones; empty
    when the run is unchanged."""
    tables = RUNS[run]()
    stored = {p.name for p in GOLDEN_DIR.glob(f"{run}__*.csv")}
    out = sorted(stored - {path(run, t).name for t in tables})
    for table, df in tables.items():
        file = path(run, table)
        if not file.is_file() or not same_table(file.read_text(encoding="utf-8"), canonical(df)):
            out.append(table)
    return out


def write(runs: list[str]) -> None:
    """Regenerate the named runs' tables."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    for run in runs:
        for table, df in RUNS[run]().items():
            path(run, table).write_text(canonical(df), encoding="utf-8")
            print(f"wrote {path(run, table)} ({len(df)} rows)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite the stored tables")
    ap.add_argument("runs", nargs="*", choices=[*RUNS, []], help="runs (default: all)")
    args = ap.parse_args(argv)
    if not args.write:
        ap.error("nothing to do: pass --write to regenerate the golden tables")
    write(args.runs or list(RUNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())

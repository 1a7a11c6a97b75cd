"""Golden tier: fixed-seed short runs of every model compared exactly with stored CSV.

A failure here means results moved. If that was meant, regenerate with
``.venv/bin/python tests/golden.py --write`` and commit the tables with the change; if not,
the change has a bug. See tests/golden.py.
"""

from __future__ import annotations

import difflib

import golden
import pytest


@pytest.mark.parametrize("run", sorted(golden.RUNS))
def test_golden_run_is_unchanged(run: str) -> None:
    tables = golden.RUNS[run]()
    stored = sorted(p.name for p in golden.GOLDEN_DIR.glob(f"{run}__*.csv"))
    assert stored == sorted(golden.path(run, t).name for t in tables), "tables added or dropped"
    for table, df in tables.items():
        expected = golden.path(run, table).read_text(encoding="utf-8")
        got = golden.canonical(df)
        if got != expected:
            diff = "".join(
                list(
                    difflib.unified_diff(
                        expected.splitlines(keepends=True),
                        got.splitlines(keepends=True),
                        "stored",
                        "now",
                        n=0,
                    )
                )[:40]
            )
            pytest.fail(f"{run}/{table} moved (regenerate only if meant):\n{diff}")

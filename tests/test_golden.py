"""Golden tier: fixed-seed short runs of every model compared with stored CSV: every text and
integer exactly, every float to 1e-12 relative (the last bits of ``exp`` and of sums differ
between CPUs' vector instructions; nothing a model change moves is that small).

A failure here means results moved. If that was meant, regenerate with
``.venv/bin/python tests/golden.py --write`` and commit the tables with the change; if not,
the change has a bug. See tests/golden.py.
"""

from __future__ import annotations

import difflib
import io

import golden
import numpy as np
import pandas as pd
import pytest

RTOL = 1e-12


def _same(expected: str, got: str) -> bool:
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


@pytest.mark.parametrize("run", sorted(golden.RUNS))
def test_golden_run_is_unchanged(run: str) -> None:
    tables = golden.RUNS[run]()
    stored = sorted(p.name for p in golden.GOLDEN_DIR.glob(f"{run}__*.csv"))
    assert stored == sorted(golden.path(run, t).name for t in tables), "tables added or dropped"
    for table, df in tables.items():
        expected = golden.path(run, table).read_text(encoding="utf-8")
        got = golden.canonical(df)
        if not _same(expected, got):
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


def test_the_comparison_tolerates_only_the_last_bits() -> None:
    stored = "kpi,key,value\nd,a,1.7652486489663468\nn,a,3\n"
    assert _same(stored, "kpi,key,value\nd,a,1.765248648966347\nn,a,3\n")
    assert not _same(stored, "kpi,key,value\nd,a,1.76524864897\nn,a,3\n")  # 1e-11 relative
    assert not _same(stored, "kpi,key,value\nd,a,1.7652486489663468\nn,a,4\n")
    assert not _same(stored, "kpi,key,value\nd,b,1.7652486489663468\nn,a,3\n")
    assert not _same(stored, "kpi,key,value\nd,a,1.7652486489663468\n")

"""Golden tier: fixed-seed short runs of every model compared with stored CSV: every text and
integer exactly, every float to 1e-12 relative (the last bits of ``exp`` and of sums differ
between CPUs' vector instructions; nothing a model change moves is that small).

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
        if not golden.same_table(expected, got):
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
    assert golden.same_table(stored, "kpi,key,value\nd,a,1.765248648966347\nn,a,3\n")
    assert not golden.same_table(
        stored, "kpi,key,value\nd,a,1.76524864897\nn,a,3\n"
    )  # 1e-11 relative
    assert not golden.same_table(stored, "kpi,key,value\nd,a,1.7652486489663468\nn,a,4\n")
    assert not golden.same_table(stored, "kpi,key,value\nd,b,1.7652486489663468\nn,a,3\n")
    assert not golden.same_table(stored, "kpi,key,value\nd,a,1.7652486489663468\n")

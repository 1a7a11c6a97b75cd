"""The Python examples in the researcher's guide run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "experiments.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_guide_has_examples() -> None:
    assert len(_blocks()) >= 2


@pytest.mark.parametrize("index", range(2))
def test_guide_example_runs(index: int) -> None:
    namespace: dict[str, object] = {}
    exec(compile(_blocks()[index], f"{DOC.name}[{index}]", "exec"), namespace)

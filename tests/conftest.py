"""Shared fixtures: a fresh copy of the toy scenario to break in each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from anjian.scenarios import builtin


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A writable copy of the built-in toy scenario."""
    dest = tmp_path / "toy"
    shutil.copytree(builtin.folder("toy"), dest)
    return dest


@pytest.fixture(autouse=True)
def _private_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs, sweeps and cached curves go to a temporary store, never the user's."""
    monkeypatch.setenv("ANJIAN_STORE", str(tmp_path_factory.getbasetemp() / "store"))
    # the app's simulations run in its own process in tests (the browser tests start a
    # server with its shared cluster)
    monkeypatch.setenv("ANJIAN_APP_WORKERS", "1")

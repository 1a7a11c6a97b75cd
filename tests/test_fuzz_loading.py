"""Fuzz: whatever a user does to a scenario's files, loading succeeds or raises ScenarioError."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anjian.scenarios import ScenarioError, builtin, load_scenario

FILES = [
    "scenario.toml",
    "districts.csv",
    "sites.csv",
    "staff.csv",
    "incident_rates.csv",
    "depots.csv",
    "warehouses.csv",
    "stocks.csv",
    "districts.geojson",
    "travel.csv",
]
TOKENS = ["", "-", "-1", "nan", "inf", "1e309", "0", "999999999999999999999", '"', ",", "\n",
          "=", "[", "]", "{", "}", "true", "é", "区", "\x00", " ", "kind", "0.5", "#"]  # fmt: skip
MATRIX = "id,900001,900002,900003\n900001,0,12,30\n900002,11,0,20\n900003,29,21,0\n"

text_insert = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
edit = st.tuples(
    st.sampled_from(FILES),
    st.floats(min_value=0.0, max_value=1.0),  # where in the file
    st.integers(min_value=0, max_value=12),  # how many characters to remove
    st.one_of(st.sampled_from(TOKENS), text_insert),  # what to insert
)


def _fresh_copy(folder: Path) -> None:
    """The toy scenario, switched to a user-supplied travel matrix so that file is fuzzed too."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(builtin.folder("toy"), folder)
    (folder / "travel.csv").write_text(MATRIX, encoding="utf-8")
    manifest = folder / "scenario.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        'stocks = "stocks.csv"', 'stocks = "stocks.csv"\ntravel_matrix = "travel.csv"'
    )
    manifest.write_text(text.replace('model = "geometric"', 'model = "matrix"'), encoding="utf-8")


def _loads_or_reports(folder: Path) -> None:
    try:
        load_scenario(folder)
    except ScenarioError as err:
        assert str(err)  # a message, never empty


def test_fuzz_baseline_loads(tmp_path: Path) -> None:
    _fresh_copy(tmp_path / "s")
    assert load_scenario(tmp_path / "s").travel.model == "matrix"


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(edit, min_size=1, max_size=3))
def test_text_edits_load_or_raise_scenario_error(tmp_path: Path, edits: list) -> None:
    folder = tmp_path / "s"
    _fresh_copy(folder)
    for name, where, cut, insert in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        at = int(where * len(text))
        path.write_text(text[:at] + insert + text[at + cut :], encoding="utf-8")
    _loads_or_reports(folder)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.sampled_from(FILES), st.binary(max_size=64))
def test_arbitrary_bytes_load_or_raise_scenario_error(
    tmp_path: Path, name: str, blob: bytes
) -> None:
    folder = tmp_path / "b"
    _fresh_copy(folder)
    (folder / name).write_bytes(blob)
    _loads_or_reports(folder)

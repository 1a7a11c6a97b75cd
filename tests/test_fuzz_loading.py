"""Fuzz: whatever a user does to a scenario's files, loading succeeds or raises ScenarioError."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import ScenarioError, builtin, load_scenario

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
]
TOKENS = [
    "",
    "-",
    "-1",
    "nan",
    "inf",
    "1e309",
    "0",
    "999999999999999999999",
    '"',
    ",",
    "\n",
    "=",
    "[",
    "]",
    "{",
    "}",
    "true",
    "é",
    "区",
    "\x00",
    " ",
    "kind",
    "0.5",
    "#",
]

edit = st.tuples(
    st.sampled_from(FILES),
    st.floats(min_value=0.0, max_value=1.0),  # where in the file
    st.integers(min_value=0, max_value=12),  # how many characters to remove
    st.one_of(
        st.sampled_from(TOKENS), st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
    ),  # what to insert
)


def _check_loads_or_reports(base: Path, edits: list[tuple[str, float, int, str]]) -> None:
    folder = base / "s"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(builtin.folder("toy"), folder)
    for name, where, cut, insert in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        at = int(where * len(text))
        path.write_text(text[:at] + insert + text[at + cut :], encoding="utf-8")
    try:
        load_scenario(folder)
    except ScenarioError as err:
        assert str(err)  # a message, never empty


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(edit, min_size=1, max_size=3))
def test_text_edits_load_or_raise_scenario_error(tmp_path: Path, edits: list) -> None:
    _check_loads_or_reports(tmp_path, edits)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(FILES), st.binary(max_size=64))
def test_arbitrary_bytes_load_or_raise_scenario_error(
    tmp_path: Path, name: str, blob: bytes
) -> None:
    folder = tmp_path / "b"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(builtin.folder("toy"), folder)
    (folder / name).write_bytes(blob)
    try:
        load_scenario(folder)
    except ScenarioError as err:
        assert str(err)

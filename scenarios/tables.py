"""Reading the files of a scenario bundle: TOML manifests, CSV tables and GeoJSON boundaries.

Every reader raises :class:`~anjian.scenarios.errors.ScenarioError` naming the file (and line) for
missing, empty, non-UTF-8 or malformed files, so nothing deeper ever sees a broken file.
CSV cells are kept as stripped strings (validation converts them); an empty cell becomes
``None``-less: the key is simply absent, so a required column reports "missing".
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ScenarioError

MAX_FILE_BYTES = 200 * 1024 * 1024
# Limits on what a file may hold, so that memory is bounded and not only bytes (a file of
# blank lines or of one-character cells expands ~100 times as Python objects). Far above any
# real scenario: Chongqing's largest table has ~1,000 rows; China has ~40,000 townships.
#: Most data rows in a CSV table.
MAX_ROWS = 200_000
#: Most columns in a CSV table.
MAX_COLUMNS = 2_000
#: Most cells (rows × columns) in a CSV table.
MAX_CELLS = 5_000_000
#: Longest travel time in a travel matrix, minutes (a week).
MAX_TRAVEL_MIN = 7 * 24 * 60.0
#: Most points in a travel matrix (its size is the square of this).
MAX_MATRIX_IDS = 5_000


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM, as Excel writes, is allowed)."""
    if not path.exists():
        raise ScenarioError(f"{path}: file not found")
    if not path.is_file():
        raise ScenarioError(f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}: not UTF-8 text (bad byte 0x{data[err.start]:02x} on line {line}); "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8')"
        ) from err
    if not text.strip():
        raise ScenarioError(f"{path}: the file is empty")
    return text


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML manifest; syntax errors carry the line and column."""
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: TOML syntax error: {err}") from err
    except RecursionError as err:
        raise ScenarioError(f"{path}: tables or lists nested too deeply to read") from err


def _records(
    path: Path, max_columns: int | None = None, max_cells: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The CSV records of a text file that hold something, with their line numbers (any of
    \\n, \\r\\n, \\r line ends); blank lines are skipped as they are read, and the table's
    size is bounded by :data:`MAX_ROWS`, :data:`MAX_COLUMNS` and :data:`MAX_CELLS`."""
    read_text(path)  # the checks (size, UTF-8, empty); the text itself is read again below
    with path.open(encoding="utf-8-sig", newline="") as stream:
        yield from _bounded(path, csv.reader(stream), max_columns or MAX_COLUMNS,
                            max_cells or MAX_CELLS)  # fmt: skip


def _bounded(
    path: Path, reader: Any, max_columns: int, max_cells: int
) -> Iterator[tuple[int, list[str]]]:
    rows = cells = 0
    try:
        for record in reader:
            if not record or all(not c.strip() for c in record):
                continue
            rows += 1
            cells += len(record)
            if len(record) > max_columns:
                raise ScenarioError(
                    f"{path} line {reader.line_num}: {len(record):,} cells; a table may have "
                    f"at most {max_columns:,} columns"
                )
            if rows > MAX_ROWS + 1 or cells > max_cells:
                raise ScenarioError(
                    f"{path}: more than {MAX_ROWS:,} rows or {max_cells:,} cells (line "
                    f"{reader.line_num}); split the scenario or remove what it does not use"
                )
            yield reader.line_num, record
    except csv.Error as err:
        raise ScenarioError(f"{path}: not a readable CSV file: {err}") from err


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as a header and rows of ``(line number, {column: cell})``."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_csv(path: Path, required: tuple[str, ...] = ()) -> CsvTable:
    """Read a CSV with a header row; reject ragged rows and duplicate or missing columns."""
    records = _records(path)
    first = next(records, None)
    if first is None:
        raise ScenarioError(f"{path}: the file is empty")
    header = [h.strip() for h in first[1]]
    if any(not h for h in header):
        raise ScenarioError(f"{path} line 1: the header has an empty column name: {header}")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise ScenarioError(f"{path} line 1: column(s) {dupes} appear more than once")
    missing = [c for c in required if c not in header]
    if missing:
        raise ScenarioError(f"{path} line 1: missing column(s) {missing}; the header is {header}")
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records:
        if len(record) != len(header):
            raise ScenarioError(
                f"{path} line {line}: {len(record)} cells but the header has {len(header)} "
                "columns; check for a stray or missing comma"
            )
        rows.append(
            (line, {h: c.strip() for h, c in zip(header, record, strict=True) if c.strip()})
        )
    if not rows:
        raise ScenarioError(f"{path}: the table has a header but no rows")
    return CsvTable(path, header, rows)


def keyed_rows(table: CsvTable, key: str) -> dict[str, tuple[int, dict[str, str]]]:
    """Rows by the value of column ``key``; the key must be present and unique."""
    out: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in table.rows:
        value = row.get(key)
        if value is None:
            raise ScenarioError(f"{table.path} line {line}: column {key!r} is empty")
        if value in out:
            raise ScenarioError(
                f"{table.path} line {line}: {key} {value!r} repeats line {out[value][0]}"
            )
        out[value] = (line, row)
    return out


def read_boundaries(path: Path) -> dict[str, dict[str, Any]]:
    """District geometries (GeoJSON mappings) by the features' ``adcode`` property."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise ScenarioError(f"{path}: not valid JSON: {err}") from err
    except RecursionError as err:
        raise ScenarioError(f"{path}: arrays or objects nested too deeply to read") from err
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ScenarioError(f"{path}: expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise ScenarioError(f"{path}: the FeatureCollection has no features")
    out: dict[str, dict[str, Any]] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        adcode = str(props.get("adcode", "")) if isinstance(props, dict) else ""
        if not adcode:
            raise ScenarioError(f"{path}: feature {i} has no 'adcode' property")
        if adcode in out:
            raise ScenarioError(f"{path}: adcode {adcode} appears in more than one feature")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            raise ScenarioError(f"{path}: feature {i} (adcode {adcode}) has no geometry")
        out[adcode] = geometry
    return out


def read_matrix(path: Path) -> dict[str, Any]:
    """A square travel matrix CSV: first column the origin id, header row the destination ids."""
    records = _records(path, MAX_MATRIX_IDS + 1, (MAX_MATRIX_IDS + 1) ** 2)
    first = next(records, None)
    if first is None:
        raise ScenarioError(f"{path}: the matrix has no rows")
    header = [h.strip() for h in first[1][1:]]
    if len(header) > MAX_MATRIX_IDS:
        raise ScenarioError(
            f"{path} line 1: {len(header):,} destination ids; a travel matrix may have at "
            f"most {MAX_MATRIX_IDS:,}"
        )
    ids: list[str] = []
    minutes: list[list[float]] = []
    for line, record in records:
        if len(record) != len(header) + 1:
            raise ScenarioError(
                f"{path} line {line}: {len(record) - 1} values but the header has "
                f"{len(header)} destination ids"
            )
        ids.append(record[0].strip())
        row: list[float] = []
        for col, cell in zip(header, record[1:], strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise ScenarioError(
                    f"{path} line {line}, column {col}: {cell!r} is not a number of minutes"
                ) from None
            if not 0 <= value <= MAX_TRAVEL_MIN:
                raise ScenarioError(
                    f"{path} line {line}, column {col}: travel time must be a number of "
                    f"minutes from 0 to {MAX_TRAVEL_MIN:,.0f} (a week), got {cell!r}"
                )
            row.append(value)
        minutes.append(row)
    if ids != header:
        raise ScenarioError(
            f"{path}: row ids must equal the header's ids in the same order "
            f"(square matrix); rows {len(ids)}, columns {len(header)}"
        )
    return {"ids": ids, "minutes": minutes}

"""Reading the files of a scenario bundle: TOML manifests, CSV tables and GeoJSON boundaries.

Every reader raises :class:`~anjian.scenarios.errors.ScenarioError` naming the file (and line) for
missing, empty, non-UTF-8 or malformed files, so nothing deeper ever sees a broken file.
CSV cells are kept as stripped strings (validation converts them); an empty cell becomes
``None``-less: the key is simply absent, so a required column reports "missing".
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ScenarioError

MAX_FILE_BYTES = 200 * 1024 * 1024


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


def _records(path: Path) -> list[list[str]]:
    """All CSV records of a text file (any of \\n, \\r\\n, \\r line ends)."""
    text = read_text(path)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
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
    header = [h.strip() for h in records[0]]
    if any(not h for h in header):
        raise ScenarioError(f"{path} line 1: the header has an empty column name: {header}")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise ScenarioError(f"{path} line 1: column(s) {dupes} appear more than once")
    missing = [c for c in required if c not in header]
    if missing:
        raise ScenarioError(f"{path} line 1: missing column(s) {missing}; the header is {header}")
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in enumerate(records[1:], start=2):
        if not record or all(not c.strip() for c in record):
            continue  # blank line
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
    records = [r for r in _records(path) if r and any(c.strip() for c in r)]
    if not records:
        raise ScenarioError(f"{path}: the matrix has no rows")
    header = [h.strip() for h in records[0][1:]]
    ids: list[str] = []
    minutes: list[list[float]] = []
    for line, record in enumerate(records[1:], start=2):
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
            if not value >= 0 or value == float("inf"):
                raise ScenarioError(
                    f"{path} line {line}, column {col}: travel time must be a finite number "
                    f">= 0 minutes, got {cell!r}"
                )
            row.append(value)
        minutes.append(row)
    if ids != header:
        raise ScenarioError(
            f"{path}: row ids must equal the header's ids in the same order "
            f"(square matrix); rows {len(ids)}, columns {len(header)}"
        )
    return {"ids": ids, "minutes": minutes}

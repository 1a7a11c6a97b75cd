"""Load a scenario bundle (TOML manifest + CSV tables + GeoJSON) into a validated :class:`Scenario`.

A manifest may name a ``base`` (a built-in name or a path relative to itself). Then:

1. the base is loaded as raw data first;
2. every model section the derived manifest defines (e.g. ``[site_categories]``) replaces the
   base's section whole, and every table it names in ``[tables]`` replaces the base's table;
3. ``[overrides]`` patches single values by dotted path, e.g.
   ``"staff.500101.district_certified" = 40`` or ``"incident_types.flood.monthly_factor" = [...]``.
   A path must name something that exists; a distribution may be replaced whole by giving a
   table with a ``kind``.

Errors name the file (and CSV line and column, or TOML key), the value and what is expected.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import builtin
from .errors import ScenarioError
from .overrides import Provenance, apply_overrides, format_validation_error
from .scenario import SCHEMA_VERSION, Scenario
from .tables import keyed_rows, read_boundaries, read_csv, read_matrix, read_toml

MODEL_SECTIONS = (
    "region_groups",
    "demand",
    "travel",
    "departments",
    "risk_tiers",
    "site_categories",
    "inspection",
    "inspector_kinds",
    "incident_types",
    "vehicle_kinds",
    "commodities",
    "standards",
    "budget",
    "harm",
    "surges",
    "relief_logistics",
    "relief_planning",
)
TABLES_REQUIRED = (
    "districts",
    "boundaries",
    "sites",
    "staff",
    "incident_rates",
    "depots",
    "warehouses",
    "stocks",
)
TABLES_OPTIONAL = ("travel_matrix", "townships")
TOP_LEVEL = ("schema_version", "scenario", "tables", "overrides", *MODEL_SECTIONS)
DISTRICT_COLUMNS = (
    "adcode",
    "name_zh",
    "name_pinyin",
    "name_en",
    "region_group",
    "population",
    "area_km2",
    "townships",
)
PLACE_COLUMNS = ("name_zh", "name_en", "adcode", "lon", "lat")
TOWNSHIP_COLUMNS = (
    "township_code",
    "adcode",
    "name_zh",
    "kind",
    "lon",
    "lat",
    "population",
    "point_source",
)
STOCK_COLUMNS = (
    "warehouse_id",
    "commodity",
    "stock_units",
    "reorder_point_units",
    "order_up_to_units",
    "lead_time_days",
)
MAX_BASE_DEPTH = 8


def _section_label(path: Path, key: str) -> str:
    return f"{path} [{key}]"


def confined(manifest: Path, field: str, name: str) -> Path:
    """The file ``name`` of a manifest's ``field``, resolved inside the manifest's folder.

    A scenario reads only its own folder: a table path must be relative, without ``..``, and
    may not be (or pass through) a symbolic link leading out of the folder. The error names
    the manifest and the field, never the content of the file pointed at.
    """
    folder = manifest.parent.resolve()
    given = Path(name)
    if given.is_absolute() or ".." in given.parts or not name.strip():
        raise ScenarioError(
            f"{manifest} {field}: {name!r} must be a file name inside the scenario's folder "
            f'(e.g. "sites.csv"), not an absolute path or one with ".."'
        )
    target = (folder / given).resolve()
    if not target.is_relative_to(folder):
        raise ScenarioError(
            f"{manifest} {field}: {name!r} is a link leading out of the scenario's folder; "
            "copy the file into the folder instead"
        )
    return target


def _base_manifest(path: Path, ref: str, root: Path | None) -> Path:
    """The base's manifest: a built-in name or a path (relative to ``path``'s folder, or
    absolute: the user's own files); with a ``root`` (an uploaded bundle), only the built-ins
    and files inside ``root``."""
    if ref in builtin.names() and not (path.parent / ref).exists():
        return builtin.manifest(ref)
    if Path(ref).is_absolute() and root is not None:
        raise ScenarioError(
            f"{path} [scenario] base: {ref!r} is an absolute path; an uploaded scenario may "
            f"name a built-in scenario ({', '.join(builtin.names())}) or a path inside its "
            "own bundle"
        )
    base = resolve(ref, relative_to=path.parent).resolve()
    if root is not None and not base.is_relative_to(root.resolve()):
        inside_builtin = any(
            base.is_relative_to(builtin.manifest(n).parent.resolve()) for n in builtin.names()
        )
        if not inside_builtin:
            raise ScenarioError(
                f"{path} [scenario] base: {ref!r} lies outside the uploaded scenario; give a "
                f"built-in scenario's name ({', '.join(builtin.names())}) or include the base "
                "in the bundle"
            )
    return base


def _raw_from_manifest(
    path: Path, chain: tuple[Path, ...], root: Path | None = None
) -> tuple[dict[str, Any], Provenance]:
    """Raw (unvalidated) scenario data from ``path`` and its bases, with provenance; with a
    ``root``, every file read must lie inside it (or in a built-in scenario)."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(f"{path}: scenario bases form a cycle: {cycle}")
    if len(chain) >= MAX_BASE_DEPTH:
        raise ScenarioError(f"{path}: more than {MAX_BASE_DEPTH} levels of base scenarios")
    doc = read_toml(path)
    unknown = [k for k in doc if k not in TOP_LEVEL]
    if unknown:
        hints = {k: difflib.get_close_matches(k, TOP_LEVEL, n=1) for k in unknown}
        text = ", ".join(
            f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for k, h in hints.items()
        )
        raise ScenarioError(f"{path}: unknown top-level key(s) {text}; allowed: {list(TOP_LEVEL)}")
    meta = doc.get("scenario")
    if not isinstance(meta, dict):
        raise ScenarioError(
            f"{path}: a [scenario] table with name, title_zh and title_en is required"
        )
    tables = doc.get("tables", {})
    if not isinstance(tables, dict) or not all(isinstance(v, str) for v in tables.values()):
        raise ScenarioError(
            f'{path} [tables]: each entry must be a file name, e.g. sites = "sites.csv"'
        )
    for key in tables:
        if key not in TABLES_REQUIRED + TABLES_OPTIONAL:
            raise ScenarioError(
                f"{path} [tables]: unknown table {key!r}; "
                f"known: {list(TABLES_REQUIRED + TABLES_OPTIONAL)}"
            )
    overrides = doc.get("overrides", {})
    if not isinstance(overrides, dict):
        raise ScenarioError(f'{path} [overrides]: must be a table of "dotted.path" = value')

    base_ref = meta.get("base")
    if base_ref is not None:
        if not isinstance(base_ref, str) or not base_ref:
            raise ScenarioError(
                f"{path} [scenario] base: must be a scenario name or path, got {base_ref!r}"
            )
        base_path = _base_manifest(path, base_ref, root)
        raw, prov = _raw_from_manifest(base_path, (*chain, path), root)
        file_tables: dict[str, Path] = dict(raw.pop("_table_paths"))
    else:
        raw, prov = {}, Provenance()
        file_tables = {}
    version = doc.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version != SCHEMA_VERSION:
        raise ScenarioError(
            f"{path}: schema_version = {version!r}, but this version of anjian reads scenario "
            f"files of schema_version {SCHEMA_VERSION}; a larger number means the file was "
            "written for a newer anjian (upgrade it), anything else is a typing error"
        )
    raw["schema_version"] = version
    prov.add(("schema_version",), f"{path} schema_version")
    raw["meta"] = dict(meta)
    prov.add(("meta",), _section_label(path, "scenario"))
    for key in MODEL_SECTIONS:
        if key in doc:
            raw[key] = doc[key]
            prov.drop_under((key,))
            prov.add((key,), _section_label(path, key))
    for key, name in tables.items():
        file_tables[key] = confined(path, f"[tables] {key}", name)
    missing = [t for t in TABLES_REQUIRED if t not in file_tables]
    if missing:
        raise ScenarioError(
            f"{path} [tables]: missing table(s) {missing}; name their files, "
            f'e.g. {missing[0]} = "{missing[0]}.csv"'
        )
    groups = {
        "districts": ("districts", "boundaries"),
        "wide": ("sites", "staff", "incident_rates"),
        "depots": ("depots",),
        "warehouses": ("warehouses", "stocks"),
    }
    for group, members in groups.items():
        if base_ref is None or any(m in tables for m in members):
            LOADERS[group](raw, prov, file_tables, tables if base_ref else None)
    if "townships" in file_tables and (base_ref is None or "townships" in tables):
        _load_townships(raw, prov, file_tables["townships"])
    if "travel_matrix" in file_tables and isinstance(raw.get("travel", {}), dict):
        travel = dict(raw.get("travel", {}))
        travel["matrix"] = read_matrix(file_tables["travel_matrix"])
        raw["travel"] = travel
        prov.add(("travel", "matrix"), file_tables["travel_matrix"])
    apply_overrides(raw, prov, overrides, path, Scenario)
    raw["_table_paths"] = file_tables
    return raw, prov


def _load_districts(
    raw: dict[str, Any], prov: Provenance, files: Mapping[str, Path], named: Any
) -> None:
    dist_table = read_csv(files["districts"], required=DISTRICT_COLUMNS)
    shapes = read_boundaries(files["boundaries"])
    districts: dict[str, Any] = {}
    prov.drop_under(("districts",))
    prov.add(("districts",), files["districts"])
    for adcode, (line, row) in keyed_rows(dist_table, "adcode").items():
        if adcode not in shapes:
            raise ScenarioError(
                f"{files['districts']} line {line}: district {adcode} has no polygon in "
                f"{files['boundaries']} (features need a matching 'adcode' property)"
            )
        districts[adcode] = {**row, "geometry": shapes[adcode]}
        prov.add(
            ("districts", adcode), f"{files['districts']} line {line} (district {adcode}), column"
        )
        prov.add(
            ("districts", adcode, "geometry"),
            f"{files['boundaries']} (the feature with adcode {adcode}), geometry",
        )
    extra = sorted(set(shapes) - set(districts))
    if extra:
        raise ScenarioError(
            f"{files['boundaries']}: polygons for adcode(s) {extra} that "
            f"{files['districts']} does not list"
        )
    raw["districts"] = districts


def _load_townships(raw: dict[str, Any], prov: Provenance, path: Path) -> None:
    table = read_csv(path, required=TOWNSHIP_COLUMNS[:-1])
    prov.drop_under(("townships",))
    prov.add(("townships",), path)
    rows: dict[str, Any] = {}
    for code, (line, row) in keyed_rows(table, "township_code").items():
        rows[code] = {k: v for k, v in row.items() if k != "township_code" and v is not None}
        prov.add(("townships", code), f"{path} line {line} (township {code}), column")
    raw["townships"] = rows


def _load_wide(
    raw: dict[str, Any], prov: Provenance, files: Mapping[str, Path], named: Any
) -> None:
    """Per-district tables: one row per adcode, one column per category / kind / type."""
    for key in ("sites", "staff", "incident_rates"):
        if named is not None and key not in named:
            continue
        table = read_csv(files[key], required=("adcode",))
        prov.drop_under((key,))
        prov.add((key,), files[key])
        rows: dict[str, Any] = {}
        for adcode, (line, row) in keyed_rows(table, "adcode").items():
            rows[adcode] = {c: row.get(c) for c in table.header if c != "adcode"}
            prov.add((key, adcode), f"{files[key]} line {line} (district {adcode}), column")
        raw[key] = rows


def _load_depots(
    raw: dict[str, Any], prov: Provenance, files: Mapping[str, Path], named: Any
) -> None:
    """Depots: fixed columns plus one vehicle-count column per vehicle kind."""
    table = read_csv(files["depots"], required=("depot_id", *PLACE_COLUMNS))
    kinds = raw.get("vehicle_kinds")
    if isinstance(kinds, dict):
        absent = [k for k in kinds if k not in table.header]
        if absent:
            extra = [c for c in table.header
                     if c not in kinds and c not in ("depot_id", *PLACE_COLUMNS)]  # fmt: skip
            also = f"; column(s) {extra} name an unknown vehicle kind (misspelt?)" if extra else ""
            raise ScenarioError(
                f"{files['depots']} line 1: no column for vehicle kind(s) {absent} of "
                "[vehicle_kinds]; every kind needs a column of counts (0 where a depot has "
                f"none), or remove the kind from [vehicle_kinds]{also}"
            )
    prov.drop_under(("depots",))
    prov.add(("depots",), files["depots"])
    depots: dict[str, Any] = {}
    for depot_id, (line, row) in keyed_rows(table, "depot_id").items():
        fixed = {c: row[c] for c in PLACE_COLUMNS if c in row}
        vehicles = {c: row.get(c) for c in table.header if c not in ("depot_id", *PLACE_COLUMNS)}
        depots[depot_id] = {**fixed, "vehicles": vehicles}
        label = f"{files['depots']} line {line} (depot {depot_id})"
        prov.add(("depots", depot_id), label + ", column")
        prov.add(("depots", depot_id, "vehicles"), label + ", vehicle column")
    raw["depots"] = depots


def _load_warehouses(
    raw: dict[str, Any], prov: Provenance, files: Mapping[str, Path], named: Any
) -> None:
    """Warehouses, with their stock rows from the long stocks table."""
    table = read_csv(files["warehouses"], required=("warehouse_id", "level", *PLACE_COLUMNS))
    prov.drop_under(("warehouses",))
    prov.add(("warehouses",), files["warehouses"])
    warehouses: dict[str, Any] = {}
    for wid, (line, row) in keyed_rows(table, "warehouse_id").items():
        warehouses[wid] = {k: v for k, v in row.items() if k != "warehouse_id"}
        warehouses[wid]["stocks"] = {}
        prov.add(
            ("warehouses", wid), f"{files['warehouses']} line {line} (warehouse {wid}), column"
        )
    stocks = read_csv(files["stocks"], required=STOCK_COLUMNS)
    seen: dict[tuple[str, str], int] = {}
    for line, row in stocks.rows:
        wid, commodity = row.get("warehouse_id", ""), row.get("commodity", "")
        if wid not in warehouses:
            raise ScenarioError(
                f"{files['stocks']} line {line}: warehouse_id {wid!r} is not in "
                f"{files['warehouses']}"
            )
        if not commodity:
            raise ScenarioError(f"{files['stocks']} line {line}: commodity is empty")
        if (wid, commodity) in seen:
            raise ScenarioError(
                f"{files['stocks']} line {line}: {wid}/{commodity} repeats line "
                f"{seen[(wid, commodity)]}"
            )
        seen[(wid, commodity)] = line
        warehouses[wid]["stocks"][commodity] = {
            k: row.get(k) for k in stocks.header if k not in ("warehouse_id", "commodity")
        }
        prov.add(
            ("warehouses", wid, "stocks", commodity),
            f"{files['stocks']} line {line} ({wid}/{commodity}), column",
        )
    raw["warehouses"] = warehouses


LOADERS = {
    "districts": _load_districts,
    "wide": _load_wide,
    "depots": _load_depots,
    "warehouses": _load_warehouses,
}


def resolve(ref: str | Path, relative_to: Path | None = None) -> Path:
    """The manifest path for ``ref``: a TOML file, a folder holding ``scenario.toml``, or a
    built-in scenario's name."""
    candidate = Path(ref)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.is_dir():
        candidate = candidate / "scenario.toml"
        if not candidate.exists():
            raise ScenarioError(f"{candidate.parent}: folder has no scenario.toml")
        return candidate
    if candidate.is_file():
        return candidate
    name = str(ref)
    if name in builtin.names():
        return builtin.manifest(name)
    raise ScenarioError(
        f"no scenario file, folder or built-in scenario named {name!r}; "
        f"built-ins: {builtin.names()}"
    )


def load_scenario(ref: str | Path, root: Path | None = None) -> Scenario:
    """Load and validate a scenario by built-in name, folder or manifest path.

    With ``root`` (the folder an uploaded bundle was unpacked to), every file the scenario
    reads — its bases included — must lie inside ``root`` or be a built-in scenario's.

    Raises
    ------
    ScenarioError
        For any unreadable file or invalid value, with one line per problem.
    """
    path = resolve(ref)
    if root is not None and not path.resolve().is_relative_to(root.resolve()):
        raise ScenarioError(f"{path}: outside the uploaded scenario's folder")
    raw, prov = _raw_from_manifest(path, (), root)
    raw.pop("_table_paths", None)
    prov.root = str(path.resolve().parent) + "/"
    try:
        return Scenario.model_validate(raw)
    except ValidationError as err:
        raise format_validation_error(err, prov, Scenario) from None
    except RecursionError as err:  # pathological nesting from a fuzzed file
        raise ScenarioError(f"{path}: data nested too deeply") from err

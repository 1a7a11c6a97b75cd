"""Reference configurations: the toy scenario reduced to textbook queues (M/M/c, M/D/c), so
the simulators can be checked against exact results and benchmarked against other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import builtin
from .bundle import derived_manifest
from .loader import load_scenario
from .scenario import Scenario

ZEROS = "id,900001,900002,900003\n900001,0,0,0\n900002,0,0,0\n900003,0,0,0\n"


def _toy_without_travel(
    folder: Path, name: str, title_zh: str, overrides: dict[str, Any]
) -> Scenario:
    """Write and load a scenario derived from the toy with zero travel times everywhere."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zeros.csv").write_text(ZEROS, encoding="utf-8")
    text = derived_manifest(
        name,
        title_zh,
        name,
        str(builtin.folder("toy")),
        overrides,
        sections={"tables": {"travel_matrix": "zeros.csv"}, "travel": {"model": "matrix"}},
    )
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    return load_scenario(folder)


def queue_scenario(
    folder: Path,
    arrivals_per_h: float,
    mean_service_min: float,
    servers: int,
    service: str = "exponential",
    hours_per_day: float = 24.0,
    days_per_year: float = 365.0,
) -> Scenario:
    """One district, one site, ``servers`` identical inspectors, Poisson complaints, no travel,
    no hazards, no routine work, no turnover: the inspection model reduces to M/M/c (or M/G/c)."""
    per_year = arrivals_per_h * 24 * 365
    per_100k = per_year / 3.0  # district 900001 has 300,000 residents
    dist: dict[str, Any] = (
        {"kind": "exponential", "mean_min": mean_service_min}
        if service == "exponential"
        else {"kind": "fixed", "value_min": mean_service_min}
    )
    overrides: dict[str, Any] = {
        "districts.900002.population": 0,
        "districts.900003.population": 0,
        "sites.900001.factory": 1,
        "sites.900001.geohazard_point": 0,
        "sites.900002.factory": 0,
        "sites.900002.geohazard_point": 0,
        "sites.900003.factory": 0,
        "sites.900003.geohazard_point": 0,
        "staff.900001.district_certified": servers,
        "staff.900001.township": 0,
        "staff.900002.district_certified": 0,
        "staff.900002.township": 0,
        "staff.900003.district_certified": 0,
        "staff.900003.township": 0,
        "inspector_kinds.district_certified.hours_per_day": hours_per_day,
        "inspector_kinds.district_certified.days_per_year": days_per_year,
        "inspector_kinds.district_certified.attrition_per_year": 0,
        "inspection.complaints_per_100k_population_year": per_100k,
        "site_categories.factory.inspection_duration": dist,
        "site_categories.factory.hazards_per_site_year": 0,
        "site_categories.factory.accidents_per_site_year": 0,
        "site_categories.factory.inspection_interval_days": {"high": 1e9, "low": 1e9},
    }
    return _toy_without_travel(folder, "queue", "排队", overrides)


def response_scenario(
    folder: Path,
    arrivals_per_h: dict[str, float],
    units: dict[str, int],
    mean_on_scene_min: float,
) -> Scenario:
    """The toy reduced to the hypercube / Erlang assumptions: single-unit incidents arriving as
    Poisson processes per district (``arrivals_per_h`` by adcode), ``units`` dedicated vehicles
    per district depot, no mobilisation delay, no travel, exponential on-scene times, no relief."""
    overrides: dict[str, Any] = {}
    for adcode in ("900001", "900002", "900003"):
        overrides[f"incident_rates.{adcode}.ws_accident"] = (
            arrivals_per_h.get(adcode, 0.0) * 24 * 365
        )
        overrides[f"incident_rates.{adcode}.landslide"] = 0
    depots = {"900001": "d_core", "900002": "d_suburb", "900003": "d_mountain"}
    for adcode, depot in depots.items():
        overrides[f"depots.{depot}.vehicles.dedicated_rescue"] = units.get(adcode, 0)
        overrides[f"depots.{depot}.vehicles.rented_rescue"] = 0
    overrides["vehicle_kinds.dedicated_rescue.mobilisation"] = {"kind": "fixed", "value_min": 0}
    overrides["vehicle_kinds.dedicated_rescue.availability"] = 1.0
    overrides["incident_types.ws_accident.on_scene"] = {
        "kind": "exponential",
        "mean_min": mean_on_scene_min,
    }
    return _toy_without_travel(folder, "response_queue", "应急排队", overrides)

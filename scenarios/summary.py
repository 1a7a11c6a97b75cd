"""Tabular summaries of a scenario for people: one row per district, and city-wide totals."""

from __future__ import annotations

import pandas as pd

from .scenario import Scenario


def district_table(s: Scenario) -> pd.DataFrame:
    """One row per district: names, region, population, area, sites, staff, incidents, vehicles."""
    vehicles: dict[str, int] = {}
    for depot in s.depots.values():
        vehicles[depot.adcode] = vehicles.get(depot.adcode, 0) + sum(depot.vehicles.values())
    rows = []
    for adcode, d in s.districts.items():
        rows.append(
            {
                "adcode": adcode,
                "name_zh": d.name_zh,
                "name_pinyin": d.name_pinyin,
                "region_group": d.region_group,
                "population": d.population,
                "area_km2": d.area_km2,
                "townships": d.townships,
                "sites": sum(s.sites[adcode].values()),
                "staff": sum(s.staff[adcode].values()),
                "incidents_per_year": sum(s.incident_rates[adcode].values()),
                "vehicles": vehicles.get(adcode, 0),
            }
        )
    return pd.DataFrame(rows)


def category_table(s: Scenario) -> pd.DataFrame:
    """One row per site category: names, the city-wide count, who inspects it (the level, and
    the department when the scenario has departments)."""
    rows = []
    for key, c in s.site_categories.items():
        row: dict[str, object] = {"category": key, "name_zh": c.name_zh, "name_en": c.name_en}
        if s.departments:
            row["department"] = c.department
        row["inspected_by"] = c.inspected_by
        row["sites"] = s.column_total("sites", key)
        rows.append(row)
    return pd.DataFrame(rows)


def department_table(s: Scenario) -> pd.DataFrame:
    """One row per supervising department: names, levels, its categories' sites and its staff
    (township staff, who serve every department, are not counted here)."""
    rows = []
    for key, d in s.departments.items():
        kinds = [k for k, v in s.inspector_kinds.items() if v.department == key]
        rows.append({
            "department": key,
            "name_zh": d.name_zh,
            "name_en": d.name_en,
            "levels": ", ".join(d.levels),
            "categories": sum(c.department == key for c in s.site_categories.values()),
            "sites": sum(s.column_total("sites", c) for c, v in s.site_categories.items()
                         if v.department == key),
            "staff": sum(s.column_total("staff", k) for k in kinds),
        })  # fmt: skip
    return pd.DataFrame(rows)


def staff_table(s: Scenario) -> pd.DataFrame:
    """One row per inspector kind: names, headcount, powers and cost."""
    return pd.DataFrame(
        [
            {
                "kind": key,
                "name_zh": k.name_zh,
                "name_en": k.name_en,
                "department": k.department or "",
                "scope": k.scope,
                "headcount": s.column_total("staff", key),
                "can_penalise": k.can_penalise,
                "cost_yuan_per_year": k.cost_yuan_per_year,
            }
            for key, k in s.inspector_kinds.items()
        ]
    )

"""Variants of a loaded scenario: overrides by dotted path, and a content hash.

``with_overrides(s, {"staff.500101.township": 30, "surges.flood2020.incidents": 400})`` gives
a new, fully validated scenario; a path that names nothing or a value that breaks the schema
raises :class:`~anjian.scenarios.errors.ScenarioError` naming the path, as ``[overrides]`` in a
scenario file does. :func:`scenario_hash` identifies a scenario by content (sweeps and the run
store use it). :func:`district_subscenario` cuts one district out of a scenario, so that
district-level questions (how its own staff change its own outcomes) can be simulated at a
fraction of the city's cost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .scenario import Scenario


def with_overrides(s: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """``s`` with each dotted path set to its value, validated again.

    Raises
    ------
    ScenarioError
        For a path that names nothing or a value the schema rejects.
    """
    return s.with_(overrides)


def scenario_hash(s: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (hex)."""
    return hashlib.sha256(s.model_dump_json().encode()).hexdigest()


def district_subscenario(s: Scenario, adcode: str) -> Scenario:
    """District ``adcode`` alone, validated: its own sites, staff, incident rates, depots,
    warehouses and townships; surges that do not reach it are dropped and those that do are
    restricted to it (their incidents and people scaled by its share of their population);
    site categories it has no premises of, or whose department has no staff in it, are left
    out (the latter are inspected by nobody in the city model too).

    The city-level staff (``scope = "city"`` kinds, e.g. the city corps) serve premises all over
    the city, so the district keeps their share in proportion to its premises inspected at the
    city level (whole heads, at least one where it has such premises and the city has such staff).

    Raises
    ------
    ScenarioError
        For an unknown district.
    """
    from .errors import ScenarioError

    if adcode not in s.districts:
        raise ScenarioError(f"unknown district {adcode!r}; the scenario has {sorted(s.districts)}")
    city_cats = [k for k, c in s.site_categories.items() if c.inspected_by == "city"]
    city_sites = sum(row.get(k, 0) for row in s.sites.values() for k in city_cats)
    mine = sum(s.sites[adcode].get(k, 0) for k in city_cats)
    staff = dict(s.staff[adcode])
    for k, kind in s.inspector_kinds.items():
        if kind.scope != "city":
            continue
        total = sum(row.get(k, 0) for row in s.staff.values())
        share = mine / city_sites if city_sites else 0.0
        staff[k] = max(round(total * share), 1 if mine and total else 0)
    surges = {}
    for key, sg in s.surges.items():
        if adcode not in sg.districts:
            continue
        pops = {a: s.districts[a].population for a in sg.districts}
        frac = pops[adcode] / sum(pops.values()) if sum(pops.values()) else 1.0 / len(pops)
        surges[key] = sg.model_copy(update={
            "districts": [adcode],
            "incidents": max(1, round(sg.incidents * frac)),
            "people_affected_total": round(sg.people_affected_total * frac),
        })  # fmt: skip
    # categories the district has no premises of are left out, and those whose department has
    # no staff here at all (nobody inspects them in the city model either: their accidents do
    # not depend on any staffing); campaigns keep the categories that remain
    dept_staffed = {kind.department for k, kind in s.inspector_kinds.items() if staff.get(k, 0) > 0}
    kept = {
        k: c
        for k, c in s.site_categories.items()
        if s.sites[adcode].get(k, 0) > 0
        and (c.department is None or c.department in dept_staffed or c.inspected_by == "township")
    }
    campaigns = {}
    for key, camp in s.inspection.campaigns.items():
        cats = [c for c in camp.categories if c in kept]
        if cats:
            campaigns[key] = camp.model_copy(update={"categories": cats})
    inspection = s.inspection.model_copy(update={"campaigns": campaigns})
    return s.with_(
        districts={adcode: s.districts[adcode]},
        site_categories=kept,
        inspection=inspection,
        sites={adcode: {k: n for k, n in s.sites[adcode].items() if k in kept}},
        staff={adcode: staff},
        incident_rates={adcode: s.incident_rates[adcode]},
        depots={k: d for k, d in s.depots.items() if d.adcode == adcode},
        warehouses={k: w for k, w in s.warehouses.items() if w.adcode == adcode},
        townships={k: t for k, t in s.townships.items() if t.adcode == adcode},
        surges=surges,
    )

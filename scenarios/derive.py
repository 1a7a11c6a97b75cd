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


#: separates a category from its tier in the ids :func:`split_tiers` makes
TIER_SEP = "__"


def interval_days(s: Scenario, category: str) -> dict[str, float]:
    """Category ``category``'s inspection interval per risk tier (days): its own or the
    standard's."""
    cat = s.site_categories[category]
    return dict(cat.inspection_interval_days or s.standards.inspection_interval_days)


def interval_bounds(
    s: Scenario, category: str, default_factors: tuple[float, float] = (0.5, 2.0)
) -> dict[str, tuple[float, float, str]]:
    """The shortest and longest interval a plan may choose per tier (days) and where the bound
    comes from: the category's own bounds (``"category"``), the standard's for a category on the
    standard intervals (``"standard"``), else ``default_factors`` × today's interval
    (``"default"``)."""
    cat = s.site_categories[category]
    today = interval_days(s, category)
    if cat.inspection_interval_bounds_days is not None:
        return {t: (*cat.inspection_interval_bounds_days[t], "category") for t in today}
    std = s.standards.inspection_interval_bounds_days
    if cat.inspection_interval_days is None and std is not None:
        return {t: (*std[t], "standard") for t in today}
    lo, hi = default_factors
    return {t: (today[t] * lo, today[t] * hi, "default") for t in today}


def tier_sites(s: Scenario) -> dict[tuple[str, str, str], int]:
    """Sites of every (category, tier, district), the district's sites of a category split over
    the tiers (in ``[risk_tiers]`` order) by largest remainder — the one rule the simulator's
    site table, :func:`split_tiers` and the frequency plans use. Zero counts included."""
    from .apportion import largest_remainder

    tiers = list(s.risk_tiers)
    out: dict[tuple[str, str, str], int] = {}
    for a in s.districts:
        row = s.sites[a]
        for key, cat in s.site_categories.items():
            n = row.get(key, 0)
            if n == 0:
                continue
            split = largest_remainder(n, {t: cat.tier_shares[t] for t in tiers})
            for t in tiers:
                out[(key, t, a)] = int(split[t])
    return out


def split_tiers(s: Scenario) -> tuple[Scenario, dict[str, tuple[str, str]]]:
    """``s`` with every category split by risk tier into categories of one tier each
    (``<category>__<tier>``), validated, and the map from each new id to its (category, tier).

    The sites of each district are split by the same largest-remainder rule the simulator uses
    (:func:`anjian.sim.sites.build_sites`), so each new category has exactly the sites of its
    tier; each keeps its tier's interval, bounds and behaviour. Outcomes the simulator reports
    by category are then reported by category × tier (what a cadence table needs). Campaigns
    name every part of the categories they named.
    """
    tiers = list(s.risk_tiers)
    cats: dict[str, Any] = {}
    parts: dict[str, tuple[str, str]] = {}
    of: dict[str, list[str]] = {}
    for key, cat in s.site_categories.items():
        today = interval_days(s, key)
        bounds = cat.inspection_interval_bounds_days
        for t in tiers:
            if cat.tier_shares[t] <= 0:
                continue
            new = f"{key}{TIER_SEP}{t}"
            tier = s.risk_tiers[t]
            cats[new] = cat.model_copy(update={
                "name_zh": f"{cat.name_zh}（{tier.name_zh}）",
                "name_en": f"{cat.name_en} ({tier.name_en})",
                "tier_shares": {u: 1.0 if u == t else 0.0 for u in tiers},
                "inspection_interval_days": {u: today[t] for u in tiers},
                "inspection_interval_bounds_days": None if bounds is None
                else {u: bounds[t] for u in tiers},
                "inspection_interval_by_district_days": {
                    a: {u: by[t] for u in tiers}
                    for a, by in cat.inspection_interval_by_district_days.items() if t in by
                },
            })  # fmt: skip
            parts[new] = (key, t)
            of.setdefault(key, []).append(new)
    counts = tier_sites(s)
    sites = {
        a: {new: counts.get((key, parts[new][1], a), 0)
            for key in s.site_categories for new in of.get(key, [])}
        for a in s.sites
    }  # fmt: skip
    campaigns = {
        k: c.model_copy(update={"categories": [n for x in c.categories for n in of.get(x, [])]})
        for k, c in s.inspection.campaigns.items()
    }
    inspection = s.inspection.model_copy(update={"campaigns": campaigns})
    std = s.standards.model_copy(update={"inspection_interval_bounds_days": None})
    return s.with_(site_categories=cats, sites=sites, inspection=inspection, standards=std), parts


def with_intervals(s: Scenario, intervals: Mapping[Any, float]) -> Scenario:
    """``s`` with the inspection interval (days) of each (category, tier) — or (category, tier,
    district) for one district's own interval — set; everything else kept, validated."""
    from .errors import ScenarioError

    unknown = sorted({k[0] for k in intervals} - set(s.site_categories))
    if unknown:
        raise ScenarioError(f"unknown site categories {unknown}")
    cats: dict[str, Any] = {}
    for key, cat in s.site_categories.items():
        city = {k[1]: d for k, d in intervals.items() if k[0] == key and len(k) == 2}
        local = [(k[2], k[1], d) for k, d in intervals.items() if k[0] == key and len(k) == 3]
        if not city and not local:
            cats[key] = cat
            continue
        bounds = cat.inspection_interval_bounds_days
        if bounds is None and cat.inspection_interval_days is None:
            bounds = s.standards.inspection_interval_bounds_days  # keep what bounded it
        by = {a: dict(v) for a, v in cat.inspection_interval_by_district_days.items()}
        for a, tier, d in local:
            by.setdefault(a, {})[tier] = d
        cats[key] = cat.model_copy(update={
            "inspection_interval_days": {**interval_days(s, key), **city},
            "inspection_interval_bounds_days": bounds,
            "inspection_interval_by_district_days": by,
        })  # fmt: skip
    return s.with_(site_categories=cats)

"""Vehicle location on a scenario: from a :class:`~scenarios.Scenario` to a location instance,
and from a plan back to a scenario the simulator runs.

* Demand points are the scenario's (district points, or ~1,000 grid cells with
  ``resolution="grid"``, the township scale). A point's weight is its expected incidents per
  year that need a vehicle of the planned role (district rates × population share).
* Candidate sites are (location, vehicle kind) pairs: every existing depot and every demand
  point, times each planned kind (by default the dedicated and contracted kinds of the role).
  The cost of a pair to a demand point is the travel time plus the kind's mean mobilisation
  delay, so a contracted vehicle covers less than a dedicated one at the same place; its
  ``site_cost`` is the kind's yearly cost (for budgets).
* The standard of a point is the response target of its region group
  (``standards.response_target_min``); the equity group is the region group.
* Today's plan (for relocation limits) is the existing depots' vehicles of the planned kinds.

:func:`apply_plan` writes the plan's vehicles into the scenario's depots (other kinds, e.g.
rented vehicles, stay where they are), adding a depot at each new location.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from anjian.scenarios.response import Depot
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.travel import minutes_from_places

from .errors import InstanceError
from .instance import LocationInstance, make_instance
from .plan import LocationPlan

SEP = "@"  # site id = "<kind>@<location id>"


@dataclass(frozen=True)
class VehicleInstance:
    """A location instance built from a scenario, with what is needed to map plans back."""

    instance: LocationInstance
    kinds: tuple[str, ...]
    current: tuple[str, ...]  # site ids holding planned kinds today (one per vehicle place)
    current_vehicles: int
    locations: dict[str, tuple[str, float, float]]  # location id → (adcode, lon, lat)


def planned_kinds(s: Scenario, role: str, kinds: Sequence[str] | None) -> tuple[str, ...]:
    """The vehicle kinds to place: given, or the role's dedicated and contracted kinds."""
    if kinds:
        unknown = [k for k in kinds if k not in s.vehicle_kinds]
        if unknown:
            raise InstanceError(
                f"unknown vehicle kinds {unknown}; the scenario has {sorted(s.vehicle_kinds)}"
            )
        return tuple(kinds)
    out = tuple(k for k, v in s.vehicle_kinds.items() if v.role == role and v.mode != "rented")
    if not out:
        roles = sorted({v.role for v in s.vehicle_kinds.values()})
        raise InstanceError(
            f"the scenario has no dedicated or contracted vehicle kind with role {role!r}; "
            f"roles are {roles}"
        )
    return out


def demand_weights(s: Scenario, roles: set[str]) -> np.ndarray:
    """Expected incidents per year at each demand point that need a vehicle of ``roles``."""
    pts = s.demand_points
    types = [t for t, it in s.incident_types.items() if roles & set(it.units_needed)]
    per_district = {
        a: sum(float(s.incident_rates[a].get(t, 0.0)) for t in types) for a in s.districts
    }
    pop_d = {a: float(d.population) for a, d in s.districts.items()}
    w = np.array(
        [
            per_district[a] * (pop / pop_d[a] if pop_d[a] > 0 else 0.0)
            for a, pop in zip(pts.adcode, pts.population, strict=True)
        ]
    )
    return w


def vehicle_instance(
    s: Scenario,
    *,
    role: str = "rescue",
    kinds: Sequence[str] | None = None,
    standard_min: float | None = None,
    include_points: bool = True,
    equity_by: str = "region",
) -> VehicleInstance:
    """Build the location instance of scenario ``s`` (see the module docstring).

    Parameters
    ----------
    standard_min
        One response standard for every point (minutes) instead of the region-group targets.
    include_points
        Use every demand point as a candidate location (else only existing depots).
    equity_by
        ``region`` (region group) or ``district`` (adcode): the groups of equity constraints.
    """
    if equity_by not in ("region", "district"):
        raise InstanceError(f"equity_by must be 'region' or 'district', got {equity_by!r}")
    ks = planned_kinds(s, role, kinds)
    roles = {s.vehicle_kinds[k].role for k in ks}
    pts = s.demand_points
    loc_ids: list[str] = []
    locs: dict[str, tuple[str, float, float]] = {}
    for did, d in s.depots.items():
        loc_ids.append(did)
        locs[did] = (d.adcode, d.lon, d.lat)
    if include_points:
        for pid, a, x, y in zip(pts.ids, pts.adcode, pts.lon, pts.lat, strict=True):
            lid = f"p{pid}"
            loc_ids.append(lid)
            locs[lid] = (str(a), float(x), float(y))
    lon = np.array([locs[lid][1] for lid in loc_ids])
    lat = np.array([locs[lid][2] for lid in loc_ids])
    travel = minutes_from_places(s, lon, lat, [locs[lid][0] for lid in loc_ids]).T  # pts × locs
    blocks, site_ids, site_cost, site_loc, site_kind = [], [], [], [], []
    for k in ks:
        vk = s.vehicle_kinds[k]
        blocks.append(travel + vk.mobilisation.mean)
        site_ids += [f"{k}{SEP}{lid}" for lid in loc_ids]
        site_cost += [vk.cost_yuan_per_year] * len(loc_ids)
        site_loc += loc_ids
        site_kind += [k] * len(loc_ids)
    if standard_min is not None:
        if not np.isfinite(standard_min) or standard_min <= 0:
            raise InstanceError(f"standard_min must be a positive number, got {standard_min}")
        radius = np.full(len(pts), float(standard_min))
    else:
        targets = s.standards.response_target_min
        radius = np.array([targets[g] for g in pts.region_group], dtype=float)
    inst = make_instance(
        np.hstack(blocks),
        demand_weights(s, roles),
        demand_ids=list(pts.ids),
        site_ids=site_ids,
        name=f"{s.meta.name}:{role}",
        radius=radius,
        group=list(pts.region_group if equity_by == "region" else pts.adcode),
        site_cost=site_cost,
        site_location=site_loc,
        site_kind=site_kind,
    )
    current, n_now = [], 0
    for did, d in s.depots.items():
        for k in ks:
            if d.vehicles.get(k, 0) > 0:
                current.append(f"{k}{SEP}{did}")
                n_now += d.vehicles[k]
    return VehicleInstance(inst, ks, tuple(current), n_now, locs)


def apply_plan(s: Scenario, vi: VehicleInstance, plan: LocationPlan) -> Scenario:
    """The scenario with the planned kinds' vehicles placed as ``plan`` says."""
    placed: dict[str, dict[str, int]] = {}
    for site, n in plan.counts.items():
        kind, _, loc = site.partition(SEP)
        placed.setdefault(loc, {})[kind] = placed.get(loc, {}).get(kind, 0) + int(n)
    depots: dict[str, Any] = {}
    for did, d in s.depots.items():
        veh = {k: v for k, v in d.vehicles.items() if k not in vi.kinds}
        veh.update(placed.pop(did, {}))
        depots[did] = {**d.model_dump(), "vehicles": veh}
    for loc, veh in placed.items():
        adcode, lon, lat = vi.locations[loc]
        dist = s.districts[adcode]
        depots[_new_depot_id(loc, depots)] = Depot(
            name_zh=f"规划车辆点（{dist.name_zh}）",
            name_en=f"Planned vehicle post ({dist.name_en})",
            adcode=adcode,
            lon=lon,
            lat=lat,
            vehicles=veh,
        )
    return s.with_(depots=depots)


def _new_depot_id(loc: str, taken: Mapping[str, object]) -> str:
    """A depot id for a planned post at location ``loc`` (a demand point ``p<id>``): ``opt_``
    and the point id made a valid identifier (grid cells ``900001-0003`` → ``opt_900001_0003``),
    with a suffix if that id is taken."""
    base = "opt_" + re.sub(r"[^a-z0-9_]", "_", loc[1:].lower())[:56]
    did, n = base, 1
    while did in taken:
        n += 1
        did = f"{base}_{n}"
    return did

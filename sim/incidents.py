"""Incident streams: non-homogeneous Poisson arrivals by demand point, type, month and hour.

Time base: minutes from day 0, 00:00 (365-day years). A district's rate of a type
(``incident_rates.csv``, per year) is shared among its demand points in proportion to
population and modulated by the type's ``monthly_factor`` and ``hourly_factor`` (each scaled to
mean 1, so the yearly total is kept). Arrivals are drawn by thinning a homogeneous process at
the peak rate. Everything is drawn before the run from the ``incidents`` stream, so it does not
depend on the fleet or the dispatch policy (common random numbers across plans).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anjian.scenarios.demand import DemandPoints
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_YEAR

from .calendar import hour_of, month_of


@dataclass
class IncidentTable:
    """Incidents sorted by time, as parallel arrays."""

    time: np.ndarray  # minutes
    point: np.ndarray  # demand-point index
    kind: np.ndarray  # incident-type index
    on_scene: np.ndarray  # minutes, shared by every unit at the incident
    people: np.ndarray  # people needing relief (0 if the type has no relief)
    surge: np.ndarray  # index of the scenario's surge the incident belongs to, -1 for none
    external: np.ndarray  # True for incidents produced elsewhere (the inspection model's)

    def __len__(self) -> int:
        return len(self.time)


def draw_incidents(
    s: Scenario, points: DemandPoints, horizon_min: float, rng: np.random.Generator
) -> IncidentTable:
    """All incidents of the horizon (see the module docstring)."""
    types = list(s.incident_types)
    adcodes = list(s.districts)
    times, pts, kinds = [], [], []
    for k, key in enumerate(types):
        it = s.incident_types[key]
        month = np.asarray(it.monthly_factor, dtype=float)
        hour = np.asarray(it.hourly_factor, dtype=float)
        month = month / month.mean() if month.sum() > 0 else month
        hour = hour / hour.mean() if hour.sum() > 0 else hour
        peak = month.max() * hour.max()
        if peak <= 0:
            continue
        for adcode in adcodes:
            rate = s.incident_rates[adcode][key] / MIN_PER_YEAR
            if rate <= 0:
                continue
            mine = np.flatnonzero(points.adcode == adcode)
            weights = points.population[mine]
            weights = (
                weights / weights.sum() if weights.sum() > 0 else np.full(len(mine), 1 / len(mine))
            )
            n = rng.poisson(rate * peak * horizon_min)
            t = rng.uniform(0.0, horizon_min, n)
            u = rng.random(n)
            keep = u * peak < month[month_of(t)] * hour[hour_of(t)]
            t = t[keep]
            times.append(t)
            pts.append(rng.choice(mine, size=len(t), p=weights))
            kinds.append(np.full(len(t), k))
    surge_of = [np.full(len(t), -1) for t in times]
    for sid, surge in enumerate(s.surges.values()):
        if surge.start_day * MIN_PER_DAY >= horizon_min:
            continue
        surge_of.append(np.full(surge.incidents, sid))
        k = types.index(surge.incident_type)
        pts_in = np.flatnonzero(np.isin(points.adcode, surge.districts))
        pop = points.population[pts_in]
        weights = pop / pop.sum() if pop.sum() > 0 else np.full(len(pts_in), 1 / len(pts_in))
        start = surge.start_day * MIN_PER_DAY
        end = min(start + surge.duration_days * MIN_PER_DAY, horizon_min)
        times.append(rng.uniform(start, end, surge.incidents))
        pts.append(rng.choice(pts_in, size=surge.incidents, p=weights))
        kinds.append(np.full(surge.incidents, k))
    time = np.concatenate(times) if times else np.zeros(0)
    point = np.concatenate(pts).astype(int) if pts else np.zeros(0, dtype=int)
    kind = np.concatenate(kinds).astype(int) if kinds else np.zeros(0, dtype=int)
    surge_id = np.concatenate(surge_of) if surge_of else np.zeros(0, dtype=int)
    order = np.argsort(time, kind="stable")
    time, point, kind, surge_id = time[order], point[order], kind[order], surge_id[order]
    table = _with_details(s, time, point, kind, rng)
    table.surge = surge_id.astype(int)
    _spread_surge_people(s, table, surge_id, rng)
    return table


def _spread_surge_people(
    s: Scenario, table: IncidentTable, surge_id: np.ndarray, rng: np.random.Generator
) -> None:
    """Each surge's ``people_affected_total`` shared over its incidents (multinomial)."""
    for sid, surge in enumerate(s.surges.values()):
        mine = np.flatnonzero(surge_id == sid)
        if len(mine) and surge.people_affected_total > 0:
            share = rng.multinomial(surge.people_affected_total, np.full(len(mine), 1 / len(mine)))
            table.people[mine] = share


def _with_details(
    s: Scenario, time: np.ndarray, point: np.ndarray, kind: np.ndarray, rng: np.random.Generator
) -> IncidentTable:
    types = list(s.incident_types)
    on_scene = np.zeros(len(time))
    people = np.zeros(len(time))
    for k, key in enumerate(types):
        mask = kind == k
        n = int(mask.sum())
        if n == 0:
            continue
        it = s.incident_types[key]
        on_scene[mask] = it.on_scene.sampler(rng)(n)
        if it.relief is not None:
            people[mask] = np.maximum(0.0, np.round(it.relief.people_affected.sampler(rng)(n)))
    return IncidentTable(
        time, point, kind, on_scene, people, np.full(len(time), -1), np.zeros(len(time), bool)
    )


def merge_incidents(
    s: Scenario,
    base: IncidentTable,
    extra_time: np.ndarray,
    extra_point: np.ndarray,
    extra_kind: np.ndarray,
    rng: np.random.Generator,
) -> IncidentTable:
    """Add incidents produced elsewhere (e.g. the inspection model's accidents)."""
    more = _with_details(s, extra_time, extra_point, extra_kind, rng)
    time = np.concatenate([base.time, more.time])
    order = np.argsort(time, kind="stable")
    return IncidentTable(
        time[order],
        np.concatenate([base.point, more.point])[order],
        np.concatenate([base.kind, more.kind])[order],
        np.concatenate([base.on_scene, more.on_scene])[order],
        np.concatenate([base.people, more.people])[order],
        np.concatenate([base.surge, more.surge])[order],
        np.concatenate([base.external, np.ones(len(more.time), bool)])[order],
    )

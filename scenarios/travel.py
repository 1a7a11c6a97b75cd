"""Travel times in minutes between points, from the scenario's travel model.

Geometric model: great-circle distance × circuity factor, driven half the way at the origin's
region-group road speed and half at the destination's::

    t_ij = 60 · d_ij · circuity · (1/v_i + 1/v_j) / 2        [min; d in km, v in km/h]

A trip to a demand point ends somewhere in the area the point stands for, not at the point:
the mean distance from the centre of a disc of the point's area ``A`` to a uniformly random
place in it, ``(2/3)·√(A/π)``, is driven at the destination's speed with the same circuity::

    t_ij += 60 · (2/3)·√(A_j/π) · circuity / v_j                  [min]

so travel inside a district is not zero at ``district`` resolution, and the same term applies at
``township`` and ``grid`` resolution (smaller areas, shorter terms).

Matrix model: the user's matrix between demand points, used as given (it is taken to include
the travel inside each area).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .timebase import MIN_PER_HOUR

if TYPE_CHECKING:
    from .scenario import Scenario

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Haversine distance in km between every (lon1, lat1) and every (lon2, lat2) (outer)."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def geometric_minutes(
    s: Scenario,
    lon1: np.ndarray,
    lat1: np.ndarray,
    group1: np.ndarray,
    lon2: np.ndarray,
    lat2: np.ndarray,
    group2: np.ndarray,
) -> np.ndarray:
    """Travel minutes between two sets of points under the geometric model."""
    speed = {k: g.road_speed_kmh for k, g in s.region_groups.items()}
    inv1 = np.array([1.0 / speed[g] for g in group1])[:, None]
    inv2 = np.array([1.0 / speed[g] for g in group2])[None, :]
    km = great_circle_km(np.asarray(lon1), np.asarray(lat1), np.asarray(lon2), np.asarray(lat2))
    result: np.ndarray = MIN_PER_HOUR * km * s.travel.circuity_factor * (inv1 + inv2) / 2.0
    return result


def intra_area_minutes(s: Scenario) -> np.ndarray:
    """Minutes from each demand point to a random place in the area it stands for: the mean
    distance in a disc of its area, ``(2/3)·√(A/π)`` km, × circuity ÷ its road speed."""
    pts = s.demand_points
    speed = np.array([s.region_groups[g].road_speed_kmh for g in pts.region_group], dtype=float)
    km = (2.0 / 3.0) * np.sqrt(np.asarray(pts.area_km2, dtype=float) / math.pi)
    out: np.ndarray = MIN_PER_HOUR * km * s.travel.circuity_factor / speed
    return out


def demand_matrix_minutes(s: Scenario) -> np.ndarray:
    """Square matrix of travel minutes between the scenario's demand points."""
    pts = s.demand_points
    if s.travel.model == "matrix" and s.travel.matrix is not None:
        index = {pid: i for i, pid in enumerate(s.travel.matrix.ids)}
        order = [index[pid] for pid in pts.ids]
        full = np.asarray(s.travel.matrix.minutes, dtype=float)
        out: np.ndarray = full[np.ix_(order, order)]
        return out
    between = geometric_minutes(
        s, pts.lon, pts.lat, pts.region_group, pts.lon, pts.lat, pts.region_group
    )
    result: np.ndarray = between + intra_area_minutes(s)[None, :]
    return result


def minutes_from_places(
    s: Scenario, lon: np.ndarray, lat: np.ndarray, adcodes: list[str]
) -> np.ndarray:
    """Minutes from places (depots, warehouses, candidate sites) to every demand point.

    Under the matrix model with district resolution a place travels like its district's point;
    otherwise the geometric model applies, with the travel inside the destination's area
    (:func:`intra_area_minutes`) added.
    """
    pts = s.demand_points
    if s.travel.model == "matrix" and s.travel.matrix is not None:
        index = {pid: i for i, pid in enumerate(s.travel.matrix.ids)}
        m = np.asarray(s.travel.matrix.minutes, dtype=float)
        if s.demand.resolution == "district":
            cols = [index[p] for p in pts.ids]
            return np.array([m[index[a], cols] for a in adcodes]).reshape(len(adcodes), len(cols))
    groups = np.array([s.districts[a].region_group for a in adcodes])
    between = geometric_minutes(s, lon, lat, groups, pts.lon, pts.lat, pts.region_group)
    result: np.ndarray = between + intra_area_minutes(s)[None, :]
    return result

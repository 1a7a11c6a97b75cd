"""Demand points: where population (and so incidents and relief demand) sits.

Two resolutions:

* ``district``: one point per district at its polygon's centroid (or a point inside the polygon
  when the centroid falls outside), carrying the district's whole population;
* ``grid``: square cells laid over the city and clipped to the district polygons, so a cell
  on a border becomes one piece per district. The cell size is tuned so that about
  ``grid_cells_target`` pieces result (default 1,000, the scale of Chongqing's 1,030 townships).
  Slivers under 2% of a cell are dropped. A district's population is spread over its pieces in
  proportion to area (uniform density inside a district: an assumption until a density layer is
  supplied).

Areas use the WGS-84 length of a degree at each polygon part's own latitude, which is within
about 0.2% of the ellipsoidal area at a district's size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from .geography import DemandSpec, District

KM_PER_DEG_LAT = 110.574  # at the equator; used only to size grid cells
KM_PER_DEG_LON_EQUATOR = 111.320
SLIVER_SHARE = 0.02


@dataclass(frozen=True)
class DemandPoints:
    """Demand points as parallel arrays (one entry per point)."""

    ids: tuple[str, ...]
    adcode: np.ndarray  # str
    lon: np.ndarray
    lat: np.ndarray
    population: np.ndarray  # float, persons
    area_km2: np.ndarray
    region_group: np.ndarray  # str

    def __len__(self) -> int:
        return len(self.ids)


def km_per_degree(lat_deg: float) -> tuple[float, float]:
    """Length in km of one degree of longitude and of latitude at ``lat_deg`` (WGS-84)."""
    phi = math.radians(lat_deg)
    lon_m = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    lat_m = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    return lon_m / 1000.0, lat_m / 1000.0


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry in km², each polygon part scaled at its own centroid."""
    total = 0.0
    for part in getattr(geom, "geoms", [geom]):
        kx, ky = km_per_degree(part.centroid.y)
        total += part.area * kx * ky
    return float(total)


def inside_point(geom: BaseGeometry) -> tuple[float, float]:
    """A point inside ``geom``: its centroid when that lies inside, else a representative point."""
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return float(c.x), float(c.y)


def _district_points(districts: Mapping[str, District]) -> DemandPoints:
    ids, lons, lats = [], [], []
    for adcode, d in districts.items():
        x, y = inside_point(d.geometry)
        ids.append(adcode)
        lons.append(x)
        lats.append(y)
    ds = list(districts.values())
    return DemandPoints(
        ids=tuple(ids),
        adcode=np.array(ids),
        lon=np.array(lons),
        lat=np.array(lats),
        population=np.array([d.population for d in ds], dtype=float),
        area_km2=np.array([d.area_km2 for d in ds], dtype=float),
        region_group=np.array([d.region_group for d in ds]),
    )


def _pieces(
    districts: Mapping[str, District], cell_deg_lat: float
) -> list[tuple[str, list[BaseGeometry]]]:
    """Clip a grid with cells ``cell_deg_lat`` high (and as many km wide) to every district."""
    union_bounds = shapely.total_bounds([d.geometry for d in districts.values()])
    minx, miny, _maxx, maxy = (float(v) for v in union_bounds)
    lat0 = (miny + maxy) / 2.0
    cell_deg_lon = (
        cell_deg_lat * KM_PER_DEG_LAT / (KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)))
    )
    out: list[tuple[str, list[BaseGeometry]]] = []
    for adcode, d in districts.items():
        bx0, by0, bx1, by1 = d.geometry.bounds
        i0, i1 = math.floor((bx0 - minx) / cell_deg_lon), math.ceil((bx1 - minx) / cell_deg_lon)
        j0, j1 = math.floor((by0 - miny) / cell_deg_lat), math.ceil((by1 - miny) / cell_deg_lat)
        cells = [
            box(
                minx + i * cell_deg_lon,
                miny + j * cell_deg_lat,
                minx + (i + 1) * cell_deg_lon,
                miny + (j + 1) * cell_deg_lat,
            )
            for j in range(j0, j1)
            for i in range(i0, i1)
        ]
        clipped = shapely.intersection(np.array(cells, dtype=object), d.geometry)
        full = cell_deg_lat * cell_deg_lon
        keep = [g for g in clipped if not g.is_empty and g.area >= SLIVER_SHARE * full]
        if not keep:  # a district smaller than a sliver still gets one point
            keep = [d.geometry]
        out.append((adcode, keep))
    return out


def _grid_points(districts: Mapping[str, District], target: int) -> DemandPoints:
    total_km2 = sum(area_km2(d.geometry) for d in districts.values())
    side_km = math.sqrt(total_km2 / target)
    pieces = _pieces(districts, side_km / KM_PER_DEG_LAT)
    # Border pieces add to the count: shrink or grow the cell a few times to land near target.
    for _ in range(6):
        count = sum(len(p) for _, p in pieces)
        if abs(count - target) <= 0.03 * target:
            break
        side_km *= math.sqrt(count / target)
        pieces = _pieces(districts, side_km / KM_PER_DEG_LAT)
    ids, adcodes, lons, lats, pops, areas, groups = [], [], [], [], [], [], []
    for adcode, geoms in pieces:
        d = districts[adcode]
        piece_areas = np.array([area_km2(g) for g in geoms])
        share = piece_areas / piece_areas.sum()
        for k, (g, sh) in enumerate(zip(geoms, share, strict=True)):
            x, y = inside_point(g)
            ids.append(f"{adcode}-{k:04d}")
            adcodes.append(adcode)
            lons.append(x)
            lats.append(y)
            pops.append(d.population * sh)
            areas.append(d.area_km2 * sh)
            groups.append(d.region_group)
    return DemandPoints(
        ids=tuple(ids),
        adcode=np.array(adcodes),
        lon=np.array(lons),
        lat=np.array(lats),
        population=np.array(pops),
        area_km2=np.array(areas),
        region_group=np.array(groups),
    )


def build_demand_points(
    districts: Mapping[str, District], spec: DemandSpec, resolution: str | None = None
) -> DemandPoints:
    """Demand points of ``districts`` as ``spec`` says, at ``resolution`` if given (else at
    ``spec.resolution``): ``district`` or ``grid``."""
    if (resolution or spec.resolution) == "district":
        return _district_points(districts)
    return _grid_points(districts, spec.grid_cells_target)

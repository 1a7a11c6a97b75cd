"""Demand points: where population (and so incidents and relief demand) sits.

Three resolutions:

* ``district``: one point per district at its polygon's centroid (or a point inside the polygon
  when the centroid falls outside), carrying the district's whole population;
* ``township``: one point per township of the ``townships`` table, carrying its share of the
  district's population; the area it stands for is its Voronoi cell among the district's
  township points, clipped to the district polygon (computed in a local kilometre plane);
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
    from .geography import DemandSpec, District, Township

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

    @classmethod
    def from_rows(
        cls, rows: list[tuple[str, str, float, float, float, float, str]]
    ) -> DemandPoints:
        """Points from rows of (id, adcode, lon, lat, population, area_km2, region group)."""
        cols = list(zip(*rows, strict=True)) if rows else [()] * 7
        return cls(
            ids=tuple(str(v) for v in cols[0]),
            adcode=np.array(cols[1], dtype=str),
            lon=np.array(cols[2], dtype=float),
            lat=np.array(cols[3], dtype=float),
            population=np.array(cols[4], dtype=float),
            area_km2=np.array(cols[5], dtype=float),
            region_group=np.array(cols[6], dtype=str),
        )


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
    rows: list[tuple[str, str, float, float, float, float, str]] = []
    for adcode, geoms in pieces:
        d = districts[adcode]
        piece_areas = np.array([area_km2(g) for g in geoms])
        share = piece_areas / piece_areas.sum()
        for k, (g, sh) in enumerate(zip(geoms, share, strict=True)):
            x, y = inside_point(g)
            rows.append((f"{adcode}-{k:04d}", adcode, x, y, d.population * sh,
                         d.area_km2 * sh, d.region_group))  # fmt: skip
    return DemandPoints.from_rows(rows)


def voronoi_areas(geom: BaseGeometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Area in km² of each point's Voronoi cell among ``(lon, lat)``, clipped to ``geom``.

    The diagram is drawn in a kilometre plane at the polygon's mean latitude, so bisectors are
    true perpendiculars; points at the same place share their cell equally. The areas add up
    to the polygon's area in that plane."""
    n = len(lon)
    lat0 = float(np.mean(geom.bounds[1::2]))
    kx, ky = km_per_degree(lat0)
    plane = shapely.transform(geom, lambda c: c * np.array([kx, ky]))
    if n == 1:
        return np.array([float(plane.area)])
    xy = np.column_stack([np.asarray(lon) * kx, np.asarray(lat) * ky])
    uniq, inverse = np.unique(np.round(xy, 6), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if len(uniq) == 1:
        return np.full(n, float(plane.area) / n)
    cells = shapely.voronoi_polygons(shapely.multipoints(uniq), extend_to=plane, ordered=True).geoms
    cell_area = np.array([float(shapely.intersection(c, plane).area) for c in cells])
    share = np.bincount(inverse, minlength=len(uniq))
    return cell_area[inverse] / share[inverse]


def _township_points(
    districts: Mapping[str, District], townships: Mapping[str, Township]
) -> DemandPoints:
    rows: list[tuple[str, str, float, float, float, float, str]] = []
    by_district: dict[str, list[tuple[str, Township]]] = {}
    for code, t in townships.items():
        by_district.setdefault(t.adcode, []).append((code, t))
    for adcode, d in districts.items():
        mine = by_district.get(adcode, [])
        lon = np.array([t.lon for _, t in mine])
        lat = np.array([t.lat for _, t in mine])
        pop = np.array([t.population for _, t in mine], dtype=float)
        cell = voronoi_areas(d.geometry, lon, lat)
        pop_share = pop / pop.sum() if pop.sum() > 0 else np.full(len(mine), 1.0 / len(mine))
        for k, (code, _) in enumerate(mine):
            rows.append((code, adcode, float(lon[k]), float(lat[k]),
                         d.population * float(pop_share[k]),  # scaled to the census total
                         d.area_km2 * float(cell[k] / cell.sum()), d.region_group))  # fmt: skip
    return DemandPoints.from_rows(rows)


def build_demand_points(
    districts: Mapping[str, District],
    spec: DemandSpec,
    resolution: str | None = None,
    townships: Mapping[str, Township] | None = None,
) -> DemandPoints:
    """Demand points of ``districts`` as ``spec`` says, at ``resolution`` if given (else at
    ``spec.resolution``): ``district``, ``township`` (needs ``townships``) or ``grid``."""
    res = resolution or spec.resolution
    if res == "district":
        return _district_points(districts)
    if res == "township":
        if not townships:
            raise ValueError("township resolution needs the scenario's townships table")
        return _township_points(districts, townships)
    return _grid_points(districts, spec.grid_cells_target)

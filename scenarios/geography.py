"""Geography of a scenario: region groups, districts with their polygons, demand resolution and
the travel-time model.

Coordinates are WGS-84 longitude/latitude degrees; areas are km²; speeds km/h; times minutes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
import shapely
from pydantic import Field, PlainSerializer, PlainValidator, model_validator
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from .common import (
    Adcode,
    Ident,
    Name,
    Named,
    NonNegFloat,
    NonNegInt,
    PlainNumber,
    PosFloat,
    PosInt,
    Strict,
)


def _to_multipolygon(value: Any) -> MultiPolygon:
    try:
        return _multipolygon(value)
    except ValueError:
        raise
    except Exception as err:  # GEOS and shapely raise their own types on degenerate input
        raise ValueError(f"not a usable polygon: {err}") from err


def _multipolygon(value: Any) -> MultiPolygon:
    if isinstance(value, Polygon):
        value = MultiPolygon([value])
    if isinstance(value, MultiPolygon):
        geom = value
    elif isinstance(value, dict):
        try:
            geom = shape(value)
        except Exception as err:  # shapely raises several types for malformed GeoJSON
            raise ValueError(f"not a valid GeoJSON geometry: {err}") from err
        if isinstance(geom, Polygon):
            geom = MultiPolygon([geom])
        if not isinstance(geom, MultiPolygon):
            raise ValueError(f"expected a Polygon or MultiPolygon, got {geom.geom_type}")
    else:
        raise ValueError(f"expected a GeoJSON Polygon/MultiPolygon, got {type(value).__name__}")
    if geom.is_empty:
        raise ValueError("the polygon is empty")
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        raise ValueError("coordinates must be finite numbers")
    if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
        raise ValueError("coordinates must be WGS-84 longitude/latitude degrees")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
        if not polys:
            raise ValueError("the polygon is invalid and cannot be repaired")
        geom = MultiPolygon(
            [p for g in polys for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
        )
    return geom


Geometry = Annotated[
    BaseGeometry,
    PlainValidator(_to_multipolygon),
    PlainSerializer(lambda g: mapping(g), return_type=dict),
]


class RegionGroup(Named):
    """A group of districts sharing a road speed (mountain counties are slower than the core)."""

    road_speed_kmh: Annotated[float, PlainNumber, Field(ge=1.0, le=200.0)] = Field(
        description="Mean road speed, km/h (1–200: slower is walking, faster is no road)."
    )


class District(Named):
    """One county-level district (区县)."""

    adcode: Adcode
    name_pinyin: Name
    region_group: Ident
    population: NonNegInt
    area_km2: PosFloat
    townships: PosInt
    gdp_100m_yuan: NonNegFloat | None = None
    geometry: Geometry


class Township(Strict):
    """One township-level unit (乡镇街道): its district, kind, a representative point and the
    people living there (the demand points at ``township`` resolution)."""

    adcode: Adcode
    name_zh: Name
    kind: Literal["subdistrict", "town", "township"]  # 街道, 镇, 乡
    lon: Annotated[float, PlainNumber, Field(ge=-180.0, le=180.0)]
    lat: Annotated[float, PlainNumber, Field(ge=-90.0, le=90.0)]
    population: NonNegInt
    point_source: str = ""


class DemandSpec(Strict):
    """Where demand is located: one point per district, one per township (the ``townships``
    table), or a grid of cells clipped to districts."""

    resolution: Literal["district", "township", "grid"] = "district"
    grid_cells_target: Annotated[int, PlainNumber, Field(ge=38, le=20000)] = 1000


class TravelMatrix(Strict):
    """A user-supplied square travel-time matrix in minutes (rows origins, columns destinations)."""

    ids: list[str]
    minutes: list[list[NonNegFloat]]

    @model_validator(mode="after")
    def _square(self) -> TravelMatrix:
        n = len(self.ids)
        if n == 0:
            raise ValueError("the travel matrix is empty")
        if len(set(self.ids)) != n:
            dupes = sorted({i for i in self.ids if self.ids.count(i) > 1})
            raise ValueError(f"the travel matrix repeats ids {dupes}")
        if len(self.minutes) != n or any(len(row) != n for row in self.minutes):
            shape_seen = (
                f"{len(self.minutes)} rows of lengths {sorted({len(r) for r in self.minutes})}"
            )
            raise ValueError(f"the travel matrix must be square {n}×{n}, got {shape_seen}")
        return self


class TravelSpec(Strict):
    """How travel times between demand points, depots and sites are obtained.

    ``geometric``: great-circle distance × ``circuity_factor`` ÷ road speed, half the way at the
    origin's region-group speed and half at the destination's. ``matrix``: a user-supplied matrix
    between demand points (loaded from the ``travel_matrix`` table).
    """

    model: Literal["geometric", "matrix"] = "geometric"
    circuity_factor: Annotated[float, PlainNumber, Field(ge=1.0, le=5.0)] = 1.4
    matrix: TravelMatrix | None = None

    @model_validator(mode="after")
    def _matrix_given(self) -> TravelSpec:
        if self.model == "matrix" and self.matrix is None:
            raise ValueError("travel model 'matrix' needs a travel_matrix table in [tables]")
        return self


__all__ = [
    "DemandSpec",
    "District",
    "Geometry",
    "Name",
    "RegionGroup",
    "Township",
    "TravelMatrix",
    "TravelSpec",
]

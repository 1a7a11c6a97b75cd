"""Schema of incidents, vehicles and depots, and relief commodities, warehouses and stocks.

Rates per year, durations as :data:`~anjian.scenarios.distributions.Duration` (minutes),
coordinates in
WGS-84 degrees, costs in yuan.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import (
    Adcode,
    Hourly,
    Ident,
    Monthly,
    Named,
    NonNegFloat,
    NonNegInt,
    Probability,
    Strict,
)
from .distributions import Amount, Duration

Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]


class ReliefNeed(Strict):
    """Relief demand of a disaster: people affected × items per person, by commodity."""

    people_affected: Amount
    items_per_person: dict[Ident, NonNegFloat]


class IncidentType(Named):
    """A type of incident with its seasonality, on-scene time and the units it needs."""

    family: Literal["work_safety", "fire", "traffic", "hazchem_release", "landslide", "flood"]
    priority: Annotated[int, Field(ge=1, le=9)] = 2
    monthly_factor: Monthly = Field(default_factory=lambda: [1.0] * 12)
    hourly_factor: Hourly = Field(default_factory=lambda: [1.0] * 24)
    on_scene: Duration
    units_needed: dict[Ident, Annotated[int, Field(ge=1)]]
    relief: ReliefNeed | None = None


class Surge(Named):
    """A disaster of a given scale: extra incidents of one type in a window of days, spread
    over the named districts in proportion to population (e.g. the August-2020 flood)."""

    incident_type: Ident
    start_day: Annotated[float, Field(ge=0.0, lt=365.0)]
    duration_days: Annotated[float, Field(gt=0.0, le=365.0)]
    districts: Annotated[list[Adcode], Field(min_length=1)]
    incidents: Annotated[int, Field(ge=1)]
    people_affected_total: NonNegInt = 0


class VehicleKind(Named):
    """A kind of vehicle: how it is held (dedicated / contracted 政企合作 / rented) and its role."""

    mode: Literal["dedicated", "contracted", "rented"]
    role: Ident
    mobilisation: Duration
    availability: Probability
    cost_yuan_per_year: NonNegFloat
    cost_yuan_per_use: NonNegFloat = 0.0


class Depot(Named):
    """A place where vehicles stand, with the number of vehicles of each kind."""

    adcode: Adcode
    lon: Longitude
    lat: Latitude
    vehicles: dict[Ident, NonNegInt]


class Commodity(Named):
    """A relief commodity (tent, quilt, folding bed, …)."""

    unit_cost_yuan: NonNegFloat


class StockPolicy(Strict):
    """Stock of one commodity at one warehouse and its (s, S) reorder policy."""

    stock_units: NonNegInt
    reorder_point_units: NonNegInt
    order_up_to_units: NonNegInt
    lead_time_days: NonNegFloat


class Warehouse(Named):
    """A relief warehouse at city, district or township level."""

    level: Literal["city", "district", "township"]
    adcode: Adcode
    lon: Longitude
    lat: Latitude
    stocks: dict[Ident, StockPolicy] = Field(default_factory=dict)

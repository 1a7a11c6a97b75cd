"""Schema of incidents, vehicles and depots, and relief commodities, warehouses and stocks.

Rates per year, durations as :data:`~anjian.scenarios.distributions.Duration` (minutes),
coordinates in
WGS-84 degrees, costs in yuan.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import (
    MAX_COUNT,
    Adcode,
    Hourly,
    Ident,
    Monthly,
    Named,
    NonNegFloat,
    NonNegInt,
    PlainNumber,
    PosFloat,
    Probability,
    Strict,
)
from .distributions import Amount, Duration

Longitude = Annotated[float, PlainNumber, Field(ge=-180.0, le=180.0)]
Latitude = Annotated[float, PlainNumber, Field(ge=-90.0, le=90.0)]


class ReliefNeed(Strict):
    """Relief demand of a disaster: people affected × items per person, by commodity."""

    people_affected: Amount
    items_per_person: dict[Ident, NonNegFloat]


class Harm(Strict):
    """How an incident type's harm depends on the response time ``r`` (first unit on scene)::

        deaths(r) = deaths_at_reference · exp(log_increase_per_min · (min(r, saturation_min)
                                                                     − reference_min))

    ``log_increase_per_min`` is the relative increase of the expected deaths per minute of
    delay (Sánchez-Mangas et al. 2010: a 10-minute faster response cuts the probability of
    death in road accidents by a third, ``ln(3/2)/10 ≈ 0.041``); beyond ``saturation_min``
    (the range of the evidence) a later arrival adds nothing, so harm stays finite for
    incidents nobody reaches."""

    deaths_at_reference: NonNegFloat
    reference_min: PosFloat
    log_increase_per_min: Annotated[float, PlainNumber, Field(ge=0.0, le=1.0)]
    saturation_min: PosFloat

    @model_validator(mode="after")
    def _saturation_after_reference(self) -> Harm:
        if self.saturation_min < self.reference_min:
            raise ValueError(
                f"saturation_min ({self.saturation_min}) must be at least reference_min "
                f"({self.reference_min})"
            )
        return self


class IncidentType(Named):
    """A type of incident with its seasonality, on-scene time and the units it needs."""

    family: Literal["work_safety", "fire", "traffic", "hazchem_release", "landslide", "flood"]
    priority: Annotated[int, PlainNumber, Field(ge=1, le=9)] = 2
    monthly_factor: Monthly = Field(default_factory=lambda: [1.0] * 12)
    hourly_factor: Hourly = Field(default_factory=lambda: [1.0] * 24)
    on_scene: Duration
    units_needed: Annotated[
        dict[Ident, Annotated[int, PlainNumber, Field(ge=1, le=1000)]], Field(min_length=1)
    ]
    relief: ReliefNeed | None = None
    harm: Harm | None = None


class Shelter(Strict):
    """Where a surge's people go: the share evacuated (紧急转移), how the evacuated are
    sheltered — with relatives or friends (投亲靠友) or in collective shelters (集中安置) — and
    what each needs (items per person by shelter type). People not evacuated stay at home and
    need ``items_per_person.at_home`` (often nothing)."""

    evacuated_share: Probability
    shares: dict[Literal["with_relatives", "collective"], Probability]
    items_per_person: dict[
        Literal["at_home", "with_relatives", "collective"], dict[Ident, NonNegFloat]
    ] = Field(default_factory=dict)

    def items_for(self, where: str) -> dict[str, float]:
        """Items per person of shelter type ``where`` (none if the scenario lists none)."""
        for key, items in self.items_per_person.items():
            if key == where:
                return dict(items)
        return {}

    @model_validator(mode="after")
    def _shares_add_up(self) -> Shelter:
        total = sum(self.shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"shelter shares of the evacuated must add up to 1 over with_relatives and "
                f"collective, got {total:g}"
            )
        return self


class Surge(Named):
    """A disaster of a given scale: extra incidents of one type in a window of days, spread
    over the named districts in proportion to population (e.g. the August-2020 flood).

    With ``shelter``, the surge's relief demand is its people by shelter type × the items per
    person of that type (instead of the incident type's ``items_per_person``)."""

    incident_type: Ident
    start_day: Annotated[float, PlainNumber, Field(ge=0.0, lt=365.0)]
    duration_days: Annotated[float, PlainNumber, Field(gt=0.0, le=365.0)]
    districts: Annotated[list[Adcode], Field(min_length=1)]
    incidents: Annotated[int, PlainNumber, Field(ge=1, le=MAX_COUNT)]
    people_affected_total: NonNegInt = 0
    shelter: Shelter | None = None
    return_period_years: PosFloat | None = Field(
        default=None,
        description=(
            "How often a disaster of this scale comes (years). The simulator runs the surge in "
            "every simulated year (the scenario is that year); the relief-reserve planner draws "
            "it in a year with probability 1 / return_period_years (none: every year)."
        ),
    )

    @model_validator(mode="after")
    def _within_the_year(self) -> Surge:
        end = self.start_day + self.duration_days
        if end > 365.0 + 1e-9:
            raise ValueError(
                f"the surge runs from day {self.start_day:g} for {self.duration_days:g} days, "
                f"to day {end:g}, past the year's end (day 365); the simulated year does not "
                "wrap, so shorten duration_days or start earlier"
            )
        return self


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
    """A relief commodity (tent, quilt, folding bed, …), how many fit on one truck and what
    holding it costs: a unit held a year costs ``unit_cost_yuan`` × (``holding_share_per_year``
    + 1 / ``shelf_life_years``) — warehousing and upkeep, and the replacement of stock that
    perishes (none without a shelf life)."""

    unit_cost_yuan: NonNegFloat
    units_per_truckload: PosFloat | None = None
    shelf_life_years: PosFloat | None = None
    holding_share_per_year: Annotated[float, PlainNumber, Field(ge=0.0, le=1.0)] = 0.0

    @property
    def yearly_cost_yuan(self) -> float:
        """Yuan a year of holding one unit (upkeep plus replacement when it perishes)."""
        life = 1.0 / self.shelf_life_years if self.shelf_life_years else 0.0
        return self.unit_cost_yuan * (self.holding_share_per_year + life)


class ReliefLogistics(Strict):
    """How relief gets from a warehouse to people (调拨): the release is approved (a delay by
    the warehouse's level), then each truckload waits for a truck of ``truck_role`` (from the
    depots, like any vehicle: mobilisation, drive to the warehouse), is loaded and driven to the
    incident. Without a ``truck_role`` a shipment needs no truck (approval + loading + travel).
    """

    truck_role: Ident | None = None
    approval: dict[Literal["city", "district", "township"], Duration] = Field(default_factory=dict)
    loading: Duration | None = None
    people_without_relief_hours: tuple[PosFloat, ...] = (12.0, 24.0, 48.0)


class ReliefPlanning(Strict):
    """Settings of the relief-reserve planner (``anjian optimize stocks``): the first batch's
    deadline (relief after it is late), what a unit short or late costs (× its unit cost: an
    emergency purchase at a premium and the harm of waiting), how long one disaster episode
    draws on the stock before reorders arrive, and what a reserve point can hold (truckloads
    of stock by level; none: no limit)."""

    first_batch_hours: PosFloat = 12.0
    unmet_penalty_factor: NonNegFloat = 10.0
    late_penalty_factor: NonNegFloat = 2.0
    episode_days: Annotated[float, PlainNumber, Field(gt=0.0, le=365.0)] = 14.0
    capacity_truckloads: dict[Literal["city", "district", "township"], PosFloat] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _late_below_unmet(self) -> ReliefPlanning:
        if self.late_penalty_factor > self.unmet_penalty_factor:
            raise ValueError(
                f"late_penalty_factor ({self.late_penalty_factor:g}) must not exceed "
                f"unmet_penalty_factor ({self.unmet_penalty_factor:g}): late relief cannot cost "
                "more than none"
            )
        return self


class StockPolicy(Strict):
    """Stock of one commodity at one warehouse and its (s, S) reorder policy."""

    stock_units: NonNegInt
    reorder_point_units: NonNegInt
    order_up_to_units: NonNegInt
    lead_time_days: Annotated[float, PlainNumber, Field(ge=0.0, le=3650.0)]


class Warehouse(Named):
    """A relief warehouse at city, district or township level."""

    level: Literal["city", "district", "township"]
    adcode: Adcode
    lon: Longitude
    lat: Latitude
    stocks: dict[Ident, StockPolicy] = Field(default_factory=dict)

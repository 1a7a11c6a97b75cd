"""The whole planning scenario: one frozen, validated object that every model takes as input.

Field-level rules live in the part models; this module checks what ties the parts together:
every table covers exactly the scenario's districts, every reference (region group, risk tier,
incident type, vehicle role, commodity) names something that exists, depots and warehouses lie in
their district, and a user-supplied travel matrix matches the demand points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from shapely.geometry import Point

from .common import (
    Ident,
    Name,
    NonNegFloat,
    NonNegInt,
    PlainNumber,
    PosFloat,
    Probability,
    Strict,
    Text,
)
from .demand import DemandPoints, build_demand_points
from .errors import CrossReferenceError, Loc, ScenarioError
from .geography import DemandSpec, District, RegionGroup, Township, TravelSpec
from .inspection import (
    Department,
    InspectionPolicy,
    InspectorKind,
    IntervalBounds,
    RiskTier,
    SiteCategory,
)
from .overrides import Provenance, apply_overrides, format_validation_error
from .response import (
    Commodity,
    Depot,
    IncidentType,
    ReliefLogistics,
    ReliefPlanning,
    Surge,
    VehicleKind,
    Warehouse,
)
from .timebase import MIN_PER_DAY

#: The newest scenario format this code reads (``schema_version`` in scenario.toml).
SCHEMA_VERSION = 1

#: How far (km) a depot or warehouse may lie outside its district polygon (digitising slack).
BOUNDARY_SLACK_KM = 1.0


class Meta(Strict):
    """Identification of the scenario."""

    name: Ident
    title_zh: Name
    title_en: Name
    description: Text = ""
    base: str | None = None


class Standards(Strict):
    """Service standards: response-time targets and inspection intervals."""

    response_target_min: dict[Ident, PosFloat]
    inspection_interval_days: dict[Ident, PosFloat]
    inspection_interval_bounds_days: dict[Ident, IntervalBounds] | None = Field(
        default=None,
        description=(
            "Shortest and longest interval per tier (days) a frequency plan may choose for the "
            "categories that use the standard intervals (statutory minimum visits, provincial "
            "caps on visits a year)."
        ),
    )
    relief_items_per_1000_population: dict[Ident, NonNegFloat] = Field(default_factory=dict)
    min_inspectors_per_district: Annotated[int, PlainNumber, Field(ge=0, le=1_000_000)] | None = (
        Field(
            default=None,
            description=(
                "Fewest district- and township-level inspectors (the kinds a headcount plan moves) "
                "a plan may leave in any district; none: no such standard."
            ),
        )
    )
    certified_inspector_share: Probability = Field(
        default=0.0,
        description=(
            "Least share of each district's planned inspectors with penalty powers (持证执法) a "
            "headcount plan must keep; 0: no such standard."
        ),
    )


class Budget(Strict):
    """Money available per year, yuan, for inspectors, vehicles and relief stocks as the cost
    model counts them (``anjian.budget``); without ``total_yuan_per_year``, what today's
    allocation costs. The split is optional (0 = not fixed); a fixed one caps what the
    search of ``anjian run`` may spend on that resource (``anjian.run.split_caps``)."""

    total_yuan_per_year: Annotated[float, PlainNumber, Field(gt=0.0, le=1e13)] | None = None
    inspectors_yuan_per_year: NonNegFloat = 0.0
    vehicles_yuan_per_year: NonNegFloat = 0.0
    relief_yuan_per_year: NonNegFloat = 0.0

    @model_validator(mode="after")
    def _split_within_total(self) -> Budget:
        split = (
            self.inspectors_yuan_per_year + self.vehicles_yuan_per_year + self.relief_yuan_per_year
        )
        if self.total_yuan_per_year is None:
            if split > 0:
                raise ValueError("a split of the budget needs total_yuan_per_year")
            return self
        if split > self.total_yuan_per_year * (1 + 1e-9):
            raise ValueError(
                f"the split ({split:,.0f} yuan) exceeds total_yuan_per_year "
                f"({self.total_yuan_per_year:,.0f})"
            )
        return self


class Harm(Strict):
    """How the harm measure (expected deaths a year, ``anjian.budget``) weighs its parts:
    accident deaths expected from open hazards, deaths from response slower than the
    reference, deaths of people left without relief after the first batch."""

    accident_weight: Annotated[float, PlainNumber, Field(ge=0.0, le=1e3)] = 1.0
    response_weight: Annotated[float, PlainNumber, Field(ge=0.0, le=1e3)] = 1.0
    relief_deaths_per_10000_person_days: Annotated[float, PlainNumber, Field(ge=0.0, le=1e4)] = 0.5
    relief_tail_days: Annotated[float, PlainNumber, Field(ge=0.0, le=365.0)] = 1.0


class Scenario(Strict):
    """A complete planning scenario (see ``docs/scenario-format.md``).

    Per-district tables (``sites``, ``staff``, ``incident_rates``) map adcode → column → value.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        arbitrary_types_allowed=True,
        ignored_types=(cached_property,),
    )

    schema_version: Annotated[
        int,
        Field(
            ge=1,
            le=SCHEMA_VERSION,
            description=f"The file format's version; this anjian reads {SCHEMA_VERSION}.",
        ),
    ] = 1
    meta: Meta
    region_groups: dict[Ident, RegionGroup]
    districts: dict[str, District]
    demand: DemandSpec = DemandSpec()
    travel: TravelSpec = TravelSpec()
    risk_tiers: dict[Ident, RiskTier]
    departments: dict[Ident, Department] = Field(default_factory=dict)
    site_categories: dict[Ident, SiteCategory]
    sites: dict[str, dict[Ident, NonNegInt]]
    inspection: InspectionPolicy
    inspector_kinds: dict[Ident, InspectorKind]
    staff: dict[str, dict[Ident, NonNegInt]]
    incident_types: dict[Ident, IncidentType]
    incident_rates: dict[str, dict[Ident, NonNegFloat]]
    vehicle_kinds: dict[Ident, VehicleKind]
    depots: dict[Ident, Depot]
    commodities: dict[Ident, Commodity]
    warehouses: dict[Ident, Warehouse]
    standards: Standards
    budget: Budget = Budget()
    harm: Harm = Harm()
    surges: dict[Ident, Surge] = Field(default_factory=dict)
    townships: dict[str, Township] = Field(default_factory=dict)
    relief_logistics: ReliefLogistics = ReliefLogistics()
    relief_planning: ReliefPlanning = ReliefPlanning()

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        problems = list(_check(self))
        if problems:
            raise CrossReferenceError(problems)
        return self

    # -- derived views ---------------------------------------------------------------------
    @cached_property
    def demand_points(self) -> DemandPoints:
        """Demand points at the scenario's resolution (computed once, then cached)."""
        return build_demand_points(self.districts, self.demand, townships=self.townships)

    def with_(self, overrides: Mapping[str, Any] | None = None, **fields: Any) -> Scenario:
        """A validated variant — the one door every derived scenario goes through.

        ``fields`` replace whole top-level fields (``depots={...}``, ``incident_rates={...}``;
        values may be part models or plain data), then ``overrides`` set single values by
        dotted path (``{"staff.500101.township": 30, "demand.resolution": "grid"}``), as
        ``[overrides]`` in a scenario file does. The result is validated again as a whole,
        cross-references included.

        Raises
        ------
        ScenarioError
            For an unknown field, a path that names nothing or a value the schema rejects,
            naming the field or path.
        """
        if not overrides and not fields:
            return self
        raw = self.model_dump()
        prov = Provenance()
        for name, value in fields.items():
            if name not in type(self).model_fields:
                raise ScenarioError(
                    f"with_({name}=…): no field {name!r}; fields: {list(type(self).model_fields)}"
                )
            raw[name] = _plain(value)
            prov.add((name,), f"with_({name}=…)")
        if overrides:
            apply_overrides(raw, prov, _plain(dict(overrides)), "overrides", type(self))
        try:
            return type(self).model_validate(raw)
        except ValidationError as err:
            raise format_validation_error(err, prov, type(self)) from None

    def totals(self) -> dict[str, float]:
        """City-wide totals used by summaries and tests."""
        return {
            "districts": len(self.districts),
            "population": sum(d.population for d in self.districts.values()),
            "area_km2": sum(d.area_km2 for d in self.districts.values()),
            "townships": sum(d.townships for d in self.districts.values()),
            "sites": sum(sum(row.values()) for row in self.sites.values()),
            "staff": sum(sum(row.values()) for row in self.staff.values()),
            "incidents_per_year": sum(sum(r.values()) for r in self.incident_rates.values()),
            "depots": len(self.depots),
            "vehicles": sum(sum(d.vehicles.values()) for d in self.depots.values()),
            "warehouses": len(self.warehouses),
        }

    def column_total(self, table: str, column: str) -> float:
        """Sum of one column of a per-district table (``sites``, ``staff``, ``incident_rates``)."""
        rows: Mapping[str, Mapping[str, float]] = getattr(self, table)
        return float(sum(row[column] for row in rows.values()))


def _same_keys(
    loc: Loc, have: Iterable[str], want: Iterable[str], what: str, of: str
) -> Iterable[tuple[Loc, str]]:
    have_s, want_s = set(have), set(want)
    for extra in sorted(have_s - want_s):
        yield (*loc, extra), f"unknown {what} {extra!r}; {of} has {sorted(want_s)}"
    missing = sorted(want_s - have_s)
    if missing:
        yield loc, f"missing {what}(s) {missing} (every {what} of {of} needs an entry)"


def _bounds_ordered(
    loc: Loc, bounds: Mapping[str, tuple[float, float]]
) -> Iterable[tuple[Loc, str]]:
    for tier, (lo, hi) in bounds.items():
        if lo > hi:
            yield (
                (*loc, tier),
                (
                    f"shortest interval {lo:g} days is longer than the longest {hi:g}; "
                    "write [shortest, longest]"
                ),
            )


def _same_columns(
    loc: Loc, rows: list[set[str]], columns: Iterable[str], what: str, of: str
) -> Iterable[tuple[Loc, str]]:
    """Columns of a per-district table: reported once for the table, not once per row."""
    want = set(columns)
    have = set().union(*rows) if rows else set()
    for extra in sorted(have - want):
        yield loc, f"unknown {what} {extra!r}; {of} has {sorted(want)}"
    missing = sorted({c for row in rows for c in want - row})
    if missing:
        yield loc, f"missing {what}(s) {missing} (every entry of {of} needs a column)"


def equipment_kits(s: Scenario) -> dict[str, dict[str, float]]:
    """Expected equipped kits of each kind in each district: headcount × ``equipped_share``, or
    townships × ``equipped_share`` for kinds whose kits are held by townships (where the
    district has staff of the kind)."""
    out: dict[str, dict[str, float]] = {}
    for a, row in s.staff.items():
        towns = s.districts[a].townships
        out[a] = {}
        for k, n in row.items():
            kind = s.inspector_kinds[k]
            held = towns if kind.equipment_per == "township" and n > 0 and towns > 0 else n
            out[a][k] = held * kind.equipped_share
    return out


def _check_departments(s: Scenario) -> Iterable[tuple[Loc, str]]:
    """Departments: every category and non-township kind names a defined one (when any are
    defined), a category sits at a level its department acts at, and a department that owns
    premises has staff who can inspect them somewhere."""
    depts = s.departments
    defined = f"defined: {sorted(depts)}" if depts else "the scenario defines no [departments]"
    for key, cat in s.site_categories.items():
        loc: Loc = ("site_categories", key, "department")
        if cat.department is None:
            if depts:
                yield loc, f"{key!r} needs a department (one of {sorted(depts)})"
            continue
        if cat.department not in depts:
            yield loc, f"unknown department {cat.department!r}; {defined}"
            continue
        levels = depts[cat.department].levels
        if cat.inspected_by not in levels:
            yield (
                ("site_categories", key, "inspected_by"),
                f"department {cat.department!r} does not act at the {cat.inspected_by} level "
                f"(its levels: {levels}); change inspected_by or the department's levels",
            )
    for key, kind in s.inspector_kinds.items():
        loc = ("inspector_kinds", key, "department")
        if kind.department is None:
            if depts and kind.scope != "township":
                yield loc, (f"{key!r} ({kind.scope} staff) needs a department "
                            f"(one of {sorted(depts)})")  # fmt: skip
        elif kind.scope == "township":
            yield (
                loc,
                (
                    f"{key!r} is township staff: they inspect every department's "
                    "township-level premises (乡镇综合行政执法); leave department empty"
                ),
            )
        elif kind.department not in depts:
            yield loc, f"unknown department {kind.department!r}; {defined}"
    if not depts:
        return

    def headcount(kinds: Iterable[str]) -> int:
        ks = list(kinds)
        return sum(row.get(k, 0) for row in s.staff.values() for k in ks)

    for key, cat in s.site_categories.items():
        d = cat.department
        if d not in depts:
            continue
        own = headcount(k for k, v in s.inspector_kinds.items()
                        if v.department == d and v.scope != "township")  # fmt: skip
        township = headcount(k for k, v in s.inspector_kinds.items() if v.scope == "township")
        if own == 0 and not (cat.inspected_by == "township" and township > 0):
            yield (
                ("site_categories", key, "department"),
                f"{key!r} is owned by department {d!r}, which has no staff in any district; "
                f"add staff of a kind with department = {d!r} or move {key!r} to another "
                "department",
            )


#: How far a district's townships' population may be from the district's (share of it).
TOWNSHIP_POPULATION_TOLERANCE = 0.01


def _check_townships(s: Scenario) -> Iterable[tuple[Loc, str]]:
    """Townships: needed at ``township`` resolution, one or more per district, as many as the
    district's ``townships`` count, and their population adding up to the district's."""
    if s.demand.resolution == "township" and not s.townships:
        yield (
            ("demand", "resolution"),
            "resolution 'township' needs a townships table: add townships = \"townships.csv\" to "
            "[tables] (columns township_code, adcode, name_zh, kind, lon, lat, population), "
            'or set resolution = "district"',
        )
        return
    if not s.townships:
        return
    count: dict[str, int] = {}
    pop: dict[str, int] = {}
    for t in s.townships.values():
        count[t.adcode] = count.get(t.adcode, 0) + 1
        pop[t.adcode] = pop.get(t.adcode, 0) + t.population
    for a, d in s.districts.items():
        n = count.get(a, 0)
        if n == 0:
            yield (("townships",), f"district {a} ({d.name_zh}) has no township; add its rows")
            continue
        if n != d.townships:
            yield (
                ("districts", a, "townships"),
                f"district {a} ({d.name_zh}) counts {d.townships} townships but the townships "
                f"table lists {n}; make the two agree",
            )
        if abs(pop[a] - d.population) > TOWNSHIP_POPULATION_TOLERANCE * max(d.population, 1):
            yield (
                ("townships",),
                f"the townships of district {a} ({d.name_zh}) hold {pop[a]:,} people but the "
                f"district {d.population:,}; they must agree within "
                f"{TOWNSHIP_POPULATION_TOLERANCE:.0%}",
            )


def _check_relief(s: Scenario) -> Iterable[tuple[Loc, str]]:
    """Relief logistics and surge shelters name roles and commodities that exist; with trucks,
    every commodity says how many fit on one."""
    role = s.relief_logistics.truck_role
    if role is not None:
        roles = sorted({v.role for v in s.vehicle_kinds.values()})
        if role not in roles:
            yield (
                ("relief_logistics", "truck_role"),
                f"no vehicle kind has role {role!r}; roles in [vehicle_kinds]: {roles}",
            )
        for key, c in s.commodities.items():
            if c.units_per_truckload is None:
                yield (
                    ("commodities", key, "units_per_truckload"),
                    f"relief goes by truck (truck_role = {role!r}): say how many units of "
                    f"{key!r} fit on one truck",
                )
    for key, surge in s.surges.items():
        if surge.shelter is None:
            continue
        for where, items in surge.shelter.items_per_person.items():
            for item in items:
                if item not in s.commodities:
                    yield (
                        ("surges", key, "shelter", "items_per_person", str(where), item),
                        f"unknown commodity {item!r}; defined: {sorted(s.commodities)}",
                    )


def _check(s: Scenario) -> Iterable[tuple[Loc, str]]:
    adcodes = set(s.districts)
    for key, d in s.districts.items():
        if key != d.adcode:
            yield ("districts", key, "adcode"), f"row key {key!r} differs from adcode {d.adcode!r}"
        if d.region_group not in s.region_groups:
            yield (
                ("districts", key, "region_group"),
                f"unknown region group {d.region_group!r}; defined: {sorted(s.region_groups)}",
            )
    # per-district tables: same districts, same columns
    tables: list[tuple[str, Mapping[str, Mapping[str, Any]], Iterable[str], str, str]] = [
        ("sites", s.sites, s.site_categories, "site category column", "[site_categories]"),
        ("staff", s.staff, s.inspector_kinds, "inspector kind column", "[inspector_kinds]"),
        (
            "incident_rates",
            s.incident_rates,
            s.incident_types,
            "incident type column",
            "[incident_types]",
        ),
    ]
    for name, table, columns, what, of in tables:
        yield from _same_keys((name,), table, adcodes, "district", "the districts table")
        yield from _same_columns((name,), [set(row) for row in table.values()], columns, what, of)
    yield from _check_departments(s)
    for key, camp in s.inspection.campaigns.items():
        for j, name in enumerate(camp.categories):
            if name not in s.site_categories:
                yield (
                    ("inspection", "campaigns", key, "categories", j),
                    f"unknown site category {name!r}; defined: {sorted(s.site_categories)}",
                )
    # references by id
    for key, cat in s.site_categories.items():
        loc: Loc = ("site_categories", key)
        yield from _same_keys(
            (*loc, "tier_shares"), cat.tier_shares, s.risk_tiers, "risk tier", "[risk_tiers]"
        )
        if cat.inspected_by != "district":
            level = cat.inspected_by
            kinds = [k for k, v in s.inspector_kinds.items() if v.scope == level]
            if not kinds:
                yield (
                    (*loc, "inspected_by"),
                    f"inspected by {level} staff, but no inspector kind has scope = {level!r} "
                    f"(kinds: {sorted(s.inspector_kinds)}); give one that scope or inspect "
                    f"{key!r} at another level",
                )
            elif not any(row.get(k, 0) > 0 for row in s.staff.values() for k in kinds):
                yield (
                    (*loc, "inspected_by"),
                    f"inspected by {level} staff, but no district has staff of kind "
                    f"{' or '.join(map(repr, kinds))}; add them to the staff table or inspect "
                    f"{key!r} at another level",
                )
        if cat.inspection_interval_days is not None:
            yield from _same_keys(
                (*loc, "inspection_interval_days"),
                cat.inspection_interval_days,
                s.risk_tiers,
                "risk tier",
                "[risk_tiers]",
            )
        for a, tiers in cat.inspection_interval_by_district_days.items():
            loc_d: Loc = (*loc, "inspection_interval_by_district_days", a)
            if a not in s.districts:
                yield loc_d, f"unknown district {a!r}; use a code of [districts]"
            for tier in tiers:
                if tier not in s.risk_tiers:
                    yield (*loc_d, tier), (f"unknown risk tier {tier!r}; [risk_tiers] has "
                                           f"{sorted(s.risk_tiers)}")  # fmt: skip
        if cat.inspection_interval_bounds_days is not None:
            yield from _same_keys(
                (*loc, "inspection_interval_bounds_days"),
                cat.inspection_interval_bounds_days,
                s.risk_tiers,
                "risk tier",
                "[risk_tiers]",
            )
            yield from _bounds_ordered(
                (*loc, "inspection_interval_bounds_days"), cat.inspection_interval_bounds_days
            )
        if cat.incident_type not in s.incident_types:
            yield (
                (*loc, "incident_type"),
                (
                    f"unknown incident type {cat.incident_type!r}; "
                    f"defined: {sorted(s.incident_types)}"
                ),
            )
        for tier, interval in (
            cat.inspection_interval_days or s.standards.inspection_interval_days
        ).items():
            if interval * MIN_PER_DAY < cat.inspection_duration.mean:
                yield (
                    (*loc, "inspection_interval_days", tier),
                    (
                        f"interval {interval} days is shorter than the mean inspection itself "
                        f"({cat.inspection_duration.mean:.0f} min)"
                    ),
                )
    yield from _same_keys(
        ("standards", "inspection_interval_days"),
        s.standards.inspection_interval_days,
        s.risk_tiers,
        "risk tier",
        "[risk_tiers]",
    )
    if s.standards.inspection_interval_bounds_days is not None:
        loc_b: Loc = ("standards", "inspection_interval_bounds_days")
        yield from _same_keys(
            loc_b, s.standards.inspection_interval_bounds_days, s.risk_tiers, "risk tier",
            "[risk_tiers]",
        )  # fmt: skip
        yield from _bounds_ordered(loc_b, s.standards.inspection_interval_bounds_days)
    yield from _same_keys(
        ("standards", "response_target_min"),
        s.standards.response_target_min,
        s.region_groups,
        "region group",
        "[region_groups]",
    )
    for c in s.standards.relief_items_per_1000_population:
        if c not in s.commodities:
            yield (
                ("standards", "relief_items_per_1000_population", c),
                (f"unknown commodity {c!r}; defined: {sorted(s.commodities)}"),
            )
    roles = {v.role for v in s.vehicle_kinds.values()}
    for key, inc in s.incident_types.items():
        for role in inc.units_needed:
            if role not in roles:
                yield (
                    ("incident_types", key, "units_needed", role),
                    (
                        f"no vehicle kind has role {role!r}; "
                        f"roles in [vehicle_kinds]: {sorted(roles)}"
                    ),
                )
        if inc.relief is not None:
            for c in inc.relief.items_per_person:
                if c not in s.commodities:
                    yield (
                        ("incident_types", key, "relief", "items_per_person", c),
                        (f"unknown commodity {c!r}; defined: {sorted(s.commodities)}"),
                    )
    # places: in a known district and inside (or within slack of) its polygon
    places: list[tuple[str, str, Depot | Warehouse | Township]] = [
        *(("depots", k, d) for k, d in s.depots.items()),
        *(("warehouses", k, w) for k, w in s.warehouses.items()),
        *(("townships", k, t) for k, t in s.townships.items()),
    ]
    for table_name, key, place in places:
        if place.adcode not in adcodes:
            yield (table_name, key, "adcode"), f"unknown district {place.adcode!r}"
            continue
        geom = s.districts[place.adcode].geometry
        # 1 degree of latitude ≈ 111 km; a crude slack is enough for a sanity check
        if geom.distance(Point(place.lon, place.lat)) * 111.0 > BOUNDARY_SLACK_KM:
            yield (
                (table_name, key, "lon"),
                (
                    f"point ({place.lon}, {place.lat}) lies outside district {place.adcode} "
                    f"({s.districts[place.adcode].name_zh}); check lon/lat or adcode"
                ),
            )
    for kind in sorted({k for depot in s.depots.values() for k in depot.vehicles}):
        if kind not in s.vehicle_kinds:
            yield (
                ("depots",),
                (
                    f"unknown vehicle kind column {kind!r}; "
                    f"[vehicle_kinds] has {sorted(s.vehicle_kinds)}"
                ),
            )
    for key, wh in s.warehouses.items():
        for c, pol in wh.stocks.items():
            if c not in s.commodities:
                yield (
                    ("warehouses", key, "stocks", c),
                    (f"unknown commodity {c!r}; defined: {sorted(s.commodities)}"),
                )
            if pol.reorder_point_units > pol.order_up_to_units:
                yield (
                    ("warehouses", key, "stocks", c, "reorder_point_units"),
                    (
                        f"reorder point {pol.reorder_point_units} exceeds order-up-to level "
                        f"{pol.order_up_to_units}"
                    ),
                )
            if pol.stock_units > pol.order_up_to_units:
                yield (
                    ("warehouses", key, "stocks", c, "stock_units"),
                    (
                        f"stock {pol.stock_units} exceeds order-up-to level "
                        f"{pol.order_up_to_units}; raise the order-up-to level to what the "
                        "warehouse holds, or lower the stock"
                    ),
                )
    for key, surge in s.surges.items():
        if surge.incident_type not in s.incident_types:
            yield (
                ("surges", key, "incident_type"),
                (
                    f"unknown incident type {surge.incident_type!r}; "
                    f"defined: {sorted(s.incident_types)}"
                ),
            )
        for adcode in surge.districts:
            if adcode not in adcodes:
                yield ("surges", key, "districts"), f"unknown district {adcode!r}"
        itype = s.incident_types.get(surge.incident_type)
        if (surge.people_affected_total > 0 and surge.shelter is None and itype is not None
                and itype.relief is None):  # fmt: skip
            yield (
                ("surges", key, "people_affected_total"),
                (
                    f"{surge.people_affected_total:,} people affected, but incident type "
                    f"{surge.incident_type!r} has no relief and the surge no shelter, so they "
                    "would need nothing; give the surge a [shelter] or the type a relief need, "
                    "or set people_affected_total = 0"
                ),
            )
    yield from _check_townships(s)
    yield from _check_relief(s)
    if s.travel.matrix is not None:
        if s.demand.resolution == "district":
            point_ids: list[str] = list(s.districts)
        elif s.demand.resolution == "township":
            point_ids = list(s.townships)
        else:
            point_ids = list(build_demand_points(s.districts, s.demand).ids)
        yield from _same_keys(
            ("travel", "matrix", "ids"),
            s.travel.matrix.ids,
            point_ids,
            "demand point id",
            f"the {s.demand.resolution}-level demand points",
        )


def _plain(value: Any) -> Any:
    """``value`` with part models dumped to plain data (what validation starts from)."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value

"""What a run will cost before it starts: its size estimated from the scenario, refused clearly
past a limit.

Validation bounds each number of a scenario (:mod:`anjian.scenarios.common`); a scenario whose
every number is within bounds can still ask for more than a machine holds — 10^9 inspectors, a
surge of 10^9 incidents. Each model estimates its replication's size here first (sites,
inspectors, vehicles, and the events it will draw: hazards, inspections, complaints,
incidents) and raises :class:`RunTooLarge` naming the largest part and the way round.

The limits sit 20–70 times above the built-in Chongqing (281,615 sites, 30,000 inspectors,
~0.6 million hazards and ~1,840 incidents a year, 252 vehicles): enough for any Chinese city,
and below what a 24 GiB machine holds. ``ANJIAN_SIZE_FACTOR`` (an environment variable, e.g.
``10``) multiplies every limit, for a bigger machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from anjian.scenarios.errors import ScenarioError
from anjian.scenarios.inspection import SiteCategory
from anjian.scenarios.scenario import Scenario

#: Most sites in a scenario.
MAX_SITES = 20_000_000
#: Most inspectors (headcount over every kind and district).
MAX_INSPECTORS = 2_000_000
#: Most vehicles over every depot.
MAX_VEHICLES = 1_000_000
#: Most events (hazards, inspections, complaints, incidents) one replication may draw.
MAX_EVENTS = 200_000_000
#: The environment variable that multiplies every limit.
FACTOR_VARIABLE = "ANJIAN_SIZE_FACTOR"
#: Inspections one inspector can make in a year, at most (a bound, not an estimate).
MAX_INSPECTIONS_PER_INSPECTOR_YEAR = 1_000


class RunTooLarge(ScenarioError):
    """A run larger than the limits; the message names the part, its size and the fix (a
    :class:`ScenarioError`, so every caller that reports a bad scenario reports it)."""


@dataclass(frozen=True)
class RunSize:
    """A replication's size: things held in memory and events drawn over the run."""

    sites: float
    inspectors: float
    vehicles: float
    events: dict[str, float]

    @property
    def total_events(self) -> float:
        return sum(self.events.values())


def size_factor() -> float:
    """The multiplier of every limit (``ANJIAN_SIZE_FACTOR``, default 1)."""
    text = os.environ.get(FACTOR_VARIABLE, "").strip()
    if not text:
        return 1.0
    try:
        factor = float(text)
    except ValueError:
        raise RunTooLarge(
            f"{FACTOR_VARIABLE}={text!r} is not a number; set it to e.g. 10, or unset it"
        ) from None
    if not factor > 0 or factor != factor or factor == float("inf"):
        raise RunTooLarge(f"{FACTOR_VARIABLE}={text!r} must be a finite number > 0")
    return factor


def estimate(s: Scenario, years: float, model: str) -> RunSize:
    """The size of one replication of ``model`` (``inspection`` or ``response``) over
    ``years``."""
    sites = float(sum(sum(row.values()) for row in s.sites.values()))
    staff = float(sum(sum(row.values()) for row in s.staff.values()))
    vehicles = float(sum(sum(d.vehicles.values()) for d in s.depots.values()))
    events: dict[str, float] = {}
    if model == "inspection":
        hazards = _over_sites(s, lambda cat: cat.hazards_per_site_year * _tier_factor(s, cat)
                              + cat.accidents_per_site_year)  # fmt: skip
        population = sum(d.population for d in s.districts.values())
        events["hazards"] = hazards * years
        capacity = staff * MAX_INSPECTIONS_PER_INSPECTOR_YEAR
        events["inspections"] = min(_scheduled_visits(s), capacity) * years
        events["complaints"] = (
            s.inspection.complaints_per_100k_population_year * population / 1e5 * years
        )
    else:
        rates = sum(sum(row.values()) for row in s.incident_rates.values())
        surges = sum(x.incidents for x in s.surges.values())
        events["incidents"] = rates * years
        events["surge incidents"] = surges * max(1.0, years)
    return RunSize(sites=sites, inspectors=staff, vehicles=vehicles, events=events)


def _over_sites(s: Scenario, per_site: Callable[[SiteCategory], float]) -> float:
    """Σ over districts and categories of the site count × ``per_site(category)``."""
    return sum(n * per_site(cat) for row in s.sites.values() for c, n in row.items()
               if (cat := s.site_categories.get(c)) is not None)  # fmt: skip


def _tier_factor(s: Scenario, cat: SiteCategory) -> float:
    return sum(share * s.risk_tiers[t].hazard_rate_multiplier
               for t, share in cat.tier_shares.items() if t in s.risk_tiers)  # fmt: skip


def _scheduled_visits(s: Scenario) -> float:
    """Visits a year the inspection intervals ask for (each site at its tier's interval; a
    category without intervals is visited on complaints only)."""

    def visits(cat: SiteCategory) -> float:
        days = cat.inspection_interval_days or s.standards.inspection_interval_days
        return sum(share * 365.0 / days[t] for t, share in cat.tier_shares.items() if t in days)

    return _over_sites(s, visits)


def check(s: Scenario, years: float, model: str) -> RunSize:
    """The replication's size, or :class:`RunTooLarge` past a limit (× ``size_factor()``)."""
    size = estimate(s, years, model)
    f = size_factor()
    fix = (
        f"lower it in the scenario, or, on a machine with the memory and time, set "
        f"{FACTOR_VARIABLE} (e.g. {FACTOR_VARIABLE}=10 allows ten times the limits)"
    )
    held = [("sites", size.sites, MAX_SITES), ("inspectors", size.inspectors, MAX_INSPECTORS),
            ("vehicles", size.vehicles, MAX_VEHICLES)]  # fmt: skip
    held = held[2:] if model == "response" else held[:2]
    for what, n, limit in held:
        if n > limit * f:
            raise RunTooLarge(
                f"the scenario has {n:,.0f} {what}; one run holds at most {limit * f:,.0f} "
                f"in memory — {fix}"
            )
    if size.total_events > MAX_EVENTS * f:
        part, n = max(size.events.items(), key=lambda kv: kv[1])
        raise RunTooLarge(
            f"one replication of {years:g} year(s) would draw about {size.total_events:,.0f} "
            f"events (most of them {part}: {n:,.0f}); the limit is {MAX_EVENTS * f:,.0f} — "
            f"simulate fewer years, or {fix}"
        )
    return size

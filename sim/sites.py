"""The population of inspected sites of a scenario, as flat arrays, and their hazard arrivals.

Sites are not located more finely than their district. Each district's count of a category is
split over risk tiers by the category's ``tier_shares`` with the largest-remainder method, so the
site population is the same in every replication and every plan.

Hazard arrivals are drawn for the whole horizon up front (per site, a Poisson process at
``hazards_per_site_year × tier multiplier × (1 − self_check_catch_share)``), together with one
uniform number per arrival that decides whether the flood-season village patrol removes it.
Drawing them before the run makes them independent of the plan: two staffing plans run with
the same seed face exactly the same hazards (common random numbers).

Time base: minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anjian.scenarios.derive import tier_sites
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_YEAR

from .calendar import MONTH_START_DAY, month_of


@dataclass
class SiteTable:
    """Flat arrays, one entry per site (ints index the scenario's dict orders)."""

    district: np.ndarray
    category: np.ndarray
    tier: np.ndarray
    interval_min: np.ndarray
    flood_interval_min: np.ndarray
    flood_patrol: np.ndarray
    major: np.ndarray
    city: np.ndarray
    township: np.ndarray  # inspected by township staff (inspected_by = "township")
    hazard_rate_min: np.ndarray
    by_district: list[np.ndarray]
    #: relative hazard rate by category × month (day-weighted mean 1), or None when flat
    month_factor: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.district)


def build_sites(s: Scenario) -> SiteTable:
    """The site arrays of scenario ``s`` (deterministic)."""
    districts = list(s.districts)
    cats = list(s.site_categories)
    tiers = list(s.risk_tiers)
    flood_every = s.inspection.flood_season.district_inspection_every_days * MIN_PER_DAY
    dist_l, cat_l, tier_l = [], [], []
    counts = tier_sites(s)
    for di, adcode in enumerate(districts):
        for ci, cat_key in enumerate(cats):
            if s.sites[adcode][cat_key] == 0:
                continue
            for ti, tier_key in enumerate(tiers):
                m = counts[(cat_key, tier_key, adcode)]
                dist_l.extend([di] * m)
                cat_l.extend([ci] * m)
                tier_l.extend([ti] * m)
    district = np.array(dist_l, dtype=np.int64)
    category = np.array(cat_l, dtype=np.int64)
    tier = np.array(tier_l, dtype=np.int64)
    interval = np.empty((len(cats), len(tiers)))
    rate = np.empty((len(cats), len(tiers)))
    for ci, cat_key in enumerate(cats):
        c = s.site_categories[cat_key]
        days = c.inspection_interval_days or s.standards.inspection_interval_days
        for ti, tier_key in enumerate(tiers):
            interval[ci, ti] = days[tier_key] * MIN_PER_DAY
            mult = s.risk_tiers[tier_key].hazard_rate_multiplier
            rate[ci, ti] = c.hazards_per_site_year * mult * (1 - c.self_check_catch_share)
    flood = np.array([s.site_categories[c].flood_season_patrol for c in cats])[category]
    days_in_month = np.diff(MONTH_START_DAY).astype(float)
    months = np.array([s.site_categories[c].hazard_monthly_factor for c in cats], dtype=float)
    mean = (months * days_in_month).sum(axis=1, keepdims=True) / days_in_month.sum()
    months = np.where(mean > 0, months / np.where(mean > 0, mean, 1.0), 0.0)
    month_factor = None if np.allclose(months, 1.0) else months
    by_district = np.broadcast_to(interval, (len(districts), *interval.shape)).copy()
    for ci, cat_key in enumerate(cats):  # a district's own intervals (its yearly plan)
        own = s.site_categories[cat_key].inspection_interval_by_district_days
        for adcode, by_tier in own.items():
            for tier_key, own_days in by_tier.items():
                di, ti = districts.index(adcode), tiers.index(tier_key)
                by_district[di, ci, ti] = own_days * MIN_PER_DAY
    site_interval = by_district[district, category, tier]
    return SiteTable(
        district=district,
        category=category,
        tier=tier,
        interval_min=site_interval,
        flood_interval_min=np.where(flood, np.minimum(site_interval, flood_every), site_interval),
        flood_patrol=flood,
        major=np.array([s.site_categories[c].major_hazard_source for c in cats])[category],
        city=np.array([s.site_categories[c].inspected_by == "city" for c in cats])[category],
        township=np.array([s.site_categories[c].inspected_by == "township" for c in cats])[
            category
        ],
        hazard_rate_min=rate[category, tier] / MIN_PER_YEAR,
        by_district=[np.flatnonzero(district == d) for d in range(len(districts))],
        month_factor=month_factor,
    )


@dataclass
class HazardArrivals:
    """Hazard arrival times per site in CSR form: site ``i`` owns ``times[start[i]:start[i+1]]``."""

    times: np.ndarray
    keep_u: np.ndarray
    start: np.ndarray


def draw_hazards(sites: SiteTable, horizon_min: float, rng: np.random.Generator) -> HazardArrivals:
    """Poisson hazard arrivals of every site over ``[0, horizon_min)`` (a span starting on 1
    January), sorted within each site. With seasonal factors the process is drawn at the peak
    rate of the site's category and thinned by the month's factor (exact for an inhomogeneous
    Poisson process)."""
    peak = 1.0
    if sites.month_factor is not None:
        peak_c = sites.month_factor.max(axis=1)
        peak = peak_c[sites.category]
    counts = rng.poisson(sites.hazard_rate_min * peak * horizon_min)
    total = int(counts.sum())
    times = rng.uniform(0.0, horizon_min, total)
    keep_u = rng.random(total)
    owner = np.repeat(np.arange(len(sites)), counts)
    if sites.month_factor is not None:
        cat = sites.category[owner]
        month = month_of(times)
        keep = rng.random(total) * peak_c[cat] < sites.month_factor[cat, month]
        times, keep_u, owner = times[keep], keep_u[keep], owner[keep]
        counts = np.bincount(owner, minlength=len(sites))
    order = np.lexsort((times, owner))
    start = np.zeros(len(sites) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return HazardArrivals(times=times[order], keep_u=keep_u[order], start=start)

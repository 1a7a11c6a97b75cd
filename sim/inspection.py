"""Inspection workload simulation (SimPy): inspectors, latent hazards, the enforcement loop,
complaints, the flood-season regime, staff turnover and accidents.

Time base: minutes from the start of the run.

What is modelled
----------------
* **Sites** (see :mod:`anjian.sim.sites`) accumulate latent hazards (隐患) as a Poisson process
whose
  rate already nets out the site's own daily/weekly/monthly self-checks. In the flood season the
  village daily patrol removes a further share of arising hazards at flood-patrol sites.
* **Jobs** enter a priority queue (lower class first, then earlier due time): complaints (0),
  re-inspections at rectification deadlines (1), major hazard sources (2), routine inspections
  (3; ordering by due time puts overdue ones first) — the order the report's practice implies.
  Routine inspections join the queue ``release_days_before_due`` before they fall due; the next
  one falls due one interval after the last was done (the flood-season interval applies to
  flood-patrol sites during the season). Each flood-season week a share of flood-patrol sites
  gets a township spot check (class 3). Complaints arrive per district as a Poisson process at
  a uniformly chosen site of the district.
* **Inspectors** are SimPy processes pulling from their district's queue (or the city queue for
  city-scope kinds and categories ``inspected_by = "city"``). A kind's headcount × its
  ``inspection_time_share`` gives full-time equivalents, spread over ``ceil(FTE)`` inspectors
  with proportionally shorter shifts (:mod:`anjian.sim.calendar`). A job takes a round trip from the
  inspector's base district (district-to-district travel plus an intra-district term) plus the
  category's inspection duration, in working time.
* **Outcome**: each latent hazard is detected with the kind's probability (lower without
  equipment; times ``novice_detection_factor`` until the inspector is competent). Detected
  hazards get an order with a deadline and a re-inspection; there each ordered hazard is fixed
  with ``compliance_with_penalty`` if the order came from someone who can penalise, else
  ``compliance_without_penalty``. Unfixed hazards are penalised (if the re-inspector can) and
  the loop repeats (三部曲). Ordered hazards count as open (risky) until fixed.
* **Departments** own categories at a level (分级属地): one job pool per department and
  district, a township pool (township staff serve every department's township-level premises),
  a city pool per department with city staff.
* **Beyond routine work**: special campaigns (bursts of inspections on categories in given
  months), accident investigations (queued at the end of the accident's month), referred cases
  (township findings processed by the department's district staff), complaints drawn towards
  sites with open hazards, repeat offenders listed and inspected more often (黑名单).
* **Firms and hazards behave**: firms fix undetected hazards themselves (by tier, exact at any
  update); a penalty deters (a share of the site's arising hazards avoided for a while);
  re-inspections take a share of an inspection's time and notice fewer other hazards.
* **Turnover**: each post is left after an exponential time (``attrition_per_year``); it stays
  vacant for ``hiring_time``; the new hire is a novice for ``time_to_competence``.
* **Accidents** at a site arrive with intensity ``accidents_per_site_year +
  accidents_per_open_hazard_year × open hazards``, drawn exactly by the time-change method
  (each site's unit-rate exponential thresholds on its cumulative intensity); deaths per accident
  from the category's distribution. They are exposed as an incident table (time, place, type)
  for the emergency-response model.

How it is computed (a city year is about 620,000 inspections, so this matters): a site's hazard
count is brought up to date only when it is visited (exact: nothing else changes it in between);
hazard exposure is counted forward to the horizon when a hazard arises and taken back when it is
detected (latent) or fixed (open); accidents change nothing at the site, so each year's are drawn
at the year's (or month's) end from its arrivals and rectifications
(:meth:`InspectionModel._close_period`).
Each job pool runs its own event list; SimPy runs the rest (complaints, the flood season,
snapshots, year ends) and brings a pool up to the present before touching it. By default the
pools run compiled (:mod:`anjian.sim.kernel`, fed by :mod:`anjian.sim.engine`); with
``InspectionConfig(engine="python")`` they run in CPython (:mod:`anjian.sim.dispatch`,
:mod:`anjian.sim.inspection_loop`) — the same rules and the same draws, bit-identical results
(the reference, and the engine that records traces).

Assumptions worth knowing (docs/model-inspection.md has the full list): sites are located at
district level; working days are spread evenly over the year; an inspector finishes the job in
hand before leaving.
"""

from __future__ import annotations

import itertools
import math
from array import array
from bisect import bisect_right
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
import simpy

from anjian.scenarios.demand import build_demand_points
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import DAYS_PER_YEAR, MIN_PER_DAY, MIN_PER_HOUR, MIN_PER_YEAR
from anjian.scenarios.travel import geometric_minutes

from . import kernel, size
from .calendar import (
    MONTH_START_DAY,
    WorkCalendar,
    flood_minutes_before,
    flood_table,
    flood_windows,
)
from .crn import (
    SiteDraws,
    binomial_from_uniform,
    entity_rng,
    purpose_key,
    site_uniform,
    site_uniform_at,
)
from .dispatch import (
    CAMPAIGN,
    COMPLAINT,
    INVESTIGATION,
    JOB_NAMES,
    MAJOR,
    N_CLASSES,
    N_KINDS,
    PLANNED,
    REFERRAL,
    REINSPECTION,
    ROUTINE,
    SPOT,
    Inspector,
    JobPool,
)
from .engine import ComplaintDraws, Engine
from .gcthreshold import fewer_collections
from .inspection_kpi import COUNTERS, InspectionRecord, InspectionResult, collect
from .inspection_loop import advance_pool
from .sites import build_sites, draw_hazards
from .steady_state import PoolKinds, novice_probability, presimulate, vacancy_probability
from .streams import Buffer, Streams

INF = float("inf")


@dataclass(frozen=True)
class InspectionConfig:
    """Run settings (not part of the scenario)."""

    years: float = 1.0
    seed: int = 0
    replication: int = 0
    initial_due: Literal["spread", "start"] = "spread"
    #: ``steady``: start from the model's steady state (hazards latent and ordered, posts vacant
    #: or held by novices, :mod:`sim.steady_state`); ``empty``: every site hazard-free, every
    #: post filled by a competent inspector (a cold start, for textbook checks and traces).
    initial_state: Literal["steady", "empty"] = "steady"
    snapshot_days: float = 30.0
    trace: bool = False
    #: ``compiled``: the job pools run compiled (:mod:`sim.kernel`); ``python``: the same
    #: rules in CPython (:mod:`sim.inspection_loop`; the reference, and used for traces).
    engine: Literal["compiled", "python"] = "compiled"

    def __post_init__(self) -> None:
        if not self.years > 0:
            raise ValueError(f"years must be > 0, got {self.years}")
        if self.initial_state not in ("steady", "empty"):
            raise ValueError(
                f"initial_state must be 'steady' or 'empty', got {self.initial_state!r}"
            )
        if not self.snapshot_days > 0:
            raise ValueError(f"snapshot_days must be > 0, got {self.snapshot_days}")
        if self.engine not in ("compiled", "python"):
            raise ValueError(f"engine must be 'compiled' or 'python', got {self.engine!r}")


def _doubles(values: Any) -> array:
    """A typed array of float64 (compact, fast scalar access) from array-like ``values``."""
    out = array("d")
    out.frombytes(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return out


def _ints(values: Any) -> array:
    """A typed array of int64 from array-like ``values`` (booleans become 0/1)."""
    out = array("q")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
    return out


def _view(values: array) -> np.ndarray:
    """A numpy view (no copy; writes go through) of a typed array made by the two above."""
    return np.frombuffer(values, dtype=np.float64 if values.typecode == "d" else np.int64)


def district_travel(s: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """District-to-district one-way minutes and each district's intra-district minutes.

    Intra-district: the matrix diagonal for a user matrix at district resolution; otherwise
    half the side of a square of the district's area, × circuity ÷ the region-group speed.
    """
    if (
        s.travel.model == "matrix"
        and s.travel.matrix is not None
        and s.demand.resolution == "district"
    ):
        index = {pid: i for i, pid in enumerate(s.travel.matrix.ids)}
        order = [index[a] for a in s.districts]
        m = np.asarray(s.travel.matrix.minutes, dtype=float)[np.ix_(order, order)]
        return m - np.diag(np.diag(m)), np.diag(m).copy()
    pts = build_demand_points(s.districts, s.demand, resolution="district")
    m = geometric_minutes(s, pts.lon, pts.lat, pts.region_group, pts.lon, pts.lat, pts.region_group)
    intra = np.array([
        MIN_PER_HOUR * 0.5 * math.sqrt(d.area_km2) * s.travel.circuity_factor
        / s.region_groups[d.region_group].road_speed_kmh
        for d in s.districts.values()
    ])  # fmt: skip
    return m, intra


def pool_keys(s: Scenario) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The job pool (its KPI key, ``department/adcode``, ``township/adcode`` or
    ``department/city``) of every district × category with premises, and of every district ×
    inspector kind with staff — the layout :class:`InspectionModel` builds (分级属地: township
    premises go to the district's township pool where it has township staff, city premises to
    the department's city pool where the city has such staff, else to the department's district
    pool)."""
    depts: list[str | None] = list(s.departments) or [None]

    def dept_key(dep: str | None) -> str:
        return dep or (depts[0] or "all")

    def staffed(scope: str, adcodes: list[str], dep: str | None) -> bool:
        return any(
            s.staff[a].get(k, 0) > 0
            for a in adcodes
            for k, kind in s.inspector_kinds.items()
            if kind.scope == scope and (dep is None or (kind.department or depts[0]) == dep)
        )

    def district_key(dep: str | None, a: str) -> str:
        return f"{dep}/{a}" if dep else a

    town = {a: staffed("township", [a], None) for a in s.districts}
    city = {d: staffed("city", list(s.districts), d) for d in depts}
    cells: dict[tuple[str, str], str] = {}
    for a, row in s.sites.items():
        for c, n in row.items():
            if n <= 0:
                continue
            cat = s.site_categories[c]
            dep = cat.department if cat.department in s.departments else depts[0]
            if cat.inspected_by == "township" and town[a]:
                cells[(a, c)] = f"township/{a}"
            elif cat.inspected_by == "city" and city[dep]:
                cells[(a, c)] = f"{dept_key(dep)}/city"
            else:
                cells[(a, c)] = district_key(dep, a)
    staff: dict[tuple[str, str], str] = {}
    for a, row in s.staff.items():
        for k, n in row.items():
            if n <= 0:
                continue
            kind = s.inspector_kinds[k]
            dep = kind.department if kind.department in s.departments else depts[0]
            if kind.scope == "township":
                staff[(a, k)] = f"township/{a}"
            elif kind.scope == "city":
                staff[(a, k)] = f"{dept_key(dep)}/city"
            else:
                staff[(a, k)] = district_key(dep, a)
    return cells, staff


def _visit_outcome_in_loop(ins: Inspector, entry: Any) -> None:
    raise RuntimeError("a visit's outcome is computed in sim.inspection_loop.advance_pool")


def _leave_rate(share_per_year: float) -> float:
    """Leaving rate per minute such that ``share_per_year`` of posts are left within a year."""
    if share_per_year <= 0:
        return 0.0
    if share_per_year >= 1:
        return 50.0 / MIN_PER_YEAR  # everyone leaves within weeks: a practical ceiling
    return -math.log1p(-share_per_year) / MIN_PER_YEAR


class InspectionModel:
    """One replication of the inspection model for a scenario (see the module docstring)."""

    def __init__(self, scenario: Scenario, config: InspectionConfig) -> None:
        self.s = scenario
        self.cfg = config
        self.streams = Streams(config.seed, config.replication)
        self.env = simpy.Environment()
        self.horizon = config.years * MIN_PER_YEAR
        self.districts = list(scenario.districts)
        self.cats = list(scenario.site_categories)
        self.kinds = list(scenario.inspector_kinds)
        self.sites = build_sites(scenario)
        inter, intra = district_travel(scenario)
        self.inter: list[list[float]] = inter.tolist()
        self.intra: list[float] = intra.tolist()
        fs = scenario.inspection.flood_season
        self.flood = flood_windows(fs.months, self.horizon)
        self.flood_starts = [a for a, _ in self.flood]
        self.trace: list[tuple[Any, ...]] = []
        self.seq: Any = itertools.count(1)  # tie-breaker of jobs and pool events
        self.job_names = JOB_NAMES
        self.tracing = config.trace
        # the pool events that end a visit; the written-out loop (sim/inspection_loop.py) does
        # the visit's outcome itself and recognises them by this callable, never calling it
        self.finish_cb: Callable[[Inspector, Any], None] = _visit_outcome_in_loop
        self.advance_pool: Callable[..., None] = partial(advance_pool, self)
        # the compiled pools (sim/kernel.py); the Python ones for traces and as the reference
        self.compiled = config.engine == "compiled" and not config.trace
        self.engine: Engine | None = Engine(self) if self.compiled else None
        self._init_site_state()
        self._init_counters()
        self._load_hazard_year(0)
        self._init_queues_and_staff()

    # -- set-up ----------------------------------------------------------------------------
    def _init_site_state(self) -> None:
        n = len(self.sites)
        cats = [self.s.site_categories[c] for c in self.cats]
        # Per-site state lives in typed arrays, not lists: a visit touches a dozen of them at a
        # random site, and a list of 196,020 boxed numbers costs two cache misses per read
        # where an array costs one (a year runs about 3x faster on these reads).
        self.site_cat = _ints(self.sites.category)
        self.site_dist = _ints(self.sites.district)
        self.site_flood = _ints(self.sites.flood_patrol)
        self.site_interval = _doubles(self.sites.interval_min)
        self.site_flood_interval = _doubles(self.sites.flood_interval_min)
        self.latent = _ints(np.zeros(n))
        self.ordered = _ints(np.zeros(n))
        self.village = self.s.inspection.flood_season.village_patrol_catch_share
        self.version = _ints(np.zeros(n))
        self.next_due = _doubles(np.full(n, INF))
        self.reinsp_pending = _ints(np.zeros(n))
        self.order_penaliser = _ints(np.zeros(n))
        acc = self.streams("accidents")
        self.acc_cum = np.zeros(n)  # cumulative accident intensity up to the year's start
        self.acc_next = acc.exponential(1.0, n)  # its next unit-exponential threshold
        self.year_start = 0.0
        self.open0 = np.zeros(n, dtype=np.int64)  # open hazards at the year's start
        self.fix_t: list[float] = []  # this year's rectifications: time, site, hazards fixed
        self.fix_site: list[int] = []
        self.fix_n: list[int] = []
        # draws attached to the site (common random numbers by entity, see sim/crn.py): a site's
        # later accident thresholds, its deaths, its detection and compliance draws do not
        # depend on what happens at other sites
        seed, rep = self.cfg.seed, self.cfg.replication
        self.key_accident = purpose_key(seed, rep, "accident-thresholds")
        self.key_detect = purpose_key(seed, rep, "detection")
        self.key_comply = purpose_key(seed, rep, "compliance")
        self.key_referral = purpose_key(seed, rep, "referral")
        ref = self.s.inspection.referral
        self.referral_min = ref.days * MIN_PER_DAY
        self.referral_acted = 1.0 - ref.dropped_share
        self.referral_stands = self.referral_acted * (1.0 - ref.overturned_share)
        self.case_min = ref.case_hours * MIN_PER_HOUR
        self.cases: dict[int, tuple[float, bool]] = {}  # open referred cases: found at, stands
        self.acc_ctr = _ints(np.zeros(n))
        self.detect_ctr = _ints(np.zeros(n))
        self.comply_ctr = _ints(np.zeros(n))
        # the same per-site numbers, pre-drawn a block a year (refilled in _load_hazard_year)
        self.u_detect = SiteDraws(self.key_detect, n)
        self.u_comply = SiteDraws(self.key_comply, n)
        self.referral_ctr = _ints(np.zeros(n))
        self.u_referral = SiteDraws(self.key_referral, n)
        self.a0 = [c.accidents_per_site_year / MIN_PER_YEAR for c in cats]
        self.a1 = [c.accidents_per_open_hazard_year / MIN_PER_YEAR for c in cats]
        self.rect_min = [c.rectification_days * MIN_PER_DAY for c in cats]
        self.deaths_dist = [c.deaths_per_accident for c in cats]
        # visit durations by the site's district and category: a district's visits draw from
        # streams of their own (small blocks: 38 × 17 of them for Chongqing)
        self.durations = [
            [
                Buffer(c.inspection_duration.sampler(self.streams(f"duration/{a}/{k}")), block=256)
                for k, c in zip(self.cats, cats, strict=True)
            ]
            for a in self.districts
        ]
        inv = self.s.inspection.investigation
        self.investigating = inv.duration is not None
        self.monthly_closes = self.investigating  # accidents drawn at month ends too
        self.inv_city_deaths = inv.city_from_deaths
        self.inv_due_min = inv.due_days * MIN_PER_DAY
        self.inv_durations = (
            [
                Buffer(inv.duration.sampler(self.streams(f"investigation/{a}")), block=64)
                for a in self.districts
            ]
            if inv.duration is not None
            else []
        )
        self.new_accidents: list[tuple[int, int]] = []  # (site, deaths) since the last close
        self.comply_penalty = self.s.inspection.compliance_with_penalty
        self.comply_no_penalty = self.s.inspection.compliance_without_penalty
        self.release_min = self.s.inspection.release_days_before_due * MIN_PER_DAY
        self.reinsp_detect = self.s.inspection.reinspection_detection_factor
        self.reinsp_duration = self.s.inspection.reinspection_duration_factor
        deter = self.s.inspection.deterrence
        self.deter_share = deter.hazard_reduction
        self.deter_min = deter.days * MIN_PER_DAY
        self.deter_until = np.full(n, -INF)  # a site's hazards are deterred until then
        bl = self.s.inspection.blacklist
        self.bl_min = bl.days * MIN_PER_DAY
        self.bl_factor = bl.interval_factor
        self.listed_until = _doubles(np.full(n, -INF))  # repeat offenders listed until then
        self.complaint_weight = self.s.inspection.complaint_open_hazard_weight
        # firms fix undetected hazards themselves at a rate by tier (0: never)
        tiers = [self.s.risk_tiers[t] for t in self.s.risk_tiers]
        sf = np.array([1.0 / (t.self_fix_days * MIN_PER_DAY) if t.self_fix_days else 0.0
                       for t in tiers])  # fmt: skip
        self.sf_rate = _doubles(sf[self.sites.tier] if len(sf) else np.zeros(n))
        self.self_fixing = bool(np.any(sf > 0))
        self.last_catch = _doubles(np.zeros(n))  # when the site's latent count was last updated
        self.sf_ctr = _ints(np.zeros(n))
        self.key_sf = purpose_key(self.cfg.seed, self.cfg.replication, "self-fix")
        self.gone_ahead = _ints(np.zeros(n))  # deterred arrivals not yet brought in
        self.site_major = _ints(self.sites.major)
        self.accident_rows: list[tuple[float, int, int, int]] = []
        self.year_totals: list[dict[str, float]] = []  # city totals at each year's end

    def _init_counters(self) -> None:
        """Counters as numpy arrays (the compiled pools write them in place). The district ×
        category ones are rows of one array (``ct``, in the order of ``kernel.CT_NAMES``):
        hazards arisen, detected, rectified, deterred (avoided after a penalty), self-fixed;
        latent and open hazard-minutes; orders, re-inspections, closures; referrals (findings
        handed to the district), referral penalties that stand, findings penalised and their
        summed delay; blacklisted sites, complaint visits that found a hazard, referred cases
        queued with district staff; routine visits on time and minutes overdue."""
        nd, nc, nk = len(self.districts), len(self.cats), len(self.kinds)
        self.ct = ct = np.zeros((len(kernel.CT_NAMES), nd, nc))
        (self.routine_on_time, self.routine_overdue_min, self.detected, self.arisen,
         self.rectified, self.latent_min, self.open_min, self.orders, self.reinspections,
         self.closures, self.referrals, self.referral_penalties, self.penalised_findings,
         self.penalty_delay_min, self.deterred, self.blacklisted, self.complaint_hits,
         self.referral_cases, self.self_fixed) = ct  # fmt: skip
        self.done = np.zeros((nd, nc, N_KINDS))
        self.wait_sum = np.zeros((nd, N_KINDS))
        self.wait_n = np.zeros((nd, N_KINDS))
        self.penalties = np.zeros((nd, nk))
        self.complaints_without_site = 0
        self.backlog_rows: list[tuple[float, int, int]] = []

    def _init_queues_and_staff(self) -> None:
        s = self.s

        # job pools by department and level (分级属地): each district has one pool per
        # department (its own staff), a township pool where it has township staff (they serve
        # every department's township-level premises); each department with city staff one
        # city pool. A level without staff in a district falls to the department's district
        # pool. A scenario without departments has one implicit department.
        def new_pool() -> Any:
            if self.engine is not None:
                return self.engine.new_pool()
            return JobPool(self.version, self.start_job, self.seq)

        depts: list[str | None] = list(s.departments) or [None]
        self.depts = depts
        dix = {d: i for i, d in enumerate(depts)}
        self.cat_dept = [dix.get(s.site_categories[c].department, 0) for c in self.cats]
        self.kind_dept = [dix.get(s.inspector_kinds[k].department, 0) for k in self.kinds]

        def staffed(scope: str, adcodes: list[str], dept: int | None = None) -> bool:
            kinds = [k for ki, k in enumerate(self.kinds)
                     if s.inspector_kinds[k].scope == scope
                     and (dept is None or self.kind_dept[ki] == dept)]  # fmt: skip
            return any(s.staff[a][k] > 0 for a in adcodes for k in kinds)

        nd, ndep = len(self.districts), len(depts)
        self.queues = [[new_pool() for _ in depts] for _ in self.districts]  # [district][dept]
        self.township_queues = [
            new_pool() if staffed("township", [a]) else None for a in self.districts
        ]
        self.city_queues = [
            new_pool() if staffed("city", self.districts, q) else None for q in range(ndep)
        ]
        self.pools = [q for row in self.queues for q in row]
        self.pools += [q for q in self.township_queues if q is not None]
        self.pools += [q for q in self.city_queues if q is not None]
        index = {id(q): i for i, q in enumerate(self.pools)}
        self.pool_index = index
        # each pool's district (−1 for a city pool) and department (−1 for a township pool)
        self.pool_district = [d for d in range(nd) for _ in depts]
        self.pool_dept = [q for _ in range(nd) for q in range(ndep)]
        self.pool_district += [d for d, q in enumerate(self.township_queues) if q is not None]
        self.pool_dept += [-1 for q in self.township_queues if q is not None]
        self.pool_district += [-1 for q in self.city_queues if q is not None]
        self.pool_dept += [d for d, q in enumerate(self.city_queues) if q is not None]
        # the pools of each district (for its backlog): its departments' and its township pool
        self.district_pools = [
            [*self.queues[d], *([tq] if tq is not None else [])]
            for d, tq in enumerate(self.township_queues)
        ]
        site_dept = np.asarray(self.cat_dept, dtype=np.int64)[self.sites.category]
        pool_of = self.sites.district * ndep + site_dept
        tp = np.array([index[id(q)] if q is not None else -1 for q in self.township_queues],
                      dtype=np.int64)  # fmt: skip
        town = self.sites.township & (tp[self.sites.district] >= 0)
        pool_of[town] = tp[self.sites.district[town]]
        cp = np.array([index[id(q)] if q is not None else -1 for q in self.city_queues],
                      dtype=np.int64)  # fmt: skip
        city = self.sites.city & (cp[site_dept] >= 0)
        pool_of[city] = cp[site_dept[city]]
        self.site_pool = _ints(pool_of)  # each site's index into self.pools
        # the pool of each district × category (every site of a cell is in one pool)
        self.cell_pool = [[-1] * len(self.cats) for _ in range(nd)]
        for d, c, q in zip(self.sites.district.tolist(), self.sites.category.tolist(),
                           pool_of.tolist(), strict=True):  # fmt: skip
            self.cell_pool[d][c] = q
        self.inspectors: list[Inspector] = []
        shift_start = s.inspection.shift_start_h * MIN_PER_HOUR
        key_post = purpose_key(self.cfg.seed, self.cfg.replication, "post")
        key_kit = purpose_key(self.cfg.seed, self.cfg.replication, "township-kit")
        towns = [s.districts[a].townships for a in self.districts]
        self.key_post = key_post
        mix_fte: list[list[float]] = [[] for _ in self.pools]
        mix_p: list[list[float]] = [[] for _ in self.pools]
        mix_pen: list[list[bool]] = [[] for _ in self.pools]
        round_trip = [[2.0 * (self.inter[a][b] + self.intra[b]) for b in range(nd)]
                      for a in range(nd)]  # fmt: skip
        for di, adcode in enumerate(self.districts):
            for ki, kind_key in enumerate(self.kinds):
                kind = s.inspector_kinds[kind_key]
                fte = s.staff[adcode][kind_key] * kind.inspection_time_share
                if fte <= 0:
                    continue
                queue = self._queue_of_kind(kind.scope, di, self.kind_dept[ki])
                pool_index = index[id(queue)]
                p_mean = (
                    kind.equipped_share * kind.detection_probability
                    + (1 - kind.equipped_share) * kind.detection_probability_without_equipment
                )
                mix_fte[pool_index].append(fte)
                mix_p[pool_index].append(p_mean)
                mix_pen[pool_index].append(kind.can_penalise)
                n = math.ceil(fte - 1e-9)
                shift = (
                    kind.hours_per_day * MIN_PER_HOUR * kind.days_per_year / DAYS_PER_YEAR * fte / n
                )
                duty = s.inspection.flood_season.township_duty_share
                if kind.scope == "township" and duty > 0 and self.flood:
                    # flood-season duty (防汛值守) takes this share of the inspection time
                    cal = WorkCalendar(shift_start, min(shift, MIN_PER_DAY), tuple(self.flood),
                                       min(shift, MIN_PER_DAY) * (1.0 - duty))  # fmt: skip
                else:
                    cal = WorkCalendar(shift_start, min(shift, MIN_PER_DAY))
                for j in range(n):
                    # each post draws its equipment and first leaving time from its own
                    # numbers, and later hiring and leaving times from a stream of its own
                    post = (di * 100 + ki) * 1_000_000 + j
                    if kind.equipment_per == "township" and towns[di] > 0:
                        # the posts of a township share its kit: whether the township has
                        # one is the township's own number
                        u_kit = site_uniform(key_kit, di * 100_000 + j % towns[di], 0)
                    else:
                        u_kit = site_uniform(key_post, post, 0)
                    equipped = u_kit < kind.equipped_share
                    rate = _leave_rate(kind.attrition_per_year)
                    u_leave = site_uniform(key_post, post, 1)
                    first_leave = -math.log1p(-u_leave) / rate if rate > 0 else INF
                    self.inspectors.append(Inspector(
                        kind=ki, district=di, queue=queue, calendar=cal,
                        can_penalise=kind.can_penalise,
                        p_detect=kind.detection_probability if equipped
                        else kind.detection_probability_without_equipment,
                        novice=kind.novice_detection_factor, competent_at=0.0,
                        leave_at=first_leave,
                        name=f"{adcode}/{kind_key}/{j}", round_trip=round_trip[di], post=post,
                    ))  # fmt: skip
        self.pool_kinds = [
            PoolKinds(
                share=np.asarray(f) / sum(f) if f else np.zeros(0),
                p_detect=np.asarray(p, dtype=float),
                can_penalise=np.asarray(c, dtype=bool),
            )
            for f, p, c in zip(mix_fte, mix_p, mix_pen, strict=True)
        ]
        # referred cases of a pool's sites go to their department's district staff; where
        # there are none, the penalty follows after ``days`` without staff time
        self.dept_staffed = [
            [len(self.pool_kinds[index[id(q)]].share) > 0 for q in row] for row in self.queues
        ]
        self.hiring = [s.inspector_kinds[k].hiring_time for k in self.kinds]
        self.competence = [s.inspector_kinds[k].time_to_competence for k in self.kinds]
        self.leave_rates = [
            _leave_rate(s.inspector_kinds[k].attrition_per_year) for k in self.kinds
        ]
        if self.engine is not None:
            self.engine.build()
            self.seq = self.engine.seq
            self.advance_pool = self.engine.advance

    def _queue_of_kind(self, scope: str, district: int, dept: int) -> JobPool:
        """The pool a kind's posts in ``district`` serve: by the kind's scope and department."""
        cq = self.city_queues[dept]
        if scope == "city" and cq is not None:
            return cq
        tq = self.township_queues[district]
        if scope == "township" and tq is not None:
            return tq
        return self.queues[district][dept]

    def _load_hazard_year(self, year: int) -> None:
        """Draw year ``year``'s hazard arrivals (its own stream: plan-independent), replacing
        the previous year's, so memory does not grow with the horizon; pre-draw the sites' next
        detection, compliance and referral numbers."""
        self.u_detect.refill(self.detect_ctr)
        self.u_comply.refill(self.comply_ctr)
        self.u_referral.refill(self.referral_ctr)
        start = year * MIN_PER_YEAR
        span = min(MIN_PER_YEAR, self.horizon - start)
        hz = draw_hazards(self.sites, span, self.streams(f"hazards/{year}"))
        n = len(self.sites)
        owner = np.repeat(np.arange(n), np.diff(hz.start))
        times = hz.times + start
        if self.village > 0 and self.flood:
            # the flood-season village patrol removes these as they arise: drop them now
            in_flood = np.zeros(len(times), dtype=bool)
            for a, b in self.flood:
                in_flood |= (times >= a) & (times < b)
            kept = ~(self.sites.flood_patrol[owner] & (hz.keep_u < self.village) & in_flood)
            times, owner = times[kept], owner[kept]
        if self.deter_share > 0:
            # sites still deterred by last year's penalties avoid their share of arrivals now
            u = self.streams(f"deterrence/{year}").random(len(times))
            kept = ~((times < self.deter_until[owner]) & (u < self.deter_share))
            cell = (
                self.sites.district[owner[~kept]] * len(self.cats)
                + self.sites.category[owner[~kept]]
            )
            self._add_cells(self.deterred, cell, np.ones(int((~kept).sum())))
            times, owner, u = times[kept], owner[kept], u[kept]
        else:
            u = np.ones(len(times))
        first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n), out=first[1:])
        cum = np.zeros(len(times) + 1)
        np.cumsum(times, out=cum[1:])
        self.h_first = first  # site i's arrivals: h_times[first[i]:first[i + 1]], sorted
        self.h_cum = cum  # prefix sums of h_times: a span's count and sum in O(1)
        self.ptr = _ints(first[:-1])  # site i's next arrival not yet brought in
        self.ptr_end = _ints(first[1:])
        self.h_times = _doubles(times)  # (a typed array: read one by one at visits)
        self.h_owner = owner
        self.h_deter_u = _doubles(u)  # each arrival's uniform for deterrence
        self.h_gone = bytearray(len(times))  # arrivals avoided by deterrence (flagged later)
        # exposure, counted forward to the horizon at birth and taken back at detection (latent)
        # or rectification (open): no site needs visiting to keep the integrals exact
        cell = self.sites.district[owner] * len(self.cats) + self.sites.category[owner]
        self._add_cells(self.latent_min, cell, self.horizon - times)
        self._add_cells(self.open_min, cell, self.horizon - times)
        self._add_cells(self.arisen, cell, np.ones(len(times)))
        if self.engine is not None:
            self.engine.bind_year()

    def _add_cells(self, table: np.ndarray, cell: np.ndarray, values: np.ndarray) -> None:
        """Add ``values`` into a district × category table at flat indices ``cell``."""
        nc = len(self.cats)
        table += np.bincount(cell, weights=values, minlength=len(self.districts) * nc).reshape(
            -1, nc
        )

    def _years(self) -> Generator[simpy.Event, Any, None]:
        """At each year boundary, bring every site up to it, then draw the new year. When
        investigations take staff time, accidents are drawn at every month's end too, and each
        is queued for investigation then."""
        bounds = [
            (y * DAYS_PER_YEAR + float(day)) * MIN_PER_DAY
            for y in range(math.ceil(self.horizon / MIN_PER_YEAR))
            for day in (MONTH_START_DAY[1:] if self.monthly_closes else [DAYS_PER_YEAR])
        ]
        for t in bounds:
            if t >= self.horizon:
                break
            yield self.env.timeout(t - self.env.now)
            self._advance_pools(t)
            year_end = t % MIN_PER_YEAR == 0
            self._close_period(t, year_end)
            self._queue_investigations(t)
            if year_end:
                self._snapshot_year(t)
                self._load_hazard_year(round(t / MIN_PER_YEAR))

    def _queue_investigations(self, t: float) -> None:
        """Queue an investigation of each accident drawn at the last close (due in
        ``due_days``): with the site's department's district staff, or its city staff for
        accidents with ``city_from_deaths`` deaths or more."""
        new, self.new_accidents = self.new_accidents, []
        if not self.investigating:
            return
        release = t - t % MIN_PER_DAY
        for i, deaths in new:
            dept = self.cat_dept[self.site_cat[i]]
            pool = self.queues[self.site_dist[i]][dept]
            if deaths >= self.inv_city_deaths and self.city_queues[dept] is not None:
                pool = self.city_queues[dept]
            pool.push(PLANNED, (t + self.inv_due_min, next(self.seq), release, i,
                                      INVESTIGATION, -1))  # fmt: skip

    def _snapshot_year(self, t: float) -> None:
        """City totals at a year's end (after its accidents are drawn): the per-year table is
        made of their differences. Exposure is counted forward to the horizon at a hazard's
        birth, so the part after ``t`` of the hazards still open is taken back here."""
        after = self.horizon - t
        latent = int(_view(self.latent).sum())
        open_ = latent + int(_view(self.ordered).sum())

        def total(table: np.ndarray) -> float:
            return float(sum(sum(row) for row in table))

        self.year_totals.append(
            {
                "t_min": t,
                "inspections_done": float(sum(sum(sum(c) for c in row) for row in self.done)),
                "hazards_arisen": total(self.arisen),
                "hazards_detected": total(self.detected),
                "hazards_rectified": total(self.rectified),
                "latent_hazard_days": (total(self.latent_min) - after * latent) / MIN_PER_DAY,
                "open_hazard_days": (total(self.open_min) - after * open_) / MIN_PER_DAY,
                "routine_on_time": total(self.routine_on_time),
                "penalties": total(self.penalties),
            }
        )

    # -- helpers ---------------------------------------------------------------------------
    def in_flood(self, t: float) -> bool:
        i = bisect_right(self.flood_starts, t) - 1
        return i >= 0 and t < self.flood[i][1]

    def _queue_for(self, site: int) -> JobPool:
        return self.pools[self.site_pool[site]]

    def _advance_pools(self, t: float) -> None:
        """Bring every pool's own event list up to ``t`` (before touching pools from outside)."""
        if self.engine is not None:
            self.engine.advance_all(t)
            return
        for pool in self.pools:
            self.advance_pool(pool, t)

    def _add(self, cls: int, release: float, due: float, site: int, kind: int) -> None:
        """Queue a job: ``kind`` is the job kind, ``cls`` its priority class.

        Planned work (all but complaints) is released at the start of its day: inspectors plan
        by the day, and one wake-up per pool and day replaces one per job.
        """
        if cls != COMPLAINT:
            release = release - release % MIN_PER_DAY
        # only routine jobs can be superseded (by a rescheduled one): they carry the version
        version = self.version[site] if cls in (ROUTINE, MAJOR) else -1
        self._queue_for(site).push(cls, (due, next(self.seq), release, site, kind, version))

    def _schedule_routine(self, site: int, due: float, now: float = -INF) -> None:
        """The site's next routine inspection, due at ``due`` (superseding the one queued);
        a major hazard source's, or a listed repeat offender's at ``now``, goes first."""
        version = self.version[site] + 1
        self.version[site] = version
        self.next_due[site] = due
        kind = MAJOR if self.site_major[site] or self.listed_until[site] > now else ROUTINE
        release = due - self.release_min
        release = 0.0 if release < 0 else release - release % MIN_PER_DAY
        self._queue_for(site).push(kind, (due, next(self.seq), release, site, kind, version))

    def _add_many(self, cls: int, release: float, due: float, sites: np.ndarray) -> None:
        """One planned job of kind ``cls`` (queued in class ``PLANNED``) at each of ``sites``,
        pool by pool."""
        release -= release % MIN_PER_DAY
        pool_of = _view(self.site_pool)[sites]
        for p in np.unique(pool_of).tolist():
            if self.engine is not None:  # the same jobs, as arrays
                chosen = np.ascontiguousarray(sites[pool_of == p], dtype=np.int64)
                k = len(chosen)
                self.engine.extend_arrays(
                    p, PLANNED, np.full(k, due), self.engine.seq.take(k), np.full(k, release),
                    chosen, np.full(k, cls, dtype=np.int64), np.full(k, -1, dtype=np.int64),
                )  # fmt: skip
                continue
            picked = sites[pool_of == p].tolist()
            seq = itertools.islice(self.seq, len(picked))
            self.pools[p].extend(PLANNED, [(due, q, release, i, cls, -1)
                                       for q, i in zip(seq, picked, strict=True)])  # fmt: skip

    def _schedule_all(self, due: np.ndarray) -> None:
        """:meth:`_schedule_routine` for every site at once (the first routine jobs)."""
        n = len(self.sites)
        version = _view(self.version)
        version += 1
        _view(self.next_due)[:] = due
        release = np.maximum(due - self.release_min, 0.0)
        release -= release % MIN_PER_DAY
        kind = np.where(self.sites.major, MAJOR, ROUTINE)
        if self.engine is not None:
            seq = self.engine.seq.take(n)
        else:
            seq = np.fromiter(itertools.islice(self.seq, n), dtype=np.int64, count=n)
        # one run of jobs per pool and class, sorted by release time within it
        site_pool = _view(self.site_pool)
        order = np.lexsort((release, kind, site_pool))
        group = (site_pool * N_CLASSES + kind)[order]
        cuts = [0, *(np.flatnonzero(np.diff(group)) + 1).tolist(), n]
        if self.engine is not None:  # the same runs, as arrays
            sorted_cols = [np.ascontiguousarray(c[order]) for c in
                           (due, seq, release, np.arange(n), kind, version)]  # fmt: skip
            for a, b in itertools.pairwise(cuts):
                first = int(order[a])
                self.engine.extend_arrays(int(site_pool[first]), int(kind[first]),
                                          *(c[a:b] for c in sorted_cols))  # fmt: skip
            return
        cols = (due, seq, release, np.arange(n), kind, version)
        jobs = list(zip(*(col[order].tolist() for col in cols), strict=True))
        for a, b in itertools.pairwise(cuts):
            first = int(order[a])
            self.pools[int(site_pool[first])].extend(int(kind[first]), jobs[a:b])

    # -- hazards and accidents at a site ---------------------------------------------------
    def _catch_up(self, i: int, t: float) -> None:
        """Count site ``i``'s hazards that have arisen by ``t`` as latent (before a visit)."""
        if self.sf_rate[i] > 0:
            self._catch_up_self_fixing(i, t)
            return
        p = self.ptr[i]
        end = self.ptr_end[i]
        if p < end and self.h_times[p] <= t:
            q = bisect_right(self.h_times, t, p, end)
            gone = 0
            if self.gone_ahead[i]:
                gone = sum(self.h_gone[p:q])
                self.gone_ahead[i] -= gone
            self.latent[i] += q - p - gone
            self.ptr[i] = q

    def _catch_up_self_fixing(self, i: int, t: float) -> None:
        """:meth:`_catch_up` at a site whose firm fixes undetected hazards itself at rate μ:
        each hazard latent at the last update ``s`` (and each arriving since) is still there at
        ``t`` with probability e^{−μ (t − s)} (e^{−μ (t − a)}); the others were fixed at a time
        drawn from the truncated exponential — the same uniform decides both, so the update is
        exact in distribution whenever it is made. Fixes leave the exposure and the accident
        intensity like rectifications do."""
        s = self.last_catch[i]
        if t <= s:
            return
        self.last_catch[i] = t
        rate = self.sf_rate[i]
        key, ctr = self.key_sf, self.sf_ctr[i]
        fixes: list[float] = []
        left = 0
        for _ in range(self.latent[i]):
            v = site_uniform(key, i, ctr)
            ctr += 1
            f = s - math.log1p(-v) / rate
            if f < t:
                fixes.append(f)
            else:
                left += 1
        p, end = self.ptr[i], self.ptr_end[i]
        if p < end and self.h_times[p] <= t:
            q = bisect_right(self.h_times, t, p, end)
            gone, times = self.h_gone, self.h_times
            for a in range(p, q):
                if gone[a]:
                    self.gone_ahead[i] -= 1
                    continue
                v = site_uniform(key, i, ctr)
                ctr += 1
                f = times[a] - math.log1p(-v) / rate
                if f < t:
                    fixes.append(f)
                else:
                    left += 1
            self.ptr[i] = q
        self.sf_ctr[i] = ctr
        self.latent[i] = left
        if fixes:
            d, c = self.site_dist[i], self.site_cat[i]
            back = len(fixes) * self.horizon - sum(fixes)
            self.latent_min[d][c] -= back
            self.open_min[d][c] -= back
            self.self_fixed[d][c] += len(fixes)
            self.fix_t.extend(fixes)
            self.fix_site.extend([i] * len(fixes))
            self.fix_n.extend([1] * len(fixes))

    def _catch_up_all(self, t: float) -> None:
        """Bring every self-fixing site up to ``t`` (before accidents are drawn): vectorised
        :meth:`_catch_up_self_fixing`, the same numbers."""
        sites = np.flatnonzero((_view(self.sf_rate) > 0) & (_view(self.last_catch) < t))
        if not len(sites):
            return
        n = len(self.sites)
        rate = _view(self.sf_rate)
        last = _view(self.last_catch)
        ctr = _view(self.sf_ctr)
        latent = _view(self.latent)
        ptr = _view(self.ptr)
        times = np.frombuffer(self.h_times, dtype=np.float64)
        gone = np.frombuffer(self.h_gone, dtype=np.uint8).astype(bool)
        # the hazards to decide, site by site in the scalar order: latent ones, then arrivals
        old_n = latent[sites]
        first = ptr[sites]
        # arrivals ≤ t of each site (its segment is sorted) not yet brought in
        below = times <= t
        cnt_below = np.bincount(self.h_owner[below], minlength=n)[sites]
        upto = np.maximum(self.h_first[sites] + cnt_below, first)
        # most sites have nothing to decide (no latent hazard, no new arrival): only the time
        # of their update moves (exactly what the per-site update does for them)
        busy = (old_n > 0) | (upto > first)
        last[sites[~busy]] = t
        sites, old_n, first, upto = sites[busy], old_n[busy], first[busy], upto[busy]
        if not len(sites):
            return
        new_n = upto - first
        seg = np.repeat(np.arange(len(sites)), new_n)
        offs = np.arange(int(new_n.sum())) - np.repeat(np.cumsum(new_n) - new_n, new_n)
        arr_idx = np.repeat(first, new_n) + offs
        arr_gone = gone[arr_idx]
        np.subtract.at(_view(self.gone_ahead), sites[seg[arr_gone]], 1)
        keep = ~arr_gone
        arr_idx, seg_new = arr_idx[keep], seg[keep]
        live_new = np.bincount(seg_new, minlength=len(sites))
        # uniform counters: the old latent first, then the live arrivals
        total = old_n + live_new
        who = np.repeat(np.arange(len(sites)), total)
        k = np.arange(int(total.sum())) - np.repeat(np.cumsum(total) - total, total)
        u = site_uniform_at(self.key_sf, sites[who].astype(np.uint64), ctr[sites][who] + k)
        is_old = k < old_n[who]
        start = np.where(is_old, last[sites][who], 0.0)
        # arrival times of the new ones, in the order of arr_idx within each site
        start[~is_old] = times[arr_idx]
        f = start - np.log1p(-u) / rate[sites][who]
        fixed = f < t
        left = np.bincount(who[~fixed], minlength=len(sites))
        latent[sites] = left
        ctr[sites] += total
        ptr[sites] = upto
        last[sites] = np.maximum(last[sites], t)
        if fixed.any():
            fi = sites[who[fixed]]
            ft = f[fixed]
            cell = self.sites.district[fi] * len(self.cats) + self.sites.category[fi]
            back = self.horizon - ft
            self._add_cells(self.latent_min, cell, -back)
            self._add_cells(self.open_min, cell, -back)
            self._add_cells(self.self_fixed, cell, np.ones(len(fi)))
            self.fix_t.extend(ft.tolist())
            self.fix_site.extend(fi.tolist())
            self.fix_n.extend([1] * len(fi))

    def _close_period(self, t1: float, year_end: bool) -> None:
        """Draw the accidents of ``[t0, t1)``, ``t0`` the last close. At the end of a hazard year
        (``year_end``: a year's end, or the horizon) every arrival loaded is now latent.

        A site's accident intensity is ``a0 + a1 × open hazards``, piecewise constant between
        its hazard arrivals (+1) and rectifications (−fixed); detection moves a hazard from
        latent to ordered, both open, so it changes nothing. Accidents never change the site,
        so they can be drawn once the year's arrivals and rectifications are known: a site
        crosses its next unit-exponential threshold on the cumulative intensity (the exact
        time-change method), found with numpy for all sites at once, and the few sites that
        do are walked through their changes one by one for the exact accident times.
        """
        if self.engine is not None:  # the fixes the compiled pools recorded, in their order
            self.engine.drain_fixes(self.fix_t, self.fix_site, self.fix_n)
        if self.self_fixing:
            self._catch_up_all(t1)
        n = len(self.sites)
        t0 = self.year_start
        first = self.h_first
        span = t1 - t0
        times = np.frombuffer(self.h_times, dtype=np.float64)
        gone = np.frombuffer(self.h_gone, dtype=np.uint8).astype(bool)
        # the arrivals of the period (all of the year's not yet drawn, at a year's end) that
        # deterrence did not avoid: their count and open time up to t1, by site
        live = (times >= t0) & ~gone
        if not year_end:
            live &= times < t1
        born_n = np.bincount(self.h_owner[live], minlength=n)
        born_part = np.bincount(self.h_owner[live], weights=t1 - times[live], minlength=n)
        if year_end:
            ptr = _view(self.ptr)
            gone_ahead = _view(self.gone_ahead)
            _view(self.latent)[:] += first[1:] - ptr - gone_ahead
            gone_ahead[:] = 0
            ptr[:] = first[1:]
        fix_t = np.asarray(self.fix_t, dtype=float)
        fix_site = np.asarray(self.fix_site, dtype=np.int64)
        fix_n = np.asarray(self.fix_n, dtype=float)
        fix_part = np.bincount(fix_site, weights=fix_n * (t1 - fix_t), minlength=n)
        open_int = self.open0 * span + born_part - fix_part
        cat = self.sites.category
        gain = np.asarray(self.a0)[cat] * span + np.asarray(self.a1)[cat] * open_int
        walk = np.flatnonzero(self.acc_cum + gain >= self.acc_next)
        by_site = np.argsort(fix_site, kind="stable")
        lo = np.searchsorted(fix_site[by_site], walk, side="left")
        hi = np.searchsorted(fix_site[by_site], walk, side="right")
        for i, a, b in zip(walk.tolist(), lo.tolist(), hi.tolist(), strict=True):
            fixes = by_site[a:b]
            changes = sorted([
                *((self.h_times[a], 1) for a in range(first[i], first[i + 1])
                  if live[a]),
                *zip(fix_t[fixes].tolist(), (-fix_n[fixes]).astype(int).tolist(), strict=True),
            ])  # fmt: skip
            self._walk_accidents(i, t0, t1, int(self.open0[i]), changes)
        rest = np.ones(n, dtype=bool)
        rest[walk] = False
        self.acc_cum[rest] += gain[rest]
        fixed_n = np.bincount(fix_site, weights=fix_n, minlength=n).astype(np.int64)
        self.open0 = self.open0 + born_n - fixed_n
        if year_end:
            assert np.array_equal(self.open0, _view(self.latent) + _view(self.ordered))
        self.fix_t, self.fix_site, self.fix_n = [], [], []
        self.year_start = t1

    def _walk_accidents(self, i: int, t0: float, t1: float, level: int,
                        changes: list[tuple[float, int]]) -> None:  # fmt: skip
        """Walk site ``i``'s piecewise-constant intensity over ``[t0, t1)`` (open hazards
        ``level`` at ``t0``, then ``changes`` = sorted (time, change)) and record every
        threshold crossing as an accident."""
        c = self.site_cat[i]
        a0, a1 = self.a0[c], self.a1[c]
        cum = float(self.acc_cum[i])
        nxt = float(self.acc_next[i])
        start = t0
        for edge, change in [*changes, (t1, 0)]:
            rate = a0 + a1 * level
            while rate > 0 and cum + rate * (edge - start) >= nxt:
                at = start + (nxt - cum) / rate
                self._record_accident(i, at)
                cum = nxt
                start = at
                nxt += self._threshold_step(i)
            cum += rate * (edge - start)
            start = edge
            level += change
        self.acc_cum[i] = cum
        self.acc_next[i] = nxt

    def _threshold_step(self, i: int) -> float:
        """Site ``i``'s next unit-exponential gap between accident thresholds (its own draws)."""
        k = self.acc_ctr[i]
        self.acc_ctr[i] = k + 1
        return -math.log1p(-site_uniform(self.key_accident, i, k))

    def _record_accident(self, i: int, at: float) -> None:
        c = self.site_cat[i]
        rng = entity_rng(self.cfg.seed, self.cfg.replication, "deaths", i, self.acc_ctr[i])
        deaths = max(0, round(float(self.deaths_dist[c].sampler(rng)(1)[0])))
        self.accident_rows.append((at, self.site_dist[i], c, deaths))
        self.new_accidents.append((i, deaths))
        if self.cfg.trace:
            self.trace.append((at, "accident", i, deaths))

    # -- visits ----------------------------------------------------------------------------
    def detect(self, i: int, ins: Inspector, t: float, factor: float = 1.0) -> int:
        """Latent hazards ``ins`` finds at site ``i`` (``factor`` < 1 at a re-inspection)."""
        n = self.latent[i]
        if n == 0:
            return 0
        p = ins.p_detect * factor * (ins.novice if t < ins.competent_at else 1.0)
        ctr = self.detect_ctr[i]
        self.detect_ctr[i] = ctr + 1
        # each of the n latent hazards is found with p: Binomial(n, p), from the site's own draw
        k = binomial_from_uniform(n, p, self.u_detect(i, ctr))
        if k:
            d, c = self.site_dist[i], self.site_cat[i]
            self.latent[i] -= k
            self.ordered[i] += k
            self.latent_min[d][c] -= k * (self.horizon - t)
            self.detected[d][c] += k
            self.orders[d][c] += 1
            if ins.can_penalise:  # 行政处罚 at the visit that finds the violation
                self.penalties[d][ins.kind] += 1
                ins.penalties += 1
                self.penalised_findings[d][c] += 1
                self.order_penaliser[i] = True
                if self.deter_share:
                    self._deter(i, t)
            else:  # referred to the district: dropped, overturned, or a penalty days later
                self.referrals[d][c] += 1
                ctr = self.referral_ctr[i]
                self.referral_ctr[i] = ctr + 1
                u = self.u_referral(i, ctr)
                if self.case_min > 0 and self.dept_staffed[d][self.cat_dept[c]]:
                    # the case is district work: queue it with them
                    if u < self.referral_acted:
                        self._refer_case(i, t, u < self.referral_stands)
                elif u < self.referral_stands:
                    ins.queue.at(t + self.referral_min, self._referral_penalty, i, t)
            if not self.reinsp_pending[i]:
                self.reinsp_pending[i] = True
                deadline = t + self.rect_min[c]
                self._add(REINSPECTION, deadline, deadline, i, REINSPECTION)
        return k

    def _refer_case(self, i: int, t: float, stands: bool) -> None:
        """A finding of site ``i`` at ``t`` referred to its department's district staff: a case
        they process (``case_hours``) from ``days`` later."""
        pool = self.queues[self.site_dist[i]][self.cat_dept[self.site_cat[i]]]
        seq = next(self.seq)
        self.cases[seq] = (t, stands)
        self.referral_cases[self.site_dist[i]][self.site_cat[i]] += 1
        release = t + self.referral_min
        release -= release % MIN_PER_DAY
        pool.push(PLANNED, (release + 30 * MIN_PER_DAY, seq, release, i, REFERRAL, -1))

    def close_case(self, i: int, ins: Inspector, t: float, entry: Any) -> None:
        """District staff have processed a referred case: its penalty lands unless overturned
        (and only if the order is still open)."""
        found_at, stands = self.cases.pop(entry[1])
        if stands:
            self._referral_penalty(i, found_at, t)

    def _referral_penalty(self, i: int, found_at: float, now: float | None = None) -> None:
        """The district's penalty on a referred finding lands (if the order is still open)."""
        if self.ordered[i] <= 0:
            return
        d, c = self.site_dist[i], self.site_cat[i]
        if now is None:
            now = self.pools[self.site_pool[i]].now
        self.order_penaliser[i] = True
        if self.deter_share:
            self._deter(i, now)
        self.referral_penalties[d][c] += 1
        self.penalised_findings[d][c] += 1
        self.penalty_delay_min[d][c] += now - found_at

    def _deter(self, i: int, t: float) -> None:
        """A penalty at site ``i`` at ``t`` deters: of its hazards arising until ``t`` + the
        deterrence period, each is avoided with ``hazard_reduction`` (the arrival's own uniform,
        so a second penalty extends the window without redrawing). Avoided arrivals of this
        hazard year are flagged and their exposure, counted forward at load, taken back; later
        years' are dropped at load (:meth:`_load_hazard_year`)."""
        until = t + self.deter_min
        if until > self.deter_until[i]:
            self.deter_until[i] = until
        times, gone, u = self.h_times, self.h_gone, self.h_deter_u
        share = self.deter_share
        taken = 0
        back = 0.0
        for a in range(self.ptr[i], self.ptr_end[i]):
            at = times[a]
            if at >= until:
                break
            if at > t and not gone[a] and u[a] < share:
                gone[a] = 1
                taken += 1
                back += self.horizon - at
        if taken:
            d, c = self.site_dist[i], self.site_cat[i]
            self.gone_ahead[i] += taken
            self.latent_min[d][c] -= back
            self.open_min[d][c] -= back
            self.arisen[d][c] -= taken
            self.deterred[d][c] += taken

    def _blacklist(self, i: int, t: float) -> None:
        """List site ``i`` as a repeat offender from ``t``: its next routine inspection comes
        no later than the shortened interval, with priority."""
        self.listed_until[i] = t + self.bl_min
        d, c = self.site_dist[i], self.site_cat[i]
        self.blacklisted[d][c] += 1
        step = self.site_interval[i] * self.bl_factor
        self._schedule_routine(i, min(self.next_due[i], t + step), now=t)

    def reinspect(self, i: int, ins: Inspector, t: float) -> None:
        d, c = self.site_dist[i], self.site_cat[i]
        self.reinspections[d][c] += 1
        self.reinsp_pending[i] = False
        was_penalised = self.order_penaliser[i]
        p = self.comply_penalty if was_penalised else self.comply_no_penalty
        ctr = self.comply_ctr[i]
        self.comply_ctr[i] = ctr + 1
        fixed = binomial_from_uniform(self.ordered[i], p, self.u_comply(i, ctr))
        if fixed:
            self.ordered[i] -= fixed
            self.rectified[d][c] += fixed
            self.open_min[d][c] -= fixed * (self.horizon - t)
            self.fix_t.append(t)
            self.fix_site.append(i)
            self.fix_n.append(fixed)
        if self.ordered[i] > 0:
            if ins.can_penalise:
                self.penalties[d][ins.kind] += 1
                ins.penalties += 1
                self.order_penaliser[i] = True
                if self.deter_share:
                    self._deter(i, t)
                if was_penalised and self.bl_min > 0:
                    self._blacklist(i, t)
            self.reinsp_pending[i] = True
            deadline = t + self.rect_min[c]
            self._add(REINSPECTION, deadline, deadline, i, REINSPECTION)
        else:
            self.closures[d][c] += 1
            self.order_penaliser[i] = False

    # -- processes -------------------------------------------------------------------------
    def start_job(self, ins: Inspector, cls: int, entry: Any) -> None:
        """``ins`` takes the job: travel and inspect in working time, finish by a callback."""
        pool = ins.queue
        now = pool.now
        if now >= ins.leave_at:
            # The post fell vacant at leave_at (perhaps while idle, when it changed nothing):
            # hand the job back and wait out what is left of the vacancy.
            ins.queue.push(cls, entry)
            self._vacancy(ins, ins.leave_at)
            return
        i = entry[3]
        kind = entry[4]
        sd = self.site_dist[i]
        travel = ins.round_trip[sd]
        if kind == INVESTIGATION:
            work = self.inv_durations[sd].next() + travel
        elif kind == REFERRAL:  # office work: no travel
            work = self.case_min
            travel = 0.0
        else:
            work = self.durations[sd][self.site_cat[i]].next()
            if kind == REINSPECTION:
                work *= self.reinsp_duration
            work += travel
        start, end = ins.calendar.span(now, work)
        self.wait_sum[sd][kind] += start - entry[2]
        self.wait_n[sd][kind] += 1
        if self.cfg.trace:
            self.trace.append((start, "start", ins.name, i, JOB_NAMES.get(kind, "spot_check")))
        ins.busy_min += work
        ins.travel_min += travel
        pool.at(end, self.finish_cb, ins, entry)

    def _post_rng(self, ins: Inspector) -> np.random.Generator:
        """The post's own stream (made when the post first falls vacant)."""
        if ins.rng is None:
            ins.rng = entity_rng(self.cfg.seed, self.cfg.replication, "post", ins.post)
        rng: np.random.Generator = ins.rng
        return rng

    def _vacancy(self, ins: Inspector, start: float) -> None:
        hire = float(self.hiring[ins.kind].sampler(self._post_rng(ins))(1)[0])
        if self.cfg.trace:
            self.trace.append((start, "leave", ins.name))
        ins.vacant_since = start
        end = max(start + hire, ins.queue.now)
        ins.queue.at(end, self._hired, ins, start)

    def _hired(self, ins: Inspector, start: float) -> None:
        end = ins.queue.now
        ins.vacant_since = INF
        ins.vacant_work += ins.calendar.work_between(start, min(end, self.horizon))
        rng = self._post_rng(ins)
        ins.competent_at = end + float(self.competence[ins.kind].sampler(rng)(1)[0])
        rate = _leave_rate(self.s.inspector_kinds[self.kinds[ins.kind]].attrition_per_year)
        ins.leave_at = end + rng.exponential(1.0 / rate) if rate > 0 else INF
        ins.queue.free(ins)

    def _complaints(
        self, d: int, times: np.ndarray, picks: np.ndarray
    ) -> Generator[simpy.Event, Any, None]:
        env = self.env
        sites = self.sites.by_district[d]
        rng = self.streams(f"complaints/{self.districts[d]}")
        draws = ComplaintDraws(rng)
        site_ids = np.asarray(sites, dtype=np.int64)
        for t, u in zip(times.tolist(), picks.tolist(), strict=True):
            yield env.timeout(t - env.now)
            if len(sites) == 0:
                self.complaints_without_site += 1
                continue
            i = int(sites[int(u * len(sites))])
            if self.engine is not None:  # the same steps, compiled
                self.engine.complaint(site_ids, i, t, self.complaint_weight, draws)
                continue
            if self.complaint_weight > 0:
                i = self._informative_site(sites, i, t, rng)
            self.advance_pool(self._queue_for(i), t)
            self._add(COMPLAINT, t, t, i, COMPLAINT)

    def _informative_site(self, sites: np.ndarray, first: int, t: float,
                          rng: np.random.Generator) -> int:  # fmt: skip
        """A complaint's site, drawn with weight 1 + w × open hazards (capped at 10) among the
        district's ``sites`` by rejection, the first candidate ``first``: sites with open
        hazards are complained about more often."""
        w = self.complaint_weight
        top = 1.0 + w * 10.0
        i = first
        for _ in range(1000):
            self.advance_pool(self._queue_for(i), t)
            self._catch_up(i, t)
            weight = 1.0 + w * min(10, self.latent[i] + self.ordered[i])
            if rng.random() * top < weight:
                return i
            i = int(sites[int(rng.random() * len(sites))])
        return i

    def _flood_season(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        fs = self.s.inspection.flood_season
        rng = self.streams("spot_checks")
        flood_sites = np.flatnonzero(self.sites.flood_patrol)
        every = fs.district_inspection_every_days * MIN_PER_DAY
        week = fs.township_spot_check_every_days * MIN_PER_DAY
        for start, end in self.flood:
            yield env.timeout(start - env.now)
            self._advance_pools(env.now)
            phase = rng.uniform(0.0, every, len(flood_sites))
            if self.engine is not None:  # the same calls, compiled: ver -2 = _schedule_routine
                late = _view(self.next_due)[flood_sites] > start + every
                picked = flood_sites[late]
                k = len(picked)
                self.engine.push_many(
                    np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64),
                    start + phase[late], np.full(k, start), picked.astype(np.int64),
                    np.zeros(k, dtype=np.int64), np.full(k, -2, dtype=np.int64),
                )  # fmt: skip
            else:
                for i, ph in zip(flood_sites.tolist(), phase.tolist(), strict=True):
                    if self.next_due[i] > start + every:
                        self._schedule_routine(i, start + ph, now=start)
            t = start
            while t < end:
                chosen = flood_sites[rng.random(len(flood_sites)) < fs.township_spot_check_share]
                self._add_many(SPOT, t, t + week, chosen)
                t += week
                if t < end:
                    yield env.timeout(t - env.now)
                    self._advance_pools(env.now)

    def _campaigns(self) -> Generator[simpy.Event, Any, None]:
        """Special campaigns (专项整治): at each campaign month's start, the chosen share of its
        categories' sites gets an inspection due by the month's end. Whether a site is chosen
        in a round is the site's own number (common random numbers by site)."""
        env = self.env
        camps = list(self.s.inspection.campaigns.items())
        years = math.ceil(self.horizon / MIN_PER_YEAR)
        rounds: list[tuple[float, float, int]] = []
        for y in range(years):
            for q, (_, camp) in enumerate(camps):
                for mo in sorted(set(camp.months)):
                    a = (y * DAYS_PER_YEAR + MONTH_START_DAY[mo - 1]) * MIN_PER_DAY
                    b = (y * DAYS_PER_YEAR + MONTH_START_DAY[mo]) * MIN_PER_DAY
                    if a < self.horizon:
                        rounds.append((float(a), float(min(b, self.horizon)), q))
        rounds.sort()
        members = []
        for _name, camp in camps:
            idx = [self.cats.index(c) for c in camp.categories]
            members.append(np.flatnonzero(np.isin(self.sites.category, idx)))
        keys = [purpose_key(self.cfg.seed, self.cfg.replication, f"campaign/{name}")
                for name, _ in camps]  # fmt: skip
        done = [0] * len(camps)
        for start, end, q in rounds:
            yield env.timeout(start - env.now)
            self._advance_pools(env.now)
            sites = members[q]
            if len(sites):
                u = site_uniform_at(keys[q], sites, np.full(len(sites), done[q], dtype=np.int64))
                chosen = sites[u < camps[q][1].site_share]
                self._add_many(CAMPAIGN, start, end, chosen)
            done[q] += 1

    def _snapshots(self) -> Generator[simpy.Event, Any, None]:
        step = self.cfg.snapshot_days * MIN_PER_DAY
        while True:
            yield self.env.timeout(step)
            self._advance_pools(self.env.now)
            for d, qs in enumerate(self.district_pools):
                backlog = sum(q.backlog() for q in qs)
                self.backlog_rows.append((self.env.now / MIN_PER_DAY, d, backlog))

    def discard(self) -> None:
        """Free the run's working state now (the job pools' queues and events, the SimPy
        environment) rather than at some later garbage collection: it is held in reference
        cycles (pools ↔ model, SimPy processes ↔ model). The model cannot be inspected after."""
        if self.engine is not None:
            self.engine.st = None
            self.engine.m = None
        else:
            for pool in self.pools:
                pool.events.clear()
                for heap in pool.heaps:
                    heap.clear()
                pool.pending.clear()
                pool.release_times.clear()
                pool.idle.clear()
        self.env = simpy.Environment()

    # -- the steady state to start from (sim/steady_state.py) --------------------------------
    def _start_hazards_steady(self, first_due: np.ndarray) -> None:
        """Latent and ordered hazards at time 0, their exposure and pending re-inspections."""
        cat = self.sites.category
        fs = self.s.inspection.flood_season
        village = np.where(self.sites.flood_patrol, self.village, 0.0)
        hs = presimulate(
            self.cfg.seed,
            self.cfg.replication,
            self.sites.hazard_rate_min,
            self.sites.interval_min,
            first_due,
            self.release_min,
            np.asarray(self.rect_min)[cat],
            self.pool_kinds,
            _view(self.site_pool),
            self.comply_penalty,
            self.comply_no_penalty,
            village,
            flood_minutes_before(fs.months),
            self.reinsp_detect,
            _view(self.sf_rate) if self.self_fixing else None,
            flood_table=flood_table(fs.months) if self.compiled else None,
        )
        _view(self.latent)[:] = hs.latent
        _view(self.ordered)[:] = hs.ordered
        _view(self.order_penaliser)[:] = hs.penalised
        self.open0 = hs.latent + hs.ordered
        cell = self.sites.district * len(self.cats) + cat
        self._add_cells(self.latent_min, cell, hs.latent * self.horizon)
        self._add_cells(self.open_min, cell, self.open0 * self.horizon)
        pending = _view(self.reinsp_pending)
        ordered = np.flatnonzero(hs.ordered)
        if self.engine is not None:  # the same pushes, compiled
            pending[ordered] = 1
            at = hs.reinspect_at[ordered].astype(np.float64)
            k = len(ordered)
            self.engine.push_many(
                _view(self.site_pool)[ordered].copy(), np.full(k, REINSPECTION, dtype=np.int64),
                at, at - at % MIN_PER_DAY, ordered.astype(np.int64),
                np.full(k, REINSPECTION, dtype=np.int64), np.full(k, -1, dtype=np.int64),
            )  # fmt: skip
            return
        for i in ordered.tolist():
            pending[i] = 1
            t = float(hs.reinspect_at[i])
            self._add(REINSPECTION, t, t, i, REINSPECTION)

    def _start_post_steady(self, ins: Inspector) -> bool:
        """Start ``ins`` vacant (returns ``True``: not idle) or as a novice, with the stationary
        probabilities; the time left is U × a fresh draw (the post's own numbers)."""
        kind = self.s.inspector_kinds[self.kinds[ins.kind]]
        rate = _leave_rate(kind.attrition_per_year)
        u_vacant, u_left, u_novice = (site_uniform(self.key_post, ins.post, k) for k in (2, 3, 4))
        if u_vacant < vacancy_probability(rate, kind.hiring_time.mean):
            left = u_left * float(self.hiring[ins.kind].sampler(self._post_rng(ins))(1)[0])
            ins.vacant_since = 0.0
            ins.queue.at(left, self._hired, ins, 0.0)
            return True
        if u_novice < novice_probability(rate, kind.time_to_competence.mean):
            learn = float(self.competence[ins.kind].sampler(self._post_rng(ins))(1)[0])
            ins.competent_at = u_left * learn
        return False

    # -- run -------------------------------------------------------------------------------
    def run(self) -> InspectionResult:
        """Simulate the horizon and return the tidy results."""
        env = self.env
        phase = self.streams("phase")
        n = len(self.sites)
        if self.cfg.initial_due == "start":
            first = np.zeros(n)
        else:
            first = phase.random(n) * self.sites.interval_min
        if self.cfg.initial_state == "steady":
            self._start_hazards_steady(first)
        self._schedule_all(first)
        pop = np.array([d.population for d in self.s.districts.values()], dtype=float)
        rate = self.s.inspection.complaints_per_100k_population_year * pop / 1e5 / MIN_PER_YEAR
        crng = self.streams("complaints")
        for d in range(len(self.districts)):
            count = crng.poisson(rate[d] * self.horizon)
            times = np.sort(crng.uniform(0.0, self.horizon, count))
            env.process(self._complaints(d, times, crng.random(count)))
        env.process(self._snapshots())
        env.process(self._years())
        if self.flood:
            env.process(self._flood_season())
        if self.s.inspection.campaigns:
            env.process(self._campaigns())
        for ins in self.inspectors:
            if self.cfg.initial_state == "empty" or not self._start_post_steady(ins):
                ins.queue.idle.append(ins)
        if self.engine is not None:
            self.engine.load_posts()
        for pool in self.pools:
            pool.assign()
        env.run(until=self.horizon)
        for pool in self.pools:
            self.advance_pool(pool, self.horizon, inclusive=False)
        if self.engine is not None:
            self.engine.store_posts()
        self._close_period(self.horizon, True)
        self._snapshot_year(self.horizon)
        if self.cfg.trace:  # pools ran one after another, accidents at year ends: time order
            self.trace.sort(key=lambda e: e[0])
        return collect(self.record())

    def record(self) -> InspectionRecord:
        """The finished run as plain data for the KPI collector."""
        return InspectionRecord(
            scenario=self.s,
            replication=self.cfg.replication,
            horizon=self.horizon,
            flood=list(self.flood),
            sites=self.sites,
            districts=list(self.districts),
            cats=list(self.cats),
            kinds=list(self.kinds),
            counters={name: getattr(self, name) for name in COUNTERS},
            inspectors=list(self.inspectors),
            backlog_end=[sum(q.backlog() for q in qs) for qs in self.district_pools],
            overdue_end=[sum(q.overdue(self.horizon) for q in qs) for qs in self.district_pools],
            city_backlog=sum(q.backlog() for q in self.city_queues if q is not None),
            depts=list(self.depts),
            pool_district=list(self.pool_district),
            pool_dept=list(self.pool_dept),
            pool_backlog_end=[q.backlog() for q in self.pools],
            inspector_pool=[self.pool_index[id(ins.queue)] for ins in self.inspectors],
            cell_pool=[list(row) for row in self.cell_pool],
            complaints_without_site=self.complaints_without_site,
            backlog_rows=self.backlog_rows,
            accident_rows=self.accident_rows,
            trace=self.trace,
            year_totals=self.year_totals,
        )


def simulate_inspections(scenario: Scenario, config: InspectionConfig) -> InspectionResult:
    """Run one replication of the inspection model.

    Raises
    ------
    RunTooLarge
        Before anything runs, if the replication would exceed the limits of :mod:`sim.size`.
    """
    size.check(scenario, config.years, "inspection")
    with fewer_collections():
        model = InspectionModel(scenario, config)
        result = model.run()
        model.discard()
        return result

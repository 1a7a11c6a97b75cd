"""KPIs of one inspection-model replication, as a tidy table (level, key, kpi, value).

Levels: ``city`` (key ``all``), ``district`` (key adcode), ``category`` (key category id) and
``kind`` (key inspector kind id). Times in the KPI names carry their unit (``_h``, ``_days``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from anjian.scenarios.scenario import Scenario, equipment_kits
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_HOUR, MIN_PER_YEAR

from .dispatch import CAMPAIGN, COMPLAINT, INVESTIGATION, MAJOR, REINSPECTION, ROUTINE

if TYPE_CHECKING:
    from .dispatch import Inspector
    from .sites import SiteTable

LARGER_MIN, LARGER_MAX = 3, 9  # 较大事故: 3–9 deaths
COUNTERS = ("routine_on_time", "routine_overdue_min", "detected", "arisen", "rectified",
            "latent_min", "open_min", "orders", "reinspections", "closures", "done", "wait_sum",
            "wait_n", "penalties", "referrals", "referral_penalties", "penalised_findings",
            "penalty_delay_min", "deterred", "blacklisted", "complaint_hits",
            "referral_cases", "self_fixed")  # fmt: skip


@dataclass
class InspectionResult:
    """Tidy outputs of one replication."""

    kpis: pd.DataFrame  # rep, level, key, kpi, value
    series: pd.DataFrame  # rep, day, adcode, backlog
    accidents: pd.DataFrame  # rep, time_min, adcode, category, incident_type, deaths
    trace: list[tuple[Any, ...]] = field(default_factory=list)
    years: pd.DataFrame = field(default_factory=pd.DataFrame)  # rep, year, span_years, kpi, value


@dataclass
class InspectionRecord:
    """A finished replication as plain data: what the KPI collector reads (no model object)."""

    scenario: Scenario
    replication: int
    horizon: float  # minutes
    flood: list[tuple[float, float]]  # flood-season windows (start, end), minutes
    sites: SiteTable
    districts: list[str]
    cats: list[str]
    kinds: list[str]
    counters: dict[str, Any]  # COUNTERS by name: nested lists district × category (× …)
    inspectors: list[Inspector]
    backlog_end: list[int]  # jobs queued at the end, per district pool
    overdue_end: list[int]
    city_backlog: int
    complaints_without_site: int
    backlog_rows: list[tuple[float, int, int]]  # day, district, backlog
    accident_rows: list[tuple[float, int, int, int]]  # (time, district, category, deaths)
    trace: list[tuple[Any, ...]] = field(default_factory=list)
    year_totals: list[dict[str, float]] = field(default_factory=list)
    depts: list[str | None] = field(default_factory=lambda: [None])  # None: no departments
    pool_district: list[int] = field(default_factory=list)  # −1: a city pool
    pool_dept: list[int] = field(default_factory=list)  # −1: a township pool
    pool_backlog_end: list[int] = field(default_factory=list)
    inspector_pool: list[int] = field(default_factory=list)  # each inspector's pool
    cell_pool: list[list[int]] = field(default_factory=list)  # district × category → pool


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def _required(m: InspectionRecord) -> np.ndarray:
    """Nominal routine inspections due in the horizon, by district × category."""
    flood_min = sum(b - a for a, b in m.flood)
    normal_min = m.horizon - flood_min
    per_site = normal_min / m.sites.interval_min + flood_min / m.sites.flood_interval_min
    out = np.zeros((len(m.districts), len(m.cats)))
    np.add.at(out, (m.sites.district, m.sites.category), per_site)
    return out


def collect(m: InspectionRecord) -> InspectionResult:
    """Aggregate a finished run's counters into the result tables."""
    rep = m.replication
    C = {name: np.asarray(m.counters[name], dtype=float) for name in COUNTERS}
    rows: list[tuple[str, str, str, float]] = []
    years = m.horizon / MIN_PER_YEAR
    required = _required(m)
    routine_done = C["done"][:, :, ROUTINE] + C["done"][:, :, MAJOR]
    acc = np.array(m.accident_rows, dtype=float).reshape(-1, 4)
    acc_deaths = acc[:, 3] if len(acc) else np.zeros(0)
    acc_d = acc[:, 1].astype(int) if len(acc) else np.zeros(0, dtype=int)
    acc_c = acc[:, 2].astype(int) if len(acc) else np.zeros(0, dtype=int)
    larger = (acc_deaths >= LARGER_MIN) & (acc_deaths <= LARGER_MAX)

    nk = len(m.kinds)
    nd = len(m.districts)
    busy = np.zeros((nd, nk))
    travel = np.zeros((nd, nk))
    avail = np.zeros((nd, nk))
    vacant = np.zeros((nd, nk))
    done_by = np.zeros((nd, nk))
    for ins in m.inspectors:
        done_by[ins.district, ins.kind] += ins.inspections
        busy[ins.district, ins.kind] += ins.busy_min
        travel[ins.district, ins.kind] += ins.travel_min
        work = ins.calendar.work_between(0.0, m.horizon)
        vacant_work = ins.vacant_work + ins.calendar.work_between(ins.vacant_since, m.horizon)
        avail[ins.district, ins.kind] += work - vacant_work
        vacant[ins.district, ins.kind] += vacant_work / work if work > 0 else 0.0
    end_backlog = np.array(m.backlog_end, dtype=float)
    overdue_end = np.array(m.overdue_end, dtype=float)
    city_backlog = m.city_backlog
    # expected accidents and deaths given the simulated hazard path: the accident intensity
    # a0 + a1 × open hazards integrated over the horizon (its conditional expectation, an
    # unbiased estimator of the accidents with far less noise than the drawn ones)
    cats_spec = [m.scenario.site_categories[c] for c in m.cats]
    n_sites = np.zeros((nd, len(m.cats)))
    np.add.at(n_sites, (m.sites.district, m.sites.category), 1.0)
    a0 = np.array([c.accidents_per_site_year for c in cats_spec])
    a1 = np.array([c.accidents_per_open_hazard_year for c in cats_spec])
    per_accident = np.array([c.deaths_per_accident.mean for c in cats_spec])
    exp_acc = a0[None, :] * n_sites * years + a1[None, :] * C["open_min"] / MIN_PER_YEAR

    def add(level: str, key: str, sel_d: slice | int, sel_c: slice | int | list[int]) -> None:
        done = float(C["done"][sel_d, sel_c].sum())
        rdone = float(routine_done[sel_d, sel_c].sum())
        req = float(required[sel_d, sel_c].sum())
        on_time = float(C["routine_on_time"][sel_d, sel_c].sum())
        mask = np.ones(len(acc_d), dtype=bool)
        if isinstance(sel_d, int):
            mask &= acc_d == sel_d
        if isinstance(sel_c, int):
            mask &= acc_c == sel_c
        elif isinstance(sel_c, list):
            mask &= np.isin(acc_c, sel_c)
        kp = {
            "inspections_done": done,
            "routine_done": rdone,
            "routine_required": req,
            "done_vs_required": _ratio(rdone, req),
            "on_time_rate": _ratio(on_time, rdone),
            "overdue_days_per_routine": _ratio(
                float(C["routine_overdue_min"][sel_d, sel_c].sum()) / MIN_PER_DAY, rdone
            ),
            "complaint_inspections": float(C["done"][sel_d, sel_c, COMPLAINT].sum()),
            "complaint_hit_rate": _ratio(
                float(C["complaint_hits"][sel_d, sel_c].sum()),
                float(C["done"][sel_d, sel_c, COMPLAINT].sum()),
            ),
            "campaign_inspections": float(C["done"][sel_d, sel_c, CAMPAIGN].sum()),
            "investigations": float(C["done"][sel_d, sel_c, INVESTIGATION].sum()),
            "reinspections": float(C["reinspections"][sel_d, sel_c].sum()),
            "reinspection_closure_rate": _ratio(
                float(C["closures"][sel_d, sel_c].sum()),
                float(C["reinspections"][sel_d, sel_c].sum()),
            ),
            "hazards_arisen": float(C["arisen"][sel_d, sel_c].sum()),
            "hazards_deterred": float(C["deterred"][sel_d, sel_c].sum()),
            "hazards_self_fixed": float(C["self_fixed"][sel_d, sel_c].sum()),
            "blacklisted": float(C["blacklisted"][sel_d, sel_c].sum()),
            "hazards_detected": float(C["detected"][sel_d, sel_c].sum()),
            "hazards_rectified": float(C["rectified"][sel_d, sel_c].sum()),
            "latent_hazard_days": float(C["latent_min"][sel_d, sel_c].sum()) / MIN_PER_DAY,
            "open_hazard_days": float(C["open_min"][sel_d, sel_c].sum()) / MIN_PER_DAY,
            "orders": float(C["orders"][sel_d, sel_c].sum()),
            "referrals": float(C["referrals"][sel_d, sel_c].sum()),
            "referral_penalties": float(C["referral_penalties"][sel_d, sel_c].sum()),
            "referral_cases": float(C["referral_cases"][sel_d, sel_c].sum()),
            "findings_penalised_share": _ratio(
                float(C["penalised_findings"][sel_d, sel_c].sum()),
                float(C["orders"][sel_d, sel_c].sum()),
            ),
            "days_to_penalty": _ratio(
                float(C["penalty_delay_min"][sel_d, sel_c].sum()) / MIN_PER_DAY,
                float(C["penalised_findings"][sel_d, sel_c].sum()),
            ),
            "accidents_per_year": float(mask.sum()) / years,
            "deaths_per_year": float(acc_deaths[mask].sum()) / years,
            "expected_accidents_per_year": float(exp_acc[sel_d, sel_c].sum()) / years,
            "expected_deaths_per_year": float((exp_acc * per_accident[None, :])[sel_d, sel_c].sum())
            / years,
            "larger_accidents_per_year": float((larger & mask).sum()) / years,
        }
        rows.extend((level, key, k, v) for k, v in kp.items())

    all_ = slice(None)
    add("city", "all", all_, all_)
    for d, adcode in enumerate(m.districts):
        add("district", adcode, d, all_)
    for c, cat in enumerate(m.cats):
        add("category", cat, all_, c)
    named = [q for q, dep in enumerate(m.depts) if dep is not None]
    spec = m.scenario
    cat_dept = [spec.site_categories[c].department for c in m.cats]
    kind_dept = [spec.inspector_kinds[k].department for k in m.kinds]
    for q in named:
        cats_q = [c for c, dep in enumerate(cat_dept) if dep == m.depts[q]]
        if cats_q:
            add("department", str(m.depts[q]), all_, cats_q)

    # the inspection system's yearly cost: salaries of the whole headcount (not only its
    # inspection time: the budget pays the post) and fees of contracted inspections done
    kinds_spec = [m.scenario.inspector_kinds[k] for k in m.kinds]
    salary = np.array(
        [[m.scenario.staff[a][k] * spec.cost_yuan_per_year for k, spec in zip(m.kinds, kinds_spec,
                                                                              strict=True)]
         for a in m.districts]
    )  # fmt: skip
    kits = equipment_kits(m.scenario)
    kit = np.array(
        [[kits[a][k] * spec.equipment_cost_yuan_per_year
          for k, spec in zip(m.kinds, kinds_spec, strict=True)]
         for a in m.districts]
    )  # fmt: skip
    fee = np.array([spec.cost_yuan_per_inspection for spec in kinds_spec])
    fees = done_by * fee[None, :] / years

    post_count = np.zeros((nd, nk), dtype=np.int64)  # posts by district × kind
    for ins in m.inspectors:
        post_count[ins.district, ins.kind] += 1

    def add_staff(level: str, key: str, sd: slice | int, sk: slice | int | list[int]) -> None:
        b, a = float(busy[sd, sk].sum()), float(avail[sd, sk].sum())
        posts = int(post_count[sd, sk].sum())
        kp = {
            "utilisation": _ratio(b, a),
            "travel_share": _ratio(float(travel[sd, sk].sum()), b),
            "posts": float(posts),
            "vacancies_mean": float(vacant[sd, sk].sum()),
            "penalties": float(C["penalties"][sd, sk].sum()),
            "inspections_by_staff": float(done_by[sd, sk].sum()),
            "staff_cost_yuan_per_year": float(salary[sd, sk].sum()),
            "equipment_cost_yuan_per_year": float(kit[sd, sk].sum()),
            "inspection_fees_yuan_per_year": float(fees[sd, sk].sum()),
            "inspection_cost_yuan_per_year": float(
                salary[sd, sk].sum() + kit[sd, sk].sum() + fees[sd, sk].sum()
            ),
        }
        rows.extend((level, key, k, v) for k, v in kp.items())

    add_staff("city", "all", all_, all_)
    staffed_kinds = {ins.kind for ins in m.inspectors}
    for k, kind in enumerate(m.kinds):
        if k in staffed_kinds:  # a kind with no posts has no utilisation to report
            add_staff("kind", kind, all_, k)
    for q in named:
        kinds_q = [k for k, dep in enumerate(kind_dept) if dep == m.depts[q]]
        if any(ins.kind in kinds_q for ins in m.inspectors):
            add_staff("department", str(m.depts[q]), all_, kinds_q)
    rows.extend(_pool_rows(m, C, required, routine_done, years))
    for d, adcode in enumerate(m.districts):
        add_staff("district", adcode, d, all_)
        rows.append(("district", adcode, "backlog_end", float(end_backlog[d])))
        rows.append(("district", adcode, "overdue_backlog_end", float(overdue_end[d])))
        w = C["wait_n"][d, COMPLAINT]
        rows.append(
            (
                "district",
                adcode,
                "complaint_wait_h",
                _ratio(C["wait_sum"][d, COMPLAINT] / MIN_PER_HOUR, w),
            )
        )
    rows.append(("city", "all", "backlog_end", float(end_backlog.sum() + city_backlog)))
    rows.append(("city", "all", "overdue_backlog_end", float(overdue_end.sum())))
    for cls, name in (
        (COMPLAINT, "complaint"),
        (REINSPECTION, "reinspection"),
        (ROUTINE, "routine"),
    ):
        wait_h = _ratio(C["wait_sum"][:, cls].sum() / MIN_PER_HOUR, C["wait_n"][:, cls].sum())
        rows.append(("city", "all", f"{name}_wait_h", wait_h))
    rows.append(("city", "all", "complaints_without_site", float(m.complaints_without_site)))

    kpis = pd.DataFrame(rows, columns=["level", "key", "kpi", "value"])
    kpis.insert(0, "rep", rep)
    series = pd.DataFrame(m.backlog_rows, columns=["day", "district", "backlog"])
    series["adcode"] = [m.districts[d] for d in series["district"]]
    series = series.drop(columns="district")
    series.insert(0, "rep", rep)
    cats = m.cats
    types = [m.scenario.site_categories[c].incident_type for c in cats]
    accidents = pd.DataFrame({
        "rep": rep,
        "time_min": acc[:, 0] if len(acc) else np.zeros(0),
        "adcode": [m.districts[d] for d in acc_d],
        "category": [cats[c] for c in acc_c],
        "incident_type": [types[c] for c in acc_c],
        "deaths": acc_deaths.astype(int),
    }).sort_values("time_min", ignore_index=True)  # fmt: skip
    per_year = _years(m, rep, acc)
    return InspectionResult(
        kpis=kpis, series=series, accidents=accidents, trace=m.trace, years=per_year
    )


def pool_key(m: InspectionRecord, q: int) -> str:
    """A job pool's key: ``department/adcode`` (a district's own staff of a department; no
    department part without departments), ``township/adcode``, ``department/city``."""
    d, dep = m.pool_district[q], m.pool_dept[q]
    if dep < 0:
        return f"township/{m.districts[d]}"
    if d < 0:
        return f"{m.depts[dep] or 'all'}/city"
    return f"{m.depts[dep]}/{m.districts[d]}" if m.depts[dep] else m.districts[d]


def _pool_rows(
    m: InspectionRecord,
    C: dict[str, np.ndarray],
    required: np.ndarray,
    routine_done: np.ndarray,
    years: float,
) -> list[tuple[str, str, str, float]]:
    """KPIs of each job pool (a department's staff in a district, a district's township staff,
    a department's city staff; level ``pool``): utilisation, on-time share, backlog, FTE and the
    FTE the standard needs — at the pool's minutes per inspection, the routine inspections the
    standard asks for plus the non-routine work done, if fully busy."""
    if not m.pool_district:
        return []
    npool = len(m.pool_district)
    busy = np.zeros(npool)
    avail = np.zeros(npool)
    fte = np.zeros(npool)
    posts = np.zeros(npool)
    kinds = [m.scenario.inspector_kinds[k] for k in m.kinds]
    for ins, q in zip(m.inspectors, m.inspector_pool, strict=True):
        k = kinds[ins.kind]
        work = ins.calendar.work_between(0.0, m.horizon)
        vacant_work = ins.vacant_work + ins.calendar.work_between(ins.vacant_since, m.horizon)
        busy[q] += ins.busy_min
        avail[q] += work - vacant_work
        fte[q] += work / (k.hours_per_day * MIN_PER_HOUR * k.days_per_year * years)
        posts[q] += 1
    cells: list[list[tuple[int, int]]] = [[] for _ in range(npool)]
    for d, row in enumerate(m.cell_pool):
        for c, q in enumerate(row):
            if q >= 0:
                cells[q].append((d, c))
    rows: list[tuple[str, str, str, float]] = []
    for q in range(npool):
        if not cells[q] and posts[q] == 0:
            continue
        dd = [d for d, _ in cells[q]]
        cc = [c for _, c in cells[q]]
        done = float(C["done"][dd, cc].sum()) if cells[q] else 0.0
        rdone = float(routine_done[dd, cc].sum()) if cells[q] else 0.0
        req = float(required[dd, cc].sum()) if cells[q] else 0.0
        on_time = float(C["routine_on_time"][dd, cc].sum()) if cells[q] else 0.0
        other = done - rdone
        util = _ratio(busy[q], avail[q])
        need = _ratio(req + other, rdone + other)
        key = pool_key(m, q)
        values = {
            "posts": float(posts[q]),
            "fte": float(fte[q]),
            "utilisation": util,
            "on_time_rate": _ratio(on_time, rdone),
            "routine_required": req,
            "done_vs_required": _ratio(rdone, req),
            "backlog_end": float(m.pool_backlog_end[q]),
            "required_fte": float(fte[q] * util * need) if done > 0 else float("nan"),
            "available_h_per_year": float(avail[q]) / MIN_PER_HOUR / years,
            "busy_h_per_year": float(busy[q]) / MIN_PER_HOUR / years,
            "routine_done": rdone,
        }
        # a pool without sites or without posts has no on-time share or utilisation: no row
        rows += [("pool", key, k, v) for k, v in values.items() if np.isfinite(v)]
    return rows


def _years(m: InspectionRecord, rep: int, acc: np.ndarray) -> pd.DataFrame:
    """City KPIs per simulated year: counts in the year (``span_years`` long: less for a last
    partial year) and ``…_per_year`` rates."""
    rows: list[tuple[int, float, str, float]] = []
    prev: dict[str, float] = {}
    start = 0.0
    for y, tot in enumerate(m.year_totals):
        end = tot["t_min"]
        span_years = (end - start) / MIN_PER_YEAR
        if span_years <= 0:
            continue
        diff = {k: v - prev.get(k, 0.0) for k, v in tot.items() if k != "t_min"}
        in_year = (acc[:, 0] >= start) & (acc[:, 0] < end) if len(acc) else np.zeros(0, bool)
        deaths = acc[in_year, 3] if len(acc) else np.zeros(0)
        larger = (deaths >= LARGER_MIN) & (deaths <= LARGER_MAX)
        rows += [(y, span_years, k, v) for k, v in diff.items() if k != "routine_on_time"]
        rows += [
            (y, span_years, "accidents_per_year", float(in_year.sum()) / span_years),
            (y, span_years, "deaths_per_year", float(deaths.sum()) / span_years),
            (y, span_years, "larger_accidents_per_year", float(larger.sum()) / span_years),
        ]
        prev, start = tot, end
    out = pd.DataFrame(rows, columns=["year", "span_years", "kpi", "value"])
    out.insert(0, "rep", rep)
    return out

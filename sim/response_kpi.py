"""KPIs of one response-model replication: per-incident records, the tidy KPI table (levels
``city``, ``district``, ``type``, ``region``, ``vehicle_kind``) and the stock ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_YEAR

if TYPE_CHECKING:
    from anjian.scenarios.demand import DemandPoints

    from .incidents import IncidentTable


@dataclass
class ResponseResult:
    """Tidy outputs of one replication."""

    kpis: pd.DataFrame  # rep, level, key, kpi, value
    incidents: pd.DataFrame  # one row per incident
    stock: pd.DataFrame  # one row per warehouse × commodity at the end, with the flow totals


@dataclass
class ResponseRecord:
    """A finished replication as plain data: what the KPI collector reads (no model object).
    Arrays are per incident (``first_arrival`` …), per unit (``busy_min`` …) or per warehouse ×
    commodity (``stock`` …); times in minutes."""

    replication: int
    assigned_at: np.ndarray
    busy_min: np.ndarray
    commodities: list[str]
    declined: np.ndarray
    delivered: np.ndarray
    demanded: np.ndarray
    district_of_point: np.ndarray
    districts: list[str]
    first_arrival: np.ndarray
    first_relief_min: np.ndarray
    first_unit: np.ndarray
    handed_over: np.ndarray
    holds: np.ndarray
    horizon: float
    in_transit: np.ndarray
    inc: IncidentTable
    initial: np.ndarray
    issued: np.ndarray
    kinds: list[str]
    on_order: np.ndarray
    points: DemandPoints
    received: np.ndarray
    rented_for_role: dict[str, int]
    s: Scenario
    stock: np.ndarray
    stockouts: np.ndarray
    types: list[str]
    unit_district: np.ndarray
    unit_kind: np.ndarray
    unmet: np.ndarray
    unserved_roles: Any
    uses: np.ndarray
    wh_ids: list[str]


def _group_kpis(df: pd.DataFrame) -> dict[str, float]:
    n = len(df)
    served = df["response_min"].notna()
    resp = df.loc[served, "response_min"]
    demanded = float(df["relief_demanded"].sum())
    relief = df["first_relief_min"].notna()
    return {
        "incidents": float(n),
        "served_share": float(served.mean()) if n else float("nan"),
        "response_mean_min": float(resp.mean()) if len(resp) else float("nan"),
        "response_median_min": float(resp.median()) if len(resp) else float("nan"),
        "response_p90_min": float(resp.quantile(0.9)) if len(resp) else float("nan"),
        "within_standard_share": float(df["within_standard"].mean()) if n else float("nan"),
        "queue_delay_mean_min": float(df.loc[served, "queue_delay_min"].mean())
        if served.any()
        else float("nan"),
        "mutual_aid_share": float(df.loc[served, "mutual_aid"].mean())
        if served.any()
        else float("nan"),
        "handover_share": float((df["handed_over"] > 0).mean()) if n else float("nan"),
        "relief_demanded_units": demanded,
        "relief_unmet_units": float(df["relief_unmet"].sum()),
        "relief_fill_rate": 1.0 - float(df["relief_unmet"].sum()) / demanded
        if demanded > 0
        else float("nan"),
        "time_to_first_relief_mean_min": float(df.loc[relief, "first_relief_min"].mean())
        if relief.any()
        else float("nan"),
    }


def _relief_standard_rows(m: ResponseRecord) -> list[tuple[str, str, str, float]]:
    """Stocks against ``standards.relief_items_per_1000_population``: each district's stock on
    hand at the end (its district and township warehouses) over the standard, the lowest over
    the standard's items (``relief_standard_coverage``), and the share of districts at or above
    the standard in every item (city ``relief_standard_met_share``)."""
    std = m.s.standards.relief_items_per_1000_population
    items = [c for c in std if c in m.commodities and std[c] > 0]
    if not items:
        return []
    wh = m.s.warehouses
    rows: list[tuple[str, str, str, float]] = []
    met = 0
    for a in m.districts:
        need = m.s.districts[a].population / 1000.0
        mine = [w for w, wid in enumerate(m.wh_ids) if wh[wid].adcode == a
                and wh[wid].level != "city"]  # fmt: skip
        cover = min(
            float(sum(m.stock[w, m.commodities.index(c)] for w in mine)) / (std[c] * need)
            for c in items
        )
        met += cover >= 1.0
        rows.append(("district", a, "relief_standard_coverage", cover))
    rows.append(("city", "all", "relief_standard_met_share", met / len(m.districts)))
    return rows


def collect(m: ResponseRecord) -> ResponseResult:
    """Aggregate a finished run's records into the result tables."""
    s, inc, rep = m.s, m.inc, m.replication
    years = m.horizon / MIN_PER_YEAR
    adcode = m.points.adcode[inc.point]
    region = np.array([s.districts[a].region_group for a in adcode], dtype=object)
    response = np.where(np.isfinite(m.first_arrival), m.first_arrival - inc.time, np.nan)
    target = np.array([s.standards.response_target_min[g] for g in region], dtype=float)
    if len(m.unit_district):
        unit_d = np.where(m.first_unit >= 0, m.unit_district[np.maximum(m.first_unit, 0)], -1)
    else:
        unit_d = np.full(len(inc), -1)
    mutual = (m.first_unit >= 0) & (unit_d != m.district_of_point[inc.point])
    incidents = pd.DataFrame({
        "rep": rep,
        "time_min": inc.time,
        "adcode": adcode,
        "region_group": region,
        "incident_type": [m.types[k] for k in inc.kind],
        "response_min": response,
        "within_standard": np.nan_to_num(response, nan=np.inf) <= target,
        "queue_delay_min": np.where(np.isfinite(m.assigned_at), m.assigned_at - inc.time, np.nan),
        "mutual_aid": mutual,
        "handed_over": m.handed_over,
        "declined": m.declined,
        "people_affected": inc.people,
        "relief_demanded": m.demanded,
        "relief_unmet": m.unmet,
        "first_relief_min": m.first_relief_min,
    })  # fmt: skip
    rows: list[tuple[str, str, str, float]] = []

    def add(level: str, key: str, df: pd.DataFrame) -> None:
        rows.extend((level, key, k, v) for k, v in _group_kpis(df).items())

    add("city", "all", incidents)
    for a in m.districts:
        add("district", a, incidents[incidents["adcode"] == a])
    for t in m.types:
        add("type", t, incidents[incidents["incident_type"] == t])
    for g in s.region_groups:
        add("region", g, incidents[incidents["region_group"] == g])
    horizon = m.horizon
    util = m.busy_min / horizon if len(m.busy_min) else np.zeros(0)
    rows.append(("city", "all", "units", float(len(util))))
    rows.append(("city", "all", "utilisation", float(util.mean()) if len(util) else float("nan")))
    handovers = float(m.handed_over.sum())
    rented_cost = 0.0
    for k, key in enumerate(m.kinds):
        vk = s.vehicle_kinds[key]
        mine = m.unit_kind == k
        uses = float(m.uses[mine].sum())
        extra = handovers if m.rented_for_role.get(vk.role) == k else 0.0
        cost = vk.cost_yuan_per_year * years * float(mine.sum()) + vk.cost_yuan_per_use * (
            uses + extra
        )
        if vk.mode == "rented":
            rented_cost += vk.cost_yuan_per_use * (uses + extra)
        rows.extend([
            ("vehicle_kind", key, "units", float(mine.sum())),
            ("vehicle_kind", key, "utilisation",
             float(util[mine].mean()) if mine.any() else float("nan")),
            ("vehicle_kind", key, "uses", uses + extra),
            ("vehicle_kind", key, "cost_yuan", cost),
        ])  # fmt: skip
    rented_uses = float(
        sum(m.uses[m.unit_kind == k].sum() for k, key in enumerate(m.kinds)
            if s.vehicle_kinds[key].mode == "rented")
    ) + handovers  # fmt: skip
    rows.append(("city", "all", "rented_uses", rented_uses))
    rows.append(("city", "all", "rented_cost_yuan", rented_cost))
    rows.append(("city", "all", "stockouts", float(m.stockouts.sum())))
    rows.append(("city", "all", "unserved_roles", float(len(m.unserved_roles))))
    rows.extend(_relief_standard_rows(m))
    kpis = pd.DataFrame(rows, columns=["level", "key", "kpi", "value"])
    kpis.insert(0, "rep", rep)
    stock_rows = []
    for w, wid in enumerate(m.wh_ids):
        for c, key in enumerate(m.commodities):
            if not m.holds[w, c]:
                continue
            stock_rows.append({
                "rep": rep, "warehouse_id": wid, "commodity": key,
                "initial": m.initial[w, c], "received": m.received[w, c],
                "issued": m.issued[w, c], "delivered": m.delivered[w, c],
                "in_transit": m.in_transit[w, c], "on_hand": m.stock[w, c],
                "on_order": m.on_order[w, c], "stockouts": m.stockouts[w, c],
            })  # fmt: skip
    stock = pd.DataFrame(stock_rows)
    return ResponseResult(kpis=kpis, incidents=incidents, stock=stock)

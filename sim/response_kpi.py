"""KPIs of one response-model replication: per-incident records, the tidy KPI table (levels
``city``, ``district``, ``type``, ``region``, ``surge``, ``vehicle_kind``), the stock ledger and
the relief shipments.

A KPI that is undefined for a group (a mean over no incident, a district without relief) is left
out of the table rather than written as NaN; nothing in the table is infinite: an incident that
never gets a unit or any relief counts in ``served_share`` or ``relief_unserved_incidents``.
``stockouts`` counts relief requests (incident × commodity) not filled in full from stock, so
it is zero exactly when the fill rate is 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from anjian.scenarios.costs import vehicle_cost_yuan
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
    shipments: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per truckload


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
    emptied: np.ndarray
    last_relief_min: np.ndarray
    received_units: np.ndarray
    relief_by: np.ndarray
    relief_hours: tuple[float, ...]
    requests: np.ndarray
    short_requests: np.ndarray
    shipments: list[tuple[Any, ...]]
    types: list[str]
    unit_district: np.ndarray
    unit_kind: np.ndarray
    unmet: np.ndarray
    unserved_roles: Any
    uses: np.ndarray
    wh_ids: list[str]


def _mean(x: pd.Series) -> float:
    return float(x.mean()) if len(x) else float("nan")


def _group_kpis(df: pd.DataFrame, years: float, hours: tuple[float, ...]) -> dict[str, float]:
    n = len(df)
    served = df["response_min"].notna()
    resp = df.loc[served, "response_min"]
    demanded = float(df["relief_demanded"].sum())
    needs = df["relief_demanded"] > 0
    got = needs & (df["relief_received"] > 0)
    full = df["full_relief_min"].notna()
    out = {
        "incidents": float(n),
        "served_share": float(served.mean()) if n else float("nan"),
        "response_mean_min": _mean(resp),
        "response_median_min": float(resp.median()) if len(resp) else float("nan"),
        "response_p90_min": float(resp.quantile(0.9)) if len(resp) else float("nan"),
        "within_standard_share": float(df["within_standard"].mean()) if n else float("nan"),
        "queue_delay_mean_min": _mean(df.loc[served, "queue_delay_min"]),
        "mutual_aid_share": float(df.loc[served, "mutual_aid"].mean())
        if served.any()
        else float("nan"),
        "handover_share": float((df["handed_over"] > 0).mean()) if n else float("nan"),
        "delay_deaths_per_year": float(df["delay_deaths"].sum()) / years,
        "relief_incidents": float(needs.sum()),
        "relief_unserved_incidents": float((needs & ~got).sum()),
        "relief_demanded_units": demanded,
        "relief_unmet_units": float(df["relief_unmet"].sum()),
        "relief_fill_rate": 1.0 - float(df["relief_unmet"].sum()) / demanded
        if demanded > 0
        else float("nan"),
        "stockouts": float(df["relief_short_requests"].sum()),
        "time_to_first_relief_mean_min": _mean(df.loc[got, "first_relief_min"]),
        "time_to_first_relief_p90_min": float(df.loc[got, "first_relief_min"].quantile(0.9))
        if got.any()
        else float("nan"),
        "time_to_full_relief_mean_min": _mean(df.loc[full, "full_relief_min"]),
    }
    for h in hours:
        out[f"people_without_relief_{h:g}h"] = float(df[f"people_without_relief_{h:g}h"].sum())
    return out


def _harm(s: Scenario, types: list[str], kind: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Deaths each incident's response time adds to (or, faster than the reference, saves
    from) its type's deaths at the reference time (``IncidentType.harm``)::

        d_ref · (exp(β · (min(r, saturation) − reference)) − 1)

    so the inspection model's accident deaths (the deaths at a reference response) are not
    counted again; an incident nobody reached counts at the saturation time."""
    out = np.zeros(len(kind))
    for k, key in enumerate(types):
        h = s.incident_types[key].harm
        mine = kind == k
        if h is None or not mine.any():
            continue
        r = np.minimum(np.nan_to_num(response[mine], nan=h.saturation_min), h.saturation_min)
        out[mine] = h.deaths_at_reference * np.expm1(h.log_increase_per_min * (r - h.reference_min))
    return out


def shelter_people(people: float, shelter: Any) -> dict[str, float]:
    """People of a surge incident by shelter type: the evacuated share split over
    ``with_relatives`` and ``collective``, the rest ``at_home``."""
    evacuated = people * shelter.evacuated_share
    out = {"at_home": people - evacuated}
    for where, share in shelter.shares.items():
        out[where] = evacuated * share
    return out


def _surge_rows(
    m: ResponseRecord, incidents: pd.DataFrame, years: float
) -> list[tuple[str, str, str, float]]:
    """Each surge's KPIs over its window and districts (every incident there, any type), and
    its evacuation and shelter demand by type."""
    rows: list[tuple[str, str, str, float]] = []
    t = incidents["time_min"].to_numpy()
    for sid, (key, surge) in enumerate(m.s.surges.items()):
        start = surge.start_day * 1440.0
        end = start + surge.duration_days * 1440.0
        if start >= m.horizon:
            continue
        window = (t >= start) & (t < end) & incidents["adcode"].isin(surge.districts).to_numpy()
        part = incidents[window]
        group = _group_kpis(part, years, m.relief_hours)
        group["delay_deaths"] = group.pop("delay_deaths_per_year") * years  # over the window
        rows.extend(("surge", key, k, v) for k, v in group.items())
        people = float(m.inc.people[m.inc.surge == sid].sum())
        rows.append(("surge", key, "people_affected", people))
        if surge.shelter is not None:
            for where, n in shelter_people(people, surge.shelter).items():
                rows.append(("surge", key, f"people_{where}", n))
                items = surge.shelter.items_for(where)
                rows.append(("surge", key, f"items_per_person_{where}",
                             float(sum(items.values()))))  # fmt: skip
            rows.append(("surge", key, "people_evacuated", people * surge.shelter.evacuated_share))
    return rows


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
        if need <= 0:  # nobody lives there: the per-capita standard asks for nothing, met
            met += 1
            rows.append(("district", a, "relief_standard_coverage", 1.0))
            continue
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
    demanded = m.demanded
    full = (demanded > 0) & (m.unmet <= 0) & (m.received_units >= demanded - 1e-6)
    surge_keys = list(s.surges)
    columns: dict[str, Any] = {
        "rep": rep,
        "time_min": inc.time,
        "adcode": adcode,
        "township": np.array(m.points.ids, dtype=object)[inc.point],
        "region_group": region,
        "incident_type": [m.types[k] for k in inc.kind],
        "surge": [surge_keys[k] if k >= 0 else "" for k in inc.surge],
        "response_min": response,
        "within_standard": np.nan_to_num(response, nan=np.inf) <= target,
        "queue_delay_min": np.where(np.isfinite(m.assigned_at), m.assigned_at - inc.time, np.nan),
        "mutual_aid": mutual,
        "handed_over": m.handed_over,
        "declined": m.declined,
        "delay_deaths": _harm(s, m.types, inc.kind, response),
        "from_inspection": inc.external,
        "people_affected": inc.people,
        "relief_demanded": demanded,
        "relief_unmet": m.unmet,
        "relief_received": m.received_units,
        "relief_short_requests": m.short_requests,
        "first_relief_min": m.first_relief_min,
        "full_relief_min": np.where(full, m.last_relief_min, np.nan),
    }
    share = np.divide(m.relief_by, demanded[:, None], out=np.zeros_like(m.relief_by),
                      where=demanded[:, None] > 0)  # fmt: skip
    share = np.where(share >= 1.0 - 1e-9, 1.0, share)  # rounding of split loads
    for k, h in enumerate(m.relief_hours):
        columns[f"people_without_relief_{h:g}h"] = np.where(
            demanded > 0, inc.people * (1.0 - np.minimum(share[:, k], 1.0)), 0.0
        )
    incidents = pd.DataFrame(columns)
    rows: list[tuple[str, str, str, float]] = []

    def add(level: str, key: str, df: pd.DataFrame) -> None:
        rows.extend((level, key, k, v) for k, v in _group_kpis(df, years, m.relief_hours).items())

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
    rented_cost = fixed_cost = use_cost = 0.0
    for k, key in enumerate(m.kinds):
        vk = s.vehicle_kinds[key]
        mine = m.unit_kind == k
        uses = float(m.uses[mine].sum())
        extra = handovers if m.rented_for_role.get(vk.role) == k else 0.0
        fixed = vehicle_cost_yuan(vk, float(mine.sum()), years, 0.0)
        per_use = vehicle_cost_yuan(vk, 0.0, years, uses + extra)
        fixed_cost += fixed
        use_cost += per_use
        if vk.mode == "rented":
            rented_cost += per_use
        rows.extend([
            ("vehicle_kind", key, "units", float(mine.sum())),
            ("vehicle_kind", key, "utilisation",
             float(util[mine].mean()) if mine.any() else float("nan")),
            ("vehicle_kind", key, "uses", uses + extra),
            ("vehicle_kind", key, "cost_yuan_per_year", (fixed + per_use) / years),
        ])  # fmt: skip
    rented_uses = float(
        sum(m.uses[m.unit_kind == k].sum() for k, key in enumerate(m.kinds)
            if s.vehicle_kinds[key].mode == "rented")
    ) + handovers  # fmt: skip
    rows.append(("city", "all", "rented_uses", rented_uses))
    rows.append(("city", "all", "rented_cost_yuan", rented_cost))
    rows.append(("city", "all", "vehicle_fixed_cost_yuan_per_year", fixed_cost / years))
    rows.append(("city", "all", "vehicle_use_cost_yuan_per_year", use_cost / years))
    rows.append(("city", "all", "vehicle_cost_yuan_per_year", (fixed_cost + use_cost) / years))
    rows.append(("city", "all", "unserved_roles", float(len(m.unserved_roles))))
    rows.extend(_relief_standard_rows(m))
    rows.extend(_surge_rows(m, incidents, years))
    kpis = pd.DataFrame(rows, columns=["level", "key", "kpi", "value"])
    kpis = kpis[np.isfinite(kpis["value"].to_numpy(float))].reset_index(drop=True)
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
                "on_order": m.on_order[w, c], "emptied": m.emptied[w, c],
            })  # fmt: skip
    stock = pd.DataFrame(stock_rows)
    shipments = pd.DataFrame(
        m.shipments,
        columns=["incident", "warehouse", "call_min", "approved_min", "truck_assigned_min",
                 "mobilisation_min", "to_warehouse_min", "loading_min", "drive_min", "arrive_min",
                 "truck"],
    )  # fmt: skip
    shipments.insert(0, "rep", rep)
    if len(shipments):
        shipments["warehouse"] = [m.wh_ids[w] for w in shipments["warehouse"]]
    return ResponseResult(kpis=kpis, incidents=incidents, stock=stock, shipments=shipments)

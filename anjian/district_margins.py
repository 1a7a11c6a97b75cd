"""What one more vehicle, inspector or stock buys, district by district (issue 18: marginal
values by district).

At an allocation (today's, or the plan's overrides), one vehicle of the kind a purchase buys
(contracted 政企合作 if the scenario has a paid contracted kind, else the cheapest paid kind of
the role) is added at each district's depot in turn. Where rented vehicles serve today, a
contracted one can cost less than the rented per-use fees it saves: such a purchase saves
money and lives (``saves_money``), and comes first. The inspection model is simulated once:
vehicles do not change inspections, and its accidents feed every variant's response model
(the models coupled, the same accidents: common random numbers). Each variant's harm is
paired with the base's, per replication, and priced by the cost model (the cost sheets'
difference: the vehicle's yearly cost and the per-use fees it changes).

The same for the two other resources (:func:`margins_by_district`):

* **inspectors** — ``heads`` more of each salaried inspector kind with staff in the district
  (a row per district and kind; its own pools: city-level corps are not a district's). Each
  district is cut out of the city (:func:`anjian.scenarios.derive.district_subscenario`, as
  the inspector optimizer's curves are, :func:`anjian.inspector_curves.staff_runs`) and
  simulated with today's heads and with the added ones on the same seeds (common random
  numbers); the harm change is the paired change of the district's expected accident deaths ×
  the harm measure's accident weight. What fewer accidents do to the response model is left
  out (a few incidents a year in a city's thousands); the cost is the cost sheets' difference
  in fixed rows (salaries and kits: added heads do no third-party inspections).
* **stocks** — ``yuan`` a year more of stock held in the district's own warehouses (district
  and township level; the city reserve is not a district's), every commodity scaled alike
  (stock, reorder point and order-up-to level), the response model run on the shared
  inspections as for vehicles. A district that holds no priced stock is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from anjian.budget import Simulated, by_key, cost_sheet, harm_tidy, totals
from anjian.parallel import default_workers, map_tasks
from anjian.scenarios.scenario import Scenario

COLUMNS = [
    "adcode",
    "name_zh",
    "name_pinyin",
    "resource",  # inspectors, vehicles, stocks
    "where",  # the depot, the district's pool, or its warehouses
    "kind",  # the vehicle or inspector kind added, or "stocks"
    "what",  # what is added, 中文 and English
    "added_yuan_per_year",
    "harm_change",  # deaths a year, variant − base, paired
    "half_width",
    "deaths_averted_per_10k_yuan",  # NaN when the vehicle costs nothing net (see saves_money)
    "saves_money",  # the total cost falls: rented per-use fees saved exceed the vehicle's cost
    "significant",
]


def purchase_kind(s: Scenario, role: str = "rescue") -> str:
    """The kind one more vehicle of ``role`` is: the paid contracted kind if any, else the
    cheapest kind with a yearly cost."""
    paid = sorted(
        (v.mode != "contracted", v.cost_yuan_per_year, k)
        for k, v in s.vehicle_kinds.items()
        if v.role == role and v.cost_yuan_per_year > 0
    )
    if not paid:
        raise ValueError(f"no vehicle kind of role {role!r} has a yearly cost: nothing to buy")
    return paid[0][2]


def _depot_of(s: Scenario, adcode: str, role: str) -> str | None:
    """The district's depot holding most vehicles of ``role`` (ties: the first by id)."""
    best: tuple[int, str] | None = None
    for d_id, d in sorted(s.depots.items()):
        if d.adcode != adcode:
            continue
        n = sum(c for k, c in d.vehicles.items() if s.vehicle_kinds[k].role == role)
        if best is None or n > best[0]:
            best = (n, d_id)
    return None if best is None else best[1]


def _variant(shared: tuple[Scenario, Any, Any, int], over: dict[str, Any]) -> tuple[float, Any]:
    """One variant's response replications with the shared inspections (runs on a worker):
    its total cost and its harm per replication."""
    from anjian.sim.replicate import replicate_response

    s, insp, cfg, reps = shared
    v = s.with_(over)
    resp = replicate_response(v, cfg, reps, None, insp)
    total = totals(cost_sheet(v, Simulated.from_summaries(insp.summary, resp.summary))).total
    return total, harm_tidy(v, insp.kpis, resp.kpis, years=cfg.years)


def _response_variants(
    s: Scenario,
    overs: list[dict[str, Any]],
    years: float,
    reps: int,
    seed: int,
    workers: int | None,
    tick: Callable[[str], None],
) -> tuple[tuple[float, Any], list[tuple[float, Any]]]:
    """The base's and each variant's (total cost, harm per replication): the inspection model
    once, its replications shared by every variant's response model (variants that change
    only vehicles or stocks)."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections
    from anjian.sim.response import ResponseConfig

    tick("监管检查模型 inspection model")
    insp = replicate_inspections(s, InspectionConfig(years=years, seed=seed), reps)
    shared = (s, insp, ResponseConfig(years=years, seed=seed), reps)
    tick("基准 base")
    base = _variant(shared, {})
    done = map_tasks(
        _variant,
        shared,
        overs,
        workers=workers or default_workers(),
        progress=lambda i, n: tick(f"{i}/{n} 区县 districts"),
    )
    return base, done


def vehicle_margins_by_district(
    s: Scenario,
    *,
    role: str = "rescue",
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """One more vehicle in each district of ``s`` (see the module docstring): the paired
    change in harm (95% CI), the yearly cost it adds and deaths averted per 10,000 yuan, one
    row per district with a depot (``COLUMNS``), the best first."""
    from anjian.sim.stats import paired_difference

    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    tick = progress or (lambda _m: None)
    kind = purchase_kind(s, role)
    todo: list[tuple[str, str, dict[str, Any]]] = []
    for a in s.districts:
        depot = _depot_of(s, a, role)
        if depot is None:
            continue
        have = s.depots[depot].vehicles.get(kind, 0)
        todo.append((a, depot, {f"depots.{depot}.vehicles.{kind}": have + 1}))
    if not todo:
        raise ValueError("no district has a depot: nowhere to add a vehicle")
    (base_total, base_harm), done = _response_variants(
        s, [t[2] for t in todo], years, reps, seed, workers, tick
    )
    vk = s.vehicle_kinds[kind]
    rows = []
    for (a, depot, _), (total, harm) in zip(todo, done, strict=True):
        diff = paired_difference(base_harm, harm)
        mean = by_key(diff, "kpi", "mean")["harm_deaths_per_year"]
        half = by_key(diff, "kpi", "half_width")["harm_deaths_per_year"]
        what = f"+1 辆 × {vk.name_zh} {vk.name_en}"
        rows.append(_row(s, a, "vehicles", depot, kind, what, total - base_total, mean, half))
    return _ordered(rows)


def _row(
    s: Scenario,
    a: str,
    resource: str,
    where: str,
    kind: str,
    what: str,
    added: float,
    mean: float,
    half: float,
) -> dict[str, Any]:
    """One district's row of ``COLUMNS``."""
    d = s.districts[a]
    return {
        "adcode": a,
        "name_zh": d.name_zh,
        "name_pinyin": d.name_pinyin,
        "resource": resource,
        "where": where,
        "kind": kind,
        "what": what,
        "added_yuan_per_year": added,
        "harm_change": mean,
        "half_width": half,
        "deaths_averted_per_10k_yuan": (0.0 - mean / added * 10_000) if added > 0 else math.nan,
        "saves_money": bool(added < 0),
        "significant": bool(np.isfinite(half) and abs(mean) > half),
    }


def _ordered(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a table, first the purchases that save money and lives (most deaths first),
    then by deaths averted per yuan."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    free = df["saves_money"] & (df["harm_change"] < 0)
    df["_key"] = np.where(free, 1e12 - df["harm_change"], df["deaths_averted_per_10k_yuan"])
    out = df.sort_values(["_key", "adcode"], ascending=[False, True], na_position="last")
    return out.drop(columns="_key").reset_index(drop=True)


def _fixed_cost(s: Scenario) -> float:
    """The allocation's yearly cost in rows that follow from it alone (``basis`` fixed)."""
    sheet = cost_sheet(s, None)
    return float(sheet.loc[sheet["basis"] == "fixed", "yuan_per_year"].sum())


def district_kinds(s: Scenario, adcode: str) -> list[str]:
    """The paid (salaried) district- or township-scope inspector kinds with staff in
    ``adcode``, in the scenario's order."""
    row = s.staff.get(adcode, {})
    return [
        k
        for k, v in s.inspector_kinds.items()
        if v.scope != "city" and v.head_cost_yuan_per_year > 0 and row.get(k, 0) > 0
    ]


def inspector_margins_by_district(
    s: Scenario,
    *,
    heads: int = 1,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """``heads`` more inspectors of each kind in each district of ``s`` (see the module
    docstring), one row per district and kind: the
    paired change in harm (the district's expected accident deaths × the accident weight,
    95% CI), the yearly cost added and deaths averted per 10,000 yuan (``COLUMNS``)."""
    from anjian.inspector_curves import staff_runs
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.stats import t_interval

    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    if heads < 1:
        raise ValueError(f"heads must be 1 or more, got {heads}")
    tick = progress or (lambda _m: None)
    todo = [(a, k) for a in s.districts for k in district_kinds(s, a)]
    if not todo:
        raise ValueError("no district has paid inspectors of its own: nowhere to add one")
    points = [(a, k, s.staff[a][k] + d) for a, k in todo for d in (0, heads)]
    runs = staff_runs(
        s,
        points,
        reps=reps,
        config=InspectionConfig(years=years, seed=seed),
        workers=workers or default_workers(),
        progress=lambda i, n: tick(f"{i}/{n} 区县模拟 district runs"),
    )
    base_cost = _fixed_cost(s)
    w = s.harm.accident_weight
    rows = []
    for a, k in todo:
        now = s.staff[a][k]
        g = runs[(runs["adcode"] == a) & (runs["kind"] == k)]
        y = g.pivot_table(index="rep", columns="staff", values="expected_deaths_per_year")
        mean, half, _n = t_interval(w * (y[now + heads] - y[now]).to_numpy(float))
        added = _fixed_cost(s.with_({f"staff.{a}.{k}": now + heads})) - base_cost
        ik = s.inspector_kinds[k]
        what = f"+{heads} 人 × {ik.name_zh} {ik.name_en}"
        rows.append(_row(s, a, "inspectors", f"{a} {k}", k, what, added, mean, half))
    return _ordered(rows)


def _district_stock_overrides(s: Scenario, adcode: str, yuan: float) -> tuple[dict[str, Any], str]:
    """Overrides that hold about ``yuan`` a year more stock in ``adcode``'s own warehouses
    (every commodity scaled alike) and the warehouses' ids; empty if it holds no priced stock."""
    mine = [w for w, wh in s.warehouses.items()
            if wh.adcode == adcode and wh.level in ("district", "township")]  # fmt: skip
    held = sum(pol.stock_units * s.commodities[c].yearly_cost_yuan
               for w in mine for c, pol in s.warehouses[w].stocks.items())  # fmt: skip
    if held <= 0:
        return {}, ""
    f = 1.0 + yuan / held
    out: dict[str, Any] = {}
    for w in mine:
        for c, pol in s.warehouses[w].stocks.items():
            base = f"warehouses.{w}.stocks.{c}"
            out[f"{base}.stock_units"] = round(pol.stock_units * f)
            out[f"{base}.reorder_point_units"] = round(pol.reorder_point_units * f)
            out[f"{base}.order_up_to_units"] = round(pol.order_up_to_units * f)
    return out, f"库存 stock × {f:.3g}"


def stock_margins_by_district(
    s: Scenario,
    *,
    yuan: float = 100_000.0,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """``yuan`` a year more stock in each district's own warehouses (see the module
    docstring): the paired change in harm (95% CI), the yearly cost added (the cost sheets'
    difference) and deaths averted per 10,000 yuan (``COLUMNS``)."""
    from anjian.sim.stats import paired_difference

    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    if not (math.isfinite(yuan) and yuan > 0):
        raise ValueError(f"yuan must be a positive number of yuan a year, got {yuan}")
    tick = progress or (lambda _m: None)
    todo = []
    for a in s.districts:
        over, what = _district_stock_overrides(s, a, yuan)
        if over:
            held = sorted({k.split(".")[1] for k in over})
            todo.append((a, " ".join(held), what, over))
    if not todo:
        raise ValueError("no district holds priced stock in its own warehouses: nothing to add")
    (base_total, base_harm), done = _response_variants(
        s, [t[3] for t in todo], years, reps, seed, workers, tick
    )
    rows = []
    for (a, place, what, _), (total, harm) in zip(todo, done, strict=True):
        diff = paired_difference(base_harm, harm)
        mean = by_key(diff, "kpi", "mean")["harm_deaths_per_year"]
        half = by_key(diff, "kpi", "half_width")["harm_deaths_per_year"]
        rows.append(_row(s, a, "stocks", place, "stocks", what, total - base_total, mean, half))
    return _ordered(rows)


#: resource → its margins by district
BY_RESOURCE: dict[str, Callable[..., pd.DataFrame]] = {
    "vehicles": vehicle_margins_by_district,
    "inspectors": inspector_margins_by_district,
    "stocks": stock_margins_by_district,
}


def margins_by_district(s: Scenario, resource: str, **kw: Any) -> pd.DataFrame:
    """:func:`vehicle_margins_by_district`, :func:`inspector_margins_by_district` or
    :func:`stock_margins_by_district` by ``resource``, with their keyword arguments."""
    if resource not in BY_RESOURCE:
        raise ValueError(f"resource must be one of {', '.join(BY_RESOURCE)}, got {resource!r}")
    return BY_RESOURCE[resource](s, **kw)

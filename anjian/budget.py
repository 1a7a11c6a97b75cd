"""The budget officer's two measures (issue 18): what an allocation costs, itemised, in yuan a
year, and what harm it leaves, in expected deaths a year — one definition for the CLI, the
app, exports and reports (docs/budget.md).

**Costs** (:func:`cost_sheet`), one row per item:

========== ============================= ==========================================================
resource   item                          yuan a year
========== ============================= ==========================================================
inspectors ``salaries`` (per kind)       headcount × ``cost_yuan_per_year`` (the whole post)
inspectors ``equipment`` (per kind)      equipped kits × ``equipment_cost_yuan_per_year``
inspectors ``inspection_fees`` (kind)    inspections done × ``cost_yuan_per_inspection``
                                         (third-party 第三方 posts; simulated)
vehicles   ``ownership`` (per kind)      vehicles × ``cost_yuan_per_year`` (ownership of
                                         dedicated vehicles, the retainer of contracted ones)
vehicles   ``use_fees``                  calls answered × ``cost_yuan_per_use`` (rental and
                                         contract fees, per-use costs; simulated)
stocks     ``stock_upkeep`` (commodity)  units × ``unit_cost_yuan`` × ``holding_share_per_year``
stocks     ``stock_replacement``         units × ``unit_cost_yuan`` / ``shelf_life_years``
========== ============================= ==========================================================

``basis`` says whether a row follows from the allocation alone (``fixed``) or from the work
done (``simulated``: without a simulation its value is unknown, NaN, and totals say so).
Buying stock beyond what is held is a one-time outlay (``stock_purchase``, ``one_time``), not a
yearly cost: in the yearly accounts a unit costs its upkeep and its replacement.

**Harm** (:func:`harm_tidy`), expected deaths a year, three parts weighted by ``[harm]``:
accident deaths the inspection model expects from the hazards left open
(``expected_deaths_per_year``), deaths from slower response than each incident type's
reference time (the response model's harm relation, ``delay_deaths_per_year``), and deaths of
people left without relief after the first batch: person-days without relief × the excess
death rate ``relief_deaths_per_10000_person_days`` (the person-days are the trapezoid of the
response model's ``people_without_relief_<h>h`` counts between the hours from the first batch
on, the last count carried for ``relief_tail_days`` more).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from anjian.scenarios.scenario import Scenario, equipment_kits

if TYPE_CHECKING:
    from anjian.placement import Place

#: item key → (中文, English)
ITEMS: dict[str, tuple[str, str]] = {
    "salaries": ("人员薪酬", "Salaries"),
    "equipment": ("检测装备", "Detection kits"),
    "inspection_fees": ("第三方检查费", "Third-party inspection fees"),
    "ownership": ("车辆保有/签约费", "Vehicle ownership / retainer"),
    "use_fees": (
        "车辆按次费用（租用、签约、运行）",
        "Vehicle fees per call (rental, contract, running)",
    ),
    "stock_upkeep": ("物资仓储维护", "Stock upkeep"),
    "stock_replacement": ("物资轮换更新", "Stock replacement (shelf life)"),
    "stock_purchase": ("新增物资购置（一次性）", "Added stock purchase (one-time)"),
}
#: resource key → (中文, English)
RESOURCES: dict[str, tuple[str, str]] = {
    "inspectors": ("监管检查", "Inspectors"),
    "vehicles": ("应急车辆", "Vehicles"),
    "stocks": ("救灾物资", "Relief stocks"),
}
#: harm part → (中文, English); ``harm_deaths_per_year`` is their weighted sum
HARM_PARTS: dict[str, tuple[str, str]] = {
    "harm_accident_deaths_per_year": ("事故预期死亡", "Accident deaths (expected)"),
    "harm_response_deaths_per_year": ("响应延误致死", "Deaths from response delay"),
    "harm_relief_deaths_per_year": ("救助不及时致死", "Deaths from late relief"),
    "harm_deaths_per_year": ("综合伤害（预期死亡/年）", "Harm (expected deaths a year)"),
}
COLUMNS = [
    "resource",
    "item",
    "key",
    "name_zh",
    "name_en",
    "basis",
    "quantity",
    "unit_cost_yuan",
    "yuan_per_year",
]


@dataclass(frozen=True)
class Simulated:
    """The work-dependent costs a simulation measured (yuan a year): third-party fees by
    inspector kind, and the vehicles' per-use costs."""

    inspection_fees_by_kind: Mapping[str, float]
    vehicle_use_yuan_per_year: float

    @classmethod
    def from_summaries(
        cls, inspection: pd.DataFrame | None, response: pd.DataFrame | None
    ) -> Simulated:
        """From the summaries (``level, key, kpi, mean``) of the two models' replications."""

        def pick(df: pd.DataFrame | None, level: str, kpi: str) -> pd.Series:
            if df is None or df.empty:
                return pd.Series(dtype=float)
            sel = df[(df["level"] == level) & (df["kpi"] == kpi)]
            return sel.set_index("key")["mean"].astype(float)

        fees = pick(inspection, "kind", "inspection_fees_yuan_per_year")
        use = pick(response, "city", "vehicle_use_cost_yuan_per_year")
        return cls(
            {str(k): float(v) for k, v in fees.items()},
            float(use.iloc[0]) if len(use) else math.nan,
        )


def _row(
    resource: str,
    item: str,
    key: str,
    zh: str,
    en: str,
    basis: str,
    quantity: float,
    unit_cost: float,
    yuan: float,
) -> dict[str, object]:
    return dict(
        zip(COLUMNS, (resource, item, key, zh, en, basis, quantity, unit_cost, yuan), strict=True)
    )


def stock_units(s: Scenario) -> dict[str, float]:
    """Units of each commodity held in the scenario's warehouses."""
    out = dict.fromkeys(s.commodities, 0.0)
    for w in s.warehouses.values():
        for c, pol in w.stocks.items():
            out[c] += float(pol.stock_units)
    return out


def cost_sheet(
    s: Scenario,
    simulated: Simulated | None = None,
    *,
    stock_before: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every cost item of the scenario's allocation, yuan a year (see the module docstring).

    ``simulated`` fills the work-dependent rows (NaN without); ``stock_before`` (units by
    commodity, e.g. today's) adds the one-time purchase of the stock held beyond it.
    """
    rows: list[dict[str, object]] = []
    heads: dict[str, float] = {}
    for row in s.staff.values():
        for k, count in row.items():
            heads[k] = heads.get(k, 0.0) + count
    kits: dict[str, float] = {}
    for kit_row in equipment_kits(s).values():
        for k, equipped in kit_row.items():
            kits[k] = kits.get(k, 0.0) + equipped
    for k, kind in s.inspector_kinds.items():
        zh, en = kind.name_zh, kind.name_en
        n = heads.get(k, 0.0)
        if kind.cost_yuan_per_year > 0 and n > 0:
            rows.append(
                _row(
                    "inspectors",
                    "salaries",
                    k,
                    zh,
                    en,
                    "fixed",
                    n,
                    kind.cost_yuan_per_year,
                    n * kind.cost_yuan_per_year,
                )
            )
        kit = kits.get(k, 0.0)
        if kind.equipment_cost_yuan_per_year > 0 and kit > 0:
            rows.append(
                _row(
                    "inspectors",
                    "equipment",
                    k,
                    zh,
                    en,
                    "fixed",
                    kit,
                    kind.equipment_cost_yuan_per_year,
                    kit * kind.equipment_cost_yuan_per_year,
                )
            )
        if kind.cost_yuan_per_inspection > 0 and n > 0:
            fee = math.nan if simulated is None else simulated.inspection_fees_by_kind.get(k, 0.0)
            done = fee / kind.cost_yuan_per_inspection if np.isfinite(fee) else math.nan
            rows.append(
                _row(
                    "inspectors",
                    "inspection_fees",
                    k,
                    zh,
                    en,
                    "simulated",
                    done,
                    kind.cost_yuan_per_inspection,
                    fee,
                )
            )
    held: dict[str, float] = {}
    for d in s.depots.values():
        for k, count in d.vehicles.items():
            held[k] = held.get(k, 0.0) + count
    for k, vk in s.vehicle_kinds.items():
        n = held.get(k, 0.0)
        if vk.cost_yuan_per_year > 0 and n > 0:
            rows.append(
                _row(
                    "vehicles",
                    "ownership",
                    k,
                    vk.name_zh,
                    vk.name_en,
                    "fixed",
                    n,
                    vk.cost_yuan_per_year,
                    n * vk.cost_yuan_per_year,
                )
            )
    if any(vk.cost_yuan_per_use > 0 for vk in s.vehicle_kinds.values()):
        use = math.nan if simulated is None else simulated.vehicle_use_yuan_per_year
        zh, en = ITEMS["use_fees"]
        rows.append(
            _row("vehicles", "use_fees", "all", zh, en, "simulated", math.nan, math.nan, use)
        )
    units = stock_units(s)
    for c, com in s.commodities.items():
        n = units.get(c, 0.0)
        if n <= 0:
            continue
        value = n * com.unit_cost_yuan
        if com.holding_share_per_year > 0:
            rows.append(
                _row(
                    "stocks",
                    "stock_upkeep",
                    c,
                    com.name_zh,
                    com.name_en,
                    "fixed",
                    n,
                    com.unit_cost_yuan * com.holding_share_per_year,
                    value * com.holding_share_per_year,
                )
            )
        if com.shelf_life_years:
            rows.append(
                _row(
                    "stocks",
                    "stock_replacement",
                    c,
                    com.name_zh,
                    com.name_en,
                    "fixed",
                    n,
                    com.unit_cost_yuan / com.shelf_life_years,
                    value / com.shelf_life_years,
                )
            )
        if stock_before is not None and n > stock_before.get(c, 0.0):
            added = n - stock_before.get(c, 0.0)
            rows.append(
                _row(
                    "stocks",
                    "stock_purchase",
                    c,
                    com.name_zh,
                    com.name_en,
                    "one_time",
                    added,
                    com.unit_cost_yuan,
                    added * com.unit_cost_yuan,
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class Totals:
    """A cost sheet's yearly totals (yuan): by resource, all, whether any simulated row is
    unknown, and the one-time outlay."""

    by_resource: dict[str, float]
    total: float
    complete: bool
    one_time: float


def totals(sheet: pd.DataFrame) -> Totals:
    """Yearly totals of :func:`cost_sheet` (one-time rows apart; unknown rows count 0 and
    make ``complete`` False)."""
    yearly = sheet[sheet["basis"] != "one_time"]
    values = yearly["yuan_per_year"].astype(float)
    by = {r: float(values[yearly["resource"] == r].fillna(0.0).sum()) for r in RESOURCES}
    one = float(sheet.loc[sheet["basis"] == "one_time", "yuan_per_year"].sum())
    return Totals(by, float(sum(by.values())), bool(values.notna().all()), one)


def budget_yuan_per_year(s: Scenario, today_total: float) -> float:
    """The money the scenario's ``[budget]`` grants a year: its ``total_yuan_per_year``, or
    what today's allocation costs when it gives none (the same money, placed anew)."""
    b = s.budget.total_yuan_per_year
    return float(today_total if b is None else b)


# -- harm ------------------------------------------------------------------------------------
def relief_person_days(
    counts: Mapping[float, float], first_batch_hours: float, tail_days: float
) -> float:
    """Person-days without relief after the first batch, from the people still without
    relief at each hour (``counts``: hours → people): the trapezoid between the hours from
    ``first_batch_hours`` on, then the last count for ``tail_days``. Hours before the first
    batch count nothing (relief is not yet due)."""
    hours = sorted(h for h in counts if h >= first_batch_hours)
    if not hours:
        return 0.0
    total = 0.0
    for a, b in itertools.pairwise(hours):
        total += 0.5 * (counts[a] + counts[b]) * (b - a) / 24.0
    return total + counts[hours[-1]] * tail_days


def harm_tidy(
    s: Scenario,
    inspection: pd.DataFrame | None,
    response: pd.DataFrame | None,
    *,
    years: float,
) -> pd.DataFrame:
    """The harm measure per replication (``rep, level, key, kpi, value``; city level) from
    the two models' tidy KPI tables (either may be None: its part is then left out, not 0),
    so that :func:`anjian.sim.stats.summarize` and paired differences apply. ``years``: the
    simulated window of the response model (its relief counts are totals over the window)."""
    h = s.harm
    parts: dict[str, pd.Series] = {}

    def city(df: pd.DataFrame, kpi: str) -> pd.Series:
        sel = df[(df["level"] == "city") & (df["kpi"] == kpi)]
        return sel.set_index("rep")["value"].astype(float)

    if inspection is not None:
        parts["harm_accident_deaths_per_year"] = h.accident_weight * city(
            inspection, "expected_deaths_per_year"
        )
    if response is not None:
        parts["harm_response_deaths_per_year"] = h.response_weight * city(
            response, "delay_deaths_per_year"
        )
        hours = s.relief_logistics.people_without_relief_hours
        counts = {hr: city(response, f"people_without_relief_{hr:g}h") for hr in hours}
        reps = sorted(set().union(*[set(c.index) for c in counts.values()])) if counts else []
        first = s.relief_planning.first_batch_hours
        rate = h.relief_deaths_per_10000_person_days / 10_000.0
        parts["harm_relief_deaths_per_year"] = pd.Series(
            {
                r: rate
                * relief_person_days(
                    {hr: float(c.get(r, 0.0)) for hr, c in counts.items()},
                    first,
                    h.relief_tail_days,
                )
                / years
                for r in reps
            },
            dtype=float,
        )
    if not parts:
        return pd.DataFrame(columns=["rep", "level", "key", "kpi", "value"])
    frame = pd.DataFrame(parts)
    frame["harm_deaths_per_year"] = frame.sum(axis=1, min_count=1)
    long = frame.rename_axis("rep").reset_index().melt(id_vars="rep", var_name="kpi")
    long.insert(1, "level", "city")
    long.insert(2, "key", "all")
    return long[["rep", "level", "key", "kpi", "value"]]


# -- an allocation appraised: its costs and its harm, simulated ------------------------------
@dataclass(frozen=True)
class Appraisal:
    """An allocation's itemised costs (simulated rows filled), its harm per replication and
    summarised (with CIs), the budget it is held to, and the settings that produced it."""

    scenario: str
    sheet: pd.DataFrame
    totals: Totals
    budget: float
    harm: pd.DataFrame  # tidy: rep, level, key, kpi, value
    harm_summary: pd.DataFrame  # level, key, kpi, mean, half_width, low, high, reps
    years: float
    reps: int
    seed: int
    kpis: pd.DataFrame | None = None  # tidy, both models: model, rep, level, key, kpi, value
    #: the inspection model's replications behind it (for variants that share them, see
    #: :func:`inspections_unchanged`); not compared, not printed
    inspections: Any = field(default=None, compare=False, repr=False)

    def harm_table(self) -> pd.DataFrame:
        """The harm parts with their labels (中文, English), mean and 95% half-width."""
        df = self.harm_summary.set_index("kpi").reindex(list(HARM_PARTS)).reset_index()
        df.insert(1, "name_zh", [HARM_PARTS[k][0] for k in df["kpi"]])
        df.insert(2, "name_en", [HARM_PARTS[k][1] for k in df["kpi"]])
        return df[["kpi", "name_zh", "name_en", "mean", "half_width"]]

    def resource_table(self) -> pd.DataFrame:
        """Yearly cost by resource with labels, and the total against the budget."""
        rows = [
            {
                "resource": r,
                "name_zh": zh,
                "name_en": en,
                "yuan_per_year": self.totals.by_resource[r],
            }
            for r, (zh, en) in RESOURCES.items()
        ]
        rows.append(
            {
                "resource": "total",
                "name_zh": "合计",
                "name_en": "Total",
                "yuan_per_year": self.totals.total,
            }
        )
        rows.append(
            {
                "resource": "budget",
                "name_zh": "预算",
                "name_en": "Budget",
                "yuan_per_year": self.budget,
            }
        )
        return pd.DataFrame(rows)


def appraise(
    s: Scenario,
    *,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    budget: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    first: int = 0,
    inspections: Any = None,
) -> Appraisal:
    """Simulate ``s`` (both models coupled: the inspection model's accidents become incidents)
    and price and weigh it. ``budget``: yuan a year the allocation is held to (default: the
    scenario's ``[budget]``, or without one its own cost — today's allocation is its own
    budget); ``progress(done, total)`` is called per replication of each model; ``first``:
    the first replication's index (more replications of the same seed: ``first`` = reps done).
    ``inspections``: the inspection model's replications of an allocation that differs from
    ``s`` only where the inspection model does not look (:func:`inspections_unchanged`), with
    the same ``years``, ``seed`` and replications — used as they are, not simulated again
    (the result is the same; the inspection model is most of an appraisal's time)."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections, replicate_response
    from anjian.sim.response import ResponseConfig
    from anjian.sim.stats import summarize

    if inspections is None:
        insp = replicate_inspections(
            s, InspectionConfig(years=years, seed=seed), reps, progress, first
        )
    else:
        want = list(range(first, first + reps))
        have = sorted(int(r) for r in pd.unique(inspections.kpis["rep"]))
        if have != want:
            raise ValueError(
                f"the inspections given have replications {have}, the appraisal needs {want}"
            )
        insp = inspections
    resp = replicate_response(
        s, ResponseConfig(years=years, seed=seed), reps, progress, insp, first
    )
    sheet = cost_sheet(s, Simulated.from_summaries(insp.summary, resp.summary))
    tot = totals(sheet)
    money = budget_yuan_per_year(s, tot.total) if budget is None else float(budget)
    harm = harm_tidy(s, insp.kpis, resp.kpis, years=years)
    kpis = pd.concat(
        [insp.kpis.assign(model="inspection"), resp.kpis.assign(model="response")],
        ignore_index=True,
    )
    return Appraisal(
        s.meta.name, sheet, tot, money, harm, summarize(harm), years, reps, seed, kpis, insp
    )


#: scenario sections the inspection model never reads (vehicles, depots, relief stocks): an
#: allocation changed only there has the same inspections, replication by replication
RESPONSE_ONLY_SECTIONS = ("depots", "vehicle_kinds", "warehouses", "commodities")


def inspection_part(over: Mapping[str, Any]) -> dict[str, Any]:
    """The overrides the inspection model can see (those outside ``RESPONSE_ONLY_SECTIONS``)."""
    return {k: v for k, v in over.items() if k.split(".", 1)[0] not in RESPONSE_ONLY_SECTIONS}


def inspections_unchanged(over: Mapping[str, Any]) -> bool:
    """Whether overrides ``over`` leave the inspection model's input as it was."""
    return not inspection_part(over)


# -- one step of money, simulated ---------------------------------------------------------
STEP_COLUMNS = [
    "round",
    "resource",
    "name_zh",
    "name_en",
    "direction",
    "what",
    "yuan_per_year",
    "harm_change",
    "half_width",
    "harm_per_10k_yuan",
    # what the search minimises (harm, or an operational KPI made lower-is-better): its change
    "objective_change",
    "objective_half_width",
    "objective_per_10k_yuan",
]

#: What the search may minimise: ``harm`` (expected deaths a year), or one operational KPI
#: to raise (model, KPI; higher is better), for the frontier between objectives.
SEARCH_OBJECTIVES: dict[str, tuple[str, str] | None] = {
    "harm": None,
    "within_standard_share": ("response", "within_standard_share"),
    "on_time_rate": ("inspection", "on_time_rate"),
    "relief_fill_rate": ("response", "relief_fill_rate"),
}


def objective_label(objective: str) -> tuple[str, str]:
    """The objective's name (中文, English): the harm measure, or the KPI's catalogue label."""
    which = SEARCH_OBJECTIVES[objective]
    if which is None:
        return HARM_PARTS["harm_deaths_per_year"]
    from anjian.kpis import kpi

    k = kpi(which[1], which[0])  # type: ignore[arg-type]
    return k.label("zh"), k.label("en")


def objective_tidy(a: Appraisal, objective: str = "harm") -> pd.DataFrame:
    """What the search minimises, per replication (``rep, level, key, kpi, value``, kpi
    ``objective``): the harm (deaths a year), or − the KPI (a share: −1 = all) for the others.

    Raises
    ------
    ValueError
        For an unknown objective, or a KPI the appraisal lacks.
    """
    if objective not in SEARCH_OBJECTIVES:
        raise ValueError(
            f"objective must be one of {', '.join(SEARCH_OBJECTIVES)}, got {objective!r}"
        )
    which = SEARCH_OBJECTIVES[objective]
    if which is None:
        h = a.harm[a.harm["kpi"] == "harm_deaths_per_year"]
        return h.assign(kpi="objective")[["rep", "level", "key", "kpi", "value"]]
    model, kpi = which
    k = a.kpis
    rows = (
        k[(k["model"] == model) & (k["level"] == "city") & (k["kpi"] == kpi)]
        if k is not None
        else None
    )
    if rows is None or rows.empty:
        raise ValueError(f"the simulation has no {kpi} to optimise (model {model})")
    out = rows[["rep", "level", "key"]].assign(kpi="objective", value=-rows["value"].astype(float))
    return out.reset_index(drop=True)


def by_key(df: pd.DataFrame, key: str, value: str) -> dict[str, float]:
    """``{key: value}`` of a table's two columns (values as floats)."""
    return dict(zip(df[key].astype(str), df[value].to_numpy(dtype=float).tolist(), strict=True))


def appraise_variant(shared: tuple[Any, ...], over: dict[str, Any]) -> Appraisal:
    """One variant of the shared scenario appraised: ``shared`` = (scenario, years, reps,
    seed, budget, first replication[, inspections by :func:`inspection_key`]), ``over`` its
    overrides (module level: runs on a worker, see :func:`anjian.parallel.map_tasks`). With
    the inspections of the variant's key, only the response model runs."""
    cur, years, reps, seed, budget, first = shared[:6]
    known = shared[6] if len(shared) > 6 else {}
    return appraise(
        cur.with_(over),
        years=years,
        reps=reps,
        seed=seed,
        budget=budget,
        first=first,
        inspections=known.get(inspection_key(over)),
    )


def inspection_key(over: Mapping[str, Any]) -> str:
    """A key shared by overrides that give the inspection model the same input."""
    import json

    return json.dumps(inspection_part(over), sort_keys=True, default=str)


def _inspect(shared: tuple[Any, ...], over: dict[str, Any]) -> Any:
    """The inspection model's replications of one variant (module level: runs on a worker)."""
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections

    cur, years, reps, seed, _budget, first = shared[:6]
    cfg = InspectionConfig(years=years, seed=seed)
    return replicate_inspections(cur.with_(over), cfg, reps, None, first)


def appraise_many(
    s: Scenario,
    overrides: list[dict[str, Any]],
    *,
    years: float,
    reps: int,
    seed: int,
    budget: float | None,
    first: int = 0,
    workers: int | None = None,
    inspections: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Appraisal]:
    """Each variant of ``s`` (its overrides) appraised as :func:`appraise` would, with the
    inspection model run once per distinct input it sees: first the inspections of the
    variants that change what it sees (in parallel), then every variant's response model with
    its inspections. ``inspections``: those of ``s`` itself, if already simulated with these
    settings. The results are the same as appraising each variant alone."""
    from anjian.parallel import default_workers, map_tasks

    n = workers or default_workers()
    shared: tuple[Any, ...] = (s, years, reps, seed, budget, first)
    known: dict[str, Any] = {} if inspections is None else {inspection_key({}): inspections}
    todo: dict[str, dict[str, Any]] = {}
    for over in overrides:
        key = inspection_key(over)
        if key not in known and key not in todo:
            todo[key] = inspection_part(over)
    # one variant alone is cheaper whole (one task); several share their inspections
    if len(overrides) > 1 and todo:
        got = map_tasks(_inspect, shared, list(todo.values()), workers=n)
        known.update(zip(todo, got, strict=True))
    return map_tasks(appraise_variant, (*shared, known), overrides, workers=n, progress=progress)


def step_margins(
    cur: Scenario,
    base: Appraisal,
    step: float,
    rnd: int,
    tick: Callable[[str], None],
    workers: int,
    directions: tuple[int, ...] = (1, -1),
    place: Place | None = None,
    objective: str = "harm",
) -> tuple[
    pd.DataFrame,
    dict[tuple[str, int], dict[str, Any]],
    list[tuple[str, str]],
    dict[tuple[str, int], Appraisal],
]:
    """Every resource one step (``step`` yuan a year, :func:`anjian.levers.spend_overrides`)
    in each of ``directions`` from ``cur``, simulated on ``workers`` processes with ``base``'s
    settings and seed (common random numbers): the paired change in harm and the cost actually
    moved (one row each, ``STEP_COLUMNS``), the overrides of each move by (resource, sign),
    the resources left out with the reason, and each move's appraisal by (resource, sign).
    ``place`` decides where a step's money goes (:mod:`anjian.placement`; default: the fixed
    rules of :func:`anjian.levers.spend_overrides`); it is given ``base``. ``objective``
    (:data:`SEARCH_OBJECTIVES`) fills the ``objective_*`` columns."""
    from anjian.placement import by_rules
    from anjian.sim.stats import paired_difference

    place = place or by_rules

    todo: list[tuple[str, str, str, int, str, dict[str, Any]]] = []
    skipped: list[tuple[str, str]] = []
    for r, (zh, en) in RESOURCES.items():
        for sign in directions:
            try:
                over, what = place(cur, r, sign * step, base)
            except ValueError as err:
                skipped.append((r, str(err)))
                continue
            if over and not what.startswith(("+0 ", "-0 ")):
                todo.append((r, zh, en, sign, what, over))
            else:
                skipped.append((r, f"one step ({step:,.0f} yuan) buys or cuts no whole unit"))
    tick(" · ".join(f"{zh} {what}" for _, zh, _, _, what, _ in todo))
    done = appraise_many(
        cur,
        [t[5] for t in todo],
        years=base.years,
        reps=base.reps,
        seed=base.seed,
        budget=base.budget,
        workers=workers,
        inspections=base.inspections,
        progress=lambda i, n: tick(f"{i}/{n}"),
    )
    rows, moves, appraised = [], {}, {}
    for (r, zh, en, sign, what, over), a in zip(todo, done, strict=True):
        diff = paired_difference(base.harm, a.harm)
        mean = by_key(diff, "kpi", "mean")["harm_deaths_per_year"]
        half = by_key(diff, "kpi", "half_width")["harm_deaths_per_year"]
        moved = a.totals.total - base.totals.total
        od = paired_difference(objective_tidy(base, objective), objective_tidy(a, objective))
        o_mean, o_half = float(od["mean"].iloc[0]), float(od["half_width"].iloc[0])
        rows.append(
            {
                "round": rnd,
                "resource": r,
                "name_zh": zh,
                "name_en": en,
                "direction": "more" if sign > 0 else "less",
                "what": what,
                "yuan_per_year": moved,
                "harm_change": mean,
                "half_width": half,
                "harm_per_10k_yuan": mean / abs(moved) * 10_000 if moved else math.nan,
                "objective_change": o_mean,
                "objective_half_width": o_half,
                "objective_per_10k_yuan": o_mean / abs(moved) * 10_000 if moved else math.nan,
            }
        )
        moves[(r, sign)] = over
        appraised[(r, sign)] = a
    return pd.DataFrame(rows, columns=STEP_COLUMNS), moves, skipped, appraised


# -- what the next sum buys ------------------------------------------------------------------
MARGIN_COLUMNS = [
    "resource",
    "name_zh",
    "name_en",
    "bought",
    "added_yuan_per_year",
    "harm_change",
    "harm_change_half_width",
    "deaths_averted_per_10k_yuan",
    "significant",
]


def marginal_values(
    s: Scenario,
    *,
    step_yuan: float = 10_000_000.0,
    years: float = 1.0,
    reps: int = 5,
    seed: int = 0,
    base: Appraisal | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """What ``step_yuan`` a year more buys in each resource at the scenario's allocation: each
    resource's variant (:func:`anjian.levers.spend_overrides`) simulated with the same seed
    as the base (common random numbers), the paired change in harm with its 95% CI, the cost
    actually added (the cost sheets' difference) and deaths averted per 10,000 yuan. A
    resource with nothing to buy is left out. ``base``: the scenario's appraisal if done."""
    if not step_yuan > 0:
        raise ValueError(f"step_yuan must be positive, got {step_yuan}")
    a0 = base or appraise(s, years=years, reps=reps, seed=seed)
    if step_yuan > 0.25 * a0.budget:
        raise ValueError(
            f"the step ({step_yuan:,.0f} yuan a year) is more than a quarter of the "
            f"budget ({a0.budget:,.0f}): choose a smaller --margins"
        )
    tick = (lambda _m: None) if progress is None else progress
    steps, _, _, _ = step_margins(s, a0, step_yuan, 1, tick, workers=1, directions=(1,))
    rows = []
    for m in steps.to_dict("records"):
        added, mean, half = (float(m[k]) for k in ("yuan_per_year", "harm_change", "half_width"))
        rows.append(
            {
                "resource": m["resource"],
                "name_zh": m["name_zh"],
                "name_en": m["name_en"],
                "bought": m["what"],
                "added_yuan_per_year": added,
                "harm_change": mean,
                "harm_change_half_width": half,
                "deaths_averted_per_10k_yuan": -mean / added * 10_000 if added > 0 else math.nan,
                "significant": bool(np.isfinite(half) and abs(mean) > half),
            }
        )
    return pd.DataFrame(rows, columns=MARGIN_COLUMNS)

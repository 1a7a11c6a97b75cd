"""Relief stocks, end to end (issue 17): disaster episodes from the response model's
generator, the two-stage reserve program (:mod:`anjian.optimize.reserves`), a township reserve
standard, and the plan, the standard, today's stocks and the per-capita rule simulated on the
same disasters.

* **Reserve points**: the scenario's warehouses (city, district, township) and, at township
  resolution, one candidate per township (乡镇街道) holding up to
  ``relief_planning.capacity_truckloads.township``.
* **Arcs**: a disaster at a demand point may draw on the nearest township candidates of its
  district, its district's warehouses, every city warehouse and the nearest other districts'
  warehouses. An arc's delivery time is the relief logistics model's mean approval (by the
  point's level) + the nearest truck's mobilisation and drive to the point + loading + the
  drive to the disaster; a truck is busy with one load for its mobilisation, loading and both
  ways (depot → point → disaster → depot). Within the first batch's deadline the fleet has
  Σ trucks × availability × deadline truck-hours a day.
* **Episodes** (the scenarios): the disasters of one ``relief_planning.episode_days`` window
  draw on the stock before reorders arrive. Ordinary windows come from whole simulated years of
  the scenario's incident generator without its surges (every window a year, empty ones
  included, stands for 365 / episode_days ÷ the windows sampled); each surge is a stratum of
  its own — the surge with the ordinary disasters of its window — weighted 1 / its return period
  (``return_period_years``; none: every year). Stratified sampling keeps a rare surge in every
  sample instead of in one of forty.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from anjian.optimize.reserves import (
    Episode,
    ReserveInstance,
    ReserveSolution,
    check_reserve_plan,
    episode_flows,
    program,
    recourse_program,
    solve_reserves,
)
from anjian.optimize.stochastic import Mapper, evaluate, solve_extensive
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_YEAR
from anjian.scenarios.travel import geometric_minutes, minutes_from_places
from anjian.sim.incidents import draw_incidents
from anjian.sim.replicate import replicate_response
from anjian.sim.response import ResponseConfig, relief_need, relief_needs
from anjian.sim.stats import paired_difference

#: The township candidates' id prefix (a township reserve point is ``tw<township code>``).
TOWNSHIP_PREFIX = "tw"


@dataclass(frozen=True)
class ReserveNetwork:
    """Reserve points, the arcs from them to every demand point and the truck fleet (see the
    module docstring)."""

    s: Scenario
    ids: tuple[str, ...]
    level: np.ndarray  # city / district / township
    adcode: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    name_zh: tuple[str, ...]
    population: np.ndarray  # township candidates: residents; others: 0
    existing: np.ndarray  # bool: a warehouse of the scenario
    commodities: tuple[str, ...]
    sources: tuple[np.ndarray, ...]  # by demand point: reserve points that may serve it
    hours: tuple[np.ndarray, ...]  # delivery hours on those arcs
    truck_busy: tuple[np.ndarray, ...]  # truck hours per load on those arcs
    truck_hours_per_day: float
    load_fee: float

    @property
    def townships(self) -> np.ndarray:
        return np.flatnonzero(self.level == "township")


def _mean_min(d: Any) -> float:
    return float(d.mean) if d is not None else 0.0


def reserve_network(
    s: Scenario,
    *,
    township_candidates: bool = True,
    nearest_townships: int = 3,
    nearest_districts: int = 2,
) -> ReserveNetwork:
    """The reserve points and arcs of scenario ``s`` (see the module docstring)."""
    pts = s.demand_points
    ids: list[str] = []
    level, adcode, lon, lat, names, pop, existing = [], [], [], [], [], [], []
    for wid, w in s.warehouses.items():
        ids.append(wid)
        level.append(w.level)
        adcode.append(w.adcode)
        lon.append(w.lon)
        lat.append(w.lat)
        names.append(w.name_zh)
        pop.append(0.0)
        existing.append(True)
    if township_candidates and s.townships:
        for code, t in s.townships.items():
            ids.append(f"{TOWNSHIP_PREFIX}{code}")
            level.append("township")
            adcode.append(t.adcode)
            lon.append(t.lon)
            lat.append(t.lat)
            names.append(t.name_zh)
            pop.append(float(t.population))
            existing.append(False)
    lv, ad = np.array(level), np.array(adcode)
    lo, la = np.array(lon, float), np.array(lat, float)
    drive = minutes_from_places(s, lo, la, list(ad))  # reserve points × demand points
    logi = s.relief_logistics
    approval = np.array([_mean_min(logi.approval.get(x)) for x in lv])
    loading = _mean_min(logi.loading)
    # trucks: the nearest truck depot's mobilisation + drive to each reserve point
    role = logi.truck_role
    fleet = 0.0
    eta = np.zeros(len(ids))
    to_point = np.zeros(len(ids))
    mob = np.zeros(len(ids))
    load_fee = 0.0
    if role is not None:
        kinds = {k: v for k, v in s.vehicle_kinds.items() if v.role == role}
        best = np.full(len(ids), np.inf)
        groups = np.array([s.districts[a].region_group for a in ad])
        fees = []
        for d in s.depots.values():
            for k, n in d.vehicles.items():
                if k not in kinds or n <= 0:
                    continue
                vk = kinds[k]
                fleet += n * vk.availability
                fees.append((n, vk.cost_yuan_per_use))
                m = _mean_min(vk.mobilisation)
                g = np.array([s.districts[d.adcode].region_group])
                dm = geometric_minutes(s, np.array([d.lon]), np.array([d.lat]), g, lo, la, groups)[
                    0
                ]
                better = m + dm < best
                best = np.where(better, m + dm, best)
                to_point = np.where(better, dm, to_point)
                mob = np.where(better, m, mob)
        eta = np.where(np.isfinite(best), best, 0.0)
        if fees:
            load_fee = sum(n * f for n, f in fees) / sum(n for n, _ in fees)
    hours_all = (approval[:, None] + eta[:, None] + loading + drive) / 60.0
    busy_all = (mob[:, None] + loading + 2.0 * (to_point[:, None] + drive)) / 60.0
    sources, hours, busy = [], [], []
    is_city = lv == "city"
    for p in range(len(pts)):
        a = pts.adcode[p]
        own_t = np.flatnonzero((lv == "township") & (ad == a))
        own_t = own_t[np.argsort(drive[own_t, p], kind="stable")][:nearest_townships]
        own_d = np.flatnonzero((lv == "district") & (ad == a))
        other = np.flatnonzero((lv == "district") & (ad != a))
        other = other[np.argsort(drive[other, p], kind="stable")][:nearest_districts]
        src = np.unique(np.concatenate([own_t, own_d, np.flatnonzero(is_city), other]))
        sources.append(src)
        hours.append(hours_all[src, p])
        busy.append(busy_all[src, p])
    deadline = s.relief_planning.first_batch_hours
    truck_hours = fleet * deadline if role is not None else np.inf
    return ReserveNetwork(
        s,
        tuple(ids),
        lv,
        ad,
        lo,
        la,
        tuple(names),
        np.array(pop),
        np.array(existing),
        tuple(s.commodities),
        tuple(sources),
        tuple(hours),
        tuple(busy),
        float(truck_hours),
        float(load_fee),
    )


# -- episodes ------------------------------------------------------------------------------
def _episode(
    net: ReserveNetwork,
    t: np.ndarray,
    point: np.ndarray,
    need: np.ndarray,
    start: float,
    weight: float,
    label: str,
) -> Episode:
    """Demand nodes (point, day) of the incidents with relief need in one window, and arcs."""
    day = np.floor((t - start) / MIN_PER_DAY).astype(int)
    keys = point * 1000 + day
    uniq, inv = np.unique(keys, return_inverse=True)
    demand = np.zeros((len(uniq), need.shape[1]))
    np.add.at(demand, inv, need)
    node_point = uniq // 1000
    node_day = uniq % 1000
    srcs = [net.sources[p] for p in node_point]
    arc_src = np.concatenate(srcs) if srcs else np.zeros(0, int)
    arc_node = np.repeat(np.arange(len(uniq)), [len(x) for x in srcs])
    arc_hours = np.concatenate([net.hours[p] for p in node_point]) if srcs else np.zeros(0)
    arc_busy = np.concatenate([net.truck_busy[p] for p in node_point]) if srcs else np.zeros(0)
    return Episode(
        demand,
        node_day,
        arc_src.astype(int),
        arc_node.astype(int),
        arc_hours,
        arc_busy,
        net.truck_hours_per_day,
        weight,
        label,
        node_point,
    )


@dataclass
class EpisodeSampler:
    """Draws disaster episodes of a network's scenario (see the module docstring):
    ``sampler(rng, n)``. ``surge_share`` of every sample comes from the surge strata. The
    ordinary episodes come from ``oversample`` × as many simulated years as they need: the
    ``tail_share`` heaviest windows of that pool (by the value of their demand) are all
    taken, each standing for 1 / years of a year, and the rest sampled at random for the
    remainder — stratified sampling that keeps the rare large floods of ordinary years in
    every sample (a plain random sample of 100 missed them and fitted plans to its luck)."""

    net: ReserveNetwork
    surge_share: float = 0.1
    oversample: int = 4
    tail_share: float = 1 / 3
    _ordinary: Scenario | None = field(default=None, repr=False)
    _surge: dict[str, Scenario] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        s = self.net.s
        self._ordinary = s.with_(surges={}) if s.surges else s
        self._surge = {k: s.with_(surges={k: v}) for k, v in s.surges.items()}

    @property
    def window_days(self) -> float:
        return float(self.net.s.relief_planning.episode_days)

    def _needs(self, s: Scenario, rng: np.random.Generator) -> tuple[Any, np.ndarray]:
        inc = draw_incidents(s, s.demand_points, MIN_PER_YEAR, rng)
        return inc, relief_needs(self.net.s, inc)

    def counts(self, n: int) -> dict[str, int]:
        """Episodes per stratum in a sample of ``n``."""
        surges = list(self._surge)
        if not surges:
            return {"ordinary": n}
        per = max(1, round(self.surge_share * n / len(surges)))
        per = min(per, max(1, (n - 1) // len(surges))) if n > len(surges) else 1
        out = {k: per for k in surges}
        out["ordinary"] = max(0, n - per * len(surges))
        return out

    def __call__(self, rng: np.random.Generator, n: int) -> list[Episode]:
        s = self.net.s
        win = self.window_days * MIN_PER_DAY
        windows_per_year = int(MIN_PER_YEAR // win)
        counts = self.counts(n)
        out: list[Episode] = []
        k_ord = counts.get("ordinary", 0)
        if k_ord:
            years = self.oversample * -(-k_ord // windows_per_year)
            pool: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = []
            price = np.array([s.commodities[c].unit_cost_yuan for c in self.net.commodities])
            for _ in range(years):
                inc, need = self._needs(self._ordinary or s, rng)
                has = need.sum(axis=1) > 0
                w = (inc.time // win).astype(int)
                for k in range(windows_per_year):
                    m = has & (w == k)
                    pool.append((inc.time[m], inc.point[m], need[m], k * win))
            # the heaviest windows of the pool all taken (each stands for 1 / years of a
            # year), the rest sampled at random for the remainder (stratified on the pool)
            value = np.array([float((nd @ price).sum()) for _, _, nd, _ in pool])
            scale = (MIN_PER_YEAR / win) / windows_per_year  # windows cover 364 of 365 days
            n_tail = min(len(pool), round(self.tail_share * k_ord))
            order = np.argsort(-value, kind="stable")
            tail, rest = order[:n_tail], order[n_tail:]
            n_rest = min(len(rest), k_ord - n_tail)
            picked = rng.choice(rest, size=n_rest, replace=False) if n_rest else rest[:0]
            weights = {int(i): scale / years for i in tail}
            for i in picked:
                weights[int(i)] = scale * len(rest) / years / n_rest
            for i in sorted(weights):
                tt, p, nd, start = pool[i]
                out.append(_episode(self.net, tt, p, nd, start, weights[i], "ordinary"))
        for key, sc in self._surge.items():
            k = counts.get(key, 0)
            surge = s.surges[key]
            rate = 1.0 / surge.return_period_years if surge.return_period_years else 1.0
            start = surge.start_day * MIN_PER_DAY
            end = start + max(surge.duration_days * MIN_PER_DAY, win)
            for _ in range(k):
                inc, need = self._needs(sc, rng)
                m = (need.sum(axis=1) > 0) & (inc.time >= start) & (inc.time < end)
                out.append(
                    _episode(self.net, inc.time[m], inc.point[m], need[m], start, rate / k, key)
                )
        return out


# -- the instance --------------------------------------------------------------------------
def today_stocks(net: ReserveNetwork) -> np.ndarray:
    """Today's stocks (points × commodities): the scenario's warehouses; candidates 0."""
    x = np.zeros((len(net.ids), len(net.commodities)))
    for j, wid in enumerate(net.ids):
        w = net.s.warehouses.get(wid) if net.existing[j] else None
        if w is None:
            continue
        for c, key in enumerate(net.commodities):
            pol = w.stocks.get(key)
            if pol is not None:
                x[j, c] = pol.stock_units
    return x


def rule_stocks(net: ReserveNetwork) -> np.ndarray:
    """The per-capita rule: ``standards.relief_items_per_1000_population`` × each district's
    residents at its district warehouse (commodities the rule leaves out and the city's
    reserves as today)."""
    s = net.s
    x = today_stocks(net)
    std = s.standards.relief_items_per_1000_population
    for c, key in enumerate(net.commodities):
        if key not in std:
            continue
        for j in np.flatnonzero(net.level == "district"):
            a = str(net.adcode[j])
            n_wh = int(((net.level == "district") & (net.adcode == a)).sum())
            x[j, c] = math.ceil(std[key] * s.districts[a].population / 1000.0 / n_wh)
    return x


def yearly_cost(net: ReserveNetwork) -> np.ndarray:
    """Yuan a year of holding one unit, by commodity."""
    return np.array([net.s.commodities[c].yearly_cost_yuan for c in net.commodities])


def stock_cost_yuan_per_year(net: ReserveNetwork, x: np.ndarray) -> float:
    """Yearly cost of holding stocks ``x`` (upkeep and replacement)."""
    return float((x * yearly_cost(net)).sum())


def reserve_instance(
    net: ReserveNetwork, episodes: list[Episode], *, budget: float | None = None
) -> ReserveInstance:
    """The reserve program of ``net`` facing ``episodes``; ``budget`` yuan a year (default:
    what today's stocks cost a year — the same money, placed anew)."""
    s = net.s
    rp = s.relief_planning
    cs = [s.commodities[c] for c in net.commodities]
    free = [c for c in net.commodities if s.commodities[c].yearly_cost_yuan <= 0]
    if free:
        raise ValueError(
            f"commodities {free} cost nothing to hold: set commodities.<name>."
            "holding_share_per_year or shelf_life_years (without a yearly cost the planner "
            "cannot weigh stock against shortage)"
        )
    if not net.commodities:
        raise ValueError("the scenario has no [commodities]: there is no stock to plan")
    share = np.array([1.0 / c.units_per_truckload if c.units_per_truckload else 0.0 for c in cs])
    price = np.array([c.unit_cost_yuan for c in cs])
    cap = np.array([rp.capacity_truckloads.get(lv, np.inf) for lv in net.level], dtype=float)
    p, c = len(net.ids), len(cs)
    lo = np.zeros((p, c))
    hi = np.full((p, c), np.inf)
    money = stock_cost_yuan_per_year(net, today_stocks(net)) if budget is None else budget
    return ReserveInstance(
        net.ids,
        net.commodities,
        yearly_cost(net),
        share,
        net.load_fee,
        rp.unmet_penalty_factor * price,
        rp.late_penalty_factor * price,
        rp.first_batch_hours,
        cap,
        lo,
        hi,
        float(money),
        tuple(episodes),
    )


# -- the plan ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    """A plan's yearly cost on episodes it was not solved on: mean and CI half-width of the
    stock cost + expected penalties, and its parts per episode (yearly-weighted)."""

    mean: float
    half_width: float
    unmet_units: float
    late_units: float
    demand_units: float


@dataclass(frozen=True)
class StockPlan:
    """The reserve plan and everything said about it."""

    network: ReserveNetwork
    instance: ReserveInstance
    solution: ReserveSolution
    x: np.ndarray
    today: np.ndarray
    rule: np.ndarray
    budget: float
    evaluation: dict[str, Evaluation]  # plan / today / rule / ev on fresh episodes
    lower_bound: tuple[float, float]  # SAA batches' mean optimum, CI half-width
    gap: float
    gap_bound: float
    vss: float
    evpi: float
    ws: float
    eev: float
    checks: list[str]
    seconds: dict[str, float]
    batches: int
    n_eval: int
    standard: pd.DataFrame
    x_standard: np.ndarray
    verification: pd.DataFrame | None = None
    x_ev: np.ndarray | None = None  # the expected-value plan

    def cases(self) -> dict[str, np.ndarray]:
        """Stocks of every case compared: today, the per-capita rule, the plan, the standard."""
        return {"today": self.today, "rule": self.rule, "plan": self.x, "standard": self.x_standard}

    def costs(self) -> dict[str, float]:
        """Yearly stock cost of every case (yuan), the expected-value plan's too."""
        out = {k: stock_cost_yuan_per_year(self.network, v) for k, v in self.cases().items()}
        if self.x_ev is not None:
            out["expected_value"] = stock_cost_yuan_per_year(self.network, self.x_ev)
        return out

    def table(self) -> pd.DataFrame:
        """The plan by reserve point (points holding any stock in the plan or today)."""
        net = self.network
        s = net.s
        rows = []
        k = yearly_cost(net)
        for j, pid in enumerate(net.ids):
            if self.x[j].sum() < 0.5 and self.today[j].sum() < 0.5:
                continue
            d = s.districts[str(net.adcode[j])]
            row: dict[str, Any] = {
                "point": pid,
                "level": str(net.level[j]),
                "name_zh": net.name_zh[j],
                "adcode": str(net.adcode[j]),
                "district_zh": d.name_zh,
                "district_pinyin": d.name_pinyin,
                "new": not bool(net.existing[j]),
                "lon": float(net.lon[j]),
                "lat": float(net.lat[j]),
            }
            for c, com in enumerate(net.commodities):
                row[f"{com}_today"] = float(self.today[j, c])
                row[com] = float(round(self.x[j, c], 3))
            row["truckloads"] = float(self.x[j] @ self.instance.truckload_share)
            row["cost_today_yuan_per_year"] = float(self.today[j] @ k)
            row["cost_yuan_per_year"] = float(self.x[j] @ k)
            rows.append(row)
        return pd.DataFrame(rows)

    def by_district(self) -> pd.DataFrame:
        """Yearly stock cost held in each district (its warehouses and township stores; the
        city's reserves count in the district they stand in), today and in the plan, and the
        township stores the plan stocks there."""
        net = self.network
        k = yearly_cost(net)
        today, plan = self.today @ k, self.x @ k
        stores = (net.level == "township") & (self.x.sum(axis=1) > 0.5)
        rows = []
        for a in net.s.districts:
            m = net.adcode == a
            rows.append({"adcode": a, "today_yuan_per_year": float(today[m].sum()),
                         "plan_yuan_per_year": float(plan[m].sum()),
                         "township_stores": int((stores & m).sum())})  # fmt: skip
        return pd.DataFrame(rows)


def _eval_chunk(
    job: tuple[ReserveInstance, np.ndarray, list[int]],
) -> list[tuple[float, float, float, float]]:
    inst, x, idx = job
    out = []
    for k in idx:
        e = inst.episodes[k]
        f = episode_flows(inst, e, x)
        n = len(inst.episodes)
        out.append(
            (
                f.cost / n,
                e.weight * float(f.u.sum()),
                e.weight * float(f.z.sum()),
                e.weight * float(e.demand.sum()),
            )
        )
    return out


def evaluate_plan(
    inst: ReserveInstance, x: np.ndarray, *, confidence: float = 0.95, mapper: Mapper | None = None
) -> Evaluation:
    """Stocks ``x`` facing ``inst``'s episodes: the yearly cost (stock + Σ_s w_s Q_s) with a CI
    over the episodes (each episode's N × its term is one observation of the yearly cost)."""
    from scipy import stats

    n = len(inst.episodes)
    chunks = [(inst, x, list(range(i, min(n, i + 25)))) for i in range(0, n, 25)]
    run = mapper or (lambda fn, items: [fn(i) for i in items])
    parts = [r for part in run(_eval_chunk, chunks) for r in part]
    q = np.array([r[0] for r in parts]) * n  # each: N × w_s Q_s — mean = Σ_s w_s Q_s
    stock = float((x * inst.yearly_cost).sum())
    half = float(stats.t.ppf(0.5 + confidence / 2, max(1, n - 1)) * q.std(ddof=1) / np.sqrt(n))
    return Evaluation(
        stock + float(q.mean()),
        half,
        sum(r[1] for r in parts),
        sum(r[2] for r in parts),
        sum(r[3] for r in parts),
    )


def optimize_stocks(
    s: Scenario,
    *,
    budget: float | None = None,
    scenarios: int = 200,
    batches: int = 3,
    n_eval: int = 400,
    seed: int = 0,
    method: str = "extensive",
    workers: int | None = 1,
    township_candidates: bool = True,
    verify_reps: int = 0,
    progress: Callable[[str], None] | None = None,
) -> StockPlan:
    """The reserve plan of scenario ``s`` by sample average approximation: ``batches``
    programs of ``scenarios`` episodes each (the first batch's plan is the plan), priced — with
    today's stocks, the per-capita rule and the expected-value plan — on ``n_eval`` fresh
    episodes; the batches' optima bound the true optimum from below (Mak, Morton & Wood). With
    ``verify_reps``, today's stocks, the rule, the plan and the standard are simulated on the
    same disasters (:func:`compare_stocks`)."""
    from scipy import stats

    say = progress or (lambda _m: None)
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    net = reserve_network(s, township_candidates=township_candidates)
    sampler = EpisodeSampler(net)
    streams = np.random.SeedSequence(seed).spawn(batches + 1)
    times["network"] = time.perf_counter() - t0
    sols: list[ReserveSolution] = []
    insts: list[ReserveInstance] = []
    from anjian.parallel import worker_pool

    pool_ctx = worker_pool(workers) if (workers or 0) > 1 else None
    mapper = pool_ctx.__enter__() if pool_ctx is not None else None
    try:
        for b in range(batches):
            say(f"batch {b + 1}/{batches}")
            t1 = time.perf_counter()
            eps = sampler(np.random.default_rng(streams[b]), scenarios)
            inst = reserve_instance(net, eps, budget=budget)
            sols.append(
                solve_reserves(inst, method=method if b == 0 else "extensive", mapper=mapper)
            )
            insts.append(inst)
            times[f"batch_{b}"] = time.perf_counter() - t1
        inst, sol = insts[0], sols[0]
        x = sol.x
        t1 = time.perf_counter()
        prog = program(inst)
        ev = solve_reserves(
            reserve_instance(net, [mean_episode(net, inst.episodes)], budget=inst.budget)
        )
        x_ev = ev.x
        eev = evaluate(prog, x_ev.ravel())
        ws = _wait_and_see(prog)
        times["measures"] = time.perf_counter() - t1
        say("evaluating on fresh episodes")
        t1 = time.perf_counter()
        fresh = reserve_instance(
            net, sampler(np.random.default_rng(streams[batches]), n_eval), budget=inst.budget
        )
        today, rule = today_stocks(net), rule_stocks(net)
        standard = reserve_standard(net, x)
        x_std = standard_stocks(net, x, standard)
        evals = {
            name: evaluate_plan(fresh, xx, mapper=mapper)
            for name, xx in (
                ("plan", x),
                ("today", today),
                ("rule", rule),
                ("standard", x_std),
                ("expected_value", x_ev),
            )
        }
        times["evaluation"] = time.perf_counter() - t1
    finally:
        if pool_ctx is not None:
            pool_ctx.__exit__(None, None, None)
    v = np.array([z.objective for z in sols])
    lb = (
        float(v.mean()),
        float(stats.t.ppf(0.975, max(1, batches - 1)) * v.std(ddof=1) / np.sqrt(batches))
        if batches > 1
        else 0.0,
    )
    up = evals["plan"]
    gap = up.mean - lb[0]
    spread = math.sqrt(
        (up.half_width / 1.96) ** 2 + (v.var(ddof=1) / batches if batches > 1 else 0.0)
    )
    flows = [episode_flows(inst, e, x) for e in inst.episodes[:20]]
    checks = check_reserve_plan(inst, x, flows)
    verification = None
    if verify_reps > 0:
        say("simulating today, the rule, the plan and the standard")
        t1 = time.perf_counter()
        verification = compare_stocks(
            net,
            {"today": today, "rule": rule, "plan": x, "standard": x_std},
            reps=verify_reps,
            seed=seed,
        )
        times["verification"] = time.perf_counter() - t1
    times["total"] = time.perf_counter() - t0
    return StockPlan(
        net,
        inst,
        sol,
        x,
        today,
        rule,
        inst.budget,
        evals,
        lb,
        float(gap),
        float(gap + stats.norm.ppf(0.95) * spread),
        eev - sol.objective,
        sol.objective - ws,
        ws,
        eev,
        checks,
        times,
        batches,
        n_eval,
        standard,
        x_std,
        verification,
        x_ev,
    )


def mean_episode(net: ReserveNetwork, episodes: tuple[Episode, ...] | list[Episode]) -> Episode:
    """The expected-value episode: every (demand point, day)'s demand averaged over the
    episodes by weight, standing for all of them (weight Σ w_s)."""
    total = sum(e.weight for e in episodes)
    pts, days, dem = [], [], []
    for e in episodes:
        if e.node_point is None:
            raise ValueError("mean_episode needs episodes that know their demand points")
        pts.append(e.node_point)
        days.append(e.node_day)
        dem.append(e.demand * (e.weight / total))
    point = np.concatenate(pts)
    day = np.concatenate(days)
    need = np.concatenate(dem)
    # _episode groups by (point, day): pass times that put each row on its day
    return _episode(net, day * MIN_PER_DAY + 1.0, point, need, 0.0, total, "expected value")


def _wait_and_see(prog: Any) -> float:
    """WS: each episode with its own best stocks (Σ p_s of the one-scenario optima)."""
    from dataclasses import replace

    from anjian.optimize.stochastic import TwoStage

    return float(
        sum(
            sc.p * solve_extensive(TwoStage(prog.first, (replace(sc, p=1.0),))).objective
            for sc in prog.scenarios
        )
    )


# -- the standard ---------------------------------------------------------------------------
#: Township classes (中文, English): settlement × the district's exposure to disasters needing
#: relief.
CLASS_LABELS = {
    "urban_high": ("街道·高暴露区县", "subdistrict, high-exposure district"),
    "urban_low": ("街道·低暴露区县", "subdistrict, low-exposure district"),
    "rural_high": ("乡镇·高暴露区县", "town or township, high-exposure district"),
    "rural_low": ("乡镇·低暴露区县", "town or township, low-exposure district"),
}


def district_exposure(s: Scenario) -> pd.Series:
    """Expected relief items a year per 1,000 residents, by district: every incident type's
    rate × mean people affected × items per person, plus each surge's people (spread by
    population over its districts, × its shelter items) ÷ its return period."""
    out = {}
    for a, d in s.districts.items():
        units = 0.0
        for key, it in s.incident_types.items():
            if it.relief is not None:
                per = sum(it.relief.items_per_person.values())
                units += s.incident_rates[a][key] * it.relief.people_affected.mean * per
        for surge in s.surges.values():
            if a not in surge.districts or surge.people_affected_total <= 0:
                continue
            share = d.population / sum(s.districts[x].population for x in surge.districts)
            people = surge.people_affected_total * share
            need = relief_need(s.incident_types[surge.incident_type], people, surge)
            units += sum(need.values()) / (surge.return_period_years or 1.0)
        out[a] = units / max(d.population, 1) * 1000.0
    return pd.Series(out, name="items_per_1000_per_year")


def township_classes(net: ReserveNetwork) -> pd.Series:
    """Each township candidate's class (:data:`CLASS_LABELS`): 街道 (urban) or 镇/乡 (rural),
    in a district whose exposure (:func:`district_exposure`) is above the median or not."""
    s = net.s
    exp = district_exposure(s)
    high = exp > exp.median()
    out = {}
    for j in net.townships:
        code = net.ids[j][len(TOWNSHIP_PREFIX) :]
        t = s.townships.get(code)
        if t is None:
            continue
        kind = "urban" if t.kind == "subdistrict" else "rural"
        out[net.ids[j]] = f"{kind}_{'high' if high[t.adcode] else 'low'}"
    return pd.Series(out, name="class")


def reserve_standard(plan_net: ReserveNetwork, x: np.ndarray) -> pd.DataFrame:
    """The recommended township standard from stocks ``x``: items per 1,000 residents by
    township class and commodity (the class's planned stock over its residents), with the
    share of the class's townships the plan stocks and its residents."""
    net = plan_net
    cls = township_classes(net)
    idx = {pid: j for j, pid in enumerate(net.ids)}
    rows: list[dict[str, Any]] = []
    if cls.empty:
        cols = ["class", "class_zh", "class_en", "townships", "residents", "stocked_share"]
        return pd.DataFrame(columns=[*cols, *net.commodities])
    for key, (zh, en) in CLASS_LABELS.items():
        members = [idx[str(pid)] for pid, c in cls.items() if c == key]
        if not members:
            continue
        pop = float(net.population[members].sum())
        row: dict[str, Any] = {
            "class": key,
            "class_zh": zh,
            "class_en": en,
            "townships": len(members),
            "residents": pop,
            "stocked_share": float((x[members].sum(axis=1) > 0.5).mean()),
        }
        for c, com in enumerate(net.commodities):
            row[com] = float(x[members, c].sum()) / pop * 1000.0 if pop > 0 else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def standard_stocks(net: ReserveNetwork, x: np.ndarray, standard: pd.DataFrame) -> np.ndarray:
    """Stocks if every township holds its class's standard (per 1,000 residents, rounded up,
    scaled down to the store's capacity) and the city and district warehouses hold ``x``."""
    s = net.s
    out = x.copy()
    if standard.empty:  # no township candidates: the plan is the standard
        return out
    cls = township_classes(net)
    rates = standard.set_index("class")
    per_load = [s.commodities[c].units_per_truckload for c in net.commodities]
    share = np.array([1.0 / n if n else 0.0 for n in per_load])
    cap = s.relief_planning.capacity_truckloads.get("township", np.inf)
    for j in net.townships:
        key = cls.get(net.ids[j])
        if key is None or key not in rates.index:
            continue
        want = np.array(
            [
                math.ceil(float(rates.loc[key, c]) * net.population[j] / 1000.0 - 1e-9)
                for c in net.commodities
            ],
            dtype=float,
        )
        load = float(want @ share)
        if load > cap:
            want = np.floor(want * cap / load)
        out[j] = want
    return out


# -- simulated -----------------------------------------------------------------------------
def apply_stocks(net: ReserveNetwork, x: np.ndarray) -> Scenario:
    """The scenario with stocks ``x``: its warehouses hold them (reorder at half, back to the
    new stock, the lead time as today's for the commodity), township candidates holding any
    become township warehouses. Validated again."""
    from anjian.scenarios.response import StockPolicy, Warehouse

    s = net.s
    lead: dict[str, float] = {}
    for w in s.warehouses.values():
        for key, pol in w.stocks.items():
            lead[key] = max(lead.get(key, 0.0), pol.lead_time_days)
    warehouses: dict[str, Any] = {}
    for j, pid in enumerate(net.ids):
        stocks = {}
        for c, com in enumerate(net.commodities):
            units = round(float(x[j, c]))
            if units > 0:
                stocks[com] = StockPolicy(
                    stock_units=units,
                    reorder_point_units=units // 2,
                    order_up_to_units=units,
                    lead_time_days=lead.get(com, 14.0),
                )
        if net.existing[j]:
            w = s.warehouses[pid]
            warehouses[pid] = w.model_copy(update={"stocks": stocks})
        elif stocks:
            code = pid[len(TOWNSHIP_PREFIX) :]
            t = s.townships[code]
            warehouses[pid] = Warehouse(
                name_zh=f"{t.name_zh}救灾物资储备点",
                name_en=f"Township reserve {code}",
                level="township",
                adcode=t.adcode,
                lon=t.lon,
                lat=t.lat,
                stocks=stocks,
            )
    return s.with_(warehouses=warehouses)


#: The relief KPIs the comparison reports.
RELIEF_KPIS = (
    "relief_fill_rate",
    "people_without_relief_12h",
    "time_to_first_relief_mean_min",
    "time_to_first_relief_p90_min",
    "stockouts",
)


def compare_stocks(
    net: ReserveNetwork,
    cases: dict[str, np.ndarray],
    *,
    years: float = 1.0,
    reps: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Each case simulated by the response model on the same disasters (common random numbers)
    and compared with today's stocks (``cases["today"]``) and the per-capita rule
    (``cases["rule"]``) pairwise, in an ordinary year (the scenario without its surges) and,
    for each surge, in a year with it: rows (year, case, versus, kpi, value, difference,
    half_width); ``versus`` empty for a case's own values."""
    cfg = ResponseConfig(years=years, seed=seed)
    s = net.s
    years_of = (
        {"ordinary": {}}
        if not s.surges
        else {"ordinary": {}, **{k: {k: v} for k, v in s.surges.items()}}
    )
    rows = []
    for year, surges in years_of.items():
        kpis = {}
        for name, x in cases.items():
            sc = apply_stocks(net, x)
            sc = sc.with_(surges=surges) if s.surges else sc
            kpis[name] = replicate_response(sc, cfg, reps).kpis
        for name, k in kpis.items():
            city = k[(k["level"] == "city") & k["kpi"].isin(RELIEF_KPIS)]
            means = city.groupby("kpi")["value"].mean()
            for kp in RELIEF_KPIS:
                rows.append(
                    {
                        "year": year,
                        "case": name,
                        "versus": "",
                        "kpi": kp,
                        "value": float(means.get(kp, np.nan)),
                        "difference": np.nan,
                        "half_width": np.nan,
                    }
                )
            for versus in ("today", "rule"):
                if versus not in kpis or versus == name:
                    continue
                d = paired_difference(kpis[versus], k)
                d = d[(d["level"] == "city") & d["kpi"].isin(RELIEF_KPIS)].set_index("kpi")
                for kp in RELIEF_KPIS:
                    if kp in d.index:
                        rows.append(
                            {
                                "year": year,
                                "case": name,
                                "versus": versus,
                                "kpi": kp,
                                "value": float(means.get(kp, np.nan)),
                                "difference": float(d.at[kp, "mean"]),  # type: ignore[arg-type]
                                "half_width": float(d.at[kp, "half_width"]),  # type: ignore[arg-type]
                            }
                        )
    return pd.DataFrame(rows)


__all__ = [
    "EpisodeSampler",
    "ReserveNetwork",
    "StockPlan",
    "evaluate_plan",
    "optimize_stocks",
    "recourse_program",
    "reserve_instance",
    "reserve_network",
    "rule_stocks",
    "today_stocks",
]

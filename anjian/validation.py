"""``anjian validate``: every exact reference and calibration target the project has, run as a
feature and written up as evidence a planner can show (Markdown and HTML, 中文 and English,
matplotlib figures).

Each check yields :class:`Line` rows — the item, the reference value (exact or published), ours,
the stated tolerance and whether it passed. Groups:

- ``erlang_c`` / ``erlang_b``: the response simulator against Erlang C (mean wait in queue) and
  Erlang B (share of calls finding every vehicle busy) over a grid of loads;
- ``hypercube``: simulated vehicle workloads against the exact hypercube (Larson 1974);
- ``pmed``, ``cflp``, ``swain``: the location models against published optima (OR-Library
  pmed1–40 and cap41–cap134, Swain's 55-node network);
- ``farmer``: the two-stage stochastic programs against Birge & Louveaux's farmer problem;
- ``checker``: the independent plan checker's pass rate on every plan produced here;
- ``calibration``: the built-in Chongqing against its published targets;
- ``reproducibility``: the same seed twice, serial against Dask, the golden runs.

``quick`` (≤ 2 minutes, run in CI) takes a subset of every group; ``full`` takes all of it
(docs/validation.md gives its runtime).
"""

from __future__ import annotations

import csv
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: The repository's benchmark data (an editable install reads them in place).
DATA = Path(__file__).resolve().parent.parent / "data" / "benchmarks"
#: The stored golden runs of the test suite (present in a source checkout).
GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


@dataclass(frozen=True)
class Line:
    """One validated item: what it is, the reference, ours, the tolerance, the verdict."""

    group: str
    item: str
    reference: float | str
    ours: float | str
    tolerance: str
    passed: bool
    seconds: float
    source: str = ""
    half_width: float | None = None


#: Group key → (中文, English, what it shows).
GROUPS: dict[str, tuple[str, str, str]] = {
    "erlang_c": ("排队论 Erlang C", "Erlang C",
                 "mean wait in queue of an M/M/c system: simulated (99% CI) against exact"),
    "erlang_b": ("排队论 Erlang B", "Erlang B",
                 "share of calls finding every vehicle busy (M/M/c/c): simulated against exact"),
    "hypercube": ("超立方体模型", "Hypercube",
                  "each vehicle's workload: simulated against the exact hypercube (Larson 1974)"),
    "pmed": ("p-中位问题 OR-Library", "p-median, OR-Library pmed",
             "proven optimum against the published one (Beasley 1985)"),
    "cflp": ("有容量设施选址 OR-Library", "Capacitated facility location, OR-Library cap",
             "proven optimum against the published one (Beasley 1988)"),
    "swain": ("最大覆盖 Swain 55 点", "Maximal covering, Swain's 55 nodes",
              "covered demand against Church & ReVelle (1974)"),
    "farmer": ("两阶段随机规划 农夫问题", "Two-stage stochastic programming, the farmer",
               "recourse problem, wait-and-see, EEV, VSS, EVPI against Birge & Louveaux"),
    "checker": ("独立校验器", "Independent plan checker",
                "every plan produced above, recomputed from the data alone"),
    "calibration": ("重庆校准", "Chongqing calibration",
                    "the built-in scenario against its published targets"),
    "reproducibility": ("可重复性", "Reproducibility",
                        "the same seed twice, serial against Dask, the golden runs"),
}  # fmt: skip


#: What each group shows, in Chinese (GROUPS holds the English).
WHAT_ZH: dict[str, str] = {
    "erlang_c": "M/M/c 系统的平均排队时间：仿真值（99% 置信区间）对照精确值",
    "erlang_b": "遇到全部车辆繁忙的呼叫比例（M/M/c/c）：仿真值对照精确值",
    "hypercube": "每辆车的负荷与调派比例：仿真值对照超立方体精确解（Larson 1974）",
    "pmed": "已证明的最优值对照已发表的最优值（Beasley 1985）",
    "cflp": "已证明的最优值对照已发表的最优值（Beasley 1988）",
    "swain": "覆盖的需求对照 Church & ReVelle（1974）",
    "farmer": "随机规划的解、完全信息解、期望值解、VSS 与 EVPI 对照 Birge & Louveaux",
    "checker": "以上所有方案，只根据数据重新计算",
    "calibration": "内置重庆情景对照其公开目标",
    "reproducibility": "同一种子运行两次、串行对照 Dask 并行、黄金样本",
}


def what(key: str, lang: str) -> str:
    """What group ``key`` shows, in ``lang`` (``zh``, ``en`` or ``both``)."""
    zh, en = WHAT_ZH.get(key, ""), GROUPS[key][2]
    return {"zh": zh or en, "en": en}.get(lang, f"{zh} / {en}" if zh else en)


@dataclass
class Validation:
    """The lines of a validation run, its mode and the data behind the figures."""

    mode: str
    lines: list[Line] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(line.passed for line in self.lines)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([vars(line) for line in self.lines])


@dataclass
class _Run:
    quick: bool
    out: Validation
    plans_checked: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.out.lines.append(line)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


# -- queueing ------------------------------------------------------------------------------


def _city_values(results: list[Any], kpi: str) -> np.ndarray:
    return np.array([r.kpis[(r.kpis.level == "city") & (r.kpis.kpi == kpi)]["value"].iloc[0]
                     for r in results])  # fmt: skip


def _erlang(run: _Run, folder: Path) -> None:
    from anjian.scenarios.reference import response_scenario
    from anjian.sim.erlang import erlang_b, mmc_mean_wait
    from anjian.sim.response import ResponseConfig, simulate_response
    from anjian.sim.stats import t_interval

    grid_c = [(2.0, 3), (4.0, 5), (9.0, 10)] if run.quick else [
        (1.0, 2), (2.0, 3), (3.0, 4), (4.0, 5), (6.0, 7), (9.0, 10), (13.5, 15)]  # fmt: skip
    reps_c = 8 if run.quick else 16
    points = []
    for lam, c in grid_c:
        t0 = time.perf_counter()
        s = response_scenario(folder / f"c_{lam}_{c}", {"900001": lam}, {"900001": c}, 60.0)
        cfg = ResponseConfig(years=1.0, seed=9, policy="nearest")
        runs = [simulate_response(s, ResponseConfig(**{**vars(cfg), "replication": r}))
                for r in range(reps_c)]  # fmt: skip
        mean, half, _ = t_interval(_city_values(runs, "queue_delay_mean_min") / 60.0, 0.99)
        exact = mmc_mean_wait(lam, 1.0, c)
        ok = abs(mean - exact) <= max(half, 0.02 * exact)
        points.append((lam / c, c, exact, mean, half))
        run.add(Line("erlang_c", f"λ = {lam:g}/h, c = {c}, ρ = {lam / c:.2f}", round(exact, 5),
                     round(mean, 5), "|ours − exact| ≤ the 99% CI half-width (or 2%)", ok,
                     time.perf_counter() - t0, "Erlang C", half))  # fmt: skip
    run.out.figures["erlang_c"] = points
    grid_b = [(1.0, 2), (4.0, 5), (8.0, 8)] if run.quick else [
        (0.5, 1), (1.0, 2), (2.0, 3), (4.0, 5), (6.0, 6), (8.0, 8), (12.0, 10)]  # fmt: skip
    reps_b = 6 if run.quick else 12
    for lam, c in grid_b:
        t0 = time.perf_counter()
        s = response_scenario(folder / f"b_{lam}_{c}", {"900001": lam}, {"900001": c}, 60.0)
        cfg = ResponseConfig(years=1.0, seed=4, policy="nearest", overflow="rent")
        runs = [simulate_response(s, ResponseConfig(**{**vars(cfg), "replication": r}))
                for r in range(reps_b)]  # fmt: skip
        mean, half, _ = t_interval(_city_values(runs, "handover_share"), 0.99)
        exact = erlang_b(c, lam)
        ok = abs(mean - exact) <= max(half, 0.005)
        run.add(Line("erlang_b", f"λ = {lam:g}/h, c = {c}", round(exact, 5), round(mean, 5),
                     "|ours − exact| ≤ the 99% CI half-width (or 0.005)", ok,
                     time.perf_counter() - t0, "Erlang B", half))  # fmt: skip


def _hypercube(run: _Run, folder: Path) -> None:
    from anjian.scenarios.reference import response_scenario
    from anjian.sim.hypercube import hypercube_exact
    from anjian.sim.policies import FixedPreference
    from anjian.sim.response import ResponseConfig, ResponseModel

    systems = [((1.0, 0.6, 0.4), (2, 1, 1), "infinite"), ((1.5, 1.5, 1.0), (3, 3, 2), "zero")]
    if not run.quick:
        systems += [((2.0, 1.0, 0.5), (3, 2, 1), "infinite"), ((0.5, 0.5, 0.5), (1, 1, 1), "zero"),
                    ((3.0, 1.0, 1.0), (2, 2, 1), "zero")]  # fmt: skip
    adcodes = ["900001", "900002", "900003"]
    pairs: list[tuple[float, float]] = []
    for k, (lams, units, capacity) in enumerate(systems):
        t0 = time.perf_counter()
        lam = dict(zip(adcodes, lams, strict=True))
        unit = dict(zip(adcodes, units, strict=True))
        s = response_scenario(folder / f"h{k}", lam, unit, 60.0)
        owner = [a for a in adcodes for _ in range(unit[a])]
        n = len(owner)
        prefs = [[u for u in range(n) if owner[u] == a] + [u for u in range(n) if owner[u] != a]
                 for a in adcodes]  # fmt: skip
        exact = hypercube_exact(list(lams), prefs, 1.0, capacity)  # type: ignore[arg-type]
        policy = FixedPreference({j: prefs[j] for j in range(3)})
        model = ResponseModel(s, ResponseConfig(years=4.0, seed=21, policy=policy,
                                                overflow="queue" if capacity == "infinite"
                                                else "rent"))  # fmt: skip
        result = model.run()
        sim = model.busy_min / model.horizon
        err = float(np.abs(sim - exact.workload).max())
        pairs.extend(zip(exact.workload.tolist(), sim.tolist(), strict=True))
        what = "queue" if capacity == "infinite" else "loss (rented overflow)"
        run.add(Line("hypercube", f"{n} vehicles, λ = {lams}, {what}: workloads",
                     f"{np.round(exact.workload, 3).tolist()}",
                     f"max error {err:.4f}", "max |simulated − exact| < 0.01",
                     err < 0.01, time.perf_counter() - t0, "Larson 1974"))  # fmt: skip
        # dispatch fractions of calls served at once (a queued call goes to whichever vehicle
        # frees first, outside the hypercube's dispatch matrix)
        inc = result.incidents
        first = model.first_unit
        now = (first >= 0) & (inc["queue_delay_min"].to_numpy() == 0)
        f = np.zeros((n, 3))
        np.add.at(f, (first[now], model.inc.point[now]), 1.0)
        f /= len(inc)
        expected = exact.dispatch.copy()
        if capacity == "infinite":
            lam_v = np.array(lams)
            expected -= exact.all_busy * (lam_v / lam_v.sum())[None, :] / n
        err = float(np.abs(f - expected).max())
        run.add(Line("hypercube", f"{n} vehicles, λ = {lams}, {what}: dispatch fractions",
                     f"{n} × 3 matrix", f"max error {err:.4f}", "max |simulated − exact| < 0.01",
                     err < 0.01, 0.0, "Larson 1974"))  # fmt: skip
    run.out.figures["hypercube"] = pairs


# -- location and stochastic programs ------------------------------------------------------


def _optima(path: Path) -> dict[str, float]:
    with path.open(encoding="utf-8") as f:
        return {r["instance"]: float(r["optimal"]) for r in csv.DictReader(f)}


PMED_QUICK = ("pmed1", "pmed4", "pmed5", "pmed7", "pmed10")
CAP_QUICK = ("cap41", "cap71", "cap101")


def _pmed(run: _Run) -> None:
    from anjian.optimize.check import check_plan
    from anjian.optimize.median import p_median
    from anjian.optimize.orlib import read_pmed

    if not (DATA / "pmed").is_dir():
        run.add(Line("pmed", "benchmark data", "data/benchmarks/pmed", "missing", "present",
                     False, 0.0, "run from a source checkout"))  # fmt: skip
        return
    optimum = _optima(DATA / "pmed" / "optimal.csv")
    names = PMED_QUICK if run.quick else tuple(sorted(optimum, key=lambda n: int(n[4:])))
    for name in names:
        inst, p = read_pmed(DATA / "pmed" / f"{name}.txt")
        plan, sec = _timed(partial(p_median, inst, p, time_limit_s=900))
        ok = plan.status == "optimal" and plan.objective == optimum[name]
        run.plans_checked.append((name, check_plan(inst, plan, p=p).ok))
        run.add(Line("pmed", f"{name} (n = {inst.n_demand}, p = {p})", optimum[name],
                     plan.objective, f"equal, proven optimal ({plan.status})", ok, sec,
                     "Beasley 1985"))  # fmt: skip


def _cflp(run: _Run) -> None:
    from anjian.optimize.capacitated import cflp, check_cflp
    from anjian.optimize.orlib import read_cap

    if not (DATA / "cflp").is_dir():
        run.add(Line("cflp", "benchmark data", "data/benchmarks/cflp", "missing", "present",
                     False, 0.0, "run from a source checkout"))  # fmt: skip
        return
    optimum = _optima(DATA / "cflp" / "optimal.csv")
    names = CAP_QUICK if run.quick else tuple(sorted(optimum))
    for name in names:
        inst = read_cap(DATA / "cflp" / f"{name}.txt")
        plan, sec = _timed(partial(cflp, inst))
        ok = plan.status == "optimal" and math.isclose(plan.objective, optimum[name], rel_tol=1e-7)
        x = np.zeros_like(inst.cost)
        for (i, j), share in (plan.flows or {}).items():
            x[int(i) - 1, int(j) - 1] = share
        opened = np.array([int(j) - 1 for j in plan.open_sites], dtype=np.int64)
        check = check_cflp(inst, opened, x)
        run.plans_checked.append((name, not check.violations))
        run.add(Line("cflp", name, optimum[name], round(plan.objective, 3),
                     f"relative 1e-7, proven optimal ({plan.status})", ok, sec,
                     "Beasley 1988"))  # fmt: skip


def _swain(run: _Run) -> None:
    from anjian.optimize.check import check_plan
    from anjian.optimize.covering import lscp, mclp
    from anjian.optimize.instance import Rules, make_instance

    path = DATA / "mclp" / "swain55.csv"
    if not path.is_file():
        run.add(Line("swain", "benchmark data", str(path), "missing", "present", False, 0.0))
        return
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    xy = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    w = np.array([float(r["demand"]) for r in rows])
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    ids = [r["node"] for r in rows]
    inst = make_instance(d, w, demand_ids=ids, site_ids=ids, name="swain55")
    for s_, p, want in ((10, 5, 609), (10, 7, 633), (10, 8, 638), (10, 9, 640)):
        ins = inst.with_radius(s_)
        plan, sec = _timed(partial(mclp, ins, p))
        run.plans_checked.append((f"swain S={s_} p={p}", check_plan(ins, plan, p=p).ok))
        run.add(Line("swain", f"MCLP S = {s_}, p = {p}", want, plan.objective, "equal",
                     plan.objective == want, sec, "Church & ReVelle 1974"))  # fmt: skip
    plan, sec = _timed(lambda: lscp(inst.with_radius(15)))
    run.add(Line("swain", "LSCP S = 15", 5, plan.objective, "equal", plan.objective == 5, sec,
                 "Church & ReVelle 1974"))  # fmt: skip
    ins = inst.with_radius(10)
    plan, sec = _timed(lambda: mclp(ins, 5, Rules(within=15)))
    run.plans_checked.append(("swain closeness", check_plan(ins, plan, Rules(within=15), p=5).ok))
    run.add(Line("swain", "MCLP S = 10, p = 5, every node within T = 15", 354, plan.objective,
                 "equal", plan.objective == 354, sec, "Church & ReVelle 1974"))  # fmt: skip


def farmer_problem() -> Any:
    """Birge & Louveaux's farmer (Introduction to Stochastic Programming, §1.1): 500 acres of
    wheat, corn and sugar beets, yields ±20% in three equally likely years (costs, so a profit
    is a negative objective)."""
    import scipy.sparse as sp

    from anjian.optimize.stochastic import FirstStage, RecourseScenario, TwoStage

    q = np.array([238.0, -170.0, 210.0, -150.0, -36.0, -10.0])
    w = sp.csr_matrix(np.array([[1, -1, 0, 0, 0, 0], [0, 0, 1, -1, 0, 0], [0, 0, 0, 0, -1, -1]],
                               dtype=float))  # fmt: skip
    y_hi = np.array([np.inf, np.inf, np.inf, np.inf, 6000.0, np.inf])
    first = FirstStage(c=np.array([150.0, 230.0, 260.0]), a=sp.csr_matrix(np.ones((1, 3))),
                       lo=np.array([-np.inf]), hi=np.array([500.0]), x_lo=np.zeros(3),
                       x_hi=np.full(3, np.inf), integer=np.zeros(3, dtype=bool))  # fmt: skip
    scenarios = tuple(
        RecourseScenario(p=1 / 3, q=q, t=sp.csr_matrix(np.diag(np.array([2.5, 3.0, 20.0]) * f)),
                         w=w, h_lo=np.array([200.0, 240.0, 0.0]), h_hi=np.full(3, np.inf),
                         y_lo=np.zeros(6), y_hi=y_hi)
        for f in (1.2, 1.0, 0.8))  # fmt: skip
    return TwoStage(first, scenarios)


def _farmer(run: _Run) -> None:
    from anjian.optimize.stochastic import stochastic_measures

    m, sec = _timed(lambda: stochastic_measures(farmer_problem()))
    for item, want, ours in (("recourse problem (profit)", 108_390, -m.rp),
                             ("wait-and-see (profit)", 115_406, -m.ws),
                             ("expected value of the EV solution (profit)", 107_240, -m.eev),
                             ("VSS", 1_150, m.vss), ("EVPI", 7_016, m.evpi)):  # fmt: skip
        run.add(Line("farmer", item, want, round(float(ours), 2), "±1", abs(ours - want) <= 1,
                     sec, "Birge & Louveaux 2011, §1.1"))  # fmt: skip
        sec = 0.0


def _checker(run: _Run) -> None:
    good = sum(ok for _, ok in run.plans_checked)
    n = len(run.plans_checked)
    bad = [name for name, ok in run.plans_checked if not ok]
    run.add(Line("checker", f"{n} plans", "100%", f"{100 * good / max(n, 1):.1f}%",
                 "every plan passes", n > 0 and good == n, 0.0,
                 "optimize/check.py" + (f"; failed: {bad[:5]}" if bad else "")))  # fmt: skip


# -- calibration ---------------------------------------------------------------------------


def _calibration(run: _Run) -> None:
    from anjian.scenarios import load_scenario
    from anjian.sim.field_evidence import randomised_inspection_effect
    from anjian.sim.inspection import InspectionConfig, simulate_inspections
    from anjian.sim.response import ResponseConfig, ResponseModel
    from anjian.sim.stats import t_interval

    s = load_scenario("chongqing")
    years = 5.0  # a year alone is too noisy for the regional shares (±2 points)
    r, sec = _timed(lambda: simulate_inspections(s, InspectionConfig(years=years, seed=2019)))
    y = r.years.set_index(["kpi", "year"])["value"]
    deaths = y["deaths_per_year"].to_numpy()
    mean, half, _ = t_interval(deaths)
    src = "重庆市应急管理局 2019 (SOURCES.md R15)"
    run.out.figures["calibration"] = deaths.tolist()
    for k, d in enumerate(deaths):
        run.add(Line("calibration", f"work-safety deaths, simulated year {k + 1}", 846,
                     round(float(d), 1), "±12% (a year's own noise ≈ ±5%)",
                     abs(d / 846 - 1) <= 0.12, sec if k == 0 else 0.0, src))  # fmt: skip
    if len(deaths) > 1:
        run.add(Line("calibration", f"work-safety deaths, mean of {len(deaths)} years", 846,
                     round(mean, 1), "±5%", abs(mean / 846 - 1) <= 0.05, 0.0, src,
                     half))  # fmt: skip
        larger = float(y["larger_accidents_per_year"].mean())
        run.add(Line("calibration", "larger accidents (3–9 deaths) a year", 10, round(larger, 2),
                     "±30% (Poisson noise of 50 events)", abs(larger / 10 - 1) <= 0.3, 0.0,
                     src))  # fmt: skip
    acc = r.accidents
    per = float(acc["deaths"].sum() / len(acc))
    run.add(Line("calibration", "deaths per accident", round(479 / 443, 4), round(per, 4),
                 "±5%", abs(per / (479 / 443) - 1) <= 0.05, 0.0,
                 "479 deaths in 443 accidents, Jan–Jul 2017 (data/chongqing)"))  # fmt: skip
    group = {a: d.region_group for a, d in s.districts.items()}
    by_group = acc.assign(g=acc["adcode"].map(group)).groupby("g")["deaths"].sum()
    for g, n in {"core": 167, "new_core": 142, "northeast": 92, "southeast": 37}.items():
        share = float(by_group.get(g, 0.0) / by_group.sum())
        run.add(
            Line(
                "calibration",
                f"share of deaths in {s.region_groups[g].name_zh} {g}",
                round(n / 438, 4),
                round(share, 4),
                "±5 percentage points",
                abs(share - n / 438) <= 0.05,
                0.0,
                "Jan–Jul 2017 by region (data/chongqing)",
            )
        )
    for cat, lo, hi in (("industry_trade", -0.104, -0.084), ("construction_site", -0.177, -0.021),
                        ("hazchem", -0.177, -0.021)):  # fmt: skip
        effect, sec = _timed(partial(randomised_inspection_effect, s, cat))
        run.add(Line("calibration", f"one inspection's effect on accidents over 4 years, {cat}",
                     "−9.4% (CI −17.7% … −2.1%)", f"{100 * effect:.1f}%",
                     f"within [{100 * lo:.1f}%, {100 * hi:.1f}%]", lo <= effect <= hi, sec,
                     "Levine, Toffel & Johnson, Science 2012"))  # fmt: skip
    flood = load_scenario("chongqing_flood2020")
    surge = flood.surges["aug2020"]
    res, sec = _timed(lambda: ResponseModel(flood, ResponseConfig(years=1, seed=2)).run())
    mine = res.incidents[res.incidents["surge"] == "aug2020"]
    people = float(mine["people_affected"].sum())
    run.add(Line("calibration", "August-2020 flood: incidents in the surge", surge.incidents,
                 len(mine), "equal", len(mine) == surge.incidents, sec,
                 "重庆市 2020-08 汛情通报 (SOURCES.md)"))  # fmt: skip
    run.add(Line("calibration", "August-2020 flood: people affected", 263_200, people, "equal",
                 people == 263_200, 0.0, "重庆市 2020-08 汛情通报 (SOURCES.md)"))  # fmt: skip


#: The parameters of the built-in Chongqing that were calibrated, to what, and how
#: (docs/model-inspection.md, "Calibration"; SOURCES.md).
CALIBRATED: tuple[tuple[str, str, str, str], ...] = (
    ("share of risk inspection reaches: every category's accidents_per_open_hazard_year × k",
     "one randomised inspection −9.4% over 4 years (Levine, Toffel & Johnson 2012)",
     "k = 0.277 (bisection on industry and trade), baselines raised to keep expected accidents",
     "SOURCES.md [A26]"),
    ("all accident rates × one factor", "846 work-safety deaths in 2019 [R15]",
     "846 / 724, then × 1.015", "docs/model-inspection.md, Calibration 2"),
    ("weights of 3 or more deaths in every deaths_per_accident × 1.35",
     "10 larger accidents (3–9 deaths) in 2019 [R15]", "× 1.35 (one death's share lowered)",
     "docs/model-inspection.md, Calibration 3"),
    ("region split of deaths", "Jan–Jul 2017 by region", "not fitted: follows from where sites "
     "are (tools/build_chongqing.py)", "SOURCES.md [A3]"),
)  # fmt: skip
#: Sections of the model docs the report carries as measured (their runs take minutes).
RECORDED = (("model-inspection.md", "Lever table"), ("model-inspection.md", "Sensitivity"))
DOCS = Path(__file__).resolve().parent.parent / "docs"


def recorded_section(doc: str, heading: str) -> str | None:
    """The text of section ``## heading`` of docs/``doc`` (to the next ``## ``), or None."""
    path = DOCS / doc
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    start = text.find(f"\n## {heading}\n")
    if start < 0:
        return None
    body = text[start + len(heading) + 5 :]
    end = body.find("\n## ")
    return body[: end if end >= 0 else len(body)].strip()


# -- reproducibility -----------------------------------------------------------------------


def _frames_equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> bool:
    return a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)


def _toy_response_rep(_shared: None, rep: int) -> pd.DataFrame:
    from anjian.scenarios import load_scenario
    from anjian.sim.response import ResponseConfig, simulate_response

    return simulate_response(load_scenario("toy"),
                             ResponseConfig(years=0.5, seed=7, replication=rep)).kpis  # fmt: skip


def _reproducibility(run: _Run) -> None:
    from anjian.parallel import map_tasks
    from anjian.scenarios import load_scenario
    from anjian.sim.inspection import InspectionConfig, simulate_inspections

    toy = load_scenario("toy")
    t0 = time.perf_counter()
    a = simulate_inspections(toy, InspectionConfig(years=0.5, seed=3))
    b = simulate_inspections(toy, InspectionConfig(years=0.5, seed=3))
    same = _frames_equal({"k": a.kpis, "x": a.accidents}, {"k": b.kpis, "x": b.accidents})
    run.add(Line("reproducibility", "inspection model, toy, seed 3, run twice", "identical",
                 "identical" if same else "different", "bit for bit", same,
                 time.perf_counter() - t0))  # fmt: skip
    t0 = time.perf_counter()
    serial = map_tasks(_toy_response_rep, None, [0, 1, 2, 3], workers=1)
    dask = map_tasks(_toy_response_rep, None, [0, 1, 2, 3], workers=2)
    same = all(x.equals(y) for x, y in zip(serial, dask, strict=True))
    run.add(Line("reproducibility", "response model, toy, 4 replications: serial vs 2 Dask "
                 "workers", "identical", "identical" if same else "different", "bit for bit",
                 same, time.perf_counter() - t0))  # fmt: skip
    _golden(run)


def _golden(run: _Run) -> None:
    """The golden runs of the test suite (tests/golden.py), compared as its test does."""
    import importlib.util

    script = GOLDEN.parent / "golden.py"
    if not script.is_file():
        run.add(Line("reproducibility", "golden runs", "tests/golden", "missing", "present",
                     False, 0.0, "run from a source checkout"))  # fmt: skip
        return
    spec = importlib.util.spec_from_file_location("anjian_golden", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    names = [n for n in mod.RUNS if run.quick is False or n.endswith("_toy")]
    for name in names:
        t0 = time.perf_counter()
        ok = not mod.differences(name)
        run.add(Line("reproducibility", f"golden run {name}", "stored CSV",
                     "unchanged" if ok else "changed", "equal to the last bits", ok,
                     time.perf_counter() - t0, "tests/golden"))  # fmt: skip


CHECKS: dict[str, Callable[..., None]] = {
    "queueing": _erlang,
    "hypercube": _hypercube,
    "pmed": _pmed,
    "cflp": _cflp,
    "swain": _swain,
    "farmer": _farmer,
    "checker": _checker,
    "calibration": _calibration,
    "reproducibility": _reproducibility,
}
_NEEDS_FOLDER = ("queueing", "hypercube")


def run_validation(
    mode: str = "quick", progress: Callable[[str], None] | None = None
) -> Validation:
    """Run every check (``mode`` ``quick`` or ``full``); ``progress(message)`` before each."""
    if mode not in ("quick", "full"):
        raise ValueError(f"mode must be 'quick' or 'full', got {mode!r}")
    out = Validation(mode=mode)
    run = _Run(quick=mode == "quick", out=out)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="anjian-validate-") as tmp:
        for key, check in CHECKS.items():
            if progress is not None:
                progress(key)
            t1 = time.perf_counter()
            try:
                if key in _NEEDS_FOLDER:
                    check(run, Path(tmp))
                else:
                    check(run)
            except Exception as err:  # a check that cannot run is a failing line, not a crash
                group = {"queueing": "erlang_c"}.get(key, key)
                run.add(Line(group, f"{key}: the check could not run", "runs", "error",
                             "no error", False, time.perf_counter() - t1,
                             f"{type(err).__name__}: {err}"[:300]))  # fmt: skip
    out.seconds = time.perf_counter() - t0
    return out


def iter_groups(v: Validation) -> Iterator[tuple[str, list[Line]]]:
    """The lines by group, in the order of :data:`GROUPS`."""
    for key in GROUPS:
        lines = [line for line in v.lines if line.group == key]
        if lines:
            yield key, lines

"""The inspection model: an exact event trace, reproducibility, common random numbers,
invariants, staff shortages, bad settings, and the Chongqing calibration."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from anjian.levers import inspection_levers
from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.reference import ZEROS
from anjian.sim.dispatch import COMPLAINT, JOB_NAMES, REFERRAL, REINSPECTION
from anjian.sim.inspection import InspectionConfig, InspectionModel, simulate_inspections
from anjian.sim.replicate import replicate_inspections
from anjian.sim.stats import paired_difference


def _toy_trace_scenario(folder: Path):  # type: ignore[no-untyped-def]
    """2 inspectors, 3 sites in one district, fixed 60-minute inspections, no travel, no
    hazards, 8-hour shifts from 08:00 every day, 10-day interval."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zeros.csv").write_text(ZEROS, encoding="utf-8")
    (folder / "scenario.toml").write_text(
        """
[scenario]
name = "trace"
title_zh = "轨迹"
title_en = "Trace"
base = "toy"

[tables]
travel_matrix = "zeros.csv"

[travel]
model = "matrix"

[overrides]
"inspection.complaints_per_100k_population_year" = 0
"inspection.release_days_before_due" = 0
"sites.900001.factory" = 3
"sites.900001.geohazard_point" = 0
"sites.900002.factory" = 0
"sites.900002.geohazard_point" = 0
"sites.900003.factory" = 0
"sites.900003.geohazard_point" = 0
"staff.900001.district_certified" = 2
"staff.900001.township" = 0
"staff.900002.district_certified" = 0
"staff.900002.township" = 0
"staff.900003.district_certified" = 0
"staff.900003.township" = 0
"inspector_kinds.district_certified.attrition_per_year" = 0
"inspector_kinds.district_certified.days_per_year" = 365
"site_categories.factory.inspection_duration" = { kind = "fixed", value_min = 60 }
"site_categories.factory.hazards_per_site_year" = 0
"site_categories.factory.accidents_per_site_year" = 0
"site_categories.factory.inspection_interval_days" = { high = 10, low = 10 }
""",
        encoding="utf-8",
    )
    return load_scenario(folder)


def test_exact_event_trace(tmp_path: Path) -> None:
    s = _toy_trace_scenario(tmp_path / "t")
    cfg = InspectionConfig(years=11 / 365, seed=0, initial_due="start", trace=True)
    trace = simulate_inspections(s, cfg).trace
    a, b = "900001/district_certified/0", "900001/district_certified/1"
    day = 1440.0
    expected = [
        # day 0: all three due at 00:00; work starts at 08:00 (480 min)
        (480.0, "start", a, 0, "routine"),
        (480.0, "start", b, 1, "routine"),
        (540.0, "finish", a, 0, "routine", 0),
        (540.0, "start", a, 2, "routine"),
        (540.0, "finish", b, 1, "routine", 0),
        (600.0, "finish", a, 2, "routine", 0),
        # next due = due (0) + 10 days: released at the start of day 10
        (10 * day + 480.0, "start", b, 0, "routine"),
        (10 * day + 480.0, "start", a, 1, "routine"),
        (10 * day + 540.0, "finish", b, 0, "routine", 0),
        (10 * day + 540.0, "start", b, 2, "routine"),
        (10 * day + 540.0, "finish", a, 1, "routine", 0),
        (10 * day + 600.0, "finish", b, 2, "routine", 0),
    ]
    assert [tuple(float(x) if isinstance(x, float) else x for x in e) for e in trace] == expected


def test_same_seed_same_numbers_and_other_seed_differs() -> None:
    toy = load_scenario("toy")
    a = simulate_inspections(toy, InspectionConfig(years=1, seed=7))
    b = simulate_inspections(toy, InspectionConfig(years=1, seed=7))
    c = simulate_inspections(toy, InspectionConfig(years=1, seed=8))
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    pd.testing.assert_frame_equal(a.accidents, b.accidents)
    assert not a.kpis["value"].equals(c.kpis["value"])


def test_common_random_numbers_share_the_hazards(tmp_path: Path) -> None:
    toy = load_scenario("toy")
    staff = {a: dict(row) for a, row in toy.staff.items()}
    staff["900003"]["district_certified"] = 6
    more = toy.with_(staff=staff)
    cfg = InspectionConfig(years=1, seed=3)
    base = replicate_inspections(toy, cfg, 4)
    plan = replicate_inspections(more, cfg, 4)

    def arisen(r):  # type: ignore[no-untyped-def]
        k = r.kpis
        return k[(k.level == "city") & (k.kpi == "hazards_arisen")]["value"].to_numpy()

    # hazards arise independently of the plan: identical, replication by replication
    assert np.array_equal(arisen(base), arisen(plan))
    diff = paired_difference(base.kpis, plan.kpis).set_index(["level", "key", "kpi"])
    row = diff.loc[("kind", "district_certified", "posts")]
    assert row["mean"] == 4 and row["half_width"] == 0


@pytest.mark.parametrize("start", ["empty", "steady"])
def test_invariants_hold_on_chongqing_quarter(start: str) -> None:
    s = load_scenario("chongqing")
    r = simulate_inspections(s, InspectionConfig(years=0.25, seed=1, initial_state=start))
    k = r.kpis.set_index(["level", "key", "kpi"])["value"].sort_index()
    city = k.loc["city", "all"]
    assert 0 < city["utilisation"] <= 1
    assert 0 <= city["travel_share"] <= 1
    if start == "empty":  # nothing latent or ordered at t = 0
        assert city["hazards_detected"] <= city["hazards_arisen"]
        assert city["hazards_rectified"] <= city["hazards_detected"]
    assert city["open_hazard_days"] >= city["latent_hazard_days"] >= 0
    assert 0 <= city["on_time_rate"] <= 1
    assert city["inspections_done"] == pytest.approx(
        sum(k.loc["district", a, "inspections_done"] for a in s.districts)
    )
    acc = r.accidents
    assert acc["time_min"].is_monotonic_increasing
    assert acc["time_min"].between(0, 0.25 * 525_600).all()
    assert set(acc["incident_type"]) <= set(s.incident_types)
    assert (acc["deaths"] >= 0).all()


def test_no_inspectors_is_reported_not_a_crash() -> None:
    toy = load_scenario("toy")
    none = toy.with_(staff={a: dict.fromkeys(r, 0) for a, r in toy.staff.items()})
    r = simulate_inspections(none, InspectionConfig(years=0.5, seed=1))
    k = r.kpis.set_index(["level", "key", "kpi"])["value"]
    assert k["city", "all", "inspections_done"] == 0
    assert k["city", "all", "backlog_end"] > 0
    assert k["city", "all", "posts"] == 0
    assert np.isnan(k["city", "all", "utilisation"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"years": 0}, "years must be > 0"), ({"snapshot_days": -1}, "snapshot_days must be > 0")],
)
def test_bad_run_settings(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(InspectionConfig(), **changes)


def test_model_exposes_accidents_as_incidents() -> None:
    toy = load_scenario("toy")
    m = InspectionModel(toy, InspectionConfig(years=1, seed=1))
    r = m.run()
    assert list(r.accidents.columns) == ["rep", "time_min", "adcode", "category",
                                         "incident_type", "deaths"]  # fmt: skip


def test_chongqing_calibration_holds_in_every_year() -> None:
    """At steady state (the default start), every simulated year of a 5-year run lands within
    ±12% of the 2019 figure of 846 work-safety deaths (a year's own noise is about ±5%), the
    5-year mean within ±5%, and larger accidents (3–9 deaths) average 10 a year within ±30%
    (Poisson noise of 50 events)."""
    s = load_scenario("chongqing")
    r = simulate_inspections(s, InspectionConfig(years=5, seed=2019))
    y = r.years.set_index(["kpi", "year"])["value"]
    deaths = y["deaths_per_year"].to_numpy()
    assert len(deaths) == 5
    assert np.all(np.abs(deaths / 846 - 1) <= 0.12), deaths
    assert deaths.mean() == pytest.approx(846, rel=0.05)
    assert y["larger_accidents_per_year"].mean() == pytest.approx(10, rel=0.3)
    # deaths per accident: 479 deaths in 443 accidents, January–July 2017 (data/chongqing)
    acc = r.accidents
    assert acc["deaths"].sum() / len(acc) == pytest.approx(479 / 443, rel=0.05)
    # deaths by region group, January–July 2017: 主城 167, 渝西 142, 渝东北 92, 渝东南 37 (the
    # 2017 groups mapped to the 2020 ones: 主城 → core, 渝西 → new_core), each within 5 points
    group = {a: d.region_group for a, d in s.districts.items()}
    by_group = acc.assign(g=acc["adcode"].map(group)).groupby("g")["deaths"].sum()
    target = {"core": 167, "new_core": 142, "northeast": 92, "southeast": 37}
    for g, n in target.items():
        assert by_group[g] / by_group.sum() == pytest.approx(n / 438, abs=0.05), (g, by_group)
    # and no KPI of the built-in scenario is NaN or infinite (a kind with no posts has no rows)
    assert np.isfinite(r.kpis["value"]).all(), r.kpis[~np.isfinite(r.kpis["value"])]


def reference_finish(m: InspectionModel, ins: Any, entry: Any) -> None:
    """The test oracle: ``ins`` has finished job ``entry`` (now) — the visit's outcome, then the
    next job, written as plain calls to the model's rules.
    ``anjian.sim.inspection_loop.advance_pool``
    does the same inline, for speed."""
    pool = ins.queue
    t = pool.now
    due, _, _, i, kind, version = entry
    if kind == REFERRAL:  # a referred case processed: office work, no visit
        m.close_case(i, ins, t, entry)
        pool.free(ins)
        return
    m._catch_up(i, t)
    d = m.site_dist[i]
    c = m.site_cat[i]
    m.done[d][c][kind] += 1
    ins.inspections += 1
    factor = 1.0
    if kind == REINSPECTION:
        m.reinspect(i, ins, t)
        factor = m.reinsp_detect
    found = m.detect(i, ins, t, factor) if m.latent[i] else 0
    if found and kind == COMPLAINT:
        m.complaint_hits[d][c] += 1
    if m.tracing:
        m.trace.append((t, "finish", ins.name, i, JOB_NAMES.get(kind, "spot_check"), found))
    if version >= 0 and version == m.version[i]:  # a routine job, not superseded
        if t <= due:
            m.routine_on_time[d][c] += 1
        else:
            m.routine_overdue_min[d][c] += t - due
        # done early: keep the nominal schedule; done late: the interval restarts now
        if m.site_flood[i] and m.in_flood(t):
            interval = m.site_flood_interval[i]
        else:
            interval = m.site_interval[i]
        if m.listed_until[i] > t:  # a listed repeat offender: more often
            interval *= m.bl_factor
        m._schedule_routine(i, (t if t > due else due) + interval, now=t)
    pool.free(ins)


@pytest.mark.parametrize(("name", "years"), [("toy", 2.0), ("chongqing", 0.1)])
def test_written_out_loop_equals_the_pool_methods(name: str, years: float) -> None:
    """sim.inspection_loop.advance_pool is JobPool.advance with the model's callbacks,
    written out for speed: both give the same KPIs, accidents and backlog series."""
    s = load_scenario(name)
    fast = InspectionModel(s, InspectionConfig(years=years, seed=5, engine="python")).run()
    plain = InspectionModel(s, InspectionConfig(years=years, seed=5, engine="python"))
    plain.finish_cb = partial(reference_finish, plain)
    plain.advance_pool = lambda pool, t, inclusive=True: pool.advance(t, inclusive)
    slow = plain.run()
    pd.testing.assert_frame_equal(fast.kpis, slow.kpis)
    pd.testing.assert_frame_equal(fast.accidents, slow.accidents)
    pd.testing.assert_frame_equal(fast.series, slow.series)
    assert fast.kpis.set_index("kpi")["value"]["inspections_done"].iloc[0] > 0


def _busy_toy() -> Any:
    """The toy city with every rule switched on: high turnover (vacancies and hiring while
    jobs wait), referred cases, investigations, deterrence, blacklists, informative
    complaints, self-fixing firms, campaigns."""
    toy = load_scenario("toy")
    return toy.with_({
        **{f"inspector_kinds.{k}.attrition_per_year": 0.9 for k in toy.inspector_kinds},
        **{f"risk_tiers.{t}.self_fix_days": 200.0 for t in toy.risk_tiers},
        "site_categories.factory.accidents_per_site_year": 0.2,
        "inspection.investigation.duration": {"kind": "fixed", "value_h": 8},
        "inspection.compliance_with_penalty": 0.4,
        "inspection.compliance_without_penalty": 0.2,
        "inspection.blacklist.days": 365.0,
        "inspection.deterrence.hazard_reduction": 0.4,
        "inspection.complaint_open_hazard_weight": 5.0,
        "inspection.complaints_per_100k_population_year": 200,
        "inspection.referral.case_hours": 3.0,
    })  # fmt: skip


@pytest.mark.parametrize(
    ("name", "years", "seed", "state"),
    [("toy", 2.0, 5, "steady"), ("busy", 3.0, 7, "steady"), ("busy", 1.0, 8, "empty"),
     ("chongqing", 0.1, 5, "steady")],
)  # fmt: skip
def test_compiled_pools_equal_the_python_model(
    name: str, years: float, seed: int, state: str
) -> None:
    """sim/kernel.py runs the pools compiled: every KPI, accident, backlog and per-year figure
    is the Python model's, to the last bit, with every rule in play (vacancies during queues,
    referred cases, investigations, deterrence, blacklists, informative complaints,
    self-fixing)."""
    s = _busy_toy() if name == "busy" else load_scenario(name)
    cfg = InspectionConfig(years=years, seed=seed, initial_state=state)  # type: ignore[arg-type]
    fast = simulate_inspections(s, cfg)
    slow = simulate_inspections(s, replace(cfg, engine="python"))
    for table in ("kpis", "accidents", "series", "years"):
        pd.testing.assert_frame_equal(getattr(fast, table), getattr(slow, table), check_exact=True)
    k = fast.kpis[fast.kpis["level"] == "city"].set_index("kpi")["value"]
    assert k["inspections_done"] > 0
    if name == "busy":  # the rules did happen
        for kpi in ("referral_cases", "investigations", "blacklisted", "hazards_deterred",
                    "hazards_self_fixed"):  # fmt: skip
            assert k[kpi] > 0, kpi
        assert k["vacancies_mean"] > 1


def test_compiled_stores_grow_without_changing_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled pools' job, event and fix stores start tiny here and grow between events
    many times over a run: the numbers are still the Python model's."""
    from anjian.sim.engine import Engine

    for name, value in (("JOB_SLOTS_PER_SITE", 0), ("JOB_SLOTS", 64), ("EVENT_SLOTS_PER_POST", 0),
                        ("EVENT_SLOTS", 1), ("FIX_SLOTS", 8)):  # fmt: skip
        monkeypatch.setattr(Engine, name, value)
    grown = []
    real = Engine._replace

    def spy(self: Engine, **arrays: Any) -> None:
        grown.extend(k for k in arrays if k in ("jf", "ef", "fix_t"))
        real(self, **arrays)

    monkeypatch.setattr(Engine, "_replace", spy)
    s = _busy_toy()
    cfg = InspectionConfig(years=1.0, seed=9)
    fast = simulate_inspections(s, cfg)
    assert {"jf", "ef", "fix_t"} <= set(grown), grown
    slow = simulate_inspections(s, replace(cfg, engine="python"))
    for table in ("kpis", "accidents", "series", "years"):
        pd.testing.assert_frame_equal(getattr(fast, table), getattr(slow, table), check_exact=True)


@pytest.mark.parametrize("name", ["chongqing", "busy"])
def test_compiled_steady_state_equals_the_numpy_one(name: str) -> None:
    """sim/steady_kernel.py runs the steady-state pre-run site by site, compiled: every site
    starts with the hazards, orders, penalty state and re-inspection time of the numpy
    version."""
    import anjian.sim.inspection as si

    s = _busy_toy() if name == "busy" else load_scenario(name)
    got = {}
    real = si.presimulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        got[kwargs.get("flood_table") is not None] = out = real(*args, **kwargs)
        return out

    for engine in ("compiled", "python"):
        m = InspectionModel(s, InspectionConfig(years=0.01, seed=3, engine=engine))  # type: ignore[arg-type]
        first = np.random.default_rng(1).random(len(m.sites)) * m.sites.interval_min
        try:
            si.presimulate = spy
            m._start_hazards_steady(first)
        finally:
            si.presimulate = real
    fast, slow = got[True], got[False]
    assert slow.latent.sum() > 0 and slow.ordered.sum() > 0
    for field in ("latent", "ordered", "penalised", "reinspect_at"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)


def _duty_toy(share: float) -> Any:
    """The toy city with township-scope township staff (premises of township level:
    warehouses) and flood-season duty taking ``share`` of their inspection time."""
    toy = load_scenario("toy")
    return toy.with_({
        "inspector_kinds.township.scope": "township",
        "site_categories.geohazard_point.inspected_by": "township",
        "inspection.flood_season.township_duty_share": share,
    })  # fmt: skip


def test_flood_duty_takes_township_time_in_the_flood_months() -> None:
    """``township_duty_share``: township posts work a shorter shift on flood-season days, so a
    year's inspection time is shift × (365 − share × 122 flood days) exactly; their
    utilisation rises and fewer of their routine visits are on time; district staff keep
    their hours; the compiled pools equal the Python model."""
    from anjian.sim.calendar import WorkCalendar

    duty = _duty_toy(0.5)
    cfg = InspectionConfig(years=1, seed=3)
    m = InspectionModel(duty, cfg)
    ki = m.kinds.index("township")
    town = [ins for ins in m.inspectors if ins.kind == ki]
    assert town and all(ins.calendar.dutied for ins in town)
    flood_days = sum(b - a for a, b in m.flood) / 1440
    assert flood_days == 30 + 31 + 31 + 30
    cal = town[0].calendar
    year = 365 * 1440.0
    assert cal.work_between(0.0, year) == pytest.approx(cal.shift_min * (365 - 0.5 * flood_days))
    assert all(not ins.calendar.dutied for ins in m.inspectors if ins.kind != ki)
    # a job of one full shift begun an hour before the end of 31 May's shift: an hour on
    # 31 May, a half shift on 1 June, the rest on 2 June
    w, f, s0 = cal.shift_min, cal.flood_shift_min, cal.shift_start_min
    assert f == pytest.approx(w / 2) and w - 60.0 > f
    start = 150 * 1440.0 + s0 + w - 60.0
    assert cal.finish(start, w) == pytest.approx(152 * 1440.0 + s0 + (w - 60.0 - f))
    plain = WorkCalendar(s0, w)
    assert cal.finish(start, 30.0) == plain.finish(start, 30.0)  # within May: unchanged
    with_duty = simulate_inspections(duty, cfg)
    none = simulate_inspections(_duty_toy(0.0), cfg)

    def town_kpi(r: Any, kpi: str) -> float:
        k = r.kpis[(r.kpis["level"] == "kind") & (r.kpis["key"] == "township")]
        return float(k.set_index("kpi")["value"][kpi])

    assert town_kpi(with_duty, "utilisation") > town_kpi(none, "utilisation")
    slow = simulate_inspections(duty, replace(cfg, engine="python"))
    pd.testing.assert_frame_equal(with_duty.kpis, slow.kpis, check_exact=True)
    pd.testing.assert_frame_equal(with_duty.accidents, slow.accidents, check_exact=True)


def test_trace_is_in_time_order_with_accidents_and_several_pools() -> None:
    """Pools run one after another and accidents are drawn at year ends; the trace is still
    one time-ordered sequence, and its accidents are those of the accident table."""
    s = load_scenario("toy")
    s = s.with_({f"site_categories.{k}.accidents_per_site_year": 0.5 for k in s.site_categories})
    r = simulate_inspections(s, InspectionConfig(years=2, seed=4, trace=True))
    times = [e[0] for e in r.trace]
    assert times == sorted(times)
    accidents = [e for e in r.trace if e[1] == "accident"]
    assert len(accidents) == len(r.accidents) > 0
    assert [e[0] for e in accidents] == pytest.approx(r.accidents["time_min"].tolist())
    names = {e[2] for e in r.trace if e[1] == "finish"}
    assert len({n.split("/")[0] for n in names}) > 1  # more than one district's pool worked


def _by_district(r: Any) -> dict[str, list[tuple[float, str, int]]]:
    out: dict[str, list[tuple[float, str, int]]] = {}
    for row in r.accidents.itertuples():
        out.setdefault(row.adcode, []).append((row.time_min, row.category, row.deaths))
    return out


@pytest.mark.parametrize(
    ("name", "years", "district"), [("toy", 3.0, "900003"), ("chongqing", 0.5, "500243")]
)
def test_one_more_inspector_changes_only_its_own_district(
    name: str, years: float, district: str
) -> None:
    """Common random numbers by entity: a site's detection, compliance, accident thresholds
    and deaths are its own draws, a post's equipment and turnover its own, a district's visit
    durations its own. One more township inspection post in one district (served by no shared pool)
    leaves every other district's accidents, deaths and KPIs exactly as they were. (Larger
    accidents are investigated by the city corps, a shared pool: here they stay with the
    district's own staff.)"""
    s = load_scenario(name)
    if s.inspection.investigation.duration is not None:
        s = s.with_({"inspection.investigation.city_from_deaths": 1000})
    # one more inspection post: township staff spend inspection_time_share of their time
    extra = math.ceil(1 / s.inspector_kinds["township"].inspection_time_share)
    more = s.with_({f"staff.{district}.township": s.staff[district]["township"] + extra})
    cfg = InspectionConfig(years=years, seed=8)
    a, b = simulate_inspections(s, cfg), simulate_inspections(more, cfg)
    acc_a, acc_b = _by_district(a), _by_district(b)
    others = [d for d in s.districts if d != district]
    assert all(acc_a.get(d) == acc_b.get(d) for d in others)
    ka = a.kpis[(a.kpis["level"] == "district") & a.kpis["key"].isin(others)]
    kb = b.kpis[(b.kpis["level"] == "district") & b.kpis["key"].isin(others)]
    pd.testing.assert_frame_equal(ka.reset_index(drop=True), kb.reset_index(drop=True))
    # ... while the district itself did change
    mine_a = a.kpis[(a.kpis["key"] == district) & (a.kpis["kpi"] == "posts")]
    mine_b = b.kpis[(b.kpis["key"] == district) & (b.kpis["kpi"] == "posts")]
    assert float(mine_b["value"].iloc[0]) == float(mine_a["value"].iloc[0]) + 1


def test_paired_ci_of_deaths_is_narrower_than_unpaired() -> None:
    """+10% certified district staff (every department) in Chongqing: with random numbers
    attached to sites and posts, the paired difference in deaths has a narrower CI than
    comparing independent runs."""
    s = load_scenario("chongqing")
    more = s.with_(inspection_levers(s)["certified_plus_10pct"])
    cfg = InspectionConfig(years=0.3, seed=12)
    base = replicate_inspections(s, cfg, 4)
    plan = replicate_inspections(more, cfg, 4)
    other = replicate_inspections(more, replace(cfg, seed=13), 4)

    def deaths(r: Any) -> np.ndarray:
        k = r.kpis
        sel = k[(k["level"] == "city") & (k["kpi"] == "deaths_per_year")]
        return sel.sort_values("rep")["value"].to_numpy()

    paired = deaths(plan) - deaths(base)
    unpaired_se = np.sqrt(deaths(base).var(ddof=1) / 4 + deaths(other).var(ddof=1) / 4)
    paired_se = paired.std(ddof=1) / 2.0
    # measured: 1.6 vs 36.7 deaths a year (before, with city-wide streams, the two were alike)
    assert paired_se < 0.25 * unpaired_se, (paired_se, unpaired_se)


def test_per_year_table_adds_up_to_the_run() -> None:
    toy = load_scenario("toy")
    r = simulate_inspections(toy, InspectionConfig(years=2.5, seed=3))
    y = r.years
    assert sorted(set(y["year"])) == [0, 1, 2]
    assert y.groupby("year")["span_years"].first().tolist() == pytest.approx([1.0, 1.0, 0.5])
    city = r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]
    for kpi in ("inspections_done", "hazards_arisen", "hazards_detected", "hazards_rectified",
                "latent_hazard_days", "open_hazard_days", "penalties"):  # fmt: skip
        assert y[y["kpi"] == kpi]["value"].sum() == pytest.approx(city[kpi], rel=1e-9, abs=1e-6)
    rates = y[y["kpi"] == "deaths_per_year"]
    deaths = float((rates["value"] * rates["span_years"]).sum())
    assert deaths == pytest.approx(r.accidents["deaths"].sum())


def test_steady_start_has_no_warm_up_transient() -> None:
    """From an empty start, hazards pile up for years (latent hazard-days of year 0 well below
    year 3's); from the steady state, year 0 already looks like the years after it."""
    toy = load_scenario("toy")

    def latent_days(state: Any) -> list[float]:
        runs = replicate_inspections(toy, InspectionConfig(years=4, seed=6, initial_state=state), 3)
        y = runs.years[runs.years["kpi"] == "latent_hazard_days"]
        return y.groupby("year")["value"].mean().tolist()

    empty, steady = latent_days("empty"), latent_days("steady")
    assert empty[0] < 0.8 * np.mean(empty[2:])
    assert steady[0] == pytest.approx(np.mean(steady[2:]), rel=0.1)


def test_jurisdiction_sends_each_level_to_its_own_staff() -> None:
    """分级属地: premises inspected by township staff go to the district's township pool, the
    rest to the district's own staff; a trace shows who did what."""
    toy = load_scenario("toy").with_(
        {
            "site_categories.factory.inspected_by": "township",
            "inspector_kinds.township.scope": "township",
        }
    )
    m = InspectionModel(toy, InspectionConfig(years=1, seed=2, trace=True))
    m.run()
    cats = list(toy.site_categories)
    seen: dict[str, set[str]] = {}
    for event in m.trace:
        if event[1] == "start":
            kind = event[2].split("/")[1]
            seen.setdefault(kind, set()).add(cats[int(m.sites.category[event[3]])])
    assert seen["township"] == {"factory"}
    assert "factory" not in seen["district_certified"]


def test_a_level_without_staff_is_an_error_naming_both() -> None:
    toy = load_scenario("toy")
    with pytest.raises(ScenarioError, match="no inspector kind has scope = 'township'"):
        toy.with_({"site_categories.factory.inspected_by": "township"})
    with pytest.raises(ScenarioError, match="no district has staff of kind 'township'"):
        toy.with_(
            {
                "site_categories.factory.inspected_by": "township",
                "inspector_kinds.township.scope": "township",
                **{f"staff.{a}.township": 0 for a in toy.districts},
            }
        )


def _city_kpis(s: Any, **cfg: Any) -> Any:
    r = simulate_inspections(s, InspectionConfig(**{"years": 1.0, "seed": 5, **cfg}))
    return r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]


def test_enforcement_order_penalty_at_finding_or_referral() -> None:
    """三部曲: staff who may penalise do so at the visit that finds hazards (0 days); findings of
    staff who may not are referred: with nothing dropped or overturned every one still open is
    penalised exactly ``days`` later; with everything dropped none is."""
    toy = load_scenario("toy")
    everyone = toy.with_({"inspector_kinds.township.can_penalise": True})
    k = _city_kpis(everyone)
    assert k["referrals"] == 0 and k["findings_penalised_share"] == 1.0
    assert k["days_to_penalty"] == 0.0
    assert k["penalties"] >= k["orders"]
    townships_only = toy.with_(
        {
            **{f"staff.{a}.district_certified": 0 for a in toy.districts},
            "inspection.referral.dropped_share": 0.0,
            "inspection.referral.overturned_share": 0.0,
            "inspection.referral.days": 10.0,
        }
    )
    k = _city_kpis(townships_only)
    assert k["referrals"] == k["orders"] > 0
    assert 0 < k["referral_penalties"] <= k["referrals"]
    assert k["days_to_penalty"] == pytest.approx(10.0)
    dropped = townships_only.with_({"inspection.referral.dropped_share": 1.0})
    k = _city_kpis(dropped)
    assert k["referral_penalties"] == 0 and k["findings_penalised_share"] == 0.0


def test_seasonal_hazard_rates_follow_the_monthly_factors() -> None:
    """Hazards arise by month in proportion to hazard_monthly_factor × days, and the yearly
    total stays hazards_per_site_year (the factors are rescaled to a yearly mean of 1)."""
    from anjian.sim.calendar import MONTH_START_DAY, month_of
    from anjian.sim.sites import build_sites, draw_hazards

    factor = [4.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.0]
    toy = load_scenario("toy").with_(
        {
            "site_categories.factory.hazard_monthly_factor": factor,
            "sites.900001.factory": 5000,
        }
    )
    sites = build_sites(toy)
    hz = draw_hazards(sites, 525_600.0, np.random.default_rng(3))
    owner = np.repeat(np.arange(len(sites)), np.diff(hz.start))
    factory = list(toy.site_categories).index("factory")
    mine = sites.category[owner] == factory
    by_month = np.bincount(month_of(hz.times[mine]), minlength=12)
    days = np.diff(MONTH_START_DAY)
    expected = np.array(factor) * days
    expected = expected / expected.sum() * mine.sum()
    assert by_month[11] == 0
    assert by_month[0] == pytest.approx(expected[0], rel=0.05)
    assert by_month[5] == pytest.approx(expected[5], rel=0.1)
    rate = float(sites.hazard_rate_min[sites.category == factory].sum()) * 525_600.0
    assert mine.sum() == pytest.approx(rate, rel=0.03)


def test_entity_uniforms_are_the_same_numbers_scalar_vectorised_and_pre_drawn() -> None:
    from array import array

    from anjian.sim.crn import SiteDraws, purpose_key, site_uniform, site_uniform_at

    key = purpose_key(4, 1, "detection")
    sites, counters = np.array([0, 7, 196_019, 7]), np.array([0, 3, 11, 9])
    vec = site_uniform_at(key, sites, counters)
    scalar = [site_uniform(key, int(i), int(c)) for i, c in zip(sites, counters, strict=True)]
    assert vec.tolist() == scalar
    draws = SiteDraws(key, 10, block=4)
    draws.refill(array("q", [2] * 10))
    # inside the block (counters 2-5) from the array, outside it from the hash: the same numbers
    assert [draws(7, c) for c in range(8)] == [site_uniform(key, 7, c) for c in range(8)]
    assert 0.45 < float(np.mean(site_uniform_at(key, np.arange(20_000), np.zeros(20_000)))) < 0.55


def test_deterrence_avoids_arrivals_exactly_and_lowers_harm() -> None:
    """After a penalty a share of the site's arising hazards is avoided for a while: the
    arrivals are the same numbers (common random numbers), so hazards that arose plus hazards
    deterred equal the hazards that arise without deterrence, year by year (a 2-year run
    crosses the year boundary, where still-deterred sites drop arrivals at load)."""
    toy = load_scenario("toy")
    on = toy.with_({"inspection.deterrence.hazard_reduction": 0.5,
                    "inspection.deterrence.days": 400.0})  # fmt: skip
    cfg = InspectionConfig(years=2, seed=5)
    a = simulate_inspections(toy, cfg)
    b = simulate_inspections(on, cfg)
    ka = a.kpis.set_index(["level", "key", "kpi"])["value"]
    kb = b.kpis.set_index(["level", "key", "kpi"])["value"]
    assert ka["city", "all", "hazards_deterred"] == 0
    assert kb["city", "all", "hazards_deterred"] > 0
    for level, key in [("city", "all"), *(("district", d) for d in toy.districts)]:
        assert (kb[level, key, "hazards_arisen"] + kb[level, key, "hazards_deterred"]
                == ka[level, key, "hazards_arisen"])  # fmt: skip
    assert kb["city", "all", "open_hazard_days"] < ka["city", "all", "open_hazard_days"]
    assert kb["city", "all", "open_hazard_days"] >= kb["city", "all", "latent_hazard_days"] >= 0
    # the per-year table still adds up to the run
    yb = b.years.groupby("kpi")["value"].sum()
    assert yb["hazards_arisen"] == pytest.approx(kb["city", "all", "hazards_arisen"])
    assert yb["open_hazard_days"] == pytest.approx(kb["city", "all", "open_hazard_days"])


def test_reinspection_checks_the_order_at_a_share_of_the_effort() -> None:
    """A 复查 that finds no other hazards leaves hazards latent longer; one that takes a tenth
    of an inspection's time keeps inspectors less busy."""
    toy = load_scenario("toy")
    cfg = InspectionConfig(years=1, seed=3)

    def city(s: Any) -> Any:
        return simulate_inspections(s, cfg).kpis.set_index(["level", "key", "kpi"])["value"]

    full = city(toy)
    blind = city(toy.with_({"inspection.reinspection_detection_factor": 0.0}))
    quick = city(toy.with_({"inspection.reinspection_duration_factor": 0.1}))
    assert blind["city", "all", "latent_hazard_days"] > full["city", "all", "latent_hazard_days"]
    assert quick["city", "all", "utilisation"] < full["city", "all", "utilisation"]


def _with_campaign(s: Any, categories: list[str], months: list[int]) -> Any:
    camp = {"name_zh": "专项整治", "name_en": "Campaign", "categories": categories,
            "months": months}  # fmt: skip
    return s.with_(inspection={**s.inspection.model_dump(), "campaigns": {"c": camp}})


def test_campaign_months_add_an_inspection_per_chosen_site() -> None:
    """A campaign on every factory in March and October: 70 factories × 2 rounds more
    inspections of factories in a year (capacity is ample in the toy city); a campaign on
    half the sites chooses each site by its own number: about half, and the same sites
    whatever the staff."""
    toy = load_scenario("toy")
    every = _with_campaign(toy, ["factory"], [3, 10])
    k = _city_kpis(every)
    assert k["campaign_inspections"] == 2 * 70
    assert _city_kpis(toy)["campaign_inspections"] == 0
    half = every.with_({"inspection.campaigns.c.site_share": 0.5})
    n = _city_kpis(half)["campaign_inspections"]
    assert 0.3 * 140 < n < 0.7 * 140
    more = half.with_({"staff.900001.district_certified": 9})
    assert _city_kpis(more)["campaign_inspections"] == n


def test_a_campaign_on_an_unknown_category_names_it() -> None:
    toy = load_scenario("toy")
    with pytest.raises(ScenarioError, match=r"campaigns.*unknown site category 'mine'"):
        _with_campaign(toy, ["mine"], [3])


def test_accidents_drawn_month_by_month_are_the_same_as_year_by_year() -> None:
    """Closing the accident periods at every month's end (as investigations need) draws the
    same accidents: the same thresholds on the same piecewise intensity."""
    toy = load_scenario("toy").with_({
        "site_categories.factory.accidents_per_site_year": 0.2,
        "site_categories.factory.accidents_per_open_hazard_year": 0.1,
        "inspection.deterrence.hazard_reduction": 0.5,
    })  # fmt: skip
    cfg = InspectionConfig(years=2, seed=4)
    yearly = simulate_inspections(toy, cfg).accidents
    m = InspectionModel(toy, cfg)
    m.monthly_closes = True
    monthly = m.run().accidents
    assert len(yearly) > 10
    pd.testing.assert_frame_equal(yearly, monthly, rtol=1e-9)


def test_every_accident_known_by_a_month_end_is_investigated() -> None:
    """With investigations taking 8 hours, each accident of the first 11 months (known at its
    month's end, due 60 days later; the toy city has time to spare) is investigated by the
    horizon; investigations cost staff time."""
    toy = load_scenario("toy").with_({"site_categories.factory.accidents_per_site_year": 0.2})
    inv = toy.with_({"inspection.investigation.duration": {"kind": "fixed", "value_h": 8}})
    cfg = InspectionConfig(years=1, seed=4)
    r = simulate_inspections(inv, cfg)
    k = r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]
    before_december = int((r.accidents["time_min"] < 334 * 1440).sum())
    assert before_december > 0
    assert before_december <= k["investigations"] <= len(r.accidents)
    base = _city_kpis(toy, seed=4)
    assert base["investigations"] == 0
    assert k["utilisation"] > base["utilisation"]


def test_informative_complaints_find_more_hazards() -> None:
    """Complaints drawn towards sites with open hazards find hazards more often than complaints
    at sites drawn uniformly."""
    toy = load_scenario("toy").with_({"inspection.complaints_per_100k_population_year": 300})
    blind = _city_kpis(toy, years=2.0)
    told = _city_kpis(toy.with_({"inspection.complaint_open_hazard_weight": 20.0}), years=2.0)
    assert blind["complaint_inspections"] > 100
    assert told["complaint_hit_rate"] > 1.2 * blind["complaint_hit_rate"]


def test_repeat_offenders_are_listed_and_inspected_more_often() -> None:
    """With poor compliance many sites fail a penalised re-inspection: they are listed and
    their routine inspections come twice as often."""
    toy = load_scenario("toy").with_({"inspection.compliance_with_penalty": 0.3,
                                      "inspection.compliance_without_penalty": 0.2})  # fmt: skip
    off = _city_kpis(toy)
    on = _city_kpis(toy.with_({"inspection.blacklist.days": 365.0}))
    assert off["blacklisted"] == 0 and on["blacklisted"] > 0
    assert on["routine_done"] > off["routine_done"]


def test_kits_held_by_townships_are_shared_and_costed_per_township() -> None:
    """``equipment_per = "township"``: a district's township posts j and j + T (T townships)
    share one kit; the yearly kit cost is townships × equipped share × cost per kit."""
    from anjian.costs import equipment_cost_yuan_per_year

    toy = load_scenario("toy").with_({
        "inspector_kinds.township.scope": "township",
        "inspector_kinds.township.equipment_per": "township",
        "inspector_kinds.township.equipped_share": 0.5,
        **{f"staff.{a}.township": 20 for a in ("900001", "900002", "900003")},
        "inspector_kinds.township.equipment_cost_yuan_per_year": 6000.0,
        "inspector_kinds.township.inspection_time_share": 1.0,
        "inspector_kinds.district_certified.equipment_cost_yuan_per_year": 0.0,
    })  # fmt: skip
    m = InspectionModel(toy, InspectionConfig(years=0.1, seed=2))
    ki = m.kinds.index("township")
    for di, a in enumerate(m.districts):
        towns = toy.districts[a].townships
        posts = [ins for ins in m.inspectors if ins.kind == ki and ins.district == di]
        assert len(posts) > towns
        for j in range(len(posts) - towns):
            assert posts[j].p_detect == posts[j + towns].p_detect
    staffed = [a for a in toy.districts if toy.staff[a]["township"] > 0]
    expected = sum(toy.districts[a].townships for a in staffed) * 0.5 * 6000
    assert equipment_cost_yuan_per_year(toy) == pytest.approx(expected)
    with pytest.raises(ScenarioError, match="equipment_per"):
        toy.with_({"inspector_kinds.district_certified.equipment_per": "township"})


def test_referred_cases_take_district_time_and_wait_for_it() -> None:
    """With ``case_hours`` a referred finding becomes a case for the site's department's
    district staff: queued ``days`` after the finding, the penalty lands when they have done
    it (so at least ``days`` after the finding), and their time is used."""
    toy = load_scenario("toy").with_({"inspection.referral.days": 10.0,
                                      "inspection.referral.dropped_share": 0.0})  # fmt: skip
    cased = toy.with_({"inspection.referral.case_hours": 4.0})
    k0, k1 = _city_kpis(toy), _city_kpis(cased)
    assert k0["referral_cases"] == 0
    assert k1["referral_cases"] > 0 and k1["referral_penalties"] > 0
    assert k1["referral_cases"] >= k1["referral_penalties"]
    r = simulate_inspections(cased, InspectionConfig(years=1.0, seed=5))
    kk = r.kpis.set_index(["level", "key", "kpi"])["value"]
    assert kk["kind", "district_certified", "utilisation"] > _kind_util(toy, "district_certified")


def _kind_util(s: Any, kind: str) -> float:
    r = simulate_inspections(s, InspectionConfig(years=1.0, seed=5))
    return float(r.kpis.set_index(["level", "key", "kpi"])["value"]["kind", kind, "utilisation"])


def _self_fixing_toy(days: float = 60.0) -> Any:
    toy = load_scenario("toy")
    return toy.with_({f"risk_tiers.{t}.self_fix_days": days for t in toy.risk_tiers})


def test_self_fixing_is_exact_and_lowers_latent_hazards() -> None:
    """Firms fix undetected hazards themselves: hazards arisen = detected + self-fixed +
    still latent at the end (+ those latent at the start), the written-out loop equals the
    plain methods, and latent hazard-days fall against firms that never fix."""
    toy = load_scenario("toy")
    fixing = _self_fixing_toy()
    cfg = InspectionConfig(years=2, seed=6, initial_state="empty")
    m = InspectionModel(fixing, cfg)
    r = m.run()
    k = r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]
    end_latent = int(np.frombuffer(m.latent, dtype=np.int64).sum())
    assert k["hazards_self_fixed"] > 0
    assert k["hazards_arisen"] == k["hazards_detected"] + k["hazards_self_fixed"] + end_latent
    base = _city_kpis(toy, years=2.0, initial_state="empty", seed=6)
    assert k["latent_hazard_days"] < 0.8 * base["latent_hazard_days"]
    # the oracle: plain pool methods give the same numbers
    plain = InspectionModel(fixing, replace(cfg, engine="python"))
    plain.finish_cb = partial(reference_finish, plain)
    plain.advance_pool = lambda pool, t, inclusive=True: pool.advance(t, inclusive)
    pd.testing.assert_frame_equal(r.kpis, plain.run().kpis)


def test_self_fixing_without_inspections_matches_the_closed_form() -> None:
    """No inspectors: each hazard lives an exponential time of mean D, so latent hazard-days
    in a year from an empty start are λ ∫₀ᵀ (1 − e^{−(T−a)/D}) D da per site (T = 365 days),
    i.e. λ D (T − D (1 − e^{−T/D})); with about 20,000 hazards the simulated total is within
    4% (about 3.5 standard errors)."""
    fixing = _self_fixing_toy(30.0)
    nobody = fixing.with_(staff={a: dict.fromkeys(r, 0) for a, r in fixing.staff.items()})
    cats = nobody.site_categories
    nobody = nobody.with_({"inspection.flood_season.village_patrol_catch_share": 0.0,
                           **{f"site_categories.{c}.hazard_monthly_factor": [1.0] * 12
                              for c in cats},
                           **{f"site_categories.{c}.hazards_per_site_year":
                              100 * v.hazards_per_site_year for c, v in cats.items()}})  # fmt: skip
    r = simulate_inspections(nobody, InspectionConfig(years=1, seed=3, initial_state="empty"))
    from anjian.sim.sites import build_sites

    lam_days = float(build_sites(nobody).hazard_rate_min.sum()) * 1440.0  # hazards per day
    T, D = 365.0, 30.0
    expected = lam_days * D * (T - D * (1 - math.exp(-T / D)))
    k = r.kpis[r.kpis["level"] == "city"].set_index("kpi")["value"]
    assert k["latent_hazard_days"] == pytest.approx(expected, rel=0.04)


def test_field_evidence_one_inspection_cuts_accidents_as_cal_osha_found() -> None:
    """Levine, Toffel & Johnson (Science 2012): randomised Cal/OSHA inspections cut injuries
    by 9.4% (95% CI −17.7% to −2.1%) over four years. The built-in Chongqing's share of risk
    that inspection reaches was calibrated to it (industry and trade, the closest match):
    one inspection of an otherwise uninspected site changes its expected accidents over four
    years by −9.4% there, and within the CI for construction and hazardous chemicals."""
    from anjian.sim.field_evidence import randomised_inspection_effect

    s = load_scenario("chongqing")
    assert randomised_inspection_effect(s, "industry_trade") == pytest.approx(-0.094, abs=0.01)
    for cat in ("construction_site", "hazchem", "noncoal_mine"):
        assert -0.177 <= randomised_inspection_effect(s, cat) <= -0.021, cat


def test_field_evidence_closed_form_by_hand() -> None:
    """No deterrence, compliance 1 (every order fixed at its first re-inspection R), one tier:
    the change is −a1 p λD (D(1 − e^{−T/D}) − R) / (a0 T + a1 λ D T)."""
    from anjian.sim.field_evidence import randomised_inspection_effect

    toy = load_scenario("toy")
    tiers = list(toy.risk_tiers)
    s = toy.with_({
        **{f"risk_tiers.{t}.self_fix_days": 365.0 for t in tiers},
        "site_categories.factory.tier_shares": {t: float(i == 0) for i, t in enumerate(tiers)},
        "inspection.compliance_with_penalty": 1.0,
        "inspection.compliance_without_penalty": 1.0,
        "inspection.deterrence.hazard_reduction": 0.0,
        **{f"staff.{a}.township": 0 for a in toy.districts},
    })  # fmt: skip
    cat = s.site_categories["factory"]
    kind = s.inspector_kinds["district_certified"]
    p = (kind.equipped_share * kind.detection_probability
         + (1 - kind.equipped_share) * kind.detection_probability_without_equipment)  # fmt: skip
    lam = cat.hazards_per_site_year * s.risk_tiers[tiers[0]].hazard_rate_multiplier
    lam *= 1 - cat.self_check_catch_share
    d, big_t, r = 1.0, 4.0, cat.rectification_days / 365.0
    a0, a1 = cat.accidents_per_site_year, cat.accidents_per_open_hazard_year
    expected = -a1 * p * lam * d * (d * (1 - math.exp(-big_t / d)) - r) / (
        a0 * big_t + a1 * lam * d * big_t)  # fmt: skip
    assert randomised_inspection_effect(s, "factory") == pytest.approx(expected, rel=1e-9)


def _with_departments(**extra: Any) -> Any:
    toy = load_scenario("toy")
    depts = {
        "safety": {"name_zh": "应急", "name_en": "Safety"},
        "land": {"name_zh": "自然资源", "name_en": "Land", "levels": ["township", "district"]},
    }
    over = {"site_categories.factory.department": "safety",
            "site_categories.geohazard_point.department": "land",
            "inspector_kinds.district_certified.department": "safety",
            "inspector_kinds.township.department": "land", **extra}  # fmt: skip
    return toy.with_(over, departments=depts)


def test_departments_send_each_department_to_its_own_staff() -> None:
    """Two departments in the toy city: the safety department's staff inspect factories only;
    the land department's (the toy township kind, at district scope) geological-hazard points
    only; KPIs come by department and by job pool."""
    s = _with_departments()
    m = InspectionModel(s, InspectionConfig(years=0.5, seed=3, trace=True))
    r = m.run()
    seen: dict[str, set[str]] = {}
    for e in r.trace:
        if e[1] == "start":
            seen.setdefault(e[2].split("/")[1], set()).add(m.cats[m.site_cat[e[3]]])
    assert seen["district_certified"] == {"factory"}
    assert seen["township"] == {"geohazard_point"}
    k = r.kpis
    assert set(k[k["level"] == "department"]["key"]) == {"safety", "land"}
    pools = set(k[k["level"] == "pool"]["key"])
    assert {"safety/900001", "land/900001"} <= pools
    req = k[(k["level"] == "pool") & (k["kpi"] == "required_fte")]["value"]
    assert (req >= 0).all() and np.isfinite(req).all()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"site_categories.factory.department": "police"}, r"unknown department 'police'"),
        ({"site_categories.factory.department": None}, r"'factory' needs a department"),
        ({"inspector_kinds.district_certified.department": None},
         r"'district_certified' \(district staff\) needs a department"),
        ({"site_categories.factory.department": "land",
          "site_categories.factory.inspected_by": "city"},
         r"department 'land' does not act at the city level"),
        ({**{f"staff.{a}.township": 0 for a in ("900001", "900002", "900003")}},
         r"'geohazard_point' is owned by department 'land', which has no staff"),
    ],
)  # fmt: skip
def test_bad_departments_are_errors_naming_the_field(extra: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        _with_departments(**extra)


def test_joint_teams_move_township_premises_to_certified_staff_where_there_are_any() -> None:
    """The joint-teams reform on Chongqing: fireworks retail points (应急) and small premises
    (消防) go to their departments' certified district staff; geological-hazard points stay
    with the townships (规划自然资源 has no district inspectors in the scenario)."""
    from anjian.levers import joint_team_overrides

    s = load_scenario("chongqing")
    over = joint_team_overrides(s)
    assert over == {"site_categories.fireworks_retail.inspected_by": "district",
                    "site_categories.small_premises.inspected_by": "district"}  # fmt: skip
    assert s.site_categories["geohazard_point"].inspected_by == "township"
    s.with_(over)  # a valid scenario


def test_expected_accidents_follow_the_hazard_path_and_the_closed_form() -> None:
    """``expected_accidents_per_year`` integrates the accident intensity a0 + a1 × open hazards
    over the simulated hazard path. With nobody inspecting (and no village patrol) the hazards
    sit at the firms' own steady state λD (about 1,600 of them here), so it matches the closed
    form of ``uninspected_accidents_per_year`` (within 2%); the drawn accidents scatter around
    it (their mean over 12 years within 3 standard errors) while it barely moves between
    replications."""
    from anjian.sim.field_evidence import uninspected_accidents_per_year

    fixing = _self_fixing_toy(30.0)
    nobody = fixing.with_(staff={a: dict.fromkeys(r, 0) for a, r in fixing.staff.items()})
    cats = nobody.site_categories
    nobody = nobody.with_({"inspection.flood_season.village_patrol_catch_share": 0.0,
                           **{f"site_categories.{c}.hazards_per_site_year":  # enough hazards
                              100 * v.hazards_per_site_year for c, v in cats.items()}})  # fmt: skip
    runs = replicate_inspections(nobody, InspectionConfig(years=1, seed=5), 12)
    city = runs.kpis[runs.kpis["level"] == "city"]
    expected = city[city["kpi"] == "expected_accidents_per_year"]["value"].to_numpy()
    drawn = city[city["kpi"] == "accidents_per_year"]["value"].to_numpy()
    closed = sum(v for row in uninspected_accidents_per_year(nobody).values() for v in row.values())
    assert expected.mean() == pytest.approx(closed, rel=0.02)
    assert abs(drawn.mean() - expected.mean()) <= 3 * drawn.std(ddof=1) / math.sqrt(12)
    assert expected.std(ddof=1) < 0.5 * drawn.std(ddof=1)  # far less noise than the draws
    deaths = city[city["kpi"] == "expected_deaths_per_year"]["value"].to_numpy()
    per_accident = {c: v.deaths_per_accident.mean for c, v in nobody.site_categories.items()}
    assert (deaths >= expected * min(per_accident.values()) - 1e-9).all()
    assert (deaths <= expected * max(per_accident.values()) + 1e-9).all()

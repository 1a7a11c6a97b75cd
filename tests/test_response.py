"""The response model: Erlang C and Erlang B, the exact hypercube, stock conservation,
reproducibility, common random numbers, policies, coupling and bad settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anjian.scenarios import load_scenario
from anjian.scenarios.reference import response_scenario
from anjian.sim.erlang import erlang_b, mmc_mean_wait
from anjian.sim.hypercube import hypercube_exact
from anjian.sim.policies import DistrictFirst, FixedPreference, NearestAvailable
from anjian.sim.response import ResponseConfig, ResponseModel, simulate_response
from anjian.sim.stats import t_interval


def _city(results: list, kpi: str) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([
        r.kpis[(r.kpis.level == "city") & (r.kpis.kpi == kpi)]["value"].iloc[0] for r in results
    ])  # fmt: skip


@pytest.mark.parametrize(("lam", "servers"), [(2.0, 3), (4.0, 5), (9.0, 10)])  # rho .67 .8 .9
def test_erlang_c_queueing_delay_and_utilisation(tmp_path: Path, lam: float, servers: int) -> None:
    s = response_scenario(tmp_path / "q", {"900001": lam}, {"900001": servers}, 60.0)
    runs = [simulate_response(s, ResponseConfig(years=1.0, seed=9, replication=r, policy="nearest"))
            for r in range(8)]  # fmt: skip
    mean, half, _ = t_interval(_city(runs, "queue_delay_mean_min") / 60.0)
    assert abs(mean - mmc_mean_wait(lam, 1.0, servers)) <= half
    u_mean, u_half, _ = t_interval(_city(runs, "utilisation"))
    assert abs(u_mean - lam / servers) <= max(u_half, 0.005)


@pytest.mark.parametrize(("lam", "servers"), [(1.0, 2), (4.0, 5), (8.0, 8)])
def test_erlang_b_blocking_with_rented_overflow(tmp_path: Path, lam: float, servers: int) -> None:
    s = response_scenario(tmp_path / "b", {"900001": lam}, {"900001": servers}, 60.0)
    cfg = ResponseConfig(years=1.0, seed=4, policy="nearest", overflow="rent")
    runs = [simulate_response(s, replace(cfg, replication=r)) for r in range(6)]
    mean, half, _ = t_interval(_city(runs, "handover_share"))
    assert abs(mean - erlang_b(servers, lam)) <= half


def _lams(a: float, b: float, c: float) -> dict[str, float]:
    return {"900001": a, "900002": b, "900003": c}


def _units(a: int, b: int, c: int) -> dict[str, int]:
    return {"900001": a, "900002": b, "900003": c}


@pytest.mark.parametrize(
    ("lams", "units", "capacity"),
    [
        (_lams(1.0, 0.6, 0.4), _units(2, 1, 1), "infinite"),  # 4 units
        (_lams(2.0, 1.0, 0.5), _units(3, 2, 1), "infinite"),  # 6 units
        (_lams(1.5, 1.5, 1.0), _units(3, 3, 2), "zero"),  # 8 units, loss system
    ],
)
def test_simulation_matches_exact_hypercube(tmp_path: Path, lams: dict, units: dict,
                                            capacity: str) -> None:  # fmt: skip
    s = response_scenario(tmp_path / "h", lams, units, 60.0)
    adcodes = ["900001", "900002", "900003"]
    owner = [a for a in adcodes for _ in range(units[a])]  # unit index -> district
    n = len(owner)
    prefs = []
    for a in adcodes:  # own district's units first, then the others in index order
        prefs.append(
            [u for u in range(n) if owner[u] == a] + [u for u in range(n) if owner[u] != a]
        )
    exact = hypercube_exact([lams[a] for a in adcodes], prefs, 1.0, capacity)  # type: ignore[arg-type]
    policy = FixedPreference({j: prefs[j] for j in range(3)})
    overflow = "queue" if capacity == "infinite" else "rent"
    model = ResponseModel(s, ResponseConfig(years=4.0, seed=21, policy=policy, overflow=overflow))
    result = model.run()
    assert np.abs(model.busy_min / model.horizon - exact.workload).max() < 0.01
    inc = result.incidents
    first = model.first_unit
    served = first >= 0
    # dispatch fractions of calls served at once (queued calls go to whichever unit frees up)
    immediate = served & (inc["queue_delay_min"].to_numpy() == 0)
    f = np.zeros((n, 3))
    np.add.at(f, (first[immediate], model.inc.point[immediate]), 1.0)
    f /= len(inc)
    expected = exact.dispatch.copy()
    if capacity == "infinite":
        lam = np.array([lams[a] for a in adcodes])
        expected -= exact.all_busy * (lam / lam.sum())[None, :] / n
    assert np.abs(f - expected).max() < 0.01


def test_stock_is_conserved_and_replenished() -> None:
    s = load_scenario("chongqing")
    r = simulate_response(s, ResponseConfig(years=2, seed=3))
    st = r.stock
    lhs = st["delivered"] + st["in_transit"] + st["on_hand"]
    assert np.allclose(lhs, st["initial"] + st["received"])
    assert (st["issued"] >= st["delivered"]).all()
    assert (st["delivered"] == np.round(st["delivered"])).all()  # loads carry whole units
    assert st["received"].sum() > 0  # reorders arrived
    assert (st["on_hand"] >= 0).all()


def test_same_seed_same_result_and_crn_across_fleets() -> None:
    s = load_scenario("chongqing")
    a = simulate_response(s, ResponseConfig(years=0.5, seed=5))
    b = simulate_response(s, ResponseConfig(years=0.5, seed=5))
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    contracted = s.with_({f"depots.{k}.vehicles.contracted_rescue": 2 for k in s.depots})
    c = simulate_response(contracted, ResponseConfig(years=0.5, seed=5))
    # the same incidents, a different fleet: faster response
    pd.testing.assert_series_equal(a.incidents["time_min"], c.incidents["time_min"])
    mean = lambda r: r.incidents["response_min"].mean()  # noqa: E731
    assert mean(c) < mean(a)


def test_district_first_keeps_own_units_within_threshold() -> None:
    """Mutual aid only when another district's unit is expected more than the threshold
    sooner: the own unit (ETA 100) is kept against one at 80 with a 30-minute threshold, not
    with a 15-minute one; a district with no free unit gets the nearest."""

    class Fleet:
        unit_district = np.array([0, 1, 1])
        eta_min = np.array([[100.0], [80.0], [120.0]])

    assert DistrictFirst(30).rank(Fleet, 0, 0, [0, 1, 2]) == [0, 1, 2]  # 20 min slower: kept
    assert DistrictFirst(15).rank(Fleet, 0, 0, [0, 1, 2]) == [1, 0, 2]  # too slow: nearest
    assert DistrictFirst(30).rank(Fleet, 0, 0, [2, 1]) == [1, 2]  # no own unit free
    assert NearestAvailable().rank(Fleet, 0, 0, [2, 0]) == [0, 2]


def test_district_first_on_chongqing_follows_its_rule() -> None:
    """On the built-in Chongqing (every vehicle rented, 90 minutes to mobilise) the rule is not
    inert as it was with a threshold on the whole arrival (below any rented vehicle's): every
    ranking of the model's own fleet keeps the own district's units first unless another's are
    expected more than 30 minutes sooner, and mutual aid is no more frequent than under
    ``nearest``."""
    from anjian.sim.response import ResponseModel

    s = load_scenario("chongqing")
    m = ResponseModel(s, ResponseConfig(years=0.01, seed=1))
    rule = DistrictFirst(30.0)
    units = list(range(len(m.unit_district)))
    kept = 0
    for p, adcode in enumerate(m.points.adcode):
        d = m.districts.index(adcode)
        ranked = rule.rank(m, p, d, units)
        nearest = sorted(units, key=lambda u: m.eta_min[u, p])
        own = [u for u in nearest if m.unit_district[u] == d]
        if own and m.eta_min[own[0], p] <= m.eta_min[nearest[0], p] + 30.0:
            assert m.unit_district[ranked[0]] == d and ranked[0] == own[0]
            kept += 1
        else:
            assert ranked == nearest
    assert kept > 0
    cfg = ResponseConfig(years=0.5, seed=2)

    def city(r: object) -> pd.Series:
        k = r.kpis  # type: ignore[attr-defined]
        return k[k["level"] == "city"].set_index("kpi")["value"]

    first = city(simulate_response(s, cfg))
    nearest_k = city(simulate_response(s, replace(cfg, policy="nearest")))
    assert first["mutual_aid_share"] <= nearest_k["mutual_aid_share"]


def test_inspection_accidents_become_incidents() -> None:
    toy = load_scenario("toy")
    extra = pd.DataFrame({"time_min": [100.0, 5000.0], "adcode": ["900002", "900003"],
                          "incident_type": ["ws_accident", "landslide"]})  # fmt: skip
    base = simulate_response(toy, ResponseConfig(years=0.1, seed=1))
    coupled = simulate_response(toy, ResponseConfig(years=0.1, seed=1, extra_incidents=extra))
    assert len(coupled.incidents) == len(base.incidents) + 2
    with pytest.raises(ValueError, match="unknown incident types"):
        simulate_response(toy, ResponseConfig(extra_incidents=extra.assign(incident_type="x")))


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"years": 0}, "years"), ({"policy": "fastest"}, "unknown policy"),
     ({"overflow": "drop"}, "overflow"), ({"mutual_aid_threshold_min": -1}, "threshold")],
)  # fmt: skip
def test_bad_settings(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(ResponseConfig(), **changes)


def test_chongqing_year_runs_with_rented_fleet() -> None:
    r = simulate_response(load_scenario("chongqing"), ResponseConfig(years=1, seed=0))
    k = r.kpis.set_index(["level", "key", "kpi"])["value"].sort_index()
    assert k["city", "all", "served_share"] == 1.0
    assert k["city", "all", "response_mean_min"] > 60  # rented vehicles mobilise slowly
    assert 0 <= k["city", "all", "within_standard_share"] <= 1
    assert k["city", "all", "rented_uses"] > 0 and k["city", "all", "rented_cost_yuan"] > 0
    assert k["city", "all", "relief_fill_rate"] <= 1


def test_flood_surge_scenario_reproduces_the_2020_scale() -> None:
    """The August-2020 flood: its 200 incidents in its window and districts, the published
    263,200 people affected, the evacuation and shelter split by hand, the surge-window KPIs."""
    s = load_scenario("chongqing_flood2020")
    surge = s.surges["aug2020"]
    result = ResponseModel(s, ResponseConfig(years=1, seed=2)).run()
    inc = result.incidents
    mine = inc[inc["surge"] == "aug2020"]
    assert len(mine) == surge.incidents == 200
    start, end = surge.start_day * 1440, (surge.start_day + surge.duration_days) * 1440
    assert mine["time_min"].between(start, end).all()
    assert set(mine["adcode"]) <= set(surge.districts)
    assert mine["people_affected"].sum() == 263_200
    k = result.kpis.set_index(["level", "key", "kpi"])["value"].sort_index()
    evacuated = 263_200 * 0.9536  # 251,000 evacuated of 263,200 affected
    assert k["surge", "aug2020", "people_evacuated"] == pytest.approx(evacuated)
    assert k["surge", "aug2020", "people_collective"] == pytest.approx(evacuated * 0.071)
    assert k["surge", "aug2020", "people_with_relatives"] == pytest.approx(evacuated * 0.929)
    assert k["surge", "aug2020", "people_at_home"] == pytest.approx(263_200 - evacuated)
    # relief demand: people by shelter type × their items (each incident rounds up per item)
    need = evacuated * (0.071 * 2.15 + 0.929 * 0.2) + (263_200 - evacuated) * 0.2
    demanded = mine["relief_demanded"].sum()
    assert need <= demanded <= need + 200 * 5
    # the surge-window KPIs cover every incident of the window in the surge's districts
    window = inc["time_min"].between(start, end, inclusive="left") & inc["adcode"].isin(
        surge.districts
    )
    assert k["surge", "aug2020", "incidents"] == window.sum() >= 200
    assert k["surge", "aug2020", "response_mean_min"] > k["city", "all", "response_mean_min"]
    assert k["surge", "aug2020", "queue_delay_mean_min"] > 0  # the surge queues for vehicles


def test_surge_with_unknown_district_is_rejected(tmp_path: Path) -> None:
    from anjian.scenarios import ScenarioError

    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "scenario.toml").write_text(
        '[scenario]\nname = "x"\ntitle_zh = "x"\ntitle_en = "x"\nbase = "toy"\n'
        '[surges.big]\nname_zh = "洪"\nname_en = "Flood"\nincident_type = "landslide"\n'
        'start_day = 200\nduration_days = 3\ndistricts = ["999999"]\nincidents = 10\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"surges.*unknown district '999999'"):
        load_scenario(folder)


def test_role_with_no_vehicle_at_any_depot_is_recorded_as_unserved() -> None:
    toy = load_scenario("toy")
    none = toy.with_(
        {f"depots.{k}.vehicles.{v}": 0 for k, d in toy.depots.items() for v in d.vehicles}
    )
    r = simulate_response(none, ResponseConfig(years=0.5, seed=1))
    k = r.kpis.set_index(["level", "key", "kpi"])["value"].sort_index()
    assert k["city", "all", "served_share"] == 0.0
    assert k["city", "all", "unserved_roles"] == 1.0
    assert r.incidents["response_min"].isna().all()


def test_uninspected_accidents_by_hand() -> None:
    """One category alone: 重大危险源 hazchem sites (major tier): λ = 12 × 2 hazards a year, 60%
    caught by the firm's own checks, fixed by the firm in 180 days → 9.6 × 180/365 = 4.734
    latent; accidents 0.018524 + 0.0021169 × 4.734 = 0.028546 a site a year."""
    from anjian.sim.field_evidence import uninspected_accidents_per_year

    cq = load_scenario("chongqing")
    sites = {a: {c: (10 if (a, c) == ("500101", "hazchem_major") else 0) for c in row}
             for a, row in cq.sites.items()}  # fmt: skip
    u = uninspected_accidents_per_year(cq.with_(sites=sites))
    latent = 12 * 2.0 * (1 - 0.6) * 180 / 365
    assert u["500101"]["hazchem_release"] == pytest.approx(10 * (0.018524 + 0.0021169 * latent))
    assert sum(v for row in u.values() for v in row.values()) == pytest.approx(
        u["500101"]["hazchem_release"]
    )


def test_coupled_run_counts_each_event_once() -> None:
    """Coupled, the background rates are net of what the inspection model produces (never
    below zero) and every incident is either a background draw of the netted scenario or one
    of the inspection model's accidents — each event once."""
    from anjian.sim.field_evidence import uninspected_accidents_per_year
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import (
        net_of_inspection_accidents,
        replicate_inspections,
        replicate_response,
    )

    toy = load_scenario("toy")
    produced = uninspected_accidents_per_year(toy)
    net = net_of_inspection_accidents(toy)
    for a, row in toy.incident_rates.items():
        for t, v in row.items():
            assert net.incident_rates[a][t] == pytest.approx(max(0.0, v - produced[a].get(t, 0)))
    assert any(produced[a] for a in produced)
    insp = replicate_inspections(toy, InspectionConfig(years=1, seed=3), 2)
    coupled = replicate_response(toy, ResponseConfig(years=1, seed=3), 2, inspections=insp)
    alone = replicate_response(net, ResponseConfig(years=1, seed=3), 2)
    for rep in (0, 1):
        got = coupled.incidents[coupled.incidents["rep"] == rep]
        background = alone.incidents[alone.incidents["rep"] == rep]
        accidents = insp.accidents[insp.accidents["rep"] == rep]
        count = got.groupby("incident_type").size()
        want = (background.groupby("incident_type").size()
                .add(accidents.groupby("incident_type").size(), fill_value=0))  # fmt: skip
        pd.testing.assert_series_equal(count.sort_index(), want.astype(int).sort_index(),
                                       check_names=False)  # fmt: skip
        assert got["from_inspection"].sum() == len(accidents)  # marked as such
        assert not background["from_inspection"].any()


def test_a_registered_policy_is_built_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy added to the registry passes the config check and is the one the model uses."""
    from anjian.sim import policies
    from anjian.sim.response import ResponseModel

    built: list[float] = []

    def factory(threshold_min: float) -> policies.NearestAvailable:
        built.append(threshold_min)
        return policies.NearestAvailable()

    monkeypatch.setitem(policies.POLICIES, "test_nearest", factory)
    toy = load_scenario("toy")
    cfg = ResponseConfig(years=0.2, seed=1, policy="test_nearest", mutual_aid_threshold_min=12.0)
    model = ResponseModel(toy, cfg)
    assert isinstance(model.policy, policies.NearestAvailable)
    assert built == [12.0]
    same = simulate_response(toy, ResponseConfig(years=0.2, seed=1, policy="nearest"))
    pd.testing.assert_frame_equal(model.run().kpis, same.kpis)


# -- relief logistics ------------------------------------------------------------------------
def _trucked_toy(trucks: int = 1, tent_stock: int | None = None) -> object:
    """The toy with relief by truck: fixed approval (city 30, district 15 min), loading 20 min,
    trucks that mobilise in 10 min, 10 tents or 100 quilts a truckload, 200 people per landslide
    (50 tents, 200 quilts: 7 truckloads); no background incidents (tests add their own)."""
    from anjian.scenarios.distributions import Distribution
    from anjian.scenarios.response import ReliefLogistics, VehicleKind

    s = load_scenario("toy")
    fixed = lambda m: Distribution.model_validate({"kind": "fixed", "value_min": m})  # noqa: E731
    kinds = dict(s.vehicle_kinds)
    kinds["truck"] = VehicleKind(
        name_zh="货车", name_en="Truck", mode="rented", role="truck", mobilisation=fixed(10),
        availability=1.0, cost_yuan_per_year=0, cost_yuan_per_use=500,
    )  # fmt: skip
    depots = {
        k: d.model_copy(update={"vehicles": {**d.vehicles, "truck": trucks * (k == "d_core")}})
        for k, d in s.depots.items()
    }
    logistics = ReliefLogistics(
        truck_role="truck", approval={"city": fixed(30), "district": fixed(15)}, loading=fixed(20)
    )
    overrides: dict[str, object] = {
        "incident_types.landslide.relief.people_affected": {"kind": "fixed", "value": 200},
        "commodities.tent.units_per_truckload": 10,
        "commodities.quilt.units_per_truckload": 100,
    }  # fmt: skip
    if tent_stock is not None:
        overrides["warehouses.w_city.stocks.tent.stock_units"] = tent_stock
        overrides["warehouses.w_mountain.stocks.tent.stock_units"] = 0
    rates = {a: {k: 0.0 for k in row} for a, row in s.incident_rates.items()}
    return s.with_(
        overrides, vehicle_kinds=kinds, depots=depots, incident_rates=rates,
        relief_logistics=logistics,
    )  # fmt: skip


def _landslides(times_min: list[float], adcode: str = "900003") -> pd.DataFrame:
    return pd.DataFrame({"time_min": times_min, "adcode": adcode,
                         "incident_type": "landslide"})  # fmt: skip


def test_relief_waits_for_approval_a_truck_and_loading_by_hand() -> None:
    s = _trucked_toy(trucks=1)
    m = ResponseModel(s, ResponseConfig(years=0.1, seed=4, extra_incidents=_landslides([600.0])))
    r = m.run()
    sh = r.shipments
    assert len(sh) == 7  # the mountain district's 50 tents and 200 quilts: 5 + 2 truckloads
    wh = {w: i for i, w in enumerate(m.wh_ids)}
    p = int(m.inc.point[0])
    u = int(sh["truck"].iloc[0])
    assert u >= 0 and m.unit_role[u] == "truck"
    approval = {"city": 30.0, "district": 15.0}
    for row in sh.itertuples():
        w = wh[row.warehouse]
        level = s.warehouses[row.warehouse].level
        # never sooner than approval + loading + the drive from the warehouse
        assert row.arrive_min - row.call_min >= approval[level] + 20 + row.drive_min - 1e-9
        assert row.drive_min == pytest.approx(m.wh_travel[w, p])
    # the first load, with the truck free: call + approval + mobilisation + depot→warehouse
    # + loading + warehouse→incident, exactly
    first = sh.sort_values("arrive_min").iloc[0]
    w = wh[first.warehouse]
    lvl = s.warehouses[first.warehouse].level
    expect = 600 + approval[lvl] + 10 + m.truck_to_wh[u, w] + 20 + m.wh_travel[w, p]
    assert first.arrive_min == pytest.approx(expect)
    # the table adds up: assigned + mobilisation + to the warehouse + loading + drive = arrival
    total = sh["truck_assigned_min"] + sh["mobilisation_min"] + sh["to_warehouse_min"]
    assert np.allclose(total + sh["loading_min"] + sh["drive_min"], sh["arrive_min"])
    # one truck: each later load waits for it to come back to its depot
    later = sh.sort_values("truck_assigned_min").iloc[1]
    assert later.truck_assigned_min >= first.arrive_min + m.travel[u, p] - 1e-9
    # the incident's relief times follow from its shipments
    inc = r.incidents.iloc[0]
    assert inc.first_relief_min == pytest.approx(sh["arrive_min"].min() - 600)
    assert inc.full_relief_min == pytest.approx(sh["arrive_min"].max() - 600)
    # whole units in every load, and the ledger holds with loads on the road
    st = r.stock
    lhs = st["delivered"] + st["in_transit"] + st["on_hand"]
    assert np.allclose(lhs, st["initial"] + st["received"])


def test_more_trucks_relieve_sooner_on_the_same_incidents() -> None:
    ex = _landslides([600.0, 700.0, 800.0, 20_000.0])
    one = simulate_response(_trucked_toy(1), ResponseConfig(years=0.1, seed=4, extra_incidents=ex))
    four = simulate_response(_trucked_toy(4), ResponseConfig(years=0.1, seed=4, extra_incidents=ex))
    pd.testing.assert_series_equal(one.incidents["relief_demanded"],
                                   four.incidents["relief_demanded"])  # fmt: skip
    assert four.incidents["full_relief_min"].sum() < one.incidents["full_relief_min"].sum()
    assert (four.incidents["first_relief_min"] <= one.incidents["first_relief_min"] + 1e-9).all()


def test_stockouts_agree_with_the_fill_rate_and_nothing_is_infinite() -> None:
    """With 3 tents in the whole city the first landslide's tents run short: a stock-out, a fill
    rate below 1 and unmet units; an incident that gets nothing counts as unserved relief."""
    ex = _landslides([600.0, 900.0, 1200.0])
    r = simulate_response(_trucked_toy(2, tent_stock=3),
                          ResponseConfig(years=0.1, seed=4, extra_incidents=ex))  # fmt: skip
    k = r.kpis.set_index(["level", "key", "kpi"])["value"]
    assert np.isfinite(r.kpis["value"]).all()
    assert k["city", "all", "stockouts"] > 0
    assert k["city", "all", "relief_fill_rate"] < 1
    assert k["city", "all", "relief_unmet_units"] == r.incidents["relief_unmet"].sum() > 0
    short = (r.incidents["relief_short_requests"] > 0).sum()
    assert k["city", "all", "stockouts"] >= short > 0
    ok = simulate_response(_trucked_toy(2), ResponseConfig(years=0.1, seed=4, extra_incidents=ex))
    kk = ok.kpis.set_index(["level", "key", "kpi"])["value"]
    assert kk["city", "all", "stockouts"] == 0 and kk["city", "all", "relief_fill_rate"] == 1.0
    # an incident with no stock anywhere: unserved in its own KPI, never inf, never dropped
    empty = {
        f"warehouses.{w}.stocks.{c}.stock_units": 0
        for w in ("w_city", "w_mountain")
        for c in ("tent", "quilt")
    }
    none = _trucked_toy(2).with_(empty)
    z = simulate_response(none, ResponseConfig(years=0.1, seed=4, extra_incidents=ex))
    kz = z.kpis.set_index(["level", "key", "kpi"])["value"]
    assert kz["city", "all", "relief_unserved_incidents"] == 3
    assert kz["city", "all", "relief_fill_rate"] == 0.0
    assert ("city", "all", "time_to_first_relief_mean_min") not in kz.index  # undefined: absent
    assert np.isfinite(z.kpis["value"]).all()
    assert (z.incidents["people_without_relief_48h"] == z.incidents["people_affected"]).all()


@pytest.mark.parametrize("name", ["chongqing", "chongqing_flood2020", "toy"])
def test_no_kpi_of_a_builtin_scenario_is_inf_or_nan(name: str) -> None:
    r = simulate_response(load_scenario(name), ResponseConfig(years=1, seed=11))
    assert np.isfinite(r.kpis["value"].to_numpy(float)).all()
    k = r.kpis.set_index(["level", "key", "kpi"])["value"]
    fill = k["city", "all", "relief_fill_rate"]
    assert (k["city", "all", "stockouts"] == 0) == (fill == 1.0)

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
    s = load_scenario("chongqing_flood2020")
    surge = s.surges["aug2020"]
    model = ResponseModel(s, ResponseConfig(years=1, seed=2))
    result = model.run()
    inc = result.incidents
    window = inc["time_min"].between(227 * 1440, 232 * 1440) & (inc["incident_type"] == "flood")
    base = simulate_response(load_scenario("chongqing"), ResponseConfig(years=1, seed=2)).incidents
    base_window = base["time_min"].between(227 * 1440, 232 * 1440) & (
        base["incident_type"] == "flood"
    )
    assert window.sum() - base_window.sum() >= surge.incidents - 5  # ~200 extra flood incidents
    assert set(inc.loc[window, "adcode"]) <= set(surge.districts) | set(
        base.loc[base_window, "adcode"]
    )
    assert inc.loc[window, "people_affected"].sum() >= 250_000
    k = result.kpis.set_index(["level", "key", "kpi"])["value"].sort_index()
    assert k["city", "all", "relief_fill_rate"] < 1.0  # the reserves cannot shelter everyone
    assert k["city", "all", "stockouts"] > 0


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


def test_coupling_does_not_count_work_safety_accidents_twice() -> None:
    from anjian.sim.inspection import InspectionConfig
    from anjian.sim.replicate import replicate_inspections, replicate_response

    toy = load_scenario("toy")
    insp = replicate_inspections(toy, InspectionConfig(years=1, seed=3), 2)
    coupled = replicate_response(toy, ResponseConfig(years=1, seed=3), 2, inspections=insp)
    inc = coupled.incidents
    ws = inc[inc["incident_type"] == "ws_accident"]
    acc = insp.accidents[insp.accidents["incident_type"] == "ws_accident"]
    assert len(ws) == len(acc)  # only the inspection model's accidents, no background


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

"""Bad input to the location models gives a clear error before solving; the scenario bridge,
the CLI and the simulator feedback work end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.optimize.api import locate
from anjian.optimize.check import check_plan
from anjian.optimize.covering import lscp, mclp, mexclp
from anjian.optimize.errors import InfeasiblePlan, InstanceError
from anjian.optimize.hypercube_fixed_point import mexclp_hypercube, unit_workloads
from anjian.optimize.instance import Rules, make_instance
from anjian.optimize.median import p_median
from anjian.optimize.orlib import read_cost_csv
from anjian.optimize.vehicles import apply_plan, vehicle_instance
from anjian.plans import optimize_vehicles
from anjian.scenarios import Scenario, load_scenario
from anjian.sim.hypercube import hypercube_exact

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data" / "benchmarks"


@pytest.mark.parametrize(
    ("cost", "weight", "match"),
    [
        ([[1.0, float("nan")], [2.0, 3.0]], None, r"cost\[0, 1\] = nan"),
        ([[1.0, -2.0], [2.0, 3.0]], None, r"cost\[0, 1\] = -2.0"),
        ([[1.0, 2.0], [2.0]], None, "ragged"),
        ([], None, "non-empty"),
        ([[1.0, 2.0], [2.0, 3.0]], [1.0, 2.0, 3.0], "weight: expected 2 values, got 3"),
        ([[1.0, 2.0], [2.0, 3.0]], [1.0, -1.0], "weight: value -1.0"),
        ([[1.0, 2.0], [2.0, 3.0]], [0.0, 0.0], "all values are zero"),
    ],
)
def test_bad_matrices(cost: object, weight: object, match: str) -> None:
    with pytest.raises(InstanceError, match=match):
        make_instance(cost, weight)


def test_p_larger_than_candidates() -> None:
    inst = make_instance(np.ones((3, 2)))
    with pytest.raises(InstanceError, match="p = 3 is larger than the 2 candidate sites"):
        p_median(inst, 3)
    with pytest.raises(InstanceError, match="must be ≥ 1"):
        mclp(inst.with_radius(1.0), 0)


def test_unreachable_demand_named() -> None:
    cost = np.array([[5.0, 10.0], [50.0, 45.0], [1.0, 2.0]])
    inst = make_instance(cost, demand_ids=["cellA", "cellB", "cellC"], radius=30.0)
    with pytest.raises(InfeasiblePlan, match=r"standard of 30 cannot be met.*'cellB'") as e:
        lscp(inst)
    assert e.value.binding == ["cellB"]
    inf = make_instance([[1.0, np.inf], [np.inf, np.inf]], demand_ids=["a", "b"])
    with pytest.raises(InfeasiblePlan, match="'b'"):
        p_median(inf, 1)


def test_rules_errors() -> None:
    inst = make_instance(np.ones((3, 3)), site_ids=["x", "y", "z"], radius=1.0)
    with pytest.raises(InstanceError, match=r"unknown site ids \['w'\]"):
        p_median(inst, 1, Rules(fixed_open=("w",)))
    with pytest.raises(InfeasiblePlan, match="2 sites are fixed open but p = 1"):
        p_median(inst, 1, Rules(fixed_open=("x", "y")))
    with pytest.raises(InstanceError, match="both fixed open and closed"):
        p_median(inst, 1, Rules(fixed_open=("x",), closed=("x",)))
    with pytest.raises(InstanceError, match="needs site costs"):
        p_median(inst, 1, Rules(budget_yuan=10.0))
    with pytest.raises(InstanceError, match="busy_fraction"):
        mexclp(inst, 2, 1.5)
    costly = make_instance(np.ones((2, 2)), site_cost=[100.0, 200.0], site_ids=["a", "b"])
    with pytest.raises(InfeasiblePlan, match="cost 200 yuan, more than the budget 150"):
        p_median(costly, 1, Rules(fixed_open=("b",), budget_yuan=150.0))


def test_cost_csv_errors(tmp_path: Path) -> None:
    good = tmp_path / "c.csv"
    good.write_text("id,s1,s2\nd1,1,2\nd2,3,4\n")
    ragged = tmp_path / "r.csv"
    ragged.write_text("id,s1,s2\nd1,1,2\nd2,3\n")
    with pytest.raises(InstanceError, match="line 3: 1 costs for 2 candidates"):
        read_cost_csv(ragged)
    bad = tmp_path / "b.csv"
    bad.write_text("id,s1,s2\nd1,1,x\n")
    with pytest.raises(InstanceError, match="line 2, column 's2': 'x' is not a number"):
        read_cost_csv(bad)
    neg = tmp_path / "n.csv"
    neg.write_text("id,s1,s2\nd1,1,-4\n")
    with pytest.raises(InstanceError, match="must be ≥ 0"):
        read_cost_csv(neg)
    w = tmp_path / "w.csv"
    w.write_text("id,weight\nd1,2\nd3,1\n")
    with pytest.raises(InstanceError, match=r"missing \['d2'\], unknown \['d3'\]"):
        read_cost_csv(good, w)
    inst = read_cost_csv(good)
    assert inst.cost.shape == (2, 2)
    assert inst.site_ids == ("s1", "s2")


def test_locate_cli_costs_json(tmp_path: Path) -> None:
    c = tmp_path / "c.csv"
    c.write_text("id,A,B,C\nd1,1,9,9\nd2,9,1,9\nd3,9,9,1\nd4,2,9,9\n")
    w = tmp_path / "w.csv"
    w.write_text("id,weight\nd1,1\nd2,5\nd3,1\nd4,1\n")
    r = runner.invoke(
        app,
        [
            "locate",
            "--costs",
            str(c),
            "--weights",
            str(w),
            "--model",
            "pmedian",
            "--p",
            "2",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    # open A and B: d1 1, d2 5·1, d3 9, d4 2 → 17
    assert out["objective"] == 17.0
    assert out["open"] == ["A", "B"]
    assert out["status"] == "optimal"
    assert set(out) >= {"status", "objective", "bound", "open", "assignment", "solve_seconds"}
    r = runner.invoke(
        app, ["locate", "--costs", str(c), "--model", "mclp", "--p", "1", "--radius", "2", "--json"]
    )
    assert json.loads(r.output)["objective"] == 2.0  # A covers d1 and d4
    r = runner.invoke(app, ["locate", "--costs", str(c), "--model", "mclp", "--p", "1"])
    assert r.exit_code == 1
    assert "needs --radius" in r.output


def test_locate_cli_orlib() -> None:
    r = runner.invoke(
        app, ["locate", "--orlib", str(DATA / "pmed" / "pmed4.txt"), "--model", "pmedian", "--json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["objective"] == 3034.0
    r = runner.invoke(
        app, ["locate", "--orlib", str(DATA / "cflp" / "cap41.txt"), "--model", "cflp", "--json"]
    )
    assert json.loads(r.output)["objective"] == pytest.approx(1040444.375)


def test_optimize_vehicles_cli_errors() -> None:
    r = runner.invoke(app, ["optimize", "vehicles", "toy", "--model", "mclp"])
    assert r.exit_code == 1
    assert "needs the number" in r.output
    r = runner.invoke(
        app, ["optimize", "vehicles", "toy", "--model", "lscp", "--standard-min", "0.5"]
    )
    assert r.exit_code == 1
    assert "cannot be met" in r.output
    r = runner.invoke(app, ["optimize", "vehicles", "toy", "-k", "2", "--kinds", "tank"])
    assert "unknown vehicle kinds ['tank']" in r.output


def test_vehicle_instance_and_apply_plan() -> None:
    s = load_scenario("toy")
    vi = vehicle_instance(s)
    inst = vi.instance
    assert vi.kinds == ("dedicated_rescue",)
    assert inst.n_demand == 3
    assert inst.n_sites == len(s.depots) + 3
    # weight = rescue-needing incident rates of each district; costs include mobilisation
    assert inst.weight.sum() > 0
    mob = s.vehicle_kinds["dedicated_rescue"].mobilisation.mean
    assert inst.cost.min() >= mob - 1e-9
    assert vi.current_vehicles == 3
    plan = mclp(inst, 2, Rules(current=vi.current, max_relocations=0))
    assert set(plan.open_sites) <= set(vi.current)
    s2 = apply_plan(s, vi, plan)
    placed = sum(d.vehicles.get("dedicated_rescue", 0) for d in s2.depots.values())
    assert placed == 2
    rented = sum(d.vehicles.get("rented_rescue", 0) for d in s2.depots.values())
    assert rented == sum(d.vehicles.get("rented_rescue", 0) for d in s.depots.values())


def test_plan_verified_in_simulation() -> None:
    """Chongqing today has only rented vehicles; 40 optimally placed vehicles must bring the
    simulated share within standard near the plan's promised coverage."""
    res = optimize_vehicles(
        "chongqing", model="mclp", vehicles=40, verify_reps=3, verify_years=0.25
    )
    total = res.vehicles.instance.weight.sum()
    # 40 vehicles reach about 93% of the townships' incidents within standard (expected
    # mobilisation + travel, including the travel inside each township)
    assert 0.9 * total < res.plan.objective < total
    t = res.verification.table()  # type: ignore[union-attr]
    assert t.loc["within_standard_share", "baseline"] < 0.1
    # the plan promises ≈ 93% at expected arrival times; simulated, mobilisation varies, some
    # vehicles are busy and district_first keeps own-district units up to 30 minutes slower
    assert t.loc["within_standard_share", "plan"] > 0.65
    assert (
        t.loc["within_standard_share", "difference"] - t.loc["within_standard_share", "half_width"]
        > 0.5
    )


def _cq_districts() -> Scenario:
    """Chongqing at district resolution: the location models' behaviour tests run on its 38
    points (at the built-in township scale a p-median or p-center takes minutes; making those
    fast is the township-scale location work)."""
    return load_scenario("chongqing").with_({"demand.resolution": "district"})


def test_budget_trades_kinds() -> None:
    """A budget below 20 dedicated vehicles forces cheaper contracted ones into the plan."""
    s = _cq_districts()
    full = optimize_vehicles(s, model="pmedian", vehicles=20)
    assert {site.split("@")[0] for site in full.plan.open_sites} == {"dedicated_rescue"}
    cheap = optimize_vehicles(s, model="pmedian", vehicles=20, budget_yuan=2_000_000)
    assert cheap.fixed_yuan <= 2_000_000  # the budget bounds the fixed cost
    # spend = fixed + each kind's per-use fee × the calls its sites answer (one definition)
    assert cheap.spend_yuan > cheap.fixed_yuan
    assert full.spend_yuan == pytest.approx(full.fixed_yuan)  # dedicated: no per-use fee
    assert "contracted_rescue" in {site.split("@")[0] for site in cheap.plan.open_sites}
    assert cheap.plan.objective >= full.plan.objective


def test_hypercube_workloads_match_exact_for_small_fleet() -> None:
    rng = np.random.default_rng(3)
    cost = rng.uniform(1, 20, (6, 4))
    inst = make_instance(cost, rng.uniform(1000, 5000, 6), radius=10.0)
    counts = {"0": 1, "1": 1, "2": 1}
    rho, unit_site = unit_workloads(inst, counts, service_min=60.0)
    lam = inst.weight / (365 * 1440)
    pref = np.argsort(cost[:, unit_site], axis=1, kind="stable")
    exact = hypercube_exact(lam, pref, service_rates=1 / 60.0, capacity="infinite")
    assert np.allclose(rho, exact.workload, atol=0.02)
    plan = mexclp_hypercube(inst, 3, 60.0)
    assert plan.parameters["hypercube_coverage"] <= inst.weight.sum()
    q = np.asarray(plan.parameters["busy_fraction"], dtype=float)
    assert check_plan(inst, plan, p=3, busy_fraction=q).ok
    # the hypercube coverage of the returned placement, recomputed from exact workloads
    rho, unit_site = unit_workloads(inst, dict(plan.counts), service_min=60.0)
    cover = inst.coverage()[:, unit_site]
    value = float(inst.weight @ (1 - np.where(cover, rho[None, :], 1.0).prod(axis=1)))
    assert plan.parameters["hypercube_coverage"] == pytest.approx(value)


def test_locate_api_requires_one_source(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match="exactly one of"):
        locate(model="pmedian", p=1)


def test_orlib_format_mixups_are_named() -> None:
    r = runner.invoke(
        app, ["locate", "--orlib", str(DATA / "cflp" / "cap41.txt"), "--model", "pmedian"]
    )
    assert r.exit_code == 1
    assert "not an OR-Library p-median file" in r.output
    r = runner.invoke(
        app, ["locate", "--orlib", str(DATA / "pmed" / "pmed1.txt"), "--model", "cflp"]
    )
    assert r.exit_code == 1
    assert "not an OR-Library cap file" in r.output


def test_equity_per_district_is_enforced_in_every_model() -> None:
    s = _cq_districts()
    for model in ("pmedian", "pcenter", "mclp"):
        # one 60-minute standard: at district resolution the travel inside 渝北 alone (33 min)
        # exceeds its 30-minute core standard, so no plan could reach half of it
        res = optimize_vehicles(s, model=model, vehicles=40, min_coverage=0.5, standard_min=60)
        inst = res.vehicles.instance
        rules = Rules(min_coverage={g: 0.5 for g in set(inst.group.tolist())})
        assert check_plan(inst, res.plan, rules, p=40).ok, model
    with pytest.raises(InfeasiblePlan, match="min coverage 50% in each of 38 groups"):
        optimize_vehicles(s, model="pmedian", vehicles=15, min_coverage=0.5, standard_min=60)

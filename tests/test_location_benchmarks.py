"""Location models against published optima: OR-Library pmed1–40 (Beasley 1985), the Swain
55-node network (Church & ReVelle 1974) and OR-Library cap41–cap134 (Beasley 1988).

Data and provenance: data/benchmarks/ (see PROVENANCE.md there)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from anjian.optimize.capacitated import cflp, check_cflp
from anjian.optimize.check import check_plan
from anjian.optimize.covering import lscp, mclp
from anjian.optimize.instance import Rules, make_instance
from anjian.optimize.median import p_median
from anjian.optimize.orlib import read_cap, read_pmed

DATA = Path(__file__).resolve().parent.parent / "data" / "benchmarks"
PMED_OPT = {
    r["instance"]: float(r["optimal"]) for r in csv.DictReader((DATA / "pmed/optimal.csv").open())
}
CAP_OPT = {
    r["instance"]: float(r["optimal"]) for r in csv.DictReader((DATA / "cflp/optimal.csv").open())
}
# p-median instances that solve in well under a second each (CI); the rest run with -m slow
PMED_FAST = [
    "pmed1",
    "pmed4",
    "pmed5",
    "pmed7",
    "pmed8",
    "pmed9",
    "pmed10",
    "pmed13",
    "pmed15",
    "pmed19",
    "pmed20",
    "pmed24",
    "pmed25",
]


def _pmed(name: str) -> None:
    inst, p = read_pmed(DATA / "pmed" / f"{name}.txt")
    plan = p_median(inst, p, time_limit_s=900)
    assert plan.status == "optimal"
    assert plan.objective == PMED_OPT[name]
    assert plan.bound == pytest.approx(PMED_OPT[name])
    assert len(plan.open_sites) == p
    assert check_plan(inst, plan, p=p).ok


@pytest.mark.parametrize("name", PMED_FAST)
def test_pmed_fast_subset(name: str) -> None:
    _pmed(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(PMED_OPT) - set(PMED_FAST)))
def test_pmed_rest(name: str) -> None:
    _pmed(name)


def test_pmed_duplicate_edges_last_wins() -> None:
    """pmed1 repeats two edges; OR-Library's rule (the last line wins) gives 5819, the
    minimum of the duplicates would give 5718."""
    inst, _ = read_pmed(DATA / "pmed" / "pmed1.txt")
    assert inst.n_demand == 100
    assert np.allclose(inst.cost, inst.cost.T)
    assert np.all(np.diag(inst.cost) == 0)


def _swain() -> object:
    rows = list(csv.DictReader((DATA / "mclp/swain55.csv").open()))
    xy = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    w = np.array([float(r["demand"]) for r in rows])
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    ids = [r["node"] for r in rows]
    return make_instance(d, w, demand_ids=ids, site_ids=ids, name="swain55")


@pytest.mark.parametrize(
    ("s", "p", "covered"), [(10, 5, 609), (10, 7, 633), (10, 8, 638), (10, 9, 640)]
)
def test_swain_published_mclp(s: float, p: int, covered: float) -> None:
    inst = _swain().with_radius(s)
    plan = mclp(inst, p)
    assert plan.objective == covered
    assert check_plan(inst, plan, p=p).ok


def test_swain_published_lscp_and_mandatory_closeness() -> None:
    inst = _swain()
    assert lscp(inst.with_radius(15)).objective == 5
    # maximal covering within S = 10 with every node within T = 15 and p = 5: 354 of 640
    plan = mclp(inst.with_radius(10), 5, Rules(within=15))
    assert plan.objective == 354
    assert check_plan(inst.with_radius(10), plan, Rules(within=15), p=5).ok


COMPUTED = [
    (int(r["S"]), int(r["p"]), float(r["covered_node33_at_27_45"]))
    for r in csv.DictReader((DATA / "mclp/swain55_computed_mclp.csv").open())
    if int(r["S"]) in (10, 15, 19, 20)
]


@pytest.mark.parametrize(("s", "p", "covered"), COMPUTED)
def test_swain_full_table(s: int, p: int, covered: float) -> None:
    assert mclp(_swain().with_radius(s), p).objective == covered


@pytest.mark.parametrize("name", sorted(CAP_OPT))
def test_cflp_orlib(name: str) -> None:
    inst = read_cap(DATA / "cflp" / f"{name}.txt")
    plan = cflp(inst)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(CAP_OPT[name], rel=1e-7)
    assert plan.flows is not None
    x = np.zeros_like(inst.cost)
    for (i, j), share in plan.flows.items():
        x[int(i) - 1, int(j) - 1] = share
    opened = np.array([int(j) - 1 for j in plan.open_sites])
    report = check_cflp(inst, opened, x)
    assert report.violations == ()
    assert report.objective == pytest.approx(CAP_OPT[name], rel=1e-7)

"""Two-stage stochastic programs (optimize/stochastic.py) against Birge & Louveaux's farmer
problem (Introduction to Stochastic Programming, §1.1): 500 acres of wheat, corn and sugar
beets, yields ±20% in three equally likely years."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from anjian.optimize.errors import InstanceError
from anjian.optimize.stochastic import (
    FirstStage,
    RecourseScenario,
    TwoStage,
    evaluate,
    mean_scenario,
    recourse_floor,
    solve_extensive,
    solve_lshaped,
    stochastic_measures,
)

# y = (buy wheat, sell wheat, buy corn, sell corn, beets at 36, beets at 10); costs, so a
# profit is a negative objective
Q = np.array([238.0, -170.0, 210.0, -150.0, -36.0, -10.0])
W = sp.csr_matrix(np.array([
    [1, -1, 0, 0, 0, 0],  # wheat: yield·x₁ + bought − sold ≥ 200
    [0, 0, 1, -1, 0, 0],  # corn: yield·x₂ + bought − sold ≥ 240
    [0, 0, 0, 0, -1, -1],  # beets sold ≤ yield·x₃
], dtype=float))  # fmt: skip
Y_HI = np.array([np.inf, np.inf, np.inf, np.inf, 6000.0, np.inf])


def farmer(factors: tuple[float, ...] = (1.2, 1.0, 0.8)) -> TwoStage:
    first = FirstStage(c=np.array([150.0, 230.0, 260.0]), a=sp.csr_matrix(np.ones((1, 3))),
                       lo=np.array([-np.inf]), hi=np.array([500.0]), x_lo=np.zeros(3),
                       x_hi=np.full(3, np.inf), integer=np.zeros(3, dtype=bool))  # fmt: skip
    scenarios = []
    for f in factors:
        t = sp.csr_matrix(np.diag(np.array([2.5, 3.0, 20.0]) * f))
        scenarios.append(RecourseScenario(
            p=1.0 / len(factors), q=Q, t=t, w=W,
            h_lo=np.array([200.0, 240.0, 0.0]), h_hi=np.full(3, np.inf),
            y_lo=np.zeros(6), y_hi=Y_HI))  # fmt: skip
    return TwoStage(first, tuple(scenarios))


def test_the_farmer_recourse_problem_and_its_measures_match_birge_louveaux() -> None:
    m = stochastic_measures(farmer())
    # published (profits): RP 108,390; WS 115,406; EEV 107,240; VSS 1,150; EVPI 7,016
    assert -m.rp == pytest.approx(108_390, abs=1)
    assert -m.ws == pytest.approx(115_406, abs=1)
    assert -m.eev == pytest.approx(107_240, abs=1)
    assert m.vss == pytest.approx(1_150, abs=1)
    assert m.evpi == pytest.approx(7_016, abs=1)
    # the plans: 170 / 80 / 250 acres under uncertainty, 120 / 80 / 300 for the mean year
    assert m.x_rp == pytest.approx([170, 80, 250], abs=1e-6)
    assert m.x_ev == pytest.approx([120, 80, 300], abs=1e-6)
    assert -m.ev == pytest.approx(118_600, abs=1)  # the mean year's own profit


def test_the_lshaped_method_reaches_the_extensive_form() -> None:
    p = farmer()
    whole = solve_extensive(p)
    cut = solve_lshaped(p)
    assert cut.status == "optimal" and cut.objective == pytest.approx(whole.objective, abs=1e-4)
    assert cut.x == pytest.approx(whole.x, abs=1e-6)
    lows, ups = zip(*cut.history, strict=True)
    assert (np.diff(lows) >= -1e-6).all()  # the lower bound never falls
    assert lows[-1] <= ups[-1] + 1e-6
    # the plan's recourse values are the scenarios' own, and evaluating the plan gives (S0)
    assert evaluate(p, cut.x) == pytest.approx(cut.objective, abs=1e-6)
    # on random yield scenarios too (and with a parallel mapper given: results in order)
    rng = np.random.default_rng(7)
    for _ in range(5):
        q = farmer(tuple(rng.uniform(0.6, 1.4, size=int(rng.integers(2, 9)))))
        whole = solve_extensive(q)
        cut = solve_lshaped(q, mapper=lambda fn, items: list(map(fn, items)))
        assert cut.objective == pytest.approx(whole.objective, rel=1e-7, abs=1e-4)
        batched = solve_lshaped(q, tasks=3)  # scenarios in 3 batches: the same cuts, in order
        assert batched.iterations == cut.iterations
        assert batched.objective == pytest.approx(cut.objective, rel=1e-12)


def test_the_mean_scenario_and_bad_programs() -> None:
    p = farmer()
    mean = mean_scenario(p)
    assert mean.t.toarray().diagonal() == pytest.approx([2.5, 3.0, 20.0])
    with pytest.raises(InstanceError, match="add up to 1"):
        TwoStage(p.first, p.scenarios[:2])
    with pytest.raises(InstanceError, match="needs at least one scenario"):
        TwoStage(p.first, ())
    # no recourse when the beets may not be sold and the land must be sown with them
    stuck = TwoStage(FirstStage(c=np.zeros(1), a=sp.csr_matrix((0, 1)), lo=np.zeros(0),
                                hi=np.zeros(0), x_lo=np.ones(1), x_hi=np.ones(1),
                                integer=np.zeros(1, dtype=bool)),
                     (RecourseScenario(1.0, np.zeros(1), sp.csr_matrix(np.ones((1, 1))),
                                       sp.csr_matrix(np.ones((1, 1))), np.zeros(1),
                                       np.zeros(1), np.zeros(1), np.ones(1)),))  # fmt: skip
    with pytest.raises(InstanceError, match="relatively complete recourse"):
        solve_lshaped(stuck)


def test_the_lshaped_scenario_lps_on_the_workers_give_the_same_plan() -> None:
    """The scenario LPs on a local Dask cluster kept across the iterations (the sweep engine's
    workers): the same cuts, so the same iterations and optimum as here."""
    from anjian.parallel import worker_pool

    p = farmer(tuple(np.linspace(0.7, 1.3, 12)))
    here = solve_lshaped(p)
    with worker_pool(2) as pool:
        there = solve_lshaped(p, mapper=pool)
    assert there.iterations == here.iterations
    assert there.objective == pytest.approx(here.objective, rel=1e-12)
    assert there.x == pytest.approx(here.x, abs=1e-9)
    assert there.objective == pytest.approx(solve_extensive(p).objective, rel=1e-7)


def test_sample_average_approximation_brackets_the_true_optimum() -> None:
    """Sampling the farmer's three equally likely years: the batches' mean SAA optimum is a
    lower bound, the candidate's cost on fresh years an upper bound, and the recourse problem's
    optimum (−108,390) lies between them; the gap is small and its bound above it."""
    from anjian.optimize.stochastic import sample_average

    years = farmer().scenarios

    def sampler(rng: np.random.Generator, n: int) -> list[RecourseScenario]:
        return [years[i] for i in rng.integers(0, 3, size=n)]

    r = sample_average(farmer().first, sampler, n=30, batches=8, n_eval=600, seed=3)
    rp = -108_390.0
    assert r.lower[0] - r.lower[1] <= rp + 1.0 and r.upper[0] + r.upper[1] >= rp - 1.0
    assert r.gap_bound >= 0 and r.gap <= r.gap_bound
    assert abs(r.gap) < 0.03 * 108_390
    # 30 sampled years already find the recourse problem's plan; its true cost is RP's
    assert r.x == pytest.approx([170, 80, 250], abs=1e-6)
    assert evaluate(farmer(), r.x) == pytest.approx(rp, abs=1e-6)
    assert len(r.batch_objectives) == 8 and r.n == 30 and r.n_eval == 600
    again = sample_average(farmer().first, sampler, n=30, batches=8, n_eval=600, seed=3)
    assert again.lower == r.lower and again.upper == r.upper  # the same seed, the same numbers
    with pytest.raises(InstanceError, match="at least 2 batches"):
        sample_average(farmer().first, sampler, n=30, batches=1)


def test_the_recourse_floor_is_the_cheapest_corner_of_the_recourse_bounds() -> None:
    w = sp.csr_matrix(np.zeros((1, 3)))
    t = sp.csr_matrix(np.zeros((1, 1)))
    s = RecourseScenario(1.0, np.array([2.0, -1.0, 0.0]), t, w, np.array([-np.inf]),
                         np.array([np.inf]), np.array([1.0, 0.0, 0.0]),
                         np.array([5.0, 3.0, np.inf]))  # fmt: skip
    assert recourse_floor(s) == pytest.approx(2.0 * 1.0 - 1.0 * 3.0)
    unbounded = RecourseScenario(1.0, np.array([-1.0, 0.0, 0.0]), t, w, s.h_lo, s.h_hi,
                                 s.y_lo, np.array([np.inf, 1.0, 1.0]))  # fmt: skip
    assert recourse_floor(unbounded) == -np.inf

"""Hypercube queueing model: Larson & Odoni's published three-unit example, Erlang B/C for the
aggregate, a hand-solved two-unit loss system, the approximation, and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest

from anjian.sim.erlang import erlang_b, erlang_c
from anjian.sim.hypercube import (
    aggregate_distribution,
    correction_factors,
    hypercube_approx,
    hypercube_exact,
)

# Larson & Odoni (1981) §5.4.3: 3 units, 10 atoms, λ = 1.5, μ = 1 (inputs rebuilt from the
# text; see shared benchmarks/hypercube/README.md). Units and atoms are 0-based here.
LAM = [0.25, 0.25, 0.1, 0.25, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1]
PREF = [[0, 1, 2], [0, 1, 2], [1, 0, 2], [0, 2, 1], [1, 0, 2], [1, 0, 2],
        [2, 0, 1], [2, 0, 1], [2, 0, 1], [2, 0, 1]]  # fmt: skip


def test_published_example_exact() -> None:
    r = hypercube_exact(LAM, PREF, 1.0, "infinite")
    assert r.workload == pytest.approx([0.5574, 0.4734, 0.4693], abs=5e-5)  # eq. 5.30a-c
    assert r.all_busy == pytest.approx(0.23684, abs=5e-6)  # P'_Q
    assert r.inter_area_fraction == pytest.approx(0.43529, abs=1e-4)  # eq. 5.36
    assert r.dispatch[0, 0] == pytest.approx(0.087, abs=5e-4)  # f_11 "about 8.7 percent"
    assert r.dispatch.sum() == pytest.approx(1.0)
    assert r.workload.mean() == pytest.approx(0.5)


def test_published_example_approximation() -> None:
    assert correction_factors(3, 1.5, "infinite") == pytest.approx([1, 0.73684, 0.63158], abs=5e-6)
    r = hypercube_approx(LAM, PREF, 1.0, "infinite")
    assert r.workload == pytest.approx([0.5627, 0.4716, 0.4657], abs=1.5e-4)  # §5.5.3


def _random_system(n_units: int, n_atoms: int, load: float, seed: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    lam = rng.random(n_atoms)
    lam *= load * n_units / lam.sum()
    pref = np.array([rng.permutation(n_units) for _ in range(n_atoms)])
    return lam, pref


@pytest.mark.parametrize(("n_units", "load"), [(3, 0.5), (5, 0.8), (8, 0.9), (10, 0.6)])
def test_aggregate_is_erlang(n_units: int, load: float) -> None:
    lam, pref = _random_system(n_units, 3 * n_units, load, seed=n_units)
    a = lam.sum()
    for capacity, all_busy in (("infinite", erlang_c(n_units, a)), ("zero", erlang_b(n_units, a))):
        r = hypercube_exact(lam, pref, 1.0, capacity)  # type: ignore[arg-type]
        assert r.all_busy == pytest.approx(all_busy, rel=1e-9)
        busy = np.array([bin(b).count("1") for b in range(1 << n_units)])
        by_count = np.bincount(busy, weights=r.state_prob, minlength=n_units + 1)
        assert by_count == pytest.approx(aggregate_distribution(n_units, a, capacity), abs=1e-10)  # type: ignore[arg-type]
        served = 1.0 if capacity == "infinite" else 1.0 - all_busy
        assert r.workload.sum() == pytest.approx(a * served, rel=1e-9)


def test_two_units_loss_system_by_hand() -> None:
    # atom 0 (rate 1) prefers unit 0 then 1; atom 1 (rate 2) prefers unit 1 then 0; μ = 1.
    # States by bit mask: 0 none busy, 1 unit 0 busy, 2 unit 1 busy, 3 both. Generator:
    q = np.array([
        [-3, 1, 2, 0],  # 0 -> 1 (atom 0 to unit 0), 0 -> 2 (atom 1 to unit 1)
        [1, -4, 0, 3],  # 1 -> 0 (unit 0 done), 1 -> 3 (both atoms to unit 1)
        [1, 0, -4, 3],  # 2 -> 0 (unit 1 done), 2 -> 3 (both atoms to unit 0)
        [0, 1, 1, -2],  # 3 -> 2 (unit 0 done), 3 -> 1 (unit 1 done)
    ], dtype=float)  # fmt: skip
    a = np.vstack([q.T[:-1], np.ones(4)])
    p = np.linalg.solve(a, [0, 0, 0, 1])
    r = hypercube_exact([1.0, 2.0], [[0, 1], [1, 0]], 1.0, "zero")
    assert r.state_prob == pytest.approx(p, abs=1e-12)
    assert r.all_busy == pytest.approx(erlang_b(2, 3.0))
    # unit 0 works for atom 0 in states 0 and 2, for atom 1 in state 2 only
    assert r.dispatch[0] == pytest.approx([(p[0] + p[2]) / 3, 2 * p[2] / 3])


def test_approximation_is_close_to_exact_on_larger_systems() -> None:
    lam, pref = _random_system(8, 30, 0.6, seed=1)
    exact = hypercube_exact(lam, pref, 1.0, "infinite")
    approx = hypercube_approx(lam, pref, 1.0, "infinite")
    assert np.abs(exact.workload - approx.workload).max() < 0.02
    assert approx.workload.sum() == pytest.approx(exact.workload.sum(), rel=1e-9)


def test_twelve_units_under_a_second() -> None:
    lam, pref = _random_system(12, 60, 0.5, seed=2)
    t0 = time.perf_counter()
    r = hypercube_exact(lam, pref, 1.0, "infinite")
    assert time.perf_counter() - t0 < 3.0  # 0.5 s here; slack for a loaded CI machine
    assert r.all_busy == pytest.approx(erlang_c(12, lam.sum()), rel=1e-9)


def test_mean_travel_uses_dispatch_fractions() -> None:
    travel = np.arange(30, dtype=float).reshape(3, 10)
    r = hypercube_exact(LAM, PREF, 1.0, "infinite", travel=travel)
    assert r.mean_travel == pytest.approx(float((r.dispatch * travel).sum()))


@pytest.mark.parametrize(
    ("lam", "pref", "capacity", "message"),
    [
        ([1.0], [[0, 0]], "infinite", "permutation"),
        ([1.0, 1.0], [[0, 1]], "infinite", "one row per atom"),
        ([-1.0], [[0, 1]], "infinite", ">= 0"),
        ([5.0], [[0, 1]], "infinite", "unstable"),
        ([1.0], [[0, 1]], "some", "capacity"),
    ],
)
def test_bad_input(lam: list, pref: list, capacity: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hypercube_exact(lam, pref, 1.0, capacity)  # type: ignore[arg-type]


def test_too_many_units_for_exact() -> None:
    lam, pref = _random_system(16, 20, 0.5, seed=3)
    with pytest.raises(ValueError, match="hypercube_approx"):
        hypercube_exact(lam, pref)
    assert hypercube_approx(lam, pref).workload.sum() == pytest.approx(8.0)

"""Larson's hypercube queueing model: exact solution and Larson's approximation.

N response units, J atoms (demand points) with Poisson call rates ``λ_j``, exponential service
at unit rates ``μ_n`` independent of travel, and **fixed-preference dispatch**: a call from atom
``j`` goes to the first free unit in its preference list ``a_j1, a_j2, …, a_jN``. The state is
the set of busy units, a vertex of the N-cube (bit ``n`` set = unit ``n`` busy).

* ``capacity="zero"``: a call that finds every unit busy is lost (M/M/N/N aggregate).
* ``capacity="infinite"``: it waits in a FCFS queue (M/M/N aggregate); when a unit frees up it
  takes the head of the queue. Following Larson & Odoni, a queued call is counted as a
  dispatch of each unit with probability 1/N. The saturated states (all busy, queue ``q``)
  are lumped: their probabilities are ``P_full · r^q`` with ``r = λ / Σμ``, so the chain keeps
  ``2^N`` states with the full state's downward rates scaled by ``1 − r``.

Exact: solve ``π Q = 0``, ``Σ π = 1`` on the ``2^N`` states (sparse LU; N = 12 is 4,096
states, about 0.5 s).
Approximate (Larson 1975; Larson & Odoni §5.5.3): workloads solve the fixed point

    ρ_n = (1/μ) [ Σ_j λ_j Σ_k 1{a_jk = n} Q(N, ρ̄, k−1) Π_{l<k} ρ_{a_jl} (1 − ρ_n) + λ P_N / N ]

with the correction factor ``Q(N, ρ̄, k) = Σ_{m=k}^{N−1} P_m C(N−k−1, m−k) / C(N, m) /
(ρ̄^k (1 − ρ̄))``, ``P_m`` the aggregate M/M/N (or M/M/N/N) distribution and ``P_N`` the
probability that all units are busy (zero for the loss system's dispatches). It needs equal
service rates.

Validated against the published three-unit example of Larson & Odoni (1981) §5.4–5.5 and
against Erlang B / C for the aggregate (tests/test_hypercube.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

MAX_EXACT_UNITS = 15
Capacity = Literal["zero", "infinite"]


@dataclass(frozen=True)
class HypercubeResult:
    """Performance of a fixed-preference dispatch system.

    Attributes
    ----------
    workload
        Fraction of time each unit is busy (N,).
    dispatch
        ``f[n, j]``: fraction of all calls that send unit ``n`` to atom ``j`` (N, J). Sums to 1
        for infinite capacity, to ``1 − blocking`` for zero capacity.
    all_busy
        Probability an arriving call finds every unit busy (queued, or lost if capacity zero).
    inter_area_fraction
        Fraction of calls served by a unit other than the atom's first preference.
    state_prob
        Exact solution only: probability of each busy-set (index = bit mask; the full state
        carries the whole saturated macro-state).
    mean_travel
        ``Σ f[n, j] t[n, j] / Σ f`` when a travel matrix was given, else None.
    """

    workload: np.ndarray
    dispatch: np.ndarray
    all_busy: float
    inter_area_fraction: float
    state_prob: np.ndarray | None = None
    mean_travel: float | None = None


def _check(
    arrival_rates: np.ndarray, preferences: np.ndarray, service: np.ndarray, capacity: str
) -> None:
    n_atoms, n_units = preferences.shape if preferences.ndim == 2 else (0, 0)
    if preferences.ndim != 2 or n_atoms != len(arrival_rates):
        raise ValueError(
            f"preferences must be a J × N array with one row per atom, got shape "
            f"{preferences.shape} for {len(arrival_rates)} atoms"
        )
    for j, row in enumerate(preferences):
        if sorted(row.tolist()) != list(range(n_units)):
            raise ValueError(
                f"preferences[{j}] must be a permutation of 0..{n_units - 1}, got {row}"
            )
    if np.any(arrival_rates < 0) or not np.all(np.isfinite(arrival_rates)):
        raise ValueError("arrival rates must be finite and >= 0")
    if arrival_rates.sum() <= 0:
        raise ValueError("the total arrival rate must be > 0")
    if len(service) != n_units or np.any(service <= 0):
        raise ValueError(f"service rates must be {n_units} positive numbers, got {service}")
    if capacity not in ("zero", "infinite"):
        raise ValueError(f"capacity must be 'zero' or 'infinite', got {capacity!r}")
    if capacity == "infinite" and arrival_rates.sum() >= service.sum():
        raise ValueError(
            f"unstable: total arrival rate {arrival_rates.sum():g} >= total service rate "
            f"{service.sum():g}; use capacity='zero' or add units"
        )


def _service(service_rates: float | np.ndarray, n_units: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(service_rates, dtype=float), (n_units,)).copy()


def first_free(preferences: np.ndarray) -> np.ndarray:
    """``first[j, B]``: the unit dispatched to atom ``j`` in busy-set ``B`` (−1 if all busy)."""
    n_atoms, n_units = preferences.shape
    states = np.arange(1 << n_units)
    first = np.full((n_atoms, 1 << n_units), -1, dtype=np.int64)
    for j in range(n_atoms):
        open_ = np.ones(1 << n_units, dtype=bool)
        for unit in preferences[j]:
            free = ((states >> unit) & 1) == 0
            take = open_ & free
            first[j, take] = unit
            open_ &= ~free
    return first


def _finish(
    workload: np.ndarray,
    dispatch: np.ndarray,
    all_busy: float,
    preferences: np.ndarray,
    travel: np.ndarray | None,
    state_prob: np.ndarray | None = None,
) -> HypercubeResult:
    n_atoms = preferences.shape[0]
    primary = preferences[:, 0]
    inter = float(dispatch.sum() - dispatch[primary, np.arange(n_atoms)].sum())
    mean_travel = None
    if travel is not None:
        t = np.asarray(travel, dtype=float)
        if t.shape != dispatch.shape:
            raise ValueError(f"travel must be N × J = {dispatch.shape}, got {t.shape}")
        mean_travel = float((dispatch * t).sum() / dispatch.sum())
    return HypercubeResult(workload, dispatch, all_busy, inter, state_prob, mean_travel)


def hypercube_exact(
    arrival_rates: np.ndarray | list[float],
    preferences: np.ndarray | list[list[int]],
    service_rates: float | np.ndarray = 1.0,
    capacity: Capacity = "infinite",
    travel: np.ndarray | None = None,
) -> HypercubeResult:
    """Exact hypercube solution (``2^N`` states).

    Parameters
    ----------
    arrival_rates
        ``λ_j`` per atom (J,), in calls per time unit.
    preferences
        J × N array: row ``j`` lists the units (0-based) in order of preference.
    service_rates
        ``μ_n`` per unit, or one number for all, in services per time unit.
    capacity
        ``"zero"`` (lost calls) or ``"infinite"`` (FCFS queue).
    travel
        Optional N × J travel times, for ``mean_travel``.

    Raises
    ------
    ValueError
        For inconsistent shapes, negative rates, an unstable queue, or N > 15.
    """
    lam = np.asarray(arrival_rates, dtype=float)
    pref = np.asarray(preferences, dtype=np.int64)
    mu = _service(service_rates, pref.shape[1] if pref.ndim == 2 else 0)
    _check(lam, pref, mu, capacity)
    n_atoms, n_units = pref.shape
    if n_units > MAX_EXACT_UNITS:
        raise ValueError(
            f"{n_units} units means 2^{n_units} states; the exact solver takes N <= "
            f"{MAX_EXACT_UNITS}: use hypercube_approx"
        )
    size = 1 << n_units
    full = size - 1
    total = lam.sum()
    r = total / mu.sum() if capacity == "infinite" else 0.0
    first = first_free(pref)
    rows, cols, vals = [], [], []
    states = np.arange(size)
    # upward: B -> B | (1 << n) at the rate of the atoms whose first free unit is n
    for j in range(n_atoms):
        unit = first[j]
        ok = unit >= 0
        rows.append(states[ok])
        cols.append(states[ok] | (1 << unit[ok]))
        vals.append(np.full(ok.sum(), lam[j]))
    # downward: B -> B without n at μ_n (scaled by 1 − r in the lumped saturated state)
    for n in range(n_units):
        busy = ((states >> n) & 1) == 1
        rate = np.where(states[busy] == full, mu[n] * (1.0 - r), mu[n])
        rows.append(states[busy])
        cols.append(states[busy] & ~(1 << n))
        vals.append(rate)
    r_i, c_i, v_i = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    q = sp.coo_matrix((v_i, (r_i, c_i)), shape=(size, size)).tocsr()
    q = q - sp.diags(np.asarray(q.sum(axis=1)).ravel())
    # π Q = 0 with π_0 fixed at 1: drop state 0's balance equation (keeps the matrix sparse,
    # where a row of ones for the normalisation would fill the LU factors), then normalise.
    qt = q.T.tocsc()
    pi = np.empty(size)
    pi[0] = 1.0
    # minimum-degree ordering on A + Aᵀ keeps the fill of the cube's LU small (N = 12: 0.5 s;
    # the default COLAMD ordering takes about 3 s)
    lu = splu(qt[1:, 1:].tocsc(), permc_spec="MMD_AT_PLUS_A")
    pi[1:] = lu.solve(-qt[1:, 0].toarray().ravel())
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    bits = (states[:, None] >> np.arange(n_units)[None, :]) & 1
    workload = (pi[:, None] * bits).sum(axis=0)
    dispatch = np.zeros((n_units, n_atoms))
    for j in range(n_atoms):
        unit = first[j]
        ok = unit >= 0
        np.add.at(dispatch[:, j], unit[ok], pi[ok] * lam[j] / total)
    all_busy = float(pi[full])
    if capacity == "infinite":
        dispatch += all_busy * (lam / total)[None, :] / n_units
    return _finish(workload, dispatch, all_busy, pref, travel, pi)


def aggregate_distribution(n_units: int, offered_load: float, capacity: Capacity) -> np.ndarray:
    """``P_m`` for m = 0..N of M/M/N (``P_N`` = all busy, queue or not) or M/M/N/N."""
    a = offered_load
    terms = np.array([a**m / math.factorial(m) for m in range(n_units + 1)])
    if capacity == "infinite":
        if a >= n_units:
            raise ValueError(f"unstable: offered load {a} >= {n_units} units")
        terms[-1] = terms[-1] / (1.0 - a / n_units)
    return terms / terms.sum()


def correction_factors(n_units: int, offered_load: float, capacity: Capacity) -> np.ndarray:
    """Larson's ``Q(N, ρ̄, k)`` for k = 0..N−1."""
    p = aggregate_distribution(n_units, offered_load, capacity)
    if capacity == "infinite":
        rho = offered_load / n_units
    else:
        rho = offered_load * (1.0 - p[-1]) / n_units
    q = np.zeros(n_units)
    for k in range(n_units):
        s = sum(
            p[m] * math.comb(n_units - k - 1, m - k) / math.comb(n_units, m)
            for m in range(k, n_units)
        )
        q[k] = s / (rho**k * (1.0 - rho))
    return q


def hypercube_approx(
    arrival_rates: np.ndarray | list[float],
    preferences: np.ndarray | list[list[int]],
    service_rate: float = 1.0,
    capacity: Capacity = "infinite",
    travel: np.ndarray | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> HypercubeResult:
    """Larson's approximation (any N, equal service rates): see the module docstring.

    Raises
    ------
    ValueError
        As :func:`hypercube_exact`, or if the iteration does not converge.
    """
    lam = np.asarray(arrival_rates, dtype=float)
    pref = np.asarray(preferences, dtype=np.int64)
    n_units = pref.shape[1] if pref.ndim == 2 else 0
    mu = _service(service_rate, n_units)
    _check(lam, pref, mu, capacity)
    n_atoms = pref.shape[0]
    total = lam.sum()
    a = total / service_rate
    p = aggregate_distribution(n_units, a, capacity)
    q = correction_factors(n_units, a, capacity)
    p_all = p[-1]
    rho_bar = a / n_units if capacity == "infinite" else a * (1 - p_all) / n_units
    queued = total * p_all / n_units if capacity == "infinite" else 0.0
    rho = np.full(n_units, rho_bar)
    busy_total = n_units * rho_bar
    for _ in range(max_iterations):
        # reach[n, j] = λ_j Q(k−1) Π_{l<k} ρ_{a_jl} for the position k of unit n in list j:
        # the rate of calls from j that find every unit ahead of n busy
        reach = np.zeros((n_units, n_atoms))
        for j in range(n_atoms):
            prod = 1.0
            for k in range(n_units):
                n = pref[j, k]
                reach[n, j] = lam[j] * q[k] * prod
                prod *= rho[n]
        v = reach.sum(axis=1) / service_rate
        # ρ_n = (1 − ρ_n) V_n + queued share, solved for ρ_n (the stable form of the iteration)
        new = (v + queued / service_rate) / (1.0 + v)
        # Σ ρ_n = λ (1 − P_lost) / μ holds exactly (servers' Little law): enforce it
        new *= busy_total / new.sum()
        done = np.max(np.abs(new - rho)) < tolerance
        rho = new
        if done:
            break
    else:
        raise ValueError(f"Larson's approximation did not converge in {max_iterations} steps")
    dispatch = reach * (1.0 - rho)[:, None] / total
    if capacity == "infinite":
        dispatch += p_all * (lam / total)[None, :] / n_units
    return _finish(rho, dispatch, float(p_all), pref, travel)

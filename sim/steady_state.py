"""The inspection model's steady state, to start a run from instead of an empty city.

A run that starts with every site hazard-free and every post filled by a competent inspector
spends its first years filling up: deaths in Chongqing ran 881 → 1,081 → 1,139 → 1,134 in
simulated years 1–4 from an empty start. Starting from the steady state removes that transient,
so every simulated year — the first included — measures the system as it runs.

Hazards: each site's own process, run forward before time 0
    With inspection capacity to spare, what happens at a site depends only on the site: hazards
    arrive (Poisson, rate λ_i; in the flood season the village patrol removes its share at
    flood-patrol sites), routine visits come every τ_i, a visit finds each latent hazard with the
    detection probability of the kind that comes (drawn by the pool's FTE shares), found hazards
    are ordered fixed by a re-inspection ``rectification_days`` R later, where each is fixed with
    the compliance of an order from someone who can (or cannot) penalise, and unfixed ones get
    another re-inspection — the model's own rules, less the queue. :func:`presimulate` runs
    these rules for every site at once (numpy, one event per site per step) over the last
    ``CYCLES`` routine cycles before time 0, starting hazard-free: the latent and ordered
    hazards, the penalty state and the pending re-inspection it ends with are the start of the
    run. Routine visits are placed as the run will place them (the first due date φ_i of the
    run, visited ``release_days_before_due`` early). Complaints, flood-season spot checks, the
    shorter flood-season interval, referral penalties (findings of staff who may not penalise),
    campaigns, deterrence after penalties and seasonal hazard rates (the yearly mean is used)
    are left out: those sites start a little above the steady state. Six cycles leave
    (1 − p)⁶ < 0.5% of the empty start's deficit at p = 0.6. A pool with no staff has no
    steady state (hazards grow without bound): its sites start empty.

Posts (renewal theory, exponential tenure)
    A post is left at rate r and refilled after a hiring time H, so it is vacant with probability
    E[H] / (1/r + E[H]); a filled post is held by a novice with probability 1 − exp(−r E[C]), C
    the time to competence. The time left of a vacancy or of a novice's learning is drawn as
    U × (a fresh draw) — the equilibrium residual of a uniform-phase renewal, an approximation
    for non-exponential H and C.

Every draw is the site's or post's own counter-based uniform (:mod:`sim.crn`), turned into a
count by inverse CDF, so a plan that changes one district's staff moves only that district's
starting state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from anjian.scenarios.timebase import MIN_PER_YEAR

from .crn import binomial_from_uniforms, poisson_from_uniform, purpose_key, site_uniform_at


@dataclass(frozen=True)
class PoolKinds:
    """The kinds serving one pool, for drawing who makes a visit."""

    share: np.ndarray  # FTE shares (sum 1; empty for a pool without staff)
    p_detect: np.ndarray  # mean detection probability of each kind (with/without equipment)
    can_penalise: np.ndarray  # bool


@dataclass(frozen=True)
class HazardStart:
    """Per-site starting state."""

    latent: np.ndarray  # int64 counts
    ordered: np.ndarray  # int64 counts
    penalised: np.ndarray  # bool: the order came from someone who can penalise
    reinspect_at: np.ndarray  # minutes from the start; the pending re-inspection (or inf)


CYCLES = 6


def presimulate(
    seed: int,
    replication: int,
    rate_per_min: np.ndarray,
    interval_min: np.ndarray,
    first_due_min: np.ndarray,
    release_min: float,
    rectification_min: np.ndarray,
    pools: list[PoolKinds],
    pool_of_site: np.ndarray,
    compliance_with_penalty: float,
    compliance_without_penalty: float,
    village_share: np.ndarray,
    flood_minutes: Callable[[np.ndarray], np.ndarray],
    reinspection_detection_factor: float = 1.0,
    self_fix_rate_per_min: np.ndarray | None = None,
    flood_table: tuple[np.ndarray, np.ndarray] | None = None,
) -> HazardStart:
    """Run every site's own rules over its last :data:`CYCLES` routine cycles before time 0
    (see the module docstring) and return the state they end in.

    ``village_share`` is the share of arising hazards the village patrol removes at each site
    in the flood season (0 elsewhere); ``flood_minutes(t)`` the flood-season minutes in
    ``[0, t)`` of the calendar (any real ``t``, negative before the run); ``flood_table``, its
    edges and values (:func:`sim.calendar.flood_table`), runs the compiled version
    (:mod:`sim.steady_kernel`) instead of this numpy one."""
    n = len(rate_per_min)
    key = purpose_key(seed, replication, "steady-state")
    staffed = np.array([len(pk.share) > 0 for pk in pools])[pool_of_site]
    # kinds of every pool padded to one table: cumulative shares, detection, penalty powers
    width = max([len(pk.share) for pk in pools] + [1])
    cum = np.full((len(pools), width), 2.0)  # past the end: never chosen
    kind_p = np.zeros((len(pools), width))
    kind_pen = np.zeros((len(pools), width), dtype=bool)
    for q, pk in enumerate(pools):
        m = len(pk.share)
        cum[q, :m] = np.cumsum(pk.share)
        if m:
            cum[q, m - 1] = 1.0 + 1e-12  # shares sum to 1 up to rounding
        kind_p[q, :m] = pk.p_detect
        kind_pen[q, :m] = pk.can_penalise
    if flood_table is not None:
        from .steady_kernel import presimulate_sites

        sf = self_fix_rate_per_min if self_fix_rate_per_min is not None else np.zeros(0)
        latent, ordered, penalised, next_re = presimulate_sites(
            np.uint64(key), staffed, np.ascontiguousarray(rate_per_min, dtype=np.float64),
            np.ascontiguousarray(interval_min, dtype=np.float64),
            np.ascontiguousarray(first_due_min, dtype=np.float64), float(release_min),
            np.ascontiguousarray(rectification_min, dtype=np.float64), cum, kind_p, kind_pen,
            np.ascontiguousarray(pool_of_site, dtype=np.int64), compliance_with_penalty,
            compliance_without_penalty, np.ascontiguousarray(village_share, dtype=np.float64),
            flood_table[0], flood_table[1], float(reinspection_detection_factor),
            np.ascontiguousarray(sf, dtype=np.float64), CYCLES,
        )  # fmt: skip
        reinspect_at = np.where(ordered > 0, np.maximum(next_re, 0.0), np.inf)
        _unstaffed_steady(latent, staffed, rate_per_min, village_share, flood_minutes,
                          self_fix_rate_per_min, seed, replication)  # fmt: skip
        return HazardStart(latent, ordered, penalised & (ordered > 0), reinspect_at)
    latent = np.zeros(n, dtype=np.int64)
    ordered = np.zeros(n, dtype=np.int64)
    penalised = np.zeros(n, dtype=bool)
    next_re = np.full(n, np.inf)
    # routine visits at (φ − k τ) − release for k = CYCLES … 1; start just before the first
    next_rt = first_due_min - release_min - CYCLES * interval_min
    now = next_rt.copy()
    events = np.zeros(n, dtype=np.int64)
    active = np.flatnonzero(staffed)
    while len(active):
        t_next = np.minimum(next_rt[active], next_re[active])
        until = np.minimum(t_next, 0.0)
        # hazards arising since the last event, less those the village patrol removes
        t0 = now[active]
        span = until - t0
        patrol = village_share[active] > 0
        if patrol.any():
            a = active[patrol]
            flood = flood_minutes(until[patrol]) - flood_minutes(t0[patrol])
            span[patrol] -= village_share[a] * flood
        span = np.maximum(span, 0.0)
        if self_fix_rate_per_min is not None:
            # firms fix undetected hazards at rate μ: each latent one is still there after
            # the step with e^{−μ Δ}; arrivals still there form a Poisson count of mean
            # λ (1 − e^{−μ Δ}) / μ (λ Δ as μ → 0)
            mu = self_fix_rate_per_min[active]
            dt = until - t0
            stay = np.exp(-mu * dt)
            latent[active] = binomial_from_uniforms(
                latent[active], stay, site_uniform_at(key, active, 5 * events[active] + 4)
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = np.where(mu > 0, (1.0 - stay) / (mu * np.maximum(dt, 1e-300)), 1.0)
            span = span * np.where(dt > 0, frac, 1.0)
        mean = rate_per_min[active] * span
        latent[active] += poisson_from_uniform(
            mean, site_uniform_at(key, active, 5 * events[active])
        )
        now[active] = until
        go = t_next < 0.0
        sites = active[go]
        if not len(sites):
            break
        u_kind, u_find, u_fix = (
            site_uniform_at(key, sites, 5 * events[sites] + j) for j in (1, 2, 3)
        )
        t = t_next[go]
        events[sites] += 1
        # who comes: a kind of the site's pool by its FTE share
        pool = pool_of_site[sites]
        k = (u_kind[:, None] >= cum[pool]).sum(axis=1)
        p = kind_p[pool, k]
        pen = kind_pen[pool, k]
        re = next_re[sites] <= next_rt[sites]
        # a re-inspection first settles the order (InspectionModel.reinspect) ...
        r_sites = sites[re]
        if len(r_sites):
            c = np.where(penalised[r_sites], compliance_with_penalty, compliance_without_penalty)
            fixed = binomial_from_uniforms(ordered[r_sites], c, u_fix[re])
            ordered[r_sites] -= fixed
            left = ordered[r_sites] > 0
            next_re[r_sites] = np.where(left, t[re] + rectification_min[r_sites], np.inf)
            penalised[r_sites] = np.where(left, penalised[r_sites] | pen[re], False)
        rt = ~re
        next_rt[sites[rt]] += interval_min[sites[rt]]
        # ... then every visit looks for latent hazards (InspectionModel.detect)
        p = np.where(re, p * reinspection_detection_factor, p)
        found = binomial_from_uniforms(latent[sites], p, u_find)
        hit = found > 0
        latent[sites] -= found
        ordered[sites] += found
        h_sites = sites[hit]
        penalised[h_sites] |= pen[hit]
        fresh = h_sites[~np.isfinite(next_re[h_sites])]
        next_re[fresh] = t[hit][~np.isfinite(next_re[h_sites])] + rectification_min[fresh]
        active = active[now[active] < 0.0]
    reinspect_at = np.where(ordered > 0, np.maximum(next_re, 0.0), np.inf)
    _unstaffed_steady(latent, staffed, rate_per_min, village_share, flood_minutes,
                      self_fix_rate_per_min, seed, replication)  # fmt: skip
    return HazardStart(latent, ordered, penalised & (ordered > 0), reinspect_at)


def _unstaffed_steady(
    latent: np.ndarray,
    staffed: np.ndarray,
    rate_per_min: np.ndarray,
    village_share: np.ndarray,
    flood_minutes: Callable[[np.ndarray], np.ndarray],
    self_fix_rate_per_min: np.ndarray | None,
    seed: int,
    replication: int,
) -> None:
    """Sites nobody inspects start at the firms' own steady state (in place): hazards arise at
    λ (less the village patrol's share in the flood season, averaged over the year) and are
    fixed by the firm at rate 1/D, so the count is Poisson(λ_year · D) — an M/M/∞ queue. Sites
    whose firms never fix hazards themselves have no steady state and start empty."""
    if self_fix_rate_per_min is None or not len(self_fix_rate_per_min):
        return
    idle = np.flatnonzero(~staffed & (self_fix_rate_per_min > 0))
    if not len(idle):
        return
    year = float(MIN_PER_YEAR)
    flood_share = float(flood_minutes(np.array([year]))[0] - flood_minutes(np.array([0.0]))[0])
    flood_share /= year
    lam = rate_per_min[idle] * (1.0 - village_share[idle] * flood_share)
    rng = np.random.default_rng(purpose_key(seed, replication, "steady-state/unstaffed"))
    latent[idle] = rng.poisson(lam / self_fix_rate_per_min[idle])


def vacancy_probability(leave_rate_per_min: float, mean_hiring_min: float) -> float:
    """Stationary share of time a post is vacant (exponential tenure, then a hiring time)."""
    if leave_rate_per_min <= 0:
        return 0.0
    tenure = 1.0 / leave_rate_per_min
    return mean_hiring_min / (tenure + mean_hiring_min)


def novice_probability(leave_rate_per_min: float, mean_competence_min: float) -> float:
    """Stationary share of filled posts held by someone still learning."""
    if leave_rate_per_min <= 0:
        return 0.0
    return float(1.0 - np.exp(-leave_rate_per_min * mean_competence_min))

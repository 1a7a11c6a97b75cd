""":func:`anjian.sim.steady_state.presimulate`, compiled: every site's own rules over its last
routine cycles before time 0, one site at a time (Numba).

The numpy version steps all sites at once (about a second for Chongqing's 280,000 sites);
here each site runs its own loop with the same draws (the site's counter-based uniforms, five a
step), the same inverse-CDF counts and the same arithmetic, so every site starts exactly as in
the numpy version (a test, on Chongqing and on a toy city with self-fixing firms and the flood
patrol).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, objmode

from .kernel import binomial, site_uniform

MIN_PER_YEAR = 365.0 * 1440.0


@njit(cache=True)
def poisson(mean: float, u: float) -> int:
    """The ``u``-quantile of Poisson(``mean``) (as :func:`sim.crn.poisson_from_uniform`)."""
    term = math.exp(-mean)
    cdf = term
    k = 0
    if u >= cdf:
        while True:
            k += 1
            term *= mean / k
            cdf += term
            if not (u >= cdf and term > 0):
                break
    return k


def _normal_binomial(n: int, p: float, u: float) -> int:
    from .crn import binomial_from_uniforms

    return int(binomial_from_uniforms(np.array([n]), np.array([p]), np.array([u]))[0])


@njit(cache=True)
def binomial_v(n: int, p: float, u: float) -> int:
    """As :func:`sim.crn.binomial_from_uniforms` (its normal approximation on underflow)."""
    if n > 0 and 0.0 < p < 1.0 and math.pow(1.0 - p, float(n)) == 0.0:
        with objmode(k="int64"):
            k = _normal_binomial(n, p, u)
        return k
    return binomial(n, p, u)


@njit(cache=True)
def flood_minutes(t: float, edges: Any, cum: Any) -> float:
    """``F(t)`` of :func:`sim.calendar.flood_minutes_before`."""
    whole = math.floor(t / MIN_PER_YEAR)
    x = t - whole * MIN_PER_YEAR
    n = len(edges)
    if x <= edges[0]:
        v = cum[0]
    elif x >= edges[n - 1]:
        v = cum[n - 1]
    else:
        j = np.searchsorted(edges, x, side="right") - 1
        if x == edges[j]:
            v = cum[j]
        else:
            slope = (cum[j + 1] - cum[j]) / (edges[j + 1] - edges[j])
            v = slope * (x - edges[j]) + cum[j]
    return whole * cum[n - 1] + v


@njit(cache=True)
def presimulate_sites(key: Any, staffed: Any, rate: Any, interval: Any, first_due: Any,
                      release_min: float, rect: Any, cum: Any, kind_p: Any, kind_pen: Any,
                      pool_of: Any, c_pen: float, c_nopen: float, village: Any, f_edges: Any,
                      f_cum: Any, rdf: float, sf: Any, cycles: int) -> Any:  # fmt: skip
    n = len(rate)
    latent = np.zeros(n, dtype=np.int64)
    ordered = np.zeros(n, dtype=np.int64)
    penalised = np.zeros(n, dtype=np.bool_)
    next_re_out = np.full(n, np.inf)
    width = cum.shape[1]
    self_fixing = len(sf) > 0
    for i in range(n):
        if not staffed[i]:
            continue
        lat = 0
        ordr = 0
        pen_state = False
        next_re = np.inf
        next_rt = first_due[i] - release_min - cycles * interval[i]
        now = next_rt
        events = 0
        q = pool_of[i]
        while True:  # (the numpy version steps every staffed site at least once)
            t_next = next_rt if next_rt < next_re else next_re
            until = t_next if t_next < 0.0 else 0.0
            t0 = now
            span = until - t0
            if village[i] > 0:
                span -= village[i] * (flood_minutes(until, f_edges, f_cum)
                                      - flood_minutes(t0, f_edges, f_cum))  # fmt: skip
            span = span if span > 0.0 else 0.0
            if self_fixing:
                mu = sf[i]
                dt = until - t0
                stay = math.exp(-mu * dt)
                lat = binomial_v(lat, stay, site_uniform(key, i, 5 * events + 4))
                frac = (1.0 - stay) / (mu * (dt if dt > 1e-300 else 1e-300)) if mu > 0 else 1.0
                span = span * (frac if dt > 0 else 1.0)
            lat += poisson(rate[i] * span, site_uniform(key, i, 5 * events))
            now = until
            if not t_next < 0.0:
                break
            u_kind = site_uniform(key, i, 5 * events + 1)
            u_find = site_uniform(key, i, 5 * events + 2)
            u_fix = site_uniform(key, i, 5 * events + 3)
            t = t_next
            events += 1
            k = 0
            for j in range(width):
                if u_kind >= cum[q, j]:
                    k += 1
            p = kind_p[q, k]
            pen = kind_pen[q, k]
            re = next_re <= next_rt
            if re:
                c = c_pen if pen_state else c_nopen
                ordr -= binomial_v(ordr, c, u_fix)
                if ordr > 0:
                    next_re = t + rect[i]
                    pen_state = pen_state or pen
                else:
                    next_re = np.inf
                    pen_state = False
                p = p * rdf
            else:
                next_rt += interval[i]
            found = binomial_v(lat, p, u_find)
            lat -= found
            ordr += found
            if found > 0:
                pen_state = pen_state or pen
                if not np.isfinite(next_re):
                    next_re = t + rect[i]
        latent[i] = lat
        ordered[i] = ordr
        penalised[i] = pen_state
        next_re_out[i] = next_re
    return latent, ordered, penalised, next_re_out

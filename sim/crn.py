"""Random numbers attached to the entity they belong to (common random numbers by entity).

Two plans compared with the same seed should differ only where their work differs. A stream
shared by the whole city breaks that: when one district's inspectors make one more visit, every
later draw from the shared stream moves to another site, and accidents change in districts the
plan never touched. So the draws that decide an entity's fate are keyed by the entity:

* :func:`site_uniform` — the ``counter``-th uniform of site ``entity`` for a purpose (``key``),
  a counter-based hash (SplitMix64's finaliser over seed, purpose, site and counter), so it
  needs no state beyond the site's own counter and costs one short integer computation;
* :func:`entity_rng` — a numpy generator of its own for rare, richer draws (an accident's deaths,
  a post's attrition and hiring times), seeded by ``SeedSequence((seed, replication, purpose,
  entity…))``.

SplitMix64 (Steele, Lea & Flood 2014) is the seeding generator of Java's ``SplittableRandom``
and of xoshiro; its finaliser is a bijection on 64-bit integers with full avalanche, so nearby
(site, counter) pairs give unrelated uniforms.
"""

from __future__ import annotations

from array import array

import numpy as np

from .streams import stream_id

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_SITE = 0xD1B54A32D192ED03
_TWO_53 = 1.0 / (1 << 53)


def purpose_key(seed: int, replication: int, purpose: str) -> int:
    """A 64-bit key for one purpose (``"detection"``, ``"compliance"`` …) of one replication."""
    state = np.random.SeedSequence((seed, replication, stream_id(purpose))).generate_state(
        2, np.uint64
    )
    return (int(state[0]) ^ (int(state[1]) << 1)) & _MASK


def site_uniform(key: int, entity: int, counter: int) -> float:
    """The ``counter``-th uniform in [0, 1) of ``entity`` under ``key`` (a pure function)."""
    z = (key + entity * _SITE + (counter + 1) * _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z ^= z >> 31
    return (z >> 11) * _TWO_53


def site_uniform_at(key: int, entities: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """:func:`site_uniform` elementwise: ``entities[j]``'s ``counters[j]``-th uniform."""
    e = np.asarray(entities, dtype=np.uint64)
    c = np.asarray(counters, dtype=np.uint64) + np.uint64(1)
    with np.errstate(over="ignore"):
        z = np.uint64(key) + e * np.uint64(_SITE) + c * np.uint64(_GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    out: np.ndarray = (z >> np.uint64(11)).astype(np.float64) * _TWO_53
    return out


def poisson_from_uniform(mean: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The ``u``-quantiles of Poisson(``mean``), elementwise (inverse CDF, vectorised)."""
    mean = np.asarray(mean, dtype=float)
    u = np.asarray(u, dtype=float)
    out = np.zeros(len(u), dtype=np.int64)
    term = np.exp(-mean)
    cdf = term.copy()
    todo = np.flatnonzero(u >= cdf)
    k = 0
    while len(todo):
        k += 1
        term[todo] *= mean[todo] / k
        cdf[todo] += term[todo]
        out[todo] = k
        todo = todo[(u[todo] >= cdf[todo]) & (term[todo] > 0)]
    return out


def binomial_from_uniforms(n: np.ndarray, p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The ``u``-quantiles of Binomial(``n``, ``p``), elementwise (inverse CDF, vectorised)."""
    n = np.asarray(n, dtype=np.int64)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    u = np.asarray(u, dtype=float)
    out = np.where(p >= 1.0, n, 0).astype(np.int64)
    q = 1.0 - p
    live = (n > 0) & (p > 0) & (p < 1)
    term = np.where(live, np.power(np.where(live, q, 1.0), n), 0.0)
    cdf = term.copy()
    ratio = np.where(live, p / np.where(q > 0, q, 1.0), 0.0)
    # q**n underflows only for hundreds of chances: the normal approximation is exact enough
    big = live & (term == 0.0)
    if big.any():
        from scipy.special import ndtri

        mu, sd = n[big] * p[big], np.sqrt(n[big] * p[big] * q[big])
        out[big] = np.clip(np.rint(mu + sd * ndtri(u[big])), 0, n[big]).astype(np.int64)
    todo = np.flatnonzero(live & ~big & (u >= cdf))
    k = 0
    while len(todo):
        term[todo] *= (n[todo] - k) / (k + 1) * ratio[todo]
        k += 1
        cdf[todo] += term[todo]
        out[todo] = k
        todo = todo[(u[todo] >= cdf[todo]) & (k < n[todo])]
    return out


class SiteDraws:
    """:func:`site_uniform` of one purpose for every site, pre-drawn in blocks.

    A visit asks for its site's next uniform; a scalar hash costs about a microsecond in
    CPython, an array read a tenth of that. So at each hazard year the next ``block`` uniforms of
    every site (from its current counter) are drawn at once with numpy; a site that needs more
    in the year falls back to the scalar hash — the same numbers either way.
    """

    def __init__(self, key: int, n: int, block: int = 6) -> None:
        self.key = key
        self.n = n
        self.block = block
        self.base = array("q", bytes(8 * n))
        self.pre = array("d", bytes(8 * n * block))

    def refill(self, counters: array) -> None:
        """Pre-draw counters ``counters[i] … counters[i] + block − 1`` of every site ``i``."""
        base = np.frombuffer(counters, dtype=np.int64).copy()
        sites = np.repeat(np.arange(self.n, dtype=np.uint64), self.block)
        offs = np.tile(np.arange(self.block, dtype=np.int64), self.n)
        u = site_uniform_at(self.key, sites, np.repeat(base, self.block) + offs)
        self.base = array("q", base.tobytes())
        self.pre = array("d", u.tobytes())

    def __call__(self, i: int, counter: int) -> float:
        """Site ``i``'s ``counter``-th uniform."""
        j = counter - self.base[i]
        if 0 <= j < self.block:
            return self.pre[i * self.block + j]
        return site_uniform(self.key, i, counter)


def entity_rng(seed: int, replication: int, purpose: str, *entity: int) -> np.random.Generator:
    """A generator of its own for ``entity`` (one or more integers) and ``purpose``."""
    seq = np.random.SeedSequence((seed, replication, stream_id(purpose), *entity))
    return np.random.Generator(np.random.PCG64(seq))


def binomial_from_uniform(n: int, p: float, u: float) -> int:
    """The ``u``-quantile of Binomial(``n``, ``p``) (inverse CDF by summing the terms): how
    many of ``n`` independent chances of ``p`` succeed, from one uniform."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    term = q**n
    if term == 0.0:  # n large and p not small: underflow; fall back to the normal tail-free sum
        rng = np.random.Generator(np.random.PCG64(int(u * (1 << 62))))
        return int(rng.binomial(n, p))
    cdf = term
    k = 0
    ratio = p / q
    while u >= cdf and k < n:
        term *= (n - k) / (k + 1) * ratio
        k += 1
        cdf += term
    return k

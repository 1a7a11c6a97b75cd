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

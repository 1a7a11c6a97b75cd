"""Named random streams for one replication.

Every stream derives from ``numpy.random.SeedSequence((seed, replication, name_id))`` where
``name_id`` is a stable hash of the stream's name. Two runs with the same seed and replication
draw identical numbers from each named stream, whatever else changed in the model: that is
what makes common random numbers work when two plans are compared.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable

import numpy as np


def stream_id(name: str) -> int:
    """A stable 32-bit id for a stream name (CRC-32: the same on every platform and run)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """A factory of independent, named :class:`numpy.random.Generator` streams."""

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError(f"seed and replication must be >= 0, got {seed}, {replication}")
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        """The generator for ``name`` (created once, then the same object)."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence((self.seed, self.replication, stream_id(name)))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen


class Buffer:
    """Blocks of pre-drawn numbers from one stream (scalar draws from numpy are slow).

    ``next()`` returns the next number; it is the ``__next__`` of an endless chain of
    4,096-number blocks, so a draw costs one C call.
    """

    __slots__ = ("next",)

    def __init__(self, draw: Callable[[int], np.ndarray], block: int = 4096) -> None:
        blocks = (draw(block).tolist() for _ in itertools.count())
        self.next: Callable[[], float] = itertools.chain.from_iterable(blocks).__next__

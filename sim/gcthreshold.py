"""Fewer cyclic garbage collections while an event loop runs.

A year of the inspection model allocates a few million short-lived tuples (job entries, pool
events) that reference counting frees at once; they form no cycles. CPython still starts a
young-generation collection every 700 net allocations, and over a run these cost about a tenth
of the time. Raising that threshold while the loop runs (and restoring it afterwards) removes
most of them; cycles created meanwhile are still collected, only later. The objects alive when
the run starts (the scenario, the imported libraries) are frozen for its length
(:func:`gc.freeze`), so the older generations' collections do not walk them again and again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000


@contextmanager
def fewer_collections(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the body with the youngest generation's threshold raised to at least ``young``."""
    old = gc.get_threshold()
    gc.set_threshold(max(young, old[0]), *old[1:])
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)

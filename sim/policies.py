"""Dispatch policies: which free unit goes to an incident. Pluggable: any object with a
``rank`` method of this signature can be passed to the response model.

Each policy orders the free candidate units, best first; the model then asks them in turn
(a contracted or rented vehicle may decline: its ``availability``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class Fleet(Protocol):
    """What a policy may look at (provided by the response model)."""

    unit_district: np.ndarray  # district index of each unit's depot
    eta_min: np.ndarray  # units × demand points: expected mobilisation + travel, minutes


class DispatchPolicy(Protocol):
    def rank(self, fleet: Fleet, point: int, district: int, candidates: list[int]) -> list[int]:
        """Candidates (unit indices) in the order they should be asked."""
        ...


def _eta_of(fleet: Fleet, point: int) -> Callable[[int], float]:
    """Expected arrival at ``point`` by unit: the model's per-point lists when it has them (the
    fast path), else the ``eta_min`` matrix."""
    rows = getattr(fleet, "eta_rows", None)
    if rows is not None:
        return rows[point].__getitem__
    return lambda u: float(fleet.eta_min[u, point])


@dataclass(frozen=True)
class NearestAvailable:
    """The unit with the earliest expected arrival (mobilisation + travel)."""

    def rank(self, fleet: Fleet, point: int, district: int, candidates: list[int]) -> list[int]:
        return sorted(candidates, key=_eta_of(fleet, point))


@dataclass(frozen=True)
class DistrictFirst:
    """The incident's own district first; mutual aid (the nearest of all) only when a unit of
    another district is expected more than ``mutual_aid_threshold_min`` sooner than the own
    district's best free unit, or the district has none free.

    The threshold compares expected arrivals with each other, not with a clock: a rented
    vehicle's 90-minute mobilisation is no reason to call a district whose rented vehicles
    need as long, but a dedicated vehicle next door that would arrive an hour sooner is."""

    mutual_aid_threshold_min: float = 30.0

    def rank(self, fleet: Fleet, point: int, district: int, candidates: list[int]) -> list[int]:
        eta = _eta_of(fleet, point)
        ordered = sorted(candidates, key=eta)
        where = fleet.unit_district
        own = [u for u in ordered if where[u] == district]
        if own and eta(own[0]) <= eta(ordered[0]) + self.mutual_aid_threshold_min:
            return own + [u for u in ordered if where[u] != district]
        return ordered


@dataclass(frozen=True)
class FixedPreference:
    """A fixed preference list of units per demand point (as in the hypercube model)."""

    lists: Mapping[int, Sequence[int]] = field(default_factory=dict)

    def rank(self, fleet: Fleet, point: int, district: int, candidates: list[int]) -> list[int]:
        order = {u: k for k, u in enumerate(self.lists[point])}
        return sorted((u for u in candidates if u in order), key=order.__getitem__)


#: A policy by name, built from the run's mutual-aid threshold (minutes). ``ResponseConfig``
#: checks a name against this registry and the response model builds the policy from it, so a
#: policy registered here can be named in a config, a sweep or on the command line.
POLICIES: dict[str, Callable[[float], DispatchPolicy]] = {
    "nearest": lambda _mutual_aid_threshold_min: NearestAvailable(),
    "district_first": DistrictFirst,
}


def make_policy(name: str, mutual_aid_threshold_min: float) -> DispatchPolicy:
    """The registered policy ``name``.

    Raises
    ------
    ValueError
        If no policy of that name is registered.
    """
    try:
        factory = POLICIES[name]
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; choose one of {sorted(POLICIES)}") from None
    return factory(mutual_aid_threshold_min)

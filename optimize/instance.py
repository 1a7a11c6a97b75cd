"""Location instances: who needs service (demand points) and where it can come from (sites).

A :class:`LocationInstance` is a cost matrix (demand points × candidate sites, e.g. minutes),
demand weights, ids and optional per-site data (yearly cost, vehicle limit, location and kind)
and per-demand data (group, coverage standard). :class:`Rules` holds the practical constraints
planners ask for. Both are validated when built, so a model never sees NaN, a negative cost or
a weight vector of the wrong length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import InstanceError


def _ids(name: str, ids: Sequence[str] | range, n: int) -> tuple[str, ...]:
    out = tuple(str(i) for i in ids)
    if len(out) != n:
        raise InstanceError(f"{name}: {len(out)} ids for {n} rows/columns; give one id each")
    seen: set[str] = set()
    dups = [i for i in out if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
    if dups:
        raise InstanceError(f"{name}: duplicate ids {sorted(set(dups))[:5]}; ids must be unique")
    return out


def _vector(name: str, values: object, n: int, *, allow_zero_sum: bool = True) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise InstanceError(f"{name}: expected {n} values, got {a.shape[0] if a.ndim else 1}")
    bad = np.flatnonzero(~np.isfinite(a) | (a < 0))
    if bad.size:
        raise InstanceError(
            f"{name}: value {float(a[bad[0]])} at position {bad[0]} (and {bad.size - 1} more); "
            "values must be finite and ≥ 0"
        )
    if not allow_zero_sum and a.sum() <= 0:
        raise InstanceError(f"{name}: all values are zero; at least one must be positive")
    return a


@dataclass(frozen=True)
class LocationInstance:
    """Demand points × candidate sites.

    Attributes
    ----------
    cost
        ``cost[i, j]`` ≥ 0: travel time (minutes) or any cost from site ``j`` to demand ``i``.
        ``inf`` marks a pair that can never serve each other.
    weight
        Demand of each point (incidents per year, population, or 1).
    demand_ids, site_ids
        Labels, unique.
    radius
        Coverage standard per demand point (same unit as ``cost``) or ``None``; a point is
        covered by a site when ``cost ≤ radius``. Coverage models need it.
    group
        Group label per demand point (region group, district) for equity constraints.
    site_cost
        Yearly cost of opening a site / stationing a vehicle there (yuan); used by budgets.
    site_capacity
        Most vehicles a site may hold (MEXCLP); default unlimited.
    site_location, site_kind
        For vehicle instances a site is a (location, vehicle kind) pair.
    """

    cost: np.ndarray
    weight: np.ndarray
    demand_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    name: str = "instance"
    radius: np.ndarray | None = None
    group: np.ndarray | None = None
    site_cost: np.ndarray | None = None
    site_capacity: np.ndarray | None = None
    site_location: tuple[str, ...] | None = None
    site_kind: tuple[str, ...] | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def n_demand(self) -> int:
        return int(self.cost.shape[0])

    @property
    def n_sites(self) -> int:
        return int(self.cost.shape[1])

    def site_index(self, ids: Sequence[str], what: str) -> np.ndarray:
        """Column indices of site ids, with a clear error for unknown ones."""
        pos = {s: j for j, s in enumerate(self.site_ids)}
        missing = [s for s in ids if s not in pos]
        if missing:
            raise InstanceError(
                f"{what}: unknown site ids {missing[:5]}; known ids look like "
                f"{list(self.site_ids[:3])}"
            )
        return np.array([pos[s] for s in ids], dtype=np.int64)

    def coverage(self, radius: float | np.ndarray | None = None) -> np.ndarray:
        """Boolean matrix ``cost[i, j] ≤ radius_i`` (the instance's radius when not given)."""
        r = self.radius if radius is None else np.broadcast_to(radius, (self.n_demand,))
        if r is None:
            raise InstanceError("a coverage model needs a radius (standard): give radius=")
        cov: np.ndarray = self.cost <= np.asarray(r, dtype=float)[:, None] + 1e-9
        return cov

    def with_radius(self, radius: float | np.ndarray) -> LocationInstance:
        """The same instance with a coverage standard (scalar or one per demand point)."""
        r = _vector("radius", radius, self.n_demand)
        return _replace(self, radius=r)


def _replace(inst: LocationInstance, **changes: object) -> LocationInstance:
    from dataclasses import replace

    return replace(inst, **changes)  # type: ignore[arg-type]


def make_instance(
    cost: object,
    weight: object | None = None,
    *,
    demand_ids: Sequence[str] | None = None,
    site_ids: Sequence[str] | None = None,
    name: str = "instance",
    radius: float | Sequence[float] | np.ndarray | None = None,
    group: Sequence[str] | np.ndarray | None = None,
    site_cost: object | None = None,
    site_capacity: object | None = None,
    site_location: Sequence[str] | None = None,
    site_kind: Sequence[str] | None = None,
) -> LocationInstance:
    """Validate inputs and build a :class:`LocationInstance`.

    Raises
    ------
    InstanceError
        For a ragged or empty matrix, NaN or negative costs, weights of the wrong length or
        negative, duplicate ids.
    """
    try:
        c = np.array(cost, dtype=float)
    except (ValueError, TypeError) as err:
        raise InstanceError(f"cost matrix is ragged or not numeric: {err}") from err
    if c.ndim != 2 or c.shape[0] == 0 or c.shape[1] == 0:
        raise InstanceError(f"cost matrix must be 2-D and non-empty, got shape {c.shape}")
    n, m = c.shape
    bad = np.argwhere(np.isnan(c) | (c < 0))
    if bad.size:
        i, j = bad[0]
        raise InstanceError(
            f"cost[{i}, {j}] = {float(c[i, j])} ({len(bad)} bad entries); costs must be ≥ 0 "
            "(use inf for a pair that can never serve)"
        )
    w = _vector("weight", 1.0 if weight is None else weight, n, allow_zero_sum=False)
    d_ids = _ids("demand ids", demand_ids if demand_ids is not None else range(n), n)
    s_ids = _ids("site ids", site_ids if site_ids is not None else range(m), m)
    r = None if radius is None else _vector("radius", radius, n)
    g = None
    if group is not None:
        g = np.asarray([str(x) for x in group])
        if g.shape != (n,):
            raise InstanceError(f"group: expected {n} labels, got {g.shape[0]}")
    sc = None if site_cost is None else _vector("site_cost", site_cost, m)
    cap = None if site_capacity is None else _vector("site_capacity", site_capacity, m)
    for label, seq in (("site_location", site_location), ("site_kind", site_kind)):
        if seq is not None and len(seq) != m:
            raise InstanceError(f"{label}: expected {m} entries, got {len(seq)}")
    return LocationInstance(
        cost=c,
        weight=w,
        demand_ids=d_ids,
        site_ids=s_ids,
        name=name,
        radius=r,
        group=g,
        site_cost=sc,
        site_capacity=cap,
        site_location=tuple(site_location) if site_location is not None else None,
        site_kind=tuple(site_kind) if site_kind is not None else None,
    )


@dataclass(frozen=True)
class Rules:
    """Practical constraints on a plan (all optional).

    Attributes
    ----------
    fixed_open
        Sites that must stay open (existing facilities).
    closed
        Sites that must not be used.
    current, max_relocations
        Today's open sites and the most sites of the new plan that may lie outside them.
    budget_yuan
        Upper limit on the sum of ``site_cost`` over open sites (one per vehicle in MEXCLP).
    min_coverage
        Group → least share (0–1) of that group's demand weight covered within the radius
        (equity). Needs the instance's ``group`` and ``radius``.
    max_per_site
        Most vehicles at one site (MEXCLP), on top of ``site_capacity``.
    within
        Mandatory closeness (Church & ReVelle's T): every demand point must have an open site
        at cost ≤ ``within``, whatever the objective.
    """

    fixed_open: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()
    current: tuple[str, ...] = ()
    max_relocations: int | None = None
    budget_yuan: float | None = None
    min_coverage: Mapping[str, float] = field(default_factory=dict)
    max_per_site: int | None = None
    within: float | None = None

    def check_against(self, inst: LocationInstance) -> None:
        """Raise :class:`InstanceError` for ids, groups or values that do not fit ``inst``."""
        fo = set(inst.site_index(self.fixed_open, "fixed_open"))
        cl = set(inst.site_index(self.closed, "closed"))
        both = sorted(inst.site_ids[j] for j in fo & cl)
        if both:
            raise InstanceError(f"sites {both[:5]} are both fixed open and closed; pick one")
        inst.site_index(self.current, "current")
        if self.max_relocations is not None and self.max_relocations < 0:
            raise InstanceError(f"max_relocations must be ≥ 0, got {self.max_relocations}")
        if self.budget_yuan is not None:
            if not np.isfinite(self.budget_yuan) or self.budget_yuan < 0:
                raise InstanceError(f"budget must be finite and ≥ 0, got {self.budget_yuan}")
            if inst.site_cost is None:
                raise InstanceError("a budget needs site costs (site_cost) in the instance")
        if self.min_coverage:
            if inst.group is None or inst.radius is None:
                raise InstanceError("min_coverage needs the instance's group and radius")
            known = set(inst.group.tolist())
            for gname, share in self.min_coverage.items():
                if gname not in known:
                    raise InstanceError(
                        f"min_coverage: unknown group {gname!r}; groups are {sorted(known)}"
                    )
                if not 0.0 <= share <= 1.0:
                    raise InstanceError(
                        f"min_coverage[{gname!r}] = {share}; give a share between 0 and 1"
                    )
        if self.within is not None and not (np.isfinite(self.within) and self.within >= 0):
            raise InstanceError(f"within must be a finite cost ≥ 0, got {self.within}")
        if self.max_per_site is not None and self.max_per_site < 1:
            raise InstanceError(f"max_per_site must be ≥ 1, got {self.max_per_site}")

"""Inspection frequencies: choosing the interval of every inspection class (site category × risk
tier) and, optionally, the staff that make the visits (issue 16, item 2).

Each class ``c`` may be inspected every ``T_cj`` days for a few options ``j`` (within the bounds
its scenario declares); at option ``j`` its expected deaths a year are ``D_cj`` (sampled from the
inspection model) and its routine visits take ``W_cjp`` hours a year of job pool ``p``'s time.
Pool ``p`` has ``K_p`` hours a year for routine work at today's staff; optional staff units
``u`` (a kind in a district) add ``h_u`` hours a head to their pool at ``c_u`` yuan a head. The
mixed-integer program::

    min  Σ_c Σ_j D_cj · z_cj  (+ ε Σ_u c_u x_u: ties go to the cheaper staff)  (F0)
    s.t. Σ_j z_cj = 1                          every class c               (F1)
         Σ_c Σ_j W_cjp · z_cj − Σ_{u ∈ p} h_u · (x_u − x⁰_u) ≤ K_p
                                               every pool p                (F2)
         Σ_u c_u · x_u ≤ B                     the staff budget            (F3)
         lo_u ≤ x_u ≤ hi_u, x_u integer        staff bounds, change limit  (F4)
         z_cj ∈ {0, 1}

Without staff units (F3)–(F4) vanish and the pools keep today's hours. Solved with MathOpt
(HiGHS) through :class:`anjian.optimize.mip.Mip`. References: :func:`brute_force_frequencies`
(every combination, small cases) and :func:`square_root_intervals`, the closed form for deaths
linear in the interval and one pool (docs/model-inspectors.md, "the square-root law").
:func:`check_frequencies` checks every plan against (F1)–(F4).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import InstanceError
from .mip import Mip

TOL = 1e-7


@dataclass(frozen=True)
class FrequencyClass:
    """One inspection class: its interval options (days), expected deaths a year at each, and
    the routine hours a year each option takes in every pool the class's sites are in."""

    name: str
    intervals: np.ndarray
    deaths: np.ndarray
    work: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        t = np.asarray(self.intervals, dtype=float)
        d = np.asarray(self.deaths, dtype=float)
        if t.ndim != 1 or t.shape != d.shape or len(t) < 1:
            raise InstanceError(f"class {self.name!r}: intervals and deaths must be matching "
                                "1-D arrays with at least one option")  # fmt: skip
        if not (np.isfinite(t).all() and np.isfinite(d).all()) or (t <= 0).any():
            raise InstanceError(f"class {self.name!r}: intervals must be positive and finite, "
                                "deaths finite")  # fmt: skip
        work = {p: np.asarray(w, dtype=float) for p, w in self.work.items()}
        for p, w in work.items():
            if w.shape != t.shape or (w < 0).any() or not np.isfinite(w).all():
                raise InstanceError(f"class {self.name!r}: the work in pool {p!r} must be "
                                    "non-negative hours, one per option")  # fmt: skip
        object.__setattr__(self, "intervals", t)
        object.__setattr__(self, "deaths", d)
        object.__setattr__(self, "work", work)


@dataclass(frozen=True)
class StaffUnit:
    """Staff of one kind in one district whose headcount may change: the pool they add
    ``hours_per_head`` to, the cost per head, bounds and today's headcount."""

    name: str
    pool: str
    hours_per_head: float
    cost: float
    lo: int
    hi: int
    today: int


@dataclass(frozen=True)
class FrequencyProblem:
    """(F0)–(F4); see the module docstring."""

    classes: tuple[FrequencyClass, ...]
    capacity: Mapping[str, float]
    staff: tuple[StaffUnit, ...] = ()
    budget: float | None = None
    #: deaths a yuan of staff cost counts as in (F0): ties in deaths go to the cheaper staff
    cost_weight: float = 1e-10

    def __post_init__(self) -> None:
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise InstanceError("class names must be unique")
        pools = {p for c in self.classes for p in c.work} | {u.pool for u in self.staff}
        missing = sorted(pools - set(self.capacity))
        if missing:
            raise InstanceError(f"pools without a capacity: {missing}")
        for u in self.staff:
            if not u.lo <= u.hi:
                raise InstanceError(f"staff unit {u.name!r}: lo {u.lo} > hi {u.hi}")

    def deaths(self, choice: Sequence[int] | np.ndarray) -> float:
        """(F0) at one option per class."""
        return float(sum(c.deaths[j] for c, j in zip(self.classes, choice, strict=True)))

    def load(self, choice: Sequence[int] | np.ndarray) -> dict[str, float]:
        """Routine hours a year of each pool at the chosen options."""
        out = dict.fromkeys(self.capacity, 0.0)
        for c, j in zip(self.classes, choice, strict=True):
            for p, w in c.work.items():
                out[p] += float(w[j])
        return out


@dataclass(frozen=True)
class FrequencyPlan:
    """The option chosen per class, the staff (empty without staff units), expected deaths
    (F0), the solver's status and time."""

    choice: np.ndarray
    staff: np.ndarray
    deaths: float
    status: str
    seconds: float
    load: dict[str, float] = field(default_factory=dict)


def solve_frequencies(p: FrequencyProblem, *, time_limit_s: float = 30.0) -> FrequencyPlan:
    """Solve (F0)–(F4) (see the module docstring).

    Raises
    ------
    InstanceError
        When no option per class fits the pools' hours (the message says so).
    """
    if p.staff and p.budget is not None:
        least = float(sum(u.cost * u.lo for u in p.staff))
        if least > p.budget * (1 + 1e-12):
            raise InstanceError(
                f"(F3) the staff budget {p.budget:,.0f} yuan a year is below the least the change "
                f"limit allows ({least:,.0f} yuan: every unit at its lowest headcount); raise the "
                "budget or the change limit"
            )
    mip = Mip(maximize=False)
    z = [mip.add_vars(len(c.intervals), lb=0.0, ub=1.0, integer=True, obj=c.deaths)
         for c in p.classes]  # fmt: skip
    for zc in z:  # (F1)
        mip.add_row(zc, 1.0, lb=1.0, ub=1.0)
    x = np.zeros(0, dtype=np.int64)
    if p.staff:
        x = mip.add_vars(
            len(p.staff),
            lb=np.array([u.lo for u in p.staff], dtype=float),
            ub=np.array([u.hi for u in p.staff], dtype=float),
            integer=True,
            obj=p.cost_weight * np.array([u.cost for u in p.staff]),
        )  # (F4)
    for pool, cap in p.capacity.items():  # (F2)
        cols: list[np.ndarray] = []
        coefs: list[np.ndarray] = []
        for c, zc in zip(p.classes, z, strict=True):
            if pool in c.work:
                cols.append(zc)
                coefs.append(c.work[pool])
        rhs = float(cap)
        for u, xu in zip(p.staff, x, strict=False):
            if u.pool == pool:
                cols.append(np.array([xu]))
                coefs.append(np.array([-u.hours_per_head]))
                rhs -= u.hours_per_head * u.today
        if cols:
            mip.add_row(np.concatenate(cols), np.concatenate(coefs), ub=rhs)
    if p.staff and p.budget is not None:  # (F3)
        mip.add_row(x, np.array([u.cost for u in p.staff]), ub=float(p.budget))
    res = mip.solve(time_limit_s=time_limit_s, relative_gap=1e-7)
    if res.status == "infeasible":
        raise InstanceError(
            "no choice of intervals fits the pools' hours (even the longest intervals take "
            "more routine time than a pool has); lengthen the longest interval allowed or add "
            "staff"
        )
    if not res.has_solution:
        raise InstanceError(f"the frequency plan did not solve ({res.status}: {res.detail})")
    choice = np.array([int(np.argmax(res.x[zc])) for zc in z])
    staff = np.round(res.x[x]).astype(int) if p.staff else np.zeros(0, dtype=int)
    return FrequencyPlan(choice, staff, p.deaths(choice), res.status, res.seconds,
                         p.load(choice))  # fmt: skip


def check_frequencies(
    p: FrequencyProblem,
    choice: Sequence[int] | np.ndarray,
    staff: Sequence[int] | np.ndarray = (),
) -> list[str]:
    """Every constraint (F1)–(F4) the plan breaks, in words (empty for a valid plan)."""
    out: list[str] = []
    choice = [int(j) for j in choice]
    if len(choice) != len(p.classes):
        return [f"(F1) one option per class: got {len(choice)} for {len(p.classes)} classes"]
    for c, j in zip(p.classes, choice, strict=True):
        if not 0 <= j < len(c.intervals):
            out.append(f"(F1) class {c.name!r}: option {j} does not exist")
    if out:
        return out
    x = np.asarray(list(staff) if p.staff else [], dtype=float)
    if p.staff and len(x) != len(p.staff):
        return [f"(F4) one headcount per staff unit: got {len(x)} for {len(p.staff)}"]
    extra = dict.fromkeys(p.capacity, 0.0)
    for u, xu in zip(p.staff, x, strict=False):
        if xu < u.lo - TOL or xu > u.hi + TOL or abs(xu - round(xu)) > TOL:
            out.append(f"(F4) staff unit {u.name!r}: {xu:g} outside [{u.lo}, {u.hi}] or not whole")
        extra[u.pool] += u.hours_per_head * (xu - u.today)
    for pool, used in p.load(choice).items():
        cap = p.capacity[pool] + extra[pool]
        if used > cap + TOL * max(1.0, abs(cap)):
            out.append(f"(F2) pool {pool!r}: {used:,.1f} routine hours a year > {cap:,.1f}")
    if p.staff and p.budget is not None:
        spend = float(sum(u.cost * xu for u, xu in zip(p.staff, x, strict=True)))
        if spend > p.budget + TOL * max(1.0, p.budget):
            out.append(f"(F3) staff cost {spend:,.0f} yuan > budget {p.budget:,.0f}")
    return out


def brute_force_frequencies(p: FrequencyProblem) -> tuple[np.ndarray, float]:
    """Every combination of options (no staff units): the feasible one with the fewest
    expected deaths — the exact reference for small cases."""
    if p.staff:
        raise InstanceError("brute force covers problems without staff units")
    best: tuple[np.ndarray, float] | None = None
    for combo in itertools.product(*(range(len(c.intervals)) for c in p.classes)):
        if check_frequencies(p, combo):
            continue
        d = p.deaths(combo)
        if best is None or d < best[1] - 1e-12:
            best = (np.array(combo), d)
    if best is None:
        raise InstanceError("no combination fits the pools' hours")
    return best


def square_root_intervals(
    weight: Sequence[float], visit_hours: Sequence[float], hours: float
) -> np.ndarray:
    """The closed form for one pool when a class's deaths are linear in its interval,
    ``D_c(T) = α_c + w_c·T``, and its work ``W_c(T) = v_c / T`` (v_c: hours of a visit to all
    its sites × days a year): minimising Σ w_c T_c subject to Σ v_c / T_c = H gives
    ``T_c = sqrt(v_c / w_c) · Σ_k sqrt(v_k w_k) / H`` (Lagrange; docs/model-inspectors.md)."""
    w = np.asarray(weight, dtype=float)
    v = np.asarray(visit_hours, dtype=float)
    if (w <= 0).any() or (v <= 0).any() or hours <= 0:
        raise InstanceError("weights, visit hours and the hours available must be positive")
    return np.sqrt(v / w) * float(np.sqrt(v * w).sum()) / hours

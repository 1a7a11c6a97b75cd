"""Where a budget step's money goes (issue 18): by fixed rules, or placed by the resources'
own optimizers (``anjian run --place optimizers``, docs/budget.md).

A step of the main job's search buys or cuts about ``yuan`` a year of one resource. Two
placements:

* ``rules`` (:func:`anjian.levers.spend_overrides`): heads in proportion to today's pools,
  vehicles at the depots in proportion to today's vehicles of the role, every stock scaled.
* ``optimizers`` (:class:`OptimizerPlacement`):

  - **inspectors** by the headcount optimizer's district curves
    (:func:`anjian.inspector_curves.staff_curves`, the same samples ``anjian optimize
    inspectors`` fits and caches): each head goes to the district × kind whose fitted curve
    gains most deaths averted per yuan at its current headcount (a cut takes the head that
    loses least per yuan saved), within the curves' sampled range. For separable concave
    curves this greedy is the allocation MIP's optimum for the heads it buys.
  - **vehicles** at the depots by expected response time (the vehicle optimizer's instance,
    :func:`anjian.optimize.vehicles.vehicle_instance`, at the existing depots): every vehicle
    of the role is busy independently with the busy fraction the simulator measured at the
    current allocation (Daskin's MEXCLP assumption, re-estimated each round), a demand point
    is served by its nearest free vehicle, or by the role's rented backup when all are busy;
    each vehicle bought goes where it lowers the incident-weighted expected response time most
    (a cut: where removing it raises it least).
  - **relief stocks** by the rule (the stock optimizer re-plans the whole network from its
    disaster episodes, not a step; ``anjian optimize stocks`` places stocks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from anjian.levers import spend_overrides
from anjian.scenarios.scenario import Scenario

if TYPE_CHECKING:
    from anjian.optimize.allocation import Curve

#: the current allocation's appraisal (:class:`anjian.budget.Appraisal`, which imports this
#: module: typed loosely here to keep the imports one way)
Appraisal = Any

PLACEMENTS = {
    "rules": ("按固定规则（按现有比例）", "by fixed rules (in proportion to today's)"),
    "optimizers": ("由各资源优化模型布置", "placed by each resource's optimizer"),
}

#: A placement: (the current allocation, resource, yuan a year (negative: a cut), the current
#: allocation's appraisal) → (overrides, what was bought or cut).
Place = Callable[[Scenario, str, float, Any], tuple[dict[str, Any], str]]


def by_rules(
    cur: Scenario, resource: str, yuan: float, base: Appraisal | None = None
) -> tuple[dict[str, Any], str]:
    """The fixed rules (:func:`anjian.levers.spend_overrides`); ``base`` is not used."""
    return spend_overrides(cur, resource, yuan)


# -- inspectors: greedy on the headcount optimizer's concave curves ---------------------------
def _right(curve: Curve, h: float) -> float:
    """Deaths averted by one more head at ``h`` (the segment starting at or left of ``h``);
    0 at or beyond the last sample (the curve says nothing there)."""
    x = curve.x
    if len(x) < 2 or h >= x[-1]:
        return 0.0
    i = int(np.searchsorted(x, h, side="right")) - 1
    return float(curve.slopes[max(i, 0)])


def _left(curve: Curve, h: float) -> float:
    """Deaths a head fewer at ``h`` lets happen (the segment ending at or right of ``h``)."""
    x = curve.x
    if len(x) < 2:
        return 0.0
    i = int(np.searchsorted(x, h, side="left")) - 1
    return float(curve.slopes[min(max(i, 0), len(x) - 2)])


def greedy_heads(
    heads: dict[tuple[str, str], int],
    curves: dict[tuple[str, str], Curve],
    cost: dict[tuple[str, str], float],
    yuan: float,
) -> dict[tuple[str, str], int]:
    """Heads to add (``yuan`` > 0) or remove (< 0) per unit, one at a time, the best value per
    yuan first: a purchase takes the unit whose curve gains most per yuan at its headcount
    while the money lasts (to the nearest whole head) and the gain is positive, never beyond
    the curve's last sample; a cut takes the unit that loses least per yuan saved, never below
    its first sample. Returns the change per unit (units not changed are left out)."""
    units = [u for u in curves if cost.get(u, 0.0) > 0 and u in heads]
    h = {u: int(heads[u]) for u in units}
    spent, change = 0.0, dict.fromkeys(units, 0)
    amount = abs(yuan)
    while True:
        if yuan >= 0:
            best = max(units, key=lambda u: (_right(curves[u], h[u]) / cost[u], u), default=None)
            if best is None or _right(curves[best], h[best]) <= 0:
                break
            step = 1
        else:
            live = [u for u in units if h[u] > curves[u].x[0]]
            best = min(live, key=lambda u: (_left(curves[u], h[u]) / cost[u], u), default=None)
            if best is None:
                break
            step = -1
        if spent + cost[best] > amount + 0.5 * cost[best]:
            break
        spent += cost[best]
        h[best] += step
        change[best] += step
    return {u: n for u, n in change.items() if n}


# -- vehicles: greedy on expected response time with busy vehicles ----------------------------
def expected_minutes(
    t: np.ndarray,
    counts: np.ndarray,
    q: float,
    backup: np.ndarray,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Each demand point's expected minutes to its nearest free vehicle: ``t`` (points × sites)
    the minutes from each site, ``counts`` the vehicles per site, each busy with probability
    ``q`` independently; with every vehicle busy, or none nearer than ``backup`` minutes, the
    point waits ``backup`` minutes (a backup nearer than a free vehicle is sent). ``order``:
    ``t``'s sites sorted by minutes per point, if already known.

    With the sites sorted by minutes, the first free vehicle is at the m-th site with
    probability q^(N before m) (1 − q^(n_m)): E = Σ_m t_m q^(N_<m) (1 − q^(n_m)) + q^N backup."""
    if order is None:
        order = np.argsort(t, axis=1, kind="stable")
    ts = np.minimum(np.take_along_axis(t, order, axis=1), backup[:, None])
    n = counts[order]
    before = np.cumsum(n, axis=1) - n
    free = q**before * (1.0 - q**n)
    return (ts * free).sum(axis=1) + q ** counts.sum() * backup


def greedy_vehicles(
    t: np.ndarray,
    weight: np.ndarray,
    counts: np.ndarray,
    movable: np.ndarray,
    q: float,
    backup: np.ndarray,
    n: int,
) -> np.ndarray:
    """Vehicles to add (``n`` > 0) or remove (< 0) per site, one at a time: each added where it
    lowers Σ weight × :func:`expected_minutes` most (each removed, of the ``movable`` ones,
    where it raises it least; ties to the first site). Returns the change per site."""
    order = np.argsort(t, axis=1, kind="stable")
    ts = np.minimum(np.take_along_axis(t, order, axis=1), backup[:, None])
    c = counts.astype(float).copy()
    mov = movable.astype(float).copy()
    change = np.zeros(len(c), dtype=int)
    sign = 1 if n > 0 else -1

    def total(c: np.ndarray) -> float:
        m = c[order]
        before = np.cumsum(m, axis=1) - m
        e = (ts * (q**before * (1.0 - q**m))).sum(axis=1) + q ** c.sum() * backup
        return float(weight @ e)

    for _ in range(abs(n)):
        now = total(c)
        best, best_v = -1, np.inf
        for j in range(len(c)):
            if sign < 0 and mov[j] <= 0:
                continue
            c[j] += sign
            v = total(c)
            c[j] -= sign
            if v < best_v - 1e-9 * max(1.0, abs(best_v) if np.isfinite(best_v) else 1.0):
                best, best_v = j, v
        if best < 0 or (sign > 0 and best_v >= now - 1e-9 * max(1.0, abs(now))):
            break  # nothing to cut, or no place where one more vehicle helps
        c[best] += sign
        change[best] += sign
        if sign < 0:
            mov[best] -= 1
    return change


def _response_kpis(base: Appraisal | None) -> Any:
    if base is None or base.kpis is None:
        return None
    k = base.kpis
    return k[k["model"] == "response"]


def role_busy_fraction(s: Scenario, base: Appraisal | None, kind: str) -> float:
    """The busy fraction the simulator measured at ``base`` for ``kind``, else for the held
    kinds of its role together (a kind nobody holds yet), else 0."""
    from anjian.simopt import busy_fraction

    kpis = _response_kpis(base)
    if kpis is None:
        return 0.0
    q, _ = busy_fraction(kpis, (kind,))
    if not np.isfinite(q):
        role = s.vehicle_kinds[kind].role
        same = tuple(k for k, v in s.vehicle_kinds.items() if v.role == role)
        q, _ = busy_fraction(kpis, same)
    return float(min(max(q, 0.0), 0.95)) if np.isfinite(q) else 0.0


@dataclass
class OptimizerPlacement:
    """Placement by the resources' optimizers (see the module docstring). The inspector
    curves are sampled once, on the first inspector step, from ``today`` (cached by content
    like the headcount optimizer's: ``reps`` replications, factors of a ±``max_change``
    plan) on the workers of the active cluster."""

    today: Scenario
    reps: int = 2
    max_change: float = 0.2
    seed: int = 0
    progress: Callable[[str], None] | None = None
    _curves: dict[tuple[str, str], Curve] | None = field(default=None, repr=False)

    def __call__(
        self, cur: Scenario, resource: str, yuan: float, base: Appraisal | None = None
    ) -> tuple[dict[str, Any], str]:
        if resource == "inspectors":
            return self.inspectors(cur, yuan)
        if resource == "vehicles":
            return self.vehicles(cur, yuan, base)
        return spend_overrides(cur, resource, yuan)

    def curves(self) -> dict[tuple[str, str], Curve]:
        """The fitted deaths-averted curves of every district × kind with staff today."""
        if self._curves is None:
            from anjian.inspector_curves import fit_staff_curves, staff_curves
            from anjian.inspector_plans import staff_factors
            from anjian.sim.inspection import InspectionConfig

            say = self.progress or (lambda _m: None)
            say("分区人员曲线 district staff curves")
            samples = staff_curves(
                self.today,
                factors=staff_factors(self.max_change),
                districts=sorted(self.today.districts),
                reps=self.reps,
                config=InspectionConfig(years=1.0, seed=self.seed),
                progress=lambda i, n: say(f"曲线 curves {i}/{n}"),
            )
            fits = fit_staff_curves(samples, "expected_deaths_per_year")
            self._curves = {u: f.curve for u, f in fits.items()}
        return self._curves

    def inspectors(self, cur: Scenario, yuan: float) -> tuple[dict[str, Any], str]:
        curves = self.curves()
        kinds = cur.inspector_kinds
        units = {u: c for u, c in curves.items() if u[1] in kinds and u[0] in cur.staff}
        cost = {u: kinds[u[1]].head_cost_yuan_per_year for u in units}
        heads = {u: int(cur.staff[u[0]].get(u[1], 0)) for u in units}
        change = greedy_heads(heads, units, cost, yuan)
        if not change:
            if not any(cost.values()):
                raise ValueError("no paid inspector kind has staff: nothing to add heads to")
            return {}, "+0 人 heads"
        out = {f"staff.{a}.{k}": heads[(a, k)] + n for (a, k), n in change.items()}
        total = sum(change.values())
        top = sorted(change.items(), key=lambda kv: -abs(kv[1]))[:3]
        where = ", ".join(
            f"{cur.districts[a].name_zh} {cur.districts[a].name_pinyin} "
            f"{kinds[k].name_zh} {kinds[k].name_en} {n:+d}"
            for (a, k), n in top
        )
        more = f" … ({len(change)} 处 places)" if len(change) > 3 else ""
        return out, f"{total:+,} 人 heads（{where}{more}）"

    def vehicles(
        self, cur: Scenario, yuan: float, base: Appraisal | None
    ) -> tuple[dict[str, Any], str]:
        from anjian.optimize.vehicles import vehicle_instance

        # the kind and the number are the rule's (what a step buys); the places are optimised
        rule, what = spend_overrides(cur, "vehicles", yuan)
        if not rule:
            return rule, what
        kind = next(iter(rule)).split(".")[-1]
        vk = cur.vehicle_kinds[kind]
        depots = list(cur.depots)
        n = sum(int(v) - cur.depots[p.split(".")[1]].vehicles.get(kind, 0) for p, v in rule.items())
        vi = vehicle_instance(cur, role=vk.role, kinds=[kind], include_points=False)
        inst = vi.instance
        sites = [str(i).partition("@")[2] for i in inst.site_ids]
        col = {d: j for j, d in enumerate(sites)}
        travel = np.asarray(inst.cost, dtype=float) - vk.mobilisation.mean  # points × depots
        # every held vehicle of the role serves: one column block per kind held (the bought
        # kind's block first, the only one a cut may take from); rented ones are the backup
        blocks, counts = [travel + vk.mobilisation.mean], []
        counts.append(np.array([cur.depots[d].vehicles.get(kind, 0) for d in sites], float))
        backup_min: list[float] = []
        for k, other in cur.vehicle_kinds.items():
            if other.role != vk.role or k == kind:
                continue
            if other.mode == "rented":
                backup_min.append(other.mobilisation.mean)
                continue
            held = np.array([cur.depots[d].vehicles.get(k, 0) for d in sites], dtype=float)
            if held.sum() > 0:
                blocks.append(travel + other.mobilisation.mean)
                counts.append(held)
        backup = travel.min(axis=1) + (min(backup_min) if backup_min else 2.0 * travel.max())
        c = np.concatenate(counts)
        movable = np.zeros_like(c)
        movable[: len(sites)] = counts[0]
        q = role_busy_fraction(cur, base, kind)
        w = np.asarray(inst.weight, dtype=float)
        own = greedy_vehicles(np.hstack(blocks), w, c, movable, q, backup, n)[: len(sites)]
        out = {}
        for d in depots:
            if d in col and own[col[d]]:
                now = cur.depots[d].vehicles.get(kind, 0)
                out[f"depots.{d}.vehicles.{kind}"] = max(0, now + int(own[col[d]]))
        placed = int(own.sum())
        return out, f"{placed:+,} 辆 × {vk.name_zh} {vk.name_en}（忙碌率 busy {q:.0%}）"


def placement(
    name: str, today: Scenario, *, progress: Callable[[str], None] | None = None
) -> Place:
    """The placement called ``name`` (:data:`PLACEMENTS`) for a search from ``today``.

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if name == "rules":
        return by_rules
    if name == "optimizers":
        return OptimizerPlacement(today, progress=progress)
    raise ValueError(f"placement must be one of {sorted(PLACEMENTS)}, got {name!r}")

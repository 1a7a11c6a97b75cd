"""The optimizer's entry points.

:func:`optimize_vehicles` — a scenario in, a checked vehicle plan out (simulating the plan
is orchestration: :func:`anjian.plans.optimize_vehicles` adds it). :func:`locate` — a
researcher's cost matrix or an OR-Library file in, a plan out. Both raise
:class:`~anjian.optimize.errors.OptimizeError` subclasses with a message naming the input to
fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from anjian.scenarios.costs import vehicle_cost_yuan
from anjian.scenarios.errors import ScenarioError
from anjian.scenarios.loader import load_scenario
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_YEAR

from .capacitated import cflp
from .covering import lscp, mclp, mexclp
from .errors import InstanceError
from .hypercube_fixed_point import mexclp_hypercube
from .instance import LocationInstance, Rules
from .median import p_center, p_median
from .orlib import read_cap, read_cost_csv, read_pmed
from .plan import LocationPlan
from .vehicles import VehicleInstance, vehicle_instance

#: The location models that place a scenario's vehicles (the one list: CLI, app and API).
MODELS = ("mclp", "pmedian", "pcenter", "lscp", "mexclp", "mexclp_hypercube")
#: The models ``locate`` solves on a researcher's cost matrix or an OR-Library file.
LOCATE_MODELS = ("mclp", "pmedian", "pcenter", "lscp", "mexclp", "cflp")


@dataclass(frozen=True)
class VehicleSolution:
    """A vehicle plan with the instance it solved, the scenario it was solved on and the
    yearly cost of the vehicles it places (yuan): ``spend_yuan`` fixed cost plus expected
    per-use fees (:func:`plan_spend_yuan`), ``fixed_yuan`` the fixed part, which is what
    ``budget_yuan`` bounds."""

    plan: LocationPlan
    vehicles: VehicleInstance
    scenario: Scenario
    spend_yuan: float
    fixed_yuan: float = 0.0


def service_minutes(s: Scenario, vi: VehicleInstance) -> float:
    """Mean time a vehicle is busy per call: the rate-weighted mean on-scene time of the
    incident types that need the planned role, plus a round trip of one standard (half the
    standard out and back, the typical trip of a covered call)."""
    roles = {s.vehicle_kinds[k].role for k in vi.kinds}
    num = den = 0.0
    for t, it in s.incident_types.items():
        if roles & set(it.units_needed):
            rate = sum(float(r.get(t, 0.0)) for r in s.incident_rates.values())
            num += rate * it.on_scene.mean
            den += rate
    on_scene = num / den if den > 0 else 0.0
    r = vi.instance.radius
    trip = float(np.average(r, weights=vi.instance.weight)) if r is not None else 0.0
    return on_scene + trip


def _solve(
    inst: LocationInstance,
    model: str,
    p: int | None,
    rules: Rules,
    *,
    time_limit_s: float,
    busy_fraction: float | None,
    service_min: float | None = None,
) -> LocationPlan:
    if model not in (*MODELS, "cflp"):
        raise InstanceError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if not (isinstance(time_limit_s, int | float) and 0 < time_limit_s < float("inf")):
        raise InstanceError(f"time_limit_s must be a number of seconds > 0, got {time_limit_s!r}")
    if model == "lscp":
        return lscp(inst, rules, time_limit_s=time_limit_s)
    if p is None:
        raise InstanceError(f"model {model} needs the number of facilities/vehicles (p)")
    if model == "pmedian":
        return p_median(inst, p, rules, time_limit_s=time_limit_s)
    if model == "pcenter":
        return p_center(inst, p, rules, time_limit_s=time_limit_s)
    if model == "mclp":
        return mclp(inst, p, rules, time_limit_s=time_limit_s)
    if model == "mexclp":
        q = 0.0 if busy_fraction is None else busy_fraction
        return mexclp(inst, p, q, rules, time_limit_s=time_limit_s)
    if service_min is None:
        raise InstanceError("mexclp_hypercube needs the mean service time (service_min)")
    return mexclp_hypercube(inst, p, service_min, rules, time_limit_s=time_limit_s)


def optimize_vehicles(
    scenario: str | Path | Scenario,
    *,
    model: str = "mclp",
    vehicles: int | None = None,
    standard_min: float | None = None,
    budget_yuan: float | None = None,
    time_limit_s: float = 60.0,
    resolution: str | None = None,
    role: str = "rescue",
    kinds: list[str] | None = None,
    busy_fraction: float | None = None,
    max_relocations: int | None = None,
    keep_existing: bool = False,
    min_coverage: float | None = None,
    equity_by: str = "district",
) -> VehicleSolution:
    """Place a scenario's dedicated / contracted vehicles with ``model``.

    ``min_coverage`` asks every district (``equity_by="district"``) or region group
    (``"region"``) to have at least that share of its demand covered within the standard.
    ``busy_fraction`` (MEXCLP) defaults to the offered load ``λ·E[S]`` per vehicle with
    ``E[S]`` from :func:`service_minutes`.
    """
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if resolution is not None:
        if resolution not in ("district", "township", "grid"):
            raise InstanceError(
                f"resolution must be 'district', 'township' or 'grid', got {resolution!r}"
            )
        try:
            s = s.with_({"demand.resolution": resolution})
        except ScenarioError as err:
            problems = "; ".join(p.split(": ", 1)[-1] for p in err.problems)
            raise InstanceError(
                f"resolution {resolution!r} does not fit scenario {s.meta.name}: {problems}"
            ) from None
    if vehicles is not None and vehicles < 1:
        raise InstanceError(f"vehicles must be ≥ 1, got {vehicles}")
    vi = vehicle_instance(s, role=role, kinds=kinds, standard_min=standard_min, equity_by=equity_by)
    equity: dict[str, float] = {}
    if min_coverage is not None:
        if not 0.0 <= min_coverage <= 1.0:
            raise InstanceError(f"min_coverage must be a share in [0, 1], got {min_coverage}")
        assert vi.instance.group is not None
        w = vi.instance.weight
        equity = {
            str(g): min_coverage
            for g in sorted(set(vi.instance.group.tolist()))
            if w[vi.instance.group == g].sum() > 0
        }
    rules = Rules(
        min_coverage=equity,
        fixed_open=vi.current if keep_existing else (),
        current=vi.current,
        max_relocations=max_relocations,
        budget_yuan=budget_yuan,
    )
    service = service_minutes(s, vi)
    q = busy_fraction
    if model == "mexclp" and q is None and vehicles:
        load = float(vi.instance.weight.sum()) / MIN_PER_YEAR * service
        q = min(load / vehicles, 0.95)
    plan = _solve(
        vi.instance,
        model,
        vehicles,
        rules,
        time_limit_s=time_limit_s,
        busy_fraction=q,
        service_min=service,
    )
    fixed = plan_spend_yuan(s, vi, plan, fees=False)
    return VehicleSolution(plan, vi, s, plan_spend_yuan(s, vi, plan), fixed)


def plan_spend_yuan(
    s: Scenario, vi: VehicleInstance, plan: LocationPlan, *, fees: bool = True
) -> float:
    """Yearly cost of a plan's vehicles (yuan), by the one definition of
    :func:`anjian.scenarios.costs.vehicle_cost_yuan`: fixed cost per vehicle plus the per-use
    fee of the calls each site would answer, every demand point's expected incidents going to
    its nearest opened site (shared by the site's vehicles). ``fees=False``: the fixed part
    only (what a budget bounds)."""
    sites = list(plan.counts)
    if not sites:
        return 0.0
    col = [vi.instance.site_ids.index(site) for site in sites]
    nearest = np.argmin(vi.instance.cost[:, col], axis=1)
    uses = np.bincount(nearest, weights=vi.instance.weight, minlength=len(col))
    return float(
        sum(
            vehicle_cost_yuan(
                s.vehicle_kinds[site.split("@")[0]], n, 1.0, float(uses[j]) if fees else 0.0
            )
            for j, (site, n) in enumerate(plan.counts.items())
        )
    )


def locate(
    *,
    orlib: str | Path | None = None,
    costs: str | Path | None = None,
    weights: str | Path | None = None,
    model: str = "pmedian",
    p: int | None = None,
    radius: float | None = None,
    busy_fraction: float = 0.0,
    time_limit_s: float = 60.0,
) -> LocationPlan:
    """Solve ``model`` on an OR-Library file (pmed or cap) or a cost CSV (+ weights CSV)."""
    if (orlib is None) == (costs is None):
        raise InstanceError("give exactly one of --orlib FILE or --costs FILE")
    if weights is not None and costs is None:
        raise InstanceError("--weights goes with --costs (OR-Library files carry their own)")
    if model == "cflp":
        if orlib is None:
            raise InstanceError("cflp reads an OR-Library cap file: give --orlib capN.txt")
        return cflp(read_cap(orlib), time_limit_s=time_limit_s)
    if radius is not None and not (math.isfinite(radius) and radius > 0):
        raise InstanceError(f"--radius must be a finite number > 0 (a cost), got {radius}")
    if model == "lscp" and p is not None:
        raise InstanceError("--p is not used by lscp: it opens the fewest sites that cover all")
    if model in ("pmedian", "pcenter") and radius is not None:
        raise InstanceError(f"--radius is not used by {model}: it needs no coverage standard")
    if model != "mexclp" and busy_fraction:
        raise InstanceError(f"--busy-fraction is used by mexclp only, not by {model}")
    if orlib is not None:
        inst, p_file = read_pmed(orlib)
        p = p if p is not None else p_file
    else:
        assert costs is not None
        inst = read_cost_csv(costs, weights)
    if radius is not None:
        inst = inst.with_radius(radius)
    elif model in ("mclp", "lscp", "mexclp"):
        raise InstanceError(f"model {model} needs --radius (a point is covered when cost ≤ it)")
    if model == "mexclp_hypercube":
        raise InstanceError("mexclp-hypercube needs a scenario: use `anjian optimize vehicles`")
    return _solve(inst, model, p, Rules(), time_limit_s=time_limit_s, busy_fraction=busy_fraction)

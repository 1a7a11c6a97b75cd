"""Optimisation models (OR-Tools MathOpt): placing vehicles and depots.

Location models on a demand × site cost matrix (p-median, p-center, LSCP, MCLP, MEXCLP and its
hypercube-corrected variant, capacitated facility location), practical rules, an independent
checker, scenario bridging and simulator verification. See docs/model-location.md.
"""

from optimize.api import locate, optimize_vehicles
from optimize.capacitated import cflp
from optimize.check import check_plan
from optimize.covering import lscp, mclp, mexclp
from optimize.errors import InfeasiblePlan, InstanceError, OptimizeError, SolverFailed
from optimize.hypercube_fixed_point import mexclp_hypercube
from optimize.instance import LocationInstance, Rules, make_instance
from optimize.median import p_center, p_median
from optimize.plan import LocationPlan

__all__ = [
    "InfeasiblePlan",
    "InstanceError",
    "LocationInstance",
    "LocationPlan",
    "OptimizeError",
    "Rules",
    "SolverFailed",
    "cflp",
    "check_plan",
    "locate",
    "lscp",
    "make_instance",
    "mclp",
    "mexclp",
    "mexclp_hypercube",
    "optimize_vehicles",
    "p_center",
    "p_median",
]

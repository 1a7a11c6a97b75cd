"""Optimisation models (OR-Tools MathOpt): placing vehicles and depots.

Location models on a demand × site cost matrix (p-median, p-center, LSCP, MCLP, MEXCLP and its
hypercube-corrected variant, capacitated facility location), practical rules, an independent
checker, and scenario bridging (a scenario's vehicles as an instance, a plan written back into
the scenario). Of the simulator it uses only the hypercube model; simulating a plan is the
facade's (:mod:`anjian.plans`). See docs/model-location.md.
"""

from .api import locate, optimize_vehicles
from .capacitated import cflp
from .check import check_plan
from .covering import lscp, mclp, mexclp
from .errors import InfeasiblePlan, InstanceError, OptimizeError, SolverFailed
from .hypercube_fixed_point import mexclp_hypercube
from .instance import LocationInstance, Rules, make_instance
from .median import p_center, p_median
from .plan import LocationPlan

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

"""anjian (安监): plan inspectors, emergency vehicles and relief stocks for a city's
work-safety and emergency-management offices.

The public Python API. Scripts, the CLI and the Streamlit app all go through it::

    import anjian
    s = anjian.load_scenario("chongqing")
    anjian.district_table(s).head()
    runs = anjian.replicate_inspections(s, anjian.InspectionConfig(years=1, seed=0), reps=5)
    runs.summary.query("level == 'city'")
    plan = anjian.optimize_vehicles(s, model="mclp", vehicles=40).plan
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below, for type checkers; at run time they load on first use
    from anjian.store import RunStore
    from anjian.sweep import Sweep, load_sweep, run_sweep
    from optimize import (
        InfeasiblePlan,
        InstanceError,
        LocationPlan,
        Rules,
        cflp,
        check_plan,
        locate,
        lscp,
        make_instance,
        mclp,
        mexclp,
        mexclp_hypercube,
        optimize_vehicles,
        p_center,
        p_median,
    )
    from scenarios import Scenario, ScenarioError, load_scenario
    from scenarios.builtin import names as builtin_scenarios
    from scenarios.derive import scenario_hash, with_overrides
    from scenarios.summary import category_table, district_table, staff_table
    from sim.hypercube import hypercube_approx, hypercube_exact
    from sim.inspection import InspectionConfig, simulate_inspections
    from sim.replicate import replicate_inspections, replicate_response
    from sim.response import ResponseConfig, simulate_response
    from sim.stats import mser5, paired_difference, replications_needed, summarize

# name -> module: importing `anjian` stays fast (the app and the CLI load only what they use)
_LAZY = {
    "InfeasiblePlan": "optimize",
    "InspectionConfig": "sim.inspection",
    "InstanceError": "optimize",
    "LocationPlan": "optimize",
    "ResponseConfig": "sim.response",
    "Rules": "optimize",
    "RunStore": "anjian.store",
    "Scenario": "scenarios",
    "ScenarioError": "scenarios",
    "Sweep": "anjian.sweep",
    "category_table": "scenarios.summary",
    "cflp": "optimize",
    "check_plan": "optimize",
    "district_table": "scenarios.summary",
    "hypercube_approx": "sim.hypercube",
    "hypercube_exact": "sim.hypercube",
    "load_scenario": "scenarios",
    "load_sweep": "anjian.sweep",
    "locate": "optimize",
    "lscp": "optimize",
    "make_instance": "optimize",
    "mclp": "optimize",
    "mexclp": "optimize",
    "mexclp_hypercube": "optimize",
    "mser5": "sim.stats",
    "optimize_vehicles": "optimize",
    "p_center": "optimize",
    "p_median": "optimize",
    "paired_difference": "sim.stats",
    "replicate_inspections": "sim.replicate",
    "replicate_response": "sim.replicate",
    "replications_needed": "sim.stats",
    "run_sweep": "anjian.sweep",
    "scenario_hash": "scenarios.derive",
    "simulate_inspections": "sim.inspection",
    "simulate_response": "sim.response",
    "staff_table": "scenarios.summary",
    "summarize": "sim.stats",
    "with_overrides": "scenarios.derive",
}
_ALIASES = {"builtin_scenarios": ("scenarios.builtin", "names")}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _ALIASES:
        module, attr = _ALIASES[name]
        return getattr(importlib.import_module(module), attr)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'anjian' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "InfeasiblePlan",
    "InspectionConfig",
    "InstanceError",
    "LocationPlan",
    "ResponseConfig",
    "Rules",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "__version__",
    "builtin_scenarios",
    "category_table",
    "cflp",
    "check_plan",
    "district_table",
    "hypercube_approx",
    "hypercube_exact",
    "load_scenario",
    "load_sweep",
    "locate",
    "lscp",
    "make_instance",
    "mclp",
    "mexclp",
    "mexclp_hypercube",
    "mser5",
    "optimize_vehicles",
    "p_center",
    "p_median",
    "paired_difference",
    "replicate_inspections",
    "replicate_response",
    "replications_needed",
    "run_sweep",
    "scenario_hash",
    "simulate_inspections",
    "simulate_response",
    "staff_table",
    "summarize",
    "with_overrides",
]

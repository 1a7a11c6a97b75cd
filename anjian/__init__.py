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

from ._version import __version__

if TYPE_CHECKING:  # the names below, for type checkers; at run time they load on first use
    from anjian.optimize import (
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
    from anjian.scenarios import Scenario, ScenarioError, load_scenario
    from anjian.scenarios.builtin import names as builtin_scenarios
    from anjian.scenarios.derive import scenario_hash, with_overrides
    from anjian.scenarios.summary import category_table, district_table, staff_table
    from anjian.sim.hypercube import hypercube_approx, hypercube_exact
    from anjian.sim.inspection import InspectionConfig, simulate_inspections
    from anjian.sim.replicate import replicate_inspections, replicate_response
    from anjian.sim.response import ResponseConfig, simulate_response
    from anjian.sim.stats import mser5, paired_difference, replications_needed, summarize

    from .store import RunStore
    from .sweep import Sweep, load_sweep, run_sweep

# name -> module: importing `anjian` stays fast (the app and the CLI load only what they use)
_LAZY = {
    "InfeasiblePlan": "anjian.optimize",
    "InspectionConfig": "anjian.sim.inspection",
    "InstanceError": "anjian.optimize",
    "LocationPlan": "anjian.optimize",
    "ResponseConfig": "anjian.sim.response",
    "Rules": "anjian.optimize",
    "RunStore": "anjian.store",
    "Scenario": "anjian.scenarios",
    "ScenarioError": "anjian.scenarios",
    "Sweep": "anjian.sweep",
    "category_table": "anjian.scenarios.summary",
    "cflp": "anjian.optimize",
    "check_plan": "anjian.optimize",
    "district_table": "anjian.scenarios.summary",
    "hypercube_approx": "anjian.sim.hypercube",
    "hypercube_exact": "anjian.sim.hypercube",
    "load_scenario": "anjian.scenarios",
    "load_sweep": "anjian.sweep",
    "locate": "anjian.optimize",
    "lscp": "anjian.optimize",
    "make_instance": "anjian.optimize",
    "mclp": "anjian.optimize",
    "mexclp": "anjian.optimize",
    "mexclp_hypercube": "anjian.optimize",
    "mser5": "anjian.sim.stats",
    "optimize_vehicles": "anjian.optimize",
    "p_center": "anjian.optimize",
    "p_median": "anjian.optimize",
    "paired_difference": "anjian.sim.stats",
    "replicate_inspections": "anjian.sim.replicate",
    "replicate_response": "anjian.sim.replicate",
    "replications_needed": "anjian.sim.stats",
    "run_sweep": "anjian.sweep",
    "scenario_hash": "anjian.scenarios.derive",
    "simulate_inspections": "anjian.sim.inspection",
    "simulate_response": "anjian.sim.response",
    "staff_table": "anjian.scenarios.summary",
    "summarize": "anjian.sim.stats",
    "with_overrides": "anjian.scenarios.derive",
}
_ALIASES = {"builtin_scenarios": ("anjian.scenarios.builtin", "names")}


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

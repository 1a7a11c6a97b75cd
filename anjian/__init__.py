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
    from anjian.budget import Appraisal, appraise, cost_sheet, harm_tidy
    from anjian.costs import (
        equipment_cost_yuan_per_year,
        fleet_cost_yuan_per_year,
        staff_cost_yuan_per_year,
    )
    from anjian.frontier import Frontier, frontier
    from anjian.inspector_frequencies import FrequencyResult, optimize_frequencies
    from anjian.inspector_plans import InspectorPlan, optimize_inspectors
    from anjian.kpis import Kpi, kpi
    from anjian.levers import can_contract_rented, whatif_overrides
    from anjian.optimize import (
        InfeasiblePlan,
        InstanceError,
        LocationPlan,
        OptimizeError,
        Rules,
        cflp,
        check_plan,
        locate,
        lscp,
        make_instance,
        mclp,
        mexclp,
        mexclp_hypercube,
        p_center,
        p_median,
    )
    from anjian.plan_edit import EditComparison, compare_edit
    from anjian.plans import (
        VehiclePlanResult,
        Verification,
        apply_vehicle_plan,
        optimize_vehicles,
        placed_vehicles,
        plan_by_district,
        verify_vehicle_plan,
    )
    from anjian.run import RunResult, recommend
    from anjian.scenarios import Scenario, ScenarioError, load_scenario
    from anjian.scenarios.builtin import names as builtin_scenarios
    from anjian.scenarios.bundle import derived_bundle, extract_bundle, new_scenario
    from anjian.scenarios.derive import scenario_hash, with_overrides
    from anjian.scenarios.summary import category_table, district_table, staff_table
    from anjian.sim.erlang import erlang_b, erlang_c, mmc_mean_wait
    from anjian.sim.hypercube import hypercube_approx, hypercube_exact
    from anjian.sim.inspection import InspectionConfig, simulate_inspections
    from anjian.sim.replicate import replicate_inspections, replicate_response
    from anjian.sim.response import ResponseConfig, simulate_response
    from anjian.sim.stats import mser5, paired_difference, replications_needed, summarize
    from anjian.simopt import LoopResult, vehicle_loop
    from anjian.stock_plans import StockPlan, optimize_stocks

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
    "optimize_vehicles": "anjian.plans",
    "optimize_frequencies": "anjian.inspector_frequencies",
    "FrequencyResult": "anjian.inspector_frequencies",
    "optimize_inspectors": "anjian.inspector_plans",
    "InspectorPlan": "anjian.inspector_plans",
    "optimize_stocks": "anjian.stock_plans",
    "StockPlan": "anjian.stock_plans",
    "VehiclePlanResult": "anjian.plans",
    "Verification": "anjian.plans",
    "apply_vehicle_plan": "anjian.plans",
    "verify_vehicle_plan": "anjian.plans",
    "placed_vehicles": "anjian.plans",
    "plan_by_district": "anjian.plans",
    "Appraisal": "anjian.budget",
    "Frontier": "anjian.frontier",
    "frontier": "anjian.frontier",
    "EditComparison": "anjian.plan_edit",
    "compare_edit": "anjian.plan_edit",
    "RunResult": "anjian.run",
    "recommend": "anjian.run",
    "LoopResult": "anjian.simopt",
    "vehicle_loop": "anjian.simopt",
    "appraise": "anjian.budget",
    "cost_sheet": "anjian.budget",
    "harm_tidy": "anjian.budget",
    "fleet_cost_yuan_per_year": "anjian.costs",
    "staff_cost_yuan_per_year": "anjian.costs",
    "equipment_cost_yuan_per_year": "anjian.costs",
    "Kpi": "anjian.kpis",
    "kpi": "anjian.kpis",
    "can_contract_rented": "anjian.levers",
    "whatif_overrides": "anjian.levers",
    "derived_bundle": "anjian.scenarios.bundle",
    "extract_bundle": "anjian.scenarios.bundle",
    "new_scenario": "anjian.scenarios.bundle",
    "erlang_b": "anjian.sim.erlang",
    "erlang_c": "anjian.sim.erlang",
    "mmc_mean_wait": "anjian.sim.erlang",
    "OptimizeError": "anjian.optimize",
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
    "Appraisal",
    "EditComparison",
    "FrequencyResult",
    "Frontier",
    "InfeasiblePlan",
    "InspectionConfig",
    "InspectorPlan",
    "InstanceError",
    "Kpi",
    "LocationPlan",
    "LoopResult",
    "OptimizeError",
    "ResponseConfig",
    "Rules",
    "RunResult",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "StockPlan",
    "Sweep",
    "VehiclePlanResult",
    "Verification",
    "__version__",
    "apply_vehicle_plan",
    "appraise",
    "builtin_scenarios",
    "can_contract_rented",
    "category_table",
    "cflp",
    "check_plan",
    "compare_edit",
    "cost_sheet",
    "derived_bundle",
    "district_table",
    "equipment_cost_yuan_per_year",
    "erlang_b",
    "erlang_c",
    "extract_bundle",
    "fleet_cost_yuan_per_year",
    "frontier",
    "harm_tidy",
    "hypercube_approx",
    "hypercube_exact",
    "kpi",
    "load_scenario",
    "load_sweep",
    "locate",
    "lscp",
    "make_instance",
    "mclp",
    "mexclp",
    "mexclp_hypercube",
    "mmc_mean_wait",
    "mser5",
    "new_scenario",
    "optimize_frequencies",
    "optimize_inspectors",
    "optimize_stocks",
    "optimize_vehicles",
    "p_center",
    "p_median",
    "paired_difference",
    "placed_vehicles",
    "plan_by_district",
    "recommend",
    "replicate_inspections",
    "replicate_response",
    "replications_needed",
    "run_sweep",
    "scenario_hash",
    "simulate_inspections",
    "simulate_response",
    "staff_cost_yuan_per_year",
    "staff_table",
    "summarize",
    "vehicle_loop",
    "verify_vehicle_plan",
    "whatif_overrides",
    "with_overrides",
]

"""Cost accounting of a scenario (yuan a year), one definition for the CLI, the app and
exports.

Today this counts what the scenario prices: the yearly ownership or contract cost of the
vehicles standing in its depots (:mod:`anjian.scenarios.costs` defines a vehicle's cost once:
fixed per vehicle-year plus a fee per use), the salaries of the inspection staff and their
detection kits. What depends on the work done is a simulated KPI: the vehicles' per-use costs
(``vehicle_use_cost_yuan_per_year``; total ``vehicle_cost_yuan_per_year``) and the fees of
contracted inspections
(``inspection_fees_yuan_per_year``; the inspection model reports
``inspection_cost_yuan_per_year`` = salaries + kits + fees). Relief stocks are not priced yet.
"""

from __future__ import annotations

from anjian.scenarios.costs import fleet_fixed_cost_yuan_per_year
from anjian.scenarios.scenario import Scenario, equipment_kits


def fleet_cost_yuan_per_year(s: Scenario) -> float:
    """Yearly fixed cost of the vehicles standing in the scenario's depots (yuan): each vehicle
    kind's ``cost_yuan_per_year`` × its vehicles (per-use fees come from a simulation)."""
    return fleet_fixed_cost_yuan_per_year(s)


def staff_cost_yuan_per_year(s: Scenario) -> float:
    """Yearly salaries of the scenario's inspection staff (yuan): every kind's headcount in every
    district × its ``cost_yuan_per_year`` (the whole post, not only its inspection time)."""
    return float(
        sum(
            n * s.inspector_kinds[k].cost_yuan_per_year
            for row in s.staff.values()
            for k, n in row.items()
        )
    )


def equipment_cost_yuan_per_year(s: Scenario) -> float:
    """Yearly cost of the inspection staff's detection kits (yuan): every kind's equipped kits
    (headcount, or townships for kits held by townships, × ``equipped_share``) ×
    ``equipment_cost_yuan_per_year``."""
    return float(
        sum(
            n * s.inspector_kinds[k].equipment_cost_yuan_per_year
            for row in equipment_kits(s).values()
            for k, n in row.items()
        )
    )

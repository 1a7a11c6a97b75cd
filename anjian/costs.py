"""Cost accounting of a scenario (yuan a year), one definition for the CLI, the app and
exports.

Today this counts what the scenario prices: the yearly ownership or contract cost of the
vehicles standing in its depots, the salaries of the inspection staff and their detection
kits. What depends on the work done is a simulated KPI: per-use costs of rented vehicles
(``rented_cost_yuan``) and the fees of contracted inspections
(``inspection_fees_yuan_per_year``; the inspection model reports
``inspection_cost_yuan_per_year`` = salaries + kits + fees). Relief stocks are not priced yet.
"""

from __future__ import annotations

from anjian.scenarios.scenario import Scenario, equipment_kits


def fleet_cost_yuan_per_year(s: Scenario) -> float:
    """Yearly cost of the vehicles standing in the scenario's depots (yuan): each vehicle kind's
    ``cost_yuan_per_year`` × its vehicles."""
    return float(
        sum(
            s.vehicle_kinds[k].cost_yuan_per_year * n
            for d in s.depots.values()
            for k, n in d.vehicles.items()
        )
    )


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

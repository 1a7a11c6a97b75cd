"""Cost accounting of a scenario (yuan a year), one definition for the CLI, the app and
exports.

Today this counts what the scenario prices: the yearly ownership or contract cost of the
vehicles standing in its depots. Per-use costs of rented vehicles are a simulated KPI
(``rented_cost_yuan``); inspectors' salaries and relief stocks are not priced yet.
"""

from __future__ import annotations

from anjian.scenarios.scenario import Scenario


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

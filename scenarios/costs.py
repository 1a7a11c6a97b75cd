"""What vehicles cost (yuan): one definition for the response model's KPIs, the location
optimizer's spend, the CLI, the app and exports.

A vehicle kind costs its ``cost_yuan_per_year`` for every vehicle held (ownership of dedicated
vehicles, the retainer of contracted ones; zero for rented ones) plus its ``cost_yuan_per_use``
for every call it answers (the fee of a contracted or rented vehicle; fuel and crew of a
dedicated one if the scenario prices them)::

    cost = cost_yuan_per_year × vehicles × years + cost_yuan_per_use × uses
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .response import VehicleKind
    from .scenario import Scenario


def vehicle_cost_yuan(kind: VehicleKind, vehicles: float, years: float, uses: float) -> float:
    """Cost of ``vehicles`` of ``kind`` held for ``years`` and used ``uses`` times (yuan)."""
    return kind.cost_yuan_per_year * vehicles * years + kind.cost_yuan_per_use * uses


def fleet_fixed_cost_yuan_per_year(s: Scenario) -> float:
    """Yearly fixed cost of the vehicles standing in the scenario's depots (yuan): each kind's
    ``cost_yuan_per_year`` × its vehicles (per-use costs depend on the calls: simulated)."""
    return float(
        sum(
            vehicle_cost_yuan(s.vehicle_kinds[k], n, 1.0, 0.0)
            for d in s.depots.values()
            for k, n in d.vehicles.items()
        )
    )

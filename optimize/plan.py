"""The result of a location model: which sites open (how many vehicles each), the objective,
the solver's bound, and the assignment of demand points to sites.

A plan is plain data: :meth:`LocationPlan.to_dict` gives the JSON the CLI prints, and
:func:`anjian.optimize.vehicles.apply_plan` turns a vehicle plan into a scenario the simulator runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LocationPlan:
    """A solved location model.

    Attributes
    ----------
    model
        ``pmedian``, ``pcenter``, ``mclp``, ``lscp``, ``mexclp``, ``mexclp_hypercube``, ``cflp``.
    status
        ``optimal`` (proven within the gap asked for) or ``feasible`` (a limit stopped the proof).
    objective
        The model's own value, recomputed by the independent checker: total weighted cost
        (p-median), largest demand-to-site cost (p-center), covered weight (MCLP), number of
        open sites (LSCP), expected covered weight (MEXCLP), fixed + supply cost (CFLP).
    bound
        The best bound the solver proved (lower for minimisation, upper for maximisation).
    open_sites
        Ids of the sites used, in instance order.
    counts
        Site id → vehicles (1 per open site for facility models).
    assignment
        Demand id → the site serving it (nearest open; largest supplier for CFLP), ``None`` when
        nothing can serve it.
    """

    model: str
    status: str
    objective: float
    bound: float
    open_sites: tuple[str, ...]
    counts: Mapping[str, int]
    assignment: Mapping[str, str | None]
    solve_seconds: float
    parameters: Mapping[str, object] = field(default_factory=dict)
    iterations: int = 1
    flows: Mapping[tuple[str, str], float] | None = None
    notes: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if not (math.isfinite(self.objective) and math.isfinite(self.bound)):
            return math.inf
        den = max(abs(self.objective), 1e-9)
        return abs(self.objective - self.bound) / den

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dictionary (the CLI's ``--json`` output)."""
        out: dict[str, object] = {
            "model": self.model,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap if math.isfinite(self.gap) else None,
            "open": list(self.open_sites),
            "counts": dict(self.counts),
            "assignment": dict(self.assignment),
            "solve_seconds": round(self.solve_seconds, 4),
            "iterations": self.iterations,
            "parameters": dict(self.parameters),
        }
        if self.flows is not None:
            out["flows"] = [
                {"demand": i, "site": j, "share": s} for (i, j), s in self.flows.items()
            ]
        if self.notes:
            out["notes"] = list(self.notes)
        return out

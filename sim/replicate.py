"""Replications of a model with per-replication seeds, stacked into tidy tables.

Replication ``r`` of seed ``s`` uses the streams of ``SeedSequence((s, r, …))`` (see
:mod:`anjian.sim.streams`), so replications are independent, reruns are identical, and two scenarios
run with the same seed share their random numbers replication by replication (common random
numbers: compare them with :func:`anjian.sim.stats.paired_difference`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pandas as pd

from anjian.scenarios.scenario import Scenario

from .field_evidence import uninspected_accidents_per_year
from .inspection import InspectionConfig, InspectionResult, simulate_inspections
from .response import ResponseConfig, ResponseResult, simulate_response
from .stats import summarize

R = TypeVar("R")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during replications: ``partial`` holds the replications that finished (``done``
    of ``total``; None if none did), so a caller can keep them."""

    def __init__(self, partial: Replications | ResponseReplications | None, done: int,
                 total: int) -> None:  # fmt: skip
        super().__init__(f"interrupted after {done} of {total} replications")
        self.partial = partial
        self.done = done
        self.total = total


@dataclass
class Replications:
    """All replications' tables stacked (column ``rep``), plus the KPI summary with CIs."""

    kpis: pd.DataFrame
    series: pd.DataFrame
    accidents: pd.DataFrame
    summary: pd.DataFrame
    years: pd.DataFrame  # city KPIs per simulated year: rep, year, kpi, value

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, for writing out."""
        return {"kpis": self.kpis, "summary": self.summary, "series": self.series,
                "accidents": self.accidents, "years": self.years}  # fmt: skip


def replicate_inspections(
    scenario: Scenario,
    config: InspectionConfig,
    reps: int,
    progress: Callable[[int, int], None] | None = None,
    first: int = 0,
) -> Replications:
    """Run ``reps`` replications (``first`` … ``first`` + reps − 1, default 0 …) of the
    inspection model.

    Raises
    ------
    ValueError
        If ``reps`` < 1.
    """
    if reps < 1:
        raise ValueError(f"reps must be >= 1, got {reps}")
    if first < 0:
        raise ValueError(f"first must be >= 0, got {first}")
    results = _each(
        lambda rep: simulate_inspections(scenario, replace(config, replication=rep)),
        range(first, first + reps),
        progress,
        _stack_inspections,
    )
    return _stack_inspections(results)


def _each(
    run: Callable[[int], R], reps: range, progress: Callable[[int, int], None] | None,
    stack: Callable[[list[R]], Any],
) -> list[R]:  # fmt: skip
    """``run(rep)`` for each replication, ticking ``progress``; Ctrl-C raises
    :class:`Interrupted` with the finished replications stacked by ``stack``."""
    results: list[R] = []
    try:
        for i, rep in enumerate(reps):
            results.append(run(rep))
            if progress is not None:
                progress(i + 1, len(reps))
    except KeyboardInterrupt:
        raise Interrupted(stack(results) if results else None, len(results), len(reps)) from None
    return results


def _stack_inspections(results: list[InspectionResult]) -> Replications:
    kpis = pd.concat([r.kpis for r in results], ignore_index=True)
    return Replications(
        kpis=kpis,
        series=pd.concat([r.series for r in results], ignore_index=True),
        accidents=pd.concat([r.accidents for r in results], ignore_index=True),
        summary=summarize(kpis),
        years=pd.concat([r.years for r in results], ignore_index=True),
    )


def net_of_inspection_accidents(scenario: Scenario) -> Scenario:
    """The scenario with each background incident rate net of the accidents the inspection
    model produces of that type in that district, so the coupled run counts each event once.

    The inspection model's share is its closed-form expectation with nobody inspecting
    (:func:`anjian.sim.field_evidence.uninspected_accidents_per_year`): it does not depend on
    the plan being run, so a plan that prevents accidents lowers the coupled total, and it is
    an upper bound (inspections prevent some), so the coupled total sits slightly below the
    background alone. A rate never goes below zero: where the inspection model produces more
    of a type than the background holds (Chongqing's freight against its traffic incidents),
    the type comes from the inspection model only.
    """
    produced = uninspected_accidents_per_year(scenario)
    rates = {a: {k: max(0.0, v - produced.get(a, {}).get(k, 0.0)) for k, v in row.items()}
             for a, row in scenario.incident_rates.items()}  # fmt: skip
    return scenario.with_(incident_rates=rates)


@dataclass
class ResponseReplications:
    """All replications' tables stacked (column ``rep``), plus the KPI summary with CIs."""

    kpis: pd.DataFrame
    incidents: pd.DataFrame
    stock: pd.DataFrame
    summary: pd.DataFrame
    shipments: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, for writing out."""
        return {"kpis": self.kpis, "summary": self.summary, "incidents": self.incidents,
                "stock": self.stock, "shipments": self.shipments}  # fmt: skip


def replicate_response(
    scenario: Scenario,
    config: ResponseConfig,
    reps: int,
    progress: Callable[[int, int], None] | None = None,
    inspections: Replications | None = None,
    first: int = 0,
) -> ResponseReplications:
    """Run ``reps`` replications (``first`` … ``first`` + reps − 1) of the response model.

    With ``inspections`` (from :func:`replicate_inspections` on the same scenario and seed),
    replication ``r`` also serves the accidents of inspection replication ``r``: the two
    models coupled.
    """
    if reps < 1:
        raise ValueError(f"reps must be >= 1, got {reps}")
    if inspections is not None:
        scenario = net_of_inspection_accidents(scenario)
    if first < 0:
        raise ValueError(f"first must be >= 0, got {first}")

    def one(rep: int) -> ResponseResult:
        extra = None
        if inspections is not None:
            acc = inspections.accidents
            extra = acc[acc["rep"] == rep][["time_min", "adcode", "incident_type"]]
        return simulate_response(scenario, replace(config, replication=rep, extra_incidents=extra))

    results = _each(one, range(first, first + reps), progress, _stack_response)
    return _stack_response(results)


def _stack_response(results: list[ResponseResult]) -> ResponseReplications:
    kpis = pd.concat([r.kpis for r in results], ignore_index=True)
    return ResponseReplications(
        kpis=kpis,
        incidents=pd.concat([r.incidents for r in results], ignore_index=True),
        stock=pd.concat([r.stock for r in results], ignore_index=True),
        summary=summarize(kpis),
        shipments=pd.concat([r.shipments for r in results], ignore_index=True),
    )

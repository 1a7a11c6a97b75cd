"""A planner's own edit of the recommended plan, compared with both today and the plan
(issue 18, the Budget page): some steps more or less of each resource from the plan
(:func:`anjian.levers.spend_overrides`, the run's step), simulated on the run's comparison
replications (the same seed and replication numbers: common random numbers), so the changes
against today and against the plan are paired."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from anjian.budget import HARM_PARTS, RESOURCES, Appraisal, appraise, by_key
from anjian.run import TOLERANCE_SHARE, RunResult
from anjian.scenarios.scenario import Scenario

MAX_STEPS = 50


@dataclass(frozen=True)
class EditComparison:
    """The edit (overrides of the plan, what it buys or cuts), its appraisal, whether it keeps
    the run's budget, yearly cost by resource with the total and the budget (today, plan,
    edit) and harm by part (today, plan, edit, and the edit's paired change against today and
    against the plan)."""

    overrides: dict[str, Any]
    what: list[str]
    appraisal: Appraisal
    within_budget: bool
    costs: pd.DataFrame
    harm: pd.DataFrame


def edit_overrides(
    plan: Scenario, steps: Mapping[str, int], step_yuan: float
) -> tuple[dict[str, Any], list[str]]:
    """Overrides of ``plan`` for ``steps`` (resource → whole steps, + buys, − cuts) of
    ``step_yuan`` yuan a year each, and what each resource's change buys or cuts."""
    if not (math.isfinite(step_yuan) and step_yuan > 0):
        raise ValueError(f"the step must be a positive number of yuan, got {step_yuan}")
    cur, over, what = plan, dict[str, Any](), []
    for r, n in steps.items():
        if r not in RESOURCES:
            raise ValueError(f"unknown resource {r!r}: use one of {', '.join(RESOURCES)}")
        if int(n) != n or abs(n) > MAX_STEPS:
            raise ValueError(f"{r}: steps must be a whole number from −{MAX_STEPS} to {MAX_STEPS}")
        if n == 0:
            continue
        o, w = spend_overrides_or_error(cur, r, int(n) * step_yuan)
        over.update(o)
        cur = cur.with_(o)
        what.append(f"{RESOURCES[r][0]} / {RESOURCES[r][1]}: {w}")
    return over, what


def spend_overrides_or_error(s: Scenario, r: str, yuan: float) -> tuple[dict[str, Any], str]:
    """:func:`anjian.levers.spend_overrides`, its error naming the resource."""
    from anjian.levers import spend_overrides

    try:
        return spend_overrides(s, r, yuan)
    except ValueError as err:
        raise ValueError(f"{RESOURCES[r][0]} / {RESOURCES[r][1]}: {err}") from err


def compare_edit(run: RunResult, steps: Mapping[str, int]) -> EditComparison:
    """The plan of ``run`` edited by ``steps`` (see :func:`edit_overrides`), simulated on the
    run's comparison replications and compared with today and with the plan."""
    from anjian.sim.stats import paired_difference

    st = run.settings
    over, what = edit_overrides(run.plan_scenario, steps, float(st["step_yuan"]))
    if not over:
        raise ValueError("the edit changes nothing: choose at least one step")
    s = run.today_scenario.with_({**run.overrides, **over})
    budget = float(st["budget_yuan_per_year"])
    a = appraise(
        s,
        years=st["years"],
        reps=run.plan.reps,
        seed=st["comparison_seed"],
        budget=budget,
    )
    costs = run.cost_table()[["resource", "name_zh", "name_en", "today", "plan"]].copy()
    edit = {**a.totals.by_resource, "total": a.totals.total, "budget": budget}
    costs["edit"] = [edit[str(r)] for r in costs["resource"]]
    vs_today = paired_difference(run.today.harm, a.harm)
    vs_plan = paired_difference(run.plan.harm, a.harm)
    means = {
        k: by_key(x.harm_summary, "kpi", "mean")
        for k, x in (("today", run.today), ("plan", run.plan), ("edit", a))
    }
    harm = pd.DataFrame(
        [
            {
                "kpi": k,
                "name_zh": zh,
                "name_en": en,
                "today": means["today"][k],
                "plan": means["plan"][k],
                "edit": means["edit"][k],
                "vs_today": by_key(vs_today, "kpi", "mean")[k],
                "vs_today_half_width": by_key(vs_today, "kpi", "half_width")[k],
                "vs_plan": by_key(vs_plan, "kpi", "mean")[k],
                "vs_plan_half_width": by_key(vs_plan, "kpi", "half_width")[k],
            }
            for k, (zh, en) in HARM_PARTS.items()
        ]
    )
    within = a.totals.total <= budget + TOLERANCE_SHARE * float(st["step_yuan"])
    return EditComparison(over, what, a, bool(within), costs, harm)

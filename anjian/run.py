"""The main job (issue 18): ``anjian run`` — today's allocation priced and simulated, a better
allocation of the same budget found with the simulation in the loop, simulated, and compared
(docs/budget.md).

The search moves money between the three resources in steps (``step_yuan``), the simulator
judging every step under common random numbers (the same seed as today, so differences are
paired):

1. at the current allocation, what one step more buys in each resource and what one step
   less costs (:func:`anjian.budget.marginal_values` in both directions: the paired change in
   harm per yuan);
2. the candidate: with budget left, the best purchase; otherwise the cut that costs least moved
   to the purchase that buys most (the pair with the largest predicted fall in harm);
3. the candidate is simulated on the search's replications (for a lone purchase that is its
   own margin run again; the independent check is step 4); it is kept if its harm is lower
   than the current allocation's with a paired 95% CI below zero and its cost within the
   budget; else the search ends.
Over budget, rounds of cuts come first (only the cuts are simulated; the cheapest harm per
yuan saved is kept even if harm rises — the budget binds), up to ``MAX_CUTS`` rounds beyond
``rounds``; a plan still over budget is said so in the notes.
4. the search picked the best of noisy estimates on one set of replications (and would flatter
   its own choice), so the comparison it reports is made afresh: today and the plan on new
   replications (the next seed), paired with each other.

A greedy, simulation-judged reallocation: it finds better allocations, not the best one.
Where a step's money goes is the placement's (:mod:`anjian.placement`): fixed rules (in
proportion, the default) or the resources' optimizers (heads by the headcount optimizer's
district curves, vehicles by expected response time at the simulated busy fraction).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from anjian.budget import (
    RESOURCES,
    STEP_COLUMNS,
    Appraisal,
    appraise,
    appraise_many,
    by_key,
    inspections_unchanged,
    objective_label,
    objective_tidy,
    step_margins,
)
from anjian.parallel import default_workers, one_cluster
from anjian.scenarios.scenario import Scenario
from anjian.selection import Selection, kn_select

#: Operational KPIs the comparison shows beside harm (model, KPI), from the KPI catalogue.
OPERATIONAL = (
    ("inspection", "on_time_rate"),
    ("inspection", "expected_deaths_per_year"),
    ("response", "response_mean_min"),
    ("response", "within_standard_share"),
    ("response", "delay_deaths_per_year"),
    ("response", "relief_fill_rate"),
    ("response", "people_without_relief_12h"),
)
DELTA_SHARE = 0.01  # KN's default indifference zone: 1% of today's harm
DELTA_KPI = 0.005  # … and for a KPI objective (a share): half a percentage point
TOLERANCE_SHARE = 0.02  # a plan may overshoot the budget by 2% of a step (whole units)
MAX_CUTS = 20
MOVE_COLUMNS = [
    "round",
    "from",
    "to",
    "yuan_per_year",
    "predicted_harm_change",  # the objective's predicted change (harm, or −KPI: see below)
    "harm_change",
    "half_width",
    "within_budget",
    "accepted",
    "objective_change",  # the check's change in what the search minimises: harm, or − the KPI
    "objective_half_width",  # (a share) for a KPI objective, so negative is better either way
]  # rounds of cuts at most to bring an allocation over budget within it


@dataclass(frozen=True)
class RunResult:
    """Today and the recommended plan, each appraised; the moves tried; the margins seen in
    each round; the settings."""

    today_scenario: Scenario
    plan_scenario: Scenario
    today: Appraisal
    plan: Appraisal
    overrides: dict[str, Any]
    moves: pd.DataFrame
    margins: pd.DataFrame
    settings: dict[str, Any]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def harm_diff(self) -> pd.DataFrame:
        """Harm parts, plan − today, paired by replication (mean, 95% half-width)."""
        from anjian.budget import HARM_PARTS
        from anjian.sim.stats import paired_difference

        d = paired_difference(self.today.harm, self.plan.harm)
        change, half = by_key(d, "kpi", "mean"), by_key(d, "kpi", "half_width")
        today = by_key(self.today.harm_summary, "kpi", "mean")
        plan = by_key(self.plan.harm_summary, "kpi", "mean")
        rows = []
        for k, (zh, en) in HARM_PARTS.items():
            if k not in change:
                continue
            rows.append(
                {
                    "kpi": k,
                    "name_zh": zh,
                    "name_en": en,
                    "today": today[k],
                    "plan": plan[k],
                    "change": change[k],
                    "half_width": half[k],
                }
            )
        return pd.DataFrame(rows)

    def kpi_diff(self) -> pd.DataFrame:
        """The operational KPIs, today and plan (means) and plan − today paired."""
        from anjian.kpis import kpi as catalogue
        from anjian.sim.stats import paired_difference

        assert self.today.kpis is not None and self.plan.kpis is not None
        rows = []
        for model, name in OPERATIONAL:
            a = self.today.kpis.query("model == @model and level == 'city' and kpi == @name")
            b = self.plan.kpis.query("model == @model and level == 'city' and kpi == @name")
            if a.empty or b.empty:
                continue
            cols = ["rep", "level", "key", "kpi", "value"]
            diff = paired_difference(a[cols], b[cols])
            change = float(diff["mean"].to_numpy(dtype=float)[0])
            half = float(diff["half_width"].to_numpy(dtype=float)[0])
            k = catalogue(name, model)  # type: ignore[arg-type]
            today, plan = float(a["value"].mean()), float(b["value"].mean())
            rows.append(
                {
                    "kpi": name,
                    "name_zh": k.label("zh"),
                    "name_en": k.label("en"),
                    "today": today,
                    "plan": plan,
                    "change": change,
                    "half_width": half,
                    "lower_is_better": k.lower_is_better,
                    "today_text": k.format(today),
                    "plan_text": k.format(plan),
                    "change_text": k.paired(change, half),
                }
            )
        return pd.DataFrame(rows)

    def cost_table(self) -> pd.DataFrame:
        """Yearly cost by resource, today and plan, with the budget."""
        rows = []
        for r, (zh, en) in RESOURCES.items():
            rows.append(
                {
                    "resource": r,
                    "name_zh": zh,
                    "name_en": en,
                    "today": self.today.totals.by_resource[r],
                    "plan": self.plan.totals.by_resource[r],
                }
            )
        rows.append(
            {
                "resource": "total",
                "name_zh": "合计",
                "name_en": "Total",
                "today": self.today.totals.total,
                "plan": self.plan.totals.total,
            }
        )
        rows.append(
            {
                "resource": "budget",
                "name_zh": "预算",
                "name_en": "Budget",
                "today": self.today.budget,
                "plan": self.plan.budget,
            }
        )
        df = pd.DataFrame(rows)
        df["change"] = df["plan"] - df["today"]
        return df


#: the harm part through which each resource's value is seen
SEEN_THROUGH = {
    "harm_accident_deaths_per_year": "inspectors",
    "harm_response_deaths_per_year": "vehicles",
    "harm_relief_deaths_per_year": "stocks",
}


def _blind_spots(a: Appraisal) -> list[str]:
    """Notes for harm parts that are zero in every replication: the search cannot see what the
    resource behind them is worth, and may cut it for nothing (e.g. incident types without a
    harm relation, or a window without the relief season)."""
    from anjian.budget import HARM_PARTS

    out = []
    for part, resource in SEEN_THROUGH.items():
        v = a.harm[a.harm["kpi"] == part]["value"].to_numpy(dtype=float)
        if len(v) and not (abs(v) > 0).any():
            zh, en = HARM_PARTS[part]
            rz, re_ = RESOURCES[resource]
            out.append(
                f"注意：{zh}在每次模拟中都为 0，搜索看不到{rz}的价值，可能会削减它。 / "
                f"Note: {en.lower()} is 0 in every replication: the search cannot see what "
                f"{re_.lower()} are worth and may cut them for nothing."
            )
    return out


def _unit_cost(s: Scenario) -> float:
    """The unit a step must be able to buy: an average paid head or the dearest vehicle kind's
    yearly cost, whichever is more (stock comes in units too small to matter)."""
    heads = [
        (n, s.inspector_kinds[k].head_cost_yuan_per_year)
        for row in s.staff.values()
        for k, n in row.items()
        if s.inspector_kinds[k].head_cost_yuan_per_year > 0
    ]
    n = sum(h for h, _ in heads)
    head = sum(h * c for h, c in heads) / n if n else 0.0
    vehicle = max((v.cost_yuan_per_year for v in s.vehicle_kinds.values()), default=0.0)
    return max(head, vehicle)


def _objective_by_rep(a: Appraisal, objective: str = "harm") -> np.ndarray:
    """What the search minimises (:func:`anjian.budget.objective_tidy`) per replication, in
    replication order."""
    h = objective_tidy(a, objective).sort_values("rep")
    return h["value"].to_numpy(dtype=float)


def _selection_note(sel: Selection, names: list[str], objective: str = "harm") -> str:
    """What KN chose and how sure it is (中文 / English)."""
    best = names[sel.best]
    if objective == "harm":
        by_zh, by_en = f"{sel.delta:,.2f} 人/年", f"{sel.delta:,.2f} deaths a year"
    else:
        name_zh, name_en = objective_label(objective)
        by_zh = f"{100 * sel.delta:,.2f} 个百分点（{name_zh}）"
        by_en = f"{100 * sel.delta:,.2f} percentage points of {name_en}"
    if sel.guaranteed:
        return (
            f"排序与选择（KN）：在 {len(names)} 个候选中选出「{best}」，{sel.reps} 次重复；"
            f"若最优者比其余好 {by_zh}以上，选对的概率 ≥ {1 - sel.alpha:.0%}。 / "
            f"Ranking and selection (KN): '{best}' is the best of {len(names)} candidates "
            f"after {sel.reps} replications, with probability ≥ {1 - sel.alpha:.0%} of a "
            f"correct selection when the best is {by_en} better than the rest."
        )
    return (
        f"排序与选择（KN）：{sel.reps} 次重复后仍有 {len(sel.survivors)} 个候选无法区分，"
        f"取均值最低者「{best}」，不保证 {1 - sel.alpha:.0%} 的选对概率"
        "（可增加 --max-reps 或 --delta）。 / "
        f"Ranking and selection (KN): after {sel.reps} replications {len(sel.survivors)} "
        f"candidates are still not told apart; '{best}' has the lowest mean, without the "
        f"{1 - sel.alpha:.0%} guarantee (raise --max-reps or --delta)."
    )


#: the scenario's ``[budget]`` split field of each resource
SPLIT_FIELDS = {
    "inspectors": "inspectors_yuan_per_year",
    "vehicles": "vehicles_yuan_per_year",
    "stocks": "relief_yuan_per_year",
}


def split_caps(s: Scenario) -> dict[str, float]:
    """The resources whose yearly spending the scenario's ``[budget]`` fixes (a split > 0):
    yuan a year at most, by resource. The search never raises a resource above its cap (one
    already above it today may only fall)."""
    b = s.budget
    return {r: float(getattr(b, f)) for r, f in SPLIT_FIELDS.items() if getattr(b, f) > 0}


def default_step(s: Scenario, budget: float) -> float:
    """0.3% of the budget, at least the dearest single unit (so each resource can move one),
    rounded to 2 significant digits."""
    raw = max(0.003 * budget, _unit_cost(s))
    if raw <= 0:
        return 0.0
    digits = math.floor(math.log10(raw)) - 1
    return float(round(raw, -digits))


def recommend(
    s: Scenario,
    *,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    step_yuan: float | None = None,
    rounds: int = 2,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    alpha: float = 0.05,
    delta: float | None = None,
    max_reps: int = 10,
    placement: str = "rules",
    objective: str = "harm",
) -> RunResult:
    """Today's allocation of ``s`` and a better one for the same budget (see the module
    docstring): ``rounds`` at most, steps of ``step_yuan`` (default :func:`default_step`),
    each allocation simulated ``reps`` × ``years`` with ``seed``; a round's six variants on
    ``workers`` processes (default: one per core; the numbers do not depend on it). The plan
    is the best of the candidates on fresh replications by KN with probability of correct
    selection ≥ 1 − ``alpha`` when the best is ``delta`` deaths a year (default 1% of today's
    harm) better than the rest; at most ``max_reps`` replications per candidate.
    ``placement``: where a step's money goes (:data:`anjian.placement.PLACEMENTS`: ``rules``,
    in proportion; ``optimizers``, by the resources' optimizers). ``objective``: what the
    search minimises (:data:`anjian.budget.SEARCH_OBJECTIVES`: harm, or one operational KPI
    to raise — the between-objectives frontier's anchors; δ is then in the KPI's units,
    default half a percentage point)."""
    from anjian.budget import SEARCH_OBJECTIVES
    from anjian.placement import PLACEMENTS

    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    if rounds < 0:
        raise ValueError(f"rounds must be ≥ 0, got {rounds}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05), got {alpha}")
    if delta is not None and not (math.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be a positive number of deaths a year, got {delta}")
    if max_reps < reps:
        raise ValueError(f"max_reps ({max_reps}) must be at least reps ({reps})")
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {sorted(PLACEMENTS)}, got {placement!r}")
    if objective not in SEARCH_OBJECTIVES:
        raise ValueError(
            f"objective must be one of {', '.join(SEARCH_OBJECTIVES)}, got {objective!r}"
        )
    with one_cluster(workers):  # every map below on one cluster, started once
        return _recommend(
            s, years, reps, seed, step_yuan, rounds, workers, progress, alpha, delta, max_reps,
            placement, objective,
        )  # fmt: skip


def _recommend(
    s: Scenario,
    years: float,
    reps: int,
    seed: int,
    step_yuan: float | None,
    rounds: int,
    workers: int | None,
    progress: Callable[[str], None] | None,
    alpha: float,
    delta: float | None,
    max_reps: int,
    placement: str = "rules",
    objective: str = "harm",
) -> RunResult:
    """:func:`recommend`, its arguments checked."""
    from anjian.placement import placement as make_placement

    t0 = time.perf_counter()
    tick = progress or (lambda _m: None)
    place = make_placement(placement, s, progress=tick)
    tick("现状 today")
    today = appraise(s, years=years, reps=reps, seed=seed)
    budget = today.budget
    step = default_step(s, budget) if step_yuan is None else float(step_yuan)
    if not step > 0:
        raise ValueError(f"step_yuan must be positive, got {step}")
    if step > 0.25 * budget:
        raise ValueError(
            f"step_yuan ({step:,.0f}) is more than a quarter of the budget "
            f"({budget:,.0f} yuan a year): choose a smaller --step"
        )
    cur, a_cur = s, today
    overrides: dict[str, Any] = {}
    move_rows: list[dict[str, Any]] = []
    margin_frames: list[pd.DataFrame] = []
    # a harm part that is zero everywhere hides what a resource is worth — to a harm search
    notes: list[str] = _blind_spots(today) if objective == "harm" else []
    caps = split_caps(s)
    if caps:
        notes.append(
            "预算分项上限 / the budget's split caps: "
            + "; ".join(
                f"{RESOURCES[r][0]} / {RESOURCES[r][1]} ≤ {v:,.0f} 元/年 yuan a year "
                f"(现状 today {today.totals.by_resource[r]:,.0f})"
                for r, v in caps.items()
            )
        )
    from anjian.sim.stats import paired_difference

    tol = TOLERANCE_SHARE * step
    kept: list[tuple[str, dict[str, Any], Scenario]] = []  # allocations after improving rounds
    rnd = improving = 0
    while True:
        over_budget = a_cur.totals.total > budget + tol
        if not over_budget and improving >= rounds:
            break
        if rnd >= rounds + MAX_CUTS:
            break
        rnd += 1
        improving += 0 if over_budget else 1
        tick(f"第 {rnd} 轮 round {rnd}")
        margins, moves, skipped, _ = step_margins(
            cur,
            a_cur,
            step,
            rnd,
            tick,
            workers or default_workers(),
            (-1,) if over_budget else (1, -1),
            place,
            objective,
        )
        margin_frames.append(margins)
        for r, why in skipped:
            note = f"第 {rnd} 轮 round {rnd}: {RESOURCES[r][0]} / {RESOURCES[r][1]}: {why}"
            if note.split(": ", 1)[1] not in " ".join(notes):
                notes.append(note)
        if margins.empty:
            notes.append(
                "没有可买或可减的资源。 / Nothing to move: no resource can be bought or cut."
            )
            break
        up = margins[margins["direction"] == "more"]
        down = margins[margins["direction"] == "less"]
        up_change, up_half = (
            by_key(up, "resource", "objective_change"),
            by_key(up, "resource", "objective_half_width"),
        )
        up_per = by_key(up, "resource", "objective_per_10k_yuan")
        down_change = by_key(down, "resource", "objective_change")
        down_per = by_key(down, "resource", "objective_per_10k_yuan")
        slack = budget - a_cur.totals.total
        cand: tuple[str | None, str | None, float] | None = None  # donor, receiver, predicted
        up_yuan = by_key(up, "resource", "yuan_per_year")
        # a significant gain, keeping the resource within its split cap
        good = [
            r
            for r in up_change
            if up_change[r] + up_half[r] < 0
            and (r not in caps or a_cur.totals.by_resource[r] + up_yuan[r] <= caps[r] + tol)
        ]
        if over_budget:
            saving = [d for d in down_change if by_key(down, "resource", "yuan_per_year")[d] < 0]
            if saving:
                d = min(saving, key=lambda k: down_per[k])
                cand = (d, None, down_change[d])
        elif slack >= 0.5 * step and good:
            r = min(good, key=lambda k: up_per[k])
            cand = (None, r, up_change[r])
        else:
            pairs = [
                (down_change[d] + up_change[r], d, r) for d in down_change for r in good if d != r
            ]
            if pairs:
                pred, d, r = min(pairs)
                if pred < 0:
                    cand = (d, r, pred)
        if cand is None:
            if over_budget:
                notes.append(
                    f"第 {rnd} 轮：超出预算，但已无可减项。 / Round {rnd}: over the "
                    "budget, and nothing is left to cut."
                )
            else:
                if objective == "harm":
                    notes.append(
                        f"第 {rnd} 轮：没有预计能降低伤害的调整。 / Round {rnd}: no move "
                        "is predicted to lower harm."
                    )
                else:
                    zh, en = objective_label(objective)
                    notes.append(
                        f"第 {rnd} 轮：没有预计能显著提高「{zh}」的调整。 / Round {rnd}: no "
                        f"move is predicted to raise {en} significantly."
                    )
            break
        donor, receiver, pred = cand
        over: dict[str, Any] = {}
        if donor is not None:
            over.update(moves[(donor, -1)])
        if receiver is not None:
            over.update(moves[(receiver, 1)])
        tick(f"验证 verifying: {donor or '—'} → {receiver or '—'}")
        trial = cur.with_(over)
        a_new = appraise(
            trial,
            years=years,
            reps=reps,
            seed=seed,
            budget=budget,
            inspections=a_cur.inspections if inspections_unchanged(over) else None,
        )
        diff = paired_difference(a_cur.harm, a_new.harm)
        h_mean = by_key(diff, "kpi", "mean")["harm_deaths_per_year"]
        h_half = by_key(diff, "kpi", "half_width")["harm_deaths_per_year"]
        od = paired_difference(objective_tidy(a_cur, objective), objective_tidy(a_new, objective))
        mean, half = float(od["mean"].iloc[0]), float(od["half_width"].iloc[0])
        within = a_new.totals.total <= budget + tol and all(
            a_new.totals.by_resource[r] <= max(caps[r], a_cur.totals.by_resource[r]) + tol
            for r in caps
        )
        better = mean + half < 0 if math.isfinite(half) else mean < 0
        cheaper = a_new.totals.total < a_cur.totals.total
        accepted = bool(cheaper if over_budget else (within and better))
        move_rows.append(
            {
                "round": rnd,
                "from": donor or "",
                "to": receiver or "",
                "yuan_per_year": float(a_new.totals.total - a_cur.totals.total),
                "predicted_harm_change": pred,
                "harm_change": h_mean,
                "half_width": h_half,
                "within_budget": bool(within),
                "accepted": accepted,
                "objective_change": mean,
                "objective_half_width": half,
            }
        )
        if not accepted:
            src = " / ".join(RESOURCES[donor]) if donor else "—"
            dst = " / ".join(RESOURCES[receiver]) if receiver else "—"
            if not within and a_new.totals.total > budget + tol:
                zh = f"超出预算 {a_new.totals.total - budget:,.0f} 元"
                en = f"it would exceed the budget by {a_new.totals.total - budget:,.0f} yuan"
            elif not within:
                zh = "超出预算分项上限"
                en = "it would exceed a resource's cap in the budget's split"
            elif objective == "harm":
                zh = f"伤害变化 {mean:+,.3f} ± {half:,.3f} 不显著"
                en = f"its harm change {mean:+,.3f} ± {half:,.3f} is not a significant fall"
            else:
                pts, hp = -100 * mean, 100 * half
                name_zh, name_en = objective_label(objective)
                zh = f"「{name_zh}」变化 {pts:+,.2f} ± {hp:,.2f} 个百分点，不显著"
                en = (
                    f"its change in {name_en}, {pts:+,.2f} ± {hp:,.2f} pts, is not a "
                    "significant rise"
                )
            notes.append(
                f"第 {rnd} 轮：{src} → {dst} 未采纳（{zh}），搜索结束。 / Round {rnd}: "
                f"the move {src} → {dst} was not kept ({en}); the search ends."
            )
            break
        cur, a_cur = trial, a_new
        overrides.update(over)
        if not over_budget:
            kept.append((f"第 {rnd} 轮后 after round {rnd}", dict(overrides), cur))
    if a_cur.totals.total > budget + tol:
        gap = a_cur.totals.total - budget
        notes.append(
            f"方案仍超出预算 {gap:,.0f} 元/年：请增大 --rounds、步长或预算。 / The plan is "
            f"still {gap:,.0f} yuan a year over the budget: raise --rounds, the step "
            "or the budget."
        )
    # the search chose among noisy estimates on one set of replications: the comparison it
    # reports is made afresh, on new replications (seed + 1), and the plan is the best of the
    # candidates (today, the allocation after each improving round, and the plan over budget
    # if cuts came first) by Kim & Nelson's KN procedure (anjian.selection)
    fresh = seed + 1
    tick(f"新一组模拟比较 comparing on fresh replications (seed {fresh})")
    cands: list[tuple[str, dict[str, Any], Scenario]] = [("现状 today", {}, s)]
    if overrides and (not kept or kept[-1][1] != overrides):
        kept.append(("方案 plan", dict(overrides), cur))
    cands += kept
    # eligible: within the budget on the search's replications (per-use fees vary with the
    # work, so a fresh seed can put today a few yuan over the budget that today defines)
    eligible = [today.totals.total <= budget + tol] + [
        c[1] != overrides or a_cur.totals.total <= budget + tol for c in kept
    ]
    fresh_a = appraise_many(
        s,
        [c[1] for c in cands],
        years=years,
        reps=reps,
        seed=fresh,
        budget=budget,
        workers=workers or default_workers(),
        progress=lambda i, n: tick(f"{i}/{n}"),
    )
    today_f = fresh_a[0]
    chosen, selection = len(cands) - 1, None
    if len(cands) > 1:
        first = np.array([_objective_by_rep(a, objective) for a in fresh_a])
        if delta is not None:
            gap = delta
        elif objective == "harm":
            gap = DELTA_SHARE * float(first[0].mean())
        else:
            gap = DELTA_KPI
        if not gap > 0:
            gap = 1e-6
        in_budget = [i for i in range(len(cands)) if eligible[i]]

        def more(alive: list[int], r: int) -> np.ndarray:
            tick(f"排序与选择 ranking and selection: replication {r + 1}")
            got = appraise_many(
                s,
                [cands[in_budget[i]][1] for i in alive],
                years=years,
                reps=1,
                seed=fresh,
                budget=budget,
                first=r,
                workers=workers or default_workers(),
            )
            return np.array([_objective_by_rep(a, objective)[0] for a in got])

        if len(in_budget) >= 2:
            selection = kn_select(
                first[in_budget], delta=gap, alpha=alpha, more=more, max_reps=max_reps
            )
            chosen = in_budget[selection.best]
            notes.append(_selection_note(selection, [cands[i][0] for i in in_budget], objective))
    cur = cands[chosen][2]
    overrides = dict(cands[chosen][1])
    plan_f = fresh_a[chosen]
    settings = {
        "scenario": s.meta.name,
        "years": years,
        "reps": reps,
        "search_seed": seed,
        "comparison_seed": fresh,
        "step_yuan": step,
        "rounds": rounds,
        "placement": placement,
        "objective": objective,
        "budget_yuan_per_year": budget,
        "selection": None
        if selection is None
        else {
            "procedure": "KN (Kim & Nelson 2001)",
            "candidates": [c[0] for c in cands],
            "alpha": selection.alpha,
            "delta_deaths_per_year": selection.delta,
            "replications": selection.reps,
            "guaranteed": selection.guaranteed,
            "selected": cands[chosen][0],
        },
    }
    margins_all = (
        pd.concat(margin_frames, ignore_index=True)
        if margin_frames
        else pd.DataFrame(columns=STEP_COLUMNS)
    )
    return RunResult(
        s,
        cur,
        today_f,
        plan_f,
        overrides,
        pd.DataFrame(move_rows, columns=MOVE_COLUMNS),
        margins_all,
        settings,
        time.perf_counter() - t0,
        notes,
    )

"""Budget page (issue 18): what today's allocation costs, item by item, and the main job —
a better allocation of the same budget, found with the simulator in the loop (``anjian run``),
with its costs, harm and KPIs against today and its HTML report. Model logic lives in
:mod:`anjian.budget` and :mod:`anjian.run`."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from anjian import Scenario
from anjian.budget import ITEMS, RESOURCES, budget_yuan_per_year, cost_sheet, totals
from anjian.district_margins import margins_by_district
from anjian.frontier import Frontier, frontier
from anjian.jobs import Job
from anjian.plan_edit import compare_edit
from anjian.run import RunResult, default_step, recommend
from anjian.run_report import write_report

from .common import (
    cached_variant,
    current_scenario,
    job_on_click,
    lasting_radio,
    overrides_json,
    scenario_ref,
)
from .text import t

BASIS = {
    "fixed": ("固定", "fixed"),
    "simulated": ("模拟", "simulated"),
    "one_time": ("一次性", "one-time"),
}


def _yuan(v: float, lang: str) -> str:
    if not math.isfinite(v):
        return "—"
    text = f"{v:,.2f}" if abs(v) < 100 and abs(v - round(v)) > 1e-9 else f"{v:,.0f}"
    return f"{text} 元" if lang == "zh" else f"{text} yuan"


def _signed_yuan(v: float, lang: str) -> str:
    return ("+" if v > 0 else "") + _yuan(v, lang)


def sheet_table(sheet: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The cost sheet with labels in ``lang`` and formatted numbers."""
    i = 0 if lang == "zh" else 1
    rows = []
    for r in sheet.to_dict("records"):
        qty = float(r["quantity"])
        rows.append(
            {
                t("budget_col_resource", lang): RESOURCES[str(r["resource"])][i],
                t("budget_col_item", lang): ITEMS[str(r["item"])][i],
                t("budget_col_kind", lang): "" if r["key"] == "all" else str(r["name_" + lang]),
                t("budget_col_basis", lang): BASIS[str(r["basis"])][i],
                t("budget_col_quantity", lang): "—" if not math.isfinite(qty) else f"{qty:,.0f}",
                t("budget_col_unit_cost", lang): _yuan(float(r["unit_cost_yuan"]), lang),
                t("budget_col_yuan", lang): _yuan(float(r["yuan_per_year"]), lang),
            }
        )
    return pd.DataFrame(rows)


def _run(
    job: Job,
    ref: str,
    edits: str,
    years: float,
    reps: int,
    step: float,
    rounds: int,
    alpha: float = 0.05,
    delta: float = 0.0,
    max_reps: int = 10,
    placement: str = "rules",
) -> RunResult:
    """The search with a progress bar (kept in the session by the caller: a run takes
    minutes and is not repeated on every rerun)."""
    s = cached_variant(ref, edits)
    tick = _ticker(job, 12 * max(1, rounds) + 4)
    return recommend(
        s,
        years=years,
        reps=reps,
        step_yuan=step,
        rounds=rounds,
        progress=tick,
        alpha=alpha,
        delta=delta or None,
        max_reps=max(max_reps, reps),
        placement=placement,
    )


def _ticker(job: Job, steps: int) -> Callable[[str], None]:
    """A progress callback of messages for ``job``: each message a step of about ``steps``."""

    job.paced = False  # stages of unlike length: the bar counts them, no time estimate

    def tick(message: str) -> None:
        job.report(min(job.done + 1, steps - 1), steps)
        job.say(message)

    return tick


def _report_bytes(result: RunResult) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_report(result, Path(tmp)).read_bytes()


def _verdict(result: RunResult, lang: str) -> None:
    hd = {str(r["kpi"]): r for r in result.harm_diff().to_dict("records")}
    total = hd.get("harm_deaths_per_year")
    if not result.overrides or total is None:
        st.info(t("budget_same", lang))
        return
    ch, hw = float(total["change"]), float(total["half_width"])
    text = t("budget_verdict", lang).format(change=ch, half=hw)
    if math.isfinite(hw) and ch + hw < 0:
        st.success(text)
    else:
        st.warning(text + " " + t("budget_not_significant", lang))


def _results(result: RunResult, lang: str) -> None:
    i = 0 if lang == "zh" else 1
    _verdict(result, lang)
    ct = result.cost_table()
    st.subheader(t("budget_costs", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_col_resource", lang): ct["name_" + lang],
                t("budget_today", lang): [_yuan(v, lang) for v in ct["today"]],
                t("budget_plan", lang): [_yuan(v, lang) for v in ct["plan"]],
                t("budget_change", lang): [_signed_yuan(v, lang) for v in ct["change"]],
            }
        ),
        hide_index=True,
        key="budget_costs_table",
    )
    st.subheader(t("budget_harm", lang))
    hd = result.harm_diff()
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_col_part", lang): hd["name_" + lang],
                t("budget_today", lang): [f"{v:,.2f}" for v in hd["today"]],
                t("budget_plan", lang): [f"{v:,.2f}" for v in hd["plan"]],
                t("budget_change_ci", lang): [
                    f"{c:+,.2f} ± {h:,.2f}"
                    for c, h in zip(hd["change"], hd["half_width"], strict=True)
                ],
            }
        ),
        hide_index=True,
        key="budget_harm_table",
    )
    st.subheader(t("budget_kpis", lang))
    kd = result.kpi_diff()
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_col_kpi", lang): kd["name_" + lang],
                t("budget_today", lang): kd["today_text"],
                t("budget_plan", lang): kd["plan_text"],
                t("budget_change_ci", lang): kd["change_text"],
            }
        ),
        hide_index=True,
        key="budget_kpi_table",
    )
    st.subheader(t("budget_moves", lang))
    if result.moves.empty:
        st.caption(t("budget_no_moves", lang))
    else:
        mv = result.moves

        def name(r: str) -> str:
            return RESOURCES[r][i] if r in RESOURCES else "—"

        st.dataframe(
            pd.DataFrame(
                {
                    t("budget_round", lang): mv["round"],
                    t("budget_from", lang): [name(r) for r in mv["from"]],
                    t("budget_to", lang): [name(r) for r in mv["to"]],
                    t("budget_col_yuan", lang): [
                        _signed_yuan(v, lang) for v in mv["yuan_per_year"]
                    ],
                    t("budget_change_ci", lang): [
                        f"{c:+,.2f} ± {h:,.2f}"
                        for c, h in zip(mv["harm_change"], mv["half_width"], strict=True)
                    ],
                    t("budget_accepted", lang): [
                        t("yes", lang) if a else t("no", lang) for a in mv["accepted"]
                    ],
                }
            ),
            hide_index=True,
            key="budget_moves_table",
        )
    for note in result.notes:
        st.caption(note.split(" / ")[0] if lang == "zh" else note.split(" / ", 1)[-1])
    if not result.margins.empty:
        st.subheader(t("budget_margins", lang))
        m = result.margins
        st.dataframe(
            pd.DataFrame(
                {
                    t("budget_round", lang): m["round"],
                    t("budget_col_resource", lang): m["name_" + lang],
                    t("budget_what", lang): m["what"],
                    t("budget_col_yuan", lang): [_signed_yuan(v, lang) for v in m["yuan_per_year"]],
                    t("budget_change_ci", lang): [
                        f"{c:+,.3f} ± {h:,.3f}"
                        for c, h in zip(m["harm_change"], m["half_width"], strict=True)
                    ],
                }
            ),
            hide_index=True,
            key="budget_margins_table",
        )
    st.download_button(
        t("budget_report", lang),
        _report_bytes(result),
        file_name=f"anjian-run-{result.settings['scenario']}.html",
        mime="text/html",
        key="budget_report_download",
    )


def _frontier_run(
    job: Job, ref: str, edits: str, result: RunResult, up: int, down: int
) -> Frontier:
    """The frontier from the run's plan (its progress on ``job``)."""
    s = cached_variant(ref, edits)
    tick = _ticker(job, 8 * (up + down) + 4)
    return frontier(s, up=up, down=down, start="plan", run=result, progress=tick)


def _frontier_view(f: Frontier, lang: str) -> None:
    import plotly.graph_objects as go

    df = f.points.sort_values(["total_yuan_per_year", "harm_deaths_per_year"])
    names = {"today": t("budget_today", lang), "plan": t("budget_plan", lang)}
    steps = t("budget_frontier_steps", lang)
    label = [names.get(str(p), f"{p} {steps}") for p in df["point"]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=df["total_yuan_per_year"] / 1e6,
            y=df["frontier_deaths_per_year"],
            mode="lines",
            line={"shape": "hv", "color": "#2a6f97"},
            name=t("budget_frontier_line", lang),
        )
    )
    colour = [{"today": "#c0392b", "plan": "#27ae60"}.get(str(p), "#2a6f97") for p in df["point"]]
    fig.add_trace(
        go.Scatter(
            x=df["total_yuan_per_year"] / 1e6,
            y=df["harm_deaths_per_year"],
            error_y={"type": "data", "array": df["half_width"], "visible": True},
            mode="markers+text",
            text=label,
            textposition=["bottom right" if str(p) == "plan" else "top right" for p in df["point"]],
            marker={
                "size": 10,
                "color": colour,
                "symbol": ["circle" if k else "circle-open" for k in df["non_dominated"]],
            },
            name=t("budget_frontier_points", lang),
        )
    )
    fig.update_layout(
        xaxis_title=t("budget_frontier_x", lang),
        yaxis_title=t("budget_frontier_y", lang),
        height=420,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    st.plotly_chart(fig, width="stretch", key="budget_frontier_chart")
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_frontier_point", lang): label,
                t("budget_what", lang): list(df["move"]),
                t("budget_col_yuan", lang): [_yuan(v, lang) for v in df["total_yuan_per_year"]],
                t("budget_harm", lang): [
                    f"{h:,.2f} ± {w:,.2f}"
                    for h, w in zip(df["harm_deaths_per_year"], df["half_width"], strict=True)
                ],
                t("budget_frontier_vs_today", lang): [
                    f"{c:+,.2f} ± {w:,.2f}"
                    for c, w in zip(df["change_vs_today"], df["change_half_width"], strict=True)
                ],
                t("budget_frontier_kept", lang): [
                    t("yes", lang) if k else t("no", lang) for k in df["non_dominated"]
                ],
            }
        ),
        hide_index=True,
        key="budget_frontier_table",
    )
    for note in f.notes:
        st.caption(note.split(" / ")[0] if lang == "zh" else note.split(" / ", 1)[-1])


def _frontier_section(args: list[Any], result: RunResult, lang: str) -> None:
    st.subheader(t("budget_frontier", lang))
    st.caption(t("budget_frontier_help", lang))
    c = st.columns(2)
    up = int(c[0].number_input(t("budget_frontier_up", lang), 0, 10, 4, 1, key="budget_up"))
    down = int(c[1].number_input(t("budget_frontier_down", lang), 0, 10, 4, 1, key="budget_down"))
    key = [*args, up, down]
    clicked = st.button(t("budget_frontier_run", lang), key="budget_frontier_run")
    if clicked and up + down == 0:
        st.error(t("budget_frontier_none", lang))
        return
    job = job_on_click(clicked and up + down > 0, f"budget-frontier-{json.dumps(key)}",
                       lambda j: _frontier_run(j, args[0], args[1], result, up, down),
                       lang)  # fmt: skip
    if job is not None:
        if isinstance(job.error, ValueError):
            st.error(f"{t('no_plan', lang)}: {job.error}")
            return
        if job.error is not None:
            raise job.error
        st.session_state["budget_frontier"] = (key, job.result)
    done = st.session_state.get("budget_frontier")
    if done is not None and done[0] == key:
        _frontier_view(done[1], lang)


def _edit_section(args: list[Any], result: RunResult, lang: str) -> None:
    """The planner's own edit of the plan: whole steps more or less of each resource,
    simulated on the run's comparison replications against today and the plan."""
    i = 0 if lang == "zh" else 1
    st.subheader(t("budget_edit", lang))
    step = float(result.settings["step_yuan"])
    st.caption(t("budget_edit_help", lang).format(step=_yuan(step, lang)))
    c = st.columns(3)
    steps = {
        r: int(c[j].number_input(names[i], -10, 10, 0, 1, key=f"budget_edit_{r}"))
        for j, (r, names) in enumerate(RESOURCES.items())
    }
    key = [*args, steps]
    clicked = st.button(t("budget_edit_run", lang), key="budget_edit_run")
    if clicked and not any(steps.values()):
        st.error(t("budget_edit_none", lang))
        return
    job = job_on_click(clicked and any(steps.values()), f"budget-edit-{json.dumps(key)}",
                       lambda j: compare_edit(result, steps), lang)  # fmt: skip
    if job is not None:
        if isinstance(job.error, ValueError):
            st.error(f"{t('budget_edit_bad', lang)}: {job.error}")
            return
        if job.error is not None:
            raise job.error
        st.session_state["budget_edit"] = (key, job.result)
    done = st.session_state.get("budget_edit")
    if done is None or done[0] != key:
        return
    e = done[1]
    for w in e.what:
        st.caption(w)
    if not e.within_budget:
        st.warning(
            t("budget_edit_over", lang).format(
                over=_yuan(e.appraisal.totals.total - e.appraisal.budget, lang)
            )
        )
    costs = e.costs
    st.caption(t("budget_costs", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_col_resource", lang): costs["name_" + lang],
                t("budget_today", lang): [_yuan(v, lang) for v in costs["today"]],
                t("budget_plan", lang): [_yuan(v, lang) for v in costs["plan"]],
                t("budget_edit_col", lang): [_yuan(v, lang) for v in costs["edit"]],
            }
        ),
        hide_index=True,
        key="budget_edit_costs",
    )
    h = e.harm
    st.caption(t("budget_harm", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_col_part", lang): h["name_" + lang],
                t("budget_today", lang): [f"{v:,.2f}" for v in h["today"]],
                t("budget_plan", lang): [f"{v:,.2f}" for v in h["plan"]],
                t("budget_edit_col", lang): [f"{v:,.2f}" for v in h["edit"]],
                t("budget_edit_vs_today", lang): [
                    f"{c:+,.2f} ± {w:,.2f}"
                    for c, w in zip(h["vs_today"], h["vs_today_half_width"], strict=True)
                ],
                t("budget_edit_vs_plan", lang): [
                    f"{c:+,.2f} ± {w:,.2f}"
                    for c, w in zip(h["vs_plan"], h["vs_plan_half_width"], strict=True)
                ],
            }
        ),
        hide_index=True,
        key="budget_edit_harm",
    )


#: what each resource's margins add in a district (中文, English)
RESOURCE_NAMES = {
    "vehicles": {"zh": "一辆车", "en": "one vehicle"},
    "inspectors": {"zh": "每类检查人员一人", "en": "one inspector of each kind"},
    "stocks": {"zh": "每年 10 万元物资", "en": "100,000 yuan a year of stock"},
}


def _district_section(args: list[Any], result: RunResult, lang: str) -> None:
    """What one more vehicle, inspector or stock buys in each district, at the plan (paired,
    CRN)."""
    st.subheader(t("budget_districts", lang))
    st.caption(t("budget_districts_help", lang))
    resource = lasting_radio(
        t("budget_districts_resource", lang),
        list(RESOURCE_NAMES),
        lambda r: RESOURCE_NAMES[r][lang],
        "budget_districts_resource",
        lang,
        horizontal=True,
    )
    key = [*args, resource]
    clicked = st.button(t("budget_districts_run", lang), key="budget_districts_run")
    rs = result.settings

    def margins(job: Job) -> pd.DataFrame:
        return margins_by_district(
            result.plan_scenario,
            resource,
            years=rs["years"],
            reps=rs["reps"],
            seed=rs["search_seed"],
            progress=_ticker(job, len(result.plan_scenario.districts) + 2),
        )

    job = job_on_click(clicked, f"budget-districts-{json.dumps(key)}", margins, lang)
    if job is not None:
        if isinstance(job.error, ValueError):
            st.error(f"{t('no_plan', lang)}: {job.error}")
            return
        if job.error is not None:
            raise job.error
        st.session_state["budget_districts"] = (key, job.result)
    done = st.session_state.get("budget_districts")
    if done is None or done[0] != key:
        return
    df = done[1]
    saves = t("budget_districts_saves", lang)
    st.dataframe(
        pd.DataFrame(
            {
                t("budget_districts_col", lang): [
                    f"{z} {p}" for z, p in zip(df["name_zh"], df["name_pinyin"], strict=True)
                ],
                t("budget_districts_what", lang): df["what"].astype(str).tolist(),
                t("budget_col_yuan", lang): [
                    _signed_yuan(v, lang) for v in df["added_yuan_per_year"]
                ],
                t("budget_change_ci", lang): [
                    f"{c:+,.3f} ± {h:,.3f}"
                    for c, h in zip(df["harm_change"], df["half_width"], strict=True)
                ],
                t("budget_districts_per10k", lang): [
                    saves if s else ("—" if v != v else f"{v:+,.4f}")
                    for s, v in zip(
                        df["saves_money"], df["deaths_averted_per_10k_yuan"], strict=True
                    )
                ],
                t("budget_districts_sig", lang): [
                    t("yes", lang) if k else t("no", lang) for k in df["significant"]
                ],
            }
        ),
        hide_index=True,
        key="budget_districts_table",
    )


def _settings(
    s: Scenario, budget: float, lang: str
) -> tuple[float, int, float, int, float, float, int, str]:
    c = st.columns(4)
    years = float(
        c[0].number_input(t("budget_years", lang), 0.25, 5.0, 1.0, 0.25, key="budget_years")
    )
    reps = int(c[1].number_input(t("budget_reps", lang), 2, 20, 3, 1, key="budget_reps"))
    step0 = default_step(s, budget) or 1.0
    step = float(
        c[2].number_input(
            t("budget_step", lang),
            1.0,
            max(step0, budget or step0),
            step0,
            step0 / 10,
            format="%.0f",
            key="budget_step",
        )
    )
    rounds = int(c[3].number_input(t("budget_rounds", lang), 0, 10, 2, 1, key="budget_rounds"))
    place = lasting_radio(
        t("budget_place", lang),
        ["rules", "optimizers"],
        lambda k: t(f"budget_place_{k}", lang),
        "budget_place",
        lang,
        horizontal=True,
        help=t("budget_place_help", lang),
    )
    with st.expander(t("budget_selection", lang)):
        st.caption(t("budget_selection_help", lang))
        k = st.columns(3)
        alpha = float(
            k[0].number_input(
                t("budget_alpha", lang), 0.01, 0.5, 0.05, 0.01, format="%.2f", key="budget_alpha"
            )
        )
        delta = float(
            k[1].number_input(
                t("budget_delta", lang), 0.0, 1e6, 0.0, 0.5, format="%.2f", key="budget_delta"
            )
        )
        max_reps = int(
            k[2].number_input(t("budget_max_reps", lang), 2, 50, 10, 1, key="budget_max_reps")
        )
    return years, reps, step, rounds, alpha, delta, max_reps, place


def render() -> None:
    lang = st.session_state["lang"]
    st.header(t("page_budget", lang))
    s = current_scenario(lang)
    if s is None:
        return
    sheet = cost_sheet(s)
    tot = totals(sheet)
    budget = budget_yuan_per_year(s, tot.total)
    c = st.columns(3)
    c[0].metric(
        t("budget_fixed_total", lang), _yuan(tot.total, lang), help=t("budget_fixed_help", lang)
    )
    c[1].metric(t("budget_budget", lang), _yuan(budget, lang), help=t("budget_budget_help", lang))
    c[2].metric(t("budget_left", lang), _signed_yuan(budget - tot.total, lang))
    st.subheader(t("budget_sheet", lang))
    st.dataframe(sheet_table(sheet, lang), hide_index=True, key="budget_sheet_table")
    st.subheader(t("budget_search", lang))
    st.caption(t("budget_search_help", lang))
    args: tuple[Any, ...] = (scenario_ref(), overrides_json(), *_settings(s, budget, lang))
    clicked = st.button(t("budget_run", lang), type="primary", key="budget_run")
    job = job_on_click(clicked, f"budget-{json.dumps(args)}", lambda j: _run(j, *args), lang)
    if job is not None:
        if isinstance(job.error, ValueError):
            st.error(f"{t('no_plan', lang)}: {job.error}")
            return
        if job.error is not None:
            raise job.error
        st.session_state["budget_result"] = (list(args), job.result)
    done = st.session_state.get("budget_result")
    if done is None or done[0] != list(args):
        st.info(t("budget_not_run", lang))
        return
    _results(done[1], lang)
    _frontier_section(list(args), done[1], lang)
    _edit_section(list(args), done[1], lang)
    _district_section(list(args), done[1], lang)
    st.caption(t("budget_not_built", lang))

"""Optimize page, inspector headcounts: each district × kind's staff planned from the inspection
model's district curves within a change limit at today's cost, and its simulated verification
against today and three rules (by premises, population, risk)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anjian import InspectionConfig, InspectorPlan, OptimizeError, Scenario, optimize_inspectors
from anjian.kpis import kpi

from .common import (
    cached_variant,
    district_label,
    overrides_json,
    paired_lookup,
    run_on_click,
    scenario_ref,
)
from .text import t

CASES = ("plan", "by_sites", "by_population", "by_risk")
VERSUS = ("plan_vs_by_sites", "plan_vs_by_population", "plan_vs_by_risk")


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_staff_plan(
    ref: str, edits_json: str, objective: str, max_change: float, reps: int, verify: int
) -> InspectorPlan:
    """The headcount plan for hashable settings (the district curves are also cached on disk
    by scenario content). One process: the app does not start a cluster."""
    s = cached_variant(ref, edits_json)
    return optimize_inspectors(
        s, objective=objective, max_change=max_change, reps=reps,  # type: ignore[arg-type]
        verify_reps=verify, config=InspectionConfig(years=1.0, seed=0), workers=1,
    )  # fmt: skip


def render(s: Scenario, lang: str) -> None:
    c1, c2, c3 = st.columns(3)
    goals = ["ontime", "deaths"]
    saved = st.session_state.get("staff_objective_choice", "ontime")
    objective = c1.radio(t("staff_objective", lang), goals, index=goals.index(saved),
                         format_func=lambda o: t(f"staff_obj_{o}", lang),
                         key=f"staff_objective_{lang}")  # fmt: skip
    st.session_state["staff_objective_choice"] = objective
    change = c2.slider(t("freq_max_change", lang), 5, 50, 20, 5, format="%d%%",
                       key="staff_change") / 100  # fmt: skip
    reps = c3.number_input(t("freq_reps", lang), 1, 5, 2, 1, key="staff_reps")
    verify = c3.number_input(t("verify_reps", lang), 2, 10, 3, 1, key="staff_verify")
    st.caption(t("staff_note", lang))
    args = (scenario_ref(), overrides_json(), str(objective), float(change), int(reps),
            int(verify))  # fmt: skip
    plan = run_on_click(lang, "staff_run", args, cached_staff_plan, (OptimizeError, ValueError))
    if plan is None:
        return
    zh = lang == "zh"
    table = plan.table
    moved = table[table["change"] != 0]
    m = st.columns(3)
    colon = "：" if zh else ": "
    m[0].metric(t("staff_cost", lang), f"{plan.cost_plan_yuan:,.0f}",
                f"{plan.cost_plan_yuan - plan.cost_today_yuan:+,.0f}", delta_color="inverse",
                help=f"{t('today', lang)}{colon}{plan.cost_today_yuan:,.0f}")  # fmt: skip
    heads = int(moved["change"].abs().sum())
    m[1].metric(t("staff_moved", lang), f"{len(moved):,} / {len(table):,}",
                help=t("staff_moved_help", lang).format(heads=heads))  # fmt: skip
    digits = ",.0f" if plan.objective == "ontime" else ",.2f"
    m[2].metric(t(f"staff_est_{plan.objective}", lang), f"{plan.estimate:+{digits}}")
    sim = ("—" if plan.simulated is None
           else f"{plan.simulated[0]:+{digits}} ± {plan.simulated[1]:{digits}}")  # fmt: skip
    state = t("staff_stable" if plan.stable else "staff_not_stable", lang)
    if plan.simulated is not None and abs(plan.simulated[0]) <= plan.simulated[1]:
        sim += t("staff_not_significant", lang)
    st.caption(t("staff_rounds", lang).format(rounds=plan.rounds, state=state, sim=sim,
                                              est=f"{plan.estimate:+{digits}}"))  # fmt: skip
    st.caption(t("staff_cost_note", lang))
    bought = table[table["bought"] & (table["plan"] > 0)]
    if len(bought):
        st.caption(
            t("staff_bought", lang).format(
                posts=int(bought["plan"].sum()),
                n=len(bought),
                cost=float(bought["cost_change_yuan"].sum()),
            )
        )
    st.subheader(t("staff_table", lang))
    kinds = s.inspector_kinds
    shown = moved if len(moved) else table
    st.dataframe(pd.DataFrame({
        t("freq_district", lang): [district_label(s, a, lang) for a in shown["adcode"]],
        t("freq_kind", lang): [kinds[k].name_zh if zh else kinds[k].name_en
                               for k in shown["kind"]],
        t("today", lang): [f"{x:,}" for x in shown["today"]],
        t("plan", lang): [f"{x:,}" for x in shown["plan"]],
        t("change", lang): [f"{x:+,}" for x in shown["change"]],
        t("staff_cost_change", lang): [f"{x:+,.0f}" for x in shown["cost_change_yuan"]],
    }), hide_index=True, key="staff_plan_table")  # fmt: skip
    value = t(f"staff_margin_value_{plan.objective}", lang)
    vs = plan.versus_sites
    if vs is not None and (vs["difference"] != 0).any():
        st.subheader(t("staff_versus", lang))
        top = vs[vs["difference"] != 0].head(15)
        st.dataframe(pd.DataFrame({
            t("freq_district", lang): [district_label(s, a, lang) for a in top["adcode"]],
            t("freq_kind", lang): top["kind_zh"] if zh else top["kind_en"],
            t("staff_by_sites", lang): [f"{x:,}" for x in top["by_sites"]],
            t("plan", lang): [f"{x:,}" for x in top["plan"]],
            t("staff_plan_minus_rule", lang): [f"{x:+,}" for x in top["difference"]],
            t("staff_at_rule", lang): [f"{x:,.4g}" for x in top["per_10k_yuan_at_rule"]],
        }), hide_index=True, key="staff_versus_table")  # fmt: skip
        unit = f"末列单位：{value}。" if zh else f" Unit of the last column: {value}."
        st.caption(t("staff_versus_note", lang) + unit)
    if plan.margin is not None and len(plan.margin):
        st.subheader(t("staff_margin", lang))
        mg = plan.margin.head(10)
        st.dataframe(pd.DataFrame({
            t("freq_district", lang): [district_label(s, a, lang) for a in mg["adcode"]],
            t("freq_kind", lang): mg["kind_zh"] if zh else mg["kind_en"],
            value: [f"{x:,.4g}" for x in mg["per_10k_yuan"]],
        }), hide_index=True, key="staff_margin_table")  # fmt: skip
    if plan.verification is None:
        return
    st.subheader(t("verification", lang))
    v = paired_lookup(plan.verification)
    names = [k for c, k in v if c == "today"]

    def cell(case: str, name: str) -> str:
        return kpi(name, "inspection").paired(*v[(case, name)])

    index = [kpi(n, "inspection").label(lang) for n in names]
    rows = {t("today", lang): [kpi(n, "inspection").format(v[("today", n)][0]) for n in names]}
    for case in CASES:
        if (case, names[0]) in v:
            rows[t(f"staff_case_{case}", lang)] = [cell(case, n) for n in names]
    st.dataframe(pd.DataFrame(rows, index=index), key="staff_verification")
    st.caption(t("staff_pm_note", lang))
    versus = {t(f"staff_case_{case}", lang): [cell(case, n) for n in names]
              for case in VERSUS if (case, names[0]) in v}  # fmt: skip
    if versus:
        st.subheader(t("staff_versus_rules", lang))
        st.dataframe(pd.DataFrame(versus, index=index), key="staff_versus_rules")
        st.caption(t("staff_versus_rules_note", lang))

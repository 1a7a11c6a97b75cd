"""Optimize page: place vehicles with a location model, see the plan on the map and per
district, and its simulated verification against today's fleet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anjian import OptimizeError, VehiclePlanResult, optimize_vehicles, placed_vehicles
from anjian import plan_by_district as tally_by_district
from anjian.kpis import kpi
from anjian.plans import MODEL_LABELS

from .common import (
    cached_variant,
    current_scenario,
    district_label,
    district_map,
    lasting_radio,
    lasting_select,
    overrides_json,
    paired_cell,
    run_on_click,
    run_store,
    scenario_ref,
)
from .text import LABELS, column_label, t


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_plan(
    ref: str,
    edits_json: str,
    model: str,
    vehicles: int,
    budget: float,
    standard: float,
    resolution: str,
    verify: int,
) -> VehiclePlanResult:
    """The plan (and its verification) for hashable settings; cached per scenario content."""
    s = cached_variant(ref, edits_json)
    return optimize_vehicles(
        s,
        model=model,
        vehicles=None if model == "lscp" else vehicles,
        budget_yuan=budget or None,
        standard_min=standard or None,
        resolution=resolution,
        time_limit_s=60.0,
        verify_reps=verify,
        verify_years=1.0,
    )


def render() -> None:
    lang = st.session_state["lang"]
    s = current_scenario(lang)
    if s is None:
        return
    st.header(t("page_optimize", lang))
    # one widget per language (its label changes with the language, which would reset a
    # shared one); the choice itself survives the switch
    targets = ["vehicles", "frequencies", "staff", "stocks"]
    saved = st.session_state.get("opt_target_choice", "vehicles")
    target = st.radio(
        t("opt_target", lang),
        targets,
        index=targets.index(saved) if saved in targets else 0,
        format_func=lambda x: t(f"target_{x}", lang),
        horizontal=True,
        key=f"opt_target_{lang}",
    )
    st.session_state["opt_target_choice"] = target
    if target == "frequencies":
        from . import inspector_optimize

        inspector_optimize.render(s, lang)
        return
    if target == "staff":
        from . import inspector_staff

        inspector_staff.render(s, lang)
        return
    if target == "stocks":
        from . import stock_plan

        stock_plan.render(s, lang)
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        model = lasting_select(
            t("opt_model", lang),
            list(MODEL_LABELS),
            lambda m: MODEL_LABELS[m][lang],
            "opt_model",
            lang,
        )
    vehicles = c1.number_input(
        t("n_vehicles", lang),
        1,
        500,
        min(20, len(s.districts)),
        1,
        key="opt_vehicles",
        disabled=model == "lscp",
    )
    budget = c2.number_input(
        t("budget", lang), 0.0, 1e10, 0.0, 100_000.0, format="%.0f", key="opt_budget"
    )
    standard = c2.number_input(
        t("standard", lang), 0.0, 600.0, 0.0, 5.0, format="%.0f", key="opt_standard"
    )
    # the scenario's own demand points first (the built-in Chongqing: its 1,031 townships)
    options = (["township"] if s.townships else []) + ["district", "grid"]
    options.sort(key=lambda r: r != s.demand.resolution)
    with c3:
        resolution = lasting_radio(
            t("resolution", lang), options, lambda r: t(f"res_{r}", lang), "opt_resolution", lang
        )
    verify = c3.number_input(t("verify_reps", lang), 0, 20, 3, 1, key="opt_verify")
    args = (
        scenario_ref(),
        overrides_json(),
        model,
        int(vehicles),
        float(budget),
        float(standard),
        resolution,
        int(verify),
    )
    res = run_on_click(lang, "opt_run", args, cached_plan, (OptimizeError,))
    if res is None:
        return
    plan = res.plan
    m = st.columns(4)
    word = f"solve_status_{plan.status}"
    m[0].metric(t("status", lang), t(word, lang) if word in LABELS else plan.status)
    m[1].metric(t("objective", lang), f"{plan.objective:,.4g}")
    m[2].metric(t("gap", lang), f"{plan.gap:.3%}")
    m[3].metric(t("spend_planned", lang), f"{res.spend_yuan:,.0f}")
    placed = placed_vehicles(res)
    placed["kind"] = [
        s.vehicle_kinds[k].name_zh if lang == "zh" else s.vehicle_kinds[k].name_en
        for k in placed["kind"]
    ]
    tally = tally_by_district(res)
    dist = pd.DataFrame({"adcode": tally["adcode"]})
    dist["name"] = [district_label(s, a, lang) for a in dist["adcode"]]
    dist[t("today", lang)] = tally["today"]
    dist[t("plan", lang)] = tally["plan"]
    dist[t("others_today", lang)] = tally["others_today"]
    planned = sorted({s.vehicle_kinds[k].name_zh if lang == "zh" else s.vehicle_kinds[k].name_en
                      for k in res.vehicles.kinds})  # fmt: skip
    st.caption(t("plan_adds", lang).format(kinds="、".join(planned) if lang == "zh"
                                           else ", ".join(planned),
                                           n=int(tally["others_today"].sum())))  # fmt: skip
    st.subheader(t("plan_map", lang))
    markers = placed.assign(
        size=placed["vehicles"], text=placed["kind"] + " × " + placed["vehicles"].astype(str)
    )
    fig = district_map(s, dist, t("plan", lang), t("plan", lang), markers=markers, scale="Blues")
    st.plotly_chart(fig, width="stretch", key="opt_map")
    changed = dist[dist[t("today", lang)] != dist[t("plan", lang)]]
    by_district = changed.drop(columns="adcode").rename(
        columns={"name": column_label("district", lang)}
    )
    st.dataframe(by_district, hide_index=True, key="opt_table")
    st.bar_chart(
        changed.set_index("name")[[t("today", lang), t("plan", lang)]], stack=False, height=260
    )
    if res.verification is not None:
        st.subheader(t("verification", lang))
        if st.button(t("save_plan", lang), key="opt_save"):
            ver = res.verification
            assert ver.baseline_kpis is not None and ver.plan_kpis is not None
            name = f"{model}-{int(vehicles)}" + (f"-{budget:.0f}yuan" if budget else "")
            sid = run_store().save_cases(
                f"plans-{s.meta.name}",
                {
                    "today": (res.scenario, ver.baseline_kpis),
                    name: (ver.planned_scenario, ver.plan_kpis),
                },
                seed=0,
            )
            st.success(t("plan_saved", lang).format(name=name, sweep=sid))
        v = res.verification.table()
        entries = [kpi(k, "response") for k in v.index]
        st.dataframe(
            pd.DataFrame(
                {
                    column_label("kpi", lang): [e.label(lang) for e in entries],
                    t("today", lang): [e.format(x) for e, x in zip(entries, v["baseline"],
                                                                   strict=True)],
                    t("plan", lang): [e.format(x) for e, x in zip(entries, v["plan"],
                                                                  strict=True)],
                    t("paired_vs_today", lang): [
                        paired_cell(e, d, h)
                        for e, d, h in zip(entries, v["difference"], v["half_width"], strict=True)
                    ],
                }
            ),
            hide_index=True,
            key="opt_verification",
        )  # fmt: skip

"""What-if page: the questions planners ask, run as a two-case sweep (baseline vs what-if)
with common random numbers, recorded in the run store and shown with CIs and paired changes.

A repeated question with the same settings resumes the stored sweep, so it re-renders at once.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from anjian.scenarios import Scenario, ScenarioError
from anjian.sim.inspection import InspectionConfig, simulate_inspections
from anjian.sim.response import ResponseConfig, simulate_response
from anjian.store import RunStore
from anjian.sweep import Sweep, run_sweep

from .common import (
    cached_variant,
    current_scenario,
    district_label,
    district_map,
    overrides,
    run_store,
    scenario_ref,
)
from .text import t

KPIS = {
    "response": [
        "response_mean_min",
        "response_p90_min",
        "within_standard_share",
        "mutual_aid_share",
        "relief_fill_rate",
    ],
    "inspections": ["on_time_rate", "utilisation", "accidents", "deaths"],
}
KPI_NAME = {"accidents": "accidents_per_year", "deaths": "deaths_per_year"}
SHARE = {
    "within_standard_share",
    "mutual_aid_share",
    "relief_fill_rate",
    "on_time_rate",
    "utilisation",
    "served_share",
}
MAP_KPI = {"response": "within_standard_share", "inspections": "on_time_rate"}


def whatif_overrides(
    s: Scenario, staff_scale: dict[str, float], contract: bool, flood: float, relief: float
) -> dict[str, Any]:
    """The what-if settings as overrides by path on top of scenario ``s``."""
    out: dict[str, Any] = {}
    for kind, f in staff_scale.items():
        if f != 1.0:
            for a, row in s.staff.items():
                out[f"staff.{a}.{kind}"] = round(row.get(kind, 0) * f)
    if contract:
        rented = [k for k, v in s.vehicle_kinds.items() if v.mode == "rented"]
        for k in rented:
            role = s.vehicle_kinds[k].role
            ref = next(
                (v for v in s.vehicle_kinds.values() if v.mode == "contracted" and v.role == role),
                None,
            )
            out[f"vehicle_kinds.{k}.mode"] = "contracted"
            if ref is not None:
                out[f"vehicle_kinds.{k}.mobilisation"] = ref.mobilisation.model_dump()
                out[f"vehicle_kinds.{k}.availability"] = ref.availability
                out[f"vehicle_kinds.{k}.cost_yuan_per_year"] = ref.cost_yuan_per_year
                out[f"vehicle_kinds.{k}.cost_yuan_per_use"] = ref.cost_yuan_per_use
    if flood != 1.0:
        floods = {k for k, it in s.incident_types.items() if it.family == "flood"}
        for sid, sg in s.surges.items():
            if sg.incident_type in floods:
                out[f"surges.{sid}.incidents"] = max(1, round(sg.incidents * flood))
        for a, rates in s.incident_rates.items():
            for k in floods & set(rates):
                out[f"incident_rates.{a}.{k}"] = float(rates[k]) * flood
    if relief != 1.0:
        for w, wh in s.warehouses.items():
            for c, pol in wh.stocks.items():
                base = f"warehouses.{w}.stocks.{c}"
                out[f"{base}.stock_units"] = round(pol.stock_units * relief)
                out[f"{base}.reorder_point_units"] = round(pol.reorder_point_units * relief)
                out[f"{base}.order_up_to_units"] = round(pol.order_up_to_units * relief)
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def sample_run(ref: str, overrides_json: str, model: str, years: float, seed: int) -> pd.DataFrame:
    """Replication 0's detail: response times of every incident, or the backlog series."""
    s = cached_variant(ref, overrides_json)
    if model == "response":
        inc = simulate_response(s, ResponseConfig(years=years, seed=seed)).incidents
        return inc[["response_min", "region_group"]].dropna()
    series = simulate_inspections(s, InspectionConfig(years=years, seed=seed)).series
    backlog = series.groupby("day")["backlog"].sum()
    return pd.DataFrame({"day": backlog.index, "backlog": backlog.to_numpy()})


def _update(bar: Any, done: int, total: int) -> None:
    bar.progress(done / total, text=f"{done}/{total}")


def _fmt(kpi: str, v: float) -> str:
    return f"{v:.1%}" if kpi in SHARE else f"{v:,.1f}"


def render() -> None:
    lang = st.session_state["lang"]
    s = current_scenario(lang)
    if s is None:
        return
    st.header(t("page_whatif", lang))
    model: Any = st.radio(
        t("model", lang),
        ["response", "inspections"],
        horizontal=True,
        format_func=lambda m: t(f"model_{m}", lang),
        key="whatif_model",
    )
    left, right = st.columns(2)
    with left:
        scale: dict[str, float] = {}
        for kind, k in s.inspector_kinds.items():
            name = k.name_zh if lang == "zh" else k.name_en
            scale[kind] = st.slider(
                t("staff_scale", lang).format(kind=name),
                0.0,
                3.0,
                1.0,
                0.1,
                key=f"whatif_staff_{kind}",
            )
        can_contract = any(
            v.mode == "contracted"
            and any(r.role == v.role for r in s.vehicle_kinds.values() if r.mode == "rented")
            for v in s.vehicle_kinds.values()
        )
        contract = st.checkbox(
            t("contract_rented", lang), key="whatif_contract", disabled=not can_contract
        )
    with right:
        flood = st.slider(t("flood_scale", lang), 0.0, 3.0, 1.0, 0.25, key="whatif_flood")
        relief = st.slider(t("relief_scale", lang), 0.0, 3.0, 1.0, 0.25, key="whatif_relief")
        years = st.number_input(t("years", lang), 0.25, 10.0, 1.0, 0.25, key="whatif_years")
        reps = st.number_input(t("reps", lang), 2, 50, 5, 1, key="whatif_reps")
        seed = st.number_input(t("seed", lang), 0, 10_000, 0, 1, key="whatif_seed")
    base_edits = overrides()
    change = whatif_overrides(s, scale, contract, flood, relief)
    sweep = Sweep(
        name="whatif",
        scenario=scenario_ref(),
        model=model,
        years=float(years),
        reps=int(reps),
        seed=int(seed),
        variants={"baseline": dict(base_edits), "whatif": {**base_edits, **change}},
    )
    store = run_store()
    if st.button(t("run", lang), type="primary", key="whatif_run"):
        bar = st.progress(0.0, text=t("running", lang))
        try:
            res = run_sweep(
                sweep,
                store,
                backend="serial",
                resume=True,
                progress=lambda d, n: _update(bar, d, n),
            )
        except ScenarioError as err:
            st.error("\n".join(err.problems))
            return
        bar.empty()
        st.session_state["whatif_sweep"] = res.sweep_id
        st.session_state["whatif_spec"] = sweep.spec_hash()
    if st.session_state.get("whatif_spec") != sweep.spec_hash():
        st.info(t("no_run", lang))
        return
    show_results(lang, s, store, st.session_state["whatif_sweep"], model, sweep)


def show_results(
    lang: str, s: Scenario, store: RunStore, sweep_id: str, model: str, sweep: Sweep
) -> None:
    summary = store.summary(sweep_id)
    diff = store.compare(sweep_id, "baseline", "whatif")
    city = summary[summary["level"] == "city"]
    dcity = diff[diff["level"] == "city"].set_index("kpi")
    cols = st.columns(len(KPIS[model]))
    for col, short in zip(cols, KPIS[model], strict=True):
        kpi = KPI_NAME.get(short, short)
        row = city[(city["case"] == "whatif") & (city["kpi"] == kpi)]
        if row.empty:
            continue
        mean, half = float(row["mean"].iloc[0]), float(row["half_width"].iloc[0])
        d = float(dcity["mean"].get(kpi, float("nan")))
        col.metric(
            t(short, lang),
            _fmt(kpi, mean),
            delta=(f"{d:+.1%}" if kpi in SHARE else f"{d:+,.1f}"),
            delta_color="off",
            help=t("ci", lang).format(h=_fmt(kpi, half)),
        )
    table = city[city["kpi"].isin([KPI_NAME.get(k, k) for k in KPIS[model]])].pivot(
        index="kpi", columns="case", values="mean"
    )
    table[t("change", lang)] = dcity["mean"].reindex(table.index)
    table["±"] = dcity["half_width"].reindex(table.index)
    table.index = [
        t(next((k for k in KPIS[model] if KPI_NAME.get(k, k) == i), i), lang) for i in table.index
    ]
    st.dataframe(
        table.rename(columns={"baseline": t("baseline", lang), "whatif": t("whatif", lang)}),
        key="whatif_table",
    )
    kpi = MAP_KPI[model]
    dd = diff[(diff["level"] == "district") & (diff["kpi"] == kpi)]
    if not dd.empty:
        st.subheader(t("by_district", lang) + f" — {t(kpi, lang)} ({t('change', lang)})")
        df = pd.DataFrame({"adcode": dd["key"], "value": dd["mean"]})
        df["name"] = [district_label(s, a, lang) for a in df["adcode"]]
        st.plotly_chart(
            district_map(s, df, "value", t("change", lang), scale="RdYlGn"),
            width="stretch",
            key="whatif_map",
        )
    base_json = json.dumps(sweep.variants["baseline"], sort_keys=True)
    new_json = json.dumps(sweep.variants["whatif"], sort_keys=True)
    a = sample_run(scenario_ref(), base_json, model, sweep.years, sweep.seed)
    b = sample_run(scenario_ref(), new_json, model, sweep.years, sweep.seed)
    both = pd.concat([a.assign(case=t("baseline", lang)), b.assign(case=t("whatif", lang))])
    if model == "response":
        st.subheader(t("response_hist", lang))
        fig = px.histogram(
            both,
            x="response_min",
            color="case",
            barmode="overlay",
            nbins=60,
            labels={"response_min": t("response_mean_min", lang)},
        )
    else:
        fig = px.line(both, x="day", y="backlog", color="case")
    fig.update_layout(height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    st.plotly_chart(fig, width="stretch", key="whatif_detail")

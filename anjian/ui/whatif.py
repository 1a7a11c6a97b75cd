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

from anjian import Scenario, can_contract_rented, jobs, whatif_overrides
from anjian.kpis import Model, kpi
from anjian.store import RunStore
from anjian.sweep import Sweep, SweepRun, replication_detail, run_sweep_with_details

from .common import (
    current_scenario,
    district_label,
    district_map,
    follow,
    job_error,
    lasting_radio,
    overrides,
    run_store,
    scenario_ref,
)
from .text import column_label, t

#: The KPIs the page shows per model (catalogue names), and the one drawn on the map.
KPIS = {
    "response": [
        "response_mean_min",
        "response_p90_min",
        "within_standard_share",
        "mutual_aid_share",
        "delay_deaths_per_year",
        "time_to_first_relief_mean_min",
        "people_without_relief_12h",
        "relief_fill_rate",
        "vehicle_cost_yuan_per_year",
    ],
    "inspections": ["on_time_rate", "utilisation", "accidents_per_year", "deaths_per_year"],
}
MAP_KPI = {"response": "within_standard_share", "inspections": "on_time_rate"}
CATALOGUE_MODEL: dict[str, Model] = {"response": "response", "inspections": "inspection"}


def _start(s: Scenario, sweep: Sweep, store: RunStore, key: str) -> jobs.Job:
    """The sweep (keeping replication 0's detail of both cases for the charts), on the app's
    shared cluster (one process per core, started with the app) or, with one worker, in this
    process."""
    client = jobs.shared_client(sweep.scenario)
    workers = max(1, len(client.scheduler_info()["workers"])) if client is not None else 1
    runs = len(sweep.variants) * sweep.reps
    guess = jobs.expected_seconds(s, sweep.years, sweep.model, runs, workers)

    def work(job: jobs.Job) -> SweepRun:
        return run_sweep_with_details(sweep, store, client=client, progress=job.report)

    return jobs.start(key, work, expected_s=guess, total=runs)


def render() -> None:
    lang = st.session_state["lang"]
    s = current_scenario(lang)
    if s is None:
        return
    st.header(t("page_whatif", lang))
    model: Any = lasting_radio(
        t("model", lang),
        ["response", "inspections"],
        lambda m: t(f"model_{m}", lang),
        "whatif_model",
        lang,
        horizontal=True,
    )
    left, right = st.columns(2)
    with left:
        scale: dict[str, float] = {}
        staff_idle = model == "response"  # the response model has no inspectors
        for kind, k in s.inspector_kinds.items():
            name = k.name_zh if lang == "zh" else k.name_en
            scale[kind] = st.slider(
                t("staff_scale", lang).format(kind=name),
                0.0,
                3.0,
                1.0,
                0.1,
                key=f"whatif_staff_{kind}",
                disabled=staff_idle,
            )
        if staff_idle:
            st.caption(t("staff_needs_inspections", lang))
        can_contract = can_contract_rented(s)
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
    key = f"whatif-{sweep.spec_hash()}-{store.db}"
    job = jobs.running(key)
    if st.button(t("run", lang), type="primary", key="whatif_run") and job is None:
        job = _start(s, sweep, store, key)
    if job is not None:  # running, or finished and not shown yet (also after a page switch)
        follow(job, lang)
        jobs.take(key)
        if job.error is not None:
            job_error(job.error, lang)
            return
        st.session_state["whatif_sweep"] = job.result.sweep_id
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
    cat = CATALOGUE_MODEL[model]
    names = KPIS[model]
    per_row = 5  # wider rows truncate the figures
    cols = [c for i in range(0, len(names), per_row)
            for c in st.columns(per_row)][: len(names)]  # fmt: skip
    for col, name in zip(cols, names, strict=True):
        k = kpi(name, cat)
        row = city[(city["case"] == "whatif") & (city["kpi"] == name)]
        if row.empty:
            continue
        mean, half = float(row["mean"].iloc[0]), float(row["half_width"].iloc[0])
        d = float(dcity["mean"].get(name, float("nan")))
        col.metric(
            k.label(lang),
            k.format(mean),
            delta=k.format(d, signed=True),
            delta_color="off",
            help=t("ci", lang).format(h=k.format(half)),
        )
    table = city[city["kpi"].isin(names)].pivot(index="kpi", columns="case", values="mean")
    shown = [n for n in names if n in table.index]  # the page's order, formatted with units
    entries = [kpi(n, cat) for n in shown]
    st.dataframe(
        pd.DataFrame(
            {
                column_label("kpi", lang): [e.label(lang) for e in entries],
                t("baseline", lang): [e.format(float(table["baseline"][n]))
                                      for e, n in zip(entries, shown, strict=True)],
                t("whatif", lang): [e.format(float(table["whatif"][n]))
                                    for e, n in zip(entries, shown, strict=True)],
                t("paired_change_ci", lang): [
                    e.paired(float(dcity["mean"].get(n, float("nan"))),
                             float(dcity["half_width"].get(n, float("nan"))))
                    for e, n in zip(entries, shown, strict=True)
                ],
            }
        ),
        hide_index=True,
        key="whatif_table",
    )  # fmt: skip
    dd = diff[(diff["level"] == "district") & (diff["kpi"] == MAP_KPI[model])]
    if not dd.empty:
        label = kpi(MAP_KPI[model], CATALOGUE_MODEL[model]).label(lang)
        st.subheader(t("by_district", lang) + f" — {label} ({t('change', lang)})")
        df = pd.DataFrame({"adcode": dd["key"], "value": dd["mean"]})
        df["name"] = [district_label(s, a, lang) for a in df["adcode"]]
        st.plotly_chart(
            district_map(s, df, "value", t("change", lang), scale="RdYlGn", centre_zero=True),
            width="stretch",
            key="whatif_map",
        )
    base_json = json.dumps(sweep.variants["baseline"], sort_keys=True)
    new_json = json.dumps(sweep.variants["whatif"], sort_keys=True)
    a = replication_detail(sweep.scenario, base_json, model, sweep.years, sweep.seed)
    b = replication_detail(sweep.scenario, new_json, model, sweep.years, sweep.seed)
    both = pd.concat([a.assign(case=t("baseline", lang)), b.assign(case=t("whatif", lang))])
    if model == "response":
        st.subheader(t("response_hist", lang))
        fig = px.histogram(
            both,
            x="response_min",
            color="case",
            barmode="overlay",
            nbins=60,
            labels={
                "response_min": kpi("response_mean_min", "response").label(lang),
                "case": t("axis_case", lang),
                "count": t("axis_count", lang),
            },
        )
        fig.update_layout(yaxis_title=t("axis_count", lang))
    else:
        fig = px.line(both, x="day", y="backlog", color="case",
                      labels={"day": t("axis_day", lang), "backlog": t("axis_backlog", lang),
                              "case": t("axis_case", lang)})  # fmt: skip
    fig.update_layout(height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    st.plotly_chart(fig, width="stretch", key="whatif_detail")

"""Compare page: two cases of a recorded sweep side by side — paired differences with CIs per
KPI and district, where B is better, and the yearly fleet cost of each."""

from __future__ import annotations

from typing import cast

import pandas as pd
import streamlit as st

from anjian import fleet_cost_yuan_per_year
from anjian.kpis import Model, known, kpi, label, model_of

from .common import (
    column_config,
    current_scenario,
    district_label,
    district_map,
    lasting_select,
    run_store,
)
from .text import column_label, t


def render() -> None:
    lang = st.session_state["lang"]
    from anjian.store import StoreError

    try:
        _render(lang)
    except StoreError as err:  # a damaged store: say what and how to repair, no traceback
        st.error(f"{t('store_error', lang)}: {err}")


#: Case names that mean "as things are": shown as A, so that B − A reads as the change.
TODAY_NAMES = ("baseline", "today", "current", "现状")


#: The case names the app itself gives (what-if and saved plans), shown in the page's language.
APP_CASES = ("baseline", "whatif", "today")


def _fmt(name: str, value: float, model: Model, *, signed: bool = False) -> str:
    """A value in its KPI's unit and precision (a KPI outside the catalogue: 4 digits)."""
    if value != value:
        return "—"
    if known(name, model):
        return kpi(name, model).format(value, signed=signed)
    return f"{value:+,.4g}" if signed else f"{value:,.4g}"


def case_label(case: str, lang: str) -> str:
    """A case's name as shown: the app's own names translated, a user's name as written."""
    return t(case, lang) if case in APP_CASES else case


def case_order(names: list[str]) -> list[str]:
    """The cases in the order they were run (the sweep's order), today's first."""
    order = list(dict.fromkeys(names))
    return sorted(order, key=lambda c: (c not in TODAY_NAMES, order.index(c)))


def _render(lang: str) -> None:
    s = current_scenario(lang)
    if s is None:
        return
    st.header(t("page_compare", lang))
    store = run_store()
    sweeps = store.sweeps()
    if sweeps.empty:
        st.info(t("no_runs", lang))
        return
    sid = st.selectbox(t("sweep", lang), sweeps["sweep_id"].tolist()[::-1], key="compare_sweep")
    runs = store.runs(sid)
    model = model_of(str(runs["model"].iloc[0])) if len(runs) else "response"
    cases = case_order(runs["case_name"].tolist())
    if len(cases) < 2:
        st.info(t("no_runs", lang))
        return
    # every case side by side: city KPI means (95% CI half-widths on hover in the runs page)
    summary = store.summary(sid)
    city_all = summary[summary["level"] == "city"].pivot(index="kpi", columns="case", values="mean")
    shown_all = pd.DataFrame(
        {case_label(str(case), lang): [_fmt(str(k), v, model) for k, v in city_all[case].items()]
         for case in [c for c in cases if c in city_all.columns]},
        index=[label(k, lang, model) for k in city_all.index],
    )  # fmt: skip
    shown_all.index.name = column_label("kpi", lang)
    st.dataframe(shown_all, key="compare_all")
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("case_a", lang), cases, index=0, key="compare_a",
                     format_func=lambda c: case_label(c, lang))  # fmt: skip
    b = c2.selectbox(t("case_b", lang), cases, index=1, key="compare_b",
                     format_func=lambda c: case_label(c, lang))  # fmt: skip
    if a == b:
        return
    hashes = runs.groupby("case_name")["scenario_hash"].first()
    # one cost definition (anjian.scenarios.costs): the simulated fixed + per-use cost when the
    # runs are of the response model, else the fleet's fixed cost
    simulated = "vehicle_cost_yuan_per_year"
    costs = {
        c: float(cast(float, city_all.loc[simulated, c]))
        if simulated in city_all.index
        else fleet_cost_yuan_per_year(store.scenario(hashes[c]))
        for c in (a, b)
    }
    # say which cost it is: fixed + per use where simulated, the fixed part alone otherwise
    which = "fleet_cost" if simulated in city_all.index else "fleet_cost_fixed"
    m = st.columns(2)
    m[0].metric(f"{t(which, lang)} A", f"{costs[a]:,.0f}")
    m[1].metric(
        f"{t(which, lang)} B",
        f"{costs[b]:,.0f}",
        delta=f"{costs[b] - costs[a]:+,.0f}",
        delta_color="off",
    )
    diff = store.compare(sid, a, b)
    st.subheader(t("b_minus_a", lang))
    city = diff[diff["level"] == "city"][["kpi", "mean", "half_width", "low", "high", "reps"]]
    # each difference in its KPI's unit and precision (a share as a share: +55.1%, not 0.551)
    city = city.assign(
        mean=[_fmt(k, v, model, signed=True) for k, v in zip(city["kpi"], city["mean"],
                                                             strict=True)],
        half_width=[_fmt(k, v, model) for k, v in zip(city["kpi"], city["half_width"],
                                                      strict=True)],
        low=[_fmt(k, v, model, signed=True) for k, v in zip(city["kpi"], city["low"],
                                                            strict=True)],
        high=[_fmt(k, v, model, signed=True) for k, v in zip(city["kpi"], city["high"],
                                                             strict=True)],
        kpi=[label(k, lang, model) for k in city["kpi"]],
    )  # fmt: skip
    st.dataframe(city, hide_index=True, key="compare_city",
                 column_config=column_config(city, lang))  # fmt: skip
    kpis = sorted(diff.loc[diff["level"] == "district", "kpi"].unique())
    if not kpis:
        return
    default = "within_standard_share" if "within_standard_share" in kpis else kpis[0]
    chosen = lasting_select(
        column_label("kpi", lang),
        kpis,
        lambda k: label(k, lang, model),
        "compare_kpi",
        lang,
        default,
    )
    dd = diff[(diff["level"] == "district") & (diff["kpi"] == chosen)]
    sign = -1.0 if known(chosen, model) and kpi(chosen, model).lower_is_better else 1.0
    df = pd.DataFrame(
        {
            "adcode": dd["key"].to_numpy(),
            "value": dd["mean"].to_numpy(),
            "half_width": dd["half_width"].to_numpy(),
        }
    )
    df = df[df["adcode"].isin(list(s.districts))]
    df["name"] = [district_label(s, x, lang) for x in df["adcode"]]
    st.plotly_chart(
        district_map(
            s, df, "value", "B − A", scale="RdYlGn" if sign > 0 else "RdYlGn_r", centre_zero=True
        ),
        width="stretch",
        key="compare_map",
    )
    better = df[sign * df["value"] - df["half_width"].fillna(0) > 0]
    st.subheader(t("better", lang) + f" ({len(better)})")
    better = better[["name", "value", "half_width"]].assign(
        value=[_fmt(chosen, v, model, signed=True) for v in better["value"]],
        half_width=[_fmt(chosen, v, model) for v in better["half_width"]],
    )
    st.dataframe(better, hide_index=True, key="compare_better",
                 column_config=column_config(better, lang))  # fmt: skip

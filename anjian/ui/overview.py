"""Overview page: a district map coloured by a chosen figure, headline totals and the table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import anjian
from anjian.kpis import kpi

from .common import (
    cached_variant,
    current_scenario,
    district_map,
    overrides_json,
    scenario_ref,
)
from .text import t

TABLE_COLUMNS = [
    "adcode",
    "name_zh",
    "name_pinyin",
    "region_group",
    "population",
    "area_km2",
    "townships",
    "sites",
    "staff",
    "sites_per_staff",
    "incidents_per_year",
    "vehicles",
]
MAP_COLUMNS = [
    "population",
    "sites",
    "staff",
    "sites_per_staff",
    "incidents_per_year",
    "vehicles",
    "within_standard_share",
    "response_mean_min",
]
KPI_COLUMNS = {"within_standard_share", "response_mean_min"}
HEADLINE = ["response_mean_min", "within_standard_share", "relief_fill_rate"]
HEADLINE_REPS = 3


@st.cache_data(show_spinner=False, max_entries=16)
def headline(ref: str, edits_json: str) -> pd.DataFrame:
    """Today's response KPIs (3 one-year replications) with CIs, city and districts."""
    s = cached_variant(ref, edits_json)  # the models load on first use: a faster first page
    cfg = anjian.ResponseConfig(years=1.0, seed=0)
    return anjian.replicate_response(s, cfg, HEADLINE_REPS).summary


def _column_label(column: str, lang: str) -> str:
    """A map column's label: a scenario figure (page labels) or a simulated KPI (catalogue)."""
    return kpi(column, "response").label(lang) if column in KPI_COLUMNS else t(column, lang)


def render() -> None:
    lang = st.session_state["lang"]
    s = current_scenario(lang)
    if s is None:
        return
    title = s.meta.title_zh if lang == "zh" else s.meta.title_en
    st.header(title)
    totals = s.totals()
    cols = st.columns(5)
    cols[0].metric(t("districts", lang), f"{totals['districts']:,}")
    pop = totals["population"]
    pop_text = f"{pop / 1e4:,.1f}万" if lang == "zh" else f"{pop / 1e6:,.2f} M"
    cols[1].metric(t("population", lang), pop_text, help=f"{pop:,}")
    cols[2].metric(t("sites", lang), f"{totals['sites']:,}")
    cols[3].metric(t("staff", lang), f"{totals['staff']:,}")
    cols[4].metric(t("vehicles", lang), f"{totals['vehicles']:,}")

    df = anjian.district_table(s)
    df["sites_per_staff"] = (df["sites"] / df["staff"].where(df["staff"] > 0)).round(1)
    df["name"] = df["name_zh"] + " " + df["name_pinyin"]
    # One widget per language (the browser keeps a widget's formatted options), sharing the
    # chosen figure through session state so switching language keeps the choice.
    column = st.selectbox(
        t("map_of", lang),
        MAP_COLUMNS,
        index=MAP_COLUMNS.index(st.session_state.get("map_column", "population")),
        format_func=lambda c: _column_label(c, lang),
        key=f"overview_map_column_{lang}",
    )
    st.session_state["map_column"] = column
    if column in KPI_COLUMNS:  # simulated KPIs: computed (and cached) only when asked for
        summary = headline(scenario_ref(), overrides_json())
        dist = summary[summary["level"] == "district"].pivot(
            index="key", columns="kpi", values="mean"
        )
        df[column] = df["adcode"].map(dist[column])
    # a KPI's darkest colour is its worst value: reversed where higher is better
    worse_high = column not in KPI_COLUMNS or kpi(column, "response").lower_is_better
    fig = district_map(s, df, column, _column_label(column, lang), height=520,
                       scale="YlOrRd" if worse_high else "YlOrRd_r")  # fmt: skip
    st.plotly_chart(fig, width="stretch")
    st.subheader(t("district_table", lang))
    groups = {k: (g.name_zh if lang == "zh" else g.name_en) for k, g in s.region_groups.items()}
    shown = df.assign(
        region_group=df["region_group"].map(groups),
        incidents_per_year=df["incidents_per_year"].round(1),
    )[TABLE_COLUMNS].rename(columns={c: t(c, lang) for c in TABLE_COLUMNS})
    st.dataframe(shown, hide_index=True, key="overview_table")
    # today's response KPIs with CIs, last: the page above is already on screen meanwhile
    st.subheader(t("headline", lang))
    with st.spinner(t("running", lang)):
        summary = headline(scenario_ref(), overrides_json())
    city = summary[summary["level"] == "city"].set_index("kpi")
    kcols = st.columns(len(HEADLINE))
    for col, name in zip(kcols, HEADLINE, strict=True):
        k = kpi(name, "response")
        mean, half = float(city["mean"][name]), float(city["half_width"][name])
        col.metric(
            k.label(lang),
            k.format(mean),
            help=t("ci", lang).format(h=k.format(half)) + f" ({HEADLINE_REPS} × 1 yr)",
        )
    st.caption(t("coming", lang))

"""Overview page: a district map coloured by a chosen figure, headline totals and the table."""

from __future__ import annotations

import streamlit as st

from anjian.ui.common import current_scenario, district_map
from anjian.ui.text import t
from scenarios.summary import district_table

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
MAP_COLUMNS = ["population", "sites", "staff", "sites_per_staff", "incidents_per_year", "vehicles"]


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

    df = district_table(s)
    df["sites_per_staff"] = (df["sites"] / df["staff"].where(df["staff"] > 0)).round(1)
    df["name"] = df["name_zh"] + " " + df["name_pinyin"]
    # One widget per language (the browser keeps a widget's formatted options), sharing the
    # chosen figure through session state so switching language keeps the choice.
    column = st.selectbox(
        t("map_of", lang),
        MAP_COLUMNS,
        index=MAP_COLUMNS.index(st.session_state.get("map_column", "population")),
        format_func=lambda c: t(c, lang),
        key=f"overview_map_column_{lang}",
    )
    st.session_state["map_column"] = column
    fig = district_map(s, df, column, t(column, lang), height=520)
    st.plotly_chart(fig, width="stretch")
    st.subheader(t("district_table", lang))
    groups = {k: (g.name_zh if lang == "zh" else g.name_en) for k, g in s.region_groups.items()}
    shown = df.assign(
        region_group=df["region_group"].map(groups),
        incidents_per_year=df["incidents_per_year"].round(1),
    )[TABLE_COLUMNS].rename(columns={c: t(c, lang) for c in TABLE_COLUMNS})
    st.dataframe(shown, hide_index=True, key="overview_table")
    st.caption(t("coming", lang))

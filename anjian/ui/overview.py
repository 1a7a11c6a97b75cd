"""Overview page: a district map coloured by a chosen figure, headline totals and the table."""

from __future__ import annotations

import json

import plotly.express as px
import shapely
import streamlit as st
from shapely.geometry import mapping

from anjian.ui.text import t
from scenarios import Scenario, ScenarioError, load_scenario
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


@st.cache_resource(show_spinner=False)
def cached_scenario(ref: str) -> Scenario:
    """Load a scenario once per process (scenarios are immutable)."""
    return load_scenario(ref)


@st.cache_data(show_spinner=False)
def cached_geojson(ref: str) -> str:
    s = cached_scenario(ref)
    features = [
        {"type": "Feature", "properties": {"adcode": a}, "geometry": mapping(d.geometry)}
        for a, d in s.districts.items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def _center(s: Scenario) -> dict[str, float]:
    minx, miny, maxx, maxy = shapely.total_bounds([d.geometry for d in s.districts.values()])
    return {"lon": float(minx + maxx) / 2, "lat": float(miny + maxy) / 2}


def render() -> None:
    lang = st.session_state["lang"]
    ref = st.session_state["scenario"]
    try:
        s = cached_scenario(ref)
    except ScenarioError as err:
        st.error(f"{t('invalid', lang)}: {ref}")
        for line in err.problems:
            st.text(line)
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
    # MapLibre with the blank "white-bg" style: no tiles, no token, nothing fetched from the
    # internet (plotly's geo maps fetch a world topojson from a CDN, which offline sites lack).
    fig = px.choropleth_map(
        df,
        geojson=json.loads(cached_geojson(ref)),
        locations="adcode",
        featureidkey="properties.adcode",
        color=column,
        hover_name="name",
        color_continuous_scale="YlOrRd",
        labels={column: t(column, lang)},
        map_style="white-bg",
        center=_center(s),
        zoom=6,
        opacity=0.85,
    )
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=520)
    st.plotly_chart(fig, width="stretch")
    st.subheader(t("district_table", lang))
    groups = {k: (g.name_zh if lang == "zh" else g.name_en) for k, g in s.region_groups.items()}
    shown = df.assign(
        region_group=df["region_group"].map(groups),
        incidents_per_year=df["incidents_per_year"].round(1),
    )[TABLE_COLUMNS].rename(columns={c: t(c, lang) for c in TABLE_COLUMNS})
    st.dataframe(shown, hide_index=True, key="overview_table")
    st.caption(t("coming", lang))

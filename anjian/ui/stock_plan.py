"""Optimize page, relief stocks: the reserve plan by point and commodity, the township standard
(table and map), the plans priced on fresh disasters and simulated against today's stocks and
the per-capita rule (:func:`anjian.optimize_stocks`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anjian import OptimizeError, Scenario, StockPlan, optimize_stocks
from anjian.kpis import kpi

from .common import (
    cached_variant,
    district_label,
    district_map,
    overrides_json,
    run_on_click,
    scenario_ref,
)
from .text import t


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_stock_plan(
    ref: str, edits_json: str, budget: float, episodes: int, verify: int, townships: bool
) -> StockPlan:
    """The stock plan for hashable settings. One process: the app does not start a cluster."""
    s = cached_variant(ref, edits_json)
    return optimize_stocks(
        s,
        budget=budget or None,
        scenarios=episodes,
        batches=2,
        n_eval=max(60, 2 * episodes),
        verify_reps=verify,
        township_candidates=townships,
        workers=1,
    )


def _units(x: float) -> str:
    return f"{x:,.0f}"


def render(s: Scenario, lang: str) -> None:
    zh = lang == "zh"
    c1, c2, c3 = st.columns(3)
    budget = c1.number_input(
        t("stock_budget", lang), 0.0, 1e10, 0.0, 1_000_000.0, format="%.0f", key="stock_budget"
    )
    episodes = c2.number_input(t("stock_episodes", lang), 10, 200, 40, 10, key="stock_episodes")
    townships = c2.checkbox(
        t("stock_townships", lang), value=bool(s.townships), key="stock_townships",
        disabled=not s.townships,
    )  # fmt: skip
    verify = c3.number_input(t("verify_reps", lang), 0, 10, 2, 1, key="stock_verify")
    st.caption(t("stock_note", lang))
    args = (scenario_ref(), overrides_json(), float(budget), int(episodes), int(verify),
            bool(townships))  # fmt: skip
    plan = run_on_click(lang, "stock_run", args, cached_stock_plan, (OptimizeError, ValueError))
    if plan is None:
        return
    costs = plan.costs()
    ev = plan.evaluation
    m = st.columns(4)
    m[0].metric(t("stock_cost_metric", lang), f"{costs['plan']:,.0f}",
                f"{costs['plan'] - costs['today']:+,.0f}", delta_color="inverse",
                help=f"{t('stock_case_today', lang)}: {costs['today']:,.0f}")  # fmt: skip
    hw = f"{ev['plan'].half_width:,.0f}"
    m[1].metric(t("stock_expected", lang), f"{ev['plan'].mean:,.0f}",
                f"{ev['plan'].mean - ev['today'].mean:+,.0f}", delta_color="inverse",
                help=t("stock_expected_help", lang).format(hw=hw))  # fmt: skip
    m[2].metric(t("stock_gap", lang), f"{plan.gap:,.0f}",
                help=t("stock_gap_help", lang).format(bound=f"{plan.gap_bound:,.0f}"))  # fmt: skip
    m[3].metric(t("stock_vss", lang), f"{plan.vss:,.0f}",
                help=t("stock_vss_help", lang).format(evpi=f"{plan.evpi:,.0f}"))  # fmt: skip
    if ev["plan"].mean > ev["today"].mean:
        st.warning(t("stock_worse", lang))
    net = plan.network
    coms = list(net.commodities)
    names = {c: (s.commodities[c].name_zh if zh else s.commodities[c].name_en) for c in coms}
    # the standard
    st.subheader(t("stock_standard", lang))
    if plan.standard.empty:
        st.info(t("stock_no_townships", lang))
    else:
        std = plan.standard
        table = {
            t("stock_class", lang): std["class_zh"] if zh else std["class_en"],
            t("stock_n_townships", lang): [f"{x:,}" for x in std["townships"]],
            t("stock_stocked", lang): [f"{x:.0%}" for x in std["stocked_share"]],
        }
        for c in coms:
            table[names[c]] = [f"{x:,.3g}" for x in std[c]]
        st.dataframe(pd.DataFrame(table), hide_index=True, key="stock_standard_table")
        st.caption(t("stock_standard_note", lang))
    # the map
    st.subheader(t("stock_map", lang))
    dist = plan.by_district()
    dist["name"] = [district_label(s, a, lang) for a in dist["adcode"]]
    col = t("stock_cost_col", lang)
    dist[col] = dist["plan_yuan_per_year"].round(0)
    points = plan.table()
    stores = points[(points["level"] == "township") & (points["truckloads"] > 0.001)]
    markers = pd.DataFrame({
        "lon": stores["lon"], "lat": stores["lat"],
        "size": stores["truckloads"].clip(lower=0.2) * 2,
        "text": [f"{n} · {x:,.2f} {t('stock_truckloads', lang)}"
                 for n, x in zip(stores["name_zh"], stores["truckloads"], strict=True)],
    })  # fmt: skip
    fig = district_map(s, dist, col, col, markers=markers, scale="Greens")
    st.plotly_chart(fig, width="stretch", key="stock_map")
    st.caption(t("stock_map_note", lang))
    # by level
    st.subheader(t("stock_levels", lang))
    rows = []
    for level in ("city", "district", "township"):
        mask = net.level == level
        for case, x in (("today", plan.today), ("plan", plan.x)):
            tot = x[mask].sum(axis=0)
            row = {t("stock_level", lang): t(f"level_{level}", lang),
                   t("stock_case", lang): t(f"stock_case_{case}", lang)}  # fmt: skip
            for c, v in zip(coms, tot, strict=True):
                row[names[c]] = _units(float(v))
            row[col] = f"{float(tot @ plan.instance.yearly_cost):,.0f}"
            rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="stock_level_table")
    # priced on fresh episodes
    st.subheader(t("stock_eval", lang))
    st.dataframe(pd.DataFrame([{
        t("stock_case", lang): t(f"stock_case_{k}", lang),
        t("stock_cost_metric", lang): f"{costs.get(k, float('nan')):,.0f}",
        t("stock_expected", lang): f"{e.mean:,.0f} ± {e.half_width:,.0f}",
        t("stock_unmet", lang): _units(e.unmet_units),
        t("stock_late", lang): _units(e.late_units),
    } for k, e in ev.items()]), hide_index=True, key="stock_eval_table")  # fmt: skip
    # simulated
    ver = plan.verification
    if ver is not None:
        for year in dict.fromkeys(ver["year"]):
            part = ver[ver["year"] == year]
            label = (t("stock_year_ordinary", lang) if year == "ordinary" else
                     t("stock_year_surge", lang).format(name=s.surges[year].name_zh if zh
                                                        else s.surges[year].name_en))  # fmt: skip
            st.subheader(t("stock_sim", lang).format(year=label))
            names_k = list(dict.fromkeys(part["kpi"]))
            own = part[part["versus"] == ""].set_index(["case", "kpi"])["value"]
            diff = part[part["versus"] == "today"].set_index(["case", "kpi"])
            index = [kpi(n, "response").label(lang) for n in names_k]
            cols = {t("stock_case_today", lang): [kpi(n, "response").format(own[("today", n)])
                                                  for n in names_k]}  # fmt: skip
            for case in ("rule", "plan", "standard"):
                if (case, names_k[0]) not in diff.index:
                    continue
                cols[t(f"stock_case_{case}", lang)] = [
                    kpi(n, "response").paired(float(diff.loc[(case, n), "difference"]),
                                              float(diff.loc[(case, n), "half_width"]))
                    for n in names_k
                ]  # fmt: skip
            st.dataframe(pd.DataFrame(cols, index=index), key=f"stock_sim_{year}")
    # the points
    st.subheader(t("stock_points", lang))
    shown = points.sort_values("cost_yuan_per_year", ascending=False).head(60)
    table = {
        t("stock_point", lang): shown["name_zh"],
        t("freq_district", lang): [district_label(s, a, lang) for a in shown["adcode"]],
        t("stock_level", lang): [t(f"level_{x}", lang) for x in shown["level"]],
    }
    for c in coms:
        table[names[c]] = [_units(x) for x in shown[c]]
    table[col] = [f"{x:,.0f}" for x in shown["cost_yuan_per_year"]]
    st.dataframe(pd.DataFrame(table), hide_index=True, key="stock_points_table")

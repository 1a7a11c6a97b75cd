"""Optimize page, inspection side: the cadence table (how often each kind of premises is
inspected, by risk tier and district) planned from the inspection model's own behaviour, and
its simulated verification against today's cadence and two simple rules."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
import streamlit as st

from anjian import (
    FrequencyResult,
    InspectionConfig,
    OptimizeError,
    Scenario,
    optimize_frequencies,
)
from anjian.kpis import kpi

from .common import (
    cached_variant,
    district_label,
    district_map,
    overrides_json,
    paired_lookup,
    run_on_click,
    scenario_ref,
)
from .text import t


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_frequencies(
    ref: str, edits_json: str, utilisation: float, move_staff: bool, max_change: float,
    reps: int, verify: int,
) -> FrequencyResult:  # fmt: skip
    """The cadence plan for hashable settings (the interval curves are also cached on disk
    by scenario content). One process: the app does not start a cluster."""
    s = cached_variant(ref, edits_json)
    return optimize_frequencies(
        s, reps=reps, verify_reps=verify, target_utilisation=utilisation, move_staff=move_staff,
        max_change=max_change, config=InspectionConfig(years=1.0, seed=0), workers=1,
    )  # fmt: skip


def _days(x: float, lang: str) -> str:
    return f"{x:,.0f} 天" if lang == "zh" else f"{x:,.0f} days"


def render(s: Scenario, lang: str) -> None:
    c1, c2, c3 = st.columns(3)
    util = c1.slider(t("freq_util", lang), 50, 100, 85, 5, format="%d%%", key="freq_util") / 100
    move = c2.checkbox(t("freq_move_staff", lang), value=False, key="freq_move")
    change = c2.slider(t("freq_max_change", lang), 0, 50, 20, 5, format="%d%%", key="freq_change",
                       disabled=not move) / 100  # fmt: skip
    reps = c3.number_input(t("freq_reps", lang), 1, 5, 2, 1, key="freq_reps")
    verify = c3.number_input(t("verify_reps", lang), 2, 10, 3, 1, key="freq_verify")
    st.caption(t("freq_note", lang))
    args = (scenario_ref(), overrides_json(), float(util), bool(move), float(change), int(reps),
            int(verify))  # fmt: skip
    res = run_on_click(lang, "freq_run", args, cached_frequencies, (OptimizeError, ValueError))
    if res is None:
        return
    zh = lang == "zh"
    ver = res.verification
    assert ver is not None
    v = paired_lookup(ver)

    def today(name: str) -> str:
        return kpi(name, "inspection").format(v[("today", name)][0])

    def planned(name: str) -> str:
        return kpi(name, "inspection").format(v[("today", name)][0] + v[("plan", name)][0])

    def delta(case: str, name: str) -> str:
        return kpi(name, "inspection").paired(*v[(case, name)])

    st.caption(t("freq_metrics_note", lang))
    m = st.columns(4)
    colours: list[tuple[Any, str, Literal["inverse", "normal", "off"]]] = [
        (m[0], "expected_deaths_per_year", "inverse"),
        (m[1], "on_time_rate", "normal"),
        (m[2], "routine_done", "off"),
    ]
    for col, name, colour in colours:
        entry = kpi(name, "inspection")
        col.metric(entry.label(lang), planned(name), delta("plan", name), delta_color=colour,
                   help=f"{t('today', lang)}{'：' if zh else ': '}{today(name)}")  # fmt: skip
    state = t("freq_stable", lang) if res.stable else t("freq_not_stable", lang)
    open_, close = ("（", "）") if zh else (" (", ")")
    m[3].metric(t("freq_rounds", lang), f"{res.rounds}{open_}{state}{close}")
    if res.saturated and res.saturated_trial[0] == res.saturated_trial[0]:  # tried (not NaN)
        d, hw = res.saturated_trial
        st.caption(
            t(
                "freq_saturated_kept" if res.saturated_shortest else "freq_saturated_not", lang
            ).format(n=len(res.saturated), d=f"{d:+,.2f}", hw=f"{hw:,.2f}")
        )
    st.subheader(t("freq_cadence", lang))
    cad = res.cadence
    table = pd.DataFrame({
        t("freq_category", lang): cad["category_zh"] if zh else cad["category_en"],
        t("freq_tier", lang): cad["tier_zh"] if zh else cad["tier_en"],
        t("freq_sites", lang): [f"{n:,}" for n in cad["sites"]],
        t("today", lang): [_days(x, lang) for x in cad["interval_today_days"]],
        t("freq_plan_most", lang): [_days(x, lang) for x in cad["interval_plan_days"]],
        t("freq_visits", lang): [f"{a:,.2f} → {b:,.2f}" for a, b in
                                 zip(cad["visits_per_site_year_today"],
                                     cad["visits_per_site_year_plan"], strict=True)],
        t("freq_districts_differ", lang): [
            (f"{n}（{_days(lo, lang)}–{_days(hi, lang)}）" if zh
             else f"{n} ({_days(lo, lang)}–{_days(hi, lang)})") if n else "0"
            for n, lo, hi in zip(cad["districts_other_interval"], cad["interval_plan_min_days"],
                                 cad["interval_plan_max_days"], strict=True)],
        t("freq_bounds", lang): [f"{_days(lo, lang)}–{_days(hi, lang)}" for lo, hi in
                                 zip(cad["shortest_days"], cad["longest_days"], strict=True)],
    })  # fmt: skip
    st.dataframe(table, hide_index=True, key="freq_table")
    data = pd.DataFrame({
        "类别 category": cad["category_zh"] + " / " + cad["category_en"],
        "等级 tier": cad["tier_zh"] + " / " + cad["tier_en"],
        "场所数 sites": cad["sites"],
        "现状间隔（天） interval today (days)": cad["interval_today_days"].round(1),
        "方案间隔（天，多数场所） interval plan (days, most sites)":
            cad["interval_plan_days"].round(1),
        "区县最短（天） shortest in a district (days)": cad["interval_plan_min_days"].round(1),
        "区县最长（天） longest in a district (days)": cad["interval_plan_max_days"].round(1),
        "间隔不同的区县 districts differing": cad["districts_other_interval"],
        "现状每处每年次数 visits a site a year today": cad["visits_per_site_year_today"].round(2),
        "方案每处每年次数 visits a site a year plan": cad["visits_per_site_year_plan"].round(2),
        "允许最短（天） shortest allowed (days)": cad["shortest_days"].round(1),
        "允许最长（天） longest allowed (days)": cad["longest_days"].round(1),
    })  # fmt: skip
    st.download_button(t("export_csv", lang), data.to_csv(index=False).encode("utf-8-sig"),
                       "cadence.csv", "text/csv", key="freq_csv")  # fmt: skip
    by = res.cadence_by_district.copy()
    by["visits_today"] = by["sites"] * 365.0 / by["interval_today_days"]
    by["visits_plan"] = by["sites"] * 365.0 / by["interval_plan_days"]
    per = by.groupby("adcode", as_index=False)[["visits_today", "visits_plan"]].sum()
    per["change"] = (100.0 * (per["visits_plan"] / per["visits_today"] - 1.0)).round(1)
    per["name"] = [district_label(s, a, lang) for a in per["adcode"]]
    st.subheader(t("freq_map", lang))
    fig = district_map(s, per, "change", t("freq_map_label", lang), scale="RdBu",
                       centre_zero=True)  # fmt: skip
    st.plotly_chart(fig, width="stretch", key="freq_map_chart")
    st.subheader(t("freq_targeting", lang))
    tg = res.targeting.head(15)
    st.dataframe(pd.DataFrame({
        "#": tg["priority"],
        t("freq_category", lang): tg["category_zh"] if zh else tg["category_en"],
        t("freq_tier", lang): tg["tier_zh"] if zh else tg["tier_en"],
        t("freq_worth", lang): [f"{x:,.3f}" for x in tg["deaths_per_1000_routine_hours"]],
    }), hide_index=True, key="freq_targeting_table")  # fmt: skip
    st.subheader(t("freq_margin", lang))
    mg = res.margin.head(10)
    st.dataframe(pd.DataFrame({
        t("freq_district", lang): [district_label(s, a, lang) for a in mg["adcode"]],
        t("freq_kind", lang): [s.inspector_kinds[k].name_zh if zh else s.inspector_kinds[k].name_en
                          for k in mg["best_kind"]],
        t("freq_margin_value", lang): [f"{x:,.4f}" for x in mg["deaths_per_10k_yuan"]],
    }), hide_index=True, key="freq_margin_table")  # fmt: skip
    st.caption(t("freq_margin_note", lang))
    st.subheader(t("verification", lang))
    cases = [c for c in ("plan", "uniform_pools", "uniform_city", "plan_vs_uniform_city")
             if c in set(ver["case"])]  # fmt: skip
    names = [k for c, k in v if c == "today"]
    rows = {t("today", lang): [today(n) for n in names]}
    for c in cases:
        rows[t(f"freq_case_{c}", lang)] = [delta(c, n) for n in names]
    out = pd.DataFrame(rows, index=[kpi(n, "inspection").label(lang) for n in names])
    st.dataframe(out, key="freq_verification")
    st.caption(t("freq_rules_note", lang).format(pools=res.uniform_factor,
                                                 city=res.uniform_city_factor))  # fmt: skip
    if len(res.staff):
        moved = res.staff[res.staff["change"] != 0]
        st.caption(t("freq_staff_moved", lang).format(
            units=len(moved), heads=int(moved["change"].abs().sum()),
            cost=float(res.staff["cost_change_yuan"].sum())))  # fmt: skip

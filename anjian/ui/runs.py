"""Runs page: the run store — browse sweeps, see a summary, delete, export (CSV, Excel, HTML)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import streamlit as st

from .common import run_store
from .text import t


def html_report(sweep_id: str) -> str:
    """A self-contained HTML report of a sweep: the runs and the city KPI summary."""
    store = run_store()
    summary = store.labelled_summary(sweep_id)
    city = summary[summary["level"] == "city"]
    runs = store.runs(sweep_id)[["case_name", "rep", "seed", "seconds", "code_version"]]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>anjian {sweep_id}</title></head><body>"
        f"<h1>anjian 安监 — {sweep_id}</h1><h2>City KPIs (mean, 95% CI)</h2>"
        + city.to_html(index=False, float_format=lambda v: f"{v:.4g}")
        + "<h2>Runs</h2>"
        + runs.to_html(index=False)
        + "</body></html>"
    )


def render() -> None:
    lang = st.session_state["lang"]
    from anjian.store import StoreError

    try:
        _render(lang)
    except StoreError as err:  # a damaged store: say what and how to repair, no traceback
        st.error(f"{t('store_error', lang)}: {err}")


def _render(lang: str) -> None:
    st.header(t("page_runs", lang))
    store = run_store()
    sweeps = store.sweeps()
    if sweeps.empty:
        st.info(t("no_runs", lang))
        return
    st.dataframe(sweeps, hide_index=True, key="runs_table")
    sid = st.selectbox(t("sweep", lang), sweeps["sweep_id"].tolist()[::-1], key="runs_sweep")
    summary = store.labelled_summary(sid)
    if not summary.empty:
        st.dataframe(summary[summary["level"] == "city"], hide_index=True, key="runs_summary")
    c = st.columns(4)
    kpis = store.kpis(sid)
    c[0].download_button(
        t("export_csv", lang),
        kpis.to_csv(index=False).encode(),
        file_name=f"{sid}-kpis.csv",
        mime="text/csv",
        key="runs_csv",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = store.export(sid, Path(tmp) / f"{sid}.xlsx", "xlsx")[0]
        data = io.BytesIO(path.read_bytes())
    c[1].download_button(t("export_xlsx", lang), data, file_name=f"{sid}.xlsx", key="runs_xlsx")
    c[2].download_button(
        t("export_html", lang),
        html_report(sid).encode(),
        file_name=f"{sid}.html",
        mime="text/html",
        key="runs_html",
    )
    if c[3].button(t("delete", lang), key="runs_delete"):
        n = store.delete(sid)
        st.success(t("deleted", lang).format(n=n))
        st.rerun()

"""Runs page: the run store — browse sweeps, see a summary, delete, export (CSV, Excel, HTML)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import streamlit as st

from anjian.store import safe_name

from .common import column_config, run_store
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
    done = st.session_state.pop("runs_deleted_msg", None)
    if done:  # said after the rerun that follows a deletion, so it is seen
        st.success(done)
    store = run_store()
    sweeps = store.sweeps()
    if sweeps.empty:
        st.info(t("no_runs", lang))
        return
    st.dataframe(sweeps, hide_index=True, key="runs_table",
                 column_config=column_config(sweeps.columns, lang))  # fmt: skip
    sid = st.selectbox(t("sweep", lang), sweeps["sweep_id"].tolist()[::-1], key="runs_sweep")
    summary = store.labelled_summary(sid)
    if not summary.empty:
        city = summary[summary["level"] == "city"]
        st.dataframe(city, hide_index=True, key="runs_summary",
                     column_config=column_config(city.columns, lang))  # fmt: skip
    c = st.columns(4)
    kpis = store.kpis(sid)
    c[0].download_button(
        t("export_csv", lang),
        kpis.to_csv(index=False).encode(),
        file_name=f"{sid}-kpis.csv",
        mime="text/csv",
        key="runs_csv",
    )
    built = st.session_state.get("runs_xlsx_data")
    if built is not None and built[0] == sid:  # built on demand (it takes seconds), kept
        c[1].download_button(t("export_xlsx", lang), built[1], file_name=f"{safe_name(sid)}.xlsx",
                             key="runs_xlsx")  # fmt: skip
    elif c[1].button(t("build_xlsx", lang), key="runs_build_xlsx"):
        with tempfile.TemporaryDirectory() as tmp:
            path = store.export(sid, Path(tmp) / "export.xlsx", "xlsx")[0]
            st.session_state["runs_xlsx_data"] = (sid, io.BytesIO(path.read_bytes()).getvalue())
        st.rerun()
    c[2].download_button(
        t("export_html", lang),
        html_report(sid).encode(),
        file_name=f"{sid}.html",
        mime="text/html",
        key="runs_html",
    )
    sure = c[3].checkbox(t("delete_confirm", lang).format(sid=sid), key=f"runs_sure_{sid}")
    if c[3].button(t("delete", lang), key="runs_delete", disabled=not sure):
        n = store.delete(sid)
        st.session_state["runs_deleted_msg"] = t("deleted", lang).format(n=n, sid=sid)
        st.session_state.pop("runs_xlsx_data", None)
        st.rerun()

"""Runs page: the run store — browse sweeps, see a summary, delete, export (CSV, Excel, HTML)."""

from __future__ import annotations

import html
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from anjian.kpis import known, kpi, model_of
from anjian.store import safe_name

from .common import column_config, run_store
from .compare import case_label, case_order
from .text import COLUMNS, LABELS, t


def _number(value: object) -> str:
    """A number as a planner reads it: thousands separated, no scientific notation."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return html.escape(str(value))
    x = float(value)
    if x != x:
        return "—"
    if abs(x) >= 100 or x == round(x):
        return f"{x:,.0f}"
    return f"{x:,.4f}".rstrip("0").rstrip(".") if abs(x) < 1 else f"{x:,.2f}"


def _html_table(df: pd.DataFrame) -> str:
    pairs = [COLUMNS.get(c, (c, c)) for c in df.columns]
    head = "".join(f"<th>{html.escape(zh)}<br>{html.escape(en)}</th>" for zh, en in pairs)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_number(v)}</td>" for v in rec) + "</tr>"
        for rec in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def html_report(sweep_id: str) -> str:
    """A self-contained HTML report of a sweep in 中文 and English: its settings, the city KPI
    summary of every case (mean, 95% CI), and each case against the first (paired B − A)."""
    store = run_store()
    summary = store.labelled_summary(sweep_id)
    city = summary[summary["level"] == "city"]
    runs = store.runs(sweep_id)
    cases = case_order(runs["case_name"].tolist())  # today's first: B − A reads as the change
    info = store.sweeps().set_index("sweep_id").loc[sweep_id]
    cfg = json.loads(str(runs["config_json"].iloc[0])) if len(runs) else {}
    rows = [
        ("批次 sweep", sweep_id),
        ("名称 name", str(info["name"])),
        ("模型 model", str(runs["model"].iloc[0]) if len(runs) else ""),
        ("方案 cases", "、".join(cases)),
        ("每方案重复次数 replications per case", str(len(runs) // max(len(cases), 1))),
        ("仿真年数 years", str(cfg.get("years", ""))),
        ("种子 seed", str(runs["seed"].min()) if len(runs) else ""),
        ("创建 created", str(info["created"])),
        ("代码版本 code version", str(info["code_version"])),
    ]
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>anjian {html.escape(sweep_id)}</title><style>{REPORT_CSS}</style></head><body>",
        f"<h1>安监 anjian — {html.escape(sweep_id)}</h1>",
        "<h2>设置 Settings</h2><table>"
        + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        + "</table>",
        "<h2>全市指标（均值，95%置信区间）/ City KPIs (mean, 95% CI)</h2>",
        _html_table(city[["case", "label_zh", "label_en", "unit", "mean", "half_width", "reps"]]),
    ]
    for other in cases[1:]:
        diff = store.compare(sweep_id, cases[0], other)
        diff = diff[diff["level"] == "city"]
        labels = summary.drop_duplicates("kpi").set_index("kpi")
        diff = diff.assign(label_zh=diff["kpi"].map(labels["label_zh"]),
                           label_en=diff["kpi"].map(labels["label_en"]))  # fmt: skip
        parts.append(f"<h2>{html.escape(other)} − {html.escape(cases[0])}（配对差 paired "
                     "difference, 95% CI）</h2>")  # fmt: skip
        parts.append(_html_table(diff[["label_zh", "label_en", "mean", "half_width", "reps"]]))
    parts.append("</body></html>")
    return "".join(parts)


REPORT_CSS = (
    "body{font-family:'Noto Sans CJK SC','PingFang SC',sans-serif;max-width:1000px;"
    "margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{border:1px solid #ccc;padding:3px 8px;font-size:14px}th{background:#f3f3f3}"
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
    shown_sweeps = sweeps.assign(
        status=[t(f"sweep_status_{x}", lang) if f"sweep_status_{x}" in LABELS else x
                for x in sweeps["status"]])  # fmt: skip
    st.dataframe(shown_sweeps, hide_index=True, key="runs_table",
                 column_config=column_config(shown_sweeps, lang))  # fmt: skip
    sid = st.selectbox(t("sweep", lang), sweeps["sweep_id"].tolist()[::-1], key="runs_sweep")
    summary = store.labelled_summary(sid)
    if not summary.empty:
        # the KPI named in the page's language (the code stays in the exports, for scripts)
        other = "label_en" if lang == "zh" else "label_zh"
        city = summary[summary["level"] == "city"]
        model = model_of(str(store.runs(sid)["model"].iloc[0]))

        def fmt(name: str, v: float) -> str:
            return kpi(name, model).format(v) if known(name, model) else f"{v:,.4g}"

        # each figure in its KPI's unit and precision (the label carries the unit)
        city = city.assign(
            case=[case_label(str(c), lang) for c in city["case"]],
            mean=[fmt(k, v) for k, v in zip(city["kpi"], city["mean"], strict=True)],
            half_width=[fmt(k, v) for k, v in zip(city["kpi"], city["half_width"],
                                                  strict=True)],
        ).drop(columns=["kpi", other, "level", "key", "unit"], errors="ignore")  # fmt: skip
        st.dataframe(city, hide_index=True, key="runs_summary",
                     column_config=column_config(city, lang))  # fmt: skip
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
    report = st.session_state.get("runs_html_data")
    if report is not None and report[0] == sid:  # built on demand (seconds for a big sweep)
        c[2].download_button(t("export_html", lang), report[1], file_name=f"{safe_name(sid)}.html",
                             mime="text/html", key="runs_html")  # fmt: skip
    elif c[2].button(t("build_html", lang), key="runs_build_html"):
        st.session_state["runs_html_data"] = (sid, html_report(sid).encode())
        st.rerun()
    sure = c[3].checkbox(t("delete_confirm", lang).format(sid=sid), key=f"runs_sure_{sid}")
    if c[3].button(t("delete", lang), key="runs_delete", disabled=not sure):
        n = store.delete(sid)
        st.session_state["runs_deleted_msg"] = t("deleted", lang).format(n=n, sid=sid)
        st.session_state.pop("runs_xlsx_data", None)
        st.session_state.pop("runs_html_data", None)
        st.rerun()

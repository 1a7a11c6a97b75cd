"""Validation page: the evidence that the models are right — ``anjian validate --quick`` run on
a click (about a minute), its lines by group and its figures, and the report to download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from anjian.validation import GROUPS, run_validation, what
from anjian.validation_report import write_report

from .text import t

FIGURES = ("erlang_c", "hypercube", "calibration")
COLUMNS = {
    "item": ("项目", "Item"),
    "reference": ("参照值", "Reference"),
    "ours": ("本工具", "Ours"),
    "tolerance": ("容差", "Tolerance"),
    "passed": ("通过", "Passed"),
    "seconds": ("用时（秒）", "Time (s)"),
    "source": ("来源", "Source"),
}


def render() -> None:
    lang = st.session_state["lang"]
    st.header(t("page_validation", lang))
    st.write(t("validation_intro", lang))
    if st.button(t("validation_run", lang), key="validation_run"):
        bar = st.progress(0.0, text=t("validation_running", lang))
        keys = ["queueing", "hypercube", "pmed", "cflp", "swain", "farmer", "checker",
                "calibration", "reproducibility"]  # fmt: skip

        def tick(key: str) -> None:
            done = keys.index(key) if key in keys else 0
            bar.progress(done / len(keys), text=f"{t('validation_running', lang)} {key}")

        v = run_validation("quick", progress=tick)
        bar.empty()
        folder = Path(tempfile.mkdtemp(prefix="anjian-validation-"))
        paths = write_report(v, folder)
        st.session_state["validation"] = {
            "lines": v.table(),
            "passed": v.passed,
            "seconds": v.seconds,
            "html": paths["html"].read_bytes(),
            "md": paths["md"].read_bytes(),
            "figures": {k: p.read_bytes() for k, p in paths.items() if k in FIGURES},
        }
    got = st.session_state.get("validation")
    if not got:
        return
    lines: pd.DataFrame = got["lines"]
    n, bad = len(lines), int((~lines["passed"]).sum())
    summary = t("validation_summary", lang).format(ok=n - bad, n=n, s=got["seconds"])
    (st.success if bad == 0 else st.error)(summary)
    for key in GROUPS:
        mine = lines[lines["group"] == key]
        if mine.empty:
            continue
        zh, en, _ = GROUPS[key]
        st.subheader(zh if lang == "zh" else en)
        st.caption(what(key, lang))
        shown = mine[list(COLUMNS)].copy()
        shown["passed"] = shown["passed"].map({True: t("yes", lang), False: t("no", lang)})
        shown["seconds"] = shown["seconds"].map(lambda x: f"{x:,.1f}")
        shown = shown.astype(str)
        shown.columns = [COLUMNS[c][0 if lang == "zh" else 1] for c in COLUMNS]
        st.dataframe(shown, hide_index=True, key=f"validation_{key}")
        if key in got["figures"]:
            st.image(got["figures"][key])
    st.download_button(t("validation_download", lang), got["html"],
                       file_name="validation.html", mime="text/html",
                       key="validation_html")  # fmt: skip

"""anjian Streamlit front end: `streamlit run app.py`.

A thin frame: session defaults, the language and scenario switches, and page navigation. Pages
live in anjian/ui/ and call the same Python API as the CLI.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st

from anjian import builtin_scenarios, jobs
from anjian.ui.common import lasting_select
from anjian.ui.text import LANGUAGES, t

DEFAULTS = {"lang": "zh", "scenario": "chongqing", "uploaded_ref": None, "uploaded_name": None}


@st.cache_resource(show_spinner=False)
def scenario_titles() -> dict[str, dict[str, str]]:
    """The built-in scenarios' titles in both languages (read once)."""
    from anjian import load_scenario

    out = {}
    for name in builtin_scenarios():
        meta = load_scenario(name).meta
        out[name] = {"zh": meta.title_zh, "en": meta.title_en}
    return out


def _lazy(module: str) -> Callable[[], None]:
    """A page that imports its module when first shown (the first page renders sooner)."""

    def page() -> None:
        importlib.import_module(f"anjian.ui.{module}").render()

    page.__name__ = module  # st.Page keys callables by name
    return page


st.set_page_config(page_title="anjian 安监", layout="wide")
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

with st.sidebar:
    st.radio(
        "语言 / Language",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
        horizontal=True,
    )
    lang = st.session_state["lang"]
    titles = scenario_titles()
    uploaded = st.session_state.get("uploaded_ref")
    # while an uploaded bundle is in use the built-in choice does not apply: said, and greyed
    # one widget per language (a shared one would reset when its titles change language),
    # the choice kept in session state under "scenario", which the pages read
    lasting_select(t("scenario", lang), builtin_scenarios(),
                   lambda n: titles.get(n, {}).get(lang, n), "scenario", lang,
                   "chongqing", disabled=bool(uploaded))  # fmt: skip
    if uploaded:
        st.caption(t("sidebar_uploaded", lang).format(name=st.session_state.get("uploaded_name")))

st.title(t("app_title", lang))
jobs.warm_up(str(st.session_state.get("uploaded_ref") or st.session_state["scenario"]))
st.session_state.setdefault("overrides", {})
page = st.navigation(
    [
        st.Page(_lazy("overview"), title=t("overview", lang), url_path="overview", default=True),
        st.Page(_lazy("scenario_page"), title=t("page_scenario", lang), url_path="scenario"),
        st.Page(_lazy("whatif"), title=t("page_whatif", lang), url_path="whatif"),
        st.Page(_lazy("optimize_page"), title=t("page_optimize", lang), url_path="optimize"),
        st.Page(_lazy("budget_page"), title=t("page_budget", lang), url_path="budget"),
        st.Page(_lazy("compare"), title=t("page_compare", lang), url_path="compare"),
        st.Page(_lazy("runs"), title=t("page_runs", lang), url_path="runs"),
        st.Page(_lazy("validation_page"), title=t("page_validation", lang), url_path="validation"),
    ]
)
page.run()

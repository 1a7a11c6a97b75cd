"""Shared pieces of the app: the effective scenario (choice + upload + edits), cached API
wrappers with hashable arguments, the run store, and the district map."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import shapely
import streamlit as st
from shapely.geometry import mapping

from anjian import Scenario, ScenarioError, jobs, load_scenario, with_overrides
from anjian.jobs import Job

from .text import column_label, problem_text, t

R = TypeVar("R")

if TYPE_CHECKING:
    from anjian.store import RunStore


@st.cache_resource(show_spinner=False)
def cached_scenario(ref: str) -> Scenario:
    """Load a scenario once per process (scenarios are immutable). An uploaded bundle's
    folder (a path, not a built-in name) reads only files inside itself and the built-ins."""
    path = Path(ref)
    return load_scenario(ref, root=path if path.is_dir() else None)


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_variant(ref: str, overrides_json: str) -> Scenario:
    """The scenario with the user's edits (by dotted path), validated."""
    return with_overrides(cached_scenario(ref), json.loads(overrides_json))


def scenario_ref() -> str:
    """The chosen built-in scenario, or the uploaded bundle's folder."""
    return str(st.session_state.get("uploaded_ref") or st.session_state["scenario"])


def overrides() -> dict[str, Any]:
    edits: dict[str, Any] = st.session_state.setdefault("overrides", {})
    return edits


def overrides_json() -> str:
    return json.dumps(overrides(), sort_keys=True)


def current_scenario(lang: str) -> Scenario | None:
    """The effective scenario, or ``None`` after showing why it cannot be loaded."""
    ref = scenario_ref()
    try:
        return cached_variant(ref, overrides_json())
    except ScenarioError as err:
        scenario_errors(err.problems or [str(err)], lang, f"{t('invalid', lang)}: {ref}")
        return None


def scenario_errors(problems: list[str], lang: str, head: str) -> None:
    """The scenario checks' messages under ``head``, in ``lang`` (on the Chinese page their
    standard phrases in Chinese, the English original one click away)."""
    shown = [problem_text(p, lang) for p in problems]
    lines = [text if whole else f"{text}（{t('problem_original', lang)}）" for text, whole in shown]
    st.error(head + "\n" + "\n".join(f"- {line}" for line in lines))
    if lang == "zh":
        with st.expander(t("problem_original", lang)):
            st.text("\n".join(problems))


def follow(job: Job, lang: str, *, steps: str = "progress_runs") -> Job:
    """Show ``job``'s progress (bar, runs done, seconds elapsed and left) twice a second until
    it ends, then return it (leaving this page stops the showing, not the job: the page
    attaches to it again on return)."""
    bar = st.progress(0.0, text=t("running", lang))
    while True:
        now = job.status()
        text = t(steps, lang).format(done=now.done, total=now.total, s=now.elapsed_s)
        if now.left_s is not None and not now.finished:
            text += " · " + t("progress_left", lang).format(s=now.left_s)
        if job.message:
            text += " · " + job.message[:100]
        bar.progress(now.fraction, text=text)
        if now.finished:
            break
        time.sleep(POLL_S)
    bar.empty()
    return job


POLL_S = 0.5  # how often a running job's progress is redrawn


def job_on_click(
    clicked: bool,
    key: str,
    work: Callable[[Job], Any],
    lang: str,
    *,
    steps: str = "progress_solve",
    expected_s: float | None = None,
) -> Job | None:
    """A button's long computation as a job: started when ``clicked`` (unless one with the
    same ``key`` runs already), its progress shown until it ends; the finished job (its
    ``result`` or ``error``) on the rerun it ends in, else ``None``. Leaving the page leaves
    the job running; coming back shows it again."""
    job = jobs.running(key)
    if clicked and job is None:
        job = jobs.start(key, work, expected_s=expected_s, wrap=with_script_context)
    if job is None:
        return None
    follow(job, lang, steps=steps)
    jobs.take(key)
    return job


def with_script_context(thread: Any) -> None:
    """Let a job's thread call the app's cached functions (Streamlit's documented way)."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    add_script_run_ctx(thread, get_script_run_ctx())


def job_error(err: BaseException, lang: str) -> None:
    """A finished job's error on the page (a bad scenario lists its problems)."""
    if isinstance(err, ScenarioError):
        scenario_errors(err.problems or [str(err)], lang, t("invalid", lang))
    else:
        st.error(f"{t('job_failed', lang)}: {err}")


@st.cache_resource(show_spinner=False)
def run_store() -> RunStore:
    """The run store the CLI uses too (``$ANJIAN_STORE``, else the user data directory)."""
    from anjian.store import RunStore

    return RunStore()


def _lasting(
    widget: Callable[..., Any],
    label: str,
    options: list[str],
    format_func: Callable[[str], str],
    key: str,
    lang: str,
    default: str | None,
    **kw: Any,
) -> str:
    """One widget per language (its label changes with the language, which would reset a
    shared one; test keys are ``f"{key}_{lang}"``), the choice kept in the session under
    ``key`` and shown in the new language."""
    saved = st.session_state.get(key, default if default is not None else options[0])
    choice = widget(
        label,
        options,
        index=options.index(saved) if saved in options else 0,
        format_func=format_func,
        key=f"{key}_{lang}",
        **kw,
    )
    st.session_state[key] = choice
    return str(choice)


def lasting_radio(
    label: str,
    options: list[str],
    format_func: Callable[[str], str],
    key: str,
    lang: str,
    **kw: Any,
) -> str:
    """A radio whose choice survives a language switch (see :func:`_lasting`)."""
    return _lasting(st.radio, label, options, format_func, key, lang, None, **kw)


def lasting_select(
    label: str,
    options: list[str],
    format_func: Callable[[str], str],
    key: str,
    lang: str,
    default: str | None = None,
    **kw: Any,
) -> str:
    """A select box whose choice survives a language switch (see :func:`_lasting`)."""
    return _lasting(st.selectbox, label, options, format_func, key, lang, default, **kw)


def district_label(s: Scenario, adcode: str, lang: str) -> str:
    d = s.districts[adcode]
    return f"{d.name_zh} {d.name_pinyin}" if lang == "zh" else f"{d.name_pinyin} {d.name_zh}"


@st.cache_resource(show_spinner=False)
def _geojson(ref: str, overrides_json: str) -> dict[str, Any]:
    s = cached_variant(ref, overrides_json)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": a},
                # ~200 m tolerance: 9× less to send to the browser, invisible at city zoom
                "geometry": mapping(d.geometry.simplify(0.002, preserve_topology=True)),
            }
            for a, d in s.districts.items()
        ],
    }


def lang_now() -> str:
    """The page's language (中文 unless English was chosen)."""
    return str(st.session_state.get("lang", "zh"))


def district_map(
    s: Scenario,
    values: pd.DataFrame,
    column: str,
    label: str,
    *,
    markers: pd.DataFrame | None = None,
    height: int = 480,
    scale: str = "YlOrRd",
    centre_zero: bool = False,
) -> go.Figure:
    """A choropleth of ``values[column]`` by ``values['adcode']`` on a blank MapLibre style
    (no tiles, no token, nothing fetched from the internet), with optional point markers
    (columns lon, lat, size, text). ``centre_zero`` (a map of changes): the colour scale's
    middle is no change, its ends ± the largest change, so a small gain is never drawn as a
    deep colour."""
    minx, miny, maxx, maxy = shapely.total_bounds([d.geometry for d in s.districts.values()])
    center = {"lon": float(minx + maxx) / 2, "lat": float(miny + maxy) / 2}
    fig = px.choropleth_map(
        values,
        geojson=_geojson(scenario_ref(), overrides_json()),
        locations="adcode",
        featureidkey="properties.adcode",
        color=column,
        hover_name="name" if "name" in values else None,
        color_continuous_scale=scale,
        range_color=_symmetric(values[column]) if centre_zero else None,
        labels={column: label, "adcode": column_label("adcode", lang_now())},
        hover_data={column: ":,.4~r", "adcode": True},
        map_style="white-bg",
        center=center,
        zoom=6 if maxx - minx > 3 else 8,
        opacity=0.8,
    )
    if markers is not None and len(markers):
        fig.add_trace(
            go.Scattermap(
                lon=markers["lon"],
                lat=markers["lat"],
                mode="markers",
                marker={"size": 6 + 3 * markers["size"].clip(upper=6), "color": "#1f4e9a"},
                text=markers["text"],
                hoverinfo="text",
                name="",
            )
        )
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=height, showlegend=False)
    return fig


def _symmetric(column: pd.Series) -> tuple[float, float] | None:
    top = float(pd.to_numeric(column, errors="coerce").abs().max())
    return (-top, top) if top == top and top > 0 else None


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def column_config(table: Any, lang: str, s: Scenario | None = None) -> dict[str, Any]:
    """Headers for a table's columns (a DataFrame, or its column names) in ``lang``: the
    scenario's kinds, categories, types and commodities by their names, months by number, the
    app's generic columns by their labels; the data keep their codes (edits map back by
    column). A DataFrame's numeric columns are shown with thousands separators."""
    frame = table if isinstance(table, pd.DataFrame) else None
    columns = frame.columns if frame is not None else table
    numeric = set()
    if frame is not None:
        numeric = {str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                   and not pd.api.types.is_bool_dtype(frame[c])}  # fmt: skip
    names: dict[str, tuple[str, str]] = {}
    if s is not None:
        for group in (s.inspector_kinds, s.vehicle_kinds, s.site_categories, s.incident_types,
                      s.commodities):  # fmt: skip
            for code, item in group.items():
                names[str(code)] = (item.name_zh, item.name_en)
    out: dict[str, Any] = {}
    for col in columns:
        code = str(col)
        if code in names:
            zh, en = names[code]
            label = zh if lang == "zh" else en
        elif code.isdigit() and 1 <= int(code) <= 12:
            label = f"{code}月" if lang == "zh" else MONTHS[int(code) - 1]
        else:
            label = column_label(code, lang)
        if code in numeric:
            out[code] = st.column_config.NumberColumn(label, format="localized")
        elif label != code:
            out[code] = st.column_config.Column(label)
    return out


def paired_cell(entry: Any, diff: float, half: float) -> str:
    """``entry.paired(diff, half)`` (:meth:`anjian.kpis.Kpi.paired`)."""
    return str(entry.paired(diff, half))


def paired_lookup(verification: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """A verification table (case, kpi, difference, half_width) as a lookup by (case, kpi)."""
    return {
        (str(r["case"]), str(r["kpi"])): (float(r["difference"]), float(r["half_width"]))
        for r in verification.to_dict(orient="records")
    }


def run_on_click(
    lang: str,
    key: str,
    args: tuple[Any, ...],
    compute: Callable[..., R],
    errors: tuple[type[BaseException], ...],
) -> R | None:
    """The Optimize pages' button: ``compute(*args)`` (a cached function) when the primary
    button ``key`` is pressed, its result on later reruns with the same settings; ``None`` after
    showing why (an error, or settings not run yet)."""
    clicked = st.button(t("optimize", lang), type="primary", key=key)
    outcome = job_on_click(clicked, f"{key}-{compute.__name__}-{json.dumps(args, default=str)}",
                           lambda job: compute(*args), lang)  # fmt: skip
    if outcome is not None:
        if isinstance(outcome.error, errors):
            st.error(f"{t('no_plan', lang)}: {outcome.error}")
            return None
        if outcome.error is not None:
            raise outcome.error
        st.session_state[f"{key}_args"] = json.dumps(args)
    if st.session_state.get(f"{key}_args") != json.dumps(args):
        st.info(t("no_opt_run", lang))
        return None
    return compute(*args)

"""Scenario page: view and edit the scenario's tables, upload a bundle, download the edits.

Edits are kept as overrides by dotted path (``staff.500101.township = 30``) in the session and
validated on every change; a problem is shown next to the table it comes from, and the last
valid scenario stays in use. Downloads are a derived manifest (``base`` + ``[overrides]``), so
nothing the user changed is lost and the bundle loads with ``anjian scenario validate``.
Uploads are size-limited zips, parsed as data only (TOML, CSV, GeoJSON; no code, no pickle).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from anjian import Scenario, ScenarioError, derived_bundle, extract_bundle, load_scenario

from .common import (
    cached_scenario,
    cached_variant,
    column_config,
    overrides,
    scenario_errors,
    scenario_ref,
)
from .text import t


def cell_path(key: str, row: str, col: str) -> str:
    """The override path of a cell of one of the editable tables."""
    return {
        "staff": f"staff.{row}.{col}",
        "rates": f"incident_rates.{row}.{col}",
        "fleet": f"depots.{row}.vehicles.{col}",
        "kinds": f"vehicle_kinds.{row}.{col}",
        "stocks": f"warehouses.{row}.stocks.{col}.stock_units",
    }[key]


def _apply(edits: dict[str, Any], key: str, before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Record the cells of ``after`` that differ from ``before`` as overrides."""
    for row in after.index:
        for col in after.columns:
            new: Any = after.at[row, col]
            old: Any = before.at[row, col]
            path = cell_path(key, str(row), str(col))
            if pd.isna(new) and pd.isna(old):
                continue
            if pd.isna(new):  # a cleared cell: back to the scenario's own value
                edits.pop(path, None)
                continue
            if new != old:
                value = new.item() if hasattr(new, "item") else new
                if isinstance(value, float) and value.is_integer():
                    value = int(value)  # counts shown as floats by the editor stay counts
                edits[path] = value
            elif path in edits:
                del edits[path]


def _section(
    lang: str, key: str, df: pd.DataFrame, base: Scenario, names: dict[str, str] | None = None
) -> None:
    """One editable table: the effective values, diffed against the base into overrides."""
    edits = overrides()
    # whole-number columns are edited as numbers: an integer column's editor drops a typed
    # decimal point ("2.5" became 25); the scenario check refuses a fraction with a message
    shown = df.astype({c: float for c in df.columns if pd.api.types.is_integer_dtype(df[c])})
    if names:
        shown.insert(0, "name", [names.get(i, "") for i in shown.index])
    gen = st.session_state.get("edit_generation", 0)
    # a named row shows its name, not its id (the id stays the row's key in the data)
    edited = st.data_editor(shown, key=f"edit_{key}_{gen}", disabled=["name"], width="stretch",
                            column_config=column_config(shown, lang, base),
                            hide_index=bool(names))  # fmt: skip
    if names:
        edited = edited.drop(columns="name")
    base_df = _frame(base, key)
    trial = dict(edits)
    _apply(trial, key, base_df, edited)
    if trial != edits:
        try:
            cached_variant(scenario_ref(), json.dumps(trial, sort_keys=True))
        except ScenarioError as err:
            scenario_errors(err.problems or [str(err)], lang, t("fix_here", lang))
            st.session_state["edit_rejected"] = True
            return
        edits.clear()
        edits.update(trial)
        st.rerun()


def _let_go() -> None:
    """Remove the unpacked files of the upload in use (the scenario stays in memory)."""
    dest = st.session_state.pop("uploaded_dest", None)
    if dest and Path(dest).name.startswith("anjian-upload-"):
        shutil.rmtree(dest, ignore_errors=True)


def _named(item: Any, lang: str) -> str:
    """Something of the scenario by its name in ``lang``."""
    return str(item.name_zh if lang == "zh" else item.name_en)


def _inside(problem: str, dest: Path) -> str:
    """A problem of an uploaded bundle with the server's folder taken out of its paths."""
    for prefix in {str(dest.resolve()), str(dest)}:
        problem = problem.replace(prefix + "/", "").replace(prefix, "")
    return problem


def _frame(s: Scenario, key: str) -> pd.DataFrame:
    if key == "staff":
        return pd.DataFrame(s.staff).T
    if key == "rates":
        return pd.DataFrame(s.incident_rates).T
    if key == "season":
        return pd.DataFrame(
            {k: it.monthly_factor for k, it in s.incident_types.items()},
            index=[str(m) for m in range(1, 13)],
        ).T
    if key == "fleet":
        return pd.DataFrame({d: dict(dep.vehicles) for d, dep in s.depots.items()}).T.fillna(0)
    if key == "kinds":
        return pd.DataFrame(
            {
                k: {
                    "availability": v.availability,
                    "cost_yuan_per_year": v.cost_yuan_per_year,
                    "cost_yuan_per_use": v.cost_yuan_per_use,
                }
                for k, v in s.vehicle_kinds.items()
            }
        ).T
    if key == "stocks":
        rows = {
            f"{w}": {c: st_.stock_units for c, st_ in wh.stocks.items()}
            for w, wh in s.warehouses.items()
        }
        return pd.DataFrame(rows).T
    raise KeyError(key)


def render() -> None:
    lang = st.session_state["lang"]
    ref = scenario_ref()
    try:
        base = cached_scenario(ref)
    except ScenarioError as err:
        scenario_errors(err.problems or [str(err)], lang, f"{t('invalid', lang)}: {ref}")
        return
    edits = overrides()
    try:
        s = cached_variant(ref, json.dumps(edits, sort_keys=True))
    except ScenarioError:
        s = base
    st.header(s.meta.title_zh if lang == "zh" else s.meta.title_en)
    c1, c2, c3 = st.columns([2, 1, 1])
    c1.caption(t("edits", lang).format(n=len(edits)))
    reset_slot = c2.empty()  # filled after the tables, which may hold a rejected value
    st.session_state["edit_rejected"] = False
    c3.download_button(
        t("download", lang),
        data=derived_bundle(ref, s, edits),
        file_name=f"{s.meta.name}_edited.zip",
        mime="application/zip",
        key="download_bundle",
    )
    names = {a: f"{d.name_zh} {d.name_pinyin}" for a, d in s.districts.items()}
    # depots and warehouses by their names, not only their ids
    depots = {k: _named(d, lang) for k, d in s.depots.items()}
    stores = {k: _named(w, lang) for k, w in s.warehouses.items()}
    kinds = {k: _named(v, lang) for k, v in s.vehicle_kinds.items()}
    tabs = st.tabs(
        [
            t(k, lang)
            for k in (
                "tab_staff",
                "tab_rates",
                "tab_season",
                "tab_fleet",
                "tab_kinds",
                "tab_stocks",
            )
        ]
    )
    for tab, key in zip(
        tabs, ("staff", "rates", "season", "fleet", "kinds", "stocks"), strict=True
    ):
        with tab:
            if key == "season":
                _season(lang, s, base)
                continue
            nm = {"staff": names, "rates": names, "fleet": depots, "stocks": stores,
                  "kinds": kinds}.get(key)  # fmt: skip
            _section(lang, key, _frame(s, key), base, nm)
    # also when only a rejected value sits in a table: the tables are rebuilt from the scenario
    pending = bool(st.session_state.get("edit_rejected"))
    if reset_slot.button(t("reset_edits", lang), key="reset_edits",
                         disabled=not (edits or pending)):  # fmt: skip
        edits.clear()
        st.session_state["edit_generation"] = st.session_state.get("edit_generation", 0) + 1
        st.rerun()
    st.divider()
    # the uploader's key changes when the upload is let go, so the file leaves the widget too
    generation = st.session_state.setdefault("upload_generation", 0)
    up = st.file_uploader(t("upload", lang), type=["zip"], key=f"upload_bundle_{generation}")
    data = up.getvalue() if up is not None else b""
    digest = hashlib.sha256(data).hexdigest() if up is not None else None
    if up is not None and st.session_state.get("uploaded_digest") != digest:
        # the same name with new content is a new upload; the same content is not read twice
        dest = Path(tempfile.mkdtemp(prefix="anjian-upload-"))
        try:
            folder = extract_bundle(data, dest)
            load_scenario(folder, root=folder)
        except ScenarioError as err:  # named inside the bundle, not by the server's temp path
            shutil.rmtree(dest, ignore_errors=True)  # nothing half-extracted stays behind
            shown = [_inside(p, dest) for p in err.problems]
            st.session_state["uploaded_digest"] = digest  # said once, not on every rerun
            st.session_state["upload_problems"] = shown
        else:
            _let_go()  # an earlier upload's files
            st.session_state["uploaded_ref"] = str(folder)
            st.session_state["uploaded_dest"] = str(dest)
            st.session_state["uploaded_name"] = up.name
            st.session_state["uploaded_digest"] = digest
            st.session_state.pop("upload_problems", None)
            edits.clear()
            st.rerun()
    if st.session_state.get("upload_problems") and up is not None:
        problems = st.session_state["upload_problems"]
        scenario_errors(problems, lang, t("upload_bad", lang))
    if st.session_state.get("uploaded_ref"):
        st.success(t("uploaded_ok", lang).format(name=st.session_state.get("uploaded_name")))
        if st.button(t("use_builtin", lang), key="clear_upload"):
            _let_go()
            st.session_state["uploaded_ref"] = None
            st.session_state["uploaded_name"] = None
            st.session_state["uploaded_digest"] = None
            st.session_state["upload_generation"] = generation + 1
            edits.clear()
            st.rerun()


def _season(lang: str, s: Scenario, base: Scenario) -> None:
    """Monthly factors per incident type (a list per type, so edited as whole rows)."""
    edits = overrides()
    df = _frame(s, "season")
    shown = df.copy()
    shown.insert(0, "name", [_named(s.incident_types[k], lang) for k in shown.index])
    gen = st.session_state.get("edit_generation", 0)
    edited = st.data_editor(shown, key=f"edit_season_{gen}", width="stretch", disabled=["name"],
                            column_config=column_config(shown, lang, base),
                            hide_index=True)  # fmt: skip
    edited = edited.drop(columns="name")
    trial = dict(edits)
    for k in edited.index:
        new = [float(x) for x in edited.loc[k].tolist()]
        old = list(base.incident_types[k].monthly_factor)
        path = f"incident_types.{k}.monthly_factor"
        if new != old:
            trial[path] = new
        else:
            trial.pop(path, None)
    if trial != edits:
        try:
            cached_variant(scenario_ref(), json.dumps(trial, sort_keys=True))
        except ScenarioError as err:
            scenario_errors(err.problems or [str(err)], lang, t("fix_here", lang))
            st.session_state["edit_rejected"] = True
            return
        edits.clear()
        edits.update(trial)
        st.rerun()

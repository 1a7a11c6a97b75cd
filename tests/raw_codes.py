"""The codes no page should show as text (the KPI catalogue's names, the generic columns'
names, a scenario's ids of kinds, types and categories), and finders for them in page text
and in the tables and texts of an AppTest run."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

EXTRA = {"district_certified", "rented_cost_yuan", "others_today", "harm_deaths_per_year",
         "change_vs_today", "non_dominated", "region_group", "response_min", "kind_zh",
         "kind_en", "category_zh", "category_en", "name_zh", "name_en", "name_pinyin"}  # fmt: skip


def raw_codes(scenario: str = "chongqing") -> set[str]:
    """Codes with an underscore (single words such as 'mean' are also plain English)."""
    from anjian import load_scenario
    from anjian.kpis import CATALOGUE
    from anjian.ui.text import COLUMNS

    s = load_scenario(scenario)
    codes = {k.name for k in CATALOGUE} | set(COLUMNS) | EXTRA
    codes |= set(s.inspector_kinds) | set(s.incident_types) | set(s.vehicle_kinds)
    codes |= set(s.site_categories) | {c for w in s.warehouses.values() for c in w.stocks}
    return {c for c in codes if "_" in c}


def codes_in(text: str, codes: set[str]) -> list[str]:
    return sorted(c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])",
                                                 text))  # fmt: skip


def code_headers(headers: list[str]) -> list[str]:
    """Table headers that are lower-case identifiers ('name', 'kind'): a column's code."""
    return sorted({h.strip() for h in headers if re.fullmatch(r"[a-z][a-z0-9_]*", h.strip())})


def _frame_text(df: pd.DataFrame, config: dict[str, Any]) -> tuple[list[str], str]:
    """A table's headers as shown (a column's configured label, else its name; hidden
    columns left out) and its text."""
    heads = [str((config.get(str(c)) or {}).get("label") or c) for c in df.columns
             if not (config.get(str(c)) or {}).get("hidden")]  # fmt: skip
    if df.index.name and not (config.get("_index") or {}).get("hidden"):
        heads.append(str(df.index.name))
    index = [] if (config.get("_index") or {}).get("hidden") else [str(x) for x in df.index]
    cells = index + [str(x) for col in df.columns for x in df[col].tolist() if isinstance(x, str)]
    return heads, "\n".join(heads + cells)


def app_codes(at: Any, scenario: str = "toy") -> list[str]:
    """The raw codes an AppTest page shows: in its tables (headers, index, text cells),
    metrics, texts, captions, messages and widget labels."""
    codes = raw_codes(scenario)
    texts: list[str] = []
    heads: list[str] = []
    for df in list(at.dataframe) + list(at.table):
        columns = getattr(getattr(df, "proto", None), "columns", "") or "{}"
        h, text = _frame_text(df.value, json.loads(columns))
        heads += h
        texts.append(text)
    for group in ("markdown", "caption", "text", "info", "success", "warning", "error",
                  "subheader", "header", "title"):  # fmt: skip
        texts += [str(e.value) for e in getattr(at, group)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for group in ("button", "radio", "selectbox", "slider", "number_input", "checkbox"):
        texts += [str(getattr(e, "label", "")) for e in getattr(at, group)]
    found = codes_in("\n".join(texts), codes) + code_headers(heads)
    return sorted(set(found))

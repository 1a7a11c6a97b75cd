"""Overrides by dotted path, and the provenance that makes errors name their source.

The one implementation of ``[overrides]`` (scenario files), of derived scenarios
(:meth:`Scenario.with_ <anjian.scenarios.scenario.Scenario.with_>`) and of turning pydantic's
validation errors into one line per problem naming the file, the row or key, and the value.
It works on raw (dumped) data and takes the root model as a parameter, so it depends on no
scenario module: the loader and the scenario model both use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import CrossReferenceError, Loc, ScenarioError


class Provenance:
    """Where each part of the raw scenario came from, for error messages."""

    def __init__(self) -> None:
        self._where: dict[Loc, str] = {}
        self.root: str = ""

    def add(self, loc: Loc, label: str | Path) -> None:
        self._where[loc] = str(label)

    def drop_under(self, prefix: Loc) -> None:
        for loc in [k for k in self._where if k[: len(prefix)] == prefix]:
            del self._where[loc]

    def locate(self, loc: Loc) -> tuple[str, Loc]:
        """The label of the longest recorded prefix of ``loc`` and the rest of ``loc``."""
        for n in range(len(loc), 0, -1):
            label = self._where.get(tuple(loc[:n]))
            if label is not None:
                if self.root and label.startswith(self.root):
                    label = label[len(self.root) :]
                return label, tuple(loc[n:])
        return "scenario", loc


def _flatten(prefix: tuple[str, ...], value: Any, base: Any) -> list[tuple[tuple[str, ...], Any]]:
    """Pair override leaves with paths, descending while both sides are tables."""
    if (
        isinstance(value, dict)
        and isinstance(base, dict)
        and not ("kind" in value and "kind" in base)
    ):
        out: list[tuple[tuple[str, ...], Any]] = []
        for k, v in value.items():
            parts = tuple(k.split("."))
            node: Any = base
            for p in parts:
                node = node.get(p) if isinstance(node, dict) else None
            out.extend(_flatten((*prefix, *parts), v, node))
        return out
    return [(prefix, value)]


#: Top-level names of the validated data that a scenario file does not use as such.
INTERNAL_NAMES = frozenset({"meta", "schema_version"})
#: Where a table's rows live when a path names the table's file key.
TABLE_HINTS = {
    "stocks": "; stock rows live under warehouses, e.g. 'warehouses.w_city.stocks.tent."
    "stock_units'",
    "scenario": "; the [scenario] table cannot be overridden (name, titles and base are the "
    "manifest's own)",
    "boundaries": "; district polygons live under districts.<adcode>.geometry",
}


def apply_overrides(
    raw: dict[str, Any],
    prov: Provenance,
    overrides: Mapping[str, Any],
    path: Path | str,
    root: type[BaseModel],
) -> None:
    """Set each dotted path of ``overrides`` in ``raw`` (the dumped data of a ``root`` model).

    A path must name something that exists, or a field of the model there left at its default;
    a table with a ``kind`` replaces a distribution whole. ``path`` labels the source in errors
    and in ``prov``.

    Raises
    ------
    ScenarioError
        For a path that names nothing, with the closest key when there is one.
    """
    for keys, value in _flatten((), dict(overrides), raw):
        node: Any = raw
        dotted = ".".join(keys)
        for depth, key in enumerate(keys):
            if isinstance(node, dict) and key not in node:
                holder = _model_at(root, tuple(keys[: depth + 1]))
                if holder is not None and key in holder.model_fields:
                    node[key] = {}  # a field left at its default: set it (or go into it)
            if isinstance(node, list | tuple):
                where = ".".join(keys[:depth])
                raise ScenarioError(
                    f"{path} [overrides] {dotted!r}: {where} is a list; set it whole, e.g. "
                    f'"{where}" = [...] with all {len(node)} values'
                )
            if not isinstance(node, dict) or key not in node:
                where = ".".join(keys[:depth]) or "the scenario"
                options = sorted(node) if isinstance(node, dict) else []
                close = difflib.get_close_matches(key, options, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                if depth == 0:  # the file's own names, not the model's internal ones
                    options = [o for o in options if o not in INTERNAL_NAMES]
                    close = difflib.get_close_matches(key, options, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    hint += TABLE_HINTS.get(key, "")
                listing = f"; {where} has {options[:20]}" if options else ""
                raise ScenarioError(
                    f"{path} [overrides] {dotted!r}: names nothing — no {key!r} in {where}"
                    f"{hint}{listing}"
                )
            if depth == len(keys) - 1:
                node[key] = value
            else:
                node = node[key]
        prov.add(tuple(keys), f"{path} [overrides] {dotted!r}")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _strip(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that holds the last key of ``loc`` (None when unknown)."""
    tp: Any = root
    for part in loc[:-1]:
        tp = _strip(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp = field.annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _strip(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _message(root: type[BaseModel], err: Mapping[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "missing; add a value"
    if kind == "extra_forbidden":
        model = _model_at(root, tuple(err["loc"]))
        if model is None:
            return "unknown key (check the spelling; see docs/scenario-format.md)"
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(str(err["loc"][-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}allowed: {allowed}"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def _clip(text: str, limit: int = 160) -> str:
    """A place shortened in the middle: a key of 100,000 characters is not echoed whole."""
    return text if len(text) <= limit else f"{text[: limit - 50]}…{text[-49:]}"


def _place(where: str, field: str) -> str:
    where, field = _clip(where), _clip(field, 120)
    if where.endswith(", column"):
        return f"{where} {field}: " if field else f"{where[: -len(', column')]}: "
    return f"{where}: {field}: " if field else f"{where}: "


def format_validation_error(
    err: ValidationError, prov: Provenance, root: type[BaseModel]
) -> ScenarioError:
    """Turn pydantic's errors (validating a ``root`` model) into one line per problem naming
    file, row/key and value."""
    lines: list[str] = []
    for e in err.errors(include_url=False):
        ctx_error = (e.get("ctx") or {}).get("error")
        if isinstance(ctx_error, CrossReferenceError):
            for loc, msg in ctx_error.problems:
                where, rest = prov.locate(loc)
                field = ".".join(map(str, rest))
                lines.append(f"{_place(where, field)}{msg}")
            continue
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where, rest = prov.locate(loc)
        field = ".".join(map(str, rest))
        got = "" if e["type"] == "missing" else f" (got {_describe(e.get('input'))})"
        if e.get("input") is None and e["type"] != "missing":
            got = " (got an empty cell)"
        elif isinstance(e.get("input"), dict) and e["type"] != "extra_forbidden":
            got = ""  # a whole table: the message itself says what is wrong
        lines.append(f"{_place(where, field)}{_message(root, e)}{got}")
    lines = list(dict.fromkeys(lines))
    return ScenarioError("\n".join(lines), problems=lines)

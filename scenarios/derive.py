"""Variants of a loaded scenario: overrides by dotted path, and a content hash.

``with_overrides(s, {"staff.500101.township": 30, "surges.flood2020.incidents": 400})`` gives
a new, fully validated scenario; a path that names nothing or a value that breaks the schema
raises :class:`~anjian.scenarios.errors.ScenarioError` naming the path, as ``[overrides]`` in a
scenario file does. :func:`scenario_hash` identifies a scenario by content (sweeps and the run
store use it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .scenario import Scenario


def with_overrides(s: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """``s`` with each dotted path set to its value, validated again.

    Raises
    ------
    ScenarioError
        For a path that names nothing or a value the schema rejects.
    """
    return s.with_(overrides)


def scenario_hash(s: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (hex)."""
    return hashlib.sha256(s.model_dump_json().encode()).hexdigest()

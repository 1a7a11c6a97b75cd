"""Errors raised while reading or validating a scenario.

Only the app and the CLI turn these into friendly messages; library code raises them with the
file, the place in it (row, column or key), the bad value and what is expected.
"""

from __future__ import annotations

#: A place in a scenario: the keys (and list positions) from its root.
Loc = tuple[str | int, ...]


class ScenarioError(ValueError):
    """A scenario could not be read or is invalid.

    Parameters
    ----------
    message
        One or more lines, each naming the file, the field, the value and the fix.
    problems
        The individual problems (one line each), for callers that show them next to a field.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems if problems is not None else [message]


class CrossReferenceError(ValueError):
    """Several cross-reference problems, each with the location (path) it concerns."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems

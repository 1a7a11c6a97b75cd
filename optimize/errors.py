"""Errors of the optimisation models.

Library code raises these with the data that causes them; the CLI and the app turn them into
messages.
"""

from __future__ import annotations


class OptimizeError(ValueError):
    """Base class: an optimisation could not produce a plan."""


class InstanceError(OptimizeError):
    """The input data is malformed (negative or missing costs, mismatched weights, bad p, …)."""


class InfeasiblePlan(OptimizeError):
    """No plan satisfies the constraints; the message names the binding data.

    Attributes
    ----------
    binding
        Identifiers of the demand points, sites or constraints that make the plan impossible.
    """

    def __init__(self, message: str, binding: list[str] | None = None) -> None:
        super().__init__(message)
        self.binding: list[str] = binding or []


class SolverFailed(OptimizeError):
    """The solver stopped without a usable solution (time limit before any solution, or a
    numerical failure). The message says which and suggests a longer ``time_limit_s``."""

"""Shared building blocks of the scenario schema: the strict base model and constrained types."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

# Limits (docs/scenario-format.md, "Limits"). A number beyond them is a typing error in any
# field of a city's scenario, and the simulator could not run it: numpy's Poisson sampler
# refuses rates above ~10^19, counts become objects in memory. Fields with a tighter natural
# range (probabilities, harm weights) or another one (the budget total, ≤ 1e13) say so where
# they are declared; what a whole run would cost is bounded by :mod:`anjian.sim.size`.
#: Largest number in a float field (a rate a year, a cost in yuan, an area, a time in days).
MAX_FLOAT = 1e12
#: Largest count (sites, staff, vehicles, stock units, people).
MAX_COUNT = 1_000_000_000


def _plain_number(value: object) -> object:
    """Refuse what pydantic would read as a number but no person means as one: true/false
    (TOML booleans are not 1 and 0) and digit groups with underscores ("1_2" is not 12)."""
    if isinstance(value, bool):
        raise ValueError(f"a number is needed, got {str(value).lower()}")
    if isinstance(value, str) and "_" in value:
        raise ValueError(f"a number is needed, got {value!r} (write digits without '_')")
    return value


#: Put on every numeric field: booleans and underscored strings are not numbers.
PlainNumber = BeforeValidator(_plain_number)


def _no_control(text: str) -> str:
    if any((ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 for ch in text):
        raise ValueError("control characters (e.g. terminal escapes) are not allowed in names")
    return text


#: Identifier used as a table key or CSV column: lower-case ASCII, digits and underscores.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
#: Six-digit GB/T 2260 administrative code.
Adcode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Probability = Annotated[float, PlainNumber, Field(ge=0.0, le=1.0)]
NonNegFloat = Annotated[float, PlainNumber, Field(ge=0.0, le=MAX_FLOAT)]
PosFloat = Annotated[float, PlainNumber, Field(gt=0.0, le=MAX_FLOAT)]
NonNegInt = Annotated[int, PlainNumber, Field(ge=0, le=MAX_COUNT)]
PosInt = Annotated[int, PlainNumber, Field(ge=1, le=MAX_COUNT)]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    AfterValidator(_no_control),
]
#: Free text (a description): any length up to 10,000 characters, no control characters.
Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_no_control)]


def _not_all_zero(factors: list[float]) -> list[float]:
    if not any(f > 0 for f in factors):
        raise ValueError(
            "every factor is 0, which would delete the rate without saying so; give the "
            "season's shape (1.0 = average), and set the rate itself to 0 to switch it off"
        )
    return factors


#: Twelve monthly multipliers (January first) of a rate.
Monthly = Annotated[
    list[NonNegFloat], Field(min_length=12, max_length=12), AfterValidator(_not_all_zero)
]
#: Twenty-four hourly multipliers (00:00 first) of a rate.
Hourly = Annotated[
    list[NonNegFloat], Field(min_length=24, max_length=24), AfterValidator(_not_all_zero)
]


class Strict(BaseModel):
    """Frozen, closed model: unknown keys, NaN and infinities are rejected."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, arbitrary_types_allowed=True
    )


class Named(Strict):
    """Something shown to users in both languages."""

    name_zh: Name
    name_en: Name

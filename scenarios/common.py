"""Shared building blocks of the scenario schema: the strict base model and constrained types."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Limits (docs/scenario-format.md, "Limits"). A number beyond them is a typing error in any
# field of a city's scenario, and the simulator could not run it: numpy's Poisson sampler
# refuses rates above ~10^19, counts become objects in memory. Fields with a tighter natural
# range (probabilities, the budget, harm weights) say so where they are declared; what a whole
# run would cost is bounded by :mod:`anjian.sim.size`.
#: Largest number in a float field (a rate a year, a cost in yuan, an area, a time in days).
MAX_FLOAT = 1e12
#: Largest count (sites, staff, vehicles, stock units, people).
MAX_COUNT = 1_000_000_000

#: Identifier used as a table key or CSV column: lower-case ASCII, digits and underscores.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
#: Six-digit GB/T 2260 administrative code.
Adcode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegFloat = Annotated[float, Field(ge=0.0, le=MAX_FLOAT)]
PosFloat = Annotated[float, Field(gt=0.0, le=MAX_FLOAT)]
NonNegInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


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

"""Shared building blocks of the scenario schema: the strict base model and constrained types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Identifier used as a table key or CSV column: lower-case ASCII, digits and underscores.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
#: Six-digit GB/T 2260 administrative code.
Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegFloat = Annotated[float, Field(ge=0.0)]
PosFloat = Annotated[float, Field(gt=0.0)]
NonNegInt = Annotated[int, Field(ge=0)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
#: Twelve monthly multipliers (January first) of a rate.
Monthly = Annotated[list[NonNegFloat], Field(min_length=12, max_length=12)]
#: Twenty-four hourly multipliers (00:00 first) of a rate.
Hourly = Annotated[list[NonNegFloat], Field(min_length=24, max_length=24)]


class Strict(BaseModel):
    """Frozen, closed model: unknown keys, NaN and infinities are rejected."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, arbitrary_types_allowed=True
    )


class Named(Strict):
    """Something shown to users in both languages."""

    name_zh: Name
    name_en: Name

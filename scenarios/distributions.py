"""Declared probability distributions and the one registry that builds them.

A scenario declares a distribution as a small table, e.g. ``{kind = "lognormal", mean_min = 45,
cv = 0.6}``. Parameters that carry a time take the unit in their name: ``_min`` (minutes, the
time base of every model), ``_h`` (hours) or ``_days``; they are converted to minutes on load.
Dimensionless parameters (``cv``, ``weights``) and amounts (people, items) carry no suffix.

Fields that hold a duration use :data:`Duration` (a time unit is required, so that "45" can never
be read as hours by one person and minutes by another); fields that hold an amount use
:data:`Amount` (no time unit allowed).

Kinds (parameters after the unit suffix is stripped):

=============  =======================================  =====================================
kind           parameters                               meaning
=============  =======================================  =====================================
fixed          value                                    always ``value``
exponential    mean                                     exponential with that mean
lognormal      mean, cv                                 lognormal with that mean and coefficient
                                                        of variation
gamma          mean, cv                                 gamma with that mean and cv
uniform        low, high                                uniform on [low, high]
triangular     low, mode, high                          triangular
empirical      values, weights (optional)               resampled from the listed values
=============  =======================================  =====================================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from .timebase import MIN_PER_DAY, MIN_PER_HOUR

MINUTES_PER_UNIT: dict[str, float] = {"min": 1.0, "h": MIN_PER_HOUR, "days": MIN_PER_DAY}
DIMENSIONLESS = frozenset({"cv", "weights"})
#: Parameters given as a list; every other parameter is one number.
LIST_PARAMS = frozenset({"values", "weights"})

# Limits (docs/scenario-format.md, "Limits"): what the simulator can run, far above any real
# value. A time parameter above ten years, a cv above 100 or an amount above 10^8 people or
# items per event is a typing error, and beyond them samplers overflow (gamma's shape 1/cv²
# underflows to 0, a lognormal's exp overflows) or a queue never empties.
#: Largest time parameter, minutes (ten years).
MAX_TIME_MIN = 10 * 365 * MIN_PER_DAY
#: Largest coefficient of variation.
MAX_CV = 100.0
#: Smallest positive coefficient of variation (below, 1/cv² overflows).
MIN_CV = 1e-6
#: Largest amount parameter (people or items per event) and list weight.
MAX_AMOUNT = 1e8
#: Most values an empirical distribution may list.
MAX_VALUES = 10_000

ParamValue = float | tuple[float, ...]
Sampler = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class DistributionKind:
    """How one kind of distribution is checked, summarised and sampled."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], str | None]
    mean: Callable[[Mapping[str, Any]], float]
    sampler: Callable[[np.random.Generator, Mapping[str, Any]], Sampler]


def _positive(*names: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(p: Mapping[str, Any]) -> str | None:
        for name in names:
            if not p[name] > 0:
                return f"{name} must be > 0, got {p[name]}"
        return None

    return check


def _check_uniform(p: Mapping[str, Any]) -> str | None:
    if p["low"] > p["high"]:
        return f"low must be <= high, got low={p['low']}, high={p['high']}"
    return None


def _check_triangular(p: Mapping[str, Any]) -> str | None:
    if not p["low"] <= p["mode"] <= p["high"]:
        return f"need low <= mode <= high, got {p['low']}, {p['mode']}, {p['high']}"
    if p["low"] == p["high"]:
        return f"low and high must differ, got both {p['low']} (use kind = 'fixed')"
    return None


def _check_empirical(p: Mapping[str, Any]) -> str | None:
    values = p["values"]
    if not isinstance(values, tuple) or len(values) == 0:
        return "values must be a non-empty list of numbers"
    weights = p.get("weights")
    if weights is not None:
        if not isinstance(weights, tuple) or len(weights) != len(values):
            return f"weights must be a list as long as values ({len(values)})"
        if sum(weights) <= 0:
            return "weights must not all be zero"
    return None


def _empirical_mean(p: Mapping[str, Any]) -> float:
    values = np.asarray(p["values"], dtype=float)
    weights = p.get("weights")
    if weights is None:
        return float(values.mean())
    w = np.asarray(weights, dtype=float)
    return float((values * w).sum() / w.sum())


def _lognormal_sampler(rng: np.random.Generator, p: Mapping[str, Any]) -> Sampler:
    sigma2 = math.log1p(p["cv"] ** 2)
    mu = math.log(p["mean"]) - sigma2 / 2.0
    sigma = math.sqrt(sigma2)
    return lambda n: rng.lognormal(mu, sigma, n)


def _gamma_sampler(rng: np.random.Generator, p: Mapping[str, Any]) -> Sampler:
    shape = 1.0 / p["cv"] ** 2
    scale = p["mean"] * p["cv"] ** 2
    return lambda n: rng.gamma(shape, scale, n)


def _empirical_sampler(rng: np.random.Generator, p: Mapping[str, Any]) -> Sampler:
    values = np.asarray(p["values"], dtype=float)
    weights = p.get("weights")
    prob = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
    return lambda n: rng.choice(values, size=n, p=prob)


REGISTRY: dict[str, DistributionKind] = {
    "fixed": DistributionKind(
        ("value",),
        (),
        lambda p: None,
        lambda p: p["value"],
        lambda rng, p: lambda n: np.full(n, float(p["value"])),
    ),
    "exponential": DistributionKind(
        ("mean",),
        (),
        _positive("mean"),
        lambda p: p["mean"],
        lambda rng, p: lambda n: rng.exponential(p["mean"], n),
    ),
    "lognormal": DistributionKind(
        ("mean", "cv"), (), _positive("mean", "cv"), lambda p: p["mean"], _lognormal_sampler
    ),
    "gamma": DistributionKind(
        ("mean", "cv"), (), _positive("mean", "cv"), lambda p: p["mean"], _gamma_sampler
    ),
    "uniform": DistributionKind(
        ("low", "high"),
        (),
        _check_uniform,
        lambda p: (p["low"] + p["high"]) / 2.0,
        lambda rng, p: lambda n: rng.uniform(p["low"], p["high"], n),
    ),
    "triangular": DistributionKind(
        ("low", "mode", "high"),
        (),
        _check_triangular,
        lambda p: (p["low"] + p["mode"] + p["high"]) / 3.0,
        lambda rng, p: lambda n: rng.triangular(p["low"], p["mode"], p["high"], n),
    ),
    "empirical": DistributionKind(
        ("values",), ("weights",), _check_empirical, _empirical_mean, _empirical_sampler
    ),
}


def _split_unit(key: str) -> tuple[str, str | None]:
    for unit in MINUTES_PER_UNIT:
        suffix = "_" + unit
        if key.endswith(suffix):
            return key[: -len(suffix)], unit
    return key, None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(key: str, value: Any, factor: float = 1.0) -> float:
    """One parameter value in the model's units, checked against the limits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"parameter {key!r} must be a number, got {_short(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"parameter {key!r} must be finite, got {value!r}")
    if number < 0:
        raise ValueError(f"parameter {key!r} must be >= 0, got {value!r}")
    name, unit = _split_unit(key)
    if unit is not None and number * factor > MAX_TIME_MIN:
        raise ValueError(
            f"parameter {key!r} = {value!r} is more than ten years "
            f"({MAX_TIME_MIN / factor:,.0f} {unit}), the limit for a time"
        )
    if name == "cv" and number > MAX_CV:
        raise ValueError(f"parameter {key!r} = {value!r}: cv must be at most {MAX_CV:g}")
    if name == "cv" and 0 < number < MIN_CV:
        raise ValueError(
            f"parameter {key!r} = {value!r}: cv must be at least {MIN_CV:g} "
            "(for no variation use kind = 'fixed')"
        )
    if unit is None and name != "cv" and number > MAX_AMOUNT:
        raise ValueError(f"parameter {key!r} = {value!r}: at most {MAX_AMOUNT:,.0f}")
    return number * factor


class Distribution(BaseModel):
    """A validated distribution; time parameters are held in minutes.

    Attributes
    ----------
    kind
        A key of :data:`REGISTRY`.
    params
        Parameters by bare name (``mean``, ``cv``, …), times converted to minutes.
    time_valued
        True when the parameters were given with a time unit.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    params: dict[str, ParamValue]
    time_valued: bool

    @model_validator(mode="before")
    @classmethod
    def _from_table(cls, data: Any) -> Any:
        if isinstance(data, Distribution):
            return data
        if not isinstance(data, Mapping):
            raise ValueError(
                f"a distribution must be a table like {{kind = 'exponential', mean_min = 30}}, "
                f"got {data!r}"
            )
        if "params" in data and "time_valued" in data:  # already normalised
            return data
        table = dict(data)
        kind = table.pop("kind", None)
        if kind is None:
            raise ValueError(f"distribution needs a 'kind' (one of {sorted(REGISTRY)})")
        if not isinstance(kind, str):
            raise ValueError(
                f"kind must be one name, e.g. kind = 'exponential', got {_short(kind)}"
            )
        if kind not in REGISTRY:
            raise ValueError(
                f"unknown distribution kind {kind!r}; expected one of {sorted(REGISTRY)}"
            )
        spec = REGISTRY[kind]
        params: dict[str, ParamValue] = {}
        units: set[str | None] = set()
        for key, value in table.items():
            name, unit = _split_unit(key)
            allowed = spec.required + spec.optional
            if name not in allowed:
                raise ValueError(
                    f"{kind} distribution has no parameter {key!r}; it takes {list(allowed)} "
                    "(times with a unit suffix: _min, _h or _days)"
                )
            if name in params:
                raise ValueError(f"parameter {name!r} is given twice")
            if unit is not None and name in DIMENSIONLESS:
                raise ValueError(f"parameter {key!r}: {name} is dimensionless, drop the unit")
            factor = 1.0 if unit is None else MINUTES_PER_UNIT[unit]
            if name in DIMENSIONLESS:
                pass
            else:
                units.add(unit)
            if name in LIST_PARAMS:
                if not isinstance(value, list | tuple):
                    raise ValueError(
                        f"parameter {key!r} must be a list of numbers, e.g. {key} = [1, 2, 3]"
                    )
                if len(value) > MAX_VALUES:
                    raise ValueError(
                        f"parameter {key!r} lists {len(value):,} numbers; at most {MAX_VALUES:,}"
                    )
                params[name] = tuple(_number(key, v, factor) for v in value)
            elif isinstance(value, list | tuple):
                raise ValueError(
                    f"parameter {key!r} must be one number, got the list {_short(value)} "
                    "(only an empirical distribution's values and weights are lists)"
                )
            else:
                params[name] = _number(key, value, factor)
        missing = [n for n in spec.required if n not in params]
        if missing:
            raise ValueError(f"{kind} distribution is missing {missing} (got {sorted(table)})")
        if None in units and len(units) > 1:
            raise ValueError(
                f"{kind} distribution mixes parameters with and without a time unit: "
                f"{sorted(table)}"
            )
        problem = spec.check(params)
        if problem:
            raise ValueError(f"{kind} distribution: {problem}")
        return {"kind": kind, "params": params, "time_valued": units != {None} and bool(units)}

    @property
    def mean(self) -> float:
        """Mean of the distribution (minutes if time-valued)."""
        return float(REGISTRY[self.kind].mean(self.params))

    def sampler(self, rng: np.random.Generator) -> Sampler:
        """Return ``draw(n)`` giving ``n`` independent draws from ``rng``."""
        return REGISTRY[self.kind].sampler(rng, self.params)


def _require_time(dist: Distribution) -> Distribution:
    if not dist.time_valued:
        raise ValueError(
            f"this is a duration: give its parameters a time unit, e.g. mean_min, low_h, "
            f"value_days (got kind={dist.kind!r} with {sorted(dist.params)})"
        )
    return dist


def _require_amount(dist: Distribution) -> Distribution:
    if dist.time_valued:
        raise ValueError("this is an amount, not a time: drop the _min/_h/_days unit suffix")
    return dist


Duration = Annotated[Distribution, AfterValidator(_require_time)]
Amount = Annotated[Distribution, AfterValidator(_require_amount)]

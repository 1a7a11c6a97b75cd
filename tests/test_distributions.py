"""The distribution registry: parsing, unit conversion, moments and errors."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from anjian.scenarios.distributions import Amount, Distribution, Duration

duration = TypeAdapter(Duration)
amount = TypeAdapter(Amount)


@pytest.mark.parametrize(
    ("table", "mean_min"),
    [
        ({"kind": "fixed", "value_min": 45}, 45.0),
        ({"kind": "fixed", "value_h": 2}, 120.0),
        ({"kind": "fixed", "value_days": 1.5}, 2160.0),
        ({"kind": "exponential", "mean_min": 30}, 30.0),
        ({"kind": "lognormal", "mean_min": 45, "cv": 0.6}, 45.0),
        ({"kind": "gamma", "mean_h": 1, "cv": 0.5}, 60.0),
        ({"kind": "uniform", "low_min": 10, "high_min": 20}, 15.0),
        ({"kind": "triangular", "low_min": 30, "mode_min": 60, "high_min": 150}, 80.0),
        ({"kind": "empirical", "values_min": [10, 20, 60], "weights": [0.5, 0.3, 0.2]}, 23.0),
        ({"kind": "empirical", "values_h": [1, 3]}, 120.0),
    ],
)
def test_duration_mean_and_sample_mean(table: dict, mean_min: float) -> None:
    d = duration.validate_python(table)
    assert d.time_valued
    assert d.mean == pytest.approx(mean_min)
    draws = d.sampler(np.random.default_rng(7))(200_000)
    assert draws.min() >= 0
    assert draws.mean() == pytest.approx(mean_min, rel=0.02)


def test_lognormal_cv_is_honoured() -> None:
    d = duration.validate_python({"kind": "lognormal", "mean_min": 45, "cv": 0.6})
    x = d.sampler(np.random.default_rng(1))(400_000)
    assert x.std() / x.mean() == pytest.approx(0.6, rel=0.03)


def test_gamma_cv_is_honoured() -> None:
    d = duration.validate_python({"kind": "gamma", "mean_min": 10, "cv": 2.0})
    x = d.sampler(np.random.default_rng(2))(400_000)
    assert x.std() / x.mean() == pytest.approx(2.0, rel=0.03)


def test_same_seed_same_draws() -> None:
    d = duration.validate_python({"kind": "exponential", "mean_min": 5})
    a = d.sampler(np.random.default_rng(123))(10)
    b = d.sampler(np.random.default_rng(123))(10)
    assert np.array_equal(a, b)


def test_amount_takes_no_unit() -> None:
    a = amount.validate_python({"kind": "lognormal", "mean": 40, "cv": 2})
    assert not a.time_valued and a.mean == 40
    with pytest.raises(ValidationError, match="amount, not a time"):
        amount.validate_python({"kind": "fixed", "value_min": 3})


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "lognormal", "mean": 45, "cv": 0.6}, "give its parameters a time unit"),
        ({"kind": "weibull", "mean_min": 3}, "unknown distribution kind 'weibull'"),
        ({"mean_min": 3}, "needs a 'kind'"),
        ({"kind": "lognormal", "mean_min": 45}, "missing ['cv']"),
        ({"kind": "exponential", "mean_min": 0}, "mean must be > 0"),
        ({"kind": "exponential", "mean_min": -1}, "must be >= 0"),
        ({"kind": "exponential", "mean_min": "ten"}, "must be a number"),
        ({"kind": "exponential", "mean_min": float("nan")}, "must be finite"),
        ({"kind": "uniform", "low_min": 5, "high_min": 1}, "low must be <= high"),
        ({"kind": "triangular", "low_min": 1, "mode_min": 9, "high_min": 5}, "low <= mode <= high"),
        ({"kind": "empirical", "values_min": []}, "non-empty list"),
        ({"kind": "empirical", "values_min": [1, 2], "weights": [1]}, "as long as values"),
        ({"kind": "lognormal", "mean_min": 4, "cv_min": 1}, "dimensionless"),
        ({"kind": "fixed", "value_min": 1, "value_h": 1}, "given twice"),
        ({"kind": "fixed", "valu_min": 1}, "has no parameter 'valu_min'"),
        ("exponential", "must be a table"),
    ],
)
def test_bad_distribution_is_named(table: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        duration.validate_python(table)
    assert message in str(info.value)


def test_normalised_form_round_trips() -> None:
    d = duration.validate_python({"kind": "uniform", "low_h": 1, "high_h": 2})
    again = Distribution.model_validate(d.model_dump())
    assert again == d

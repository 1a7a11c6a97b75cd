"""Largest-remainder apportionment: exact totals and proportional parts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.scenarios.apportion import largest_remainder


def test_hand_computed_case() -> None:
    # quotas 10 * (1, 2, 3, 4) / 10 = 1, 2, 3, 4 exactly
    assert largest_remainder(10, {"a": 1, "b": 2, "c": 3, "d": 4}) == {
        "a": 1,
        "b": 2,
        "c": 3,
        "d": 4,
    }
    # quotas 7/3 each = 2.33: the first key by order gets the extra seat
    assert largest_remainder(7, {"a": 1, "b": 1, "c": 1}) == {"a": 3, "b": 2, "c": 2}
    # quotas 1.8, 0.6, 0.6 -> 1, 0, 0 then +1 to a (0.8), +1 to b (0.6, tie broken by order)
    assert largest_remainder(3, {"a": 3, "b": 1, "c": 1}) == {"a": 2, "b": 1, "c": 0}


def test_zero_weight_gets_nothing() -> None:
    assert largest_remainder(5, {"a": 0, "b": 1})["a"] == 0


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [(-1, {"a": 1}, "total must be >= 0"), (3, {"a": 0}, "all zero"), (3, {"a": -1}, ">= 0")],
)
def test_bad_input(total: int, weights: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        largest_remainder(total, weights)


@given(
    st.integers(min_value=0, max_value=100_000),
    st.lists(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
)
def test_parts_add_up_and_stay_within_one_of_quota(total: int, w: list[float]) -> None:
    if sum(w) == 0:
        w = [*w[:-1], 1.0]
    weights = {f"k{i}": x for i, x in enumerate(w)}
    parts = largest_remainder(total, weights)
    assert sum(parts.values()) == total
    for k, x in weights.items():
        quota = total * x / sum(w)
        assert math.floor(quota) - 1e-9 <= parts[k] <= math.ceil(quota) + 1e-9

"""The Erlang formulas themselves, against hand-computed and textbook values."""

from __future__ import annotations

import pytest

from anjian.sim.erlang import erlang_b, erlang_c, mmc_mean_wait


def test_erlang_b_hand_values() -> None:
    # B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
    assert erlang_b(1, 0.5) == pytest.approx(0.5 / 1.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


def test_erlang_c_hand_values() -> None:
    # M/M/1: P(wait) = rho; M/M/2 with a = 1: C = 1/3
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_mmc_mean_wait_textbook() -> None:
    # M/M/1: Wq = rho / (mu - lambda): lambda 0.5, mu 1 -> 1.0
    assert mmc_mean_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/2, lambda 1, mu 1: C = 1/3, Wq = C / (2 - 1) = 1/3
    assert mmc_mean_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def test_unstable_queue_is_rejected() -> None:
    with pytest.raises(ValueError, match="unstable"):
        mmc_mean_wait(2.0, 1.0, 2)

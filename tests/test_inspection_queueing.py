"""The inspection model configured as M/M/c matches Erlang C; utilisation = load / capacity;
an overloaded pool's backlog grows linearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anjian.scenarios.reference import queue_scenario
from anjian.sim.erlang import mmc_mean_wait
from anjian.sim.inspection import InspectionConfig
from anjian.sim.replicate import replicate_inspections
from anjian.sim.stats import t_interval

REPS = 10
# The exact value must lie in the simulated 99% interval. At 95%, the eight interval checks of
# this file would fail by chance for about a third of seeds; at 99% for about one in thirteen,
# so a failure here says the model is off, not that the seed was unlucky.
CONFIDENCE = 0.99


def _city(result, kpi: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    k = result.kpis
    return k[(k.level == "city") & (k.kpi == kpi)]["value"].to_numpy()


@pytest.mark.parametrize(
    ("lam_per_h", "mean_min", "servers"),
    [(1.5, 60.0, 2), (4.0, 60.0, 5), (9.0, 60.0, 10), (14.25, 60.0, 15)],  # rho .75 .8 .9 .95
)
def test_mmc_wait_and_utilisation_match_erlang_c(
    tmp_path: Path, lam_per_h: float, mean_min: float, servers: int
) -> None:
    s = queue_scenario(tmp_path / "q", lam_per_h, mean_min, servers)
    years = 0.5 if lam_per_h * mean_min / 60 / servers < 0.92 else 1.5
    result = replicate_inspections(s, InspectionConfig(years=years, seed=2024), REPS)
    exact_wq_h = mmc_mean_wait(lam_per_h, 60.0 / mean_min, servers)
    mean, half, _ = t_interval(_city(result, "complaint_wait_h"), CONFIDENCE)
    assert abs(mean - exact_wq_h) <= half, (mean, half, exact_wq_h)
    rho = lam_per_h * mean_min / 60.0 / servers
    u_mean, u_half, _ = t_interval(_city(result, "utilisation"), CONFIDENCE)
    assert abs(u_mean - rho) <= max(u_half, 0.005), (u_mean, u_half, rho)


def test_utilisation_is_offered_load_over_capacity_with_shifts(tmp_path: Path) -> None:
    # 8-hour shifts on 250 days a year: capacity = 3 × 8 × 250 / 365 h per day per inspector
    servers, mean_min = 3, 45.0
    capacity_h_per_day = servers * 8 * 250 / 365
    lam_per_h = 0.6 * capacity_h_per_day / 24 / (mean_min / 60)
    s = queue_scenario(tmp_path / "q", lam_per_h, mean_min, servers, hours_per_day=8,
                       days_per_year=250)  # fmt: skip
    result = replicate_inspections(s, InspectionConfig(years=1.0, seed=5), 4)
    u_mean, u_half, _ = t_interval(_city(result, "utilisation"), CONFIDENCE)
    assert u_mean == pytest.approx(0.6, abs=max(u_half, 0.01))


def test_overloaded_backlog_grows_linearly(tmp_path: Path) -> None:
    lam_per_h, mean_min, servers = 6.0, 60.0, 4  # 6 arrive, 4 served per hour
    s = queue_scenario(tmp_path / "q", lam_per_h, mean_min, servers)
    result = replicate_inspections(s, InspectionConfig(years=0.5, seed=3, snapshot_days=10), 3)
    series = result.series[result.series.adcode == "900001"].groupby("day")["backlog"].mean()
    days, backlog = series.index.to_numpy(), series.to_numpy()
    slope, intercept = np.polyfit(days, backlog, 1)
    assert slope == pytest.approx((lam_per_h - servers * 60 / mean_min) * 24, rel=0.05)
    fitted = slope * days + intercept
    r2 = 1 - ((backlog - fitted) ** 2).sum() / ((backlog - backlog.mean()) ** 2).sum()
    assert r2 > 0.995

"""Demand points (district and grid) and the travel-time models, against hand computations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point

from anjian.scenarios import Scenario, load_scenario
from anjian.scenarios.travel import demand_matrix_minutes, geometric_minutes, great_circle_km


def _with_demand(s: Scenario, **changes: object) -> Scenario:
    return s.with_({f"demand.{k}": v for k, v in changes.items()})


@pytest.fixture(scope="module")
def cq_grid() -> Scenario:
    return _with_demand(load_scenario("chongqing"), resolution="grid")


def test_great_circle_hand_values() -> None:
    # one degree of latitude on the mean sphere: 2πR/360
    km = great_circle_km(np.array([106.0]), np.array([29.0]), np.array([106.0]), np.array([30.0]))
    assert km[0, 0] == pytest.approx(2 * math.pi * 6371.0088 / 360, rel=1e-9)
    # Yuzhong (106.57E, 29.55N) to Wanzhou (108.41E, 30.81N): about 224 km straight line
    km = great_circle_km(
        np.array([106.57]), np.array([29.55]), np.array([108.41]), np.array([30.81])
    )
    assert km[0, 0] == pytest.approx(224, abs=3)


def test_geometric_minutes_formula() -> None:
    toy = load_scenario("toy")  # core 30 km/h, mountain 25 km/h, circuity 1.4
    lon, lat = np.array([106.5]), np.array([29.6])
    lon2, lat2 = np.array([106.9]), np.array([29.6])
    d = great_circle_km(lon, lat, lon2, lat2)[0, 0]
    t = geometric_minutes(toy, lon, lat, np.array(["core"]), lon2, lat2, np.array(["mountain"]))
    assert t[0, 0] == pytest.approx(60 * d * 1.4 * (1 / 30 + 1 / 25) / 2)


def test_district_matrix_properties() -> None:
    cq = load_scenario("chongqing")
    m = demand_matrix_minutes(cq)
    assert m.shape == (38, 38)
    assert np.allclose(np.diag(m), 0)
    assert np.allclose(m, m.T)
    assert (m[~np.eye(38, dtype=bool)] > 0).all()
    # triangle inequality holds for the great-circle part with equal speeds; here just sanity:
    # the farthest pair (Chengkou in the north to Xiushan in the south-east) takes hours
    assert 240 < m.max() < 1200


def test_district_points_lie_inside_their_district() -> None:
    cq = load_scenario("chongqing")
    pts = cq.demand_points
    assert len(pts) == 38
    for i, adcode in enumerate(pts.ids):
        assert cq.districts[adcode].geometry.contains(Point(pts.lon[i], pts.lat[i]))
    assert pts.population.sum() == 32_054_159


def test_grid_about_a_thousand_cells(cq_grid: Scenario) -> None:
    pts = cq_grid.demand_points
    assert 950 <= len(pts) <= 1050
    assert pts.population.sum() == pytest.approx(32_054_159, rel=1e-9)
    assert pts.area_km2.sum() == pytest.approx(cq_grid.totals()["area_km2"], rel=1e-9)
    assert set(pts.adcode) == set(cq_grid.districts)  # every district has cells
    assert len(set(pts.ids)) == len(pts.ids)
    for i in range(0, len(pts), 7):
        assert cq_grid.districts[pts.adcode[i]].geometry.contains(Point(pts.lon[i], pts.lat[i]))
    # population of each district is conserved by its cells
    for adcode, d in cq_grid.districts.items():
        assert pts.population[pts.adcode == adcode].sum() == pytest.approx(d.population)


@pytest.mark.parametrize("target", [200, 3000])
def test_grid_follows_target(target: int) -> None:
    s = _with_demand(load_scenario("chongqing"), resolution="grid", grid_cells_target=target)
    assert abs(len(s.demand_points) - target) <= 0.06 * target


def test_user_matrix_is_used_as_given(toy_dir: Path) -> None:
    (toy_dir / "travel.csv").write_text(
        "id,900001,900002,900003\n900001,0,12,30\n900002,11,0,20\n900003,29,21,0\n",
        encoding="utf-8",
    )
    manifest = toy_dir / "scenario.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        'stocks = "stocks.csv"', 'stocks = "stocks.csv"\ntravel_matrix = "travel.csv"'
    )
    text = text.replace('model = "geometric"', 'model = "matrix"')
    manifest.write_text(text, encoding="utf-8")
    s = load_scenario(toy_dir)
    m = demand_matrix_minutes(s)
    assert m.tolist() == [[0, 12, 30], [11, 0, 20], [29, 21, 0]]

"""Demand points (district and grid) and the travel-time models, against hand computations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point

from anjian.scenarios import Scenario, load_scenario
from anjian.scenarios.travel import (
    demand_matrix_minutes,
    geometric_minutes,
    great_circle_km,
    intra_area_minutes,
    minutes_from_places,
)


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


@pytest.fixture(scope="module")
def cq_district() -> Scenario:
    return _with_demand(load_scenario("chongqing"), resolution="district")


def test_intra_district_travel_by_hand(cq_district: Scenario) -> None:
    # 渝中: 23.24 km², core roads 35 km/h, circuity 1.35. The mean distance from a disc's centre
    # to a random place in it is (2/3)·R, R = √(A/π) = 2.7199 km → 1.8133 km → 4.197 minutes.
    term = intra_area_minutes(cq_district)
    i = list(cq_district.demand_points.ids).index("500103")
    assert term[i] == pytest.approx(60 * (2 / 3) * math.sqrt(23.24 / math.pi) * 1.35 / 35)
    assert term[i] == pytest.approx(4.197, abs=0.001)
    # 万州 (3,456.38 km², northeast 50 km/h): R = 33.17 km, 22.11 km inside → 35.82 minutes
    j = list(cq_district.demand_points.ids).index("500101")
    assert term[j] == pytest.approx(35.82, abs=0.01)
    # a depot at the district's own seat does not reach its district in no time
    m = minutes_from_places(cq_district, np.array([108.408661]), np.array([30.807667]), ["500101"])
    assert m[0, j] >= term[j]


def test_district_matrix_properties(cq_district: Scenario) -> None:
    m = demand_matrix_minutes(cq_district)
    assert m.shape == (38, 38)
    term = intra_area_minutes(cq_district)
    assert np.allclose(np.diag(m), term)  # travel inside a district is not zero
    between = m - term[None, :]
    assert np.allclose(np.diag(between), 0)
    assert np.allclose(between, between.T)
    assert (between[~np.eye(38, dtype=bool)] > 0).all()
    # the farthest pair (Chengkou in the north to Xiushan in the south-east) takes hours
    assert 240 < m.max() < 1200


def test_township_points_are_the_townships() -> None:
    cq = load_scenario("chongqing")
    assert cq.demand.resolution == "township"
    pts = cq.demand_points
    assert len(pts) == 1031 == len(cq.townships)
    assert pts.population.sum() == pytest.approx(32_054_159, rel=1e-12)
    assert pts.area_km2.sum() == pytest.approx(82_420.51, rel=1e-9)
    for adcode, d in cq.districts.items():
        mine = pts.adcode == adcode
        assert pts.population[mine].sum() == pytest.approx(d.population)
        assert pts.area_km2[mine].sum() == pytest.approx(d.area_km2)
        assert mine.sum() == d.townships
        if mine.sum() > 1:  # population is never uniform within a district
            assert pts.population[mine].std() > 0.01 * pts.population[mine].mean()
    for i in range(len(pts)):  # every point (source or fallback) lies in its district
        geom = cq.districts[pts.adcode[i]].geometry
        assert geom.distance(Point(pts.lon[i], pts.lat[i])) * 111 < 1.0
    sources = [t.point_source for t in cq.townships.values()]
    assert sum(x.startswith("vonng") for x in sources) == 890
    assert sum(x == "fallback-lloyd" for x in sources) == 141
    # intra-area travel at township scale is a fraction of the district-scale term
    term = intra_area_minutes(cq)
    assert 0 < np.median(term) < 10 < term.max() < 40


def test_voronoi_areas_by_hand() -> None:
    # two points on the equator-parallel axis of a 2 × 1 km rectangle: each gets half;
    # moving one point shifts the bisector exactly
    from shapely.geometry import box

    from anjian.scenarios.demand import km_per_degree, voronoi_areas

    kx, ky = km_per_degree(0.0005)
    rect = box(0.0, 0.0, 2.0 / kx, 1.0 / ky)
    areas = voronoi_areas(rect, np.array([0.5 / kx, 1.5 / kx]), np.array([0.5 / ky] * 2))
    assert areas == pytest.approx([1.0, 1.0], rel=1e-3)
    areas = voronoi_areas(rect, np.array([0.2 / kx, 1.0 / kx]), np.array([0.5 / ky] * 2))
    assert areas == pytest.approx([0.6, 1.4], rel=1e-3)  # bisector at x = 0.6 km
    same = voronoi_areas(rect, np.array([1.0 / kx] * 2), np.array([0.5 / ky] * 2))
    assert same == pytest.approx([1.0, 1.0], rel=1e-3)  # shared point: shared cell


def test_district_points_lie_inside_their_district(cq_district: Scenario) -> None:
    cq = cq_district
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

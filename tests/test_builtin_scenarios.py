"""The built-in scenarios: Chongqing's totals against the report and census, and the toy."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from anjian.scenarios import Scenario, builtin, load_scenario
from anjian.scenarios.demand import area_km2

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cq() -> Scenario:
    return load_scenario("chongqing")


def test_builtins_are_listed() -> None:
    assert {"chongqing", "chongqing_flood2020", "toy"} <= set(builtin.names())


def test_chongqing_geography(cq: Scenario) -> None:
    assert len(cq.districts) == 38
    assert cq.totals()["population"] == 32_054_159  # 7th census, city total
    assert cq.totals()["townships"] == 1031  # NBS 2022 codes (the report says 1,030)
    # official 82,403 km²: the table's areas and the polygons' own areas
    assert cq.totals()["area_km2"] == pytest.approx(82_403, rel=0.005)
    polygons = sum(area_km2(d.geometry) for d in cq.districts.values())
    assert polygons == pytest.approx(82_403, rel=0.01)
    assert Counter(d.region_group for d in cq.districts.values()) == {
        "core": 9,
        "new_core": 12,
        "northeast": 11,
        "southeast": 6,
    }
    assert cq.districts["500103"].name_zh == "渝中区"
    assert cq.districts["500103"].name_pinyin == "Yuzhong"
    # each district's table area agrees with its polygon within 2%
    for d in cq.districts.values():
        assert area_km2(d.geometry) == pytest.approx(d.area_km2, rel=0.02), d.adcode


@pytest.mark.parametrize(
    ("columns", "report_total"),
    [
        (("hazchem_major", "hazchem"), 17_800),
        (("hazchem_major",), 93),
        (("fireworks_wholesale",), 87),
        (("fireworks_retail",), 8_635),
        (("coal_mine",), 31),
        (("noncoal_mine",), 431),
        (("industry_trade",), 18 + 769 + 4_960),
        (("freight_operator",), 87_000),
        (("large_complex",), 190),
        (("flammable_site",), 3_500),
        (("market",), 12_000),
        (("high_rise",), 34_800),
        (("underground_building",), 5_000),
        (("geohazard_point",), 15_000),
        (("reservoir",), 3_049),
        (("pipeline",), 120),
    ],
)
def test_chongqing_site_counts_match_report(
    cq: Scenario, columns: tuple, report_total: int
) -> None:
    assert sum(cq.column_total("sites", c) for c in columns) == report_total


def test_chongqing_spreading_rules(cq: Scenario) -> None:
    major = {a: row["hazchem_major"] for a, row in cq.sites.items()}
    assert sum(1 for v in major.values() if v > 0) == 23  # "主要分布在23个区县"
    # known district geohazard counts are kept as published
    assert cq.sites["500101"]["geohazard_point"] == 851
    assert cq.sites["500235"]["geohazard_point"] == 941
    # mines are not placed in the central urban area
    assert all(
        cq.sites[a]["coal_mine"] == 0 for a, d in cq.districts.items() if d.region_group == "core"
    )


def test_chongqing_staff_total(cq: Scenario) -> None:
    assert cq.totals()["staff"] == 30_000  # "全市安全监管人员达3万人"
    assert cq.column_total("staff", "city_corps") == 300
    assert not cq.inspector_kinds["township"].can_penalise
    assert cq.inspector_kinds["township"].equipped_share == pytest.approx(0.1)


def test_chongqing_relief_reserves(cq: Scenario) -> None:
    city = sum(p.stock_units for p in cq.warehouses["w_city"].stocks.values())
    central = sum(p.stock_units for p in cq.warehouses["w_central"].stocks.values())
    assert city == 293_000 and central == 35_000
    assert {w.level for w in cq.warehouses.values()} == {"city", "district"}


def test_chongqing_fleet_is_rented_today(cq: Scenario) -> None:
    by_mode = Counter()
    for depot in cq.depots.values():
        for kind, n in depot.vehicles.items():
            by_mode[cq.vehicle_kinds[kind].mode] += n
    assert by_mode["rented"] > 0 and by_mode["contracted"] == 0
    assert cq.vehicle_kinds["rented_rescue"].mobilisation.mean >= 60


def test_chongqing_flood_season(cq: Scenario) -> None:
    assert cq.inspection.flood_season.months == [6, 7, 8, 9]
    flood = cq.incident_types["flood"].monthly_factor
    assert sum(flood[5:9]) > 0.8 * sum(flood)
    for itype in cq.incident_types.values():
        assert sum(itype.monthly_factor) == pytest.approx(12.0)


def test_generated_tables_are_reproducible() -> None:
    """The committed CSVs are exactly what the documented rules produce."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_chongqing.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_toy_scenario() -> None:
    toy = load_scenario("toy")
    assert len(toy.districts) == 3
    assert toy.totals()["population"] == 500_000
    assert toy.site_categories["factory"].inspection_duration.mean == pytest.approx(120)
    assert toy.incident_types["landslide"].on_scene.mean == pytest.approx(240)


def test_scenario_is_frozen(cq: Scenario) -> None:
    with pytest.raises(Exception, match="frozen"):
        cq.budget = None  # type: ignore[assignment]

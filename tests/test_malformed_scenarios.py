"""A corpus of malformed scenarios: each must fail with a ScenarioError naming the place.

Every case starts from a fresh copy of the toy scenario, breaks one thing, and asserts that the
message names the file (and row/column or key) and the problem. The CLI must exit non-zero.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from anjian.cli import app
from anjian.scenarios import ScenarioError, load_scenario

Edit = Callable[[Path], None]


def replace(file: str, old: str, new: str) -> Edit:
    def edit(d: Path) -> None:
        text = (d / file).read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {file}"
        (d / file).write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(file: str, extra: str) -> Edit:
    def edit(d: Path) -> None:
        with (d / file).open("a", encoding="utf-8") as f:
            f.write(extra)

    return edit


def write(file: str, content: str | bytes) -> Edit:
    def edit(d: Path) -> None:
        if isinstance(content, bytes):
            (d / file).write_bytes(content)
        else:
            (d / file).write_text(content, encoding="utf-8")

    return edit


def drop_feature(adcode: str) -> Edit:
    def edit(d: Path) -> None:
        doc = json.loads((d / "districts.geojson").read_text(encoding="utf-8"))
        doc["features"] = [f for f in doc["features"] if f["properties"]["adcode"] != adcode]
        (d / "districts.geojson").write_text(json.dumps(doc), encoding="utf-8")

    return edit


def with_matrix(content: str) -> Edit:
    def edit(d: Path) -> None:
        (d / "travel.csv").write_text(content, encoding="utf-8")
        replace(
            "scenario.toml",
            'stocks = "stocks.csv"',
            'stocks = "stocks.csv"\ntravel_matrix = "travel.csv"',
        )(d)
        replace("scenario.toml", 'model = "geometric"', 'model = "matrix"')(d)

    return edit


def with_townships(change: Callable[[list[list[object]]], None] | None = None) -> Edit:
    """A valid townships table for the toy (6, 5 and 8 townships on each square's middle line,
    population shared equally), changed by ``change``, at township resolution."""

    def edit(d: Path) -> None:
        rows: list[list[object]] = []
        for adcode, x0, n, pop in (("900001", 106.4, 6, 300_000), ("900002", 106.6, 5, 150_000),
                                   ("900003", 106.8, 8, 50_000)):  # fmt: skip
            share = [pop // n + (k < pop % n) for k in range(n)]
            for k in range(n):
                code = f"{adcode}{k:03d}"
                x = round(x0 + 0.2 * (k + 0.5) / n, 5)
                rows.append([code, adcode, f"镇{k}", "town", x, 29.6, share[k]])
        if change is not None:
            change(rows)
        head = "township_code,adcode,name_zh,kind,lon,lat,population\n"
        body = "".join(",".join(str(v) for v in r) + "\n" for r in rows)
        (d / "townships.csv").write_text(head + body, encoding="utf-8")
        replace(
            TOML, 'stocks = "stocks.csv"', 'stocks = "stocks.csv"\ntownships = "townships.csv"'
        )(d)
        replace(TOML, 'resolution = "district"', 'resolution = "township"')(d)

    return edit


def _set(row: int, col: int, value: object) -> Callable[[list[list[object]]], None]:
    def change(rows: list[list[object]]) -> None:
        rows[row][col] = value

    return change


TOML = "scenario.toml"
CASES: list[tuple[str, Edit, list[str]]] = [
    ("toml_syntax", append(TOML, "\n[broken\n"), ["scenario.toml", "TOML syntax error", "line"]),
    (
        "unknown_top_level",
        append(TOML, "\n[unknown_section]\nx = 1\n"),
        ["unknown top-level key", "unknown_section"],
    ),
    (
        "misspelt_key",
        replace(TOML, "hazards_per_site_year = 4.0", "hazards_per_site_yr = 4.0"),
        [
            "[site_categories]",
            "factory.hazards_per_site_yr",
            "did you mean 'hazards_per_site_year'",
        ],
    ),
    (
        "wrong_type",
        replace(TOML, "rectification_days = 30", 'rectification_days = "thirty"'),
        ["factory.rectification_days", "thirty"],
    ),
    (
        "probability_above_one",
        replace(TOML, "compliance_with_penalty = 0.9", "compliance_with_penalty = 1.9"),
        ["[inspection]", "compliance_with_penalty", "less than or equal to 1", "1.9"],
    ),
    (
        "probability_negative",
        replace(TOML, "availability = 0.8", "availability = -0.1"),
        ["rented_rescue.availability", "greater than or equal to 0"],
    ),
    (
        "negative_count",
        replace("sites.csv", "900002,25,5", "900002,-25,5"),
        ["sites.csv line 3 (district 900002), column factory", "greater than or equal to 0", "-25"],
    ),
    (
        "nan_count",
        replace("sites.csv", "900002,25,5", "900002,nan,5"),
        ["sites.csv line 3", "column factory", "nan"],
    ),
    (
        "nan_rate",
        replace("incident_rates.csv", "900002,8,1.5", "900002,8,nan"),
        ["incident_rates.csv line 3", "column landslide", "finite"],
    ),
    (
        "district_missing_from_table",
        replace("sites.csv", "900003,5,12\n", ""),
        ["sites.csv", "missing district", "900003"],
    ),
    (
        "district_unknown_in_table",
        append("staff.csv", "900009,1,1\n"),
        ["staff.csv", "900009", "unknown district"],
    ),
    (
        "unknown_category_column",
        replace("sites.csv", "geohazard_point", "geohazard_pt"),
        ["sites.csv", "geohazard_pt", "unknown site category column"],
    ),
    (
        "missing_column",
        replace("districts.csv", "region_group,population,", "region_group,"),
        ["districts.csv", "missing column(s) ['population']"],
    ),
    (
        "empty_required_cell",
        replace("districts.csv", "suburb,150000,", "suburb,,"),
        ["districts.csv line 3 (district 900002)", "population", "missing"],
    ),
    (
        "unknown_region_group",
        replace("districts.csv", "suburb,150000", "suburbs,150000"),
        ["districts.csv line 3", "region_group", "suburbs"],
    ),
    ("bad_adcode", replace("districts.csv", "900003,", "90003,"), ["90003"]),
    ("polygon_missing", drop_feature("900003"), ["districts.csv", "900003", "no polygon"]),
    (
        "geojson_not_json",
        write("districts.geojson", "{not json"),
        ["districts.geojson", "not valid JSON"],
    ),
    (
        "matrix_ragged",
        with_matrix("id,900001,900002,900003\n900001,0,1,2\n900002,1,0\n"),
        ["travel.csv line 3", "2 values but the header has 3"],
    ),
    (
        "matrix_negative",
        with_matrix("id,900001,900002,900003\n900001,0,1,2\n900002,-1,0,3\n900003,2,3,0\n"),
        ["travel.csv line 3", "minutes from 0 to 10,080", "-1"],
    ),
    (
        "matrix_not_square",
        with_matrix("id,900001,900002,900003\n900001,0,1,2\n900002,1,0,3\n"),
        ["travel.csv", "row ids must equal the header"],
    ),
    (
        "matrix_wrong_ids",
        with_matrix("id,900001,900002,900004\n900001,0,1,2\n900002,1,0,3\n900004,2,3,0\n"),
        ["travel.csv", "900004", "demand point id"],
    ),
    (
        "unknown_distribution_kind",
        replace(TOML, 'kind = "exponential", mean_min = 90', 'kind = "expo", mean_min = 90'),
        ["ws_accident.on_scene", "unknown distribution kind 'expo'"],
    ),
    (
        "missing_distribution_parameter",
        replace(TOML, "mean_min = 120, cv = 0.5", "mean_min = 120"),
        ["factory.inspection_duration", "missing ['cv']"],
    ),
    (
        "duration_without_unit",
        replace(TOML, 'kind = "exponential", mean_min = 90', 'kind = "exponential", mean = 90'),
        ["ws_accident.on_scene", "time unit"],
    ),
    ("empty_file", write("sites.csv", ""), ["sites.csv", "empty"]),
    ("whitespace_only_file", write("staff.csv", "  \n\n"), ["staff.csv", "empty"]),
    (
        "non_utf8",
        write("sites.csv", "adcode,工厂\n900001,3\n".encode("gbk")),
        ["sites.csv", "not UTF-8", "line 1"],
    ),
    (
        "override_names_nothing",
        append(TOML, '\n[overrides]\n"staff.900001.nobody" = 3\n'),
        ["[overrides]", "staff.900001.nobody", "names nothing"],
    ),
    (
        "override_misspelt_section",
        append(TOML, '\n[overrides]\n"staf.900001.township" = 3\n'),
        ["names nothing", "did you mean 'staff'"],
    ),
    (
        "override_bad_value",
        append(TOML, '\n[overrides]\n"staff.900001.township" = -3\n'),
        ["[overrides] 'staff.900001.township'", "greater than or equal to 0"],
    ),
    (
        "tier_shares_sum",
        replace(
            TOML,
            "tier_shares = { high = 0.2, low = 0.8 }",
            "tier_shares = { high = 0.2, low = 0.7 }",
        ),
        ["factory", "tier_shares must add up to 1", "0.9"],
    ),
    (
        "unknown_tier",
        replace(
            TOML,
            "tier_shares = { high = 0.2, low = 0.8 }",
            "tier_shares = { high = 0.2, lo = 0.8 }",
        ),
        ["factory.tier_shares.lo", "unknown risk tier 'lo'"],
    ),
    (
        "unknown_incident_type",
        replace(TOML, 'incident_type = "ws_accident"', 'incident_type = "ws_acident"'),
        ["factory.incident_type", "unknown incident type 'ws_acident'"],
    ),
    (
        "role_without_vehicle",
        replace(TOML, "units_needed = { rescue = 2 }", "units_needed = { boat = 2 }"),
        ["landslide.units_needed.boat", "no vehicle kind has role 'boat'"],
    ),
    (
        "depot_outside_district",
        replace("depots.csv", "900001,106.5,29.6", "900001,100.5,29.6"),
        ["depots.csv line 2 (depot d_core)", "outside district 900001"],
    ),
    (
        "depot_unknown_vehicle_kind",
        replace("depots.csv", "rented_rescue", "rented_resc"),
        ["depots.csv", "rented_resc", "unknown vehicle kind"],
    ),
    (
        "negative_stock",
        replace("stocks.csv", "w_city,tent,500", "w_city,tent,-500"),
        ["stocks.csv line 2 (w_city/tent)", "stock_units", "greater than or equal to 0"],
    ),
    (
        "reorder_above_order_up_to",
        replace("stocks.csv", "w_city,tent,500,200,500", "w_city,tent,500,600,500"),
        ["stocks.csv line 2", "reorder point 600 exceeds order-up-to level 500"],
    ),
    (
        "unknown_commodity",
        replace("stocks.csv", "w_city,quilt", "w_city,blanket"),
        ["stocks.csv line 3", "unknown commodity 'blanket'"],
    ),
    (
        "unknown_warehouse_in_stocks",
        replace("stocks.csv", "w_mountain,tent", "w_mountian,tent"),
        ["stocks.csv line 4", "w_mountian", "is not in"],
    ),
    (
        "ragged_row",
        replace("staff.csv", "900001,6,6", "900001,6,6,7"),
        ["staff.csv line 2", "4 cells but the header has 3"],
    ),
    ("duplicate_row", append("staff.csv", "900001,6,6\n"), ["staff.csv line 5", "repeats line 2"]),
    (
        "duplicate_column",
        replace("staff.csv", "adcode,district_certified,township", "adcode,township,township"),
        ["staff.csv line 1", "more than once"],
    ),
    (
        "table_not_named",
        replace(TOML, 'stocks = "stocks.csv"\n', ""),
        ["[tables]", "missing table(s) ['stocks']"],
    ),
    (
        "table_file_missing",
        replace(TOML, 'sites = "sites.csv"', 'sites = "site.csv"'),
        ["site.csv", "file not found"],
    ),
    ("base_cycle", replace(TOML, 'name = "toy"', 'name = "toy"\nbase = "."'), ["cycle"]),
    (
        "unknown_base",
        replace(TOML, 'name = "toy"', 'name = "toy"\nbase = "nowhere"'),
        ["no scenario file, folder or built-in scenario named 'nowhere'"],
    ),
    (
        "interval_shorter_than_inspection",
        replace(
            TOML,
            "inspection_interval_days = { high = 30, low = 90 }",
            "inspection_interval_days = { high = 0.01, low = 90 }",
        ),
        ["geohazard_point.inspection_interval_days.high", "shorter than the mean inspection"],
    ),
    (
        "no_scenario_table",
        replace(TOML, "[scenario]\n", "[scenari]\n"),
        ["unknown top-level key", "did you mean 'scenario'"],
    ),
    (
        "monthly_factor_length",
        replace(TOML, "monthly_factor = [0.2, 0.2, ", "monthly_factor = ["),
        ["landslide.monthly_factor", "at least 12"],
    ),
    (
        "bool_expected",
        replace(TOML, "can_penalise = true", "can_penalise = 3"),
        ["district_certified.can_penalise", "boolean"],
    ),
    (
        "budget_split_exceeds_total",
        replace(
            TOML,
            "total_yuan_per_year = 5_000_000",
            "total_yuan_per_year = 5_000_000\ninspectors_yuan_per_year = 9_000_000",
        ),
        ["[budget]", "exceeds total_yuan_per_year"],
    ),
    (
        "equipment_lowers_detection",
        replace(
            TOML,
            "detection_probability_without_equipment = 0.6",
            "detection_probability_without_equipment = 0.95",
        ),
        ["district_certified", "must not exceed detection_probability"],
    ),
    (
        "bad_level",
        replace("warehouses.csv", "w_mountain,district", "w_mountain,county"),
        ["warehouses.csv line 3 (warehouse w_mountain)", "level", "county"],
    ),
    (
        "township_resolution_without_table",
        replace(TOML, 'resolution = "district"', 'resolution = "township"'),
        ["[demand]: resolution", "needs a townships table", 'townships = "townships.csv"'],
    ),
    (
        "township_outside_its_district",
        with_townships(_set(0, 4, 106.95)),
        ["townships.csv line 2 (township 900001000)", "outside district 900001"],
    ),
    (
        "township_population_off",
        with_townships(_set(0, 6, 90_000)),
        ["townships", "900001", "hold 340,000 people but the district 300,000"],
    ),
    (
        "township_count_off",
        with_townships(lambda rows: rows.pop(0)),
        ["900001", "counts 6 townships but the townships table lists 5"],
    ),
    (
        "township_kind_unknown",
        with_townships(_set(2, 3, "village")),
        ["townships.csv line 4 (township 900001002)", "kind", "subdistrict"],
    ),
    (
        "truck_role_unknown",
        append(TOML, '\n[relief_logistics]\ntruck_role = "lorry"\n'),
        ["relief_logistics", "truck_role", "no vehicle kind has role 'lorry'"],
    ),
    (
        "truckload_missing",
        append(TOML, '\n[relief_logistics]\ntruck_role = "rescue"\n'),
        ["commodities", "tent", "units_per_truckload", "how many units"],
    ),
    (
        "shelter_shares_off",
        append(
            TOML,
            '\n[surges.big]\nname_zh = "洪"\nname_en = "Flood"\nincident_type = "landslide"\n'
            'start_day = 200\nduration_days = 3\ndistricts = ["900003"]\nincidents = 10\n'
            "people_affected_total = 1000\n[surges.big.shelter]\nevacuated_share = 0.5\n"
            "shares = { with_relatives = 0.5, collective = 0.2 }\n",
        ),
        ["surges", "big", "shelter", "must add up to 1"],
    ),
    (
        "harm_saturation_before_reference",
        replace(
            TOML,
            "units_needed = { rescue = 1 }",
            "units_needed = { rescue = 1 }\nharm = { deaths_at_reference = 0.1, "
            "reference_min = 30, log_increase_per_min = 0.02, saturation_min = 10 }",
        ),
        ["ws_accident", "harm", "saturation_min (10.0) must be at least reference_min"],
    ),
    (
        "latitude_out_of_range",
        replace("warehouses.csv", "106.52,29.58", "106.52,129.58"),
        ["warehouses.csv line 2", "lat", "less than or equal to 90"],
    ),
]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_scenario_is_reported(
    toy_dir: Path, name: str, edit: Edit, expected: list[str]
) -> None:
    load_scenario(toy_dir)  # the unbroken copy loads
    edit(toy_dir)
    with pytest.raises(ScenarioError) as info:
        load_scenario(toy_dir)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message


@pytest.mark.parametrize("name", ["negative_count", "toml_syntax", "non_utf8", "polygon_missing"])
def test_cli_exits_non_zero_with_the_message(toy_dir: Path, name: str) -> None:
    _, edit, expected = next(c for c in CASES if c[0] == name)
    edit(toy_dir)
    result = CliRunner().invoke(app, ["scenario", "validate", str(toy_dir)])
    assert result.exit_code == 1
    assert "Invalid scenario" in result.output
    assert expected[0] in result.output.replace("\n", "")


def test_travel_section_of_wrong_type_is_reported(toy_dir: Path) -> None:
    with_matrix("id,900001,900002,900003\n900001,0,1,2\n900002,1,0,3\n900003,2,3,0\n")(toy_dir)
    text = (toy_dir / TOML).read_text(encoding="utf-8")
    start = text.index("[travel]")
    end = text.index("[risk_tiers.high]")
    (toy_dir / TOML).write_text(text[:start] + "travel = 3\n\n" + text[end:], encoding="utf-8")
    with pytest.raises(ScenarioError, match="travel"):
        load_scenario(toy_dir)


def test_matrix_of_only_commas_is_reported(toy_dir: Path) -> None:
    with_matrix(",,,\n,,\n")(toy_dir)
    with pytest.raises(ScenarioError, match=r"travel\.csv: the matrix has no rows"):
        load_scenario(toy_dir)


def test_a_valid_townships_table_loads_and_runs(toy_dir: Path) -> None:
    """The same toy townships, unbroken: 19 demand points; evenly spaced on each square's middle
    line, their Voronoi cells are equal strips, so each stands for the district's area ÷ n."""
    from anjian.sim.response import ResponseConfig, simulate_response

    with_townships()(toy_dir)
    s = load_scenario(toy_dir)
    pts = s.demand_points
    assert len(pts) == 19
    for adcode, n in (("900001", 6), ("900002", 5), ("900003", 8)):
        mine = pts.adcode == adcode
        assert pts.area_km2[mine] == pytest.approx([428.1 / n] * n, rel=1e-3)  # x rounded
        assert pts.population[mine].sum() == s.districts[adcode].population
    r = simulate_response(s, ResponseConfig(years=0.2, seed=1))
    assert set(r.incidents["township"]) <= set(pts.ids)

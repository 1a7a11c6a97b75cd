"""Scenarios under bad input, beyond the malformed corpus: numbers past what the simulator can
run, nonsense that used to load, inputs that used to be tracebacks, paths out of the scenario's
folder, and files that would exhaust memory.

Each case starts from a fresh copy of the toy scenario and breaks one thing. Its expected
outcome is ``clear`` (loading raises a ScenarioError naming the place) or ``refused`` (it loads,
and a run refuses before it starts with :class:`RunTooLarge`). A case that loads and runs is
*accepted*; any other exception is a *traceback*. The corpus test prints the counts and
requires 0 of both.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from test_malformed_scenarios import append, replace, write
from typer.testing import CliRunner

from anjian.cli import app
from anjian.scenarios import ScenarioError, load_scenario
from anjian.sim import size
from anjian.sim.inspection import InspectionConfig, simulate_inspections
from anjian.sim.response import ResponseConfig, simulate_response
from anjian.sim.size import RunTooLarge

Edit = Callable[[Path], None]
TOML = "scenario.toml"
SURGE = (
    '\n[surges.storm]\nname_zh = "暴雨"\nname_en = "Storm"\nincident_type = "landslide"\n'
    'start_day = 200\nduration_days = 10\ndistricts = ["900003"]\nincidents = 20\n'
)


def surge(**fields: object) -> Edit:
    """The toy with one landslide surge, ``fields`` replacing or adding its values."""
    text = SURGE
    for key, value in fields.items():
        line = f"{key} = {json.dumps(value)}\n"
        if f"\n{key} = " in text:
            start = text.index(f"\n{key} = ") + 1
            text = text[:start] + line + text[text.index("\n", start) + 1 :]
        else:
            text += line
    return append(TOML, text)


def both(*edits: Edit) -> Edit:
    def edit(d: Path) -> None:
        for e in edits:
            e(d)

    return edit


def symlink(file: str, target: str) -> Edit:
    def edit(d: Path) -> None:
        (d / file).unlink()
        (d / file).symlink_to(target)

    return edit


def nested_toml(depth: int) -> Edit:
    return append(TOML, "\nextra = " + "[" * depth + "]" * depth + "\n")


def nested_geojson(depth: int) -> Edit:
    def edit(d: Path) -> None:
        doc = json.loads((d / "districts.geojson").read_text(encoding="utf-8"))
        text = json.dumps(doc)
        deep = "[" * depth + "]" * depth
        text = text.replace('"features"', f'"deep": {deep}, "features"', 1)
        (d / "districts.geojson").write_text(text, encoding="utf-8")

    return edit


def wide_csv(columns: int) -> Edit:
    head = "adcode," + ",".join(f"c{k}" for k in range(columns)) + "\n"
    rows = "".join(f"90000{i}," + ",".join("1" for _ in range(columns)) + "\n" for i in (1, 2, 3))
    return write("sites.csv", head + rows)


def long_csv(rows: int) -> Edit:
    body = "".join(f"t{k},900001,镇,town,106.5,29.6,1\n" for k in range(rows))
    return both(
        write("townships.csv", "township_code,adcode,name_zh,kind,lon,lat,population\n" + body),
        replace(
            TOML, 'stocks = "stocks.csv"', 'stocks = "stocks.csv"\ntownships = "townships.csv"'
        ),
    )


ON_SCENE = 'on_scene = { kind = "exponential", mean_min = 90 }'
MATRIX = 'stocks = "stocks.csv"\ntravel_matrix = "travel.csv"'
DEATHS = "values = [0, 1, 2, 3], weights = [0.5, 0.4, 0.08, 0.02]"
HIRING = 'hiring_time = { kind = "fixed", value_days = 90 }'

#: (name, edit, outcome, fragments the message must hold)
CASES: list[tuple[str, Edit, str, list[str]]] = [
    # -- numbers past what the simulator can run: refused at validation -------------------
    ("rate_1e300", replace("incident_rates.csv", "900001,12,", "900001,1e300,"), "clear",
     ["incident_rates.csv line 2", "ws_accident", "less than or equal to 1000000000000"]),
    ("hazard_rate_1e300", replace(TOML, "hazards_per_site_year = 4.0",
                                  "hazards_per_site_year = 1e300"), "clear",
     ["factory.hazards_per_site_year", "less than or equal to"]),
    ("gamma_cv_1e300", replace(TOML, ON_SCENE,
                               'on_scene = { kind = "gamma", mean_min = 90, cv = 1e300 }'),
     "clear", ["ws_accident.on_scene", "cv must be at most 100"]),
    ("lognormal_cv_1000", replace(TOML, "mean_h = 4, cv = 0.8", "mean_h = 4, cv = 1000"),
     "clear", ["landslide.on_scene", "cv must be at most 100"]),
    ("on_scene_mean_1e300", replace(TOML, ON_SCENE,
                                    'on_scene = { kind = "exponential", mean_min = 1e300 }'),
     "clear", ["ws_accident.on_scene", "more than ten years"]),
    ("on_scene_mean_5000_days", replace(TOML, ON_SCENE,
                                        'on_scene = { kind = "exponential", mean_days = 5000 }'),
     "clear", ["ws_accident.on_scene", "more than ten years"]),
    ("hiring_time_fixed_list", replace(TOML, HIRING,
                                       'hiring_time = { kind = "fixed", value_days = [90, 30] }'),
     "clear", ["district_certified.hiring_time", "must be one number", "[90, 30]"]),
    ("mean_min_list", replace(TOML, ON_SCENE,
                              'on_scene = { kind = "exponential", mean_min = [120] }'),
     "clear", ["ws_accident.on_scene", "'mean_min' must be one number"]),
    ("kind_list", replace(TOML, ON_SCENE, 'on_scene = { kind = ["exponential"], mean_min = 90 }'),
     "clear", ["ws_accident.on_scene", "kind must be one name"]),
    ("kind_number", replace(TOML, ON_SCENE, "on_scene = { kind = 3, mean_min = 90 }"),
     "clear", ["ws_accident.on_scene", "kind must be one name"]),
    ("empirical_values_scalar", replace(TOML, DEATHS,
                                        "values = 2"),
     "clear", ["factory.deaths_per_accident", "'values' must be a list"]),
    ("empirical_values_20000", replace(TOML, DEATHS,
                                       "values = [" + ", ".join(["1"] * 20000) + "]"),
     "clear", ["factory.deaths_per_accident", "at most 10,000"]),
    ("deaths_per_accident_1e9", replace(TOML, "values = [0, 1, 2, 3]", "values = [0, 1, 2, 1e9]"),
     "clear", ["factory.deaths_per_accident", "at most 100,000,000"]),
    ("people_affected_1e300", replace(TOML, "people_affected = { kind = \"lognormal\", mean = 50",
                                      "people_affected = { kind = \"lognormal\", mean = 1e300"),
     "clear", ["landslide.relief.people_affected", "at most"]),
    ("headcount_1e12", replace("staff.csv", "900001,6,6", "900001,1000000000000,6"), "clear",
     ["staff.csv line 2", "district_certified", "less than or equal to 1000000000"]),
    ("sites_1e12", replace("sites.csv", "900001,40,2", "900001,1000000000000,2"), "clear",
     ["sites.csv line 2", "factory", "less than or equal to 1000000000"]),
    ("complaints_1e300", replace(TOML, "complaints_per_100k_population_year = 20",
                                 "complaints_per_100k_population_year = 1e300"), "clear",
     ["complaints_per_100k_population_year", "less than or equal to"]),
    ("cost_1e300", replace(TOML, "cost_yuan_per_year = 150000", "cost_yuan_per_year = 1e300"),
     "clear", ["district_certified.cost_yuan_per_year", "less than or equal to"]),
    ("population_1e15", replace("districts.csv", ",core,300000,", ",core,1000000000000000,"),
     "clear", ["districts.csv line 2", "population"]),
    ("surge_incidents_1e12", surge(incidents=10**12), "clear",
     ["storm.incidents", "less than or equal to 1000000000"]),
    ("units_needed_1e5", replace(TOML, "units_needed = { rescue = 1 }",
                                 "units_needed = { rescue = 100000 }"),
     "clear", ["ws_accident.units_needed", "less than or equal to 1000"]),
    # -- within every field's bounds, but too large a run: refused before it starts ---------
    ("surge_incidents_5e8", surge(incidents=500_000_000), "refused", ["surge incidents"]),
    ("headcount_5e6", replace("staff.csv", "900001,6,6", "900001,5000000,6"), "refused",
     ["5,000,024 inspectors", "ANJIAN_SIZE_FACTOR"]),
    ("sites_1e8", replace("sites.csv", "900001,40,2", "900001,100000000,2"), "refused",
     ["sites", "ANJIAN_SIZE_FACTOR"]),
    ("hazards_1e9_a_year", replace(TOML, "hazards_per_site_year = 4.0",
                                   "hazards_per_site_year = 10000000"), "refused",
     ["hazards", "simulate fewer years"]),
    ("incident_rate_1e9", replace("incident_rates.csv", "900001,12,", "900001,1000000000,"),
     "refused", ["incidents", "ANJIAN_SIZE_FACTOR"]),
    ("vehicles_5e6", replace("depots.csv", "106.5,29.6,2,1", "106.5,29.6,2000000,3000000"),
     "refused", ["5,000,006 vehicles"]),
    # -- nonsense that used to load -------------------------------------------------------
    ("depot_kind_column_deleted", write("depots.csv", (
        "depot_id,name_zh,name_en,adcode,lon,lat,dedicated_rescue\n"
        "d_core,城中救援站,Core rescue station,900001,106.5,29.6,2\n"
        "d_suburb,近郊救援站,Suburb rescue station,900002,106.7,29.6,1\n"
        "d_mountain,山区救援站,Mountain rescue station,900003,106.9,29.6,0\n")),
     "clear", ["depots.csv line 1", "rented_rescue", "every kind needs a column"]),
    ("surge_past_year_end", surge(start_day=360, duration_days=10), "clear",
     ["storm", "past the year's end"]),
    ("surge_people_on_type_without_relief", surge(incident_type="ws_accident",
                                                  people_affected_total=5000),
     "clear", ["storm.people_affected_total", "has no relief"]),
    ("monthly_factor_all_zero", replace(TOML, "monthly_factor = [0.2, 0.2, 0.4, 0.8, 1.2, 2.0, "
                                        "2.4, 2.2, 1.6, 0.6, 0.2, 0.2]",
                                        "monthly_factor = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"),
     "clear", ["landslide.monthly_factor", "every factor is 0"]),
    ("hourly_factor_all_zero", replace(TOML, ON_SCENE, ON_SCENE + "\nhourly_factor = ["
                                       + ", ".join(["0"] * 24) + "]"),
     "clear", ["ws_accident.hourly_factor", "every factor is 0"]),
    ("hazard_monthly_factor_all_zero", replace(TOML, "hazards_per_site_year = 4.0",
                                               "hazards_per_site_year = 4.0\n"
                                               "hazard_monthly_factor = [" + ", ".join(["0"] * 12)
                                               + "]"),
     "clear", ["factory.hazard_monthly_factor", "every factor is 0"]),
    ("stock_above_order_up_to", replace("stocks.csv", "w_city,tent,500,200,500,14",
                                        "w_city,tent,900,200,500,14"),
     "clear", ["stocks.csv", "w_city", "stock 900 exceeds order-up-to level 500"]),
    ("schema_version_99", replace(TOML, "schema_version = 1", "schema_version = 99"), "clear",
     ["schema_version = 99", "reads scenario files of schema_version 1"]),
    ("schema_version_text", replace(TOML, "schema_version = 1", 'schema_version = "1"'), "clear",
     ["schema_version = '1'"]),
    ("schema_version_0", replace(TOML, "schema_version = 1", "schema_version = 0"), "clear",
     ["schema_version = 0"]),
    ("adcode_fullwidth_digits", both(*(replace(f, "900003", "９０００03") for f in (
        "districts.csv", "sites.csv", "staff.csv", "incident_rates.csv", "depots.csv",
        "warehouses.csv")), replace("districts.geojson", "900003", "９０００03")),
     "clear", ["districts.csv", "９０００03", "[0-9]{6}"]),
    ("adcode_arabic_indic_in_surge", surge(districts=["٩٠٠٠٠٣"]), "clear",
     ["storm.districts", "[0-9]{6}"]),
    # -- used to be tracebacks ------------------------------------------------------------
    ("staff_csv_utf16", write("staff.csv", "adcode,district_certified,township\n900001,6,6\n"
                              .encode("utf-16")), "clear", ["staff.csv", "not UTF-8"]),
    ("uniform_low_list", replace(TOML, "low_min = 2, high_min = 5", "low_min = [2], high_min = 5"),
     "clear", ["dedicated_rescue.mobilisation", "'low_min' must be one number"]),
    ("weights_scalar", replace(TOML, "weights = [0.5, 0.4, 0.08, 0.02]", "weights = 0.5"),
     "clear", ["factory.deaths_per_accident", "'weights' must be a list"]),
    ("toml_nested_100000", nested_toml(100_000), "clear", ["scenario.toml"]),
    ("geojson_nested_100000", nested_geojson(100_000), "clear",
     ["districts.geojson", "nested too deeply"]),
    ("toml_nested_2000", nested_toml(2_000), "clear", ["scenario.toml"]),
    # -- a newcomer's cases (helper probe, 375 cases): numbers that are not numbers ---------
    ("gamma_cv_1e-200", replace(TOML, ON_SCENE,
                                'on_scene = { kind = "gamma", mean_min = 90, cv = 1e-200 }'),
     "clear", ["ws_accident.on_scene", "cv must be at least 1e-06"]),
    ("district_townships_0", replace("districts.csv", "428.1,6", "428.1,0"), "clear",
     ["districts.csv line 2", "townships", "greater than or equal to 1"]),
    ("toml_true_as_number", replace(TOML, "hazards_per_site_year = 4.0",
                                    "hazards_per_site_year = true"), "clear",
     ["factory.hazards_per_site_year", "a number is needed, got true"]),
    ("budget_true", replace(TOML, "total_yuan_per_year = 5_000_000", "total_yuan_per_year = true"),
     "clear", ["total_yuan_per_year", "a number is needed, got true"]),
    ("units_needed_true", replace(TOML, "units_needed = { rescue = 1 }",
                                  "units_needed = { rescue = true }"), "clear",
     ["ws_accident.units_needed.rescue", "a number is needed"]),
    ("override_true_as_rate", append(TOML, '\n[overrides]\n"incident_rates.900001.ws_accident"'
                                     " = true\n"), "clear", ["a number is needed, got true"]),
    ("csv_underscored_number", replace("sites.csv", "900001,40,2", "900001,4_0,2"), "clear",
     ["sites.csv line 2", "without '_'"]),
    ("road_speed_1e-10", replace(TOML, "road_speed_kmh = 30", "road_speed_kmh = 1e-10"), "clear",
     ["core.road_speed_kmh", "greater than or equal to 1"]),
    ("units_needed_empty", replace(TOML, "units_needed = { rescue = 1 }", "units_needed = {}"),
     "clear", ["ws_accident.units_needed", "at least 1 item"]),
    ("lead_time_1e11_days", replace("stocks.csv", "w_city,tent,500,200,500,14",
                                    "w_city,tent,500,200,500,1e11"), "clear",
     ["stocks.csv", "lead_time_days", "less than or equal to 3650"]),
    ("matrix_time_1e11", both(
        write("travel.csv", "id,900001,900002,900003\n900001,0,1,2\n900002,1,0,1e11\n"
                            "900003,2,3,0\n"),
        replace(TOML, 'stocks = "stocks.csv"', MATRIX),
        replace(TOML, 'model = "geometric"', 'model = "matrix"')),
     "clear", ["travel.csv line 3", "a week"]),
    ("description_terminal_escape", replace(TOML, 'description = "Three',
                                            'description = "\\u001b[31mThree'), "clear",
     ["description", "control characters"]),
    ("geometry_a_point", replace("districts.geojson", '"type": "Polygon"', '"type": "Point"'),
     "clear", ["districts.geojson (the feature with adcode"]),
    # -- paths out of the scenario's folder -------------------------------------------------
    ("table_absolute_path", replace(TOML, 'sites = "sites.csv"', 'sites = "/etc/passwd"'),
     "clear", ["[tables] sites", "'/etc/passwd'", "inside the scenario's folder"]),
    ("table_dotdot_path", replace(TOML, 'sites = "sites.csv"', 'sites = "../toy/sites.csv"'),
     "clear", ["[tables] sites", "not an absolute path or one with \"..\""]),
    ("table_symlink_out", symlink("sites.csv", "/etc/passwd"), "clear",
     ["[tables] sites", "link leading out of the scenario's folder"]),
    ("table_symlink_out_relative", symlink("staff.csv", "../../../../../../etc/hostname"),
     "clear", ["[tables] staff", "link leading out"]),
    ("table_empty_name", replace(TOML, 'sites = "sites.csv"', 'sites = " "'), "clear",
     ["[tables] sites", "must be a file name"]),
    # -- memory: bounded by what a file holds, not only by bytes ----------------------------
    ("csv_3000_columns", wide_csv(3000), "clear", ["sites.csv line 1", "at most 2,000 columns"]),
    ("csv_250000_rows", long_csv(250_000), "clear", ["townships.csv", "more than 200,000 rows"]),
    ("matrix_6000_ids", both(
        write("travel.csv", "id," + ",".join(f"p{k}" for k in range(6000)) + "\n"),
        replace(TOML, 'stocks = "stocks.csv"', MATRIX),
    ), "clear", ["travel.csv line 1", "at most 5,001 columns"]),
]  # fmt: skip


def _outcome(d: Path) -> tuple[str, str]:
    """What the product does with the scenario in ``d``: its outcome and the message."""
    try:
        s = load_scenario(d)
    except ScenarioError as err:
        return "clear", str(err)
    except Exception as err:
        return "traceback", f"{type(err).__name__}: {err}"[:500]
    try:
        simulate_inspections(s, InspectionConfig(years=1.0, seed=1))
        simulate_response(s, ResponseConfig(years=1.0, seed=1))
    except RunTooLarge as err:
        return "refused", str(err)
    except Exception as err:
        return "traceback", f"{type(err).__name__}: {err}"[:500]
    return "accepted", ""


def test_corpus_counts(toy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every case ends as expected; the counts are printed (pytest -s shows them)."""
    import shutil

    counts = {"clear": 0, "refused": 0, "accepted": 0, "traceback": 0}
    wrong = []
    for name, edit, expected, fragments in CASES:
        d = tmp_path / name
        shutil.copytree(toy_dir, d)
        edit(d)
        got, text = _outcome(d)
        counts[got] += 1
        missing = [f for f in fragments if f not in text]
        if got != expected or missing:
            wrong.append(f"{name}: expected {expected}, got {got}; missing {missing}: {text}")
    with capsys.disabled():
        print(f"\nscenario corpus: {len(CASES)} cases — " +
              ", ".join(f"{k} {v}" for k, v in counts.items()))  # fmt: skip
    assert not wrong, "\n".join(wrong)
    assert counts["accepted"] == 0 and counts["traceback"] == 0
    assert len(CASES) >= 50 and len({c[0] for c in CASES}) == len(CASES)


def test_no_foreign_content_is_echoed(toy_dir: Path) -> None:
    """A symlink to /etc/passwd is refused without a line of the file in the message."""
    symlink("sites.csv", "/etc/passwd")(toy_dir)
    with pytest.raises(ScenarioError) as info:
        load_scenario(toy_dir)
    assert "root:" not in str(info.value)


def test_a_district_without_residents_runs(toy_dir: Path) -> None:
    """Population 0 (the textbook queue scenarios use it): the per-capita relief standard asks
    nothing of it, so its coverage is 1 and nothing divides by zero."""
    replace("districts.csv", ",core,300000,", ",core,0,")(toy_dir)
    s = load_scenario(toy_dir)
    k = simulate_response(s, ResponseConfig(years=0.2, seed=1)).kpis
    row = k[(k["key"] == "900001") & (k["kpi"] == "relief_standard_coverage")]
    assert row["value"].tolist() == [1.0]


def test_a_symlink_inside_the_folder_loads(toy_dir: Path) -> None:
    """Links are refused only when they lead out: a link to a file in the folder loads."""
    (toy_dir / "sites_real.csv").write_text((toy_dir / "sites.csv").read_text("utf-8"), "utf-8")
    symlink("sites.csv", "sites_real.csv")(toy_dir)
    assert load_scenario(toy_dir).sites["900001"]["factory"] == 40


def test_an_upload_reads_no_base_outside_itself(tmp_path: Path) -> None:
    """With root = the upload's folder, a base outside it is refused; a built-in base loads."""
    other = tmp_path / "server_folder"
    import shutil

    from anjian.scenarios import builtin

    shutil.copytree(builtin.folder("toy"), other)
    upload = tmp_path / "upload"
    upload.mkdir()
    head = '[scenario]\nname = "u"\ntitle_zh = "上传"\ntitle_en = "Upload"\n'
    (upload / "scenario.toml").write_text(head + 'base = "../server_folder"\n', "utf-8")
    assert load_scenario(upload).meta.name == "u"  # the CLI on one's own files: allowed
    with pytest.raises(ScenarioError, match="outside the uploaded scenario"):
        load_scenario(upload, root=upload)
    (upload / "scenario.toml").write_text(head + f'base = "{other}"\n', "utf-8")
    with pytest.raises(ScenarioError, match="is an absolute path; an uploaded scenario"):
        load_scenario(upload, root=upload)
    (upload / "scenario.toml").write_text(head + 'base = "toy"\n', "utf-8")
    assert load_scenario(upload, root=upload).meta.name == "u"


def test_blank_padded_csv_needs_little_memory(toy_dir: Path) -> None:
    """20 MB of blank lines loads (they are skipped) with a peak far below the old ~85×."""
    with (toy_dir / "sites.csv").open("a", encoding="utf-8") as f:
        f.write("\n" * 20_000_000)
    tracemalloc.start()
    try:
        s = load_scenario(toy_dir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert s.sites["900003"]["geohazard_point"] == 12
    assert peak < 4 * 20_000_000, f"peak {peak:,} bytes for a 20 MB file"


def test_the_size_limit_can_be_raised(toy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ANJIAN_SIZE_FACTOR multiplies the limits; a bad value is a clear error."""
    replace("staff.csv", "900001,6,6", "900001,3000000,6")(toy_dir)
    s = load_scenario(toy_dir)
    with pytest.raises(RunTooLarge, match="3,000,024 inspectors"):
        size.check(s, 1.0, "inspection")
    monkeypatch.setenv("ANJIAN_SIZE_FACTOR", "2")
    assert size.check(s, 1.0, "inspection").inspectors == 3_000_024
    monkeypatch.setenv("ANJIAN_SIZE_FACTOR", "lots")
    with pytest.raises(RunTooLarge, match="ANJIAN_SIZE_FACTOR='lots' is not a number"):
        size.check(s, 1.0, "inspection")


def test_size_estimate_of_the_builtin_is_far_below_the_limits() -> None:
    """Chongqing: the longest run a sweep may ask for (50 years) within half the limit."""
    s = load_scenario("chongqing")
    for model in ("inspection", "response"):
        est = size.check(s, 50.0, model)
        assert est.total_events < size.MAX_EVENTS / 2
    assert est.vehicles < size.MAX_VEHICLES / 1000
    est = size.estimate(s, 1.0, "inspection")
    assert 200_000 < est.sites < size.MAX_SITES / 50
    assert est.events["hazards"] == pytest.approx(618_204.5, rel=0.05)


def test_cli_reports_a_too_large_run(toy_dir: Path, tmp_path: Path) -> None:
    """`simulate` exits 1 with the reason, before anything is written."""
    replace("staff.csv", "900001,6,6", "900001,5000000,6")(toy_dir)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", "inspections", str(toy_dir), "--reps", "1", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "inspectors" in result.output and "Traceback" not in result.output
    assert not out.exists()  # the check of --out leaves nothing behind


def test_cli_validate_names_the_problem(toy_dir: Path) -> None:
    replace(TOML, ON_SCENE, 'on_scene = { kind = ["exponential"], mean_min = 90 }')(toy_dir)
    result = CliRunner().invoke(app, ["scenario", "validate", str(toy_dir)])
    assert result.exit_code == 1
    assert "kind must be one name" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_out_is_refused_before_work(toy_dir: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = CliRunner().invoke(app, ["simulate", "response", "toy", "--out", str(locked / "x")])
    assert result.exit_code == 2 and "--out" in result.output


def _zip(entries: list[tuple[str, bytes]], damage: Callable[[bytes], bytes] | None = None) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    data = buf.getvalue()
    return damage(data) if damage else data


def _flip_crc(data: bytes) -> bytes:
    """The central directory's CRC-32 of the first file changed: the data no longer matches."""
    i = data.index(b"PK\x01\x02") + 16
    return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]


def _encrypted_flag(data: bytes) -> bytes:
    """Every header's 'encrypted' flag set (bit 0 of the general-purpose flags)."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            out[i + off] |= 1
            start = i + 4
    return bytes(out)


BUNDLES: list[tuple[str, bytes, str]] = [
    ("bad_crc", _zip([("scenario.toml", b"x" * 500)], _flip_crc), "damaged"),
    ("encrypted", _zip([("scenario.toml", b"x" * 50)], _encrypted_flag), "damaged"),
    ("file_then_folder", _zip([("x.csv", b"a"), ("x.csv/y.csv", b"b")]), "cannot be unpacked"),
    ("folder_then_file", _zip([("x.csv/y.csv", b"b"), ("x.csv", b"a")]), "cannot be unpacked"),
    ("name_300_characters", _zip([("a" * 300 + ".csv", b"a")]), "longer than 100"),
    ("two_manifests", _zip([("a/scenario.toml", b"x"), ("b/scenario.toml", b"y")]),
     "2 scenario.toml at the same level"),
    ("not_a_zip", b"PK\x03\x04 not really", "not a zip file"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "fragment"), BUNDLES, ids=[b[0] for b in BUNDLES])
def test_a_broken_upload_is_a_clear_error(
    tmp_path: Path, name: str, data: bytes, fragment: str
) -> None:
    from anjian.scenarios.bundle import extract_bundle

    with pytest.raises(ScenarioError, match=fragment):
        extract_bundle(data, tmp_path / "dest")


def test_a_travel_matrix_has_its_own_cell_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A matrix is bounded by its points (≤ 5,000, so 25 M cells), not by a table's cells."""
    from anjian.scenarios import tables

    monkeypatch.setattr(tables, "MAX_CELLS", 100)
    ids = [f"p{k}" for k in range(20)]
    rows = ["id," + ",".join(ids)] + [i + "," + ",".join("1" for _ in ids) for i in ids]
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert len(tables.read_matrix(tmp_path / "m.csv")["ids"]) == 20
    (tmp_path / "t.csv").write_text("a,b\n" + "1,2\n" * 60, encoding="utf-8")
    with pytest.raises(ScenarioError, match="100 cells"):
        tables.read_csv(tmp_path / "t.csv")

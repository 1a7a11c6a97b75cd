"""Base + overrides, section and table replacement, and copying scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.bundle import new_scenario


def _derived(folder: Path, body: str, base: str = "toy") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.toml").write_text(
        f'[scenario]\nname = "d"\ntitle_zh = "派生"\ntitle_en = "Derived"\nbase = "{base}"\n{body}',
        encoding="utf-8",
    )
    return folder


def test_derived_without_changes_equals_base(tmp_path: Path) -> None:
    base = load_scenario("toy")
    derived = load_scenario(_derived(tmp_path / "d", ""))
    assert derived.meta.name == "d"
    assert derived.sites == base.sites and derived.staff == base.staff
    assert derived.site_categories == base.site_categories


def test_overrides_patch_values_by_path(tmp_path: Path) -> None:
    d = load_scenario(
        _derived(
            tmp_path / "d",
            """
[overrides]
"staff.900001.district_certified" = 40
"site_categories.factory.hazards_per_site_year" = 8.5
"vehicle_kinds.rented_rescue.mobilisation" = { kind = "fixed", value_h = 2 }
inspection.compliance_without_penalty = 0.5
""",
        )
    )
    assert d.staff["900001"]["district_certified"] == 40
    assert d.staff["900002"]["district_certified"] == 3  # untouched
    assert d.site_categories["factory"].hazards_per_site_year == 8.5
    assert d.vehicle_kinds["rented_rescue"].mobilisation.kind == "fixed"
    assert d.vehicle_kinds["rented_rescue"].mobilisation.mean == 120
    assert d.inspection.compliance_without_penalty == 0.5
    assert d.inspection.compliance_with_penalty == 0.9  # sibling kept


def test_override_of_one_distribution_parameter(tmp_path: Path) -> None:
    d = load_scenario(
        _derived(
            tmp_path / "d",
            """
[overrides]
"incident_types.ws_accident.on_scene.mean_min" = 30
""",
        )
    )
    assert d.incident_types["ws_accident"].on_scene.mean == 30


def test_section_replaces_whole(tmp_path: Path) -> None:
    d = load_scenario(
        _derived(
            tmp_path / "d",
            """
[budget]
total_yuan_per_year = 1_000
""",
        )
    )
    assert d.budget.total_yuan_per_year == 1000


def test_table_replacement_keeps_other_tables_and_base_overrides(tmp_path: Path) -> None:
    mid = _derived(tmp_path / "mid", '\n[overrides]\n"staff.900003.township" = 99\n')
    top = tmp_path / "top"
    top.mkdir()
    (top / "sites.csv").write_text(
        "adcode,factory,geohazard_point\n900001,1,1\n900002,2,2\n900003,3,3\n", encoding="utf-8"
    )
    _derived(top, '\n[tables]\nsites = "sites.csv"\n', base=str(mid))
    d = load_scenario(top)
    assert d.sites["900003"] == {"factory": 3, "geohazard_point": 3}
    assert d.staff["900003"]["township"] == 99  # the middle scenario's override survives


def test_derived_error_names_the_override_file(tmp_path: Path) -> None:
    folder = _derived(tmp_path / "d", '\n[overrides]\n"sites.900001.factory" = -1\n')
    with pytest.raises(ScenarioError, match=r"\[overrides\] 'sites.900001.factory'"):
        load_scenario(folder)


def test_chongqing_can_be_a_base(tmp_path: Path) -> None:
    d = load_scenario(
        _derived(
            tmp_path / "d",
            """
[overrides]
"staff.500101.township" = 2000
"demand.resolution" = "district"
""",
            base="chongqing",
        )
    )
    assert d.staff["500101"]["township"] == 2000
    assert d.totals()["staff"] == 30_000 - 1059 + 2000


def test_bases_cycle_is_reported(tmp_path: Path) -> None:
    _derived(tmp_path / "a", "", base=str(tmp_path / "b"))
    _derived(tmp_path / "b", "", base=str(tmp_path / "a"))
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a")


def test_new_copy_is_complete_and_loads(tmp_path: Path) -> None:
    manifest = new_scenario("chongqing", tmp_path / "mine")
    assert (tmp_path / "mine" / "LICENSE-districts.geojson").exists()
    assert (tmp_path / "mine" / "SOURCES.md").exists()
    s = load_scenario(manifest)
    assert s.totals()["population"] == 32_054_159


def test_new_derive_writes_a_small_manifest(tmp_path: Path) -> None:
    manifest = new_scenario("toy", tmp_path / "My Plan", derive=True)
    text = manifest.read_text(encoding="utf-8")
    assert 'base = "toy"' in text and 'name = "my_plan"' in text
    assert load_scenario(manifest).sites == load_scenario("toy").sites


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScenarioError, match="already exists"):
        new_scenario("toy", tmp_path / "taken")
    assert (tmp_path / "taken" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_override_may_set_a_field_left_at_its_default(tmp_path: Path) -> None:
    d = load_scenario(
        _derived(
            tmp_path / "d",
            """
[overrides]
"inspector_kinds.township.hours_per_day" = 6
"inspection.release_days_before_due" = 3
""",
        )
    )
    assert d.inspector_kinds["township"].hours_per_day == 6
    assert d.inspection.release_days_before_due == 3
    with pytest.raises(ScenarioError, match="names nothing"):
        load_scenario(
            _derived(tmp_path / "e", '[overrides]\n"inspector_kinds.township.hours" = 6\n')
        )

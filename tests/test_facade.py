"""The facade's own pieces: the KPI catalogue, levers, costs, plans, the run store's home,
derived manifests — and that they cover what the models produce."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

import anjian
from anjian import kpis
from anjian.costs import equipment_cost_yuan_per_year, staff_cost_yuan_per_year
from anjian.levers import whatif_overrides
from anjian.optimize.api import MODELS
from anjian.plans import MODEL_LABELS, placed_vehicles, plan_by_district
from anjian.scenarios.bundle import derived_manifest
from anjian.store import RunStore, default_store_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def toy_runs() -> tuple[pd.DataFrame, pd.DataFrame]:
    toy = anjian.load_scenario("toy")
    insp = anjian.simulate_inspections(toy, anjian.InspectionConfig(years=0.5, seed=2))
    resp = anjian.simulate_response(toy, anjian.ResponseConfig(years=0.5, seed=2))
    return insp.kpis, resp.kpis


def test_every_kpi_a_model_produces_is_in_the_catalogue(
    toy_runs: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    insp, resp = toy_runs
    for model, df in (("inspection", insp), ("response", resp)):
        missing = sorted(n for n in set(df["kpi"]) if not kpis.known(n, model))
        assert missing == [], f"{model} KPIs without a catalogue entry"


def test_catalogue_entries_are_complete_and_unique() -> None:
    keys = [(k.model, k.name) for k in kpis.CATALOGUE]
    assert len(keys) == len(set(keys))
    for k in kpis.CATALOGUE:
        assert k.label_zh and k.label_en and k.unit in kpis.UNITS
        assert k.kind != "share" or k.fmt.endswith("%"), k.name
        format(1234.5, k.fmt)  # a valid format spec


def test_catalogue_labels_formats_and_direction() -> None:
    k = kpis.kpi("response_mean_min", "response")
    assert k.label("zh") == "平均响应时间（分钟）"
    assert k.label("en") == "Mean response (min)"
    assert k.format(84.567) == "84.6"
    assert k.format(-3.21, signed=True) == "-3.2"
    assert k.format(float("nan")) == "–"
    assert k.better(-5.0) is True and k.better(5.0) is False
    share = kpis.kpi("within_standard_share")
    assert share.format(0.4567) == "45.7%" and share.better(0.1) is True
    assert kpis.kpi("incidents").better(10.0) is None  # neither better nor worse
    # one name in both models: the model must be named
    with pytest.raises(KeyError, match="both models"):
        kpis.kpi("utilisation")
    assert kpis.kpi("utilisation", "inspection").label_en == "Inspector utilisation"
    assert kpis.label("no_such_kpi", "en") == "no_such_kpi"
    assert kpis.model_of("inspections") == "inspection"
    with pytest.raises(ValueError, match="unknown model"):
        kpis.model_of("traffic")


def test_every_location_model_has_bilingual_labels() -> None:
    assert tuple(MODEL_LABELS) == MODELS
    assert all(set(v) == {"zh", "en"} and all(v.values()) for v in MODEL_LABELS.values())


def test_whatif_levers_are_overrides_that_validate() -> None:
    s = anjian.load_scenario("chongqing")
    change = whatif_overrides(s, {"township": 2.0}, contract=True, flood=1.5, relief=0.5)
    assert change["staff.500101.township"] == round(s.staff["500101"]["township"] * 2.0)
    assert change["vehicle_kinds.rented_rescue.mode"] == "contracted"
    v = s.with_(change)
    assert v.column_total("staff", "township") > s.column_total("staff", "township")
    assert whatif_overrides(s, {}, contract=False, flood=1.0, relief=1.0) == {}


def test_fleet_cost_is_kind_cost_times_vehicles() -> None:
    toy = anjian.load_scenario("toy")
    by_hand = 0.0
    for d in toy.depots.values():
        for k, n in d.vehicles.items():
            by_hand += toy.vehicle_kinds[k].cost_yuan_per_year * n
    assert anjian.fleet_cost_yuan_per_year(toy) == pytest.approx(by_hand)
    assert by_hand > 0


def test_run_store_lives_outside_the_source_tree(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ANJIAN_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "anjian" / "runs"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local" / "share" / "anjian" / "runs"
    monkeypatch.setenv("ANJIAN_STORE", str(tmp_path / "mine"))
    store = RunStore()
    assert store.root == tmp_path / "mine" and (store.root / "runs.sqlite").exists()
    assert ROOT not in default_store_path().parents


def test_derived_manifest_escapes_what_it_writes(tmp_path: Path) -> None:
    title = 'quote " backslash \\ newline\n和 中文'
    text = derived_manifest(
        "weird", title, title, "toy", {"staff.900001.township": 4, "b.c": [1.5, "x"]}
    )
    doc = tomllib.loads(text)
    assert doc["scenario"]["title_zh"] == title
    assert doc["overrides"] == {"b.c": [1.5, "x"], "staff.900001.township": 4}
    folder = tmp_path / "v"
    folder.mkdir()
    ok = derived_manifest("weird", title, title, "toy", {"staff.900001.township": 4})
    (folder / "scenario.toml").write_text(ok, encoding="utf-8")
    s = anjian.load_scenario(folder)
    assert s.staff["900001"]["township"] == 4 and s.meta.title_en == title.strip()


def test_grid_plan_saved_loads_back_and_compares(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A grid-resolution plan creates depots at grid cells (ids like 900001-0003): they must be
    valid identifiers, so the saved plan's scenario loads back from the store and compares."""
    toy = anjian.load_scenario("toy").with_({"demand.grid_cells_target": 40})
    res = anjian.optimize_vehicles(
        toy, model="mclp", vehicles=4, resolution="grid", verify_reps=2, verify_years=0.2
    )
    assert res.verification is not None
    planned = res.verification.planned_scenario
    new = [d for d in planned.depots if d not in toy.depots]
    assert new and all(d.startswith("opt_") and "-" not in d for d in new)
    store = RunStore(tmp_path / "store")
    sid = store.save_cases(
        "plans-toy",
        {
            "today": (res.scenario, res.verification.baseline_kpis),
            "mclp-4": (planned, res.verification.plan_kpis),
        },
        seed=0,
    )
    hashes = store.runs(sid).groupby("case_name")["scenario_hash"].first()
    back = store.scenario(hashes["mclp-4"])
    assert back == planned
    diff = store.compare(sid, "today", "mclp-4")
    assert set(diff[diff["level"] == "city"]["kpi"]) >= {"within_standard_share"}
    # the tallies the app shows: every placed vehicle counted once, in its district
    placed = placed_vehicles(res)
    tally = plan_by_district(res)
    assert int(tally["plan"].sum()) == int(placed["vehicles"].sum()) == 4
    assert list(tally["adcode"]) == list(toy.districts)
    # today's rented vehicles, which the plan keeps, are counted apart (the toy: 1 + 2 + 3)
    rented = {a: 0 for a in toy.districts}
    for d in toy.depots.values():
        rented[d.adcode] += d.vehicles.get("rented_rescue", 0)
    assert dict(zip(tally["adcode"], tally["others_today"], strict=True)) == rented


def test_exports_carry_the_catalogue_labels(tmp_path: Path) -> None:
    toy = anjian.load_scenario("toy")
    cfg = anjian.ResponseConfig(years=0.2, seed=1)
    runs = anjian.replicate_response(toy, cfg, 2)
    store = RunStore(tmp_path / "store")
    sid = store.save_cases("labels", {"today": (toy, runs.kpis)}, seed=1)
    [path] = [p for p in store.export(sid, tmp_path / "out", "csv") if "summary" in p.name]
    summary = pd.read_csv(path)
    row = summary[(summary["level"] == "city") & (summary["kpi"] == "response_mean_min")]
    assert row["label_zh"].iloc[0] == "平均响应时间" and row["unit"].iloc[0] == "min"
    assert row["label_en"].iloc[0] == "Mean response"


def test_inspection_cost_is_salaries_plus_fees() -> None:
    """The run's cost KPI: salaries of the headcount and the kits of its equipped share (the
    facade's static figures) plus the fees of contracted inspections done (done × fee per
    inspection, per year)."""
    toy = anjian.load_scenario("toy").with_(
        {
            "inspector_kinds.township.cost_yuan_per_inspection": 500.0,
            "inspector_kinds.township.cost_yuan_per_year": 70000.0,
            "inspector_kinds.township.equipment_cost_yuan_per_year": 4000.0,
        }
    )
    r = anjian.simulate_inspections(toy, anjian.InspectionConfig(years=0.5, seed=4))
    k = r.kpis.set_index(["level", "key", "kpi"])["value"]
    done = k[("kind", "township", "inspections_by_staff")]
    assert k[("kind", "township", "inspection_fees_yuan_per_year")] == pytest.approx(
        done * 500.0 / 0.5
    )
    assert k[("city", "all", "staff_cost_yuan_per_year")] == pytest.approx(
        staff_cost_yuan_per_year(toy)
    )
    assert k[("city", "all", "equipment_cost_yuan_per_year")] == pytest.approx(
        equipment_cost_yuan_per_year(toy)
    )
    assert k[("city", "all", "inspection_cost_yuan_per_year")] == pytest.approx(
        staff_cost_yuan_per_year(toy) + equipment_cost_yuan_per_year(toy) + done * 500.0 / 0.5
    )

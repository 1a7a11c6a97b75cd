"""Every app page through AppTest: renders without exception in both languages, and one
interaction per page sets a widget by key and checks a resulting number or message."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from raw_codes import app_codes
from streamlit.testing.v1 import AppTest

from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.bundle import derived_bundle, extract_bundle

PAGE = """
import importlib
import streamlit as st
st.session_state.setdefault("lang", "{lang}")
st.session_state.setdefault("scenario", "{scenario}")
st.session_state.setdefault("uploaded_ref", None)
st.session_state.setdefault("overrides", {{}})
importlib.import_module("anjian.ui.{page}").render()
"""


@pytest.fixture(autouse=True)
def _store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJIAN_STORE", str(tmp_path / "store"))
    from anjian.ui.common import run_store

    run_store.clear()


def _page(page: str, lang: str = "zh", scenario: str = "toy") -> AppTest:
    at = AppTest.from_string(
        PAGE.format(page=page, lang=lang, scenario=scenario), default_timeout=180
    )
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    "page",
    [
        "overview",
        "scenario_page",
        "whatif",
        "optimize_page",
        "budget_page",
        "compare",
        "runs",
        "validation_page",
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(page: str, lang: str) -> None:
    at = _page(page, lang)
    assert not app_codes(at), app_codes(at)  # every label, header and message in words


def test_whatif_run_shows_kpis_and_changes() -> None:
    at = _page("whatif", scenario="chongqing")
    at.checkbox(key="whatif_contract").check()
    at.number_input(key="whatif_reps").set_value(3)
    at.button(key="whatif_run").click().run()
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    assert set(metrics) >= {"平均响应时间（分钟）", "达标率"}
    assert metrics["达标率"].value.endswith("%")
    # contracting the rented vehicles shortens mobilisation: response time falls
    assert metrics["平均响应时间（分钟）"].delta.startswith("-")
    assert not app_codes(at, "chongqing"), app_codes(at, "chongqing")
    # a second identical run resumes the stored sweep: still two cases, 3 reps each
    at.button(key="whatif_run").click().run()
    from anjian.ui.common import run_store

    sweeps = run_store().sweeps()
    assert len(sweeps) == 1 and int(sweeps["runs"].iloc[0]) == 6


def test_whatif_inspections_english() -> None:
    at = _page("whatif", "en")
    at.radio(key="whatif_model_en").set_value("inspections").run()  # staff act there
    at.slider(key="whatif_staff_township").set_value(2.0)
    at.number_input(key="whatif_reps").set_value(2)
    at.button(key="whatif_run").click().run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "On-time inspection rate" in labels
    assert not app_codes(at), app_codes(at)
    # Compare names the cost it can give for an inspection sweep: the fleet's fixed part
    cmp = _page("compare", "en")
    assert any(m.label.startswith("Vehicle fixed cost per year") for m in cmp.metric)


def test_optimize_places_vehicles_and_verifies() -> None:
    at = _page("optimize_page")
    at.selectbox(key="opt_model_zh").set_value("pmedian")
    at.number_input(key="opt_vehicles").set_value(2)
    at.number_input(key="opt_verify").set_value(2)
    at.button(key="opt_run").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["状态"] == "最优（已证明）"  # the solver's word in the page's language
    assert metrics["规划车辆年度费用（元，固定+预计按次）"] == "400,000"  # 2 × 200,000 yuan
    # what the plan adds to is said: today's rented vehicles stay (the toy's 6)
    assert any("其他 6 辆车" in c.value for c in at.caption)
    assert at.dataframe[-1].value.shape[0] == 5  # the verification table
    assert not app_codes(at), app_codes(at)


def test_optimize_impossible_standard_is_a_message() -> None:
    at = _page("optimize_page", "en")
    at.selectbox(key="opt_model_en").set_value("lscp")
    at.number_input(key="opt_standard").set_value(1.0)
    at.button(key="opt_run").click().run()
    assert not at.exception
    assert any("cannot be met" in e.value for e in at.error)


def test_scenario_page_shows_edits_and_discards_them() -> None:
    at = AppTest.from_string(
        PAGE.format(page="scenario_page", lang="en", scenario="toy").replace(
            '"overrides", {}', '"overrides", {"staff.900001.township": 11}'
        ),
        default_timeout=60,
    )
    at.run()
    assert not at.exception
    assert len(at.tabs) == 6
    assert "1 edits" in at.caption[0].value
    at.button(key="reset_edits").click().run()
    assert "0 edits" in at.caption[0].value
    assert at.button(key="reset_edits").disabled  # nothing to discard


def test_a_rejected_value_flag_does_not_linger() -> None:
    """'Discard all edits' is enabled while a table holds a rejected value (the flag the
    table's check sets, drawn after the tables); once no table holds one, it is off again.
    (AppTest cannot type into a data editor.)"""
    script = PAGE.format(page="scenario_page", lang="en", scenario="toy").replace(
        'importlib.import_module("anjian.ui.scenario_page").render()',
        'st.session_state["edit_rejected"] = True\n'
        'importlib.import_module("anjian.ui.scenario_page").render()',
    )
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception
    # the page's own check clears the flag unless a table still holds a rejected value
    assert at.button(key="reset_edits").disabled


def test_cell_edits_become_override_paths() -> None:
    import pandas as pd

    from anjian.ui.scenario_page import _apply

    before = pd.DataFrame({"township": [5, 6]}, index=["900001", "900002"])
    after = before.copy()
    after.loc["900002", "township"] = 9
    edits: dict[str, object] = {"staff.900001.township": 7}
    _apply(edits, "staff", before, after)
    assert edits == {"staff.900002.township": 9}  # 900001 back to its base value
    _apply(
        edits,
        "fleet",
        before.rename(columns={"township": "rented_rescue"}),
        after.rename(columns={"township": "rented_rescue"}),
    )
    assert edits["depots.900002.vehicles.rented_rescue"] == 9
    # a cleared cell goes back to the scenario's value (it used to fail with "got nan")
    cleared = after.astype(float)
    cleared.loc["900002", "township"] = float("nan")
    edits = {"staff.900002.township": 9}
    _apply(edits, "staff", before, cleared)
    assert edits == {}


def test_compare_and_runs_after_a_whatif() -> None:
    at = _page("whatif")
    at.number_input(key="whatif_reps").set_value(2)
    assert at.checkbox(key="whatif_contract").disabled  # the toy has no contracted kind
    at.slider(key="whatif_relief").set_value(0.5)
    at.button(key="whatif_run").click().run()
    cmp = _page("compare")
    assert cmp.selectbox(key="compare_a").value == "baseline"
    assert cmp.selectbox(key="compare_b").value == "whatif"
    assert any("固定+按次" in m.label for m in cmp.metric)  # simulated: fixed + per use
    table = cmp.dataframe[1].value  # B − A by KPI, city-wide (after the side-by-side table)
    assert "达标率" in set(table["kpi"])
    assert not app_codes(cmp), app_codes(cmp)
    runs = _page("runs", "en")
    assert runs.dataframe[0].value.shape[0] == 1  # the sweeps
    assert not app_codes(runs), app_codes(runs)
    from anjian.ui.common import run_store

    # the Excel file is built on demand, not on every visit
    assert not [b for b in runs.get("download_button") if b.key == "runs_xlsx"]
    runs.button(key="runs_build_xlsx").click().run()
    assert not runs.exception
    assert [b for b in runs.get("download_button") if b.key == "runs_xlsx"]
    # so is the HTML report (seconds for a big sweep, on every visit before)
    assert not [b for b in runs.get("download_button") if b.key == "runs_html"]
    runs.button(key="runs_build_html").click().run()
    assert not runs.exception
    assert [b for b in runs.get("download_button") if b.key == "runs_html"]
    # deleting asks first: the button is disabled until the box is ticked, then says so
    assert runs.button(key="runs_delete").disabled  # a browser user cannot click it
    sid = runs.selectbox(key="runs_sweep").value
    runs.checkbox(key=f"runs_sure_{sid}").check().run()
    runs.button(key="runs_delete").click().run()
    assert not runs.exception
    assert run_store().sweeps().empty
    assert any(f"Deleted sweep {sid}" in m.value for m in runs.success)


def test_compare_puts_today_first_then_the_run_order() -> None:
    """A = today (baseline), B = the change, whatever the names' alphabetical order."""
    from anjian.ui.compare import case_order

    assert case_order(["plan", "plan", "baseline", "baseline"]) == ["baseline", "plan"]
    assert case_order(["z_first", "a_second"]) == ["z_first", "a_second"]
    assert case_order(["whatif", "today", "another"]) == ["today", "whatif", "another"]


def test_upload_problems_do_not_show_the_servers_folder(tmp_path: Path) -> None:
    from anjian.ui.scenario_page import _inside

    dest = tmp_path / "anjian-upload-x"
    msg = f"{dest}/b/sites.csv line 3: bad; {dest.resolve()}/scenario.toml [tables]"
    assert _inside(msg, dest) == "b/sites.csv line 3: bad; scenario.toml [tables]"


def test_bundle_download_loads_and_upload_is_checked(tmp_path: Path) -> None:
    s = load_scenario("toy")
    data = derived_bundle("toy", s, {"staff.900001.township": 11})
    folder = extract_bundle(data, tmp_path / "up")
    again = load_scenario(folder)
    assert again.staff["900001"]["township"] == 11
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../evil.toml", "x = 1")
    with pytest.raises(ScenarioError, match="inside the bundle"):
        extract_bundle(buf.getvalue(), tmp_path / "evil")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("model.pkl", b"\x80")
    with pytest.raises(ScenarioError, match="only"):
        extract_bundle(buf.getvalue(), tmp_path / "pkl")
    with pytest.raises(ScenarioError, match="not a zip"):
        extract_bundle(b"hello", tmp_path / "nozip")


def test_saved_plans_are_compared_side_by_side() -> None:
    """Two optimizer plans saved from the Optimize page land in one store sweep with today's
    fleet; the Compare page then offers all three cases, paired by replication."""
    at = _page("optimize_page")
    at.selectbox(key="opt_model_zh").set_value("pmedian")
    at.number_input(key="opt_vehicles").set_value(2)
    at.number_input(key="opt_verify").set_value(2)
    at.button(key="opt_run").click().run()
    at.button(key="opt_save").click().run()
    assert not at.exception
    assert at.success
    at.selectbox(key="opt_model_zh").set_value("mclp")
    at.button(key="opt_run").click().run()
    at.button(key="opt_save").click().run()
    from anjian.ui.common import run_store

    store = run_store()
    sweeps = store.sweeps()
    assert len(sweeps) == 1
    sid = sweeps["sweep_id"].iloc[0]
    assert sorted(store.runs(sid)["case_name"].unique()) == ["mclp-2", "pmedian-2", "today"]
    cmp = _page("compare")
    # today is named in the page's language, the saved plans as they were saved
    assert sorted(cmp.selectbox(key="compare_a").options) == ["mclp-2", "pmedian-2", "现状"]
    assert cmp.selectbox(key="compare_a").value == "today"
    diff = store.compare(sid, "today", "pmedian-2")
    assert (diff.loc[diff["level"] == "city", "reps"] == 2).all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_optimize_plans_the_inspection_cadence(lang: str) -> None:
    at = _page("optimize_page", lang)
    at.radio(key=f"opt_target_{lang}").set_value("frequencies").run()
    at.number_input(key="freq_reps").set_value(1)
    at.number_input(key="freq_verify").set_value(2)
    at.button(key="freq_run").click().run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    want = (
        "预期死亡人数（按隐患暴露）" if lang == "zh" else "Expected deaths (from hazard exposure)"
    )
    assert any(want in x for x in labels), labels
    table = at.dataframe[0].value  # the cadence table comes first
    assert len(table) == 4  # the toy's factory and geohazard points, two tiers each
    days = "天" if lang == "zh" else "days"
    assert all(days in str(x) for x in table.iloc[:, 4])
    ver = at.dataframe[-1].value  # the verification last
    assert len(at.dataframe) == 4  # cadence, targeting, margin by district, verification
    assert ver.shape[1] == 5  # today, plan, the two uniform rules, plan − the city-total rule
    last = "方案−全市统一比例" if lang == "zh" else "Plan − uniform (city total)"
    assert list(ver.columns)[-1] == last
    assert not app_codes(at), app_codes(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_optimize_plans_inspector_headcounts(lang: str) -> None:
    at = _page("optimize_page", lang)
    at.radio(key=f"opt_target_{lang}").set_value("staff").run()
    at.number_input(key="staff_reps").set_value(1)
    at.number_input(key="staff_verify").set_value(2)
    at.button(key="staff_run").click().run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    cost = (
        "人员与购买服务年度费用（元）"
        if lang == "zh"
        else "Staff and bought inspections a year (yuan)"
    )
    assert cost in labels
    ver = at.dataframe[-2].value  # against today, then the plan against each rule
    assert ver.shape[1] == 5  # today, the plan and the three rules
    head = "按人口−现状" if lang == "zh" else "By population − today"
    assert head in list(ver.columns)
    versus = at.dataframe[-1].value
    want = (["方案−按场所数", "方案−按人口", "方案−按风险"] if lang == "zh"
            else ["Plan − by premises", "Plan − by population", "Plan − by risk"])  # fmt: skip
    assert list(versus.columns) == want and list(versus.index) == list(ver.index)
    rounds = "迭代" if lang == "zh" else "rounds ("
    assert any(rounds in c.value and "±" in c.value for c in at.caption)
    assert not app_codes(at), app_codes(at)


def test_paired_cells_have_no_negative_zero_or_empty_interval() -> None:
    from anjian.kpis import kpi
    from anjian.ui.common import paired_cell

    share = kpi("on_time_rate", "inspection")
    assert paired_cell(share, -0.00004, 0.002).startswith("+0.0%")
    assert paired_cell(share, 0.0072, 0.0092) == "+0.7% ± 0.9%"
    deaths = kpi("expected_deaths_per_year", "inspection")
    assert paired_cell(deaths, -28.28, 0.0432) == "-28.3 ± 0.043"
    assert paired_cell(deaths, 3.0, 0.0) == "+3.0"  # every replication agreed: no ±


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_optimize_plans_relief_stocks(lang: str) -> None:
    at = _page("optimize_page", lang)
    at.radio(key=f"opt_target_{lang}").set_value("stocks").run()
    at.number_input(key="stock_episodes").set_value(10)
    at.number_input(key="stock_verify").set_value(2)
    at.button(key="stock_run").click().run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert ("储备年度费用（元/年）" if lang == "zh" else "Stock cost (yuan a year)") in labels
    # the toy lists no townships: no standard, said so
    assert any(("没有乡镇表" if lang == "zh" else "lists no townships") in i.value
               for i in at.info)  # fmt: skip
    frames = [d.value for d in at.dataframe]
    want = (
        {"优化方案", "现状库存", "按人口定额"}
        if lang == "zh"
        else {"The plan", "Today's stocks", "Per-capita rule"}
    )
    at_ = [i for i, f in enumerate(frames) if want <= set(f.iloc[:, 0].astype(str))]
    assert len(at_) == 1  # the fresh-episode pricing, one row a case
    assert all("±" in c for c in frames[at_[0]].iloc[:, 2])
    sim = frames[at_[0] + 1]  # the simulated comparison follows
    assert sim.shape[1] == 4  # today, then rule, plan, standard (paired with today)
    assert all("±" in c or c[0] in "+-0" for c in sim.iloc[:, 1])
    assert not app_codes(at), app_codes(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_budget_page_prices_today_and_finds_a_better_allocation(lang: str) -> None:
    at = _page("budget_page", lang)
    labels = {m.label: m.value for m in at.metric}
    fixed = "现状固定成本（元/年）" if lang == "zh" else "Today's fixed cost (yuan a year)"
    assert labels[fixed].startswith("4,158,000")  # the toy's hand-computed fixed costs
    sheet = at.dataframe[0].value
    assert ("人员薪酬" if lang == "zh" else "Salaries") in set(sheet.iloc[:, 1])
    assert not any(v == "salaries" for v in sheet.iloc[:, 1])  # labels, not codes
    at.number_input(key="budget_years").set_value(0.25)
    at.number_input(key="budget_reps").set_value(2)
    at.number_input(key="budget_rounds").set_value(1)
    at.number_input(key="budget_alpha").set_value(0.1)  # KN's settings go with the run
    if lang == "en":  # the steps placed by the optimizers
        at.radio(key="budget_place_en").set_value("optimizers")
    at.button(key="budget_run").click().run()
    assert at.session_state["budget_result"][0][6:9] == [0.1, 0.0, 10]  # α, δ (default), max
    place = "optimizers" if lang == "en" else "rules"
    assert at.session_state["budget_result"][0][9] == place
    assert at.session_state["budget_result"][1].settings["placement"] == place
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe]  # sheet, costs, harm, KPIs, moves, margins
    costs, harm, kpis = frames[1], frames[2], frames[3]
    assert len(costs) == 5  # three resources, total, budget
    assert all("±" in c for c in harm.iloc[:, 3])
    assert ("平均响应时间（分钟）" if lang == "zh" else "Mean response (min)") in set(
        kpis.iloc[:, 0]
    )
    assert at.get("download_button")  # the HTML report
    assert not app_codes(at), app_codes(at)
    if lang == "zh":  # the frontier from the run's plan, one step each way
        at.number_input(key="budget_up").set_value(1)
        at.number_input(key="budget_down").set_value(1)
        at.button(key="budget_frontier_run").click().run()
        assert not at.exception, at.exception
        table = at.dataframe[-1].value  # the frontier table comes last
        assert {"现状", "方案"} <= set(table.iloc[:, 0])
        assert 3 <= len(table) <= 4 and all("±" in c for c in table.iloc[:, 3])
        assert set(table.iloc[:, 5]) <= {"是", "否"} and "是" in set(table.iloc[:, 5])
        assert at.get("plotly_chart")
        # the planner's own edit: one step more of inspectors from the plan
        at.number_input(key="budget_edit_inspectors").set_value(1)
        at.button(key="budget_edit_run").click().run()
        assert not at.exception, at.exception
        edit = at.dataframe[-1].value  # harm: part, today, plan, edit, vs today, vs plan
        assert edit.shape[1] == 6 and all("±" in c for c in edit.iloc[:, 5])
        assert "综合伤害（预期死亡/年）" in set(edit.iloc[:, 0])
        # one more vehicle per district, at the plan
        at.button(key="budget_districts_run").click().run()
        assert not at.exception, at.exception
        dm = at.dataframe[-1].value
        assert len(dm) == 3 and "城中区 Chengzhong" in set(dm.iloc[:, 0])
        assert all("辆" in c for c in dm.iloc[:, 1])
        assert all("±" in c for c in dm.iloc[:, 3]) and all(c.endswith("元") for c in dm.iloc[:, 2])
        # more stock per district instead: the districts that hold stock of their own
        at.radio(key="budget_districts_resource_zh").set_value("stocks")
        at.button(key="budget_districts_run").click().run()
        assert not at.exception, at.exception
        dm = at.dataframe[-1].value
        assert len(dm) >= 1 and all("库存" in c for c in dm.iloc[:, 1])
        assert not app_codes(at), app_codes(at)


def test_a_radio_keeps_its_choice_when_the_language_changes() -> None:
    at = _page("budget_page", "en")
    at.radio(key="budget_place_en").set_value("optimizers").run()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="budget_place_zh").value == "optimizers"
    assert "由各资源优化模型布置" in at.radio(key="budget_place_zh").options[1]


@pytest.mark.parametrize("page", ["runs", "compare"])
def test_a_damaged_run_store_is_an_error_message_not_a_traceback(page: str, tmp_path: Path) -> None:
    import os

    store = Path(os.environ["ANJIAN_STORE"])
    store.mkdir(parents=True, exist_ok=True)
    (store / "runs.sqlite").write_bytes(b"not a database" * 64)
    at = _page(page, "en")
    assert not at.exception, at.exception
    assert any("anjian runs repair" in e.value for e in at.error)


def test_change_maps_are_centred_on_zero() -> None:
    """A map of changes has no change in the middle of its colour scale (± the largest), so a
    small gain is not drawn as a deep colour; a map of levels keeps its own range."""
    import json as json_

    script = """
import streamlit as st
import pandas as pd
import anjian
st.session_state.setdefault("lang", "en")
st.session_state.setdefault("scenario", "toy")
st.session_state.setdefault("uploaded_ref", None)
st.session_state.setdefault("overrides", {})
from anjian.ui.common import district_map
s = anjian.load_scenario("toy")
df = pd.DataFrame({"adcode": ["900001", "900002", "900003"], "value": [-1.0, 0.5, 3.0]})
st.plotly_chart(district_map(s, df, "value", "change", scale="RdYlGn", centre_zero=True),
                key="centred")
st.plotly_chart(district_map(s, df, "value", "level"), key="plain")
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    centred = json_.loads(charts[0].proto.spec)["layout"]["coloraxis"]
    assert (centred["cmin"], centred["cmax"]) == (-3.0, 3.0)
    assert "cmin" not in json_.loads(charts[1].proto.spec)["layout"]["coloraxis"]


def test_staff_sliders_say_they_act_in_the_inspection_model_only() -> None:
    """On the response model the staff sliders are disabled and say why; on the inspection
    model they act."""
    at = _page("whatif", "en")
    sliders = [s for s in at.slider if s.key and s.key.startswith("whatif_staff_")]
    assert sliders and all(s.disabled for s in sliders)
    assert any("inspection model only" in c.value for c in at.caption)
    at.radio(key="whatif_model_en").set_value("inspections").run()
    sliders = [s for s in at.slider if s.key and s.key.startswith("whatif_staff_")]
    assert not any(s.disabled for s in sliders)


def test_table_headers_are_labels_not_codes() -> None:
    """Scenario, Runs and Compare tables show names in the page's language, not raw codes
    (district_certified, half_width, sweep_id …); unknown columns keep their header."""
    from anjian.ui.common import column_config

    toy = load_scenario("toy")
    cols = ["district_certified", "rented_rescue", "tent", "sweep_id", "half_width", "3", "xyz"]
    en = {k: v["label"] for k, v in column_config(cols, "en", toy).items()}
    assert en == {
        "district_certified": "Certified district inspector",
        "rented_rescue": "Rented vehicle (ad hoc)",
        "tent": "Tent",
        "sweep_id": "Sweep id",
        "half_width": "95% CI half-width",
        "3": "Mar",
    }
    import pandas as pd

    frame = pd.DataFrame({"mean": [1460666.6667], "case": ["plan"]})
    cfg = column_config(frame, "en")
    assert cfg["mean"]["label"] == "Mean" and cfg["mean"]["type_config"]["format"] == "localized"
    zh = {k: v["label"] for k, v in column_config(cols, "zh", toy).items()}
    assert zh["district_certified"].startswith("区县执法人员") and zh["3"] == "3月"
    assert zh["half_width"] == "95%置信区间半宽"
    at = _page("scenario_page", "zh")
    assert not at.exception


def test_the_sweep_html_export_is_bilingual_formatted_and_has_the_differences() -> None:
    """Runs' HTML export: settings, both languages, numbers with separators (no 1.461e+06),
    each case against the first."""
    import anjian
    from anjian.ui.common import run_store
    from anjian.ui.runs import _number, html_report

    toy = anjian.load_scenario("toy")
    runs = anjian.replicate_response(toy, anjian.ResponseConfig(years=0.2, seed=1), 2)
    big = toy.with_({"vehicle_kinds.dedicated_rescue.cost_yuan_per_year": 1_460_666.6667})
    sid = run_store().save_cases("export", {"today": (toy, runs.kpis), "plan": (big, runs.kpis)},
                                 seed=1)  # fmt: skip
    page = html_report(sid)
    wanted = ("设置 Settings", "全市指标", "City KPIs", "平均响应时间", "Mean response",
              "plan − today", "配对差 paired", "95%置信区间半宽<br>95% CI half-width")  # fmt: skip
    for text in wanted:
        assert text in page, text
    assert "e+0" not in page
    assert _number(1_460_666.6667) == "1,460,667" and _number(0.1891) == "0.1891"


def test_fleet_and_stock_tables_name_their_depots_and_warehouses() -> None:
    at = _page("scenario_page", "en")
    frames = [df.value for df in at.dataframe]
    names = {n for f in frames if "name" in f.columns for n in f["name"]}
    assert "Core rescue station" in names and "City relief warehouse" in names
    assert "Rented vehicle (ad hoc)" in names  # the vehicle kinds table
    assert "Work-safety accident" in names  # the seasonality table


def test_choices_survive_a_language_switch() -> None:
    """The model and resolution chosen on Optimize stay chosen, and are shown in the new
    language, after a switch to English (one widget per language, the choice kept)."""
    at = _page("optimize_page", "zh")
    at.selectbox(key="opt_model_zh").set_value("pmedian").run()
    at.radio(key="opt_resolution_zh").set_value("grid").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    model = at.selectbox(key="opt_model_en")
    assert model.value == "pmedian"
    assert at.radio(key="opt_resolution_en").value == "grid"
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in o) for o in model.options)


def test_whole_number_cells_take_a_typed_decimal_point() -> None:
    """An integer column's editor drops a typed '.', so "2.5" became 25 silently; the staff
    table is edited as numbers and 2.5 reaches the scenario check, which refuses it (seen in
    Chromium: "Input should be a valid integer, got a number with a fractional part")."""
    at = _page("scenario_page", "zh")
    staff = at.dataframe[0].value
    numbers = staff.drop(columns="name")
    assert all(pd.api.types.is_float_dtype(numbers[c]) for c in numbers.columns)
    assert (numbers == numbers.round()).all().all()  # whole numbers, shown as such


def test_a_fraction_of_an_inspector_is_refused_in_chinese() -> None:
    from anjian.ui.scenario_page import _apply

    base = load_scenario("toy")
    before = pd.DataFrame(base.staff).T
    after = before.astype(float)
    after.iloc[0, 0] = 2.5
    edits: dict[str, object] = {}
    _apply(edits, "staff", before, after)
    assert list(edits.values()) == [2.5]  # not 25, not 2
    with pytest.raises(ScenarioError) as info:
        from anjian import with_overrides

        with_overrides(base, edits)
    from anjian.ui.text import problem_text

    text, whole = problem_text(info.value.problems[0], "zh")
    assert "应为整数（不能带小数）" in text and whole


def test_the_overview_map_draws_a_higher_is_better_kpi_with_its_best_light() -> None:
    """The within-standard map made dark red mean best: a KPI where higher is better is drawn
    on the reversed scale (its worst value darkest), one where lower is better on the plain."""
    import json as json_

    from anjian.ui.overview import MAP_COLUMNS

    at = _page("overview", "en")
    key = "overview_map_column_en"
    scales = {}
    for column in ("within_standard_share", "response_mean_min"):
        assert column in MAP_COLUMNS
        at.selectbox(key=key).set_value(column).run()
        assert not at.exception, at.exception
        spec = json_.loads(at.get("plotly_chart")[0].proto.spec)
        scales[column] = spec["layout"]["coloraxis"]["colorscale"]
    # YlOrRd runs light → dark red; reversed, position 0 (the lowest share) is the dark one
    assert scales["within_standard_share"][0][1] == scales["response_mean_min"][-1][1]
    assert scales["within_standard_share"][-1][1] == scales["response_mean_min"][0][1]


def test_the_upload_limit_is_one_figure_everywhere() -> None:
    """The widget said 50 MB while the code refused above 20 MiB: Streamlit's maxUploadSize
    (MB of 2**20 bytes) is the bundle reader's limit."""
    import tomllib

    from anjian.scenarios.bundle import MAX_UPLOAD_BYTES

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_UPLOAD_BYTES

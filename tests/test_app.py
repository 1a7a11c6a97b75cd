"""The Streamlit app through AppTest: renders, switches language, changes the map figure."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_renders_in_chinese_with_totals() -> None:
    at = _run()
    assert at.title[0].value == "安监：安全生产监管与应急资源规划"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["常住人口"] == "3,205.4万"
    assert metrics["监管人员"] == "30,000"
    assert metrics["区县"] == "38"


def test_language_switch_changes_labels() -> None:
    at = _run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "anjian: work-safety and emergency planning"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Population"] == "32.05 M"
    assert metrics["Inspection staff"] == "30,000"


def test_scenario_switch_shows_the_toy() -> None:
    at = _run()
    at.selectbox(key="scenario_zh").set_value("toy").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["常住人口"] == "50.0万"
    assert metrics["区县"] == "3"


def test_map_column_choice_survives_language_switch() -> None:
    at = _run()
    at.selectbox(key="overview_map_column_zh").set_value("sites_per_staff").run()
    assert not at.exception
    assert at.selectbox(key="overview_map_column_zh").value == "sites_per_staff"
    at.radio(key="lang").set_value("en").run()
    box = at.selectbox(key="overview_map_column_en")
    assert box.value == "sites_per_staff"
    assert box.options[0] == "Population"


def test_district_table_is_bilingual() -> None:
    at = _run()
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["区划代码", "名称", "拼音", "区域"]
    assert "渝东北三峡库区城镇群" in set(table["区域"])
    at.radio(key="lang").set_value("en").run()
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["Adcode", "Name (Chinese)", "Pinyin", "Region group"]
    assert table.shape == (38, 12)


def test_overview_headline_kpis_with_ci_and_kpi_map() -> None:
    at = _run()
    metrics = {m.label: m for m in at.metric}
    share = metrics["达标率"]
    assert share.value.endswith("%")
    assert 0.0 < float(share.value.rstrip("%")) < 100.0
    assert "95%置信区间" in share.help
    at.selectbox(key="overview_map_column_zh").set_value("within_standard_share").run()
    assert not at.exception


def test_the_sidebar_says_an_uploaded_scenario_is_in_use(tmp_path: Path) -> None:
    """With an uploaded bundle in use, the built-in choice is greyed and the sidebar names
    the upload (it showed the built-in while the pages used the upload)."""
    import shutil

    from anjian.scenarios import builtin

    folder = tmp_path / "mine"
    shutil.copytree(builtin.folder("toy"), folder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["uploaded_ref"] = str(folder)
    at.session_state["uploaded_name"] = "mine.zip"
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="scenario_zh").disabled
    assert any("正在使用上传的情景：mine.zip" in c.value for c in at.sidebar.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["区县"] == "3"  # the pages use the upload (the toy's three districts)
    # the built-in titles name the choices, not their file names
    assert at.selectbox(key="scenario_zh").format_func("chongqing").startswith("重庆市")


def test_the_scenario_choice_survives_a_language_switch() -> None:
    """The toy chosen, then English: the pages still use the toy, and the box shows its
    English title (it fell back to Chongqing, and the next run used Chongqing)."""
    at = _run()
    at.selectbox(key="scenario_zh").set_value("toy").run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="scenario_en").value == "toy"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Districts"] == "3"
    at.radio(key="lang").set_value("zh").run()
    assert at.selectbox(key="scenario_zh").value == "toy"
    assert {m.label: m.value for m in at.metric}["区县"] == "3"

"""Bilingual labels for the app: one table, looked up by key and language."""

from __future__ import annotations

LANGUAGES = {"zh": "中文", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "app_title": {
        "zh": "安监：安全生产监管与应急资源规划",
        "en": "anjian: work-safety and emergency planning",
    },
    "language": {"zh": "语言", "en": "Language"},
    "scenario": {"zh": "情景", "en": "Scenario"},
    "overview": {"zh": "概览", "en": "Overview"},
    "map_of": {"zh": "地图指标", "en": "Map of"},
    "districts": {"zh": "区县", "en": "Districts"},
    "population": {"zh": "常住人口", "en": "Population"},
    "area_km2": {"zh": "面积（km²）", "en": "Area (km²)"},
    "townships": {"zh": "乡镇街道", "en": "Townships"},
    "sites": {"zh": "监管对象", "en": "Inspection sites"},
    "staff": {"zh": "监管人员", "en": "Inspection staff"},
    "incidents_per_year": {"zh": "年事件数", "en": "Incidents per year"},
    "vehicles": {"zh": "车辆", "en": "Vehicles"},
    "sites_per_staff": {"zh": "人均监管对象", "en": "Sites per staff member"},
    "adcode": {"zh": "区划代码", "en": "Adcode"},
    "name_zh": {"zh": "名称", "en": "Name (Chinese)"},
    "name_pinyin": {"zh": "拼音", "en": "Pinyin"},
    "region_group": {"zh": "区域", "en": "Region group"},
    "district_table": {"zh": "区县明细", "en": "District details"},
    "invalid": {"zh": "情景无效", "en": "Invalid scenario"},
    "coming": {
        "zh": "仿真与优化功能将在后续版本中提供。",
        "en": "Simulation and optimisation pages arrive with the next releases.",
    },
}


def t(key: str, lang: str) -> str:
    """The label ``key`` in language ``lang`` (``zh`` or ``en``)."""
    return LABELS[key][lang]

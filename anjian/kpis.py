"""The KPI catalogue: every indicator the models report, with its unit, its 中文 and English
label, whether lower is better, its kind and its display format.

One table, read by the CLI's tables, the app's pages, exports and reports, so a KPI is named,
formatted and judged the same everywhere. The simulators produce the values (tidy tables with
columns ``level, key, kpi, value``); this module only describes them. A test checks that every
KPI a model produces has an entry here.

>>> from anjian.kpis import kpi
>>> k = kpi("within_standard_share", "response")
>>> k.label("en"), k.format(0.4567), k.lower_is_better
('Within standard', '45.7%', False)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Model = Literal["inspection", "response"]
Kind = Literal["share", "count", "time", "rate", "money"]
MODELS: tuple[Model, ...] = ("inspection", "response")

UNITS = {
    "": ("", ""),
    "min": ("分钟", "min"),
    "h": ("小时", "h"),
    "days": ("天", "days"),
    "yuan": ("元", "yuan"),
    "per_year": ("/年", "/year"),
    "units": ("件", "units"),
    "fte": ("人（全时当量）", "FTE"),
}


@dataclass(frozen=True)
class Kpi:
    """One indicator of one model.

    Attributes
    ----------
    name
        The ``kpi`` column value in the models' tables.
    model
        ``inspection`` or ``response``.
    unit
        A key of :data:`UNITS` (``""`` for counts and shares).
    label_zh, label_en
        What a user reads.
    lower_is_better
        ``True`` / ``False``, or ``None`` when neither is better (a count of work done, a
        context figure such as the number of incidents).
    kind
        ``share`` (0–1, shown as a percentage), ``count``, ``time``, ``rate`` (per year) or
        ``money``.
    fmt
        Python format spec of the value (``.1%``, ``,.0f`` …).
    headline
        Shown in the CLI's summary and the app's headline tables.
    """

    name: str
    model: Model
    unit: str
    label_zh: str
    label_en: str
    lower_is_better: bool | None
    kind: Kind
    fmt: str
    headline: bool = True

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``zh`` or ``en``), with the unit."""
        text = self.label_zh if lang == "zh" else self.label_en
        unit = UNITS[self.unit][0 if lang == "zh" else 1]
        if not unit:
            return text
        return f"{text}（{unit}）" if lang == "zh" else f"{text} ({unit})"

    def bilingual(self) -> str:
        """``中文 / English`` label with the unit (CLI tables, exports)."""
        return f"{self.label('zh')} / {self.label('en')}"

    def format(self, value: float, *, signed: bool = False) -> str:
        """``value`` in the KPI's display format; ``–`` for a missing value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        spec = ("+" if signed else "") + self.fmt
        return format(value, spec)

    def paired(self, difference: float, half_width: float) -> str:
        """A paired difference ± its 95% CI half-width: no "-0", a half-width below the format's
        precision in two significant digits (not "± 0.0"), no ± when every replication agreed."""
        text = self.format(difference, signed=True)
        if text.startswith("-") and not any(ch in "123456789" for ch in text):
            text = "+" + text[1:]
        if half_width == 0 or half_width != half_width:
            return text
        width = self.format(half_width)
        if not any(ch in "123456789" for ch in width):
            width = f"{100 * half_width:.2g}%" if self.kind == "share" else f"{half_width:.2g}"
        return f"{text} ± {width}"

    def better(self, difference: float) -> bool | None:
        """Whether a change of ``difference`` is an improvement (``None``: neither)."""
        if self.lower_is_better is None or difference == 0:
            return None
        return (difference < 0) == self.lower_is_better


def _k(
    name: str,
    model: Model,
    unit: str,
    zh: str,
    en: str,
    lower: bool | None,
    kind: Kind,
    fmt: str,
    headline: bool = True,
) -> Kpi:
    return Kpi(name, model, unit, zh, en, lower, kind, fmt, headline)


INSP: Model = "inspection"
R: Model = "response"

CATALOGUE: tuple[Kpi, ...] = (
    # -- inspection: work ------------------------------------------------------------------
    _k("inspections_done", INSP, "", "完成检查次数", "Inspections done", None, "count", ",.0f"),
    _k("routine_done", INSP, "", "完成例行检查", "Routine inspections done", None, "count", ",.0f",
       False),
    _k("routine_required", INSP, "", "应做例行检查", "Routine inspections due", None, "count",
       ",.0f"),
    _k("done_vs_required", INSP, "", "完成率（完成/应做）", "Done vs due", False, "share", ".1%"),
    _k("on_time_rate", INSP, "", "按期检查率", "On-time inspection rate", False, "share", ".1%"),
    _k("overdue_days_per_routine", INSP, "days", "例行检查平均逾期",
       "Overdue per routine inspection", True, "time", ",.2f"),
    _k("complaint_inspections", INSP, "", "投诉核查次数", "Complaint inspections", None, "count",
       ",.0f", False),
    _k("reinspections", INSP, "", "复查次数", "Re-inspections", None, "count", ",.0f", False),
    _k("reinspection_closure_rate", INSP, "", "复查整改闭环率", "Re-inspection closure rate", False,
       "share", ".1%"),
    _k("backlog_end", INSP, "", "期末待检任务", "Backlog at the end", True, "count", ",.0f"),
    _k("overdue_backlog_end", INSP, "", "期末逾期待检任务", "Overdue backlog at the end", True,
       "count", ",.0f", False),
    _k("complaint_wait_h", INSP, "h", "投诉等待时间", "Complaint wait", True, "time", ",.2f"),
    _k("reinspection_wait_h", INSP, "h", "复查等待时间", "Re-inspection wait", True, "time", ",.2f",
       False),
    _k("routine_wait_h", INSP, "h", "例行检查等待时间", "Routine wait", True, "time", ",.2f",
       False),
    _k("complaints_without_site", INSP, "", "无对应监管对象的投诉", "Complaints with no site", None,
       "count", ",.0f", False),
    # -- inspection: staff -----------------------------------------------------------------
    _k("complaint_hit_rate", INSP, "", "投诉核查发现隐患率",
       "Complaint inspections finding hazards", False, "share", ".1%"),
    _k("campaign_inspections", INSP, "", "专项整治检查", "Campaign inspections", None, "count",
       ",.0f"),
    _k("investigations", INSP, "", "事故调查", "Accident investigations", None, "count", ",.0f"),
    _k("utilisation", INSP, "", "监管人员利用率", "Inspector utilisation", None, "share", ".1%"),
    _k("travel_share", INSP, "", "路途时间占比", "Travel share of work", True, "share", ".1%"),
    _k("posts", INSP, "", "岗位数", "Posts", None, "count", ",.0f", False),
    _k("fte", INSP, "fte", "检查工时（全时当量）", "Inspection FTE", None, "count", ",.1f", False),
    _k("required_fte", INSP, "fte", "达标所需全时当量", "FTE the standard needs", None, "count",
       ",.1f", False),
    _k("available_h_per_year", INSP, "h", "可用工时（/年）", "Hours available a year", None,
       "count", ",.0f", False),
    _k("busy_h_per_year", INSP, "h", "工作工时（/年）", "Hours worked a year", None, "count",
       ",.0f", False),
    _k("vacancies_mean", INSP, "", "平均空缺岗位", "Vacant posts (mean)", True, "count", ",.1f"),
    _k("penalties", INSP, "", "行政处罚", "Penalties", None, "count", ",.0f"),
    _k("inspections_by_staff", INSP, "", "人员完成检查次数", "Inspections by staff", None, "count",
       ",.0f", False),
    _k("staff_cost_yuan_per_year", INSP, "yuan", "监管人员年薪酬", "Staff salaries a year", True,
       "money", ",.0f", False),
    _k("equipment_cost_yuan_per_year", INSP, "yuan", "检测装备年费用", "Equipment a year", True,
       "money", ",.0f", False),
    _k("inspection_fees_yuan_per_year", INSP, "yuan", "第三方检查年费用",
       "Contracted inspection fees a year", True, "money", ",.0f", False),
    _k("inspection_cost_yuan_per_year", INSP, "yuan", "监管系统年成本",
       "Inspection system cost a year", True, "money", ",.0f"),
    # -- inspection: hazards and harm -------------------------------------------------------
    _k("hazards_arisen", INSP, "", "新增隐患", "Hazards arisen", None, "count", ",.0f"),
    _k("blacklisted", INSP, "", "列入黑名单", "Sites listed as repeat offenders", None, "count",
       ",.0f"),
    _k("hazards_self_fixed", INSP, "", "企业自行整改隐患", "Hazards fixed by firms themselves",
       None, "count", ",.0f"),
    _k("hazards_deterred", INSP, "", "处罚震慑避免隐患", "Hazards deterred by penalties", False,
       "count", ",.0f"),
    _k("hazards_detected", INSP, "", "发现隐患", "Hazards detected", False, "count", ",.0f"),
    _k("hazards_rectified", INSP, "", "整改隐患", "Hazards rectified", False, "count", ",.0f"),
    _k("latent_hazard_days", INSP, "days", "未发现隐患累计", "Latent hazard-days", True, "count",
       ",.0f"),
    _k("open_hazard_days", INSP, "days", "未整改隐患累计", "Open hazard-days", True, "count",
       ",.0f", False),
    _k("orders", INSP, "", "责令整改", "Rectification orders", None, "count", ",.0f"),
    _k("referrals", INSP, "", "移交区县处罚", "Findings referred to the district", None, "count",
       ",.0f"),
    _k("referral_penalties", INSP, "", "移交后处罚", "Penalties after referral", None, "count",
       ",.0f", False),
    _k("referral_cases", INSP, "", "区县办理移交案件", "Referred cases for district staff", None,
       "count", ",.0f"),
    _k("findings_penalised_share", INSP, "", "查处率", "Findings penalised", False, "share",
       ".1%"),
    _k("days_to_penalty", INSP, "days", "发现至处罚", "Finding to penalty", True, "time", ",.1f"),
    _k("accidents_per_year", INSP, "per_year", "生产安全事故", "Accidents", True, "rate", ",.1f"),
    _k("deaths_per_year", INSP, "per_year", "死亡人数", "Deaths", True, "rate", ",.1f"),
    _k("expected_deaths_per_year", INSP, "per_year", "预期死亡人数（按隐患暴露）",
       "Expected deaths (from hazard exposure)", True, "rate", ",.1f"),
    _k("expected_accidents_per_year", INSP, "per_year", "预期事故数（按隐患暴露）",
       "Expected accidents (from hazard exposure)", True, "rate", ",.1f", False),
    _k("larger_accidents_per_year", INSP, "per_year", "较大事故", "Larger accidents (3–9 deaths)",
       True, "rate", ",.2f"),
    # -- response ---------------------------------------------------------------------------
    _k("incidents", R, "", "事件数", "Incidents", None, "count", ",.0f"),
    _k("served_share", R, "", "处置率", "Served share", False, "share", ".1%"),
    _k("response_mean_min", R, "min", "平均响应时间", "Mean response", True, "time", ",.1f"),
    _k("response_median_min", R, "min", "响应时间中位数", "Median response", True, "time", ",.1f"),
    _k("response_p90_min", R, "min", "90%分位响应时间", "90th-percentile response", True, "time",
       ",.1f"),
    _k("within_standard_share", R, "", "达标率", "Within standard", False, "share", ".1%"),
    _k("queue_delay_mean_min", R, "min", "平均排队等待", "Mean queue delay", True, "time", ",.2f"),
    _k("mutual_aid_share", R, "", "跨区支援比例", "Mutual-aid share", None, "share", ".1%"),
    _k("handover_share", R, "", "转租用车辆比例", "Handed to rented vehicles", None, "share",
       ".1%", False),
    _k("relief_standard_coverage", R, "", "救灾物资达标率（最低品类）",
       "Relief stock against the standard (lowest item)", False, "share", ".0%", False),
    _k("relief_standard_met_share", R, "", "物资储备达标区县占比",
       "Districts meeting the relief-stock standard", False, "share", ".0%"),
    _k("utilisation", R, "", "车辆利用率", "Vehicle utilisation", None, "share", ".2%"),
    _k("units", R, "", "车辆数", "Vehicles", None, "count", ",.0f", False),
    _k("uses", R, "", "出车次数", "Vehicle uses", None, "count", ",.0f", False),
    _k("cost_yuan_per_year", R, "yuan", "车辆费用（年）", "Vehicle cost a year", True, "money",
       ",.0f", False),
    _k("vehicle_fixed_cost_yuan_per_year", R, "yuan", "车辆固定费用（年）",
       "Vehicle fixed cost a year", True, "money", ",.0f", False),
    _k("vehicle_use_cost_yuan_per_year", R, "yuan", "车辆按次费用（年）",
       "Vehicle per-use cost a year", True, "money", ",.0f", False),
    _k("vehicle_cost_yuan_per_year", R, "yuan", "车辆总费用（年）", "Vehicle cost a year (total)",
       True, "money", ",.0f"),
    _k("rented_uses", R, "", "租用车辆次数", "Rented-vehicle uses", None, "count", ",.0f"),
    _k("rented_cost_yuan", R, "yuan", "租车费用", "Rental cost", True, "money", ",.0f"),
    _k("delay_deaths_per_year", R, "per_year", "响应延误致死（相对参考时间）",
       "Deaths from response delay (vs the reference time)", True, "rate", ",.1f"),
    _k("delay_deaths", R, "", "响应延误致死（窗口期内）",
       "Deaths from response delay (in the window)", True, "count", ",.1f", False),
    _k("relief_incidents", R, "", "需救灾物资的事件", "Incidents needing relief", None, "count",
       ",.0f", False),
    _k("relief_unserved_incidents", R, "", "未获任何物资的事件", "Incidents given no relief",
       True, "count", ",.0f"),
    _k("relief_demanded_units", R, "units", "物资需求", "Relief demanded", None, "count", ",.0f"),
    _k("relief_fill_rate", R, "", "物资满足率", "Relief fill rate", False, "share", ".1%"),
    _k("relief_unmet_units", R, "units", "物资缺口", "Relief unmet", True, "count", ",.0f"),
    _k("time_to_first_relief_mean_min", R, "min", "首批物资平均到达时间",
       "Mean time to first relief", True, "time", ",.1f"),
    _k("time_to_first_relief_p90_min", R, "min", "首批物资到达时间90%分位",
       "90th-percentile time to first relief", True, "time", ",.1f", False),
    _k("time_to_full_relief_mean_min", R, "min", "物资全部送达平均时间", "Mean time to full relief",
       True, "time", ",.1f"),
    _k("people_without_relief_12h", R, "", "12小时未获救助人数", "People without relief after 12 h",
       True, "count", ",.0f"),
    _k("people_without_relief_24h", R, "", "24小时未获救助人数", "People without relief after 24 h",
       True, "count", ",.0f", False),
    _k("people_without_relief_48h", R, "", "48小时未获救助人数", "People without relief after 48 h",
       True, "count", ",.0f", False),
    _k("stockouts", R, "", "断货（未足额满足的物资请求）",
       "Stock-outs (requests not filled in full)", True, "count", ",.0f"),
    _k("people_affected", R, "", "受灾人数", "People affected", None, "count", ",.0f", False),
    _k("people_evacuated", R, "", "紧急转移人数", "People evacuated", None, "count", ",.0f", False),
    _k("people_at_home", R, "", "留居家中人数", "People staying at home", None, "count", ",.0f",
       False),
    _k("people_with_relatives", R, "", "投亲靠友人数", "Sheltered with relatives or friends",
       None, "count", ",.0f", False),
    _k("people_collective", R, "", "集中安置人数", "In collective shelters", None, "count", ",.0f",
       False),
    _k("items_per_person_at_home", R, "units", "人均物资（居家）", "Items per person (at home)",
       None, "count", ",.2f", False),
    _k("items_per_person_with_relatives", R, "units", "人均物资（投亲靠友）",
       "Items per person (with relatives)", None, "count", ",.2f", False),
    _k("items_per_person_collective", R, "units", "人均物资（集中安置）",
       "Items per person (collective shelter)", None, "count", ",.2f", False),
    _k("unserved_roles", R, "", "无车可派的车辆类型", "Roles with no vehicle", True, "count",
       ",.0f", False),
)  # fmt: skip

_BY_KEY = {(k.model, k.name): k for k in CATALOGUE}
_WITHOUT_RELIEF = re.compile(r"people_without_relief_(\d+(?:\.\d+)?)h")


def _generated(name: str, model: Model | None) -> Kpi | None:
    """KPIs named by a scenario's settings (``people_without_relief_<H>h`` for the hours in
    ``relief_logistics.people_without_relief_hours``)."""
    m = _WITHOUT_RELIEF.fullmatch(name)
    if m is None or model not in (None, "response"):
        return None
    h = m.group(1)
    return _k(name, R, "", f"{h}小时未获救助人数", f"People without relief after {h} h", True,
              "count", ",.0f", False)  # fmt: skip


def model_of(name: str) -> Model:
    """The catalogue's model for a model name as sweeps and stores spell it (``inspections``,
    ``inspection``, ``response``).

    Raises
    ------
    ValueError
        For another name.
    """
    if name in ("inspection", "inspections"):
        return "inspection"
    if name == "response":
        return "response"
    raise ValueError(f"unknown model {name!r}; expected inspections or response")


def kpi(name: str, model: Model | None = None) -> Kpi:
    """The catalogue entry of ``name`` (of ``model`` when the name is in both).

    Raises
    ------
    KeyError
        For a name the catalogue does not know, or an ambiguous name without ``model``.
    """
    if model is not None:
        try:
            return _BY_KEY[(model, name)]
        except KeyError:
            made = _generated(name, model)
            if made is not None:
                return made
            raise KeyError(f"no KPI {name!r} in the {model} model") from None
    found = [k for k in CATALOGUE if k.name == name]
    made = _generated(name, model)
    if not found and made is not None:
        return made
    if len(found) != 1:
        raise KeyError(
            f"KPI {name!r} is " + ("unknown" if not found else "in both models: name the model")
        )
    return found[0]


def known(name: str, model: Model | None = None) -> bool:
    """Whether the catalogue has ``name`` (in ``model``)."""
    return _generated(name, model) is not None or any(
        k.name == name and (model is None or k.model == model) for k in CATALOGUE
    )


def label(name: str, lang: str, model: Model | None = None) -> str:
    """The label of ``name`` in ``lang``; the name itself for a KPI the catalogue lacks."""
    try:
        return kpi(name, model).label(lang)
    except KeyError:
        return name


def of_model(model: Model, *, headline_only: bool = False) -> list[Kpi]:
    """The model's KPIs in catalogue order (the headline ones only, if asked)."""
    return [k for k in CATALOGUE if k.model == model and (k.headline or not headline_only)]


def with_labels(table: pd.DataFrame, model: Model) -> pd.DataFrame:
    """``table`` (with a ``kpi`` column) with the catalogue's ``label_zh``, ``label_en`` and
    ``unit`` beside it, for exports and reports (empty for a KPI the catalogue lacks)."""
    out = table.copy()
    if "kpi" not in out.columns:
        return out
    pos = list(out.columns).index("kpi") + 1
    entries = [_BY_KEY.get((model, str(n))) or _generated(str(n), model) for n in out["kpi"]]
    out.insert(pos, "label_zh", [k.label_zh if k else "" for k in entries])
    out.insert(pos + 1, "label_en", [k.label_en if k else "" for k in entries])
    out.insert(pos + 2, "unit", [k.unit if k else "" for k in entries])
    return out

"""The frontier's files (``anjian frontier``): a table (CSV), the settings, notes and each
point's overrides (JSON), the figure (PNG, matplotlib) and a self-contained HTML page, 中文 and
English. Files are written to temporary names and renamed, so a crash never leaves half."""

from __future__ import annotations

import base64
import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .frontier import Frontier
from .placement import PLACEMENTS
from .run_report import CSS, _cjk_font, _label, _png, _table, write_page
from .scenarios.scenario import Scenario
from .store import code_version

POINT_NAMES = {"today": ("现状", "today"), "plan": ("方案", "plan")}


def point_name(point: str) -> str:
    """A point's label: 现状 today, 方案 plan, or +k / −k steps (步 steps)."""
    if point in POINT_NAMES:
        return " ".join(POINT_NAMES[point])
    return f"{point} 步 steps"


def figure(f: Frontier, title_zh: str, title_en: str) -> str:
    """Harm against yearly cost, each point with its 95% CI, and the frontier (PNG, base64)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    cjk = font is not None
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    df = f.points.sort_values(["total_yuan_per_year", "harm_deaths_per_year"])
    x = df["total_yuan_per_year"].to_numpy() / 1e6
    y = df["harm_deaths_per_year"].to_numpy()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.step(
        x,
        df["frontier_deaths_per_year"].to_numpy(),
        where="post",
        color="#2a6f97",
        lw=1.5,
        label=_label("前沿（不多花钱的最低伤害）", "frontier (least harm for no more money)", cjk),
    )
    for rec, xi, yi in zip(df.to_dict("records"), x, y, strict=True):
        colour = {"today": "#c0392b", "plan": "#27ae60"}.get(str(rec["point"]), "#2a6f97")
        face = colour if rec["non_dominated"] else "white"
        ax.errorbar(xi, yi, yerr=rec["half_width"], fmt="none", ecolor=colour, alpha=0.6)
        ax.plot(xi, yi, "o", color=colour, markerfacecolor=face, ms=7)
        name = str(rec["point"])
        label = _label(*POINT_NAMES[name], cjk) if name in POINT_NAMES else name
        ax.annotate(label, (xi, yi), textcoords="offset points", xytext=(5, 6), fontsize=8)
    ax.axvline(
        f.settings["budget_yuan_per_year"] / 1e6,
        color="#888",
        ls=":",
        label=_label("现行预算", "today's budget", cjk),
    )
    ax.set_xlabel(_label("年度成本（百万元）", "yearly cost (million yuan)", cjk))
    ax.set_ylabel(_label("预期死亡（人/年）", "expected deaths a year", cjk))
    ax.set_title(f"{title_zh} / {title_en}" if cjk else title_en, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return _png(fig)


def write_frontier(f: Frontier, s: Scenario, out: Path) -> Path:
    """frontier.csv, frontier.json, frontier.png and frontier.html in ``out`` (created);
    returns the HTML file's path."""
    out.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = code_version()
    tmp = out / ".frontier.csv.tmp"
    f.points.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(out / "frontier.csv")
    meta: dict[str, Any] = {
        **f.settings,
        "scenario_title_zh": s.meta.title_zh,
        "scenario_title_en": s.meta.title_en,
        "code_version": version,
        "created": created,
        "seconds": f.seconds,
        "notes": f.notes,
        "overrides": f.overrides,
    }
    tmp = out / ".frontier.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(out / "frontier.json")
    png = figure(f, s.meta.title_zh, s.meta.title_en)
    tmp = out / ".frontier.png.tmp"
    tmp.write_bytes(base64.b64decode(png))
    tmp.replace(out / "frontier.png")
    st = f.settings
    table = f.points.assign(
        name=[point_name(str(p)) for p in f.points["point"]],
        # today and the plan are not steps of the walk
        significant=[
            "—" if p in POINT_NAMES else ("是 yes" if sig else "否 no")
            for p, sig in zip(f.points["point"], f.points["significant"], strict=True)
        ],
    )
    plan = "同预算的推荐方案 the plan for today's budget"
    start = plan if st["start"] == "plan" else "现状 today"
    settings = [
        {"k": "起点 / start", "v": start},
        {"k": "预算 / budget", "v": f"{st['budget_yuan_per_year']:,.0f} 元/年 yuan a year"},
        {"k": "步长 / step", "v": f"{st['step_yuan']:,.0f} 元/年 yuan a year"},
        {"k": "步数 / steps", "v": f"+{st['up']} / −{st['down']}"},
        {
            "k": "每步资金的布置 / where a step's money goes",
            "v": " / ".join(PLACEMENTS[st.get("placement", "rules")]),
        },
        {"k": "模拟 / simulation", "v": f"{st['years']:g} 年 years × {st['reps']} 次 replications"},
        {
            "k": "随机种子 / seeds",
            "v": f"search {st['search_seed']}, walk {st['walk_seed']}, "
            f"table {st['comparison_seed']}",
        },
        {"k": "代码版本 / code version", "v": version},
        {"k": "生成时间 / created", "v": created},
        {"k": "用时 / took", "v": f"{f.seconds:,.0f} 秒 s"},
    ]
    stages = {
        "start": "起点（方案搜索）/ start (the plan's search)",
        "walk_down": "减预算 / walk down",
        "walk_up": "增预算 / walk up",
        "fresh_table": "新一组模拟 / fresh table",
    }
    for k, v in st.get("seconds_by_stage", {}).items():
        settings.append({"k": f"　{stages.get(k, k)}", "v": f"{v:,.0f} 秒 s"})
    import pandas as pd

    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>anjian frontier — {html.escape(s.meta.title_zh)} / "
        f"{html.escape(s.meta.title_en)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>预算与伤害的前沿 / Harm against budget: the frontier</h1>",
        f"<p><b>{html.escape(s.meta.title_zh)} / {html.escape(s.meta.title_en)}</b> "
        f"({html.escape(s.meta.name)})</p>",
        "<p class='note'>每一点都在新一组模拟上重新评估（共同随机数）；“前沿”是不多花钱所能达到的"
        "最低伤害，预算增加时不会变差。 / Every point is simulated afresh on new replications "
        "(common random numbers); the frontier is the least harm reachable for no more money, "
        "so more budget never worsens it.</p>",
        "<h2>设置 / Settings</h2>",
        _table(pd.DataFrame(settings), {"k": ("项目 / item", ""), "v": ("值 / value", "")}),
        f"<figure><img alt='frontier' src='data:image/png;base64,{png}'>"
        "<figcaption>预期死亡（95% 置信区间）对年度成本；空心点被其他点支配。 / Expected deaths "
        "(95% CI) against yearly cost; hollow points are dominated by another.</figcaption>"
        "</figure>",
        "<h2>各点 / The points</h2>",
        _table(
            table,
            {
                "name": ("点 point", ""),
                "move": ("这一步 the step", ""),
                "significant": ("步的效果显著 step significant", ""),
                "inspectors_yuan_per_year": ("监察员 inspectors (元 yuan)", ",.0f"),
                "vehicles_yuan_per_year": ("车辆 vehicles (元 yuan)", ",.0f"),
                "stocks_yuan_per_year": ("物资 stocks (元 yuan)", ",.0f"),
                "total_yuan_per_year": ("合计 total (元/年 yuan a year)", ",.0f"),
                "harm_deaths_per_year": ("预期死亡 deaths a year", ",.2f"),
                "half_width": ("± 95% CI", ",.2f"),
                "change_vs_today": ("较现状 vs today", "+,.2f"),
                "change_half_width": ("± 95% CI", ",.2f"),
                "non_dominated": ("非支配 non-dominated", ""),
                "frontier_deaths_per_year": ("前沿 frontier", ",.2f"),
            },
        ),
        "<h2>目标之间 / Between objectives</h2>",
        "<p>各点的运行指标（新一组模拟的均值）；“非支配”指没有其他点在成本（按容差取整）和三项指标"
        "上都不差、且至少一项更好——更便宜而指标相同的点也算更好。 / Each point's operational KPIs "
        "(means on the fresh replications); non-dominated: no other point is at least as good "
        "on cost (to within the tolerance) and all three KPIs and better on one — a cheaper "
        "point with the same KPIs counts as better. These are the points of the walk, which "
        "minimised harm; anjian objectives optimises for each KPI.</p>",
        _table(
            table,
            {
                "name": ("点 point", ""),
                "total_yuan_per_year": ("合计 total (元/年 yuan a year)", ",.0f"),
                "within_standard_share": ("响应达标率 within the standard", ".1%"),
                "on_time_rate": ("按时检查率 inspections on time", ".1%"),
                "relief_fill_rate": ("物资满足率 relief fill rate", ".1%"),
                "non_dominated_kpis": ("非支配 non-dominated", ""),
            },
        ),
    ]
    return write_page(parts, f.notes, out, "frontier.html")

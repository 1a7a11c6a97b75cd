"""The main job's output folder: a self-contained HTML report in 中文 and English (figures
drawn with matplotlib, embedded), the tables as CSV, the plan's overrides, and ``run.json``
recording scenario, seeds, replications and code version."""

from __future__ import annotations

import base64
import html
import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .budget import RESOURCES
from .placement import PLACEMENTS
from .run import RunResult
from .store import code_version


def _cjk_font() -> str | None:
    """A font with Chinese glyphs if the machine has one (figure text is bilingual then)."""
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if any(t in f.name for t in ("CJK", "Noto Sans SC", "WenQuanYi", "SimHei", "Source Han")):
            return str(f.name)
    return None


def _label(zh: str, en: str, cjk: bool) -> str:
    return f"{zh} {en}" if cjk else en


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def district_map(r: RunResult, cjk: bool) -> tuple[str, str, str] | None:
    """Two district maps: vehicles with a yearly cost, plan − today, and the change in mean
    response time (plan − today, fresh replications); None without district outlines or when
    the plan is today's allocation."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Polygon as Patch

    s0, s1 = r.today_scenario, r.plan_scenario
    if not r.overrides:
        return None  # the plan is today's allocation: nothing moves
    shapes = {a: d.geometry for a, d in s0.districts.items() if d.geometry is not None}
    if not shapes:
        return None
    paid = {k for k, v in s0.vehicle_kinds.items() if v.cost_yuan_per_year > 0}

    def fleet(s: Any) -> dict[str, int]:
        out = dict.fromkeys(shapes, 0)
        for dep in s.depots.values():
            if dep.adcode in out:
                out[dep.adcode] += sum(n for k, n in dep.vehicles.items() if k in paid)
        return out

    def response(a: Any) -> dict[str, float]:
        if a.kpis is None:
            return {}
        k = a.kpis
        k = k[(k["model"] == "response") & (k["level"] == "district")]
        k = k[k["kpi"] == "response_mean_min"]
        return {str(x): float(v) for x, v in k.groupby("key")["value"].mean().items()}

    f0, f1 = fleet(s0), fleet(s1)
    added: dict[str, float] = {a: float(f1[a] - f0[a]) for a in shapes}
    t0, t1 = response(r.today), response(r.plan)
    faster: dict[str, float] = {a: t1[a] - t0[a] for a in shapes if a in t0 and a in t1}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    panels: list[tuple[dict[str, float], str, str, str]] = [
        (added, _label("车辆增减（辆）", "vehicles added (−: cut)", cjk), "PuOr", "{:+,.0f}"),
        (
            faster,
            _label("平均响应时间变化（分钟）", "change in mean response (min)", cjk),
            "RdBu_r",
            "{:+,.0f}",
        ),
    ]
    for ax, (values, title, cmap, fmt) in zip(axes, panels, strict=True):
        patches, colours = [], []
        for a, geom in shapes.items():
            for poly in getattr(geom, "geoms", [geom]):
                patches.append(Patch(np.asarray(poly.exterior.coords), closed=True))
                colours.append(values.get(a, np.nan))
        c = np.asarray(colours, dtype=float)
        span = float(np.nanmax(np.abs(c))) if np.isfinite(c).any() else 0.0
        span = span or 1.0
        coll = PatchCollection(
            patches, cmap=cmap, norm=TwoSlopeNorm(0.0, -span, span), edgecolor="#555", lw=0.3
        )
        coll.set_array(np.ma.masked_invalid(c))
        ax.add_collection(coll)
        ax.autoscale_view()
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(title, fontsize=9)
        fig.colorbar(coll, ax=ax, shrink=0.7)
        top = sorted(values, key=lambda a: -abs(values[a]))[:5]
        for a in top:
            if values[a] == 0 or not np.isfinite(values[a]):
                continue
            pt = shapes[a].representative_point()
            d = s0.districts[a]
            name = f"{d.name_zh} {d.name_pinyin}" if cjk else str(d.name_pinyin)
            ax.annotate(
                f"{name}\n{fmt.format(values[a])}",
                (pt.x, pt.y),
                fontsize=6,
                ha="center",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.7, "lw": 0},
            )
    fig.tight_layout()
    return (
        _png(fig),
        "按区县：方案比现状增减的车辆（左）与平均响应时间的变化（右，新一组模拟）",
        "By district: vehicles the plan adds or cuts (left) and the change in mean response "
        "time (right, fresh replications)",
    )


def _figures(r: RunResult) -> list[tuple[str, str, str]]:
    """(PNG base64, caption 中文, caption English) for each figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    cjk = font is not None
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    out = []
    # 1. yearly cost by resource, today vs plan (a panel each: salaries dwarf the rest)
    ct = {str(rec["resource"]): rec for rec in r.cost_table().to_dict("records")}
    fig, axes = plt.subplots(1, 3, figsize=(9, 2.8))
    for ax, res in zip(axes, ("inspectors", "vehicles", "stocks"), strict=True):
        row = ct[res]
        vals = [float(row["today"]) / 1e6, float(row["plan"]) / 1e6]
        ax.bar(
            [_label("现状", "today", cjk), _label("方案", "plan", cjk)],
            vals,
            color=["#888888", "#1f77b4"],
        )
        ax.set_title(_label(str(row["name_zh"]), str(row["name_en"]), cjk), fontsize=9)
        ax.set_ylabel(_label("百万元/年", "M yuan a year", cjk), fontsize=8)
    fig.tight_layout()
    out.append(
        (_png(fig), "各资源年度成本：现状与方案", "Yearly cost by resource: today and the plan")
    )
    # 2. harm by part, plan − today with 95% CI
    hd = r.harm_diff()
    fig, ax = plt.subplots(figsize=(7, 2.8))
    names = [_label(z, e, cjk) for z, e in zip(hd["name_zh"], hd["name_en"], strict=True)]
    ax.barh(names, hd["change"], xerr=hd["half_width"].fillna(0), color="#d62728", capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(
        _label("方案 − 现状（预期死亡/年）", "plan − today (expected deaths a year)", cjk)
    )
    fig.tight_layout()
    out.append(
        (_png(fig), "伤害变化（配对，95% 置信区间）", "Change in harm, paired, with 95% CIs")
    )
    # 3. margins of the first round: harm per 10,000 yuan moved, by resource and direction
    if not r.margins.empty:
        m = r.margins[r.margins["round"] == r.margins["round"].min()]
        fig, ax = plt.subplots(figsize=(7, 2.8))
        labels = [
            _label(z, e, cjk) + (" +" if d == "more" else " −")
            for z, e, d in zip(m["name_zh"], m["name_en"], m["direction"], strict=True)
        ]
        per = m["harm_per_10k_yuan"].to_numpy(dtype=float)
        err = (m["half_width"] / m["yuan_per_year"].abs() * 10_000).to_numpy(dtype=float)
        ax.barh(labels, per, xerr=err, color="#2ca02c", capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(
            _label(
                "每万元的伤害变化（死亡/年）", "harm change per 10,000 yuan (deaths a year)", cjk
            )
        )
        fig.tight_layout()
        out.append(
            (
                _png(fig),
                "现状下每一步的边际价值（+ 多投入，− 少投入）",
                "Marginal value of one step at today's allocation (+ more, − less)",
            )
        )
    # 4. where it moves: two district maps
    m = district_map(r, cjk)
    if m is not None:
        out.append(m)
    # 5. before/after: harm of each replication, today vs plan (paired lines)
    t = r.today.harm.query("kpi == 'harm_deaths_per_year'").set_index("rep")["value"]
    p = r.plan.harm.query("kpi == 'harm_deaths_per_year'").set_index("rep")["value"]
    fig, ax = plt.subplots(figsize=(4.5, 3))
    for rep in t.index.intersection(p.index):
        ax.plot([0, 1], [t[rep], p[rep]], "-o", color="#1f77b4", alpha=0.7)
    ax.set_xticks([0, 1], [_label("现状", "today", cjk), _label("方案", "plan", cjk)])
    ax.set_ylabel(_label("预期死亡/年", "expected deaths a year", cjk))
    fig.tight_layout()
    out.append(
        (
            _png(fig),
            "每次重复模拟的综合伤害：现状与方案（同一随机数，配对）",
            "Harm in each replication, today and the plan (common random numbers, paired)",
        )
    )
    return out


def _fmt(v: object, spec: str = ",.2f") -> str:
    if isinstance(v, bool):
        return "是 yes" if v else "否 no"
    if isinstance(v, int | float):
        if not math.isfinite(float(v)):
            return "—"
        return format(v, spec)
    return html.escape(str(v))


def _table(df: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> str:
    """An HTML table of ``df``'s ``columns`` (name → (header, format spec))."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in columns.values())
    body = []
    for rec in df.to_dict("records"):
        cells = []
        for c, (_, spec) in columns.items():
            v = rec.get(c, "")
            cls = ' class="num"' if isinstance(v, int | float) and not isinstance(v, bool) else ""
            text = _fmt(v, spec) if spec or isinstance(v, bool) else html.escape(str(v))
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


CSS = """body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;
max-width:1000px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;
margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px;font-size:14px}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}
figcaption{font-size:13px;color:#555}.note{background:#fff8e0;padding:.5em 1em}"""


def write_report(r: RunResult, out: Path) -> Path:
    """The report and tables in ``out`` (created); returns the HTML file's path. Files are
    written to temporary names and renamed, so a crash never leaves half a report."""
    out.mkdir(parents=True, exist_ok=True)
    s = r.today_scenario
    st = r.settings
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = code_version()
    tables = {
        "cost_today": r.today.sheet,
        "cost_plan": r.plan.sheet,
        "costs_by_resource": r.cost_table(),
        "harm": r.harm_diff(),
        "kpis": r.kpi_diff(),
        "moves": r.moves,
        "margins": r.margins,
    }
    for name, df in tables.items():
        tmp = out / f".{name}.csv.tmp"
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out / f"{name}.csv")
    meta = {
        **st,
        "scenario_title_zh": s.meta.title_zh,
        "scenario_title_en": s.meta.title_en,
        "code_version": version,
        "created": created,
        "seconds": r.seconds,
        "overrides": r.overrides,
        "notes": r.notes,
    }
    tmp = out / ".run.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(out / "run.json")

    money = ",.0f"
    hd = {str(rec["kpi"]): rec for rec in r.harm_diff().to_dict("records")}
    total = hd.get("harm_deaths_per_year")
    if r.overrides and total is not None and math.isfinite(float(total["half_width"])):
        ch, hw = float(total["change"]), float(total["half_width"])
        sig = abs(ch) > hw
        verdict = (
            f"方案比现状每年{'减少' if ch < 0 else '增加'}预期死亡 {abs(ch):,.2f} ± {hw:,.2f} 人"
            f"{'（显著）' if sig else '（不显著：置信区间含 0）'}。 / The plan "
            f"{'averts' if ch < 0 else 'adds'} {abs(ch):,.2f} ± {hw:,.2f} expected deaths "
            "a year against today"
            f"{' (significant)' if sig else ' (not significant: the CI contains 0)'}."
        )
    else:
        verdict = "方案与现状相同。 / The plan is today's allocation."
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>anjian run — {html.escape(s.meta.title_zh)} / {html.escape(s.meta.title_en)}"
        "</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>同一预算下的更优配置 / A better allocation of the same budget</h1>"
        f"<p><b>{html.escape(s.meta.title_zh)} / {html.escape(s.meta.title_en)}</b> "
        f"({html.escape(s.meta.name)})</p>",
        f"<p class='note'>{html.escape(verdict)}</p>",
        "<h2>设置 / Settings</h2>",
        _table(
            pd.DataFrame(
                [
                    {
                        "k": "预算 / budget",
                        "v": f"{st['budget_yuan_per_year']:,.0f} 元/年 yuan a year",
                    },
                    {"k": "步长 / step", "v": f"{st['step_yuan']:,.0f} 元/年 yuan a year"},
                    {"k": "轮数上限 / rounds (at most)", "v": str(st["rounds"])},
                    {
                        "k": "每步资金的布置 / where a step's money goes",
                        "v": " / ".join(PLACEMENTS[st.get("placement", "rules")]),
                    },
                    {
                        "k": "模拟 / simulation",
                        "v": f"{st['years']:g} 年 years × {st['reps']} 次 replications",
                    },
                    {
                        "k": "随机种子 / seeds",
                        "v": f"search {st['search_seed']}, comparison {st['comparison_seed']}",
                    },
                    {"k": "代码版本 / code version", "v": version},
                    {"k": "生成时间 / created", "v": created},
                    {"k": "用时 / took", "v": f"{r.seconds:,.0f} 秒 s"},
                ]
            ),
            {"k": ("项目 / item", ""), "v": ("值 / value", "")},
        ),
        "<h2>成本（元/年）/ Cost (yuan a year)</h2>",
        _table(
            r.cost_table(),
            {
                "name_zh": ("资源", ""),
                "name_en": ("resource", ""),
                "today": ("现状 today", money),
                "plan": ("方案 plan", money),
                "change": ("变化 change", "+,.0f"),
            },
        ),
        "<h2>伤害（预期死亡/年）/ Harm (expected deaths a year)</h2>",
        _table(
            r.harm_diff(),
            {
                "name_zh": ("部分", ""),
                "name_en": ("part", ""),
                "today": ("现状 today", ",.2f"),
                "plan": ("方案 plan", ",.2f"),
                "change": ("方案 − 现状 plan − today", "+,.2f"),
                "half_width": ("± 95% CI", ",.2f"),
            },
        ),
        "<h2>运行指标 / Operational KPIs</h2>",
        _table(
            r.kpi_diff(),
            {
                "name_zh": ("指标", ""),
                "name_en": ("KPI", ""),
                "today_text": ("现状 today", ""),
                "plan_text": ("方案 plan", ""),
                "change_text": ("方案 − 现状 ± 95% CI / plan − today ± 95% CI", ""),
            },
        ),
        "<h2>资金调整 / What moves where</h2>",
    ]
    if r.moves.empty:
        parts.append("<p>没有调整。 / No move.</p>")
    else:
        moves = r.moves.copy()
        for col in ("from", "to"):
            moves[col] = [" / ".join(RESOURCES[v]) if v in RESOURCES else "—" for v in moves[col]]
        parts.append(
            _table(
                moves,
                {
                    "round": ("轮 round", "d"),
                    "from": ("减少 from", ""),
                    "to": ("增加 to", ""),
                    "yuan_per_year": ("成本变化 cost change (元/年 yuan a year)", "+,.0f"),
                    "predicted_harm_change": ("预测伤害变化 predicted harm change", "+,.3f"),
                    "harm_change": ("模拟伤害变化 simulated harm change", "+,.3f"),
                    "half_width": ("± 95% CI", ",.3f"),
                    "within_budget": ("预算内 within budget", ""),
                    "accepted": ("采纳 accepted", ""),
                },
            )
        )
    for note in r.notes:
        parts.append(f"<p>{html.escape(note)}</p>")
    if not r.margins.empty:
        parts.append("<h2>边际价值 / Marginal values</h2>")
        parts.append(
            _table(
                r.margins,
                {
                    "round": ("轮 round", "d"),
                    "name_zh": ("资源", ""),
                    "name_en": ("resource", ""),
                    "what": ("内容 what", ""),
                    "yuan_per_year": ("成本变化 cost change (元/年)", "+,.0f"),
                    "harm_change": ("伤害变化 harm change", "+,.3f"),
                    "half_width": ("± 95% CI", ",.3f"),
                    "harm_per_10k_yuan": ("每万元 per 10,000 yuan", "+,.5f"),
                },
            )
        )
    parts.append("<h2>图 / Figures</h2>")
    for png, zh, en in _figures(r):
        parts.append(
            f"<figure><img alt='{html.escape(en)}' src='data:image/png;base64,{png}'>"
            f"<figcaption>{html.escape(zh)} / {html.escape(en)}</figcaption></figure>"
        )
    parts.append("<p>方法见 docs/budget.md。 / Method: docs/budget.md.</p></body></html>")
    path = out / "report.html"
    tmp = out / ".report.html.tmp"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path


def write_page(parts: list[str], notes: list[str], out: Path, name: str) -> Path:
    """An HTML page of ``parts`` with the notes as a list, closed and written to ``out/name``
    through a temporary name (a crash never leaves half a page); returns its path."""
    parts = list(parts)
    if notes:
        parts.append("<h2>说明 / Notes</h2><ul>")
        parts += [f"<li>{html.escape(n)}</li>" for n in notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    tmp = out / f".{name}.tmp"
    tmp.write_text("".join(parts), encoding="utf-8")
    path = out / name
    tmp.replace(path)
    return path

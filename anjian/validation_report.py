"""The validation report: ``validation.md`` and a self-contained ``validation.html`` (中文 and
English, matplotlib figures), plus ``validation.csv`` with every line, written into a folder."""

from __future__ import annotations

import html
import math
import platform
from pathlib import Path
from typing import Any

from .run_report import CSS, _cjk_font, _png, write_page
from .store import code_version
from .validation import (
    CALIBRATED,
    GROUPS,
    RECORDED,
    Line,
    Validation,
    iter_groups,
    recorded_section,
    what,
)

HEADERS = (
    ("项目 item", "item"),
    ("参照值 reference", "reference"),
    ("本工具 ours", "ours"),
    ("容差 tolerance", "tolerance"),
    ("结果 result", "passed"),
    ("用时 time", "seconds"),
    ("来源 source", "source"),
)


def _value(v: float | str, half: float | None = None) -> str:
    if isinstance(v, float | int) and not isinstance(v, bool):
        x = float(v)
        if not math.isfinite(x):
            return "—"
        text = f"{x:,.0f}" if x == round(x) and abs(x) >= 1 else f"{x:,.4g}"
        if half is not None and math.isfinite(half):
            text += f" ± {half:.2g}"
        return text
    return str(v)


def _cells(line: Line) -> list[str]:
    return [
        line.item,
        _value(line.reference),
        _value(line.ours, line.half_width),
        line.tolerance,
        "通过 pass" if line.passed else "**未通过 FAIL**",
        f"{line.seconds:.1f} 秒 s",
        line.source,
    ]


def _summary(v: Validation) -> tuple[str, str]:
    n, bad = len(v.lines), sum(not line.passed for line in v.lines)
    zh = f"{n} 项中 {n - bad} 项通过" + ("" if not bad else f"，{bad} 项未通过")
    en = f"{n - bad} of {n} lines pass" + ("" if not bad else f"; {bad} FAIL")
    return zh, en


def _figures(v: Validation) -> list[tuple[str, str, str]]:
    """(file stem, caption, base64 PNG) of each figure the run has data for."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cjk = _cjk_font()
    if cjk:
        plt.rcParams["font.family"] = cjk

    def label(zh: str, en: str) -> str:
        return f"{zh} {en}" if cjk else en

    out = []
    points = v.figures.get("erlang_c")
    if points:
        from anjian.sim.erlang import mmc_mean_wait

        fig, ax = plt.subplots(figsize=(6.5, 4))
        colour = {}
        for c in sorted({p[1] for p in points}):
            rho = [r / 100 for r in range(30, 96)]
            (curve,) = ax.plot(rho, [mmc_mean_wait(r * c, 1.0, c) for r in rho], lw=1,
                               label=f"c = {c}")  # fmt: skip
            colour[c] = curve.get_color()
        for rho, c, _exact, mean, half in points:
            ax.errorbar(rho, mean, yerr=half if math.isfinite(half) else 0, fmt="o",
                        color=colour[c], ms=4, capsize=3)  # fmt: skip
        ax.set_xlabel(label("每车负荷 ρ", "load per vehicle ρ"))
        ax.set_ylabel(label("平均排队时间（平均服务时间倍数）", "mean wait (× mean service time)"))
        ax.set_yscale("log")
        ax.legend(title=label("精确值 Erlang C", "exact Erlang C"), fontsize=8)
        ax.set_title(label("仿真（点，99% 置信区间）对精确解（线）",
                           "simulated (dots, 99% CI) vs exact"))  # fmt: skip
        out.append(("erlang_c", "Erlang C: simulated mean wait against the exact curve /"
                    " 仿真平均排队时间与精确曲线", _png(fig)))  # fmt: skip
    pairs = v.figures.get("hypercube")
    if pairs:
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        x, y = zip(*pairs, strict=True)
        ax.plot([0, 1], [0, 1], color="#999", lw=1)
        ax.scatter(x, y, s=18)
        ax.set_xlabel(label("精确负荷", "exact workload"))
        ax.set_ylabel(label("仿真负荷", "simulated workload"))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        out.append(("hypercube", "Hypercube: each vehicle's workload, simulated against exact /"
                    " 每辆车的负荷：仿真对精确解", _png(fig)))  # fmt: skip
    deaths = v.figures.get("calibration")
    if deaths:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        years = list(range(1, len(deaths) + 1))
        ax.bar(years, deaths, color="#4c78a8")
        ax.axhline(846, color="k", lw=1)
        ax.axhspan(846 * 0.88, 846 * 1.12, color="#ccc", alpha=0.4)
        ax.set_xlabel(label("仿真年份", "simulated year"))
        ax.set_ylabel(label("生产安全事故死亡人数", "work-safety deaths"))
        ax.set_title(label("重庆 2019 年 846 人（线）与 ±12%（带）",
                           "Chongqing 2019: 846 (line), ±12% (band)"))  # fmt: skip
        out.append(("calibration", "Calibration: simulated deaths per year against the 2019 "
                    "figure / 校准：每年仿真死亡人数对 2019 年数字", _png(fig)))  # fmt: skip
    return out


CAL_HEADERS = ("参数 parameter", "目标 target", "取值 value", "出处 where")


def _calibrated_md() -> list[str]:
    md = ["## 校准的参数 / Parameters calibrated", ""]
    md.append("| " + " | ".join(CAL_HEADERS) + " |")
    md.append("|" + " --- |" * len(CAL_HEADERS))
    md += ["| " + " | ".join(row) + " |" for row in CALIBRATED]
    md.append("")
    for doc, heading in RECORDED:
        text = recorded_section(doc, heading)
        if text is not None:
            md += [f"## {heading} (docs/{doc}, as measured)", "", text, ""]
    return md


def _md_to_html(text: str) -> str:
    """The pipe tables and paragraphs of a Markdown section, as HTML (code spans kept)."""
    out, table = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table.append(cells)
            continue
        if table:
            head, *rows = table
            out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head)
                       + "</tr></thead><tbody>" + "".join(
                           "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                           for r in rows) + "</tbody></table>")  # fmt: skip
            table = []
        if line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    return "".join(out)


def _calibrated_html() -> list[str]:
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in CALIBRATED)  # fmt: skip
    head = "".join(f"<th>{html.escape(h)}</th>" for h in CAL_HEADERS)
    parts = ["<h2>校准的参数 / Parameters calibrated</h2>",
             f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"]  # fmt: skip
    for doc, heading in RECORDED:
        text = recorded_section(doc, heading)
        if text is not None:
            parts.append(f"<h2>{html.escape(heading)} (docs/{html.escape(doc)}, as measured)</h2>")
            parts.append(_md_to_html(text))
    return parts


def _settings(v: Validation) -> list[tuple[str, str]]:
    return [
        ("模式 mode", f"{v.mode} ({'快速' if v.mode == 'quick' else '完整'})"),
        ("用时 runtime", f"{v.seconds:,.0f} 秒 s"),
        ("代码版本 code version", code_version()),
        ("机器 machine", f"{platform.machine()}, Python {platform.python_version()}"),
    ]


def write_report(v: Validation, out: Path) -> dict[str, Path]:
    """validation.md, validation.html, validation.csv and the figures' PNGs in ``out``
    (created); every file goes through a temporary name. Returns the paths by kind."""
    import base64

    out.mkdir(parents=True, exist_ok=True)
    figures = _figures(v)
    zh, en = _summary(v)
    # -- Markdown --------------------------------------------------------------------------
    md = ["# 验证报告 Validation report", "", f"**{zh} / {en}**", ""]
    md += ["| 设置 setting | 值 value |", "| --- | --- |"]
    md += [f"| {k} | {val} |" for k, val in _settings(v)]
    md.append("")
    for key, lines in iter_groups(v):
        gzh, gen, _ = GROUPS[key]
        md += [f"## {gzh} / {gen}", "", what(key, "both"), ""]
        md.append("| " + " | ".join(h for h, _ in HEADERS) + " |")
        md.append("|" + " --- |" * len(HEADERS))
        md += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(line)) + " |"
               for line in lines]  # fmt: skip
        md.append("")
        md += [f"![{caption}]({stem}.png)\n" for stem, caption, _ in figures if stem == key]
    md += _calibrated_md()
    paths: dict[str, Path] = {}
    for stem, _, png in figures:
        path = out / f"{stem}.png"
        tmp = out / f".{stem}.png.tmp"
        tmp.write_bytes(base64.b64decode(png))
        tmp.replace(path)
        paths[stem] = path
    tmp = out / ".validation.md.tmp"
    tmp.write_text("\n".join(md) + "\n", encoding="utf-8")
    tmp.replace(out / "validation.md")
    paths["md"] = out / "validation.md"
    # -- HTML ------------------------------------------------------------------------------
    parts: list[str] = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>验证报告 Validation report</title><style>{CSS}"
        ".fail{color:#b00;font-weight:bold}</style></head><body>",
        "<h1>验证报告 Validation report</h1>",
        f'<p class="note"><b>{html.escape(zh)} / {html.escape(en)}</b></p>',
        "<table>" + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(val)}</td></tr>"
                            for k, val in _settings(v)) + "</table>",
    ]  # fmt: skip
    by_stem = {stem: (caption, png) for stem, caption, png in figures}
    for key, lines in iter_groups(v):
        gzh, gen, _ = GROUPS[key]
        shows = html.escape(what(key, "both"))
        parts.append(f"<h2>{html.escape(gzh)} / {html.escape(gen)}</h2><p>{shows}</p>")
        head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in HEADERS)
        rows = []
        for line in lines:
            cells = _cells(line)
            cells[4] = "通过 pass" if line.passed else '<span class="fail">未通过 FAIL</span>'
            rows.append("<tr>" + "".join(
                f"<td>{c if i == 4 else html.escape(c)}</td>" for i, c in enumerate(cells)
            ) + "</tr>")  # fmt: skip
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
        if key in by_stem:
            caption, png = by_stem[key]
            alt = html.escape(caption)
            parts.append(f'<figure><img src="data:image/png;base64,{png}" alt="{alt}">'
                         f"<figcaption>{alt}</figcaption></figure>")  # fmt: skip
    parts += _calibrated_html()
    paths["html"] = write_page(parts, [], out, "validation.html")
    table: Any = v.table()
    tmp = out / ".validation.csv.tmp"
    table.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(out / "validation.csv")
    paths["csv"] = out / "validation.csv"
    return paths

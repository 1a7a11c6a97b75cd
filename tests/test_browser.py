"""The app in a real browser: `streamlit run app.py` headless on a free localhost port, driven
by Playwright on Debian's Chromium. Opens the app, switches language, runs a small what-if and
asserts the KPI text appears; saves a screenshot of every page to test-artifacts/.

Skipped when Chromium or Playwright is missing, unless ANJIAN_REQUIRE_BROWSER=1 (set by CI,
which installs Chromium with apt-get), in which case it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from raw_codes import code_headers, codes_in, raw_codes

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PAGES = ["overview", "scenario", "whatif", "optimize", "compare", "runs"]


def _require() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        if os.environ.get("ANJIAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but missing: {missing}")
        pytest.skip(f"browser test needs {missing}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER_TMP: list[Path] = []


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require()
    port = _free_port()
    SERVER_TMP.append(tmp_path_factory.mktemp("server_tmp"))  # uploads unpack here
    env = {**os.environ, "ANJIAN_STORE": str(tmp_path_factory.mktemp("store")),
           "TMPDIR": str(SERVER_TMP[-1]), "ANJIAN_APP_WORKERS": "2"}  # fmt: skip
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_app_in_chromium(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="networkidle")
        expect(page.get_by_text("安监：安全生产监管与应急资源规划")).to_be_visible(timeout=60_000)
        # English, then back to 中文
        page.get_by_text("English", exact=True).click()
        expect(page.get_by_text("anjian: work-safety and emergency planning")).to_be_visible(
            timeout=30_000
        )
        page.get_by_text("中文", exact=True).click()
        expect(page.get_by_text("安监：安全生产监管与应急资源规划")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
        # a small what-if on the built-in Chongqing scenario
        page.get_by_role("link", name="假设分析").click()
        expect(page.get_by_text("监管人员倍数", exact=False).first).to_be_visible(timeout=30_000)
        page.get_by_role("checkbox", name="以政企合作签约替代临时租用车辆").check(force=True)
        page.get_by_role("button", name="运行").click()
        expect(page.get_by_text("达标率").first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("平均响应时间（分钟）").first).to_be_visible()
        page.wait_for_timeout(2000)
        page.screenshot(path=str(ARTIFACTS / "whatif.png"), full_page=True)
        for name, link in [
            ("scenario", "情景编辑"),
            ("optimize", "优化布局"),
            ("compare", "方案比较"),
            ("runs", "运行记录"),
        ]:
            page.get_by_role("link", name=link).click()
            page.wait_for_timeout(2500)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        # the optimize page plans and verifies
        page.get_by_role("link", name="优化布局").click()
        page.get_by_role("button", name="优化").click()
        expect(page.get_by_text("规划车辆年度费用（元，固定+预计按次）")).to_be_visible(
            timeout=120_000
        )
        page.wait_for_timeout(2500)
        page.screenshot(path=str(ARTIFACTS / "optimize.png"), full_page=True)
        # the what-if run reached the store: the Compare page lists it
        page.get_by_role("link", name="方案比较").click()
        expect(page.get_by_text("B − A（配对差，95%置信区间）")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)
        browser.close()
    for name in PAGES:
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_uploads_in_chromium(server: str, tmp_path: Path) -> None:
    """Upload a bundle, let it go while the file is still in the widget, upload a broken one
    (an error naming the bundle's file, nothing half-unpacked left on the server), then a
    good one under the same name (new content is a new upload)."""
    import io
    import zipfile

    from playwright.sync_api import expect, sync_playwright

    from anjian.scenarios import load_scenario
    from anjian.scenarios.bundle import derived_bundle

    good = tmp_path / "bundle.zip"
    good.write_bytes(derived_bundle("toy", load_scenario("toy"), {"staff.900001.township": 11}))
    bad = tmp_path / "broken" / "bundle.zip"
    bad.parent.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("scenario.toml", "[scenario\nname = 1\n")
    bad.write_bytes(buf.getvalue())
    with sync_playwright() as pw:
        args = ["--headless", "--no-sandbox", "--disable-gpu"]
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/scenario", wait_until="networkidle")
        page.get_by_text("English", exact=True).click()
        upload = page.locator("input[type=file]")
        expect(upload).to_have_count(1, timeout=60_000)
        upload.set_input_files(str(good))
        expect(page.get_by_text("Loaded the uploaded scenario: bundle.zip")).to_be_visible(
            timeout=60_000
        )
        page.get_by_role("button", name="Use a built-in scenario again").click()
        expect(page.get_by_text("Loaded the uploaded scenario")).to_have_count(0, timeout=30_000)
        page.wait_for_timeout(2_000)  # the file left the widget: nothing is uploaded again
        expect(page.get_by_text("Loaded the uploaded scenario")).to_have_count(0)
        page.locator("input[type=file]").set_input_files(str(bad))
        expect(page.get_by_text("The uploaded bundle is not valid")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("scenario.toml: TOML syntax error", exact=False)).to_be_visible()
        assert str(SERVER_TMP[-1]) not in page.inner_text("body")
        assert not [p for p in SERVER_TMP[-1].glob("anjian-upload-*") if any(p.iterdir())]
        page.locator("input[type=file]").set_input_files(str(good))  # same name, new content
        expect(page.get_by_text("Loaded the uploaded scenario: bundle.zip")).to_be_visible(
            timeout=60_000
        )
        browser.close()


def visible_text(page: object) -> str:
    """The page's text as a user reads it: the body, the tables' headers and visible cells
    (drawn on a canvas, mirrored in the accessibility grid) and the charts' SVG labels."""
    p: Any = page
    parts = [p.inner_text("body")]
    parts += p.locator("[role=columnheader], [role=gridcell], [role=rowheader]").all_inner_texts()
    parts += p.locator(".main-svg text").all_text_contents()
    return "\n".join(parts)


def full_screenshot(page: object, path: Path) -> None:
    """The whole page, not the viewport: Streamlit scrolls inside its main pane, so the
    window is made as tall as the pane's content for the shot."""
    p: Any = page
    size = p.viewport_size
    height = p.evaluate(
        "() => Math.max(...['[data-testid=stMain]', '[data-testid=stAppViewContainer]',"
        " 'section.main', 'body'].map(s => document.querySelector(s))"
        ".filter(e => e).map(e => e.scrollHeight))"
    )
    p.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    p.wait_for_timeout(1200)
    p.screenshot(path=str(path), full_page=True)
    p.set_viewport_size(size)
    if os.environ.get("ANJIAN_UPDATE_SCREENSHOTS") == "1" and path.stem in README_SHOTS:
        shutil.copy(path, ROOT / "docs" / "screenshots" / path.name)


#: The pages README shows (ANJIAN_UPDATE_SCREENSHOTS=1 copies them to docs/screenshots).
README_SHOTS = {"overview-zh", "whatif-zh", "optimize-en", "compare-zh", "budget-en", "runs-zh",
                "scenario-zh"}  # fmt: skip


WALK = {  # the labels the walk clicks, per language
    "zh": {"lang": "中文", "whatif": "假设分析", "run": "运行", "optimize": "优化布局",
           "opt": "优化", "save": "保存方案以供比较", "compare": "方案比较", "runs": "运行记录",
           "html": "导出HTML报告", "build_html": "生成HTML报告", "xlsx": "生成Excel文件",
           "ready": "达标率",
           "verified": "规划车辆年度费用", "paired": "B − A", "saved": "已保存",
           "pages": [("overview", "概览"), ("scenario", "情景编辑"), ("budget", "预算"),
                     ("validation", "模型验证")]},
    "en": {"lang": "English", "whatif": "What-if", "run": "Run", "optimize": "Optimize",
           "opt": "Optimize", "save": "Save the plan for comparison", "compare": "Compare",
           "runs": "Runs", "html": "Export HTML report", "build_html": "Build the HTML report",
           "xlsx": "Build the Excel file",
           "ready": "Within standard", "verified": "Yearly cost of the planned vehicles",
           "paired": "B − A", "saved": "Saved", "pages": [("overview", "Overview"),
           ("scenario", "Scenario"), ("budget", "Budget"), ("validation", "Validation")]},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_without_raw_codes(server: str, lang: str, tmp_path: Path) -> None:
    """What-if → optimize → save → compare → export in one language; no page, table, chart
    or export shows a raw code; full-page screenshots of every page."""
    from playwright.sync_api import expect, sync_playwright

    w = WALK[lang]
    codes = raw_codes()
    found: dict[str, list[str]] = {}
    ARTIFACTS.mkdir(exist_ok=True)

    def check(where: str, page: Any) -> None:
        page.wait_for_timeout(1500)
        hits = codes_in(visible_text(page), codes)
        hits += code_headers(page.locator("[role=columnheader]").all_inner_texts())
        if hits:
            found[where] = hits

    with sync_playwright() as pw:
        args = ["--headless", "--no-sandbox", "--disable-gpu"]
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(f"{server}/whatif", wait_until="networkidle")
        page.get_by_text(w["lang"], exact=True).click()
        page.get_by_role("button", name=w["run"], exact=True).click()
        seen = set()
        started = time.time()
        deadline = started + 180
        while time.time() < deadline and not page.get_by_text(w["ready"]).count():
            bar = page.locator("[data-testid=stProgress]")
            try:
                if bar.count():
                    seen.add(bar.first.inner_text(timeout=500))
            except Exception:  # the bar went between the count and the read
                pass
            time.sleep(0.3)
        took = time.time() - started
        expect(page.get_by_text(w["ready"]).first).to_be_visible(timeout=30_000)
        # the bar's text moves twice a second: a run of seconds shows several states
        assert took < 3 or len(seen) >= 2, f"the progress never moved in {took:.1f} s: {seen}"
        check("whatif", page)
        full_screenshot(page, ARTIFACTS / f"whatif-{lang}.png")
        page.get_by_role("link", name=w["optimize"]).click()
        page.get_by_role("button", name=w["opt"], exact=True).click()
        expect(page.get_by_text(w["verified"]).first).to_be_visible(timeout=180_000)
        page.get_by_role("button", name=w["save"]).click()
        expect(page.get_by_text(w["saved"], exact=False).first).to_be_visible(timeout=30_000)
        check("optimize", page)
        full_screenshot(page, ARTIFACTS / f"optimize-{lang}.png")
        page.get_by_role("link", name=w["compare"]).click()
        expect(page.get_by_text(w["paired"], exact=False).first).to_be_visible(timeout=60_000)
        check("compare", page)
        full_screenshot(page, ARTIFACTS / f"compare-{lang}.png")
        page.get_by_role("link", name=w["runs"]).click()
        page.get_by_role("button", name=w["build_html"]).click()  # built on demand
        expect(page.get_by_role("button", name=w["html"])).to_be_visible(timeout=60_000)
        check("runs", page)
        full_screenshot(page, ARTIFACTS / f"runs-{lang}.png")
        with page.expect_download() as dl:
            page.get_by_role("button", name=w["html"]).click()
        html = tmp_path / "report.html"
        dl.value.save_as(html)
        report = re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8"))
        hits = codes_in(report, codes)
        if hits:
            found["html export"] = hits
        for name, link in w["pages"]:
            page.get_by_role("link", name=link, exact=True).click()
            page.wait_for_timeout(3000)
            check(name, page)
            full_screenshot(page, ARTIFACTS / f"{name}-{lang}.png")
        browser.close()
    assert not found, f"raw codes shown ({lang}): {found}"

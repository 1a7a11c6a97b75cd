"""App responsiveness in a real browser: time until the Overview's title and totals appear on
the first visit (fresh server, cold caches), on a reload (cached), and for a cached What-if
result to re-render. Needs Debian's Chromium and playwright. Run by hand::

    python bench/bench_app.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ANJIAN_STORE": tempfile.mkdtemp()}
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(180):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    out = {}
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            page.goto(url)
            expect(page.get_by_text("监管人员").first).to_be_visible(timeout=120_000)
            out["first_render_s"] = round(time.perf_counter() - t0, 2)
            expect(page.get_by_text("达标率").first).to_be_visible(timeout=120_000)
            out["first_render_with_simulated_kpis_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            page.reload()
            expect(page.get_by_text("达标率").first).to_be_visible(timeout=60_000)
            out["cached_rerender_s"] = round(time.perf_counter() - t0, 2)
            page.get_by_role("link", name="假设分析").click()
            page.get_by_role("button", name="运行").click()
            expect(page.get_by_text("物资满足率").first).to_be_visible(timeout=120_000)
            page.get_by_role("link", name="概览").click()
            page.wait_for_timeout(1000)
            t0 = time.perf_counter()
            page.get_by_role("link", name="假设分析").click()
            page.get_by_role("button", name="运行").click()
            page.wait_for_timeout(200)
            expect(page.get_by_text("物资满足率").first).to_be_visible(timeout=60_000)
            out["cached_whatif_rerun_s"] = round(time.perf_counter() - t0, 2)
            b.close()
    finally:
        proc.terminate()
    # server side: the script's own run time for a cached Overview (no browser, no network)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    t0 = time.perf_counter()
    at.run()
    out["cached_script_rerun_s"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

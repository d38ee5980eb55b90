"""One real browser session: open the page, train, see samples and curves move, stop, drag a slider.

Uses Debian's Chromium through Playwright. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes the screenshots
the README shows (docs/screenshots/); otherwise they go to a temporary folder. Skipped when no Chromium
is installed, except where GANPLAYGROUND_REQUIRE_BROWSER
is set (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("GANPLAYGROUND_REQUIRE_BROWSER"):
        raise RuntimeError(f"the browser test must run here but {CHROMIUM} is missing")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_train_watch_stop_and_explore_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    SHOTS = DOCS_SHOTS if os.environ.get("GANPLAYGROUND_SCREENSHOTS") else tmp_path  # noqa: N806
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(app_url)
        page.wait_for_selector("#start", timeout=30_000)
        assert "CPU" in page.locator("#device").inner_text() or "GPU" in page.locator("#device").inner_text()

        page.click("#start")
        for _ in range(40):  # a click before the page has its session is refused politely: click again
            page.wait_for_timeout(250)
            if any(word in page.locator("#status").inner_text() for word in ("Training", "Starting", "Waiting")):
                break
            if "still connecting" in page.content():
                page.locator(".toast-close").first.click()
                page.click("#start")
        image = page.locator("#samples img")
        image.wait_for(timeout=30_000)
        first = image.get_attribute("src")
        _wait(lambda: image.get_attribute("src") != first, 30, "the sample grid to change")
        _wait(lambda: "steps/s" in page.locator("#status").inner_text(), 10, "the status line")
        # The loss curves are drawn by Vega into a canvas or SVG once data arrive.
        _wait(lambda: page.locator(".vega-embed").count() >= 2, 30, "the curves")
        _wait(lambda: "of 10 digits" in page.locator("#meter").inner_text(), 30, "the mode meter")
        page.screenshot(path=str(SHOTS / "train.png"))

        page.click("#stop")
        _wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")

        page.get_by_role("tab", name="Explore").click()
        digit = page.locator("#digit img")
        digit.wait_for(timeout=30_000)
        before = digit.get_attribute("src")
        track = page.locator("#latent-1 input[type=range]")
        box = track.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        _wait(lambda: digit.get_attribute("src") != before, 15, "the digit to follow the slider")
        assert digit.get_attribute("src").startswith("data:image/png;base64,")  # came inside the reply
        assert digit.evaluate("img => img.complete && img.naturalWidth") == 224  # and the browser drew it
        assert float(page.locator("#latent-1 input[type=number]").input_value()) > 1.0
        page.screenshot(path=str(SHOTS / "explore.png"))
        browser.close()
    for shot in ("train.png", "explore.png"):
        assert (SHOTS / shot).stat().st_size > 10_000, f"{shot} looks empty"

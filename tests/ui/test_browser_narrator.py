"""The narrator in a real browser: open the vanishing-gradient lesson, train a few seconds and see the narrator's
line under the status say that D is winning and G's gradient has vanished; then a short duel whose two sides
each get their own line.

Uses Debian's Chromium through Playwright, like test_browser.py. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes
docs/screenshots/narrator.png; otherwise the screenshot goes to a temporary folder. Skipped when no Chromium is
installed, except where GANPLAYGROUND_REQUIRE_BROWSER is set (CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ganplayground.ui.widgets.labels import LESSONS
from ganplayground.ui.widgets.status import MARK

from .browser import click_start, launch, open_app, require_chromium, shots_dir, start_duel, wait

DUEL_BUDGET = 10  # seconds: enough for each side's first lines

pytestmark = pytest.mark.browser

playwright = require_chromium()


def test_the_narrator_tells_what_a_run_does_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    SHOTS = shots_dir(tmp_path)  # noqa: N806
    SHOTS.mkdir(parents=True, exist_ok=True)
    vanishing = next(lesson for lesson in LESSONS if lesson["preset"] == "vanishing")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1000)
        narrator = page.locator("#narrator")

        # The lesson fills the Train tab with the vanishing preset (the original minimax loss) and goes there.
        page.get_by_role("tab", name="Learn").click()
        page.get_by_role("button", name=vanishing["button"]).click()
        page.wait_for_selector("#start", state="visible", timeout=15_000)
        click_start(page)
        wait(lambda: MARK in narrator.inner_text(), 30, "a narrator sentence")
        wait(lambda: "D is winning outright" in narrator.inner_text(), 60, "the narrator to say D is winning")
        said = narrator.inner_text()
        assert "gradient has vanished" in said and "D(fake) = 0.0" in said
        assert "minimax" in page.locator("#status").inner_text()
        # The line sits right under the status, above the samples.
        status_box, line_box = page.locator("#status").bounding_box(), narrator.bounding_box()
        assert line_box["y"] >= status_box["y"] + status_box["height"] - 1
        assert line_box["y"] < page.locator("#samples").bounding_box()["y"]
        page.screenshot(path=str(SHOTS / "narrator.png"))
        page.click("#stop")
        wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")
        assert "D is winning outright" in narrator.inner_text()  # the story stays after Stop

        # A short duel: each side gets its own line under its status.
        start_duel(page, DUEL_BUDGET)
        for side in ("left", "right"):
            wait(lambda side=side: MARK in page.locator(f"#duel-narrator-{side}").inner_text(), 60,
                 f"the {side} narrator")
        assert page.locator("#duel-narrator-left").inner_text() != ""
        page.click("#duel-stop")
        browser.close()
    assert (SHOTS / "narrator.png").stat().st_size > 10_000

"""The digit map and show me the digits in a real browser: train the collapse preset a few seconds, see the map
beside the meter, open "Show me the digits", pick 1 (its line: how many 1s, or none yet), then the digit the meter
reads most often and see its samples with their legibility line; then drag across the histogram's bars and see the
selector follow.

Chromium through Playwright, like the other browser tests; with GANPLAYGROUND_SCREENSHOTS=1 it refreshes
docs/screenshots/digit-gallery.png. Skipped without Chromium, except where GANPLAYGROUND_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser import choose_preset, click_start, launch, open_app, require_chromium, shots_dir, wait

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _map_shown(page) -> bool:
    image = page.locator("#digit-map img")
    return image.count() > 0 and image.first.is_visible()


def test_the_map_and_the_ones_of_a_collapse_run_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1400)
        choose_preset(page, "collapse")
        click_start(page)
        wait(lambda: _map_shown(page) and "Measuring" not in page.locator("#meter").inner_text(), 40,
             "the digit map beside the meter")
        page.get_by_text("Show me the digits").click()
        words = page.locator("#digit-words")
        # The 1s: a few seconds into the run the generator may draw none yet, and the line says so.
        page.locator("#digit-choice").get_by_text("1", exact=True).click()
        wait(lambda: "samples are 1s" in words.inner_text() or "None of" in words.inner_text(), 30,
             "the line about the 1s")
        # The digit the meter reads most often: its samples, with their legibility. Paused, so the generator (and
        # what a gallery finds) holds still between two asks; early in a run a gallery may still find none: ask again.
        page.click("#pause")
        wait(lambda: "Paused" in page.locator("#status").inner_text(), 15, "the run paused")
        for _ in range(5):
            largest = re.search(r"largest digit: (\d)", page.locator("#meter").inner_text()).group(1)
            before = words.inner_text()
            if page.locator("#digit-choice input:checked").get_attribute("value") == largest:
                page.click("#digit-show")
            else:
                page.locator("#digit-choice").get_by_text(largest, exact=True).click()
            wait(lambda before=before: words.inner_text() != before or "samples are" in words.inner_text(), 30,
                 "the gallery's line")
            if f"samples are {largest}s" in words.inner_text():
                break
            page.wait_for_timeout(1000)
        assert f"samples are {largest}s" in words.inner_text(), words.inner_text()
        wait(lambda: page.locator("#digit-gallery img").count() > 0, 15, f"the gallery of {largest}s")
        assert "legibility" in words.inner_text() or "too few" in words.inner_text()
        page.locator("#digit-panel").screenshot(path=str(shots / "digit-gallery.png"))

        # Gradio's bar plot selects a range: a drag across the bar of 7 picks 7.
        plot = page.locator("#histogram canvas, #histogram svg").first
        box = plot.bounding_box()
        y = box["y"] + box["height"] * 0.6
        left = box["x"] + box["width"] * 0.70
        page.mouse.move(left, y)
        page.mouse.down()
        page.mouse.move(left + box["width"] * 0.06, y, steps=5)
        page.mouse.up()
        wait(lambda: page.locator("#digit-choice input:checked").count() == 1
             and page.locator("#digit-choice input:checked").get_attribute("value") not in ("1", largest), 10,
             "the selector to follow the dragged bar")
        page.click("#stop")
        browser.close()


def test_the_1s_of_the_shipped_collapsed_model_in_explore(app_url: str) -> None:
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1400)
        page.get_by_role("tab", name="Explore").click()
        model = page.get_by_label("Model", exact=True)
        model.click()
        page.get_by_role("option", name="collapsed-js").click()
        page.get_by_text("Show me the digits of this model").click()
        page.locator("#model-digit-choice").get_by_text("1", exact=True).click()
        words = page.locator("#model-digit-words")
        wait(lambda: "samples are 1s" in words.inner_text(), 30, "the collapsed model's 1s")
        count = int(re.search(r"([\d,]+) of 1,000", words.inner_text()).group(1).replace(",", ""))
        assert count > 900  # "all 1s, and this is what they look like"
        gallery = page.locator("#model-digit-gallery img")  # drawn just after the words: wait for it
        wait(lambda: gallery.count() > 0 and gallery.first.is_visible(), 15, "the gallery of the model's 1s")
        browser.close()

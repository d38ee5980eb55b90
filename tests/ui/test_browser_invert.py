"""Draw a digit in a real browser: on Explore, pick the brush, draw a 7 with the mouse (press, move, release),
press Find it in the generator, see the search and the match, ask "Does it copy?" of the match, and move a
slider from it.

Uses Debian's Chromium through Playwright, like test_browser.py. With GANPLAYGROUND_SCREENSHOTS=1 it writes
docs/screenshots/invert.png (the 7, the search, the match) and nearest.png (the nearest training digits).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser import launch, open_app, require_chromium, select_brush, shots_dir, stroke, wait

pytestmark = pytest.mark.browser

playwright = require_chromium()

SEVEN = [(-70, -80), (75, -80), (40, -20), (5, 40), (-20, 95)]  # the bar, then the stroke down, around the centre


def _drag(page, selector: str, fraction: float) -> None:  # noqa: ANN001
    track = page.locator(f"{selector} input[type=range]")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()


def test_a_drawn_seven_is_found_and_a_slider_moves_from_the_match(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1600)
        page.get_by_role("tab", name="Explore").click()
        canvas = page.locator("#digit-canvas")
        canvas.scroll_into_view_if_needed()
        select_brush(canvas)
        stroke(page, canvas, SEVEN, moves=14)
        page.wait_for_timeout(500)  # the strokes reach the server with the canvas's change event
        page.click("#find-digit")
        caption = page.locator("#match-caption")
        wait(lambda: "Best match after" in caption.inner_text(), 30, "the match's caption")
        wait(lambda: page.locator("#search-strip img").is_visible() and page.locator("#match img").is_visible(), 10,
             "the search strip and the match")
        figures = re.search(r"error \**([\d.]+)\**.*?vector's: ([\d.]+)", caption.inner_text())
        assert figures and float(figures[1]) < float(figures[2])  # closer than a random noise vector's digit
        page.locator("#digit-canvas").locator("..").screenshot(path=str(shots / "invert.png"))

        page.click("#does-it-copy")
        verdict = page.locator("#copy-verdict")
        wait(lambda: "training digit" in verdict.inner_text() and "pixels" in verdict.inner_text(), 60,
             "the verdict of Does it copy?")
        page.locator("#neighbours").scroll_into_view_if_needed()
        top, bottom = page.locator("#neighbours").bounding_box(), verdict.bounding_box()  # in the viewport
        page.screenshot(path=str(shots / "nearest.png"),
                        clip={"x": top["x"], "y": top["y"], "width": top["width"],
                              "height": bottom["y"] + bottom["height"] - top["y"]})

        digit = page.locator("#digit img")
        at_match = digit.get_attribute("src")
        _drag(page, "#latent-1", 0.9)
        wait(lambda: digit.get_attribute("src") != at_match, 15, "the digit to move from the match")
        assert float(page.locator("#latent-1 input[type=number]").input_value()) > 1.0
        browser.close()

"""Your own data in a real browser: pick "Draw your own", clear the heart, draw a Z with the mouse (press, move,
release), train, and check that the generated (red) points move onto the drawing (black); then switch on the warped
grid and the arrows and see them on the plot with their caption (the arrows after a switch to Wasserstein-GP,
whose critic pushes the points hard enough to draw).

Uses Debian's Chromium through Playwright, like test_browser.py. With GANPLAYGROUND_SCREENSHOTS=1 it writes
docs/screenshots/draw.png (the Z learned) and draw-views.png (the grid and the arrows after the switch).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from ganplayground.train.images import ARROW_COLOUR, GRID_COLOUR

from .browser import (
    Z_STROKE,
    click_start,
    empty_draw_canvas,
    launch,
    open_app,
    require_chromium,
    set_slider,
    shots_dir,
    stroke,
    wait,
)
from .test_browser_slowmo import _pixels

RED, BLACK = (200, 0, 60), (20, 20, 20)  # generated and real points on the toy plot (images.toy_plot)
NEAR_PX = 12  # "on the drawing": within 12 pixels of a real point, about 0.2 units on the 384-pixel plot

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _mask(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return (image[..., :3] == colour).all(axis=2)


def share_near(image: np.ndarray) -> float:
    """The share of red (generated) pixels within NEAR_PX of a black (real) one."""
    red, black = np.argwhere(_mask(image, RED)), np.argwhere(_mask(image, BLACK))
    if not len(red) or not len(black):
        return 0.0
    d = np.sqrt(((red[:, None, :].astype(np.float32) - black[None, :, :]) ** 2).sum(-1)).min(axis=1)
    return float((d <= NEAR_PX).mean())




def test_a_drawn_z_is_learned_and_both_views_show_on_its_plot(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1500)
        canvas, message = empty_draw_canvas(page)
        stroke(page, canvas, Z_STROKE, moves=24)
        wait(lambda: "points along the strokes" in message.inner_text(), 15, "the Z read as a drawing")

        page.locator("#settings").get_by_text("Settings").click()  # a minute, so the views have time to show
        set_slider(page, "budget", 60)
        click_start(page)
        started = time.monotonic()
        samples = page.locator("#samples img")
        wait(lambda: "of your drawing covered" in page.locator("#meter").inner_text(), 60, "the meter's reading")
        page.wait_for_timeout(max(0, 12_000 - 1000 * (time.monotonic() - started)))  # about 12 s of training
        plot = _pixels(samples.get_attribute("src"), app_url)
        near = share_near(plot)
        assert near >= 0.7, f"only {near:.0%} of the generated points lie on the drawn Z"
        page.locator("#samples").screenshot(path=str(shots / "draw.png"))

        page.locator("#view-warp").get_by_role("checkbox").check()
        page.locator("#view-arrows").get_by_role("checkbox").check()
        caption = page.locator("#views-caption")
        wait(lambda: "Grid:" in caption.inner_text() and "median push" in caption.inner_text(), 30,
             "the views' caption")
        wait(lambda: _mask(_pixels(samples.get_attribute("src"), app_url), GRID_COLOUR).sum() > 100, 30,
             "the warped grid on the plot")
        # On a learned Z the pushes are too short to draw; a Wasserstein critic pushes by about 1 (13 pixels).
        page.locator("#loss").get_by_text("Wasserstein, gradient penalty").click()
        wait(lambda: _mask(_pixels(samples.get_attribute("src"), app_url), ARROW_COLOUR).sum() > 30, 30,
             "the arrows on the plot")
        page.locator("#samples").screenshot(path=str(shots / "draw-views.png"))
        page.click("#stop")
        browser.close()

"""Slow motion in a real browser: the ring preset at 10 steps a second, then full speed, then one D step (the heat
map changes, the points stay) and one G step (the points move, the heat map stays), each with its change picture.

Uses Debian's Chromium through Playwright, like test_browser.py. With GANPLAYGROUND_SCREENSHOTS=1 it writes
docs/screenshots/slowmo.png; otherwise the screenshot goes to a temporary folder.
"""

from __future__ import annotations

import base64
import io
import math
import re
import time
from pathlib import Path

import httpx
import numpy as np
import PIL.Image
import pytest

from .browser import choose_preset, launch, open_app, require_chromium, shots_dir, wait

RED, BLACK = (200, 0, 60), (20, 20, 20)  # generated and real points on the toy plot (images.toy_plot)

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _pixels(src: str, base: str) -> np.ndarray:
    """The RGB pixels (H, W, 3) of an <img> src (a data URL or a file the server serves)."""
    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        url = src if src.startswith("http") else base.rstrip("/") + "/" + src.lstrip("/")
        data = httpx.get(url, timeout=30).content
    return np.asarray(PIL.Image.open(io.BytesIO(data)).convert("RGB"))


def _mask(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return (image == colour).all(axis=2)


def _step_of(status: str) -> int:
    return int(re.search(r"step ([\d,]+)", status).group(1).replace(",", ""))


def test_d_step_reshapes_the_heat_map_and_g_step_moves_the_points(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, height=1500)
        status = page.locator("#status")

        # Slow: 10 steps a second. The speed reaches the server before Start (it is said in the status line).
        for attempt in range(40):  # a choice made before the page has its session is refused: choose again
            if attempt:
                page.locator("#speed").get_by_text("Very slow: 1 step a second").click()
                page.wait_for_timeout(250)
            page.locator("#speed").get_by_text("Slow: 10 steps a second").click()
            page.wait_for_timeout(250)
            if "10 steps a second" in status.inner_text():
                break
        assert "10 steps a second" in status.inner_text()
        choose_preset(page, "ring-js")

        page.click("#start")
        started = time.monotonic()
        wait(lambda: "Training" in status.inner_text() and _step_of(status.inner_text()) >= 3, 60, "slow steps")
        page.wait_for_timeout(1500)
        steps, wall = _step_of(status.inner_text()), time.monotonic() - started
        assert steps <= 1 + math.ceil(10 * wall), (steps, wall)  # a step starts at most every 0.1 s

        page.locator("#speed").get_by_text("Full speed").click()
        lifted, base = time.monotonic(), _step_of(status.inner_text())
        wait(lambda: _step_of(status.inner_text()) > base + 200, 60, "training at full speed")
        gained, wall = _step_of(status.inner_text()) - base, time.monotonic() - lifted
        assert gained > 1 + math.ceil(10 * wall), (gained, wall)  # faster than the slow pace allows

        samples = page.locator("#samples img")
        change = page.locator("#step-change img")
        caption = page.locator("#step-change-caption")

        def press(button: str, caption_words: str) -> np.ndarray:
            """Click a step button; the plot's pixels once the page has settled on the new picture."""
            before = change.get_attribute("src") if change.count() else None
            page.click(button)
            wait(lambda: change.count() and change.get_attribute("src") != before
                 and caption_words in caption.inner_text(), 30, f"the change picture after {button}")
            # The step's reply and the page's poll both send the plot (a poll under way may still bring the one
            # before): read it once it has stayed the same for two polls.
            shown, since = samples.get_attribute("src"), time.monotonic()
            while time.monotonic() - since < 2.5:
                page.wait_for_timeout(100)
                if samples.get_attribute("src") != shown:
                    shown, since = samples.get_attribute("src"), time.monotonic()
            return _pixels(shown, app_url)

        first = press("#d-step", "What one D step changed")  # pauses the run, then one D update
        wait(lambda: "Paused" in status.inner_text(), 15, "the run to pause")
        held = _step_of(status.inner_text())
        after_d = press("#d-step", "What one D step changed")
        assert _step_of(status.inner_text()) == held  # a D update is not a generator iteration
        points = _mask(first, RED) | _mask(first, BLACK) | _mask(after_d, RED) | _mask(after_d, BLACK)
        assert np.array_equal(_mask(first, RED), _mask(after_d, RED)), "a D step moved the points"
        assert (first[~points] != after_d[~points]).any(axis=1).sum() > 100, "the heat map did not change"

        after_g = press("#g-step", "What one G step changed")
        assert _step_of(status.inner_text()) == held + 1
        assert not np.array_equal(_mask(after_d, RED), _mask(after_g, RED)), "a G step did not move the points"
        points = _mask(after_d, RED) | _mask(after_d, BLACK) | _mask(after_g, RED) | _mask(after_g, BLACK)
        assert np.array_equal(after_d[~points], after_g[~points]), "a G step changed the heat map"
        page.screenshot(path=str(shots / "slowmo.png"))
        page.click("#stop")
        wait(lambda: "Stopped" in status.inner_text(), 15, "the run to stop")
        browser.close()
